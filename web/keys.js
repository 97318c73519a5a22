// The API key. It lives in this tab's memory, filed under the provider and
// the endpoint's origin, so a key is only ever offered to the endpoint it was
// typed for. "Remember on this device" copies it to localStorage (this
// origin's, readable by every page on it) until the box is unticked.
const PREFIX = "upstream-tls:llm-key:";

export class KeyStore {
  constructor() {
    this.memory = new Map();
  }

  slot(provider, origin) {
    return `${PREFIX}${provider}:${origin}`;
  }

  get(provider, origin) {
    const slot = this.slot(provider, origin);
    return this.memory.get(slot) ?? localStorage.getItem(slot) ?? "";
  }

  remembered(provider, origin) {
    return localStorage.getItem(this.slot(provider, origin)) !== null;
  }

  set(provider, origin, key, remember) {
    const slot = this.slot(provider, origin);
    this.memory.set(slot, key);
    if (remember && key) localStorage.setItem(slot, key);
    else localStorage.removeItem(slot);
  }
}
