"""Whatever comes in, read_chain raises ChainError or returns a Chain whose
every property and summary works: random bytes, random text in PEM armour,
and real certificates bit-flipped, truncated and with corrupted base64."""
from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from unavailable import unavailable

from upstream_tls.certs import ChainError, read_chain
from upstream_tls.output.json import chain_payload
from upstream_tls.output.text import chain_lines

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "nginx"))
from harness import OPENSSL, Pki  # noqa: E402

SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
LABELS = ["CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE", "PRIVATE KEY", "RSA PRIVATE KEY", "PKCS7",
          "CERTIFICATE REQUEST", "X509 CRL"]


def exercise(data: bytes | str) -> None:
    """read_chain, then everything a caller may touch afterwards."""
    try:
        chain = read_chain(data, "fuzz.pem")
    except ChainError as error:
        assert str(error).startswith("fuzz.pem: ") and "\n" not in str(error)
        return
    json.dumps(chain_payload(chain))
    chain_lines(chain)
    assert chain.ordered[0] is chain.leaf
    assert chain.verify_depth_needed >= 1 and chain.intermediates >= 0
    assert (chain.trust_anchor is None) == (chain.missing_issuer is not None)
    try:
        anchor = chain.trust_anchor_pem()
    except ChainError:
        assert chain.trust_anchor is None
    else:
        assert read_chain(anchor).leaf.fingerprint_sha256 == chain.trust_anchor.fingerprint_sha256
    for cert in chain.certificates:
        cert.matches_name("a.example.com")
        cert.matches_name(".example.com")
        assert cert.pem.startswith("-----BEGIN CERTIFICATE-----\n")


@SETTINGS
@given(st.binary(max_size=2048))
@example(b"\x30\x80")  # indefinite length
@example(b"\x30\x84\xff\xff\xff\xff")  # a length beyond the data
@example(b"\xff\xfe" + "-----BEGIN CERTIFICATE-----".encode("utf-16-le") + b"\x00\xd8")  # lone surrogate
def test_random_bytes(data):
    exercise(data)


def pem_block(label: str, body: str) -> str:
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----\n"


BASE64_BODY = st.binary(max_size=600).map(lambda raw: base64.encodebytes(raw).decode())
ARMOURED = st.lists(
    st.one_of(
        st.builds(pem_block, st.sampled_from(LABELS), st.one_of(BASE64_BODY, st.text(max_size=80))),
        st.sampled_from(["-----BEGIN CERTIFICATE-----\n", "-----END CERTIFICATE-----\n", "Verify return code: ",
                         "Verify return code: 21 (unable to verify the first certificate)\n", "\r\n", "\\n",
                         " 0 s:CN = a\n   i:CN = b\n---\n"]),
        st.text(max_size=40),
    ),
    max_size=8,
).map("".join)


@SETTINGS
@given(ARMOURED, st.booleans())
def test_random_text_in_pem_armour(text, as_bytes):
    exercise(text.encode("utf-8", "surrogatepass") if as_bytes else text)


@pytest.fixture(scope="module")
def real_chain(tmp_path_factory) -> tuple[bytes, str]:
    """(DER of a leaf, PEM of leaf + intermediate + root) with SANs, EKU and key identifiers."""
    if OPENSSL is None:
        unavailable("needs the openssl CLI")
    pki = Pki(tmp_path_factory.mktemp("fuzz-pki"))
    root = pki.root("Fuzz Root", key_type="ec")
    intermediate = pki.intermediate("Fuzz Int", root, key_type="ec")
    leaf = pki.leaf("fuzz.test", intermediate, dns=["fuzz.test", "*.fuzz.test"], ips=["10.0.0.1"], key_type="ec")
    return pki.der(leaf).read_bytes(), leaf.pem + intermediate.pem + root.pem


def der_to_pem(der: bytes) -> str:
    return pem_block("CERTIFICATE", base64.encodebytes(der).decode().strip())


@SETTINGS
@given(flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 7)), min_size=1, max_size=6),
       as_pem=st.booleans())
def test_bit_flipped_certificate(real_chain, flips, as_pem):
    der = bytearray(real_chain[0])
    for position, bit in flips:
        der[position % len(der)] ^= 1 << bit
    exercise(der_to_pem(bytes(der)) if as_pem else bytes(der))


@SETTINGS
@given(cut=st.integers(0, 10**6), which=st.sampled_from(["der", "pem"]))
def test_truncated_certificate(real_chain, cut, which):
    data = real_chain[0] if which == "der" else real_chain[1].encode()
    exercise(data[:cut % len(data)])


@SETTINGS
@given(edits=st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from(["A", "/", "=", "-", "\n", "", "é", "\0",
                                                                         "-----", " ", "\\n"])),
                      min_size=1, max_size=6))
def test_corrupted_base64(real_chain, edits):
    text = real_chain[1]
    for position, replacement in edits:
        position %= len(text)
        text = text[:position] + replacement + text[position + 1:]
    exercise(text)
