"""The command line: check and fix for CI pipelines and pre-commit.

Exit codes: 0 nothing to report, 1 findings (warning or worse), 2 bad input
or usage — always with a one-line message that names the file and line.
"""
from __future__ import annotations

import argparse
import difflib
import io
import json
import os
import sys
import tempfile
from dataclasses import replace

from . import engine
from .findings import Severity
from .model import Diagnostic
from .options import DEFAULT_CA_FILE, FLAGS, Options, options_from_fields
from .parse import InputError, split_dump
from .render import (
    causes_table,
    diagnosis_payload,
    diagnosis_text,
    diagnostic_line,
    finding_lines,
    fix_summary,
    json_payload,
    rule_doc,
    rules_table,
    text_report,
)
from .rewrite import split_lines
from .rules import RULES, RULES_BY_CODE

EXIT_CLEAN, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2
EVIDENCE_OPTIONS = ("error_log", "upstream_cert", "write_ca")


class UsageError(Exception):
    """Bad input or usage, reported as one line and exit code 2."""


def read_input(path: str) -> tuple[str, str]:
    """(text, display name). Bytes that are not UTF-8 survive the round trip
    (surrogateescape), so fix never damages what it does not edit."""
    try:
        data = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror}") from None
    return data.decode("utf-8", "surrogateescape"), "<stdin>" if path == "-" else path


def write_output(text: str) -> None:
    sys.stdout.buffer.write(text.encode("utf-8", "surrogateescape"))
    sys.stdout.flush()


def write_json(payload: dict) -> None:
    """Stream JSON to stdout: a large config's report is never held twice."""
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", errors="surrogateescape", newline="\n")
    json.dump(payload, out, indent=2)
    out.write("\n")
    out.detach()


def write_in_place(path: str, text: str) -> str:
    """Replace the file behind `path` (through symlinks, as in sites-enabled)
    atomically, with its mode and owner; the previous content goes to a
    hidden .NAME.bak, which `include sites-enabled/*` does not load (nginx's
    glob skips dot files). Returns the backup's path."""
    real = os.path.realpath(path)
    directory, name = os.path.split(real)
    backup = os.path.join(directory, f".{name}.bak")
    with open(real, "rb") as original, open(backup, "wb") as copy:
        copy.write(original.read())
    status = os.stat(real)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".upstream-tls-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(text.encode("utf-8", "surrogateescape"))
        os.chmod(temporary, status.st_mode & 0o7777)
        if os.geteuid() == 0:
            os.chown(temporary, status.st_uid, status.st_gid)
        os.replace(temporary, real)
    except BaseException:
        os.unlink(temporary)
        raise
    return backup


def options_from(args) -> Options:
    """Options from the flags; the first value that cannot be used is a
    usage error naming its flag."""
    options, problems = options_from_fields({
        "mode": getattr(args, "mode", None) or getattr(args, "profile", "production"),
        "nginx_version": getattr(args, "nginx_version", None),
        "ca_file": getattr(args, "ca_file", None),
        "ssl_names": getattr(args, "ssl_name", None) or (),
        "client_cert": getattr(args, "client_cert", None),
        "client_key": getattr(args, "client_key", None)}, FLAGS)
    if problems:
        raise UsageError(problems[0])
    return options


def analysis_of(args, *, evidence: bool = False, diagnose: bool = False):
    """The one analysis of FILE with the flags' options (and evidence)."""
    from .analysis import Inputs, analyze
    text, name = read_input(args.file)
    inputs = Inputs(text, name, options=options_from(args), unsafe_fixes=getattr(args, "unsafe_fixes", False),
                    empty_ok=not evidence)
    if evidence:
        log = read_input(args.error_log) if getattr(args, "error_log", None) else ("", "error.log")
        chain = read_bytes(args.upstream_cert) if getattr(args, "upstream_cert", None) else b""
        inputs = replace(inputs, log=log[0], log_name=log[1], chain=chain, diagnose_anyway=diagnose,
                         chain_name=getattr(args, "upstream_cert", None) or "chain", read_file=read_local_file)
    analysis = analyze(inputs)
    if analysis.chain_problem:
        raise UsageError(analysis.chain_problem)
    return analysis


def report_diagnostics(diagnostics: list[Diagnostic], text: str) -> int:
    """One line per problem; a word the message quotes may be a secret, so
    the line goes through the same redaction as anything shared."""
    from .redact import redact
    redaction = redact(text)
    for diagnostic in diagnostics:
        print(redaction.scrub(diagnostic_line(diagnostic)), file=sys.stderr)
    return EXIT_BAD_INPUT


