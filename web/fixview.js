// The Fix panel: notes in page words, the diff (one per changed file of an
// `nginx -T` dump, numbered by that file's lines), the fixed text, a
// download per changed file, the deploy checklist and the probe commands.
import { createDiff } from "./editor.js";
import { copyText, download, el, inlineCode } from "./dom.js";
import { $ } from "./elements.js";
import { lineLink } from "./items.js";

// Text longer than this is offered as a download and a copy, not drawn: a
// 30 MB <pre> or diff would hold the page's thread for tens of seconds.
export const DRAW_LIMIT = 2_000_000;
// The diff views on screen (or the promises of them, should the merge view
// load lazily), destroyed before the next result is drawn.
const diffs = [];

function tooLarge(text) {
  return `${(text.length / 1e6).toFixed(1)} MB is too large to draw here: use Download fixed file or Copy.`;
}

// What the fix offers: one file (the paste), or each changed file of a dump.
function fixedFiles(result, payload, fileName) {
  const files = result.page.files;
  if (files) return files;
  return [{ path: null, name: fileName, original: payload.config, text: result.fix.text }];
}

function noteItem(note, goToLine) {
  const where = note.where ? [lineLink(note.where, goToLine), " "] : note.label ? [`${note.label}: `] : [];
  return el("li", { className: `${note.kind} ${note.severity ?? ""}`.trim() }, ...where, inlineCode(note.text));
}

function copyButton(text) {
  return el("button", { type: "button", onclick: (event) => copyText(text, event.target), text: "Copy" });
}

function drawDiffs(files) {
  const view = $("diff-view");
  for (const file of files) {
    if (file.original === file.text) continue;
    if (file.path) view.append(el("h4", { className: "file-name", text: file.path }));
    const host = el("div", { className: "diff-host" });
    view.append(host);
    if (file.original.length > DRAW_LIMIT || file.text.length > DRAW_LIMIT) {
      host.append(el("p", { className: "state", text: `The diff of a file this large is not drawn: ${tooLarge(file.text)}` }));
      continue;
    }
    const name = file.path ?? "config";
    diffs.push(createDiff(host, file.original, file.text, [`original ${name}`, `fixed ${name}`]));
  }
}

function drawFixed(files, dump) {
  $("fixed-view").replaceChildren(...files.flatMap((file) => [
    dump ? el("h4", { className: "file-name", text: file.path }) : null,
    el("pre", { tabindex: "0", role: "region", "aria-label": `fixed ${file.path ?? "config"}`,
      text: file.text.length <= DRAW_LIMIT ? file.text : tooLarge(file.text) }),
  ]).filter(Boolean));
}

// A dump offers each changed file under its own name, never the dump itself.
function drawFileDownloads(files, dump) {
  $("file-downloads").replaceChildren(...(dump ? files.map((file) => el("div", { className: "file-download" },
    el("button", {
      type: "button", "data-file": file.path, onclick: () => download(file.name, file.text),
      "aria-label": `Download the fixed ${file.path}`, text: `Download ${file.name}`,
    }),
    copyButton(file.text), el("span", { className: "muted", text: file.path }))) : []));
}

function drawDeploy(steps) {
  $("deploy").hidden = !steps.length;
  $("deploy-steps").replaceChildren(...steps.map((step, index) => {
    const id = `deploy-step-${index}`;
    return el("li", { className: "deploy-step" },
      el("input", { type: "checkbox", id, "aria-label": `Done: step ${index + 1}` }),
      el("div", {},
        el("label", { for: id, className: "step-title" }, inlineCode(step.title)),
        step.command ? el("div", { className: "command" }, el("pre", { text: step.command }), copyButton(step.command)) : null,
        step.expect ? el("p", { className: "expect" }, "Expect: ", el("code", { text: step.expect })) : null));
  }));
}

function drawProbes(probes, total) {
  const box = $("probes");
  box.replaceChildren();
  if (!probes.length) return;
  box.append(el("h3", { text: "Check the upstream from the nginx host" }), ...probes.map((probe) => el("details", { className: "probe" },
    el("summary", { text: probe.name ? `${probe.address} (name ${probe.name})` : probe.address }),
    probe.commands.map((command) => el("div", { className: "command" },
      el("p", { text: command.purpose }), el("pre", { text: command.command }), copyButton(command.command))))));
  if (total > probes.length) box.append(el("p", { className: "hint", text: `and ${total - probes.length} more upstreams` }));
}

function fixState(result) {
  if (result.page.verdict?.kind === "not-nginx") return "No fix: this is not an nginx config.";
  if (result.diagnostics?.length) return "No fix until the config parses: see the verdict above.";
  if (result.option_problems.length) return "No fix until the marked option is corrected.";
  return "The fixed config appears here.";
}

export function renderFix(result, payload, { fileName, goToLine }) {
  while (diffs.length) Promise.resolve(diffs.pop()).then((view) => view.destroy());
  $("diff-view").replaceChildren();
  const fix = result.fix;
  const dump = Boolean(result.page.files);
  const files = fix ? fixedFiles(result, payload, fileName) : [];
  $("tab-fixed").textContent = dump ? "Fixed files" : "Fixed file";
  // Enabled or not by app.js, which knows whether the result is stale.
  for (const id of ["copy-fixed", "download-fixed"]) $(id).hidden = dump;
  const bundle = result.chain?.ca_bundle;
  $("ca-hint").textContent = bundle?.pem ? `CA bundle: ${bundle.subject}, as ${bundle.file_name}.`
    : bundle?.error ?? (result.chain?.error ? "No CA bundle: the chain under Evidence could not be read (see there)."
      : "The CA bundle comes from the chain the upstream presents: paste it under Evidence.");
  drawFixed(files, dump);
  drawFileDownloads(files, dump);
  drawProbes(result.probes ?? [], result.probes_total ?? 0);
  drawDeploy(fix?.changed ? result.page.deploy : []);
  const notes = result.page.notes.map((note) => noteItem(note, goToLine));
  $("fix-notes").replaceChildren(...(notes.length ? [el("ul", {}, notes)] : []));
  if (!fix) {
    $("fix-state").textContent = fixState(result);
    return;
  }
  $("fix-state").textContent = !fix.changed ? "Nothing to change: the config comes back byte for byte."
    : dump ? `${files.length} file${files.length === 1 ? "" : "s"} of the dump change; each is offered on its own.` : "";
  if (fix.changed) drawDiffs(files);
}
