from __future__ import annotations

from ..editing import format_directive
from ..findings import Applicability, Severity
from ..model import effective
from .base import (
    Context,
    Rule,
    advice,
    at,
    make_fix,
    trust_placeholders,
    verification_lines,
)

VERIFY_DIRECTIVES = ("proxy_ssl_verify", "grpc_ssl_verify", "uwsgi_ssl_verify")
WIDE_LEVELS = frozenset({"main", "http", "server", "stream"})


class VerifyDisabled(Rule):
    code = "UT001"
    name = "verify-disabled"
    severity = Severity.WARNING
    evidences = "verify-disabled"
    fix_safety = frozenset({Applicability.SAFE, Applicability.UNSAFE, Applicability.DISPLAY_ONLY})
    summary = "Upstream certificate verification is explicitly turned off"
    why = ("With verification off nginx accepts any certificate the upstream (or anyone on the path "
           "to it) presents: the TLS connection is encrypted but not authenticated. Set at http or "
           "server level it silently reaches every upstream below it.")
    example = "location /api/ {\n    proxy_pass https://api.internal:8443;\n    proxy_ssl_verify off;\n}"
    fixed = ("location /api/ {\n    proxy_pass https://api.internal:8443;\n    proxy_ssl_verify on;\n"
             "    proxy_ssl_trusted_certificate /etc/nginx/certs/upstream-ca.pem;\n"
             "    proxy_ssl_server_name on;\n}")
    references = ("https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_ssl_verify",)

    def check(self, ctx: Context):
        for node in ctx.config.named(*VERIFY_DIRECTIVES):
            if node.args[:1] == [] or node.args[0].lower() != "off" or node.parent.index()[node.name][-1] is not node:
                continue  # on, or a duplicate nginx -t refuses anyway: the last one is reported
            affected = ctx.sites_by_verify.get(node, [])
            below = self._tls_sites_below(ctx, node.parent) if not affected and node.level() in WIDE_LEVELS else []
            if below:
                yield self._dead(ctx, node, below)
                continue
            local = any(site.home is node.parent for site in affected) or (
                not affected and node.level() not in WIDE_LEVELS)
            wide = not local
            yield self._finding(ctx, node, affected, wide)

    @staticmethod
    def _tls_sites_below(ctx, block):
        """TLS upstreams inside `block`, found by walking it once."""
        by_node = {id(site.node): site for site in ctx.tls_sites}
        return [by_node[id(child)] for child in block.walk() if id(child) in by_node]

    def _dead(self, ctx, node, below):
        """Every TLS upstream below sets its own verification: this `off`
        reaches none of them today, and every location added later."""
        hidden = any(site.hidden_by for site in below)
        message = (f"{node.name} off at {node.level()} level reaches no upstream in the paste (each sets its own); "
                   "it is dead, until a location added later inherits it")
        fix = (advice("remove it once the includes below are checked: one of them may rely on it") if hidden else
               make_fix(f"remove the dead {node.name} off", [ctx.editor.remove(node)], Applicability.SAFE))
        return self.finding(node, message, severity=Severity.WARNING, fix=fix)

    def _finding(self, ctx, node, affected, wide):
        places = ", ".join(at(site.node) for site in affected[:8]) + (" …" if len(affected) > 8 else "")
        if wide:
            reach = (f"at {node.level()} level it reaches {len(affected)} upstream(s): {places}"
                     if affected else f"at {node.level()} level it reaches every TLS upstream below it")
            return self.finding(node, f"{node.name} off: {reach}", severity=Severity.ERROR,
                                fix=self._wide_fix(ctx, node, affected, reach), related=tuple(s.node for s in affected))
        reason = next(filter(None, (site.sensitive for site in affected)), None)
        severity = Severity.ERROR if reason else (Severity.WARNING if ctx.options.production else Severity.INFO)
        message = f"{node.name} off: any certificate is accepted"
        if reason:
            message += f" on traffic that looks sensitive ({reason})"
        if effective(node.parent, node.name.replace("verify", "trusted_certificate")) is not None:
            message += "; the trusted certificate in effect is ignored"
        fix = self._local_fix(ctx, node, affected) if ctx.options.production else None
        return self.finding(node, message, severity=severity, fix=fix)

    def _local_fix(self, ctx, node, affected):
        edits = [ctx.editor.replace(node, f"{node.name} on;")]
        placeholders: tuple[str, ...] = ()
        site = next((site for site in affected if site.home is node.parent), None)
        if site is not None:
            edits += ctx.placement.set_directives(site, verification_lines(site, ctx, turn_on=False))
            placeholders = trust_placeholders(site, ctx)
        return make_fix("verify the upstream certificate", edits, Applicability.SAFE, placeholders)

    def _wide_fix(self, ctx, node, affected, reach):
        if not ctx.options.production:
            return None
        trusted = node.name.replace("verify", "trusted_certificate")
        edits = [ctx.editor.replace(node, f"{node.name} on;")]
        if effective(node.parent, trusted) is None:
            public = bool(affected) and all(site.public for site in affected)
            edits.append(ctx.editor.insert_after(node, [format_directive(trusted, [
                ctx.options.trust_path_for(public)])]))
        return make_fix(f"turn verification on here — {reach}; each needs a certificate the trust file covers",
                        edits, Applicability.UNSAFE)
