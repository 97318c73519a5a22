"""`upstream-tls cert`: what a certificate chain says — names, dates,
issuers, depth — and whether any certificate in it runs out soon."""
from __future__ import annotations

import sys

from ..output.json import chain_payload
from ..output.text import chain_lines
from .arguments import EXIT_CLEAN, EXIT_FINDINGS, UsageError
from .files import say, write_json, write_output


def add_parser(commands) -> None:
    cert = commands.add_parser("cert", help="what a certificate chain says: names, dates, issuers, depth")
    cert.add_argument("file", metavar="FILE", help="PEM, DER or `openssl s_client -showcerts` output; - for stdin")
    cert.add_argument("--format", choices=("text", "json", "prometheus"), default="text",
                      help="prometheus: the dates as metrics for node_exporter's textfile collector")
    cert.add_argument("--warn-days", type=non_negative_days, metavar="N",
                      help="exit 1, naming each, when a certificate expires within N days or has expired")
    cert.set_defaults(run=run)


def non_negative_days(text: str) -> int:
    if not text.isdigit():
        raise UsageError(f"--warn-days: expected a whole number of days, not {text!r}")
    return int(text)


def run(args) -> int:
    from ..certs import ChainError, read_chain
    try:
        with open(args.file, "rb") if args.file != "-" else sys.stdin.buffer as handle:
            chain = read_chain(handle.read(), "<stdin>" if args.file == "-" else args.file)
    except OSError as exc:
        raise UsageError(f"{args.file}: cannot read: {exc.strerror}") from None
    except ChainError as exc:
        raise UsageError(str(exc)) from None
    if args.format == "json":
        write_json(chain_payload(chain))
    elif args.format == "prometheus":
        from ..output.prometheus import prometheus_text
        write_output(prometheus_text([chain]))
    else:
        write_output("\n".join(chain_lines(chain)) + "\n")
    return expiry_verdict(chain, args)


def expiry_verdict(chain, args) -> int:
    """With --warn-days: one line per certificate running out (on stdout
    after the text report, on stderr when stdout carries JSON or metrics)."""
    if args.warn_days is None:
        return EXIT_CLEAN
    from ..expiry import expiring
    soon = expiring(chain, args.warn_days)
    for expiry in soon:
        line = expiry.describe()
        write_output(line + "\n") if args.format == "text" else say(line)
    return EXIT_FINDINGS if soon else EXIT_CLEAN
