"""The evidence reader: every kind from real nginx 1.22.1 / OpenSSL 3.0 lines
(captured on loopback with the real binaries) and their OpenSSL 1.1 spellings,
with and without the `client: …` tail, cut short, behind journalctl/docker
prefixes, and never raising on junk."""
from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from upstream_tls.logs import DETAILS, KINDS, LEVELS, SOURCES, LogEvent, read_log, verify_code_name

TAIL = (', client: 127.0.0.1, server: , request: "GET / HTTP/1.1", upstream: "https://127.0.0.1:41234/", '
        'host: "127.0.0.1:40000"')
STAMP = "2026/11/28 05:57:54"

# Proxy side, run time (the proxy's error.log).
NAME_MISMATCH = (f'{STAMP} [error] 13428#13428: *1 upstream SSL certificate does not match "127.0.0.1" '
                 f"while SSL handshaking to upstream{TAIL}")
VERIFY_21 = ('2026/11/28 06:28:06 [error] 27368#27368: *1 upstream SSL certificate verify error: '
             '(21:unable to verify the first certificate) while SSL handshaking to upstream, client: 127.0.0.1, '
             'server: , request: "GET /verify HTTP/1.1", upstream: "https://127.0.0.1:47001/verify", '
             'host: "127.0.0.1:47000"')
UNRECOGNIZED_NAME = ('2026/11/28 06:28:06 [crit] 27368#27368: *13 SSL_do_handshake() failed (SSL: error:0A000458:'
                     'SSL routines::tlsv1 unrecognized name:SSL alert number 112) while SSL handshaking to upstream, '
                     'client: 127.0.0.1, server: , request: "GET /sni HTTP/1.1", '
                     'upstream: "https://127.0.0.1:47004/sni", host: "127.0.0.1:47000"')
PROTOCOL_VERSION = ('2026/11/28 06:28:06 [error] 27368#27368: *11 SSL_do_handshake() failed (SSL: error:0A00042E:'
                    'SSL routines::tlsv1 alert protocol version:SSL alert number 70) while SSL handshaking to '
                    'upstream, client: 127.0.0.1, server: , request: "GET /tls13 HTTP/1.1", '
                    'upstream: "https://127.0.0.1:47003/tls13", host: "127.0.0.1:47000"')
WRONG_VERSION = ('2026/11/28 06:28:06 [error] 27368#27368: *15 SSL_do_handshake() failed (SSL: error:0A00010B:'
                 'SSL routines::wrong version number) while SSL handshaking to upstream, client: 127.0.0.1, '
                 'server: , request: "GET /plain HTTP/1.1", upstream: "https://127.0.0.1:47005/plain", '
                 'host: "127.0.0.1:47000"')
PEER_CLOSED = ('2026/11/28 06:28:06 [error] 27368#27368: *25 peer closed connection in SSL handshake '
               '(104: Connection reset by peer) while SSL handshaking to upstream, client: 127.0.0.1, server: , '
               'request: "GET /closed HTTP/1.1", upstream: "https://127.0.0.1:47007/closed", host: "127.0.0.1:47000"')
REFUSED = ('2026/11/28 06:28:06 [error] 27368#27368: *19 connect() failed (111: Connection refused) while '
           'connecting to upstream, client: 127.0.0.1, server: , request: "GET /refused HTTP/1.1", '
           'upstream: "https://127.0.0.1:47006/refused", host: "127.0.0.1:47000"')
HANDSHAKE_TIMEOUT = ('2026/11/28 06:28:08 [error] 27368#27368: *27 upstream timed out (110: Connection timed out) '
                     'while SSL handshaking to upstream, client: 127.0.0.1, server: , '
                     'request: "GET /timeout HTTP/1.1", upstream: "https://127.0.0.1:47008/timeout", '
                     'host: "127.0.0.1:47000"')
NO_LIVE = ('2026/11/28 06:28:06 [error] 27368#27368: *23 no live upstreams while connecting to upstream, '
           'client: 127.0.0.1, server: , request: "GET /nolive HTTP/1.1", upstream: "https://nl/nolive", '
           'host: "127.0.0.1:47000"')

# The upstream's own log (info level: nginx logs client-side TLS trouble there).
UP_NO_CERT = ('2026/11/28 06:28:06 [info] 27354#27354: *4 client sent no required SSL certificate while reading '
              'client request headers, client: 127.0.0.1, server: app.test, request: "GET /mtls HTTP/1.0", '
              'host: "127.0.0.1:47002"')
UP_CERT_VERIFY = ('2026/11/28 06:28:34 [info] 27497#27497: *5 client SSL certificate verify error: '
                  '(21:unable to verify the first certificate) while reading client request headers, '
                  'client: 127.0.0.1, server: app.test, request: "GET /mtlsbad HTTP/1.0", host: "127.0.0.1:47002"')
