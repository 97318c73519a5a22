"""`upstream-tls cert`: what a certificate chain says — names, dates,
issuers, depth."""
from __future__ import annotations

import sys

from ..output.json import chain_payload
from ..output.text import chain_lines
from .arguments import EXIT_CLEAN, UsageError
from .files import write_json, write_output


def add_parser(commands) -> None:
    cert = commands.add_parser("cert", help="what a certificate chain says: names, dates, issuers, depth")
    cert.add_argument("file", metavar="FILE", help="PEM, DER or `openssl s_client -showcerts` output; - for stdin")
    cert.add_argument("--format", choices=("text", "json"), default="text")
    cert.set_defaults(run=run)


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
    else:
        write_output("\n".join(chain_lines(chain)) + "\n")
    return EXIT_CLEAN
