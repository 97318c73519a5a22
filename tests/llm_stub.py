"""A stand-in for the LLM providers on 127.0.0.1, speaking each one's wire
format, for the unit, CLI and browser tests (no real provider is reachable).

Wire formats followed (the docs they came from):
  OpenAI Chat Completions streaming: data-only SSE of `chat.completion.chunk` objects,
    text in choices[0].delta.content, ended by `data: [DONE]`
    https://cookbook.openai.com/examples/how_to_stream_completions
    https://platform.openai.com/docs/api-reference/chat-streaming (chunk object, as mirrored at
    https://docs.whirlagi.com/basics/chat/chat-completion-block-object)
  OpenAI errors: {"error": {"message", "type", "param", "code"}}; 401 invalid_api_key, 429 rate limit
    https://platform.openai.com/docs/guides/error-codes (quoted at
    https://community.openai.com/t/error-code-500-and-health-check/696299/1)
  Anthropic Messages streaming: event/data pairs message_start, content_block_start, ping,
    content_block_delta (text_delta), content_block_stop, message_delta, message_stop; `event: error`
    https://platform.claude.com/docs/en/build-with-claude/streaming
  Anthropic errors: {"type": "error", "error": {"type", "message"}, "request_id"}; 400 invalid_request_error,
    401 authentication_error, 404 not_found_error, 429 rate_limit_error (retry-after), 529 overloaded_error
    https://docs.claude.com/en/api/errors
  Anthropic headers x-api-key, anthropic-version, content-type: https://docs.anthropic.com/en/api/overview
  Anthropic from a browser (CORS) needs `anthropic-dangerous-direct-browser-access: true`, else 401
    "CORS requests must set 'anthropic-dangerous-direct-browser-access' header"
    https://simonwillison.net/2024/Aug/23/anthropic-dangerous-direct-browser-access

Routes:
  POST /v1/chat/completions       openai: Authorization: Bearer KEY required
  POST <any prefix>/chat/completions  openai-compatible (e.g. base URL http://HOST:PORT/compat/v1): key optional
  POST /v1/messages               anthropic: x-api-key, anthropic-version, JSON with model, max_tokens, messages
  OPTIONS *                       CORS preflight (204), Access-Control-Allow-Origin echoing the Origin
  GET /__stub__/requests          what was recorded, as JSON (for tests in another process); DELETE clears it

Scripted behaviour, chosen per request:
  key "sk-test-bad"        401 in the provider's format; the message quotes the key (as a careless server
                           might), so clients are tested for never showing it
  key "sk-test-ratelimit"  429 with `retry-after: 7`
  model containing
    "weaken"               the config with verification turned off and TLSv1/TLSv1.1 enabled
    "unrelated"            the good fix plus a changed `listen` and an added `server_tokens off`
    "no-block"             prose only, no code block
    "invented-placeholder" the good fix with one placeholder's case changed and REDACTED_API_KEY_99 added
    "drop-tls"             the good fix with proxy_pass https:// turned into http:// (and nothing else)
    "broken"               the good fix with its last closing brace missing (nginx would refuse it)
    "second-block"         the good fix, then an untagged block "if it still fails" with verification off
    "slow"                 the good fix in small pieces, 0.25 s apart (for cancel tests)
    "midstream-error"      a few pieces, then the provider's mid-stream error (overloaded)
    "overloaded"           529 (anthropic) / 503 (openai) before any streaming
    "missing"              404 model not found
  model "hostile:NAME"     that answer of tests/hostile_answers.py (whatever the prompt says)
  model "clean:N"          the N-th clean answer there
    anything else          the good fix: the config block of the prompt echoed back with
                           `proxy_ssl_verify on`, a trusted certificate and SNI, placeholders verbatim
  "stream": false          the same answer as one JSON body in the non-streaming format

Every request (preflights too) is recorded with its method, path, headers and raw body.

From pytest:
    @pytest.fixture
    def stub():
        with LLMStub() as server:   # a free port on 127.0.0.1
            yield server            # server.url, server.requests, server.clear()
Standalone: python tests/llm_stub.py --port 8765
"""
from __future__ import annotations

