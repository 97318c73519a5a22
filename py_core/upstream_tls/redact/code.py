"""Secrets as string literals in code nginx runs: Lua (`*_by_lua`,
`set_by_lua`), Perl (`perl_set`, `perl`) and njs. Assignments
(`local secret = "…"`) are positions.named_values' job; here are the two
shapes it cannot see: a literal handed to a function that signs, encrypts
or authenticates (`ngx.hmac_sha1("…", …)`, `crypto.createHmac('sha256',
'…')`), and the literal a `set_by_lua`/`perl_set` returns into a variable
named for a secret (`perl_set $token 'sub { return "…"; }'`).
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from .names import NONE, TAG_BY_CATEGORY, classify, value_is_secret
from .text import Hit, Scan, alternation, closing_quote, line_end
from .values import looks_random, looks_secret

# Searched in the lower-cased text: a function whose name has one of these.
_CALL_HINTS = "hmac sign encrypt decrypt aes cipher jwt secret token passw credential auth login key".split()
# Matched backwards from each `(`, which is rarer than the letters of a name.
_SECRET_CALL = re.compile(alternation(_CALL_HINTS) + r"\w*[ \t]*\Z")
_LITERAL = re.compile(r"\"((?:[^\"\\\n]|\\.)*)\"|'((?:[^'\\\n]|\\.)*)'")
_SETTER = re.compile(r"(?:set_by_lua(?:_block)?|perl_set)[ \t]+(\$[A-Za-z0-9_]+)[ \t]+")
_RETURN = re.compile(r"return[ \t(]*\Z")
# A literal alone as the last statement: Perl's `sub { "…" }` returns it too.
_STATEMENT_START = re.compile(r"[{;][ \t]*\Z")
_LAST_EXPRESSION = re.compile(r"[ \t;]*(?:\}|\Z)")


def code_literals(scan: Scan) -> Iterator[Hit]:
    """Literals passed to a call named for signing or secrets, and literals a
    setter returns into a variable named for one."""
    text = scan.text
    position = text.find("(")
    while position >= 0:
        if _SECRET_CALL.search(scan.lower, max(0, position - 40), position):
            yield from _call_literals(text, position + 1)
        position = text.find("(", position + 1)
    for setter in _SETTER.finditer(text):
        category = classify(setter.group(1))
        start, limit = _code_span(text, setter.end())
        for literal in _LITERAL.finditer(text, start, limit):
            value_start, value_end = _content(literal)
            value = text[value_start:value_end]
            returned = _RETURN.search(text, max(start, literal.start() - 12), literal.start()) or (
                _STATEMENT_START.search(text, max(start, literal.start() - 4), literal.start())
                and _LAST_EXPRESSION.match(text, literal.end(), limit))
            if (value_is_secret(category, value) if returned and category != NONE else looks_random(value)):
                yield Hit(value_start, value_end, TAG_BY_CATEGORY[category])


def _call_literals(text: str, position: int) -> Iterator[Hit]:
    """String literals among a call's arguments that look secret."""
    for literal in _LITERAL.finditer(text, position, _call_end(text, position)):
        start, end = _content(literal)
        if looks_secret(text[start:end]) or looks_random(text[start:end]):
            yield Hit(start, end, "SECRET")


def _content(literal: re.Match) -> tuple[int, int]:
    group = 1 if literal.group(1) is not None else 2
    return literal.span(group)


def _call_end(text: str, position: int) -> int:
    """The `)` closing a call's arguments on its line, or the line's end."""
    depth, index, limit = 1, position, line_end(text, position)
    while index < limit:
        char = text[index]
        if char in "\"'":
            index = closing_quote(text, index + 1, char, limit)
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return limit


def _code_span(text: str, position: int) -> tuple[int, int]:
    """The code a setter runs: a quoted argument's content, or a `{…}` block."""
    if position < len(text) and text[position] in "\"'":
        quote = text[position]
        return position + 1, closing_quote(text, position + 1, quote, len(text))
    if position < len(text) and text[position] == "{":
        depth, index = 0, position
        while index < len(text):
            depth += {"{": 1, "}": -1}.get(text[index], 0)
            if depth == 0:
                return position + 1, index
            index += 1
    return position, line_end(text, position)
