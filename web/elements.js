// The elements of web/index.html the page's modules reach by id, in one
// place: every module takes them through $(), which refuses an id not listed
// here, so a renamed element fails loudly at the line that wants it
// (tests/unit/test_web_elements.py checks the list against index.html).
// boot.js, a classic script run before this bundle, reaches #load-progress
// on its own.
export const ELEMENT_IDS = Object.freeze([
  // The inputs, and the note beside each field that says what is wrong with it.
  "status", "offline-state", "drop-zone", "open-file", "file-input", "load-sample", "clear", "examples",
  "editor-host", "editor-error", "log-input", "log-input-error", "chain-input", "chain-input-error", "chain-summary",
  "mode", "ca-file", "ca-file-error", "ssl-names", "ssl-names-error", "nginx-version", "nginx-version-error",
  "client-cert", "client-cert-error", "client-key", "client-key-error",
  // The verdict and the list.
  "announce", "stale-note", "verdict", "verdict-headline", "verdict-meta", "verdict-steps", "findings-count",
  "findings-state", "causes", "findings", "missing", "unexplained", "rule-dialog", "rule-title", "rule-body",
  // The fix.
  "tab-diff", "tab-fixed", "copy-fixed", "download-fixed", "download-ca", "ca-hint", "fix-state", "file-downloads",
  "fix-notes", "diff-view", "fixed-view", "deploy", "deploy-steps", "probes",
  // Share and keep.
  "copy-redacted", "share-link", "redaction-report", "redacted", "keep-input", "keep-original", "keep-note",
  "keep-clear",
  // Ask an LLM.
  "llm-panel", "llm-provider", "llm-base-url", "llm-model", "llm-key", "llm-remember", "llm-remember-note",
  "llm-preview", "llm-notes", "llm-send", "llm-cancel", "llm-state", "llm-warnings", "llm-stream", "llm-result",
  "llm-explanation", "llm-answer", "llm-tab-original", "llm-tab-fix", "llm-diff",
]);
// The option fields, by the name the core reads them under.
export const OPTION_FIELDS = Object.freeze({ mode: "mode", ca_file: "ca-file", ssl_names: "ssl-names",
  nginx_version: "nginx-version", client_cert: "client-cert", client_key: "client-key" });
const LISTED = new Set(ELEMENT_IDS);

export function listed(id) {
  return LISTED.has(id);
}

// The element with this id; an id not listed above, or listed but absent
// from the page, is a bug and throws naming it.
export function $(id) {
  if (!LISTED.has(id)) throw new Error(`upstream-tls: #${id} is not in web/elements.js`);
  const element = document.getElementById(id);
  if (!element) throw new Error(`upstream-tls: web/index.html has no #${id} (web/elements.js lists it)`);
  return element;
}
