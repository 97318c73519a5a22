"""Real-nginx test harness: throwaway PKI, nginx processes and HTTPS upstreams.

Everything runs on 127.0.0.1 with per-test directories, so the behaviour the
tool diagnoses is checked against what nginx really does, not against what
blog posts say it does.  Certificates and keys are generated at test time with
the ``openssl`` CLI; no private key is ever committed.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

# /usr/sbin is not on PATH for every user, but that is where Debian puts nginx.
_SEARCH_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
NGINX = shutil.which("nginx", path=_SEARCH_PATH)
OPENSSL = shutil.which("openssl", path=_SEARCH_PATH)
# Debian ships the stream module as a separate dynamic module (libnginx-mod-stream).
STREAM_MODULE = Path("/usr/lib/nginx/modules/ngx_stream_module.so")

LOOPBACK = "127.0.0.1"


def _run(*args: str | os.PathLike[str]) -> None:
    """Run a command, raising with its output on failure (openssl is terse otherwise)."""
    proc = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(map(str, args))} failed ({proc.returncode}):\n"
            f"{proc.stdout}{proc.stderr}"
        )


# --------------------------------------------------------------------------- PKI


@dataclass(frozen=True)
class Cert:
    """A generated certificate with its key; ``issuer`` is None when self-signed."""

    cn: str
    cert: Path
    key: Path
    issuer: Cert | None

    @property
    def pem(self) -> str:
        return self.cert.read_text()

    @property
    def chain(self) -> tuple[Cert, ...]:
        """This cert and its issuers, root excluded: what a server sends, in the
        order ``openssl s_client -showcerts`` prints it."""
        certs = [self]
        cert = self.issuer
        while cert is not None and cert.issuer is not None:
            certs.append(cert)
            cert = cert.issuer
        return tuple(certs)

    @property
    def _dir(self) -> Path:
        # Each cert owns a directory, which doubles as its `openssl ca` database.
        return self.cert.parent


_CA_CONF = """\
[ca]
default_ca = ca_section

[ca_section]
dir = {dir}
database = $dir/index.txt
new_certs_dir = $dir/issued
rand_serial = yes
crlnumber = $dir/crlnumber
default_md = sha256
default_crl_days = 30
unique_subject = no
copy_extensions = none
email_in_dn = no
policy = policy_any

