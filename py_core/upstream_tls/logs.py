"""Reads the evidence pasted next to a config: nginx's error log, `nginx -t`
output and the upstream's own log. Every non-empty line becomes a LogEvent;
lines nothing here recognises stay in as "unrecognized", so the diagnosis can
say what it did not understand instead of losing it."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from .log_patterns import (
    ACCESS_LOG,
    BARE_STATUS,
    CONFIG_KINDS,
    DETAIL_PATTERNS,
    HEADER_LINE,
    PHASE,
    SERVER_SIDE_REASONS,
    UPSTREAM_KINDS,
    classify,
)
from .phrases import match_phrase

LEVELS = ("emerg", "alert", "crit", "error", "warn", "notice", "info", "debug")

KINDS = (
    "verify-error", "name-mismatch", "handshake-failed", "peer-closed", "no-trusted-certificate",
    "trusted-certificate-load-failed", "crl-load-failed", "client-key-missing", "client-key-mismatch",
    "client-key-encrypted", "client-cert-load-failed", "upstream-ssl-flag", "host-not-found", "connect-refused",
    "connect-timeout", "unreachable", "name-unresolved", "no-resolver", "upstream-timeout", "upstream-closed",
    "header-too-big", "invalid-response", "no-live-upstreams", "follow-up", "upstream-no-client-cert",
    "upstream-client-cert-verify-failed", "upstream-handshake-rejected", "upstream-plain-http-to-https",
    "upstream-tls-to-plain", "upstream-unsupported-protocol", "upstream-no-shared-cipher", "upstream-no-sni",
    "upstream-sni-unknown", "upstream-misdirected-request", "probe-handshake-failed", "upstream-unknown-host",
    "upstream-edge-refused", "upstream-duplicate-host", "bad-gateway", "http-status", "http-header", "access-log",
    "config-test-failed", "config-test-ok", "other-error", "unrecognized",
)

# proxy: the proxying nginx at run time; nginx-t: configuration load (`nginx -t`,
# start or reload); upstream: a server's own log, i.e. the upstream's;
# response: a status line or page a client received; probe: what the person's
# own `openssl s_client` printed.
SOURCES = ("proxy", "nginx-t", "upstream", "response", "probe")

# Why a file did not load, from OpenSSL's reasons in either spelling (1.1, 3.x).
# not-pem: no PEM data nginx could use (a DER file, or the wrong file).
DETAILS = ("file-not-found", "permission-denied", "not-pem", "no-password", "wrong-password")

_OPENSSL_VERIFY_TEXT = {
    2: "unable to get issuer certificate",
    3: "unable to get certificate CRL",
    4: "unable to decrypt certificate's signature",
    7: "certificate signature failure",
    9: "certificate is not yet valid",
    10: "certificate has expired",
    11: "CRL is not yet valid",
    12: "CRL has expired",
    18: "self-signed certificate",
    19: "self-signed certificate in certificate chain",
    20: "unable to get local issuer certificate",
    21: "unable to verify the first certificate",
    22: "certificate chain too long",
    23: "certificate revoked",
    26: "unsuitable certificate purpose",
    27: "certificate not trusted",
    28: "certificate rejected",
    66: "EE certificate key too weak",
    67: "CA certificate key too weak",
    68: "CA signature digest algorithm too weak",
}

# nginx writes at most 2048 bytes per error-log line; anything far longer is
# not one of its lines, and capping keeps every pattern linear on hostile input.
_MAX_LINE = 8192
_MAX_PREFIXES = 6
_MAX_WRAPPED = 64

_LEVEL = "|".join(LEVELS)
_DATED_HEADER = re.compile(rf"\d{{4}}/\d\d/\d\d \d\d:\d\d:\d\d \[(?P<level>{_LEVEL})\] ")
_LEVEL_HEADER = re.compile(rf"\[(?P<level>{_LEVEL})\] ")
_PROCESS = re.compile(r"(?:\d+#\d+: )?(?:\*\d+ )?")
_PREFIX = re.compile(
    r"<\d{1,3}>"                                                        # syslog priority
    r"|[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ [^\s\[:]+(?:\[\d+\])?: "  # journalctl, syslog
    r"|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)? "  # docker/kubectl --timestamps
    r"|\S+ [^\s\[:]+\[\d+\]: "                                          # journalctl -o short-iso host part
    r"|[\w.-]+ *\| "                                                    # docker compose service
    r"|\[[\w./-]+\] "                                                   # kubectl logs --prefix
)
_NGINX_T_PREFIX = "nginx: "

_TAIL_START = ", client: "
_TAIL_FIELD = re.compile(
    r", (?P<name>client|server): (?P<plain>[^,]*)(?=, |$)"
    r'|, (?P<qname>request|subrequest|upstream|host|referrer): "(?P<quoted>.*?)"'
    r"(?=, (?:subrequest|upstream|host|referrer|bytes from/to client):|$)"
)
_OPEN_ADDRESS = re.compile(r", (?:client|server): [^,\s]*$")
_CONF_SUFFIX = re.compile(r" in (?P<file>[^\s\"]+):(?P<line>\d+)$")
_ABSOLUTE_PATH = re.compile(r'"(/[^"]*)"')
_SSL_ERROR = re.compile(r"error:[0-9A-Fa-f]{8}:[^:]*:[^:]*:(?P<reason>(?:(?! error:[0-9A-Fa-f]{8}:)[^:)])*)")
_ALERT = re.compile(r"SSL alert number (\d+)")
_PROBE_ERROR = re.compile(r"^[0-9A-F]+:error:[0-9A-F]{8}:")
_SERVER_SIDE_HANDSHAKE = re.compile(r"while SSL handshaking$")

_ERROR_OR_WORSE = frozenset({"emerg", "alert", "crit", "error"})


@dataclass(frozen=True)
class LogEvent:
    """One pasted line and what it says.

    `raw` is the line as pasted. When a terminal wrapped an error-log line onto
    the next lines, the head line's fields are read from the rejoined text and
    each following piece is an "unrecognized" event with `continuation_of` set
    to the head's line number, so no evidence is counted twice.
    """

    line: int
    raw: str
    kind: str
    source: str
    level: str | None = None
    message: str = ""
    verify_code: int | None = None
    verify_text: str | None = None
    alert_number: int | None = None
    ssl_reason: str | None = None
    ssl_reasons: tuple[str, ...] = ()
    detail: str | None = None
    checked_name: str | None = None
    upstream: str | None = None
    server: str | None = None
    host: str | None = None
    request: str | None = None
    client: str | None = None
    path: str | None = None
    conf_file: str | None = None
    conf_line: int | None = None
    continuation_of: int | None = None
    log: str = "<log>"
    phase: str | None = None
    software: str | None = None
    sni: str | None = None
    status: int | None = None


@dataclass(frozen=True)
class _Split:
    """A line with its prefixes and nginx header taken off; `bare` when there
    was nothing to take off, as with the pieces of a wrapped line."""

    body: str
    level: str | None
    nginx_t: bool
    bare: bool

    @cached_property
    def message(self) -> str:
        end = self.body.find(_TAIL_START)
        return (self.body if end < 0 else self.body[:end]).rstrip()

    @cached_property
    def tail(self) -> dict[str, str]:
        end = self.body.find(_TAIL_START)
        fields: dict[str, str] = {}
        if end < 0:
            return fields
        for match in _TAIL_FIELD.finditer(self.body, end):
            if match["name"]:
                fields.setdefault(match["name"], match["plain"])
            else:
                fields.setdefault(match["qname"], match["quoted"])
        return fields


def verify_code_name(code: int) -> str:
    """OpenSSL 3's text for a verify code (1.1 spells 18 and 19 "self signed");
    unknown codes read as OpenSSL itself prints them."""
    return _OPENSSL_VERIFY_TEXT.get(code, "unknown certificate verification error")


def read_log(text: str | bytes, name: str = "<log>") -> list[LogEvent]:
    """One event per non-empty line, in order; never raises. Bytes are decoded
    as UTF-8 with replacement, since pasted logs may hold binary request junk."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    lines = [(number, raw.rstrip("\r")) for number, raw in enumerate(text.split("\n"), 1)]
    lines = [(number, raw) for number, raw in lines if raw.strip()]
    splits = [_split(raw[:_MAX_LINE]) for _, raw in lines]
    events: list[LogEvent] = []
    index = 0
    while index < len(lines):
        number, raw = lines[index]
        wrapped = _wrapped_count(lines, splits, index) if splits[index].level else 0
        if wrapped:
            joined = "".join(piece for _, piece in lines[index:index + wrapped + 1])[:_MAX_LINE]
            head = _event(number, raw, _split(joined), name)
            events.append(head)
            events.extend(LogEvent(line=piece_number, raw=piece, kind="unrecognized", source=head.source,
                                   continuation_of=number, log=name)
                          for piece_number, piece in lines[index + 1:index + wrapped + 1])
        else:
            events.append(_event(number, raw, splits[index], name))
        index += wrapped + 1
    return events


