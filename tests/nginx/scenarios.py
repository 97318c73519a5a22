"""Real-nginx failure scenarios, one (or more) per cause id.

Each scenario builds, on 127.0.0.1, the failure behind one cause id that a
config and an nginx 1.22+ upstream can produce: it starts the upstream(s)
with certificates made by openssl at test time, captures the chain the way a
person would (``openssl s_client -showcerts``), and returns the broken proxy
config.  :func:`run_before` runs that config for real and captures what nginx
writes; the tests (test_diagnose_scenarios.py) feed the capture to
``upstream-tls diagnose`` and ``upstream-tls fix`` and run the fix for real.

    python tests/nginx/scenarios.py --table        # Markdown table of a full run
    python tests/nginx/scenarios.py --table -k crl # only scenarios whose id contains "crl"
    python tests/nginx/scenarios.py --list         # the scenarios, no nginx started

The table has one row per scenario: the phrase nginx logged, the cause
``diagnose`` named first, and the status before → after ``fix``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: import the harness beside us
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402
    LOOPBACK,
    OPENSSL,
    Cert,
    Nginx,
    NginxFactory,
    Pki,
    free_port,
    get,
    https_upstream,
)

LISTEN = "LISTEN_PORT"  # placeholder for the proxy's port in Built.config
NGINX_T = "nginx -t"  # Scenario.before when the config test refuses the config

# The cause taxonomy (py_core/upstream_tls/causes.py, docs/diagnosis.md): stable ids the CLI's JSON uses.
CAUSES = frozenset("""
    verify-without-trusted-certificate trusted-certificate-unreadable trusted-certificate-not-pem
    untrusted-certificate verify-depth-exceeded incomplete-chain certificate-purpose name-mismatch
    sni-required host-header-mismatch certificate-expired certificate-not-yet-valid certificate-revoked
    crl-expired crl-wrong-issuer client-certificate-required client-certificate-rejected client-key-missing
    client-key-mismatch client-key-encrypted protocol-mismatch legacy-upstream-protocol weak-upstream-key
    cipher-mismatch https-to-plain-http http-to-https-port upstream-server-ssl-flag verify-disabled
