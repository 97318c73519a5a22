"""A 1 MB paste: the page stays responsive while the worker analyses it, and
the result still matches CPython's."""
from __future__ import annotations

import json

from upstream_tls import bridge

SERVER = """server {{
    listen 443 ssl;
    server_name app{n}.example.com;
    location /api/ {{
        proxy_pass https://10.0.{a}.{b}:8443;
        proxy_ssl_verify off;
        proxy_set_header Host $host;
    }}
}}
"""


def megabyte_config() -> str:
    parts, size, n = [], 0, 0
    while size < 1_000_000:
        part = SERVER.format(n=n, a=n // 250, b=n % 250 + 1)
        parts.append(part)
        size += len(part)
        n += 1
    return "".join(parts)


def test_a_megabyte_paste_keeps_the_page_responsive(page):
    config = megabyte_config()
    page.open()
    page.paste(config)
    page.page.wait_for_selector("body[data-busy]", timeout=30_000)
    page.page.locator("#tab-fixed").click()
    selected = page.hook("fixed").evaluate("(node) => !node.hidden && document.body.dataset.busy === 'true'")
    assert selected, "the tab did not switch while the core was busy (or the analysis was too quick to tell)"
    shown = page.settle(config, timeout=180)
    expected = json.loads(bridge.handle("analyze", json.dumps(shown)))["result"]
    assert page.findings() == [(finding["code"], finding["line"]) for finding in expected["findings"]]
    assert expected["findings_total"] > len(expected["findings"]) == 1000  # the page draws the first thousand
    assert page.fixed_text() == expected["fix"]["text"]


LONGEST_TASK = """() => {
    window.__longestTask = 0;
    new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.__longestTask = Math.max(window.__longestTask, entry.duration);
    }).observe({type: "longtask"});
}"""


def sized_config(size: int) -> str:
    parts, total, n = [], 0, 0
    while total < size:
        part = SERVER.format(n=n, a=n // 250 % 250, b=n % 250 + 1)
        parts.append(part)
        total += len(part)
        n += 1
    return "".join(parts)


def test_a_twenty_megabyte_paste_never_holds_the_page_for_a_second(page):
    """The supported size (docs/web-hosting.md): the core takes its time in the worker;
    the page's own thread is never blocked for more than a second at once,
    and what is too large to draw is offered, not drawn."""
    config = sized_config(20_000_000)
    page.open()
    page.paste(config)
    page.page.evaluate(LONGEST_TASK)  # from here on: the analysis and the drawing of its result
    page.page.wait_for_function("() => document.body.dataset.busy === 'true'", timeout=30_000)
    page.page.wait_for_function("(size) => window.upstreamTls.shown()?.config.length === size", arg=len(config),
                                timeout=600_000, polling=1000)
    longest = page.page.evaluate("() => window.__longestTask")
    assert longest < 1000, f"a main-thread task took {longest:.0f} ms"
    assert "too large to draw" in page.fixed_text()
    total = page.hook("findings").evaluate("(list) => list.children.length")
    assert total == 1000
    assert "of " in page.page.locator("#findings-state").text_content()
