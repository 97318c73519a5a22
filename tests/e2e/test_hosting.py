"""How the site behaves on the host it lands on: the security headers the
build chose on every response, no folder listings, no running inside
another site's frame even where a host cannot forbid framing with a header,
and a damaged share link that says so instead of opening an empty page."""
from __future__ import annotations

import functools
import http.server
import threading
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from conftest import DIST

HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy",
           "Cross-Origin-Opener-Policy", "X-Frame-Options", "Cache-Control")


@pytest.mark.parametrize("path", ["", "app.js", "worker.js", "pyodide/pyodide-lock.json"])
def test_every_response_carries_every_security_header(site, path):
    with urllib.request.urlopen(site + path) as response:
        present = {name for name in HEADERS if response.headers[name]}
    assert present == set(HEADERS)
    assert "frame-ancestors 'none'" in urllib.request.urlopen(site).headers["Content-Security-Policy"]


def test_a_folder_is_never_listed(site):
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(site + "pyodide/")
    assert raised.value.code == 404


@pytest.fixture
def headerless_site():
    """dist/ behind a host that sends no headers at all (GitHub Pages-like)."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(DIST))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_the_page_refuses_to_run_in_a_frame_where_no_header_can_forbid_it(context, headerless_site):
    page = context.new_page()
    page.set_content(f'<iframe id="frame" src="{headerless_site}" width="800" height="600"></iframe>')
    frame = page.frame_locator("#frame")
    expect(frame.locator("body")).to_contain_text("does not run inside another page's frame", timeout=30_000)
    assert frame.locator("[data-testid=editor]").count() == 0


def test_a_damaged_share_link_says_so(page):
    page.open("#share=AAAA-this-is-not-deflate")
    expect(page.page.locator("#findings-state")).to_contain_text("share link is damaged")
