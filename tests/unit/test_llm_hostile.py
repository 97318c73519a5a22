"""Hostile answers: every way an LLM's answer can make nginx accept more
than before, spelled several ways and hidden in several places, is a
danger; clean answers still pass. The check judges the answer by its effect
on each upstream, not by the spelling of one directive."""
from __future__ import annotations

import pytest
from hostile_answers import CLEAN, HOSTILE, ORIGINAL, answer, edited

from upstream_tls import Options
from upstream_tls.llm import check_answer
from upstream_tls.redact import redact

PRODUCTION = Options()


def judged(text: str, options: Options = PRODUCTION):
    return check_answer(text, ORIGINAL, redact(ORIGINAL).mapping, options, "site.conf")


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_every_weakening_is_a_danger(name):
    result = judged(answer(HOSTILE[name]))
    dangers = [flag for flag in result.warnings if flag.severity == "danger"]
    assert dangers and result.weakens_tls and not result.ok, [flag.message for flag in result.warnings]


@pytest.mark.parametrize("info", ["", "text", "bash", "nginx"])
def test_a_weakening_in_a_second_block_is_caught_whatever_its_tag(info):
    fallback = "location /api/ {\n    proxy_ssl_verify off;\n}\n"
    result = judged(answer(ORIGINAL) + f"\nIf it still fails, use:\n\n```{info}\n{fallback}```\n")
    [danger] = [flag for flag in result.warnings if flag.severity == "danger"]
    assert danger.block == 2 and "code block 2" in danger.message and not result.ok


def test_dev_mode_allows_its_stopgap_only():
    result = judged(answer(HOSTILE["verify-off"]), Options(mode="dev"))
    assert not result.weakens_tls and [flag.kind for flag in result.warnings] == ["dev-only"]
    assert judged(answer(HOSTILE["scheme-to-http"]), Options(mode="dev")).weakens_tls


@pytest.mark.parametrize("clean", CLEAN)
def test_clean_answers_pass(clean):
    result = judged(answer(clean))
    assert not result.weakens_tls and not [flag for flag in result.warnings if flag.severity == "danger"]


def test_placeholder_tricks_are_not_taken_at_face_value():
    """A placeholder the model made up to stand for a value, or a weakening
    moved into an include the answer does not show, is never called clean."""
    invented = judged(answer(edited("proxy_ssl_server_name on;", "proxy_ssl_server_name on;\n"
                                    "        proxy_ssl_ciphers REDACTED_CIPHERS_1;")))
    assert "invented-placeholder" in [flag.kind for flag in invented.warnings] and not invented.ok
    hidden = judged(answer(edited("        proxy_ssl_verify on;\n", "        include snippets/upstream-tls.conf;\n")))
    assert hidden.weakens_tls and not hidden.ok  # the verification it had no longer applies


def test_prose_only_is_no_danger():
    result = judged("The upstream's certificate expired: renew it there. Nothing in nginx changes.")
    assert result.ok and not result.weakens_tls
    assert [flag.kind for flag in result.warnings] == ["no-code-block"]
