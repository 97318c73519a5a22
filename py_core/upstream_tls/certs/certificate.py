"""One certificate as OpenSSL would read it: names, validity, key, usages,
and whether it issued another (names and key identifiers, no signatures)."""
from __future__ import annotations

import base64
import hashlib
import textwrap
from dataclasses import dataclass, field
from datetime import datetime

from .hostnames import host_matches

# OpenSSL's TLS-server purpose accepts these; it does NOT accept
# anyExtendedKeyUsage (checked with `openssl verify -purpose sslserver`, 3.0).
SERVER_AUTH_USAGES = frozenset({"server_auth", "microsoft_server_gated", "2.16.840.1.113730.4.1"})
_WEAK_SIGNATURE_HASHES = frozenset({"md2", "md5", "sha1"})


@dataclass(frozen=True)
class CertInfo:
    """What one certificate says, read at `checked_at`.

    `self_signed` is OpenSSL's notion without the signature check (asn1crypto
    has no crypto backend): subject equals issuer and, when both key
    identifiers are present, authorityKeyIdentifier equals
    subjectKeyIdentifier. Serial, key identifiers and fingerprint are hex as
    `openssl x509` prints them.
    """

    subject: str
    issuer: str
    common_names: tuple[str, ...]
    dns_names: tuple[str, ...]
    ip_addresses: tuple[str, ...]
    not_before: datetime
    not_after: datetime
    checked_at: datetime
    self_signed: bool
    is_ca: bool
    key_type: str
    key_bits: int | None
    ec_curve: str | None
    key_usage: tuple[str, ...]
    extended_key_usage: tuple[str, ...]
    signature_algorithm: str
    serial: str
    subject_key_id: str | None
    authority_key_id: str | None
    der: bytes = field(repr=False)
    # Names normalised the way OpenSSL compares them (case, spacing): the chain links on these.
    subject_norm: str = field(repr=False, compare=False)
    issuer_norm: str = field(repr=False, compare=False)

    @property
    def subject_cn(self) -> str | None:
        """The most specific common name (the last one), as RFC 6125 reads it."""
        return self.common_names[-1] if self.common_names else None

    @property
    def days_left(self) -> int:
        """Whole days until notAfter; negative once expired."""
        return (self.not_after - self.checked_at).days

    @property
    def expired(self) -> bool:
        return self.checked_at > self.not_after

    @property
    def not_yet_valid(self) -> bool:
        return self.checked_at < self.not_before

    @property
    def server_auth_ok(self) -> bool:
        """Whether extendedKeyUsage lets OpenSSL accept it in a TLS server's
        chain (error 26 otherwise) — for every certificate of the chain,
        trust anchor included."""
        return not self.extended_key_usage or not SERVER_AUTH_USAGES.isdisjoint(self.extended_key_usage)

    @property
    def weak_signature(self) -> bool:
        """Signed with MD2, MD5 or SHA-1: OpenSSL 3 at its default security
        level rejects such a CA signature."""
        return self.signature_algorithm.split("_")[0] in _WEAK_SIGNATURE_HASHES

    @property
    def fingerprint_sha256(self) -> str:
        return colon_hex(hashlib.sha256(self.der).digest())

    @property
    def pem(self) -> str:
        body = "\n".join(textwrap.wrap(base64.b64encode(self.der).decode("ascii"), 64))
        return f"-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n"

    def issued(self, other: CertInfo) -> bool:
        """Whether this certificate's subject is `other`'s issuer (names, and
        key identifiers when both are there)."""
        return self.subject_norm == other.issuer_norm and (
            self.subject_key_id is None or other.authority_key_id is None
            or self.subject_key_id == other.authority_key_id)

    def matches_name(self, name: str) -> bool:
        """Whether nginx 1.22's name check accepts `name` (proxy_ssl_name).

        nginx calls OpenSSL's X509_check_host with no flags: DNS entries of
        subjectAltName, with a wildcard only in the left-most label; the
        common name only when there is no DNS entry. An IP address name is
        compared as text against those too — an IP entry in subjectAltName
        never matches.
        """
        host = name.encode("utf-8", "replace")
        if not host or b"\0" in host:
            return False
        patterns = ([dns.encode("latin-1") for dns in self.dns_names]
                    or [cn.encode("utf-8", "replace") for cn in self.common_names])
        return any(host_matches(pattern, host) for pattern in patterns)


def colon_hex(raw: bytes) -> str:
    """Bytes as `openssl x509` prints fingerprints and key identifiers."""
    return ":".join(f"{byte:02X}" for byte in raw)
