"""Fixtures for the browser tests: the built site served on 127.0.0.1 and
Debian's Chromium driven by Playwright.

The site is the real build (`make dist`); under CI a missing build or
browser fails the run instead of skipping it.
"""
from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from page_inputs import self_signed_pem as make_self_signed_pem
from unavailable import unavailable

ROOT = Path(__file__).resolve().parents[2]
DIST = Path(os.environ.get("UPSTREAM_TLS_DIST") or ROOT / "dist")  # another build: UPSTREAM_TLS_DIST
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Chromium as root in a container, with nothing trying to reach the internet.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic", "--disable-default-apps"]

sys.path.insert(0, str(ROOT / "build"))
sys.path.insert(0, str(ROOT / "tests"))  # the LLM stand-in and the shared corpora


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def site() -> Iterator[str]:
    """The URL of the built site, served like a static host would."""
    if not (DIST / "build-info.json").is_file():
        unavailable("dist/ is not built: run `make dist`")
    from serve import serve_in_background
    server, url = serve_in_background(DIST)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        unavailable("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class Recorder:
    """Every request a browser context makes, the worker's and the service
    worker's included, and any CSP violation the page reports."""

    def __init__(self, context):
        self.urls: list[str] = []
        self.violations: list[str] = []
        context.on("request", lambda request: self.urls.append(request.url))
        context.on("console", lambda message: "Content Security Policy" in message.text
                   and self.violations.append(message.text))


@pytest.fixture
def context(browser, request) -> Iterator:
    options = getattr(request, "param", None) or {}
    instance = browser.new_context(accept_downloads=True, **options)
    instance.recorder = Recorder(instance)
    yield instance
    instance.close()


@pytest.fixture
def page(context, site):
    from pages import Playground
    return Playground(context.new_page(), site)


@pytest.fixture(scope="session")
def self_signed_pem(tmp_path_factory) -> str:
    """A self-signed upstream certificate (PEM), made by the real openssl."""
    if not shutil.which("openssl"):
        unavailable("openssl is not installed")
    return make_self_signed_pem(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def llm_stub() -> Iterator:
    """The LLM providers' stand-in (tests/llm_stub.py) on another 127.0.0.1 port."""
    from llm_stub import LLMStub
    with LLMStub() as stub:
        yield stub


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go, for a reviewer to look at (CI keeps the folder)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
