"""SARIF 2.1.0 output, so code-scanning UIs show findings with their fixes."""
from __future__ import annotations

from urllib.parse import quote

from ..engine import Report
from ..findings import Applicability, Edit, Finding
from ..rules import RULES

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _uri(path: str) -> str:
    """SARIF wants URIs: an absolute path (nginx -T files) becomes file://."""
    return "file://" + quote(path) if path.startswith("/") else quote(path)


def _rule_descriptor(rule) -> dict:
    descriptor = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.why},
        "help": {"text": f"{rule.why}\n\nUse instead:\n{rule.fixed}",
                 "markdown": f"{rule.why}\n\nUse instead:\n\n```nginx\n{rule.fixed}\n```"},
        "defaultConfiguration": {"level": LEVELS[rule.severity.value]},
    }
    if rule.references:
        descriptor["helpUri"] = rule.references[0]
    return descriptor


def _replacement(edit: Edit) -> dict:
    """A line edit as a SARIF region: an insertion is an empty region at
    column 1 of its line; a replacement covers its whole lines."""
    if edit.is_insertion:
        region = {"startLine": edit.start_line, "startColumn": 1, "endLine": edit.start_line, "endColumn": 1}
    else:
        region = {"startLine": edit.start_line, "startColumn": 1, "endLine": edit.end_line + 1, "endColumn": 1}
    return {"deletedRegion": region, "insertedContent": {"text": edit.new_text}}


def _result(finding: Finding, rule_index: dict[str, int]) -> dict:
    result = {
        "ruleId": finding.code,
        "ruleIndex": rule_index[finding.code],
        "level": LEVELS[finding.severity.value],
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": _uri(finding.span.file)},
            "region": {"startLine": finding.span.line, "endLine": finding.span.end_line or finding.span.line}}}],
    }
    if finding.related_spans:
        result["relatedLocations"] = [
            {"id": index, "physicalLocation": {"artifactLocation": {"uri": span.file},
                                               "region": {"startLine": span.line}}}
            for index, span in enumerate(finding.related_spans)]
    fix = finding.fix
    if fix is not None and fix.edits and fix.applicability is not Applicability.DISPLAY_ONLY:
        by_file: dict[str, list[dict]] = {}
        for edit in fix.edits:
            by_file.setdefault(edit.file, []).append(_replacement(edit))
        result["fixes"] = [{
            "description": {"text": f"{fix.title} ({fix.applicability.value})"},
            "artifactChanges": [{"artifactLocation": {"uri": _uri(path)}, "replacements": replacements}
                                for path, replacements in by_file.items()]}]
    if fix is not None:
        result["properties"] = {"fixApplicability": fix.applicability.value, "fixTitle": fix.title}
    return result


# What `check --read-files` finds in the files a config names, as one more rule.
NAMED_FILE_RULE = {
    "id": "named-file", "name": "named-file",
    "shortDescription": {"text": "A certificate, key or CRL file the config names is missing, stale or wrong"},
    "defaultConfiguration": {"level": "error"},
}


def _file_problem_result(problem, rule_index: int) -> dict:
    return {"ruleId": NAMED_FILE_RULE["id"], "ruleIndex": rule_index, "level": LEVELS[problem.severity.value],
            "message": {"text": f"{problem.directive} {problem.path}: {problem.message}"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(problem.file)},
                                                "region": {"startLine": problem.line}}}]}


def sarif_log(report: Report, file_problems: tuple = ()) -> dict:
    from .. import __version__
    rule_index = {rule.code: index for index, rule in enumerate(RULES)}
    rules = [_rule_descriptor(rule) for rule in RULES] + ([NAMED_FILE_RULE] if file_problems else [])
    run = {
        "tool": {"driver": {"name": "upstream-tls", "version": __version__, "semanticVersion": __version__,
                            "informationUri": "https://nginx.org/en/docs/http/ngx_http_proxy_module.html",
                            "rules": rules}},
        "results": [_result(finding, rule_index) for finding in report.findings]
        + [_file_problem_result(problem, len(RULES)) for problem in file_problems],
        "invocations": [{"executionSuccessful": not report.diagnostics,
                         "toolExecutionNotifications": [
                             {"level": "error", "message": {"text": diagnostic.message},
                              "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(diagnostic.file)},
                                                                  "region": {"startLine": diagnostic.line}}}]}
                             for diagnostic in report.diagnostics]}],
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
