// "Ask an LLM": the one request this page can make to another origin, and
// only when the person presses Send. The core builds the request from
// redacted text, decodes the reply and checks the answer; these modules move
// bytes between the endpoint and the worker, and hold the key:
// llm-form.js (provider, endpoint, model, key), llm-send.js (preview, send,
// stream) and llm-answer.js (the checked answer, its warnings and diff).
import { AnswerView } from "./llm-answer.js";
import { setupForm } from "./llm-form.js";
import { Exchange } from "./llm-send.js";

// inputs(): the page's inputs; toolFix(): the tool's fixed text, or null.
export function setupLlm({ core, inputs, toolFix }) {
  const form = setupForm({ onChange: () => exchange.refresh() });
  const exchange = new Exchange({
    core, toolFix, request: () => form.request(inputs()), key: form.key, answer: new AnswerView(core),
  });
  return {
    async ready() {
      form.setProviders(await core.request("llm_providers", {}));
      exchange.refresh();
    },
    refresh: () => exchange.refresh(),
  };
}