def failing(findings) -> bool:
    return any(finding.severity is not Severity.INFO for finding in findings)


def run_check(args) -> int:
    analysis = analysis_of(args)
    report = analysis.report
    if report.diagnostics:
        return report_diagnostics(report.diagnostics, analysis.inputs.config)
    if args.format == "json":
        write_json(json_payload(report, analysis.options.mode))
    elif args.format == "sarif":
        from .sarif import sarif_log
        write_json(sarif_log(report))
    else:
        write_output(text_report(report))
    return EXIT_FINDINGS if failing(report.findings) else EXIT_CLEAN


def read_local_file(path: str) -> bytes | None:
    """Files the config names, when this runs on the nginx host; None if absent."""
    try:
        with open(path, "rb") as handle:
            return handle.read(1 << 20)
    except OSError:
        return None


def write_trust_anchor(path: str, chain) -> None:
    """--write-ca: the self-signed top of the chain, never a CA-issued leaf."""
    from .certs import ChainError
    if chain is None:
        raise UsageError("fix: --write-ca: the --upstream-cert file holds no certificate to take the anchor from")
    try:
        pem = chain.trust_anchor_pem()
    except ChainError as exc:
        raise UsageError(str(exc)) from None
    with open(path, "w") as handle:
        handle.write(pem)
    print(f"wrote the trust anchor ({chain.trust_anchor.subject}) to {path}", file=sys.stderr)


def run_fix(args) -> int:
    if args.in_place and args.file == "-":
        raise UsageError("fix: --in-place needs a FILE, not standard input")
    if args.write_ca and not args.upstream_cert:
        raise UsageError("fix: --write-ca needs --upstream-cert (the chain the upstream presents)")
    analysis = analysis_of(args, evidence=any(getattr(args, option) for option in EVIDENCE_OPTIONS))
    text, name = analysis.inputs.config, analysis.inputs.name
    if args.in_place and len(split_dump(text, name)) > 1:
        raise UsageError(f"fix: {name} is an nginx -T dump; --in-place would rewrite the dump, not the files it "
                         "names: use --diff")
    if args.write_ca:
        write_trust_anchor(args.write_ca, analysis.chain)
    result = analysis.fixed()
    if result.diagnostics:
        return report_diagnostics(result.diagnostics, text)
    if args.in_place:
        if result.changed:
            print(f"rewrote {os.path.realpath(args.file)}; backup: {write_in_place(args.file, result.text)}",
                  file=sys.stderr)
    elif args.diff:
        write_output("".join(difflib.unified_diff(
            split_lines(text), split_lines(result.text),
            fromfile=name, tofile=f"{name} (fixed)")))
    else:
        write_output(result.text)
    sys.stderr.write(fix_summary(result))
    return EXIT_FINDINGS if failing(result.remaining) or result.outstanding else EXIT_CLEAN


def run_diagnose(args) -> int:
    analysis = analysis_of(args, evidence=True, diagnose=True)
    if analysis.report.diagnostics:
        return report_diagnostics(analysis.report.diagnostics, analysis.inputs.config)
    diagnosis = analysis.diagnosis
    if args.format == "json":
        write_json(diagnosis_payload(diagnosis))
    else:
        write_output(diagnosis_text(diagnosis))
    return EXIT_FINDINGS if diagnosis.causes else EXIT_CLEAN


def run_cert(args) -> int:
    from .certs import ChainError, read_chain
    try:
        with open(args.file, "rb") if args.file != "-" else sys.stdin.buffer as handle:
            chain = read_chain(handle.read(), "<stdin>" if args.file == "-" else args.file)
    except OSError as exc:
        raise UsageError(f"{args.file}: cannot read: {exc.strerror}") from None
    except ChainError as exc:
        raise UsageError(str(exc)) from None
    if args.format == "json":
        write_json(chain.to_dict())
    else:
        write_output("\n".join(chain.summary_lines()) + "\n")
    return EXIT_CLEAN


