from __future__ import annotations

from ..findings import Severity
from .base import Context, Rule

MAYBE_TLS = (None, "https", "grpcs", "suwsgi")


class UpstreamAddressUnknown(Rule):
    code = "UT014"
    name = "upstream-address-unknown"
    severity = Severity.INFO
    summary = "The upstream address comes from a variable and no proxy_ssl_name is set; name and SNI checks are skipped"
    why = ("With a variable in proxy_pass the host is only known per request, so nothing can be said about "
           "the name nginx will check or send as SNI. The tool reports this instead of guessing.")
    example = "location / {\n    proxy_pass https://$backend;\n}"
    fixed = ("location / {\n    proxy_pass https://$backend;\n    proxy_ssl_name api.internal.example.com;\n"
             "    proxy_ssl_server_name on;\n}")
    references = ("https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_pass",)

    def check(self, ctx: Context):
        for site in ctx.sites:
            if not site.target.has_variable or site.target.scheme not in MAYBE_TLS or site.stream:
                continue
            if site.tls_name is None:
                yield self.finding(site.node, f"{site.describe()}: the upstream host comes from a variable; "
                                   "TLS name and SNI checks are skipped for it")
