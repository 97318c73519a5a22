"""The harness reproduces NGINX-FACTS behaviours with the real nginx binary.

Each proxy test starts an HTTPS upstream nginx and a proxy nginx on
127.0.0.1 and checks the status the client sees and the proxy's error log.
"""

from __future__ import annotations

import os
import socket
import subprocess

import pytest

from harness import (
    OPENSSL,
    STREAM_MODULE,
    Cert,
    NginxFactory,
    Pki,
    free_port,
    get,
    https_upstream,
    proxy_server,
)

pytestmark = pytest.mark.nginx


def upstream(nginx_factory: NginxFactory, default: Cert | None = None, **kwargs) -> str:
    """Start an HTTPS upstream; return the ``proxy_pass`` URL for it."""
    port = free_port()
    nginx_factory(https_upstream(port, default, **kwargs), name="upstream").start()
    return f"https://127.0.0.1:{port}"


def through_proxy(nginx_factory: NginxFactory, url: str,
                  directives: str = "") -> tuple[int, str, str]:
    """One GET through a fresh proxy -> (status, body, proxy error log)."""
    port = free_port()
    proxy = nginx_factory(proxy_server(port, url, directives), name="proxy").start()
    status, body = get(port)
    return status, body, proxy.error_log()


def verify(trusted: Cert, name: str | None = None) -> str:
    lines = f"proxy_ssl_verify on; proxy_ssl_trusted_certificate {trusted.cert};"
    return lines + (f" proxy_ssl_name {name};" if name else "")


# -- NGINX-FACTS behaviours ---------------------------------------------------


def test_default_config_accepts_self_signed_upstream(pki: Pki, nginx_factory):
    url = upstream(nginx_factory, pki.self_signed("app.test", dns=["app.test"]))
    status, body, log = through_proxy(nginx_factory, url)
    assert (status, body) == (200, "default\n")
    assert "[error]" not in log and "[crit]" not in log


def test_verify_trusting_the_self_signed_cert_with_matching_name(pki: Pki, nginx_factory):
    cert = pki.self_signed("app.test", dns=["app.test"])
    url = upstream(nginx_factory, cert)
    status, body, _ = through_proxy(nginx_factory, url, verify(cert, "app.test"))
    assert (status, body) == (200, "default\n")


def test_verify_with_wrong_name_is_502(pki: Pki, nginx_factory):
    cert = pki.self_signed("app.test", dns=["app.test"])
    url = upstream(nginx_factory, cert)
    # proxy_ssl_name defaults to the proxy_pass host: the IP literal.
    status, _, log = through_proxy(nginx_factory, url, verify(cert))
    assert status == 502
    assert 'upstream SSL certificate does not match "127.0.0.1" while SSL handshaking to upstream' in log


def test_sni_required_upstream_rejects_handshake_without_sni(pki: Pki, nginx_factory):
    url = upstream(nginx_factory, sites={"app.test": pki.self_signed("app.test", dns=["app.test"])})
    status, _, log = through_proxy(nginx_factory, url, "proxy_ssl_name app.test;")
    assert status == 502
    assert "tlsv1 unrecognized name:SSL alert number 112" in log


def test_sni_required_upstream_works_with_server_name_on(pki: Pki, nginx_factory):
    url = upstream(nginx_factory, sites={"app.test": pki.self_signed("app.test", dns=["app.test"])})
    # The Host header must name the site too: nginx routes the request by
    # Host, and the default Host ($proxy_host) is "127.0.0.1:PORT".
    directives = ("proxy_ssl_name app.test; proxy_ssl_server_name on; "
                  "proxy_set_header Host app.test;")
    status, body, _ = through_proxy(nginx_factory, url, directives)
    assert (status, body) == (200, "app.test\n")


def test_verify_without_trusted_certificate_fails_config_test(nginx_factory):
    proxy = nginx_factory(proxy_server(free_port(), "https://127.0.0.1:9", "proxy_ssl_verify on;"))
    ok, output = proxy.test()
    assert not ok
    assert "[emerg] no proxy_ssl_trusted_certificate for proxy_ssl_verify" in output
    with pytest.raises(RuntimeError, match="no proxy_ssl_trusted_certificate"):
        proxy.start()


# -- the other upstream shapes -------------------------------------------------


def test_multi_site_upstream_without_sni_serves_default_cert(pki: Pki, nginx_factory):
    root = pki.root()
    url = upstream(nginx_factory, pki.leaf("default.test", root, dns=["default.test"]),
                   sites={"app.test": pki.leaf("app.test", root, dns=["app.test"])})
    status, _, log = through_proxy(nginx_factory, url, verify(root, "app.test"))
    assert status == 502
    assert 'upstream SSL certificate does not match "app.test"' in log
    status, _, _ = through_proxy(nginx_factory, url,
                                 verify(root, "app.test") + " proxy_ssl_server_name on;")
    assert status == 200


