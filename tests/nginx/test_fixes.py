"""The tool's fixes against the real nginx: a broken config gives 502 (or
fails nginx -t), the production fix gives 200 with verification really on,
and nginx -t accepts every config the fixer emits for the rule fixtures."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from upstream_tls import Options, check, fix, parse
from upstream_tls.upstreams import find_sites

from harness import NginxFactory, Pki, free_port, get, https_upstream

pytestmark = pytest.mark.nginx

FIXTURES = sorted((Path(__file__).parents[1] / "fixtures" / "rules").glob("*/*.conf"))
NGINX_T_FAILS = {"UT003", "UT008", "UT013"}  # rules that say nginx -t refuses the config
DEFAULT_CA = "/etc/nginx/certs/upstream-ca.pem"


def proxy(port: int, body: str) -> str:
    return f"server {{\n    listen 127.0.0.1:{port};\n{body}}}\n"


def start_upstream(nginx_factory, cert=None, sites=None) -> int:
    port = free_port()
    nginx_factory(https_upstream(port, cert, sites=sites), name="upstream").start()
    return port


def status_through(nginx_factory, http_body: str) -> tuple[int, str]:
    port = free_port()
    instance = nginx_factory(http_body.replace("LISTEN_PORT", str(port)), name="proxy")
    ok, output = instance.test()
    if not ok:
        return 0, output
    instance.start()
    status, _ = get(port)
    return status, instance.error_log()


def production_fix(text: str, ca: Path, **names) -> str:
    result = fix(text, Options(ca_file=str(ca), ssl_names=tuple(names.items())))
    assert result.changed and not result.diagnostics
    return result.text


def test_name_mismatch_by_ip_is_fixed_and_verification_is_real(pki: Pki, nginx_factory: NginxFactory):
    cert = pki.self_signed("app.test", dns=["app.test"])
    port = start_upstream(nginx_factory, cert)
    broken = proxy(0, f"    location / {{\n        proxy_pass https://127.0.0.1:{port};\n"
                      f"        proxy_ssl_verify on;\n        proxy_ssl_trusted_certificate {cert.cert};\n    }}\n")
    broken = broken.replace("127.0.0.1:0", "127.0.0.1:LISTEN_PORT")
    status, log = status_through(nginx_factory, broken)
    assert status == 502 and 'does not match "127.0.0.1"' in log
    assert {finding.code for finding in check(broken).findings} >= {"UT005"}

    fixed = production_fix(broken, cert.cert, **{"127.0.0.1": "app.test"})
    assert status_through(nginx_factory, fixed)[0] == 200

    impostor = pki.self_signed("app.test", dns=["app.test"])
    impostor_port = start_upstream(nginx_factory, impostor)
    status, log = status_through(nginx_factory, fixed.replace(f":{port};", f":{impostor_port};"))
    assert status == 502 and "self-signed certificate" in log


def test_verify_off_becomes_verified_200(pki: Pki, nginx_factory: NginxFactory):
    cert = pki.self_signed("app.test", dns=["app.test"])
    port = start_upstream(nginx_factory, cert)
    insecure = proxy(0, f"    location / {{\n        proxy_pass https://127.0.0.1:{port};\n"
                        "        proxy_ssl_verify off;\n    }\n").replace(":0;", ":LISTEN_PORT;")
    fixed = production_fix(insecure, cert.cert, **{"127.0.0.1": "app.test"})
    assert "proxy_ssl_verify on;" in fixed and "proxy_ssl_verify off;" not in fixed
    assert status_through(nginx_factory, fixed)[0] == 200


def test_sni_required_upstream_gets_sni_from_the_fix(pki: Pki, nginx_factory: NginxFactory):
    cert = pki.self_signed("localhost", dns=["localhost"])
    port = start_upstream(nginx_factory, sites={"localhost": cert})
    broken = proxy(0, f"    location / {{\n        proxy_pass https://localhost:{port};\n    }}\n").replace(
        ":0;", ":LISTEN_PORT;")
    status, log = status_through(nginx_factory, broken)
    assert status == 502 and "unrecognized name" in log
    assert "UT006" in {finding.code for finding in check(broken).findings}
    fixed = production_fix(broken, cert.cert)
    assert "proxy_ssl_server_name on;" in fixed
    assert status_through(nginx_factory, fixed)[0] == 200


def test_upstream_server_ssl_flag_is_fixed(pki: Pki, nginx_factory: NginxFactory):
    cert = pki.self_signed("app.test", dns=["app.test"])
    port = start_upstream(nginx_factory, cert)
    broken = (f"upstream backend {{\n    server 127.0.0.1:{port} ssl;\n}}\n"
              + proxy(0, "    location / {\n        proxy_pass http://backend;\n    }\n")).replace(
        ":0;", ":LISTEN_PORT;")
    status, output = status_through(nginx_factory, broken)
    assert status == 0 and 'invalid parameter "ssl"' in output
    fixed = production_fix(broken, cert.cert, backend="app.test")
    assert "proxy_pass https://backend;" in fixed
    assert status_through(nginx_factory, fixed)[0] == 200


def test_plain_http_to_tls_port_is_fixed(pki: Pki, nginx_factory: NginxFactory):
    cert = pki.self_signed("localhost", dns=["localhost"])
    upstream_port = start_upstream(nginx_factory, cert)
    https_port = 443 if upstream_port == 443 else None
    assert https_port is None  # the port itself is random; the rule needs a well-known TLS port in the text
    broken = proxy(0, "    location / {\n        proxy_pass http://localhost:8443;\n    }\n").replace(
        ":0;", ":LISTEN_PORT;")
    assert "UT009" in {finding.code for finding in check(broken).findings}
    fixed = production_fix(broken, cert.cert).replace(":8443;", f":{upstream_port};")
    assert "proxy_pass https://localhost" in fixed
    assert status_through(nginx_factory, fixed)[0] == 200


def _resolvable(text: str) -> str:
    """Point every host name in *_pass at 127.0.0.1: nginx -t resolves them,
    and the fixtures' internal names exist nowhere."""
    config = parse(text)
    lines = text.splitlines(keepends=True)
    for site in find_sites(config):
        host = site.target.host
        if host and not site.target.is_ip and site.group is None and not site.target.is_unix:
            number = site.node.line - 1
            lines[number] = re.sub(rf"(?<=[/ ]){re.escape(host)}(?=[:/;])", "127.0.0.1", lines[number], count=1)
    return "".join(lines)


