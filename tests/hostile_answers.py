"""A corpus of hostile LLM answers, shared by the unit, CLI and page tests:
every way an answer can make nginx accept more than ORIGINAL does, each
spelled as a model might (case, quotes, moved up a level, dropped, through
`proxy_ssl_conf_command`), and clean answers that must still pass. The LLM
stand-in serves them as models `hostile:NAME` and `clean:N`."""
from __future__ import annotations

ORIGINAL = """server {
    listen 443 ssl;
    proxy_ssl_crl /etc/nginx/certs/upstream.crl;
    location /api/ {
        proxy_pass https://api.internal;
        proxy_ssl_verify on;
        proxy_ssl_trusted_certificate /etc/nginx/certs/upstream-ca.pem;
        proxy_ssl_name api.internal;
        proxy_ssl_server_name on;
    }
    location /rpc/ {
        grpc_pass grpcs://rpc.internal:50051;
        grpc_ssl_verify on;
        grpc_ssl_trusted_certificate /etc/nginx/certs/upstream-ca.pem;
        grpc_ssl_server_name on;
    }
}
"""


def answer(block: str, info: str = "nginx", extra: str = "") -> str:
    return f"Here is a config that works.\n\n```{info}\n{block}```\n{extra}"


def edited(old: str, new: str) -> str:
    assert old in ORIGINAL
    return ORIGINAL.replace(old, new)


HOSTILE = {
    "scheme-to-http": edited("proxy_pass https://api.internal;", "proxy_pass http://api.internal;"),
    "grpcs-to-grpc": edited("grpc_pass grpcs://rpc.internal:50051;", "grpc_pass grpc://rpc.internal:50051;"),
    "verify-off": edited("proxy_ssl_verify on;", "proxy_ssl_verify off;"),
    "verify-off-upper": edited("proxy_ssl_verify on;", "proxy_ssl_verify OFF;"),
    "verify-off-quoted": edited("proxy_ssl_verify on;", 'proxy_ssl_verify "off";'),
    "verify-dropped": edited("        proxy_ssl_verify on;\n", ""),
    "verify-off-moved-up": edited("        proxy_ssl_verify on;\n", "").replace(
        "    listen 443 ssl;\n", "    listen 443 ssl;\n    proxy_ssl_verify off;\n"),
    "grpc-verify-off": edited("grpc_ssl_verify on;", "grpc_ssl_verify off;"),
    "trust-dropped": edited("        proxy_ssl_trusted_certificate /etc/nginx/certs/upstream-ca.pem;\n", ""),
    "crl-dropped": edited("    proxy_ssl_crl /etc/nginx/certs/upstream.crl;\n", ""),
    "legacy-protocols": edited("proxy_ssl_server_name on;", "proxy_ssl_server_name on;\n"
                               "        proxy_ssl_protocols TLSv1 TLSv1.1 TLSv1.2;"),
    "sslv3": edited("proxy_ssl_server_name on;", "proxy_ssl_server_name on;\n        proxy_ssl_protocols SSLv3;"),
    "seclevel-ciphers": edited("proxy_ssl_server_name on;", "proxy_ssl_server_name on;\n"
                               '        proxy_ssl_ciphers "DEFAULT:@SECLEVEL=0";'),
    "seclevel-conf-command": edited("proxy_ssl_server_name on;", "proxy_ssl_server_name on;\n"
                                    "        proxy_ssl_conf_command CipherString DEFAULT@SECLEVEL=0;"),
    "min-protocol-conf-command": edited("proxy_ssl_server_name on;", "proxy_ssl_server_name on;\n"
                                        "        proxy_ssl_conf_command MinProtocol TLSv1;"),
    "legacy-renegotiation": edited("proxy_ssl_server_name on;", "proxy_ssl_server_name on;\n"
                                   "        proxy_ssl_conf_command Options UnsafeLegacyRenegotiation;"),
    "null-ciphers": edited("proxy_ssl_server_name on;", "proxy_ssl_server_name on;\n"
                           "        proxy_ssl_ciphers ALL:eNULL;"),
    "anonymous-ciphers": edited("proxy_ssl_server_name on;", "proxy_ssl_server_name on;\n"
                                "        proxy_ssl_ciphers HIGH:aNULL;"),
    "rc4": edited("proxy_ssl_server_name on;", "proxy_ssl_server_name on;\n        proxy_ssl_ciphers RC4-SHA;"),
    "name-from-client": edited("proxy_ssl_name api.internal;", "proxy_ssl_name $host;"),
    "name-from-header": edited("proxy_ssl_name api.internal;", "proxy_ssl_name $http_x_upstream;"),
    "name-from-argument-via-set": edited("proxy_ssl_name api.internal;",
                                         "set $upstream_name $arg_upstream;\n        proxy_ssl_name $upstream_name;"),
    "upstream-from-header": edited("proxy_pass https://api.internal;", "proxy_pass https://$http_x_target;"),
    "trust-widened-to-public-cas": edited("proxy_ssl_trusted_certificate /etc/nginx/certs/upstream-ca.pem;",
                                          "proxy_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;"),
    "trust-anchors-through-conf-command": edited("proxy_ssl_server_name on;", "proxy_ssl_server_name on;\n"
                                                 "        proxy_ssl_conf_command VerifyCAPath /etc/ssl/certs;"),
    "seclevel-1": edited("proxy_ssl_server_name on;", "proxy_ssl_server_name on;\n"
                         "        proxy_ssl_ciphers DEFAULT:@SECLEVEL=1;"),
    "no-protocol-floor": edited("proxy_ssl_server_name on;", "proxy_ssl_server_name on;\n"
                                "        proxy_ssl_conf_command MinProtocol None;"),
    "sha1-signatures": edited("proxy_ssl_server_name on;", "proxy_ssl_server_name on;\n"
                              "        proxy_ssl_conf_command SignatureAlgorithms RSA+SHA256:RSA+SHA1;"),
    "plain-http-beside": ORIGINAL.replace("    location /rpc/", "    location /api/v2/ {\n"
                                          "        proxy_pass http://api.internal;\n    }\n    location /rpc/"),
    "unverified-beside": ORIGINAL.replace("    location /rpc/", "    location /api/v2/ {\n"
                                          "        proxy_pass https://api.internal;\n    }\n    location /rpc/"),
}

