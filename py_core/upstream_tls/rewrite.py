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


def conflicts(first: Edit, second: Edit, offsets: dict[str, int]) -> bool:
    """True when the edits overlap. Two insertions at one place do not: they
    go in the order given. An insertion conflicts only with a replacement
    that spans across its position."""
    (a_start, a_end), (b_start, b_end) = _absolute(first, offsets), _absolute(second, offsets)
    if first.is_insertion and second.is_insertion:
        return False
    if first.is_insertion:
        return b_start < a_start <= b_end
    if second.is_insertion:
        return a_start < b_start <= a_end
    return a_start <= b_end and b_start <= a_end


def apply_edits(text: str, edits: list[Edit], offsets: dict[str, int] | None = None) -> str:
    """The text with `edits` applied. No edits: the input, byte for byte."""
    if not edits:
        return text
    offsets = offsets or {}
    unique = list(dict.fromkeys(edits))
    for index, edit in enumerate(unique):
        for other in unique[index + 1:]:
            if conflicts(edit, other, offsets):
                raise EditConflict(f"edits overlap at line {edit.start_line} of {edit.file}")
    lines = split_lines(text)
    order = sorted(range(len(unique)), key=lambda i: (
        _absolute(unique[i], offsets)[0], 0 if unique[i].is_insertion else 1, i), reverse=True)
    for index in order:
        start, end = _absolute(unique[index], offsets)
        lines[start - 1:max(end, start - 1)] = [unique[index].new_text]
    return "".join(lines)