def run_redact(args) -> int:
    """Redact to stdout (the report on stderr), or with --restore put the
    originals back. The map holds every secret, so it is created owner-only
    (0600) from the start — mkstemp's mode — and renamed into place."""
    from .redact import RedactionMap, redact, restore
    if args.restore and not args.map:
        raise UsageError("redact: --restore needs --map FILE (the map the redaction wrote)")
    if args.restore and args.topology:
        raise UsageError("redact: --topology applies to redaction, not to --restore")
    text, name = read_input(args.file)
    if args.restore:
        try:
            with open(args.map, encoding="utf-8", errors="surrogateescape") as handle:
                mapping = RedactionMap.from_json(handle.read())
        except OSError as exc:
            raise UsageError(f"{args.map}: cannot read: {exc.strerror}") from None
        except ValueError as exc:
            raise UsageError(f"{args.map}: {exc}") from None
        restored = restore(text, mapping)
        unknowns = restored.unknown_placeholders
        if args.format == "json":
            write_json({"text": restored.text, "unknown_placeholders": [
                {"placeholder": unknown.placeholder, "line": unknown.line} for unknown in unknowns]})
        else:
            write_output(restored.text)
        for unknown in unknowns:
            print(f"{name}:{unknown.line}: unknown placeholder {unknown.placeholder}: not issued by {args.map}, "
                  "left as is", file=sys.stderr)
        return EXIT_CLEAN
    redaction = redact(text, topology=args.topology)
    if args.map:
        try:
            handle, temporary = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(args.map)),
                                                 prefix=".upstream-tls-map-")
        except OSError as exc:
            raise UsageError(f"{args.map}: cannot write: {exc.strerror}") from None
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(redaction.mapping.to_json() + "\n")
            os.replace(temporary, args.map)
        except BaseException:
            os.unlink(temporary)
            raise
    if args.format == "json":
        write_json({"version": 1, "text": redaction.text, "map": args.map, "summary": redaction.summary(),
                    "redactions": [entry.to_dict() for entry in redaction.report]})
    else:
        write_output(redaction.text)
        for entry in redaction.report:
            print(f"{name}:{entry.line}: {entry.kind.code} {entry.kind.name}: {', '.join(entry.placeholders)}",
                  file=sys.stderr)
    summary = redaction.summary()
    print(f"redacted {sum(summary.values())} values: {', '.join(f'{n} {kind}' for kind, n in summary.items())}"
          if summary else "nothing to redact", file=sys.stderr)
    if args.map:
        print(f"wrote the map to {args.map}, readable by you only (mode 0600): it holds the original values; "
              "keep it off anything you share", file=sys.stderr)
    elif redaction.mapping.placeholders:
        print("no --map: the placeholders cannot be restored", file=sys.stderr)
    return EXIT_CLEAN


def read_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror}") from None


def redaction_line(summary: dict[str, int]) -> str:
    if not summary:
        return "nothing needed redacting"
    return f"redacted {sum(summary.values())} value(s): {', '.join(f'{n} {kind}' for kind, n in summary.items())}"


def answer_lines(check) -> list[str]:
    """The local verdict on an LLM's answer, one line per point, worst first."""
    order = {"danger": 0, "warning": 1, "info": 2}
    lines = [f"{flag.severity}: {flag.message}" for flag in sorted(check.warnings, key=lambda f: order[f.severity])]
    lines += [diagnostic_line(diagnostic) for diagnostic in check.diagnostics]
    lines += [line for finding in check.findings for line in finding_lines(finding)]
    if check.ok and check.code is None:
        lines.append("checked locally: the answer proposes no config change")
    elif check.ok:
        lines.append("checked locally: the answer parses, passes every rule and changes only upstream settings")
    return lines


def run_ask(args) -> int:
    """One request to the chosen LLM with the person's key, built from
    redacted text only. The model's text streams to stderr as it arrives
    (redacted, as the model wrote it); stdout gets the restored explanation
    and the diff of the restored answer; the local checks follow on stderr.
    Exit 1 when the answer is not clean (weakens TLS, findings, warnings)."""
    from .llm import LLMError, check_answer, prepare, provider_named
    from .llm.transport import TransportError, send
    try:
        provider = provider_named(args.provider)
    except LLMError as exc:
        raise UsageError(f"ask: {exc}") from None
    if args.timeout <= 0:
        raise UsageError("ask: --timeout must be a positive number of seconds")
    text, name = read_input(args.file)
    log_text = read_input(args.error_log)[0] if args.error_log else ""
    chain = read_bytes(args.upstream_cert) if args.upstream_cert else b""
    options = Options(mode=args.mode)
    variable = args.api_key_env or provider.key_env
    key = os.environ.get(variable, "").strip() if variable else ""
    try:
        prepared = prepare(provider.id, text, model=args.model, base_url=args.base_url, log_text=log_text,
                           chain_text=chain, options=options, topology=args.topology, name=os.path.basename(name))
    except LLMError as exc:
        raise UsageError(f"ask: {exc}") from None
    summary = redaction_line(prepared.redaction_summary())
    for note in prepared.notes:
        print(f"note: {note}", file=sys.stderr)
    if args.dry_run:
        write_output(prepared.preview(key or None))
        print(f"{summary}; nothing was sent (--dry-run)", file=sys.stderr)
        return EXIT_CLEAN
    if provider.key_required and not key:
        raise UsageError(f"ask: no API key in ${variable}: set it, or name another variable with --api-key-env")
    print(f"asking {prepared.url} (model {prepared.model}); {summary}", file=sys.stderr)

    def show(piece: str) -> None:
        sys.stderr.write(piece)
        sys.stderr.flush()

    try:
        result = send(prepared, key or None, timeout=args.timeout, on_text=show)
    except TransportError as exc:
        raise UsageError(f"ask: {exc}") from None
    print(file=sys.stderr)
    if result.error or not result.text.strip():
        raise UsageError(f"ask: {result.error or 'the model returned an empty answer'}")
    for problem in result.problems:
        print(f"warning: {problem}", file=sys.stderr)
    check = check_answer(result.text, text, prepared.mapping, options, name)
    write_output("\n\n".join(part for part in (check.explanation, check.diff.rstrip("\n")) if part) + "\n")
    for line in answer_lines(check):
        print(line, file=sys.stderr)
    return EXIT_CLEAN if check.ok and not result.problems else EXIT_FINDINGS


