from __future__ import annotations

from ..findings import Applicability, Severity
from ..model import is_on
from .base import Context, Rule, at, make_fix, trust_placeholders, verification_lines


class VerifyNotEnabled(Rule):
    code = "UT002"
    name = "verify-not-enabled"
    severity = Severity.WARNING
    fix_safety = frozenset({Applicability.SAFE})
    summary = "HTTPS upstream without certificate verification (nginx's default is off)"
    why = ("nginx does not verify upstream certificates unless told to: with the defaults a self-signed, "
           "expired or wrongly named certificate is accepted, so anyone who can answer for the upstream's "
           "address can read and change the traffic. Reported in the production profile.")
    example = "location / {\n    proxy_pass https://backend.internal;\n}"
    fixed = ("location / {\n    proxy_pass https://backend.internal;\n    proxy_ssl_verify on;\n"
             "    proxy_ssl_trusted_certificate /etc/nginx/certs/upstream-ca.pem;\n"
             "    proxy_ssl_server_name on;\n}")
    references = ("https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_ssl_verify",
                  "https://docs.nginx.com/nginx/admin-guide/security-controls/securing-http-traffic-upstream/")

    def check(self, ctx: Context):
        if not ctx.options.production:
            return
        for site in ctx.fully_visible_sites:
            verify = site.effective("ssl_verify")
            if is_on(verify) or (verify is not None and verify.parent is site.home):
                continue
            if site.effective("ssl_trusted_certificate") is not None:
                continue
            source = f"turned off at {at(verify)}" if verify is not None else "left at the default, off"
            fix = make_fix("verify the upstream certificate",
                           ctx.placement.set_directives(site, verification_lines(site, ctx, turn_on=True)),
                           Applicability.SAFE, trust_placeholders(site, ctx))
            yield self.finding(site.node, f"{site.describe()}: certificate verification is {source}", fix=fix)
