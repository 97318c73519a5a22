"""The Conftest input converter against the shape Conftest's nginx parser
documents, and the generated policy's text: package, import, metadata."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from upstream_tls import parse
from upstream_tls.policy import COVERED, PolicyError, conftest_input, rego_policy, rego_tests
from upstream_tls.rules import RULES_BY_CODE

# open-policy-agent/conftest, parser/nginx/nginx_test.go (TestNginxParser):
# this config and the structure it must give.
CONFTEST_SAMPLE = """
worker_processes 1;
http {
    server {
        listen 80;
        server_name example.com;
        location / {
            root /var/www/html;
        }
    }
}
"""
CONFTEST_WANT = {"directives": [
    {"name": "worker_processes", "parameters": ["1"]},
    {"name": "http", "block": {"directives": [
        {"name": "server", "block": {"directives": [
            {"name": "listen", "parameters": ["80"]},
            {"name": "server_name", "parameters": ["example.com"]},
            {"name": "location", "parameters": ["/"], "block": {"directives": [
                {"name": "root", "parameters": ["/var/www/html"]}]}},
        ]}},
    ]}},
]}
# The same file's TestConfigMarshalJSON: the exact JSON text (no location).
CONFTEST_JSON = ('{"directives":[{"name":"worker_processes","parameters":["1"]},{"name":"http","block":'
                 '{"directives":[{"name":"server","block":{"directives":[{"name":"listen","parameters":["80"]},'
                 '{"name":"server_name","parameters":["example.com"]}]}}]}}]}')


def document(text: str) -> dict:
    return conftest_input(parse(text, empty_ok=True)).document


def test_converter_gives_conftests_documented_structure():
    assert document(CONFTEST_SAMPLE) == CONFTEST_WANT


def test_converter_gives_conftests_documented_json_text():
    text = "worker_processes 1;\nhttp {\n    server {\n        listen 80;\n        server_name example.com;\n    }\n}\n"
    assert json.dumps(document(text), separators=(",", ":")) == CONFTEST_JSON


def test_converter_maps_every_path_back_to_its_directive():
    converted = conftest_input(parse(CONFTEST_SAMPLE))
    root = converted.nodes[("directives", 1, "block", "directives", 0, "block", "directives", 2, "block",
                            "directives", 0)]
    assert (root.name, root.args, root.line) == ("root", ["/var/www/html"], 8)
    assert len(converted.nodes) == 7


def test_converter_reproduces_gonginx_quirks():
    text = ('upstream b {\n    server 10.0.0.5:443 weight=5 ssl max_fails=3 backup;\n}\n'
            'server {\n    add_header X-A "a b";\n    location / {\n        if ($http_x = 1) { return 403; }\n'
            '    }\n    location /e { }\n}\n')
    upstream, server = document(text)["directives"]
    assert upstream["block"]["directives"][0]["parameters"] == ["10.0.0.5:443", "max_fails=3", "weight=5",
                                                                 "ssl", "backup"]
    header, location, empty = server["block"]["directives"]
    assert header["parameters"] == ["X-A", '"a b"']
    assert location["block"]["directives"][0]["parameters"] == ["($http_x", "=", "1)"]
    assert empty == {"name": "location", "parameters": ["/e"], "block": {"directives": []}}


def test_an_nginx_T_dump_is_its_files_one_after_the_other():
    dump = ("# configuration file /etc/nginx/nginx.conf:\nhttp {\n    include conf.d/*.conf;\n}\n\n"
            "# configuration file /etc/nginx/conf.d/a.conf:\nserver {\n    listen 80;\n}\n")
    assert [item["name"] for item in document(dump)["directives"]] == ["http", "server"]
    assert document(dump)["directives"][0]["block"]["directives"] == [
        {"name": "include", "parameters": ["conf.d/*.conf"]}]


def test_empty_file_is_an_empty_directive_list():
    assert document("") == {"directives": []}


@pytest.mark.parametrize("profile", ["production", "dev"])
def test_policy_is_a_rego_v1_module_built_from_rule_metadata(profile):
    policy = rego_policy(profile)
    assert "\npackage upstream_tls\n" in policy and "\nimport rego.v1\n" in policy
    assert "deny contains item.msg if {" in policy
    assert f'profile := "{profile}"' in policy
    for code in COVERED:
        rule = RULES_BY_CODE[code]
        assert json.dumps(rule.summary, ensure_ascii=False) in policy
        assert f'"severity": "{rule.severity}"' in policy


def test_policy_tests_cover_each_rule_both_ways():
    tests = rego_tests("production")
    for code in COVERED:
        assert f"test_{code}_docs_example if" in tests and f"test_{code}_docs_fixed_example if" in tests


def test_unknown_profile_is_refused():
    with pytest.raises(PolicyError, match="unknown profile 'staging'"):
        rego_policy("staging")


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "upstream_tls", *args], capture_output=True, text=True, check=False)


def test_cli_prints_policy_and_tests():
    policy = run_cli("policy", "--format", "rego", "--profile", "dev")
    assert policy.returncode == 0 and policy.stdout == rego_policy("dev")
    tests = run_cli("policy", "--format", "rego-tests")
    assert tests.returncode == 0 and tests.stdout == rego_tests("production")


def test_cli_unknown_profile_is_one_line_and_exit_2():
    result = run_cli("policy", "--profile", "staging")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == "upstream-tls: error: policy: unknown profile 'staging': use production or dev\n"
