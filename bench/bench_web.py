#!/usr/bin/env python3
"""Benchmark the web page's start against bare Pyodide, in one browser session.

What is measured, in one run, as medians (ms since navigation start, the
page's own `performance.now()`, so no Playwright round trip is in it):

1. Cold start to "ready", loopback. The baseline is a *bare page*: a module
   worker that imports the same `pyodide/pyodide.mjs` and calls `loadPyodide`
   with the npm package's own standard library and lock file, from the same
   server, and does nothing else. Both pages get the same runtime files
   (`pyodide.mjs`, `pyodide.asm.mjs`, `pyodide.asm.wasm`) from the same URLs,
   and every file precompressed the same way (build.py's `.br`/`.gz`). Runs
   alternate bare/ours, each in a new browser context (empty HTTP cache, no
   service worker: a first visit). Absolute times depend on the machine and
   its load; the ratio ours/bare is the claim. Floor: ≤ 1.0×.
2. The same through a simulated 20 Mbit/s link with 40 ms round trips: the
   server paces every byte through one shared link (build/serve.py's Link).
   Floor: ≤ 0.85×.
3. Bytes on the wire until ready (response headers and bodies, counted by
   the server), each page. Floor: ours ≤ 6 MB.
4. Repeat visit: the same context opens the page again once the service
   worker has cached the build and the worker has kept its start-up
   snapshot. Floor: ≤ 0.6× our cold start on loopback.
5. Paste to findings with the core warm: a location block pasted into the
   editor (alternating two, so each paste changes the text) until the page
   has drawn its findings, p95; and the analysis round trip alone
   (`window.upstreamTls.analyze`, worker and Python), p95. Floor: ≤ 100 ms.
6. Requests to any other origin during all of it. Floor: none.
7. The editor takes a typed key before Python is ready (≤ 1 s median).

dist/ is copied into a temporary directory (a rebuild during the run cannot
change it) and the bare page is added there.

    python bench/bench_web.py [--runs 7] [--link-runs 5] [--warmup 1] [--json bench/out/web.json] [--docs]

--docs writes the report into docs/benchmarks.md between its bench-web markers.
Exits 1 when a floor is not met, 2 when a page failed.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page, expect, sync_playwright

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "build"))
from build import PYODIDE, cached_compression  # noqa: E402
from serve import Link, serve_in_background  # noqa: E402

DIST = Path(os.environ.get("UPSTREAM_TLS_DIST") or REPO / "dist")
OUT_JSON = REPO / "bench" / "out" / "web.json"
DOCS = REPO / "docs" / "benchmarks.md"
DOCS_MARKERS = ("<!-- bench-web:start -->", "<!-- bench-web:end -->")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--no-first-run", "--disable-sync", "--disable-quic",
    # Belt and braces: nothing but 127.0.0.1 resolves.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
LINK = {"mbit": 20.0, "rtt_ms": 40.0}
FLOORS = {"loopback": 1.0, "link": 0.85, "megabytes": 6.0, "repeat": 0.6, "paste_ms": 100.0, "editor_ms": 1000.0}
READY_TIMEOUT_MS = 180_000
MARKER = "zqx"
# Two location blocks: each paste replaces the other, so every paste is a change.
PASTES = (
    "location /api/ {\n    proxy_pass https://10.0.1.45:8443;\n    proxy_ssl_verify off;\n}\n",
    "location /billing/ {\n    proxy_pass https://billing.internal:8443;\n    proxy_ssl_verify on;\n}\n",
)

BARE_HTML = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<title>bare Pyodide (bench baseline)</title>
<script type="module" src="bench-bare.js"></script>
</head>
<body><p id="status" data-testid="status" data-phase="starting">starting</p></body>
</html>
"""
BARE_PAGE_JS = """\
const status = document.getElementById("status");
const worker = new Worker(new URL("./bench-bare-worker.js", import.meta.url), { type: "module" });
worker.onmessage = (event) => {
  status.dataset.phase = event.data.phase;
  status.textContent = event.data.phase;
};
"""
# Pyodide as its npm package ships it: its own standard library and lock file.
BARE_WORKER_JS = """\
import { loadPyodide } from "./pyodide/pyodide.mjs";

self.postMessage({ phase: "runtime" });
const indexURL = new URL("./pyodide/", self.location.href).href;
const stock = new URL("./bench-bare/", self.location.href).href;
await loadPyodide({ indexURL, stdLibURL: stock + "python_stdlib.zip", lockFileURL: stock + "pyodide-lock.json",
                    stdout: () => {}, stderr: () => {} });
self.postMessage({ phase: "ready" });
"""

