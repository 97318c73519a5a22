// The page: inputs -> worker (the Python core) -> panels. It decides nothing
// about nginx; it sends the inputs, draws the reply (worded by the core for
// the page: `result.page`), and offers copies and downloads of what the core
// produced.
import { CoreClient, StaleReply } from "./client.js";
import { createEditor } from "./editor.js";
import { arrowKeyTabs, copyText, download, el, inlineCode, markdown } from "./dom.js";
import { $, listed, OPTION_FIELDS } from "./elements.js";
import { setupExamples } from "./examples.js";
import { DRAW_LIMIT, renderFix } from "./fixview.js";
import { editorMarks, renderItems } from "./items.js";
import { setupKeep } from "./keep.js";
import { setupLlm } from "./llm.js";
import { readShared, shareLink } from "./share.js";
import { announce, markStale, renderVerdict } from "./verdict.js";

if (document.documentElement.dataset.framed !== undefined) {
  document.body.replaceChildren(el("p", { className: "state error", text: "upstream-tls does not run inside another page's frame: open it directly." }));
  throw new Error("upstream-tls: framed by another page; not started");
}
const PHASES = {
  starting: "Starting the Python core…",
  runtime: "Loading the Python runtime…",
  packages: "Loading upstream-tls…",
  ready: "Python core ready",
};
const FIELD_IDS = ["log-input", "chain-input", ...Object.values(OPTION_FIELDS)];
// The list's line before anything is pasted (web/index.html says the same, so nothing moves).
const NOTHING_YET = "Nothing to list yet.";
// Buttons that act on a drawn result: off from an edit until its result is drawn.
const RESULT_ACTIONS = "#copy-fixed, #download-fixed, #download-ca, #copy-redacted, #share-link, #file-downloads button";
// sent: the inputs of the last result drawn; drawn: the last result shown
// in full (kept, marked stale, while an option is half-typed).
const state = { result: null, sent: null, drawn: null, fileName: null, notice: null, running: 0 };

const editor = createEditor($("editor-host"), {
  onChange: (_text, { whole }) => schedule({ now: whole }),
  onDropFile: (file) => openFile(file),
});
const core = new CoreClient(showStatus, window.upstreamTlsBoot);
const llm = setupLlm({ core, inputs, toolFix: () => state.drawn?.result.fix?.text ?? null });
const keep = setupKeep({ latest: keptInputs });
// For tests and scripts: the same core the page uses, and what it last drew.
window.upstreamTls = {
  analyze: (payload) => core.request("analyze", payload),
  shown: () => (document.body.dataset.pending ? null : state.sent),
};

function showStatus(phase, detail) {
  const status = $("status");
  status.dataset.phase = phase;
  status.textContent = phase === "error" ? `The Python core failed to start: ${detail}` : PHASES[phase] ?? phase;
  if (phase === "ready") {
    analyze();
    llm.ready();
    registerServiceWorker();
  }
}

function inputs() {
  return {
    config: editor.text(),
    name: state.fileName || undefined,
    log: $("log-input").value,
    chain: $("chain-input").value,
    options: Object.fromEntries(Object.entries(OPTION_FIELDS).map(([key, id]) => [key, $(id).value])),
  };
}

// From a share link, an example or an earlier visit.
function setInputs({ config, log = "", chain = "", options = {} }) {
  state.fileName = null;
  $("log-input").value = log;
  $("chain-input").value = chain;
  for (const [key, id] of Object.entries(OPTION_FIELDS)) {
    const value = options[key] ?? "";
    if (key !== "mode") $(id).value = value;
    else if (["production", "dev"].includes(value || "production")) $(id).value = value || "production";
  }
  editor.setText(config);
  schedule();
}

function keptInputs() {
  if (!state.result || !state.sent) return null;
  const { redaction } = state.result;
  return { inputs: state.sent, redacted: { ...state.sent, config: redaction.text, log: redaction.log, chain: redaction.chain } };
}

// body[data-pending] is set from an edit until the result for it is drawn.
// Typing waits for a pause (longer in a large text); a paste runs `now`.
let timer = null;
function schedule({ now = false } = {}) {
  llm.refresh();
  clearTimeout(timer);
  document.body.dataset.pending = "true";
  for (const button of document.querySelectorAll(RESULT_ACTIONS)) button.disabled = true;
  const size = editor.view.state.doc.length;
  timer = setTimeout(() => {
    timer = null;
    analyze();
  }, now ? 0 : 200 + Math.min(800, size / 2000));
}

