"""`upstream-tls cert FILE --warn-days N` and `--format prometheus`, on
certificates made by the real openssl: one that expires in 5 days, one that
expired in 2020, a long-lived CA; PEM bundle, DER and s_client output."""
from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from openssl_pki import Pki
from upstream_tls.certs import read_chain
from upstream_tls.expiry import expiring
from upstream_tls.output.prometheus import prometheus_text


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> Pki:
    pki = Pki(tmp_path_factory.mktemp("pki"))
    pki.leaf("soon", days=5)
    pki.leaf("old", start="20200101000000Z", end="20200201000000Z")
    pki.leaf("fresh", days=400)
    return pki


def cert(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "upstream_tls", "cert", *args], capture_output=True, text=True,
                          check=False)


def bundle(pki: Pki, *names: str) -> Path:
    path = pki.root / ("-".join(names) + ".bundle")
    path.write_text("".join((pki.root / f"{name}.pem").read_text() for name in names))
    return path


def test_a_certificate_expiring_within_the_window_fails_naming_it(pki):
    result = cert(str(bundle(pki, "fresh", "soon", "ca")), "--warn-days", "30")
    assert result.returncode == 1
    [line] = [line for line in result.stdout.splitlines() if "expires on" in line]
    assert re.fullmatch(r".*\.bundle: certificate 2 \(CN=soon\.internal, serial \w+\) expires on "
                        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ, in 4 days \(within 30 days\)", line)


def test_outside_the_window_passes(pki):
    assert cert(str(bundle(pki, "soon", "ca")), "--warn-days", "3").returncode == 0
    assert cert(str(bundle(pki, "soon", "ca"))).returncode == 0  # no window asked: dates are only shown


def test_an_expired_certificate_fails_even_with_zero_days(pki):
    result = cert(str(pki.root / "old.pem"), "--warn-days", "0")
    assert result.returncode == 1
    assert "certificate 1 (CN=old.internal, serial 1001) EXPIRED on 2020-02-01 00:00:00Z" in result.stdout


def test_der_and_s_client_output_are_read(pki):
    der = pki.root / "soon.der"
    pki.openssl("x509", "-in", "soon.pem", "-outform", "der", "-out", "soon.der")
    assert cert(str(der), "--warn-days", "30").returncode == 1
    s_client = pki.root / "s_client.txt"
    s_client.write_text("CONNECTED(00000003)\n---\nCertificate chain\n 0 s:CN = soon.internal\n"
                        + (pki.root / "soon.pem").read_text() + "---\nVerify return code: 0 (ok)\n")
    result = cert(str(s_client), "--warn-days", "30")
    assert result.returncode == 1 and "CN=soon.internal" in result.stdout


def test_bad_input_is_one_line_and_exit_2(pki, tmp_path):
    nothing = tmp_path / "empty.pem"
    nothing.write_text("no certificate here\n")
    result = cert(str(nothing), "--warn-days", "30")
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and str(nothing) in result.stderr
    missing = cert(str(tmp_path / "absent.pem"), "--warn-days", "30")
    assert missing.returncode == 2 and "absent.pem: cannot read" in missing.stderr
    assert cert(str(nothing), "--warn-days", "soon").returncode == 2


def test_prometheus_text_for_the_textfile_collector(pki):
    path = bundle(pki, "soon", "ca")
    result = cert(str(path), "--format", "prometheus", "--warn-days", "30")
    assert result.returncode == 1 and "expires on" in result.stderr  # stdout stays a clean .prom file
    chain = read_chain(path.read_bytes(), str(path))
    leaf = chain.certificates[0]
    sample = (f'upstream_tls_certificate_not_after_seconds{{file="{path}",subject="CN=soon.internal",'
              f'serial="{leaf.serial}"}} {int(leaf.not_after.timestamp())}')
    assert sample in result.stdout.splitlines()
    for line in result.stdout.splitlines():
        assert re.fullmatch(r'# (HELP|TYPE) \w+ .+|\w+\{(\w+="(?:[^"\\]|\\.)*",?)+\} \d+', line), line


def test_prometheus_label_values_are_escaped(pki):
    chain = read_chain((pki.root / "ca.pem").read_bytes(), 'odd "name"\\path\n')
    text = prometheus_text([chain], now=datetime(2026, 1, 1, tzinfo=UTC))
    assert 'file="odd \\"name\\"\\\\path\\n"' in text
    assert 'upstream_tls_certificate_check_timestamp_seconds{file="odd \\"name\\"\\\\path\\n"} 1767225600' in text


def test_expiring_counts_from_the_check_time(pki):
    chain = read_chain((pki.root / "fresh.pem").read_bytes(), "fresh.pem", now=datetime(2099, 1, 1, tzinfo=UTC))
    [expired] = expiring(chain, 0)
    assert expired.expired and "EXPIRED" in expired.describe()
