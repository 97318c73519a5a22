from __future__ import annotations

from ..editing import format_directive
from ..findings import Applicability, Severity
from ..model import is_on
from .base import Context, Rule, dev_verify_off, make_fix, trust_path, trust_placeholders


class VerifyWithoutTrustedCertificate(Rule):
    code = "UT003"
    name = "verify-without-trusted-certificate"
    severity = Severity.ERROR
    evidences = "verify-without-trusted-certificate"
    fix_safety = frozenset({Applicability.SAFE, Applicability.UNSAFE})
    summary = "Verification is on but no trusted certificate is in effect (nginx -t fails)"
    why = ("nginx never falls back to the system CA store for upstreams. `proxy_ssl_verify on` without "
           "`proxy_ssl_trusted_certificate` in effect stops nginx from starting: "
           "`no proxy_ssl_trusted_certificate for proxy_ssl_verify`.")
    example = "location / {\n    proxy_pass https://backend.internal;\n    proxy_ssl_verify on;\n}"
    fixed = ("location / {\n    proxy_pass https://backend.internal;\n    proxy_ssl_verify on;\n"
             "    proxy_ssl_trusted_certificate /etc/nginx/certs/upstream-ca.pem;\n}")
    references = ("https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_ssl_trusted_certificate",)

    def check(self, ctx: Context):
        for site in ctx.fully_visible_sites:
            verify = site.effective("ssl_verify")
            if not is_on(verify) or site.effective("ssl_trusted_certificate") is not None:
                continue
            trusted = site.directive("ssl_trusted_certificate")
            if ctx.options.production:
                fix = make_fix(f"add {trusted} next to {verify.name} on",
                               [ctx.editor.insert_after(verify, [format_directive(trusted, [trust_path(site, ctx)])])],
                               Applicability.SAFE, trust_placeholders(site, ctx))
            else:
                fix = dev_verify_off(site, ctx, "nothing is verified: anyone who can answer for the upstream "
                                     "is trusted")
            yield self.finding(site.node, f"{site.describe()}: {verify.name} on with no {trusted} in effect — "
                               f"nginx -t fails (no {trusted} for {verify.name})", fix=fix, related=(verify,))
