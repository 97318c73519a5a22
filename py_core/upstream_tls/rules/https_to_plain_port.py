"""UT010: TLS sent to a port that speaks plain HTTP."""
from __future__ import annotations

from ..findings import Applicability, Severity
from ..placement import pass_with_scheme
from ..upstreams import PLAIN_SCHEME_OF, TLS_SCHEMES
from .base import Context, Rule, make_fix
from .http_to_tls_port import target_ports


class HttpsToPlainPort(Rule):
    code = "UT010"
    name = "https-to-plain-port"
    severity = Severity.ERROR
    evidences = "https-to-plain-http"
    fix_safety = frozenset({Applicability.UNSAFE})
    summary = "TLS to a port that speaks plain HTTP (502, `wrong version number`)"
    why = ("A TLS handshake sent to a plain-HTTP port fails at once: nginx logs `SSL_do_handshake() failed "
           "(… wrong version number)` and answers 502. Either the port or the scheme is wrong; going plain "
           "sends the traffic unencrypted, so prefer the upstream's TLS port.")
    example = "location / {\n    proxy_pass https://10.0.0.5:8080;\n}"
    fixed = "location / {\n    proxy_pass https://10.0.0.5:8443;\n}"
    references = ("https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_pass",)

    def check(self, ctx: Context):
        for site in ctx.sites:
            if site.stream or site.target.scheme not in TLS_SCHEMES or site.target.has_variable:
                continue
            if site.plain_port:
                ports = target_ports(site)
                plain = PLAIN_SCHEME_OF[site.target.scheme]
                edit = ctx.editor.replace(site.node, pass_with_scheme(site, plain))
                fix = make_fix(f"use {plain}:// — traffic to the upstream is then unencrypted; better point at "
                               "its TLS port", [edit], Applicability.UNSAFE)
                port_text = "/".join(str(port) for port in sorted(ports))
                yield self.finding(site.node, f"{site.describe()}: TLS to port {port_text}, which almost surely "
                                   "speaks plain HTTP (502, wrong version number)", fix=fix)
