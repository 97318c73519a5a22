"""The upstream's certificate chain: names, validity, issuer links, the
proxy_ssl_verify_depth it needs and the trust anchor for
proxy_ssl_trusted_certificate.

Input is what people have at hand: `openssl s_client -showcerts` output (PEM
blocks with noise around them), a PEM file, or a DER file. asn1crypto is used
because it is pure Python (it runs in Pyodide); it parses but cannot check
signatures, so issuer links follow names and key identifiers — what OpenSSL
itself uses to pick an issuer before it checks the signature.
"""
from __future__ import annotations

import base64
import hashlib
import ipaddress
import re
import textwrap
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cached_property

from asn1crypto import x509


class ChainError(ValueError):
    """No certificate could be read; the message is one line naming the input."""


CERTIFICATE_LABELS = frozenset({"CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE"})
_PEM_BEGIN = re.compile(r"-----BEGIN ([A-Z0-9 ]{1,64})-----")
# Whitespace, and the literal "\n" of a PEM copied out of JSON or YAML.
_PEM_FILLER = re.compile(r"\\[nr]|\s")
_VERIFY_RETURN_CODE = re.compile(r"^\s*Verify return code: (\d{1,9}) \((.*?)\)\s*$", re.M)

DER_NOTE = ("DER encoding: nginx's proxy_ssl_trusted_certificate needs PEM; "
            "convert with `openssl x509 -inform der -in FILE -out FILE.pem`")

_RDN_SHORT_NAMES = {
    "common_name": "CN", "country_name": "C", "locality_name": "L", "state_or_province_name": "ST",
    "organization_name": "O", "organizational_unit_name": "OU", "street_address": "STREET",
    "domain_component": "DC", "user_id": "UID", "email_address": "emailAddress",
    "serial_number": "serialNumber",
}
_EC_CURVE_BITS = {
    "secp192r1": 192, "secp224r1": 224, "secp256r1": 256, "secp384r1": 384, "secp521r1": 521,
    "secp256k1": 256, "brainpoolp256r1": 256, "brainpoolp384r1": 384, "brainpoolp512r1": 512,
}
# OpenSSL's TLS-server purpose accepts these; it does NOT accept
# anyExtendedKeyUsage (checked with `openssl verify -purpose sslserver`, 3.0).
SERVER_AUTH_USAGES = frozenset({"server_auth", "microsoft_server_gated", "2.16.840.1.113730.4.1"})
# With a keyUsage extension, a leaf must allow one of these (OpenSSL, error 26).
_SERVER_KEY_USAGES = frozenset({"digital_signature", "key_encipherment", "key_agreement"})
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
        return _colon_hex(hashlib.sha256(self.der).digest())

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
        return any(_host_matches(pattern, host) for pattern in patterns)

    def to_dict(self) -> dict:
        return {
            "subject": self.subject,
            "subject_cn": self.subject_cn,
            "issuer": self.issuer,
            "dns_names": list(self.dns_names),
            "ip_addresses": list(self.ip_addresses),
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
            "days_left": self.days_left,
            "expired": self.expired,
            "not_yet_valid": self.not_yet_valid,
            "self_signed": self.self_signed,
            "is_ca": self.is_ca,
            "key_type": self.key_type,
            "key_bits": self.key_bits,
            "ec_curve": self.ec_curve,
            "key_usage": list(self.key_usage),
            "extended_key_usage": list(self.extended_key_usage),
            "server_auth_ok": self.server_auth_ok,
            "signature_algorithm": self.signature_algorithm,
            "weak_signature": self.weak_signature,
            "serial": self.serial,
            "subject_key_id": self.subject_key_id,
            "authority_key_id": self.authority_key_id,
            "fingerprint_sha256": self.fingerprint_sha256,
        }


