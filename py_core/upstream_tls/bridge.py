"""JSON-in/JSON-out entry points for the browser worker.

The worker posts `{v, id, type, payload}`; `handle(type, payload_json)`
returns the reply's `result` as a JSON string, so no Python object crosses
into JavaScript. Everything the page shows is decided here, with the same
functions the CLI calls, so the page and `upstream-tls fix` agree byte for
byte on the same input and options. What only evidence needs (log reading,
certificates, diagnosis) is imported on first use: the page is ready sooner.
"""
from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable

from .analysis import UNREAD_KINDS, Inputs
from .analysis import analyze as run_analysis
from .collector import gc_paused
from .options import LABELS, MODES, Options, options_from_fields
from .output.docs import rule_doc
from .output.json import chain_payload, diagnostic_payload, finding_payload, probe_payload, redacted_payload
from .output.json import diagnosis_payload as render_diagnosis
from .output.llm import answer_payload, prepared_payload, stream_payload
from .output.text import chain_lines
from .page import PageView, empty_page, option_fields, unreadable_page
from .parse import DEFAULT_NAME, InputError
from .redact import redact, redact_together
from .rules import RULES_BY_CODE

# The page lists this many upstreams' openssl commands; the rest are counted.
SHOWN_PROBES = 20
# A 20 MB paste has over 100,000 findings: the page draws this many of each
# list and counts the rest (the CLI lists them all). What is not sent never
# has to cross into the page's thread.
SHOWN_ITEMS = 1000


class BadRequest(ValueError):
    """A payload the page should never send; the message names the field."""


def options_from(payload: dict) -> tuple[Options, list[str]]:
    """Options from the page's form fields, and one message per field that
    cannot be used (the CLI refuses the same values with exit 2)."""
    if (payload.get("mode") or "production") not in MODES:
        raise BadRequest(f"mode: {payload.get('mode')!r} is neither production nor dev")
    fields = {**payload, "ssl_names": [text for text in re.split(r"[\s,]+", payload.get("ssl_names") or "") if text]}
    return options_from_fields(fields, LABELS)


def _finding(finding) -> dict:
    """What the page shows of a finding: where, what, and the fix's title and
    applicability (its edits are already in the fixed text)."""
    payload = finding_payload(finding)
    if payload["fix"] is not None:
        payload["fix"] = {key: payload["fix"][key] for key in ("title", "applicability", "placeholders")}
    return payload


def _fix_payload(result) -> dict:
    return {
        "text": result.text,
        "changed": result.changed,
        "applied": [{"code": finding.code, "title": finding.fix.title, "file": finding.span.file,
                     "line": finding.span.line} for finding in result.applied[:SHOWN_ITEMS]],
        "applied_total": len(result.applied),
        "notes": list(result.notes),
        "placeholders": list(result.placeholders),
        "outstanding": list(result.outstanding),
        "remaining": [_finding(finding) for finding in result.remaining[:SHOWN_ITEMS]],
        "remaining_total": len(result.remaining),
    }


def _chain_payload(analysis) -> dict | None:
    """What the page shows of the pasted chain: its summary and the CA
    bundle (named after the trust file the fix writes), why it could not
    be read, or that it held `s_client`'s errors instead of a chain."""
    if analysis.chain is None:
        if analysis.chain_problem:
            return {"error": analysis.chain_problem}
        probes = [event for event in analysis.events if event.source == "probe"]
        return {"probe_errors": [event.raw for event in probes]} if probes else None
    from .certs import ChainError
    chain = analysis.chain
    payload = {"summary": chain_lines(chain), **chain_payload(chain)}
    try:
        payload["ca_bundle"] = {"pem": chain.trust_anchor_pem(), "subject": chain.trust_anchor.subject,
                                "file_name": posixpath.basename(analysis.options.trust_path) or "upstream-ca.pem"}
    except ChainError as exc:
        payload["ca_bundle"] = {"error": str(exc)}
    return payload


