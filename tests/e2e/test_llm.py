"""Ask an LLM from the page, against the providers' stand-in on 127.0.0.1
(tests/llm_stub.py speaks their wire formats): preview, send, stream,
restore, check, diff; errors; cancel; and what leaves the page."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
from hostile_answers import CLEAN, HOSTILE, ORIGINAL
from playwright.sync_api import expect
from test_page import FAILING as CONFIG
from test_page import SECRET

ROOT = Path(__file__).resolve().parents[2]
KEY = "sk-test-good-0123456789abcdefWXYZ"


def ask(page, stub, provider="openai", model="", key=KEY, config=CONFIG, base_path="/v1"):
    """Fill the panel and wait for the preview; returns the preview text."""
    page.open()
    page.paste(config)
    page.settle(config)
    page.page.locator("#llm-panel > summary").click()
    page.hook("llm-provider").select_option(provider)
    page.hook("llm-base-url").fill(stub.url + base_path)
    page.hook("llm-model").fill(model)
    page.hook("llm-key").fill(key)
    expect(page.hook("llm-send")).to_be_enabled(timeout=30_000)
    return page.hook("llm-preview").text_content()


def send(page):
    page.hook("llm-send").click()
    expect(page.hook("llm-send")).to_be_enabled(timeout=60_000)
    return page.page.locator("#llm-state").text_content()


def posts(stub):
    return [request for request in stub.requests if request.method == "POST"]


def test_nothing_is_sent_without_pressing_send(page, context, llm_stub, site):
    preview = ask(page, llm_stub)
    assert "shop.example.com" in preview
    page.page.wait_for_timeout(500)
    assert llm_stub.requests == []
    assert all(url.startswith((site, "blob:", "data:")) for url in context.recorder.urls)


@pytest.mark.parametrize(("provider", "path", "key_header", "key_value"), [
    ("openai", "/v1", "Authorization", f"Bearer {KEY}"),
    ("anthropic", "/v1", "x-api-key", KEY),
    ("openai-compatible", "/compat/v1", "Authorization", f"Bearer {KEY}"),
])
def test_the_previewed_request_is_sent_streamed_restored_and_diffed(page, llm_stub, provider, path, key_header,
                                                                     key_value):
    preview = ask(page, llm_stub, provider=provider, base_path=path)
    assert KEY not in preview and SECRET not in preview
    state = send(page)
    assert "no warnings" in state or "see the warnings" in state
    (sent,) = posts(llm_stub)
    assert sent.header(key_header) == key_value
    assert json.loads(sent.body) == json.loads(preview.split("\n\n", 1)[1])
    assert SECRET not in sent.body.decode()
    if provider == "anthropic":
        assert sent.header("anthropic-dangerous-direct-browser-access") == "true"
    answer = page.hook("llm-answer").text_content()
    assert SECRET in answer, "the placeholder was not restored to the original value"
    assert "proxy_ssl_verify on;" in answer
    expect(page.page.locator("#llm-diff .cm-mergeView")).to_be_visible()


def test_an_answer_that_weakens_tls_is_flagged(page, llm_stub, artifacts):
    ask(page, llm_stub, model="weaken")
    state = send(page)
    page.page.locator("#llm-panel").screenshot(path=artifacts / "llm-weakening-answer.png")
    assert "weakens TLS" in state
    warnings = page.hook("llm-warnings").locator("li.warning-danger")
    expect(warnings.first).to_be_visible()
    assert "TLSv1" in page.hook("llm-warnings").text_content()


def test_a_reply_without_a_code_block_proposes_no_change(page, llm_stub):
    ask(page, llm_stub, model="no-block")
    state = send(page)
    assert "proposes no config change" in state and "weakens TLS" not in state
    expect(page.hook("llm-warnings")).to_contain_text("no config change proposed")


@pytest.mark.parametrize(("model", "says"), [
    ("drop-tls", "no longer uses TLS"),
    ("second-block", "code block 2"),
])
def test_answers_that_weaken_tls_by_effect_are_flagged(page, llm_stub, model, says):
    ask(page, llm_stub, model=model)
    assert "weakens TLS" in send(page)
    expect(page.hook("llm-warnings").locator("li.warning-danger").first).to_contain_text(says)


def test_the_page_flags_every_hostile_answer_of_the_corpus_and_passes_the_clean_ones(page, llm_stub):
    """The same corpus as `ask` (tests/hostile_answers.py), one page, one answer after another."""
    ask(page, llm_stub, config=ORIGINAL)
    missed = []
    for name in sorted(HOSTILE):
        page.hook("llm-model").fill(f"hostile:{name}")
        if "weakens TLS" not in send(page) or not page.hook("llm-warnings").locator("li.warning-danger").count():
            missed.append(name)
    passed_clean = []
    for index in range(len(CLEAN)):
        page.hook("llm-model").fill(f"clean:{index}")
        state = send(page)
        dangers = page.hook("llm-warnings").locator("li.warning-danger").count()
        passed_clean.append("weakens TLS" not in state and not dangers)
    assert missed == [] and all(passed_clean), (missed, passed_clean)


def test_the_page_shows_what_nginx_would_refuse_in_an_answer(page, llm_stub):
    ask(page, llm_stub, model="broken")
    state = send(page)
    assert "see the warnings" in state
    expect(page.hook("llm-warnings")).to_contain_text("nginx would refuse this")


def test_invented_placeholders_are_reported(page, llm_stub):
    ask(page, llm_stub, model="invented-placeholder")
    send(page)
    expect(page.hook("llm-warnings")).to_contain_text("REDACTED_API_KEY_99")


def test_bad_key_gives_an_actionable_401_without_echoing_the_key(page, llm_stub):
    ask(page, llm_stub, key="sk-test-bad")
    state = send(page)
    assert "rejected the API key" in state
    assert "sk-test-bad" not in state
    assert page.hook("llm-answer").text_content() == ""


def test_rate_limit_says_when_to_retry(page, llm_stub):
    ask(page, llm_stub, key="sk-test-ratelimit")
    state = send(page)
    assert "rate-limiting" in state and "retry after 7" in state


def test_cancel_aborts_the_stream(page, llm_stub):
    ask(page, llm_stub, model="slow")
    page.hook("llm-send").click()
    expect(page.page.locator("#llm-stream")).not_to_be_empty(timeout=30_000)
    page.hook("llm-cancel").click()
    expect(page.page.locator("#llm-state")).to_have_text("Cancelled: the request was aborted.")
    assert page.hook("llm-answer").text_content() == ""


def test_an_origin_the_build_does_not_allow_is_blocked_by_the_csp(page, llm_stub):
    page.open()
    page.paste(CONFIG)
    page.settle(CONFIG)
    page.page.locator("#llm-panel > summary").click()
    page.hook("llm-provider").select_option("openai-compatible")
    page.hook("llm-base-url").fill("http://127.0.0.2:9/v1")
    expect(page.hook("llm-send")).to_be_enabled(timeout=30_000)
    state = send(page)
    assert "Content-Security-Policy" in state and "--allow-origin http://127.0.0.2:9" in state


def test_the_key_is_kept_in_memory_unless_remembered(page, llm_stub, context):
    ask(page, llm_stub)
    send(page)
    assert page.page.evaluate("() => ({...localStorage})") == {}
    page.page.locator("#llm-remember").check()
    slot = f"upstream-tls:llm-key:openai:{llm_stub.url}"
    assert page.page.evaluate("() => ({...localStorage})") == {slot: KEY}
    expect(page.page.locator("#llm-remember-note")).to_contain_text("localStorage")
    page.page.reload()
    page.page.locator("#llm-panel > summary").click()
    page.hook("llm-base-url").fill(llm_stub.url + "/v1")
    expect(page.hook("llm-key")).to_have_value(KEY)
    page.page.locator("#llm-remember").uncheck()
    assert page.page.evaluate("() => ({...localStorage})") == {}


def test_a_key_is_never_offered_to_another_endpoint(page, llm_stub):
    ask(page, llm_stub)
    page.hook("llm-provider").select_option("anthropic")
    expect(page.hook("llm-key")).to_have_value("")
    expect(page.hook("llm-base-url")).to_have_value("")
    page.hook("llm-provider").select_option("openai")
    expect(page.hook("llm-base-url")).to_have_value(llm_stub.url + "/v1")
    expect(page.hook("llm-key")).to_have_value(KEY)
    page.hook("llm-provider").select_option("openai-compatible")
    page.hook("llm-base-url").fill(llm_stub.url + "/compat/v1")
    expect(page.hook("llm-key")).to_have_value("")
    expect(page.hook("llm-send")).to_be_enabled(timeout=30_000)
    assert "Authorization" not in page.hook("llm-preview").text_content().split("\n\n", 1)[0]
    send(page)
    (sent,) = posts(llm_stub)
    assert sent.header("Authorization") is None


def test_preview_shows_the_optional_key_header_when_a_key_is_given(page, llm_stub):
    preview = ask(page, llm_stub, provider="openai-compatible", base_path="/compat/v1")
    assert "Authorization: Bearer ••••" in preview.split("\n\n", 1)[0]
    send(page)
    assert posts(llm_stub)[0].header("Authorization") == f"Bearer {KEY}"


def test_an_error_body_quoting_a_non_sk_key_is_masked_before_the_core_sees_it(page, llm_stub, context):
    odd_key = "vllm-token-51f0c2d9e8a7b6"
    context.route(f"{llm_stub.url}/**", lambda route: route.fulfill(
        status=401, headers={"Access-Control-Allow-Origin": "*", "Content-Type": "application/json"},
        body=json.dumps({"error": {"message": f"invalid key: {odd_key}", "type": "invalid_request_error"}})))
    ask(page, llm_stub, provider="openai-compatible", base_path="/compat/v1", key=odd_key)
    state = send(page)
    assert "rejected the API key" in state and odd_key not in state and "••••" in state


def _corpus():
    spec = importlib.util.spec_from_file_location("redaction_corpus", ROOT / "bench" / "redaction_corpus.py")
    module = sys.modules.setdefault("redaction_corpus", importlib.util.module_from_spec(spec))
    if not hasattr(module, "build_corpus"):
        spec.loader.exec_module(module)
    return module.build_corpus(seed=11, rounds=1)


# Kinds that live outside nginx's own syntax (free text, shell commands,
# env-var names, Lua/Perl literals, AWS account ids): each must be in the
# corpus the leak test sends, so the request body is checked for them.
FREE_TEXT_KINDS = {"free-text-password", "shell-command", "connection-string", "env-name", "code-literal",
                   "aws-account"}


@pytest.mark.parametrize("level", ["secrets", "topology"])
def test_leak_no_planted_canary_leaves_the_page(page, llm_stub, context, site, level):
    """Configs with canary secrets of every kind the redaction covers, with
    an error.log and a chain paste that carry more: the recorded requests
    hold none of them, and the key only in its own header. At the secrets
    level an ARN keeps its path around the account's placeholder."""
    samples = _corpus()
    log = next(sample for sample in samples if sample.name == "error.log")
    chain = next(sample for sample in samples if sample.name == "chain.txt")
    configs = [sample for sample in samples if sample.is_config]
    page.open()
    page.page.locator("#llm-panel > summary").click()
    page.hook("llm-base-url").fill(llm_stub.url + "/v1")
    page.hook("llm-key").fill(KEY)
    page.page.locator(f"input[name=llm-level][value={level}]").check()
    page.type_into("log-input", log.text)
    page.type_into("chain-input", chain.text)
    kinds, readable_arns = set(), 0
    for sample in configs:
        llm_stub.clear()
        page.paste(sample.text)
        page.settle(sample.text)
        expect(page.hook("llm-preview")).to_contain_text("REDACTED_", timeout=30_000)
        expect(page.hook("llm-send")).to_be_enabled(timeout=30_000)
        send(page)
        (sent,) = posts(llm_stub)
        everything = "\n".join([sent.path, *(f"{name}: {value}" for name, value in sent.headers if
                                            name.lower() != "authorization"), sent.body.decode()])
        for secret in sample.secrets + log.secrets + chain.secrets:
            leaked = [piece for piece in secret.pieces() if piece in everything]
            assert not leaked, (sample.name, secret.kind, secret.position)
            kinds.add(secret.kind)
        assert KEY not in everything and sent.header("Authorization") == f"Bearer {KEY}"
        foreign = {url.split("/")[2] for url in context.recorder.urls if not url.startswith((site, "blob:", "data:"))}
        assert foreign <= {llm_stub.url.split("/")[2]}
        readable_arns += "arn:aws:iam::REDACTED_AWS_ACCOUNT_" in everything and ":role/edge-reader" in everything
    assert len(kinds) > 40 and FREE_TEXT_KINDS <= kinds
    assert (readable_arns > 0) == (level == "secrets")
