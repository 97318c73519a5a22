from __future__ import annotations

from ..editing import format_directive
from ..findings import Applicability, Severity
from .base import Context, Rule, dev_verify_off, make_fix, name_for


class NameCannotMatch(Rule):
    code = "UT005"
    name = "name-cannot-match"
    severity = Severity.ERROR
    evidences = "name-mismatch"
    fix_safety = frozenset({Applicability.SAFE, Applicability.UNSAFE})
    summary = "The name nginx checks is an IP address or an upstream group name, not the certificate's DNS name"
    why = ("nginx checks the upstream certificate against `proxy_ssl_name`, which defaults to the proxy_pass "
           "host: with `https://10.0.1.45:8443` that is the IP, with `https://backend` the literal group name. "
           "nginx 1.22 matches DNS names only, so verification fails with `upstream SSL certificate does not "
           "match` and the request gets 502 once verification is on.")
    example = "location / {\n    proxy_pass https://10.0.1.45:8443;\n    proxy_ssl_verify on;\n    ...\n}"
    fixed = ("location / {\n    proxy_pass https://10.0.1.45:8443;\n    proxy_ssl_verify on;\n    ...\n"
             "    proxy_ssl_name api.internal.example.com;\n    proxy_ssl_server_name on;\n}")
    references = ("https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_ssl_name",)

    def check(self, ctx: Context):
        unnamed = [site for site in ctx.tls_sites if site.needs_name]
        only_target = len({site.target.host for site in unnamed}) == 1
        for site in unnamed:
            target = site.target
            verifying = site.enabled("ssl_verify")
            if not (verifying or ctx.options.production):
                continue
            kind = "the IP address" if target.is_ip else "the upstream group name"
            message = (f"{site.describe()}: nginx checks the certificate against {kind} "
                       f"\"{target.host}\" and no {site.directive('ssl_name')} is set")
            message += "" if verifying else " (this fails as soon as verification is on)"
            yield self.finding(site.node, message, severity=Severity.ERROR if verifying else Severity.WARNING,
                               fix=self._fix(ctx, site, verifying, only_target))

    def _fix(self, ctx, site, verifying, only_target):
        name, placeholders = name_for(ctx, site, only_target)
        if not ctx.options.production and placeholders:
            return dev_verify_off(site, ctx, "the upstream's identity is not checked at all") if verifying else None
        lines = [format_directive(site.directive("ssl_name"), [name])]
        if not site.enabled("ssl_server_name"):
            lines.append(f"{site.directive('ssl_server_name')} on;")
        return make_fix(f"check the certificate against {name}",
                        ctx.placement.set_directives(site, lines), Applicability.SAFE, placeholders)