[policy_any]
commonName = supplied
"""


def _openssl_time(days: float) -> str:
    """`openssl ca` date for now + days (GeneralizedTime, so any year works)."""
    when = datetime.now(UTC) + timedelta(days=days)
    return when.strftime("%Y%m%d%H%M%SZ")


class Pki:
    """Certificates made with the ``openssl`` CLI, under ``directory``.

    Signing goes through ``openssl ca`` because OpenSSL 3.0's ``x509 -req``
    cannot set notBefore (``-not_before`` arrived in 3.4), and expired and
    not-yet-valid certificates are cases the tool must recognise.  The same
    database also gives revocation and CRLs.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self._count = 0

    # -- issuing -------------------------------------------------------------

    def root(self, cn: str = "Test Root CA", *, days: float = 3650,
             not_before_days: float = -1, key_type: str = "rsa",
             bits: int = 2048) -> Cert:
        """A self-signed CA certificate."""
        return self._issue(cn, None, _ca_ext(), days, not_before_days, key_type, bits)

    def intermediate(self, cn: str, issuer: Cert, *, days: float = 1825,
                     not_before_days: float = -1, key_type: str = "rsa",
                     bits: int = 2048) -> Cert:
        """A CA certificate signed by ``issuer``."""
        return self._issue(cn, issuer, _ca_ext(), days, not_before_days, key_type, bits)

    def leaf(self, cn: str, issuer: Cert, *, dns: Sequence[str] = (),
             ips: Sequence[str] = (), days: float = 30, not_before_days: float = -1,
             client: bool = False, key_type: str = "rsa", bits: int = 2048) -> Cert:
        """An end-entity certificate signed by ``issuer``.

        With neither ``dns`` nor ``ips`` there is no subjectAltName, so
        verifiers fall back to the CN.  ``not_before_days``/``days`` are
        offsets from now: ``not_before_days=-10, days=-1`` is expired,
        ``not_before_days=1`` is not yet valid.  ``client=True`` sets
        extendedKeyUsage clientAuth only (unsuitable as a server cert).
        """
        ext = _leaf_ext(dns, ips, client)
        return self._issue(cn, issuer, ext, days, not_before_days, key_type, bits)

    def self_signed(self, cn: str, *, dns: Sequence[str] = (),
                    ips: Sequence[str] = (), days: float = 365,
                    not_before_days: float = -1, key_type: str = "rsa",
                    bits: int = 2048) -> Cert:
        """A self-signed server certificate shaped like the usual
        ``openssl req -x509 -addext subjectAltName=...`` recipe (CA:TRUE)."""
        ext = _ca_ext() + _san(dns, ips)
        return self._issue(cn, None, ext, days, not_before_days, key_type, bits)

    def _issue(self, cn: str, issuer: Cert | None, ext: str, days: float,
               not_before_days: float, key_type: str, bits: int) -> Cert:
        self._count += 1
        slug = re.sub(r"[^A-Za-z0-9.-]+", "_", cn)
        d = self.directory / f"{self._count:02d}-{slug}"
        (d / "issued").mkdir(parents=True)
        (d / "index.txt").write_text("")
        (d / "crlnumber").write_text("01\n")
        (d / "ca.cnf").write_text(_CA_CONF.format(dir=d))
        (d / "ext.cnf").write_text("[ext]\n" + ext)
        cert = Cert(cn, d / "cert.pem", d / "key.pem", issuer)

        _run(OPENSSL, "genpkey", *_keygen_args(key_type, bits), "-out", cert.key)
        _run(OPENSSL, "req", "-new", "-key", cert.key, "-subj", f"/CN={cn}",
             "-out", d / "csr.pem")
        signer = issuer or cert
        _run(OPENSSL, "ca", "-batch", "-notext", "-config", signer._dir / "ca.cnf",
             "-in", d / "csr.pem", "-out", cert.cert, "-keyfile", signer.key,
             *(["-selfsign"] if issuer is None else ["-cert", issuer.cert]),
             "-startdate", _openssl_time(not_before_days),
             "-enddate", _openssl_time(days),
             "-extfile", d / "ext.cnf", "-extensions", "ext")
        return cert

    # -- derived files -------------------------------------------------------

    def bundle(self, name: str, *certs: Cert) -> Path:
        """Concatenate PEM certificates into ``name``: a chain file
        (``*leaf.chain``) or a CA bundle for proxy_ssl_trusted_certificate."""
        path = self.directory / name
        path.write_text("".join(c.pem for c in certs))
        return path

    def der(self, cert: Cert) -> Path:
        """A DER copy of ``cert`` (nginx cannot load DER; users try anyway)."""
        path = cert.cert.with_suffix(".der")
        _run(OPENSSL, "x509", "-in", cert.cert, "-outform", "DER", "-out", path)
        return path

    def revoke(self, cert: Cert) -> None:
        """Mark ``cert`` revoked in its issuer's database (shows up in the next CRL)."""
        if cert.issuer is None:
            raise ValueError("cannot revoke a self-signed certificate")
        issuer = cert.issuer
        _run(OPENSSL, "ca", "-batch", "-config", issuer._dir / "ca.cnf",
             "-cert", issuer.cert, "-keyfile", issuer.key, "-revoke", cert.cert)

    def crl(self, issuer: Cert, *, last_update_days: float = -1,
            next_update_days: float = 30) -> Path:
        """A PEM CRL from ``issuer``; negative ``next_update_days`` makes it expired."""
        number = (issuer._dir / "crlnumber").read_text().strip()
        path = issuer._dir / f"crl-{number}.pem"
        _run(OPENSSL, "ca", "-batch", "-gencrl", "-config", issuer._dir / "ca.cnf",
             "-cert", issuer.cert, "-keyfile", issuer.key, "-out", path,
             "-crl_lastupdate", _openssl_time(last_update_days),
             "-crl_nextupdate", _openssl_time(next_update_days))
        return path


