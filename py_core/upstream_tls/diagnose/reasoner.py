"""Readings -> ranked causes. Readings of one cause from different evidence
combine as a noisy-or; the config's own readings cannot outrank what a log
line shows; causes that need verification are not read from the config while
verification is off; equal confidences are ordered by how common the cause is
in the field."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..causes import CAUSES, UPSTREAM
from ..options import Options
from .reading import Reading
from .repair import Repair
from .situation import Situation
from .weights import CEILING, CONFIG_ONLY_SHARE, NEED_VERIFICATION, prior

# A follow-up of other failures: a cause only when nothing else is shown.
FOLLOW_UPS = frozenset({"no-live-upstreams"})


@dataclass
class Cause:
    """One candidate explanation, with what repairs it in the upstream's block."""

    cause: str
    confidence: float
    evidence: list[str] = field(default_factory=list)
    repair: Repair = Repair()
    decides: str | None = None
    note: str | None = None
    side_here: str | None = None
    unsafe: bool = False

    @property
    def side(self) -> str:
        """Where the repair belongs; the taxonomy's default unless the
        evidence says otherwise (a cipher list this config set)."""
        return self.side_here or CAUSES[self.cause].side

    @property
    def dev_only(self) -> bool:
        """A config change standing in for an upstream's TLS repair, or any
        repair that weakens TLS (verify off, legacy protocols, @SECLEVEL=0):
        dev mode only, never the production fix. (A timeout or a buffer size
        for a slow or chatty upstream weakens nothing.)"""
        stand_in = self.side == UPSTREAM and CAUSES[self.cause].tls and bool(self.repair)
        return stand_in or self.repair.weakens

    def applicable(self, options: Options, unsafe_fixes: bool) -> bool:
        if self.dev_only:
            return not options.production
        return not self.unsafe or unsafe_fixes or not options.production


def rank(readings: list[Reading], situation: Situation) -> list[Cause]:
    shown = [reading for reading in readings if not reading.config_only]
    kept = [reading for reading in readings if _admissible(reading, situation, shown)]
    causes: dict[str, Cause] = {}
    # Strongest first: its repair, side and notes speak for the cause.
    for reading in sorted(kept, key=lambda reading: -reading.strength):
        cause = causes.get(reading.cause)
        if cause is None:
            causes[reading.cause] = Cause(reading.cause, reading.strength, [reading.evidence], reading.repair,
                                          reading.decides, reading.note, reading.side, reading.unsafe)
            continue
        cause.confidence = min(CEILING, 1 - (1 - cause.confidence) * (1 - reading.strength))
        if reading.evidence not in cause.evidence:
            cause.evidence.append(reading.evidence)
        cause.repair = cause.repair.merged(reading.repair)
        cause.decides = cause.decides or reading.decides
        cause.note = cause.note or reading.note
        cause.side_here = cause.side_here or reading.side
        cause.unsafe = cause.unsafe or reading.unsafe
    best_shown = max((reading.strength for reading in shown), default=0.0)
    for cause in causes.values():
        if not any(reading.cause == cause.cause for reading in shown) and best_shown:
            cause.confidence = min(cause.confidence, best_shown * CONFIG_ONLY_SHARE)
    return sorted(causes.values(), key=lambda cause: (-round(cause.confidence, 2), -prior(cause.cause)))


def _admissible(reading: Reading, situation: Situation, shown: list[Reading]) -> bool:
    if reading.config_only and reading.cause in NEED_VERIFICATION and situation.verifying is False:
        return False
    if reading.cause in FOLLOW_UPS:
        return not any(other.cause not in FOLLOW_UPS for other in shown)
    return True