UP_UNSUPPORTED = ('2026/11/28 06:28:06 [info] 27354#27354: *6 SSL_do_handshake() failed (SSL: error:0A000102:'
                  'SSL routines::unsupported protocol) while SSL handshaking, client: 127.0.0.1, '
                  'server: 127.0.0.1:47003')
UP_REJECTED = ('2026/11/28 06:28:06 [info] 27354#27354: *7 handshake rejected while SSL handshaking, '
               'client: 127.0.0.1, server: 127.0.0.1:47004')
UP_PLAIN_HTTP = ('2026/11/28 06:28:06 [info] 27354#27354: *9 client sent plain HTTP request to HTTPS port while '
                 'reading client request headers, client: 127.0.0.1, server: app.test, '
                 'request: "GET /http2https HTTP/1.0", host: "127.0.0.1:47001"')
UP_MISDIRECTED = ('2026/11/28 06:40:11 [info] 31021#31021: *3 client attempted to request the server name different '
                  'from the one that was negotiated while reading client request headers, client: 127.0.0.1, '
                  'server: app.test, request: "GET / HTTP/1.0", host: "shop.example.com"')

# Quoted in the public reports the field corpus (tests/field) is built from.
FIELD_CONNECT_TIMEOUT = (f"{STAMP} [error] 7#7: *9 upstream timed out (110: Operation timed out) while connecting to "
                         'upstream, client: 10.0.0.2, server: api, request: "GET / HTTP/1.1", '
                         'upstream: "http://10.0.0.9:8080/", host: "api"')
FIELD_UNREACHABLE = ('*758 connect() to [2a00:1450:4001:824::2010]:443 failed (101: Network unreachable) while '
                     'connecting to upstream, client: 10.12.0.1, server: , request: "GET / HTTP/1.1", '
                     'upstream: "https://[2a00:1450:4001:824::2010]:443/example.com/index.html", host: "10.156.0.15"')
FIELD_UNRESOLVED = (f"{STAMP} [error] 30#30: *3 mybucket.s3.amazonaws.com could not be resolved (110: Operation "
                    'timed out), client: 10.0.0.2, server: media, request: "GET /a.png HTTP/1.1", host: "media"')
FIELD_NO_RESOLVER = f"{STAMP} [error] 8#8: *1 no resolver defined to resolve koding.github.io, client: 10.0.0.2"
FIELD_PREMATURE = ('3370074#0: *3 upstream prematurely closed connection while reading response header from upstream, '
                   'client: 10.10.10.12, server: inap-aws-cm01.mydoamin.com, request: "GET /auth/ HTTP/1.1", '
                   'upstream: "http://192.168.46.69:9444/auth/", host: "inap-aws-cm01.mydoamin.com:9443"')
FIELD_TOO_BIG = ("[error] 332#332: *26135 Upstream sent too big header while reading response header from upstream")
FIELD_NO_VALID_HEADER = (f"{STAMP} [error] 7#7: *2 upstream sent no valid HTTP/1.0 header while reading response "
                         'header from upstream, client: 10.0.0.2, server: , request: "GET / HTTP/1.1", '
                         'upstream: "http://10.0.0.5:443/", host: "a"')
FIELD_DISABLED = (f"{STAMP} [warn] 20#20: *43 upstream server temporarily disabled while SSL handshaking to upstream, "
                  'client: 127.0.0.1, server: _, request: "GET / HTTP/1.1", upstream: "https://18.160.78.88:443/", '
                  'host: "127.0.0.1:8080"')
FIELD_PUMA = ("HTTP parse error, malformed request: #<Puma::HttpParserError: Invalid HTTP format, parsing fails. "
              "Are you trying to open an SSL connection to a non-SSL Puma?>")
FIELD_JAVA_CIPHERS = "javax.net.ssl.SSLHandshakeException: no cipher suites in common"
FIELD_APACHE_NO_SNI = ("[ssl:error] [pid 1234:tid 5678] AH02033: No hostname was provided via SNI for a name based "
                       "virtual host")
FIELD_CADDY_EMPTY_SNI = "http: TLS handshake error from 172.19.0.2:56438: no certificate available for ''"
FIELD_FASTLY = "Fastly error: unknown domain: example.com. Please check that this domain has been added to a service."
FIELD_CLOUDFLARE_403 = "403 Forbidden cloudflare-nginx"
FIELD_DUPLICATE_HOST = "h11._util.RemoteProtocolError: Found multiple Host: headers"
FIELD_502_PAGE = "<head><title>502 Bad Gateway</title></head>"
FIELD_STATUS = "404"
# `openssl s_client -connect 127.0.0.1:P -servername app.test` against a plain-HTTP port (OpenSSL 3.0).
PROBE_PLAIN_PORT = ("80FB4B7BE37F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:"
                    "../ssl/record/ssl3_record.c:350:")
