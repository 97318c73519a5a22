"""UT011: legacy protocols offered to upstreams, and the one protocol list
both protocol rules propose."""
from __future__ import annotations

from ..editing import format_directive
from ..findings import Applicability, Severity
from .base import Context, Rule, make_fix

PROTOCOL_DIRECTIVES = ("proxy_ssl_protocols", "grpc_ssl_protocols", "uwsgi_ssl_protocols")
LEGACY = ("SSLv2", "SSLv3", "TLSv1", "TLSv1.1")


def recommended(protocols: list[str]) -> list[str]:
    """The list without legacy versions and with TLSv1.3 — the one value
    both protocol rules propose, so their edits agree."""
    kept = [protocol for protocol in protocols if protocol not in LEGACY]
    if "TLSv1.2" not in kept:
        kept.insert(0, "TLSv1.2")
    if "TLSv1.3" not in kept:
        kept.append("TLSv1.3")
    return kept


def protocols_fix(ctx: Context, node):
    return make_fix("allow TLSv1.2 and TLSv1.3 only",
                    [ctx.editor.replace(node, format_directive(node.name, recommended(node.args)))],
                    Applicability.SAFE)


class LegacyProtocols(Rule):
    code = "UT011"
    name = "legacy-protocols"
    severity = Severity.WARNING
    fix_safety = frozenset({Applicability.SAFE})
    summary = "TLSv1 / TLSv1.1 (or SSL) enabled toward upstreams"
    why = ("TLSv1 and TLSv1.1 are deprecated (RFC 8996); offering them lets a path attacker push the upstream "
           "connection down to them. An upstream that still needs them must be upgraded, not accommodated.")
    example = "proxy_ssl_protocols TLSv1 TLSv1.1 TLSv1.2;"
    fixed = "proxy_ssl_protocols TLSv1.2 TLSv1.3;"
    references = ("https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_ssl_protocols",
                  "https://www.rfc-editor.org/rfc/rfc8996")

    def check(self, ctx: Context):
        for node in ctx.config.named(*PROTOCOL_DIRECTIVES):
            legacy = [protocol for protocol in node.args if protocol in LEGACY]
            if legacy:
                yield self.finding(node, f"{node.name} enables {' '.join(legacy)}", fix=protocols_fix(ctx, node))
