"""The request to an LLM: built from redacted text only (canaries of every
kind the redaction covers never reach the body, the preview or the URL),
placeholders consistent across the config, its log and the tool's own
findings, the key only ever in its one header, and a versioned prompt."""
from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest

from upstream_tls import Options, parse
from upstream_tls.llm import PROMPT_VERSION, PROVIDERS, LLMError, mask_key, prepare, prompt_fingerprint
from upstream_tls.output.docs import template_source
from upstream_tls.output.llm import prepared_payload
from upstream_tls.redact import RedactionMap, redact_together, restore

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("redaction_corpus", ROOT / "bench" / "redaction_corpus.py")
corpus = sys.modules.setdefault("redaction_corpus", importlib.util.module_from_spec(_spec))
if not hasattr(corpus, "build_corpus"):
    _spec.loader.exec_module(corpus)

# The fingerprint of each prompt version's templates. A template change
# without a new PROMPT_VERSION (and a line here) fails test_prompt_is_versioned.
PROMPT_FINGERPRINTS = {
    "1": "0f7f936ce51e4456dba35b2a099d67189e597a06abeb96f36dd57e42430f020e",
}

KEY = "sk-proj-Kk3yCanaryValue0123456789abcdefghijklmnopqrstu"
TOKEN = "Zq8vT3kLm0pR7sW2xY5bN9cD4fG6hJ1a"
CONFIG = f"""server {{
    listen 443 ssl;
    server_name www.example.com;
    location /api/ {{
        proxy_pass https://10.0.1.45:8443;
        proxy_ssl_verify off;
        proxy_set_header Authorization "Bearer {TOKEN}";
    }}
}}
"""
LOG = ('2024/05/01 10:00:01 [error] 1234#1234: *1 upstream SSL certificate verify error: (20:unable to get local '
       'issuer certificate) while SSL handshaking to upstream, client: 203.0.113.7, server: www.example.com, '
       f'request: "GET /api/items?t={TOKEN} HTTP/1.1", upstream: "https://10.0.1.45:8443/api/items", '
       'host: "www.example.com"\n')


def user_content(prepared) -> str:
    return prepared.body["messages"][-1]["content"]


def everything_sent(prepared, key: str | None = None) -> str:
    """What leaves the machine (URL, headers without the key, body) and what
    the page shows (preview, to_dict without the map it keeps locally)."""
    shown = prepared_payload(prepared)
    shown.pop("mapping")
    return "\n".join([prepared.url, json.dumps(prepared.headers), prepared.body_json, prepared.preview(key),
                      json.dumps(shown)])


def test_prompt_is_versioned():
    assert prompt_fingerprint() == PROMPT_FINGERPRINTS.get(PROMPT_VERSION), (
        "the prompt templates changed: bump PROMPT_VERSION in upstream_tls/llm/prompt.py (and the version in the "
        f"templates) and record the new version's fingerprint {prompt_fingerprint()} in PROMPT_FINGERPRINTS")
    for name in ("llm_system.txt.j2", "llm_user.txt.j2"):
        assert f"prompt version {PROMPT_VERSION}" in template_source(name)
    assert prepare("openai", CONFIG).prompt_version == PROMPT_VERSION


@pytest.mark.parametrize("provider", ["openai", "anthropic", "openai-compatible"])
def test_request_shape_per_provider(provider):
    base = "http://localhost:11434/v1/" if provider == "openai-compatible" else None
    prepared = prepare(provider, CONFIG, base_url=base)
    body = prepared.body
    assert body["stream"] is True and body["model"] == PROVIDERS[provider].default_model
    assert json.loads(prepared.body_json) == body and prepared.body_json.isascii()
    if provider == "anthropic":
        assert prepared.url == "https://api.anthropic.com/v1/messages"
        assert prepared.headers == {"Content-Type": "application/json", "anthropic-version": "2023-06-01",
                                    "anthropic-dangerous-direct-browser-access": "true"}
        assert (prepared.key_header, prepared.key_prefix) == ("x-api-key", "")
        assert body["max_tokens"] > 1000 and body["system"] and [m["role"] for m in body["messages"]] == ["user"]
    else:
        expected = "http://localhost:11434/v1/chat/completions" if base else "https://api.openai.com/v1/chat/completions"
        assert prepared.url == expected
        assert prepared.headers == {"Content-Type": "application/json"}
        assert (prepared.key_header, prepared.key_prefix) == ("Authorization", "Bearer ")
        assert [m["role"] for m in body["messages"]] == ["system", "user"] and "max_tokens" not in body
    assert "```nginx\n" in user_content(prepared)


