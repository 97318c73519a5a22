"""How the page looks and handles: screenshots of its main states for a
reviewer (test-artifacts/), dark theme, phone width, keyboard use, and no
layout jumps while the core loads."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from test_page import FAILING

LAYOUT_SHIFTS = """
window.__shift = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__shift += entry.value;
}).observe({type: 'layout-shift', buffered: true});
"""


def test_screenshots_of_the_main_states(page, artifacts):
    page.open()
    page.settle("")
    page.page.screenshot(path=artifacts / "empty.png", full_page=True)
    page.paste(FAILING)
    page.settle(FAILING)
    page.page.screenshot(path=artifacts / "findings.png", full_page=True)
    fix = page.page.locator(".fix-panel")
    expect(fix.locator(".cm-mergeView")).to_be_visible()
    fix.screenshot(path=artifacts / "diff.png")
    for name in ("empty", "findings", "diff"):
        assert (artifacts / f"{name}.png").stat().st_size > 10_000


@pytest.mark.parametrize("context", [{"color_scheme": "dark"}], indirect=True)
def test_dark_theme_follows_the_system(page, artifacts):
    page.open()
    page.paste(FAILING)
    page.settle(FAILING)
    background = page.page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(13, 17, 23)"
    page.page.screenshot(path=artifacts / "dark.png", full_page=True)


@pytest.mark.parametrize("context", [{"viewport": {"width": 390, "height": 844}, "is_mobile": True,
                                      "has_touch": True}], indirect=True)
def test_readable_at_phone_width(page, artifacts):
    page.open()
    page.paste(FAILING)
    page.settle(FAILING)
    overflow = page.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.page.screenshot(path=artifacts / "phone.png", full_page=True)


def test_keyboard_reaches_a_finding_and_jumps_to_its_line(page):
    page.open()
    page.paste(FAILING)
    page.settle(FAILING)
    target = page.hook("findings").locator("[data-code=UT001] .line-link")
    page.page.keyboard.press("Escape")  # the editor's Tab indents; Esc, then Tab, leaves it
    for _ in range(60):
        page.page.keyboard.press("Tab")
        if target.evaluate("(node) => node === document.activeElement"):
            break
    else:
        raise AssertionError("Tab never reached the finding's line link")
    page.page.keyboard.press("Enter")
    expect(page.page.locator(".cm-activeLine")).to_have_text("        proxy_ssl_verify off;")
    assert page.page.evaluate("() => window.upstreamTls.shown().config") == FAILING


def test_no_layout_jumps_while_loading(page):
    page.page.add_init_script(LAYOUT_SHIFTS)
    page.open()
    page.settle("")
    assert page.page.evaluate("() => window.__shift") < 0.02


def test_fix_tabs_follow_the_arrow_keys(page):
    page.open()
    page.paste(FAILING)
    page.settle(FAILING)
    page.page.locator("#tab-diff").focus()
    page.page.keyboard.press("ArrowRight")
    expect(page.page.locator("#tab-fixed")).to_be_focused()
    expect(page.page.locator("#tab-fixed")).to_have_attribute("aria-selected", "true")
    expect(page.hook("fixed")).to_be_visible()
    assert page.page.locator("#tab-diff").get_attribute("tabindex") == "-1"
    page.page.keyboard.press("ArrowRight")
    expect(page.page.locator("#tab-diff")).to_be_focused()
    expect(page.page.locator("#diff-view")).to_be_visible()
