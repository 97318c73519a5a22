"""The provider stand-in itself: it refuses what the real APIs refuse, in
their error formats; it answers CORS preflights like a browser-enabled API
(Anthropic only with its opt-in header); it streams in the real event
format; and it records every request. The browser tests rely on all of it."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from upstream_tls.llm import parse_stream

PROMPT = "```nginx\nlocation / {\n    proxy_pass https://api.internal;\n}\n```\n"
OPENAI_BODY = {"model": "gpt-4.1-mini", "messages": [{"role": "user", "content": PROMPT}], "stream": True}
ANTHROPIC_BODY = {"model": "claude-sonnet-4-5", "max_tokens": 100, "system": "s",
                  "messages": [{"role": "user", "content": PROMPT}], "stream": True}
ANTHROPIC_HEADERS = {"x-api-key": "sk-ant-test", "anthropic-version": "2023-06-01", "Content-Type": "application/json"}
OPENAI_HEADERS = {"Authorization": "Bearer sk-test", "Content-Type": "application/json"}


def call(url: str, method: str = "POST", body: dict | bytes | None = None, headers: dict | None = None):
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()


@pytest.mark.parametrize(("change", "status", "error"), [
    ({"drop_header": "x-api-key"}, 401, ("authentication_error", "x-api-key header is required")),
    ({"drop_header": "anthropic-version"}, 400, ("invalid_request_error", "anthropic-version: header is required")),
    ({"drop_field": "max_tokens"}, 400, ("invalid_request_error", "max_tokens: Field required")),
    ({"drop_field": "messages"}, 400, ("invalid_request_error", "messages: Field required")),
    ({"drop_field": "model"}, 400, ("invalid_request_error", "model: Field required")),
    ({"key": "sk-test-bad"}, 401, ("authentication_error", "invalid x-api-key: sk-test-bad")),
    ({"key": "sk-test-ratelimit"}, 429, ("rate_limit_error", None)),
    ({"origin": "http://127.0.0.1:5000"}, 401,
     ("authentication_error", "CORS requests must set 'anthropic-dangerous-direct-browser-access' header")),
])
def test_anthropic_refuses_what_the_real_api_refuses(stub, change, status, error):
    headers = dict(ANTHROPIC_HEADERS)
    body = dict(ANTHROPIC_BODY)
    headers.pop(change.get("drop_header", ""), None)
    body.pop(change.get("drop_field", ""), None)
    if "key" in change:
        headers["x-api-key"] = change["key"]
    if "origin" in change:
        headers["Origin"] = change["origin"]
    code, response_headers, text = call(f"{stub.url}/v1/messages", body=body, headers=headers)
    payload = json.loads(text)
    assert code == status and payload["type"] == "error" and payload["request_id"]
    assert payload["error"]["type"] == error[0] and (error[1] is None or payload["error"]["message"] == error[1])
    if status == 429:
        assert response_headers["retry-after"] == "7"
    if "origin" in change:
        assert response_headers["Access-Control-Allow-Origin"] == change["origin"]


@pytest.mark.parametrize(("headers", "body", "status", "code"), [
    ({"Content-Type": "application/json"}, OPENAI_BODY, 401, None),
    ({**OPENAI_HEADERS, "Authorization": "Bearer sk-test-bad"}, OPENAI_BODY, 401, "invalid_api_key"),
    ({**OPENAI_HEADERS, "Authorization": "Bearer sk-test-ratelimit"}, OPENAI_BODY, 429, "rate_limit_exceeded"),
    (OPENAI_HEADERS, {"messages": OPENAI_BODY["messages"]}, 400, None),
    (OPENAI_HEADERS, {"model": "m"}, 400, "missing_required_parameter"),
    (OPENAI_HEADERS, b"{not json", 400, None),
    (OPENAI_HEADERS, {**OPENAI_BODY, "model": "missing"}, 404, "model_not_found"),
])
def test_openai_refuses_what_the_real_api_refuses(stub, headers, body, status, code):
    got, response_headers, text = call(f"{stub.url}/v1/chat/completions", body=body, headers=headers)
    error = json.loads(text)["error"]
    assert got == status and set(error) == {"message", "type", "param", "code"} and error["code"] == code
    if status == 429:
        assert response_headers["retry-after"] == "7"


def test_openai_compatible_needs_no_key_at_any_base_path(stub):
    code, headers, text = call(f"{stub.url}/ollama/v1/chat/completions", body=OPENAI_BODY,
                               headers={"Content-Type": "application/json"})
    assert code == 200 and headers["Content-Type"].startswith("text/event-stream")
    assert "proxy_ssl_verify on;" in parse_stream("openai-compatible", text).text
    assert call(f"{stub.url}/v1/chat/completions", body=OPENAI_BODY,
                headers={"Content-Type": "application/json"})[0] == 401  # api.openai.com's path wants a key


@pytest.mark.parametrize(("path", "headers", "body", "provider"), [
    ("/v1/messages", ANTHROPIC_HEADERS, ANTHROPIC_BODY, "anthropic"),
    ("/v1/chat/completions", OPENAI_HEADERS, OPENAI_BODY, "openai"),
])
def test_streams_and_plain_bodies_in_the_real_formats(stub, path, headers, body, provider):
    code, response_headers, text = call(stub.url + path, body=body, headers=headers)
    assert code == 200 and response_headers["Content-Type"] == "text/event-stream; charset=utf-8"
    result = parse_stream(provider, text)
    assert result.complete and not result.problems and "```nginx\n" in result.text
    if provider == "anthropic":
        events = [line[len("event: "):] for line in text.splitlines() if line.startswith("event: ")]
        assert events[:3] == ["message_start", "content_block_start", "ping"]
        assert events[-3:] == ["content_block_stop", "message_delta", "message_stop"]
    else:
        assert text.rstrip().endswith("data: [DONE]") and '"object": "chat.completion.chunk"' in text
    code, _, plain = call(stub.url + path, body={**body, "stream": False}, headers=headers)
    payload = json.loads(plain)
    answer = payload["content"][0]["text"] if provider == "anthropic" else \
        payload["choices"][0]["message"]["content"]
    assert code == 200 and answer == result.text


def test_cors_preflight_and_recording(stub):
    code, headers, _ = call(f"{stub.url}/v1/messages", method="OPTIONS", headers={
        "Origin": "http://127.0.0.1:5000", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "x-api-key,anthropic-version,anthropic-dangerous-direct-browser-access"})
    assert code == 204 and headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:5000"
    assert "anthropic-dangerous-direct-browser-access" in headers["Access-Control-Allow-Headers"]
    assert "POST" in headers["Access-Control-Allow-Methods"]
    browser = {**ANTHROPIC_HEADERS, "Origin": "http://127.0.0.1:5000",
               "anthropic-dangerous-direct-browser-access": "true"}
    code, headers, _ = call(f"{stub.url}/v1/messages", body=ANTHROPIC_BODY, headers=browser)
    assert code == 200 and headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:5000"
    [preflight, post] = stub.requests
    assert (preflight.method, post.method, post.path) == ("OPTIONS", "POST", "/v1/messages")
    assert json.loads(post.body) == ANTHROPIC_BODY and post.header("X-API-KEY") == "sk-ant-test"
    code, _, text = call(f"{stub.url}/__stub__/requests", method="GET")
    assert [item["method"] for item in json.loads(text)["requests"]] == ["OPTIONS", "POST", "GET"]
    call(f"{stub.url}/__stub__/requests", method="DELETE")
    assert stub.requests == []


def test_scripted_answers(stub):
    def answer(model: str) -> str:
        _, _, text = call(f"{stub.url}/v1/messages", body={**ANTHROPIC_BODY, "model": model, "stream": False},
                          headers=ANTHROPIC_HEADERS)
        return json.loads(text)["content"][0]["text"]

    assert "proxy_ssl_verify on;" in answer("good")
    assert "proxy_ssl_verify off;" in answer("weaken") and "TLSv1 TLSv1.1" in answer("weaken")
    assert "```" not in answer("no-block")
    assert "REDACTED_API_KEY_99" in answer("invented-placeholder")
    code, _, text = call(f"{stub.url}/v1/messages", body={**ANTHROPIC_BODY, "model": "overloaded"},
                         headers=ANTHROPIC_HEADERS)
    assert code == 529 and json.loads(text)["error"]["type"] == "overloaded_error"
