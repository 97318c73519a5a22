"""Which upstream each log line is about. A log holds lines from many
locations; reasoning about one upstream with another's lines would fix the
wrong block. nginx names the peer it connected to (`upstream: "https://IP:PORT/…"`),
the server block (`server:`) and the request, which is enough to find the
pass directive even when the address came from DNS or from Lua."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..logs import LogEvent
from ..upstreams import Site, is_ip_literal, parse_target

REQUEST_PATH = re.compile(r"^[A-Z]+ (?P<path>\S+)")


@dataclass
class Evidence:
    """The chosen upstream, the lines about it (with lines that name no
    upstream: nginx -t, the upstream's own log, responses), the other
    upstreams the log names, proxy lines that fit no upstream of the config
    while others do, and how often each line was repeated."""

    site: Site | None
    events: list[LogEvent]
    others: list[tuple[Site, int]]
    unassigned: list[LogEvent]
    repeats: dict[int, int]


def sort_evidence(sites: list[Site], events: list[LogEvent]) -> Evidence:
    """The upstream with the most log lines about it (else the only TLS
    upstream, else the only one), repeated lines counted once."""
    by_site: dict[int, list[LogEvent]] = {}
    unaddressed, unmatched, seen = [], [], {}
    for event in events:
        key = (event.kind, event.message, event.upstream, event.source)
        if key in seen:
            seen[key][1] += 1
            continue
        seen[key] = [event, 1]
        if not event.upstream or event.source not in ("proxy", "nginx-t"):
            unaddressed.append(event)
            continue
        match = site_of(sites, event)
        (by_site.setdefault(match, []) if match is not None else unmatched).append(event)
    unassigned = []
    if by_site:
        chosen = max(by_site, key=lambda index: len(by_site[index]))
        site = sites[chosen]
        others = [(sites[index], len(found)) for index, found in by_site.items() if index != chosen]
        mine, unassigned = by_site[chosen], unmatched
    else:
        site, others, mine = _only_candidate(sites), [], unmatched
    repeats = {id(event): count for event, count in seen.values() if count > 1}
    return Evidence(site, sorted(mine + unaddressed, key=lambda event: event.line), others, unassigned, repeats)


def _only_candidate(sites: list[Site]) -> Site | None:
    """With no line naming an address: the only TLS upstream, else the only
    one whose scheme a variable chooses, else the only upstream at all."""
    for candidates in ([site for site in sites if site.tls],
                       [site for site in sites if site.resolved.scheme is None and not site.target.is_unix],
                       sites):
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            return None
    return None


def site_of(sites: list[Site], event: LogEvent) -> int | None:
    """The index of the site a proxy line is about: by the address nginx
    connected to, else by its server block and request path among sites of
    the same scheme; None when that leaves more than one."""
    target = parse_target(event.upstream)
    exact = [index for index, site in enumerate(sites) if (target.host, target.port) in site.addresses]
    if len(exact) == 1:
        return exact[0]
    candidates = exact or [index for index, site in enumerate(sites)
                           if _same_scheme(site, target.scheme) and not _literal_elsewhere(site, target)]
    if len(candidates) > 1 and event.server:
        named = [index for index in candidates if event.server in _server_names(sites[index])]
        candidates = named or candidates
    if len(candidates) > 1 and event.request:
        path = REQUEST_PATH.match(event.request)
        if path:
            routed = _route(sites, candidates, path["path"])
            candidates = [routed] if routed is not None else candidates
    return candidates[0] if len(candidates) == 1 else None


def _same_scheme(site: Site, scheme: str | None) -> bool:
    own = site.resolved.scheme
    return scheme is None or own is None or own == scheme or (site.stream and scheme is None)


def _literal_elsewhere(site: Site, target) -> bool:
    """The site names a literal IP (or a group of literal IPs) that is not
    the one nginx connected to: it cannot be this site."""
    addresses = site.addresses
    return bool(addresses) and all(host is not None and is_ip_literal(host) for host, _ in addresses) \
        and (target.host, target.port) not in addresses


def _server_names(site: Site) -> set[str]:
    for node in site.node.ancestors():
        if node.name == "server" and node.children is not None:
            return {arg for names in node.index().get("server_name", ()) for arg in names.args}
    return set()


def _route(sites: list[Site], candidates: list[int], path: str) -> int | None:
    """The candidate whose location nginx would pick for `path`: an exact
    `=` match, else the longest prefix (regex locations are not evaluated)."""
    best, best_length = None, -1
    for index in candidates:
        location = next((node for node in sites[index].node.ancestors() if node.name == "location"), None)
        if location is None or not location.args:
            continue
        modifier, prefix = (location.args[0], location.args[1]) if len(location.args) > 1 else ("", location.args[0])
        if modifier == "=" and path == prefix:
            return index
        if modifier in ("", "^~") and path.startswith(prefix) and len(prefix) > best_length:
            best, best_length = index, len(prefix)
    return best
