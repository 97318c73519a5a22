"""How the page loads: brotli on a slow link with a progress bar in bytes and
the merge view fetched only for the first diff; plain files, quietly, when
the precompressed ones are missing or the browser takes no brotli; the
start-up snapshot restored on the next visit, and refused (a normal start)
when it does not fit the runtime; a partial offline cache filled from the
network."""
from __future__ import annotations

import functools
import json
import re
import shutil
import time

import pytest
from pages import READY, Playground
from playwright.sync_api import expect
from serve import Link, serve_in_background

from conftest import DIST

CONFIG = "location /api/ {\n    proxy_pass https://10.0.1.45:8443;\n    proxy_ssl_verify off;\n}\n"
# Before any page script: every status and progress message the worker sends.
WATCH_WORKER = """
window.__messages = [];
Object.defineProperty(window, "upstreamTlsBoot", {
  configurable: true,
  get() { return this.__boot; },
  set(boot) {
    this.__boot = boot;
    boot.worker.addEventListener("message", (event) => window.__messages.push(event.data));
  },
});
"""
SNAPSHOT_KEPT = """async () => {
  const name = (await caches.keys()).find((name) => name.includes(' snapshot '));
  return Boolean(name && (await (await caches.open(name)).keys()).length);
}"""
# The stored snapshot with another runtime's build id in its header (bytes 16-47).
FOREIGN_SNAPSHOT = """async () => {
  const name = (await caches.keys()).find((name) => name.includes(' snapshot '));
  const cache = await caches.open(name);
  const [request] = await cache.keys();
  const response = await cache.match(request);
  const bytes = new Uint8Array(await response.arrayBuffer());
  bytes.fill(0xab, 16, 48);
  await cache.put(request, new Response(bytes, { headers: response.headers }));
  return name;
}"""


def ready_detail(page) -> str:
    return page.evaluate("() => window.__messages.find((m) => m.type === 'status' && m.phase === 'ready')?.detail")


def console_problems(context) -> list[str]:
    problems: list[str] = []
    context.on("console", lambda message: message.type == "error" and problems.append(message.text))
    context.on("weberror", lambda error: problems.append(str(error.error)))
    return problems


def test_a_slow_first_visit_gets_brotli_shows_bytes_and_fetches_the_merge_view_for_the_first_diff(context):
    server, url = serve_in_background(DIST, link=Link(20, 40))
    encodings: dict[str, str | None] = {}  # what the page and its worker fetched (not the service worker)
    context.on("response", lambda response: response.request.service_worker is None and encodings.__setitem__(
        response.url.rsplit("/", 1)[-1], response.headers.get("content-encoding")))
    try:
        context.add_init_script(WATCH_WORKER)
        page = Playground(context.new_page(), url)
        page.open(wait_ready=False)
        progress = page.hook("load-progress")
        expect(progress).to_be_visible(timeout=30_000)
        expect(progress).to_contain_text(re.compile(r"\d+\.\d of \d+\.\d MB"))
        expect(page.hook("status")).to_have_text(READY, timeout=60_000)
        expect(progress).to_be_hidden()
        assert encodings["pyodide.asm.wasm"] == "br" and encodings["python_stdlib.zip"] == "br"
        merge_chunks = [path.name for path in (DIST / "chunks").glob("*.js") if "MergeView" in path.read_text()]
        assert len(merge_chunks) == 1 and merge_chunks[0] not in encodings
        page.paste(CONFIG)
        page.settle(CONFIG)
        expect(page.page.locator("#diff-view .cm-mergeView")).to_be_visible()
        assert merge_chunks[0] in encodings
    finally:
        server.shutdown()


def no_brotli(server) -> None:
    """The server sees what a browser without brotli sends."""
    handler = server.RequestHandlerClass

    class WithoutBrotli(handler.func):
        def send_head(self):
            self.headers.replace_header("Accept-Encoding", "gzip, deflate")
            return super().send_head()

    server.RequestHandlerClass = functools.partial(WithoutBrotli, *handler.args, **handler.keywords)


@pytest.mark.parametrize(("fault", "wasm_encoding"), [
    ("no .br beside the wasm", "gzip"), ("no precompressed files", None), ("a browser without brotli", "gzip")])
def test_the_page_loads_plain_files_quietly(context, tmp_path, fault, wasm_encoding):
    site = tmp_path / "site"
    shutil.copytree(DIST, site)
    if fault == "no .br beside the wasm":
        (site / "pyodide" / "pyodide.asm.wasm.br").unlink()
    elif fault == "no precompressed files":
        for sibling in [*site.rglob("*.br"), *site.rglob("*.gz")]:
            sibling.unlink()
    server, url = serve_in_background(site)
    if fault == "a browser without brotli":
        no_brotli(server)
    problems = console_problems(context)
    seen: dict[str, str | None] = {}
    context.on("response", lambda response: seen.__setitem__(response.url.rsplit("/", 1)[-1],
                                                             response.headers.get("content-encoding")))
    try:
        page = Playground(context.new_page(), url).open()
        page.paste(CONFIG)
        page.settle(CONFIG)
        assert ("UT001", 3) in page.findings()
        assert seen["pyodide.asm.wasm"] == wasm_encoding
        assert "br" not in seen.values() or fault == "no .br beside the wasm"
        assert problems == []
    finally:
        server.shutdown()


def test_the_next_visit_restores_the_snapshot_refuses_a_foreign_one_and_fills_a_partial_cache(context, site):
    info = json.loads((DIST / "build-info.json").read_text())
    problems = console_problems(context)
    notes: list[str] = []
    context.on("console", lambda message: message.type == "info" and notes.append(message.text))
    context.add_init_script(WATCH_WORKER)
    page = Playground(context.new_page(), site).open()
    assert ready_detail(page.page) == "started"
    deadline = time.monotonic() + 30
    while not page.page.evaluate(SNAPSHOT_KEPT):
        assert time.monotonic() < deadline, "no start-up snapshot was kept"
        time.sleep(0.2)
    page.page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")

    page.open()
    assert ready_detail(page.page) == "restored"
    page.paste(CONFIG)
    page.settle(CONFIG)
    assert ("UT001", 3) in page.findings()

    name = page.page.evaluate(FOREIGN_SNAPSHOT)
    assert name.endswith(f" snapshot {info['runtime']}")
    page.open()
    assert ready_detail(page.page) == "started"
    assert any("does not fit this runtime" in note for note in notes)
    page.paste(CONFIG)
    page.settle(CONFIG)
    assert ("UT001", 3) in page.findings()
    refused = page.page.evaluate("async (name) => { const cache = await caches.open(name); return (await cache.match("
                                 "(await cache.keys())[0])).headers.get('x-refused'); }", name)
    assert refused == "1"

    page.page.evaluate("""async () => {
        const name = (await caches.keys())
            .find((name) => name.startsWith('upstream-tls ') && !name.includes(' snapshot '));
        const cache = await caches.open(name);
        for (const request of await cache.keys())
            if (/(pyodide\\.asm\\.wasm|python_stdlib\\.zip|app\\.js)$/.test(request.url)) await cache.delete(request);
    }""")
    page.open()
    page.paste(CONFIG)
    page.settle(CONFIG)
    assert ("UT001", 3) in page.findings()
    assert problems == []
