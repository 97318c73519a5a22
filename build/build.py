"""Build dist/: the static site that runs the Python core in Pyodide.

Everything the page loads comes from here — the Pyodide runtime copied from
the pinned npm package; one zip, handed to Pyodide as its standard library,
that holds the standard-library modules the page imports
(build/stdlib-modules.txt) and our package and its dependencies from their
pinned pure wheels, all as bytecode, so nothing is unpacked or compiled in
the browser; a lock file that lists no package (none is loaded); the bundled
page; a service worker whose cache name is the build's hash; and beside every
file that compresses, its `.br` and `.gz` at maximum level for the server to
pick by Accept-Encoding. Nothing is fetched from a CDN at run time.

    python build/build.py [--out dist] [--allow-origin https://llm.example.com]
"""
from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import brotli

from upstream_tls.llm.providers import provider_origins

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
WEB = ROOT / "web"
CACHE = BUILD / "out"
PYODIDE = BUILD / "node_modules" / "pyodide"
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")
# The zip the worker passes to loadPyodide as stdLibURL (build/python_zip.mjs).
PYTHON_ZIP = "pyodide/python_stdlib.zip"
STDLIB_MODULES = BUILD / "stdlib-modules.txt"
# protocol.js: the worker imports it (the page has it bundled into app.js).
STATIC_FILES = ("index.html", "app.css", "favicon.svg", "sample.conf", "boot.js", "protocol.js")
# Wheels carry this timestamp, so the same sources give the same bytes.
SOURCE_DATE_EPOCH = "315532800"
# Written with .br and .gz siblings; the rest are small or already compressed.
COMPRESSIBLE = (".wasm", ".mjs", ".js", ".zip", ".whl", ".json", ".css", ".html", ".svg", ".conf")
# Not in the service worker's cache list: the worker itself and the files for the host.
HOST_FILES = ("sw.js", "_headers", "build-info.json")
# Where the page may send the one request a person asks for (the LLM call):
# the known providers (from the core's own table, so the CLI, the page and
# this policy name the same hosts), and local model servers. --allow-origin
# adds more. (A CSP source cannot name an IPv6 literal such as [::1]: use localhost.)
LLM_ORIGINS = (*provider_origins(), "http://localhost:*", "http://127.0.0.1:*")
LOOPBACK = re.compile(r"http://(localhost|127(\.\d{1,3}){3})(:(\d+|\*))?", re.IGNORECASE)


class BuildError(Exception):
    """A step failed; the message says which and why."""


def run(command: list[str], cwd: Path = ROOT, env: dict | None = None) -> None:
    result = subprocess.run(command, cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True)
    if result.returncode:
        raise BuildError(f"{' '.join(command)} failed:\n{result.stdout[-2000:]}{result.stderr[-4000:]}")


def npm_install() -> None:
    """node_modules from package-lock.json, skipped when already in step."""
    marker = BUILD / "node_modules" / ".package-lock.json"
    if not marker.exists() or marker.stat().st_mtime < (BUILD / "package-lock.json").stat().st_mtime:
        run(["npm", "ci", "--no-audit", "--no-fund"], cwd=BUILD)


