"""Offline after the first visit: the service worker caches the build, and a
new build's cache replaces the old one (the worker's start-up snapshot of the
same runtime stays)."""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

from pages import READY
from playwright.sync_api import expect
from serve import serve_in_background

DIST = Path(os.environ.get("UPSTREAM_TLS_DIST") or Path(__file__).resolve().parents[2] / "dist")
CACHE_NAMES = "() => caches.keys()"
CACHED_COUNT = """async () => {
    const names = (await caches.keys())
        .filter((name) => name.startsWith('upstream-tls ') && !name.includes(' snapshot '));
    if (names.length !== 1) return -1;
    return (await (await caches.open(names[0])).keys()).length;
}"""


def wait_for(page, script, expected, timeout=60.0):
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        value = page.evaluate(script)
        if value == expected:
            return value
        time.sleep(0.2)
    raise AssertionError(f"{script} gave {value!r}, expected {expected!r}")


def cached_build(page, files: list[str]) -> None:
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    wait_for(page, CACHED_COUNT, len(files) + 1)


def test_reload_offline_loads_and_analyses(page, context):
    files = json.loads((DIST / "build-info.json").read_text())["files"]
    page.open()
    cached_build(page.page, files)
    context.set_offline(True)
    page.page.reload()
    expect(page.hook("status")).to_have_text(READY, timeout=60_000)
    config = "location / {\n    proxy_pass https://10.0.0.9;\n}\n"
    page.paste(config)
    page.settle(config)
    assert ("UT002", 2) in page.findings()


def test_a_new_build_under_a_sub_path_replaces_its_old_cache_once_no_tab_runs_it(context, tmp_path):
    """Served under /tools/upstream-tls/ as on a project site; another copy's
    cache on the same origin is left alone."""
    import build
    copy = tmp_path / "site"
    shutil.copytree(DIST, copy)
    server, url = serve_in_background(copy, prefix="/tools/upstream-tls/")
    outside = url.split("/tools/")[0] + "/not-the-site"
    try:
        page = context.new_page()
        page.goto(url)
        expect(page.get_by_test_id("status")).to_have_text(READY, timeout=60_000)
        files = json.loads((copy / "build-info.json").read_text())["files"]
        cached_build(page, files)
        page.reload()
        assert page.evaluate("() => navigator.serviceWorker.controller !== null")
        page.evaluate("() => caches.open('upstream-tls http://elsewhere/ other-copy')")
        with (copy / "app.css").open("a") as css:
            css.write("\n/* next release */\n")
        runtime = json.loads((copy / "build-info.json").read_text())["runtime"]
        for stale in ("app.css", "sw.js"):  # rewritten below: their precompressed copies would be the old ones
            (copy / f"{stale}.br").unlink()
            (copy / f"{stale}.gz").unlink()
        build.write_service_worker(copy, files, build.site_hash(copy, files), runtime)
        new_name = f"upstream-tls {url} {build.site_hash(copy, files)}"
        old_name = next(name for name in page.evaluate(CACHE_NAMES)
                        if name.startswith(f"upstream-tls {url} ") and " snapshot " not in name)
        snapshot = f"upstream-tls {url} snapshot {runtime}"
        page.evaluate("() => navigator.serviceWorker.getRegistration().then((registration) => registration.update())")
        wait_for(page, "() => navigator.serviceWorker.getRegistration().then((r) => Boolean(r.waiting))", True)
        assert old_name in page.evaluate(CACHE_NAMES), "the new build took over while a tab ran the old one"
        page.goto(outside)  # the last tab of the site leaves it: the waiting build may take over
        wait_for(page, f"() => navigator.serviceWorker.getRegistration({url!r}).then((r) => !r.waiting && "
                 "r.active !== null)", True)
        wait_for(page, "async () => (await caches.keys()).sort()",
                 sorted([new_name, snapshot, "upstream-tls http://elsewhere/ other-copy"]))
        css = page.evaluate("async ([name, file]) => (await (await caches.open(name)).match(file)).text()",
                            [new_name, url + "app.css"])
        assert css.endswith("/* next release */\n")
        page.goto(url)
        expect(page.get_by_test_id("status")).to_have_text(READY, timeout=60_000)
    finally:
        server.shutdown()
