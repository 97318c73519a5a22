"""What comes back from a provider: SSE transcripts in each wire format
(whole, split anywhere, CRLF, garbled, cut off, broken off by an error), plain
JSON bodies, and HTTP errors turned into one line a person can act on —
never with the key in it."""
from __future__ import annotations

import json
import random

import pytest
from llm_stub import anthropic_events, openai_events

from upstream_tls.llm import StreamDecoder, error_message, parse_body, parse_stream
from upstream_tls.output.llm import stream_payload

# Transcripts as the providers document them (see tests/llm_stub.py for the sources).
OPENAI = (
    'data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini",'
    '"system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{"role":"assistant","content":""},'
    '"logprobs":null,"finish_reason":null}]}\n\n'
    'data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini",'
    '"system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,'
    '"finish_reason":null}]}\n\n'
    'data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini",'
    '"system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{"content":" wörld ✓\\n```nginx"},'
    '"logprobs":null,"finish_reason":null}]}\n\n'
    'data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini",'
    '"system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}'
    '\n\n'
    'data: [DONE]\n\n'
)
ANTHROPIC = (
    'event: message_start\n'
    'data: {"type": "message_start", "message": {"id": "msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY", "type": "message", '
    '"role": "assistant", "content": [], "model": "claude-sonnet-4-5", "stop_reason": null, "stop_sequence": null, '
    '"usage": {"input_tokens": 25, "output_tokens": 1}}}\n\n'
    'event: content_block_start\n'
    'data: {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}\n\n'
    'event: ping\n'
    'data: {"type": "ping"}\n\n'
    'event: content_block_delta\n'
    'data: {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hello"}}\n\n'
    'event: content_block_delta\n'
    'data: {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": " wörld ✓\\n"}}\n\n'
    'event: content_block_stop\n'
    'data: {"type": "content_block_stop", "index": 0}\n\n'
    'event: message_delta\n'
    'data: {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence":null}, '
    '"usage": {"output_tokens": 15}}\n\n'
    'event: message_stop\n'
    'data: {"type": "message_stop"}\n\n'
)


def test_openai_transcript():
    result = parse_stream("openai", OPENAI)
    assert result.text == "Hello wörld ✓\n```nginx"
    assert result.complete and result.stop_reason == "stop" and not result.problems
    assert parse_stream("openai-compatible", OPENAI).text == result.text


def test_anthropic_transcript():
    result = parse_stream("anthropic", ANTHROPIC)
    assert result.text == "Hello wörld ✓\n"
    assert result.complete and result.stop_reason == "end_turn" and not result.problems
    assert stream_payload(result) == {"text": "Hello wörld ✓\n", "complete": True, "stop_reason": "end_turn",
                                "error": None, "unreadable": 0, "problems": []}


@pytest.mark.parametrize(("provider", "raw"), [("openai", OPENAI), ("anthropic", ANTHROPIC)])
def test_split_anywhere_and_any_line_ending(provider, raw):
    expected = parse_stream(provider, raw)
    rng = random.Random(5)
    for newline in ("\n", "\r\n", "\r"):
        text = raw.replace("\n", newline)
        cuts = sorted(rng.sample(range(1, len(text)), 40)) + [1, 2, len(text) - 1]
        for step in (1, 7):
            decoder = StreamDecoder(provider)
            points = sorted(set(cuts + list(range(0, len(text), step))))
            pieces = [text[start:end] for start, end in zip([0, *points], [*points, len(text)], strict=True)]
            shown = "".join(decoder.feed(piece) for piece in pieces)
            result = decoder.finish()
            assert (result.text, result.complete, result.stop_reason) == \
                (expected.text, expected.complete, expected.stop_reason), (newline, step)
            assert shown == result.text  # every piece of text came out as it arrived


def test_garbled_events_are_counted_not_fatal():
    raw = OPENAI.replace('{"content":"Hello"}', '{"content":"Hel', 1)
    result = parse_stream("openai", raw)
    assert result.text == " wörld ✓\n```nginx" and result.unreadable == 1
    assert any("could not be read" in problem for problem in result.problems)
    broken = ANTHROPIC.replace('data: {"type": "ping"}', "data: [1, 2", 1)
    assert parse_stream("anthropic", broken).unreadable == 1


