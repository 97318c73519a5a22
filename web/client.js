// The page's side of the worker protocol: one promise per request, status
// phases to a callback, and replies to superseded requests dropped.
import { PROTOCOL } from "./protocol.js";

// The contract of each request type, checked from both sides
// (tests/unit/test_bridge_contract.py, tests/e2e/test_contract.py):
/**
 * @typedef {"analyze"|"rule"|"llm_providers"|"llm_prepare"|"llm_stream"|"llm_error"|"llm_check"} RequestType
 *   The handlers of upstream_tls.bridge (bridge.HANDLERS).
 * @typedef {object} BridgePayload The request of one type: web/bridge.schema.json#/$defs/<type>_request.
 * @typedef {object} BridgeResult What that request resolves to: web/bridge.schema.json#/$defs/<type>_result
 *   (`analyze_result.page` is what the page draws).
 */

export class StaleReply extends Error {
  name = "StaleReply";
}

export class CoreClient {
  // boot: {worker, early} from boot.js — the worker it started, and the
  // messages it kept until now.
  constructor(onStatus, boot) {
    this.worker = boot.worker;
    this.pending = new Map();
    this.latest = new Map();
    this.nextId = 1;
    this.ready = false;
    this.worker.onmessage = (event) => this.receive(event.data, onStatus);
    for (const message of boot.early.splice(0)) this.receive(message, onStatus);
    this.worker.onerror = (event) => onStatus("error", event.message || "the worker could not start");
  }

  receive(message, onStatus) {
    if (!message || message.v !== PROTOCOL) return;
    if (message.type === "status") {
      this.ready = message.phase === "ready";
      onStatus(message.phase, message.detail);
      return;
    }
    const waiter = this.pending.get(message.id);
    if (!waiter) return;
    this.pending.delete(message.id);
    if (message.stale || (waiter.latestOnly && this.latest.get(waiter.type) !== message.id)) {
      waiter.reject(new StaleReply("superseded"));
    } else if (message.ok) {
      waiter.resolve(message.result);
    } else {
      waiter.reject(new Error(message.error));
    }
  }

  // latestOnly: only the newest request of this type matters — the worker
  // skips older ones still queued, and their replies are dropped here.
  /**
   * @param {RequestType} type
   * @param {BridgePayload} payload
   * @returns {Promise<BridgeResult>}
   */
  request(type, payload, { latestOnly = false } = {}) {
    const id = this.nextId++;
    if (latestOnly) this.latest.set(type, id);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, type, latestOnly });
      this.worker.postMessage({ v: PROTOCOL, id, type, payload, latest: latestOnly });
    });
  }
}