# Injected before any page script (over CDP, so the page's CSP does not apply):
# when each status phase first appears, and the first `input` event inside
# the editor with the phase at that moment.
RECORDER_JS = """\
(() => {
  const marks = (window.__bench = { phases: {}, input: null, inputPhase: null });
  const phase = () => document.querySelector("[data-testid=status]")?.dataset.phase ?? null;
  new MutationObserver(() => {
    const now = performance.now(), current = phase();
    if (current && !(current in marks.phases)) marks.phases[current] = now;
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-phase"] });
  document.addEventListener("input", (event) => {
    if (marks.input === null && event.target.closest?.("[data-testid=editor]")) {
      marks.input = performance.now();
      marks.inputPhase = phase();
    }
  }, true);
})();
"""
PASTE_JS = """async (text) => {
  const editor = document.querySelector("[data-testid=editor]");
  const data = new DataTransfer();
  data.setData("text/plain", text);
  const start = performance.now();
  editor.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  await new Promise((resolve) => {
    const check = () => (window.upstreamTls.shown()?.config === text ? resolve() : requestAnimationFrame(check));
    check();
  });
  return performance.now() - start;
}"""
ROUND_TRIP_JS = """async (text) => {
  const start = performance.now();
  await window.upstreamTls.analyze({ config: text, options: {} });
  return performance.now() - start;
}"""
SNAPSHOT_KEPT_JS = """async () => {
  const names = await caches.keys();
  const snapshot = names.find((name) => name.includes(" snapshot "));
  return Boolean(snapshot && (await (await caches.open(snapshot)).keys()).length
                 && (await navigator.serviceWorker.getRegistration())?.active);
}"""


# --------------------------------------------------------------------------
# Site: dist/ plus the bare page, served the way build/serve.py serves dist/
# --------------------------------------------------------------------------

def prepare_site(target: Path) -> dict:
    """Copy dist/ to `target`, add the bare page and the npm package's own
    standard library and lock (compressed as the build compresses)."""
    shutil.copytree(DIST, target, dirs_exist_ok=True)
    info = json.loads((target / "build-info.json").read_text())
    (target / "bench-bare.html").write_text(BARE_HTML.format(csp=info["csp"]))
    (target / "bench-bare.js").write_text(BARE_PAGE_JS)
    (target / "bench-bare-worker.js").write_text(BARE_WORKER_JS)
    stock = target / "bench-bare"
    stock.mkdir()
    for name in ("python_stdlib.zip", "pyodide-lock.json"):
        data = (PYODIDE / name).read_bytes()
        (stock / name).write_bytes(data)
        for kind, packed in cached_compression(data).items():
            if len(packed) < len(data):
                (stock / f"{name}.{kind}").write_bytes(packed)
    return info


class Requests:
    """Every request URL a browser context makes, workers' included."""

    def __init__(self):
        self.urls: list[str] = []

    def watch(self, context) -> None:
        context.on("request", lambda request: self.urls.append(request.url))

    def foreign(self, origins: set[tuple[str, str]]) -> list[str]:
        return [url for url in self.urls if not url.startswith(("blob:", "data:"))
                and urlsplit(url)[:2] not in origins]


# --------------------------------------------------------------------------
# Runs
# --------------------------------------------------------------------------

def wait_ready(page) -> float:
    status = page.get_by_test_id("status")
    expect(status).to_have_attribute("data-phase", re.compile("^(ready|error)$"), timeout=READY_TIMEOUT_MS)
    if status.get_attribute("data-phase") == "error":
        raise RuntimeError(f"{page.url}: {status.text_content()}")
    return page.evaluate("() => window.__bench.phases.ready")


@contextmanager
def fresh_page(browser: Browser, requests: Requests) -> Iterator[Page]:
    """A page in a new browser context (a first visit: no cache, no service
    worker) whose requests are watched and whose start phases are recorded."""
    context = browser.new_context()
    try:
        requests.watch(context)
        context.add_init_script(RECORDER_JS)
        yield context.new_page()
    finally:
        context.close()


