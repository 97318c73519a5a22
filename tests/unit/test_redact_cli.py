"""`upstream-tls redact`: stdout is the redacted text, stderr the report
(kind, line, placeholder — never a value), the map is owner-only from the
moment it exists, --restore gives the input back byte for byte, and
mistakes are one line and exit 2."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest

from upstream_tls import analysis
from upstream_tls.cli import main

TOKEN = "Zq8vK2mN4pR7tW1xY5bC3dF6hJ9kL0"
CONFIG = (f'location / {{\r\n    proxy_set_header Authorization "Bearer {TOKEN}";\r\n'
          "    # caf\xe9 \udcff\r\n    proxy_pass https://10.0.1.45:8443;\r\n}\r\n")


def run(*args, stdin: bytes | None = None):
    return subprocess.run([sys.executable, "-m", "upstream_tls", "redact", *args], input=stdin,
                          capture_output=True, timeout=60)


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "site.conf"
    path.write_bytes(CONFIG.encode("utf-8", "surrogateescape"))
    return path


def test_redact_then_restore_round_trips_bytes(config, tmp_path):
    mapping = tmp_path / "site.map.json"
    redacted = run(str(config), "--map", str(mapping))
    assert redacted.returncode == 0
    assert TOKEN.encode() not in redacted.stdout + redacted.stderr
    assert b'"Bearer REDACTED_BEARER_1"' in redacted.stdout and b"\r\n" in redacted.stdout
    assert f"{config}:2: SEC002 bearer-token: REDACTED_BEARER_1".encode() in redacted.stderr
    assert b"readable by you only (mode 0600)" in redacted.stderr
    assert stat.S_IMODE(os.stat(mapping).st_mode) == 0o600
    restored = run("--restore", "--map", str(mapping), "-", stdin=redacted.stdout)
    assert restored.returncode == 0 and restored.stdout == config.read_bytes() and not restored.stderr


def test_an_existing_map_is_replaced_owner_only(config, tmp_path):
    mapping = tmp_path / "old.json"
    mapping.write_text("old")
    os.chmod(mapping, 0o644)
    assert run(str(config), "--map", str(mapping)).returncode == 0
    assert stat.S_IMODE(os.stat(mapping).st_mode) == 0o600
    assert {path.name for path in tmp_path.iterdir()} == {"site.conf", "old.json"}  # no temporary file left


def test_topology_and_json(config):
    result = run(str(config), "--topology", "--format", "json")
    payload = json.loads(result.stdout)
    assert result.returncode == 0 and payload["map"] is None
    assert "REDACTED_IP_1:8443" in payload["text"] and TOKEN not in result.stdout.decode()
    assert payload["summary"] == {"bearer-token": 1, "internal-ip": 1}
    assert payload["redactions"][0] == {"line": 2, "code": "SEC002", "kind": "bearer-token", "count": 1,
                                        "placeholders": ["REDACTED_BEARER_1"]}
    assert b"no --map: the placeholders cannot be restored" in result.stderr


def test_restore_reports_placeholders_it_did_not_issue(config, tmp_path):
    mapping = tmp_path / "map.json"
    run(str(config), "--map", str(mapping))
    answer = b"Use REDACTED_BEARER_1.\nNot REDACTED_BEARER_2.\n"
    text = run("--restore", "--map", str(mapping), stdin=answer)
    assert text.stdout == f"Use {TOKEN}.\nNot REDACTED_BEARER_2.\n".encode()
    assert text.stderr.decode() == (f"<stdin>:2: unknown placeholder REDACTED_BEARER_2: not issued by {mapping}, "
                                    "left as is\n")
    payload = json.loads(run("--restore", "--map", str(mapping), "--format", "json", stdin=answer).stdout)
    assert payload["unknown_placeholders"] == [{"placeholder": "REDACTED_BEARER_2", "line": 2}]


def test_nothing_to_redact():
    result = run(stdin=b"location / { proxy_pass https://api.internal; }\n")
    assert result.returncode == 0 and result.stdout == b"location / { proxy_pass https://api.internal; }\n"
    assert result.stderr == b"nothing to redact\n"


@pytest.mark.parametrize(("args", "message"), [
    (["--restore"], "--restore needs --map FILE"),
    (["--restore", "--topology", "--map", "m.json"], "--topology applies to redaction"),
    (["missing.conf"], "missing.conf: cannot read"),
    (["--map", "no/such/dir/map.json"], "no/such/dir/map.json: cannot write"),
])
def test_usage_errors_are_one_line(args, message, tmp_path):
    result = subprocess.run([sys.executable, "-m", "upstream_tls", "redact", *args], input=b"x\n",
                            capture_output=True, timeout=60, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr.decode() and result.stderr.count(b"\n") == 1


def test_a_broken_map_is_named_not_quoted(tmp_path):
    mapping = tmp_path / "map.json"
    mapping.write_text('{"version": 1, "placeholders": {"REDACTED_X_1": ["' + TOKEN + '"]}}')
    result = run("--restore", "--map", str(mapping), stdin=b"REDACTED_X_1\n")
    assert result.returncode == 2 and TOKEN.encode() not in result.stderr
    assert b"not a redaction map" in result.stderr


def test_an_internal_error_never_echoes_a_secret(monkeypatch, capsys, config):
    def explode(*args, **kwargs):
        raise RuntimeError(f'cannot handle proxy_set_header X-Api-Key "{TOKEN}"')

    monkeypatch.setattr(analysis, "check", explode)
    assert main(["check", str(config)]) == 2
    error = capsys.readouterr().err
    assert TOKEN not in error and "REDACTED_API_KEY_1" in error and error.count("\n") == 1