def _redaction_payload(text: str, log: str, chain: str) -> dict:
    """The config as the Share panel shows it, and the log and chain as a
    share link or "keep my input" carries them: secrets replaced (a chain's
    certificates are public and stay). Redacted together, so a secret found
    in one part is gone from the others too."""
    evidence = [part for part in (log, chain) if part.strip()]
    redaction, *others = redact_together([text, *evidence]) if evidence else (redact(text),)
    redacted = iter(other.text for other in others)
    return {"text": redaction.text, "summary": redaction.summary(),
            "report": [redacted_payload(entry) for entry in redaction.report[:SHOWN_ITEMS]],
            "report_total": len(redaction.report),
            "log": next(redacted) if log.strip() else "", "chain": next(redacted) if chain.strip() else ""}


def analyze(payload: dict) -> dict:
    """Findings, diagnosis, fixed text, CA bundle, probe commands and the
    redacted text for one state of the page's inputs, and (`page`) what the
    page shows of them in its own words."""
    text = payload.get("config", "")
    fields = payload.get("options") or {}
    options, option_problems = options_from(fields)
    result: dict = {"option_problems": option_problems, "chain": None, "findings_total": 0,
                    "redaction": _redaction_payload(text, payload.get("log", ""), payload.get("chain", ""))}
    nothing = {"diagnostics": [], "findings": [], "diagnosis": None, "fix": None, "probes": [], "probes_total": 0}
    field_errors = option_fields(option_problems, fields)
    if not text.strip():
        return {**result, **nothing, "empty": True, "page": empty_page(field_errors)}
    try:
        analysis = run_analysis(Inputs(text, payload.get("name") or DEFAULT_NAME, log=payload.get("log", ""),
                                       chain=payload.get("chain", ""), options=options))
    except InputError as exc:  # binary: nothing to check at all
        return {**result, **nothing, "empty": False, "diagnostics": [diagnostic_payload(exc.diagnostic)],
                "page": unreadable_page(text, exc.diagnostic.message, field_errors)}
    result["chain"] = _chain_payload(analysis)
    report = analysis.report
    result["findings_total"] = len(report.findings)
    fixed = None
    if report.diagnostics:
        result.update(nothing, empty=False,
                      diagnostics=[diagnostic_payload(diagnostic) for diagnostic in report.diagnostics])
    elif option_problems:
        result.update(nothing, empty=False, findings=[_finding(finding) for finding in report.findings[:SHOWN_ITEMS]])
    else:
        fixed = analysis.fixed()
        found = analysis.probes()
        diagnosis = analysis.diagnosis
        # The pasted lines the diagnosis could read (not s_client's, from the chain box).
        pasted_lines = sum(event.source != "probe" and event.kind not in UNREAD_KINDS for event in analysis.events)
        result.update(empty=False, diagnostics=[], findings=[_finding(item) for item in report.findings[:SHOWN_ITEMS]],
                      diagnosis=None if diagnosis is None else {**render_diagnosis(diagnosis),
                                                                "log_lines": pasted_lines},
                      fix=_fix_payload(fixed), probes=[probe_payload(probe) for probe in found[:SHOWN_PROBES]],
                      probes_total=len(found))
    result["page"] = PageView(analysis, fixed, result, field_errors).build()
    return result


def rule(payload: dict) -> dict:
    """A rule's documentation (the same markdown as docs/rules.md)."""
    code = str(payload.get("code", "")).upper()
    if code not in RULES_BY_CODE:
        raise BadRequest(f"code: no rule {code!r}")
    found = RULES_BY_CODE[code]
    return {"code": code, "name": found.name, "summary": found.summary, "markdown": rule_doc(found)}


def _llm_options(payload: dict) -> Options:
    options, _ = options_from(payload.get("options") or {})
    return options


def llm_providers(_payload: dict) -> dict:
    """Each provider's defaults, for the page's form."""
    from .llm import PROVIDERS
    return {name: {"base_url": provider.default_base_url, "model": provider.default_model,
                   "key_required": provider.key_required} for name, provider in PROVIDERS.items()}


