"""UT009: plain http:// sent to a port that speaks TLS."""
from __future__ import annotations

from ..findings import Applicability, Severity
from ..upstreams import TLS_SCHEME_OF
from .base import Context, Rule, make_fix

TLS_PORTS = frozenset({443, 8443, 9443})


def target_ports(site) -> set[int | None]:
    return {port for _, port in site.addresses}


class HttpToTlsPort(Rule):
    code = "UT009"
    name = "http-to-tls-port"
    severity = Severity.ERROR
    evidences = "http-to-https-port"
    fix_safety = frozenset({Applicability.SAFE})
    summary = "Plain http:// to a port that speaks TLS (the upstream answers 400)"
    why = ("Sent to an HTTPS port, a plain request gets `400 The plain HTTP request was sent to HTTPS port` "
           "from the upstream, or a reset. The scheme in proxy_pass chooses TLS.")
    example = "location / {\n    proxy_pass http://10.0.0.5:443;\n}"
    fixed = "location / {\n    proxy_pass https://10.0.0.5:443;\n}"
    references = ("https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_pass",)

    def check(self, ctx: Context):
        for site in ctx.sites:
            if site.stream or site.target.scheme not in TLS_SCHEME_OF or site.target.has_variable:
                continue
            ports = target_ports(site)
            if ports and ports <= TLS_PORTS:
                fix = make_fix("use TLS to this port", [ctx.placement.upgrade_scheme(site)], Applicability.SAFE)
                port_text = "/".join(str(port) for port in sorted(ports))
                yield self.finding(site.node, f"{site.describe()}: plain {site.target.scheme}:// to port "
                                   f"{port_text}, which almost surely speaks TLS", fix=fix)
