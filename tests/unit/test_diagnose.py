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
from upstream_tls.options import NAME_PLACEHOLDER
from upstream_tls.output.json import diagnosis_payload

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
    assert diagnosis.causes[0].repair.directives == (("ssl_verify_depth", "2"),)


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
    assert diagnosis.causes[0].repair.value("ssl_name") == NAME_PLACEHOLDER  # a marked question, not a.test
    assert "a.test, b.test" in diagnosis.causes[0].note and "--ssl-name 127.0.0.1=NAME" in diagnosis.causes[0].note


@needs_openssl
@pytest.mark.parametrize("mode", ["production", "dev"])
def test_expired_certificate_is_the_upstreams_and_production_never_turns_verify_off(pki, mode):
    cert = pki.self_signed("app.test", dns=["app.test"], days=-10, not_before_days=-40)
    diagnosis = run(verify_error(10, "certificate has expired"), chain_of(cert), mode=mode)
    assert top(diagnosis) == "certificate-expired" and diagnosis.causes[0].side == UPSTREAM
    fixed = evidence_fix(diagnosis).text
    if mode == "production":
        assert "proxy_ssl_verify off" not in fixed
        assert diagnosis.remedy(diagnosis.causes[0]).applicability == "display-only"
    else:
        assert "proxy_ssl_verify off;" in fixed
        assert diagnosis.remedy(diagnosis.causes[0]).applicability == "unsafe"


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
    "upstream-connection-refused": error_line("connect() failed (111: Connection refused) while connecting to "
                                              "upstream").replace(" while SSL handshaking to upstream", ""),
    "upstream-unreachable": error_line("connect() to 10.0.0.9:443 failed (113: No route to host) while connecting "
                                       "to upstream").replace(" while SSL handshaking to upstream", ""),
    "upstream-timeout": error_line("upstream timed out (110: Connection timed out) while reading response header "
                                   "from upstream").replace(" while SSL handshaking to upstream", ""),
    "upstream-name-unresolved": "2026/11/28 10:00:00 [error] 7#7: *1 no resolver defined to resolve api.example.com, "
                                'client: 127.0.0.1, server: app.test, request: "GET / HTTP/1.1", host: "app.test"\n',
    "upstream-closed-connection": error_line("upstream prematurely closed connection while reading response header "
                                             "from upstream").replace(" while SSL handshaking to upstream", ""),
    "upstream-header-too-big": error_line("upstream sent too big header while reading response header from "
                                          "upstream").replace(" while SSL handshaking to upstream", ""),
    "duplicate-host-header": "h11._util.RemoteProtocolError: Found multiple Host: headers\n",
    "no-live-upstreams": error_line("no live upstreams while connecting to upstream").replace(
        " while SSL handshaking to upstream", ""),
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
    assert diagnosis.causes[0].confidence == run(mine, config=config).causes[0].confidence  # repeats add nothing
    [other_upstream] = diagnosis_payload(diagnosis)["other_upstreams"]
    assert other_upstream["directive"] == "proxy_pass https://127.0.0.1:9449" and other_upstream["log_lines"] == 1


def test_json_shape_follows_the_contract():
    without_sni = CONFIG.replace("        proxy_ssl_server_name on;\n", "")
    payload = diagnosis_payload(run(LOG_EVIDENCE["sni-required"], config=without_sni))
    first = payload["causes"][0]
    assert set(first) >= {"cause", "confidence", "side", "evidence", "fix"}
    assert first["cause"] == "sni-required" and first["side"] == "config" and 0 < first["confidence"] <= 1


# -- reading evidence with the config around it (issue 10) --------------------------

STAMP = "2026/12/01 10:00:00"
HOSTNAME_SITE = "location / {\n    proxy_pass https://api.vendor.example.com;\n}\n"


def proxy_line(message: str, upstream: str = "https://93.184.216.34:443/") -> str:
    return (f'{STAMP} [error] 7#7: *1 {message} while SSL handshaking to upstream, client: 10.0.0.2, server: app, '
            f'request: "GET / HTTP/1.1", upstream: "{upstream}", host: "app"\n')


