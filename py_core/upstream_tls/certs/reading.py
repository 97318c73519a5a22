"""Reading what people have at hand: `openssl s_client -showcerts` output
(PEM blocks with noise around them), a PEM file, or a DER file; keys and
other blocks are skipped with a note, never kept nor quoted."""
from __future__ import annotations

import base64
import ipaddress
import re
from dataclasses import replace
from datetime import UTC, datetime

from asn1crypto import x509

from .certificate import CertInfo, colon_hex
from .chain import Chain, ChainError

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
        subject_key_id=None if ski is None else colon_hex(ski),
        authority_key_id=None if aki is None else colon_hex(aki),
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


def _serial_hex(serial: int) -> str:
    digits = f"{abs(serial):X}"
    return "-" * (serial < 0) + "0" * (len(digits) % 2) + digits