@dataclass(frozen=True)
class Chain:
    """The certificates of one input, in the order given, and what they add
    up to for nginx. `problems` are notes about the input itself (skipped
    blocks, DER, order); they never hold key material."""

    certificates: tuple[CertInfo, ...]
    format: str
    problems: tuple[str, ...] = ()
    verify_return_code: tuple[int, str] | None = None
    name: str = "<chain>"

    @cached_property
    def order(self) -> tuple[int, ...]:
        """Indexes into `certificates`, from the leaf up along issuer links.
        The leaf is the first certificate that issued none of the others, so
        a chain given root-first is still read from its leaf."""
        certs = self.certificates
        issuers = {i for i, cert in enumerate(certs)
                   if any(cert.issued(other) for j, other in enumerate(certs) if j != i)}
        path = [next((i for i in range(len(certs)) if i not in issuers), 0)]
        while not certs[path[-1]].self_signed:
            above = next((j for j, cert in enumerate(certs)
                          if j not in path and cert.issued(certs[path[-1]])), None)
            if above is None:
                break
            path.append(above)
        return tuple(path)

    @property
    def ordered(self) -> tuple[CertInfo, ...]:
        """Leaf → intermediates → top, following issuer links."""
        return tuple(self.certificates[i] for i in self.order)

    @property
    def leaf(self) -> CertInfo:
        return self.ordered[0]

    @property
    def in_order(self) -> bool:
        """Whether the chain was given leaf first, each issuer after its subject."""
        return self.order[0] == 0 and list(self.order) == sorted(self.order)

    @property
    def unrelated(self) -> tuple[CertInfo, ...]:
        """Certificates given that are not on the leaf's issuer path."""
        return tuple(cert for i, cert in enumerate(self.certificates) if i not in self.order)

    @property
    def trust_anchor(self) -> CertInfo | None:
        """The self-signed top of the chain: what proxy_ssl_trusted_certificate
        must hold. None when the chain stops below its root — a CA-issued
        certificate is never an anchor (nginx then fails with error 21)."""
        top = self.ordered[-1]
        return top if top.self_signed else None

    @property
    def missing_issuer(self) -> str | None:
        """Subject of the issuer the input lacks, when the top is not self-signed."""
        top = self.ordered[-1]
        return None if top.self_signed else top.issuer

    @property
    def intermediates(self) -> int:
        """CA certificates between the leaf and the trust anchor, counting
        only those given: when the top is not a root, the issuers missing
        from the input may add more."""
        anchored = self.trust_anchor is not None and len(self.order) > 1
        return len(self.order) - 1 - anchored

    @property
    def verify_depth_needed(self) -> int:
        """The smallest proxy_ssl_verify_depth that accepts this chain, never
        below nginx's default of 1: the depth counts intermediates (1 accepts
        root → intermediate → leaf; a self-signed leaf needs 0)."""
        return max(1, self.intermediates)

    @property
    def purpose_errors(self) -> tuple[str, ...]:
        """Why OpenSSL would refuse this chain for a TLS server (error 26,
        unsuitable certificate purpose): extendedKeyUsage anywhere on the
        path, keyUsage on the leaf."""
        errors = []
        for position, index in enumerate(self.order):
            cert = self.certificates[index]
            where = f"certificate {index + 1} ({cert.subject})"
            if not cert.server_auth_ok:
                errors.append(f"{where}: extendedKeyUsage {', '.join(cert.extended_key_usage)} "
                              "does not allow a TLS server")
            if position == 0 and cert.key_usage and _SERVER_KEY_USAGES.isdisjoint(cert.key_usage):
                errors.append(f"{where}: keyUsage {', '.join(cert.key_usage)} does not allow a TLS server")
        return tuple(errors)

    @property
    def dns_names(self) -> tuple[str, ...]:
        return self.leaf.dns_names

    def trust_anchor_pem(self) -> str:
        """PEM of the trust anchor, for the CA bundle."""
        if self.trust_anchor is None:
            raise ChainError(
                f"{self.name}: no self-signed root in the input; the chain stops at {self.ordered[-1].subject}, "
                f"issued by {self.missing_issuer}: fetch that CA certificate from its PKI and trust it")
        return self.trust_anchor.pem

    def to_dict(self) -> dict:
        anchor = self.trust_anchor
        return {
            "name": self.name,
            "format": self.format,
            "certificates": [cert.to_dict() for cert in self.certificates],
            "order": list(self.order),
            "in_order": self.in_order,
            "unrelated": [i for i in range(len(self.certificates)) if i not in self.order],
            "missing_issuer": self.missing_issuer,
            "intermediates": self.intermediates,
            "verify_depth_needed": self.verify_depth_needed,
            "trust_anchor": None if anchor is None else self.order[-1],
            "purpose_errors": list(self.purpose_errors),
            "verify_return_code": (None if self.verify_return_code is None else
                                   {"code": self.verify_return_code[0], "text": self.verify_return_code[1]}),
            "problems": list(self.problems),
        }

    def summary_lines(self) -> list[str]:
        count = len(self.certificates)
        lines = [f"{self.name}: {count} certificate{'s' * (count != 1)}, {self.format.upper()}"]
        for index, cert in enumerate(self.certificates):
            lines += [f"{index + 1}. {cert.subject}  [{self._role(index)}]", *_cert_lines(cert)]
        order = " → ".join(str(i + 1) for i in self.order)
        depth = self.verify_depth_needed
        lines.append(f"chain: {order}; {self.intermediates} intermediate(s): proxy_ssl_verify_depth {depth}"
                     + (" (the default) is enough" if depth == 1 else " is needed"))
        if self.trust_anchor is not None:
            lines.append(f"trust anchor: {self.trust_anchor.subject} — put it in proxy_ssl_trusted_certificate")
        else:
            lines.append(f"missing: {self.missing_issuer} (issuer of {self.ordered[-1].subject}) is not in "
                         "the input; fetch it from the PKI to trust it")
        lines += [f"purpose: {error}" for error in self.purpose_errors]
        if self.verify_return_code is not None:
            lines.append("openssl: Verify return code: {} ({})".format(*self.verify_return_code))
        lines += [f"note: {problem}" for problem in self.problems]
        return lines

    def _role(self, index: int) -> str:
        if index not in self.order:
            return "not in the leaf's chain"
        roles = ["leaf"] if index == self.order[0] else []
        if index == self.order[-1] and self.trust_anchor is not None:
            roles.append("trust anchor, self-signed")
        return ", ".join(roles) or "intermediate"


