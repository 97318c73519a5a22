"""Where a config talks TLS to an upstream: each proxy_pass / grpc_pass /
uwsgi_pass (and stream proxy_pass with `proxy_ssl on`) with its target
resolved — host, port, IP literal, upstream group, or unknown variable."""
from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from .model import MISSING, Config, Node, effective, effective_all, inherited, is_on

KNOWN_HARMLESS_INCLUDE = re.compile(r"(mime\.types|fastcgi_params|fastcgi\.conf|fastcgi-php\.conf|uwsgi_params|"
                                    r"scgi_params|koi-utf|koi-win|win-utf)$")
PLAIN_PORTS = frozenset({80, 8080})
USERINFO = re.compile(r"//[^/@?#]*@")
PASS_MODULES = {"proxy_pass": "proxy", "grpc_pass": "grpc", "uwsgi_pass": "uwsgi"}
TLS_SCHEMES = {"https": 443, "grpcs": 443, "suwsgi": None}
PLAIN_SCHEMES = {"http": 80, "grpc": 80, "uwsgi": None}
TLS_SCHEME_OF = {"http": "https", "grpc": "grpcs", "uwsgi": "suwsgi"}
PLAIN_SCHEME_OF = {tls: plain for plain, tls in TLS_SCHEME_OF.items()}
TARGET = re.compile(r"^(?:(?P<scheme>[a-z]+|\$\{?\w+\}?)://)?(?P<host>\[[^\]]*\]|[^/:?]*)(?::(?P<port>[^/?]*))?(?P<rest>.*)$",
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
    if scheme is not None and scheme.startswith("$"):
        scheme = None  # a variable chooses the scheme per request
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


# What says a location's traffic carries credentials or money: its path,
# an auth directive in effect, a credential header forwarded.
SENSITIVE_PATH = re.compile(
    r"(auth|login|logout|signin|sign-in|token|oauth|oidc|sso|session|password|passwd|secret|"
    r"payment|pay|checkout|billing|card|admin|account|user|api|graphql|webhook)", re.I)
SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key", "x-auth-token"})
AUTH_DIRECTIVES = frozenset({"auth_request", "auth_basic", "auth_jwt", "satisfy"})

# Zones that never resolve on the public internet: a name in them is served
# with a private (or self-signed) certificate.
INTERNAL_ZONES = (".local", ".internal", ".lan", ".home", ".corp", ".intranet", ".localdomain", ".svc",
                  ".cluster.local", ".test", ".example", ".invalid", ".localhost", ".home.arpa")


def is_public_name(name: str | None) -> bool:
    """A dotted DNS name outside the internal zones; never an IP, a group
    name or a variable."""
    if not name or "$" in name or "." not in name or is_ip_literal(name):
        return False
    return not name.lower().rstrip(".").endswith(INTERNAL_ZONES)


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
        group server's (nginx's default port for a group server is 80).
        None known when Lua picks the peers (ingress-nginx's `upstream_balancer`
        holds a placeholder `server 0.0.0.1`)."""
        if self.group is None:
            return {(self.target.host, self.target.port)}
        if self.lua_balanced:
            return set()
        servers = (parse_target(server.args[0]) for server in self.group_servers if server.args)
        return {(server.host, server.port or 80) for server in servers}

    @property
    def lua_balanced(self) -> bool:
        return self.group is not None and any(child.name.startswith("balancer_by_lua")
                                              for child in self.group.expanded_children())

    @cached_property
    def resolved(self) -> Target:
        """The target with the `set $var value;` substitutions nginx makes on
        the way to this pass directive (Nginx Proxy Manager writes
        `proxy_pass $forward_scheme://$server:$port$request_uri`). Variables
        with no literal value stay; then the host stays unknown."""
        if "$" not in self.target.raw:
            return self.target
        resolved = parse_target(substitute(self.target.raw, self.block))
        if resolved.scheme not in TLS_SCHEMES and resolved.scheme not in PLAIN_SCHEMES:
            resolved = Target(resolved.raw, None, resolved.host, resolved.port, resolved.is_ip, resolved.is_unix)
        return resolved

    @property
    def resolved_at_run_time(self) -> bool:
        """nginx resolves the host per request (with `resolver`) when
        proxy_pass holds a variable anywhere and the host is neither an IP
        nor an upstream group."""
        target = self.resolved
        return "$" in self.target.raw and self.group is None and not target.is_ip and not target.is_unix

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
        return inherited(self.block, "home", lambda block: MISSING if block.name in ("if", "limit_except") and
                         block.parent is not None else block)

    @cached_property
    def hidden_by(self) -> tuple[Node, ...]:
        """`include`s at this upstream's location or server level whose files
        are not in the paste: what they set is unknown, so nothing can be said
        to be absent. (http-level includes are left out: they add server
        files or mime types, and would blind every check of a lone nginx.conf.)"""
        return hidden_includes(self.block)

    @property
    def tls(self) -> bool:
        if self.stream:
            on = effective(self.block, "proxy_ssl")
            return on is not None and on.args[:1] != [] and on.args[0].lower() == "on"
        return self.target.scheme in TLS_SCHEMES

    def directive(self, suffix: str) -> str:
        """`ssl_verify` -> `proxy_ssl_verify` / `grpc_ssl_verify` / …"""
        return f"{self.module}_{suffix}"

    def enabled(self, suffix: str) -> bool:
        """Whether the module's flag `suffix` in effect here is on
        (`ssl_verify`, `ssl_server_name`, …)."""
        return is_on(self.effective(suffix))

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

    @property
    def tls_name(self) -> str | None:
        """The name nginx checks and sends as SNI: proxy_ssl_name, else the
        proxy_pass host (a group's name for a group). None if a variable."""
        explicit = self.effective("ssl_name")
        if explicit is not None:
            value = explicit.args[0] if explicit.args else ""
            return None if "$" in value and value != "$proxy_host" else (
                self.target.host if value == "$proxy_host" else value)
        return self.target.host

    @property
    def public(self) -> bool:
        """Whether the upstream is asked for by a public DNS name, so its
        certificate comes from a public CA (the OS bundle holds its root)."""
        return is_public_name(self.tls_name)

    @property
    def needs_name(self) -> bool:
        """The name nginx would check is an IP or a dotless group name, and no
        proxy_ssl_name says otherwise: no certificate can match it."""
        target = self.target
        if target.has_variable or target.is_unix or self.hidden_by or self.effective("ssl_name") is not None:
            return False
        return target.is_ip or (self.group is not None and "." not in target.host)

    @cached_property
    def sensitive(self) -> str | None:
        """Why the traffic looks like it carries credentials or money, or None."""
        for node in (self.node, *self.node.ancestors()):
            if node.name == "location" and SENSITIVE_PATH.search(" ".join(node.args)):
                return f"location {' '.join(node.args)}"
            if node.children is not None:
                auth = next((name for name in node.index() if name in AUTH_DIRECTIVES), None)
                if auth:
                    return f"{auth} in effect"
        headers = effective_all(self.block, "proxy_set_header")
        forwarded = next((header.args[0] for header in headers
                          if header.args and header.args[0].lower() in SENSITIVE_HEADERS), None)
        return f"{forwarded} header forwarded" if forwarded else None

    def describe(self) -> str:
        """The pass directive as messages quote it; URL userinfo (which nginx
        does not accept there, but people paste) is never echoed."""
        return f"{self.node.name} {USERINFO.sub('//REDACTED@', self.target.raw)}"


VARIABLE = re.compile(r"\$(?:\{(\w+)\}|(\w+))")
_SUBSTITUTION_DEPTH = 4


# Variables that only ever fill the path or the query: for naming the
# upstream they read as an empty path.
PATH_VARIABLES = re.compile(r"\$(?:request_uri|uri|document_uri|is_args|args|query_string)\b")


def substitute(text: str, block: Node) -> str:
    """`text` with each variable `set` gives one literal value for `block`
    replaced by that value (repeatedly, as values may hold variables), and
    the path-only variables dropped; other variables stay as written."""
    text = PATH_VARIABLES.sub("", text)
    for _ in range(_SUBSTITUTION_DEPTH):
        changed = False
        for name in dict.fromkeys(first or second for first, second in VARIABLE.findall(text)):
            value = set_value(block, name)
            if value is not None and value != f"${name}":
                text = re.sub(rf"\$(?:\{{{name}\}}|{name}\b)", lambda _match, value=value: value, text)
                changed = True
        if not changed:
            break
    return PATH_VARIABLES.sub("", text)


def set_value(block: Node, name: str) -> str | None:
    """The value `set $name VALUE;` gives the variable where `block` runs."""
    node = set_node(block, name)
    return node.args[1] if node is not None and len(node.args) == 2 else None


def set_node(block: Node, name: str) -> Node | None:
    """The `set $name …;` in effect where `block` runs: the nearest level that
    sets it (a location's `set` runs after its server's), the last one of
    that level. A `set` inside `if` is conditional: then none is certain."""
    node = block
    while node is not None:
        found = [child for child in node.index().get("set", ()) if child.args[:1] == [f"${name}"]]
        conditional = any(child.name == "set" and child.args[:1] == [f"${name}"]
                          for sibling in node.index().get("if", ()) for child in sibling.walk())
        if conditional:
            return None
        if found:
            return found[-1]
        node = node.parent
    return None


def hidden_includes(block: Node | None) -> tuple[Node, ...]:
    """The unseen includes from `block` up to http level; each block's answer
    is kept on the block, so sites nested deep do not climb again."""
    chain = []
    while block is not None and block.name not in ("http", "main", "stream") and block.hidden_includes is None:
        chain.append(block)
        block = block.parent
    hidden = block.hidden_includes if block is not None and block.hidden_includes is not None else ()
    for current in reversed(chain):
        own = tuple(node for node in current.index().get("include", ())
                    if not node.args or not KNOWN_HARMLESS_INCLUDE.search(node.args[0]))
        hidden = own + hidden
        current.hidden_includes = hidden
    return hidden


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