""".split())

# --------------------------------------------------------------------- records


@dataclass
class Built:
    """What a scenario builder returns, with its upstreams already running.

    ``config`` is the contents of the proxy's ``http {}`` block (what
    ``Nginx.configure`` takes and what a person pastes), listening on
    ``127.0.0.1:LISTEN_PORT``.  ``chain`` is what
    ``openssl s_client -connect 127.0.0.1:PORT -showcerts [-servername N] </dev/null``
    printed on stdout (None when there is no TLS to show).
    """

    config: str
    chain: str | None
    # Extra arguments `fix` needs: --ssl-name when the chain cannot name the
    # upstream, --client-cert/--client-key for mTLS.
    fix_args: tuple[str, ...] = ()
    # The CA file the operator already has (fetched from their PKI) when the
    # chain does not carry its own trust anchor: `fix --ca-file fix_ca`
    # without --write-ca.  None: `--ca-file DIR/ca.pem --write-ca DIR/ca.pem`.
    fix_ca: Path | None = None
    # Upstream instances whose own error.log is part of the evidence (the
    # proxy logs nothing for these causes).
    evidence_upstreams: list[Nginx] = field(default_factory=list)
    host_header: str | None = None  # Host the client sends to the proxy
    # A hand-made fix (same LISTEN_PORT placeholder) using only what `fix`
    # is given: proves the scenario isolates one cause and that the cause
    # can be fixed in the config.  None for upstream-side causes.
    reference: str | None = None


@dataclass(frozen=True)
class Scenario:
    id: str
    cause: str  # expected first cause of `diagnose`
    side: str  # "config" | "upstream"
    phrase: str  # what nginx writes (proxy log, upstream log or nginx -t output)
    before: int | str  # status the client gets, or NGINX_T when nginx -t refuses
    build: Callable[[Context], Built]
    summary: str = ""
    # Whether `fix`, given the evidence, must make real nginx answer 200.
    # Config-side causes do, unless the input that would fix them is not
    # something the CLI takes (say, the right CRL).
    fixable: bool | None = None

    @property
    def must_fix(self) -> bool:
        return self.side == "config" if self.fixable is None else self.fixable


@dataclass
class Before:
    """The broken config, run for real."""

    config: str  # Built.config with the real listen port
    port: int
    nginx_t_ok: bool
    status: int | None  # None when nginx -t refused the config
    body: str
    log: str  # the evidence: proxy log (+ upstream logs), or nginx -t output
    proxy_log: str

    @property
    def shown(self) -> str:
        return NGINX_T if not self.nginx_t_ok else str(self.status)


# --------------------------------------------------------------------- context


class Context:
    """What a builder works with: the PKI, nginx instances, helpers."""

    def __init__(self, pki: Pki, nginx: NginxFactory, directory: Path) -> None:
        self.pki = pki
        self.nginx = nginx
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    # -- upstreams -----------------------------------------------------------

    def upstream(self, default: Cert | None = None, *, sites: dict[str, Cert] | None = None,
                 protocols: str | None = None, client_ca: Path | None = None,
                 extra: str = "") -> tuple[int, Nginx]:
        """Start an HTTPS upstream (harness.https_upstream); ``extra`` goes
        into every server block (ssl_ciphers and the like)."""
        port = free_port()
        http = https_upstream(port, default, sites=sites, protocols=protocols, client_ca=client_ca)
        if extra:
            http = http.replace(f"listen {LOOPBACK}:{port} ssl", f"{extra}\n    listen {LOOPBACK}:{port} ssl")
        return port, self.nginx(http, name="upstream").start()

    def plain_upstream(self) -> tuple[int, Nginx]:
        """A plain-HTTP upstream answering 200 "plain"."""
        port = free_port()
        http = (f"server {{\n    listen {LOOPBACK}:{port};\n"
                "    location / { return 200 \"plain\\n\"; }\n}\n")
        return port, self.nginx(http, name="plain").start()

    def served(self, leaf: Cert, *extra: Cert, name: str | None = None) -> Cert:
        """``leaf`` with ``extra`` appended in its certificate file: what an
        upstream sends (ssl_certificate is a chain file)."""
        path = self.pki.bundle(name or f"{leaf.cert.parent.name}.chain.pem", leaf, *extra)
        return dataclasses.replace(leaf, cert=path)

    # -- evidence --------------------------------------------------------------

    def showcerts(self, port: int, servername: str | None = None) -> str:
        """stdout of ``openssl s_client -connect 127.0.0.1:PORT -showcerts
        [-servername NAME] </dev/null`` — what a person pastes."""
        args = [OPENSSL, "s_client", "-connect", f"{LOOPBACK}:{port}", "-showcerts"]
        if servername:
            args += ["-servername", servername]
        proc = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=20)
        if "-----BEGIN CERTIFICATE-----" not in proc.stdout:
            raise RuntimeError(f"s_client showed no certificate:\n{proc.stdout}{proc.stderr}")
        return proc.stdout

    def probe(self, port: int, servername: str | None = None) -> str:
        """What a terminal shows for ``openssl s_client -connect 127.0.0.1:PORT
        [-servername NAME] </dev/null`` when there is no certificate to show:
        the error queue (stderr) and the session summary (stdout)."""
        args = [OPENSSL, "s_client", "-connect", f"{LOOPBACK}:{port}"]
        if servername:
            args += ["-servername", servername]
        proc = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=20)
        return proc.stderr + proc.stdout

    def file(self, name: str, text: str) -> Path:
        path = self.directory / name
        path.write_text(text)
        return path

    def encrypted_key(self, cert: Cert, password: str = "secret") -> Path:
        path = cert.key.with_name("key.encrypted.pem")
        proc = subprocess.run([OPENSSL, "pkey", "-in", cert.key, "-aes256", "-passout", f"pass:{password}",
                               "-out", path], capture_output=True, text=True)
        if proc.returncode:
            raise RuntimeError(proc.stderr)
        return path


# ---------------------------------------------------------------- config text


def proxy(url: str, *directives: str, before: str = "") -> str:
    """``http {}`` contents: ``before`` (upstream groups) and a server on
    LISTEN_PORT whose ``location /`` proxies to ``url``."""
    body = "".join(f"        {d}\n" for d in directives)
    return (f"{before}server {{\n    listen {LOOPBACK}:{LISTEN};\n"
            f"    location / {{\n        proxy_pass {url};\n{body}    }}\n}}\n")


def verify(trusted: Path | Cert, name: str | None = None) -> tuple[str, ...]:
    path = trusted.cert if isinstance(trusted, Cert) else trusted
    lines = ("proxy_ssl_verify on;", f"proxy_ssl_trusted_certificate {path};")
    return lines + ((f"proxy_ssl_name {name};",) if name else ())


def client(cert: Cert, key: Path | None = None) -> tuple[str, ...]:
    return (f"proxy_ssl_certificate {cert.cert};", f"proxy_ssl_certificate_key {key or cert.key};")


def https(port: int) -> str:
    return f"https://{LOOPBACK}:{port}"


# ------------------------------------------------------------------ registry

SCENARIOS: list[Scenario] = []
EC = {"key_type": "ec"}  # P-256 keys: a hundred times faster to make than RSA


def scenario(id: str, cause: str, side: str, phrase: str, before: int | str, *,
             fixable: bool | None = None) -> Callable[[Callable[[Context], Built]], Callable[[Context], Built]]:
    def register(build: Callable[[Context], Built]) -> Callable[[Context], Built]:
        summary = " ".join((build.__doc__ or "").strip().split("\n\n")[0].split())
        SCENARIOS.append(Scenario(id, cause, side, phrase, before, build, summary, fixable))
        return build
    return register


# -- trust --------------------------------------------------------------------


@scenario("self-signed-wrong-trust", "untrusted-certificate", "config",
          "upstream SSL certificate verify error: (18:self-signed certificate)", 502)
def _self_signed_wrong_trust(c: Context) -> Built:
    """Self-signed upstream; the trust file holds another self-signed cert (the one before a rotation)."""
    old = c.pki.self_signed("app.test", dns=["app.test"], **EC)
    cert = c.pki.self_signed("app.test", dns=["app.test"], **EC)
    port, _ = c.upstream(cert)
    return Built(proxy(https(port), *verify(old, "app.test")), c.showcerts(port),
                 reference=proxy(https(port), *verify(cert, "app.test")))


@scenario("private-ca-unrelated-trust", "untrusted-certificate", "config",
          "upstream SSL certificate verify error: (20:unable to get local issuer certificate)", 502)
def _private_ca_unrelated_trust(c: Context) -> Built:
    """root→int→leaf, the upstream sends leaf+int; the trust file holds an unrelated CA."""
    root = c.pki.root("Corp Root CA", **EC)
    inter = c.pki.intermediate("Corp Issuing CA", root, **EC)
    leaf = c.pki.leaf("app.test", inter, dns=["app.test"], **EC)
    other = c.pki.root("Some Other Root CA", **EC)
    port, _ = c.upstream(c.served(leaf, inter))
    return Built(proxy(https(port), *verify(other, "app.test")), c.showcerts(port), fix_ca=root.cert,
                 reference=proxy(https(port), *verify(root, "app.test")))


@scenario("private-ca-root-sent-unrelated-trust", "untrusted-certificate", "config",
          "upstream SSL certificate verify error: (19:self-signed certificate in certificate chain)", 502)
def _private_ca_root_sent(c: Context) -> Built:
    """root→int→leaf, the upstream sends leaf+int+root; the trust file holds an unrelated CA."""
    root = c.pki.root("Corp Root CA", **EC)
    inter = c.pki.intermediate("Corp Issuing CA", root, **EC)
    leaf = c.pki.leaf("app.test", inter, dns=["app.test"], **EC)
    other = c.pki.root("Some Other Root CA", **EC)
    port, _ = c.upstream(c.served(leaf, inter, root))
    return Built(proxy(https(port), *verify(other, "app.test")), c.showcerts(port),
                 reference=proxy(https(port), *verify(root, "app.test")))


@scenario("trusted-leaf-not-ca", "untrusted-certificate", "config",
          "upstream SSL certificate verify error: (20:unable to get local issuer certificate)", 502)
def _trusted_leaf(c: Context) -> Built:
    """root→int→leaf, the upstream sends leaf+int; the trust file holds the leaf
    (`s_client -showcerts | openssl x509`): the chain is complete, so the anchor is what is missing."""
    root = c.pki.root("Corp Root CA", **EC)
    inter = c.pki.intermediate("Corp Issuing CA", root, **EC)
    leaf = c.pki.leaf("app.test", inter, dns=["app.test"], **EC)
    port, _ = c.upstream(c.served(leaf, inter))
    return Built(proxy(https(port), *verify(leaf, "app.test")), c.showcerts(port), fix_ca=root.cert,
                 reference=proxy(https(port), *verify(root, "app.test")))


@scenario("trusted-leaf-direct-root", "untrusted-certificate", "config",
          "upstream SSL certificate verify error: (21:unable to verify the first certificate)", 502)
def _trusted_leaf_direct(c: Context) -> Built:
    """root→leaf, the upstream sends the leaf (complete: no intermediate); the trust file holds the
    leaf. Error 21 as for a missing intermediate: only the trust file (on disk) tells them apart."""
    root = c.pki.root("Corp Root CA", **EC)
    leaf = c.pki.leaf("app.test", root, dns=["app.test"], **EC)
    port, _ = c.upstream(leaf)
    return Built(proxy(https(port), *verify(leaf, "app.test")), c.showcerts(port), fix_ca=root.cert,
                 reference=proxy(https(port), *verify(root, "app.test")))


@scenario("two-intermediates-depth-1", "verify-depth-exceeded", "config",
          "upstream SSL certificate verify error: (20:unable to get local issuer certificate)", 502)
def _depth(c: Context) -> Built:
    """root→int1→int2→leaf, the upstream sends leaf+int2+int1, the root is trusted; default depth 1."""
    root = c.pki.root("Corp Root CA", **EC)
    policy = c.pki.intermediate("Corp Policy CA", root, **EC)
    issuing = c.pki.intermediate("Corp Issuing CA", policy, **EC)
    leaf = c.pki.leaf("app.test", issuing, dns=["app.test"], **EC)
    port, _ = c.upstream(c.served(leaf, issuing, policy))
    return Built(proxy(https(port), *verify(root, "app.test")), c.showcerts(port), fix_ca=root.cert,
                 reference=proxy(https(port), *verify(root, "app.test"), "proxy_ssl_verify_depth 2;"))


@scenario("missing-intermediate", "incomplete-chain", "upstream",
          "upstream SSL certificate verify error: (21:unable to verify the first certificate)", 502)
def _missing_intermediate(c: Context) -> Built:
    """root→int→leaf, the upstream sends only the leaf; the root is trusted."""
    root = c.pki.root("Corp Root CA", **EC)
    inter = c.pki.intermediate("Corp Issuing CA", root, **EC)
    leaf = c.pki.leaf("app.test", inter, dns=["app.test"], **EC)
    port, _ = c.upstream(leaf)
    # The proxy-side workaround: trust the intermediate too (it is not in the chain).
    both = c.pki.bundle("root+intermediate.pem", root, inter)
    return Built(proxy(https(port), *verify(root, "app.test")), c.showcerts(port), fix_ca=root.cert,
                 reference=proxy(https(port), *verify(both, "app.test")))


# -- names and SNI --------------------------------------------------------------


@scenario("name-mismatch-ip", "name-mismatch", "config",
          'upstream SSL certificate does not match "127.0.0.1"', 502)
def _name_ip(c: Context) -> Built:
    """proxy_pass https://127.0.0.1:P to a cert for app.test (with an IP SAN, which nginx ignores)."""
    cert = c.pki.self_signed("app.test", dns=["app.test"], ips=[LOOPBACK], **EC)
    port, _ = c.upstream(cert)
    return Built(proxy(https(port), *verify(cert)), c.showcerts(port),
                 reference=proxy(https(port), *verify(cert, "app.test")))


