"""read_chain against certificates the openssl CLI makes at test time (no key
is committed), and its answers checked against OpenSSL's own: `openssl
verify` for depth and purpose, libcrypto's X509_check_host for names, a real
`openssl s_client -showcerts` capture for the paste format."""
from __future__ import annotations

import ctypes
import ctypes.util
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from asn1crypto import x509
from hypothesis import given, settings
from hypothesis import strategies as st

from upstream_tls.certs import DER_NOTE, ChainError, read_chain
from upstream_tls.output.json import chain_payload
from upstream_tls.output.text import chain_lines

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "nginx"))
from harness import OPENSSL, Pki, free_port  # noqa: E402

pytestmark = pytest.mark.skipif(OPENSSL is None, reason="needs the openssl CLI")


def openssl(*args) -> subprocess.CompletedProcess:
    return subprocess.run([OPENSSL, *map(str, args)], capture_output=True, text=True, check=False, timeout=30)


def req_x509(directory: Path, name: str, *args: str) -> Path:
    """A self-signed certificate from `openssl req -x509` (key types and
    extensions the harness does not make); its key stays in tmp_path."""
    cert = directory / f"{name}.pem"
    result = openssl("req", "-x509", "-nodes", "-keyout", directory / f"{name}.key", "-out", cert,
                     "-days", "30", *args)
    assert result.returncode == 0, result.stderr
    return cert


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> Pki:
    return Pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def ca(pki):
    """root → int1 → int2 (EC keys: fast to make)."""
    root = pki.root("Test Root CA", key_type="ec")
    int1 = pki.intermediate("Test Int CA", root, key_type="ec")
    int2 = pki.intermediate("Test Int2 CA", int1, key_type="ec")
    return root, int1, int2


@pytest.fixture(scope="module")
def leaf(pki, ca):
    return pki.leaf("app.test", ca[1], dns=["app.test", "www.app.test"], key_type="ec")


def pem(*certs) -> str:
    return "".join(cert.pem for cert in certs)


def subjects(certs) -> list[str]:
    return [cert.subject for cert in certs]


# ------------------------------------------------------------------ chains


def test_self_signed_leaf_is_its_own_trust_anchor(pki):
    cert = pki.self_signed("selfsigned.test", dns=["selfsigned.test"], key_type="ec")
    chain = read_chain(cert.pem, "self.pem")
    assert chain.format == "pem" and chain.problems == ()
    assert chain.leaf.self_signed and chain.leaf.is_ca
    assert chain.trust_anchor is chain.leaf
    assert chain.missing_issuer is None
    assert (chain.intermediates, chain.verify_depth_needed) == (0, 1)
    assert chain.trust_anchor_pem() == cert.pem


def test_root_intermediate_leaf(ca, leaf):
    root, int1, _ = ca
    chain = read_chain(pem(leaf, int1, root))
    assert subjects(chain.ordered) == ["CN=app.test", "CN=Test Int CA", "CN=Test Root CA"]
    assert chain.in_order and chain.problems == () and chain.unrelated == ()
    assert chain.leaf.issuer == "CN=Test Int CA" and not chain.leaf.self_signed and not chain.leaf.is_ca
    assert [cert.is_ca for cert in chain.ordered] == [False, True, True]
    assert chain.trust_anchor.subject == "CN=Test Root CA"
    assert chain.trust_anchor_pem() == root.pem
    assert (chain.intermediates, chain.verify_depth_needed) == (1, 1)
    assert chain.dns_names == ("app.test", "www.app.test")


def test_two_intermediates_need_depth_two(pki, ca):
    root, int1, int2 = ca
    leaf2 = pki.leaf("deep.test", int2, dns=["deep.test"], key_type="ec")
    chain = read_chain(pem(leaf2, int2, int1, root))
    assert subjects(chain.ordered) == ["CN=deep.test", "CN=Test Int2 CA", "CN=Test Int CA", "CN=Test Root CA"]
    assert (chain.intermediates, chain.verify_depth_needed) == (2, 2)


