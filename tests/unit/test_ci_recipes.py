"""The recipes of docs/ci.md, run as far as they can be here: the same
commands on a sample repository with an nginx/ directory (GitHub's and
GitLab's runners, Conftest and Prometheus are not here). SARIF is validated
against the SARIF 2.1.0 schema (tests/fixtures/sarif, see SOURCE.md)."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from unavailable import unavailable

from openssl_pki import Pki
from rego_engine import RegoPolicy
from upstream_tls import parse
from upstream_tls.policy import conftest_input

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "ci.md").read_text()
SCHEMA = ROOT / "tests" / "fixtures" / "sarif" / "sarif-2.1.0-rtm.5.json"
NGINX_CONF = "events {}\nhttp {\n    include sites-enabled/*.conf;\n}\n"
GOOD = """upstream api {
    server 127.0.0.1:8443;
}
server {
    listen 127.0.0.1:18097;
    location / {
        proxy_pass https://api;
        proxy_ssl_verify on;
        proxy_ssl_trusted_certificate certs/ca.pem;
        proxy_ssl_name api.internal;
        proxy_ssl_server_name on;
    }
}
"""
BAD = "server {\n    listen 127.0.0.1:18096;\n    location /api/ {\n        proxy_pass https://127.0.0.1:8443;\n" \
      "        proxy_ssl_verify off;\n    }\n}\n"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC, re.S)


@pytest.fixture
def repo(tmp_path) -> Path:
    """A sample repository: nginx/nginx.conf including sites-enabled/, a CA."""
    (tmp_path / "nginx" / "sites-enabled").mkdir(parents=True)
    (tmp_path / "nginx" / "nginx.conf").write_text(NGINX_CONF)
    (tmp_path / "nginx" / "sites-enabled" / "api.conf").write_text(GOOD)
    pki = Pki(tmp_path / "nginx" / "certs")
    assert (pki.root / "ca.pem").exists()
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    return tmp_path


def bash(script: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, check=False,
                          timeout=120)


def add_bad_site(repo: Path) -> None:
    (repo / "nginx" / "sites-enabled" / "legacy.conf").write_text(BAD)


def validate_sarif(path: Path) -> dict:
    from jsonschema import Draft4Validator
    log = json.loads(path.read_text())
    errors = [error.message for error in Draft4Validator(json.loads(SCHEMA.read_text())).iter_errors(log)]
    assert not errors, errors
    return log


def test_schema_validation_can_fail():
    from jsonschema import Draft4Validator
    validator = Draft4Validator(json.loads(SCHEMA.read_text()))
    assert list(validator.iter_errors({"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]}))


def test_github_actions_recipe(repo):
    [workflow] = [yaml.safe_load(block) for block in blocks("yaml") if "upload-sarif" in block]
    steps = workflow["jobs"]["upstream-tls"]["steps"]
    [step] = [step for step in steps if step.get("name") == "check every nginx config"]
    upload = steps[-1]
    assert upload["with"]["sarif_file"] == "sarif" and workflow["permissions"]["security-events"] == "write"
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    assert bash(step["run"], repo).returncode == 0
    add_bad_site(repo)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    failed = bash(step["run"], repo)
    assert failed.returncode == 1 and "UT001" in failed.stdout
    logs = {path.name: validate_sarif(path) for path in (repo / "sarif").glob("*.sarif")}
    assert set(logs) == {"nginx_nginx.conf.sarif", "nginx_sites-enabled_api.conf.sarif",
                         "nginx_sites-enabled_legacy.conf.sarif"}
    assert {result["ruleId"] for result in logs["nginx_sites-enabled_legacy.conf.sarif"]["runs"][0]["results"]} >= {
        "UT001"}


def test_sarif_with_read_files_is_valid(repo, tmp_path):
    (repo / "nginx" / "sites-enabled" / "api.conf").write_text(GOOD.replace("certs/ca.pem", "certs/absent.pem"))
    out = tmp_path / "read.sarif"
    command = f"upstream-tls check nginx/sites-enabled/api.conf --read-files --conf-dir nginx --format sarif > {out}"
    result = bash(command, repo)
    assert result.returncode == 1
    results = validate_sarif(out)["runs"][0]["results"]
    assert [item["ruleId"] for item in results].count("named-file") == 1


def test_gitlab_recipe(repo):
    [job] = [yaml.safe_load(block)["upstream-tls"] for block in blocks("yaml") if "after_script" in block]
    script = "\n".join(job["script"][1:])  # the pip install is the environment's, done already
    assert bash(script, repo).returncode == 0
    add_bad_site(repo)
    assert bash(script, repo).returncode == 1
    assert bash("\n".join(job["after_script"]), repo).returncode == 0
    assert json.loads((repo / job["artifacts"]["paths"][0]).read_text())["tool"]["name"] == "upstream-tls"


def test_plain_shell_recipe_with_nginx(repo):
    if shutil.which("nginx", path=f"{os.environ['PATH']}:/usr/sbin") is None:
        unavailable("nginx not installed")
    [script] = [block for block in blocks("sh") if "nginx -t" in block]
    env_path = "PATH=$PATH:/usr/sbin\n"
    result = bash(env_path + script, repo)
    assert result.returncode == 0, result.stdout + result.stderr
    add_bad_site(repo)
    failed = bash(env_path + script, repo)
    assert failed.returncode == 1 and "legacy.conf" in failed.stdout


def test_conftest_recipe_policy_agrees_with_check(repo):
    [script] = [block for block in blocks("sh") if "conftest verify" in block]
    runnable = "\n".join(line for line in script.splitlines() if not line.startswith("conftest "))
    assert bash(runnable, repo).returncode == 0
    policy = (repo / "policy" / "upstream_tls.rego").read_text()
    assert policy.startswith("# upstream-tls") and "package upstream_tls" in policy
    assert "test_UT001_docs_example if" in (repo / "policy" / "upstream_tls_test.rego").read_text()
    add_bad_site(repo)
    text = (repo / "nginx" / "sites-enabled" / "legacy.conf").read_text()
    _, denied = RegoPolicy("production").evaluate(conftest_input(parse(text)).document)
    assert denied == {"UT001"}


def test_prometheus_recipe_and_alert(repo, tmp_path):
    [script] = [block for block in blocks("sh") if "--format prometheus" in block]
    script = script.replace("/var/lib/prometheus/node-exporter", str(tmp_path)).replace(
        "/etc/nginx/certs/upstream-ca.pem", str(repo / "nginx" / "certs" / "ca.pem"))
    assert bash(script, repo).returncode == 0
    metrics = (tmp_path / "upstream_ca.prom").read_text()
    assert 'upstream_tls_certificate_not_after_seconds{file="' in metrics
    assert not (tmp_path / "upstream_ca.prom.tmp").exists()
    [rules] = [yaml.safe_load(block) for block in blocks("yaml") if "alert:" in block]
    [alert] = rules["groups"][0]["rules"]
    assert alert["expr"] == "upstream_tls_certificate_not_after_seconds - time() < 30 * 86400"


def test_pre_commit_recipe_names_the_shipped_hooks():
    [config] = [yaml.safe_load(block) for block in blocks("yaml") if "repos:" in block]
    shipped = {hook["id"] for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert {hook["id"] for hook in config["repos"][0]["hooks"]} == shipped == {"upstream-tls", "upstream-tls-fix"}
