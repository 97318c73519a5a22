// The one list below the verdict: the diagnosis's causes, then the config's
// findings, each said the same way (what, which side changes, how sure,
// whether the fix below does it). Items come worded from the core
// (bridge `page.items`).
import { el, inlineCode } from "./dom.js";
import { $ } from "./elements.js";

// Past this many findings, items off screen are not laid out until scrolled to.
const LONG_LIST = 100;

// A link to a line: `data-line` is the line in its own file (what the notes
// and the command line say), `data-paste-line` the line of the editor.
export function lineLink(where, goToLine, what = "") {
  return el("button", {
    type: "button", className: "line-link", "data-line": where.line, "data-paste-line": where.paste_line,
    title: "Show in the editor", "aria-label": `Show ${where.label} in the editor${what ? `: ${what}` : ""}`,
    onclick: () => goToLine(where.paste_line), text: where.label,
  });
}

function chip(className, text) {
  return text ? el("span", { className: `chip ${className}`, text }) : null;
}

function shortText(text, length = 60) {
  const plain = text.replace(/`/g, "");
  return plain.length > length ? `${plain.slice(0, length - 1)}…` : plain;
}

function causeItem(item, { goToLine }) {
  return el("li", {
    className: `item cause side-${item.side}`, "data-cause": item.cause, "data-side": item.side,
    "data-verdict": item.verdict ? "true" : null,
  },
  el("p", { className: "item-head" },
    el("span", { className: "kind", text: item.verdict ? "The verdict's cause" : "Possible cause" }),
    el("strong", { className: "headline" }, inlineCode(item.headline))),
  el("p", { className: "chips" },
    chip(`side-${item.side}`, item.side_text),
    chip("sure", item.sure), item.tls ? null : chip("", "not TLS"), chip(`status-${item.status}`, item.status_text),
    item.where ? lineLink(item.where, goToLine, shortText(item.headline)) : null),
  el("p", { className: "action" }, el("span", { className: "label", text: "What to do: " }), inlineCode(item.action)),
  item.directives.length ? el("pre", { text: item.directives.join("\n") }) : null,
  item.evidence.length ? el("ul", { className: "evidence", "aria-label": "Evidence" },
    item.evidence.map((line) => el("li", {}, inlineCode(line)))) : null,
  item.decides ? el("p", { className: "decides" }, el("span", { className: "label", text: "What decides: " }),
    inlineCode(item.decides)) : null,
  item.note ? el("p", { className: "note" }, inlineCode(item.note)) : null);
}

function findingItem(item, { goToLine, showRule }) {
  const where = item.where;
  return el("li", {
    className: `item finding ${item.severity}`, "data-code": item.code, "data-line": where.line,
    "data-paste-line": where.paste_line, "data-severity": item.severity,
  },
  el("p", { className: "item-head" },
    el("span", { className: `badge ${item.severity}`, text: item.sure }),
    el("span", { className: "headline message" }, inlineCode(item.headline))),
  el("p", { className: "chips" },
    lineLink(where, goToLine, shortText(item.headline)),
    chip("side-config", item.side_text), chip(`status-${item.status}`, item.status_text),
    el("button", {
      type: "button", className: "code-link", title: `What ${item.code} means`,
      "aria-label": `What rule ${item.code} (${item.rule}) means`, onclick: () => showRule(item.code), text: item.code,
    })),
  item.action ? el("p", { className: "action" }, el("span", { className: "label", text: "Fix: " }),
    inlineCode(item.action)) : null);
}

// items: page.items (causes first). Returns the counts drawn.
export function renderItems(items, handlers) {
  const causes = items.filter((item) => item.kind === "cause");
  const findings = items.filter((item) => item.kind === "finding");
  $("causes").replaceChildren(...causes.map((item) => causeItem(item, handlers)));
  const list = $("findings");
  list.classList.toggle("long", findings.length > LONG_LIST);
  list.replaceChildren(...findings.map((item) => findingItem(item, handlers)));
  return { causes: causes.length, findings: findings.length };
}

// The lines the editor marks (gutter and underline), at their paste lines.
export function editorMarks(items) {
  return items.filter((item) => item.kind === "finding").map((item) => ({
    line: item.where.paste_line, severity: item.severity, code: item.code, message: item.headline,
  }));
}