@scenario("name-mismatch-upstream-group", "name-mismatch", "config",
          'upstream SSL certificate does not match "backend"', 502)
def _name_group(c: Context) -> Built:
    """upstream backend { server 127.0.0.1:P; }, proxy_pass https://backend; the cert names two hosts."""
    root = c.pki.root("Corp Root CA", **EC)
    leaf = c.pki.leaf("app.test", root, dns=["app.test", "api.test"], **EC)
    port, _ = c.upstream(leaf)
    group = f"upstream backend {{\n    server {LOOPBACK}:{port};\n}}\n"
    return Built(proxy("https://backend", *verify(root), before=group), c.showcerts(port),
                 fix_args=("--ssl-name", "backend=app.test"), fix_ca=root.cert,
                 reference=proxy("https://backend", *verify(root, "app.test"), before=group))


@scenario("sni-required", "sni-required", "config",
          "tlsv1 unrecognized name:SSL alert number 112", 502)
def _sni_required(c: Context) -> Built:
    """The upstream rejects handshakes without SNI (ssl_reject_handshake); proxy_ssl_server_name is off."""
    cert = c.pki.self_signed("app.test", dns=["app.test"], **EC)
    port, _ = c.upstream(sites={"app.test": cert})
    host = "proxy_set_header Host app.test;"  # the upstream routes by Host too
    return Built(proxy(https(port), *verify(cert, "app.test"), host), c.showcerts(port, "app.test"),
                 reference=proxy(https(port), *verify(cert, "app.test"), host, "proxy_ssl_server_name on;"))