ACCESS_LINE = '127.0.0.1 - - [28/Nov/2026:06:28:06 +0000] "GET /verify HTTP/1.1" 502 157 "-" "curl/7.88.1"'

# `nginx -t -p DIR -c FILE` with nginx 1.22.1 / OpenSSL 3.0, verbatim.
D = "/tmp/logcap.XXc6"
T_NO_TRUST = "nginx: [emerg] no proxy_ssl_trusted_certificate for proxy_ssl_verify"
T_GRPC_NO_TRUST = "nginx: [emerg] no grpc_ssl_trusted_certificate for grpc_ssl_verify"
T_UWSGI_NO_TRUST = "nginx: [emerg] no uwsgi_ssl_trusted_certificate for uwsgi_ssl_verify"
T_FAILED = f"nginx: configuration file {D}/notrust.conf test failed"
T_SYNTAX_OK = f"nginx: the configuration file {D}/ok.conf syntax is ok"
T_SUCCESSFUL = f"nginx: configuration file {D}/ok.conf test is successful"
T_DER_CA = (f'nginx: [emerg] SSL_CTX_load_verify_locations("{D}/ca.der") failed (SSL: error:05800088:'
            "x509 certificate routines::no certificate or crl found)")
T_MISSING_CA = (f'nginx: [emerg] SSL_CTX_load_verify_locations("{D}/missing.pem") failed (SSL: error:80000002:'
                f"system library::No such file or directory:calling fopen({D}/missing.pem, r) error:10000080:"
                "BIO routines::no such file error:05880002:x509 certificate routines::system lib)")
T_MISSING_CRL = (f'nginx: [emerg] X509_LOOKUP_load_file("{D}/missing.crl") failed (SSL: error:80000002:'
                 f"system library::No such file or directory:calling fopen({D}/missing.crl, r) error:10000080:"
                 "BIO routines::no such file error:05880002:x509 certificate routines::system lib)")
T_DER_CRL = (f'nginx: [emerg] X509_LOOKUP_load_file("{D}/ca.der") failed (SSL: error:05800088:'
             "x509 certificate routines::no certificate or crl found)")
T_NO_KEY = f'nginx: [emerg] no "proxy_ssl_certificate_key" is defined for certificate "{D}/c.pem"'
T_MISMATCH = (f'nginx: [emerg] SSL_CTX_use_PrivateKey("{D}/k2.pem") failed (SSL: error:05800074:'
              "x509 certificate routines::key values mismatch)")
T_ENCRYPTED = (f'nginx: [emerg] cannot load certificate key "{D}/kenc.pem": PEM_read_bio_PrivateKey() failed '
               "(SSL: error:1400006B:UI routines::processing error:while reading strings error:0480006D:"
               "PEM routines::problems getting password error:07880109:common libcrypto routines::interrupted or "
               "cancelled error:07880109:common libcrypto routines::interrupted or cancelled error:1C80009F:"
               "Provider routines::unable to get passphrase error:1400006B:UI routines::processing error:while "
               "reading strings error:0480006D:PEM routines::problems getting password error:07880109:common "
               "libcrypto routines::interrupted or cancelled error:04800068:PEM routines::bad password read)")
T_WRONG_PASSWORD = (f'nginx: [emerg] cannot load certificate key "{D}/kenc.pem": PEM_read_bio_PrivateKey() failed '
                    "(SSL: error:1C800064:Provider routines::bad decrypt error:11800074:PKCS12 routines::pkcs12 "
                    "cipherfinal error:maybe wrong password error:1C800064:Provider routines::bad decrypt "
                    "error:11800074:PKCS12 routines::pkcs12 cipherfinal error:maybe wrong password)")
T_MISSING_KEY = (f'nginx: [emerg] cannot load certificate key "{D}/nokey.pem": BIO_new_file() failed (SSL: '
                 f"error:80000002:system library::No such file or directory:calling fopen({D}/nokey.pem, r) "
                 "error:10000080:BIO routines::no such file)")
T_KEY_NOT_PEM = (f'nginx: [emerg] cannot load certificate key "{D}/bad.pem": PEM_read_bio_PrivateKey() failed '
                 "(SSL: error:1E08010C:DECODER routines::unsupported:No supported data to decode. Input type: PEM)")
T_MISSING_CERT = (f'nginx: [emerg] cannot load certificate "{D}/nocert.pem": BIO_new_file() failed (SSL: '
                  f"error:80000002:system library::No such file or directory:calling fopen({D}/nocert.pem, r) "
                  "error:10000080:BIO routines::no such file)")
T_CERT_NOT_PEM = (f'nginx: [emerg] cannot load certificate "{D}/bad.pem": PEM_read_bio_X509_AUX() failed '
                  "(SSL: error:0480006C:PEM routines::no start line:Expecting: TRUSTED CERTIFICATE)")