def _wrapped_count(lines: list[tuple[int, str]], splits: list[_Split], index: int) -> int:
    """How many of the lines after `index` are its rest, cut by a terminal's
    width: bare lines (no prefix or header of their own) whose joining completes
    more of the `client: …` tail. An unrelated next line completes nothing.

    An address cut at the very end (the upstream's `server: 127.0.0.1:8443`)
    adds no field when completed, so there the wrap itself is the evidence: a
    full-width line, then a piece without spaces.
    """
    text = lines[index][1]
    width = len(text)
    fields = len(splits[index].tail)
    count = 0
    for offset in range(1, _MAX_WRAPPED + 1):
        if index + offset == len(lines) or not splits[index + offset].bare:
            break
        piece = lines[index + offset][1]
        address_cut = (_OPEN_ADDRESS.search(text) is not None and len(lines[index + offset - 1][1]) == width
                       and not any(char.isspace() for char in piece))
        text += piece
        if len(text) > _MAX_LINE:
            break
        joined_fields = len(_split(text).tail)
        if joined_fields > fields or address_cut:
            fields, count = joined_fields, offset
    return count


def _split(text: str) -> _Split:
    dated = _DATED_HEADER.search(text)
    if dated:
        body = text[dated.end():]
        return _Split(body[_PROCESS.match(body).end():], dated["level"], nginx_t=False, bare=False)
    body, nginx_t = text, False
    for _ in range(_MAX_PREFIXES):
        if _LEVEL_HEADER.match(body):
            break
        if body.startswith(_NGINX_T_PREFIX):
            body, nginx_t = body[len(_NGINX_T_PREFIX):], True
            continue
        prefix = _PREFIX.match(body)
        if not prefix:
            break
        body = body[prefix.end():]
    level = _LEVEL_HEADER.match(body)
    if level:
        body = body[level.end():]
        body = body[_PROCESS.match(body).end():]
    return _Split(body, level["level"] if level else None, nginx_t, bare=len(body) == len(text))


