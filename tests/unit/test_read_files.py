"""`upstream-tls check --read-files`: the files the config names, opened on
the host — made by the real openssl, judged as real nginx judges them."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from unavailable import unavailable

from openssl_pki import Pki

NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
SITE = """server {{
    location / {{
        proxy_pass https://api.internal;
        proxy_ssl_verify on;
        proxy_ssl_server_name on;
{directives}
    }}
}}
"""


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> Pki:
    pki = Pki(tmp_path_factory.mktemp("pki"))
    pki.leaf("soon", days=5)
    pki.leaf("old", start="20200101000000Z", end="20200201000000Z")
    pki.leaf("client", days=400)
    pki.crl("fresh", stale=False)
    pki.crl("stale", stale=True)
    pki.openssl("x509", "-in", "ca.pem", "-outform", "der", "-out", "ca.der")
    return pki


def site(tmp_path: Path, *directives: str) -> Path:
    path = tmp_path / "site.conf"
    path.write_text(SITE.format(directives="\n".join(f"        {line}" for line in directives)))
    return path


def check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "upstream_tls", "check", *args], capture_output=True, text=True,
                          check=False, timeout=60)


def problems(result: subprocess.CompletedProcess) -> list[str]:
    return [line for line in result.stdout.splitlines() if "] proxy_ssl_" in line]


def test_good_files_pass(pki, tmp_path):
    config = site(tmp_path, f"proxy_ssl_trusted_certificate {pki.root}/ca.pem;",
                  f"proxy_ssl_certificate {pki.root}/client.pem;", f"proxy_ssl_certificate_key {pki.root}/client.key;",
                  f"proxy_ssl_crl {pki.root}/fresh.crl;")
    result = check(str(config), "--read-files")
    assert result.returncode == 0 and problems(result) == [], result.stdout + result.stderr


def test_files_are_never_read_unless_asked(pki, tmp_path):
    """A FIFO blocks whoever opens it: without --read-files, check must not."""
    fifo = tmp_path / "trust.pem"
    os.mkfifo(fifo)
    config = site(tmp_path, f"proxy_ssl_trusted_certificate {fifo};", f"proxy_ssl_crl {tmp_path}/absent.crl;")
    assert check(str(config)).returncode == 0
    with pytest.raises(subprocess.TimeoutExpired):
        subprocess.run([sys.executable, "-m", "upstream_tls", "check", str(config), "--read-files"],
                       capture_output=True, timeout=5, check=False)


def test_each_problem_is_reported_at_its_line(pki, tmp_path):
    config = site(tmp_path, f"proxy_ssl_trusted_certificate {pki.root}/soon.pem;",
                  f"proxy_ssl_certificate {pki.root}/old.pem;", f"proxy_ssl_certificate_key {pki.root}/client.key;",
                  f"proxy_ssl_crl {pki.root}/stale.crl;")
    result = check(str(config), "--read-files", "--warn-days", "30")
    assert result.returncode == 1
    lines = problems(result)
    assert any(line.startswith(f"{config}:6: [warning]") and "holds no CA certificate" in line for line in lines)
    assert any(line.startswith(f"{config}:6: [warning]") and "expires on" in line and "in 4 days" in line
               for line in lines)
    assert any(line.startswith(f"{config}:7: [error]") and "EXPIRED on 2020-02-01" in line for line in lines)
    assert any(line.startswith(f"{config}:8: [error]") and "is not the key of" in line for line in lines)
    assert any(line.startswith(f"{config}:9: [error]") and "past its next update" in line for line in lines)
    assert len(lines) == 5, lines
    assert result.stdout.splitlines()[-1].endswith("5 problems in the files it names."), result.stdout
    assert "No upstream TLS problems found" not in result.stdout


def test_window_and_missing_and_der(pki, tmp_path):
    config = site(tmp_path, "proxy_ssl_trusted_certificate certs/absent.pem;",
                  f"proxy_ssl_certificate {pki.root}/soon.pem;", f"proxy_ssl_certificate_key {pki.root}/soon.key;")
    result = check(str(config), "--read-files", "--warn-days", "3", "--conf-dir", str(tmp_path))
    assert problems(result) == [f"{config}:6: [error] proxy_ssl_trusted_certificate certs/absent.pem: "
                                "no such file (nginx -t fails)"]
    der = site(tmp_path, f"proxy_ssl_trusted_certificate {pki.root}/ca.der;")
    assert "nginx reads PEM only" in check(str(der), "--read-files").stdout


def test_json_payload_lists_the_problems(pki, tmp_path):
    config = site(tmp_path, f"proxy_ssl_trusted_certificate {pki.root}/old.pem;")
    payload = json.loads(check(str(config), "--read-files", "--format", "json").stdout)
    [problem] = [item for item in payload["named_files"] if "EXPIRED" in item["message"]]
    assert problem["line"] == 6 and problem["severity"] == "error" and problem["path"] == f"{pki.root}/old.pem"


def test_bad_input_is_one_line_and_exit_2(pki, tmp_path):
    unreadable = site(tmp_path, f"proxy_ssl_trusted_certificate {pki.root};")  # a directory: read() fails
    result = check(str(unreadable), "--read-files")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (f"upstream-tls: error: {unreadable}:6: proxy_ssl_trusted_certificate {pki.root}: "
                             "cannot read: Is a directory (run where nginx's files are readable)\n")
    assert check(str(unreadable), "--warn-days", "3").returncode == 2  # a window without --read-files


def test_empty_config_is_clean(tmp_path):
    empty = tmp_path / "empty.conf"
    empty.write_text("")
    assert check(str(empty), "--read-files").returncode == 0
    assert check(str(empty)).returncode == 0


def nginx_t(tmp_path: Path, *directives: str) -> subprocess.CompletedProcess:
    if NGINX is None:
        unavailable("nginx not installed")
    conf = tmp_path / "nginx.conf"
    temp = [f"{name}_temp_path {tmp_path};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")]
    conf.write_text(f"error_log {tmp_path}/error.log;\npid {tmp_path}/nginx.pid;\nevents {{}}\n"
                    f"http {{\n    access_log off;\n    {' '.join(temp)}\n"
                    "    server {\n        listen 127.0.0.1:18099;\n        location / {\n"
                    f"            proxy_pass https://127.0.0.1:18443;\n            {' '.join(directives)}\n"
                    "        }\n    }\n}\n")
    return subprocess.run([NGINX, "-t", "-c", str(conf), "-p", str(tmp_path)], capture_output=True, text=True,
                          check=False)


def test_nginx_agrees_with_what_the_messages_claim(pki, tmp_path):
    """'nginx -t fails' for a key mismatch, a missing or DER trust file; a
    stale CRL passes nginx -t (it fails each request instead)."""
    assert "key values mismatch" in nginx_t(tmp_path, f"proxy_ssl_certificate {pki.root}/client.pem;",
                                            f"proxy_ssl_certificate_key {pki.root}/soon.key;").stderr
    verify = "proxy_ssl_verify on;"
    assert nginx_t(tmp_path, verify, f"proxy_ssl_trusted_certificate {pki.root}/absent.pem;").returncode == 1
    assert "no certificate or crl found" in nginx_t(tmp_path, verify,
                                                    f"proxy_ssl_trusted_certificate {pki.root}/ca.der;").stderr
    assert nginx_t(tmp_path, verify, f"proxy_ssl_trusted_certificate {pki.root}/ca.pem;",
                   f"proxy_ssl_crl {pki.root}/stale.crl;").returncode == 0
