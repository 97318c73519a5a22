// "Ask an LLM": the one request this page can make to another origin, and
// only when the person presses Send. The core builds the request from
// redacted text, decodes the stream and checks the answer; this module moves
// bytes between the endpoint and the worker, and holds the key.
import { createDiff } from "./editor.js";
import { el, inlineCode } from "./dom.js";

const $ = (id) => document.getElementById(id);
// The longest wait for the connection or for the next streamed piece.
const IDLE_TIMEOUT_MS = 120_000;
const STORAGE_PREFIX = "upstream-tls:llm-key:";

export function setupLlm({ core, inputs, toolFix }) {
  const llm = { providers: {}, prepared: null, preparedFor: null, controller: null, diff: null, answer: null, streams: 0 };
  const panel = $("llm-panel");
  const provider = () => $("llm-provider").value;
  const level = () => (document.querySelector("input[name=llm-level]:checked").value === "topology");

  function storageKey() {
    return STORAGE_PREFIX + provider();
  }

  function showRemembered() {
    const saved = localStorage.getItem(storageKey());
    $("llm-remember").checked = saved !== null;
    if (saved !== null) $("llm-key").value = saved;
    rememberNote();
  }

  function rememberNote() {
    $("llm-remember-note").textContent = $("llm-remember").checked
      ? `Stored in this browser's localStorage for this site (key "${storageKey()}"), in clear text; untick to delete it.`
      : "Kept in this tab's memory only; gone when you close it.";
  }

  function remember() {
    if ($("llm-remember").checked && $("llm-key").value) localStorage.setItem(storageKey(), $("llm-key").value);
    else localStorage.removeItem(storageKey());
    rememberNote();
  }

  function fillDefaults() {
    const defaults = llm.providers[provider()] ?? {};
    $("llm-base-url").placeholder = defaults.base_url ?? "http://localhost:11434/v1";
    $("llm-model").placeholder = defaults.model ?? "";
    $("llm-key").placeholder = defaults.key_required ? "required" : "optional";
  }

  function request() {
    const page = inputs();
    return {
      provider: provider(), model: $("llm-model").value, base_url: $("llm-base-url").value,
      config: page.config, log: page.log, chain: page.chain, options: page.options, name: page.name,
      topology: level(),
    };
  }

  function setState(text, kind = "") {
    $("llm-state").textContent = text;
    $("llm-state").className = `llm-state ${kind}`;
  }

  let timer = null;
  function refresh() {
    if (!panel.open || !core.ready) return;
    clearTimeout(timer);
    $("llm-send").disabled = true;
    timer = setTimeout(preview, 250);
  }

  async function preview() {
    const wanted = request();
    if (!wanted.config.trim()) {
      llm.prepared = null;
      $("llm-preview").textContent = "Paste a config first: the request is built from it.";
      return;
    }
    try {
      const prepared = await core.request("llm_prepare", wanted, { latestOnly: true });
      llm.prepared = prepared;
      llm.preparedFor = wanted;
      $("llm-preview").textContent = prepared.preview;
      $("llm-send").disabled = llm.controller !== null;
      setState(Object.keys(prepared.redaction_summary).length
        ? `Redacted: ${Object.entries(prepared.redaction_summary).map(([kind, n]) => `${n} ${kind}`).join(", ")}.`
        : "Nothing needed redacting.");
    } catch (error) {
      if (error.name === "StaleReply" || error.message === "superseded") return;
      llm.prepared = null;
      $("llm-preview").textContent = "";
      setState(error.message.replace(/^llm_prepare: /, ""), "error");
    }
  }

  function warn(items) {
    $("llm-warnings").replaceChildren(...items.map((item) => el("li", {
      className: `warning-${item.severity ?? "warning"}`, "data-kind": item.kind ?? "",
    }, inlineCode(item.message))));
  }

  // Why a fetch that never got an HTTP status failed, in words a person can act on.
  function networkReason(url, blocked) {
    const origin = new URL(url).origin;
    if (blocked) {
      return `The page's Content-Security-Policy blocked the request to ${origin}: it is not one of the origins this ` +
        "build allows. Rebuild with `python build/build.py --allow-origin " + origin + "` to allow it.";
    }
    return `The request to ${origin} failed before any answer: the endpoint may not allow calls from a browser ` +
      "(CORS — for a local server, allow this page's origin, e.g. OLLAMA_ORIGINS), may be down, or the URL is wrong.";
  }

  async function send() {
    const prepared = llm.prepared;
    const wanted = llm.preparedFor;
    const key = $("llm-key").value.trim();
    if (!prepared) return;
    if (prepared.key_required && !key) {
      setState("Enter your API key first.", "error");
      return;
    }
    remember();
    warn([]);
    $("llm-result").hidden = true;
    $("llm-stream").hidden = false;
    $("llm-stream").textContent = "";
    const controller = new AbortController();
    llm.controller = controller;
    $("llm-send").disabled = true;
    $("llm-cancel").disabled = false;
    let idle = setTimeout(() => controller.abort("timeout"), IDLE_TIMEOUT_MS);
    const blocked = [];
    const onViolation = (event) => blocked.push(event.blockedURI);
    document.addEventListener("securitypolicyviolation", onViolation);
    const headers = { ...prepared.headers };
    if (key) headers[prepared.key_header] = prepared.key_prefix + key;
    setState(`Sending to ${new URL(prepared.url).origin}…`);
    try {
      let response;
      try {
        response = await fetch(prepared.url, {
          method: "POST", headers, body: prepared.body_json, signal: controller.signal,
          credentials: "omit", referrerPolicy: "no-referrer", cache: "no-store", redirect: "error",
        });
      } catch (error) {
        if (controller.signal.aborted) throw error;
        await new Promise((resolve) => setTimeout(resolve, 0));
        setState(networkReason(prepared.url, blocked.length > 0), "error");
        return;
      }
      if (!response.ok) {
        const body = await response.text();
        const { message } = await core.request("llm_error", {
          provider: prepared.provider, status: response.status, body, headers: Object.fromEntries(response.headers),
        });
        setState(message, "error");
        return;
      }
      const id = String(++llm.streams);
      await core.request("llm_stream", { id, provider: prepared.provider });
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
      await check(streamed, wanted, prepared);
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
      $("llm-send").disabled = !llm.prepared;
    }
  }

  async function check(streamed, wanted, prepared) {
    const problems = streamed.problems.map((message) => ({ kind: "stream", severity: "warning", message }));
    const checked = await core.request("llm_check", {
      answer: streamed.text, config: wanted.config, mapping: prepared.mapping, options: wanted.options, name: wanted.name,
    });
    llm.answer = { checked, original: wanted.config };
    $("llm-stream").hidden = true;
    warn([...problems, ...checked.warnings]);
    $("llm-explanation").replaceChildren(...checked.explanation.split(/\n{2,}/).filter(Boolean)
      .map((paragraph) => el("p", {}, inlineCode(paragraph))));
    $("llm-answer").textContent = checked.code ?? "";
    $("llm-result").hidden = false;
    showDiff("original");
    const danger = checked.warnings.some((item) => item.severity === "danger");
    setState(danger ? "The answer weakens TLS: read the warnings before using any of it."
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
    const base = against === "fix" ? toolFix() ?? answer.original : answer.original;
    llm.diff = createDiff($("llm-diff"), base, answer.checked.code);
  }

  $("llm-provider").addEventListener("change", () => { fillDefaults(); showRemembered(); refresh(); });
  for (const id of ["llm-base-url", "llm-model"]) $(id).addEventListener("input", refresh);
  for (const radio of document.querySelectorAll("input[name=llm-level]")) radio.addEventListener("change", refresh);
  $("llm-key").addEventListener("input", () => { if ($("llm-remember").checked) remember(); });
  $("llm-remember").addEventListener("change", remember);
  panel.addEventListener("toggle", refresh);
  $("llm-send").addEventListener("click", send);
  $("llm-cancel").addEventListener("click", () => llm.controller?.abort("cancelled"));
  $("llm-tab-original").addEventListener("click", () => showDiff("original"));
  $("llm-tab-fix").addEventListener("click", () => showDiff("fix"));
  showRemembered();

  return {
    async ready() {
      llm.providers = await core.request("llm_providers", {});
      fillDefaults();
      refresh();
    },
    refresh,
  };
}
