"""What other software writes when the proxy's TLS goes wrong: the upstream's
own log lines and the response pages a client sees, from the servers and
edges people put behind nginx. nginx's own lines are read in logs.py; these
are the rest of the evidence people have.

Each phrase is the shortest text that still names the failure, so a line cut
short or wrapped in a JSON logger is still recognised. `kind` is one of
logs.KINDS; `source` says whether the text comes from the upstream's log or
from a response body/status line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

LOG, RESPONSE = "upstream", "response"

TLS_RECORD_BYTES = r"(?:\\x16\\x03\\x0[0-3]|\x16\x03[\x00-\x03])"


@dataclass(frozen=True)
class Phrase:
    kind: str
    software: str
    source: str
    pattern: re.Pattern
    names: str  # which named groups hold a TLS name ("sni") or an HTTP host ("host")

    def search(self, text: str) -> re.Match | None:
        return self.pattern.search(text)


def _phrase(kind: str, software: str, source: str, pattern: str, flags: int = 0) -> Phrase:
    compiled = re.compile(pattern, flags)
    return Phrase(kind, software, source, compiled, " ".join(compiled.groupindex))


# Order matters only where two phrases could match one line: the more specific first.
PHRASES: tuple[Phrase, ...] = (
    # -- SNI missing or naming something the upstream does not serve ----------------
    _phrase("upstream-no-sni", "Apache httpd", LOG,
            r"AH02033: No hostname was provided via SNI for a name based virtual host"),
    _phrase("upstream-no-sni", "Apache httpd", LOG,
            r"AH02032: Hostname \S* \(default host as no SNI was provided\) and hostname (?P<host>\S*) provided "
            r"via HTTP"),
    _phrase("upstream-no-sni", "Apache httpd", RESPONSE,
            r"did not provide a hostname using Server Name Indication \(SNI\)"),
    _phrase("upstream-misdirected-request", "Apache httpd", LOG,
            r"(?:AH02032: )?Hostname (?P<sni>\S*) provided via SNI and hostname (?P<host>\S*) provided via HTTP "
            r"(?:are different|have no compatible SSL setup)"),
    _phrase("upstream-misdirected-request", "Apache httpd", RESPONSE,
            r"requested host name does not match the Server Name Indication"),
    _phrase("upstream-misdirected-request", "Fastly", RESPONSE,
            r"Requested host does not match any Subject Alternative Names \(SANs\) on TLS certificate"),
    _phrase("upstream-misdirected-request", "Heroku", RESPONSE, r"\b495 Certificate Error\b"),
    _phrase("upstream-misdirected-request", "badssl-style fallback", RESPONSE,
            r"you are using a connection with the \S+ fallback certificate"),
    _phrase("upstream-misdirected-request", "HTTP", RESPONSE, r"\b421 Misdirected\b"),
    _phrase("upstream-no-sni", "Go autocert", LOG, r"acme/autocert: missing server name"),
    _phrase("upstream-sni-unknown", "Go autocert", LOG,
            r"acme/autocert: host \"?(?P<sni>[^\"\s]*)\"? not configured"),
    _phrase("upstream-sni-unknown", "Caddy", LOG, r"no certificate available for '(?P<sni>[^']*)'"),
    _phrase("upstream-no-sni", "Envoy", LOG, r"no matching filter chain found|filter_chain_not_found"),
    _phrase("upstream-no-sni", "Go crypto/tls", LOG, r"tls: no certificates configured"),
    _phrase("upstream-no-sni", "APISIX", LOG, r"failed to find SNI"),
    # -- Host header naming a site the upstream (a CDN, a PaaS) does not serve --------
    _phrase("upstream-unknown-host", "Fastly", RESPONSE, r"Fastly error: unknown domain:?\s*(?P<host>[\w.-]*)"),
    _phrase("upstream-unknown-host", "Cloudflare", RESPONSE, r"Error 1003\b|Direct IP access not allowed"),
    _phrase("upstream-unknown-host", "Cloudflare", RESPONSE, r"Error 1001\b.*DNS resolution error|"
            r"Error 1014\b|CNAME Cross-User Banned"),
    _phrase("upstream-unknown-host", "Heroku", RESPONSE, r"\bno such app\b", re.I),
    _phrase("upstream-unknown-host", "Vercel", RESPONSE, r"DEPLOYMENT_NOT_FOUND"),
    _phrase("upstream-unknown-host", "GitHub Pages", RESPONSE, r"There isn't a GitHub Pages site here"),
    _phrase("upstream-unknown-host", "Azure App Service", RESPONSE, r"(?:Web Site|Web app) not found", re.I),
    _phrase("upstream-unknown-host", "Firebase Hosting", RESPONSE, r"\bSite Not Found\b"),
    _phrase("upstream-unknown-host", "Akamai", RESPONSE, r"The requested URL \"?\[?no URL\]?\"?, is invalid|"
            r"<TITLE>Invalid URL</TITLE>", re.I),
    _phrase("upstream-unknown-host", "IIS", RESPONSE, r"Bad Request - Invalid Hostname|"
            r"The request hostname is invalid"),
    _phrase("upstream-unknown-host", "Amazon S3", RESPONSE,
            r"NoSuchBucket(?:.*<BucketName>(?P<host>[^<]*)</BucketName>)?|Request does not contain a bucket name"),
    _phrase("upstream-unknown-host", "Cloud Foundry", RESPONSE,
            r"Requested route \('(?P<host>[^']*)'\) does not exist|unknown_route"),
    _phrase("upstream-unknown-host", "ingress-nginx", RESPONSE, r"default[ -]backend - 404"),
    _phrase("upstream-unknown-host", "Django", LOG, r"Invalid HTTP_HOST header: '(?P<host>[^']*)'"),
    _phrase("upstream-unknown-host", "webpack dev server", RESPONSE, r"^\s*Invalid Host header\s*$"),
    # -- two Host headers (an included proxy.conf sets Host, and so does the location) --
    _phrase("upstream-duplicate-host", "uvicorn", LOG, r"Found multiple Host: headers"),
    _phrase("upstream-duplicate-host", "Go net/http", RESPONSE, r"too many Host headers"),
    _phrase("upstream-duplicate-host", "aiohttp", LOG, r"Duplicate 'Host' header found"),
    # -- a CDN's generic refusal: no SNI, or a Host it does not serve -----------------
    _phrase("upstream-edge-refused", "Cloudflare", RESPONSE, r"\b403 Forbidden\b.*\bcloudflare"),
    _phrase("upstream-edge-refused", "CloudFront", RESPONSE, r"The request could not be satisfied"),
    _phrase("upstream-edge-refused", "Akamai", RESPONSE, r"<TITLE>Access Denied</TITLE>|Reference&#32;&#35;"),
    # -- plain HTTP arriving at a TLS port -------------------------------------------
    _phrase("upstream-plain-http-to-https", "nginx", RESPONSE,
            r"plain HTTP (?:request )?(?:was sent )?to (?:an )?HTTPS port"),
    _phrase("upstream-plain-http-to-https", "Go net/http", RESPONSE,
            r"Client sent an HTTP request to an HTTPS server"),
    _phrase("upstream-plain-http-to-https", "Go crypto/tls", LOG,
            r"tls: first record does not look like a TLS handshake"),
    _phrase("upstream-plain-http-to-https", "Apache httpd", RESPONSE,
            r"speaking plain HTTP to an SSL-enabled server port"),
    _phrase("upstream-plain-http-to-https", "Netty", LOG, r"NotSslRecordException"),
    _phrase("upstream-plain-http-to-https", "Elasticsearch", LOG,
            r"received plaintext http traffic on an https channel"),
    _phrase("upstream-plain-http-to-https", "Java", LOG, r"Unrecognized SSL message, plaintext connection"),
    _phrase("upstream-plain-http-to-https", "UniFi", RESPONSE, r"This combination of host and port requires TLS"),
    _phrase("upstream-plain-http-to-https", "OpenSSL (server)", LOG,
            r"(?:SSL routines:[^:]*:|\[SSL: HTTP_REQUEST\] )http request|OPENSSL_internal:HTTP_REQUEST|"
            r"reason: HTTP_REQUEST"),
    # -- TLS arriving at a plain-HTTP port ---------------------------------------------
    _phrase("upstream-tls-to-plain", "Puma", LOG, r"Are you trying to open an SSL connection to a non-SSL Puma"),
    _phrase("upstream-tls-to-plain", "Tomcat", LOG, r"Invalid character found in method name"),
    _phrase("upstream-tls-to-plain", "wookie", LOG, r"error parsing: INVALID-METHOD"),
    _phrase("upstream-tls-to-plain", "TLS bytes in an HTTP parser", LOG,
            rf"(?:Invalid HTTP method|Bad request version|Bad HTTP/0\.9 request type|Bad request syntax)"
            rf"[^\n]*{TLS_RECORD_BYTES}"),
    _phrase("upstream-tls-to-plain", "uvicorn", LOG, r"Invalid HTTP request received"),
    # -- client certificates (mTLS) ------------------------------------------------------
    _phrase("upstream-no-client-cert", "nginx", RESPONSE, r"No required SSL certificate was sent"),
    _phrase("upstream-client-cert-verify-failed", "nginx", RESPONSE, r"\b400 The SSL certificate error\b"),
    _phrase("upstream-no-client-cert", "Go crypto/tls", LOG, r"tls: client didn't provide a certificate"),
    _phrase("upstream-client-cert-verify-failed", "Go crypto/tls", LOG,
            r"tls: failed to verify (?:client )?certificate"),
    _phrase("upstream-no-client-cert", "Java", LOG, r"Empty client certificate chain|null cert chain"),
    _phrase("upstream-no-client-cert", "Envoy", LOG, r"PEER_DID_NOT_RETURN_A_CERTIFICATE"),
    _phrase("upstream-client-cert-verify-failed", "Envoy", LOG, r"OPENSSL_internal:CERTIFICATE_VERIFY_FAILED"),
    _phrase("upstream-client-cert-verify-failed", "Apache httpd", LOG, r"AH02039: Certificate Verification: Error"),
    _phrase("upstream-no-client-cert", "Apache httpd", LOG, r"AH02261: Re-negotiation handshake failed"),
    _phrase("upstream-no-client-cert", "IIS", RESPONSE, r"403\.7\b"),
    _phrase("upstream-client-cert-verify-failed", "IIS", RESPONSE, r"403\.16\b"),
    # -- versions and ciphers --------------------------------------------------------
    _phrase("upstream-unsupported-protocol", "Go crypto/tls", LOG, r"tls: client offered only unsupported versions"),
    _phrase("upstream-unsupported-protocol", "Java", LOG,
            r"client supported protocol versions \[[^\]]*\] are not accepted|"
            r"Client requested protocol \S+ is not enabled or supported"),
    _phrase("upstream-unsupported-protocol", "Envoy", LOG, r"OPENSSL_internal:UNSUPPORTED_PROTOCOL"),
    _phrase("upstream-no-shared-cipher", "Go crypto/tls", LOG,
            r"tls: no cipher suite supported by both client and server"),
    _phrase("upstream-no-shared-cipher", "Java", LOG, r"no cipher suites in common"),
    _phrase("upstream-no-shared-cipher", "Envoy", LOG, r"OPENSSL_internal:NO_SHARED_CIPHER"),
    _phrase("upstream-no-shared-cipher", "OpenSSL (server)", LOG, r"\bno shared cipher\b"),
)


def match_phrase(text: str) -> tuple[Phrase, re.Match] | None:
    """The first phrase the text holds, with its match."""
    for phrase in PHRASES:
        found = phrase.search(text)
        if found:
            return phrase, found
    return None