async function analyze() {
  if (!core.ready) return;
  const payload = inputs();
  state.running++;
  document.body.dataset.busy = "true";
  // A large paste takes the core a while: say so instead of showing the last result's words.
  const slow = setTimeout(() => {
    $("findings-state").className = "state";
    $("findings-state").textContent = `Checking ${editor.view.state.doc.lines.toLocaleString()} lines…`;
  }, 400);
  try {
    const result = await core.request("analyze", payload, { latestOnly: true });
    state.result = result;
    state.sent = payload;
    render(result, payload);
  } catch (error) {
    if (error instanceof StaleReply) return;
    showFailure(error.message);
  } finally {
    clearTimeout(slow);
    if (--state.running === 0) delete document.body.dataset.busy;
  }
  if (timer === null) delete document.body.dataset.pending;
}

function showFailure(message) {
  $("findings-state").textContent = message;
  $("findings-state").className = "state error";
}

function markFields(errors) {
  for (const id of FIELD_IDS) {
    const note = listed(`${id}-error`) ? $(`${id}-error`) : null;
    if (errors[id]) $(id).setAttribute("aria-invalid", "true");
    else $(id).removeAttribute("aria-invalid");
    if (!note) continue;
    note.hidden = !errors[id];
    note.replaceChildren(...(errors[id] ? inlineCode(errors[id]) : []));
  }
}

function render(result, payload) {
  markFields(result.page.fields);
  renderRedaction(result.redaction, payload.config);
  renderChain(result);
  // A half-typed option gives no fix: the last good result stays, marked stale.
  const stale = result.option_problems.length > 0 && state.drawn !== null;
  markStale(stale);
  if (!stale) {
    state.drawn = { result, payload };
    renderResults(result, payload);
  }
  $("copy-fixed").disabled = $("download-fixed").disabled = stale || !state.drawn.result.fix;
  $("download-ca").disabled = stale || !state.drawn.result.chain?.ca_bundle?.pem;
  for (const button of document.querySelectorAll("#file-downloads button")) button.disabled = stale;
  keep.save();
}

function renderResults(result, payload) {
  const page = result.page;
  renderVerdict(page.verdict, { goToLine });
  const counts = renderItems(page.items, { goToLine, showRule });
  const problem = page.problems[0];
  $("editor-error").hidden = !problem;
  $("editor-error").replaceChildren(...(problem ? [`nginx would refuse ${problem.where.label}: `, ...inlineCode(problem.message)] : []));
  editor.mark(problem ? page.problems.map((p) => ({ line: p.where.paste_line, severity: "error", code: "parse", message: p.message }))
    : editorMarks(page.items));
  renderListState(result, counts);
  renderMissing(page);
  renderFix(result, payload, { fileName: fixedName(), goToLine });
  announce(page.verdict, counts);
}

function renderListState(result, counts) {
  const line = $("findings-state");
  line.className = "state";
  const total = result.findings_total;
  $("findings-count").textContent = counts.causes + total ? `(${(counts.causes + total).toLocaleString()})` : "";
  if (result.empty) line.textContent = state.notice ?? NOTHING_YET;
  else if (total > counts.findings) {
    line.textContent = `The first ${counts.findings.toLocaleString()} of ${total.toLocaleString()} findings are shown; `
      + "the command line (`upstream-tls check FILE`) lists them all.";
  } else if (result.diagnostics.length) line.textContent = "Nothing to list until nginx could read the config.";
  else line.textContent = counts.causes + counts.findings ? "" : "No causes or findings.";
  if (result.empty && state.notice) line.className = "state error";
}

function renderMissing(page) {
  $("missing").replaceChildren(...(page.missing.length ? [el("p", { text: "What would decide:" }),
    el("ul", {}, page.missing.map((line) => el("li", {}, inlineCode(line))))] : []));
  $("unexplained").replaceChildren(...(page.unexplained.length ? [el("details", { className: "unexplained" },
    el("summary", { text: `${page.unexplained.length} pasted line(s) no check reads` }),
    el("pre", { text: page.unexplained.join("\n") }))] : []));
}

// What the chain says, beside the chain box (its errors are marked on the box).
function renderChain(result) {
  const chain = result.chain;
  $("chain-summary").replaceChildren(...(chain?.summary ? [el("details", {},
    el("summary", { text: "What the chain says" }), el("pre", { text: chain.summary.join("\n") }))]
    : chain?.probe_errors ? [el("p", { className: "hint", text: "No certificate here: what openssl s_client printed is read as evidence." })] : []));
}

