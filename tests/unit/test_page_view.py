"""What the page shows (bridge `page`): one verdict from the same causes and
findings, page words instead of the command line's, a dump's lines and files
as they are on the host, errors keyed by their field, non-nginx input named,
and the deploy checklist."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from page_inputs import self_signed_pem

from upstream_tls import bridge
from upstream_tls.page.files import host_text
from upstream_tls.page.recognise import looks_like

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "field"))
from score import evidence_text, load_cases  # noqa: E402

FIELD_CASES = load_cases()
CONFIG = """server {
    listen 443 ssl;
    location /api/ {
        proxy_pass https://10.0.1.45:8443;
        proxy_ssl_verify off;
    }
}
"""
LOG_18 = ('2026/11/28 10:00:00 [error] 7#7: *1 upstream SSL certificate verify error: (18:self-signed certificate) '
          'while SSL handshaking to upstream, client: 127.0.0.1, server: _, request: "GET /api/ HTTP/1.1", '
          'upstream: "https://10.0.1.45:8443/api/"\n')
LOG_EXPIRED = LOG_18.replace("(18:self-signed certificate)", "(10:certificate has expired)")
DUMP = """nginx: the configuration file /etc/nginx/nginx.conf syntax is ok
nginx: configuration file /etc/nginx/nginx.conf test is successful
# configuration file /etc/nginx/nginx.conf:
events {}
http {
    include /etc/nginx/conf.d/*.conf;
}

# configuration file /etc/nginx/conf.d/static.conf:
server {
    listen 80;
    root /srv/www;
}

# configuration file /etc/nginx/conf.d/reports.conf:
server {
    listen 443 ssl;
    server_name reports.example.com;

    location / {
        proxy_pass https://10.0.9.4:8443;
        proxy_ssl_verify off;
    }
}

"""
CLI_WORDS = re.compile(r"(?<![\w-])--[a-z]|<input>")
# Keys that hold no words: file names, config text and shell commands.
NOT_WORDS = frozenset({"file", "path", "original", "text", "command"})


def words(value, key: str = "") -> list[str]:
    """Every sentence the page shows from a payload."""
    if isinstance(value, dict):
        return [text for name, item in value.items() for text in words(item, name)]
    if isinstance(value, list):
        return [text for item in value for text in words(item, key)]
    return [value] if isinstance(value, str) and key not in NOT_WORDS else []


def page(**payload) -> dict:
    reply = json.loads(bridge.handle("analyze", json.dumps(payload)))
    assert reply["ok"], reply
    return reply["result"]["page"]


@pytest.fixture(scope="module")
def chain_pem(tmp_path_factory) -> str:
    return self_signed_pem(tmp_path_factory.mktemp("pki"))


def test_the_verdict_is_the_likeliest_cause_and_the_list_starts_with_it(chain_pem):
    shown = page(config=CONFIG, log=LOG_18, chain=chain_pem)
    verdict, first = shown["verdict"], shown["items"][0]
    assert verdict["kind"] == "cause" and verdict["cause"] == first["cause"] == "untrusted-certificate"
    assert verdict["headline"].startswith("Your 502: the upstream's certificate")
    assert verdict["side_text"] == "Change this config" and verdict["sure"] == "95% likely"
    assert any("Download CA bundle" in step for step in verdict["steps"])
    kinds = [item["kind"] for item in shown["items"]]
    assert kinds == sorted(kinds)  # causes, then findings: one list
    assert {item["status"] for item in shown["items"] if item["kind"] == "finding"} == {"fixed"}


def test_an_upstream_side_cause_says_so_once():
    config = CONFIG.replace("proxy_ssl_verify off;", "proxy_ssl_verify on; proxy_ssl_trusted_certificate /etc/ca.pem; "
                                                     "proxy_ssl_name api.internal;")
    verdict = page(config=config, log=LOG_EXPIRED)["verdict"]
    assert verdict["side_text"] == "Change the upstream"
    assert verdict["steps"] == ["On the upstream: renew the upstream's certificate; turning verification off hides "
                                "an expired or stolen certificate."]


def test_without_evidence_the_verdict_is_the_configs_and_asks_for_the_log():
    verdict = page(config=CONFIG)["verdict"]
    assert verdict["kind"] == "config" and verdict["basis"] == "from the config alone"
    assert "2 upstream TLS problems" in verdict["headline"]
    assert verdict["steps"][-1].startswith("Paste the error.log lines")
    assert page(config="server {\n    listen 80;\n}\n")["verdict"]["kind"] == "clean"


@pytest.mark.parametrize("path", sorted((ROOT / "tests" / "fixtures").rglob("*.conf"))[:60],
                         ids=lambda path: path.parent.name + "/" + path.name)
def test_no_command_line_words_reach_the_page(path, chain_pem):
    for evidence in ({}, {"log": LOG_18, "chain": chain_pem}):
        shown = page(config=path.read_text(), options={"ssl_names": "nowhere=x.example"}, **evidence)
        assert [text for text in words(shown) if CLI_WORDS.search(text)] == []


def test_a_name_the_chain_gives_replaces_the_placeholder(chain_pem):
    shown = page(config=CONFIG, log=LOG_18, chain=chain_pem)
    assert "REPLACE-WITH-UPSTREAM-CERT-DNS-NAME" not in json.dumps(shown)
    ut005 = next(item for item in shown["items"] if item.get("code") == "UT005")
    assert ut005["action"] == "Check the certificate against api.internal"


def test_a_dump_links_file_lines_to_paste_lines_and_offers_only_changed_files():
    shown = page(config=DUMP)
    finding = next(item for item in shown["items"] if item.get("code") == "UT001")
    where = finding["where"]
    assert (where["file"], where["line"]) == ("/etc/nginx/conf.d/reports.conf", 7)
    assert where["label"] == "reports.conf line 7"
    assert DUMP.splitlines()[where["paste_line"] - 1].strip() == "proxy_ssl_verify off;"
    [changed] = shown["files"]
    assert changed["path"] == "/etc/nginx/conf.d/reports.conf" and changed["name"] == "reports.conf"
    assert changed["original"].startswith("server {") and changed["original"].endswith("}\n")
    assert "configuration file" not in changed["text"] and "proxy_ssl_verify on;" in changed["text"]
    assert any("reports.conf.bak" in (step["command"] or "") for step in shown["deploy"])


def test_a_dumped_file_loses_only_the_newline_nginx_added():
    assert host_text("a;\n\n") == "a;\n"
    assert host_text("a;\r\n\n") == "a;\r\n"
    assert host_text("a;\n") == "a;\n"


@pytest.mark.parametrize(("text", "named"), [
    ("<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head></html>\n", "an HTML page"),
    ("<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n<center><h1>502 Bad Gateway</h1></center>\n",
     "an HTML page"),
    ("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: api\n", "Kubernetes YAML"),
    (LOG_18, "nginx's error.log"),
    ("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", "a certificate chain"),
    ('{"upstream": "https://10.0.1.45"}\n', "JSON"),
    ("services:\n  web:\n    image: nginx\n", "a Docker Compose file"),
    ("<VirtualHost *:443>\n  ProxyPass / https://backend/\n</VirtualHost>\n", "an Apache httpd config"),
    ("PK\x03\x04\x14\x00\x00\x00binary", "a ZIP archive"),
])
def test_input_that_is_not_nginx_is_named(text, named):
    verdict = page(config=text)["verdict"]
    assert verdict["kind"] == "not-nginx"
    assert verdict["headline"].startswith(f"This is not an nginx config (it looks like {named}")


def test_a_broken_nginx_config_is_not_called_something_else():
    assert looks_like("server {\n    listen 80\n}\n") is None
    shown = page(config="server {\n    listen 80\n}\n")
    assert shown["verdict"]["kind"] == "refused" and shown["problems"][0]["where"]["paste_line"] == 2


def test_binary_input_is_named_not_an_internal_error():
    reply = json.loads(bridge.handle("analyze", json.dumps({"config": "\x7fELF\x02\x01\x01\x00\x00"})))
    assert reply["ok"] and reply["result"]["page"]["verdict"]["headline"].startswith(
        "This is not an nginx config (it looks like a program")


def test_errors_are_keyed_by_the_field_that_caused_them():
    fields = page(config=CONFIG, options={"ssl_names": "10.0.1.45=", "nginx_version": "one"})["fields"]
    assert fields["ssl-names"].startswith("Not a TLS name: '10.0.1.45='")
    assert fields["nginx-version"].startswith("Not an nginx version")
    assert page(config=CONFIG, options={"client_cert": "/c.pem"})["fields"] == {
        "client-key": "The client certificate and key go together: give both paths, or neither."}
    assert page(config=CONFIG, options={"ssl_names": "10.9.9.9=a.example"})["fields"]["ssl-names"].startswith(
        "10.9.9.9=a.example in “TLS name(s) of the upstream”: no TLS proxy_pass names 10.9.9.9")
    chain = page(config=CONFIG, chain="-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n")
    assert chain["fields"]["chain-input"].startswith("No certificate could be read here")


def test_deploy_steps_end_with_the_probe_that_must_say_verify_return_code_0(chain_pem):
    steps = page(config=CONFIG, log=LOG_18, chain=chain_pem)["deploy"]
    commands = [step["command"] for step in steps]
    assert commands[0] == "sudo install -D -m 0644 upstream-ca.pem /etc/nginx/certs/upstream-ca.pem"
    assert "sudo nginx -t" in commands and "sudo nginx -s reload" in commands
    assert steps[-1]["expect"] == "Verify return code: 0 (ok)"
    assert steps[-1]["command"].startswith("openssl s_client -connect 10.0.1.45:8443 -servername api.internal "
                                           "-CAfile /etc/nginx/certs/upstream-ca.pem")
    assert page(config="server {\n    listen 80;\n}\n")["deploy"] == []


def test_redacted_log_and_chain_are_what_keep_and_share_carry(chain_pem):
    secret = "sk-live-" + "q" * 32
    log = LOG_18.replace("GET /api/", f"GET /api/?token={secret}")
    reply = json.loads(bridge.handle("analyze", json.dumps({"config": CONFIG, "log": log, "chain": chain_pem})))
    redaction = reply["result"]["redaction"]
    assert secret not in redaction["log"] and "verify error" in redaction["log"]
    assert redaction["chain"] == chain_pem


def test_a_secret_of_the_config_is_gone_from_the_log_a_share_link_carries():
    secret = "Zx9kQ2mL7pR4tV8wAb12Cd34"
    config = CONFIG.replace("proxy_ssl_verify off;", f'proxy_set_header Authorization "Bearer {secret}";')
    log = LOG_18.replace("GET /api/", f"GET /api/cb?t={secret}")
    reply = json.loads(bridge.handle("analyze", json.dumps({"config": config, "log": log})))
    redaction = reply["result"]["redaction"]
    assert secret not in redaction["text"] and secret not in redaction["log"]
    assert "t=REDACTED_BEARER_1" in redaction["log"] and "REDACTED_BEARER_1" in redaction["text"]


@pytest.mark.parametrize("name", sorted(FIELD_CASES))
def test_on_real_reports_the_verdict_is_the_diagnosis_top_cause_in_page_words(name):
    """tests/field: the verdict on top is the cause the CLI's diagnosis puts
    first, and nothing the page shows speaks the command line's language."""
    case = FIELD_CASES[name]
    reply = json.loads(bridge.handle("analyze", json.dumps({
        "config": case["config"], "log": evidence_text(case), "chain": case.get("chain", ""),
        "options": {"mode": case.get("mode", "production"), "nginx_version": case.get("nginx_version", "")}})))
    assert reply["ok"], reply
    result = reply["result"]
    causes = result["diagnosis"]["causes"] if result["diagnosis"] else []
    assert result["page"]["verdict"]["cause"] == (causes[0]["cause"] if causes else None)
    assert [text for text in words(result["page"]) if CLI_WORDS.search(text)] == []


def test_an_mtls_upstream_points_at_the_fields_that_let_the_fix_write_the_client_certificate():
    config = CONFIG.replace("proxy_ssl_verify off;", "proxy_ssl_verify on; proxy_ssl_trusted_certificate /etc/ca.pem; "
                                                     "proxy_ssl_name api.internal;")
    log = LOG_18.replace("upstream SSL certificate verify error: (18:self-signed certificate)",
                         "SSL_do_handshake() failed (SSL: error:0A00045C:SSL routines::tlsv13 alert certificate "
                         "required:SSL alert number 116)")
    asked = page(config=config, log=log)["verdict"]
    assert asked["cause"] == "client-certificate-required"
    assert "“Client certificate path” and “Client key path”" in asked["steps"][1]
    given = page(config=config, log=log, options={"client_cert": "/etc/nginx/c.pem", "client_key": "/etc/nginx/c.key"})
    assert "`proxy_ssl_certificate /etc/nginx/c.pem;`" in given["verdict"]["steps"][0]
