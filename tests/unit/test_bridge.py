"""The browser worker's entry point, in CPython: the same answers as the
engine and the CLI, one-line errors for bad requests, never a traceback."""
from __future__ import annotations

import json

import pytest

from upstream_tls import Options, bridge, engine
from upstream_tls.diagnose import diagnose, evidence_fix
from upstream_tls.logs import read_log

CONFIG = """server {
    location /api/ {
        proxy_pass https://10.0.1.45:8443;
        proxy_ssl_verify off;
    }
}
"""
LOG = ('2026/11/28 10:00:00 [error] 7#7: *1 upstream SSL certificate verify error: (18:self-signed certificate) '
       'while SSL handshaking to upstream, client: 127.0.0.1, server: _, request: "GET /api/ HTTP/1.1", '
       'upstream: "https://10.0.1.45:8443/api/"\n')


def call(kind: str, payload) -> dict:
    return json.loads(bridge.handle(kind, json.dumps(payload)))


def analyze(**payload) -> dict:
    reply = call("analyze", payload)
    assert reply["ok"], reply
    return reply["result"]


def test_fixed_text_is_the_engines():
    result = analyze(config=CONFIG, options={"mode": "production", "ssl_names": "api.internal",
                                             "ca_file": "/etc/nginx/ca.pem"})
    options = Options(ssl_names=((None, "api.internal"),), ca_file="/etc/nginx/ca.pem")
    assert result["fix"]["text"] == engine.fix(CONFIG, options).text
    assert {finding["code"] for finding in result["findings"]} == {"UT001", "UT005"}
    assert result["diagnosis"] is None


def test_evidence_fix_is_the_diagnosis_fix():
    result = analyze(config=CONFIG, log=LOG)
    expected = evidence_fix(diagnose(CONFIG, read_log(LOG, "error.log"), None))
    assert result["fix"]["text"] == expected.text
    assert result["diagnosis"]["causes"][0]["cause"] == "untrusted-certificate"
    assert result["diagnosis"]["log_lines"] == 1


def test_malformed_config_gives_the_line_and_no_fix():
    result = analyze(config="server {\n    listen 80\n}\n")
    assert result["diagnostics"] and result["diagnostics"][0]["line"] == 2
    assert result["fix"] is None and result["findings"] == []


def test_empty_config():
    result = analyze(config="  \n")
    assert result["empty"] is True and result["fix"] is None


def test_chain_that_cannot_be_read_is_one_line():
    result = analyze(config=CONFIG, chain="-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
    assert "\n" not in result["chain"]["error"]
    assert result["diagnosis"] is None


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("nginx_version", "one.two", "nginx version: not an nginx version"),
    ("ssl_names", "api.internal 10.0.1.45=b;c", "TLS name: not a TLS name"),
    ("client_cert", "/etc/nginx/client.pem", "client certificate and key go together: give both"),
])
def test_bad_option_is_reported_and_withholds_the_fix_as_the_cli_refuses_it(field, value, expected):
    result = analyze(config=CONFIG, options={field: value})
    assert result["option_problems"] == [result["option_problems"][0]]
    assert result["option_problems"][0].startswith(expected)
    assert result["fix"] is None
    assert {finding["code"] for finding in result["findings"]} == {"UT001", "UT005"}


def test_client_certificate_fields_feed_the_fix():
    log = ("2026/11/28 10:00:00 [info] 7#7: *1 client sent no required SSL certificate while reading client request "
           "headers, client: 127.0.0.1, server: api.internal, request: \"GET /api/ HTTP/1.1\"\n")
    fields = {"client_cert": "/etc/nginx/c.pem", "client_key": "/etc/nginx/c.key"}
    result = analyze(config=CONFIG, log=log, options=fields)
    options = Options(**fields)
    expected = evidence_fix(diagnose(CONFIG, read_log(log, "error.log"), None, options)).text
    assert result["fix"]["text"] == expected
    assert "proxy_ssl_certificate /etc/nginx/c.pem;" in expected
    assert "proxy_ssl_certificate_key /etc/nginx/c.key;" in expected


def test_tls_names_field_takes_several_names():
    result = analyze(config=CONFIG, options={"ssl_names": " 10.0.1.45=api.internal,  other=o.internal "})
    assert result["option_problems"] == []
    assert "proxy_ssl_name api.internal;" in result["fix"]["text"]


def test_redaction_hides_secrets_in_the_returned_text():
    secret = "abcdef0123456789abcdef0123456789"
    result = analyze(config=CONFIG.replace("    }\n}", f'        proxy_set_header Authorization "Bearer {secret}";\n'
                                                      "    }\n}"))
    assert secret not in result["redaction"]["text"]
    assert result["redaction"]["report"][0]["kind"] == "bearer-token"


