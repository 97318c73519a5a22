"""Build dist/: the static site that runs the Python core in Pyodide.

Everything the page loads comes from here — the Pyodide runtime copied from
the pinned npm package, our wheel and its dependencies as pure wheels, a
Pyodide lock file that lists exactly those wheels with their sha256, the
bundled page, and a service worker whose cache name is the build's hash.
Nothing is fetched from a CDN at run time.

    python build/build.py [--out dist] [--allow-origin https://llm.example.com]
"""
from __future__ import annotations

import argparse
import base64
import email.parser
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
WEB = ROOT / "web"
CACHE = BUILD / "out"
PYODIDE = BUILD / "node_modules" / "pyodide"
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")
STATIC_FILES = ("index.html", "app.css", "favicon.svg", "sample.conf", "boot.js", "worker.js")
# Wheels carry this timestamp, so the same sources give the same bytes.
SOURCE_DATE_EPOCH = "315532800"
# Imported before the page says "ready": shipped with bytecode, so the browser
# does not compile them at every cold start (about 90 ms of the ~200 ms of
# imports). jinja2 and asn1crypto are imported on first use only; bytecode
# would triple their download for nothing at start.
PRECOMPILED = ("upstream_tls", "crossplane")
# Where the page may send the one request a person asks for (the LLM call):
# the known providers, and local model servers. --allow-origin adds more.
# (A CSP source cannot name an IPv6 literal such as [::1]: use localhost.)
LLM_ORIGINS = ("https://api.openai.com", "https://api.anthropic.com", "http://localhost:*", "http://127.0.0.1:*")
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


def add_bytecode(wheels: list[Path]) -> list[Path]:
    """The PRECOMPILED wheels with Pyodide's bytecode added (build/precompile.mjs)."""
    out = CACHE / "bytecode"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    chosen = [wheel for wheel in wheels if wheel.name.split("-")[0] in PRECOMPILED]
    run(["node", str(BUILD / "precompile.mjs"), str(out), *map(str, chosen)], cwd=BUILD)
    return [out / wheel.name if wheel in chosen else wheel for wheel in wheels]


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_entry(wheel: Path) -> tuple[str, dict]:
    """The Pyodide lock entry of a wheel: name, version, what it imports and
    needs, and the sha256 the browser checks before installing it."""
    with zipfile.ZipFile(wheel) as archive:
        metadata_path = next(name for name in archive.namelist() if name.endswith(".dist-info/METADATA"))
        metadata = email.parser.Parser().parsestr(archive.read(metadata_path).decode())
        tops = {name.split("/", 1)[0] for name in archive.namelist()}
    tops = {top for top in tops if not top.endswith(".dist-info")}
    imports = sorted(top.removesuffix(".py") for top in tops if "." not in top.removesuffix(".py"))
    depends = sorted({canonical(re.split(r"[\s;<>=!~\[(]", requirement, maxsplit=1)[0])
                      for requirement in metadata.get_all("Requires-Dist") or ()
                      if "extra ==" not in requirement and "python_version" not in requirement})
    name = canonical(metadata["Name"])
    return name, {
        "name": metadata["Name"], "version": metadata["Version"], "file_name": wheel.name, "install_dir": "site",
        "sha256": hashlib.sha256(wheel.read_bytes()).hexdigest(), "package_type": "package", "imports": imports,
        "depends": depends, "unvendored_tests": False,
    }


def write_lock(wheels: list[Path], target: Path) -> dict:
    """A lock listing exactly our wheels (a listed file that is absent would
    send Pyodide to its CDN); every dependency must be one of them."""
    stock = json.loads((PYODIDE / "pyodide-lock.json").read_text())
    packages = dict(lock_entry(wheel) for wheel in wheels)
    missing = {dep for entry in packages.values() for dep in entry["depends"]} - packages.keys()
    if missing:
        raise BuildError(f"the lock names dependencies no wheel provides: {', '.join(sorted(missing))}")
    lock = {"info": stock["info"], "packages": dict(sorted(packages.items()))}
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
    esbuild = BUILD / "node_modules" / ".bin" / "esbuild"
    run([str(esbuild), str(WEB / "app.js"), "--bundle", "--format=esm", "--minify", "--target=es2022",
         "--legal-comments=none", f"--outfile={out / 'app.js'}"], cwd=BUILD,
        env={"NODE_PATH": str(BUILD / "node_modules")})


def copy_static(out: Path, version: str, policy: str) -> None:
    sources = {"app.css": WEB / "styles.css", "sample.conf": ROOT / "examples" / "broken.conf"}
    for name in STATIC_FILES:
        shutil.copyfile(sources.get(name, WEB / name), out / name)
    page = (WEB / "index.html").read_text()
    (out / "index.html").write_text(page.replace("{{CSP}}", policy).replace("{{VERSION}}", version))


def site_files(out: Path) -> list[str]:
    return sorted(path.relative_to(out).as_posix() for path in out.rglob("*")
                  if path.is_file() and path.name not in ("sw.js", "_headers", "build-info.json"))


def site_hash(out: Path, files: list[str]) -> str:
    digest = hashlib.sha256()
    for name in files:
        digest.update(name.encode() + b"\0" + hashlib.sha256((out / name).read_bytes()).digest())
    return base64.b32encode(digest.digest()).decode().lower()[:12]


def write_service_worker(out: Path, files: list[str], build_id: str) -> None:
    source = (WEB / "sw.js").read_text()
    source = source.replace("BUILD_VERSION", json.dumps(build_id)).replace("BUILD_FILES", json.dumps(["./", *files]))
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
    wheels = add_bytecode([project_wheel(), *dependency_wheels()])
    shutil.rmtree(out, ignore_errors=True)
    (out / "pyodide").mkdir(parents=True)
    for name in PYODIDE_FILES:
        shutil.copyfile(PYODIDE / name, out / "pyodide" / name)
    for wheel in wheels:
        shutil.copyfile(wheel, out / "pyodide" / wheel.name)
    lock = write_lock(wheels, out / "pyodide" / "pyodide-lock.json")
    origins = (*LLM_ORIGINS, *extra_origins)
    meta_policy = csp(origins)
    header_policy = meta_policy + "; frame-ancestors 'none'"
    from_project = lock["packages"]["upstream-tls"]["version"]
    bundle(out)
    copy_static(out, from_project, meta_policy)
    files = site_files(out)
    build_id = site_hash(out, files)
    write_service_worker(out, files, build_id)
    headers = security_headers(header_policy)
    write_headers(out, headers)
    info = {"build": build_id, "version": from_project, "pyodide": json.loads((PYODIDE / "package.json").read_text())
            ["version"], "csp": meta_policy, "csp_header": header_policy, "headers": headers,
            "connect_origins": list(origins),
            "wheels": {entry["file_name"]: entry["sha256"] for entry in lock["packages"].values()}, "files": files}
    (out / "build-info.json").write_text(json.dumps(info, indent=1) + "\n")
    return info


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
    total = sum((args.out / name).stat().st_size for name in info["files"])
    print(f"built {args.out} ({len(info['files'])} files, {total / 1e6:.1f} MB, build {info['build']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
