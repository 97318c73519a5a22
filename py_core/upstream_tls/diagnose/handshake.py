"""Reading a failed handshake. The alert or OpenSSL reason alone is
ambiguous; with the config around it, it rarely is. Toward an upstream that
gets no SNI, a handshake failure, an internal error or a closed connection is
almost always the missing name (CDNs, cloud load balancers, ingresses and
multi-site servers refuse a ClientHello without one); once SNI goes out, the
same alert points at ciphers, versions or a client certificate.

The table is data: reason class -> SNI state -> readings (cause, strength,
what decides). Config narrowing ciphers or protocols, or missing a client
certificate, adds its own reading below the table.
"""
from __future__ import annotations

from ..logs import LogEvent
from .situation import MISSING, SENT, UNKNOWN
from .weights import CERTAIN, EVEN, HINT, LIKELY, POSSIBLE, STRONG

# Reason classes: OpenSSL reason text or alert number -> class, first match wins.
REASON_CLASSES = (
    ("unrecognized-name", ("unrecognized name",), (112,)),
    ("protocol-version", ("alert protocol version",), (70,)),
    ("unsupported-protocol", ("unsupported protocol", "wrong ssl version", "version too low"), ()),
    ("no-protocols", ("no protocols available",), ()),
    ("plain-http", ("wrong version number", "packet length too long", "unknown protocol", "record layer failure",
                    "http request"), ()),
    ("certificate-required", ("certificate required",), (116,)),
    ("client-certificate-rejected", ("unknown ca", "certificate expired", "certificate revoked",
                                     "unsupported certificate", "access denied"), (43, 44, 45, 48, 49)),
    ("client-certificate", ("bad certificate", "certificate unknown"), (42, 46)),
    ("legacy", ("legacy sigalg", "unsafe legacy renegotiation", "dh key too small", "ca md too weak"), ()),
    ("weak-key", ("ee key too small", "key too small", "too weak"), ()),
    ("handshake-failure", ("handshake failure", "no shared cipher", "no ciphers available", "no cipher match"),
     (40,)),
    ("internal-error", ("internal error",), (80,)),
    ("closed", ("unexpected eof", "peer closed connection", "connection reset", "syscall"), ()),
)

SNI_DECIDES = ("`openssl s_client -connect HOST:PORT -servername NAME` succeeds where the same command without "
               "-servername fails: the upstream needs SNI")
UPSTREAM_LOG_DECIDES = "the upstream's own log at that time names the step it refused"

# class -> SNI state -> ((cause, strength, decides), ...). UNKNOWN (a variable
# decides the name) reads like MISSING with less weight.
READINGS: dict[str, dict[str, tuple[tuple[str, float, str | None], ...]]] = {
    "unrecognized-name": {
        MISSING: (("sni-required", CERTAIN, None),),
        SENT: (("name-mismatch", STRONG, None),),
        UNKNOWN: (("sni-required", LIKELY, SNI_DECIDES), ("name-mismatch", EVEN, SNI_DECIDES)),
    },
    "handshake-failure": {
        MISSING: (("sni-required", STRONG, SNI_DECIDES), ("cipher-mismatch", HINT, UPSTREAM_LOG_DECIDES)),
        SENT: (("cipher-mismatch", EVEN, UPSTREAM_LOG_DECIDES),
               ("client-certificate-required", POSSIBLE, UPSTREAM_LOG_DECIDES),
               ("name-mismatch", HINT, UPSTREAM_LOG_DECIDES)),
        UNKNOWN: (("sni-required", LIKELY, SNI_DECIDES), ("cipher-mismatch", POSSIBLE, UPSTREAM_LOG_DECIDES)),
    },
    "internal-error": {
        MISSING: (("sni-required", STRONG, SNI_DECIDES),),
        SENT: (("name-mismatch", EVEN, UPSTREAM_LOG_DECIDES), ("protocol-mismatch", POSSIBLE, UPSTREAM_LOG_DECIDES)),
        UNKNOWN: (("sni-required", LIKELY, SNI_DECIDES),),
    },
    "closed": {
        MISSING: (("sni-required", LIKELY, SNI_DECIDES), ("protocol-mismatch", POSSIBLE, UPSTREAM_LOG_DECIDES)),
        SENT: (("protocol-mismatch", POSSIBLE, UPSTREAM_LOG_DECIDES),
               ("client-certificate-required", POSSIBLE, UPSTREAM_LOG_DECIDES),
               ("upstream-closed-connection", POSSIBLE, UPSTREAM_LOG_DECIDES)),
        UNKNOWN: (("sni-required", EVEN, SNI_DECIDES), ("protocol-mismatch", POSSIBLE, UPSTREAM_LOG_DECIDES)),
    },
}


def reason_class(event: LogEvent) -> str:
    text = " ".join((event.ssl_reason or "", *event.ssl_reasons, event.message or "")).lower()
    if "internal error" in text and "alert internal error" not in text and event.alert_number is None:
        # OpenSSL's own 0A0C0103, not the peer's alert 80: OpenSSL 3 refusing a
        # TLSv1.0 / SHA-1 upstream at its default security level.
        return "local-internal-error"
    for name, phrases, alerts in REASON_CLASSES:
        if event.alert_number in alerts or any(phrase in text for phrase in phrases):
            return name
    return "other"


def table_readings(reason: str, sni: str) -> tuple[tuple[str, float, str | None], ...]:
    return READINGS.get(reason, {}).get(sni, ())
