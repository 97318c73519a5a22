"""The name check nginx makes: a port of OpenSSL's equal_wildcard()
(crypto/x509/v3_utl.c) with flags 0, as nginx calls X509_check_host. Byte
strings; only ASCII letters fold."""
from __future__ import annotations

_LABEL_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")


def host_matches(pattern: bytes, host: bytes) -> bool:
    if len(host) > 1 and host.startswith(b"."):
        # A name with a leading dot means "any name under it" to OpenSSL:
        # the pattern's tail of the same length is compared, no wildcards.
        skipped = max(0, len(pattern) - len(host))
        if b"\0" not in pattern[:skipped]:
            pattern = pattern[skipped:]
        return b"\0" not in pattern and pattern.lower() == host.lower()
    star = _valid_star(pattern)
    if star is None:
        return b"\0" not in pattern and pattern.lower() == host.lower()
    prefix, suffix = pattern[:star], pattern[star + 1:]
    if len(host) < len(prefix) + len(suffix):
        return False
    if host[:len(prefix)].lower() != prefix.lower() or host[len(host) - len(suffix):].lower() != suffix.lower():
        return False
    matched = host[len(prefix):len(host) - len(suffix)]
    whole_label = not prefix and suffix.startswith(b".")
    if whole_label and not matched:
        return False
    if not whole_label and host[:4].lower() == b"xn--":
        return False
    return matched == b"*" or all(byte in _LABEL_BYTES for byte in matched)


def _valid_star(pattern: bytes) -> int | None:
    """Index of the one wildcard OpenSSL honours: at the start or end of the
    first label, not in an IDNA (xn--) label, with two more labels after it."""
    star = None
    dots = 0
    label_start, hyphen, idna = True, False, False
    for i, byte in enumerate(pattern):
        if byte == ord("*"):
            at_end = i == len(pattern) - 1 or pattern[i + 1] == ord(".")
            if star is not None or idna or dots or not (label_start or at_end):
                return None
            star, label_start = i, False
        elif byte in _LABEL_BYTES and byte != ord("-"):
            if label_start and pattern[i:i + 4].lower() == b"xn--":
                idna = True
            label_start = hyphen = False
        elif byte == ord("."):
            if label_start or hyphen:
                return None
            label_start, hyphen, idna = True, False, False
            dots += 1
        elif byte == ord("-"):
            if label_start:
                return None
            hyphen = True
        else:
            return None
    if label_start or hyphen or dots < 2:
        return None
    return star
