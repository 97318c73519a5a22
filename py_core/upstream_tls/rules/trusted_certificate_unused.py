from __future__ import annotations

from ..findings import Applicability, Severity
from ..model import is_on
from .base import Context, Rule, make_fix, verification_lines


class TrustedCertificateUnused(Rule):
    code = "UT004"
    name = "trusted-certificate-unused"
    severity = Severity.WARNING
    fix_safety = frozenset({Applicability.SAFE})
    summary = "A trusted certificate is set but verification is off, so it does nothing"
    why = ("`proxy_ssl_trusted_certificate` is only read when `proxy_ssl_verify on` is in effect. A trust "
           "file without it looks like protection and is none.")
    example = ("location / {\n    proxy_pass https://backend.internal;\n"
               "    proxy_ssl_trusted_certificate /etc/nginx/certs/upstream-ca.pem;\n}")
    fixed = ("location / {\n    proxy_pass https://backend.internal;\n"
             "    proxy_ssl_trusted_certificate /etc/nginx/certs/upstream-ca.pem;\n    proxy_ssl_verify on;\n}")
    references = ("https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_ssl_trusted_certificate",)

    def check(self, ctx: Context):
        for site in ctx.fully_visible_sites:
            verify = site.effective("ssl_verify")
            trusted = site.effective("ssl_trusted_certificate")
            if trusted is None or is_on(verify) or (verify is not None and verify.parent is site.home):
                continue
            fix = None
            if ctx.options.production:
                fix = make_fix("turn verification on",
                               ctx.placement.set_directives(site, verification_lines(site, ctx, turn_on=True)),
                               Applicability.SAFE)
            yield self.finding(site.node, f"{site.describe()}: {trusted.name} is set but verification is off; "
                               "the trust file is never used", fix=fix, related=(trusted,))