def run_causes(args) -> int:
    from .causes import CAUSES
    if args.format == "markdown":
        write_output(causes_table())
    else:
        write_output("".join(f"{cause.id:<36} {cause.side:<9} {cause.title}\n" for cause in CAUSES.values()))
    return EXIT_CLEAN


def run_rules(args) -> int:
    if args.code:
        rule = RULES_BY_CODE.get(args.code.upper()) or next((r for r in RULES if r.name == args.code), None)
        if rule is None:
            raise UsageError(f"rule: no rule {args.code!r}; `upstream-tls rule` lists them")
        write_output(rule_doc(rule))
    elif args.format == "markdown":
        write_output(rules_table())
    elif args.format == "docs":
        write_output("# upstream-tls rules\n\n" + "\n".join(rule_doc(rule) for rule in RULES))
    else:
        write_output("".join(f"{rule.code}  {rule.name:<36} {rule.severity.value:<8} {rule.summary}\n"
                             for rule in RULES))
    return EXIT_CLEAN


class Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit code 2."""

    def error(self, message):
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def build_parser() -> argparse.ArgumentParser:
    from . import __version__
    parser = Parser(prog="upstream-tls", description="Find and fix the nginx 502 behind an HTTPS upstream.")
    parser.add_argument("--version", action="version", version=f"upstream-tls {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    def common(sub):
        sub.add_argument("file", nargs="?", default="-", metavar="FILE",
                         help="a location/server block, nginx.conf or `nginx -T` output; - for stdin (default)")
        sub.add_argument("--nginx-version", metavar="X.Y.Z", help="version-dependent defaults (protocols)")

    def evidence(sub, log_required=False):
        sub.add_argument("--error-log", metavar="FILE", required=log_required,
                         help="nginx error.log lines or nginx -t output (the upstream's own log may be appended)")
        sub.add_argument("--upstream-cert", metavar="FILE",
                         help="the chain the upstream presents (openssl s_client -showcerts output, PEM or DER)")

    check = commands.add_parser("check", help="report upstream TLS problems")
    common(check)
    check.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    check.add_argument("--profile", "--mode", dest="profile", choices=("production", "dev"), default="production",
                       help="dev does not ask for verification where it is merely left off")
    check.set_defaults(run=run_check)

    fix = commands.add_parser("fix", help="print the input with the fixes applied")
    common(fix)
    fix.add_argument("--mode", choices=("production", "dev"), default="production",
                     help="production: verify and name the upstream (default); dev: the smallest unsafe change "
                          "that makes one location work")
    fix.add_argument("--ca-file", metavar="PATH",
                     help=f"path written into proxy_ssl_trusted_certificate (default {DEFAULT_CA_FILE})")
    fix.add_argument("--ssl-name", metavar="[UPSTREAM=]NAME", action="append",
                     help="the DNS name in the upstream certificate, for proxy_ssl_name; NAME alone when one upstream "
                          "needs a name, UPSTREAM=NAME (the proxy_pass host or group) for each otherwise; repeatable")
    fix.add_argument("--unsafe-fixes", action="store_true",
                     help="also apply fixes marked unsafe (they reach other locations or change behaviour)")
    output = fix.add_mutually_exclusive_group()
    output.add_argument("--diff", action="store_true", help="print a unified diff instead of the whole text")
    output.add_argument("--in-place", action="store_true", help="rewrite FILE atomically, keeping FILE.bak")
    evidence(fix)
    fix.add_argument("--write-ca", metavar="FILE", help="write the chain's trust anchor (its self-signed root) here")
    fix.add_argument("--client-cert", metavar="PATH", help="client certificate path for an upstream that wants mTLS")
    fix.add_argument("--client-key", metavar="PATH", help="its key (with --client-cert)")
    fix.set_defaults(run=run_fix)

    diagnose = commands.add_parser("diagnose", help="name the cause of a 502 from the config, its log and the chain")
    common(diagnose)
    evidence(diagnose, log_required=True)
    diagnose.add_argument("--format", choices=("text", "json"), default="text")
    diagnose.add_argument("--mode", choices=("production", "dev"), default="production")
    diagnose.add_argument("--ca-file", metavar="PATH",
                          help=f"trust file path for fixes (default: the config's own, else {DEFAULT_CA_FILE})")
    diagnose.add_argument("--ssl-name", metavar="[UPSTREAM=]NAME", action="append")
    diagnose.set_defaults(run=run_diagnose)

    cert = commands.add_parser("cert", help="what a certificate chain says: names, dates, issuers, depth")
    cert.add_argument("file", metavar="FILE", help="PEM, DER or `openssl s_client -showcerts` output; - for stdin")
    cert.add_argument("--format", choices=("text", "json"), default="text")
    cert.set_defaults(run=run_cert)

    redaction = commands.add_parser("redact", help="replace secrets by typed placeholders (and back, with --restore)")
    redaction.add_argument("file", nargs="?", default="-", metavar="FILE",
                           help="a config, error.log lines or a certificate chain; - for stdin (default)")
    redaction.add_argument("--topology", action="store_true",
                           help="also replace internal IPs, host names, upstream names, AWS ARNs and account ids")
    redaction.add_argument("--map", metavar="FILE",
                           help="write placeholder -> original here (created owner-only); with --restore, read it")
    redaction.add_argument("--restore", action="store_true",
                           help="put the originals back into FILE (an LLM's answer, say) using --map")
    redaction.add_argument("--format", choices=("text", "json"), default="text")
    redaction.set_defaults(run=run_redact)

    ask = commands.add_parser("ask", help="ask an LLM with your own API key: only redacted text is sent; the answer "
                                          "is restored, checked and diffed locally")
    ask.add_argument("file", nargs="?", default="-", metavar="FILE",
                     help="a location/server block, nginx.conf or `nginx -T` output; - for stdin (default)")
    ask.add_argument("--provider", required=True, metavar="PROVIDER",
                     help="openai, anthropic or openai-compatible (Ollama, llama.cpp, vLLM, LM Studio)")
    ask.add_argument("--base-url", metavar="URL",
                     help="the API's base URL (required for openai-compatible, e.g. http://localhost:11434/v1)")
    ask.add_argument("--model", metavar="M", help="model name (defaults: gpt-4.1-mini, claude-sonnet-4-5, llama3.1)")
    ask.add_argument("--api-key-env", metavar="VAR",
                     help="environment variable holding the key (default OPENAI_API_KEY / ANTHROPIC_API_KEY; "
                          "openai-compatible needs none)")
    evidence(ask)
    ask.add_argument("--mode", choices=("production", "dev"), default="production",
                     help="production: the answer must keep verification on (default); dev: the smallest change")
    ask.add_argument("--topology", action="store_true",
                     help="also replace internal IPs, host names and upstream names before sending")
    ask.add_argument("--dry-run", action="store_true",
                     help="print the exact request (key masked) and send nothing; no key needed")
    ask.add_argument("--timeout", type=float, default=120.0, metavar="SECONDS",
                     help="seconds to wait for the connection and between streamed pieces (default 120)")
    ask.set_defaults(run=run_ask)

    causes = commands.add_parser("causes", help="the causes diagnose can name, and where each is fixed")
    causes.add_argument("--format", choices=("text", "markdown"), default="text")
    causes.set_defaults(run=run_causes)

    rule = commands.add_parser("rule", help="list the rules, or explain one (upstream-tls rule UT001)")
    rule.add_argument("code", nargs="?", help="a rule code or name")
    rule.add_argument("--format", choices=("text", "markdown", "docs"), default="text",
                      help="markdown: the README's rule table; docs: every rule's documentation")
    rule.set_defaults(run=run_rules)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        with engine.gc_paused():  # a short-lived process: no cycles worth collecting before exit
            return args.run(args)
    except (UsageError, InputError) as exc:
        print(f"upstream-tls: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_CLEAN
    except Exception as exc:  # the promise is one line, never a traceback
        from .redact import redact_message
        print(f"upstream-tls: internal error: {type(exc).__name__}: {redact_message(str(exc))} — please report it",
              file=sys.stderr)
        return EXIT_BAD_INPUT
