"""Config + evidence -> ranked causes of a proxied-HTTPS failure.

The readers turn evidence into one model: logs.py (nginx's lines) and
phrases.py (other servers' lines, response pages) give LogEvents, certs.py a
Chain. sorting.py picks the upstream the lines are about; situation.py and
case.py say what the config means for it (SNI sent or not, the name checked,
verification, Host); handlers.py reads each line against that (handshake.py
and verify.py hold the two ambiguous families); config_readings.py adds what
the config and chain allow; reasoner.py ranks with the named weights of
weights.py; fix.py applies the repairs.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..causes import CAUSES
from ..certs import Chain
from ..context import Context
from ..engine import DEFAULT_OPTIONS, Report, check
from ..logs import LogEvent
from ..model import Config
from ..options import Options
from ..parse import DEFAULT_NAME
from ..upstreams import Site
from .case import Case, FileReader
from .config_readings import chain_readings, rule_readings, situation_readings
from .handlers import CONTEXT_KINDS, HANDLERS
from .reasoner import Cause, rank
from .repair import Repair
from .situation import Situation, situation_of
from .sorting import sort_evidence

__all__ = ["Cause", "Diagnosis", "Remedy", "Repair", "diagnose", "evidence_fix"]


@dataclass(frozen=True)
class Remedy:
    """What repairs a cause here, as shown: the directives the fix writes
    (only those not already in effect), or advice when nothing in this
    config repairs it."""

    title: str
    applicability: str
    directives: tuple[str, ...] = ()
    where: str | None = None


@dataclass
class Diagnosis:
    report: Report
    site: Site | None
    situation: Situation
    chain: Chain | None
    events: list[LogEvent]
    causes: list[Cause]
    options: Options
    name: str
    others: list[tuple[Site, int]] = field(default_factory=list)
    unexplained: list[LogEvent] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def config(self) -> Config:
        return self.report.config

    def remedy(self, cause: Cause) -> Remedy:
        info = CAUSES[cause.cause]
        if cause.dev_only and self.options.production:
            return Remedy(f"the upstream must be fixed: {info.action}", "display-only")
        pending = cause.repair.pending(self.site) if self.site is not None else Repair()
        if not pending:
            return Remedy(info.action, "display-only")
        lines = tuple(pending.lines(self.site))
        where = f"{self.site.node.file}:{self.site.node.line}"
        if cause.dev_only:
            return Remedy(f"dev only: {' '.join(lines)} weakens TLS toward the upstream; {info.action}", "unsafe",
                          lines, where)
        return Remedy(info.action, "unsafe" if cause.unsafe else "safe", lines, where)


def diagnose(text: str, log_events: list[LogEvent], chain: Chain | None, options: Options = DEFAULT_OPTIONS,
             name: str = DEFAULT_NAME, read_file: FileReader | None = None) -> Diagnosis:
    """Ranked causes. `read_file(path) -> bytes | None` lets the diagnosis
    look into files the config names (the trust file); without it, what only
    those files could tell is listed as what decides."""
    report = check(text, options, name)
    sites = Context(report.config, options).sites if not report.diagnostics else []
    evidence = sort_evidence(sites, log_events)
    situation = situation_of(evidence.site, options)
    case = Case(situation, chain, options, read_file, report.config.text)
    readings, unexplained = [], list(evidence.unassigned)
    for event in evidence.events:
        count = evidence.repeats.get(id(event), 1)
        where = (f"{'chain' if event.source == 'probe' else 'log'} line {event.line}"
                 + (f" (and {count - 1} more like it)" if count > 1 else ""))
        handler = HANDLERS.get(event.kind)
        found = handler(event, where, case) if handler else []
        readings += found
        if not found and event.kind not in CONTEXT_KINDS and event.continuation_of is None:
            unexplained.append(event)
    readings += chain_readings(case) + situation_readings(case) + rule_readings(report.findings, evidence.site)
    causes = rank(readings, situation)
    diagnosis = Diagnosis(report, evidence.site, situation, chain, log_events, causes, options, name,
                          evidence.others, sorted(unexplained, key=lambda event: event.line))
    diagnosis.missing = missing_evidence(diagnosis)
    return diagnosis


def missing_evidence(diagnosis: Diagnosis) -> list[str]:
    """What would decide, when the evidence named no cause it shows."""
    if any(not cause.evidence[0].startswith(tuple(f"{source.path}:" for source in diagnosis.config.files))
           for cause in diagnosis.causes):
        return []
    wanted = []
    if not any(event.source == "proxy" for event in diagnosis.events):
        wanted.append("nginx's error.log lines from the failing request: `grep -E 'upstream|SSL' "
                      "/var/log/nginx/error.log | tail -n 20` (they say at which step nginx gave up)")
    if diagnosis.chain is None:
        wanted.append("the chain the upstream presents: `openssl s_client -connect HOST:PORT -servername NAME "
                      "-showcerts </dev/null`")
    wanted.append("the upstream's own log at the same time, or the response a client got from it directly")
    return wanted


from .fix import evidence_fix  # noqa: E402  (fix.py builds on Diagnosis)