@pytest.mark.parametrize("depth_of_leaf", [1, 2])
def test_verify_depth_needed_is_what_openssl_needs(pki, ca, tmp_path, depth_of_leaf):
    """`openssl verify -verify_depth` is the same knob as proxy_ssl_verify_depth."""
    root, *intermediates = ca
    issuer = intermediates[depth_of_leaf - 1]
    server = pki.leaf(f"depth{depth_of_leaf}.test", issuer, key_type="ec")
    untrusted = pki.bundle(f"untrusted{depth_of_leaf}.pem", *intermediates[:depth_of_leaf])
    needed = read_chain(pem(server, *reversed(intermediates[:depth_of_leaf]), root)).verify_depth_needed

    def verify(depth: int) -> subprocess.CompletedProcess:
        return openssl("verify", "-verify_depth", depth, "-CAfile", root.cert, "-untrusted", untrusted, server.cert)

    assert verify(needed).returncode == 0
    assert "certificate chain too long" in verify(needed - 1).stdout + verify(needed - 1).stderr


def test_chain_without_its_root(ca, leaf):
    chain = read_chain(pem(leaf, ca[1]), "upstream.pem")
    assert chain.trust_anchor is None
    assert chain.missing_issuer == "CN=Test Root CA"
    assert (chain.intermediates, chain.verify_depth_needed) == (1, 1)
    with pytest.raises(ChainError, match=r"^upstream\.pem: .*CN=Test Root CA") as error:
        chain.trust_anchor_pem()
    assert "\n" not in str(error.value)


def test_ca_issued_leaf_alone_is_never_the_trust_anchor(leaf):
    chain = read_chain(leaf.pem)
    assert chain.trust_anchor is None and chain.missing_issuer == "CN=Test Int CA"
    with pytest.raises(ChainError, match="CN=Test Int CA"):
        chain.trust_anchor_pem()


def test_chain_with_a_gap_names_the_missing_intermediate(ca, leaf):
    chain = read_chain(pem(leaf, ca[0]))
    assert chain.missing_issuer == "CN=Test Int CA"
    assert chain.trust_anchor is None
    assert subjects(chain.unrelated) == ["CN=Test Root CA"]
    assert any("not part of the leaf's chain: certificate 2" in problem for problem in chain.problems)


def test_out_of_order_chain_is_read_from_its_leaf(ca, leaf):
    root, int1, _ = ca
    chain = read_chain(pem(root, leaf, int1))
    assert subjects(chain.certificates) == ["CN=Test Root CA", "CN=app.test", "CN=Test Int CA"]
    assert subjects(chain.ordered) == ["CN=app.test", "CN=Test Int CA", "CN=Test Root CA"]
    assert chain.leaf.subject == "CN=app.test"
    assert not chain.in_order
    assert any("2 → 3 → 1" in problem for problem in chain.problems)
    assert chain_payload(chain)["order"] == [1, 2, 0]
    assert chain_payload(chain)["trust_anchor"] == 0


def test_repeated_certificate_is_kept_once(ca, leaf):
    text = pem(leaf, ca[1], ca[1])
    chain = read_chain(text)
    assert len(chain.certificates) == 2
    line = text.count("\n", 0, text.rindex("-----BEGIN")) + 1
    assert chain.problems == (f"PEM block 3 (line {line}): repeats PEM block 2; ignored",)


# ---------------------------------------------------------------- validity


def test_days_left_expired_and_not_yet_valid_at_a_fixed_now(leaf):
    cert = read_chain(leaf.pem).leaf
    at = cert.not_after - timedelta(days=10, hours=1)
    assert read_chain(leaf.pem, now=at).leaf.days_left == 10
    expired = read_chain(leaf.pem, now=cert.not_after + timedelta(seconds=1)).leaf
    assert expired.expired and expired.days_left == -1 and not expired.not_yet_valid
    early = read_chain(leaf.pem, now=cert.not_before - timedelta(seconds=1)).leaf
    assert early.not_yet_valid and not early.expired
    naive = read_chain(leaf.pem, now=at.replace(tzinfo=None)).leaf
    assert naive.days_left == 10
    assert cert.not_before.tzinfo is UTC and cert.not_after.tzinfo is UTC


def test_expired_and_not_yet_valid_certificates(pki, ca):
    expired = pki.leaf("old.test", ca[1], not_before_days=-40, days=-10, key_type="ec")
    future = pki.leaf("new.test", ca[1], not_before_days=5, days=40, key_type="ec")
    old = read_chain(expired.pem).leaf
    assert old.expired and old.days_left in (-10, -11)
    new = read_chain(future.pem).leaf
    assert new.not_yet_valid and not new.expired
    assert "EXPIRED" in "\n".join(chain_lines(read_chain(expired.pem)))


# ------------------------------------------------------------------- keys


