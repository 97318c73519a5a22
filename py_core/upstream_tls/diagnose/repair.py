"""A repair: what changes in the upstream's block to remove one cause."""
from __future__ import annotations

from dataclasses import dataclass

from ..editing import format_directive
from ..upstreams import Site

LEGACY = frozenset({"SSLv2", "SSLv3", "TLSv1", "TLSv1.1"})


@dataclass(frozen=True)
class Repair:
    """`directives` are (suffix, value) pairs after the module prefix
    (`ssl_verify` is proxy_ssl_verify, grpc_ssl_verify or uwsgi_ssl_verify
    for the upstream's module); `scheme` the pass directive's new scheme;
    `host_header` the Host the upstream should receive. An empty repair means
    nothing in this config removes the cause."""

    directives: tuple[tuple[str, str], ...] = ()
    scheme: str | None = None
    host_header: str | None = None

    def __bool__(self) -> bool:
        return bool(self.directives or self.scheme or self.host_header)

    def merged(self, other: Repair) -> Repair:
        """Both repairs; where both set one thing, this one's value stays."""
        mine = dict(self.directives)
        extra = tuple((suffix, value) for suffix, value in other.directives if suffix not in mine)
        return Repair(self.directives + extra, self.scheme or other.scheme, self.host_header or other.host_header)

    @property
    def weakens(self) -> bool:
        """Verification off, legacy protocols or a lowered security level:
        what may stand in for an upstream's repair in dev mode only."""
        values = dict(self.directives)
        protocols = values.get("ssl_protocols", "").split()
        return (values.get("ssl_verify") == "off" or "@SECLEVEL=0" in values.get("ssl_ciphers", "").upper()
                or any(protocol in LEGACY for protocol in protocols))

    def value(self, suffix: str) -> str | None:
        return dict(self.directives).get(suffix)

    def without(self, *suffixes: str) -> Repair:
        return Repair(tuple(item for item in self.directives if item[0] not in suffixes), self.scheme,
                      self.host_header)

    def pending(self, site: Site) -> Repair:
        """What still has to change: settings already in effect are left out,
        so the fix neither rewrites nor reports them."""
        directives = tuple((suffix, value) for suffix, value in self.directives
                           if not _holds(site, suffix, value))
        scheme = None if self.scheme is None or site.resolved.scheme == self.scheme else self.scheme
        return Repair(directives, scheme, self.host_header)

    def directive_lines(self, site: Site) -> list[str]:
        return [format_directive(site.directive(suffix), value.split(" ")) for suffix, value in self.directives]

    def lines(self, site: Site) -> list[str]:
        """Every change as the config line it produces, in a stable order."""
        lines = self.directive_lines(site)
        if self.scheme:
            lines.insert(0, scheme_line(site, self.scheme))
        if self.host_header:
            lines.append(format_directive("proxy_set_header", ["Host", self.host_header]))
        return lines


def scheme_line(site: Site, scheme: str) -> str:
    """The line that changes the scheme: the pass directive itself, or the
    `set $var …;` that gives a variable scheme its value."""
    variable = scheme_variable(site)
    if variable is not None:
        return format_directive("set", [variable, scheme])
    return site.with_scheme(scheme)


def scheme_variable(site: Site) -> str | None:
    """`$forward_scheme` when proxy_pass starts with a variable scheme."""
    raw = site.target.raw
    if site.target.scheme is None and raw.startswith("$") and "://" in raw:
        return raw.split("://", 1)[0]
    return None


def _holds(site: Site, suffix: str, value: str) -> bool:
    current = site.effective(suffix)
    return current is not None and [arg.lower() for arg in current.args] == value.lower().split(" ")
