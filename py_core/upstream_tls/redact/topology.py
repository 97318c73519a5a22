"""The optional second level: what the config says about the network behind
it. Internal addresses, host names and upstream names are replaced
consistently (every occurrence of a host gets the same placeholder), so the
structure stays readable. (Whole AWS ARNs, at this level too, are in aws.py.)
"""
from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from .text import Hit, Scan, line_start, statement_start

# 10/8, 172.16/12, 192.168/16, CGNAT 100.64/10, link-local 169.254/16, by
# first octet: the range of the second. IPv6: unique-local and link-local.
_INTERNAL_V4 = {10: range(256), 172: range(16, 32), 192: range(168, 169), 100: range(64, 128), 169: range(254, 255)}
_INTERNAL_V6 = tuple(ipaddress.ip_network(network) for network in ("fc00::/7", "fe80::/10"))
_IPV4 = re.compile(r"[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}")
_ADDRESS_CHARS = frozenset("0123456789.")
_IPV6 = re.compile(r"f[cde][0-9a-f]{2}:[0-9a-f:]*[0-9a-f]")
_IPV6_CHARS = frozenset("0123456789abcdef:")
_DOTTED = re.compile(r"(?<![a-z0-9_.-])[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+")
_URL_HOST = re.compile(r"://([A-Za-z0-9_][A-Za-z0-9_-]*)(?=:[0-9$]|[/;\"'\s?#\]]|$)")
_UPSTREAM = re.compile(r"upstream[ \t]+([A-Za-z0-9_][A-Za-z0-9_.-]*)[ \t]*\{")
_NAME_DIRECTIVE = re.compile(r"(?:server|proxy_ssl_name|grpc_ssl_name|uwsgi_ssl_name|server_name)[ \t]+"
                             r"([A-Za-z0-9_][A-Za-z0-9_-]*)(?=[:; \t])")
_WORD_BEFORE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_$.-")
_NOT_HOSTS = frozenset({"localhost", "unix", "_", "default_server", "default", "off", "on", "backup", "down"})

# The top-level domains configs mostly hold, and the pseudo ones of internal
# networks; not the many that read like identifiers (.name, .host, .zone),
# which Lua's ngx.var.host would match. Two-letter labels count as country
# codes unless they are file extensions nginx configs are full of.
_TLDS = frozenset("""
com net org io dev app ai co info biz me tv cloud online site tech xyz pro gov edu mil int eu asia
internal local localdomain lan corp home intranet private test example invalid svc cluster consul
""".split())
_FILE_EXTENSIONS = frozenset("""
js py sh so gz md pl pm rb ts cs ps bz xz db mo po ko rs go hs tf el ml
""".split())


def _is_tld(label: str) -> bool:
    if label in _TLDS:
        return True
    return len(label) == 2 and label.isalpha() and label not in _FILE_EXTENSIONS


def _internal_v4(address: str) -> bool:
    octets = [int(part) for part in address.split(".")]
    return max(octets) < 256 and octets[1] in _INTERNAL_V4.get(octets[0], ())


def _internal_v6(address: str) -> bool:
    try:
        parsed = ipaddress.IPv6Address(address)
    except ValueError:
        return False
    return any(parsed in network for network in _INTERNAL_V6)


def addresses(scan: Scan) -> Iterator[Hit]:
    text = scan.text
    for match in _IPV4.finditer(text):
        start, end = match.span()
        inside_more = (start and text[start - 1] in _ADDRESS_CHARS) or text[end:end + 1].isdigit() or (
            text[end:end + 1] == "." and text[end + 1:end + 2].isdigit())
        if not inside_more and _internal_v4(match.group()):
            yield Hit(start, end, "IP")
    for match in _IPV6.finditer(scan.lower):
        if not (match.start() and scan.lower[match.start() - 1] in _IPV6_CHARS) and _internal_v6(match.group()):
            yield Hit(match.start(), match.end(), "IP")


def host_names(scan: Scan) -> Iterator[Hit]:
    """Dotted names whose last label is a top-level domain (file names such as
    nginx.conf or app.js are not), then single-label hosts where only a host
    can be: a URL's authority, and the arguments of live (not commented)
    upstream servers, proxy_ssl_name and server_name."""
    text = scan.text
    for match in _DOTTED.finditer(scan.lower):
        name = match.group()
        if not _is_tld(name[name.rfind(".") + 1:]):
            labels = name.split(".")
            while len(labels) > 1 and not _is_tld(labels[-1]):
                labels.pop()
            if len(labels) < 2:
                continue
            name = ".".join(labels)
        yield Hit(match.start(), match.start() + len(name), "HOST")
    declared = [match for match in _UPSTREAM.finditer(text) if _word_starts(text, match.start())]
    upstreams = {match.group(1) for match in declared}
    for match in declared:
        yield Hit(match.start(1), match.end(1), "UPSTREAM")
    for pattern in (_URL_HOST, _NAME_DIRECTIVE):
        for match in pattern.finditer(text):
            name = match.group(1)
            if pattern is _NAME_DIRECTIVE and not _directive_at(text, match.start()):
                continue
            if name.lower() not in _NOT_HOSTS and not name.isdigit():
                yield Hit(match.start(1), match.end(1), "UPSTREAM" if name in upstreams else "HOST")


def _word_starts(text: str, position: int) -> bool:
    return position == 0 or text[position - 1] not in _WORD_BEFORE


def _directive_at(text: str, position: int) -> bool:
    """A live directive, not the word `server` in a comment's prose."""
    return statement_start(text, position) and "#" not in text[line_start(text, position):position]
