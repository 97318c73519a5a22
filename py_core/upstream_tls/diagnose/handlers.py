"""One handler per kind of evidence line, registered in HANDLERS. A handler
reads one line against the case and returns its readings; a line no handler
reads, or that yields none, is listed as unexplained."""
from __future__ import annotations

from collections.abc import Callable

from ..logs import LogEvent
from .case import Case
from .connection_lines import header_too_big, invalid_response, no_resolver, refused, timeout, upstream_closed
from .handshake_lines import client_key, handshake_failed, mismatch, peer_closed, probe_failed, trust_file_load, verify
from .reading import Reading
from .repair import Repair
from .upstream_lines import (
    duplicate_host,
    gateway_page,
    http_status,
    plain_http_at_tls_port,
    tls_at_plain_port,
    upstream_client_cert,
    upstream_edge_refused,
    upstream_handshake_rejected,
    upstream_misdirected,
    upstream_no_shared_cipher,
    upstream_no_sni,
    upstream_unknown_host,
    upstream_unsupported_protocol,
)
from .weights import CERTAIN, EVEN

Handler = Callable[[LogEvent, str, Case], list[Reading]]



def _simple(cause: str, strength: float, repair: Callable[[Case], Repair] | None = None, note: str | None = None,
            label: str = "") -> Handler:
    """A handler for a line that names its cause whatever the config says."""
    def handle(event: LogEvent, where: str, case: Case) -> list[Reading]:
        return [Reading(cause, strength, f"{where}{label}: {event.message}",
                        repair(case) if repair else Repair(), note=note)]
    return handle


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