def _keygen_args(key_type: str, bits: int) -> list[str]:
    if key_type == "rsa":
        return ["-algorithm", "RSA", "-pkeyopt", f"rsa_keygen_bits:{bits}"]
    if key_type == "ec":
        return ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]
    raise ValueError(f"unknown key_type {key_type!r} (rsa or ec)")


def _ca_ext() -> str:
    return (
        "basicConstraints = critical, CA:TRUE\n"
        "keyUsage = critical, keyCertSign, cRLSign, digitalSignature\n"
        "subjectKeyIdentifier = hash\n"
        "authorityKeyIdentifier = keyid:always\n"
    )


def _leaf_ext(dns: Sequence[str], ips: Sequence[str], client: bool) -> str:
    return (
        "basicConstraints = critical, CA:FALSE\n"
        "keyUsage = critical, digitalSignature, keyEncipherment\n"
        f"extendedKeyUsage = {'clientAuth' if client else 'serverAuth'}\n"
        "subjectKeyIdentifier = hash\n"
        "authorityKeyIdentifier = keyid:always\n"
    ) + _san(dns, ips)


def _san(dns: Iterable[str], ips: Iterable[str]) -> str:
    names = [f"DNS:{d}" for d in dns] + [f"IP:{i}" for i in ips]
    return f"subjectAltName = {', '.join(names)}\n" if names else ""


# ------------------------------------------------------------------------- nginx


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


class Nginx:
    """One nginx master process with its own prefix, config, logs and pid.

    The config is complete (no /etc/nginx includes) so instances never share
    state with each other or with a system nginx, and several can run at once.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.conf = self.directory / "nginx.conf"
        self.error_log_path = self.directory / "error.log"
        self.pid_file = self.directory / "nginx.pid"
        self._proc: subprocess.Popen[bytes] | None = None

    def configure(self, http: str, stream: str | None = None) -> Nginx:
        """Write nginx.conf around the *contents* of the ``http {}`` (and
        optionally ``stream {}``) block."""
        d = self.directory
        lines = [
            "daemon off;",
            "master_process on;",
            "worker_processes 1;",
            f"pid {self.pid_file};",
            f"error_log {self.error_log_path} info;",
        ]
        if os.geteuid() == 0:
            # Workers otherwise drop to nobody/www-data and cannot enter
            # pytest's 0700 tmp directories (temp files, static roots).
            lines.append("user root;")
        if stream is not None and STREAM_MODULE.exists():
            lines.insert(0, f"load_module {STREAM_MODULE};")
        lines += [
            "events { worker_connections 64; }",
            "http {",
            f"    access_log {d}/access.log;",
            *(f"    {kind}_temp_path {d}/{kind}_temp;"
              for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")),
            http,
            "}",
        ]
        if stream is not None:
            lines += ["stream {", stream, "}"]
        self.conf.write_text("\n".join(lines) + "\n")
        return self

    def _args(self, *extra: str) -> list[str]:
        # -e: the compiled-in error log (/var/log/nginx or stderr) is used
        # before nginx.conf is read; keep even that in our directory.
        return [str(NGINX), "-p", f"{self.directory}/", "-c", str(self.conf),
                "-e", str(self.error_log_path), *extra]

    def test(self) -> tuple[bool, str]:
        """``nginx -t``: (config ok, combined output)."""
        proc = subprocess.run(self._args("-t"), capture_output=True, text=True,
                              check=False, timeout=30)
        return proc.returncode == 0, proc.stdout + proc.stderr

    def start(self, timeout: float = 10) -> Nginx:
        """Start nginx; return once it accepts connections, or raise with the
        error log if it exits or times out.

        Readiness is the pid file: nginx writes it only after its listening
        sockets are open, so connections are accepted from then on.  Probing
        the ports instead would put "client closed connection" lines into
        the very logs the tests inspect.
        """
        if self._proc is not None:
            raise RuntimeError("already started")
        self.pid_file.unlink(missing_ok=True)
        # Own session so stop() can signal master and workers as a group.
        self._proc = subprocess.Popen(self._args(), stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while self._pid() != self._proc.pid:
            if self._proc.poll() is not None:
                code, self._proc = self._proc.returncode, None
                raise RuntimeError(f"nginx exited with {code}:\n{self.error_log()}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"nginx not ready after {timeout}s:\n{self.error_log()}")
            time.sleep(0.02)
        return self

    def _pid(self) -> int | None:
        try:
            return int(self.pid_file.read_text())
        except (FileNotFoundError, ValueError):
            return None  # not written yet, or caught mid-write

    def stop(self) -> None:
        """Stop master and workers (SIGTERM, then SIGKILL); safe to call twice."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        _killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            pass
        # Sweep the group: a wedged master, or a worker outliving its master.
        _killpg(proc.pid, signal.SIGKILL)
        proc.wait()

    def error_log(self) -> str:
        """Everything written to this instance's error log so far."""
        try:
            return self.error_log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def __enter__(self) -> Nginx:
        return self.start() if self._proc is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# What the nginx_factory fixture yields: make(http, stream=None, name=None).
