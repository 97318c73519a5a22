"""Human-facing text: the one-line-per-finding report, the JSON payload, and
rule docs from the jinja2 templates (the README's rule table among them)."""
from __future__ import annotations

from collections import Counter

from .causes import CAUSES
from .engine import FixResult, Report
from .findings import Applicability, Finding
from .model import Diagnostic
from .rules import RULES, Rule

PAYLOAD_VERSION = 1


def diagnostic_line(diagnostic: Diagnostic) -> str:
    return f"{diagnostic.file}:{diagnostic.line}: error: {diagnostic.message}"


def finding_lines(finding: Finding) -> list[str]:
    lines = [f"{finding.span.file}:{finding.span.line}: {finding.code} [{finding.severity.value}] {finding.message}"]
    if finding.fix is not None:
        lines.append(f"    fix ({finding.fix.applicability.value}): {finding.fix.title}")
    return lines


def counts(findings: list[Finding]) -> dict[str, int]:
    tally = Counter(finding.severity.value for finding in findings)
    return {level: tally.get(level, 0) for level in ("error", "warning", "info")}


def summary_line(findings: list[Finding]) -> str:
    if not findings:
        return "No upstream TLS problems found."
    tally = counts(findings)
    parts = [f"{number} {level}{'s' if number != 1 else ''}" for level, number in tally.items() if number]
    fixable = sum(1 for finding in findings if finding.fix and finding.fix.applicability is Applicability.SAFE)
    text = f"Found {len(findings)} finding{'s' if len(findings) != 1 else ''} ({', '.join(parts)})."
    if fixable:
        text += f" {fixable} fixable with `upstream-tls fix`."
    return text


def text_report(report: Report) -> str:
    lines = [line for finding in report.findings for line in finding_lines(finding)]
    lines.append(summary_line(report.findings))
    return "\n".join(lines) + "\n"


def finding_payload(finding: Finding) -> dict:
    fix = finding.fix
    return {
        "code": finding.code,
        "rule": finding.rule,
        "severity": finding.severity.value,
        "message": finding.message,
        "file": finding.span.file,
        "line": finding.span.line,
        "end_line": finding.span.end_line,
        "related": [{"file": span.file, "line": span.line} for span in finding.related_spans],
        "fix": None if fix is None else {
            "title": fix.title,
            "applicability": fix.applicability.value,
            "edits": [{"file": edit.file, "start_line": edit.start_line, "end_line": edit.end_line,
                       "new_text": edit.new_text} for edit in fix.edits],
            "placeholders": list(fix.placeholders),
        },
    }


def diagnostic_payload(diagnostic: Diagnostic) -> dict:
    return {"file": diagnostic.file, "line": diagnostic.line, "message": diagnostic.message}


def json_payload(report: Report, mode: str) -> dict:
    """The documented JSON payload (README: JSON payload)."""
    from . import __version__
    return {
        "version": PAYLOAD_VERSION,
        "tool": {"name": "upstream-tls", "version": __version__},
        "mode": mode,
        "files": [source.path for source in report.config.files],
        "diagnostics": [diagnostic_payload(diagnostic) for diagnostic in report.diagnostics],
        "findings": [finding_payload(finding) for finding in report.findings],
        "summary": counts(report.findings),
    }


def fix_summary(result: FixResult) -> str:
    lines = list(result.notes)
    lines += [f"fixed {finding.code} ({finding.fix.title}): {finding.message}" for finding in result.applied]
    lines += [f"fill in: {note}" for note in result.placeholders]
    lines += [f"not done: {note}" for note in result.outstanding]
    lines += [line for finding in result.remaining for line in finding_lines(finding)]
    if result.remaining:
        lines.append("Still to do (line numbers are the fixed text's): " + summary_line(result.remaining))
    return "\n".join(lines) + ("\n" if lines else "")


def remedy_payload(remedy) -> dict:
    payload = {"title": remedy.title, "applicability": remedy.applicability, "directives": list(remedy.directives)}
    if remedy.where:
        payload["where"] = remedy.where
    return payload


def diagnosis_payload(diagnosis) -> dict:
    """`diagnose --format json`, the page's Diagnosis panel and the LLM
    prompt all show this: the same ranked causes everywhere."""
    site = diagnosis.site
    return {
        "causes": [{
            "cause": cause.cause,
            "confidence": round(cause.confidence, 2),
            "side": cause.side,
            "tls": CAUSES[cause.cause].tls,
            "title": CAUSES[cause.cause].title,
            "evidence": cause.evidence,
            "decides": cause.decides,
            "note": cause.note,
            "fix": remedy_payload(diagnosis.remedy(cause)),
        } for cause in diagnosis.causes],
        "upstream": None if site is None else {
            "directive": site.describe(), "file": site.node.file, "line": site.node.line},
        "unexplained": [f"line {event.line}: {event.raw.strip()}" for event in diagnosis.unexplained],
        "other_upstreams": [{"directive": other.describe(), "file": other.node.file, "line": other.node.line,
                             "log_lines": count} for other, count in diagnosis.others],
        "missing": list(diagnosis.missing),
    }


def diagnosis_text(diagnosis) -> str:
    lines = []
    if diagnosis.site is not None:
        site = diagnosis.site
        lines.append(f"upstream: {site.describe()} ({site.node.file}:{site.node.line})")
    lines += [f"also in the log: {site.describe()} ({site.node.file}:{site.node.line}), {count} line(s): "
              "diagnose it with its own lines" for site, count in diagnosis.others]
    if not diagnosis.causes:
        lines.append("No cause found in the evidence.")
    for rank, cause in enumerate(diagnosis.causes, 1):
        kind = "" if CAUSES[cause.cause].tls else ", not TLS"
        lines.append(f"{rank}. {cause.cause} [{cause.side}{kind}, {round(cause.confidence * 100)}%]: "
                     f"{CAUSES[cause.cause].title}")
        lines += [f"   evidence: {item}" for item in cause.evidence]
        remedy = diagnosis.remedy(cause)
        suffix = f" — {' '.join(remedy.directives)}" if remedy.directives else ""
        lines.append(f"   fix ({remedy.applicability}): {remedy.title}{suffix}")
        if cause.note:
            lines.append(f"   note: {cause.note}")
        if cause.decides:
            lines.append(f"   decides: {cause.decides}")
    lines += [f"unexplained: line {event.line}: {event.raw.strip()}" for event in diagnosis.unexplained]
    lines += [f"would decide: {item}" for item in diagnosis.missing]
    return "\n".join(lines) + "\n"


def _environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined
    return Environment(loader=PackageLoader("upstream_tls", "templates"), undefined=StrictUndefined,
                       keep_trailing_newline=True, autoescape=False)


def render_template(name: str, **context) -> str:
    """Any template of templates/ (the LLM prompt among them), strictly: a
    missing variable is an error, not an empty string."""
    return _environment().get_template(name).render(**context)


def template_source(name: str) -> str:
    """A template's text as written, for checks that it changed (the prompt's version)."""
    environment = _environment()
    return environment.loader.get_source(environment, name)[0]


def rule_doc(rule: Rule) -> str:
    return _environment().get_template("rule.md.j2").render(rule=rule)


def rules_table() -> str:
    return _environment().get_template("rules_table.md.j2").render(rules=RULES)


def causes_table() -> str:
    return _environment().get_template("causes_table.md.j2").render(causes=CAUSES.values())