@scenario("multi-site-default-cert", "sni-required", "config",
          'upstream SSL certificate does not match "app.test"', 502)
def _multi_site(c: Context) -> Built:
    """A multi-site upstream serves its default cert (default.test) without SNI; the chain (with SNI) names app.test."""
    root = c.pki.root("Corp Root CA", **EC)
    default = c.pki.leaf("default.test", root, dns=["default.test"], **EC)
    app = c.pki.leaf("app.test", root, dns=["app.test"], **EC)
    port, _ = c.upstream(default, sites={"app.test": app})
    host = "proxy_set_header Host app.test;"
    return Built(proxy(https(port), *verify(root, "app.test"), host), c.showcerts(port, "app.test"),
                 fix_ca=root.cert,
                 reference=proxy(https(port), *verify(root, "app.test"), host, "proxy_ssl_server_name on;"))


@scenario("host-header-mismatch", "host-header-mismatch", "config",
          "client attempted to request the server name different from the one that was negotiated", 421)
def _host_header(c: Context) -> Built:
    """SNI is right, but `proxy_set_header Host $host` forwards the public name to an mTLS upstream: 421."""
    root = c.pki.root("Corp Root CA", **EC)
    app = c.pki.leaf("app.test", root, dns=["app.test"], **EC)
    proxy_cert = c.pki.leaf("proxy.test", root, client=True, **EC)
    port, up = c.upstream(sites={"app.test": app}, client_ca=root.cert)
    tls = (*verify(root, "app.test"), "proxy_ssl_server_name on;", *client(proxy_cert))
    return Built(proxy(https(port), *tls, "proxy_set_header Host $host;"), c.showcerts(port, "app.test"),
                 fix_ca=root.cert, evidence_upstreams=[up], host_header="www.example.com",
                 reference=proxy(https(port), *tls, "proxy_set_header Host app.test;"))


# -- validity, revocation, purpose, key -------------------------------------
# Upstream side: the proxy's config is right; the upstream (or its PKI) must change.


@scenario("certificate-expired", "certificate-expired", "upstream",
          "upstream SSL certificate verify error: (10:certificate has expired)", 502)
def _expired(c: Context) -> Built:
    """The upstream's leaf expired yesterday; trust and name are right."""
    root = c.pki.root("Corp Root CA", **EC)
    leaf = c.pki.leaf("app.test", root, dns=["app.test"], not_before_days=-30, days=-1, **EC)
    port, _ = c.upstream(leaf)
    return Built(proxy(https(port), *verify(root, "app.test")), c.showcerts(port), fix_ca=root.cert)


@scenario("certificate-not-yet-valid", "certificate-not-yet-valid", "upstream",
          "upstream SSL certificate verify error: (9:certificate is not yet valid)", 502)
def _not_yet_valid(c: Context) -> Built:
    """The upstream's leaf becomes valid tomorrow (clock skew, or issued ahead)."""
    root = c.pki.root("Corp Root CA", **EC)
    leaf = c.pki.leaf("app.test", root, dns=["app.test"], not_before_days=1, days=90, **EC)
    port, _ = c.upstream(leaf)
    return Built(proxy(https(port), *verify(root, "app.test")), c.showcerts(port), fix_ca=root.cert)


@scenario("certificate-revoked", "certificate-revoked", "upstream",
          "upstream SSL certificate verify error: (23:certificate revoked)", 502)
def _revoked(c: Context) -> Built:
    """The upstream's leaf is on its CA's CRL, which proxy_ssl_crl loads."""
    root = c.pki.root("Corp Root CA", **EC)
    leaf = c.pki.leaf("app.test", root, dns=["app.test"], **EC)
    c.pki.revoke(leaf)
    crl = c.pki.crl(root)
    port, _ = c.upstream(leaf)
    return Built(proxy(https(port), *verify(root, "app.test"), f"proxy_ssl_crl {crl};"),
                 c.showcerts(port), fix_ca=root.cert)


@scenario("crl-expired", "crl-expired", "upstream",
          "upstream SSL certificate verify error: (12:CRL has expired)", 502)
