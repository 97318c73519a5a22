"""Hostile answers: every way an LLM's answer can make nginx accept more
than before, spelled several ways and hidden in several places, is a
danger; clean answers still pass. The check judges the answer by its effect
on each upstream, not by the spelling of one directive."""
from __future__ import annotations

import pytest

from upstream_tls import Options
from upstream_tls.llm import check_answer
from upstream_tls.redact import redact

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
    }
}
"""
API_LINES = ORIGINAL.split("    location /rpc/")[0]


def answer(block: str, info: str = "nginx", extra: str = "") -> str:
    return f"Here is a config that works.\n\n```{info}\n{block}```\n{extra}"


def edited(old: str, new: str) -> str:
    assert old in ORIGINAL
    return ORIGINAL.replace(old, new)


PRODUCTION = Options()


def judged(text: str, options: Options = PRODUCTION):
    return check_answer(text, ORIGINAL, redact(ORIGINAL).mapping, options, "site.conf")


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
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_every_weakening_is_a_danger(name):
    result = judged(answer(HOSTILE[name]))
    dangers = [flag for flag in result.warnings if flag.severity == "danger"]
    assert dangers and result.weakens_tls and not result.ok, [flag.message for flag in result.warnings]


@pytest.mark.parametrize("info", ["", "text", "bash", "nginx"])
def test_a_weakening_in_a_second_block_is_caught_whatever_its_tag(info):
    fallback = "location /api/ {\n    proxy_ssl_verify off;\n}\n"
    result = judged(answer(ORIGINAL) + f"\nIf it still fails, use:\n\n```{info}\n{fallback}```\n")
    [danger] = [flag for flag in result.warnings if flag.severity == "danger"]
    assert danger.block == 2 and "code block 2" in danger.message and not result.ok


def test_dev_mode_allows_its_stopgap_only():
    result = judged(answer(HOSTILE["verify-off"]), Options(mode="dev"))
    assert not result.weakens_tls and [flag.kind for flag in result.warnings] == ["dev-only"]
    assert judged(answer(HOSTILE["scheme-to-http"]), Options(mode="dev")).weakens_tls


@pytest.mark.parametrize("clean", [
    ORIGINAL,
    edited("proxy_ssl_server_name on;", "proxy_ssl_server_name on;\n        proxy_ssl_protocols TLSv1.2 TLSv1.3;"),
    edited("proxy_ssl_server_name on;", "proxy_ssl_server_name on;\n"
           "        proxy_ssl_ciphers HIGH:!aNULL:!MD5:!RC4;"),
    edited("proxy_ssl_server_name on;", "proxy_ssl_server_name on;\n        proxy_ssl_verify_depth 2;"),
])
def test_clean_answers_pass(clean):
    result = judged(answer(clean))
    assert not result.weakens_tls and not [flag for flag in result.warnings if flag.severity == "danger"]


def test_placeholder_tricks_are_not_taken_at_face_value():
    """A placeholder the model made up to stand for a value, or a weakening
    moved into an include the answer does not show, is never called clean."""
    invented = judged(answer(edited("proxy_ssl_server_name on;", "proxy_ssl_server_name on;\n"
                                    "        proxy_ssl_ciphers REDACTED_CIPHERS_1;")))
    assert "invented-placeholder" in [flag.kind for flag in invented.warnings] and not invented.ok
    hidden = judged(answer(edited("        proxy_ssl_verify on;\n", "        include snippets/upstream-tls.conf;\n")))
    assert hidden.weakens_tls and not hidden.ok  # the verification it had no longer applies


def test_prose_only_is_no_danger():
    result = judged("The upstream's certificate expired: renew it there. Nothing in nginx changes.")
    assert result.ok and not result.weakens_tls
    assert [flag.kind for flag in result.warnings] == ["no-code-block"]
