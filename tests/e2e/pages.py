"""The playground as tests see it: only the page's data-testid hooks and its
`window.upstreamTls` test API, never its layout."""
from __future__ import annotations

import re
import time

from playwright.sync_api import Page, expect

READY = re.compile(r"ready$")
# Before any page script: every message between the page and its worker, as
# JSON (what crosses is structured-cloned; a field left undefined is absent).
RECORD_BRIDGE = """
window.__bridge = { sent: [], received: [] };
window.Worker = class extends window.Worker {
  constructor(...args) {
    super(...args);
    this.addEventListener("message", (event) => window.__bridge.received.push(JSON.parse(JSON.stringify(event.data))));
  }
  postMessage(message, ...rest) {
    window.__bridge.sent.push(JSON.parse(JSON.stringify(message)));
    return super.postMessage(message, ...rest);
  }
};
"""


class Playground:
    def __init__(self, page: Page, url: str):
        self.page = page
        self.url = url

    def open(self, fragment: str = "", wait_ready: bool = True) -> Playground:
        self.page.goto(self.url + fragment)
        if wait_ready:
            expect(self.hook("status")).to_have_text(READY, timeout=60_000)
        return self

    def hook(self, testid: str):
        return self.page.get_by_test_id(testid)

    def paste(self, config: str) -> None:
        """Replace the editor's text as a paste would (an input event)."""
        editor = self.hook("editor")
        editor.click()
        self.page.keyboard.press("Control+A")
        self.page.keyboard.press("Delete")
        if config:
            editor.evaluate("(node, text) => { const data = new DataTransfer(); data.setData('text/plain', text);"
                            " node.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true,"
                            " cancelable: true})); }", config)

    def type_into(self, testid: str, text: str) -> None:
        self.hook(testid).fill(text)

    def settle(self, config: str | None = None, timeout: float = 60.0) -> dict:
        """Wait until the page has drawn the result for its current inputs
        (and, if given, for exactly this config); returns the inputs drawn."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.page.evaluate("() => window.upstreamTls.shown()")
            if shown is not None and (config is None or shown["config"] == config):
                return shown
            time.sleep(0.05)
        raise AssertionError(f"the page did not draw a result within {timeout} s")

    def findings(self) -> list[tuple[str, int]]:
        """(data-code, data-line) of each child of the findings hook."""
        pairs = self.hook("findings").evaluate(
            "(list) => [...list.children].map((item) => [item.dataset.code, item.dataset.line])")
        return [(code, int(line)) for code, line in pairs]

    def fixed_text(self) -> str:
        return self.hook("fixed").text_content()

    def load_example(self, example_id: str) -> dict:
        """Press an example of the gallery; returns the inputs drawn for it."""
        self.page.locator(f'[data-example="{example_id}"]').click()
        return self.settle()

    def record_bridge(self) -> None:
        """Record the worker's messages from the next page load on (see bridge_messages)."""
        self.page.add_init_script(RECORD_BRIDGE)

    def bridge_messages(self) -> dict:
        """{sent, received}: every message the page posted to its worker, and got back."""
        return self.page.evaluate("() => window.__bridge")

    def analyze(self, payload: dict) -> dict:
        """The core in this page's worker, called directly (parity tests)."""
        return self.page.evaluate("(payload) => window.upstreamTls.analyze(payload)", payload)
