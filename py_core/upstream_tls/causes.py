"""The cause taxonomy: stable ids the CLI JSON and the page share, with the
side the repair belongs to and what a person should do about each."""
from __future__ import annotations

from dataclasses import dataclass

CONFIG, UPSTREAM = "config", "upstream"


@dataclass(frozen=True)
class CauseInfo:
    """`tls` is False for the 502s that are not about TLS at all (nothing
    listens, DNS, a slow or crashing application): naming them keeps a
    TLS change from being proposed for a problem it cannot fix."""

    id: str
    side: str
    title: str
    action: str
    tls: bool = True


_TABLE = (
    ("verify-without-trusted-certificate", CONFIG, "verification is on but no trusted certificate is in effect",
     "set proxy_ssl_trusted_certificate to a PEM file with the CA that issued the upstream's certificate"),
    ("trusted-certificate-unreadable", CONFIG, "the trusted-certificate file cannot be read",
     "point proxy_ssl_trusted_certificate at a file that exists and nginx can read"),
    ("trusted-certificate-not-pem", CONFIG, "the trusted-certificate file is not PEM (DER?)",
     "convert it: openssl x509 -inform der -in FILE -out FILE.pem"),
    ("untrusted-certificate", CONFIG, "the upstream's certificate does not chain to anything in the trust file",
     "put the CA at the top of the upstream's chain (the self-signed root) into the trust file"),
    ("verify-depth-exceeded", CONFIG, "the chain has more intermediates than proxy_ssl_verify_depth allows",
     "raise proxy_ssl_verify_depth to the number of intermediates"),
    ("incomplete-chain", UPSTREAM, "the upstream sends its certificate without the intermediate that issued it",
     "configure the upstream to send the full chain (leaf + intermediates); as a stopgap, add the intermediate "
     "and its root to the trust file"),
    ("certificate-purpose", UPSTREAM, "the upstream's certificate is not valid for TLS servers (extendedKeyUsage)",
     "reissue the upstream certificate with serverAuth in extendedKeyUsage"),
    ("name-mismatch", CONFIG, "the name nginx checks or sends as SNI is not one the upstream holds a certificate for",
     "set proxy_ssl_name to a DNS name the certificate holds"),
    ("sni-required", CONFIG, "the upstream needs SNI and nginx sends none",
     "proxy_ssl_server_name on, with proxy_ssl_name set to the upstream's DNS name"),
    ("host-header-mismatch", CONFIG, "the Host header names another site than the TLS name",
     "send the upstream's own name in Host (proxy_set_header Host NAME)"),
    ("certificate-expired", UPSTREAM, "the upstream's certificate has expired",
     "renew the upstream's certificate; turning verification off hides an expired or stolen certificate"),
    ("certificate-not-yet-valid", UPSTREAM, "the upstream's certificate is not valid yet",
     "check the clock of the proxy and of the CA, or reissue with a correct start date"),
    ("certificate-revoked", UPSTREAM, "the upstream's certificate is revoked by its CA",
     "reissue the upstream's certificate; a revoked certificate must not be trusted"),
    ("crl-expired", UPSTREAM, "the CRL in proxy_ssl_crl has passed its next-update date",
     "fetch a fresh CRL from the CA and reload nginx (automate it)"),
    ("crl-wrong-issuer", CONFIG, "proxy_ssl_crl lacks the CRL of a CA in the chain (nginx checks every CA)",
     "put the CRL of every CA in the chain into the proxy_ssl_crl file"),
    ("client-certificate-required", CONFIG, "the upstream requires a client certificate and nginx sends none",
     "set proxy_ssl_certificate and proxy_ssl_certificate_key to the client certificate the upstream trusts"),
    ("client-certificate-rejected", CONFIG, "the upstream rejects the client certificate nginx sends",
     "send a client certificate issued by the CA the upstream trusts (its ssl_client_certificate)"),
    ("client-key-missing", CONFIG, "a client certificate is set without its key",
     "add proxy_ssl_certificate_key"),
    ("client-key-mismatch", CONFIG, "the client key does not belong to the client certificate",
     "point proxy_ssl_certificate_key at the key of that certificate"),
    ("client-key-encrypted", CONFIG, "the client key is encrypted and nginx has no password for it",
     "add proxy_ssl_password_file, or store the key unencrypted with tight permissions"),
    ("protocol-mismatch", CONFIG, "nginx and the upstream share no TLS version (the upstream wants TLSv1.3)",
     "proxy_ssl_protocols TLSv1.2 TLSv1.3"),
    ("legacy-upstream-protocol", UPSTREAM, "the upstream speaks only TLSv1/TLSv1.1 or legacy signatures",
     "upgrade the upstream's TLS stack; enabling legacy protocols on the proxy is a dev-only stopgap"),
    ("weak-upstream-key", UPSTREAM, "the upstream's key is too weak for OpenSSL's security level",
     "reissue the upstream's certificate with an RSA 2048+ or EC key"),
    ("cipher-mismatch", UPSTREAM, "nginx and the upstream share no cipher",
     "with proxy_ssl_ciphers set, go back to nginx's default list; otherwise enable modern ciphers on the "
     "upstream (lowering the proxy's ciphers is a dev-only stopgap)"),
    ("https-to-plain-http", CONFIG, "TLS is sent to a port that speaks plain HTTP",
     "use the upstream's TLS port, or http:// if the upstream really has no TLS"),
    ("http-to-https-port", CONFIG, "plain HTTP is sent to a port that speaks TLS",
     "use https:// in proxy_pass"),
    ("upstream-server-ssl-flag", CONFIG, "`server … ssl` in an upstream group (no such parameter)",
     "drop ssl from the server line and use https:// in proxy_pass"),
    ("verify-disabled", CONFIG, "upstream certificate verification is off",
     "turn proxy_ssl_verify on with a trust file"),
    ("duplicate-host-header", CONFIG, "the upstream receives two Host headers: proxy_set_header Host is set twice "
     "at one level (an included proxy.conf and the location's own line)",
     "keep one `proxy_set_header Host` at that level; the include may already set it", False),
    ("upstream-connection-refused", UPSTREAM, "nothing accepts connections at the upstream's address and port",
     "check that the upstream runs and listens on that address and port (ss -ltnp on its host; a container "
     "listening on 127.0.0.1 is not reachable from another one)", False),
    ("upstream-unreachable", UPSTREAM, "the upstream's address cannot be reached: the connection times out or "
     "has no route", "check firewalls, security groups and routes between nginx and the upstream (curl -v from "
     "the nginx host); for an IPv6 address without a route, `resolver … ipv6=off`", False),
    ("upstream-timeout", UPSTREAM, "the upstream accepted the connection but answered too slowly",
     "find out why the upstream is slow (its own log); raise proxy_read_timeout only if the wait is expected",
     False),
    ("upstream-name-unresolved", CONFIG, "nginx cannot resolve the upstream's host name",
     "fix the name, or give nginx a `resolver` it can reach when proxy_pass holds a variable", False),
    ("upstream-closed-connection", UPSTREAM, "the upstream closed or reset the connection before a full response "
     "header", "read the upstream's own log at that time (a crash, a restart, a keep-alive timeout shorter than "
     "nginx's, a request it refused)", False),
    ("upstream-header-too-big", CONFIG, "the upstream's response headers do not fit proxy_buffer_size",
     "raise proxy_buffer_size (and proxy_buffers) above the size of the upstream's headers (often large cookies)",
     False),
    ("no-live-upstreams", UPSTREAM, "every server of the upstream group is marked failed after earlier errors",
     "the error logged before `no live upstreams` is the cause; fix that one", False),
)

CAUSES: dict[str, CauseInfo] = {row[0]: CauseInfo(*row) for row in _TABLE}
