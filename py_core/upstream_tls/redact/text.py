"""Lexical helpers the detectors share: what a position sits in (quotes, a
comment, a directive's name), and which parts of a value are literal rather
than nginx variables.

Redaction reads text, not a parsed tree: it must work on broken configs,
logs and chains, and it must be faster than parsing. Everything here is
ASCII on purpose, so offsets stay the offsets of the pasted text.
"""
from __future__ import annotations

import bisect
import re
import string
from collections.abc import Iterator
from typing import NamedTuple

QUOTES = "\"'"
NAME_CHARS = frozenset(string.ascii_letters + string.digits + "_-")
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)

# Variable names are snake_case ($http_x_api_key, $1), camelCase (njs:
# $awsSessionToken) or shell CAPS ($DB_PASSWORD); a `$` before anything else
# is part of a literal (`Xk#9$pR4^…`, a WordPress salt).
VARIABLE = re.compile(r"\$(?:\{[A-Za-z0-9_]+\}|[a-z0-9_]+(?:[A-Z][a-z]+[0-9_]*)*(?![A-Za-z0-9_])"
                      r"|[A-Z0-9_]+(?![A-Za-z]))")
# In a pattern, a bracket expression (`[A-Za-z0-9]`) and a counted repeat
# (`{32}`) say what a secret looks like, not what it is: both separate.
_REGEX_SEPARATORS = re.compile(r"\\.|\[\^?\]?[^\]\n]*\]|\{\d+(?:,\d*)?\}|[\s\"'^$()\]}|*?]+|[\[{]")
_RUN_SEPARATORS = re.compile(r"[\s\"',;=&]+")


class Hit(NamedTuple):
    """A span of the input to replace, and the kind (a Kind.tag) found there."""

    start: int
    end: int
    tag: str


