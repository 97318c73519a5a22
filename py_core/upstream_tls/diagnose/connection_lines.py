"""Readings of lines about connecting to the upstream and reading its
answer: refused, unreachable, unresolved, timed out, closed early, an
answer nginx could not read."""
from __future__ import annotations

from ..causes import CONFIG
from ..logs import LogEvent
from ..upstreams import parse_target
from . import handshake
from .case import Case
from .config_readings import RESOLVER_NOTE
from .reading import Reading
from .repair import Repair
from .situation import COMMON_PLAIN_PORTS
from .weights import CERTAIN, EVEN, LIKELY, POSSIBLE, STRONG

LONGER_READ = Repair((("read_timeout", "300s"),))
HTTP11 = Repair((("http_version", "1.1"),))


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
