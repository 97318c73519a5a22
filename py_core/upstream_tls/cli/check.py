"""`upstream-tls check`: report upstream TLS problems as text, JSON or SARIF."""
from __future__ import annotations

from ..output.json import report_payload
from ..output.text import text_report
from .analyzing import analysis_of, failing, report_diagnostics
from .arguments import EXIT_CLEAN, EXIT_FINDINGS, MODES, add_config
from .files import write_json, write_output


def add_parser(commands) -> None:
    check = commands.add_parser("check", help="report upstream TLS problems")
    add_config(check)
    check.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    check.add_argument("--profile", "--mode", dest="profile", choices=MODES, default="production",
                       help="dev does not ask for verification where it is merely left off")
    check.set_defaults(run=run)


def run(args) -> int:
    analysis = analysis_of(args)
    report = analysis.report
    if report.diagnostics:
        return report_diagnostics(report.diagnostics, analysis.inputs.config)
    if args.format == "json":
        write_json(report_payload(report, analysis.options.mode))
    elif args.format == "sarif":
        from ..output.sarif import sarif_log
        write_json(sarif_log(report))
    else:
        write_output(text_report(report))
    return EXIT_FINDINGS if failing(report.findings) else EXIT_CLEAN
