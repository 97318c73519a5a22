// The page: inputs -> worker (the Python core) -> panels. It decides nothing
// about nginx; it sends the inputs, draws the reply, and offers copies and
// downloads of what the core produced.
import { CoreClient, StaleReply } from "./client.js";
import { createDiff, createEditor } from "./editor.js";
import { arrowKeyTabs, copyText, download, el, inlineCode, markdown } from "./dom.js";
import { setupLlm } from "./llm.js";
import { readShared, shareLink } from "./share.js";

const $ = (id) => document.getElementById(id);
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
const state = { result: null, fileName: null, diff: null, sent: null, notice: null };

const editor = createEditor($("editor-host"), { onChange: () => schedule(), onDropFile: (file) => openFile(file) });
const core = new CoreClient(showStatus, window.upstreamTlsBoot);
const llm = setupLlm({ core, inputs, toolFix: () => state.result?.fix?.text ?? null });
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
    options: {
      mode: $("mode").value,
      ca_file: $("ca-file").value,
      ssl_names: $("ssl-names").value,
      nginx_version: $("nginx-version").value,
      client_cert: $("client-cert").value,
      client_key: $("client-key").value,
    },
  };
}

// body[data-pending] is set from an edit until the result for it is drawn.
let timer = null;
function schedule() {
  llm.refresh();
  clearTimeout(timer);
  document.body.dataset.pending = "true";
  // Until the new result is drawn, copies and downloads would be of the old one.
  for (const id of ["copy-fixed", "download-fixed", "download-ca", "copy-redacted", "share-link"]) $(id).disabled = true;
  const size = editor.view.state.doc.length;
  timer = setTimeout(() => {
    timer = null;
    analyze();
  }, 200 + Math.min(800, size / 2000));
}

async function analyze() {
  if (!core.ready) return;
  const payload = inputs();
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
    if (core.pending.size === 0) delete document.body.dataset.busy;
  }
  if (timer === null) delete document.body.dataset.pending;
}

function showFailure(message) {
  $("findings-state").textContent = message;
  $("findings-state").className = "state error";
}

function render(result, payload) {
  renderOptionProblems(result.option_problems);
  renderFindings(result);
  renderCauses(result);
  renderFix(result, payload);
  renderRedaction(result.redaction, payload.config);
}

function renderOptionProblems(problems) {
  $("option-problems").textContent = problems.join("; ");
}

function renderFindings(result) {
  const list = $("findings");
  const stateLine = $("findings-state");
  list.replaceChildren();
  $("findings-count").textContent = "";
  stateLine.className = "state";
  if (result.empty) {
    stateLine.textContent = state.notice ?? "Paste a config to start.";
    editor.mark([]);
    return;
  }
  if (result.diagnostics.length) {
    stateLine.className = "state error";
    stateLine.replaceChildren("The config does not parse: ", ...result.diagnostics.map((d) =>
      el("button", { type: "button", className: "link", onclick: () => editor.goToLine(d.line), text: `line ${d.line}: ${d.message}` })));
    editor.mark(result.diagnostics.map((d) => ({ line: d.line, severity: "error", code: "parse", message: d.message })));
    return;
  }
  const findings = result.findings;
  editor.mark(findings);
  $("findings-count").textContent = result.findings_total ? `(${result.findings_total.toLocaleString()})` : "";
  stateLine.textContent = findings.length ? "" : "No upstream TLS problems found.";
  list.append(...findings.map(findingItem));
  if (result.findings_total > findings.length) {
    stateLine.textContent = `The first ${findings.length.toLocaleString()} of ${result.findings_total.toLocaleString()} ` +
      "findings are shown; `upstream-tls check FILE` lists them all.";
  }
}

// Text longer than this is offered as a download and a copy, not drawn: a
// 30 MB <pre> or diff would hold the page's thread for tens of seconds.
const DRAW_LIMIT = 2_000_000;

function drawable(text) {
  return text.length <= DRAW_LIMIT;
}

function tooLarge(text) {
  return `${(text.length / 1e6).toFixed(1)} MB is too large to draw here: use Download fixed file or Copy.`;
}

