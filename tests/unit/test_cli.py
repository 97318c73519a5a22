"""The CLI contract scripts depend on: exit codes, formats, stdin, --diff,
--in-place with a .bak, and one-line errors."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

BROKEN = "location / {\n    proxy_pass https://10.0.0.1:8443;\n    proxy_ssl_verify off;\n}\n"
CLEAN = ("location / {\n    proxy_pass https://api.internal;\n    proxy_ssl_verify on;\n"
         "    proxy_ssl_trusted_certificate /etc/ssl/ca.pem;\n    proxy_ssl_server_name on;\n}\n")


def run(*args, stdin: str | None = None):
    return subprocess.run([sys.executable, "-m", "upstream_tls", *args], input=stdin,
                          capture_output=True, text=True, timeout=60)


@pytest.fixture
def conf(tmp_path):
    def write(text, name="site.conf"):
        path = tmp_path / name
        path.write_text(text)
        return str(path)
    return write


def test_check_exit_codes(conf):
    assert run("check", conf(CLEAN)).returncode == 0
    broken = run("check", conf(BROKEN))
    assert broken.returncode == 1
    assert "site.conf:3: UT001 [warning]" in broken.stdout
    assert run("check", conf("location / {\n")).returncode == 2


def test_check_reads_stdin():
    result = run("check", "-", stdin=BROKEN)
    assert result.returncode == 1 and "<stdin>:2: UT005" in result.stdout


def test_json_payload(conf):
    payload = json.loads(run("check", conf(BROKEN), "--format", "json").stdout)
    assert payload["version"] == 1 and payload["tool"]["name"] == "upstream-tls"
    codes = {finding["code"] for finding in payload["findings"]}
    assert codes == {"UT001", "UT005"}
    verify = next(finding for finding in payload["findings"] if finding["code"] == "UT001")
    assert verify["line"] == 3 and verify["fix"]["applicability"] == "safe"
    assert verify["fix"]["edits"][0]["new_text"] == "    proxy_ssl_verify on;\n"
    assert payload["summary"] == {"error": 0, "warning": 2, "info": 0}


def test_sarif_has_rules_results_and_fixes(conf):
    sarif = json.loads(run("check", conf(BROKEN), "--format", "sarif").stdout)
    assert sarif["version"] == "2.1.0"
    [run_] = sarif["runs"]
    rule_ids = [rule["id"] for rule in run_["tool"]["driver"]["rules"]]
    assert "UT001" in rule_ids and all(rule["help"]["markdown"] for rule in run_["tool"]["driver"]["rules"])
    result = next(result for result in run_["results"] if result["ruleId"] == "UT001")
    assert rule_ids[result["ruleIndex"]] == "UT001"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 3
    replacement = result["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement["insertedContent"]["text"] == "    proxy_ssl_verify on;\n"


def test_fix_prints_whole_text_and_diff(conf):
    path = conf(BROKEN)
    whole = run("fix", path)
    assert whole.returncode == 1  # the name placeholder is left for the person to fill in
    assert whole.stdout.startswith("location / {\n    proxy_pass https://10.0.0.1:8443;\n    proxy_ssl_verify on;\n")
    assert "fill in:" in whole.stderr
    diff = run("fix", path, "--diff", "--ssl-name", "api.internal")
    assert "+    proxy_ssl_name api.internal;\n" in diff.stdout
    assert "-    proxy_ssl_verify off;\n" in diff.stdout


def test_fix_in_place_keeps_a_backup(conf, tmp_path):
    path = conf(BROKEN)
    result = run("fix", path, "--in-place", "--ssl-name", "api.internal")
    assert result.returncode == 0 and result.stdout == ""
    assert (tmp_path / ".site.conf.bak").read_text() == BROKEN
    assert "backup:" in result.stderr
    assert "proxy_ssl_verify on;" in (tmp_path / "site.conf").read_text()


def test_fix_in_place_writes_through_a_symlink_and_refuses_dumps(tmp_path):
    available, enabled = tmp_path / "sites-available", tmp_path / "sites-enabled"
    available.mkdir()
    enabled.mkdir()
    (available / "site.conf").write_text(BROKEN)
    (enabled / "site.conf").symlink_to(available / "site.conf")
    assert run("fix", str(enabled / "site.conf"), "--in-place").returncode == 1  # the name placeholder is left
    assert (enabled / "site.conf").is_symlink()
    assert "proxy_ssl_verify on;" in (available / "site.conf").read_text()
    assert [path.name for path in enabled.iterdir()] == ["site.conf"]
    dump = tmp_path / "dump.txt"
    dump.write_text("# configuration file /etc/nginx/a.conf:\n" + BROKEN + "# configuration file /etc/nginx/b.conf:\n"
                    + CLEAN)
    refused = run("fix", str(dump), "--in-place")
    assert refused.returncode == 2 and "nginx -T dump" in refused.stderr


def test_fix_exits_1_while_a_placeholder_or_an_unused_ssl_name_remains(conf):
    path = conf(BROKEN)
    assert run("fix", path).returncode == 1
    assert run("fix", path, "--ssl-name", "10.0.0.1=api.internal").returncode == 0
    typo = run("fix", path, "--ssl-name", "10.0.0.1=api.internal", "--ssl-name", "10.0.0.2=x")
    assert typo.returncode == 1 and "--ssl-name 10.0.0.2=x: no TLS proxy_pass names 10.0.0.2" in typo.stderr
    assert run("fix", path, "--ssl-name", "10.0.0.1:8443=api.internal").returncode == 0


def test_fix_preserves_bytes_that_are_not_utf8(tmp_path):
    path = tmp_path / "latin1.conf"
    path.write_bytes(b"# caf\xe9\n" + CLEAN.encode())
    result = subprocess.run([sys.executable, "-m", "upstream_tls", "fix", str(path)], capture_output=True)
    assert result.stdout == path.read_bytes()


@pytest.mark.parametrize("args, words", [
    (("check", "/nonexistent.conf"), "/nonexistent.conf: cannot read"),
    (("check", "--format", "xml"), "invalid choice"),
    (("fix", "--error-log", "/nonexistent.log"), "/nonexistent.log: cannot read"),
    (("fix", "--write-ca", "ca.pem"), "--write-ca needs --upstream-cert"),
    (("fix", "--client-cert", "c.pem"), "--client-cert and --client-key go together"),
    (("diagnose", "-"), "the following arguments are required: --error-log"),
    (("cert", "/nonexistent.pem"), "/nonexistent.pem: cannot read"),
    (("fix", "-", "--in-place"), "--in-place needs a FILE"),
    (("check", "--nginx-version", "one"), "not an nginx version"),
])
def test_usage_errors_are_one_line_with_exit_2(args, words):
    result = run(*args, stdin="")
    assert result.returncode == 2
    assert words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_malformed_input_is_one_line_per_problem(conf):
    path = conf("server {\n    location / {\n        proxy_pass https://a\n    }\n}\n")
    result = run("check", path)
    assert result.returncode == 2
    assert result.stderr.strip() == f'{path}:3: error: directive "proxy_pass" is not terminated by ";"'


def test_rule_docs():
    result = run("rule", "UT005")
    assert result.returncode == 0 and "**Why it matters.**" in result.stdout
    assert run("rule", "UT999").returncode == 2


def test_findings_never_echo_url_userinfo(conf):
    path = conf("location / {\n    proxy_pass https://svc:hunter2-secret@10.0.0.1:8443;\n}\n")
    for output in ("text", "json", "sarif"):
        result = run("check", path, "--format", output)
        assert result.returncode == 1 and "hunter2-secret" not in result.stdout + result.stderr


def test_an_empty_config_file_has_nothing_to_report(tmp_path):
    """nginx accepts an empty file, and real trees hold them."""
    empty = tmp_path / "empty.conf"
    empty.write_text("\n")
    for command in ("check", "fix"):
        result = run(command, str(empty))
        assert result.returncode == 0, result.stderr


def test_a_missing_semicolon_is_the_error_nginx_would_give_at_its_line():
    config = "location / {\n    proxy_pass https://10.0.1.45:8443\n    proxy_ssl_verify on;\n}\n"
    result = run("check", "-", stdin=config)
    assert result.returncode == 2 and not result.stdout
    assert result.stderr.strip().endswith('<stdin>:2: error: invalid number of arguments in "proxy_pass" directive: '
                                          'is a ";" missing before "proxy_ssl_verify"?')