def test_model_and_base_url_choices_and_their_errors():
    assert prepare("openai", CONFIG, model="  gpt-x ").body["model"] == "gpt-x"
    assert prepare("openai", CONFIG, base_url="https://proxy.example/v1").url == \
        "https://proxy.example/v1/chat/completions"
    for bad, says in [("ftp://host/v1", "not an http"), ("https://user:pw@host/v1", "no credentials"),
                      ("https://host/v1?key=abc", "no credentials"), ("nonsense", "not an http")]:
        with pytest.raises(LLMError, match=says):
            prepare("openai", CONFIG, base_url=bad)
    with pytest.raises(LLMError, match="needs a base URL"):
        prepare("openai-compatible", CONFIG)
    with pytest.raises(LLMError, match="unknown provider 'gemini': use openai, anthropic, openai-compatible"):
        prepare("gemini", CONFIG)


def test_the_key_is_only_ever_in_its_header():
    for provider in ("openai", "anthropic"):
        prepared = prepare(provider, CONFIG)
        assert KEY not in everything_sent(prepared, KEY)
        headers = prepared.request_headers(KEY)
        assert [name for name, value in headers.items() if KEY in value] == [prepared.key_header]
        assert headers[prepared.key_header] == prepared.key_prefix + KEY
        assert prepared.key_header not in prepared.headers
    assert "Authorization" not in prepare("openai-compatible", CONFIG, base_url="http://h/v1").request_headers(None)


def test_preview_is_the_request_with_the_key_masked():
    prepared = prepare("anthropic", CONFIG)
    preview = prepared.preview(KEY)
    head, body = preview.split("\n\n", 1)
    assert head.splitlines() == ["POST https://api.anthropic.com/v1/messages", "Content-Type: application/json",
                                 "anthropic-version: 2023-06-01", "anthropic-dangerous-direct-browser-access: true",
                                 "x-api-key: sk-…rstu"]
    assert body == prepared.body_json + "\n"
    assert mask_key(KEY) == "sk-…rstu" and mask_key("sk-short") == "••••" and mask_key(None) == "••••"
    assert "x-api-key: ••••" in prepared.preview(None)
    compatible = prepare("openai-compatible", CONFIG, base_url="http://localhost:8080/v1")
    assert "Authorization" not in compatible.preview(None).split("\n\n")[0]
    assert "\nAuthorization: Bearer ••••\n" in compatible.preview("short-key").split("\n\n")[0] + "\n"


def test_config_log_and_findings_share_placeholders_and_one_map_restores_all():
    prepared = prepare("openai", CONFIG, log_text=LOG, topology=True)
    content = user_content(prepared)
    assert TOKEN not in content and "10.0.1.45" not in content and "www.example.com" not in content
    token_name = next(name for name, value in prepared.mapping.placeholders.items() if value == TOKEN)
    ip_name = next(name for name, value in prepared.mapping.placeholders.items() if value == "10.0.1.45")
    config_part, log_part = content.split("## error.log lines", 1)
    assert f'"Bearer {token_name}"' in config_part and f"?t={token_name} " in log_part
    assert f"https://{ip_name}:8443;" in config_part and f"https://{ip_name}:8443/api/items" in log_part
    assert f"proxy_pass https://{ip_name}:8443" in content.split("## What upstream-tls found", 1)[1]
    restored = restore(content, prepared.mapping)
    assert not restored.unknown_placeholders
    assert CONFIG in restored.text and LOG.strip() in restored.text
    assert RedactionMap.from_json(prepared_payload(prepared)["mapping"]).placeholders == prepared.mapping.placeholders


def test_mode_and_topology_reach_the_prompt():
    production = user_content(prepare("openai", CONFIG))
    dev = user_content(prepare("openai", CONFIG, options=Options(mode="dev")))
    assert "Mode: production" in production and "never enable TLSv1" in production
    assert "Mode: development" in dev and "Mode: production" not in dev
    assert "10.0.1.45" in production and "host names" not in production
    assert "10.0.1.45" not in user_content(prepare("openai", CONFIG, topology=True))


def test_evidence_sections_and_the_diagnosis():
    content = user_content(prepare("openai", CONFIG, log_text=LOG))
    assert "## error.log lines" in content and "## What upstream-tls found in the configuration" in content
    assert "UT001" in content
    assert "## What upstream-tls concluded from the evidence" in content and "untrusted-certificate" in content
    bare = user_content(prepare("openai", CONFIG))
    assert "## error.log lines" not in bare and "concluded from the evidence" not in bare


def test_a_chain_that_does_not_parse_is_only_noted():
    prepared = prepare("openai", CONFIG, chain_text="-----BEGIN CERTIFICATE-----\nnot base64 at all\n"
                                                     "-----END CERTIFICATE-----\n")
    assert prepared.notes and "could not be read" in prepared.notes[0]
    assert "(the pasted chain could not be read:" in user_content(prepared)


