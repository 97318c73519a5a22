"""The model's answer, checked locally before anyone trusts it: the code
block taken out, the placeholders restored (and the ones it invented,
altered or dropped reported), parsed, run through the rules, diffed against
the original, and compared with it for weakened TLS and unrelated changes.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace

from ..engine import DEFAULT_OPTIONS, check
from ..model import Config, Diagnostic
from ..options import Options
from ..parse import DEFAULT_NAME, InputError
from ..redact import Redaction, RedactionMap, restore
from ..rewrite import split_lines
from .compare import Flag, block_weakenings, unrelated_changes, weakenings
from .providers import LLMError

NGINX_INFO = frozenset({"nginx", "nginx.conf", "conf"})
_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n]*?)[ \t]*$")
_LOOSE_PLACEHOLDER = re.compile(r"(?i)(?<![A-Za-z0-9])redacted[A-Za-z0-9_-]*")
_DROP_PREFIX_MIN = 4


@dataclass(frozen=True)
class CodeBlock:
    info: str
    code: str
    start: int  # line index of the opening fence in the answer
    end: int  # line index after the closing fence
    closed: bool


def code_blocks(answer: str) -> list[CodeBlock]:
    """Fenced code blocks (``` or ~~~, CommonMark's rules for indentation
    and closing); one left open runs to the end of the answer."""
    lines = answer.split("\n")
    blocks = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None or (opening["fence"][0] == "`" and "`" in opening["info"]):
            index += 1
            continue
        fence, indent = opening["fence"], len(opening["indent"])
        closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        end = next((row for row in range(index + 1, len(lines)) if closing.match(lines[row])), None)
        body = lines[index + 1:end if end is not None else len(lines)]
        while end is None and body and not body[-1].strip():
            body.pop()  # a block cut off at the end of the answer: not its trailing blank lines
        body = [line[min(indent, len(line) - len(line.lstrip(" "))):] for line in body]
        code = "\n".join(body) + "\n" if body else ""
        blocks.append(CodeBlock(opening["info"].split()[0].lower() if opening["info"] else "", code, index,
                                (end + 1) if end is not None else len(lines), end is not None))
        index = (end + 1) if end is not None else len(lines)
    return blocks


def _choose(blocks: list[CodeBlock]) -> tuple[CodeBlock | None, list[Flag]]:
    nginx = [block for block in blocks if block.info in NGINX_INFO]
    if nginx:
        chosen = nginx[0]
        flags = [Flag("several-code-blocks", "warning", f"the answer has {len(nginx)} nginx code blocks; "
                      "the first is the one checked")] if len(nginx) > 1 else []
    elif blocks:
        chosen = blocks[0]
        flags = [Flag("several-code-blocks", "warning", f"the answer has {len(blocks)} code blocks and none is "
                      "marked nginx; the first is the one checked")] if len(blocks) > 1 else []
    else:
        return None, [Flag("no-code-block", "info", "no config change proposed: the answer is prose only (if it "
                           "says the upstream must change, nothing in nginx does)")]
    if not chosen.closed:
        flags.append(Flag("unclosed-code-block", "warning", "the code block is not closed: the answer was probably "
                          "cut off, so the config may be incomplete"))
    return chosen, flags


def _kind_and_number(placeholder: str) -> tuple[str, str]:
    tag, _, number = placeholder[len("REDACTED_"):].rpartition("_")
    return tag.upper(), number


def placeholder_flags(answer_code: str, restored_code: str, unknown, original: str,
                      mapping: RedactionMap) -> list[Flag]:
    """Invented placeholders (never sent), mangled ones (standing where a
    sent one that the answer lacks should be: its case, number or kind
    changed; or placeholder-like words), and sent ones the answer dropped
    from a line it otherwise kept."""
    missing = [name for name in mapping.placeholders if name not in answer_code]
    flags = []
    for item in unknown:
        tag, number = _kind_and_number(item.placeholder)
        near = [name for name in missing if name.upper() == item.placeholder.upper()
                or _kind_and_number(name)[0] == tag or _kind_and_number(name)[1] == number]
        if near:
            flags.append(Flag("mangled-placeholder", "warning", f"line {item.line}: {item.placeholder} is not "
                              f"exactly a placeholder that was sent (was it {near[0]}?): left as is, so the config "
                              "holds it instead of the real value", item.line))
        else:
            flags.append(Flag("invented-placeholder", "warning", f"line {item.line}: {item.placeholder} was never "
                              "sent: the model invented it; left as is", item.line))
    reported = {item.placeholder for item in unknown}
    for match in _LOOSE_PLACEHOLDER.finditer(restored_code):
        word = match.group()
        if word in original or word in reported or word in mapping.preexisting:
            continue
        line = restored_code.count("\n", 0, match.start()) + 1
        flags.append(Flag("mangled-placeholder", "warning", f"line {line}: {word} looks like a placeholder but is "
                          "none that was sent: left as is", line))
    mangled_lines = {flag.line for flag in flags}
    return flags + [flag for flag in _dropped_placeholders(restored_code, original, mapping)
                    if flag.line not in mangled_lines]


def _dropped_placeholders(restored_code: str, original: str, mapping: RedactionMap) -> list[Flag]:
    """A line the answer kept (its text before the value is still there) but
    without the value: `Bearer REDACTED_BEARER_1` turned into `Bearer <token>`."""
    answer_lines = restored_code.split("\n")
    flags = []
    for name, value in mapping.placeholders.items():
        if "\n" in value or not value or value in restored_code:
            continue
        for line in original.split("\n"):
            position = line.find(value)
            prefix = line[:position].strip() if position >= 0 else ""
            if len(prefix) < _DROP_PREFIX_MIN:
                continue
            for number, kept in enumerate(answer_lines, 1):
                if kept.strip().startswith(prefix):
                    flags.append(Flag("dropped-placeholder", "warning", f"line {number}: the answer dropped {name} "
                                      f"from `{prefix} …`: the restored config would lose that value", number))
                    break
    return flags


def _line_style(code: str, original: str) -> str:
    """The answer in the original's line endings, ending as the original does."""
    if "\r\n" in original and "\r\n" not in code:
        code = code.replace("\n", "\r\n")
    if code and not original.endswith(("\n", "\r")):
        code = code.rstrip("\r\n")
    return code


@dataclass
class AnswerCheck:
    code: str | None
    explanation: str
    diff: str = ""
    changes: list[dict] = field(default_factory=list)
    findings: list = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    warnings: list[Flag] = field(default_factory=list)
    unknown_placeholders: list[dict] = field(default_factory=list)
    unrelated_changes: list[Flag] = field(default_factory=list)

    @property
    def weakens_tls(self) -> bool:
        return any(flag.kind == "weakens-tls" for flag in self.warnings)

    @property
    def failing_findings(self) -> list:
        return [finding for finding in self.findings if finding.severity.value != "info"]

    @property
    def ok(self) -> bool:
        """Nothing to warn about: no code block at all (prose: nothing
        changes), or one that parses, passes the rules and changes nothing
        it should not."""
        return not self.diagnostics and not self.failing_findings and not any(
            flag.severity in ("danger", "warning") for flag in self.warnings)


def check_answer(answer_text: str, original_text: str, mapping: RedactionMap | str,
                 options: Options = DEFAULT_OPTIONS, name: str = DEFAULT_NAME) -> AnswerCheck:
    """Everything the person should know before using the answer. `mapping`
    is the RedactionMap the request was built with, or its JSON."""
    if isinstance(mapping, str):
        try:
            mapping = RedactionMap.from_json(mapping)
        except ValueError as exc:
            raise LLMError(f"the redaction map: {exc}") from None
    answer = answer_text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = code_blocks(answer)
    block, flags = _choose(blocks)
    flags += _other_blocks(blocks, block, mapping, options, name)
    lines = answer.split("\n")
    prose = answer if block is None else "\n".join(lines[:block.start] + lines[block.end:])
    explanation = re.sub(r"\n{3,}", "\n\n", restore(prose, mapping).text).strip()
    if block is None:
        return AnswerCheck(None, explanation, warnings=flags)
    restored = restore(block.code, mapping)
    code = _line_style(restored.text, original_text)
    result = AnswerCheck(code, explanation, warnings=flags)
    result.unknown_placeholders = [{"placeholder": item.placeholder, "line": item.line}
                                   for item in restored.unknown_placeholders]
    result.warnings += placeholder_flags(block.code, code, restored.unknown_placeholders, original_text, mapping)
    answer_config = _checked(result, code, options, name, mapping)
    original_lines, answer_lines = split_lines(original_text), split_lines(code)
    result.diff = "".join(difflib.unified_diff(original_lines, answer_lines, fromfile=name,
                                               tofile=f"{name} (LLM answer)"))
    opcodes = difflib.SequenceMatcher(None, original_lines, answer_lines, autojunk=False).get_opcodes()
    result.changes = [{"kind": tag, "original": [first + 1, last], "answer": [new_first + 1, new_last]}
                      for tag, first, last, new_first, new_last in opcodes if tag != "equal"]
    if not result.changes:
        result.warnings.append(Flag("unchanged", "info", "the answer changes nothing"))
    original_config = _parsed(original_text, options, name)
    if original_config is not None and answer_config is not None:
        result.warnings += weakenings(original_config, answer_config, options)
    result.unrelated_changes = unrelated_changes(original_config, answer_config, [line.rstrip("\r\n") for line in
                                                 original_lines], [line.rstrip("\r\n") for line in answer_lines],
                                                 opcodes)
    result.warnings += result.unrelated_changes
    scrub = Redaction(code, mapping, ()).scrub
    result.warnings = [replace(flag, message=scrub(flag.message)) for flag in result.warnings]
    return result


def _other_blocks(blocks: list[CodeBlock], chosen: CodeBlock | None, mapping: RedactionMap, options: Options,
                  name: str) -> list[Flag]:
    """Every code block is read, tagged or not: a weakening offered "in case
    it still fails" is offered all the same."""
    flags = []
    for number, block in enumerate(blocks, 1):
        if block is chosen or not block.code.strip():
            continue
        config = _parsed(restore(block.code, mapping).text, options, name)
        if config is not None:
            flags += block_weakenings(config, number, block.info)
    return flags


def _checked(result: AnswerCheck, code: str, options: Options, name: str, mapping: RedactionMap) -> Config | None:
    """Parse and run the rules on the restored code; malformed code gives
    one-line diagnostics (with any secret they quote replaced) and no tree."""
    try:
        report = check(code, options, name)
    except InputError as exc:
        result.diagnostics = [exc.diagnostic]
        return None
    scrub = Redaction(code, mapping, ()).scrub
    result.diagnostics = [Diagnostic(item.file, item.line, scrub(item.message)) for item in report.diagnostics]
    result.findings = report.findings
    return None if report.diagnostics else report.config


def _parsed(text: str, options: Options, name: str) -> Config | None:
    try:
        report = check(text, options, name)
    except InputError:
        return None
    return None if report.diagnostics else report.config