def _crl_expired(c: Context) -> Built:
    """proxy_ssl_crl holds the right CA's CRL, but its nextUpdate has passed (refresh it from the CA)."""
    root = c.pki.root("Corp Root CA", **EC)
    leaf = c.pki.leaf("app.test", root, dns=["app.test"], **EC)
    crl = c.pki.crl(root, last_update_days=-40, next_update_days=-10)
    port, _ = c.upstream(leaf)
    return Built(proxy(https(port), *verify(root, "app.test"), f"proxy_ssl_crl {crl};"),
                 c.showcerts(port), fix_ca=root.cert)


@scenario("crl-wrong-issuer", "crl-wrong-issuer", "config",
          "upstream SSL certificate verify error: (3:unable to get certificate CRL)", 502, fixable=False)
def _crl_wrong_issuer(c: Context) -> Built:
    """proxy_ssl_crl holds only another CA's CRL (the right CRL is not something fix is given)."""
    root = c.pki.root("Corp Root CA", **EC)
    leaf = c.pki.leaf("app.test", root, dns=["app.test"], **EC)
    other = c.pki.root("Some Other Root CA", **EC)
    crl = c.pki.crl(other)
    right = c.pki.crl(root)
    port, _ = c.upstream(leaf)
    return Built(proxy(https(port), *verify(root, "app.test"), f"proxy_ssl_crl {crl};"),
                 c.showcerts(port), fix_ca=root.cert,
                 reference=proxy(https(port), *verify(root, "app.test"), f"proxy_ssl_crl {right};"))


@scenario("certificate-purpose", "certificate-purpose", "upstream",
          "upstream SSL certificate verify error: (26:unsuitable certificate purpose)", 502)
def _purpose(c: Context) -> Built:
    """The upstream serves a cert whose extendedKeyUsage is clientAuth only."""
    root = c.pki.root("Corp Root CA", **EC)
    leaf = c.pki.leaf("app.test", root, dns=["app.test"], client=True, **EC)
    port, _ = c.upstream(leaf)
    return Built(proxy(https(port), *verify(root, "app.test")), c.showcerts(port), fix_ca=root.cert)


@scenario("weak-upstream-key", "weak-upstream-key", "upstream",
          "upstream SSL certificate verify error: (66:EE certificate key too weak)", 502)
def _weak_key(c: Context) -> Built:
    """The upstream's leaf has a 512-bit RSA key (it serves it at SECLEVEL=0); the proxy's OpenSSL refuses it."""
    root = c.pki.root("Corp Root CA", **EC)
    leaf = c.pki.leaf("app.test", root, dns=["app.test"], key_type="rsa", bits=512)
    port, _ = c.upstream(leaf, extra="ssl_ciphers DEFAULT:@SECLEVEL=0;")
    return Built(proxy(https(port), *verify(root, "app.test")), c.showcerts(port), fix_ca=root.cert)


# -- protocols and ciphers ------------------------------------------------------


@scenario("tls13-only-upstream", "protocol-mismatch", "config",
          "tlsv1 alert protocol version:SSL alert number 70", 502)
def _tls13_only(c: Context) -> Built:
    """The upstream speaks TLSv1.3 only; the proxy says proxy_ssl_protocols TLSv1.2."""
    cert = c.pki.self_signed("app.test", dns=["app.test"], **EC)
    port, _ = c.upstream(cert, protocols="TLSv1.3")
    return Built(proxy(https(port), *verify(cert, "app.test"), "proxy_ssl_protocols TLSv1.2;"), c.showcerts(port),
                 reference=proxy(https(port), *verify(cert, "app.test"), "proxy_ssl_protocols TLSv1.2 TLSv1.3;"))


@scenario("legacy-upstream-protocol", "legacy-upstream-protocol", "upstream",
          "legacy sigalg disallowed or unsupported", 502)
def _legacy_protocol(c: Context) -> Built:
    """The upstream speaks TLSv1 only; OpenSSL 3 refuses TLS 1.0's SHA-1 signatures at its default
    security level (s_client fails too, so there is no chain)."""
    cert = c.pki.self_signed("app.test", dns=["app.test"], **EC)
    port, _ = c.upstream(cert, protocols="TLSv1", extra="ssl_ciphers DEFAULT:@SECLEVEL=0;")
    return Built(proxy(https(port), *verify(cert, "app.test")), None)


@scenario("cipher-mismatch", "cipher-mismatch", "config",
          "sslv3 alert handshake failure:SSL alert number 40", 502)
def _cipher_mismatch(c: Context) -> Built:
    """TLSv1.2 on both sides; proxy_ssl_ciphers and the upstream's ssl_ciphers share no suite."""
    cert = c.pki.self_signed("app.test", dns=["app.test"], **EC)
    port, _ = c.upstream(cert, protocols="TLSv1.2", extra="ssl_ciphers ECDHE-ECDSA-AES256-GCM-SHA384;")
    tls = (*verify(cert, "app.test"), "proxy_ssl_protocols TLSv1.2;")
    return Built(proxy(https(port), *tls, "proxy_ssl_ciphers ECDHE-ECDSA-CHACHA20-POLY1305;"), c.showcerts(port),
                 reference=proxy(https(port), *tls))


# -- scheme ------------------------------------------------------------------------


@scenario("https-to-plain-http", "https-to-plain-http", "config",
          "wrong version number", 502)
def _https_to_plain(c: Context) -> Built:
    """proxy_pass https:// to a plain-HTTP port (no chain: s_client gets no certificate). Going plain
    drops TLS, so the tool offers it as an unsafe fix only: the scenario asks for it."""
    port, _ = c.plain_upstream()
    return Built(proxy(https(port)), None, reference=proxy(f"http://{LOOPBACK}:{port}"),
                 fix_args=("--unsafe-fixes",))