@pytest.mark.parametrize(("kind", "payload", "message"), [
    ("nope", {}, "nope: unknown request type 'nope'"),
    ("analyze", [1], "analyze: payload: expected a JSON object"),
    ("analyze", {"options": {"mode": "yolo"}}, "analyze: mode: 'yolo' is neither production nor dev"),
    ("rule", {"code": "UT999"}, "rule: code: no rule 'UT999'"),
])
def test_bad_requests_get_one_line(kind, payload, message):
    assert call(kind, payload) == {"ok": False, "error": message}


def test_internal_errors_are_one_line_not_a_traceback(monkeypatch):
    def explode(_payload):
        raise KeyError("boom")
    monkeypatch.setitem(bridge.HANDLERS, "analyze", explode)
    reply = call("analyze", {})
    assert reply == {"ok": False, "error": "analyze: internal error: KeyError: 'boom'"}


def test_rule_doc_is_the_docs_markdown():
    reply = call("rule", {"code": "ut001"})
    assert reply["ok"] and reply["result"]["code"] == "UT001"
    assert "**What it finds.**" in reply["result"]["markdown"]


def test_probes_use_the_name_the_fix_will_send():
    result = analyze(config=CONFIG, options={"ssl_names": "api.internal"})
    (probe,) = result["probes"]
    assert probe["address"] == "10.0.1.45:8443" and probe["name"] == "api.internal"
    assert all("-servername api.internal" in command["command"] for command in probe["commands"])


def test_probes_leave_out_servername_for_an_ip_and_cover_group_servers():
    config = ("upstream backend {\n    server 10.0.0.1:8443;\n    server [fd00::1]:9443;\n}\n"
              "server {\n    location / { proxy_pass https://backend; }\n"
              "    location /v/ { proxy_pass https://$host; }\n}\n")
    result = analyze(config=config)
    assert [probe["address"] for probe in result["probes"]] == ["10.0.0.1:8443", "[fd00::1]:9443"]
    assert all(probe["name"] is None for probe in result["probes"])
    assert "-servername" not in result["probes"][0]["commands"][0]["command"]


def test_probes_are_capped_and_counted():
    servers = "".join(f"    location /{n}/ {{ proxy_pass https://10.0.{n // 200}.{n % 200 + 1}; }}\n"
                      for n in range(bridge.SHOWN_PROBES + 5))
    result = analyze(config="server {\n" + servers + "}\n")
    assert len(result["probes"]) == bridge.SHOWN_PROBES
    assert result["probes_total"] == bridge.SHOWN_PROBES + 5



def test_ca_bundle_is_named_after_the_trust_file(tmp_path):
    import subprocess
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", str(tmp_path / "k.pem"), "-out", str(tmp_path / "c.pem"), "-days", "2",
                    "-subj", "/CN=api.internal"], check=True, capture_output=True)
    result = analyze(config=CONFIG, chain=(tmp_path / "c.pem").read_text(),
                     options={"ca_file": "/etc/nginx/ca/internal-root.pem"})
    assert result["chain"]["ca_bundle"]["file_name"] == "internal-root.pem"
    assert result["chain"]["ca_bundle"]["pem"] == (tmp_path / "c.pem").read_text()


def test_a_reply_that_is_not_an_event_stream_is_read_as_one_body():
    body = json.dumps({"choices": [{"message": {"content": "```nginx\nx;\n```"}, "finish_reason": "stop"}]})
    assert call("llm_stream", {"id": "b", "provider": "openai", "content_type": "application/json"})["ok"]
    assert call("llm_stream", {"id": "b", "chunk": body[:10]})["result"] == {"text": ""}
    call("llm_stream", {"id": "b", "chunk": body[10:]})
    finished = call("llm_stream", {"id": "b", "finish": True})["result"]
    assert finished["text"] == "```nginx\nx;\n```" and finished["complete"] is True


def test_preview_masks_the_key_header_only_when_a_key_is_given():
    request = {"provider": "openai-compatible", "base_url": "http://127.0.0.1:9/v1", "config": CONFIG}
    without = call("llm_prepare", request)["result"]["preview"].split("\n\n", 1)[0]
    with_key = call("llm_prepare", {**request, "has_key": True})["result"]["preview"].split("\n\n", 1)[0]
    assert "Authorization" not in without
    assert "Authorization: Bearer ••••" in with_key


@pytest.mark.parametrize("base_url", ["http://localhost:99999/v1", "http://localhost:abc/v1", "http://a%20b/v1",
                                      "http://[::1/v1"])
def test_base_urls_a_browser_would_refuse_are_refused_here(base_url):
    reply = call("llm_prepare", {"provider": "openai-compatible", "base_url": base_url, "config": CONFIG})
    assert reply["ok"] is False and "internal error" not in reply["error"]
    assert reply["error"].startswith("llm_prepare: base URL")
