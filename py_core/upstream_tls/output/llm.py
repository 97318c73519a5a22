"""The LLM exchange as the page shows it: the prepared request (with its
preview), how the stream ended, and the local check of the answer."""
from __future__ import annotations

from .json import diagnostic_payload, finding_payload, redacted_payload


def prepared_payload(prepared) -> dict:
    return {
        "provider": prepared.provider.id,
        "model": prepared.model,
        "url": prepared.url,
        "headers": dict(prepared.headers),
        "key_header": prepared.key_header,
        "key_prefix": prepared.key_prefix,
        "key_required": prepared.provider.key_required,
        "body": prepared.body,
        "body_json": prepared.body_json,
        "mapping": prepared.mapping.to_json(),
        "redactions": [{"part": part, **redacted_payload(entry)} for part, entry in prepared.redactions],
        "redaction_summary": prepared.redaction_summary(),
        "prompt_version": prepared.prompt_version,
        "notes": list(prepared.notes),
        "preview": prepared.preview(None),
    }


def stream_payload(result) -> dict:
    return {"text": result.text, "complete": result.complete, "stop_reason": result.stop_reason,
            "error": result.error, "unreadable": result.unreadable, "problems": result.problems}


def flag_payload(flag) -> dict:
    data = {"kind": flag.kind, "severity": flag.severity, "message": flag.message}
    if flag.line is not None:
        data["line"] = flag.line
        data["side"] = flag.side
    if flag.block is not None:
        data["block"] = flag.block
    return data


def answer_payload(check) -> dict:
    return {
        "code": check.code,
        "explanation": check.explanation,
        "diff": check.diff,
        "changes": check.changes,
        "findings": [finding_payload(finding) for finding in check.findings],
        "diagnostics": [diagnostic_payload(item) for item in check.diagnostics],
        "warnings": [flag_payload(flag) for flag in check.warnings],
        "unknown_placeholders": check.unknown_placeholders,
        "unrelated_changes": [flag_payload(flag) for flag in check.unrelated_changes],
        "weakens_tls": check.weakens_tls,
        "ok": check.ok,
    }