def test_comments_multiline_data_and_other_deltas():
    raw = (": keep-alive comment\n\n"
           "event: content_block_start\n"
           'data: {"type": "content_block_start", "index": 0,\n'
           'data: "content_block": {"type": "thinking", "thinking": ""}}\n\n'
           "event: content_block_delta\n"
           'data: {"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "x"}}\n\n'
           "event: content_block_delta\n"
           'data: {"type": "content_block_delta", "index": 1,\n'
           'data:  "delta": {"type": "text_delta", "text": "two lines"}}\n\n'
           "event: message_stop\ndata: {\"type\": \"message_stop\"}")  # no blank line after the last event
    result = parse_stream("anthropic", raw)
    assert result.text == "two lines" and result.complete and result.unreadable == 0


def test_a_stream_that_stops_early_or_at_the_limit_says_so():
    unfinished = OPENAI.split("data: [DONE]")[0].replace('"finish_reason":"stop"', '"finish_reason":null')
    cut = parse_stream("openai", unfinished)
    assert not cut.complete and cut.problems == [
        "the stream ended before the provider said it was done: the answer may be cut off"]
    limit = parse_stream("anthropic", ANTHROPIC.replace('"end_turn"', '"max_tokens"'))
    assert limit.complete and "max_tokens" in limit.problems[0]
    assert "output limit" in parse_stream("openai", OPENAI.replace('"stop"', '"length"')).problems[0]


def test_errors_in_the_middle_of_a_stream():
    anthropic = ANTHROPIC.split("event: content_block_stop")[0] + (
        'event: error\ndata: {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}\n\n')
    result = parse_stream("anthropic", anthropic)
    assert result.text == "Hello wörld ✓\n" and not result.complete
    assert result.error == "the stream broke off: overloaded_error: Overloaded" and result.problems == [result.error]
    openai = OPENAI.split("data: [DONE]")[0] + 'data: {"error": {"message": "The server had an error", ' \
        '"type": "server_error", "param": null, "code": null}}\n\n'
    assert parse_stream("openai", openai).error == "the stream broke off: server_error: The server had an error"
    assert parse_stream("openai-compatible", 'data: {"error": "model crashed"}\n\n').error == \
        "the stream broke off: model crashed"


@pytest.mark.parametrize(("provider", "events"), [("openai", openai_events), ("anthropic", anthropic_events)])
def test_the_stub_and_the_parser_agree(provider, events):
    text = "Line one\n```nginx\nproxy_ssl_verify on;\n```\n" * 3
    assert parse_stream(provider, "".join(events("m", text))).text == text
    broken = parse_stream(provider, "".join(events("m", text, error_after=2)))
    assert broken.error and "overloaded" in broken.error.lower() and broken.text == text[:48]


def test_non_streaming_bodies():
    openai = {"id": "chatcmpl-1", "object": "chat.completion", "choices": [
        {"index": 0, "message": {"role": "assistant", "content": "answer"}, "finish_reason": "stop"}]}
    assert parse_body("openai", json.dumps(openai)).text == "answer"
    anthropic = {"id": "msg_1", "type": "message", "role": "assistant", "content": [
        {"type": "thinking", "thinking": "hmm"}, {"type": "text", "text": "ans"}, {"type": "text", "text": "wer"}],
        "stop_reason": "end_turn"}
    result = parse_body("anthropic", json.dumps(anthropic))
    assert (result.text, result.complete, result.stop_reason) == ("answer", True, "end_turn")
    assert parse_body("anthropic", '{"type": "error", "error": {"type": "api_error", "message": "boom"}}').error == \
        "the provider answered with an error: api_error: boom"
    assert parse_body("openai", "<html>").error == "the response is not JSON and not an event stream"


