"""Readings of what the upstream itself said, in its own log or in the
response it sent: it wanted a client certificate, it got no SNI, the name
was not its own, it speaks no TLS there, its edge refused the request."""
from __future__ import annotations

from collections.abc import Callable

from ..causes import CONFIG
from ..logs import LogEvent
from ..upstreams import is_ip_literal
from . import handshake
from .case import Case
from .handshake_lines import DEV_CIPHERS, NGINX_DEFAULT_CIPHERS, dotless, protocols, sni_detail
from .reading import Reading
from .repair import Repair
from .situation import GROUP, HOSTNAME, IP, MISSING, SENT, UNKNOWN
from .weights import CERTAIN, EVEN, LIKELY, POSSIBLE, STRONG


def upstream_client_cert(cause: str) -> Callable[[LogEvent, str, Case], list[Reading]]:
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
    if event.sni and (dotless(event.sni) or event.sni == situation.host_text and situation.target_kind == GROUP):
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
        return [Reading("sni-required", LIKELY, f"{evidence}; {sni_detail(case)}", repair, note=note,
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
