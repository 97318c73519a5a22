"""analyze(): the one place that reads the evidence, checks and fixes, which
the CLI, the page and the LLM prompt only format."""
from __future__ import annotations

import json

from upstream_tls import Options, bridge
from upstream_tls.analysis import Inputs, analyze
from upstream_tls.cli import main

CONFIG = "location / {\n    proxy_pass https://10.0.0.5:8080;\n}\n"
# `openssl s_client -connect 127.0.0.1:P -servername app.test` against a plain-HTTP port (OpenSSL 3.0).
S_CLIENT_PLAIN = ("80FB4B7BE37F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:"
                  "../ssl/record/ssl3_record.c:350:\nCONNECTED(00000003)\n---\nno peer certificate available\n---\n"
                  "SSL handshake has read 5 bytes and written 314 bytes\nVerification: OK\n---\n")


def test_s_client_output_without_a_certificate_is_evidence():
    analysis = analyze(Inputs(CONFIG, chain=S_CLIENT_PLAIN))
    assert analysis.chain is None and analysis.chain_problem is None
    assert [event.source for event in analysis.events] == ["probe"]
    first = analysis.diagnosis.causes[0]
    assert first.cause == "https-to-plain-http" and first.evidence[0].startswith("chain line 1 (openssl s_client)")


def test_a_chain_field_holding_neither_is_a_problem_named_once():
    analysis = analyze(Inputs(CONFIG, chain="this is not a certificate\n"))
    assert analysis.chain is None and "no certificate" in analysis.chain_problem
    reply = json.loads(bridge.handle("analyze", json.dumps({"config": CONFIG, "chain": "not a certificate"})))
    assert "no certificate" in reply["result"]["chain"]["error"]


def test_the_cli_reads_s_client_output_given_as_the_chain(tmp_path, capsys):
    config, log, chain = tmp_path / "site.conf", tmp_path / "error.log", tmp_path / "chain.txt"
    config.write_text(CONFIG)
    log.write_text("")
    chain.write_text(S_CLIENT_PLAIN)
    assert main(["diagnose", str(config), "--error-log", str(log), "--upstream-cert", str(chain),
                 "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["causes"][0]["cause"] == "https-to-plain-http"


def test_without_evidence_the_fix_reuses_the_check():
    analysis = analyze(Inputs(CONFIG))
    assert analysis.diagnosis is None
    assert analysis.fixed().checked is analysis.report
    assert analysis.fixed() is analysis.fixed()


def test_a_diagnosis_from_the_config_alone_when_asked():
    assert analyze(Inputs(CONFIG, diagnose_anyway=True)).diagnosis is not None


def test_production_adds_no_verification_to_an_upstream_shown_to_speak_plain_http():
    fixed = analyze(Inputs(CONFIG, chain=S_CLIENT_PLAIN)).fixed()
    assert "proxy_ssl_verify on" not in fixed.text and "proxy_ssl_trusted_certificate" not in fixed.text
    unsafe = analyze(Inputs(CONFIG, chain=S_CLIENT_PLAIN, unsafe_fixes=True)).fixed()
    assert "proxy_pass http://10.0.0.5:8080;" in unsafe.text


VERIFY_18 = ('2026/12/01 10:00:00 [error] 7#7: *1 upstream SSL certificate verify error: (18:self-signed '
             'certificate) while SSL handshaking to upstream, client: 10.0.0.2, server: app, request: "GET / '
             'HTTP/1.1", upstream: "https://10.0.0.5:8443/", host: "app"\n')
CLASSIC = ("location / {\n    proxy_pass https://10.0.0.5:8443;\n    proxy_ssl_verify on;\n"
           "    proxy_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;\n}\n")


def test_the_classic_self_signed_case_names_the_file_it_will_write_and_says_the_step_left():
    fixed = analyze(Inputs(CLASSIC, log=VERIFY_18)).fixed()
    assert "proxy_ssl_trusted_certificate /etc/nginx/certs/upstream-ca.pem;" in fixed.text
    assert any(note.startswith("next: put") and "/etc/nginx/certs/upstream-ca.pem" in note for note in fixed.notes)


def test_dev_mode_gets_no_worse_with_evidence():
    dev = Options(mode="dev")
    without = analyze(Inputs(CLASSIC, options=dev)).fixed().text
    with_log = analyze(Inputs(CLASSIC, log=VERIFY_18, options=dev)).fixed().text
    assert "proxy_ssl_verify off;" in without  # the dev quick fix
    assert with_log == without  # the evidence agrees with it: nothing to install, no Host rewritten


def test_a_verify_error_the_pasted_config_cannot_produce_is_said_to_come_from_elsewhere():
    off = CLASSIC.replace("proxy_ssl_verify on;", "proxy_ssl_verify off;")
    analysis = analyze(Inputs(off, log=VERIFY_18, options=Options(mode="dev")))
    assert "comes from elsewhere" in analysis.diagnosis.causes[0].evidence[0]
    fixed = analysis.fixed()
    assert not any("proxy_ssl_verify on" in note for note in fixed.notes)
    assert "proxy_ssl_verify on" not in fixed.text