import argparse
import json
import re
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import hostile_answers

BAD_KEY = "sk-test-bad"
RATELIMIT_KEY = "sk-test-ratelimit"
RETRY_AFTER = "7"
TRUSTED = "/etc/nginx/certs/upstream-ca.pem"
BROWSER_HEADER = "anthropic-dangerous-direct-browser-access"
_CONFIG_BLOCK = re.compile(r"^(?P<fence>`{3,})nginx[ \t]*\n(?P<body>.*?)^(?P=fence)[ \t]*$", re.M | re.S)
_PLACEHOLDER = re.compile(r"REDACTED_(?:[A-Z]+_)+[0-9]+")


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)

    def to_dict(self) -> dict:
        return {"method": self.method, "path": self.path, "headers": [list(pair) for pair in self.headers],
                "body": self.body.decode("utf-8", "replace")}


# ---------------------------------------------------------------- scripted answers


def _config_from(prompt: str) -> str:
    match = _CONFIG_BLOCK.search(prompt)
    return match["body"] if match else "location / {\n    proxy_pass https://upstream.example;\n}\n"


def _indent_of(line: str) -> str:
    return line[:len(line) - len(line.lstrip())]


def good_fix(config: str) -> str:
    """Verification on with a trusted certificate and SNI after every TLS
    proxy_pass; every other line, placeholders included, as it was."""
    lines = config.splitlines(keepends=True)
    out = []
    wanted = ("proxy_ssl_verify on;", f"proxy_ssl_trusted_certificate {TRUSTED};", "proxy_ssl_server_name on;")
    for line in lines:
        if line.strip().startswith("proxy_ssl_verify "):
            continue
        out.append(line)
        if line.strip().startswith("proxy_pass https://"):
            indent = _indent_of(line)
            out += [f"{indent}{directive}\n" for directive in wanted
                    if directive.split()[0] + " " not in config or directive.startswith("proxy_ssl_verify")]
    return "".join(out)


def weakened(config: str) -> str:
    out = []
    for line in config.splitlines(keepends=True):
        if line.strip().startswith(("proxy_ssl_verify ", "proxy_ssl_trusted_certificate ")):
            continue
        out.append(line)
        if line.strip().startswith("proxy_pass https://"):
            indent = _indent_of(line)
            out += [f"{indent}proxy_ssl_verify off;\n", f"{indent}proxy_ssl_protocols TLSv1 TLSv1.1 TLSv1.2;\n"]
    return "".join(out)


def unrelated(config: str) -> str:
    fixed = re.sub(r"listen\s+443", "listen 8443", good_fix(config), count=1)
    return re.sub(r"(?m)^(\s*)(server_name[^\n]*\n)", r"\1\2\1server_tokens off;\n", fixed, count=1)


def invented(config: str) -> str:
    fixed = good_fix(config)
    names = _PLACEHOLDER.findall(fixed)
    if names:
        fixed = fixed.replace(names[0], names[0].lower(), 1)
    return re.sub(r"(?m)^(\s*)(proxy_pass https://[^\n]*\n)", r"\1\2\1proxy_set_header X-Extra REDACTED_API_KEY_99;\n",
                  fixed, count=1)


def answer_text(model: str, prompt: str) -> str:
    from_corpus = hostile_answers.served(model)
    if from_corpus is not None:
        return from_corpus
    config = _config_from(prompt)
    if "no-block" in model:
        return "The upstream's certificate is not verified. Turn proxy_ssl_verify on and trust the upstream's CA.\n"
    tail = ""
    if "second-block" in model:
        tail = "If it still fails, use this instead:\n\n```\nproxy_ssl_verify off;\n```\n"
    if "drop-tls" in model:
        block = good_fix(config).replace("proxy_pass https://", "proxy_pass http://")
    elif "broken" in model:
        fixed = good_fix(config).rstrip("\n")
        block = fixed[:fixed.rfind("}")] + "\n"
    elif "weaken" in model:
        block = weakened(config)
    elif "unrelated" in model:
        block = unrelated(config)
    elif "invented-placeholder" in model:
        block = invented(config)
    else:
        block = good_fix(config)
    return ("The upstream certificate was never verified, so nginx accepted anything.\n\n```nginx\n" + block
            + "```\n\nI turned verification on with the CA file in proxy_ssl_trusted_certificate and sent SNI.\n"
            + tail)


