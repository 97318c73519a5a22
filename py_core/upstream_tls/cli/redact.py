"""`upstream-tls redact`: replace secrets by typed placeholders, and with
--restore put the originals back. The map holds every secret: it is written
owner-only from its first byte."""
from __future__ import annotations

from ..output.json import redacted_payload
from .arguments import EXIT_CLEAN, UsageError
from .files import read_input, say, write_json, write_output, write_private


def add_parser(commands) -> None:
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
    redaction.set_defaults(run=run)


def run(args) -> int:
    if args.restore and not args.map:
        raise UsageError("redact: --restore needs --map FILE (the map the redaction wrote)")
    if args.restore and args.topology:
        raise UsageError("redact: --topology applies to redaction, not to --restore")
    text, name = read_input(args.file)
    return run_restore(args, text, name) if args.restore else run_redaction(args, text, name)


def run_restore(args, text: str, name: str) -> int:
    from ..redact import RedactionMap, restore
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
        say(f"{name}:{unknown.line}: unknown placeholder {unknown.placeholder}: not issued by {args.map}, left as is")
    return EXIT_CLEAN


def run_redaction(args, text: str, name: str) -> int:
    from ..redact import redact
    redaction = redact(text, topology=args.topology)
    if args.map:
        write_private(args.map, redaction.mapping.to_json() + "\n")
    if args.format == "json":
        write_json({"version": 1, "text": redaction.text, "map": args.map, "summary": redaction.summary(),
                    "redactions": [redacted_payload(entry) for entry in redaction.report]})
    else:
        write_output(redaction.text)
        for entry in redaction.report:
            say(f"{name}:{entry.line}: {entry.kind.code} {entry.kind.name}: {', '.join(entry.placeholders)}")
    summary = redaction.summary()
    say(f"redacted {sum(summary.values())} values: {', '.join(f'{n} {kind}' for kind, n in summary.items())}"
        if summary else "nothing to redact")
    if args.map:
        say(f"wrote the map to {args.map}, readable by you only (mode 0600): it holds the original values; "
            "keep it off anything you share")
    elif redaction.mapping.placeholders:
        say("no --map: the placeholders cannot be restored")
    return EXIT_CLEAN