T_MISSING_PASSWORD_FILE = (f'nginx: [emerg] open() "{D}/nopw.txt" failed (2: No such file or directory) '
                           f"in {D}/missingpw.conf:10")
T_SSL_FLAG = f'nginx: [emerg] invalid parameter "ssl" in {D}/sslflag.conf:1'
T_HOST_NOT_FOUND = f'nginx: [emerg] host not found in upstream "backend.invalid" in {D}/hostnf.conf:1'
T_UNKNOWN_DIRECTIVE = f'nginx: [emerg] unknown directive "proxy_ssl_verfy" in {D}/unknown.conf:1'

# OpenSSL 1.1 spellings of the same failures.
V11_UNRECOGNIZED_NAME = (f"{STAMP} [error] 1#1: *1 SSL_do_handshake() failed (SSL: error:14094458:SSL routines:"
                         f"ssl3_read_bytes:tlsv1 unrecognized name:SSL alert number 112) while SSL handshaking to "
                         f"upstream{TAIL}")
V11_WRONG_VERSION = (f"{STAMP} [error] 1#1: *1 SSL_do_handshake() failed (SSL: error:1408F10B:SSL routines:"
                     f"ssl3_get_record:wrong version number) while SSL handshaking to upstream{TAIL}")
V11_SELF_SIGNED = (f"{STAMP} [error] 1#1: *1 upstream SSL certificate verify error: (18:self signed certificate) "
                   f"while SSL handshaking to upstream{TAIL}")
V11_MISMATCH = ('[emerg] SSL_CTX_use_PrivateKey("/k.pem") failed (SSL: error:0B080074:x509 certificate '
                "routines:X509_check_private_key:key values mismatch)")
V11_DER_CA = ('[emerg] SSL_CTX_load_verify_locations("/x/ca.der") failed (SSL: error:0B084088:x509 certificate '
              "routines:X509_load_cert_crl_file:no certificate or crl found)")
V11_ENCRYPTED = ('[emerg] cannot load certificate key "/k.pem": PEM_read_bio_PrivateKey() failed (SSL: '
                 "error:0906406D:PEM routines:PEM_def_callback:problems getting password error:0906A068:"
                 "PEM routines:PEM_do_header:bad password read)")


def one(line: str) -> LogEvent:
    [event] = read_log(line)
    return event


KIND_EXAMPLES = [
    (VERIFY_21, "verify-error"),
    (NAME_MISMATCH, "name-mismatch"),
    (UNRECOGNIZED_NAME, "handshake-failed"),
    (PEER_CLOSED, "peer-closed"),
    (T_NO_TRUST, "no-trusted-certificate"),
    (T_GRPC_NO_TRUST, "no-trusted-certificate"),
    (T_UWSGI_NO_TRUST, "no-trusted-certificate"),
    (T_DER_CA, "trusted-certificate-load-failed"),
    (T_MISSING_CA, "trusted-certificate-load-failed"),
    (V11_DER_CA, "trusted-certificate-load-failed"),
    (T_MISSING_CRL, "crl-load-failed"),
    (T_DER_CRL, "crl-load-failed"),
    (T_NO_KEY, "client-key-missing"),
    (T_MISMATCH, "client-key-mismatch"),
    (V11_MISMATCH, "client-key-mismatch"),
    (T_ENCRYPTED, "client-key-encrypted"),
    (T_WRONG_PASSWORD, "client-key-encrypted"),
    (V11_ENCRYPTED, "client-key-encrypted"),
    (T_MISSING_KEY, "client-cert-load-failed"),
    (T_KEY_NOT_PEM, "client-cert-load-failed"),
    (T_MISSING_CERT, "client-cert-load-failed"),
    (T_CERT_NOT_PEM, "client-cert-load-failed"),
    (T_SSL_FLAG, "upstream-ssl-flag"),
    (T_HOST_NOT_FOUND, "host-not-found"),
    (REFUSED, "connect-refused"),
    (HANDSHAKE_TIMEOUT, "upstream-timeout"),
    (NO_LIVE, "no-live-upstreams"),
    (UP_NO_CERT, "upstream-no-client-cert"),
    (UP_CERT_VERIFY, "upstream-client-cert-verify-failed"),
    (UP_REJECTED, "upstream-handshake-rejected"),
    (UP_PLAIN_HTTP, "upstream-plain-http-to-https"),
    (UP_MISDIRECTED, "upstream-misdirected-request"),
    (UP_UNSUPPORTED, "upstream-unsupported-protocol"),
    (T_FAILED, "config-test-failed"),
    (T_SYNTAX_OK, "config-test-ok"),
    (T_SUCCESSFUL, "config-test-ok"),
    (T_UNKNOWN_DIRECTIVE, "other-error"),
    ("Enter PEM pass phrase:", "unrecognized"),
    (FIELD_CONNECT_TIMEOUT, "connect-timeout"),
    (FIELD_UNREACHABLE, "unreachable"),
    (FIELD_UNRESOLVED, "name-unresolved"),
    (FIELD_NO_RESOLVER, "no-resolver"),
    (FIELD_PREMATURE, "upstream-closed"),
    (FIELD_TOO_BIG, "header-too-big"),
    (FIELD_NO_VALID_HEADER, "invalid-response"),
    (FIELD_DISABLED, "follow-up"),
    (FIELD_PUMA, "upstream-tls-to-plain"),
    (FIELD_JAVA_CIPHERS, "upstream-no-shared-cipher"),
    (FIELD_APACHE_NO_SNI, "upstream-no-sni"),
    (FIELD_CADDY_EMPTY_SNI, "upstream-sni-unknown"),
    (FIELD_FASTLY, "upstream-unknown-host"),
    (FIELD_CLOUDFLARE_403, "upstream-edge-refused"),
    (FIELD_DUPLICATE_HOST, "upstream-duplicate-host"),
    (FIELD_502_PAGE, "bad-gateway"),
    (FIELD_STATUS, "http-status"),
    (ACCESS_LINE, "access-log"),
    ("Server: nginx/1.6.2", "http-header"),
    (PROBE_PLAIN_PORT, "probe-handshake-failed"),
]


