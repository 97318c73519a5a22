"""Accessibility in both themes: axe-core (from the build's npm tooling,
injected by the test, never served by the site) finds no serious or critical
violation in the empty, result, error and not-nginx states at desktop and
phone width; the diff's text keeps 4.5:1 contrast; its panes take keyboard
focus; on a phone the verdict comes before the options. Screenshots of every
state at 1400 and 390 px go to test-artifacts/ for a reviewer."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from test_page import FAILING
from test_page_verdict import LOG

AXE = Path(__file__).resolve().parents[2] / "build" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (1400, 390)
SERIOUS = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
    .filter((violation) => ['serious', 'critical'].includes(violation.impact))
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)"""
# Every text of the diff against the background it is drawn on (the layers
# below it composited), as WCAG computes contrast.
DIFF_CONTRAST = """() => {
  const channels = (color) => color.match(/[\\d.]+/g).map(Number);
  const linear = (value) => {
    value /= 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  const luminance = ([r, g, b]) => 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  const over = ([r, g, b, a = 1], [br, bg, bb]) => [r * a + br * (1 - a), g * a + bg * (1 - a), b * a + bb * (1 - a)];
  const background = (node) => {
    const layers = [];
    for (let at = node; at; at = at.parentElement) {
      const layer = channels(getComputedStyle(at).backgroundColor);
      if ((layer[3] ?? 1) > 0) layers.push(layer);
      if ((layer[3] ?? 1) === 1) break;
    }
    return layers.reverse().reduce((below, layer) => over(layer, below), [255, 255, 255]);
  };
  const low = [];
  const cells = document.querySelectorAll(['.cm-line', '.cm-line *', '.cm-gutterElement', '.cm-collapsedLines']
    .map((selector) => `.cm-mergeView ${selector}`).join(', '));
  for (const node of cells) {
    const own = [...node.childNodes].some((child) => child.nodeType === 3 && child.textContent.trim());
    if (!own || getComputedStyle(node).visibility === 'hidden') continue;
    const behind = background(node);
    const [a, b] = [luminance(over(channels(getComputedStyle(node).color), behind)), luminance(behind)];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) low.push(`${node.textContent.trim().slice(0, 30)}: ${ratio.toFixed(2)}`);
  }
  return low;
}"""


def enter(page, state: str, chain: str) -> None:
    inputs = {"empty": ("", "", ""), "result": (FAILING, LOG, chain),
              "error": ("http {\n    server {\n        listen 80\n    }\n}\n", "", ""),
              "not-nginx": ("<html>\n<head><title>502 Bad Gateway</title></head>\n</html>\n", "", "")}[state]
    config, log, chain_text = inputs
    page.type_into("log-input", log)
    page.type_into("chain-input", chain_text)
    page.paste(config)
    page.settle(config)


@pytest.mark.parametrize("context", [{"color_scheme": "light"}, {"color_scheme": "dark"}], indirect=True,
                         ids=["light", "dark"])
def test_no_serious_violation_in_any_state_at_any_width(page, context, artifacts, self_signed_pem):
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: the build's npm install brings axe-core")
    theme = "dark" if page.page.evaluate("() => matchMedia('(prefers-color-scheme: dark)').matches") else "light"
    page.open()
    page.page.evaluate(AXE.read_text())
    found = {}
    for state in ("empty", "result", "error", "not-nginx"):
        enter(page, state, self_signed_pem)
        for width in WIDTHS:
            page.page.set_viewport_size({"width": width, "height": 900})
            page.page.wait_for_timeout(100)  # the diff re-measures its panes
            found[f"{state} at {width} px"] = page.page.evaluate(SERIOUS)
            if state == "result":
                found[f"diff contrast at {width} px"] = page.page.evaluate(DIFF_CONTRAST)
            shot = artifacts / f"{state}-{theme}-{width}.png"
            page.page.screenshot(path=shot, full_page=True)
            assert shot.stat().st_size > 10_000
    assert {where: problems for where, problems in found.items() if problems} == {}


@pytest.mark.parametrize("context", [{"viewport": {"width": 390, "height": 844}, "is_mobile": True,
                                      "has_touch": True}], indirect=True)
def test_on_a_phone_the_verdict_comes_before_the_options_and_the_diff_is_reachable(page, self_signed_pem):
    page.open()
    enter(page, "result", self_signed_pem)
    verdict = page.hook("verdict").bounding_box()
    options = page.page.locator("fieldset.options").bounding_box()
    editor = page.page.locator("#editor-host").bounding_box()
    assert editor["y"] < verdict["y"] < options["y"]
    assert page.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    # Both diff panes are full width (one above the other) and each takes keyboard focus.
    panes = page.page.locator("#diff-view .cm-content")
    expect(panes).to_have_count(2)
    first, second = (panes.nth(index).bounding_box() for index in range(2))
    assert first["y"] < second["y"] and first["width"] > 250
    page.page.locator("#tab-diff").focus()
    for _ in range(12):
        page.page.keyboard.press("Tab")
        if panes.first.evaluate("(node) => node === document.activeElement"):
            break
    else:
        raise AssertionError("Tab never reached the diff's original pane")
    page.page.keyboard.press("Tab")
    expect(panes.nth(1)).to_be_focused()
