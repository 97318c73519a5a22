"""What the config says about one upstream, in the terms a log line is read
in: how the upstream is named, whether SNI goes out and with which name,
whether nginx verifies, what narrows ciphers or protocols, which Host the
upstream receives. A handshake alert means one thing toward a hostname with
SNI off and another toward a name SNI already carries."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Node, effective, is_on
from ..options import Options
from ..rules.host_header_mismatch import host_header
from ..upstreams import Site, Target, is_ip_literal, is_public_name

CLIENT_HOST = re.compile(r"^\$(host|http_host|server_name)$")
TLS_PORTS = frozenset({443, 465, 636, 853, 993, 995, 5986, 6443, 8443, 9443, 10250})
# Ports where web applications usually speak plain HTTP (app servers, admin UIs).
COMMON_PLAIN_PORTS = frozenset({80, 81, 3000, 4000, 5000, 8000, 8008, 8080, 8081, 8888, 9000})

HOSTNAME, IP, GROUP, VARIABLE, UNIX = "hostname", "ip", "group", "variable", "unix"
SENT, MISSING, UNKNOWN = "sent", "missing", "unknown"


@dataclass(frozen=True)
class Situation:
    """`sni` is SENT (a DNS name goes out), MISSING (SNI off, or the name is an
    IP literal, which nginx never sends) or UNKNOWN (a variable decides).
    `host_header` is the value the upstream receives in Host; None is nginx's
    default, `$proxy_host`."""

    site: Site | None
    target: Target | None
    target_kind: str
    sni: str
    sni_name: str | None
    checked_name: str | None
    verifying: bool | None
    ciphers: Node | None
    protocols: Node | None
    client_certificate: Node | None
    host_header: str | None
    misprefixed: tuple[Node, ...] = ()
    resolver: Node | None = None
    whole_http: bool = False
    host_text: str | None = None

    @property
    def client_host_forwarded(self) -> bool:
        """Host carries the client's own Host ($host, $http_host)."""
        return self.host_header is not None and bool(CLIENT_HOST.match(self.host_header))

    @property
    def host_name(self) -> str | None:
        """A DNS name Host gives literally (`proxy_set_header Host api.example.com`)."""
        value = self.host_header
        if value is None or "$" in value or is_ip_literal(value.split(":")[0]) or "." not in value:
            return None
        return value.split(":")[0]

    @property
    def host_is_target(self) -> bool:
        """The upstream receives the name proxy_pass asks for: Host is nginx's
        default ($proxy_host) or the same text as the pass target's host."""
        return self.host_header is None or self.host_header in (self.host_text, "$proxy_host")

    @property
    def public_name(self) -> bool:
        """The upstream is asked for by a public DNS name (or, in a forward
        proxy, by whatever name the client asked for): its certificate comes
        from a public CA. IPs, group names and internal zones are private."""
        name = self.checked_name or self.host_text
        if name in ("$host", "$http_host"):
            return True
        return not self.name_is_group and is_public_name(name)

    @property
    def tls_port(self) -> bool:
        return self.target is not None and self.target.port in TLS_PORTS

    @property
    def name_is_group(self) -> bool:
        """The name sent and checked is the literal upstream group name."""
        return self.site is not None and self.site.group is not None and self.checked_name == self.target.host


UNKNOWN_SITUATION = Situation(None, None, "unknown", UNKNOWN, None, None, None, None, None, None, None)
OTHER_MODULES = {"proxy": ("grpc", "uwsgi"), "grpc": ("proxy",), "uwsgi": ("proxy",)}


def situation_of(site: Site | None, options: Options) -> Situation:
    if site is None:
        return UNKNOWN_SITUATION
    target = site.resolved
    name = _tls_name(site, target)
    explicit = site.effective("ssl_name")
    variable_name = explicit.args[0] if explicit is not None and explicit.args and "$" in explicit.args[0] \
        and explicit.args[0] != "$proxy_host" else None
    if not site.enabled("ssl_server_name"):
        sni = MISSING
    elif variable_name is not None:
        sni = SENT
    elif name is None:
        sni = UNKNOWN
    else:
        sni = MISSING if is_ip_literal(name) else SENT
    verify = site.effective("ssl_verify")
    host, _ = host_header(site)
    return Situation(
        site=site, target=target, target_kind=_kind(site, target), sni=sni,
        sni_name=(variable_name or name) if sni == SENT else None, checked_name=name,
        verifying=None if verify is None and site.hidden_by else is_on(verify),
        ciphers=site.effective("ssl_ciphers"), protocols=site.effective("ssl_protocols"),
        client_certificate=site.effective("ssl_certificate"),
        host_header=host.args[1] if host is not None and len(host.args) > 1 else None,
        misprefixed=_misprefixed(site), resolver=effective(site.block, "resolver"),
        whole_http=any(node.name == "http" and node.parent is not None for node in site.node.ancestors()),
        host_text=_host_text(target))


def _host_text(target: Target) -> str | None:
    """The host as written after substitution, variables included ($host)."""
    found = re.search(r"://(\[[^\]]*\]|[^/:?]*)", target.raw)
    return found[1] if found else target.host


def _misprefixed(site: Site) -> tuple[Node, ...]:
    """Another module's TLS settings in this pass's own block, where this
    module sets none: `proxy_ssl_certificate` next to grpc_pass does nothing
    (grpc_pass reads grpc_ssl_*)."""
    if site.stream:
        return ()
    found = []
    for module in OTHER_MODULES.get(site.module, ()):
        for suffix in ("ssl_certificate", "ssl_certificate_key", "ssl_trusted_certificate", "ssl_verify",
                       "ssl_server_name", "ssl_name", "ssl_protocols"):
            node = effective(site.block, f"{module}_{suffix}")
            if node is not None and node.parent is site.home and site.effective(suffix) is None:
                found.append(node)
    return tuple(found)


def _kind(site: Site, target: Target) -> str:
    if target.is_unix:
        return UNIX
    if target.has_variable:
        return VARIABLE
    if site.group is not None:
        return GROUP
    return IP if target.is_ip else HOSTNAME


def _tls_name(site: Site, target: Target) -> str | None:
    """The name nginx checks and sends: proxy_ssl_name, else the proxy_pass
    host (a group's name for a group); None while a variable hides it."""
    explicit = site.effective("ssl_name")
    if explicit is not None and explicit.args:
        value = explicit.args[0]
        if value == "$proxy_host":
            return target.host
        return None if "$" in value else value
    return target.host
