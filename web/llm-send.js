// The one request to the LLM: the preview of exactly what would be sent,
// then, when the person presses Send, the request with their key, the
// streamed reply (decoded by the core) and why it failed when it does.
import { StaleReply } from "./client.js";
import { $ } from "./elements.js";

// The longest wait for the connection or for the next streamed piece.
const IDLE_TIMEOUT_MS = 120_000;
// Error bodies are read this far (as the CLI does) before the core words them.
const ERROR_BODY_LIMIT = 65_536;
const MASK = "••••";

export class Exchange {
  // request(): the llm_prepare payload for the inputs as they are now;
  // key(provider, origin): the key typed for that endpoint; answer: an AnswerView.
  constructor({ core, request, key, toolFix, answer }) {
    Object.assign(this, { core, request, key, toolFix, answer });
    this.prepared = null; // the shown preview's request, {…llm_prepare result, wanted}
    this.controller = null; // the request in flight
    this.streams = 0;
    this.generation = 0;
    this.timer = null;
    $("llm-panel").addEventListener("toggle", () => this.refresh());
    $("llm-send").addEventListener("click", () => this.send());
    $("llm-cancel").addEventListener("click", () => this.controller?.abort("cancelled"));
  }

  // Send is only enabled for the preview of the inputs as they are now: any
  // change makes a new generation, and older previews are discarded.
  refresh() {
    this.generation++;
    this.prepared = null;
    $("llm-send").disabled = true;
    if (!$("llm-panel").open || !this.core.ready) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.preview(), 250);
  }

  async preview() {
    const generation = this.generation;
    const wanted = this.request();
    if (!wanted.config.trim()) {
      $("llm-preview").textContent = "Paste a config first: the request is built from it.";
      return;
    }
    try {
      const prepared = await this.core.request("llm_prepare", wanted, { latestOnly: true });
      if (generation !== this.generation) return;
      this.prepared = { ...prepared, wanted };
      showPreview(prepared);
      $("llm-send").disabled = this.controller !== null;
    } catch (error) {
      if (error instanceof StaleReply || generation !== this.generation) return;
      $("llm-preview").textContent = "";
      setState(error.message.replace(/^llm_prepare: /, ""), "error");
    }
  }

  async send() {
    const prepared = this.prepared;
    if (!prepared) return;
    const controller = new AbortController();
    this.controller = controller;
    $("llm-send").disabled = true;
    $("llm-cancel").disabled = false;
    const idle = watchdog(controller);
    const violations = watchViolations();
    try {
      await this.run(prepared, controller.signal, idle, violations);
    } catch (error) {
      setState(failure(controller.signal, error), "error");
    } finally {
      idle.stop();
      violations.stop();
      this.controller = null;
      $("llm-cancel").disabled = true;
      $("llm-send").disabled = this.prepared === null;
    }
  }

  async run(prepared, signal, idle, violations) {
    const fixAtSend = this.toolFix();
    const target = new URL(prepared.url).origin;
    const key = this.key(prepared.provider, target);
    if (prepared.key_required && !key) {
      setState(`Enter your API key for ${target} first.`, "error");
      return;
    }
    this.answer.clear();
    $("llm-stream").hidden = false;
    $("llm-stream").textContent = "";
    setState(`Sending to ${target}…`);
    const response = await post(prepared, key, signal, violations);
    if (!response) return;
    if (!response.ok) {
      setState(await this.errorMessage(response, prepared.provider, key), "error");
      return;
    }
    const streamed = await this.receive(response, prepared.provider, idle);
    setState(...await this.answer.show(streamed, prepared, fixAtSend));
    $("llm-stream").hidden = true;
  }

  // The reply as it streams, decoded by the core piece by piece.
  async receive(response, provider, idle) {
    const id = String(++this.streams);
    await this.core.request("llm_stream", { id, provider, content_type: response.headers.get("content-type") ?? "" });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    setState("Receiving…");
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      idle.reset();
      const { text } = await this.core.request("llm_stream", { id, chunk: value });
      $("llm-stream").textContent += text;
    }
    return this.core.request("llm_stream", { id, finish: true });
  }

  // An HTTP error in one actionable line, worded by the core.
  async errorMessage(response, provider, key) {
    const headers = Object.fromEntries([...response.headers].map(([name, value]) => [name, masked(value, key)]));
    const body = masked(await response.text(), key);
    const { message } = await this.core.request("llm_error", { provider, status: response.status, body, headers });
    return message;
  }
}

// The response, or null when the request failed before any (the state line says why).
async function post(prepared, key, signal, violations) {
  const headers = { ...prepared.headers };
  if (key) headers[prepared.key_header] = prepared.key_prefix + key;
  try {
    return await fetch(prepared.url, {
      method: "POST", headers, body: prepared.body_json, signal,
      credentials: "omit", referrerPolicy: "no-referrer", cache: "no-store", redirect: "error",
    });
  } catch (error) {
    if (signal.aborted) throw error;
    await new Promise((resolve) => setTimeout(resolve, 0)); // let the CSP report arrive
    setState(networkReason(new URL(prepared.url).origin, violations.seen()), "error");
    return null;
  }
}

function setState(text, kind = "") {
  $("llm-state").textContent = text;
  $("llm-state").className = `llm-state ${kind}`;
}

function showPreview(prepared) {
  $("llm-preview").textContent = prepared.preview;
  $("llm-notes").textContent = prepared.notes.join(" ");
  const summary = Object.entries(prepared.redaction_summary);
  setState(summary.length ? `Redacted: ${summary.map(([kind, n]) => `${n} ${kind}`).join(", ")}.`
    : "Nothing needed redacting.");
}

// Aborts the request when nothing arrives for IDLE_TIMEOUT_MS.
function watchdog(controller) {
  let timer = null;
  const reset = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort("timeout"), IDLE_TIMEOUT_MS);
  };
  reset();
  return { reset, stop: () => clearTimeout(timer) };
}

// Whether the page's Content-Security-Policy blocked a request meanwhile.
function watchViolations() {
  const blocked = [];
  const onViolation = (event) => blocked.push(event.blockedURI);
  document.addEventListener("securitypolicyviolation", onViolation);
  return { seen: () => blocked.length > 0, stop: () => document.removeEventListener("securitypolicyviolation", onViolation) };
}

function failure(signal, error) {
  if (!signal.aborted) return error.message;
  return signal.reason === "timeout" ? `No answer for ${IDLE_TIMEOUT_MS / 1000} s: gave up. Try again, or a smaller paste.`
    : "Cancelled: the request was aborted.";
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