function goToLine(line) {
  editor.goToLine(line);
}

async function showRule(code) {
  const dialog = $("rule-dialog");
  $("rule-title").textContent = code;
  $("rule-body").replaceChildren(el("p", { text: "Loading…" }));
  dialog.showModal();
  try {
    const rule = await core.request("rule", { code });
    $("rule-title").textContent = `${rule.code} ${rule.name}`;
    $("rule-body").replaceChildren(...markdown(rule.markdown.replace(/^## .*\n/, "")));
  } catch (error) {
    $("rule-body").replaceChildren(el("p", { text: error.message }));
  }
}

function renderRedaction(redaction, config) {
  const body = $("redaction-report").tBodies[0];
  body.replaceChildren(...redaction.report.map((entry) => el("tr", {},
    el("td", { text: entry.line }), el("td", { text: `${entry.code} ${entry.kind}` }), el("td", { text: entry.placeholders.join(", ") }))));
  $("redaction-report").hidden = !redaction.report.length;
  $("redacted").textContent = redaction.text.length <= DRAW_LIMIT ? redaction.text
    : `${(redaction.text.length / 1e6).toFixed(1)} MB is too large to draw here: Copy redacted copies all of it.`;
  $("copy-redacted").disabled = !config.trim();
  $("share-link").disabled = !config.trim();
}

function fixedName() {
  return state.fileName ? state.fileName.replace(/(\.conf)?$/, ".fixed$1") : "nginx-fixed.conf";
}

function showTab(which) {
  const diff = which === "diff";
  $("tab-diff").setAttribute("aria-selected", String(diff));
  $("tab-fixed").setAttribute("aria-selected", String(!diff));
  $("diff-view").hidden = !diff;
  $("fixed-view").hidden = diff;
}

// Decoded as the CLI reads a file: UTF-8 with a byte-order mark kept.
// (Bytes that are not UTF-8 become U+FFFD here; the CLI keeps them.)
async function openFile(file) {
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await file.arrayBuffer());
  state.fileName = file.name;
  editor.setText(text);
}

function wire() {
  for (const id of FIELD_IDS) $(id).addEventListener(id === "mode" ? "change" : "input", () => schedule());
  $("open-file").addEventListener("click", () => $("file-input").click());
  $("file-input").addEventListener("change", (event) => event.target.files[0] && openFile(event.target.files[0]));
  $("load-sample").addEventListener("click", async () => {
    const before = editor.text();
    const sample = await (await fetch("sample.conf")).text();
    if (editor.text() !== before) return; // typed or pasted while it loaded: keep that
    state.fileName = null;
    editor.setText(sample);
  });
  $("clear").addEventListener("click", () => { state.fileName = null; editor.setText(""); });
  const zone = $("drop-zone");
  zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("dropping"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("dropping"));
  zone.addEventListener("drop", (event) => {
    zone.classList.remove("dropping");
    if (event.defaultPrevented) return; // the editor took it
    event.preventDefault();
    const file = event.dataTransfer.files[0];
    if (file) openFile(file);
  });
  $("tab-diff").addEventListener("click", () => showTab("diff"));
  $("tab-fixed").addEventListener("click", () => showTab("fixed"));
  $("copy-fixed").addEventListener("click", (event) => copyText(state.drawn.result.fix.text, event.target));
  $("download-fixed").addEventListener("click", () => download(fixedName(), state.drawn.result.fix.text));
  $("download-ca").addEventListener("click", () => {
    const bundle = state.drawn.result.chain.ca_bundle;
    download(bundle.file_name, bundle.pem);
  });
  $("copy-redacted").addEventListener("click", (event) => copyText(state.result.redaction.text, event.target));
  $("share-link").addEventListener("click", async (event) => copyText(await shareLink(keptInputs().redacted), event.target));
  setupExamples(setInputs);
}

// A share link wins over input kept by an earlier visit.
async function restoreInputs() {
  const shared = await readShared(location.hash);
  if (shared?.error) {
    state.notice = shared.error;
    showFailure(shared.error);
  } else if (shared) setInputs(shared.inputs);
  else if (keep.restored) setInputs(keep.restored);
}

// Registered once the core is ready: its install downloads the whole build
// again, which would otherwise compete with the runtime's first load.
function registerServiceWorker() {
  const line = $("offline-state");
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("sw.js").then(() => navigator.serviceWorker.ready)
    .then(() => { line.textContent = "available offline"; })
    .catch(() => { line.textContent = "offline cache unavailable"; });
}

wire();
arrowKeyTabs();
restoreInputs();
