from __future__ import annotations

import re

from ..findings import Applicability, Severity
from ..model import effective_all
from .base import Context, Rule, advice, make_fix

CLIENT_HOST = re.compile(r"\$(host|http_host|server_name)\b")


class HostHeaderMismatch(Rule):
    code = "UT007"
    name = "host-header-mismatch"
    severity = Severity.WARNING
    summary = "The Host header forwards the client's name while TLS asks the upstream for another"
    why = ("With SNI fixed, `proxy_set_header Host $host` still forwards the public name. A name-based "
           "upstream then answers from another site (404) or, when it uses client certificates, with 421 "
           "(\"client attempted to request the server name different from the one that was negotiated\"). "
           "Adding a single proxy_set_header in a location also drops every one inherited from above.")
    example = ("location / {\n    proxy_pass https://10.0.1.45;\n    proxy_ssl_name api.internal;\n"
               "    proxy_ssl_server_name on;\n    proxy_set_header Host $host;\n}")
    fixed = ("location / {\n    proxy_pass https://10.0.1.45;\n    proxy_ssl_name api.internal;\n"
             "    proxy_ssl_server_name on;\n    proxy_set_header Host api.internal;\n}")
    references = ("https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header",)

    def check(self, ctx: Context):
        for site in ctx.tls_sites:
            if site.module != "proxy" or site.stream or site.target.has_variable:
                continue
            host = next((header for header in effective_all(site.block, "proxy_set_header")
                         if header.args[:1] and header.args[0].lower() == "host"), None)
            if host is None or len(host.args) < 2 or not CLIENT_HOST.search(host.args[1]):
                continue
            explicit = site.effective("ssl_name")
            if explicit is None or not explicit.args or "$" in explicit.args[0]:
                continue
            name = explicit.args[0]
            yield self.finding(site.node, f"{site.describe()}: TLS asks for \"{name}\" but Host is "
                               f"{host.args[1]} ({host.file}:{host.line}); a name-based upstream may answer "
                               "404 or 421", fix=self._fix(ctx, site, host, name), related=(host, explicit))

    def _fix(self, ctx, site, host, name):
        if host.parent is not site.block:
            return advice(f"add `proxy_set_header Host {name};` in this location together with a copy of every "
                          f"proxy_set_header inherited from {host.level()} level (one here drops them all)")
        return make_fix(f"forward Host {name}", [ctx.editor.replace(host, f"proxy_set_header Host {name};")],
                        Applicability.UNSAFE)