def openai_error(message: str, kind: str, code: str | None = None) -> str:
    return json.dumps({"error": {"message": message, "type": kind, "param": None, "code": code}})


def anthropic_error(kind: str, message: str) -> str:
    return json.dumps({"type": "error", "error": {"type": kind, "message": message}, "request_id": "req_1"})


def test_error_messages_say_what_to_do():
    assert error_message("anthropic", 401, anthropic_error("authentication_error", "invalid x-api-key"), {}) == (
        "Anthropic rejected the API key (401: authentication_error: invalid x-api-key): check that the key is "
        "right and has not been revoked")
    assert error_message("openai", 429, openai_error("Rate limit reached for requests", "requests",
                                                     "rate_limit_exceeded"), {"Retry-After": "7"}) == (
        "OpenAI is rate-limiting this key (429: rate_limit_exceeded: Rate limit reached for requests): "
        "retry after 7 seconds")
    assert error_message("anthropic", 429, anthropic_error("rate_limit_error", "slow down"), {}).endswith(
        "wait a little and retry")
    assert error_message("openai", 429, openai_error("You exceeded your current quota", "insufficient_quota",
                                                     "insufficient_quota"), {"retry-after": "1"}).startswith(
        "OpenAI says the account has no quota left")
    assert "retry after 2 seconds" in error_message("openai", 429, "", {"retry-after-ms": "1500"})
    assert error_message("openai", 404, openai_error("The model `gpt-x` does not exist or you do not have access "
                                                     "to it.", "invalid_request_error", "model_not_found"), {}) == (
        "OpenAI has no such model or endpoint (404: model_not_found: The model `gpt-x` does not exist or you do not "
        "have access to it.): check the model name")
    assert "and the base URL" in error_message("openai-compatible", 404, '{"error": "model \'x\' not found"}', {})
    assert error_message("anthropic", 529, anthropic_error("overloaded_error", "Overloaded"), {}) == (
        "Anthropic is overloaded or failing (529: overloaded_error: Overloaded): try again in a minute")
    assert error_message("openai", 503, "<html><body>Bad gateway</body></html>", {}) == (
        "OpenAI is overloaded or failing (503): try again in a minute")
    assert error_message("openai", 403, "Forbidden", {}).startswith("OpenAI does not allow this key to do that "
                                                                   "(403: Forbidden)")
    assert "paste less" in error_message("anthropic", 413, anthropic_error("request_too_large", "too big"), {})
    assert error_message("openai", 400, openai_error("bad", "invalid_request_error"), {}).startswith(
        "OpenAI refused the request (400: invalid_request_error: bad)")
    assert error_message("openai", 418, "", {}) == "OpenAI answered HTTP 418"
    redirect = error_message("openai-compatible", 302, "", {"Location": "https://elsewhere.example/v1"})
    assert "redirected" in redirect and "the key is not sent on" in redirect
    browser = error_message("anthropic", 401, anthropic_error(
        "authentication_error", "CORS requests must set 'anthropic-dangerous-direct-browser-access' header"), {})
    assert "refused a request from a browser" in browser


def test_error_messages_are_one_line_and_never_show_the_key():
    key = "sk-proj-Secret0123456789abcdefghij"
    body = openai_error(f"Incorrect API key provided: {key}.\nYou can find\n your key at https://platform.openai.com",
                        "invalid_request_error", "invalid_api_key")
    message = error_message("openai", 401, body, {}, key=key)
    assert key not in message and "sk-proj" not in message and "\n" not in message
    assert "Incorrect API key provided: ••••. You can find your key" in message
    odd_key = "hunter2-not-key-shaped"
    said = error_message("openai-compatible", 401, json.dumps({"error": f"bad token {odd_key}"}), {}, key=odd_key)
    assert odd_key not in said and "bad token ••••" in said
    assert "sk-test-bad" not in error_message("anthropic", 401, anthropic_error("authentication_error",
                                                                                "invalid x-api-key: sk-test-bad"), {})
    long = error_message("openai", 500, openai_error("x" * 1000, "server_error"), {})
    assert len(long) < 400 and long.count("x") < 300