def test_a_pasted_fence_cannot_close_the_block():
    config = "location / {\n    # ```\n    # ````\n    proxy_pass https://api.internal;\n}\n"
    content = user_content(prepare("openai", config))
    assert "`````nginx\n" + config + "`````\n" in content


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl CLI")
def test_a_real_chain_is_summarised_without_key_material(tmp_path):
    sys.path.insert(0, str(ROOT / "tests" / "nginx"))
    from harness import Pki

    pki = Pki(tmp_path)
    root = pki.root("Canary Root CA", key_type="ec")
    leaf = pki.leaf("api.internal.example.com", root, dns=["api.internal.example.com"], key_type="ec")
    key_text = leaf.key.read_text()
    paste = f"CONNECTED(00000003)\n{leaf.pem}{root.pem}and my key:\n{key_text}"
    prepared = prepare("anthropic", CONFIG, chain_text=paste)
    content = user_content(prepared)
    assert "Canary Root CA" in content and "DNS api.internal.example.com" in content and "valid:" in content
    sent = everything_sent(prepared)
    for line in key_text.splitlines()[1:-1] + leaf.pem.splitlines()[1:-1]:
        assert line not in sent  # neither the key nor the certificates' base64 is sent
    topology = user_content(prepare("anthropic", CONFIG, chain_text=paste, topology=True))
    assert "api.internal.example.com" not in topology


def shape(text: str):
    config = parse(text)
    return [(node.name if node.parent.name != "map" else "entry", len(node.args), node.line, node.end_line)
            for node in config.walk()], [diagnostic.line for diagnostic in config.diagnostics]


def corpus_cases():
    samples = corpus.build_corpus(seed=7, rounds=1)
    log = next(sample for sample in samples if sample.name == "error.log")
    chain = next(sample for sample in samples if sample.name == "chain.txt")
    configs = [sample for sample in samples if sample.is_config or sample.name == "pasted-files.txt"]
    return configs, log, chain


@pytest.mark.parametrize("topology", [False, True], ids=["secrets", "topology"])
def test_leak_no_planted_canary_of_any_kind_is_sent(topology):
    """The corpus plants fake secrets of every kind in every position (see
    bench/redaction_corpus.py); with its error.log and an s_client chain
    paste holding a private key and a TLS master key, none of them — not a
    12-character piece — is in anything that leaves or is shown."""
    configs, log, chain = corpus_cases()
    kinds = set()
    for index, sample in enumerate(configs):
        provider = ("openai", "anthropic", "openai-compatible")[index % 3]
        prepared = prepare(provider, sample.text, log_text=log.text, chain_text=chain.text, topology=topology,
                           base_url="http://127.0.0.1:9/v1" if provider == "openai-compatible" else None)
        sent = everything_sent(prepared, KEY)
        config = user_content(prepared).split("```nginx\n", 1)[1].split("\n```\n", 1)[0] + "\n"
        assert shape(config) == shape(sample.text), sample.name  # the model sees the same directive tree
        for secret in sample.secrets + log.secrets + chain.secrets:
            leaked = [piece for piece in secret.pieces() if piece in sent]
            assert not leaked, (sample.name, secret.kind, secret.position)
            kinds.add(secret.kind)
        assert KEY not in sent
    every_kind = {secret.kind for sample in corpus.build_corpus(seed=7, rounds=1) for secret in sample.secrets}
    assert kinds == every_kind and len(kinds) > 40


def broken_variants(samples):
    """Configs with a planted secret on a line that no longer parses: the
    parser's diagnostics, which the prompt quotes, then hold the secret."""
    for sample in samples:
        lines = sample.text.split("\n")
        for index, line in enumerate(lines):
            if any(secret.value.split("\n")[0] in line for secret in sample.secrets) and ";" in line:
                yield sample, "\n".join(lines[:index] + [line.replace(";", "", 1)] + lines[index + 1:])
                break


def test_leak_diagnostics_that_quote_a_secret_are_redacted_too():
    configs, _, _ = corpus_cases()
    quoted = 0
    for sample, text in broken_variants(configs[:12]):
        prepared = prepare("anthropic", text)
        findings = user_content(prepared).split("## What upstream-tls found in the configuration", 1)[1]
        quoted += "REDACTED_" in findings
        sent = everything_sent(prepared)
        assert not [secret.kind for secret in sample.secrets if any(piece in sent for piece in secret.pieces())]
    assert quoted, "no diagnostic quoted a secret: this test would prove nothing"


def test_redact_together_is_consistent_and_replaces_across_texts():
    config = f'proxy_set_header Authorization "Bearer {TOKEN}";\n# REDACTED_BEARER_1 is a word of mine\n'
    log = f"GET /x?sig={TOKEN}&y=1 and proxy_pass https://10.0.1.45:8443\n"
    first, second = redact_together([config, log], topology=True)
    assert first.mapping is second.mapping
    names = first.mapping.placeholders
    token_name = next(name for name, value in names.items() if value == TOKEN)
    assert token_name != "REDACTED_BEARER_1"  # a word the paste already holds is never issued
    assert token_name in first.text and f"?sig={token_name}&" in second.text and TOKEN not in second.text
    assert restore(first.text, first.mapping).text == config and restore(second.text, second.mapping).text == log
    assert [entry.line for entry in second.report] == [1, 1]
