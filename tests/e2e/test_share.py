"""Share links: what they carry (redacted config and log, the chain's
certificates, mode and options — never a secret), that whoever opens one in
another browser sees the same verdict, and that older config-only links
still open. (A damaged link: tests/e2e/test_hosting.py.)"""
from __future__ import annotations

import base64
import zlib

from pages import Playground
from playwright.sync_api import expect
from test_page import FAILING, SECRET, last_copy, record_copies

LOG = ('2026/11/28 10:00:00 [error] 7#7: *1 upstream SSL certificate verify error: (18:self-signed certificate) '
       'while SSL handshaking to upstream, client: 127.0.0.1, server: shop.example.com, '
       f'request: "GET /api/?token={SECRET} HTTP/1.1", upstream: "https://10.0.1.45:8443/api/"\n')

CAUSE_IDS = "(list) => [...list.children].map((item) => item.dataset.cause)"


def test_a_share_link_opened_elsewhere_shows_the_same_verdict(page, browser, site, self_signed_pem):
    record_copies(page)
    page.open()
    page.paste(FAILING)
    page.type_into("log-input", LOG)
    page.type_into("chain-input", self_signed_pem)
    page.type_into("ca-file", "/etc/nginx/ca/internal.pem")
    page.settle(FAILING)
    verdict = page.hook("verdict").inner_text()
    causes = page.hook("causes").evaluate(CAUSE_IDS)
    assert "Your 502:" in verdict and "/etc/nginx/ca/internal.pem" in verdict
    page.hook("share-link").click()
    expect(page.hook("share-link")).to_have_text("Copied")
    link = last_copy(page)
    assert link.startswith(site) and "#share2=" in link
    packed = link.split("#share2=", 1)[1]
    carried = zlib.decompress(base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4)), -15).decode()
    assert SECRET not in carried and "REDACTED_" in carried
    other = browser.new_context()
    try:
        viewer = Playground(other.new_page(), site).open(link[len(site):])
        shown = viewer.settle(page.hook("redacted").text_content())
        assert viewer.hook("verdict").inner_text() == verdict
        assert viewer.hook("causes").evaluate(CAUSE_IDS) == causes
        assert shown["chain"].strip() == self_signed_pem.strip()
        assert shown["options"]["ca_file"] == "/etc/nginx/ca/internal.pem"
        assert "REDACTED_" in shown["log"] and SECRET not in shown["log"] and SECRET not in shown["config"]
        expect(viewer.hook("download-ca")).to_be_enabled()
    finally:
        other.close()


def test_an_older_config_only_link_still_opens(page):
    text = "location / { proxy_pass https://backend; }\n"
    packer = zlib.compressobj(wbits=-15)
    fragment = base64.urlsafe_b64encode(packer.compress(text.encode()) + packer.flush()).decode().rstrip("=")
    page.open("#share=" + fragment)
    assert page.settle(text)["config"] == text
    expect(page.hook("verdict")).to_contain_text("This config has")