@pytest.mark.parametrize(("line", "kind"), KIND_EXAMPLES)
def test_kind_of_real_line(line, kind):
    event = one(line)
    assert event.kind == kind
    assert event.raw == line and event.line == 1
    assert event.source in SOURCES and (event.detail is None or event.detail in DETAILS)


def test_examples_cover_every_kind():
    assert {kind for _, kind in KIND_EXAMPLES} == set(KINDS)


def test_verify_error_fields_and_tail():
    event = one(VERIFY_21)
    assert (event.level, event.source, event.verify_code, event.verify_text) == (
        "error", "proxy", 21, "unable to verify the first certificate")
    assert event.message == ("upstream SSL certificate verify error: (21:unable to verify the first certificate) "
                             "while SSL handshaking to upstream")
    assert (event.client, event.server, event.request, event.upstream, event.host) == (
        "127.0.0.1", "", "GET /verify HTTP/1.1", "https://127.0.0.1:47001/verify", "127.0.0.1:47000")


@pytest.mark.parametrize(("code", "text"), [
    (10, "certificate has expired"), (9, "certificate is not yet valid"), (18, "self-signed certificate"),
    (19, "self-signed certificate in certificate chain"), (20, "unable to get local issuer certificate"),
    (21, "unable to verify the first certificate"), (23, "certificate revoked"),
    (26, "unsuitable certificate purpose"), (3, "unable to get certificate CRL"), (12, "CRL has expired"),
    (2, "unable to get issuer certificate"), (22, "certificate chain too long"), (66, "EE certificate key too weak"),
])
def test_verify_codes(code, text):
    event = one(f"{STAMP} [error] 1#1: *1 upstream SSL certificate verify error: ({code}:{text}) "
                f"while SSL handshaking to upstream{TAIL}")
    assert (event.kind, event.verify_code, event.verify_text) == ("verify-error", code, text)
    assert verify_code_name(code) == text


def test_openssl_1_1_spellings():
    assert (one(V11_SELF_SIGNED).verify_code, one(V11_SELF_SIGNED).verify_text) == (18, "self signed certificate")
    sni = one(V11_UNRECOGNIZED_NAME)
    assert (sni.kind, sni.ssl_reason, sni.alert_number) == ("handshake-failed", "tlsv1 unrecognized name", 112)
    plain = one(V11_WRONG_VERSION)
    assert (plain.ssl_reason, plain.alert_number) == ("wrong version number", None)
    assert one(V11_DER_CA).detail == "not-pem"
    assert (one(V11_ENCRYPTED).detail, one(V11_MISMATCH).path) == ("no-password", "/k.pem")


def test_verify_code_name_unknown_reads_like_openssl():
    assert verify_code_name(999) == "unknown certificate verification error"


@pytest.mark.parametrize(("line", "level", "reason", "alert"), [
    (UNRECOGNIZED_NAME, "crit", "tlsv1 unrecognized name", 112),
    (PROTOCOL_VERSION, "error", "tlsv1 alert protocol version", 70),
    (WRONG_VERSION, "error", "wrong version number", None),
])
def test_handshake_reason_and_alert(line, level, reason, alert):
    event = one(line)
    assert (event.kind, event.source, event.level) == ("handshake-failed", "proxy", level)
    assert (event.ssl_reason, event.alert_number) == (reason, alert)
    assert event.ssl_reasons == (reason,)