NginxFactory = Callable[..., Nginx]


def _killpg(pgid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass


def get(port: int, path: str = "/", host_header: str | None = None,
        timeout: float = 5) -> tuple[int, str]:
    """Plain HTTP GET to 127.0.0.1:port -> (status, body).

    http.client never consults http_proxy/no_proxy, unlike urllib.
    """
    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": host_header} if host_header else {})
        resp = conn.getresponse()
        return resp.status, resp.read().decode(errors="replace")
    finally:
        conn.close()


# ------------------------------------------------------------ config builders


def https_upstream(port: int, default: Cert | None = None, *,
                   sites: dict[str, Cert] | None = None,
                   protocols: str | None = None,
                   client_ca: Path | None = None) -> str:
    """``http {}`` contents for an HTTPS upstream on 127.0.0.1:port.

    Each site answers 200 with its name and a newline as body ("default" for
    the default server), so a test can tell which site served it.

    - ``default``: certificate served without SNI or for unknown names.  When
      None, the default server rejects the handshake (``ssl_reject_handshake``,
      nginx >= 1.19.4): an upstream that *requires* SNI; a client that sends
      none gets alert 112 (unrecognized name).
    - ``sites``: name-based servers, ``{server_name: cert}``.
    - ``protocols``: ``ssl_protocols`` value, e.g. "TLSv1.3".
    - ``client_ca``: require client certificates issued by this CA bundle.
    """
    common = []
    if protocols:
        common.append(f"ssl_protocols {protocols};")
    if client_ca:
        common += [f"ssl_client_certificate {client_ca};", "ssl_verify_client on;"]

    def server(name: str, cert: Cert | None, is_default: bool) -> str:
        body = [f"listen {LOOPBACK}:{port} ssl{' default_server' if is_default else ''};",
                f"server_name {name};", *common]
        if cert is None:
            body += ["ssl_reject_handshake on;", "return 404;"]
        else:
            body += [f"ssl_certificate {cert.cert};",
                     f"ssl_certificate_key {cert.key};",
                     f"location / {{ return 200 \"{'default' if is_default else name}\\n\"; }}"]
        return "server {\n    " + "\n    ".join(body) + "\n}\n"

    blocks = [server("_", default, True)]
    blocks += [server(name, cert, False) for name, cert in (sites or {}).items()]
    return "".join(blocks)


def proxy_server(port: int, upstream: str, directives: str = "") -> str:
    """``http {}`` contents for a proxy on 127.0.0.1:port: ``location /`` with
    ``proxy_pass upstream`` plus ``directives`` (e.g. proxy_ssl_* lines)."""
    return (
        "server {\n"
        f"    listen {LOOPBACK}:{port};\n"
        "    location / {\n"
        f"        proxy_pass {upstream};\n"
        f"        {directives}\n"
        "    }\n"
        "}\n"
    )