def _cert_lines(cert: CertInfo) -> list[str]:
    names = "; ".join(filter(None, [", ".join(f"DNS {name}" for name in cert.dns_names),
                                    ", ".join(f"IP {ip}" for ip in cert.ip_addresses)]))
    if cert.expired:
        validity = f"EXPIRED {-cert.days_left} day(s) ago"
    elif cert.not_yet_valid:
        validity = "NOT YET VALID"
    else:
        validity = f"{cert.days_left} day(s) left"
    key = " ".join(str(part) for part in (cert.key_type, cert.ec_curve, cert.key_bits) if part)
    usage = f"; EKU {', '.join(cert.extended_key_usage)}" if cert.extended_key_usage else ""
    return [
        f"   issuer: {cert.issuer}",
        f"   names: {names or 'none (common name ' + str(cert.subject_cn) + ')'}",
        f"   valid: {cert.not_before:%Y-%m-%d %H:%M} .. {cert.not_after:%Y-%m-%d %H:%M} UTC ({validity})",
        f"   key: {key}; signature {cert.signature_algorithm}"
        + (" (weak)" if cert.weak_signature else "") + usage + ("; CA" if cert.is_ca else ""),
    ]


# ---------------------------------------------------------------- reading


def read_chain(data: bytes | str, name: str = "<chain>", now: datetime | None = None) -> Chain:
    """Read PEM (with any noise around the blocks) or one DER certificate.

    Raises ChainError, and nothing else, when no certificate can be read.
    Blocks that are not certificates (keys, CSRs, garbage) are skipped with
    a note; private keys are never kept nor quoted.
    """
    now = datetime.now(UTC) if now is None else _as_utc(now)
    if isinstance(data, bytearray | memoryview):
        data = bytes(data)
    if isinstance(data, bytes):
        if data.startswith(b"\x30") and b"-----BEGIN" not in data:
            return _read_der(data, name, now)
        # PowerShell's `>` writes UTF-16; anything else is read byte for byte.
        utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
        text = data.decode("utf-16", "replace") if utf16 else data.decode("latin-1")
    else:
        text = data
    certs, problems = _read_pem(text, now)
    if not certs:
        detail = f" ({problems[0]})" if problems else (
            ": expected PEM blocks (-----BEGIN CERTIFICATE-----) or a DER certificate")
        raise ChainError(f"{name}: no certificate found{detail}")
    codes = _VERIFY_RETURN_CODE.findall(text)
    chain = Chain(tuple(certs), "pem", tuple(problems),
                  (int(codes[-1][0]), codes[-1][1]) if codes else None, name)
    return replace(chain, problems=chain.problems + _layout_problems(chain))


def _read_der(data: bytes, name: str, now: datetime) -> Chain:
    try:
        cert = _certificate(data, now, strict=True)
    except Exception as exc:  # asn1crypto parses lazily and raises many types on bad DER
        raise ChainError(f"{name}: not PEM, and not a DER certificate either ({_reason(exc)})") from None
    return Chain((cert,), "der", (DER_NOTE,), None, name)