function findingItem(finding) {
  const where = finding.file && finding.file !== "<input>" ? `${finding.file}:${finding.line}` : `line ${finding.line}`;
  return el("li", {
    className: `finding ${finding.severity}`, "data-code": finding.code, "data-line": finding.line,
    "data-severity": finding.severity,
  },
  el("button", { type: "button", className: "line-link", title: "Show in the editor", onclick: () => editor.goToLine(finding.line), text: where }),
  el("span", { className: `badge ${finding.severity}`, text: finding.severity }),
  el("button", { type: "button", className: "code-link", title: `What ${finding.code} means`, onclick: () => showRule(finding.code), text: finding.code }),
  el("span", { className: "message" }, inlineCode(finding.message)),
  finding.fix ? el("span", { className: `fix-title ${finding.fix.applicability}` }, `fix (${finding.fix.applicability}): `, inlineCode(finding.fix.title)) : null);
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

function renderCauses(result) {
  const causes = $("causes");
  causes.replaceChildren();
  $("unexplained").replaceChildren();
  const chain = result.chain;
  $("chain-summary").replaceChildren(...(chain ? [chain.error
    ? el("p", { className: "state error", text: chain.error })
    : chain.probe_errors
      ? el("p", { className: "state", text: "No certificate here: what openssl s_client printed is read as evidence." })
      : el("details", {}, el("summary", { text: "What the chain says" }), el("pre", { text: chain.summary.join("\n") }))] : []));
  const diagnosis = result.diagnosis;
  if (!diagnosis) {
    $("causes-state").textContent = result.empty || result.diagnostics.length ? "" :
      "Add error.log lines or the upstream's chain for a diagnosis from evidence.";
    return;
  }
  $("causes-state").textContent = diagnosis.causes.length ? "" : "The evidence points at no known cause.";
  causes.append(...diagnosis.causes.map(causeItem));
  if (diagnosis.missing.length) {
    causes.append(el("div", { className: "missing" }, el("p", { text: "What would decide:" }),
      el("ul", {}, diagnosis.missing.map((line) => el("li", {}, inlineCode(line))))));
  }
  if (diagnosis.unexplained.length) {
    $("unexplained").append(el("details", { className: "unexplained" }, el("summary", { text: `${diagnosis.unexplained.length} pasted line(s) no check reads` }),
      el("pre", { text: diagnosis.unexplained.join("\n") })));
  }
}

function causeItem(cause) {
  const fix = cause.fix;
  return el("article", { className: `cause ${cause.side}`, "data-cause": cause.cause, "data-side": cause.side },
    el("header", {},
      el("strong", { text: cause.title }),
      el("span", { className: "badge", text: cause.cause }),
      el("span", { className: `badge side-${cause.side}`, text: cause.side === "config" ? "fix in this config" : "fix on the upstream" }),
      cause.tls ? null : el("span", { className: "badge", text: "not TLS" }),
      el("span", { className: "confidence", text: `${Math.round(cause.confidence * 100)}%` })),
    el("ul", { className: "evidence" }, cause.evidence.map((line) => el("li", {}, inlineCode(line)))),
    cause.decides ? el("p", { className: "decides" }, "What decides: ", inlineCode(cause.decides)) : null,
    cause.note ? el("p", { className: "note" }, inlineCode(cause.note)) : null,
    el("p", { className: `fix-title ${fix.applicability}` }, `${fix.applicability}: `, inlineCode(fix.title)),
    fix.directives.length ? el("pre", { text: fix.directives.join("\n") }) : null);
}

function renderFix(result, payload) {
  const fix = result.fix;
  const notes = $("fix-notes");
  notes.replaceChildren();
  state.diff?.destroy();
  state.diff = null;
  $("diff-view").replaceChildren();
  $("fixed-view").textContent = !fix ? "" : drawable(fix.text) ? fix.text : tooLarge(fix.text);
  for (const id of ["copy-fixed", "download-fixed"]) $(id).disabled = !fix;
  const bundle = result.chain?.ca_bundle;
  $("download-ca").disabled = !bundle?.pem;
  $("ca-hint").textContent = bundle?.pem ? `CA bundle: ${bundle.subject}, as ${bundle.file_name}.`
    : bundle?.error ?? "The CA bundle comes from the chain the upstream presents: paste it under Evidence.";
  renderProbes(result.probes ?? [], result.probes_total ?? 0);
  if (!fix) {
    $("fix-state").textContent = result.diagnostics?.length ? "Fix the parse error first."
      : result.option_problems.length ? "Correct the fix options first (see above)." : "The fixed config appears here.";
    return;
  }
  $("fix-state").textContent = fix.changed ? "" : "Nothing to change: the config comes back byte for byte.";
  const items = [
    ...fix.applied.map((a) => el("li", { className: "applied" }, `${a.code} (line ${a.line}): `, inlineCode(a.title))),
    ...fix.notes.map((n) => el("li", { className: "note" }, inlineCode(n))),
    ...fix.placeholders.map((p) => el("li", { className: "todo" }, "Fill in: ", inlineCode(p))),
    ...fix.outstanding.map((o) => el("li", { className: "todo" }, "Not done: ", inlineCode(o))),
    ...fix.remaining.map((f) => el("li", { className: `remaining ${f.severity}` }, `Still: ${f.code} (fixed text line ${f.line}) `, inlineCode(f.message))),
  ];
  for (const [shown, total, what] of [[fix.applied.length, fix.applied_total, "fixes applied"], [fix.remaining.length, fix.remaining_total, "findings left"]]) {
    if (total > shown) items.push(el("li", { className: "note", text: `and ${(total - shown).toLocaleString()} more ${what}` }));
  }
  if (items.length) notes.append(el("ul", {}, items));
  if (!fix.changed) return;
  if (drawable(payload.config) && drawable(fix.text)) state.diff = createDiff($("diff-view"), payload.config, fix.text);
  else $("diff-view").replaceChildren(el("p", { className: "state", text: `The diff of a config this large is not drawn: ${tooLarge(fix.text)} (Or run \`upstream-tls fix FILE --diff\`.)` }));
}

function probeItem(probe) {
  return el("details", { className: "probe" },
    el("summary", { text: probe.name ? `${probe.address} (name ${probe.name})` : probe.address }),
    probe.commands.map((command) => el("div", { className: "command" },
      el("p", { text: command.purpose }),
      el("pre", { text: command.command }),
      el("button", { type: "button", onclick: (event) => copyText(command.command, event.target), text: "Copy" }))));
}

function renderProbes(probes, total) {
  const box = $("probes");
  box.replaceChildren();
  if (!probes.length) return;
  box.append(el("h3", { text: "Check the upstream from the nginx host" }), ...probes.map(probeItem));
  if (total > probes.length) box.append(el("p", { className: "hint", text: `and ${total - probes.length} more upstreams` }));
}

function renderRedaction(redaction, config) {
  const body = $("redaction-report").tBodies[0];
  body.replaceChildren(...redaction.report.map((entry) => el("tr", {},
    el("td", { text: entry.line }), el("td", { text: `${entry.code} ${entry.kind}` }), el("td", { text: entry.placeholders.join(", ") }))));
  $("redaction-report").hidden = !redaction.report.length;
  $("redacted").textContent = drawable(redaction.text) ? redaction.text
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
  state.fileName = file.name;
  editor.setText(new TextDecoder("utf-8", { ignoreBOM: true }).decode(await file.arrayBuffer()));
}

function wire() {
  for (const id of ["log-input", "chain-input", "ca-file", "ssl-names", "client-cert", "client-key", "nginx-version"]) $(id).addEventListener("input", schedule);
  $("mode").addEventListener("change", schedule);
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
  $("copy-fixed").addEventListener("click", (event) => copyText(state.result.fix.text, event.target));
  $("download-fixed").addEventListener("click", () => download(fixedName(), state.result.fix.text));
  $("download-ca").addEventListener("click", () => download(state.result.chain.ca_bundle.file_name, state.result.chain.ca_bundle.pem));
  $("copy-redacted").addEventListener("click", (event) => copyText(state.result.redaction.text, event.target));
  $("share-link").addEventListener("click", async (event) => copyText(await shareLink(state.result.redaction.text), event.target));
}

async function restoreShared() {
  const shared = await readShared(location.hash);
  if (shared?.error) {
    state.notice = shared.error;
    showFailure(shared.error);
  }
  else if (shared !== null) editor.setText(shared.text);
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
restoreShared();
