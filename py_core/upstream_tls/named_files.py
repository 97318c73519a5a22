"""`check --read-files`, run on the nginx host: open the certificate, key
and CRL files the config names and say what nginx will find there — a file
that is missing, a trust file with no CA in it, a certificate that expires
soon, a client key that is not its certificate's, a CRL past its next
update. Nothing is read unless asked: the browser and CI never do."""
from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from .certs import Chain, ChainError, read_chain
from .expiry import expiring
from .findings import Severity
from .model import Config, Node, effective

MODULES = ("proxy", "grpc", "uwsgi")
KINDS = ("ssl_trusted_certificate", "ssl_certificate", "ssl_certificate_key", "ssl_crl")
DEFAULT_CONF_DIR = "/etc/nginx"
_PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", re.S)

Reader = Callable[[str], bytes]


class NamedFileError(ValueError):
    """A named file that exists but cannot be read here; one line naming the
    config line and the file (nginx, as root, may well read it)."""


@dataclass(frozen=True)
class FileProblem:
    file: str
    line: int
    directive: str
    path: str
    severity: Severity
    message: str



def read_bytes(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def check_named_files(config: Config, warn_days: int, conf_dir: str = DEFAULT_CONF_DIR,
                      read: Reader = read_bytes, now: datetime | None = None) -> list[FileProblem]:
    """Every file a *_ssl_trusted_certificate, *_ssl_certificate(_key) or
    *_ssl_crl names, each read once; relative paths are taken from nginx's
    configuration prefix `conf_dir`, as nginx does."""
    files = _Files(read, conf_dir, now or datetime.now(UTC))
    problems: list[FileProblem] = []
    names = [f"{module}_{kind}" for module in MODULES for kind in KINDS]
    for node in config.named(*names):
        if not node.args or "$" in node.args[0] or node.args[0].startswith(("data:", "engine:")):
            continue  # chosen per request, inline, or held by an engine: nothing to open
        kind = node.name.split("_", 1)[1]
        for severity, message in _CHECKS[kind](files, node, warn_days):
            problems.append(FileProblem(node.file, node.line, node.name, node.args[0], severity, message))
    return problems


class _Files:
    """Reads each path once; remembers what was there."""

    def __init__(self, read: Reader, conf_dir: str, now: datetime):
        self.read, self.conf_dir, self.now = read, conf_dir, now
        self.cache: dict[str, bytes | None] = {}

    def data(self, node: Node) -> bytes | None:
        """The file's bytes, None when it does not exist."""
        path = posixpath.join(self.conf_dir, node.args[0])
        if path not in self.cache:
            try:
                self.cache[path] = self.read(path)
            except FileNotFoundError:
                self.cache[path] = None
            except OSError as exc:
                raise NamedFileError(f"{node.file}:{node.line}: {node.name} {node.args[0]}: cannot read: "
                                     f"{exc.strerror} (run where nginx's files are readable)") from None
        return self.cache[path]

    def chain(self, node: Node) -> Chain | str:
        """The certificates in the file, or what is wrong instead."""
        data = self.data(node)
        if data is None:
            return "no such file (nginx -t fails)"
        try:
            chain = read_chain(data, node.args[0], now=self.now)
        except ChainError:
            return "no PEM certificate in it (nginx -t fails: no certificate or crl found)"
        if chain.format == "der":
            return "DER, but nginx reads PEM only (openssl x509 -inform der -in FILE -out FILE.pem)"
        return chain


def _trusted(files: _Files, node: Node, warn_days: int):
    chain = files.chain(node)
    if isinstance(chain, str):
        yield Severity.ERROR, chain
        return
    if not any(cert.is_ca or cert.self_signed for cert in chain.certificates):
        yield Severity.WARNING, ("holds no CA certificate, only CA-issued leaves: nginx cannot verify with them "
                                 "(error 21); put the issuing CA here")
    yield from _expiry(chain, warn_days)


def _certificate(files: _Files, node: Node, warn_days: int):
    chain = files.chain(node)
    if isinstance(chain, str):
        yield Severity.ERROR, chain
        return
    yield from _expiry(chain, warn_days)


def _expiry(chain: Chain, warn_days: int):
    for expiry in expiring(chain, warn_days):
        yield (Severity.ERROR if expiry.expired else Severity.WARNING), expiry.describe().split(": ", 1)[1]


def _key(files: _Files, node: Node, warn_days: int):
    data = files.data(node)
    if data is None:
        yield Severity.ERROR, "no such file (nginx -t fails)"
        return
    certificate = effective(node.parent, node.name.removesuffix("_key"))
    if certificate is None or not certificate.args or "$" in certificate.args[0]:
        return
    chain = files.chain(certificate)
    if isinstance(chain, str):
        return  # reported against the certificate's own line
    match = key_matches(data, chain.certificates[0].der)
    if match is False:
        yield Severity.ERROR, (f"is not the key of {certificate.args[0]} ({chain.certificates[0].subject}): "
                               "nginx -t fails with key values mismatch")


def _crl(files: _Files, node: Node, warn_days: int):
    data = files.data(node)
    if data is None:
        yield Severity.ERROR, "no such file (nginx -t fails)"
        return
    next_update = crl_next_update(data)
    if next_update is None:
        yield Severity.ERROR, "no readable CRL in it (nginx -t fails)"
    elif next_update <= files.now:
        yield Severity.ERROR, (f"past its next update ({next_update:%Y-%m-%d %H:%M:%SZ}): every verification fails "
                               "with error 12 (CRL has expired); publish a fresh CRL")


_CHECKS = {"ssl_trusted_certificate": _trusted, "ssl_certificate": _certificate,
           "ssl_certificate_key": _key, "ssl_crl": _crl}


def _der_blocks(data: bytes, labels: tuple[str, ...]) -> list[tuple[str, bytes]]:
    """(label, DER) of the PEM blocks with one of `labels`; the whole input
    when it is not PEM (a DER file)."""
    import base64
    text = data.decode("latin-1")
    blocks = [(match[1], match[2]) for match in _PEM_BLOCK.finditer(text) if match[1] in labels]
    if not blocks and "-----BEGIN" not in text:
        return [("DER", data)]
    found = []
    for label, body in blocks:
        if "ENCRYPTED" in body:
            found.append(("ENCRYPTED", b""))
            continue
        try:
            found.append((label, base64.b64decode(re.sub(r"\s", "", body), validate=True)))
        except ValueError:
            continue
    return found


def crl_next_update(data: bytes) -> datetime | None:
    """The earliest nextUpdate of the CRLs in the file (PEM or DER)."""
    from asn1crypto import crl
    dates = []
    for _, der in _der_blocks(data, ("X509 CRL",)):
        try:
            next_update = crl.CertificateList.load(der)["tbs_cert_list"]["next_update"].native
        except Exception:  # asn1crypto parses lazily and raises many types on bad DER
            continue
        if next_update is not None:
            dates.append(next_update.astimezone(UTC))
    return min(dates) if dates else None


def key_matches(key_data: bytes, certificate_der: bytes) -> bool | None:
    """Whether the private key is the certificate's (RSA modulus, EC public
    point); None when that cannot be told here (encrypted, Ed25519, none)."""
    from asn1crypto import keys, x509
    public = x509.Certificate.load(certificate_der).public_key
    labels = ("PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY")
    for label, der in _der_blocks(key_data, labels):
        try:
            return _same_key(label, der, public, keys)
        except Exception:  # asn1crypto parses lazily and raises many types on bad DER
            continue
    return None


def _same_key(label, der, public, keys) -> bool | None:
    if label == "ENCRYPTED PRIVATE KEY" or label == "ENCRYPTED":
        return None
    if label in ("PRIVATE KEY", "DER"):
        info = keys.PrivateKeyInfo.load(der)
        algorithm, private = info["private_key_algorithm"]["algorithm"].native, info["private_key"].parsed
    else:
        algorithm = "rsa" if label == "RSA PRIVATE KEY" else "ec"
        private = (keys.RSAPrivateKey if algorithm == "rsa" else keys.ECPrivateKey).load(der)
    if algorithm == "rsa" and public.algorithm == "rsa":
        return private["modulus"].native == public["public_key"].parsed["modulus"].native
    if algorithm == "ec" and public.algorithm == "ec":
        point = private["public_key"].native
        return None if point is None else point == public["public_key"].native
    return False if algorithm != public.algorithm and algorithm in ("rsa", "ec") else None
