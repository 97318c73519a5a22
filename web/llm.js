// "Ask an LLM": the one request this page can make to another origin, and
// only when the person presses Send. The core builds the request from
// redacted text, decodes the reply and checks the answer; this module moves
// bytes between the endpoint and the worker, and holds the key.
import { StaleReply } from "./client.js";
import { createDiff } from "./editor.js";
import { el, inlineCode } from "./dom.js";
import { KeyStore } from "./keys.js";

const $ = (id) => document.getElementById(id);
// The longest wait for the connection or for the next streamed piece.
const IDLE_TIMEOUT_MS = 120_000;
// Error bodies are read this far (as the CLI does) before the core words them.
const ERROR_BODY_LIMIT = 65_536;
const MASK = "••••";

export function setupLlm({ core, inputs, toolFix }) {
  const llm = { providers: {}, prepared: null, controller: null, diff: null, answer: null, streams: 0, generation: 0 };
  const keys = new KeyStore();
  const fields = new Map(); // provider -> {base, model} typed for it
  const panel = $("llm-panel");
  let shownProvider = $("llm-provider").value;
  const provider = () => $("llm-provider").value;
  const topology = () => document.querySelector("input[name=llm-level]:checked").value === "topology";

  // The origin the key field belongs to: the base URL's, else the provider's default.
  function origin() {
    try {
      return new URL($("llm-base-url").value.trim() || llm.providers[provider()]?.base_url).origin;
    } catch {
      return null;
    }
  }

  // The key field shows the key kept for the current provider and endpoint.
  function showKey() {
    const where = origin();
    $("llm-key").value = where ? keys.get(provider(), where) : "";
    $("llm-remember").checked = where !== null && keys.remembered(provider(), where);
    showNote();
  }

  function showNote() {
    const where = origin();
    $("llm-remember-note").textContent = !where ? "Give a valid base URL: the key is kept per endpoint."
      : $("llm-remember").checked
        ? `Stored in this browser's localStorage for ${location.origin} (readable by every page on that origin), in clear text, for ${where} only; untick to delete it.`
        : `Kept in this tab's memory for ${where} only; gone when you close the tab.`;
  }

  function storeKey() {
    const where = origin();
    if (where) keys.set(provider(), where, $("llm-key").value.trim(), $("llm-remember").checked);
    showNote();
  }

  function switchProvider() {
    fields.set(shownProvider, { base: $("llm-base-url").value, model: $("llm-model").value });
    shownProvider = provider();
    const saved = fields.get(shownProvider) ?? { base: "", model: "" };
    $("llm-base-url").value = saved.base;
    $("llm-model").value = saved.model;
    fillDefaults();
    showKey();
    refresh();
  }

  function fillDefaults() {
    const defaults = llm.providers[provider()] ?? {};
    $("llm-base-url").placeholder = defaults.base_url ?? "required, e.g. http://localhost:11434/v1";
    $("llm-model").placeholder = defaults.model ?? "";
    $("llm-key").placeholder = defaults.key_required ? "required" : "optional";
  }

  function request() {
    const page = inputs();
    return {
      provider: provider(), model: $("llm-model").value, base_url: $("llm-base-url").value,
      config: page.config, log: page.log, chain: page.chain, options: page.options, name: page.name,
      topology: topology(), has_key: Boolean($("llm-key").value.trim()),
    };
  }

  function setState(text, kind = "") {
    $("llm-state").textContent = text;
    $("llm-state").className = `llm-state ${kind}`;
  }

  // Send is only enabled for the preview of the inputs as they are now: any
  // change makes a new generation, and older previews are discarded.
  let timer = null;
  function refresh() {
    llm.generation++;
    llm.prepared = null;
    $("llm-send").disabled = true;
    if (!panel.open || !core.ready) return;
    clearTimeout(timer);
    timer = setTimeout(preview, 250);
  }

  async function preview() {
    timer = null;
    const generation = llm.generation;
    const wanted = request();
    if (!wanted.config.trim()) {
      $("llm-preview").textContent = "Paste a config first: the request is built from it.";
      return;
    }
    try {
      const prepared = await core.request("llm_prepare", wanted, { latestOnly: true });
      if (generation !== llm.generation) return;
      llm.prepared = { ...prepared, wanted };
      $("llm-preview").textContent = prepared.preview;
      $("llm-notes").textContent = prepared.notes.join(" ");
      $("llm-send").disabled = llm.controller !== null;
      const summary = Object.entries(prepared.redaction_summary);
      setState(summary.length ? `Redacted: ${summary.map(([kind, n]) => `${n} ${kind}`).join(", ")}.`
        : "Nothing needed redacting.");
    } catch (error) {
      if (error instanceof StaleReply || generation !== llm.generation) return;
      $("llm-preview").textContent = "";
      setState(error.message.replace(/^llm_prepare: /, ""), "error");
    }
  }

  // What the core found in the answer's config, in the words of the main results:
  // a config nginx would refuse, and the rules' findings on it.
  function answerProblems(checked) {
    const refused = checked.diagnostics.map((item) => ({
      kind: "parse-error", severity: "warning", message: `line ${item.line}: nginx would refuse this: ${item.message}`,
    }));
    const found = checked.findings.map((item) => ({
      kind: item.code, severity: item.severity === "info" ? "info" : "warning",
      message: `line ${item.line}: ${item.code} ${item.message}`,
    }));
    return [...refused, ...found];
  }

  function warn(items) {
    $("llm-warnings").replaceChildren(...items.map((item) => el("li", {
      className: `warning-${item.severity ?? "warning"}`, "data-kind": item.kind ?? "",
    }, inlineCode(item.message))));
  }

  // Why a fetch that never got an HTTP status failed, in words a person can act on.
  function networkReason(target, blocked) {
    if (blocked) {
      return `The page's Content-Security-Policy blocked the request to ${target}: it is not one of the origins this ` +
        "build allows. Rebuild with `python build/build.py --allow-origin " + target + "` to allow it.";
    }
    return `The request to ${target} failed before any answer: the endpoint may not allow calls from a browser ` +
      "(CORS — for a local server, allow this page's origin, e.g. OLLAMA_ORIGINS), may be down, or the URL is wrong.";
  }

  // What the core may see of an error response: never the key, and not unbounded.
  function masked(text, key) {
    const cut = text.slice(0, ERROR_BODY_LIMIT);
    return key ? cut.split(key).join(MASK) : cut;
  }

  async function send() {
    const prepared = llm.prepared;
    if (!prepared) return;
    const controller = new AbortController();
    llm.controller = controller;
    $("llm-send").disabled = true;
    $("llm-cancel").disabled = false;
    let idle = setTimeout(() => controller.abort("timeout"), IDLE_TIMEOUT_MS);
    const blocked = [];
    const onViolation = (event) => blocked.push(event.blockedURI);
    document.addEventListener("securitypolicyviolation", onViolation);
    const fixAtSend = toolFix();
    try {
      const target = new URL(prepared.url).origin;
      const key = keys.get(prepared.provider, target);
      if (prepared.key_required && !key) {
        setState(`Enter your API key for ${target} first.`, "error");
        return;
      }
      warn([]);
      $("llm-result").hidden = true;
      $("llm-stream").hidden = false;
      $("llm-stream").textContent = "";
      const headers = { ...prepared.headers };
      if (key) headers[prepared.key_header] = prepared.key_prefix + key;
      setState(`Sending to ${target}…`);
      let response;
      try {
        response = await fetch(prepared.url, {
          method: "POST", headers, body: prepared.body_json, signal: controller.signal,
          credentials: "omit", referrerPolicy: "no-referrer", cache: "no-store", redirect: "error",
        });
      } catch (error) {
        if (controller.signal.aborted) throw error;
        await new Promise((resolve) => setTimeout(resolve, 0)); // let the CSP report arrive
        setState(networkReason(target, blocked.length > 0), "error");
        return;
      }
      if (!response.ok) {
        const responseHeaders = Object.fromEntries([...response.headers].map(([name, value]) => [name, masked(value, key)]));
        const { message } = await core.request("llm_error", {
          provider: prepared.provider, status: response.status, body: masked(await response.text(), key),
          headers: responseHeaders,
        });
        setState(message, "error");
        return;
      }
      const id = String(++llm.streams);
      await core.request("llm_stream", { id, provider: prepared.provider, content_type: response.headers.get("content-type") ?? "" });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      setState("Receiving…");
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        clearTimeout(idle);
        idle = setTimeout(() => controller.abort("timeout"), IDLE_TIMEOUT_MS);
        const { text } = await core.request("llm_stream", { id, chunk: value });
        $("llm-stream").textContent += text;
      }
      const streamed = await core.request("llm_stream", { id, finish: true });
      await check(streamed, prepared, fixAtSend);
    } catch (error) {
      if (controller.signal.aborted) {
        setState(controller.signal.reason === "timeout"
          ? `No answer for ${IDLE_TIMEOUT_MS / 1000} s: gave up. Try again, or a smaller paste.`
          : "Cancelled: the request was aborted.", "error");
      } else {
        setState(error.message, "error");
      }
    } finally {
      clearTimeout(idle);
      document.removeEventListener("securitypolicyviolation", onViolation);
      llm.controller = null;
      $("llm-cancel").disabled = true;
      $("llm-send").disabled = llm.prepared === null;
    }
  }

  async function check(streamed, prepared, fixAtSend) {
    const { wanted } = prepared;
    const problems = streamed.problems.map((message) => ({ kind: "stream", severity: "warning", message }));
    const checked = await core.request("llm_check", {
      answer: streamed.text, config: wanted.config, mapping: prepared.mapping, options: wanted.options, name: wanted.name,
    });
    llm.answer = { checked, original: wanted.config, fix: fixAtSend };
    $("llm-stream").hidden = true;
    warn([...problems, ...checked.warnings, ...answerProblems(checked)]);
    $("llm-explanation").replaceChildren(...checked.explanation.split(/\n{2,}/).filter(Boolean)
      .map((paragraph) => el("p", {}, inlineCode(paragraph))));
    $("llm-answer").textContent = checked.code ?? "";
    $("llm-result").hidden = false;
    showDiff("original");
    const danger = checked.warnings.some((item) => item.severity === "danger");
    setState(checked.weakens_tls ? "The answer weakens TLS: read the warnings before using any of it."
      : danger ? "The answer has a problem that makes it unsafe to use as is: read the warnings."
        : checked.ok && checked.code === null ? "The answer proposes no config change."
          : checked.ok ? "Answer restored and checked: no warnings." : "Answer restored; see the warnings.",
    danger ? "error" : checked.ok ? "ok" : "");
  }

  function showDiff(against) {
    llm.diff?.destroy();
    llm.diff = null;
    $("llm-diff").replaceChildren();
    $("llm-tab-original").setAttribute("aria-selected", String(against === "original"));
    $("llm-tab-fix").setAttribute("aria-selected", String(against === "fix"));
    const answer = llm.answer;
    if (!answer || answer.checked.code === null) return;
    const base = against === "fix" && answer.fix !== null ? answer.fix : answer.original;
    const labels = [against === "fix" ? "the tool's fix" : "your config", "the LLM's answer"];
    llm.diff = createDiff($("llm-diff"), base, answer.checked.code, labels);
  }

  $("llm-provider").addEventListener("change", switchProvider);
  $("llm-base-url").addEventListener("input", () => { showKey(); refresh(); });
  $("llm-model").addEventListener("input", refresh);
  for (const radio of document.querySelectorAll("input[name=llm-level]")) radio.addEventListener("change", refresh);
  $("llm-key").addEventListener("input", () => { storeKey(); refresh(); });
  $("llm-remember").addEventListener("change", storeKey);
  panel.addEventListener("toggle", refresh);
  $("llm-send").addEventListener("click", send);
  $("llm-cancel").addEventListener("click", () => llm.controller?.abort("cancelled"));
  $("llm-tab-original").addEventListener("click", () => showDiff("original"));
  $("llm-tab-fix").addEventListener("click", () => showDiff("fix"));

  return {
    async ready() {
      llm.providers = await core.request("llm_providers", {});
      fillDefaults();
      showKey();
      refresh();
    },
    refresh,
  };
}