ALERT_40 = proxy_line("SSL_do_handshake() failed (SSL: error:0A000410:SSL routines::ssl/tls alert handshake "
                      "failure:SSL alert number 40)")
ALERT_80 = proxy_line("SSL_do_handshake() failed (SSL: error:0A000438:SSL routines::tlsv1 alert internal "
                      "error:SSL alert number 80)")
ALERT_112 = proxy_line("SSL_do_handshake() failed (SSL: error:0A000458:SSL routines::tlsv1 unrecognized "
                       "name:SSL alert number 112)")


def causes_of(diagnosis) -> list[str]:
    return [cause.cause for cause in diagnosis.causes]


@pytest.mark.parametrize("log", [ALERT_40, ALERT_80, proxy_line("peer closed connection in SSL handshake")])
def test_a_handshake_refused_toward_a_hostname_without_sni_is_the_missing_name(log):
    diagnosis = run(log, config=HOSTNAME_SITE)
    assert top(diagnosis) == "sni-required", causes_of(diagnosis)
    assert diagnosis.causes[0].repair.directives == (("ssl_server_name", "on"),)
    assert "proxy_ssl_server_name on;" in evidence_fix(diagnosis).text


def test_the_same_alert_once_sni_goes_out_points_at_the_handshake_itself():
    with_sni = HOSTNAME_SITE.replace("}\n", "    proxy_ssl_server_name on;\n}\n")
    assert top(run(ALERT_40, config=with_sni)) == "cipher-mismatch"
    narrowed = with_sni.replace("}\n", "    proxy_ssl_ciphers AES128-SHA;\n}\n")
    first = run(ALERT_40, config=narrowed).causes[0]
    assert (first.cause, first.side) == ("cipher-mismatch", "config")


def test_an_ip_literal_never_carries_sni_even_with_server_name_on():
    config = ("location / {\n    proxy_pass https://10.0.0.5:8443;\n    proxy_ssl_server_name on;\n"
              "    proxy_set_header Host $host;\n}\n")
    diagnosis = run(ALERT_112, config=config)
    assert top(diagnosis) == "sni-required"
    assert diagnosis.causes[0].repair.value("ssl_name") == "$host"  # the name the client asked for


def test_a_group_name_sent_as_sni_is_the_wrong_name():
    config = ("upstream backend { server 10.0.0.5:443; }\nserver {\n    location / {\n"
              "        proxy_pass https://backend;\n        proxy_ssl_server_name on;\n    }\n}\n")
    assert top(run(ALERT_112, config=config)) == "name-mismatch"


def test_generated_variable_targets_are_resolved_through_set():
    npm = ("server {\n    set $forward_scheme https;\n    set $server \"10.0.0.5\";\n    set $port 81;\n"
           "    location / {\n        proxy_pass $forward_scheme://$server:$port$request_uri;\n    }\n}\n")
    diagnosis = run(proxy_line("SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number)",
                               "https://10.0.0.5:81/"), config=npm)
    assert top(diagnosis) == "https-to-plain-http"
    assert "set $forward_scheme http;" in evidence_fix(diagnosis, unsafe_fixes=True).text


def test_502s_that_are_not_tls_are_named_as_such():
    refused = ('2026/12/01 10:00:00 [error] 7#7: *1 connect() failed (111: Connection refused) while connecting to '
               'upstream, client: 10.0.0.2, server: app, request: "GET / HTTP/1.1", upstream: "https://10.0.0.5:8443/"'
               '\n')
    diagnosis = run(refused + "some line nobody writes\n")
    assert top(diagnosis) == "upstream-connection-refused" and not CAUSES[top(diagnosis)].tls
    assert [event.raw for event in diagnosis.unexplained] == ["some line nobody writes"]


def test_no_cause_says_what_would_decide():
    diagnosis = run("502 Bad Gateway\n", config="location / {\n    proxy_pass https://10.0.0.5;\n}\n")
    assert not [cause for cause in diagnosis.causes if cause.confidence >= 0.5]
    assert any("error.log" in item for item in diagnosis.missing)


