"""The request to an LLM, built from redacted text only: the config, the
error.log lines, a summary of the chain (names, dates, issuers — never key
material) and what the tool itself found, all redacted together so a value
has one placeholder everywhere and one map restores the answer.

`Prepared` is the request without the key: the page and the CLI add the key
header only when they send, so a preview can never show it.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

from ..analysis import Inputs, analyze
from ..engine import DEFAULT_OPTIONS
from ..options import Options
from ..output.docs import render_template, template_source
from ..output.text import chain_lines, diagnosis_text, diagnostic_line, finding_lines
from ..parse import DEFAULT_NAME
from ..redact import Redacted, RedactionMap, redact_together
from .providers import Provider, provider_named

# A change to either template is a new prompt: bump this (the templates say so too).
PROMPT_VERSION = "1"
TEMPLATES = ("llm_system.txt.j2", "llm_user.txt.j2")
PARTS = ("config", "error_log", "chain", "findings", "causes")
MAX_LISTED_PLACEHOLDERS = 60
MASK = "••••"
_BACKTICK_RUN = re.compile(r"`{3,}")


def prompt_fingerprint() -> str:
    """sha256 of the prompt templates, so a test notices any change to them."""
    digest = hashlib.sha256()
    for name in TEMPLATES:
        digest.update(template_source(name).encode("utf-8"))
    return digest.hexdigest()


def mask_key(key: str | None) -> str:
    """What a preview shows for a key: its first three and last four
    characters when it is long enough for that to reveal nothing useful."""
    if key and len(key) >= 16:
        return f"{key[:3]}…{key[-4:]}"
    return MASK


@dataclass(frozen=True)
class Prepared:
    """One request, ready to send once a key is added to `key_header`."""

    provider: Provider
    model: str
    url: str
    headers: dict[str, str]
    body: dict
    mapping: RedactionMap
    redactions: tuple[tuple[str, Redacted], ...]
    notes: tuple[str, ...]
    prompt_version: str = PROMPT_VERSION

    @property
    def key_header(self) -> str:
        return self.provider.key_header

    @property
    def key_prefix(self) -> str:
        return self.provider.key_prefix

    @property
    def body_json(self) -> str:
        """The exact body sent: fixed format, ASCII only (the same bytes from
        the browser and the CLI)."""
        return json.dumps(self.body, indent=2, ensure_ascii=True)

    def request_headers(self, key: str | None) -> dict[str, str]:
        """The headers to send; the key header only when there is a key."""
        if not key:
            return dict(self.headers)
        return {**self.headers, self.key_header: self.key_prefix + key}

    def preview(self, key: str | None = None) -> str:
        """The request as it will be sent — method, URL, headers, body — with
        the key masked."""
        headers = dict(self.headers)
        if key or self.provider.key_required:
            headers[self.key_header] = self.key_prefix + mask_key(key)
        lines = [f"POST {self.url}", *(f"{name}: {value}" for name, value in headers.items())]
        return "\n".join(lines) + "\n\n" + self.body_json + "\n"

    def redaction_summary(self) -> dict[str, int]:
        """Kind name -> how many values of it were replaced, over all parts."""
        tally: dict[str, int] = {}
        for _, entry in self.redactions:
            tally[entry.kind.name] = tally.get(entry.kind.name, 0) + entry.count
        return tally


def prepare(provider: str, config_text: str, *, model: str | None = None, base_url: str | None = None,
            log_text: str = "", chain_text: str | bytes = "", options: Options = DEFAULT_OPTIONS,
            topology: bool = False, name: str = DEFAULT_NAME) -> Prepared:
    """The request for `provider`. Raises LLMError for an unknown provider or
    a bad base URL, InputError for a config that is empty or binary."""
    chosen = provider_named(provider)
    url = chosen.endpoint(base_url)
    model = (model or "").strip() or chosen.default_model
    evidence = _evidence(config_text, log_text, chain_text, options, name)
    redactions = redact_together([config_text, log_text, evidence.chain, evidence.findings, evidence.causes],
                                 topology)
    mapping = redactions[0].mapping
    texts = dict(zip(PARTS, (redaction.text for redaction in redactions), strict=True))
    system = render_template(TEMPLATES[0]).strip()
    user = render_template(TEMPLATES[1], **_template_context(texts, mapping, options, topology))
    headers = {"Content-Type": "application/json", **chosen.fixed_headers}
    reported = tuple((part, entry) for part, redaction in zip(PARTS, redactions, strict=True)
                     for entry in redaction.report)
    return Prepared(chosen, model, url, headers, chosen.body(model, system, user), mapping, reported,
                    evidence.notes)


@dataclass(frozen=True)
class _Evidence:
    chain: str
    findings: str
    causes: str
    notes: tuple[str, ...]


def _evidence(config_text: str, log_text: str, chain_text: str | bytes, options: Options, name: str) -> _Evidence:
    """The chain summary and the tool's own findings and causes, as text to
    redact with the rest (the findings quote the config)."""
    analysis = analyze(Inputs(config_text, name, log=log_text, chain=chain_text, chain_name="upstream chain",
                              options=options))
    notes = []
    chain_summary = ""
    if analysis.chain is not None:
        chain_summary = "\n".join(chain_lines(analysis.chain)) + "\n"
    elif analysis.chain_problem:
        chain_summary = f"(the pasted chain could not be read: {analysis.chain_problem})\n"
        notes.append(f"the chain could not be read, so only that is said about it: {analysis.chain_problem}")
    else:
        probes = [event.raw for event in analysis.events if event.source == "probe"]
        if probes:
            chain_summary = "(no certificate: openssl s_client printed)\n" + "\n".join(probes) + "\n"
    diagnosis = analysis.diagnosis
    causes = diagnosis_text(diagnosis) if diagnosis is not None and diagnosis.causes else ""
    report = analysis.report
    findings = [diagnostic_line(diagnostic) for diagnostic in report.diagnostics]
    findings += [line for finding in report.findings for line in finding_lines(finding)]
    return _Evidence(chain_summary, "\n".join(findings) + "\n" if findings else "", causes, tuple(notes))


def _fence(text: str) -> str:
    """A code fence longer than any backtick run in `text`, so pasted text
    can never close it."""
    longest = max((len(run) for run in _BACKTICK_RUN.findall(text)), default=0)
    return "`" * max(3, longest + 1)


def _template_context(texts: dict[str, str], mapping: RedactionMap, options: Options, topology: bool) -> dict:
    context = {"production": options.production, "topology": topology}
    for part in PARTS:
        text = texts[part]
        if text and not text.endswith("\n"):
            text += "\n"
        context[part] = text if text.strip() else ""
        context[f"{part}_fence"] = _fence(text)
    context["line_count"] = texts["config"].count("\n") + (not texts["config"].endswith("\n"))
    names = sorted(mapping.placeholders)
    context["placeholders"] = names if len(names) <= MAX_LISTED_PLACEHOLDERS else []
    return context