def test_name_mismatch_checked_name_and_upstream():
    event = one(NAME_MISMATCH)
    assert (event.checked_name, event.upstream, event.host) == ("127.0.0.1", "https://127.0.0.1:41234/",
                                                                "127.0.0.1:40000")


def test_without_tail():
    event = one(f'{STAMP} [error] 1#1: *1 upstream SSL certificate does not match "backend" '
                "while SSL handshaking to upstream")
    assert (event.kind, event.checked_name, event.client, event.upstream) == ("name-mismatch", "backend", None, None)
    assert event.message.endswith("while SSL handshaking to upstream")


def test_message_only_no_header():
    event = one("upstream SSL certificate verify error: (10:certificate has expired) while SSL handshaking to upstream")
    assert (event.kind, event.level, event.verify_code, event.source) == ("verify-error", None, 10, "proxy")


@pytest.mark.parametrize(("cut", "kind"), [
    (NAME_MISMATCH[:120], "name-mismatch"),
    (VERIFY_21[:110], "verify-error"),
    (UNRECOGNIZED_NAME[:100], "handshake-failed"),
    (T_MISSING_CA[:60], "trusted-certificate-load-failed"),
    (T_ENCRYPTED[:200], "client-key-encrypted"),
    (REFUSED[:95], "connect-refused"),
])
def test_truncated_message_still_classified(cut, kind):
    assert one(cut).kind == kind


def test_truncated_values_are_not_guessed():
    event = one(VERIFY_21[:VERIFY_21.index("(21:") + 5])
    assert (event.kind, event.verify_code, event.verify_text) == ("verify-error", 21, None)
    assert one(VERIFY_21[:VERIFY_21.index("(21:") + 2]).verify_code is None
    assert one(NAME_MISMATCH[:NAME_MISMATCH.index('"127') + 4]).checked_name is None


def test_truncated_tail_keeps_the_complete_fields():
    event = one(NAME_MISMATCH[:NAME_MISMATCH.index('upstream: "') + 20])
    assert (event.client, event.server, event.request, event.upstream, event.host) == (
        "127.0.0.1", "", "GET / HTTP/1.1", None, None)
    assert one(NAME_MISMATCH[:NAME_MISMATCH.index(", server:") + 6]).client == "127.0.0.1"


@pytest.mark.parametrize("prefix", [
    "Nov 28 10:00:00 web01 nginx[123]: ",
    "2026-11-28T10:00:00.123456789Z ",
    "2026-11-28T10:00:00+0000 web01 nginx[123]: ",
    "web-1  | ",
    "web-1  | 2026-11-28T10:00:00.123456789Z ",
    "[pod/web-7d9f/nginx] ",
    "<163>Nov 28 10:00:00 web01 nginx: ",
    "some unknown collector: ",
])
def test_prefixes_stripped(prefix):
    event = one(prefix + NAME_MISMATCH)
    assert (event.kind, event.level, event.checked_name) == ("name-mismatch", "error", "127.0.0.1")
    assert event.message.startswith("upstream SSL certificate does not match")
    assert event.raw == prefix + NAME_MISMATCH


@pytest.mark.parametrize("prefix", ["Nov 28 10:00:00 web01 nginx[123]: ", "web-1  | ", ""])
def test_nginx_t_prefixes(prefix):
    event = one(prefix + T_NO_TRUST)
    assert (event.kind, event.level, event.source) == ("no-trusted-certificate", "emerg", "nginx-t")
    assert event.message == "no proxy_ssl_trusted_certificate for proxy_ssl_verify"


def test_nginx_t_output_block():
    failed = f"nginx: configuration file {D}/enc.conf test failed"
    events = read_log("\n".join(["Enter PEM pass phrase:", "Enter PEM pass phrase:", T_ENCRYPTED, failed]))
    assert [event.kind for event in events] == ["unrecognized", "unrecognized", "client-key-encrypted",
                                                "config-test-failed"]
    assert all(event.source == "nginx-t" for event in events[2:])
    assert events[3].path == f"{D}/enc.conf" and events[3].level is None


def test_config_test_ok_block():
    events = read_log(f"{T_SYNTAX_OK}\n{T_SUCCESSFUL}\n")
    assert [(event.kind, event.path) for event in events] == [("config-test-ok", f"{D}/ok.conf")] * 2


