"""The page answers in one glance and in its own words: the verdict card, one
list of causes and findings, the deploy checklist, non-nginx input named,
errors beside their cause, a half-typed option that keeps the last result,
the examples gallery and the highlighter."""
from __future__ import annotations

import re

from playwright.sync_api import expect
from test_page import FAILING, SECRET, last_copy, record_copies

LOG = ('2026/11/28 10:00:00 [error] 7#7: *1 upstream SSL certificate verify error: (18:self-signed certificate) '
       'while SSL handshaking to upstream, client: 127.0.0.1, server: shop.example.com, request: "GET /api/ '
       'HTTP/1.1", upstream: "https://10.0.1.45:8443/api/"\n')
# What the command line says and the page must not: flags, `<input>:N:`, Ruff's words.
CLI_WORDS = re.compile(r"--(?:ssl-name|upstream-cert|ca-file|write-ca|client-cert)|<input>|display-only|fix \(safe\)")
EXAMPLE_CAUSES = {"self-signed": "untrusted-certificate", "private-ca": "untrusted-certificate",
                  "sni": "sni-required", "mtls": "client-certificate-required", "depth": "verify-depth-exceeded",
                  "plain-http": "https-to-plain-http"}


def results_text(page) -> str:
    return page.page.locator(".results").inner_text()


def test_the_verdict_names_the_cause_the_side_the_steps_and_how_sure(page, self_signed_pem):
    record_copies(page)
    page.open()
    page.paste(FAILING)
    page.type_into("log-input", LOG)
    page.type_into("chain-input", self_signed_pem)
    page.settle(FAILING)
    verdict = page.hook("verdict")
    expect(verdict).to_have_attribute("data-cause", "untrusted-certificate")
    expect(verdict).to_contain_text("Your 502: the upstream's certificate does not chain to anything in the trust file")
    expect(verdict).to_contain_text("Change this config")
    expect(verdict).to_contain_text("95% likely")
    expect(verdict).to_contain_text("Download CA bundle")
    assert page.hook("causes").locator("li").first.get_attribute("data-verdict") == "true"
    # One vocabulary, the page's words, the real name where the chain gave it.
    text = results_text(page)
    assert not CLI_WORDS.search(text), CLI_WORDS.search(text)
    assert "REPLACE-WITH-UPSTREAM-CERT-DNS-NAME" not in text
    ut005 = page.hook("findings").locator("[data-code=UT005]")
    expect(ut005).to_contain_text("Check the certificate against api.internal")
    expect(ut005).to_contain_text("Fixed below")
    assert ut005.locator(".line-link").get_attribute("aria-label").startswith("Show line 5 in the editor: proxy_pass")
    assert ut005.locator(".code-link").get_attribute("aria-label") == "What rule UT005 (name-cannot-match) means"
    # The result is announced, and the status pill has settled.
    expect(page.page.locator("#announce")).to_contain_text("Your 502: the upstream's certificate")
    expect(page.page.locator("body")).not_to_have_attribute("data-busy", "true")
    expect(page.hook("status")).to_have_text("Python core ready")
    # The deploy checklist, each command copyable, ending in the probe that must verify.
    deploy = page.hook("deploy")
    expect(deploy).to_be_visible()
    expect(deploy).to_contain_text("sudo install -D -m 0644 upstream-ca.pem /etc/nginx/certs/upstream-ca.pem")
    expect(deploy).to_contain_text("sudo nginx -t")
    expect(deploy).to_contain_text("sudo nginx -s reload")
    expect(deploy.locator(".deploy-step").last).to_contain_text("Expect: Verify return code: 0 (ok)")
    deploy.locator(".deploy-step").last.get_by_role("button", name="Copy").click()
    probe = last_copy(page)
    assert probe.startswith("openssl s_client -connect 10.0.1.45:8443 -servername api.internal "
                            "-CAfile /etc/nginx/certs/upstream-ca.pem -verify_hostname api.internal")