def llm_prepare(payload: dict) -> dict:
    """The exact request the LLM would get, built from redacted text only.
    The key is not part of it: the page adds it to `key_header` at send time
    (`has_key`: the preview shows that header, masked)."""
    from .llm import LLMError, prepare
    try:
        prepared = prepare(payload.get("provider", ""), payload.get("config", ""), model=payload.get("model"),
                           base_url=(payload.get("base_url") or "").strip() or None, log_text=payload.get("log", ""),
                           chain_text=payload.get("chain", ""), options=_llm_options(payload),
                           topology=bool(payload.get("topology")), name=payload.get("name") or DEFAULT_NAME)
    except (LLMError, InputError) as exc:
        raise BadRequest(str(exc)) from None
    return {**prepared_payload(prepared), "preview": prepared.preview("••••" if payload.get("has_key") else None)}


# Streams being decoded, by the page's id: the wire format is parsed here,
# as the CLI parses it, while the page only shows the text.
_STREAMS: dict[str, object] = {}
MAX_STREAMS = 4


def llm_stream(payload: dict) -> dict:
    """`{id, provider, content_type}` starts a stream, `{id, chunk}` feeds it
    (-> the new text), `{id, finish: true}` ends it (-> the whole answer and
    how it ended). A server that ignored `stream` sends one JSON body."""
    from .llm import LLMError, decoder_for
    stream_id = str(payload.get("id", ""))
    if "provider" in payload:
        try:
            decoder = decoder_for(payload["provider"], str(payload.get("content_type", "")))
        except LLMError as exc:
            raise BadRequest(str(exc)) from None
        while len(_STREAMS) >= MAX_STREAMS:
            _STREAMS.pop(next(iter(_STREAMS)))
        _STREAMS[stream_id] = decoder
        return {"text": ""}
    decoder = _STREAMS.get(stream_id)
    if decoder is None:
        raise BadRequest(f"id: no stream {stream_id!r}")
    if payload.get("finish"):
        return stream_payload(_STREAMS.pop(stream_id).finish())
    return {"text": decoder.feed(str(payload.get("chunk", "")))}


def llm_error(payload: dict) -> dict:
    """One actionable line for an HTTP error from the provider."""
    from .llm import LLMError, error_message
    try:
        message = error_message(payload.get("provider", ""), int(payload.get("status", 0)),
                                str(payload.get("body", "")), dict(payload.get("headers") or {}))
    except LLMError as exc:
        raise BadRequest(str(exc)) from None
    return {"message": message}


def llm_check(payload: dict) -> dict:
    """The answer restored, parsed, checked with our rules and compared with
    the original: what weakens TLS, what touches unrelated lines."""
    from .llm import LLMError, check_answer
    try:
        checked = check_answer(str(payload.get("answer", "")), payload.get("config", ""), payload.get("mapping", "{}"),
                               _llm_options(payload), payload.get("name") or DEFAULT_NAME)
    except LLMError as exc:
        raise BadRequest(str(exc)) from None
    return answer_payload(checked)


HANDLERS: dict[str, Callable[[dict], dict]] = {
    "analyze": analyze, "rule": rule,
    "llm_providers": llm_providers, "llm_prepare": llm_prepare, "llm_stream": llm_stream, "llm_error": llm_error,
    "llm_check": llm_check,
}


def handle(kind: str, payload_json: str) -> str:
    """The worker's one entry point: `{"ok": true, "result": …}` or
    `{"ok": false, "error": "one line"}` as JSON. A bug surfaces as a one-line
    error naming the request type, never as a Python traceback in the page."""
    try:
        handler = HANDLERS.get(kind)
        if handler is None:
            raise BadRequest(f"unknown request type {kind!r}")
        payload = json.loads(payload_json)
        if not isinstance(payload, dict):
            raise BadRequest("payload: expected a JSON object")
        with gc_paused():  # one request builds millions of objects and no cycles: collecting is wasted time
            return json.dumps({"ok": True, "result": handler(payload)})
    except BadRequest as exc:
        return json.dumps({"ok": False, "error": f"{kind}: {exc}"})
    except Exception as exc:  # noqa: BLE001 — the page must get one line, whatever failed
        return json.dumps({"ok": False, "error": f"{kind}: internal error: {type(exc).__name__}: {exc}"})
