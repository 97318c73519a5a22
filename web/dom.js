// The only way this page puts user-derived text on screen: textContent.
// No innerHTML anywhere, so a config, log or chain can never inject markup.
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = value;
    else if (key === "className") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// Inline markup: `code` and **bold** become elements; <https://…> becomes a
// link only in our own docs (links: true), never in text that may quote input.
export function inlineCode(text, { links = false } = {}) {
  return String(text).split(/(`[^`\n]+`|\*\*[^*\n]+\*\*|<https:\/\/[^>\s]+>)/).filter(Boolean).map((part) => {
    if (part.length > 2 && part.startsWith("`") && part.endsWith("`")) return el("code", { text: part.slice(1, -1) });
    if (part.length > 4 && part.startsWith("**") && part.endsWith("**")) return el("strong", { text: part.slice(2, -2) });
    if (links && part.startsWith("<https://") && part.endsWith(">")) {
      const url = part.slice(1, -1);
      return el("a", { href: url, text: url, target: "_blank", rel: "noopener noreferrer" });
    }
    return part;
  });
}

// A rule's markdown (our own docs, still rendered as text): headings, fenced
// code, bullets and paragraphs are enough for the docs template.
export function markdown(text) {
  const out = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith("```")) {
      const code = [];
      while (++i < lines.length && !lines[i].startsWith("```")) code.push(lines[i]);
      out.push(el("pre", {}, el("code", { text: code.join("\n") })));
    } else if (/^#{1,6} /.test(line)) {
      out.push(el(`h${Math.min(line.indexOf(" ") + 1, 6)}`, {}, inlineCode(line.replace(/^#+ /, ""), { links: true })));
    } else if (/^[-*] /.test(line)) {
      const items = [];
      for (; i < lines.length && /^[-*] /.test(lines[i]); i++) items.push(el("li", {}, inlineCode(lines[i].slice(2), { links: true })));
      i--;
      out.push(el("ul", {}, items));
    } else if (line.trim()) {
      out.push(el("p", {}, inlineCode(line, { links: true })));
    }
  }
  return out;
}

export async function copyText(text, button) {
  button.dataset.label ??= button.textContent;
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = "Copied";
  } catch {
    button.textContent = "Copy failed";
  }
  setTimeout(() => { button.textContent = button.dataset.label; }, 1200);
}

export function download(filename, text) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
  const link = el("a", { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// Tabs as the ARIA pattern expects: one tab stop per tab list, arrow keys
// (and Home/End) move between tabs and select them.
export function arrowKeyTabs(root = document) {
  for (const list of root.querySelectorAll("[role=tablist]")) {
    const tabs = [...list.querySelectorAll("[role=tab]")];
    const sync = () => tabs.forEach((tab) => { tab.tabIndex = tab.getAttribute("aria-selected") === "true" ? 0 : -1; });
    new MutationObserver(sync).observe(list, { subtree: true, attributeFilter: ["aria-selected"] });
    sync();
    list.addEventListener("keydown", (event) => {
      const at = tabs.indexOf(document.activeElement);
      const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1 }[event.key];
      if (at < 0 || to === undefined) return;
      event.preventDefault();
      const tab = tabs[(to + tabs.length) % tabs.length];
      tab.focus();
      tab.click();
    });
  }
}