@scenario("http-to-https-port", "http-to-https-port", "config",
          "client sent plain HTTP request to HTTPS port", 400)
def _http_to_https(c: Context) -> Built:
    """proxy_pass http:// to an HTTPS port; the upstream answers 400 and says why in its own log."""
    cert = c.pki.self_signed("app.test", dns=["app.test"], **EC)
    port, up = c.upstream(cert)
    return Built(proxy(f"http://{LOOPBACK}:{port}"), c.showcerts(port), evidence_upstreams=[up],
                 reference=proxy(https(port), *verify(cert, "app.test")))


@scenario("upstream-server-ssl-flag", "upstream-server-ssl-flag", "config",
          'invalid parameter "ssl"', NGINX_T)
def _server_ssl_flag(c: Context) -> Built:
    """`server 127.0.0.1:P ssl;` in an upstream group (no such parameter) with proxy_pass http://backend."""
    cert = c.pki.self_signed("app.test", dns=["app.test"], **EC)
    port, _ = c.upstream(cert)
    group = f"upstream backend {{\n    server {LOOPBACK}:{port}%s;\n}}\n"
    return Built(proxy("http://backend", before=group % " ssl"), c.showcerts(port),
                 fix_args=("--ssl-name", "backend=app.test"),
                 reference=proxy("https://backend", *verify(cert, "app.test"), before=group % ""))


# -- what the evidence-driven fix must finish on its own --------------------------

SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"


@scenario("self-signed-trusting-os-bundle", "untrusted-certificate", "config",
          "upstream SSL certificate verify error: (18:self-signed certificate)", 502)
def _self_signed_os_bundle(c: Context) -> Built:
    """A self-signed upstream reached by IP while the config trusts the OS bundle, which can never hold it:
    the fix points the trust at the CA file it writes and takes the name from the chain's one DNS name."""
    cert = c.pki.self_signed("app.test", dns=["app.test"], **EC)
    port, _ = c.upstream(cert)
    return Built(proxy(https(port), "proxy_ssl_verify on;", f"proxy_ssl_trusted_certificate {SYSTEM_BUNDLE};"),
                 c.showcerts(port), reference=proxy(https(port), *verify(cert, "app.test")))


@scenario("name-based-upstream-by-ip", "sni-required", "config",
          "tlsv1 unrecognized name:SSL alert number 112", 502)
def _name_based_by_ip(c: Context) -> Built:
    """An upstream that refuses handshakes without SNI and picks its site by Host, reached by IP with nothing
    set: SNI, the name (from the chain) and Host must all follow, or it answers 404 from its default server."""
    cert = c.pki.self_signed("app.test", dns=["app.test"], **EC)
    port, _ = c.upstream(sites={"app.test": cert})
    return Built(proxy(https(port)), c.showcerts(port, "app.test"),
                 reference=proxy(https(port), *verify(cert, "app.test"), "proxy_ssl_server_name on;",
                                 "proxy_set_header Host app.test;"))


@scenario("plain-port-probed", "https-to-plain-http", "config", "wrong version number", 502)
def _plain_port_probed(c: Context) -> Built:
    """proxy_pass https:// to a plain-HTTP port, with what `openssl s_client` printed there pasted as the
    chain: no certificate, but evidence. Going plain is an unsafe fix: the scenario asks for it."""
    port, _ = c.plain_upstream()
    return Built(proxy(https(port)), c.probe(port), reference=proxy(f"http://{LOOPBACK}:{port}"),
                 fix_args=("--unsafe-fixes",))


# -- trust file ---------------------------------------------------------------------


@scenario("verify-without-trusted-certificate", "verify-without-trusted-certificate", "config",
          "no proxy_ssl_trusted_certificate for proxy_ssl_verify", NGINX_T)
def _verify_without_trust(c: Context) -> Built:
    """proxy_ssl_verify on with no proxy_ssl_trusted_certificate anywhere."""
    cert = c.pki.self_signed("app.test", dns=["app.test"], **EC)
    port, _ = c.upstream(cert)
    return Built(proxy(https(port), "proxy_ssl_verify on;", "proxy_ssl_name app.test;"), c.showcerts(port),
                 reference=proxy(https(port), *verify(cert, "app.test")))


@scenario("trusted-certificate-missing", "trusted-certificate-unreadable", "config",
          "SSL_CTX_load_verify_locations(", NGINX_T)
def _trust_missing(c: Context) -> Built:
    """proxy_ssl_trusted_certificate names a file that does not exist."""
    cert = c.pki.self_signed("app.test", dns=["app.test"], **EC)
    port, _ = c.upstream(cert)
    missing = c.directory / "missing" / "upstream-ca.pem"
    return Built(proxy(https(port), *verify(missing, "app.test")), c.showcerts(port),
                 reference=proxy(https(port), *verify(cert, "app.test")))


@scenario("trusted-certificate-der", "trusted-certificate-not-pem", "config",
          "no certificate or crl found", NGINX_T)
def _trust_der(c: Context) -> Built:
    """proxy_ssl_trusted_certificate is the right cert in DER form."""
    cert = c.pki.self_signed("app.test", dns=["app.test"], **EC)
    port, _ = c.upstream(cert)
    return Built(proxy(https(port), *verify(c.pki.der(cert), "app.test")), c.showcerts(port),
                 reference=proxy(https(port), *verify(cert, "app.test")))


# -- client certificates --------------------------------------------------------------