def test_what_is_not_an_nginx_config_is_named(page, tmp_path):
    page.open()
    cases = [("<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n<center><h1>502 Bad Gateway</h1>"
              "</center>\n<hr><center>nginx</center>\n</body>\n</html>\n", "an HTML page"),
             ("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: api\nspec:\n  rules: []\n",
              "Kubernetes YAML"),
             (LOG, "nginx's error.log")]
    for text, named in cases:
        page.paste(text)
        page.settle(text)
        expect(page.hook("verdict")).to_contain_text(f"This is not an nginx config (it looks like {named})")
        assert "is not terminated by" not in page.hook("verdict").inner_text()
    archive = tmp_path / "site.conf"
    archive.write_bytes(b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)))
    page.page.locator("#file-input").set_input_files(str(archive))
    page.page.wait_for_function("() => window.upstreamTls.shown()?.config.startsWith('PK')")
    expect(page.hook("verdict")).to_contain_text("This is not an nginx config (it looks like a ZIP archive)")
    assert "internal error" not in page.page.locator("main").inner_text()
    expect(page.page.locator("#fix-state")).to_have_text("No fix: this is not an nginx config.")


def test_errors_sit_beside_their_cause_and_a_half_typed_option_keeps_the_last_result(page):
    page.open()
    page.paste(FAILING)
    page.type_into("chain-input", "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n")
    page.settle(FAILING)
    chain = page.hook("chain-input")
    expect(chain).to_have_attribute("aria-invalid", "true")
    expect(page.page.locator("#chain-input-error")).to_contain_text("No certificate could be read here")
    expect(page.page.locator("#ca-hint")).to_contain_text("could not be read")
    page.type_into("chain-input", "")
    page.settle(FAILING)
    expect(chain).not_to_have_attribute("aria-invalid", "true")
    verdict, fixed = page.hook("verdict").inner_text(), page.fixed_text()
    page.hook("ssl-names").press_sequentially("10.0.1.45=")
    page.settle(FAILING)
    expect(page.hook("ssl-names")).to_have_attribute("aria-invalid", "true")
    expect(page.page.locator("#ssl-names-error")).to_have_text(
        "Not a TLS name: '10.0.1.45=' (expected NAME or UPSTREAM=NAME)")
    expect(page.page.locator("#stale-note")).to_be_visible()
    assert page.hook("verdict").inner_text() == verdict and page.fixed_text() == fixed
    expect(page.hook("download-fixed")).to_be_disabled()
    page.hook("ssl-names").press_sequentially("api.internal")
    page.settle(FAILING)
    expect(page.page.locator("#stale-note")).to_be_hidden()
    expect(page.hook("ssl-names")).not_to_have_attribute("aria-invalid", "true")
    assert "proxy_ssl_name api.internal;" in page.fixed_text()
    expect(page.hook("download-fixed")).to_be_enabled()


def test_the_examples_gallery_shows_every_panel(page):
    page.open()
    buttons = page.hook("examples").get_by_role("button")
    assert buttons.count() == len(EXAMPLE_CAUSES)
    seen = {"download-ca": 0, "deploy": 0, "findings": 0}
    for example, cause in EXAMPLE_CAUSES.items():
        page.hook("examples").locator(f"[data-example={example}]").click()
        shown = page.settle()
        assert shown["log"] and shown["config"].startswith("server {"), example
        expect(page.hook("verdict")).to_have_attribute("data-cause", cause)
        expect(page.hook("causes").locator(f"[data-cause={cause}]")).to_be_visible()
        seen["download-ca"] += page.hook("download-ca").is_enabled()
        seen["deploy"] += page.hook("deploy").is_visible()
        seen["findings"] += page.hook("findings").locator("li").count() > 0
    assert seen["download-ca"] >= 3 and seen["deploy"] >= 5 and seen["findings"] >= 2, seen


def test_include_globs_are_not_comments_to_the_highlighter(page):
    page.open(wait_ready=False)
    config = "include /etc/nginx/conf.d/*.conf;\nserver { listen 80; }  # a real comment\n"
    page.paste(config)
    italic = page.page.evaluate("""() => [...document.querySelectorAll('[data-testid=editor] .cm-line')].map(
        (line) => [...line.querySelectorAll('span')].filter((span) => getComputedStyle(span).fontStyle === 'italic')
          .map((span) => span.textContent).join(''))""")
    assert italic[:2] == ["", "# a real comment"]


def test_a_secret_never_reaches_the_page_outside_the_editor(page):
    page.open()
    page.paste(FAILING)
    page.settle(FAILING)
    assert SECRET not in page.hook("redacted").text_content()
    assert SECRET not in page.hook("verdict").inner_text()