def test_tls13_only_upstream_fails_at_default_protocols(pki: Pki, nginx_factory):
    url = upstream(nginx_factory, pki.self_signed("app.test"), protocols="TLSv1.3")
    status, _, log = through_proxy(nginx_factory, url)
    assert status == 502
    assert "tlsv1 alert protocol version:SSL alert number 70" in log
    status, _, _ = through_proxy(nginx_factory, url, "proxy_ssl_protocols TLSv1.2 TLSv1.3;")
    assert status == 200


def test_client_cert_upstream_answers_400_without_one(pki: Pki, nginx_factory):
    root = pki.root()
    client = pki.leaf("proxy", root, client=True)
    url = upstream(nginx_factory, pki.self_signed("app.test"), client_ca=root.cert)
    status, body, _ = through_proxy(nginx_factory, url)
    assert status == 400 and "No required SSL certificate was sent" in body
    status, _, _ = through_proxy(
        nginx_factory, url,
        f"proxy_ssl_certificate {client.cert}; proxy_ssl_certificate_key {client.key};")
    assert status == 200


@pytest.mark.skipif(not STREAM_MODULE.exists(),
                    reason=f"stream module not installed ({STREAM_MODULE}: libnginx-mod-stream)")
def test_stream_proxy_ssl(pki: Pki, nginx_factory):
    cert = pki.self_signed("app.test", dns=["app.test"])
    url = upstream(nginx_factory, cert)
    port = free_port()
    nginx_factory("", stream=(
        f"server {{ listen 127.0.0.1:{port}; proxy_pass {url.removeprefix('https://')}; "
        f"proxy_ssl on; {verify(cert, 'app.test')} }}")).start()
    assert get(port) == (200, "default\n")


# -- harness mechanics ---------------------------------------------------------


def openssl(*args) -> subprocess.CompletedProcess[str]:
    return subprocess.run([OPENSSL, *map(str, args)], capture_output=True, text=True)


def test_pki_chain_validity_and_crl(pki: Pki):
    root = pki.root()
    inter = pki.intermediate("Test Intermediate", root)
    leaf = pki.leaf("app.test", inter, dns=["app.test"])
    chain = pki.bundle("chain.pem", *leaf.chain)
    assert chain.read_text() == leaf.pem + inter.pem  # s_client -showcerts order
    ok = openssl("verify", "-CAfile", root.cert, "-untrusted", inter.cert, leaf.cert)
    assert ok.returncode == 0, ok.stderr

    expired = pki.leaf("old.test", inter, not_before_days=-10, days=-1)
    future = pki.leaf("new.test", inter, not_before_days=1, days=30)
    for cert, code in ((expired, "error 10"), (future, "error 9")):
        result = openssl("verify", "-CAfile", root.cert, "-untrusted", inter.cert, cert.cert)
        assert code in result.stderr

    assert openssl("x509", "-inform", "DER", "-in", pki.der(leaf), "-noout").returncode == 0

    pki.revoke(leaf)
    crl = pki.crl(inter)
    serial = openssl("x509", "-in", leaf.cert, "-noout", "-serial").stdout.split("=")[1].strip()
    assert serial in openssl("crl", "-in", crl, "-noout", "-text").stdout
    stale = pki.crl(inter, last_update_days=-10, next_update_days=-1)
    result = openssl("verify", "-crl_check", "-CAfile", root.cert, "-untrusted", inter.cert,
                     "-CRLfile", stale, leaf.cert)
    assert "error 12" in result.stderr  # CRL has expired


def test_instances_run_side_by_side_and_stop_cleanly(pki: Pki, nginx_factory):
    cert = pki.self_signed("app.test")
    ports = [free_port(), free_port()]
    instances = [nginx_factory(https_upstream(p, cert)).start() for p in ports]
    masters = [int(n.pid_file.read_text()) for n in instances]
    for instance in instances:
        instance.stop()
    for port in ports:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=2)
    for master in masters:  # master and workers share its process group
        with pytest.raises(ProcessLookupError):
            os.killpg(master, 0)


def test_start_raises_with_error_log(nginx_factory, tmp_path):
    missing = tmp_path / "missing.pem"
    server = nginx_factory(f"server {{ listen 127.0.0.1:{free_port()} ssl; "
                           f"ssl_certificate {missing}; ssl_certificate_key {missing}; }}")
    with pytest.raises(RuntimeError, match=r"\[emerg\].*cannot load certificate"):
        server.start()


def test_get_ignores_proxy_environment(pki: Pki, nginx_factory, monkeypatch):
    for var in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.setenv(var, "http://127.0.0.1:9")
    url = upstream(nginx_factory, pki.self_signed("app.test"))
    assert through_proxy(nginx_factory, url)[:2] == (200, "default\n")