def _mtls(c: Context) -> tuple[Cert, Cert, int, Nginx, Cert]:
    """(server root, client CA, port, upstream, good client cert) for an
    upstream that requires client certificates."""
    root = c.pki.root("Corp Root CA", **EC)
    leaf = c.pki.leaf("app.test", root, dns=["app.test"], **EC)
    client_ca = c.pki.root("Corp Client CA", **EC)
    good = c.pki.leaf("proxy.test", client_ca, client=True, **EC)
    port, up = c.upstream(leaf, client_ca=client_ca.cert)
    return root, client_ca, port, up, good


def _mtls_built(config: str, c: Context, root: Cert, port: int, good: Cert, **kwargs) -> Built:
    return Built(config, c.showcerts(port), fix_ca=root.cert,
                 fix_args=("--client-cert", str(good.cert), "--client-key", str(good.key)),
                 reference=proxy(https(port), *verify(root, "app.test"), *client(good)), **kwargs)


@scenario("client-certificate-required", "client-certificate-required", "config",
          "client sent no required SSL certificate", 400)
def _client_cert_required(c: Context) -> Built:
    """The upstream requires a client cert; the proxy sends none (its own log is silent)."""
    root, _, port, up, good = _mtls(c)
    return _mtls_built(proxy(https(port), *verify(root, "app.test")), c, root, port, good,
                       evidence_upstreams=[up])


@scenario("client-certificate-rejected", "client-certificate-rejected", "config",
          "client SSL certificate verify error: (21:unable to verify the first certificate)", 400)
def _client_cert_rejected(c: Context) -> Built:
    """The proxy sends a client cert from a CA the upstream does not trust."""
    root, _, port, up, good = _mtls(c)
    wrong = c.pki.leaf("proxy.test", c.pki.root("Some Other Client CA", **EC), client=True, **EC)
    return _mtls_built(proxy(https(port), *verify(root, "app.test"), *client(wrong)), c, root, port, good,
                       evidence_upstreams=[up])


@scenario("client-key-mismatch", "client-key-mismatch", "config", "key values mismatch", NGINX_T)
def _client_key_mismatch(c: Context) -> Built:
    """proxy_ssl_certificate_key is the key of another certificate."""
    root, client_ca, port, _, good = _mtls(c)
    other = c.pki.leaf("other.test", client_ca, client=True, **EC)
    return _mtls_built(proxy(https(port), *verify(root, "app.test"), *client(good, other.key)), c, root, port, good)


@scenario("client-key-missing", "client-key-missing", "config",
          'no "proxy_ssl_certificate_key" is defined for certificate', NGINX_T)
def _client_key_missing(c: Context) -> Built:
    """proxy_ssl_certificate without proxy_ssl_certificate_key."""
    root, _, port, _, good = _mtls(c)
    return _mtls_built(proxy(https(port), *verify(root, "app.test"), f"proxy_ssl_certificate {good.cert};"),
                       c, root, port, good)


@scenario("client-key-encrypted", "client-key-encrypted", "config",
          "PEM_read_bio_PrivateKey() failed", NGINX_T)
def _client_key_encrypted(c: Context) -> Built:
    """proxy_ssl_certificate_key is passphrase-protected and there is no proxy_ssl_password_file."""
    root, _, port, _, good = _mtls(c)
    encrypted = c.encrypted_key(good)
    return _mtls_built(proxy(https(port), *verify(root, "app.test"), *client(good, encrypted)), c, root, port, good)


def by_id(id: str) -> Scenario:
    return next(s for s in SCENARIOS if s.id == id)


# ---------------------------------------------------------------------- running


def run_before(built: Built, nginx: NginxFactory) -> Before:
    """Run the broken config for real: nginx -t, then one GET through it.

    The evidence is what a person would paste: the nginx -t output when the
    config test fails, else the proxy's error.log, followed by the logs of
    ``built.evidence_upstreams``.  The proxy is stopped afterwards.
    """
    port = free_port()
    config = built.config.replace(LISTEN, str(port))
    instance = nginx(config, name="proxy")
    ok, output = instance.test()
    if not ok:
        return Before(config, port, False, None, "", output, output)
    instance.start()
    try:
        status, body = get(port, host_header=built.host_header)
    finally:
        instance.stop()
    proxy_log = instance.error_log()
    log = proxy_log + "".join(up.error_log() for up in built.evidence_upstreams)
    return Before(config, port, True, status, body, log, proxy_log)


def serve(config: str, built: Built, nginx: NginxFactory) -> tuple[bool, int | None, str]:
    """Run ``config`` (``http {}`` contents listening on LISTEN_PORT) on a
    fresh port: (nginx -t accepts it, status or None, nginx -t output + error log)."""
    port = free_port()
    instance = nginx(config.replace(LISTEN, str(port)), name="fixed")
    ok, output = instance.test()
    if not ok:
        return False, None, output
    instance.start()
    try:
        status, _ = get(port, host_header=built.host_header)
    finally:
        instance.stop()
    return True, status, output + instance.error_log()


def run_after(fixed: str, before: Before, built: Built, nginx: NginxFactory) -> tuple[bool, int | None, str]:
    """Run ``fixed`` (fix's output for ``before.config``), see :func:`serve`."""
    listen = f"listen {LOOPBACK}:{before.port};"
    return serve(fixed.replace(listen, f"listen {LOOPBACK}:{LISTEN};"), built, nginx)


@dataclass
class Inputs:
    """The files the CLI is given."""

    directory: Path
    config: Path
    log: Path
    chain: Path | None

    @property
    def ca(self) -> Path:
        return self.directory / "ca.pem"


