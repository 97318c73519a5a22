#!/usr/bin/env python3
"""Benchmark the web page's start against bare Pyodide, in one browser session.

What is compared, and why:

1. Cold start to "ready". Most of a first visit is Pyodide itself (a ~10 MB
   wasm runtime and the stdlib zip), which we cannot make faster. What we add
   on top is ours to answer for: the page bundle, our wheels, importing
   `upstream_tls.bridge`, and whatever else the page starts meanwhile (the
   service worker). So the baseline is a *bare page*: a module worker that
   imports the same `pyodide/pyodide.mjs` and calls `loadPyodide` with the same
   indexURL and lockFileURL, from the same server and the same URLs, and does
   nothing else. Absolute seconds depend on the machine; the ratio ours/bare
   does not, so both are measured in the same run, alternating bare/ours, each
   in a new browser context (empty HTTP cache, no service worker: a cold
   first visit). Budget: ours <= 1.2x bare (wheels and imports add <= 20%).

2. Editor interactive. The config editor must take typing within 1 s of
   navigation, whether or not Pyodide has started. Each run opens the page
   cold, focuses the editor as soon as it exists, types a marker, waits until
   the marker is in the editor's DOM. The time is the page's own clock
   (ms since navigation start) at the `input` event the keystroke caused, with
   the status phase at that moment, which shows it did not wait for Pyodide.

Every time is `performance.now()` in the page (ms since navigation start),
recorded by a small init script, so no Playwright round trip is in it. dist/ is
copied into a temporary directory (a snapshot: a rebuild during the run cannot
change it) and the bare page and its worker are added there, so both pages
load byte-identical Pyodide files from the same URLs with the same headers,
served by build/serve.py (CSP included).

    python bench/bench_web.py [--runs 7] [--warmup 1] [--max-ratio 1.2]
                              [--max-editor-ms 1000] [--json bench/out/web.json]
                              [--diagnose-sw]

--diagnose-sw adds a third cold variant, our page with service workers
blocked, to show what the service worker's install (which fetches every file
again, revalidating) costs the first visit; the page registers it only once
the core is ready. It is reported, not judged.

Exits 1 when a budget is exceeded, 2 when the page or the baseline failed.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import socketserver
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Browser, expect, sync_playwright

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "build"))
from serve import serve_in_background  # noqa: E402

DIST = Path(os.environ.get("UPSTREAM_TLS_DIST") or REPO / "dist")
OUT_JSON = REPO / "bench" / "out" / "web.json"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--no-first-run", "--disable-sync", "--disable-quic",
    # Belt and braces: nothing but 127.0.0.1 resolves.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
READY_TIMEOUT_MS = 180_000
MARKER = "zqx"

# The baseline: same worker shape as web/worker.js up to loadPyodide, then stop.
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
BARE_WORKER_JS = """\
import { loadPyodide } from "./pyodide/pyodide.mjs";

