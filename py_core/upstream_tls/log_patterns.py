"""What each kind of evidence line looks like: nginx's messages (as 1.18
to 1.27 word them), OpenSSL's file-loading reasons, response headers,
status lines and access-log lines. Data and one lookup; logs.py reads."""
from __future__ import annotations

import re

DETAIL_PATTERNS = (
    ("wrong-password", re.compile(r"bad decrypt|maybe wrong password")),
    ("no-password", re.compile(r"bad password read|problems getting password|unable to get passphrase"
                               r"|UI routines")),
    ("file-not-found", re.compile(r"No such file or directory|no such file")),
    ("permission-denied", re.compile(r"Permission denied")),
    ("not-pem", re.compile(r"no certificate or crl found|no start line|No supported data to decode")),
)

# Tried in order, first match wins. Each pattern is the shortest phrase that
# still names the message, so a line cut short by a pager is still classified;
# the optional groups pick up details when they survived.
LINE_PATTERNS = tuple((kind, re.compile(pattern, re.I)) for kind, pattern in (
    ("config-test-failed", r"configuration file (?P<path>\S+) test failed"),
    ("config-test-ok", r"configuration file (?P<path>\S+) (?:syntax is ok|test is successful)"),
    ("verify-error", r"upstream SSL certificate verify error(?:: \((?P<code>\d+):(?:(?P<text>[^)]*)\))?)?"),
    ("upstream-client-cert-verify-failed",
     r"client SSL certificate verify error(?:: \((?P<code>\d+):(?:(?P<text>[^)]*)\))?)?"),
    ("name-mismatch", r'upstream SSL certificate does not match(?: "(?P<name>[^"]*)")?'),
    ("no-trusted-certificate", r"no (?:proxy|grpc|uwsgi)_ssl_trusted_certificate for"),
    ("trusted-certificate-load-failed", r'SSL_CTX_load_verify_locations\((?:"(?P<path>[^"]*)"\))?'),
    ("crl-load-failed", r'X509_LOOKUP_load_file\((?:"(?P<path>[^"]*)"\))?|X509_STORE_add_lookup\(\) failed'),
    ("client-key-missing",
     r'no "(?:proxy|grpc|uwsgi)_ssl_certificate_key" is defined(?: for certificate "(?P<path>[^"]*)")?'),
    ("client-key-mismatch", r"key values mismatch"),
    # Only when OpenSSL says the password was missing or wrong; otherwise _event
    # makes it client-cert-load-failed.
    ("client-key-encrypted", r'cannot load certificate key(?: "(?P<path>[^"]*)")?: PEM_read_bio_PrivateKey\(\)'),
    ("client-cert-load-failed",
     r'cannot load certificate(?: key)?(?: "(?P<path>[^"]*)")?|SSL_CTX_use_(?:certificate|PrivateKey)\('),
    ("upstream-ssl-flag", r'invalid parameter "ssl"'),
    ("host-not-found", r'host not found in (?:upstream|resolver)(?: "(?P<host>[^"]*)")?'),
    ("no-resolver", r"no resolver defined to resolve (?P<host>\S+)"),
    ("name-unresolved", r"(?P<host>\S+) could not be resolved"),
    ("connect-refused", r"(?:connect\(\) (?:to \S+ )?)?failed \(\d+: Connection refused\)"),
    ("unreachable", r"(?:connect\(\) (?:to \S+ )?)?failed \(\d+: (?:Network (?:is )?unreachable|No route to host|"
                    r"Host (?:is )?unreachable)\)"),
    ("upstream-timeout", r"upstream timed out"),
    ("no-live-upstreams", r"no live upstreams"),
    ("header-too-big", r"upstream sent too big header"),
    ("invalid-response", r"upstream sent (?:no valid HTTP/1\.0 header|invalid header|invalid status)"),
    ("upstream-closed", r"upstream prematurely closed connection|(?:recv|readv|SSL_read)\(\) failed .* while "
                        r"reading (?:response header from )?upstream"),
    ("follow-up", r"upstream server temporarily disabled|auth request unexpected status|"
                  r"\[lua\] \S+: balance\(\): (?:failed to get new upstream|no peer was returned)"),
    ("upstream-no-client-cert", r"client sent no required SSL certificate"),
    ("upstream-no-sni", r'no "ssl_certificate" is defined in server listening on SSL port'),
    ("upstream-handshake-rejected", r"handshake rejected"),
    ("upstream-plain-http-to-https", r"client sent plain HTTP request to HTTPS port"),
    ("upstream-misdirected-request", r"client attempted to request the server name different from the one that "
                                     r"was negotiated"),
    ("peer-closed", r"peer closed connection in SSL handshake"),
    ("handshake-failed", r"SSL_do_handshake\(\) failed"),
    # openssl s_client run by the person, printing OpenSSL's error queue.
    ("probe-handshake-failed", r"^[0-9A-F]+:error:[0-9A-F]{8}:SSL routines:"),
    ("bad-gateway", r"\b50[24] (?:Bad Gateway|Gateway Time-?out)\b"),
))
# A response header line as curl -i or a browser shows it: context, not evidence.
HEADER_LINE = re.compile(r"^\s*(?:[<>] )?(?:server|date|content-type|content-length|connection|etag|accept-ranges|"
                          r"last-modified|cache-control|location|vary|via|x-[\w-]+|cf-ray|strict-transport-security|"
                          r"set-cookie|expires|pragma|transfer-encoding|keep-alive|age|alt-svc): ", re.I)
BARE_STATUS = re.compile(r"^\s*(?:HTTP/\d(?:\.\d)?\s+)?(?P<status>[1-5]\d\d)\b(?:\s+[A-Za-z][\w '-]*)?\s*$")
ACCESS_LOG = re.compile(r'^\S+ \S+ \S+ \[[^\]]+\] "[^"]*" (?P<status>\d{3}) ')
PHASE = re.compile(r" while (?P<phase>[a-zA-Z ]+?)(?: to upstream| from upstream| upstream)?$")

UPSTREAM_KINDS = frozenset({
    "upstream-no-client-cert", "upstream-client-cert-verify-failed", "upstream-handshake-rejected",
    "upstream-plain-http-to-https", "upstream-unsupported-protocol", "upstream-misdirected-request",
    "upstream-no-shared-cipher", "upstream-no-sni",
})
# What nginx as the upstream logs about a client's handshake, by OpenSSL reason.
SERVER_SIDE_REASONS = (("unsupported protocol", "upstream-unsupported-protocol"),
                        ("no shared cipher", "upstream-no-shared-cipher"),
                        ("http request", "upstream-plain-http-to-https"))
CONFIG_KINDS = frozenset({
    "no-trusted-certificate", "trusted-certificate-load-failed", "crl-load-failed", "client-key-missing",
    "client-key-mismatch", "client-key-encrypted", "client-cert-load-failed", "upstream-ssl-flag",
    "host-not-found", "config-test-failed", "config-test-ok",
})


def classify(message: str) -> tuple[str | None, dict[str, str]]:
    for kind, pattern in LINE_PATTERNS:
        match = pattern.search(message)
        if match:
            return kind, {key: value for key, value in match.groupdict().items() if value is not None}
    return None, {}
