"""The result types every rule returns: frozen, so a finding can be shared
between the CLI, the browser bridge and SARIF output without copies."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


class Applicability(StrEnum):
    """How far a fix may be trusted without review (Ruff's vocabulary).

    safe: applied by `fix` by default; never widens trust.
    unsafe: changes behaviour beyond the finding (other locations, weaker
    TLS, application-visible headers); applied only on request.
    display-only: advice that cannot be an edit of this config.
    """

    SAFE = "safe"
    UNSAFE = "unsafe"
    DISPLAY_ONLY = "display-only"


@dataclass(frozen=True)
class Edit:
    """Replace lines start_line..end_line (1-based, inclusive) of one file.

    An insertion before line N is Edit(N, N - 1, text). new_text holds whole
    lines, each ending in a newline, or is empty for a deletion.
    """

    file: str
    start_line: int
    end_line: int
    new_text: str

    @property
    def is_insertion(self) -> bool:
        return self.end_line < self.start_line


@dataclass(frozen=True)
class Fix:
    title: str
    edits: tuple[Edit, ...]
    applicability: Applicability
    placeholders: tuple[str, ...] = ()


@dataclass(frozen=True)
class Span:
    file: str
    line: int
    end_line: int | None = None


@dataclass(frozen=True)
class Finding:
    code: str
    rule: str
    severity: Severity
    message: str
    span: Span
    related_spans: tuple[Span, ...] = field(default=())
    fix: Fix | None = None

    def sort_key(self) -> tuple:
        return (self.span.file, self.span.line, self.code)


def severity_counts(findings: list[Finding]) -> dict[str, int]:
    """How many findings of each severity, every severity present as a key."""
    tally = Counter(finding.severity.value for finding in findings)
    return {level: tally.get(level, 0) for level in ("error", "warning", "info")}
