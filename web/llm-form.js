// The "Ask an LLM" form: provider, base URL, model, key and level of detail.
// Each provider keeps what was typed for it; the key is kept per provider
// and endpoint (keys.js), so it is only ever offered to the endpoint it was
// typed for.
import { $ } from "./elements.js";
import { KeyStore } from "./keys.js";

// onChange(): the request the form describes changed.
export function setupForm({ onChange }) {
  const form = { providers: {}, keys: new KeyStore(), typed: new Map(), shown: $("llm-provider").value };
  wireForm(form, onChange);
  return {
    // providers: each provider's defaults (the core's llm_providers).
    setProviders(providers) {
      form.providers = providers;
      fillDefaults(form);
      showKey(form);
    },
    request,
    key: (provider, origin) => form.keys.get(provider, origin),
  };
}

const provider = () => $("llm-provider").value;
const topology = () => document.querySelector("input[name=llm-level]:checked").value === "topology";

// page: the page's inputs ({config, log, chain, options, name}).
function request(page) {
  return {
    provider: provider(), model: $("llm-model").value, base_url: $("llm-base-url").value,
    config: page.config, log: page.log, chain: page.chain, options: page.options, name: page.name,
    topology: topology(), has_key: Boolean($("llm-key").value.trim()),
  };
}

// The origin the key field belongs to: the base URL's, else the provider's default.
function origin(form) {
  try {
    return new URL($("llm-base-url").value.trim() || form.providers[provider()]?.base_url).origin;
  } catch {
    return null;
  }
}

// The key field shows the key kept for the current provider and endpoint.
function showKey(form) {
  const where = origin(form);
  $("llm-key").value = where ? form.keys.get(provider(), where) : "";
  $("llm-remember").checked = where !== null && form.keys.remembered(provider(), where);
  showNote(form);
}

function showNote(form) {
  const where = origin(form);
  $("llm-remember-note").textContent = !where ? "Give a valid base URL: the key is kept per endpoint."
    : $("llm-remember").checked
      ? `Stored in this browser's localStorage for ${location.origin} (readable by every page on that origin), in clear text, for ${where} only; untick to delete it.`
      : `Kept in this tab's memory for ${where} only; gone when you close the tab.`;
}

function storeKey(form) {
  const where = origin(form);
  if (where) form.keys.set(provider(), where, $("llm-key").value.trim(), $("llm-remember").checked);
  showNote(form);
}

function switchProvider(form) {
  form.typed.set(form.shown, { base: $("llm-base-url").value, model: $("llm-model").value });
  form.shown = provider();
  const saved = form.typed.get(form.shown) ?? { base: "", model: "" };
  $("llm-base-url").value = saved.base;
  $("llm-model").value = saved.model;
  fillDefaults(form);
  showKey(form);
}

function fillDefaults(form) {
  const defaults = form.providers[provider()] ?? {};
  $("llm-base-url").placeholder = defaults.base_url ?? "required, e.g. http://localhost:11434/v1";
  $("llm-model").placeholder = defaults.model ?? "";
  $("llm-key").placeholder = defaults.key_required ? "required" : "optional";
}

function wireForm(form, onChange) {
  $("llm-provider").addEventListener("change", () => { switchProvider(form); onChange(); });
  $("llm-base-url").addEventListener("input", () => { showKey(form); onChange(); });
  $("llm-model").addEventListener("input", onChange);
  for (const radio of document.querySelectorAll("input[name=llm-level]")) radio.addEventListener("change", onChange);
  $("llm-key").addEventListener("input", () => { storeKey(form); onChange(); });
  $("llm-remember").addEventListener("change", () => storeKey(form));
}
