"""A repair: what changes in the upstream's block to remove one cause."""
from __future__ import annotations

from dataclasses import dataclass

from ..editing import format_directive
from ..model import effective
from ..placement import pass_to_address, pass_with_scheme
from ..upstreams import Site

LEGACY = frozenset({"SSLv2", "SSLv3", "TLSv1", "TLSv1.1"})


@dataclass(frozen=True)
class Repair:
    """`directives` are (suffix, value) pairs after the module prefix
    (`ssl_verify` is proxy_ssl_verify, grpc_ssl_verify or uwsgi_ssl_verify
    for the upstream's module); `named` are directives by their full name
    (`resolver`); `scheme` and `address` the pass directive's new scheme and
    host; `host_header` the Host the upstream should receive. An empty repair
    means nothing in this config removes the cause."""

    directives: tuple[tuple[str, str], ...] = ()
    scheme: str | None = None
    host_header: str | None = None
    address: str | None = None
    named: tuple[tuple[str, str], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.directives or self.scheme or self.host_header or self.address or self.named)

    def merged(self, other: Repair) -> Repair:
        """Both repairs; where both set one thing, this one's value stays."""
        return Repair(_union(self.directives, other.directives), self.scheme or other.scheme,
                      self.host_header or other.host_header, self.address or other.address,
                      _union(self.named, other.named))

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

    def pending(self, site: Site) -> Repair:
        """What still has to change: settings already in effect are left out,
        so the fix neither rewrites nor reports them."""
        directives = tuple((suffix, value) for suffix, value in self.directives
                           if not _holds(site, site.directive(suffix), value))
        named = tuple((name, value) for name, value in self.named if not _holds(site, name, value))
        scheme = None if self.scheme is None or site.resolved.scheme == self.scheme else self.scheme
        return Repair(directives, scheme, self.host_header, self.address, named)

    def directive_lines(self, site: Site) -> list[str]:
        """The lines set in the upstream's block, in the order given."""
        return ([format_directive(site.directive(suffix), value.split(" ")) for suffix, value in self.directives]
                + [format_directive(name, value.split(" ")) for name, value in self.named])

    def lines(self, site: Site) -> list[str]:
        """Every change as the config line it produces, in a stable order."""
        lines = self.directive_lines(site)
        if self.scheme or self.address:
            lines.insert(0, pass_line(site, self.scheme, self.address))
        if self.host_header:
            lines.append(format_directive("proxy_set_header", ["Host", self.host_header]))
        return lines


def _union(first: tuple[tuple[str, str], ...], second: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    names = dict(first)
    return first + tuple(item for item in second if item[0] not in names)


def pass_line(site: Site, scheme: str | None, address: str | None) -> str:
    """The pass directive with a new scheme and/or host (a variable scheme
    is changed where `set` gives it, see scheme_line)."""
    if address is None:
        return scheme_line(site, scheme)
    return pass_to_address(site, address, scheme)


def scheme_line(site: Site, scheme: str) -> str:
    """The line that changes the scheme: the pass directive itself, or the
    `set $var …;` that gives a variable scheme its value."""
    variable = scheme_variable(site)
    if variable is not None:
        return format_directive("set", [variable, scheme])
    return pass_with_scheme(site, scheme)


def scheme_variable(site: Site) -> str | None:
    """`$forward_scheme` when proxy_pass starts with a variable scheme."""
    raw = site.target.raw
    if site.target.scheme is None and raw.startswith("$") and "://" in raw:
        return raw.split("://", 1)[0]
    return None


def _holds(site: Site, name: str, value: str) -> bool:
    current = effective(site.block, name)
    return current is not None and [arg.lower() for arg in current.args] == value.lower().split(" ")