def test_rsa_key_size(pki):
    cert = read_chain(pki.root("RSA Root", bits=3072).pem).leaf
    assert (cert.key_type, cert.key_bits, cert.ec_curve) == ("rsa", 3072, None)
    assert cert.signature_algorithm == "sha256_rsa" and not cert.weak_signature


@pytest.mark.parametrize(("args", "expected"), [
    (["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"], ("ec", 256, "secp256r1", "sha256_ecdsa")),
    (["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"], ("ec", 384, "secp384r1", "sha256_ecdsa")),
    (["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-521"], ("ec", 521, "secp521r1", "sha256_ecdsa")),
    (["-newkey", "ed25519"], ("ed25519", None, None, "ed25519")),
    (["-newkey", "rsa:2048", "-sha1"], ("rsa", 2048, None, "sha1_rsa")),
])
def test_key_types(tmp_path, args, expected):
    cert = read_chain(req_x509(tmp_path, "key", "-subj", "/CN=key.test", *args).read_text()).leaf
    assert (cert.key_type, cert.key_bits, cert.ec_curve, cert.signature_algorithm) == expected
    assert cert.weak_signature == (expected[3] == "sha1_rsa")


# ------------------------------------------------------------------ fields


@pytest.mark.parametrize("subject", [
    "/C=US/O=Acme, Inc./OU=Web\\+Ops/CN=app.test",
    "/DC=test/DC=app/CN=a;b <c> \\\\ \"d\"+serialNumber=42",
    "/CN= padded /emailAddress=ops@app.test",
])
def test_subject_is_what_openssl_prints_as_rfc2253(tmp_path, subject):
    path = req_x509(tmp_path, "dn", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-subj", subject)
    cert = read_chain(path.read_text()).leaf
    printed = openssl("x509", "-in", path, "-noout", "-subject", "-nameopt", "RFC2253").stdout
    assert printed == f"subject={cert.subject}\n"
    assert cert.subject == cert.issuer and cert.self_signed


def test_subject_cn(tmp_path):
    path = req_x509(tmp_path, "cn", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-subj", "/O=Acme/CN=app.test")
    cert = read_chain(path.read_text()).leaf
    assert (cert.subject, cert.subject_cn, cert.common_names) == ("CN=app.test,O=Acme", "app.test", ("app.test",))


def test_serial_and_fingerprint_are_what_openssl_prints(leaf):
    cert = read_chain(leaf.pem).leaf
    printed = openssl("x509", "-in", leaf.cert, "-noout", "-serial", "-fingerprint", "-sha256").stdout
    assert f"serial={cert.serial}\n" in printed
    assert f"sha256 Fingerprint={cert.fingerprint_sha256}\n" in printed


def test_ip_addresses_in_subject_alt_name(pki, ca):
    cert = read_chain(pki.leaf("backend.internal", ca[1], ips=["10.0.1.45", "::1"], key_type="ec").pem).leaf
    assert cert.ip_addresses == ("10.0.1.45", "::1")
    assert cert.dns_names == ()


def test_to_dict_is_json_ready_and_holds_no_key_material(ca, leaf):
    chain = read_chain(pem(leaf, ca[1]))
    summary = chain_payload(chain)
    text = json.dumps(summary)
    assert summary["certificates"][0]["not_after"].endswith("+00:00")
    assert summary["missing_issuer"] == "CN=Test Root CA"
    assert summary["verify_depth_needed"] == 1
    assert "der" not in summary["certificates"][0] and "BEGIN" not in text
    lines = chain_lines(chain)
    assert lines[0] == "<chain>: 2 certificates, PEM"
    assert any(line.startswith("missing: CN=Test Root CA") for line in lines)


# -------------------------------------------------------------- name check


def test_wildcard_covers_one_label(pki, ca):
    cert = read_chain(pki.leaf("wild", ca[1], dns=["*.example.com"], key_type="ec").pem).leaf
    assert cert.matches_name("a.example.com")
    assert cert.matches_name("A.Example.COM")
    assert not cert.matches_name("a.b.example.com")
    assert not cert.matches_name("example.com")


def test_common_name_only_without_dns_names(pki, ca):
    with_san = read_chain(pki.leaf("app.test", ca[1], dns=["other.test"], key_type="ec").pem).leaf
    assert not with_san.matches_name("app.test") and with_san.matches_name("other.test")
    without = read_chain(pki.leaf("app.test", ca[1], key_type="ec").pem).leaf
    assert without.dns_names == () and without.matches_name("app.test")


def test_ip_name_matches_dns_entries_only(pki, ca):
    """nginx 1.22 checks proxy_ssl_name with X509_check_host even for an IP."""
    ip_san = read_chain(pki.leaf("backend.internal", ca[1], ips=["10.0.1.45"], key_type="ec").pem).leaf
    assert not ip_san.matches_name("10.0.1.45")
    assert ip_san.matches_name("backend.internal")  # an IP entry does not turn off the CN fallback
    dns_san = read_chain(pki.leaf("x", ca[1], dns=["10.0.1.45"], key_type="ec").pem).leaf
    assert dns_san.matches_name("10.0.1.45")


def _libcrypto():
    path = ctypes.util.find_library("crypto")
    if path is None:
        return None
    lib = ctypes.CDLL(path)
    lib.d2i_X509.restype = ctypes.c_void_p
    lib.d2i_X509.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_char_p), ctypes.c_long]
    lib.X509_check_host.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint,
                                    ctypes.c_void_p]
    lib.X509_free.argtypes = [ctypes.c_void_p]
    return lib


