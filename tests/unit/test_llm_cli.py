"""`upstream-tls ask` end to end against the provider stand-in: a dry run
sends nothing; a real run sends exactly one request, with the key only in
its header and no secret of the config or log in it; 401 and 429 come back
as one actionable line; exit codes 0 (clean), 1 (the answer is not), 2
(usage, network, HTTP)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from hostile_answers import CLEAN, HOSTILE, ORIGINAL

from upstream_tls.llm import prepare

TOKEN = "Zq8vT3kLm0pR7sW2xY5bN9cD4fG6hJ1a"
PASSWORD = "Tr0ub4dor-and-3-horses"
KEY = "sk-test-Key0123456789abcdefghijklmn"
CONFIG = f"""server {{
    listen 443 ssl;
    server_name www.example.com;
    location /api/ {{
        proxy_pass https://api.internal.example.com;
        proxy_ssl_verify off;
        proxy_set_header Authorization "Bearer {TOKEN}";
        proxy_set_header X-Db "postgres://app:{PASSWORD}@db.internal:5432/app";
    }}
}}
"""
LOG = ('2024/05/01 10:00:01 [error] 1234#1234: *1 upstream SSL certificate verify error: (20:unable to get local '
       'issuer certificate) while SSL handshaking to upstream, client: 203.0.113.7, server: www.example.com, '
       f'request: "GET /api/items?access_token={TOKEN} HTTP/1.1", upstream: "https://10.0.1.45:443/api/items", '
       'host: "www.example.com"\n')
SECRETS = (TOKEN, PASSWORD)


@pytest.fixture
def files(tmp_path):
    config, log = tmp_path / "site.conf", tmp_path / "error.log"
    config.write_text(CONFIG)
    log.write_text(LOG)
    return str(config), str(log)


def ask(*args, key: str | None = KEY, env_name: str | None = None, timeout: float = 60):
    env = {name: value for name, value in os.environ.items()
           if name not in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "MY_KEY")}
    if key is not None:
        for name in ([env_name] if env_name else ["OPENAI_API_KEY", "ANTHROPIC_API_KEY"]):
            env[name] = key
    return subprocess.run([sys.executable, "-m", "upstream_tls", "ask", *args], capture_output=True, text=True,
                          env=env, timeout=timeout)


def provider_args(stub, provider: str) -> list[str]:
    base = f"{stub.url}/compat/v1" if provider == "openai-compatible" else f"{stub.url}/v1"
    return ["--provider", provider, "--base-url", base]


def posts(stub):
    return [request for request in stub.requests if request.method == "POST"]


def test_dry_run_prints_the_request_and_sends_nothing(stub, files):
    config, log = files
    result = ask(config, "--error-log", log, *provider_args(stub, "anthropic"), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert stub.requests == []
    head, body = result.stdout.split("\n\n", 1)
    assert head.splitlines()[0] == f"POST {stub.url}/v1/messages"
    assert "x-api-key: sk-…klmn" in head.splitlines()
    assert json.loads(body)["model"] == "claude-sonnet-4-5"
    assert "nothing was sent (--dry-run)" in result.stderr and "redacted" in result.stderr
    assert KEY not in result.stdout + result.stderr
    assert not any(secret in result.stdout for secret in SECRETS)
    keyless = ask(config, "--provider", "openai", "--dry-run", key=None)
    assert keyless.returncode == 0 and "Authorization: Bearer ••••" in keyless.stdout


@pytest.mark.parametrize("provider", ["openai", "anthropic", "openai-compatible"])
def test_a_real_run_sends_one_clean_request_and_checks_the_answer(stub, files, provider):
    config, log = files
    key = None if provider == "openai-compatible" else KEY
    result = ask(config, "--error-log", log, *provider_args(stub, provider), key=key)
    assert result.returncode == 0, result.stderr
    [request] = posts(stub)
    expected = prepare(provider, CONFIG, base_url=provider_args(stub, provider)[3], log_text=LOG, name="site.conf")
    assert request.body.decode() == expected.body_json  # exactly what a dry run shows
    wire = request.body.decode() + json.dumps(request.headers) + request.path
    assert not any(secret in wire for secret in SECRETS)
    if provider == "anthropic":
        assert request.path == "/v1/messages" and request.header("x-api-key") == KEY
        assert request.header("anthropic-version") == "2023-06-01"
        assert request.header("anthropic-dangerous-direct-browser-access") == "true"
    elif provider == "openai":
        assert request.path == "/v1/chat/completions" and request.header("Authorization") == f"Bearer {KEY}"
    else:
        assert request.path == "/compat/v1/chat/completions" and request.header("Authorization") is None
    if key:
        assert [name.lower() for name, value in request.headers if key in value] == \
            ["x-api-key" if provider == "anthropic" else "authorization"]
        assert key not in request.body.decode() + request.path
    assert "proxy_ssl_verify on;" in result.stderr  # the stream, as the model wrote it (redacted)
    assert TOKEN not in result.stderr.split("checked locally")[0]
    assert "+        proxy_ssl_verify on;\n" in result.stdout and "-        proxy_ssl_verify off;\n" in result.stdout
    assert f' proxy_set_header Authorization "Bearer {TOKEN}";\n' in result.stdout  # restored in the diff
    assert "checked locally: the answer parses, passes every rule" in result.stderr
    assert KEY not in result.stdout + result.stderr


def test_the_answer_is_restored(stub, files):
    config, _ = files
    result = ask(config, *provider_args(stub, "openai"), "--topology")
    assert result.returncode == 0, result.stderr
    [request] = posts(stub)
    assert "api.internal.example.com" not in request.body.decode()
    assert "REDACTED_HOST_" in result.stderr  # the model saw placeholders…
    assert " proxy_pass https://api.internal.example.com;\n" in result.stdout  # …the diff has the originals


@pytest.mark.parametrize(("model", "says"), [
    ("weaken", "danger: line 7: the answer sets `proxy_ssl_protocols TLSv1 TLSv1.1 TLSv1.2`"),
    ("unrelated", "warning: line 2: `listen 8443 ssl;` changed (was `listen 443 ssl;`)"),
    ("invented-placeholder", "REDACTED_API_KEY_99 was never sent"),
    ("drop-tls", "no longer uses TLS"),
    ("second-block", "danger: code block 2"),
    ("broken", "error: "),
])
def test_answers_that_are_not_clean_exit_1(stub, files, model, says):
    result = ask(files[0], *provider_args(stub, "anthropic"), "--model", model)
    assert result.returncode == 1, result.stderr
    assert says in result.stderr
    assert len(posts(stub)) == 1


def test_a_prose_answer_is_no_config_change_and_exits_0(stub, files):
    result = ask(files[0], *provider_args(stub, "anthropic"), "--model", "no-block")
    assert result.returncode == 0, result.stderr
    assert "info: no config change proposed" in result.stderr
    assert "checked locally: the answer proposes no config change" in result.stderr


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_bad_key_and_rate_limit_are_one_actionable_line(stub, files, provider):
    label = {"openai": "OpenAI", "anthropic": "Anthropic"}[provider]
    bad = ask(files[0], *provider_args(stub, provider), key="sk-test-bad")
    assert bad.returncode == 2
    error = bad.stderr.strip().splitlines()[-1]
    assert error.startswith(f"upstream-tls: error: ask: {label} rejected the API key (401")
    assert error.endswith("check that the key is right and has not been revoked")
    assert "sk-test-bad" not in bad.stdout + bad.stderr  # the stub quotes the key back; it must not show
    limited = ask(files[0], *provider_args(stub, provider), key="sk-test-ratelimit")
    assert limited.returncode == 2
    assert limited.stderr.strip().splitlines()[-1].startswith(f"upstream-tls: error: ask: {label} is rate-limiting")
    assert limited.stderr.rstrip().endswith("retry after 7 seconds")
    assert len(posts(stub)) == 2


def test_the_key_comes_from_the_named_variable(stub, files):
    result = ask(files[0], *provider_args(stub, "openai"), "--api-key-env", "MY_KEY", env_name="MY_KEY")
    assert result.returncode == 0, result.stderr
    assert posts(stub)[0].header("Authorization") == f"Bearer {KEY}"
    missing = ask(files[0], *provider_args(stub, "anthropic"), key=None)
    assert missing.returncode == 2 and missing.stderr.strip() == (
        "upstream-tls: error: ask: no API key in $ANTHROPIC_API_KEY: set it, or name another variable with "
        "--api-key-env")
    assert len(posts(stub)) == 1


@pytest.mark.parametrize(("args", "says"), [
    (["--provider", "gemini"], "ask: unknown provider 'gemini': use openai, anthropic, openai-compatible"),
    (["--provider", "openai-compatible"], "ask: openai-compatible needs a base URL"),
    (["--provider", "openai", "--base-url", "https://u:p@host/v1"], "no credentials, query or fragment"),
    (["--provider", "openai", "--timeout", "0"], "--timeout must be a positive number"),
    (["--provider", "openai", "--base-url", "http://127.0.0.1:9/v1"], "connection refused"),
])
def test_usage_and_network_errors_exit_2(files, args, says):
    result = ask(files[0], *args)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("upstream-tls: error: ")]
    assert len(errors) == 1 and says in errors[0] and result.stderr.rstrip().endswith(errors[0])


def test_http_and_stream_errors_exit_2(stub, files):
    missing = ask(files[0], *provider_args(stub, "openai"), "--model", "missing-model")
    assert missing.returncode == 2 and "has no such model or endpoint (404" in missing.stderr
    overloaded = ask(files[0], *provider_args(stub, "anthropic"), "--model", "overloaded")
    assert overloaded.returncode == 2 and "overloaded or failing (529" in overloaded.stderr
    broken = ask(files[0], *provider_args(stub, "anthropic"), "--model", "midstream-error")
    assert broken.returncode == 2
    assert broken.stderr.strip().endswith("ask: the stream broke off: overloaded_error: Overloaded")


def test_a_stalled_stream_times_out(stub, files):
    result = ask(files[0], *provider_args(stub, "openai"), "--model", "slow", "--timeout", "0.1")
    assert result.returncode == 2
    assert "stalled: no data for 0.1 s" in result.stderr


@pytest.fixture
def corpus_config(tmp_path):
    path = tmp_path / "site.conf"
    path.write_text(ORIGINAL)
    return str(path)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_every_hostile_answer_of_the_corpus_exits_1_with_a_danger_line(stub, corpus_config, name):
    result = ask(corpus_config, *provider_args(stub, "openai"), "--model", f"hostile:{name}")
    assert result.returncode == 1, result.stderr
    assert "danger: " in result.stderr


@pytest.mark.parametrize("index", range(len(CLEAN)))
def test_every_clean_answer_of_the_corpus_exits_0(stub, corpus_config, index):
    result = ask(corpus_config, *provider_args(stub, "openai"), "--model", f"clean:{index}")
    assert result.returncode == 0, result.stderr
    assert "danger" not in result.stderr