@pytest.mark.parametrize(("line", "path", "detail"), [
    (T_DER_CA, f"{D}/ca.der", "not-pem"),
    (T_MISSING_CA, f"{D}/missing.pem", "file-not-found"),
    (T_MISSING_CRL, f"{D}/missing.crl", "file-not-found"),
    (T_DER_CRL, f"{D}/ca.der", "not-pem"),
    (T_NO_KEY, f"{D}/c.pem", None),
    (T_MISMATCH, f"{D}/k2.pem", None),
    (T_ENCRYPTED, f"{D}/kenc.pem", "no-password"),
    (T_WRONG_PASSWORD, f"{D}/kenc.pem", "wrong-password"),
    (T_MISSING_KEY, f"{D}/nokey.pem", "file-not-found"),
    (T_KEY_NOT_PEM, f"{D}/bad.pem", "not-pem"),
    (T_MISSING_CERT, f"{D}/nocert.pem", "file-not-found"),
    (T_CERT_NOT_PEM, f"{D}/bad.pem", "not-pem"),
    (T_MISSING_PASSWORD_FILE, f"{D}/nopw.txt", "file-not-found"),
])
def test_emerg_file_and_detail(line, path, detail):
    event = one(line)
    assert (event.path, event.detail, event.level, event.source) == (path, detail, "emerg", "nginx-t")


def test_first_openssl_reason_is_the_cause():
    assert one(T_MISSING_CA).ssl_reasons == ("No such file or directory", "no such file", "system lib")
    assert one(T_WRONG_PASSWORD).ssl_reason == "bad decrypt"


def test_conf_suffix():
    flag = one(T_SSL_FLAG)
    assert (flag.conf_file, flag.conf_line, flag.path) == (f"{D}/sslflag.conf", 1, f"{D}/sslflag.conf")
    host = one(T_HOST_NOT_FOUND)
    assert (host.upstream, host.conf_file, host.conf_line) == ("backend.invalid", f"{D}/hostnf.conf", 1)
    assert one(T_NO_TRUST).conf_file is None  # nginx gives no file:line for merge-time errors


def test_upstream_own_log():
    assert one(UP_UNSUPPORTED).ssl_reason == "unsupported protocol"
    rejected = one(UP_REJECTED)
    assert (rejected.source, rejected.level, rejected.client, rejected.server) == (
        "upstream", "info", "127.0.0.1", "127.0.0.1:47004")
    assert (one(UP_CERT_VERIFY).verify_code, one(UP_NO_CERT).server) == (21, "app.test")
    assert all(one(line).source == "upstream" for line in (UP_NO_CERT, UP_CERT_VERIFY, UP_PLAIN_HTTP))


def test_server_side_handshake_failures_are_the_upstreams():
    alert = one(f"{STAMP} [info] 9#9: *3 SSL_do_handshake() failed (SSL: error:0A000416:SSL routines::sslv3 alert "
                "certificate unknown:SSL alert number 46) while SSL handshaking, client: 10.0.0.2, server: 0.0.0.0:443")
    assert (alert.kind, alert.source, alert.alert_number) == ("handshake-failed", "upstream", 46)
    closed = one(f"{STAMP} [info] 9#9: *4 peer closed connection in SSL handshake while SSL handshaking, "
                 "client: 10.0.0.2, server: 0.0.0.0:443")
    assert (closed.kind, closed.source) == ("peer-closed", "upstream")
    proxy_side = one(f"{STAMP} [error] 1#1: *1 SSL_do_handshake() failed (SSL: error:0A000102:SSL routines::"
                     f"unsupported protocol) while SSL handshaking to upstream{TAIL}")
    assert (proxy_side.kind, proxy_side.source) == ("handshake-failed", "proxy")


def test_stream_module_tail():
    event = one(f"{STAMP} [error] 5#5: *7 upstream SSL certificate verify error: (20:unable to get local issuer "
                "certificate) while SSL handshaking to upstream, client: 10.0.0.9, server: 0.0.0.0:443, "
                'upstream: "10.0.1.45:8443", bytes from/to client:0/0, bytes from/to upstream:0/0')
    assert (event.verify_code, event.upstream, event.server) == (20, "10.0.1.45:8443", "0.0.0.0:443")


@pytest.mark.parametrize(("line", "kind"), [
    (f'{STAMP} [error] 7#7: *9 limiting requests, excess: 0.550 by zone "one", client: 10.0.0.2, server: a, '
     'request: "GET / HTTP/1.1", host: "a"', "other-error"),
    (f'{STAMP} [error] 7#7: *9 open() "/usr/share/nginx/html/x" failed (2: No such file or directory), '
     'client: 10.0.0.2, server: a, request: "GET /x HTTP/1.1", host: "a"', "other-error"),
    (f"{STAMP} [warn] 7#7: *9 an upstream response is buffered to a temporary file", "unrecognized"),
    ("2026/11/28 06:28:06 [info] 27368#27368: *1 client 127.0.0.1 closed keepalive connection", "unrecognized"),
])
def test_other_lines_are_kept(line, kind):
    event = one(line)
    assert event.kind == kind and event.raw == line


