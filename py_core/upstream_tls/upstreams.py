"""Where a config talks TLS to an upstream: each proxy_pass / grpc_pass /
uwsgi_pass (and stream proxy_pass with `proxy_ssl on`) with its target
resolved — host, port, IP literal, upstream group, or unknown variable."""
from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from functools import lru_cache

from .editing import format_directive
from .model import Config, Node, effective

KNOWN_HARMLESS_INCLUDE = re.compile(r"(mime\.types|fastcgi_params|fastcgi\.conf|fastcgi-php\.conf|uwsgi_params|"
                                    r"scgi_params|koi-utf|koi-win|win-utf)$")
PLAIN_PORTS = frozenset({80, 8080})
USERINFO = re.compile(r"//[^/@?#]*@")
PASS_MODULES = {"proxy_pass": "proxy", "grpc_pass": "grpc", "uwsgi_pass": "uwsgi"}
TLS_SCHEMES = {"https": 443, "grpcs": 443, "suwsgi": None}
PLAIN_SCHEMES = {"http": 80, "grpc": 80, "uwsgi": None}
TLS_SCHEME_OF = {"http": "https", "grpc": "grpcs", "uwsgi": "suwsgi"}
PLAIN_SCHEME_OF = {tls: plain for plain, tls in TLS_SCHEME_OF.items()}
TARGET = re.compile(r"^(?:(?P<scheme>[a-z]+)://)?(?P<host>\[[^\]]*\]|[^/:?]*)(?::(?P<port>[^/?]*))?(?P<rest>.*)$",
                    re.I | re.S)


@dataclass
class Target:
    """What a *_pass argument points at. `host` is None when a variable
    hides it: then nothing about names can be said."""

    raw: str
    scheme: str | None
    host: str | None
    port: int | None
    is_ip: bool = False
    is_unix: bool = False

    @property
    def has_variable(self) -> bool:
        return self.host is None


def parse_target(raw: str) -> Target:
    match = TARGET.match(raw)
    if match is None:
        return Target(raw, None, None, None)
    scheme = (match.group("scheme") or "").lower() or None
    host = match.group("host")
    if host.startswith("unix") and raw.split("://")[-1].startswith("unix:"):
        return Target(raw, scheme, host, None, is_unix=True)
    if "$" in host:
        return Target(raw, scheme, None, None)
    port_text = match.group("port")
    port = int(port_text) if port_text and port_text.isascii() and port_text.isdigit() else None
    if port_text and "$" in port_text:
        port = None
    if port is None and scheme:
        port = TLS_SCHEMES.get(scheme) or PLAIN_SCHEMES.get(scheme)
    return Target(raw, scheme, host, port, is_ip=is_ip_literal(host))


@lru_cache(maxsize=4096)
def is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


@dataclass
class Site:
    """One place nginx connects to an upstream."""

    node: Node
    module: str
    target: Target
    group: Node | None
    stream: bool
    _effective: dict[str, Node | None] = field(default_factory=dict, repr=False, compare=False)

    @property
    def block(self) -> Node:
        return self.node.parent

    @property
    def addresses(self) -> set[tuple[str | None, int | None]]:
        """(host, port) pairs nginx connects to: the pass target's, or each
        group server's (nginx's default port for a group server is 80)."""
        if self.group is None:
            return {(self.target.host, self.target.port)}
        servers = (parse_target(server.args[0]) for server in self.group_servers if server.args)
        return {(server.host, server.port or 80) for server in servers}

    @property
    def plain_port(self) -> bool:
        """Every address is on a port that almost surely speaks plain HTTP."""
        ports = {port for _, port in self.addresses}
        return bool(ports) and ports <= PLAIN_PORTS

    @property
    def home(self) -> Node:
        """The block the module's other directives belong in: proxy_pass may
        sit in `if` or `limit_except`, proxy_ssl_* and proxy_set_header may
        not (nginx -t: "directive is not allowed here")."""
        block = self.block
        while block.name in ("if", "limit_except") and block.parent is not None:
            block = block.parent
        return block

    @property
    def hidden_by(self) -> list[Node]:
        """`include`s at this upstream's location or server level whose files
        are not in the paste: what they set is unknown, so nothing can be said
        to be absent. (http-level includes are left out: they add server
        files or mime types, and would blind every check of a lone nginx.conf.)"""
        hidden = []
        block = self.block
        while block is not None and block.name not in ("http", "main", "stream"):
            hidden += [node for node in block.index().get("include", ())
                       if not node.args or not KNOWN_HARMLESS_INCLUDE.search(node.args[0])]
            block = block.parent
        return hidden

    @property
    def tls(self) -> bool:
        if self.stream:
            on = effective(self.block, "proxy_ssl")
            return on is not None and on.args[:1] != [] and on.args[0].lower() == "on"
        return self.target.scheme in TLS_SCHEMES

    def directive(self, suffix: str) -> str:
        """`ssl_verify` -> `proxy_ssl_verify` / `grpc_ssl_verify` / …"""
        return f"{self.module}_{suffix}"

    def effective(self, suffix: str) -> Node | None:
        """The module's `suffix` directive in effect here; several rules ask
        the same questions of one site, so answers are kept."""
        if suffix not in self._effective:
            self._effective[suffix] = effective(self.block, self.directive(suffix))
        return self._effective[suffix]

    @property
    def group_servers(self) -> list[Node]:
        if self.group is None:
            return []
        return [child for child in self.group.expanded_children() if child.name == "server"]

    def with_scheme(self, scheme: str) -> str:
        """The pass directive pointing at the same address with another scheme."""
        address = self.target.raw.split("://", 1)[-1]
        return format_directive(self.node.name, [f"{scheme}://{address}", *self.node.args[1:]], self.node.quoted)

    def describe(self) -> str:
        """The pass directive as messages quote it; URL userinfo (which nginx
        does not accept there, but people paste) is never echoed."""
        return f"{self.node.name} {USERINFO.sub('//REDACTED@', self.target.raw)}"


def find_sites(config: Config) -> list[Site]:
    groups = config.upstream_groups()
    sites = []
    for node in config.named(*PASS_MODULES):
        module = PASS_MODULES[node.name]
        if not node.args:
            continue
        stream = node.in_stream() or node.parent.name == "stream"
        target = parse_target(node.args[0])
        group = None
        if target.host is not None and not target.is_unix and _port_is_implicit(target):
            group = groups.get((stream, target.host))
        sites.append(Site(node, module, target, group, stream))
    return sites


def _port_is_implicit(target: Target) -> bool:
    """nginx resolves `https://NAME` to a group only when no port is given."""
    authority = target.raw.split("://", 1)[-1]
    authority = re.split(r"[/?]", authority, maxsplit=1)[0]
    return ":" not in authority.replace("[", "").split("]")[-1]
