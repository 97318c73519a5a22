from __future__ import annotations

from ..findings import Severity
from .base import Context, Rule


class IncludeNotInPaste(Rule):
    code = "UT015"
    name = "include-not-in-paste"
    severity = Severity.INFO
    summary = "An include at location or server level is not in the paste; checks that need it were skipped"
    why = ("A snippet included next to proxy_pass may set the trust file, the name or SNI. Without its text the "
           "tool cannot say those are missing, so it does not claim so (and proposes no fix that could duplicate "
           "or override them). Paste `nginx -T` output: it holds every included file.")
    example = "location / {\n    proxy_pass https://api.internal;\n    include snippets/upstream-tls.conf;\n}"
    fixed = ("# nginx -T output: the snippet's text is part of the paste\n"
             "location / {\n    proxy_pass https://api.internal;\n    proxy_ssl_verify on;\n"
             "    proxy_ssl_trusted_certificate /etc/nginx/certs/upstream-ca.pem;\n    proxy_ssl_server_name on;\n}")
    references = ("https://nginx.org/en/docs/ngx_core_module.html#include",)

    def check(self, ctx: Context):
        reached: dict = {}
        for site in ctx.tls_sites:
            for include in site.hidden_by:
                reached.setdefault(include, []).append(site)
        for include, sites in reached.items():
            yield self.finding(include, f"include {' '.join(include.args)}: not in this paste, so for "
                               f"{len(sites)} upstream(s) nothing it might set is assumed missing; paste "
                               "`nginx -T` output to check them fully", related=tuple(site.node for site in sites))