def _read_pem(text: str, now: datetime) -> tuple[list[CertInfo], list[str]]:
    certs: list[CertInfo] = []
    problems: list[str] = []
    first_block: dict[bytes, int] = {}
    line, counted = 1, 0
    for number, begin in enumerate(_PEM_BEGIN.finditer(text), 1):
        line += text.count("\n", counted, begin.start())
        counted = begin.start()
        label = begin.group(1)
        where = f"PEM block {number} (line {line})"
        end = text.find("-----", begin.end())
        if end < 0 or not text.startswith(f"-----END {label}-----", end):
            problems.append(f"{where}: {label} has no matching END line (cut short?)")
            continue
        if label not in CERTIFICATE_LABELS:
            problems.append(f"{where}: {_not_a_certificate(label)}")
            continue
        try:
            der = base64.b64decode(_PEM_FILLER.sub("", text[begin.end():end]), validate=True)
        except ValueError:
            problems.append(f"{where}: the base64 text is corrupt")
            continue
        try:
            cert = _certificate(der, now, strict=label != "TRUSTED CERTIFICATE")
        except Exception as exc:  # asn1crypto parses lazily and raises many types on bad DER
            problems.append(f"{where}: not a readable X.509 certificate ({_reason(exc)})")
            continue
        if cert.der in first_block:
            problems.append(f"{where}: repeats PEM block {first_block[cert.der]}; ignored")
            continue
        first_block[cert.der] = number
        certs.append(cert)
    return certs, problems


def _not_a_certificate(label: str) -> str:
    if label.endswith("PRIVATE KEY"):
        return "a private key, ignored: the chain needs none, and it should not be shared"
    if label == "PKCS7":
        return "a PKCS#7 bundle, not PEM certificates; extract them with `openssl pkcs7 -print_certs -in FILE`"
    return f"{label}, not a certificate; ignored"


def _reason(exc: Exception) -> str:
    """asn1crypto's messages span lines; keep the first, short."""
    lines = str(exc).strip().splitlines() or [type(exc).__name__]
    return lines[0].strip()[:100]


def _layout_problems(chain: Chain) -> tuple[str, ...]:
    notes = []
    if not chain.in_order:
        order = " → ".join(str(i + 1) for i in chain.order)
        notes.append(f"certificates are not given leaf first, each followed by its issuer; the chain is {order}")
    unrelated = [f"{i + 1} ({cert.subject})" for i, cert in enumerate(chain.certificates) if i not in chain.order]
    if unrelated:
        shown = ", ".join(unrelated[:3]) + (f" and {len(unrelated) - 3} more" if len(unrelated) > 3 else "")
        notes.append(f"not part of the leaf's chain: certificate {shown}")
    return tuple(notes)


def _certificate(der: bytes, now: datetime, strict: bool) -> CertInfo:
    """Everything is read here, eagerly, so that asn1crypto's lazy parsing
    fails now (and is reported against the block) rather than later."""
    cert = x509.Certificate.load(der, strict=strict)
    subject, issuer = cert.subject, cert.issuer
    key_type, key_bits, ec_curve = _public_key(cert.public_key)
    san = cert.subject_alt_name_value or []
    key_usage = cert.key_usage_value
    extended_key_usage = cert.extended_key_usage_value
    basic_constraints = cert.basic_constraints_value
    ski, aki = cert.key_identifier, cert.authority_key_identifier
    subject_norm, issuer_norm = subject.hashable, issuer.hashable
    return CertInfo(
        subject=_rfc4514(subject),
        issuer=_rfc4514(issuer),
        common_names=tuple(str(attribute["value"].native) for rdn in subject.chosen for attribute in rdn
                           if attribute["type"].native == "common_name"),
        dns_names=tuple(entry.chosen.contents.decode("latin-1") for entry in san if entry.name == "dns_name"),
        ip_addresses=tuple(_ip(entry.chosen.contents) for entry in san if entry.name == "ip_address"),
        not_before=_as_utc(cert.not_valid_before),
        not_after=_as_utc(cert.not_valid_after),
        checked_at=now,
        self_signed=subject_norm == issuer_norm and (ski is None or aki is None or ski == aki),
        is_ca=bool(basic_constraints and basic_constraints["ca"].native),
        key_type=key_type,
        key_bits=key_bits,
        ec_curve=ec_curve,
        key_usage=tuple(sorted(key_usage.native)) if key_usage else (),
        extended_key_usage=tuple(extended_key_usage.native) if extended_key_usage else (),
        signature_algorithm=cert["signature_algorithm"]["algorithm"].native,
        serial=_serial_hex(cert.serial_number),
        subject_key_id=None if ski is None else _colon_hex(ski),
        authority_key_id=None if aki is None else _colon_hex(aki),
        der=cert.dump(),
        subject_norm=subject_norm,
        issuer_norm=issuer_norm,
    )


