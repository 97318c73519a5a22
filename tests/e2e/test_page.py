"""The playground in a real browser: paste, findings, the fix and its
download, the diagnosis, redaction, and the states in between."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
SECRET = "abcdef0123456789abcdef0123456789"
FAILING = f"""server {{
    listen 443 ssl;
    server_name shop.example.com;
    location /api/ {{
        proxy_pass https://10.0.1.45:8443;
        proxy_ssl_verify off;
        proxy_set_header Authorization "Bearer {SECRET}";
    }}
}}
"""


# The site's Permissions-Policy forbids clipboard-read, so a test cannot read
# the clipboard back: it records what the page writes to it instead.
RECORD_COPIES = """window.__copied = [];
const write = navigator.clipboard.writeText.bind(navigator.clipboard);
navigator.clipboard.writeText = (text) => { window.__copied.push(text); return write(text); };"""


def record_copies(page) -> None:
    page.page.context.grant_permissions(["clipboard-write"])
    page.page.add_init_script(RECORD_COPIES)


def last_copy(page) -> str:
    return page.page.evaluate("() => window.__copied.at(-1)")


def cli(*args: str, stdin: str) -> str:
    """What `upstream-tls` prints, byte for byte (no newline translation)."""
    result = subprocess.run([sys.executable, "-m", "upstream_tls", *args], input=stdin.encode(), capture_output=True)
    assert result.returncode in (0, 1), result.stderr.decode()
    return result.stdout.decode()


def test_editor_is_usable_before_the_core_is_ready(page):
    page.open(wait_ready=False)
    page.paste("location / { proxy_pass https://backend; }\n")
    expect(page.hook("editor")).to_contain_text("proxy_pass https://backend")
    expect(page.hook("status")).to_have_text(re.compile("ready$"), timeout=60_000)
    page.settle("location / { proxy_pass https://backend; }\n")
    assert ("UT002", 1) in page.findings()


def test_paste_shows_findings_and_fixed_text_equal_to_the_cli(page):
    page.open()
    page.paste(FAILING)
    page.settle(FAILING)
    assert ("UT001", 6) in page.findings()
    assert ("UT005", 5) in page.findings()
    assert page.fixed_text() == cli("fix", "-", stdin=FAILING)


@pytest.mark.parametrize("mode", ["production", "dev"])
def test_download_equals_cli_output_for_the_same_options(page, mode):
    page.open()
    page.paste(FAILING)
    page.hook("ssl-names").fill("api.internal")
    page.hook("ca-file").fill("/etc/nginx/ca/internal.pem")
    page.hook("mode").select_option(mode)
    shown = page.settle(FAILING)
    assert shown["options"]["mode"] == mode
    with page.page.expect_download() as download:
        page.hook("download-fixed").click()
    saved = Path(download.value.path()).read_bytes().decode()
    expected = cli("fix", "-", "--mode", mode, "--ssl-name", "api.internal", "--ca-file",
                   "/etc/nginx/ca/internal.pem", stdin=FAILING)
    assert saved == expected
    assert ("proxy_ssl_name api.internal;" in saved) == (mode == "production")


def test_crlf_file_opened_in_the_editor_keeps_its_line_endings(page, tmp_path):
    config = FAILING.replace("\n", "\r\n")
    path = tmp_path / "site.conf"
    path.write_bytes(config.encode())
    page.open()
    page.page.locator("#file-input").set_input_files(str(path))
    page.settle(config)
    with page.page.expect_download() as download:
        page.hook("download-fixed").click()
    assert download.value.suggested_filename == "site.fixed.conf"
    assert Path(download.value.path()).read_bytes() == cli("fix", "-", stdin=config).encode()


def test_clicking_a_finding_moves_the_editor_to_its_line(page):
    page.open()
    page.paste(FAILING)
    page.settle(FAILING)
    page.hook("findings").locator("[data-code=UT001] .line-link").click()
    active = page.page.locator(".cm-activeLine")
    expect(active).to_have_text(re.compile(r"proxy_ssl_verify off;"))


def test_rule_explanation_opens_in_the_page(page):
    page.open()
    page.paste(FAILING)
    page.settle(FAILING)
    page.hook("findings").locator("[data-code=UT001] .code-link").click()
    dialog = page.page.get_by_role("dialog")
    expect(dialog).to_contain_text("What it finds")
    expect(dialog).to_contain_text("Use instead")


def test_malformed_input_points_at_the_line(page):
    page.open()
    broken = "http {\n    server {\n        listen 80\n    }\n}\n"
    page.paste(broken)
    page.settle(broken)
    expect(page.hook("verdict")).to_contain_text("nginx would refuse this config — line 3:")
    expect(page.page.locator("#editor-error")).to_contain_text("nginx would refuse line 3:")
    assert page.findings() == []
    expect(page.hook("editor")).to_contain_text("listen 80")


def test_empty_state(page):
    page.open()
    page.settle("")
    expect(page.hook("verdict")).to_contain_text("Paste an nginx config — or open an example")
    assert page.findings() == []


def test_evidence_lights_up_the_diagnosis_and_the_ca_bundle(page, self_signed_pem):
    chain = self_signed_pem
    page.open()
    page.paste(FAILING)
    page.type_into("log-input", '2026/11/28 10:00:00 [error] 7#7: *1 upstream SSL certificate verify error: '
                   '(18:self-signed certificate) while SSL handshaking to upstream, client: 127.0.0.1, '
                   'server: shop.example.com, request: "GET /api/ HTTP/1.1", upstream: "https://10.0.1.45:8443/api/"')
    page.type_into("chain-input", "CONNECTED(00000003)\n" + chain + "---\n")
    page.settle(FAILING)
    expect(page.hook("causes").locator("[data-cause=untrusted-certificate]")).to_be_visible()
    with page.page.expect_download() as download:
        page.hook("download-ca").click()
    assert download.value.suggested_filename == "upstream-ca.pem"
    assert Path(download.value.path()).read_text().strip() == chain.strip()


def test_redaction_panel_shows_only_placeholders(page):
    record_copies(page)
    page.open()
    page.paste(FAILING)
    page.settle(FAILING)
    redacted = page.hook("redacted").text_content()
    assert SECRET not in redacted
    assert "REDACTED_" in redacted
    page.hook("copy-redacted").click()
    expect(page.hook("copy-redacted")).to_have_text("Copied")
    assert last_copy(page) == redacted


def test_a_sample_that_arrives_after_a_paste_does_not_replace_it(page):
    held = []
    page.page.route("**/sample.conf", lambda route: held.append(route))
    page.open()
    with page.page.expect_request("**/sample.conf"):
        page.page.locator("#load-sample").click()
    page.paste(FAILING)
    page.settle(FAILING)
    with page.page.expect_response("**/sample.conf"):
        held[0].continue_()
    page.page.wait_for_timeout(500)
    assert page.settle()["config"] == FAILING
    expect(page.hook("editor")).to_contain_text("proxy_ssl_verify off;")
