"""The one HTTP request `upstream-tls ask` makes (stdlib urllib), streamed.

Kept out of the llm package's imports: the browser sends with fetch, and
nothing else in the core may touch the network. Redirects are refused, so
the key is only ever sent to the URL the person chose.
"""
from __future__ import annotations

import codecs
import socket
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable

from .prompt import Prepared
from .stream import StreamDecoder, StreamResult, error_message, parse_body

READ_SIZE = 8192
ERROR_BODY_LIMIT = 1 << 16


class TransportError(Exception):
    """The request failed: one line saying why and what to do."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # the redirect becomes an HTTPError: the key is not sent on


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused (is the server running?)"
    if isinstance(reason, socket.gaierror):
        return "the host name does not resolve"
    if isinstance(reason, ssl.SSLCertVerificationError):
        return f"its TLS certificate is not trusted ({reason.verify_message})"
    if isinstance(reason, TimeoutError | socket.timeout):
        return "no connection within the timeout"
    return str(getattr(reason, "strerror", None) or reason)


def send(prepared: Prepared, key: str | None, *, timeout: float, on_text: Callable[[str], None]) -> StreamResult:
    """POST the prepared request with `key` in its header; `on_text` gets the
    answer's text as it arrives. Raises TransportError."""
    provider = prepared.provider.id
    request = urllib.request.Request(prepared.url, data=prepared.body_json.encode("ascii"),
                                     headers=prepared.request_headers(key), method="POST")
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        response = opener.open(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        body = exc.read(ERROR_BODY_LIMIT).decode("utf-8", "replace")
        raise TransportError(error_message(provider, exc.code, body, dict(exc.headers or {}), key=key)) from None
    except (urllib.error.URLError, OSError) as exc:
        raise TransportError(f"cannot reach {prepared.url}: {_reason(exc)}; check the network and the base URL") \
            from None
    with response:
        if "text/event-stream" not in response.headers.get("Content-Type", ""):
            result = parse_body(provider, _read_all(response, prepared.url, timeout))
            on_text(result.text)
            return result
        return _stream(response, provider, prepared.url, timeout, on_text)


def _read_all(response, url: str, timeout: float) -> str:
    try:
        return response.read().decode("utf-8", "replace")
    except (TimeoutError, OSError) as exc:
        raise TransportError(f"{url} stopped answering ({_reason(exc)}, timeout {timeout:g} s)") from None


def _stream(response, provider: str, url: str, timeout: float, on_text: Callable[[str], None]) -> StreamResult:
    decoder = StreamDecoder(provider)
    utf8 = codecs.getincrementaldecoder("utf-8")("replace")
    shown = 0
    while True:
        try:
            chunk = response.read1(READ_SIZE)
        except (TimeoutError, OSError) as exc:
            raise TransportError(f"the stream from {url} stalled: no data for {timeout:g} s ({_reason(exc)}); "
                                 "raise --timeout or try again") from None
        if not chunk:
            break
        text = decoder.feed(utf8.decode(chunk))
        if text:
            on_text(text)
            shown += len(text)
    decoder.feed(utf8.decode(b"", final=True))
    result = decoder.finish()
    if len(result.text) > shown:
        on_text(result.text[shown:])
    return result
