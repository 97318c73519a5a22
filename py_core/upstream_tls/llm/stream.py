"""What comes back: server-sent events in each provider's wire format, a
plain JSON body (servers that ignore `stream`), and error responses turned
into one line a person can act on.

    openai     data: {"object": "chat.completion.chunk", "choices": [{"delta": {"content": …}}]}
               … data: [DONE]; an error mid-stream is data: {"error": {…}}
    anthropic  event: message_start / content_block_start / ping / content_block_delta
               (delta.type text_delta) / content_block_stop / message_delta / message_stop;
               an error mid-stream is event: error with {"type": "error", "error": {…}}
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from .providers import provider_named

MAX_MESSAGE = 240
# Anything shaped like a provider key in an error body is masked, whoever sent it.
_KEYLIKE = re.compile(r"\b(?:sk|pk|rk)-[A-Za-z0-9_\-*.]{3,}")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CUT_OFF = {"length": "the model's output limit", "max_tokens": "the model's output limit (max_tokens)"}


@dataclass
class StreamResult:
    """The text so far and how the stream ended."""

    text: str = ""
    complete: bool = False
    stop_reason: str | None = None
    error: str | None = None
    unreadable: int = 0

    @property
    def problems(self) -> list[str]:
        """One line per thing that makes the answer doubtful."""
        found = []
        if self.error:
            found.append(self.error)
        elif not self.complete:
            found.append("the stream ended before the provider said it was done: the answer may be cut off")
        if self.stop_reason in _CUT_OFF:
            found.append(f"the answer stopped at {_CUT_OFF[self.stop_reason]}: it is probably cut off")
        if self.unreadable:
            found.append(f"{self.unreadable} streamed event(s) could not be read: parts of the answer may be missing")
        return found


@dataclass
class StreamDecoder:
    """Incremental SSE decoding: feed() pieces as they arrive (split anywhere,
    even inside a line), get the new text back; finish() says how it ended."""

    provider: str
    result: StreamResult = field(default_factory=StreamResult, init=False)
    _buffer: str = field(default="", init=False)
    _event: str = field(default="", init=False)
    _data: list[str] = field(default_factory=list, init=False)

    def __post_init__(self):
        self._wire = provider_named(self.provider).wire

    def feed(self, chunk: str) -> str:
        """The text the complete events in `chunk` (with what came before) add."""
        self._buffer += chunk
        # A trailing \r may be the first half of \r\n: it waits for the next piece.
        held = "\r" if self._buffer.endswith("\r") else ""
        lines = _LINE_BREAK.split(self._buffer[:len(self._buffer) - len(held)])
        self._buffer = lines.pop() + held
        return "".join(self._line(line) for line in lines)

    def finish(self) -> StreamResult:
        if self._buffer.rstrip("\r"):
            self._line(self._buffer.rstrip("\r"))
        self._buffer = ""
        self._line("")  # a last event without its blank line still counts
        return self.result

    def _line(self, line: str) -> str:
        if line == "":
            data, event = "\n".join(self._data), self._event
            self._data, self._event = [], ""
            return self._dispatch(event, data) if data else ""
        if line.startswith(":"):
            return ""
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        return ""

    def _dispatch(self, event: str, data: str) -> str:
        if self._wire == "openai" and data.strip() == "[DONE]":
            self.result.complete = True
            return ""
        try:
            payload = json.loads(data)
        except ValueError:
            self.result.unreadable += 1
            return ""
        if not isinstance(payload, dict):
            self.result.unreadable += 1
            return ""
        text = _openai_event(payload, self.result) if self._wire == "openai" else \
            _anthropic_event(event or str(payload.get("type", "")), payload, self.result)
        self.result.text += text
        return text


def _openai_event(payload: dict, result: StreamResult) -> str:
    if "error" in payload:
        result.error = _broke_off(payload)
        return ""
    text = ""
    for choice in payload.get("choices") or ():
        if isinstance(choice, dict) and choice.get("index", 0) == 0:
            delta = choice.get("delta") or {}
            content = delta.get("content") if isinstance(delta, dict) else None
            text += content if isinstance(content, str) else ""
            if choice.get("finish_reason"):
                result.stop_reason = str(choice["finish_reason"])
    return text


def _anthropic_event(event: str, payload: dict, result: StreamResult) -> str:
    if event == "content_block_delta":
        delta = payload.get("delta") or {}
        if isinstance(delta, dict) and delta.get("type") == "text_delta" and isinstance(delta.get("text"), str):
            return delta["text"]
    elif event == "content_block_start":
        block = payload.get("content_block") or {}
        if isinstance(block, dict) and block.get("type") == "text" and isinstance(block.get("text"), str):
            return block["text"]
    elif event == "message_delta":
        delta = payload.get("delta") or {}
        if isinstance(delta, dict) and delta.get("stop_reason"):
            result.stop_reason = str(delta["stop_reason"])
    elif event == "message_stop":
        result.complete = True
    elif event == "error":
        result.error = _broke_off(payload)
    return ""


def _broke_off(payload: dict) -> str:
    message = _provider_message(payload)
    return f"the stream broke off: {message}" if message else "the stream broke off with an error"


def parse_stream(provider: str, raw: str) -> StreamResult:
    """A whole SSE transcript at once."""
    decoder = StreamDecoder(provider)
    decoder.feed(raw)
    return decoder.finish()


@dataclass
class BodyDecoder:
    """For a server that ignored `stream` and sent one JSON body: nothing to
    show until it is whole; finish() parses it."""

    provider: str
    _parts: list[str] = field(default_factory=list, init=False)

    def feed(self, chunk: str) -> str:
        self._parts.append(chunk)
        return ""

    def finish(self) -> StreamResult:
        return parse_body(self.provider, "".join(self._parts))


def decoder_for(provider: str, content_type: str) -> StreamDecoder | BodyDecoder:
    """The decoder for a response of this Content-Type."""
    return StreamDecoder(provider) if "text/event-stream" in content_type.lower() else BodyDecoder(provider)


def parse_body(provider: str, body_text: str) -> StreamResult:
    """A non-streaming response body (a server that ignored `stream`)."""
    wire = provider_named(provider).wire
    try:
        payload = json.loads(body_text)
    except ValueError:
        return StreamResult(error="the response is not JSON and not an event stream")
    if not isinstance(payload, dict):
        return StreamResult(error="the response is not a JSON object")
    if payload.get("type") == "error" or "error" in payload:
        return StreamResult(error=f"the provider answered with an error: {_provider_message(payload) or 'unknown'}")
    if wire == "anthropic":
        blocks = payload.get("content") or []
        text = "".join(block["text"] for block in blocks if isinstance(block, dict)
                       and block.get("type") == "text" and isinstance(block.get("text"), str))
        stop = payload.get("stop_reason")
    else:
        choice = next((item for item in payload.get("choices") or () if isinstance(item, dict)), {})
        message = choice.get("message") or {}
        content = message.get("content") if isinstance(message, dict) else None
        text = content if isinstance(content, str) else ""
        stop = choice.get("finish_reason")
    return StreamResult(text=text, complete=True, stop_reason=str(stop) if stop else None)


def _provider_message(payload: dict) -> str:
    """The provider's own words from its error body: OpenAI's
    {"error": {"message", "type", "param", "code"}}, Anthropic's
    {"type": "error", "error": {"type", "message"}}, or a bare
    {"error": "…"} (Ollama and other compatible servers)."""
    error = payload.get("error")
    if isinstance(error, str):
        return _one_line(error)
    if not isinstance(error, dict):
        return ""
    kind = error.get("code") or error.get("type")
    message = error.get("message")
    parts = [str(kind)] if isinstance(kind, str) and kind else []
    if isinstance(message, str) and message.strip():
        parts.append(message)
    return _one_line(": ".join(parts))


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE - 1] + "…"


def _said(body_text: str) -> str:
    """The provider's message from an error body; a plain-text body as it
    is; nothing from an HTML page (a proxy's, most likely)."""
    try:
        payload = json.loads(body_text)
    except ValueError:
        stripped = body_text.strip()
        return "" if stripped.startswith("<") else _one_line(stripped)
    return _provider_message(payload) if isinstance(payload, dict) else ""


def _header(headers: dict, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return str(value)
    return None


def _retry_after(headers: dict) -> str | None:
    value = _header(headers, "retry-after")
    if value is None:
        milliseconds = _header(headers, "retry-after-ms")
        if milliseconds and milliseconds.strip().isdigit():
            return f"{max(1, round(int(milliseconds) / 1000))} seconds"
        return None
    value = value.strip()
    if value.isdigit():
        return f"{value} second{'s' if value != '1' else ''}"
    return value  # an HTTP date, as sent


def _scrub(message: str, key: str | None) -> str:
    """The key out of a message, and anything shaped like a provider key
    (servers quote the key they refused)."""
    if key:
        message = message.replace(key, "••••")
    return _KEYLIKE.sub("••••", message)


def error_message(provider: str, status: int, body_text: str, headers: dict, *, key: str | None = None) -> str:
    """One line for an HTTP error: what it means and what to do. The key
    never shows, even when the error body quotes it."""
    chosen = provider_named(provider)
    said = _said(body_text)
    detail = f" ({status}{': ' + said if said else ''})"
    name = chosen.label
    if 300 <= status < 400:
        location = _header(headers, "location")
        advice = (f"{name} redirected the request (HTTP {status}{' to ' + location if location else ''}); the key is "
                  "not sent on to another URL: give the final URL as the base URL")
    elif status in (401, 403) and "anthropic-dangerous-direct-browser-access" in said:
        advice = (f"{name} refused a request from a browser{detail}: it must carry the header "
                  "anthropic-dangerous-direct-browser-access: true")
    elif status == 401:
        advice = f"{name} rejected the API key{detail}: check that the key is right and has not been revoked"
    elif status == 403:
        advice = (f"{name} does not allow this key to do that{detail}: check the key's project, permissions "
                  "and whether the model is available to it")
    elif status == 404:
        where = " and the base URL (it ends before /chat/completions)" if chosen.id == "openai-compatible" else ""
        advice = f"{name} has no such model or endpoint{detail}: check the model name{where}"
    elif status == 429 and "quota" in said.lower():
        advice = f"{name} says the account has no quota left{detail}: check its plan and billing"
    elif status == 429:
        wait = _retry_after(headers)
        advice = f"{name} is rate-limiting this key{detail}: " + (f"retry after {wait}" if wait else
                                                                 "wait a little and retry")
    elif status == 413:
        advice = f"the request is too large for {name}{detail}: paste less (one server block, say)"
    elif status == 400:
        advice = f"{name} refused the request{detail}: check the model name; if it persists, report it"
    elif status == 529 or status >= 500:
        wait = _retry_after(headers)
        advice = f"{name} is overloaded or failing{detail}: " + (f"retry after {wait}" if wait else
                                                                "try again in a minute")
    else:
        advice = f"{name} answered HTTP {status}{': ' + said if said else ''}"
    return _scrub(advice, key)
