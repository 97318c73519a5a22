""""Keep my input in this browser": off until ticked; then the redacted
inputs (or, when asked, the original ones) survive a reload; one click
forgets them."""
from __future__ import annotations

from playwright.sync_api import expect
from test_page import FAILING, SECRET

SLOT = "upstream-tls:kept-input"
LOG = ('2026/11/28 10:00:00 [error] 7#7: *1 upstream SSL certificate verify error: (18:self-signed certificate) '
       'while SSL handshaking to upstream, upstream: "https://10.0.1.45:8443/api/"\n')


def stored(page) -> dict:
    return page.page.evaluate("() => ({...localStorage})")


def test_kept_input_is_opt_in_redacted_restored_and_forgotten(page):
    page.open()
    page.paste(FAILING)
    page.type_into("log-input", LOG)
    page.hook("mode").select_option("dev")
    page.type_into("nginx-version", "1.22.1")
    page.settle(FAILING)
    assert stored(page) == {}
    redacted = page.hook("redacted").text_content()
    page.hook("keep-input").check()
    expect(page.page.locator("#keep-note")).to_contain_text(f"localStorage for {page.url.rstrip('/')}")
    kept = stored(page)[SLOT]
    assert SECRET not in kept and "REDACTED_" in kept
    page.open()  # a reload
    shown = page.settle(redacted)
    assert shown["log"] == LOG and shown["options"]["mode"] == "dev" and shown["options"]["nginx_version"] == "1.22.1"
    expect(page.hook("keep-input")).to_be_checked()
    expect(page.hook("verdict")).to_contain_text("Your 502:")
    page.page.locator("#keep-original").check()
    page.paste(FAILING)
    page.settle(FAILING)
    assert SECRET in stored(page)[SLOT]
    expect(page.page.locator("#keep-note")).to_contain_text("the original text, secrets included")
    page.page.locator("#keep-clear").click()
    assert stored(page) == {}
    expect(page.hook("keep-input")).not_to_be_checked()
    page.open()
    assert page.settle("")["config"] == ""
