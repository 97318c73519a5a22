"""Placeholders -> originals, for text that comes back (an LLM's answer, an
edited config). Only placeholders this paste's map issued are replaced, each
with the exact original and the line breaks it stood for; anything else that
looks like a placeholder — altered, invented, from another paste — is
reported and left as it is, never guessed.
"""
from __future__ import annotations

from dataclasses import dataclass

from .placeholders import ISSUED_SHAPE, PLACEHOLDER_SHAPE, line_breaks


@dataclass(frozen=True)
class UnknownPlaceholder:
    placeholder: str
    line: int


def restore_text(text: str, placeholders: dict[str, str],
                 preexisting: frozenset[str]) -> tuple[str, tuple[UnknownPlaceholder, ...]]:
    pieces = []
    replaced: list[tuple[int, int]] = []
    cursor = 0
    lowered = text.lower()
    position = lowered.find("redacted_")
    while position >= 0:
        match = ISSUED_SHAPE.match(text, position)
        original = placeholders.get(match.group()) if match else None
        if original is None:
            position = lowered.find("redacted_", position + 1)
            continue
        end = match.end()
        breaks = line_breaks(original)
        if breaks and text.startswith(breaks, end):
            end += len(breaks)
        pieces += (text[cursor:position], original)
        replaced.append((position, end))
        cursor = end
        position = lowered.find("redacted_", end)
    pieces.append(text[cursor:])
    return "".join(pieces), _unknown(text, replaced, preexisting)


def _unknown(text: str, replaced: list[tuple[int, int]], preexisting: frozenset[str]):
    unknown = []
    spans = iter(replaced)
    current = next(spans, None)
    for match in PLACEHOLDER_SHAPE.finditer(text):
        while current is not None and current[1] <= match.start():
            current = next(spans, None)
        overlaps = current is not None and current[0] < match.end()
        if not overlaps and match.group() not in preexisting:
            unknown.append(UnknownPlaceholder(match.group(), text.count("\n", 0, match.start()) + 1))
    return tuple(unknown)
