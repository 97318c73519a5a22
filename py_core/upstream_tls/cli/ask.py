"""`upstream-tls ask`: one request to the chosen LLM with the person's key,
built from redacted text only. The model's text streams to stderr as it
arrives (redacted, as the model wrote it); stdout gets the restored
explanation and the diff of the restored answer; the local checks follow on
stderr. Exit 1 when the answer is not clean (weakens TLS, findings, warnings)."""
from __future__ import annotations

import os
import sys

from ..options import Options
from ..output.text import diagnostic_line, finding_lines
from .arguments import EXIT_CLEAN, EXIT_FINDINGS, MODES, UsageError, add_config_file, add_evidence
from .files import read_bytes, read_input, say, write_output

SEVERITY_ORDER = {"danger": 0, "warning": 1, "info": 2}


def add_parser(commands) -> None:
    ask = commands.add_parser("ask", help="ask an LLM with your own API key: only redacted text is sent; the answer "
                                          "is restored, checked and diffed locally")
    add_config_file(ask)
    ask.add_argument("--provider", required=True, metavar="PROVIDER",
                     help="openai, anthropic or openai-compatible (Ollama, llama.cpp, vLLM, LM Studio)")
    ask.add_argument("--base-url", metavar="URL",
                     help="the API's base URL (required for openai-compatible, e.g. http://localhost:11434/v1)")
    ask.add_argument("--model", metavar="M", help="model name (defaults: gpt-4.1-mini, claude-sonnet-4-5, llama3.1)")
    ask.add_argument("--api-key-env", metavar="VAR",
                     help="environment variable holding the key (default OPENAI_API_KEY / ANTHROPIC_API_KEY; "
                          "openai-compatible needs none)")
    add_evidence(ask)
    ask.add_argument("--mode", choices=MODES, default="production",
                     help="production: the answer must keep verification on (default); dev: the smallest change")
    ask.add_argument("--topology", action="store_true",
                     help="also replace internal IPs, host names and upstream names before sending")
    ask.add_argument("--dry-run", action="store_true",
                     help="print the exact request (key masked) and send nothing; no key needed")
    ask.add_argument("--timeout", type=float, default=120.0, metavar="SECONDS",
                     help="seconds to wait for the connection and between streamed pieces (default 120)")
    ask.set_defaults(run=run)


def redaction_line(summary: dict[str, int]) -> str:
    if not summary:
        return "nothing needed redacting"
    return f"redacted {sum(summary.values())} value(s): {', '.join(f'{n} {kind}' for kind, n in summary.items())}"


def answer_lines(check) -> list[str]:
    """The local verdict on an LLM's answer, one line per point, worst first."""
    ordered = sorted(check.warnings, key=lambda flag: SEVERITY_ORDER[flag.severity])
    lines = [f"{flag.severity}: {flag.message}" for flag in ordered]
    lines += [diagnostic_line(diagnostic) for diagnostic in check.diagnostics]
    lines += [line for finding in check.findings for line in finding_lines(finding)]
    if check.ok and check.code is None:
        lines.append("checked locally: the answer proposes no config change")
    elif check.ok:
        lines.append("checked locally: the answer parses, passes every rule and changes only upstream settings")
    return lines


def prepared_request(args, provider):
    """The request as it would be sent (redacted), and the key for it."""
    from ..llm import LLMError, prepare
    text, name = read_input(args.file)
    log_text = read_input(args.error_log)[0] if args.error_log else ""
    chain = read_bytes(args.upstream_cert) if args.upstream_cert else b""
    variable = args.api_key_env or provider.key_env
    key = os.environ.get(variable, "").strip() if variable else ""
    try:
        prepared = prepare(provider.id, text, model=args.model, base_url=args.base_url, log_text=log_text,
                           chain_text=chain, options=Options(mode=args.mode), topology=args.topology,
                           name=os.path.basename(name))
    except LLMError as exc:
        raise UsageError(f"ask: {exc}") from None
    return prepared, key, variable, text, name


def run(args) -> int:
    from ..llm import LLMError, check_answer, provider_named
    from ..llm.transport import TransportError, send
    try:
        provider = provider_named(args.provider)
    except LLMError as exc:
        raise UsageError(f"ask: {exc}") from None
    if args.timeout <= 0:
        raise UsageError("ask: --timeout must be a positive number of seconds")
    prepared, key, variable, text, name = prepared_request(args, provider)
    summary = redaction_line(prepared.redaction_summary())
    for note in prepared.notes:
        say(f"note: {note}")
    if args.dry_run:
        write_output(prepared.preview(key or None))
        say(f"{summary}; nothing was sent (--dry-run)")
        return EXIT_CLEAN
    if provider.key_required and not key:
        raise UsageError(f"ask: no API key in ${variable}: set it, or name another variable with --api-key-env")
    say(f"asking {prepared.url} (model {prepared.model}); {summary}")

    def show(piece: str) -> None:
        sys.stderr.write(piece)
        sys.stderr.flush()

    try:
        result = send(prepared, key or None, timeout=args.timeout, on_text=show)
    except TransportError as exc:
        raise UsageError(f"ask: {exc}") from None
    say("")
    if result.error or not result.text.strip():
        raise UsageError(f"ask: {result.error or 'the model returned an empty answer'}")
    for problem in result.problems:
        say(f"warning: {problem}")
    check = check_answer(result.text, text, prepared.mapping, Options(mode=args.mode), name)
    write_output("\n\n".join(part for part in (check.explanation, check.diff.rstrip("\n")) if part) + "\n")
    for line in answer_lines(check):
        say(line)
    return EXIT_CLEAN if check.ok and not result.problems else EXIT_FINDINGS