def test_other_error_keeps_what_it_can():
    event = one(f'{STAMP} [error] 7#7: *9 open() "/srv/x" failed (2: No such file or directory), client: 10.0.0.2, '
                'server: a, request: "GET /x HTTP/1.1", host: "a"')
    assert (event.path, event.detail, event.host, event.upstream) == ("/srv/x", "file-not-found", "a", None)


def test_request_text_does_not_classify():
    event = one(f'{STAMP} [error] 7#7: *9 limiting requests, client: 10.0.0.2, server: a, '
                'request: "GET /upstream%20timed%20out?x=handshake rejected HTTP/1.1", host: "a"')
    assert event.kind == "other-error"


def test_line_numbers_skip_blank_lines_and_crlf():
    events = read_log(f"\r\n{NAME_MISMATCH}\r\n\n   \n{T_NO_TRUST}\r\n", name="error.log")
    assert [(event.line, event.kind) for event in events] == [(2, "name-mismatch"), (5, "no-trusted-certificate")]
    assert events[0].raw == NAME_MISMATCH and events[0].log == "error.log"


def test_wrapped_line_is_rejoined():
    width = 80
    pieces = [VERIFY_21[i:i + width] for i in range(0, len(VERIFY_21), width)]
    events = read_log("\n".join(pieces + [T_NO_TRUST]))
    head, *rest, last = events
    assert (head.kind, head.verify_code, head.host) == ("verify-error", 21, "127.0.0.1:47000")
    assert head.upstream == "https://127.0.0.1:47001/verify" and head.raw == pieces[0]
    assert all(event.kind == "unrecognized" and event.continuation_of == 1 for event in rest)
    assert len(rest) == len(pieces) - 1 and last.kind == "no-trusted-certificate"


def test_unrelated_next_line_is_not_joined():
    access = '127.0.0.1 - - [28/Nov/2026:06:28:06 +0000] "GET /verify HTTP/1.1" 502 157 "-" "curl/7.88.1"'
    events = read_log(f"{VERIFY_21}\n{access}")
    assert events[1].continuation_of is None and events[0].host == "127.0.0.1:47000"


@pytest.mark.parametrize("junk", [
    "\x00\x01\x02\xff\ufffd" * 50,
    "\udcff\udcfe[error] \x00",
    "[error] " + "(" * 5000,
    "(SSL: " + "error:0A000458:" * 2000,
    ", client: " * 3000,
    'x, request: "' + "a, upstream: " * 2000,
    "2026/11/28 05:57:54 [error] " + "\u2028" * 100,
])
def test_junk_never_raises(junk):
    events = read_log(junk)
    assert events and all(event.kind in KINDS for event in events)


def test_bytes_and_huge_line():
    assert read_log(b"\xff\xfe\x00 [emerg] \x80")[0].kind == "unrecognized"
    assert read_log(T_NO_TRUST.encode())[0].kind == "no-trusted-certificate"
    huge = one(NAME_MISMATCH + "x" * 1_000_000)
    assert huge.kind == "name-mismatch" and len(huge.raw) > 1_000_000


def test_large_paste():
    lines = [NAME_MISMATCH, VERIFY_21, UP_REJECTED, T_NO_TRUST, "garbage \x00", REFUSED, "", UNRECOGNIZED_NAME]
    events = read_log("\n".join(lines * 6250))
    assert len(events) == 7 * 6250
    assert events[-1].kind == "handshake-failed" and events[-1].line == 50_000


def test_a_missing_trust_file_keeps_openssls_reason():
    event = one(T_MISSING_CA)
    assert event.kind == "trusted-certificate-load-failed" and event.ssl_reasons[0] == "No such file or directory"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_never_raises(text):
    events = read_log(text)
    nonblank = [line for line in text.split("\n") if line.rstrip("\r").strip()]
    assert len(events) == len(nonblank)
    assert all(event.kind in KINDS and event.source in SOURCES for event in events)
    assert all(event.level is None or event.level in LEVELS for event in events)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([NAME_MISMATCH, UP_REJECTED, T_ENCRYPTED, "x"]), min_size=1),
       st.integers(min_value=0, max_value=400))
def test_cut_real_lines_never_raise(lines, cut):
    for event in read_log("\n".join(line[:cut] for line in lines)):
        assert event.kind in KINDS


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([VERIFY_21, NAME_MISMATCH, UNRECOGNIZED_NAME, UP_REJECTED, NO_LIVE]),
       st.integers(min_value=40, max_value=300))
def test_any_wrap_width_reads_like_the_whole_line(line, width):
    """From 40 columns up, where the date and level fit on the first piece."""
    pieces = [line[i:i + width] for i in range(0, len(line), width)]
    head, *rest = read_log("\n".join(pieces))
    whole = one(line)
    assert replace(head, raw=line) == whole
    assert [event.continuation_of for event in rest] == [1] * len(rest)