class Scan:
    """One input as the detectors see it: the text, an ASCII-lowercased copy
    with the same offsets for case-insensitive searching, and the spans that
    are public by nature (certificates, template placeholders, pins, ARN
    paths) where no secret detector may replace anything."""

    def __init__(self, text: str):
        self.text = text
        self.lower = text.lower() if text.isascii() else text.translate(_ASCII_LOWER)
        self._kept: list[tuple[int, int]] = []

    def keep(self, start: int, end: int) -> None:
        if end > start:
            self._kept.append((start, end))

    def clip(self, hits: list[Hit], exempt: frozenset[str]) -> list[Hit]:
        """`hits` less the kept spans: a hit partly in one keeps its parts
        outside (a secret next to a template); one wholly inside goes. Hits of
        an `exempt` kind (topology: names are hidden wherever they are) stay."""
        if not self._kept:
            return hits
        spans = _merged(self._kept)
        starts = [start for start, _ in spans]
        clipped = []
        for hit in hits:
            if hit.tag in exempt:
                clipped.append(hit)
                continue
            index = max(bisect.bisect_right(starts, hit.start) - 1, 0)
            if spans[index][1] <= hit.start and (index + 1 == len(spans) or spans[index + 1][0] >= hit.end) or \
                    spans[index][0] >= hit.end:
                clipped.append(hit)  # touches no kept span
                continue
            cursor = hit.start
            while index < len(spans) and spans[index][0] < hit.end:
                start, end = spans[index]
                if end > cursor:
                    clipped += self._piece(cursor, min(start, hit.end), hit.tag)
                    cursor = end
                index += 1
            clipped += self._piece(cursor, hit.end, hit.tag)
        return clipped

    def _piece(self, start: int, end: int, tag: str) -> list[Hit]:
        start, end = _stripped(self.text, start, end)
        while start < end and self.text[start] in QUOTES:
            start += 1
        while end > start and self.text[end - 1] in QUOTES:
            end -= 1
        if end <= start or not any(char.isalnum() for char in self.text[start:end]):
            return []
        return [Hit(start, end, tag)]


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def alternation(words) -> str:
    """A regular expression matching any of `words`, as a trie
    (`pass(?:word|wd)?…`): Python's engine tries a flat `a|b|c` at every
    position, a trie only where the first letters fit."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return pattern(trie)


def line_start(text: str, position: int) -> int:
    return text.rfind("\n", 0, position) + 1


def line_end(text: str, position: int) -> int:
    end = text.find("\n", position)
    return len(text) if end < 0 else end


def _opens_token(text: str, index: int, start: int) -> bool:
    """nginx starts a quoted string or a comment only at the start of a token;
    `=`, `:` and `(` also count, for JSON, headers and shell lines in comments."""
    return index == start or text[index - 1] in " \t=:(,;{}"


def context_at(text: str, position: int) -> tuple[str | None, bool]:
    """(the quote enclosing `position` on its line or None, whether the line
    is commented out before it). Quotes inside comments count, so a curl -H
    '…' pasted into a comment reads as quoted."""
    start = line_start(text, position)
    quote = None
    comment = False
    index = start
    while index < position:
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if quote:
            if char == quote:
                quote = None
        elif char in QUOTES and _opens_token(text, index, start):
            quote = char
        elif char == "#" and _opens_token(text, index, start):
            comment = True
        index += 1
    return quote, comment


def closing_quote(text: str, start: int, quote: str, limit: int) -> int:
    """Index of the unescaped `quote` that closes a string whose content
    starts at `start`, or `limit` when it is not closed before it."""
    index = start
    while index < limit:
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == quote:
            return index
        index += 1
    return limit


def statement_start(text: str, position: int) -> bool:
    """Whether a word at `position` is a directive's name: only blanks (or a
    comment mark, for a commented-out directive) since the line or the last
    `;`, `{` or `}` before it."""
    index = position - 1
    while index >= 0 and text[index] in " \t":
        index -= 1
    while index >= 0 and text[index] == "#":
        index -= 1
        while index >= 0 and text[index] in " \t":
            index -= 1
    return index < 0 or text[index] in "\n;{}"


def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\r\n":
        start += 1
    while end > start and text[end - 1] in " \t\r\n":
        end -= 1
    return start, end


def literal_spans(text: str, start: int, end: int, minimum: int = 3) -> list[tuple[int, int]]:
    """Where text[start:end] holds literal characters: the whole value when it
    has no nginx variables (a Digest header keeps its spaces and commas), else
    each stretch between the variables."""
    if "$" not in text[start:end]:
        pieces = [(start, end)]
    else:
        pieces = []
        for match in VARIABLE.finditer(text, start, end):
            pieces.append((start, match.start()))
            start = match.end()
        pieces.append((start, end))
    spans = []
    for piece in pieces:
        piece_start, piece_end = _stripped(text, *piece)
        if piece_end - piece_start >= minimum:
            spans.append((piece_start, piece_end))
    return spans


def runs(text: str, start: int, end: int, regex: bool = False, minimum: int = 4) -> list[tuple[int, int]]:
    """Literal runs of a value that is a list or a pattern rather than one
    secret: split at blanks, quotes and `,;=&` (or, in a regular expression,
    at its operators and escapes) and at variables."""
    separators = _REGEX_SEPARATORS if regex else _RUN_SEPARATORS
    spans = []
    for piece_start, piece_end in literal_spans(text, start, end, 1):
        cursor = piece_start
        for match in separators.finditer(text, piece_start, piece_end):
            if match.start() - cursor >= minimum:
                spans.append((cursor, match.start()))
            cursor = match.end()
        if piece_end - cursor >= minimum:
            spans.append((cursor, piece_end))
    return spans


_PEM_BEGIN = re.compile(r"-----BEGIN ([A-Z0-9 ]{1,40})-----")


def pem_blocks(text: str) -> Iterator[tuple[int, re.Match, int]]:
    """Each PEM block: where its BEGIN marker starts, the marker (its label
    in group 1), and where its END marker ends (-1 when the paste cut it off)."""
    position = text.find("-----BEGIN ")
    while position >= 0:
        begin = _PEM_BEGIN.match(text, position)
        if begin is None:
            position = text.find("-----BEGIN ", position + 1)
            continue
        end_marker = f"-----END {begin.group(1)}-----"
        end = text.find(end_marker, begin.end())
        end = end + len(end_marker) if end >= 0 else -1
        yield position, begin, end
        position = text.find("-----BEGIN ", max(end, begin.end()))