def _event(number: int, raw: str, split: _Split, log: str) -> LogEvent:
    message = split.message
    tail = split.tail
    kind, found = classify(message)
    reasons = _ssl_reasons(message)
    detail = next((name for name, pattern in DETAIL_PATTERNS if pattern.search(message)), None)
    phase = PHASE.search(message)
    # The upstream logs its side of a handshake without "to upstream".
    server_side = kind in ("handshake-failed", "peer-closed") and bool(_SERVER_SIDE_HANDSHAKE.search(message))
    software, source = None, None
    if kind == "client-key-encrypted" and detail not in ("no-password", "wrong-password"):
        kind = "client-cert-load-failed"
    elif server_side:
        kind = next((named for reason, named in SERVER_SIDE_REASONS if reason in reasons), kind)
    elif kind == "upstream-timeout" and phase and phase["phase"] == "connecting":
        kind = "connect-timeout"
    elif kind is None and ACCESS_LOG.match(raw):
        kind, found = "access-log", {"status": ACCESS_LOG.match(raw)["status"]}
    elif kind is None:
        foreign = match_phrase(split.body)
        if foreign is not None:
            phrase, match = foreign
            kind, software, source = phrase.kind, phrase.software, phrase.source
            found = {key: value.rstrip(".") for key, value in match.groupdict().items() if value}
        elif BARE_STATUS.match(raw):
            kind, source, found = "http-status", "response", {"status": BARE_STATUS.match(raw)["status"]}
        elif HEADER_LINE.match(raw):
            kind, source = "http-header", "response"
    if kind is None:
        kind = "other-error" if split.level in _ERROR_OR_WORSE else "unrecognized"

    source = source or _source(kind, split, server_side)

    conf = _CONF_SUFFIX.search(message)
    quoted_path = _ABSOLUTE_PATH.search(message)
    alert = _ALERT.search(message)
    return LogEvent(
        line=number, raw=raw, kind=kind, source=source, level=split.level, message=message,
        verify_code=int(found["code"]) if found.get("code") else None,
        verify_text=found.get("text"),
        alert_number=int(alert[1]) if alert else None,
        ssl_reason=reasons[0] if reasons else None,
        ssl_reasons=reasons,
        detail=detail,
        checked_name=found.get("name"),
        upstream=tail.get("upstream", found.get("host") if source in ("proxy", "nginx-t") else None),
        server=tail.get("server"), host=tail.get("host", found.get("host") if software else None),
        request=tail.get("request"),
        client=tail.get("client"),
        path=found.get("path") or (quoted_path[1] if quoted_path else None) or (conf["file"] if conf else None),
        conf_file=conf["file"] if conf else None,
        conf_line=int(conf["line"]) if conf else None,
        log=log,
        phase=phase["phase"] if phase else None,
        software=software or ("nginx" if source == "upstream" else None),
        sni=found.get("sni"),
        status=int(found["status"]) if found.get("status") else None,
    )


def _source(kind: str, split: _Split, server_side: bool) -> str:
    if kind == "bad-gateway":
        return "response"
    if kind == "probe-handshake-failed":
        return "probe"
    if server_side or kind in UPSTREAM_KINDS:
        return "upstream"
    if split.nginx_t or kind in CONFIG_KINDS or split.level == "emerg":
        return "nginx-t"
    return "proxy"


def _ssl_reasons(message: str) -> tuple[str, ...]:
    """OpenSSL's reasons in queue order, the first being the deepest cause:
    `error:0A000458:SSL routines::tlsv1 unrecognized name` (3.x) and
    `error:14094458:SSL routines:ssl3_read_bytes:tlsv1 unrecognized name` (1.1)."""
    start = message.find("(SSL: ")
    if start < 0 and not _PROBE_ERROR.match(message):
        return ()
    start = max(start, 0)
    return tuple(match["reason"] for match in _SSL_ERROR.finditer(message, start) if match["reason"])
