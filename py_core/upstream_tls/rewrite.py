"""Apply line edits to the original text, bottom-up, so every byte no edit
touches comes back unchanged (pyupgrade's approach)."""
from __future__ import annotations

import re

from .findings import Edit

LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")


def split_lines(text: str) -> list[str]:
    """Lines with their endings, broken at \\n only — the way nginx and the
    parser count lines (str.splitlines also breaks at \\r, \\f, U+2028…)."""
    return LINE.findall(text)


class EditConflict(ValueError):
    """Two edits want the same lines."""


def _absolute(edit: Edit, offsets: dict[str, int]) -> tuple[int, int]:
    offset = offsets.get(edit.file, 0)
    return edit.start_line + offset, edit.end_line + offset


class LineClaims:
    """The input lines edits already hold, so whether one more edit overlaps
    is a look-up per line, not a comparison with every edit (that made fix
    quadratic in the size of the config)."""

    def __init__(self, offsets: dict[str, int]):
        self.offsets = offsets
        self.owner: dict[int, int] = {}
        self.insertions: set[int] = set()

    def fits(self, edit: Edit) -> bool:
        start, end = _absolute(edit, self.offsets)
        if edit.is_insertion:
            above = self.owner.get(start - 1)
            return above is None or above != self.owner.get(start)
        return (not any(line in self.owner for line in range(start, end + 1))
                and not any(line in self.insertions for line in range(start + 1, end + 1)))

    def claim(self, edit: Edit) -> None:
        start, end = _absolute(edit, self.offsets)
        if edit.is_insertion:
            self.insertions.add(start)
        else:
            for line in range(start, end + 1):
                self.owner[line] = id(edit)


def apply_edits(text: str, edits: list[Edit], offsets: dict[str, int] | None = None) -> str:
    """The text with `edits` applied. No edits: the input, byte for byte."""
    if not edits:
        return text
    offsets = offsets or {}
    unique = list(dict.fromkeys(edits))
    claims = LineClaims(offsets)
    for edit in unique:
        if not claims.fits(edit):
            raise EditConflict(f"edits overlap at line {edit.start_line} of {edit.file}")
        claims.claim(edit)
    lines = split_lines(text)
    order = sorted(range(len(unique)), key=lambda i: (
        _absolute(unique[i], offsets)[0], 0 if unique[i].is_insertion else 1, i), reverse=True)
    for index in order:
        start, end = _absolute(unique[index], offsets)
        lines[start - 1:max(end, start - 1)] = [unique[index].new_text]
    return "".join(lines)