def dependency_wheels() -> list[Path]:
    """The pinned runtime dependencies as pure wheels, cached in build/out."""
    wheels = CACHE / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    pinned = [line.split("==")[0] for line in (BUILD / "wheels.txt").read_text().splitlines()
              if line and not line.startswith("#")]
    if not all(list(wheels.glob(f"{name}-*.whl")) for name in pinned):
        run([*pip, "download", "--no-deps", "--only-binary=:all:", "--require-hashes",
             "-r", str(BUILD / "wheels.txt"), "-d", str(wheels)])
    if not list(wheels.glob("markupsafe-*-py3-none-any.whl")):
        run([*pip, "wheel", "--no-deps", "--no-binary=:all:", "--require-hashes", "-r", str(BUILD / "markupsafe.txt"),
             "-w", str(wheels)], env={"CC": "/bin/false", "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH})
    found = sorted(wheels.glob("*.whl"))
    verify_pinned(found)
    impure = [wheel.name for wheel in found if not wheel.name.endswith("-none-any.whl")]
    if impure:
        raise BuildError(f"not pure wheels, Pyodide cannot load them: {', '.join(impure)}")
    return found


def verify_pinned(wheels: list[Path]) -> None:
    """Cached wheels must still have the sha256 build/wheels.txt pins (pip
    checked them when it downloaded; the cache could have changed since)."""
    pins = dict(re.findall(r"^(\S+)==\S+ --hash=sha256:([0-9a-f]{64})", (BUILD / "wheels.txt").read_text(), re.M))
    for wheel in wheels:
        pinned = pins.get(canonical(wheel.name.split("-")[0]))
        if pinned and hashlib.sha256(wheel.read_bytes()).hexdigest() != pinned:
            raise BuildError(f"{wheel}: sha256 differs from build/wheels.txt; delete build/out/wheels and rebuild")


def project_wheel() -> Path:
    out = CACHE / "project"
    shutil.rmtree(out, ignore_errors=True)
    run([sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", "wheel", "--no-deps", "-w", str(out),
         str(ROOT)], env={"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH})
    return next(out.glob("upstream_tls-*.whl"))


def stdlib_modules() -> list[str]:
    return [line for line in STDLIB_MODULES.read_text().splitlines() if line and not line.startswith("#")]


def python_zip(wheels: list[Path], target: Path) -> None:
    """The trimmed standard library and the wheels' packages as one zip of
    bytecode, compiled by the pinned Pyodide's own Python (build/python_zip.mjs)."""
    modules = CACHE / "stdlib-modules.txt"
    modules.parent.mkdir(parents=True, exist_ok=True)
    modules.write_text("\n".join(stdlib_modules()) + "\n")
    run(["node", str(BUILD / "python_zip.mjs"), str(target), str(PYODIDE / "python_stdlib.zip"), str(modules),
         *map(str, wheels)], cwd=BUILD)


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def write_lock(target: Path) -> dict:
    """The lock loadPyodide reads: the stock runtime's info and no packages,
    since the page loads none (they are in the zip). A listed package whose
    file is absent would send Pyodide to its CDN."""
    stock = json.loads((PYODIDE / "pyodide-lock.json").read_text())
    lock = {"info": stock["info"], "packages": {}}
    target.write_text(json.dumps(lock, indent=1, sort_keys=True) + "\n")
    return lock


def csp(origins: tuple[str, ...]) -> str:
    """default-src 'self'; code only from this site (+ WebAssembly compile);
    connections only to this site and the LLM origins. Styles allow inline
    style attributes because CodeMirror positions its gutters and tooltips
    with them (a nonce would need a server); no markup is ever built from
    input, so no input can reach a style attribute."""
    return "; ".join([
        "default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "worker-src 'self'",
        "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:", f"connect-src 'self' {' '.join(origins)}",
        "object-src 'none'", "base-uri 'none'", "form-action 'none'",
    ])


def bundle(out: Path) -> None:
    """app.js, and in chunks/ what it imports on demand (the merge view)."""
    esbuild = BUILD / "node_modules" / ".bin" / "esbuild"
    run([str(esbuild), str(WEB / "app.js"), "--bundle", "--format=esm", "--splitting", "--minify", "--target=es2022",
         "--legal-comments=none", f"--outdir={out}", "--entry-names=[name]", "--chunk-names=chunks/[name]-[hash]"],
        cwd=BUILD, env={"NODE_PATH": str(BUILD / "node_modules")})


def copy_static(out: Path, version: str, policy: str) -> None:
    sources = {"app.css": WEB / "styles.css", "sample.conf": ROOT / "examples" / "broken.conf"}
    for name in STATIC_FILES:
        shutil.copyfile(sources.get(name, WEB / name), out / name)
    page = (WEB / "index.html").read_text()
    (out / "index.html").write_text(page.replace("{{CSP}}", policy).replace("{{VERSION}}", version))


def write_worker(out: Path, runtime: str, downloads: tuple[str, ...]) -> None:
    """worker.js with the runtime's id (which start-up snapshots fit it) and
    the size of each file it downloads, plain and brotli (the progress bar's
    total before the responses tell)."""
    sizes = {}
    for name in downloads:
        data = (out / name).read_bytes()
        sizes[name] = {"identity": len(data), "br": len(cached_compression(data)["br"])}
    source = (WEB / "worker.js").read_text()
    (out / "worker.js").write_text(source.replace("RUNTIME_ID", json.dumps(runtime))
                                   .replace("DOWNLOAD_SIZES", json.dumps(sizes, sort_keys=True)))


def runtime_id(out: Path) -> str:
    """What a memory snapshot of the started core depends on: the Pyodide
    runtime, the Python zip, and the worker's start-up code."""
    digest = hashlib.sha256()
    for path in [*(out / "pyodide" / name for name in PYODIDE_FILES), out / PYTHON_ZIP, WEB / "worker.js"]:
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def site_files(out: Path) -> list[str]:
    return sorted(path.relative_to(out).as_posix() for path in out.rglob("*")
                  if path.is_file() and path.name not in HOST_FILES and not path.name.endswith((".br", ".gz")))


def compressed(data: bytes) -> dict[str, bytes]:
    """Brotli at quality 11 (window 2^24) and gzip at level 9 without a
    timestamp: the same input gives the same bytes (for a given brotli)."""
    return {"br": brotli.compress(data, quality=11, lgwin=24), "gz": gzip.compress(data, 9, mtime=0)}


def cached_compression(data: bytes) -> dict[str, bytes]:
    """compressed(), kept in build/out by content: brotli takes ~40 s for the wasm."""
    folder = CACHE / "compressed" / f"brotli-{brotli.version}"
    key = hashlib.sha256(data).hexdigest()
    paths = {kind: folder / f"{key}.{kind}" for kind in ("br", "gz")}
    if all(path.is_file() for path in paths.values()):
        return {kind: path.read_bytes() for kind, path in paths.items()}
    result = compressed(data)
    folder.mkdir(parents=True, exist_ok=True)
    for kind, path in paths.items():
        path.write_bytes(result[kind])
    return result


def precompress(out: Path, files: list[str]) -> dict[str, dict[str, int]]:
    """Writes NAME.br and NAME.gz beside each compressible file, when smaller
    than the file; returns every file's size per encoding."""
    names = [name for name in files if name.endswith(COMPRESSIBLE)]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = pool.map(lambda name: cached_compression((out / name).read_bytes()), names)
        sizes = {}
        for name, variants in zip(names, results, strict=True):
            original = (out / name).stat().st_size
            sizes[name] = {"identity": original}
            for kind, data in variants.items():
                if len(data) < original:
                    (out / f"{name}.{kind}").write_bytes(data)
                    sizes[name][kind] = len(data)
    return sizes


def site_hash(out: Path, files: list[str]) -> str:
    digest = hashlib.sha256()
    for name in files:
        digest.update(name.encode() + b"\0" + hashlib.sha256((out / name).read_bytes()).digest())
    return base64.b32encode(digest.digest()).decode().lower()[:12]


def write_service_worker(out: Path, files: list[str], build_id: str, runtime: str) -> None:
    source = (WEB / "sw.js").read_text()
    source = (source.replace("BUILD_VERSION", json.dumps(build_id)).replace("BUILD_FILES", json.dumps(["./", *files]))
              .replace("RUNTIME_ID", json.dumps(runtime)))
    (out / "sw.js").write_text(source)


def security_headers(header_csp: str) -> dict[str, str]:
    """The headers every response of the site carries, in one place: `_headers`
    (Netlify, Cloudflare Pages) and build/serve.py both take them from here
    (serve.py through build-info.json). The CSP as a header also covers the
    worker and forbids framing; the page needs no camera, microphone,
    location or payment; no other window keeps a handle on it; every file is
    revalidated (names do not change between builds)."""
    return {
        "Content-Security-Policy": header_csp,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), "
                              "bluetooth=(), clipboard-read=()",
        "Cross-Origin-Opener-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "Cache-Control": "no-cache",
    }


def write_headers(out: Path, headers: dict[str, str]) -> None:
    (out / "_headers").write_text("/*\n" + "".join(f"  {name}: {value}\n" for name, value in headers.items()))


def build(out: Path, extra_origins: tuple[str, ...] = ()) -> dict:
    npm_install()
    wheels = [project_wheel(), *dependency_wheels()]
    shutil.rmtree(out, ignore_errors=True)
    (out / "pyodide").mkdir(parents=True)
    for name in PYODIDE_FILES:
        shutil.copyfile(PYODIDE / name, out / "pyodide" / name)
    python_zip(wheels, out / PYTHON_ZIP)
    lock = write_lock(out / "pyodide" / "pyodide-lock.json")
    origins = (*LLM_ORIGINS, *extra_origins)
    meta_policy = csp(origins)
    header_policy = meta_policy + "; frame-ancestors 'none'"
    version = project_version(wheels[0])
    bundle(out)
    copy_static(out, version, meta_policy)
    runtime = runtime_id(out)
    downloads = ("pyodide/pyodide.asm.wasm", PYTHON_ZIP, "pyodide/pyodide-lock.json")
    write_worker(out, runtime, downloads)
    files = site_files(out)
    build_id = site_hash(out, files)
    write_service_worker(out, files, build_id, runtime)
    headers = security_headers(header_policy)
    write_headers(out, headers)
    sizes = precompress(out, [*files, "sw.js"])
    info = {"build": build_id, "runtime": runtime, "version": version,
            "pyodide": json.loads((PYODIDE / "package.json").read_text())["version"], "csp": meta_policy,
            "csp_header": header_policy, "headers": headers, "connect_origins": list(origins),
            "python_info": lock["info"], "wheels": {wheel.name: hashlib.sha256(wheel.read_bytes()).hexdigest()
                                                    for wheel in wheels},
            "stdlib_modules": stdlib_modules(), "files": files, "sizes": sizes}
    (out / "build-info.json").write_text(json.dumps(info, indent=1) + "\n")
    return info


def project_version(wheel: Path) -> str:
    return wheel.name.split("-")[1]


ORIGIN = re.compile(r"https?://[a-z0-9.-]+(:(\d+|\*))?", re.IGNORECASE)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--allow-origin", action="append", default=[], metavar="ORIGIN",
                        help="one more origin the page may call for the LLM (scheme://host[:port]); repeatable")
    args = parser.parse_args(argv)
    bad = [origin for origin in args.allow_origin if not ORIGIN.fullmatch(origin)]
    if bad:
        print(f"--allow-origin: not an origin: {bad[0]!r} (expected scheme://host[:port])", file=sys.stderr)
        return 2
    clear = [origin for origin in args.allow_origin if origin.lower().startswith("http:") and
             not LOOPBACK.fullmatch(origin)]
    if clear:
        print(f"--allow-origin: {clear[0]!r} is plain http to another machine: the API key would cross the network "
              "in clear text; use https://", file=sys.stderr)
        return 2
    try:
        info = build(args.out.resolve(), tuple(args.allow_origin))
    except BuildError as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 1
    total = sum(sizes["identity"] for sizes in info["sizes"].values())
    wire = sum(min(sizes.values()) for sizes in info["sizes"].values())
    print(f"built {args.out} ({len(info['files'])} files, {total / 1e6:.1f} MB, {wire / 1e6:.1f} MB compressed, "
          f"build {info['build']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