self.postMessage({ phase: "runtime" });
const indexURL = new URL("./pyodide/", self.location.href).href;
await loadPyodide({ indexURL, lockFileURL: indexURL + "pyodide-lock.json", stdout: () => {}, stderr: () => {} });
self.postMessage({ phase: "ready" });
"""

# Injected before any page script (over CDP, so the page's CSP does not apply):
# the time each status phase first appears, when the editor is mounted, and the
# first `input` event inside the editor with the phase at that moment.
RECORDER_JS = """\
(() => {
  const marks = (window.__bench = { phases: {}, mounted: null, input: null, inputPhase: null });
  const phase = () => document.querySelector("[data-testid=status]")?.dataset.phase ?? null;
  new MutationObserver(() => {
    const now = performance.now(), current = phase();
    if (current && !(current in marks.phases)) marks.phases[current] = now;
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-phase"] });
  const mount = new MutationObserver(() => {
    if (document.querySelector("[data-testid=editor]")) { marks.mounted = performance.now(); mount.disconnect(); }
  });
  mount.observe(document, { subtree: true, childList: true });
  document.addEventListener("input", (event) => {
    if (marks.input === null && event.target.closest?.("[data-testid=editor]")) {
      marks.input = performance.now();
      marks.inputPhase = phase();
    }
  }, true);
})();
"""
PAGE_MARKS_JS = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  return { ...window.__bench, timeOrigin: performance.timeOrigin,
           dcl: nav ? nav.domContentLoadedEventEnd : null, load: nav ? nav.loadEventEnd : null };
}"""
WORKER_MARKS_JS = """() => ({
  timeOrigin: performance.timeOrigin,
  resources: performance.getEntriesByType("resource").map((e) => ({
    name: e.name.split("/").pop(), start: e.startTime, end: e.responseEnd, bytes: e.encodedBodySize })),
})"""


# --------------------------------------------------------------------------
# Site: dist/ plus the bare page, served the way build/serve.py serves dist/
# --------------------------------------------------------------------------

def prepare_site(target: Path) -> dict:
    """Copy dist/ to `target`, add the bare page; return the copy's build-info."""
    shutil.copytree(DIST, target, dirs_exist_ok=True)
    info = json.loads((target / "build-info.json").read_text())
    (target / "bench-bare.html").write_text(BARE_HTML.format(csp=info["csp"]))
    (target / "bench-bare.js").write_text(BARE_PAGE_JS)
    (target / "bench-bare-worker.js").write_text(BARE_WORKER_JS)
    return info


def quiet_disconnects(server: socketserver.BaseServer) -> None:
    """Closing a context mid-download resets connections; that is expected here."""
    report_error = server.handle_error

    def handle_error(request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):
            report_error(request, client_address)

    server.handle_error = handle_error


def launch(playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


# --------------------------------------------------------------------------
# One cold run each
# --------------------------------------------------------------------------

def worker_marks(workers: list, page_origin: float) -> dict:
    """Resource timings of the page's (single) worker, on the page's clock."""
    if not workers:
        return {}
    marks = workers[0].evaluate(WORKER_MARKS_JS)
    shift = marks["timeOrigin"] - page_origin
    return {
        "started": shift,
        "resources": [{**r, "start": r["start"] + shift, "end": r["end"] + shift} for r in marks["resources"]],
    }


def cold_start(browser: Browser, url: str, service_workers: str = "allow") -> dict:
    """Open `url` in a fresh context and wait for status phase ready (or error)."""
    context = browser.new_context(service_workers=service_workers)
    try:
        context.add_init_script(RECORDER_JS)
        page = context.new_page()
        workers: list = []
        page.on("worker", lambda worker: workers.append(worker))
        page.goto(url, wait_until="commit")
        status = page.get_by_test_id("status")
        expect(status).to_have_attribute("data-phase", re.compile("^(ready|error)$"), timeout=READY_TIMEOUT_MS)
        if status.get_attribute("data-phase") == "error":
            raise RuntimeError(f"{url}: {status.text_content()}")
        expect(status).to_have_text(re.compile("ready$"))
        marks = page.evaluate(PAGE_MARKS_JS)
        return {**marks, "worker": worker_marks(workers, marks["timeOrigin"])}
    finally:
        context.close()


def editor_interactive(browser: Browser, url: str) -> dict:
    """Open `url` cold, type into the editor as soon as possible, see the text.

    focus() rather than click(): click's actionability checks (stable box, hit
    target) cost Playwright round trips that would be counted against the page.
    """
    context = browser.new_context()
    try:
        context.add_init_script(RECORDER_JS)
        page = context.new_page()
        page.goto(url, wait_until="commit")
        editor = page.get_by_test_id("editor")
        editor.focus(timeout=30_000)
        page.keyboard.type(MARKER)
        expect(editor).to_contain_text(MARKER, timeout=30_000)
        marks = page.evaluate(PAGE_MARKS_JS)
        marks["seen"] = page.evaluate("() => performance.now()")  # upper bound, includes a round trip
        if marks["input"] is None:  # no `input` event seen: fall back to the (later) moment we saw the text
            marks["input"] = marks["seen"]
            marks["inputPhase"] = page.get_by_test_id("status").get_attribute("data-phase")
        return marks
    finally:
        context.close()


# --------------------------------------------------------------------------
# Summaries
# --------------------------------------------------------------------------

def median(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


FETCHED = ("pyodide-lock.json", "pyodide.asm.mjs", "python_stdlib.zip", "pyodide.asm.wasm")


def fetched(run: dict, match) -> float | None:
    """When the worker had the last file whose name satisfies `match`."""
    return max((r["end"] for r in run.get("worker", {}).get("resources", []) if match(r["name"])), default=None)


def summarize_cold(runs: list[dict]) -> dict:
    """Medians of the milestones, all in ms since navigation start."""
    phases = {p for run in runs for p in run["phases"]}
    return {
        "ready": median([run["phases"]["ready"] for run in runs]),
        "ready_all": [round(run["phases"]["ready"], 1) for run in runs],
        "dcl": median([run["dcl"] for run in runs]),
        "worker_started": median([run.get("worker", {}).get("started") for run in runs]),
        "phases": {p: median([run["phases"].get(p) for run in runs]) for p in phases},
        "fetched": {name: median([fetched(run, name.__eq__) for run in runs]) for name in FETCHED},
        "wheels_fetched": median([fetched(run, lambda name: name.endswith(".whl")) for run in runs]),
    }


def summarize_editor(runs: list[dict], budget_ms: float) -> dict:
    inputs = [run["input"] for run in runs]
    return {
        "median": median(inputs),
        "max": max(inputs),
        "all": [round(v, 1) for v in inputs],
        "mounted": median([run["mounted"] for run in runs]),
        "dcl": median([run["dcl"] for run in runs]),
        "seen": median([run["seen"] for run in runs]),
        "phases_at_input": sorted({run["inputPhase"] or "starting" for run in runs}),
        "before_ready": all(run["inputPhase"] != "ready" for run in runs),
        "under_budget_all": all(v <= budget_ms for v in inputs),
    }


def fmt(ms: float | None) -> str:
    return "–" if ms is None else f"{ms:,.0f}"


def verdict(flag: bool) -> str:
    return "yes" if flag else "**NO**"


def start_table(result: dict) -> list[str]:
    bare, ours, budgets = result["bare"], result["ours"], result["budgets"]
    packages = ours["phases"].get("packages")
    lines = [
        "| measure | bare Pyodide | upstream-tls | ours/bare | budget | ok |",
        "|---|---:|---:|---:|---:|:-:|",
        f"| navigation → ready | {fmt(bare['ready'])} | {fmt(ours['ready'])} | {result['ratio']:.2f}× "
        f"| ≤ {budgets['max_ratio']}× | {verdict(result['ratio_ok'])} |",
        f"| navigation → loadPyodide resolved | {fmt(bare['ready'])} | {fmt(packages)} "
        f"| {packages / bare['ready']:.2f}× | | |",
    ]
    if "ours_no_sw" in result:
        no_sw = result["ours_no_sw"]
        lines.append(f"| navigation → ready, service worker blocked | {fmt(bare['ready'])} | {fmt(no_sw['ready'])} "
                     f"| {no_sw['ready'] / bare['ready']:.2f}× | (diagnostic) | |")
    return lines


def phase_table(result: dict) -> list[str]:
    bare, ours = result["bare"], result["ours"]
    lines = ["| milestone | bare | ours | ours − bare |", "|---|---:|---:|---:|"]

    def row(label: str, b: float | None, o: float | None) -> None:
        delta = f"{o - b:+,.0f}" if b is not None and o is not None else ""
        lines.append(f"| {label} | {fmt(b)} | {fmt(o)} | {delta} |")

    row("DOMContentLoaded", bare["dcl"], ours["dcl"])
    row("worker created", bare["worker_started"], ours["worker_started"])
    row("phase runtime (worker module running)", bare["phases"].get("runtime"), ours["phases"].get("runtime"))
    for name in FETCHED:
        row(f"{name} fetched", bare["fetched"][name], ours["fetched"][name])
    row("loadPyodide resolved (ours: phase packages)", bare["ready"], ours["phases"].get("packages"))
    row("wheels fetched", None, ours["wheels_fetched"])
    row("phase ready (wheels installed, bridge imported)", None, ours["ready"])
    lines.append(f"| packages → ready (our wheels + imports) | | {fmt(result['ours_wheels_and_import'])} | |")
    return lines


def editor_table(result: dict) -> list[str]:
    editor = result["editor"]
    return [
        "| typed: median | typed: max | editor mounted | DOMContentLoaded | text seen by Playwright "
        "| status phase when typed | budget | ok |",
        "|---:|---:|---:|---:|---:|---|---|:-:|",
        f"| {fmt(editor['median'])} | {fmt(editor['max'])} | {fmt(editor['mounted'])} | {fmt(editor['dcl'])} "
        f"| {fmt(editor['seen'])} | {', '.join(editor['phases_at_input'])} "
        f"| ≤ {result['budgets']['max_editor_ms']:.0f} ms median, before ready | {verdict(result['editor_ok'])} |",
    ]


def report(result: dict) -> str:
    runs = result["runs"]
    return "\n".join([
        f"### Cold start to ready, {runs} runs each (median ms since navigation)", "",
        *start_table(result), "",
        "Where the time goes (median ms since navigation):", "",
        *phase_table(result), "",
        f"### Editor interactive, {runs} cold runs (ms since navigation to the typed key's `input` event)", "",
        *editor_table(result),
    ])


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def measure(browser: Browser, base: str, args, log) -> dict[str, list[dict]]:
    """Alternate the cold-start variants, then the editor runs; warm-up runs are dropped."""
    variants = [("bare", "bench-bare.html", "allow"), ("ours", "index.html", "allow")]
    if args.diagnose_sw:
        variants.append(("ours_no_sw", "index.html", "block"))
    samples: dict[str, list[dict]] = {name: [] for name, _, _ in variants}
    for i in range(args.warmup + args.runs):
        label = f"warm-up {i + 1}" if i < args.warmup else f"run {i - args.warmup + 1}"
        for name, page, service_workers in variants:
            run = cold_start(browser, base + page, service_workers)
            log(f"{label} {name}: ready at {run['phases']['ready']:.0f} ms")
            if i >= args.warmup:
                samples[name].append(run)
    samples["editor"] = []
    for i in range(args.runs):
        run = editor_interactive(browser, base + "index.html")
        log(f"editor {i + 1}: typed at {run['input']:.0f} ms (phase {run['inputPhase'] or 'starting'})")
        samples["editor"].append(run)
    return samples


def summarize(samples: dict[str, list[dict]], args) -> dict:
    result = {name: summarize_cold(runs) for name, runs in samples.items() if name != "editor"}
    result["editor"] = summarize_editor(samples["editor"], args.max_editor_ms)
    result["ratio"] = result["ours"]["ready"] / result["bare"]["ready"]
    result["ours_wheels_and_import"] = result["ours"]["ready"] - result["ours"]["phases"]["packages"]
    result["budgets"] = {"max_ratio": args.max_ratio, "max_editor_ms": args.max_editor_ms}
    result["ratio_ok"] = result["ratio"] <= args.max_ratio
    # Typing must not wait for Pyodide: every keystroke landed before "ready".
    result["editor_ok"] = result["editor"]["median"] <= args.max_editor_ms and result["editor"]["before_ready"]
    return result


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="cold runs of each page (default 7)")
    parser.add_argument("--warmup", type=int, default=1, help="discarded rounds first (default 1)")
    parser.add_argument("--max-ratio", type=float, default=1.2, help="budget for ours/bare to ready (default 1.2)")
    parser.add_argument("--max-editor-ms", type=float, default=1000, help="budget for the editor median (default 1000)")
    parser.add_argument("--diagnose-sw", action="store_true", help="also time our page with service workers blocked")
    parser.add_argument("--json", type=Path, default=OUT_JSON, help="where to write the results (bench/out/web.json)")
    parser.add_argument("--quiet", action="store_true", help="no per-run lines on stderr")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not (DIST / "build-info.json").is_file():
        print("dist/ is not built; run `make dist` first", file=sys.stderr)
        return 2
    log = (lambda _: None) if args.quiet else (lambda line: print(line, file=sys.stderr, flush=True))

    started = time.time()
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp, sync_playwright() as playwright:
        info = prepare_site(Path(tmp))
        server, base = serve_in_background(Path(tmp))
        quiet_disconnects(server)
        browser = launch(playwright)
        try:
            samples = measure(browser, base, args, log)
            chromium = browser.version
        except Exception as error:  # noqa: BLE001 - a page that does not start fails the check
            print(f"bench_web: {error}", file=sys.stderr)
            return 2
        finally:
            browser.close()
            server.shutdown()

    result = summarize(samples, args)
    result.update(runs=args.runs, warmup=args.warmup, environment={
        "chromium": chromium, "pyodide": info.get("pyodide"), "build": info.get("build"),
        "python": platform.python_version(), "cpus": os.cpu_count(), "seconds": round(time.time() - started, 1)},
        samples=samples)
    print(report(result))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=1) + "\n")
    print(f"\nwrote {args.json}")
    return 0 if result["ratio_ok"] and result["editor_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
