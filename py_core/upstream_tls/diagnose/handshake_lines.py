"""Readings of nginx's own lines about its TLS connection to the upstream:
the handshake (with OpenSSL's reason, or the alert the upstream sent),
verification, the name check, the trust file and the client key."""
from __future__ import annotations

from dataclasses import replace

from ..causes import CONFIG
from ..logs import LogEvent, verify_code_name
from ..upstreams import is_ip_literal
from . import handshake
from .case import Case
from .reading import Reading
from .repair import Repair
from .situation import HOSTNAME, IP, SENT, UNKNOWN
from .verify import name_mismatch, verify_error
from .weights import CERTAIN, EVEN, HINT, LIKELY, POSSIBLE, STRONG

DEV_CIPHERS = "DEFAULT:@SECLEVEL=0"
NGINX_DEFAULT_CIPHERS = "HIGH:!aNULL:!MD5"
LEGACY_PROTOCOLS = "TLSv1 TLSv1.1 TLSv1.2 TLSv1.3"
MODERN_PROTOCOLS = "TLSv1.2 TLSv1.3"


def handshake_failed(event: LogEvent, where: str, case: Case) -> list[Reading]:
    """nginx's own handshake with the upstream. A server-side line (`while SSL
    handshaking` without `to upstream`) is some client's handshake with a
    server — the upstream's, or this nginx's own listener — and says
    nothing about the proxy's connection unless logs.py gave it a kind."""
    if event.source != "proxy":
        return []
    reason = handshake.reason_class(event)
    evidence = f"{where}: {event.ssl_reason or event.message}"
    if reason in ("protocol-version", "unsupported-protocol", "no-protocols"):
        return protocols(evidence, case, reason)
    if reason == "plain-http":
        return [Reading("https-to-plain-http", CERTAIN, evidence, case.plain_repair(), unsafe=True,
                        note="unsafe: http:// sends the traffic unencrypted; if the upstream has a TLS port, point "
                             "proxy_pass at it instead")]
    if reason == "certificate-required":
        return [Reading("client-certificate-required", STRONG, evidence, case.client_repair())]
    if reason == "client-certificate":
        return client_certificate_alert(evidence, case)
    if reason == "client-certificate-rejected":
        return [Reading("client-certificate-rejected", STRONG, f"{evidence}; the upstream refused the client "
                        "certificate nginx sent", case.client_repair())]
    if reason == "handshake-failure" and _misprefixed(case, "ssl_certificate"):
        node = _misprefixed(case, "ssl_certificate")
        return [Reading("client-certificate-required", STRONG, f"{evidence}; {node.name} at {node.file}:{node.line} "
                        f"does nothing for {case.site.node.name}, so no client certificate is sent",
                        _translated(case))]
    if reason == "legacy":
        return [Reading("legacy-upstream-protocol", STRONG, evidence, Repair((("ssl_ciphers", DEV_CIPHERS),)))]
    if reason == "local-internal-error":
        return [Reading("legacy-upstream-protocol", EVEN, f"{evidence}; nginx's own OpenSSL gave up (not an alert "
                        "from the upstream), as OpenSSL 3 does with a TLSv1.0 or SHA-1 upstream",
                        Repair((("ssl_protocols", LEGACY_PROTOCOLS), ("ssl_ciphers", DEV_CIPHERS))),
                        decides="`openssl s_client -connect HOST:PORT -tls1_2` fails while `-tls1 -cipher "
                                "DEFAULT@SECLEVEL=0` works: the upstream is too old")]
    if reason == "weak-key":
        return [Reading("weak-upstream-key", STRONG, evidence, Repair((("ssl_ciphers", DEV_CIPHERS),)))]
    readings = situational(reason, evidence, case)
    ciphers = case.situation.ciphers
    if reason == "handshake-failure" and ciphers is not None:
        # A cipher list this config narrowed is the likelier culprit, SNI or not.
        readings = [reading if reading.cause != "sni-required" else replace(reading, strength=EVEN)
                    for reading in readings if reading.cause != "cipher-mismatch"]
        readings.append(Reading("cipher-mismatch", STRONG, f"{evidence}; {ciphers.name} {' '.join(ciphers.args)} at "
                                f"{ciphers.file}:{ciphers.line} narrows the list", side=CONFIG,
                                repair=Repair((("ssl_ciphers", NGINX_DEFAULT_CIPHERS),))))
    if not readings:
        readings.append(Reading("protocol-mismatch", HINT, evidence, decides=handshake.UPSTREAM_LOG_DECIDES))
    return readings


def situational(reason: str, evidence: str, case: Case) -> list[Reading]:
    """The table's readings for this reason and SNI state, with repairs."""
    situation = case.situation
    sni = situation.sni
    readings = []
    for cause, strength, decides in handshake.table_readings(reason, sni):
        if cause == "name-mismatch" and sni == SENT and (situation.name_is_group or dotless(situation.sni_name)):
            strength = max(strength, STRONG)
        elif cause == "name-mismatch" and sni == SENT and situation.sni_name in ("$host", "$http_host") \
                and situation.target_kind == HOSTNAME:
            strength = max(strength, LIKELY)  # the client's name sent to someone else's host
        detail = sni_detail(case)
        repair, note = case.name_repair() if cause in ("sni-required", "name-mismatch") else (Repair(), None)
        if cause == "cipher-mismatch":
            repair = Repair((("ssl_ciphers", DEV_CIPHERS),))
        readings.append(Reading(cause, strength, f"{evidence}; {detail}", repair, decides=decides, note=note))
    return readings


def dotless(name: str | None) -> bool:
    return bool(name) and "." not in name and not name.startswith("$") and not is_ip_literal(name)


