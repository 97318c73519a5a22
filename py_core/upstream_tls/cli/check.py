"""`upstream-tls check`: report upstream TLS problems as text, JSON or SARIF;
with --read-files, also what the files the config names hold."""
from __future__ import annotations

from ..output.json import report_payload
from ..output.text import text_report
from .analyzing import analysis_of, failing, report_diagnostics
from .arguments import EXIT_CLEAN, EXIT_FINDINGS, MODES, UsageError, add_config
from .cert import non_negative_days
from .files import write_json, write_output


def add_parser(commands) -> None:
    check = commands.add_parser("check", help="report upstream TLS problems")
    add_config(check)
    check.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    check.add_argument("--profile", "--mode", dest="profile", choices=MODES, default="production",
                       help="dev does not ask for verification where it is merely left off")
    check.add_argument("--read-files", action="store_true",
                       help="on the nginx host: open the certificate, key and CRL files the config names")
    check.add_argument("--warn-days", type=non_negative_days, metavar="N",
                       help="with --read-files: report certificates expiring within N days (default 30)")
    check.add_argument("--conf-dir", metavar="DIR",
                       help="with --read-files: where nginx takes relative paths from (default /etc/nginx)")
    check.set_defaults(run=run)


def run(args) -> int:
    if not args.read_files and (args.warn_days is not None or args.conf_dir is not None):
        raise UsageError("--warn-days and --conf-dir need --read-files (files are read only when asked)")
    analysis = analysis_of(args)
    report = analysis.report
    if report.diagnostics:
        return report_diagnostics(report.diagnostics, analysis.inputs.config)
    problems = tuple(named_file_problems(report.config, args)) if args.read_files else ()
    if args.format == "json":
        write_json(report_payload(report, analysis.options.mode, problems if args.read_files else None))
    elif args.format == "sarif":
        from ..output.sarif import sarif_log
        write_json(sarif_log(report, problems))
    else:
        write_output(text_report(report, problems))
    return EXIT_FINDINGS if failing(report.findings) or failing(problems) else EXIT_CLEAN


def named_file_problems(config, args) -> list:
    from ..expiry import DEFAULT_WARN_DAYS
    from ..named_files import DEFAULT_CONF_DIR, NamedFileError, check_named_files
    warn_days = DEFAULT_WARN_DAYS if args.warn_days is None else args.warn_days
    try:
        return check_named_files(config, warn_days, args.conf_dir or DEFAULT_CONF_DIR)
    except NamedFileError as exc:
        raise UsageError(str(exc)) from None