LIBCRYPTO = _libcrypto()


def openssl_check_host(der: bytes, host: str) -> bool:
    """X509_check_host(cert, host, len, 0, NULL): exactly nginx 1.22's call."""
    pointer = ctypes.c_char_p(der)
    cert = LIBCRYPTO.d2i_X509(None, ctypes.byref(pointer), len(der))
    assert cert, "libcrypto could not read the test certificate"
    try:
        name = host.encode()
        return LIBCRYPTO.X509_check_host(cert, name, len(name), 0, None) == 1
    finally:
        LIBCRYPTO.X509_free(cert)


@pytest.fixture(scope="module")
def public_key_info(leaf):
    return x509.Certificate.load(read_chain(leaf.pem).leaf.der)["tbs_certificate"]["subject_public_key_info"]


def unsigned_cert(public_key_info, dns_names: list[str], cn: str | None) -> bytes:
    """A certificate carrying exactly these names, the DNS ones as raw bytes
    (asn1crypto would IDNA-encode them). Name checks never look at the
    signature, so it is a placeholder."""
    general_names = [x509.GeneralName.load(b"\x82" + bytes([len(name)]) + name.encode()) for name in dns_names]
    tbs = x509.TbsCertificate({
        "version": "v3",
        "serial_number": 1,
        "signature": {"algorithm": "sha256_ecdsa"},
        "issuer": x509.Name.build({"common_name": "Name Test CA"}),
        "validity": {"not_before": x509.Time({"utc_time": datetime(2025, 1, 1, tzinfo=UTC)}),
                     "not_after": x509.Time({"utc_time": datetime(2035, 1, 1, tzinfo=UTC)})},
        "subject": x509.Name.build({"common_name": cn} if cn else {}),
        "subject_public_key_info": public_key_info,
        "extensions": ([{"extn_id": "subject_alt_name", "critical": False, "extn_value": general_names}]
                       if general_names else []),
    })
    return x509.Certificate({"tbs_certificate": tbs, "signature_algorithm": {"algorithm": "sha256_ecdsa"},
                             "signature_value": b"\x30\x06\x02\x01\x01\x02\x01\x01"}).dump()


NAME_CASES = [
    ("*.example.com", ["a.example.com", "a.b.example.com", "example.com", ".example.com", ".com", "*.example.com",
                       "xn--bcher-kva.example.com", "a_b.example.com"]),
    ("f*.example.com", ["foo.example.com", "f.example.com", "bar.example.com", "xn--foo.example.com"]),
    ("*o.example.com", ["foo.example.com", "o.example.com", "fox.example.com"]),
    ("f*o.example.com", ["foo.example.com", "f*o.example.com"]),
    ("*.com", ["example.com", "*.com"]),
    ("a.*.example.com", ["a.b.example.com"]),
    ("xn--*.example.com", ["xn--a.example.com", "xn--*.example.com"]),
    ("*.xn--bcher-kva.example", ["a.xn--bcher-kva.example"]),
    ("App.Test", ["app.test", "APP.TEST", "app.test.", "app.tes"]),
    ("*.example.com.", ["a.example.com.", "a.example.com"]),
    ("*-.example.com", ["a-.example.com"]),
    ("10.0.1.45", ["10.0.1.45"]),
]


