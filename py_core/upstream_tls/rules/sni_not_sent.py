from __future__ import annotations

from ..findings import Applicability, Severity
from ..model import is_on
from ..upstreams import is_ip_literal
from .base import Context, Rule, make_fix


class SniNotSent(Rule):
    code = "UT006"
    name = "sni-not-sent"
    severity = Severity.WARNING
    evidences = "sni-required"
    fix_safety = frozenset({Applicability.SAFE})
    summary = "No SNI is sent to an upstream addressed by name (proxy_ssl_server_name is off by default)"
    why = ("Without `proxy_ssl_server_name on` nginx sends no server name in the TLS handshake. An upstream "
           "that hosts several names (a CDN, a cloud load balancer, a multi-site nginx) then rejects the "
           "handshake (`tlsv1 unrecognized name`, alert 112) or presents its default certificate, which fails "
           "the name check.")
    example = "location / {\n    proxy_pass https://api.example.com;\n}"
    fixed = "location / {\n    proxy_pass https://api.example.com;\n    proxy_ssl_server_name on;\n}"
    references = ("https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_ssl_server_name",)

    def check(self, ctx: Context):
        for site in ctx.fully_visible_sites:
            if site.target.has_variable or site.target.is_unix or site.needs_name:
                continue
            server_name = site.effective("ssl_server_name")
            if is_on(server_name):
                continue
            name = site.tls_name
            if name is None or is_ip_literal(name):
                continue
            directive = site.directive("ssl_server_name")
            fix = make_fix(f"send SNI ({name})", ctx.placement.set_directives(site, [f"{directive} on;"]),
                           Applicability.SAFE)
            state = "turned off" if server_name is not None else "off by default"
            yield self.finding(site.node, f"{site.describe()}: {directive} is {state}, so the upstream is not "
                               f"told which name (\"{name}\") is wanted", fix=fix)