def cold_start(browser: Browser, url: str, link: Link, requests: Requests) -> dict:
    """Open `url` in a fresh context; time to ready and the bytes sent until then."""
    with fresh_page(browser, requests) as page:
        link.sent = 0
        page.goto(url, wait_until="commit")
        ready = wait_ready(page)
        sent = link.sent
        return {"ready": ready, "bytes": sent, "phases": page.evaluate("() => window.__bench.phases")}


def repeat_visit(browser: Browser, url: str, requests: Requests) -> dict:
    """First visit, then (offline cache and snapshot kept) the same page again."""
    with fresh_page(browser, requests) as page:
        page.goto(url, wait_until="commit")
        first = wait_ready(page)
        deadline = time.monotonic() + 60
        while not page.evaluate(SNAPSHOT_KEPT_JS):
            if time.monotonic() > deadline:
                raise RuntimeError("the service worker or the start-up snapshot was not kept within 60 s")
            time.sleep(0.2)
        page.goto(url, wait_until="commit")
        return {"first": first, "ready": wait_ready(page)}


def pastes(browser: Browser, url: str, count: int, requests: Requests) -> dict:
    """Paste location blocks into the warm page: drawn findings and round trips."""
    with fresh_page(browser, requests) as page:
        page.goto(url)
        wait_ready(page)
        editor = page.get_by_test_id("editor")
        drawn, round_trips = [], []
        for i in range(count + 2):
            text = PASTES[i % 2]
            editor.click()
            page.keyboard.press("Control+A")
            took = page.evaluate(PASTE_JS, text)
            trip = page.evaluate(ROUND_TRIP_JS, text)
            if i >= 2:  # the first two warm the paths each block takes
                drawn.append(took)
                round_trips.append(trip)
        return {"drawn": drawn, "round_trip": round_trips}


def editor_interactive(browser: Browser, url: str, requests: Requests) -> dict:
    """Open `url` cold, type into the editor as soon as possible; when the
    `input` event fired and what the status phase was then."""
    with fresh_page(browser, requests) as page:
        page.goto(url, wait_until="commit")
        editor = page.get_by_test_id("editor")
        editor.focus(timeout=30_000)
        page.keyboard.type(MARKER)
        expect(editor).to_contain_text(MARKER, timeout=30_000)
        marks = page.evaluate("() => window.__bench")
        return {"input": marks["input"] if marks["input"] is not None else page.evaluate("() => performance.now()"),
                "phase": marks["inputPhase"] or "starting"}


# --------------------------------------------------------------------------
# Summaries and the report
# --------------------------------------------------------------------------

def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def summarize(samples: dict) -> dict:
    result = {}
    for where in ("loopback", "link"):
        bare, ours = samples[where]["bare"], samples[where]["ours"]
        result[where] = {
            "bare_ms": median([run["ready"] for run in bare]), "ours_ms": median([run["ready"] for run in ours]),
            "bare_bytes": median([run["bytes"] for run in bare]), "ours_bytes": median([run["bytes"] for run in ours]),
        }
        result[where]["ratio"] = result[where]["ours_ms"] / result[where]["bare_ms"]
        result[where]["phases"] = {
            name: {phase: median([run["phases"][phase] for run in runs]) for phase in runs[0]["phases"]}
            for name, runs in (("bare", bare), ("ours", ours))}
    result["repeat"] = {"ms": median([run["ready"] for run in samples["repeat"]]),
                        "first_ms": median([run["first"] for run in samples["repeat"]])}
    result["repeat"]["ratio"] = result["repeat"]["ms"] / result["loopback"]["ours_ms"]
    result["paste"] = {"drawn_p95": p95(samples["paste"]["drawn"]), "drawn_median": median(samples["paste"]["drawn"]),
                       "round_trip_p95": p95(samples["paste"]["round_trip"]),
                       "round_trip_median": median(samples["paste"]["round_trip"])}
    inputs = [run["input"] for run in samples["editor"]]
    result["editor"] = {"median": median(inputs), "phases": sorted({run["phase"] for run in samples["editor"]})}
    result["foreign_requests"] = samples["foreign"]
    result["ok"] = {
        "loopback": result["loopback"]["ratio"] <= FLOORS["loopback"],
        "link": result["link"]["ratio"] <= FLOORS["link"],
        "bytes": max(result["loopback"]["ours_bytes"], result["link"]["ours_bytes"]) <= FLOORS["megabytes"] * 1e6,
        "repeat": result["repeat"]["ratio"] <= FLOORS["repeat"],
        "paste": result["paste"]["drawn_p95"] <= FLOORS["paste_ms"],
        "origin": not samples["foreign"],
        "editor": result["editor"]["median"] <= FLOORS["editor_ms"] and "ready" not in result["editor"]["phases"],
    }
    return result


