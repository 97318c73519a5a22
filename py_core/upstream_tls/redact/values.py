"""What a literal looks like: random (a token nobody named), secret-ish
(under a name that only hints), a path, a switch. Tuned on what nginx
configs are full of, so that paths, file names with content hashes,
regular expressions, host names, UUIDs and CSP hashes stay.
"""
from __future__ import annotations

import math
import re
from collections import Counter

_HEX = re.compile(r"[0-9a-fA-F]+")
_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_PATH = re.compile(r"(?:~|\.{1,2})?/(?:[A-Za-z0-9_.@%+~-]+/)*[A-Za-z0-9_.@%+~-]*")
_REGEX_SYNTAX = re.compile(r"\\|\(\?|\.[*+?]|\[[^\]]*\]|\([^)]*\|")
_HASH_PREFIXES = ("sha256-", "sha384-", "sha512-", "sha1-", "md5-")
PLAIN_VALUES = frozenset({"", "on", "off", "true", "false", "yes", "no", "none", "null", "nil", "-", '""', "''",
                          "always", "empty", "default", "required", "optional"})
# What people write where a secret is to go, rather than the secret: a mask,
# a fill-me-in word, a reference to where the value really lives.
_PLACEHOLDER = re.compile(r"(?i)[<\[]?(?:x{3,}|\*{3,}|\.{3,}|…|_+|(?:your|insert|enter|put|add|paste)[_ -][\w -]*"
                          r"|[\w-]*[_-]here|(?:replace|fill)[_-]?me|todo|fixme|tbd|n/?a|redacted|masked|hidden"
                          r"|(?:my|your|example|sample|dummy|fake|test|some|placeholder)(?:[_-](?:client|api|app|db"
                          r"|secret|password|pass|token|key|access|private|shared|signing|value|here|id))+)[>\]]?"
                          r"|(?:ENV|env|process\.env)(?:\[[\"'][A-Za-z0-9_]+[\"']\]|\.[A-Za-z_][A-Za-z0-9_]*)"
                          r"|(?:os\.getenv|getenv|os\.environ\.get|ENV\.fetch)\([\"'][A-Za-z0-9_]+[\"']\)")

_COUNT_LOG_COUNT = [0.0] + [count * math.log2(count) for count in range(1, 1024)]


def entropy(value: str) -> float:
    """Shannon entropy in bits per character: log2(n) - sum(c log2 c) / n,
    the sum from a table (detectors call this for every long token)."""
    length = len(value)
    counts = Counter(value).values()
    if length >= len(_COUNT_LOG_COUNT):
        return math.log2(length) - sum(count * math.log2(count) for count in counts) / length
    return math.log2(length) - sum(map(_COUNT_LOG_COUNT.__getitem__, counts)) / length


_UPPER, _LOWER, _DIGIT = re.compile("[A-Z]"), re.compile("[a-z]"), re.compile("[0-9]")


def character_classes(value: str) -> tuple[bool, bool, bool]:
    """Whether `value` has ASCII upper-case letters, lower-case letters, digits."""
    return bool(_UPPER.search(value)), bool(_LOWER.search(value)), bool(_DIGIT.search(value))


def is_plain(value: str) -> bool:
    """A value that is a switch or empty: never a secret, whatever its name."""
    return value.lower() in PLAIN_VALUES


def is_placeholder(value: str) -> bool:
    """A mask or a fill-me-in word (`xxxx`, `***`, `YOUR_API_KEY`,
    `<token-here>`, `REPLACE_ME`) or a reference to the environment
    (`ENV["DB_PASSWORD"]`, `os.getenv("TOKEN")`): no secret in it."""
    return bool(_PLACEHOLDER.fullmatch(value))


def is_path(value: str) -> bool:
    return bool(_PATH.fullmatch(value)) and "/" in value[1:] and not looks_random(value.replace("/", ""))


def looks_random(value: str) -> bool:
    """High entropy, for literals where credentials are set but whose name
    says nothing. Tuned not to fire on what configs are full of: paths, file
    names with content hashes, regular expressions, host names, UUIDs, CSP
    hashes, header words."""
    length = len(value)
    if length < 16 or value.startswith(_HASH_PREFIXES) or "://" in value or "REDACTED_" in value:
        return False
    if is_placeholder(value):
        return False
    if any(char in value for char in "\\^()[]|*?{}$ <>"):
        return False
    if _HEX.fullmatch(value):
        return length >= 32
    if _UUID.fullmatch(value) or (value[0] in "/~." and _PATH.fullmatch(value)):
        return False
    upper, lower, digit = character_classes(value)
    if upper and lower and digit:
        return entropy(value) >= 3.5
    if lower and digit and not upper and "." not in value:
        return length >= 24 and entropy(value) >= 4.0
    return False


def looks_like_regex(value: str) -> bool:
    """Anchored, escaped, grouped or with a class or a `.*`: a pattern (a
    password may hold a `^` or a `*`, not these)."""
    return value.startswith(("^", "~")) or value.endswith("$") or bool(_REGEX_SYNTAX.search(value))


def looks_secret(value: str, literal: bool = False) -> bool:
    """For values whose name hints at a secret without saying so (key, auth,
    session, signature): anything not plainly a word, number, path or — unless
    the position is `literal` (a header's or a parameter's value) — pattern."""
    if len(value) < 8 or is_plain(value) or is_path(value) or value.isdigit() or "REDACTED_" in value:
        return False
    if is_placeholder(value) or (not literal and looks_like_regex(value)) or any(char in value for char in "{} "):
        return False
    upper, lower, digit = character_classes(value)
    if (upper or lower) and digit:
        return not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", value)
    return upper and lower and len(value) >= 12
