"""The command line: check and fix for CI pipelines and pre-commit, one
module per command (each adds its parser and runs it).

Exit codes: 0 nothing to report, 1 findings (warning or worse), 2 bad input
or usage — always with a one-line message that names the file and line.
"""
from __future__ import annotations

import argparse
import sys

from ..collector import gc_paused
from ..parse import InputError
from . import ask, catalog, cert, check, diagnose, fix, policy, redact
from .arguments import EXIT_BAD_INPUT, EXIT_CLEAN, Parser, UsageError

COMMANDS = (check, fix, diagnose, cert, redact, ask, catalog, policy)


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__
    parser = Parser(prog="upstream-tls", description="Find and fix the nginx 502 behind an HTTPS upstream.")
    parser.add_argument("--version", action="version", version=f"upstream-tls {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for command in COMMANDS:
        command.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        with gc_paused():  # a short-lived process: no cycles worth collecting before exit
            return args.run(args)
    except (UsageError, InputError) as exc:
        print(f"upstream-tls: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_CLEAN
    except Exception as exc:  # the promise is one line, never a traceback
        from ..redact import redact_message
        print(f"upstream-tls: internal error: {type(exc).__name__}: {redact_message(str(exc))} — please report it",
              file=sys.stderr)
        return EXIT_BAD_INPUT