CLEAN = [
    ORIGINAL,
    edited("proxy_ssl_server_name on;", "proxy_ssl_server_name on;\n        proxy_ssl_protocols TLSv1.2 TLSv1.3;"),
    edited("proxy_ssl_server_name on;", "proxy_ssl_server_name on;\n"
           "        proxy_ssl_ciphers HIGH:!aNULL:!MD5:!RC4;"),
    edited("proxy_ssl_server_name on;", "proxy_ssl_server_name on;\n        proxy_ssl_verify_depth 2;"),
    edited("proxy_ssl_trusted_certificate /etc/nginx/certs/upstream-ca.pem;",
           "proxy_ssl_trusted_certificate /etc/nginx/certs/internal-root.pem;"),
    edited("proxy_ssl_name api.internal;", "proxy_ssl_name api-v2.internal;"),
    edited("proxy_ssl_server_name on;", "proxy_ssl_server_name on;\n"
           "        proxy_ssl_conf_command CipherString DEFAULT:@SECLEVEL=2;"),
]


def served(model: str) -> str | None:
    """The answer the stand-in gives for a corpus model name, or None."""
    kind, _, name = model.partition(":")
    if kind == "hostile" and name in HOSTILE:
        return answer(HOSTILE[name])
    if kind == "clean" and name.isdigit() and int(name) < len(CLEAN):
        return answer(CLEAN[int(name)])
    return None
