"""Diagnosis from evidence: ambiguous log lines are decided by the chain or
listed with what would decide them; every cause id is reachable; production
never proposes turning verification off."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from upstream_tls import Options
from upstream_tls.causes import CAUSES, UPSTREAM
from upstream_tls.certs import read_chain
from upstream_tls.diagnose import diagnose, evidence_fix
from upstream_tls.logs import read_log

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "nginx"))
from harness import Pki  # noqa: E402  (the real-nginx suite's certificate factory)

needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")

UPSTREAM_URL = "https://127.0.0.1:8443"
TAIL = (' while SSL handshaking to upstream, client: 127.0.0.1, server: , request: "GET / HTTP/1.1", '
        f'upstream: "{UPSTREAM_URL}/", host: "shop.example.com"')
CONFIG = ("server {\n    listen 80;\n    location / {\n        proxy_pass https://127.0.0.1:8443;\n"
          "        proxy_ssl_verify on;\n        proxy_ssl_trusted_certificate /etc/nginx/certs/ca.pem;\n"
          "        proxy_ssl_name app.test;\n        proxy_ssl_server_name on;\n    }\n}\n")


def error_line(message: str, level: str = "error") -> str:
    return f"2026/11/28 10:00:00 [{level}] 100#100: *1 {message}{TAIL}\n"


def verify_error(code: int, text: str) -> str:
    return error_line(f"upstream SSL certificate verify error: ({code}:{text})")


def run(log: str = "", chain=None, config: str = CONFIG, **options):
    return diagnose(config, read_log(log), chain, Options(**options))


def top(diagnosis) -> str:
    return diagnosis.causes[0].cause


@pytest.fixture
def pki(tmp_path):
    return Pki(tmp_path / "pki")


def chain_of(*certs) -> object:
    return read_chain("".join(cert.pem for cert in certs))


def test_error_20_without_chain_lists_both_and_says_what_decides():
    diagnosis = run(verify_error(20, "unable to get local issuer certificate"))
    causes = {cause.cause: cause for cause in diagnosis.causes}
    assert {"untrusted-certificate", "verify-depth-exceeded"} <= set(causes)
    assert all("chain decides" in causes[name].decides for name in ("untrusted-certificate", "verify-depth-exceeded"))


@needs_openssl
def test_error_20_with_two_intermediates_is_the_depth(pki):
    root = pki.root()
    first = pki.intermediate("Int 1", root)
    second = pki.intermediate("Int 2", first)
    leaf = pki.leaf("app.test", second, dns=["app.test"])
    diagnosis = run(verify_error(20, "unable to get local issuer certificate"), chain_of(leaf, second, first))
    assert top(diagnosis) == "verify-depth-exceeded"
    assert diagnosis.causes[0].settings == {"ssl_verify_depth": "2"}


@needs_openssl
def test_error_20_with_one_intermediate_is_the_trust_anchor(pki):
    root = pki.root()
    intermediate = pki.intermediate("Int", root)
    leaf = pki.leaf("app.test", intermediate, dns=["app.test"])
    diagnosis = run(verify_error(20, "unable to get local issuer certificate"), chain_of(leaf, intermediate, root))
    assert top(diagnosis) == "untrusted-certificate"


@needs_openssl
def test_error_21_with_leaf_only_is_the_upstreams_missing_intermediate(pki):
    root = pki.root()
    intermediate = pki.intermediate("Int", root)
    leaf = pki.leaf("app.test", intermediate, dns=["app.test"])
    diagnosis = run(verify_error(21, "unable to verify the first certificate"), chain_of(leaf))
    assert top(diagnosis) == "incomplete-chain" and diagnosis.causes[0].side == UPSTREAM
    assert "CN=Int" in diagnosis.causes[0].note


def test_error_21_without_chain_says_what_decides():
    diagnosis = run(verify_error(21, "unable to verify the first certificate"))
    assert {"incomplete-chain", "untrusted-certificate"} <= {cause.cause for cause in diagnosis.causes}
    assert all(cause.decides for cause in diagnosis.causes[:2])


@needs_openssl
def test_several_names_and_none_matches_asks_instead_of_guessing(pki):
    cert = pki.self_signed("a.test", dns=["a.test", "b.test"])
    config = CONFIG.replace("        proxy_ssl_name app.test;\n", "")
    diagnosis = run(error_line('upstream SSL certificate does not match "127.0.0.1"'), chain_of(cert), config)
    assert top(diagnosis) == "name-mismatch"
    assert "ssl_name" not in diagnosis.causes[0].settings
    assert "a.test, b.test" in diagnosis.causes[0].note and "--ssl-name 127.0.0.1=NAME" in diagnosis.causes[0].note


@needs_openssl
@pytest.mark.parametrize("mode", ["production", "dev"])
def test_expired_certificate_is_the_upstreams_and_production_never_turns_verify_off(pki, mode):
    cert = pki.self_signed("app.test", dns=["app.test"], days=10, not_before_days=-40)
    diagnosis = run(verify_error(10, "certificate has expired"), chain_of(cert), mode=mode)
    assert top(diagnosis) == "certificate-expired" and diagnosis.causes[0].side == UPSTREAM
    fixed = evidence_fix(diagnosis).text
    if mode == "production":
        assert "proxy_ssl_verify off" not in fixed
        assert diagnosis.fix_payload(diagnosis.causes[0])["applicability"] == "display-only"
    else:
        assert "proxy_ssl_verify off;" in fixed
        assert diagnosis.fix_payload(diagnosis.causes[0])["applicability"] == "unsafe"


def test_protocol_alert_with_tls13_offered_is_a_legacy_upstream():
    log = error_line("SSL_do_handshake() failed (SSL: error:0A00042E:SSL routines::tlsv1 alert protocol "
                     "version:SSL alert number 70)")
    modern = run(log, config=CONFIG.replace("    }\n}", "        proxy_ssl_protocols TLSv1.2 TLSv1.3;\n    }\n}"))
    assert top(modern) == "legacy-upstream-protocol"
    assert "TLSv1 " not in evidence_fix(modern).text
    old = run(log, config=CONFIG.replace("    }\n}", "        proxy_ssl_protocols TLSv1.2;\n    }\n}"))
    assert top(old) == "protocol-mismatch"
    assert "proxy_ssl_protocols TLSv1.2 TLSv1.3;" in evidence_fix(old).text


# One minimal piece of evidence per cause id, so every id in the taxonomy is reachable.
LOG_EVIDENCE = {
    "verify-without-trusted-certificate": "nginx: [emerg] no proxy_ssl_trusted_certificate for proxy_ssl_verify\n",
    "trusted-certificate-unreadable": 'nginx: [emerg] SSL_CTX_load_verify_locations("/x/ca.pem") failed (SSL: '
                                      "error:80000002:system library::No such file or directory:calling "
                                      "fopen(/x/ca.pem, r))\n",
    "trusted-certificate-not-pem": 'nginx: [emerg] SSL_CTX_load_verify_locations("/x/ca.der") failed (SSL: '
                                   "error:05800088:x509 certificate routines::no certificate or crl found)\n",
    "untrusted-certificate": verify_error(18, "self-signed certificate"),
    "verify-depth-exceeded": verify_error(22, "certificate chain too long"),
    "incomplete-chain": verify_error(21, "unable to verify the first certificate"),
    "certificate-purpose": verify_error(26, "unsuitable certificate purpose"),
    "name-mismatch": error_line('upstream SSL certificate does not match "app.test"'),
    "sni-required": error_line("SSL_do_handshake() failed (SSL: error:0A000458:SSL routines::tlsv1 unrecognized "
                               "name:SSL alert number 112)", "crit"),
    "certificate-expired": verify_error(10, "certificate has expired"),
    "certificate-not-yet-valid": verify_error(9, "certificate is not yet valid"),
    "certificate-revoked": verify_error(23, "certificate revoked"),
    "crl-expired": verify_error(12, "CRL has expired"),
    "crl-wrong-issuer": verify_error(3, "unable to get certificate CRL"),
    "client-certificate-required": "2026/11/28 10:00:00 [info] 7#7: *1 client sent no required SSL certificate "
                                   "while reading client request headers, client: 127.0.0.1, server: app.test, "
                                   'request: "GET / HTTP/1.1", host: "app.test"\n',
    "client-certificate-rejected": error_line("SSL_do_handshake() failed (SSL: error:0A000418:SSL routines::tlsv1 "
                                              "alert unknown ca:SSL alert number 48)"),
    "client-key-missing": 'nginx: [emerg] no "proxy_ssl_certificate_key" is defined for certificate "/c.pem"\n',
    "client-key-mismatch": 'nginx: [emerg] SSL_CTX_use_PrivateKey("/k.pem") failed (SSL: error:05800074:x509 '
                           "certificate routines::key values mismatch)\n",
    "client-key-encrypted": 'nginx: [emerg] cannot load certificate key "/k.pem": PEM_read_bio_PrivateKey() '
                            "failed (SSL: error:1400006B:UI routines::processing error:while reading strings "
                            "error:0480006D:PEM routines::problems getting password error:07880109:common libcrypto "
                            "routines::interrupted or cancelled)\n",
    "protocol-mismatch": error_line("SSL_do_handshake() failed (SSL: error:0A00042E:SSL routines::tlsv1 alert "
                                    "protocol version:SSL alert number 70)"),
    "legacy-upstream-protocol": error_line("SSL_do_handshake() failed (SSL: error:0A00016C:SSL routines::legacy "
                                           "sigalg disallowed or unsupported)"),
    "weak-upstream-key": verify_error(66, "EE certificate key too weak"),
    "cipher-mismatch": error_line("SSL_do_handshake() failed (SSL: error:0A000410:SSL routines::sslv3 alert "
                                  "handshake failure:SSL alert number 40)"),
    "https-to-plain-http": error_line("SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version "
                                      "number)"),
    "http-to-https-port": "2026/11/28 10:00:00 [info] 7#7: *1 client sent plain HTTP request to HTTPS port while "
                          'reading client request headers, client: 127.0.0.1, server: app.test, request: "GET / '
                          'HTTP/1.1", host: "app.test"\n',
    "upstream-server-ssl-flag": 'nginx: [emerg] invalid parameter "ssl" in /etc/nginx/conf.d/up.conf:3\n',
}
CONFIG_EVIDENCE = {
    "verify-disabled": "location / {\n    proxy_pass https://app.test;\n    proxy_ssl_verify off;\n}\n",
    "host-header-mismatch": CONFIG.replace("    }\n}", "        proxy_set_header Host $host;\n    }\n}"),
}


def test_every_cause_id_has_evidence_here():
    assert set(LOG_EVIDENCE) | set(CONFIG_EVIDENCE) == set(CAUSES)


@pytest.mark.parametrize("cause", sorted(LOG_EVIDENCE))
def test_each_cause_is_named_first_from_its_log_line(cause):
    config = CONFIG.replace("        proxy_ssl_server_name on;\n", "") if cause == "sni-required" else CONFIG
    diagnosis = run(LOG_EVIDENCE[cause], config=config, nginx_version=(1, 22, 1))
    assert top(diagnosis) == cause, [(c.cause, c.confidence) for c in diagnosis.causes]
    assert diagnosis.causes[0].evidence[0].startswith("log line 1")


@pytest.mark.parametrize("cause", sorted(CONFIG_EVIDENCE))
def test_config_only_causes_are_named(cause):
    assert cause in {item.cause for item in run("", config=CONFIG_EVIDENCE[cause]).causes}


def test_alert_112_with_sni_on_blames_the_name_sent():
    diagnosis = run(LOG_EVIDENCE["sni-required"])
    assert top(diagnosis) == "name-mismatch" and '"app.test"' in diagnosis.causes[0].evidence[0]


def test_lines_about_other_upstreams_are_set_apart_and_repeats_count_once():
    second = "    location /b/ {\n        proxy_pass https://127.0.0.1:9449;\n    }\n"
    config = CONFIG.replace("    }\n}", "    }\n" + second + "}")
    other = error_line("SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number)").replace(
        UPSTREAM_URL, "https://127.0.0.1:9449")
    mine = verify_error(18, "self-signed certificate")
    diagnosis = run(mine + mine + mine + other, config=config)
    assert top(diagnosis) == "untrusted-certificate"
    assert "https-to-plain-http" not in {cause.cause for cause in diagnosis.causes}
    assert "and 2 more like it" in diagnosis.causes[0].evidence[0]
    assert diagnosis.causes[0].confidence == 0.9
    [other_upstream] = diagnosis.to_dict()["other_upstreams"]
    assert other_upstream["directive"] == "proxy_pass https://127.0.0.1:9449" and other_upstream["log_lines"] == 1


def test_json_shape_follows_the_contract():
    without_sni = CONFIG.replace("        proxy_ssl_server_name on;\n", "")
    payload = run(LOG_EVIDENCE["sni-required"], config=without_sni).to_dict()
    first = payload["causes"][0]
    assert set(first) >= {"cause", "confidence", "side", "evidence", "fix"}
    assert first["cause"] == "sni-required" and first["side"] == "config" and 0 < first["confidence"] <= 1
