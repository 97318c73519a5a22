"""A reading: one explanation one piece of evidence allows."""
from __future__ import annotations

from dataclasses import dataclass, replace

from .repair import Repair


@dataclass(frozen=True)
class Reading:
    """`strength` is a named weight (weights.py). `decides` is the question
    that settles an ambiguous reading; `side` overrides the taxonomy's side
    (a cipher list this config set makes a cipher mismatch the config's);
    `config_only` marks readings from the config or the chain alone, which
    nothing shows happened."""

    cause: str
    strength: float
    evidence: str
    repair: Repair = Repair()
    decides: str | None = None
    note: str | None = None
    side: str | None = None
    unsafe: bool = False
    config_only: bool = False

    def stronger(self, floor: float) -> Reading:
        return replace(self, strength=max(self.strength, floor))
