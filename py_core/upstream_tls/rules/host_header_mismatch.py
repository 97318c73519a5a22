from __future__ import annotations

import re

from ..editing import Change, format_directive
from ..findings import Applicability, Severity
from ..model import Node, effective_all
from ..options import NAME_PLACEHOLDER
from ..upstreams import Site
from .base import Context, Rule, advice, make_fix

CLIENT_HOST = re.compile(r"\$(host|http_host|server_name)\b")


class HostHeaderMismatch(Rule):
    code = "UT007"
    name = "host-header-mismatch"
    severity = Severity.WARNING
    evidences = "host-header-mismatch"
    fix_safety = frozenset({Applicability.UNSAFE, Applicability.DISPLAY_ONLY})
    summary = "The Host header names something else than the name TLS asks the upstream for"
    why = ("With SNI fixed, `proxy_set_header Host $host` still forwards the public name, and without any Host "
           "line nginx sends `$proxy_host` — the IP or group name from proxy_pass. A name-based upstream then "
           "answers from another site (404) or, when it uses client certificates, with 421 (\"client attempted "
           "to request the server name different from the one that was negotiated\"). Adding a single "
           "proxy_set_header in a location also drops every one inherited from above, so the fix is an edit "
           "only where that cannot happen.")
    example = ("location / {\n    proxy_pass https://10.0.1.45;\n    proxy_ssl_name api.internal;\n"
               "    proxy_ssl_server_name on;\n    proxy_set_header Host $host;\n}")
    fixed = ("location / {\n    proxy_pass https://10.0.1.45;\n    proxy_ssl_name api.internal;\n"
             "    proxy_ssl_server_name on;\n    proxy_set_header Host api.internal;\n}")
    references = ("https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header",
                  "https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_ssl_name")

    def check(self, ctx: Context):
        for site in ctx.fully_visible_sites:
            if site.module != "proxy" or site.stream or site.target.has_variable:
                continue
            explicit = site.effective("ssl_name")
            if explicit is None or not explicit.args or "$" in explicit.args[0] or explicit.args[0] == NAME_PLACEHOLDER:
                continue
            name = explicit.args[0]
            host, headers = host_header(site)
            if host is None:
                if site.target.host == name:
                    continue
                sent = f"nginx's default $proxy_host (\"{site.target.host}\")"
                severity = Severity.INFO
            elif len(host.args) > 1 and CLIENT_HOST.search(host.args[1]):
                sent = f"{host.args[1]} ({host.file}:{host.line})"
                severity = Severity.WARNING
            else:
                continue
            yield self.finding(site.node, f"{site.describe()}: TLS asks for \"{name}\" but the Host header is "
                               f"{sent}; a name-based upstream may answer 404 or 421", severity=severity,
                               fix=self._fix(ctx, site, headers, name),
                               related=tuple(node for node in (host, explicit) if node is not None))

    def _fix(self, ctx, site, headers, name):
        changes = host_header_changes(ctx, site, name)
        if changes is None:
            return advice(f"add `proxy_set_header Host {name};` in this location together with a copy of every "
                          f"proxy_set_header inherited from {headers[0].level()} level (one here drops them all)")
        return make_fix(f"send Host {name}", changes, Applicability.UNSAFE)


def host_header(site: Site) -> tuple[Node | None, list[Node]]:
    """(the Host line in effect for this upstream, every proxy_set_header in effect)."""
    headers = effective_all(site.block, "proxy_set_header")
    return next((header for header in headers if header.args[:1] and header.args[0].lower() == "host"), None), headers


def host_header_changes(ctx: Context, site: Site, name: str) -> list[Change | None] | None:
    """Send Host NAME from this upstream's block: rewrite its Host line, or add
    one when no proxy_set_header is in effect. None otherwise: one line added
    here would drop every inherited header."""
    line = format_directive("proxy_set_header", ["Host", name])
    host, headers = host_header(site)
    if host is not None and host.parent is site.home:
        return [ctx.editor.replace(host, line)]
    return None if headers else ctx.placement.set_directives(site, [line])
