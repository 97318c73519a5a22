"""Hits -> placeholders: one span per secret, one placeholder per distinct
value, and the text with every span replaced.

A placeholder is `REDACTED_<TAG>_<n>`: a plain nginx word (letters, digits,
underscores), so the redacted config lexes to the same tokens, and a reader
sees what kind of thing was there. Numbers count per kind in order of first
appearance and skip any placeholder-shaped word already in the input, so a
placeholder can never be mistaken for text the person wrote. A span that
held line breaks keeps them after its placeholder: line numbers do not move.
"""
from __future__ import annotations

import re
from collections import Counter

from .kinds import PRIORITY
from .text import Hit, statement_start
from .values import looks_secret

PREFIX = "REDACTED_"
# Anything a placeholder could have been turned into: any case, any kind.
PLACEHOLDER_SHAPE = re.compile(r"(?i)REDACTED_(?:(?!REDACTED_)[A-Z]+_)+[0-9]+")
ISSUED_SHAPE = re.compile(r"REDACTED_(?:(?!REDACTED_)[A-Z]+_)+[0-9]+(?![0-9])")
_BREAK = re.compile(r"\r?\n")
_REPEAT_CANDIDATE = re.compile(r"[A-Za-z0-9_+/.~-]{5,}[A-Za-z0-9_+/~-]=*")
_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+/.~-=")
_ALNUM_WORD = re.compile(r"[A-Za-z0-9_]")


def placeholder(tag: str, number: int) -> str:
    return f"{PREFIX}{tag}_{number}"


def line_breaks(original: str) -> str:
    """The line breaks a span held, which follow its placeholder."""
    return "".join(_BREAK.findall(original)) if "\n" in original else ""


def preexisting(text: str, lower: str) -> frozenset[str]:
    """Placeholder-shaped words the input already holds: never issued, never
    reported by restore as unknown."""
    if "redacted_" not in lower:
        return frozenset()
    return frozenset(match.group() for match in PLACEHOLDER_SHAPE.finditer(text))


def resolve(text: str, hits: list[Hit], taken: frozenset[str]) -> list[Hit]:
    """Sorted, non-overlapping spans: overlapping spans become one (nothing of
    either survives) of the more specific kind. A span never starts with `#`
    (it may open a comment, which a placeholder would turn into a word) and
    never ends just before a digit (a placeholder followed by digits would
    read as another placeholder). A placeholder already in the input
    (`taken`) stays as it is."""
    ordered = sorted(hits, key=lambda hit: (hit.start, -hit.end, PRIORITY[hit.tag]))
    merged: list[Hit] = []
    for hit in ordered:
        start, end = hit.start, hit.end
        while start < end and text[start] == "#":
            start += 1
        while end < len(text) and text[end].isdigit():
            end += 1
        if end <= start:
            continue
        if merged and start < merged[-1].end:
            last = merged[-1]
            tag = last.tag if PRIORITY[last.tag] <= PRIORITY[hit.tag] else hit.tag
            merged[-1] = Hit(last.start, max(end, last.end), tag)
            continue
        merged.append(Hit(start, end, hit.tag))
    if not taken:
        return merged
    return [hit for hit in merged if not PLACEHOLDER_SHAPE.fullmatch(text, hit.start, hit.end)]


def repeats(text: str, hits: list[Hit], topology_tags: frozenset[str], always: frozenset[str]) -> list[Hit]:
    """Other occurrences of a found secret, as a whole word, wherever they are
    (a token set in a header and quoted again in a comment) — only values that
    look like secrets or are of a kind `always` repeated (an account id),
    never in a directive's name. One C-speed pass counts every word; only the
    secrets seen more often than found are looked for."""
    found_count: Counter = Counter()
    tags = {}
    for hit in hits:
        if hit.tag not in topology_tags:
            value = text[hit.start:hit.end]
            found_count[value] += 1
            tags.setdefault(value, hit.tag)
    if not found_count:
        return []
    word_count = Counter(_REPEAT_CANDIDATE.findall(text))
    extra = []
    for value, count in found_count.items():
        if word_count.get(value, 0) <= count or not (looks_secret(value) or tags[value] in always):
            continue
        position = text.find(value)
        while position >= 0:
            end = position + len(value)
            if (not position or text[position - 1] not in _WORD_CHARS) and _word_ends(text, end) and \
                    not statement_start(text, position):
                extra.append(Hit(position, end, tags[value]))
            position = text.find(value, end)
    return extra


def _word_ends(text: str, end: int) -> bool:
    """Nothing of a longer word follows (a full stop ending a sentence is fine)."""
    following = text[end:end + 1]
    if following == ".":
        following = text[end + 1:end + 2]
    return following not in _WORD_CHARS


def known_values(text: str, known: dict[str, str]) -> list[Hit]:
    """Where values another text of the same paste had replaced recur here, as
    a whole word (an alphanumeric neighbour means a longer word) and never as
    a directive's name: a token found in a config's header is replaced in its
    error.log too, even where the log's own detectors would not look."""
    hits = []
    for name, value in known.items():
        tag = name[len(PREFIX):].rpartition("_")[0]
        position = text.find(value) if value else -1
        while position >= 0:
            end = position + len(value)
            if (not position or not _ALNUM_WORD.match(text, position - 1)) and not _ALNUM_WORD.match(text, end) and \
                    not statement_start(text, position):
                hits.append(Hit(position, end, tag))
            position = text.find(value, end)
    return hits


def apply(text: str, hits: list[Hit], taken: frozenset[str],
          known: dict[str, str] | None = None) -> tuple[str, dict[str, str], list[tuple[Hit, str]]]:
    """(redacted text, placeholder -> original, each hit with its placeholder).
    A value `known` (placeholder -> original) already names keeps its
    placeholder, new ones are numbered after them, and the map returned
    holds both."""
    reserved = {word.upper() for word in taken}
    by_value: dict[str, str] = {original: name for name, original in (known or {}).items()}
    counters: dict[str, int] = {}
    for name in by_value.values():
        tag, _, number = name[len(PREFIX):].rpartition("_")
        counters[tag] = max(counters.get(tag, 0), int(number))
    pieces = []
    issued = []
    cursor = 0
    for hit in hits:
        original = text[hit.start:hit.end]
        name = by_value.get(original)
        if name is None:
            number = counters.get(hit.tag, 0) + 1
            while placeholder(hit.tag, number) in reserved:
                number += 1
            counters[hit.tag] = number
            name = by_value[original] = placeholder(hit.tag, number)
        pieces += (text[cursor:hit.start], name, line_breaks(original))
        cursor = hit.end
        issued.append((hit, name))
    pieces.append(text[cursor:])
    return "".join(pieces), {name: original for original, name in by_value.items()}, issued