def pieces(text: str, size: int = 24) -> list[str]:
    return [text[index:index + size] for index in range(0, len(text), size)]


# ---------------------------------------------------------------- wire formats


def openai_error(message: str, kind: str, code: str | None = None, param: str | None = None) -> dict:
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


def anthropic_error(kind: str, message: str) -> dict:
    return {"type": "error", "error": {"type": kind, "message": message}, "request_id": "req_stub0001"}


def openai_chunk(model: str, delta: dict, finish: str | None = None) -> dict:
    return {"id": "chatcmpl-stub", "object": "chat.completion.chunk", "created": 1700000000, "model": model,
            "system_fingerprint": "fp_stub", "choices": [{"index": 0, "delta": delta, "logprobs": None,
                                                          "finish_reason": finish}]}


def openai_events(model: str, text: str, error_after: int | None = None):
    yield f"data: {json.dumps(openai_chunk(model, {'role': 'assistant', 'content': ''}))}\n\n"
    for index, piece in enumerate(pieces(text)):
        if error_after is not None and index == error_after:
            error = openai_error("The server is overloaded", "server_error", "server_is_overloaded")
            yield f"data: {json.dumps(error)}\n\n"
            return
        yield f"data: {json.dumps(openai_chunk(model, {'content': piece}))}\n\n"
    yield f"data: {json.dumps(openai_chunk(model, {}, 'stop'))}\n\n"
    yield "data: [DONE]\n\n"


def _event(name: str, payload: dict) -> str:
    return f"event: {name}\ndata: {json.dumps(payload)}\n\n"