def _as_nginx_conf(text: str) -> tuple[str, str | None]:
    """(http body, stream body) for the harness, from a fragment of any level."""
    config = parse(text)
    root = config.files[0].root
    lines = text.splitlines(keepends=True)
    if root.name == "main":
        bodies = {node.name: "".join(lines[node.open_line:node.end_line - 1]) for node in root.children}
        return bodies.get("http", ""), bodies.get("stream")
    if root.name == "http":
        return text, None
    if root.name == "server":
        return f"server {{\nlisten 127.0.0.1:{free_port()};\n{text}}}\n", None
    return f"server {{\nlisten 127.0.0.1:{free_port()};\nlocation /fixture/ {{\n{text}}}\n}}\n", None


@pytest.mark.parametrize("mode", ["production", "dev"])
@pytest.mark.parametrize("path", FIXTURES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_nginx_accepts_what_the_fixer_emits(path: Path, mode: str, pki: Pki, nginx_factory: NginxFactory):
    ca = pki.self_signed("ca.test", dns=["ca.test"])
    client = pki.self_signed("client.test")
    text = (path.read_text().replace(DEFAULT_CA, str(ca.cert))
            .replace("/etc/nginx/certs/client.crt", str(client.cert))
            .replace("/etc/nginx/certs/client.key", str(client.key)))
    result = fix(text, Options(mode=mode, ca_file=str(ca.cert)))
    assert not result.diagnostics
    http, stream = _as_nginx_conf(_resolvable(result.text))
    instance = nginx_factory(http, stream)
    for include in parse(text).named("include"):  # relative to nginx.conf's folder; empty files will do
        (instance.directory / include.args[0]).parent.mkdir(parents=True, exist_ok=True)
        (instance.directory / include.args[0]).touch()
    ok, output = instance.test()
    refused = {finding.code for finding in result.remaining} & NGINX_T_FAILS
    assert ok is not bool(refused), f"remaining {refused}:\n{output}\n{result.text}"
