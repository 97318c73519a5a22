from __future__ import annotations

from ..editing import format_directive
from ..findings import Applicability, Severity
from .base import Context, Rule, make_fix


class UpstreamServerSslFlag(Rule):
    code = "UT008"
    name = "upstream-server-ssl-flag"
    severity = Severity.ERROR
    evidences = "upstream-server-ssl-flag"
    fix_safety = frozenset({Applicability.SAFE})
    summary = "`server … ssl` inside an upstream group: there is no such parameter (nginx -t fails)"
    why = ("`server` in an `upstream {}` group has no `ssl` parameter; nginx refuses the config with "
           "`invalid parameter \"ssl\"`. TLS to the group is chosen by the scheme: `proxy_pass https://group`.")
    example = ("upstream backend {\n    server 10.0.0.5:443 ssl;\n}\n"
               "server {\n    location / { proxy_pass http://backend; }\n}")
    fixed = ("upstream backend {\n    server 10.0.0.5:443;\n}\n"
             "server {\n    location / { proxy_pass https://backend; }\n}")
    references = ("https://nginx.org/en/docs/http/ngx_http_upstream_module.html#server",)

    def check(self, ctx: Context):
        for node in ctx.config.named("server"):
            if node.parent.name != "upstream" or "ssl" not in node.args[1:]:
                continue  # a first argument "ssl" is the address (a host of that name), not a parameter
            kept = [(arg, quoted) for index, (arg, quoted) in enumerate(zip(node.args, node.quoted, strict=True))
                    if index == 0 or arg != "ssl"]
            edits = [ctx.editor.replace(node, format_directive(node.name, [a for a, _ in kept], [q for _, q in kept]))]
            plain = [site for site in ctx.sites if site.group is node.parent and not site.tls and not site.stream]
            edits += [ctx.placement.upgrade_scheme(site) for site in plain]
            fix = make_fix("drop `ssl` and choose TLS with the scheme in proxy_pass", edits, Applicability.SAFE)
            yield self.finding(node, f"server {node.args[0]} ssl: `server` in an upstream group has no ssl "
                               "parameter; use https:// in proxy_pass", fix=fix,
                               related=tuple(site.node for site in plain))