def write_inputs(directory: Path, built: Built, before: Before) -> Inputs:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "proxy.conf"
    config.write_text(before.config)
    log = directory / "error.log"
    log.write_text(before.log)
    chain = None
    if built.chain is not None:
        chain = directory / "chain.txt"
        chain.write_text(built.chain)
    return Inputs(directory, config, log, chain)


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """``upstream-tls ARGS`` through the interpreter running us."""
    return subprocess.run([sys.executable, "-m", "upstream_tls", *map(str, args)],
                          capture_output=True, text=True, timeout=60)


def diagnose_args(inputs: Inputs) -> list[str | Path]:
    args: list[str | Path] = ["diagnose", inputs.config, "--error-log", inputs.log]
    if inputs.chain is not None:
        args += ["--upstream-cert", inputs.chain]
    return args + ["--format", "json"]


def fix_args(inputs: Inputs, built: Built) -> list[str | Path]:
    args: list[str | Path] = ["fix", inputs.config, "--error-log", inputs.log]
    if inputs.chain is not None:
        args += ["--upstream-cert", inputs.chain]
    if built.fix_ca is not None:
        args += ["--ca-file", built.fix_ca]
    elif inputs.chain is not None and "BEGIN CERTIFICATE" in inputs.chain.read_text():
        args += ["--ca-file", inputs.ca, "--write-ca", inputs.ca]
    else:  # no TLS to show (plain HTTP, or a handshake s_client cannot do either)
        args += ["--ca-file", inputs.ca]
    return args + list(built.fix_args)


def diagnose(inputs: Inputs) -> tuple[subprocess.CompletedProcess[str], dict | None]:
    proc = cli(*diagnose_args(inputs))
    try:
        payload = json.loads(proc.stdout)
    except ValueError:
        payload = None
    return proc, payload


def top_issuer(chain: str) -> str:
    """The issuer CN of the last certificate in ``chain`` (s_client output):
    the certificate --write-ca would need when the chain stops short of a root."""
    blocks = re.findall(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", chain, re.DOTALL)
    proc = subprocess.run([OPENSSL, "x509", "-noout", "-issuer", "-nameopt", "multiline"],
                          input=blocks[-1], capture_output=True, text=True, check=True)
    return re.search(r"commonName\s*=\s*(.+)", proc.stdout).group(1).strip()


def first_cause(payload: dict | None) -> dict | None:
    causes = (payload or {}).get("causes") or []
    return causes[0] if causes else None


# ------------------------------------------------------------------------ table


@contextmanager
def instances(directory: Path) -> Iterator[NginxFactory]:
    """An nginx factory outside pytest (like conftest's nginx_factory);
    every instance is stopped on exit."""
    made: list[Nginx] = []

    def make(http: str, stream: str | None = None, name: str | None = None) -> Nginx:
        instance = Nginx(Path(directory) / f"{name or 'nginx'}{len(made)}")
        made.append(instance)
        return instance.configure(http, stream)

    try:
        yield make
    finally:
        for instance in made:
            instance.stop()


@dataclass
class Row:
    scenario: Scenario
    phrase_seen: bool
    before: str
    cause: str
    after: str


def run_scenario(s: Scenario, directory: Path) -> Row:
    """Everything the tests check, for one scenario, as a table row."""
    with instances(directory / "nginx") as nginx:
        built = s.build(Context(Pki(directory / "pki"), nginx, directory / "files"))
        before = run_before(built, nginx)
        inputs = write_inputs(directory / "input", built, before)
        proc, payload = diagnose(inputs)
        cause = first_cause(payload)
        named = f"{cause.get('cause')} ({cause.get('side')})" if cause else f"— (exit {proc.returncode})"
        if not s.must_fix:
            after = f"— ({s.side} side)"
        else:
            fixed = cli(*fix_args(inputs, built))
            if fixed.returncode not in (0, 1) or not fixed.stdout:
                after = f"— (fix exit {fixed.returncode})"
            else:
                ok, status, _ = run_after(fixed.stdout, before, built, nginx)
                after = str(status) if ok else NGINX_T + " fails"
    return Row(s, s.phrase in before.log, before.shown, named, after)


def table(rows: list[Row]) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = ["| scenario | nginx's log phrase | cause named (expected) | status before → after |",
             "|---|---|---|---|"]
    for row in rows:
        s = row.scenario
        phrase = f"`{cell(s.phrase)}`" + ("" if row.phrase_seen else " (NOT SEEN)")
        wanted = f"{s.cause} ({s.side})"
        expected = "" if row.cause == wanted else f" (expected {wanted})"
        lines.append(f"| {s.id} | {phrase} | {cell(row.cause)}{expected} | {row.before} → {row.after} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--table", action="store_true", help="run the scenarios, print a Markdown table")
    parser.add_argument("--list", action="store_true", help="list the scenarios without running them")
    parser.add_argument("-k", metavar="TEXT", default="", help="only scenarios whose id contains TEXT")
    args = parser.parse_args(argv)
    chosen = [s for s in SCENARIOS if args.k in s.id]
    if args.list or not args.table:
        for s in chosen:
            print(f"{s.id:38} {s.cause:36} {s.side:8} {s.before!s:8} {s.summary}")
        return 0
    rows = []
    with tempfile.TemporaryDirectory(prefix="upstream-tls-scenarios-") as tmp:
        for number, s in enumerate(chosen):
            print(f"[{number + 1}/{len(chosen)}] {s.id}", file=sys.stderr)
            rows.append(run_scenario(s, Path(tmp) / f"{number:02d}-{s.id}"))
    sys.stdout.write(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