def sni_detail(case: Case) -> str:
    situation = case.situation
    if situation.sni == SENT:
        return f"SNI sends \"{situation.sni_name}\""
    if situation.sni == UNKNOWN:
        return "the name comes from a variable"
    if situation.target_kind == IP:
        return f"the upstream is addressed by IP ({situation.target.host}), so no SNI is sent"
    if situation.site is None:
        return "no SNI is known to be sent"
    return f"{situation.site.directive('ssl_server_name')} is off, so no SNI is sent"


def client_certificate_alert(evidence: str, case: Case) -> list[Reading]:
    """42/46: the upstream did not accept nginx's client certificate — or got
    none, which many TLS 1.2 servers answer the same way."""
    if case.situation.client_certificate is not None:
        return [Reading("client-certificate-rejected", STRONG, evidence, case.client_repair())]
    return [Reading("client-certificate-required", LIKELY, f"{evidence}; nginx sends no client certificate",
                    case.client_repair())]


def protocols(evidence: str, case: Case, reason: str) -> list[Reading]:
    """Which side is too old. `unsupported protocol` is nginx's own OpenSSL
    refusing the version the upstream chose (an old upstream); alert 70 is
    the upstream refusing what nginx offered: TLSv1.3 missing on nginx's
    side, or an upstream older than anything nginx offers."""
    if reason == "unsupported-protocol":
        return [Reading("legacy-upstream-protocol", STRONG, evidence + "; nginx's OpenSSL refused the version the "
                        "upstream chose", Repair((("ssl_protocols", LEGACY_PROTOCOLS), ("ssl_ciphers", DEV_CIPHERS))))]
    if reason == "no-protocols":
        return [Reading("protocol-mismatch", LIKELY, evidence + "; the configured protocols leave none OpenSSL allows",
                        Repair((("ssl_protocols", MODERN_PROTOCOLS),)))]
    offers_13 = case.offers_tls13()
    if offers_13 is False:
        return [Reading("protocol-mismatch", STRONG, evidence + "; TLSv1.3 is not offered",
                        Repair((("ssl_protocols", MODERN_PROTOCOLS),)))]
    if offers_13:
        return [Reading("legacy-upstream-protocol", LIKELY, evidence + "; TLSv1.2 and TLSv1.3 are offered",
                        Repair((("ssl_protocols", LEGACY_PROTOCOLS), ("ssl_ciphers", DEV_CIPHERS))))]
    decides = "the nginx version (`nginx -v`): before 1.23.4 nginx offers no TLSv1.3 by default"
    return [Reading("protocol-mismatch", LIKELY, evidence, Repair((("ssl_protocols", MODERN_PROTOCOLS),)),
                    decides=decides),
            Reading("legacy-upstream-protocol", POSSIBLE, evidence, decides=decides)]


def _misprefixed(case: Case, suffix: str):
    return next((node for node in case.situation.misprefixed if node.name.endswith(f"_{suffix}")), None)


def _translated(case: Case) -> Repair:
    """The other module's TLS settings under this module's names."""
    return Repair(tuple((node.name.split("_", 1)[1], " ".join(node.args)) for node in case.situation.misprefixed))


def probe_failed(event: LogEvent, where: str, case: Case) -> list[Reading]:
    """What the person's own `openssl s_client` printed instead of a chain.
    It sends no client certificate, and SNI only for a host name (1.1.1+), so
    a refused handshake weighs less than nginx's own."""
    reason = handshake.reason_class(event)
    evidence = f"{where} (openssl s_client): {event.ssl_reason or event.message}"
    if reason == "plain-http":
        return [Reading("https-to-plain-http", CERTAIN, f"{evidence}; the port answered without TLS",
                        case.plain_repair(), unsafe=True,
                        note="unsafe: http:// sends the traffic unencrypted; if the upstream has a TLS port, point "
                             "proxy_pass at it instead")]
    if reason in ("certificate-required", "client-certificate"):
        return [Reading("client-certificate-required", LIKELY, f"{evidence}; s_client sent no client certificate",
                        case.client_repair())]
    if reason in ("protocol-version", "unsupported-protocol", "no-protocols"):
        return protocols(evidence, case, reason)
    return [replace(reading, strength=min(reading.strength, EVEN)) for reading in situational(reason, evidence, case)]


def peer_closed(event: LogEvent, where: str, case: Case) -> list[Reading]:
    if event.source != "proxy":
        return []
    return situational("closed", f"{where}: peer closed connection in SSL handshake", case)


def verify(event: LogEvent, where: str, case: Case) -> list[Reading]:
    if event.verify_code is None:
        return []
    return verify_error(event.verify_code, f"{where}: verify error {event.verify_code} "
                        f"({event.verify_text or verify_code_name(event.verify_code)})", case)


def mismatch(event: LogEvent, where: str, case: Case) -> list[Reading]:
    return name_mismatch(event.checked_name or "", where, case)


def trust_file_load(event: LogEvent, where: str, case: Case) -> list[Reading]:
    not_pem = "no certificate or crl found" in event.raw.lower() or event.detail == "not-pem"
    cause = "trusted-certificate-not-pem" if not_pem else "trusted-certificate-unreadable"
    return [Reading(cause, CERTAIN, f"{where}: {event.message}",
                    Repair((("ssl_trusted_certificate", case.options.trust_path),)))]


def client_key(event: LogEvent, where: str, case: Case) -> list[Reading]:
    key = case.options.client_key
    repair = Repair((("ssl_certificate_key", key),)) if key else Repair()
    return [Reading(event.kind, CERTAIN, f"{where}: {event.message}", repair)]
