"""The page's contract, Python side: every reply of upstream_tls.bridge fits
web/bridge.schema.json (the page side is tests/e2e/test_contract.py), the
schema names exactly the bridge's request types, and the protocol version
is defined once (web/protocol.js) for the worker and the page."""
from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import hostile_answers
import pytest
from jsonschema import Draft202012Validator
from llm_stub import anthropic_events, openai_events
from page_inputs import fixture_payload
from unavailable import unavailable

from upstream_tls import bridge

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
SCHEMA = json.loads((WEB / "bridge.schema.json").read_text())
DEFS = SCHEMA["$defs"]
sys.path.insert(0, str(ROOT / "build"))

LOG = ('2026/11/28 10:00:00 [error] 7#7: *1 upstream SSL certificate verify error: (18:self-signed certificate) '
       'while SSL handshaking to upstream, client: 127.0.0.1, server: _, request: "GET /api/ HTTP/1.1", '
       'upstream: "https://10.0.1.45:8443/api/"\n')
UNKNOWN_LOG = "2026/11/28 10:00:00 [notice] 7#7: signal process started\n"
CONFIG = """server {
    listen 443 ssl;
    server_name shop.example.com;
    location /api/ {
        proxy_pass https://10.0.1.45:8443;
        proxy_ssl_verify off;
        proxy_set_header Authorization "Bearer abcdef0123456789abcdef0123456789";
    }
}
"""
DUMP = ("# configuration file /etc/nginx/nginx.conf:\nhttp {\n    include /etc/nginx/conf.d/api.conf;\n}\n\n"
        "# configuration file /etc/nginx/conf.d/api.conf:\nserver {\n    location / {\n"
        "        proxy_pass https://10.0.1.45:8443;\n        proxy_ssl_verify off;\n    }\n}\n\n")
S_CLIENT_ERRORS = ("40A7C1E1E67F0000:error:0A000086:SSL routines:tls_post_process_server_certificate:"
                   "certificate verify failed\n")


def validator(name: str) -> Draft202012Validator:
    """A validator for one definition of the schema (its $refs resolve in the whole)."""
    return Draft202012Validator({"$schema": SCHEMA["$schema"], "$defs": DEFS, "$ref": f"#/$defs/{name}"})


def assert_fits(name: str, instance) -> None:
    errors = sorted(validator(name).iter_errors(instance), key=lambda error: list(error.absolute_path))
    assert not errors, "\n".join(f"{name} at /{'/'.join(map(str, error.absolute_path))}: {error.message}"
                                 for error in errors[:5])


def call(kind: str, payload: dict) -> dict:
    """The payload checked as a request of `kind`, then the bridge's result checked as its result."""
    assert_fits(f"{kind}_request", payload)
    reply = json.loads(bridge.handle(kind, json.dumps(payload)))
    assert_fits("reply_message", {"v": protocol_version(), "id": 1, **reply})
    assert reply["ok"], reply
    assert_fits(f"{kind}_result", reply["result"])
    return reply["result"]


@cache
def gallery() -> list[dict]:
    """The examples gallery of the page (web/example-data.js), read by node."""
    if not shutil.which("node"):
        unavailable("node is not installed (make dist installs it)")
    script = "import('./example-data.js').then((m) => console.log(JSON.stringify(m.EXAMPLES)))"
    output = subprocess.run(["node", "--input-type=module", "-e", script], cwd=WEB, capture_output=True, text=True,
                            check=True).stdout
    return json.loads(output)


CONFIGS = sorted([*(ROOT / "tests" / "fixtures").rglob("*.conf"), *(ROOT / "examples").rglob("*.conf")])
OTHER_INPUTS = {
    "empty": {"config": ""},
    "blank": {"config": "  \n", "log": LOG},
    "unparseable": {"config": "server {\n    listen 80\n}\n"},
    "binary": {"config": "\x00\x01\x02binary\x00"},
    "not-nginx": {"config": "apiVersion: v1\nkind: Pod\n"},
    "dump": {"config": DUMP, "options": {"mode": "production"}},
    "secret-and-evidence": {"config": CONFIG, "log": LOG, "name": "shop.conf"},
    "no-known-cause": {"config": hostile_answers.ORIGINAL, "log": UNKNOWN_LOG},
    "s_client-errors": {"config": CONFIG, "chain": S_CLIENT_ERRORS},
    "unreadable-chain": {"config": CONFIG,
                         "chain": "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"},
    "bad-options": {"config": CONFIG, "options": {"mode": "production", "nginx_version": "one", "ssl_names": "a=b=c",
                                                  "client_cert": "/etc/nginx/client.pem", "ca_file": "relative.pem"}},
    "every-option": {"config": CONFIG, "options": {
        "mode": "production", "ca_file": "/etc/nginx/ca.pem", "ssl_names": "api.internal", "nginx_version": "1.24.0",
        "client_cert": "/etc/nginx/client.pem", "client_key": "/etc/nginx/client.key"}},
}