@pytest.mark.skipif(LIBCRYPTO is None, reason="libcrypto not found")
@pytest.mark.parametrize(("pattern", "hosts"), NAME_CASES, ids=[case[0] for case in NAME_CASES])
def test_name_check_agrees_with_openssl(public_key_info, pattern, hosts):
    for dns_names, cn in (([pattern], "unused.test"), ([], pattern)):
        der = unsigned_cert(public_key_info, dns_names, cn)
        cert = read_chain(der).leaf
        for host in hosts:
            assert cert.matches_name(host) == openssl_check_host(der, host), (dns_names, cn, host)


LABELS = st.sampled_from(["a", "b", "A", "foo", "xn--a", "xn--", "-a", "a-", "1", "", "*", "f*", "*o", "a*b"])


@pytest.mark.skipif(LIBCRYPTO is None, reason="libcrypto not found")
@settings(max_examples=300, deadline=None)
@given(pattern=st.lists(LABELS, min_size=1, max_size=4).map(".".join),
       host=st.lists(LABELS, min_size=1, max_size=4).map(".".join),
       suffix=st.sampled_from(["", ".example.com", ".com"]))
def test_name_check_agrees_with_openssl_on_generated_names(public_key_info, pattern, host, suffix):
    der = unsigned_cert(public_key_info, [pattern + suffix], None)
    assert read_chain(der).leaf.matches_name(host + suffix) == openssl_check_host(der, host + suffix)


# ----------------------------------------------------------------- purpose


def purpose_ok_for_openssl(chain_root: Path, cert: Path) -> bool:
    return openssl("verify", "-purpose", "sslserver", "-CAfile", chain_root, cert).returncode == 0


def test_client_auth_only_leaf_is_unsuitable_for_a_server(pki, ca, tmp_path):
    root, int1, _ = ca
    client = pki.leaf("client.test", int1, dns=["client.test"], client=True, key_type="ec")
    chain = read_chain(pem(client, int1, root))
    assert chain.leaf.extended_key_usage == ("client_auth",)
    assert not chain.leaf.server_auth_ok
    assert chain.purpose_errors == ("certificate 1 (CN=client.test): extendedKeyUsage client_auth "
                                    "does not allow a TLS server",)
    bundle = pki.bundle("client-ca.pem", int1, root)
    assert not purpose_ok_for_openssl(bundle, client.cert)


def test_server_auth_leaf_is_suitable(leaf, ca, pki):
    chain = read_chain(pem(leaf, ca[1], ca[0]))
    assert chain.leaf.server_auth_ok and chain.purpose_errors == ()
    assert purpose_ok_for_openssl(pki.bundle("server-ca.pem", ca[1], ca[0]), leaf.cert)