def anthropic_events(model: str, text: str, error_after: int | None = None):
    message = {"id": "msg_stub", "type": "message", "role": "assistant", "content": [], "model": model,
               "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": 25, "output_tokens": 1}}
    yield _event("message_start", {"type": "message_start", "message": message})
    yield _event("content_block_start", {"type": "content_block_start", "index": 0,
                                         "content_block": {"type": "text", "text": ""}})
    yield _event("ping", {"type": "ping"})
    for index, piece in enumerate(pieces(text)):
        if error_after is not None and index == error_after:
            yield _event("error", anthropic_error("overloaded_error", "Overloaded"))
            return
        yield _event("content_block_delta", {"type": "content_block_delta", "index": 0,
                                             "delta": {"type": "text_delta", "text": piece}})
    yield _event("content_block_stop", {"type": "content_block_stop", "index": 0})
    yield _event("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                                   "usage": {"output_tokens": len(text) // 4}})
    yield _event("message_stop", {"type": "message_stop"})


def openai_body(model: str, text: str) -> dict:
    return {"id": "chatcmpl-stub", "object": "chat.completion", "created": 1700000000, "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 100, "completion_tokens": len(text) // 4, "total_tokens": 100}}


def anthropic_body(model: str, text: str) -> dict:
    return {"id": "msg_stub", "type": "message", "role": "assistant", "model": model,
            "content": [{"type": "text", "text": text}], "stop_reason": "end_turn", "stop_sequence": None,
            "usage": {"input_tokens": 100, "output_tokens": len(text) // 4}}


# ---------------------------------------------------------------- the server


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format, *args):  # quiet: tests read the records, not a log
        pass

    def _record(self, body: bytes) -> None:
        with self.server.lock:
            self.server.requests.append(Recorded(self.command, self.path, tuple(self.headers.items()), body))

    def _cors(self) -> None:
        origin = self.headers.get("Origin")
        if origin:
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Vary", "Origin")
            # Without this a page cannot read retry-after (not a CORS-safelisted
            # response header); the page then says "wait a little" instead.
            self.send_header("Access-Control-Expose-Headers", "retry-after, request-id, x-request-id")

    def _json(self, status: int, payload: dict, extra: dict | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self._cors()
        self.end_headers()
        self.wfile.write(data)

    def _sse(self, events, delay: float) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self._cors()
        self.end_headers()
        try:
            for event in events:
                data = event.encode()
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()
                time.sleep(delay)
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):  # the client cancelled
            self.close_connection = True

    def do_OPTIONS(self):  # noqa: N802 (http.server's naming)
        self._record(b"")
        self.send_response(204)
        self._cors()
        self.send_header("Access-Control-Allow-Methods", "POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", self.headers.get("Access-Control-Request-Headers", "*"))
        self.send_header("Access-Control-Max-Age", "600")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):  # noqa: N802
        self._record(b"")
        if self.path == "/__stub__/requests":
            with self.server.lock:
                records = [record.to_dict() for record in self.server.requests]
            self._json(200, {"requests": records})
        else:
            self._json(404, openai_error(f"Invalid URL (GET {self.path})", "invalid_request_error"))

    def do_DELETE(self):  # noqa: N802
        if self.path == "/__stub__/requests":
            self.server.clear()
            self._json(200, {"requests": []})
        else:
            self._json(404, openai_error(f"Invalid URL (DELETE {self.path})", "invalid_request_error"))

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._record(body)
        if self.path == "/v1/messages":
            self._anthropic(body)
        elif self.path.endswith("/chat/completions"):
            self._openai(body, key_required=self.path == "/v1/chat/completions")
        else:
            self._json(404, openai_error(f"Invalid URL (POST {self.path})", "invalid_request_error"))

    # -- OpenAI and OpenAI-compatible

    def _openai(self, raw: bytes, key_required: bool) -> None:
        auth = self.headers.get("Authorization", "")
        key = auth[len("Bearer "):] if auth.startswith("Bearer ") else None
        if key is None and (key_required or auth):
            return self._json(401, openai_error(
                "You didn't provide an API key. You need to provide your API key in an Authorization header using "
                "Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", "invalid_request_error"))
        if key == BAD_KEY:
            return self._json(401, openai_error(f"Incorrect API key provided: {key}. You can find your API key at "
                                                "https://platform.openai.com/account/api-keys.",
                                                "invalid_request_error", "invalid_api_key"))
        if key == RATELIMIT_KEY:
            return self._json(429, openai_error("Rate limit reached for requests", "requests", "rate_limit_exceeded"),
                              {"retry-after": RETRY_AFTER})
        if "application/json" not in self.headers.get("Content-Type", ""):
            return self._json(400, openai_error("Content-Type must be application/json", "invalid_request_error"))
        try:
            request = json.loads(raw)
        except ValueError:
            return self._json(400, openai_error("We could not parse the JSON body of your request.",
                                                "invalid_request_error"))
        model, messages = request.get("model"), request.get("messages")
        if not isinstance(model, str) or not model:
            return self._json(400, openai_error("you must provide a model parameter", "invalid_request_error"))
        if not isinstance(messages, list) or not messages or not all(
                isinstance(item, dict) and item.get("role") in ("system", "developer", "user", "assistant")
                and isinstance(item.get("content"), str) for item in messages):
            return self._json(400, openai_error("Missing required parameter: 'messages'.", "invalid_request_error",
                                                "missing_required_parameter", "messages"))
        if "missing" in model:
            return self._json(404, openai_error(f"The model `{model}` does not exist or you do not have access to it.",
                                                "invalid_request_error", "model_not_found"))
        if "overloaded" in model:
            return self._json(503, openai_error("The engine is currently overloaded, please try again later",
                                                "server_error"))
        text = answer_text(model, messages[-1]["content"])
        if not request.get("stream"):
            return self._json(200, openai_body(model, text))
        error_after = 3 if "midstream-error" in model else None
        self._sse(openai_events(model, text, error_after), 0.25 if "slow" in model else 0.003)

    # -- Anthropic

    def _anthropic(self, raw: bytes) -> None:
        key = self.headers.get("x-api-key")
        if not key:
            return self._json(401, anthropic_error("authentication_error", "x-api-key header is required"))
        if self.headers.get("Origin") and self.headers.get(BROWSER_HEADER, "").lower() != "true":
            return self._json(401, anthropic_error(
                "authentication_error", f"CORS requests must set '{BROWSER_HEADER}' header"))
        if key == BAD_KEY:
            return self._json(401, anthropic_error("authentication_error", f"invalid x-api-key: {key}"))
        if key == RATELIMIT_KEY:
            return self._json(429, anthropic_error("rate_limit_error", "Number of request tokens has exceeded your "
                                                   "per-minute rate limit"), {"retry-after": RETRY_AFTER})
        if not self.headers.get("anthropic-version"):
            return self._json(400, anthropic_error("invalid_request_error", "anthropic-version: header is required"))
        try:
            request = json.loads(raw)
        except ValueError:
            return self._json(400, anthropic_error("invalid_request_error", "There was an issue with the JSON body"))
        problem = _anthropic_problem(request)
        if problem:
            return self._json(400, anthropic_error("invalid_request_error", problem))
        model = request["model"]
        if "missing" in model:
            return self._json(404, anthropic_error("not_found_error", f"model: {model}"))
        if "overloaded" in model:
            return self._json(529, anthropic_error("overloaded_error", "Overloaded"))
        content = request["messages"][-1]["content"]
        prompt = content if isinstance(content, str) else "".join(
            block.get("text", "") for block in content if isinstance(block, dict))
        text = answer_text(model, prompt)
        if not request.get("stream"):
            return self._json(200, anthropic_body(model, text))
        error_after = 3 if "midstream-error" in model else None
        self._sse(anthropic_events(model, text, error_after), 0.25 if "slow" in model else 0.003)


def _anthropic_problem(request) -> str | None:
    if not isinstance(request, dict):
        return "body: Input should be an object"
    if not isinstance(request.get("model"), str) or not request["model"]:
        return "model: Field required"
    tokens = request.get("max_tokens")
    if not isinstance(tokens, int) or isinstance(tokens, bool) or tokens < 1:
        return "max_tokens: Field required" if tokens is None else "max_tokens: Input should be a positive integer"
    messages = request.get("messages")
    if not isinstance(messages, list) or not messages:
        return "messages: Field required"
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in ("user", "assistant"):
            return f"messages.{index}.role: Input should be 'user' or 'assistant'"
        if not isinstance(message.get("content"), str | list):
            return f"messages.{index}.content: Field required"
    if messages[0]["role"] != "user":
        return "messages: first message must use the \"user\" role"
    system = request.get("system")
    if system is not None and not isinstance(system, str | list):
        return "system: Input should be a valid string"
    return None


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address):
        super().__init__(address, _Handler)
        self.lock = threading.Lock()
        self.requests: list[Recorded] = []

    def clear(self) -> None:
        with self.lock:
            self.requests.clear()


class LLMStub:
    """The stub in a background thread: `with LLMStub() as stub:` gives
    `stub.url` (http://127.0.0.1:PORT) and `stub.requests`."""

    def __init__(self, port: int = 0):
        self._server = _Server(("127.0.0.1", port))
        # A short poll interval: shutdown() waits for it, once per test.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def requests(self) -> list[Recorded]:
        with self._server.lock:
            return list(self._server.requests)

    def clear(self) -> None:
        self._server.clear()

    def __enter__(self) -> LLMStub:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description="LLM provider stand-in on 127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    server = _Server(("127.0.0.1", args.port))
    print(f"LLM stub listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
