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
    assert page.fixed_text() == expected["fix"]["text"]