def ms(value: float) -> str:
    return f"{value:,.0f} ms"


def mb(value: float) -> str:
    return f"{value / 1e6:.2f} MB"


def verdict(flag: bool) -> str:
    return "yes" if flag else "**no**"


def report(result: dict, runs: int, link_runs: int, paste_count: int) -> str:
    loop, link, repeat, paste, ok = result["loopback"], result["link"], result["repeat"], result["paste"], result["ok"]
    rows = [
        "| measure | bare Pyodide | upstream-tls | ours/bare | floor | met |",
        "|---|---:|---:|---:|---:|:-:|",
        f"| cold start → ready, loopback (median of {runs}) | {ms(loop['bare_ms'])} | {ms(loop['ours_ms'])} "
        f"| {loop['ratio']:.2f}× | ≤ {FLOORS['loopback']}× | {verdict(ok['loopback'])} |",
        f"| cold start → ready, 20 Mbit/s, 40 ms RTT (median of {link_runs}) | {ms(link['bare_ms'])} "
        f"| {ms(link['ours_ms'])} | {link['ratio']:.2f}× | ≤ {FLOORS['link']}× | {verdict(ok['link'])} |",
        f"| bytes on the wire until ready | {mb(loop['bare_bytes'])} | {mb(loop['ours_bytes'])} "
        f"| {loop['ours_bytes'] / loop['bare_bytes']:.2f}× | ≤ {FLOORS['megabytes']:.0f} MB | {verdict(ok['bytes'])} |",
        f"| repeat visit → ready (offline cache and start-up snapshot; median of {runs}) | | {ms(repeat['ms'])} "
        f"| {repeat['ratio']:.2f}× our cold start | ≤ {FLOORS['repeat']}× | {verdict(ok['repeat'])} |",
        f"| paste a location block → findings drawn, p95 of {paste_count} (median) | | {ms(paste['drawn_p95'])} "
        f"({ms(paste['drawn_median'])}) | | ≤ {FLOORS['paste_ms']:.0f} ms | {verdict(ok['paste'])} |",
        f"| the analysis alone: worker round trip, p95 (median) | | {ms(paste['round_trip_p95'])} "
        f"({ms(paste['round_trip_median'])}) | | | |",
        f"| requests to another origin | | {len(result['foreign_requests'])} | | 0 | {verdict(ok['origin'])} |",
        f"| editor takes a typed key, median (status then) | | {ms(result['editor']['median'])} "
        f"({', '.join(result['editor']['phases'])}) | | ≤ {FLOORS['editor_ms']:.0f} ms, before ready "
        f"| {verdict(ok['editor'])} |",
    ]
    phases = loop["phases"]
    rows += ["", "Where a cold start's time goes, loopback (median ms since navigation):", "",
             "| status phase | bare Pyodide | upstream-tls |", "|---|---:|---:|"]
    for phase, meaning in (("runtime", "worker running, downloads start"),
                           ("packages", "ours: loadPyodide resolved (runtime, stdlib zip, Python started)"),
                           ("ready", "ours: core imported, snapshot kept; bare: loadPyodide resolved")):
        bare = phases["bare"].get(phase)
        rows.append(f"| {phase}: {meaning} | {ms(bare) if bare else ''} | {ms(phases['ours'][phase])} |")
    return "\n".join(rows)


