"""One analysis of what a person gives: the config, the evidence (error.log
lines, the upstream's own log, responses, what `openssl s_client` printed)
and the options. The CLI, the page's worker and the LLM prompt call
`analyze()` and only format what it returns, so they cannot disagree.

Reading order: the evidence first (the log, then the chain text — which may
hold no certificate but `s_client`'s errors, evidence too), then the config
is checked once, by the diagnosis when there is evidence; the fix is made
when asked for, from the same check.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .context import Context
from .engine import DEFAULT_OPTIONS, FixResult, Report, check, fix
from .options import Options
from .parse import DEFAULT_NAME
from .probe import Probe, probes

if TYPE_CHECKING:  # evidence needs these; a config alone does not, and the page starts sooner without
    from .certs import Chain
    from .diagnose import Diagnosis
    from .diagnose.case import FileReader
    from .logs import LogEvent

# What `openssl s_client` prints around a handshake, certificate or not.
S_CLIENT = re.compile(r"^CONNECTED\(|:error:[0-9A-F]{8}:SSL routines:|^no peer certificate available|"
                      r"^SSL handshake has read", re.M)
UNREAD_KINDS = frozenset({"unrecognized", "other-error"})


@dataclass(frozen=True)
class Inputs:
    """`chain` is what the person pasted for the upstream's chain: PEM
    blocks with any noise around them, DER bytes, or `s_client` output.
    `read_file` lets the diagnosis read files the config names (the CLI on
    the nginx host can; the browser cannot). `diagnose_anyway` asks for a
    diagnosis from the config alone when there is no evidence; `empty_ok`
    takes an empty config as one with nothing to report (a file in a tree)."""

    config: str
    name: str = DEFAULT_NAME
    log: str = ""
    log_name: str = "error.log"
    chain: str | bytes = ""
    chain_name: str = "chain"
    options: Options = DEFAULT_OPTIONS
    unsafe_fixes: bool = False
    read_file: FileReader | None = None
    diagnose_anyway: bool = False
    empty_ok: bool = False


@dataclass
class Analysis:
    """`chain_problem` says why the chain text gave neither a certificate nor
    anything `s_client` reports; `diagnosis` is there when there is evidence."""

    inputs: Inputs
    report: Report
    events: list[LogEvent]
    chain: Chain | None
    chain_problem: str | None
    diagnosis: Diagnosis | None
    _fixed: FixResult | None = field(default=None, repr=False)
    _probes: list[Probe] | None = field(default=None, repr=False)

    @property
    def options(self) -> Options:
        return self.inputs.options

    def fixed(self) -> FixResult:
        """The evidence-driven fix when there is evidence, the rules' fix
        otherwise; made once."""
        if self._fixed is None:
            if self.diagnosis is not None:
                from .diagnose import evidence_fix
                self._fixed = evidence_fix(self.diagnosis, unsafe_fixes=self.inputs.unsafe_fixes)
            else:
                self._fixed = fix(self.inputs.config, self.options, self.inputs.name,
                                  unsafe_fixes=self.inputs.unsafe_fixes, checked=self.report)
        return self._fixed

    def probes(self) -> list[Probe]:
        """The `openssl s_client` command that shows what each TLS upstream
        presents (none for a config that did not parse); made once."""
        if self._probes is None:
            self._probes = [] if self.report.diagnostics else probes(Context(self.report.config, self.options))
        return self._probes


def read_chain_text(text: str | bytes, name: str) -> tuple[Chain | None, list[LogEvent], str | None]:
    """(the chain, the `s_client` errors it held, why it could not be read).
    `s_client` against a plain-HTTP port or a server that refuses the
    handshake prints errors and no certificate: those are evidence."""
    if not text.strip():
        return None, [], None
    from .certs import ChainError, read_chain
    from .logs import read_log
    try:
        return read_chain(text, name), [], None
    except ChainError as exc:
        decoded = text if isinstance(text, str) else text.decode("utf-8", "replace")
        if not S_CLIENT.search(decoded):
            return None, [], str(exc)
        events = [event for event in read_log(decoded, name) if event.kind not in UNREAD_KINDS]
        return None, events, None if events else str(exc)


def analyze(inputs: Inputs) -> Analysis:
    events = []
    if inputs.log.strip():
        from .logs import read_log
        events = read_log(inputs.log, inputs.log_name)
    chain, probe_events, problem = read_chain_text(inputs.chain, inputs.chain_name)
    events += probe_events
    diagnosis = None
    if events or chain is not None or inputs.diagnose_anyway:
        from .diagnose import diagnose
        diagnosis = diagnose(inputs.config, events, chain, inputs.options, inputs.name, inputs.read_file)
        report = diagnosis.report
    else:
        report = check(inputs.config, inputs.options, inputs.name, inputs.empty_ok)
    return Analysis(inputs, report, events, chain, problem, diagnosis)
