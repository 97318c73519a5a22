"""One handler per kind of evidence line, registered in HANDLERS. A handler
reads one line against the case and returns its readings; a line no handler
reads, or that yields none, is listed as unexplained."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ..causes import CONFIG
from ..logs import LogEvent, verify_code_name
from ..upstreams import is_ip_literal, parse_target
from . import handshake
from .case import Case
from .config_readings import RESOLVER_NOTE
from .reading import Reading
from .repair import Repair
from .situation import COMMON_PLAIN_PORTS, GROUP, HOSTNAME, IP, MISSING, SENT, UNKNOWN
from .verify import name_mismatch, verify_error
from .weights import CERTAIN, EVEN, HINT, LIKELY, POSSIBLE, STRONG

DEV_CIPHERS = "DEFAULT:@SECLEVEL=0"
LONGER_READ = Repair((("read_timeout", "300s"),))
HTTP11 = Repair((("http_version", "1.1"),))
NGINX_DEFAULT_CIPHERS = "HIGH:!aNULL:!MD5"
LEGACY_PROTOCOLS = "TLSv1 TLSv1.1 TLSv1.2 TLSv1.3"
MODERN_PROTOCOLS = "TLSv1.2 TLSv1.3"
Handler = Callable[[LogEvent, str, Case], list[Reading]]


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
        if cause == "name-mismatch" and sni == SENT and (situation.name_is_group or _dotless(situation.sni_name)):
            strength = max(strength, STRONG)
        elif cause == "name-mismatch" and sni == SENT and situation.sni_name in ("$host", "$http_host") \
                and situation.target_kind == HOSTNAME:
            strength = max(strength, LIKELY)  # the client's name sent to someone else's host
        detail = _sni_detail(case)
        repair, note = case.name_repair() if cause in ("sni-required", "name-mismatch") else (Repair(), None)
        if cause == "cipher-mismatch":
            repair = Repair((("ssl_ciphers", DEV_CIPHERS),))
        readings.append(Reading(cause, strength, f"{evidence}; {detail}", repair, decides=decides, note=note))
    return readings


def _dotless(name: str | None) -> bool:
    return bool(name) and "." not in name and not name.startswith("$") and not is_ip_literal(name)


def _sni_detail(case: Case) -> str:
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


def _simple(cause: str, strength: float, repair: Callable[[Case], Repair] | None = None, note: str | None = None,
            label: str = "") -> Handler:
    """A handler for a line that names its cause whatever the config says."""
    def handle(event: LogEvent, where: str, case: Case) -> list[Reading]:
        return [Reading(cause, strength, f"{where}{label}: {event.message}",
                        repair(case) if repair else Repair(), note=note)]
    return handle


def trust_file_load(event: LogEvent, where: str, case: Case) -> list[Reading]:
    not_pem = "no certificate or crl found" in event.raw.lower() or event.detail == "not-pem"
    cause = "trusted-certificate-not-pem" if not_pem else "trusted-certificate-unreadable"
    return [Reading(cause, CERTAIN, f"{where}: {event.message}",
                    Repair((("ssl_trusted_certificate", case.options.trust_path),)))]


def client_key(event: LogEvent, where: str, case: Case) -> list[Reading]:
    key = case.options.client_key
    repair = Repair((("ssl_certificate_key", key),)) if key else Repair()
    return [Reading(event.kind, CERTAIN, f"{where}: {event.message}", repair)]


def upstream_client_cert(cause: str) -> Handler:
    def handle(event: LogEvent, where: str, case: Case) -> list[Reading]:
        repair = case.client_repair()
        return [Reading(cause, CERTAIN, f"{where} ({_writer(event)}): {event.message}", repair,
                        note=None if repair else "give the client certificate and key the upstream trusts "
                                                 "(--client-cert, --client-key)")]
    return handle


def upstream_no_sni(event: LogEvent, where: str, case: Case) -> list[Reading]:
    """The upstream says it got no SNI (or one it does not serve)."""
    name = event.sni
    repair, note = case.name_repair()
    if event.kind == "upstream-sni-unknown" and name and not is_ip_literal(name):
        return [Reading("name-mismatch", STRONG, f"{where} ({_writer(event)}): SNI \"{name}\" is not a name it "
                        "serves", repair, note=note)]
    return [Reading("sni-required", CERTAIN, f"{where} ({_writer(event)}): {event.message}", repair, note=note)]


def upstream_handshake_rejected(event: LogEvent, where: str, case: Case) -> list[Reading]:
    cause = "name-mismatch" if case.situation.sni == SENT else "sni-required"
    repair, note = case.name_repair()
    return [Reading(cause, STRONG, f"{where} ({_writer(event)}): {event.message}", repair, note=note)]


def upstream_misdirected(event: LogEvent, where: str, case: Case) -> list[Reading]:
    """421 (or Heroku's 495): the Host the upstream got names another site
    than SNI did. Toward an IP or a group with no SNI, Host is the name the
    person means and SNI is what is missing; toward a named upstream, the
    Host (often the client's own name) is what is wrong."""
    situation = case.situation
    evidence = f"{where} ({_writer(event)}): {event.message}"
    sni_repair, note = case.name_repair()
    if event.sni and (_dotless(event.sni) or event.sni == situation.host_text and situation.target_kind == GROUP):
        return [Reading("name-mismatch", CERTAIN, f"{evidence}; SNI carried \"{event.sni}\", the upstream group's "
                        "name, not a site's", sni_repair, note=note)]
    if situation.sni == MISSING and (situation.host_is_target or situation.target_kind in (IP, GROUP) and (
            situation.client_host_forwarded or situation.host_name)):
        host = situation.host_header or situation.host_text or "the upstream's name"
        per_request = "$" in (sni_repair.value("ssl_name") or situation.host_text or "")
        if per_request:
            sni_repair = sni_repair.merged(Repair((("ssl_session_reuse", "off"),)))
            note = ((note + "; ") if note else "") + ("one upstream address serving many names: a session resumed "
                                                      "under another name brings the 421 back, hence session reuse off")
        return [Reading("sni-required", STRONG, f"{evidence}; nginx sends no SNI while Host names the site ({host})",
                        sni_repair, note=note),
                Reading("host-header-mismatch", POSSIBLE, evidence, case.host_repair())]
    readings = [Reading("host-header-mismatch", CERTAIN, evidence, case.host_repair())]
    if situation.sni == MISSING:
        readings.append(Reading("sni-required", LIKELY, f"{where}: with no SNI, the upstream cannot match Host to "
                                "a certificate", sni_repair, note=note))
    return readings


def upstream_unknown_host(event: LogEvent, where: str, case: Case) -> list[Reading]:
    """A CDN or platform does not serve the Host it received."""
    situation = case.situation
    evidence = f"{where} ({_writer(event)}): {event.message}"
    if situation.client_host_forwarded or situation.site is None:
        sent = f"Host is {situation.host_header}, the client's own name" if situation.client_host_forwarded else ""
        return [Reading("host-header-mismatch", STRONG, f"{evidence}; {sent}".rstrip("; "), case.host_repair())]
    if situation.host_header is not None:
        return [Reading("host-header-mismatch", LIKELY, f"{evidence}; Host is {situation.host_header}",
                        case.host_repair())]
    return [Reading("host-header-mismatch", EVEN, f"{evidence}; Host is nginx's default, the proxy_pass host "
                    f"\"{situation.host_text or 'from a variable'}\"", case.host_repair(),
                    decides="the name the platform knows this site by (its custom domain)")]


def upstream_edge_refused(event: LogEvent, where: str, case: Case) -> list[Reading]:
    """A CDN's generic refusal page: without SNI it cannot pick the site;
    with SNI, the Host it got is the usual suspect."""
    situation = case.situation
    evidence = f"{where} ({_writer(event)}): {event.message}"
    if situation.sni in (MISSING, UNKNOWN):
        repair, note = case.name_repair()
        return [Reading("sni-required", LIKELY, f"{evidence}; {_sni_detail(case)}", repair, note=note,
                        decides=handshake.SNI_DECIDES),
                Reading("host-header-mismatch", POSSIBLE, evidence, case.host_repair())]
    return [Reading("host-header-mismatch", LIKELY if situation.client_host_forwarded else EVEN, evidence,
                    case.host_repair())]


def upstream_unsupported_protocol(event: LogEvent, where: str, case: Case) -> list[Reading]:
    readings = protocols(f"{where} ({_writer(event)}): {event.message}", case, "protocol-version")
    return [reading.stronger(STRONG) for reading in readings]


def upstream_no_shared_cipher(event: LogEvent, where: str, case: Case) -> list[Reading]:
    evidence = f"{where} ({_writer(event)}): {event.message}"
    ciphers = case.situation.ciphers
    if ciphers is not None:
        return [Reading("cipher-mismatch", STRONG, f"{evidence}; {ciphers.name} at {ciphers.file}:{ciphers.line} "
                        "narrows the list", side=CONFIG, repair=Repair((("ssl_ciphers", NGINX_DEFAULT_CIPHERS),)))]
    return [Reading("cipher-mismatch", STRONG, evidence, Repair((("ssl_ciphers", DEV_CIPHERS),)))]


def plain_http_at_tls_port(event: LogEvent, where: str, case: Case) -> list[Reading]:
    return [Reading("http-to-https-port", CERTAIN, f"{where} ({_writer(event)}): {event.message}",
                    case.tls_repair())]


def tls_at_plain_port(event: LogEvent, where: str, case: Case) -> list[Reading]:
    """TLS bytes reached a plain-HTTP server. Toward `http://`, nginx sends no
    TLS at all, so the line is about another client."""
    scheme = case.situation.target.scheme if case.situation.target is not None else None
    if scheme in ("http", "grpc", "uwsgi"):
        return []
    strength = STRONG
    if event.software == "uvicorn":
        strength = min(strength, LIKELY)
    return [Reading("https-to-plain-http", strength, f"{where} ({_writer(event)}): {event.message}",
                    case.plain_repair(), unsafe=True,
                    note="unsafe: http:// sends the traffic unencrypted; if the upstream has a TLS port, point "
                         "proxy_pass at it instead")]


def invalid_response(event: LogEvent, where: str, case: Case) -> list[Reading]:
    """`upstream sent no valid HTTP/1.0 header`: what came back is not HTTP,
    as when plain HTTP reaches a TLS port and the answer is a TLS alert."""
    target = case.situation.target
    if target is not None and target.scheme in ("http", "grpc", "uwsgi"):
        strength = STRONG if case.situation.tls_port else (EVEN if _plain_to_odd_port(case) else POSSIBLE)
        port = f"port {target.port}" if target.port else "the upstream"
        return [Reading("http-to-https-port", strength, f"{where}: {event.message}; proxy_pass sends plain "
                        f"{target.scheme}:// to {port}", case.tls_repair(),
                        decides="`curl -vk https://HOST:PORT/` from the nginx host: a TLS answer means the port "
                                "speaks TLS")]
    return [Reading("upstream-closed-connection", POSSIBLE, f"{where}: {event.message}",
                    decides="the upstream's own log: it answered something that is not HTTP/1.x")]


def _plain_to_odd_port(case: Case) -> bool:
    """Plain http:// to a port that is neither a TLS port nor a usual plain one."""
    target = case.situation.target
    return target is not None and target.scheme == "http" and target.host is not None \
        and target.port is not None and not case.situation.tls_port and target.port not in COMMON_PLAIN_PORTS


def upstream_closed(event: LogEvent, where: str, case: Case) -> list[Reading]:
    site = case.site
    http10 = site is not None and site.module == "proxy" and site.effective("http_version") is None
    readings = [Reading("upstream-closed-connection", LIKELY, f"{where}: {event.message}"
                        + ("; nginx speaks HTTP/1.0 to upstreams by default, which some servers close" if http10
                           else ""), HTTP11 if http10 else Repair(), unsafe=http10,
                        decides=handshake.UPSTREAM_LOG_DECIDES)]
    target = case.situation.target
    if target is not None and target.scheme == "http" and case.situation.tls_port:
        readings.insert(0, Reading("http-to-https-port", STRONG, f"{where}: {event.message}; proxy_pass sends plain "
                                   f"http:// to port {target.port}, a TLS port", case.tls_repair()))
    elif _plain_to_odd_port(case):
        readings.append(Reading("http-to-https-port", POSSIBLE, f"{where}: {event.message}; servers that speak TLS "
                                f"on port {target.port} close a plain request like this", case.tls_repair(),
                                decides=f"`curl -vk https://{target.host}:{target.port}/` from the nginx host: a TLS "
                                        "answer means proxy_pass must use https://"))
    return readings


def no_resolver(event: LogEvent, where: str, case: Case) -> list[Reading]:
    return [Reading("upstream-name-unresolved", CERTAIN, f"{where}: {event.message}",
                    Repair(named=(("resolver", case.resolver_address()),)), side=CONFIG, note=RESOLVER_NOTE)]


def refused(event: LogEvent, where: str, case: Case) -> list[Reading]:
    """Nothing listens there. `localhost` resolves to ::1 as well, and an
    application listening on 127.0.0.1 only refuses the IPv6 attempt."""
    target = case.situation.target
    peer = parse_target(event.upstream).host if event.upstream else None
    if target is not None and target.host == "localhost" and peer in ("[::1]", "::1"):
        return [Reading("upstream-connection-refused", CERTAIN, f"{where}: {event.message}; `localhost` also "
                        "resolves to ::1, where the application does not listen", Repair(address="127.0.0.1"),
                        side=CONFIG)]
    return [Reading("upstream-connection-refused", CERTAIN, f"{where}: {event.message}")]


def header_too_big(event: LogEvent, where: str, case: Case) -> list[Reading]:
    return [Reading("upstream-header-too-big", CERTAIN, f"{where}: {event.message}",
                    Repair((("buffer_size", "16k"), ("buffers", "8 16k"))),
                    note="16k holds most headers; raise both if the upstream's are larger")]


def timeout(event: LogEvent, where: str, case: Case) -> list[Reading]:
    if event.phase and "handshaking" in event.phase:
        return [Reading("upstream-timeout", LIKELY, f"{where}: {event.message}",
                        decides="`openssl s_client -connect HOST:PORT` from the nginx host: a handshake that "
                                "hangs there too is the network or the upstream, not nginx")]
    return [Reading("upstream-timeout", STRONG, f"{where}: {event.message}", LONGER_READ, unsafe=True,
                    note="unsafe: a longer proxy_read_timeout only helps when the upstream is slow on purpose "
                         "(reports, exports); otherwise it hides the problem for longer")]


def http_status(event: LogEvent, where: str, case: Case) -> list[Reading]:
    """A bare status the client saw. 421 says Host and SNI disagree; a 404 or
    403 from an upstream that got the client's own Host usually means it
    routes by name and knows no site of that name."""
    if event.status == 421:
        return upstream_misdirected(event, where, case)
    if event.status in (502, 504):
        return gateway_page(event, where, case)
    situation = case.situation
    if event.status in (400, 403, 404) and situation.client_host_forwarded and situation.target is not None:
        # Toward a named upstream (someone else's site), the client's own name is foreign to it.
        strength = LIKELY if situation.target_kind == HOSTNAME and event.status == 404 else POSSIBLE
        return [Reading("host-header-mismatch", strength, f"{where}: the upstream answered {event.status} to Host "
                        f"{situation.host_header}", case.host_repair(),
                        decides=f"the same request with `curl -H 'Host: {situation.host_text or 'NAME'}'` to the "
                                "upstream answers: then it routes by Host")]
    return []


def duplicate_host(event: LogEvent, where: str, case: Case) -> list[Reading]:
    lines = ", ".join(f"{node.file}:{node.line}" for node in case.host_lines())
    where_set = f"; Host is set at {lines}" if len(case.host_lines()) > 1 else ""
    return [Reading("duplicate-host-header", CERTAIN, f"{where} ({_writer(event)}): {event.message}{where_set}",
                    note="nginx sends every proxy_set_header it is given: two Host lines at one level send two "
                         "Host headers, which HTTP servers reject")]


def gateway_page(event: LogEvent, where: str, case: Case) -> list[Reading]:
    """nginx's own error page: 504 is only ever an upstream timeout; 502
    is the symptom every cause shares."""
    if event.status == 504 or "504" in event.message:
        return [Reading("upstream-timeout", LIKELY, f"{where}: {event.message.strip()}",
                        decides="the error.log line of that request: `upstream timed out … while reading response "
                                "header` (slow upstream) or `while connecting` (unreachable)")]
    return []


def _writer(event: LogEvent) -> str:
    if event.source == "response":
        return f"{event.software} response" if event.software and event.software != "HTTP" else "response"
    return f"{event.software or 'the upstream'}'s log"


HANDLERS: dict[str, Handler] = {
    "verify-error": verify,
    "name-mismatch": mismatch,
    "handshake-failed": handshake_failed,
    "peer-closed": peer_closed,
    "probe-handshake-failed": probe_failed,
    "no-trusted-certificate": _simple("verify-without-trusted-certificate", CERTAIN,
                                      lambda case: Repair((("ssl_trusted_certificate", case.options.trust_path),))),
    "trusted-certificate-load-failed": trust_file_load,
    "client-key-missing": client_key,
    "client-key-mismatch": client_key,
    "client-key-encrypted": client_key,
    "upstream-ssl-flag": _simple("upstream-server-ssl-flag", CERTAIN),
    "host-not-found": _simple("upstream-name-unresolved", CERTAIN),
    "name-unresolved": _simple("upstream-name-unresolved", CERTAIN),
    "no-resolver": no_resolver,
    "connect-refused": refused,
    "connect-timeout": _simple("upstream-unreachable", CERTAIN),
    "unreachable": _simple("upstream-unreachable", CERTAIN),
    "upstream-timeout": timeout,
    "upstream-closed": upstream_closed,
    "header-too-big": header_too_big,
    "invalid-response": invalid_response,
    "no-live-upstreams": _simple("no-live-upstreams", EVEN),
    "upstream-no-client-cert": upstream_client_cert("client-certificate-required"),
    "upstream-client-cert-verify-failed": upstream_client_cert("client-certificate-rejected"),
    "upstream-handshake-rejected": upstream_handshake_rejected,
    "upstream-plain-http-to-https": plain_http_at_tls_port,
    "upstream-tls-to-plain": tls_at_plain_port,
    "upstream-unsupported-protocol": upstream_unsupported_protocol,
    "upstream-no-shared-cipher": upstream_no_shared_cipher,
    "upstream-no-sni": upstream_no_sni,
    "upstream-sni-unknown": upstream_no_sni,
    "upstream-misdirected-request": upstream_misdirected,
    "upstream-unknown-host": upstream_unknown_host,
    "upstream-edge-refused": upstream_edge_refused,
    "bad-gateway": gateway_page,
    "upstream-duplicate-host": duplicate_host,
    "http-status": http_status,
}
# Lines that are read but explain nothing by themselves: the 502 itself,
# nginx's own follow-ups to a failure, the outcome of `nginx -t`.
CONTEXT_KINDS = frozenset({"follow-up", "bad-gateway", "http-status", "http-header", "access-log",
                           "config-test-failed", "config-test-ok"})