def write_docs(table: str, environment: dict) -> None:
    text = DOCS.read_text()
    start, end = DOCS_MARKERS
    if start not in text or end not in text:
        raise SystemExit(f"{DOCS.relative_to(REPO)} has no {start} … {end} markers")
    note = (f"Chromium {environment['chromium']}, Pyodide {environment['pyodide']}, {environment['cpus']} CPUs, "
            f"build {environment['build']}; `python bench/bench_web.py --docs` writes this table.")
    before, rest = text.split(start, 1)
    after = rest.split(end, 1)[1]
    DOCS.write_text(f"{before}{start}\n{table}\n\n{note}\n{end}{after}")


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def measure(browser: Browser, bases: dict[str, str], links: dict[str, Link], args, log) -> dict:
    requests = Requests()
    samples: dict = {}
    for where, runs in (("loopback", args.runs), ("link", args.link_runs)):
        samples[where] = {"bare": [], "ours": []}
        for i in range(args.warmup + runs):
            for name, page in (("bare", "bench-bare.html"), ("ours", "index.html")):
                run = cold_start(browser, bases[where] + page, links[where], requests)
                label = "warm-up" if i < args.warmup else "run"
                log(f"{where} {label} {i + 1} {name}: ready at {run['ready']:,.0f} ms, {run['bytes'] / 1e6:.2f} MB")
                if i >= args.warmup:
                    samples[where][name].append(run)
    samples["repeat"] = []
    for i in range(args.runs):
        run = repeat_visit(browser, bases["loopback"] + "index.html", requests)
        log(f"repeat {i + 1}: first visit ready at {run['first']:,.0f} ms, repeat at {run['ready']:,.0f} ms")
        samples["repeat"].append(run)
    samples["paste"] = pastes(browser, bases["loopback"] + "index.html", args.pastes, requests)
    log(f"pastes: drawn {', '.join(f'{v:.0f}' for v in samples['paste']['drawn'])} ms")
    samples["editor"] = [editor_interactive(browser, bases["loopback"] + "index.html", requests)
                         for _ in range(args.runs)]
    log("editor: typed at " + ", ".join(f"{run['input']:.0f}" for run in samples["editor"]) + " ms")
    origins = {urlsplit(base)[:2] for base in bases.values()}
    samples["foreign"] = requests.foreign(origins)
    return samples


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="cold loopback runs of each page, repeat visits (7)")
    parser.add_argument("--link-runs", type=int, default=5, help="cold runs of each page through the slow link (5)")
    parser.add_argument("--warmup", type=int, default=1, help="discarded rounds first, per link (1)")
    parser.add_argument("--pastes", type=int, default=40, help="pastes timed with the core warm (40)")
    parser.add_argument("--json", type=Path, default=OUT_JSON, help="where to write the results (bench/out/web.json)")
    parser.add_argument("--docs", action="store_true", help="write the table into docs/benchmarks.md")
    parser.add_argument("--quiet", action="store_true", help="no per-run lines on stderr")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not (DIST / "build-info.json").is_file():
        print(f"{DIST} is not built; run `make dist` first", file=sys.stderr)
        return 2
    log = (lambda _: None) if args.quiet else (lambda line: print(line, file=sys.stderr, flush=True))

    started = time.time()
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp, sync_playwright() as playwright:
        info = prepare_site(Path(tmp))
        links = {"loopback": Link(), "link": Link(LINK["mbit"], LINK["rtt_ms"])}
        servers, bases = [], {}
        for where, link in links.items():
            server, bases[where] = serve_in_background(Path(tmp), link=link)
            servers.append(server)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            samples = measure(browser, bases, links, args, log)
            chromium = browser.version
        except Exception as error:  # noqa: BLE001 - a page that does not start fails the run
            print(f"bench_web: {error}", file=sys.stderr)
            return 2
        finally:
            browser.close()
            for server in servers:
                server.shutdown()

    result = summarize(samples)
    environment = {"chromium": chromium, "pyodide": info.get("pyodide"), "build": info.get("build"),
                   "python": platform.python_version(), "cpus": os.cpu_count(),
                   "seconds": round(time.time() - started, 1), "link": LINK}
    table = report(result, args.runs, args.link_runs, args.pastes)
    print(table)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({**result, "environment": environment, "samples": samples}, indent=1) + "\n")
    print(f"\nwrote {args.json}")
    if args.docs:
        write_docs(table, environment)
        print(f"wrote the table into {DOCS}")
    return 0 if all(result["ok"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
