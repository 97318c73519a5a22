"""check and fix, the two operations every face (CLI, browser, API) offers."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .collector import gc_paused
from .context import Context
from .findings import Applicability, Edit, Finding
from .model import Config, Diagnostic
from .options import NAME_PLACEHOLDER, Options
from .parse import DEFAULT_NAME, parse
from .rewrite import LineClaims, apply_edits, split_lines
from .rules import RULES

MAX_ROUNDS = 8
# How a FixResult's notes and outstanding lines start, for the page to
# sort them: a step left after the fix, the upstream's side, a TLS name no
# upstream took.
NEXT_STEP = "next: "
UPSTREAM_MUST = "the upstream must be fixed ("
UNUSED_NAME = "--ssl-name "
DEFAULT_OPTIONS = Options()
RULE_ORDER = {rule.code: index for index, rule in enumerate(RULES)}


@dataclass
class Report:
    config: Config
    findings: list[Finding]

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return self.config.diagnostics

    @property
    def offsets(self) -> dict[str, int]:
        return {source.path: source.offset for source in self.config.files}


def check(text: str, options: Options = DEFAULT_OPTIONS, name: str = DEFAULT_NAME,
          empty_ok: bool = False) -> Report:
    """Findings for `text`. Malformed input gives diagnostics and no findings:
    rules on half a tree would report things that are not there."""
    with gc_paused():
        config = parse(text, name, empty_ok)
        if config.diagnostics:
            return Report(config, [])
        ctx = Context(config, options)
        findings = [finding for rule in RULES for finding in rule.check(ctx)]
        findings.sort(key=Finding.sort_key)
        return Report(config, findings)


@dataclass
class FixResult:
    original: str
    text: str
    # The check of `original` (the first round's): callers that show the
    # findings as well as the fix need not check the same text again.
    checked: Report | None = None
    # `text` parsed, from the last round's check, which found nothing left to
    # apply (None if the rounds ran out first): no need to parse it again.
    fixed_config: Config | None = None
    applied: list[Finding] = field(default_factory=list)
    remaining: list[Finding] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    outstanding: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.text != self.original

    @property
    def placeholders(self) -> list[str]:
        return list(dict.fromkeys(note for finding in self.applied for note in finding.fix.placeholders))


def allowed_applicability(options: Options, unsafe_fixes: bool) -> frozenset[Applicability]:
    """Production applies safe fixes (unsafe ones on request); dev applies its
    unsafe quick fixes because asking for dev mode is that request."""
    if unsafe_fixes or not options.production:
        return frozenset({Applicability.SAFE, Applicability.UNSAFE})
    return frozenset({Applicability.SAFE})


class RoundEdits:
    """The edits one round applies: a fix joins only if none of its edits
    overlaps one already taken (it waits for the next round otherwise).
    Insertions at one place are merged, one line per directive name, so two
    upstreams of one block never set a directive twice."""

    def __init__(self, offsets: dict[str, int]):
        self.claims = LineClaims(offsets)
        self.replacements: dict[Edit, None] = {}
        self.insertions: dict[tuple[str, int], dict[str, str]] = {}

    def add(self, new: tuple[Edit, ...]) -> bool:
        fresh = [edit for edit in new if edit not in self.replacements]
        if not all(self.claims.fits(edit) for edit in fresh):
            return False
        for edit in fresh:
            self.claims.claim(edit)
            if edit.is_insertion:
                lines = self.insertions.setdefault((edit.file, edit.start_line), {})
                for line in split_lines(edit.new_text):
                    lines.setdefault(line.split(None, 1)[0] if line.strip() else line, line)
            else:
                self.replacements[edit] = None
        return True

    def merged(self) -> list[Edit]:
        return list(self.replacements) + [Edit(path, line, line - 1, "".join(lines.values()))
                                    for (path, line), lines in self.insertions.items()]


def fix(text: str, options: Options = DEFAULT_OPTIONS, name: str = DEFAULT_NAME,
        unsafe_fixes: bool = False, checked: Report | None = None,
        hold: Callable[[Finding], bool] | None = None) -> FixResult:
    """Apply fixes round by round until none applies: edits that overlap wait
    for the next round, so the result is a fixed point (fix is idempotent).
    `checked` is the check of `text` when the caller already has it; `hold`
    keeps the fixes of the findings it picks out unapplied."""
    allowed = allowed_applicability(options, unsafe_fixes)
    result = FixResult(text, text)
    for _ in range(MAX_ROUNDS):
        report = checked if checked is not None and result.text == text else check(result.text, options, name)
        result.checked = result.checked or report
        result.diagnostics = report.diagnostics
        result.remaining = report.findings
        chosen, edits = [], RoundEdits(report.offsets)
        for finding in sorted(report.findings, key=lambda finding: RULE_ORDER[finding.code]):
            if finding.fix is None or finding.fix.applicability not in allowed or not finding.fix.edits:
                continue
            if hold is not None and hold(finding):
                continue
            if edits.add(finding.fix.edits):
                chosen.append(finding)
        if not chosen:
            result.fixed_config = report.config
            break
        result.text = apply_edits(result.text, edits.merged(), report.offsets)
        result.applied.extend(chosen)
    if NAME_PLACEHOLDER in result.text and NAME_PLACEHOLDER not in text:
        result.outstanding.append(f"{NAME_PLACEHOLDER} is still in the output: nginx would check that name and "
                                  "answer 502; give --ssl-name UPSTREAM=NAME")
    result.outstanding += unused_ssl_names(report.config, options)
    return result


def unused_ssl_names(config: Config, options: Options) -> list[str]:
    """--ssl-name values no upstream took: a typo should not pass silently."""
    sites = Context(config, options).tls_sites
    hosts = {site.target.host for site in sites} | {f"{site.target.host}:{site.target.port}" for site in sites}
    unused = [f"{UNUSED_NAME}{key}={name}: no TLS proxy_pass names {key}"
              for key, name in options.ssl_names if key is not None and key not in hosts]
    needing = [site for site in sites if site.needs_name]
    if any(key is None for key, _ in options.ssl_names) and len({site.target.host for site in needing}) > 1:
        unused.append("--ssl-name NAME without UPSTREAM= is not used when several upstreams need a name")
    return unused