def _public_key(info) -> tuple[str, int | None, str | None]:
    """(type, bits, EC curve). Bits as OpenSSL counts them; None where the
    type fixes the size (Ed25519, Ed448) or the curve is not a common one."""
    algorithm = info.algorithm
    if algorithm in ("rsa", "rsassa_pss"):
        return algorithm, info["public_key"].parsed["modulus"].native.bit_length(), None
    if algorithm == "dsa":
        return algorithm, info["algorithm"]["parameters"]["p"].native.bit_length(), None
    if algorithm == "ec":
        kind, curve = info.curve
        curve = curve if kind == "named" else kind
        return algorithm, _EC_CURVE_BITS.get(curve), curve
    return algorithm, None, None


def _rfc4514(name: x509.Name) -> str:
    """`CN=leaf,O=Org,C=US`, most specific first (RFC 4514): character for
    character what `openssl x509 -nameopt RFC2253` prints for ASCII names."""
    return ",".join("+".join(f"{_attribute_type(attribute['type'])}={_attribute_value(attribute['value'])}"
                             for attribute in reversed(rdn))
                    for rdn in reversed(name.chosen))


def _attribute_type(oid) -> str:
    return _RDN_SHORT_NAMES.get(oid.native, oid.dotted)


def _attribute_value(value) -> str:
    text = value.native
    if not isinstance(text, str):
        return "#" + value.dump().hex()
    text = re.sub(r'([\\"+,;<>])', r"\\\1", text).replace("\0", "\\00")
    if text.startswith(("#", " ")):
        text = "\\" + text
    if text.endswith(" ") and not text.endswith("\\ "):
        text = text[:-1] + "\\ "
    return text


def _ip(raw: bytes) -> str:
    return str(ipaddress.ip_address(raw)) if len(raw) in (4, 16) else f"invalid:{raw.hex()}"


def _as_utc(value) -> datetime:
    """asn1crypto gives aware UTC datetimes, except for GeneralizedTime
    without a zone (naive: taken as UTC) and year 0 (not a datetime)."""
    if not isinstance(value, datetime):
        raise ValueError(f"unusable date {value!r}")
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _colon_hex(raw: bytes) -> str:
    return ":".join(f"{byte:02X}" for byte in raw)


def _serial_hex(serial: int) -> str:
    digits = f"{abs(serial):X}"
    return "-" * (serial < 0) + "0" * (len(digits) % 2) + digits


# ------------------------------------------------------------- name check
# A port of OpenSSL's equal_wildcard() (crypto/x509/v3_utl.c) with flags 0,
# as nginx calls X509_check_host. Byte strings; only ASCII letters fold.

_LABEL_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")


def _host_matches(pattern: bytes, host: bytes) -> bool:
    if len(host) > 1 and host.startswith(b"."):
        # A name with a leading dot means "any name under it" to OpenSSL:
        # the pattern's tail of the same length is compared, no wildcards.
        skipped = max(0, len(pattern) - len(host))
        if b"\0" not in pattern[:skipped]:
            pattern = pattern[skipped:]
        return b"\0" not in pattern and pattern.lower() == host.lower()
    star = _valid_star(pattern)
    if star is None:
        return b"\0" not in pattern and pattern.lower() == host.lower()
    prefix, suffix = pattern[:star], pattern[star + 1:]
    if len(host) < len(prefix) + len(suffix):
        return False
    if host[:len(prefix)].lower() != prefix.lower() or host[len(host) - len(suffix):].lower() != suffix.lower():
        return False
    matched = host[len(prefix):len(host) - len(suffix)]
    whole_label = not prefix and suffix.startswith(b".")
    if whole_label and not matched:
        return False
    if not whole_label and host[:4].lower() == b"xn--":
        return False
    return matched == b"*" or all(byte in _LABEL_BYTES for byte in matched)


def _valid_star(pattern: bytes) -> int | None:
    """Index of the one wildcard OpenSSL honours: at the start or end of the
    first label, not in an IDNA (xn--) label, with two more labels after it."""
    star = None
    dots = 0
    label_start, hyphen, idna = True, False, False
    for i, byte in enumerate(pattern):
        if byte == ord("*"):
            at_end = i == len(pattern) - 1 or pattern[i + 1] == ord(".")
            if star is not None or idna or dots or not (label_start or at_end):
                return None
            star, label_start = i, False
        elif byte in _LABEL_BYTES and byte != ord("-"):
            if label_start and pattern[i:i + 4].lower() == b"xn--":
                idna = True
            label_start = hyphen = False
        elif byte == ord("."):
            if label_start or hyphen:
                return None
            label_start, hyphen, idna = True, False, False
            dots += 1
        elif byte == ord("-"):
            if label_start:
                return None
            hyphen = True
        else:
            return None
    if label_start or hyphen or dots < 2:
        return None
    return star