@pytest.mark.parametrize("path", CONFIGS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_fixture_config_fits(path):
    call("analyze", fixture_payload(path))


def test_the_depth_example_with_its_error_log_fits():
    result = call("analyze", {"config": (ROOT / "examples" / "depth" / "nginx.conf").read_text(),
                              "log": (ROOT / "examples" / "depth" / "error.log").read_text()})
    assert result["diagnosis"] is not None


@pytest.mark.parametrize("mode", ["production", "dev"])
def test_every_gallery_example_fits(mode):
    for example in gallery():
        result = call("analyze", {"config": example["config"], "log": example["log"], "chain": example["chain"],
                                  "options": {**example["options"], "mode": mode}})
        assert result["page"]["verdict"]["kind"] != "empty", example["id"]


@pytest.mark.parametrize("name", OTHER_INPUTS)
def test_other_inputs_fit(name):
    call("analyze", OTHER_INPUTS[name])


def test_the_inputs_reach_every_part_of_the_analyze_result():
    """So the tests above check every optional part, not only the empty shapes."""
    results = [call("analyze", payload) for payload in OTHER_INPUTS.values()]
    results += [call("analyze", {"config": example["config"], "log": example["log"], "chain": example["chain"],
                                 "options": example["options"]}) for example in gallery()]
    results += [call("analyze", fixture_payload(path)) for path in CONFIGS]
    reached = {
        "diagnosis": any(result["diagnosis"] for result in results),
        "ca bundle": any((result["chain"] or {}).get("ca_bundle", {}).get("pem") for result in results),
        "unreadable chain": any("error" in (result["chain"] or {}) for result in results),
        "s_client errors": any("probe_errors" in (result["chain"] or {}) for result in results),
        "changed fix": any(result["fix"] and result["fix"]["changed"] for result in results),
        "remaining findings": any(result["fix"] and result["fix"]["remaining"] for result in results),
        "probes": any(result["probes"] for result in results),
        "redaction report": any(result["redaction"]["report"] for result in results),
        "option problems": any(result["option_problems"] for result in results),
        "diagnostics": any(result["diagnostics"] for result in results),
        "dump files": any(result["page"]["files"] for result in results),
        "deploy steps": any(result["page"]["deploy"] for result in results),
        "field errors": any(result["page"]["fields"] for result in results),
        "problems": any(result["page"]["problems"] for result in results),
        "missing": any(result["page"]["missing"] for result in results),
        "unexplained": any(result["page"]["unexplained"] for result in results),
    }
    assert [part for part, seen in reached.items() if not seen] == []
    kinds = {result["page"]["verdict"]["kind"] for result in results}
    assert kinds == set(DEFS["verdict"]["properties"]["kind"]["enum"])
    notes = {note["kind"] for result in results for note in result["page"]["notes"]}
    assert notes == set(DEFS["note"]["properties"]["kind"]["enum"])
    items = {item["kind"] for result in results for item in result["page"]["items"]}
    assert items == {"cause", "finding"}


def test_a_renamed_or_added_field_fails():
    result = call("analyze", {"config": CONFIG, "log": LOG})
    renamed = copy.deepcopy(result)
    renamed["page"]["verdict"]["title"] = renamed["page"]["verdict"].pop("headline")
    added = {**copy.deepcopy(result), "findings_count": 1}
    wrong_kind = copy.deepcopy(result)
    wrong_kind["page"]["items"][0]["kind"] = "reason"
    for broken in (renamed, added, wrong_kind):
        assert list(validator("analyze_result").iter_errors(broken))


def test_rule_fits():
    assert call("rule", {"code": "UT001"})["code"] == "UT001"


def test_errors_are_one_line_replies():
    for kind, payload in [("rule", {"code": "UT999"}), ("nothing", {}), ("llm_stream", {"id": "never-started"})]:
        reply = json.loads(bridge.handle(kind, json.dumps(payload)))
        assert_fits("reply_message", {"v": protocol_version(), "id": 7, **reply})
        assert not reply["ok"] and "\n" not in reply["error"]


WIRE = {"openai": openai_events, "anthropic": anthropic_events}


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_the_llm_exchange_fits(provider):
    providers = call("llm_providers", {})
    assert {"openai", "anthropic", "openai-compatible"} <= set(providers)
    options = {"mode": "production", "ssl_names": "", "ca_file": "", "nginx_version": "", "client_cert": "",
               "client_key": ""}
    prepared = call("llm_prepare", {
        "provider": provider, "model": "", "base_url": "", "config": CONFIG, "log": LOG, "chain": "",
        "options": options, "topology": False, "has_key": True})
    assert prepared["redaction_summary"]
    call("llm_prepare", {"provider": provider, "model": "m", "base_url": "http://127.0.0.1:9/v1", "config": CONFIG,
                         "log": "", "chain": "", "options": options, "name": "shop.conf", "topology": True,
                         "has_key": False})
    stream_id = f"contract-{provider}"
    content_type = "text/event-stream; charset=utf-8"
    assert call("llm_stream", {"id": stream_id, "provider": provider, "content_type": content_type}) == {"text": ""}
    answer = hostile_answers.answer(hostile_answers.HOSTILE["verify-off"])
    for event in WIRE[provider]("model", answer):
        call("llm_stream", {"id": stream_id, "chunk": event})
    streamed = call("llm_stream", {"id": stream_id, "finish": True})
    assert streamed["complete"]
    checked = call("llm_check", {"answer": streamed["text"], "config": hostile_answers.ORIGINAL,
                                 "mapping": prepared["mapping"], "options": options})
    assert checked["weakens_tls"] and checked["changes"]
    call("llm_error", {"provider": provider, "status": 429, "body": '{"error": {"message": "slow down"}}',
                       "headers": {"retry-after": "7"}})


def test_an_answer_with_findings_refusals_and_unknown_placeholders_fits():
    prepared = call("llm_prepare", {"provider": "openai", "config": CONFIG, "has_key": False})
    broken = CONFIG.replace("proxy_ssl_verify off;", "proxy_ssl_verify maybe\n        set $x REDACTED_SECRET_99;")
    request = {"config": CONFIG, "mapping": prepared["mapping"], "name": "shop.conf"}
    checks = [call("llm_check", {**request, "answer": answer})
              for answer in (f"```nginx\n{broken}```\n", f"```nginx\n{CONFIG}```\n", "No config needed.\n")]
    refused, unchanged, no_code = checks
    assert refused["diagnostics"] and refused["unknown_placeholders"] and refused["unrelated_changes"]
    assert unchanged["findings"] and no_code["code"] is None


def test_the_schema_is_valid_draft_2020_12():
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_schema_names_exactly_the_bridges_request_types():
    handlers = set(bridge.HANDLERS)
    assert set(DEFS["request_message"]["properties"]["type"]["enum"]) == handlers
    assert {name.removesuffix("_request") for name in DEFS if name.endswith("_request")} == handlers
    assert {name.removesuffix("_result") for name in DEFS if name.endswith("_result")} == handlers
    dispatched = {rule["if"]["properties"]["type"]["const"]: rule["then"]["properties"]["payload"]["$ref"]
                  for rule in DEFS["request_message"]["allOf"]}
    assert dispatched == {kind: f"#/$defs/{kind}_request" for kind in handlers}
    typedef = re.search(r"@typedef \{([^}]*)\} RequestType", (WEB / "client.js").read_text()).group(1)
    assert set(re.findall(r'"(\w+)"', typedef)) == handlers


def protocol_version() -> int:
    return int(re.fullmatch(r"(?s).*^export const PROTOCOL = (\d+);$.*", (WEB / "protocol.js").read_text(),
                            re.M).group(1))


def test_the_protocol_version_is_defined_once():
    """worker.js and client.js import it; neither spells a version of its own."""
    assert protocol_version() >= 1
    for name in ("worker.js", "client.js"):
        source = (WEB / name).read_text()
        assert 'import { PROTOCOL } from "./protocol.js";' in source, name
        assert not re.search(r"\bPROTOCOL\s*=|\bv:\s*\d", source), name
    import build
    assert "protocol.js" in build.STATIC_FILES, "the worker imports protocol.js: the build must ship it"


def test_boot_js_speaks_the_same_version():
    """boot.js is a classic script run before the bundle (it cannot import a
    module): the one status message it makes up must carry the same version."""
    assert set(re.findall(r"\bv:\s*(\d+)", (WEB / "boot.js").read_text())) == {str(protocol_version())}
