"""Parity: the page's core (real Pyodide, in the worker) and CPython give the
same answer for every fixture config — findings, fixed text, diagnosis,
redaction and probe commands — because both call upstream_tls.bridge."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from page_inputs import fixture_payload

from upstream_tls import bridge

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "field"))
from score import evidence_text, load_cases  # noqa: E402

CONFIGS = sorted([*(ROOT / "tests" / "fixtures").rglob("*.conf"), *(ROOT / "examples").glob("*.conf")])
LOG = ('2026/11/28 10:00:00 [error] 7#7: *1 upstream SSL certificate verify error: (20:unable to get local issuer '
       'certificate) while SSL handshaking to upstream, client: 127.0.0.1, server: _, request: "GET / HTTP/1.1", '
       'upstream: "https://10.0.1.45:8443/"\n')


def in_cpython(payload: dict) -> dict:
    reply = json.loads(bridge.handle("analyze", json.dumps(payload)))
    assert reply["ok"], reply
    return reply["result"]


@pytest.fixture(scope="module")
def core_page(browser, site):
    from pages import Playground
    context = browser.new_context()
    playground = Playground(context.new_page(), site).open()
    yield playground
    context.close()


def test_every_fixture_is_covered():
    assert len(CONFIGS) >= 40


@pytest.mark.parametrize("path", CONFIGS, ids=lambda path: str(path.relative_to(ROOT)))
def test_browser_and_cpython_agree(core_page, path):
    payload = fixture_payload(path)
    in_browser = core_page.analyze(payload)
    expected = in_cpython(payload)
    assert in_browser["findings"] == expected["findings"]
    assert in_browser["fix"] == expected["fix"]
    assert in_browser == expected


@pytest.mark.parametrize("path", [path for path in CONFIGS if "UT00" in path.parent.name][:12],
                         ids=lambda path: str(path.relative_to(ROOT)))
def test_browser_and_cpython_agree_with_evidence(core_page, path, self_signed_pem):
    payload = {**fixture_payload(path), "log": LOG, "chain": self_signed_pem}
    in_browser = core_page.analyze(payload)
    expected = in_cpython(payload)
    assert in_browser["diagnosis"] == expected["diagnosis"]
    assert in_browser == expected


FIELD = load_cases() if (ROOT / "tests" / "field" / "cases").is_dir() else {}


def field_payload(case: dict) -> dict:
    """What a person with that report pastes into the page."""
    options = {"mode": case.get("mode", "production")}
    if case.get("nginx_version"):
        options["nginx_version"] = case["nginx_version"]
    return {"config": case["config"], "log": evidence_text(case), "chain": case.get("chain", ""), "options": options}


@pytest.mark.parametrize("name", sorted(FIELD))
def test_field_cases_get_the_same_ranked_causes_in_the_page(core_page, name):
    """The Diagnosis panel ranks a real report's causes as the CLI does."""
    payload = field_payload(FIELD[name])
    in_browser = core_page.analyze(payload)
    expected = in_cpython(payload)
    assert [cause["cause"] for cause in in_browser["diagnosis"]["causes"]] == \
        [cause["cause"] for cause in expected["diagnosis"]["causes"]]
    assert in_browser == expected
