from __future__ import annotations

from ..findings import Applicability, Severity
from ..model import effective
from .base import Context, Rule, advice

CERT_DIRECTIVES = ("proxy_ssl_certificate", "grpc_ssl_certificate", "uwsgi_ssl_certificate")


class ClientCertificateWithoutKey(Rule):
    code = "UT013"
    name = "client-certificate-without-key"
    severity = Severity.ERROR
    evidences = "client-key-missing"
    fix_safety = frozenset({Applicability.DISPLAY_ONLY})
    summary = "A client certificate for the upstream without its key (nginx -t fails)"
    why = ("For mTLS to the upstream nginx needs both `proxy_ssl_certificate` and `proxy_ssl_certificate_key`; "
           "with only the certificate it refuses the config: `no \"proxy_ssl_certificate_key\" is defined for "
           "certificate`.")
    example = "location / {\n    proxy_pass https://mtls.internal;\n    proxy_ssl_certificate /etc/nginx/client.crt;\n}"
    fixed = ("location / {\n    proxy_pass https://mtls.internal;\n    proxy_ssl_certificate /etc/nginx/client.crt;\n"
             "    proxy_ssl_certificate_key /etc/nginx/client.key;\n}")
    references = ("https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_ssl_certificate_key",)

    def check(self, ctx: Context):
        for node in ctx.config.named(*CERT_DIRECTIVES):
            if effective(node.parent, node.name + "_key") is None and not node.parent.index().get("include"):
                yield self.finding(node, f"{node.name} without {node.name}_key — nginx -t fails",
                                   fix=advice(f"add `{node.name}_key /path/to/the/client.key;` beside it "
                                              "(the key that matches this certificate, PEM, unencrypted or "
                                              "with proxy_ssl_password_file)"))
