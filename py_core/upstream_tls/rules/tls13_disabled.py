"""UT012: TLSv1.3 not offered to upstreams."""
from __future__ import annotations

from ..findings import Applicability, Severity
from .base import Context, Rule, make_fix
from .legacy_protocols import PROTOCOL_DIRECTIVES, protocols_fix


class Tls13Disabled(Rule):
    code = "UT012"
    name = "tls13-disabled"
    severity = Severity.WARNING
    evidences = "protocol-mismatch"
    fix_safety = frozenset({Applicability.SAFE})
    summary = "TLSv1.3 is not offered to upstreams (a TLSv1.3-only upstream fails with alert 70)"
    why = ("Before 1.23.4 nginx's default proxy_ssl_protocols is TLSv1 TLSv1.1 TLSv1.2; an explicit list can "
           "leave TLSv1.3 out at any version. A TLSv1.3-only upstream then fails the handshake with "
           "`tlsv1 alert protocol version` (alert 70) and the request gets 502.")
    example = "location / {\n    proxy_pass https://modern.internal;   # nginx 1.22\n}"
    fixed = "location / {\n    proxy_pass https://modern.internal;\n    proxy_ssl_protocols TLSv1.2 TLSv1.3;\n}"
    references = ("https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_ssl_protocols",)

    def check(self, ctx: Context):
        for node in ctx.config.named(*PROTOCOL_DIRECTIVES):
            if "TLSv1.3" not in node.args:
                yield self.finding(node, f"{node.name} leaves out TLSv1.3", fix=protocols_fix(ctx, node))
        default = ctx.options.default_protocols()
        if default is None or "TLSv1.3" in default:
            return
        version = ".".join(map(str, ctx.options.nginx_version))
        for site in ctx.fully_visible_sites:
            if site.effective("ssl_protocols") is None:
                directive = site.directive("ssl_protocols")
                edits = ctx.placement.set_directives(site, [f"{directive} TLSv1.2 TLSv1.3;"])
                fix = make_fix("offer TLSv1.2 and TLSv1.3", edits, Applicability.SAFE)
                yield self.finding(site.node, f"{site.describe()}: nginx {version} offers {' '.join(default)} by "
                                   "default, without TLSv1.3", fix=fix)
