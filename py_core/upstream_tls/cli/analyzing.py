"""The one analysis of FILE for a command (with the flags' options and, when
asked, the evidence files), and what stops it: unreadable input, a chain that
is no chain, a config nginx would refuse."""
from __future__ import annotations

import sys
from dataclasses import replace

from ..findings import Severity
from ..model import Diagnostic
from ..output.text import diagnostic_line
from .arguments import EXIT_BAD_INPUT, UsageError, options_from
from .files import read_bytes, read_input, read_local_file


def analysis_of(args, *, evidence: bool = False, diagnose: bool = False):
    from ..analysis import Inputs, analyze
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
    from ..redact import redact
    redaction = redact(text)
    for diagnostic in diagnostics:
        print(redaction.scrub(diagnostic_line(diagnostic)), file=sys.stderr)
    return EXIT_BAD_INPUT


def failing(findings) -> bool:
    return any(finding.severity is not Severity.INFO for finding in findings)
