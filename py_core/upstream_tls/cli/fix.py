"""`upstream-tls fix`: the input with the fixes applied — printed, as a
diff, or written in place — and, with evidence, the trust anchor written."""
from __future__ import annotations

import difflib
import os
import sys

from ..output.text import fix_summary
from ..parse import split_dump
from ..rewrite import split_lines
from .analyzing import analysis_of, failing, report_diagnostics
from .arguments import EXIT_CLEAN, EXIT_FINDINGS, MODES, UsageError, add_config, add_evidence, add_fix_values
from .files import say, write_in_place, write_output

EVIDENCE_OPTIONS = ("error_log", "upstream_cert", "write_ca")


def add_parser(commands) -> None:
    fix = commands.add_parser("fix", help="print the input with the fixes applied")
    add_config(fix)
    fix.add_argument("--mode", choices=MODES, default="production",
                     help="production: verify and name the upstream (default); dev: the smallest unsafe change "
                          "that makes one location work")
    add_fix_values(fix)
    fix.add_argument("--unsafe-fixes", action="store_true",
                     help="also apply fixes marked unsafe (they reach other locations or change behaviour)")
    output = fix.add_mutually_exclusive_group()
    output.add_argument("--diff", action="store_true", help="print a unified diff instead of the whole text")
    output.add_argument("--in-place", action="store_true", help="rewrite FILE atomically, keeping FILE.bak")
    add_evidence(fix)
    fix.add_argument("--write-ca", metavar="FILE", help="write the chain's trust anchor (its self-signed root) here")
    fix.add_argument("--client-cert", metavar="PATH", help="client certificate path for an upstream that wants mTLS")
    fix.add_argument("--client-key", metavar="PATH", help="its key (with --client-cert)")
    fix.set_defaults(run=run)


def write_trust_anchor(path: str, chain) -> None:
    """--write-ca: the self-signed top of the chain, never a CA-issued leaf."""
    from ..certs import ChainError
    if chain is None:
        raise UsageError("fix: --write-ca: the --upstream-cert file holds no certificate to take the anchor from")
    try:
        pem = chain.trust_anchor_pem()
    except ChainError as exc:
        raise UsageError(str(exc)) from None
    with open(path, "w") as handle:
        handle.write(pem)
    say(f"wrote the trust anchor ({chain.trust_anchor.subject}) to {path}")


def run(args) -> int:
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
            say(f"rewrote {os.path.realpath(args.file)}; backup: {write_in_place(args.file, result.text)}")
    elif args.diff:
        write_output("".join(difflib.unified_diff(split_lines(text), split_lines(result.text),
                                                  fromfile=name, tofile=f"{name} (fixed)")))
    else:
        write_output(result.text)
    sys.stderr.write(fix_summary(result))
    return EXIT_FINDINGS if failing(result.remaining) or result.outstanding else EXIT_CLEAN