def test_a_name_the_certificate_lacks_is_no_cause_while_nothing_verifies(pki):
    cert = pki.self_signed("other.test", dns=["other.test"])
    config = "location / {\n    proxy_pass https://10.0.0.5;\n    proxy_ssl_verify off;\n}\n"
    assert "name-mismatch" not in causes_of(diagnose(config, [], chain_of(cert), Options()))


def test_ingress_nginx_placeholder_peers_raise_no_port_or_scheme_causes():
    ingress = ("http {\n    upstream upstream_balancer {\n        server 0.0.0.1;\n"
               "        balancer_by_lua_block {\n            balancer.balance()\n        }\n    }\n"
               "    server {\n        server_name a.example.com;\n        location / {\n"
               "            proxy_pass https://upstream_balancer;\n        }\n    }\n}\n")
    diagnosis = run(ALERT_40.replace('server: app', 'server: a.example.com'), config=ingress)
    assert "https-to-plain-http" not in causes_of(diagnosis)
    assert top(diagnosis) == "sni-required"


@pytest.mark.parametrize(("line", "cause"), [
    ("[ssl:error] [pid 9] AH02033: No hostname was provided via SNI for a name based virtual host", "sni-required"),
    ("http: TLS handshake error from 10.0.0.2:4711: tls: client offered only unsupported versions: [303 302 301]",
     "protocol-mismatch"),
    ("http: TLS handshake error from 10.0.0.2:4711: tls: first record does not look like a TLS handshake",
     "http-to-https-port"),
    ("Fastly error: unknown domain: app. Please check that this domain has been added to a service.",
     "host-header-mismatch"),
])
def test_the_upstreams_own_words_decide(line, cause):
    config = ("location / {\n    proxy_pass https://api.vendor.example.com;\n    proxy_set_header Host $host;\n"
              "    proxy_ssl_server_name on;\n}\n")
    assert top(run(line + "\n", config=config, nginx_version=(1, 22, 1))) == cause


def test_a_421_toward_an_ip_with_the_clients_host_is_the_missing_sni():
    config = "location / {\n    proxy_pass https://203.0.113.10:8443;\n    proxy_set_header Host $host;\n}\n"
    diagnosis = run("421 Misdirected Request\n", config=config)
    assert top(diagnosis) == "sni-required"
    fixed = evidence_fix(diagnosis).text
    assert "proxy_ssl_server_name on;" in fixed and "proxy_ssl_name $host;" in fixed


def test_openssls_own_internal_error_is_not_the_peers_alert():
    local = proxy_line("SSL_do_handshake() failed (SSL: error:0A0C0103:SSL routines::internal error)")
    config = HOSTNAME_SITE.replace("}\n", "    proxy_ssl_server_name on;\n}\n")
    assert top(run(local, config=config)) == "legacy-upstream-protocol"
    assert top(run(ALERT_80, config=HOSTNAME_SITE)) == "sni-required"


@pytest.mark.parametrize(("target", "cause"), [("api.vendor.example.com", "verify-depth-exceeded"),
                                               ("10.0.0.5", "untrusted-certificate")])
def test_error_20_against_a_public_bundle_depends_on_who_the_upstream_is(target, cause):
    config = (f"location / {{\n    proxy_pass https://{target};\n    proxy_ssl_verify on;\n"
              "    proxy_ssl_server_name on;\n"
              "    proxy_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;\n}\n")
    assert top(run(verify_error(20, "unable to get local issuer certificate"), config=config)) == cause


def test_a_404_for_the_clients_own_name_from_someone_elses_host_changes_host():
    config = "location / {\n    proxy_pass https://app.vendor.example.com;\n    proxy_set_header Host $host;\n}\n"
    diagnosis = run("HTTP/1.1 404 Not Found\n", config=config)
    assert top(diagnosis) == "host-header-mismatch"
    assert "proxy_set_header Host app.vendor.example.com;" in evidence_fix(diagnosis, unsafe_fixes=True).text