@pytest.mark.parametrize(("extension", "ok"), [
    ("extendedKeyUsage=anyExtendedKeyUsage", False),  # OpenSSL 3.0 does not accept it for a server
    ("extendedKeyUsage=clientAuth,serverAuth", True),
    ("extendedKeyUsage=1.3.6.1.4.1.311.10.3.3", True),  # Microsoft server-gated crypto
    ("keyUsage=keyCertSign", False),
])
def test_purpose_agrees_with_openssl(tmp_path, extension, ok):
    cert = req_x509(tmp_path, "purpose", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-subj", "/CN=purpose.test", "-addext", extension)
    chain = read_chain(cert.read_text())
    assert (chain.purpose_errors == ()) is ok
    assert purpose_ok_for_openssl(cert, cert) is ok


# ------------------------------------------------------------ input forms


def test_der_file(pki, leaf):
    data = pki.der(leaf).read_bytes()
    chain = read_chain(data, "leaf.der")
    assert chain.format == "der"
    assert chain.problems == (DER_NOTE,)
    assert chain.leaf.fingerprint_sha256 == read_chain(leaf.pem).leaf.fingerprint_sha256
    assert chain.leaf.pem == leaf.pem


@pytest.fixture(scope="module")
def s_client_capture(pki, ca, leaf) -> str:
    """What `openssl s_client -connect … -showcerts 2>&1` prints against a
    server sending leaf + intermediate (the root stays with the client)."""
    port = free_port()
    server = subprocess.Popen(
        [OPENSSL, "s_server", "-accept", f"127.0.0.1:{port}", "-cert", leaf.cert, "-key", leaf.key,
         "-cert_chain", ca[1].cert, "-naccept", "1"],
        # s_server drops connections once its stdin is at EOF: keep a pipe open.
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for line in server.stdout:  # s_server says ACCEPT once it listens
            if line.startswith("ACCEPT"):
                break
        client = subprocess.run(
            [OPENSSL, "s_client", "-connect", f"127.0.0.1:{port}", "-servername", "app.test", "-showcerts"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            timeout=30, check=False)
    finally:
        server.kill()
        server.wait()
    return client.stdout


def test_real_s_client_capture(s_client_capture):
    assert " 0 s:CN = app.test" in s_client_capture  # the shape this test is about
    chain = read_chain(s_client_capture, "s_client.txt")
    assert subjects(chain.certificates) == ["CN=app.test", "CN=Test Int CA"]
    assert chain.problems == ()
    assert chain.verify_return_code == (20, "unable to get local issuer certificate")
    assert chain.missing_issuer == "CN=Test Root CA"
    assert chain.leaf.matches_name("app.test")


def test_s_client_capture_with_crlf_and_indented_base64(s_client_capture):
    mangled = "\r\n".join("   " + line + " \t" for line in s_client_capture.splitlines())
    chain = read_chain(mangled.encode(), "pasted.txt")
    assert subjects(chain.certificates) == ["CN=app.test", "CN=Test Int CA"]
    assert chain.verify_return_code == (20, "unable to get local issuer certificate")


def test_openssl_trusted_certificate_form(leaf):
    """`openssl x509 -trustout` appends trust settings after the certificate."""
    trusted = openssl("x509", "-in", leaf.cert, "-trustout", "-addtrust", "serverAuth").stdout
    assert trusted.startswith("-----BEGIN TRUSTED CERTIFICATE-----")
    assert read_chain(trusted).leaf.pem == leaf.pem


def test_pem_copied_out_of_json_and_utf16_files(leaf):
    escaped = json.dumps({"cert": leaf.pem})
    assert read_chain(escaped).leaf.subject == "CN=app.test"
    assert read_chain(leaf.pem.encode("utf-16")).leaf.subject == "CN=app.test"


# ------------------------------------------------------------------ garbage


@pytest.mark.parametrize(("data", "message"), [
    (b"", "no certificate found: expected PEM blocks"),
    ("hello\nworld\n", "no certificate found: expected PEM blocks"),
    (b"\x30\x82\x01\x00garbage", "not PEM, and not a DER certificate either"),
    (b"\x00\xff\xfe" * 50, "no certificate found"),
    ("x\n-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
     r"PEM block 1 \(line 2\): the base64 text is corrupt"),
    ("-----BEGIN CERTIFICATE-----\naGVsbG8=\n-----END CERTIFICATE-----\n",
     r"PEM block 1 \(line 1\): not a readable X\.509 certificate"),
    ("-----BEGIN CERTIFICATE-----\nMIIB\n", r"PEM block 1 \(line 1\): CERTIFICATE has no matching END line"),
    ("-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n",
     "CERTIFICATE REQUEST, not a certificate"),
    ("-----BEGIN PKCS7-----\nMIIB\n-----END PKCS7-----\n", "openssl pkcs7 -print_certs"),
])
def test_no_certificate_is_a_one_line_chain_error(data, message):
    with pytest.raises(ChainError, match=message) as error:
        read_chain(data, "in.pem")
    assert str(error.value).startswith("in.pem: ")
    assert "\n" not in str(error.value)


def test_bad_blocks_among_good_ones_are_noted_and_skipped(leaf, tmp_path):
    key = (tmp_path / "k.pem")
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key)
    key_text = key.read_text()
    paste = ("noise\n" + leaf.pem
             + "-----BEGIN CERTIFICATE-----\nAAAA####\n-----END CERTIFICATE-----\n"
             + key_text)
    chain = read_chain(paste, "paste.txt")
    assert subjects(chain.certificates) == ["CN=app.test"]
    assert chain.problems[0].startswith("PEM block 2 (line ")
    assert "PEM block 3" in chain.problems[1] and "private key" in chain.problems[1]
    secret = key_text.splitlines()[1]
    assert secret not in json.dumps(chain_payload(chain)) + "\n".join(chain_lines(chain)) + repr(chain)
    with pytest.raises(ChainError) as error:
        read_chain(key_text, "key.pem")
    assert "private key" in str(error.value) and secret not in str(error.value)
