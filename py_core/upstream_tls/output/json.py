"""The documented JSON payloads (docs/cli.md: JSON payload): `check --format
json`, `diagnose --format json`, `cert --format json`, and the same shapes in
the page's worker replies. Each is plain data, safe for json.dumps."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..causes import CAUSES
from ..certs import CertInfo, Chain
from ..engine import Report
from ..findings import Finding, severity_counts
from ..model import Diagnostic
from ..probe import Probe

if TYPE_CHECKING:  # the report is redact's; check and diagnose never load it
    from ..redact import Redacted

PAYLOAD_VERSION = 1


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


def report_payload(report: Report, mode: str, file_problems: tuple | None = None) -> dict:
    """The documented JSON payload (docs/cli.md: JSON payload); `named_files`
    only when the files were read (`check --read-files`)."""
    from .. import __version__
    payload = {
        "version": PAYLOAD_VERSION,
        "tool": {"name": "upstream-tls", "version": __version__},
        "mode": mode,
        "files": [source.path for source in report.config.files],
        "diagnostics": [diagnostic_payload(diagnostic) for diagnostic in report.diagnostics],
        "findings": [finding_payload(finding) for finding in report.findings],
        "summary": severity_counts(report.findings),
    }
    if file_problems is not None:
        payload["named_files"] = [file_problem_payload(problem) for problem in file_problems]
    return payload


def file_problem_payload(problem) -> dict:
    return {"file": problem.file, "line": problem.line, "directive": problem.directive, "path": problem.path,
            "severity": problem.severity.value, "message": problem.message}


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


def certificate_payload(cert: CertInfo) -> dict:
    return {
        "subject": cert.subject,
        "subject_cn": cert.subject_cn,
        "issuer": cert.issuer,
        "dns_names": list(cert.dns_names),
        "ip_addresses": list(cert.ip_addresses),
        "not_before": cert.not_before.isoformat(),
        "not_after": cert.not_after.isoformat(),
        "days_left": cert.days_left,
        "expired": cert.expired,
        "not_yet_valid": cert.not_yet_valid,
        "self_signed": cert.self_signed,
        "is_ca": cert.is_ca,
        "key_type": cert.key_type,
        "key_bits": cert.key_bits,
        "ec_curve": cert.ec_curve,
        "key_usage": list(cert.key_usage),
        "extended_key_usage": list(cert.extended_key_usage),
        "server_auth_ok": cert.server_auth_ok,
        "signature_algorithm": cert.signature_algorithm,
        "weak_signature": cert.weak_signature,
        "serial": cert.serial,
        "subject_key_id": cert.subject_key_id,
        "authority_key_id": cert.authority_key_id,
        "fingerprint_sha256": cert.fingerprint_sha256,
    }


def chain_payload(chain: Chain) -> dict:
    """`cert --format json` and the page's chain panel (with `chain_lines`)."""
    anchor = chain.trust_anchor
    return {
        "name": chain.name,
        "format": chain.format,
        "certificates": [certificate_payload(cert) for cert in chain.certificates],
        "order": list(chain.order),
        "in_order": chain.in_order,
        "unrelated": [i for i in range(len(chain.certificates)) if i not in chain.order],
        "missing_issuer": chain.missing_issuer,
        "intermediates": chain.intermediates,
        "verify_depth_needed": chain.verify_depth_needed,
        "trust_anchor": None if anchor is None else chain.order[-1],
        "purpose_errors": list(chain.purpose_errors),
        "verify_return_code": (None if chain.verify_return_code is None else
                               {"code": chain.verify_return_code[0], "text": chain.verify_return_code[1]}),
        "problems": list(chain.problems),
    }


def probe_payload(probe: Probe) -> dict:
    return {"address": probe.address, "name": probe.name,
            "commands": [{"purpose": purpose, "command": command} for purpose, command in probe.commands]}


def redacted_payload(entry: Redacted) -> dict:
    """One line of a redaction report: what was found there, never the value."""
    return {"line": entry.line, "code": entry.kind.code, "kind": entry.kind.name, "count": entry.count,
            "placeholders": list(entry.placeholders)}
