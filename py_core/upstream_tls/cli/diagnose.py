"""`upstream-tls diagnose`: name the cause of a 502 from the config, its
error.log and the chain the upstream presents."""
from __future__ import annotations

from ..options import DEFAULT_CA_FILE
from ..output.json import diagnosis_payload
from ..output.text import diagnosis_text
from .analyzing import analysis_of, report_diagnostics
from .arguments import EXIT_CLEAN, EXIT_FINDINGS, MODES, add_config, add_evidence, add_fix_values
from .files import write_json, write_output


def add_parser(commands) -> None:
    diagnose = commands.add_parser("diagnose", help="name the cause of a 502 from the config, its log and the chain")
    add_config(diagnose)
    add_evidence(diagnose, log_required=True)
    diagnose.add_argument("--format", choices=("text", "json"), default="text")
    diagnose.add_argument("--mode", choices=MODES, default="production")
    add_fix_values(diagnose, ca_help=f"trust file path for fixes (default: the config's own, else {DEFAULT_CA_FILE})")
    diagnose.set_defaults(run=run)


def run(args) -> int:
    analysis = analysis_of(args, evidence=True, diagnose=True)
    if analysis.report.diagnostics:
        return report_diagnostics(analysis.report.diagnostics, analysis.inputs.config)
    diagnosis = analysis.diagnosis
    if args.format == "json":
        write_json(diagnosis_payload(diagnosis))
    else:
        write_output(diagnosis_text(diagnosis))
    return EXIT_FINDINGS if diagnosis.causes else EXIT_CLEAN
