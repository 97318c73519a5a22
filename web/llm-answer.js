// The LLM's answer once the core has restored and checked it: its warnings
// (what weakens TLS, what nginx would refuse, what the rules find), its
// explanation and config, and the diff against the pasted config or the
// tool's own fix.
import { createDiff } from "./editor.js";
import { el, inlineCode } from "./dom.js";
import { $ } from "./elements.js";

export class AnswerView {
  constructor(core) {
    this.core = core;
    this.answer = null; // {checked, original, fix}: what the diff tabs compare
    this.diff = null;
    $("llm-tab-original").addEventListener("click", () => this.showDiff("original"));
    $("llm-tab-fix").addEventListener("click", () => this.showDiff("fix"));
  }

  clear() {
    warn([]);
    $("llm-result").hidden = true;
  }

  // streamed: the stream's end (llm_stream); fixAtSend: the tool's fixed
  // text when Send was pressed. Returns the panel's state line, [text, kind].
  async show(streamed, prepared, fixAtSend) {
    const { wanted } = prepared;
    const checked = await this.core.request("llm_check", {
      answer: streamed.text, config: wanted.config, mapping: prepared.mapping, options: wanted.options, name: wanted.name,
    });
    this.answer = { checked, original: wanted.config, fix: fixAtSend };
    const problems = streamed.problems.map((message) => ({ kind: "stream", severity: "warning", message }));
    warn([...problems, ...checked.warnings, ...answerProblems(checked)]);
    $("llm-explanation").replaceChildren(...checked.explanation.split(/\n{2,}/).filter(Boolean)
      .map((paragraph) => el("p", {}, inlineCode(paragraph))));
    $("llm-answer").textContent = checked.code ?? "";
    $("llm-result").hidden = false;
    this.showDiff("original");
    return answerState(checked);
  }

  showDiff(against) {
    this.diff?.destroy();
    this.diff = null;
    $("llm-diff").replaceChildren();
    $("llm-tab-original").setAttribute("aria-selected", String(against === "original"));
    $("llm-tab-fix").setAttribute("aria-selected", String(against === "fix"));
    const answer = this.answer;
    if (!answer || answer.checked.code === null) return;
    const base = against === "fix" && answer.fix !== null ? answer.fix : answer.original;
    const labels = [against === "fix" ? "the tool's fix" : "your config", "the LLM's answer"];
    this.diff = createDiff($("llm-diff"), base, answer.checked.code, labels);
  }
}

function warn(items) {
  $("llm-warnings").replaceChildren(...items.map((item) => el("li", {
    className: `warning-${item.severity ?? "warning"}`, "data-kind": item.kind ?? "",
  }, inlineCode(item.message))));
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

function answerState(checked) {
  const danger = checked.warnings.some((item) => item.severity === "danger");
  const text = checked.weakens_tls ? "The answer weakens TLS: read the warnings before using any of it."
    : danger ? "The answer has a problem that makes it unsafe to use as is: read the warnings."
      : checked.ok && checked.code === null ? "The answer proposes no config change."
        : checked.ok ? "Answer restored and checked: no warnings." : "Answer restored; see the warnings.";
  return [text, danger ? "error" : checked.ok ? "ok" : ""];
}
