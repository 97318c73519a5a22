"""The built site (dist/, from `make dist`): one zip of bytecode holding the
listed standard-library modules and every module of the pinned pure wheels,
a lock that lists no package, precompressed siblings that decode to their
file, a strict CSP with no inline script, a service worker that caches
every file, and reproducible wheels and compression."""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import brotli
import pytest
from unavailable import unavailable

ROOT = Path(__file__).resolve().parents[2]
DIST = Path(os.environ.get("UPSTREAM_TLS_DIST") or ROOT / "dist")  # a helper may build elsewhere
sys.path.insert(0, str(ROOT / "build"))

import build  # noqa: E402


@pytest.fixture(scope="module")
def info() -> dict:
    if not (DIST / "build-info.json").is_file():
        unavailable("dist/ is not built: run `make dist` (`make test` builds it first)")
    return json.loads((DIST / "build-info.json").read_text())


@pytest.fixture(scope="module")
def lock() -> dict:
    return json.loads((DIST / "pyodide" / "pyodide-lock.json").read_text())


@pytest.fixture(scope="module")
def python_zip() -> zipfile.ZipFile:
    return zipfile.ZipFile(DIST / "pyodide" / "python_stdlib.zip")


def test_the_lock_lists_no_package_and_the_stock_runtime(lock):
    stock = json.loads((ROOT / "build" / "node_modules" / "pyodide" / "pyodide-lock.json").read_text())
    assert lock == {"info": stock["info"], "packages": {}}
    assert not list((DIST / "pyodide").glob("*.whl"))


def test_the_zip_holds_the_listed_stdlib_and_every_module_of_every_wheel_as_bytecode(info, python_zip):
    names = set(python_zip.namelist())
    assert not [name for name in names if name.endswith((".py", ".so"))]
    for module in build.stdlib_modules():
        path = module.replace(".", "/")
        assert {f"{path}.pyc", f"{path}/__init__.pyc"} & names, module
    wheels = {path.name: path for path in [*(ROOT / "build" / "out" / "wheels").glob("*.whl"),
                                            *(ROOT / "build" / "out" / "project").glob("*.whl")]}
    assert set(info["wheels"]) <= set(wheels)
    for wheel in info["wheels"]:
        assert wheel.endswith("-none-any.whl"), wheel
        for name in zipfile.ZipFile(wheels[wheel]).namelist():
            if ".dist-info/" in name or "/__pycache__/" in name or name.endswith("/"):
                continue
            assert (name + "c" if name.endswith(".py") else name) in names, name
    assert "upstream_tls/templates/rule.md.j2" in names


def test_the_zip_is_stored_sorted_and_dated_1980(python_zip):
    entries = python_zip.infolist()
    assert [entry.filename for entry in entries] == sorted(entry.filename for entry in entries)
    assert {entry.compress_type for entry in entries} == {zipfile.ZIP_STORED}
    assert {entry.date_time for entry in entries} == {(1980, 1, 1, 0, 0, 0)}


def test_every_compressible_file_has_siblings_that_decode_to_it(info):
    for name, sizes in info["sizes"].items():
        data = (DIST / name).read_bytes()
        assert sizes["identity"] == len(data)
        for kind, decode in (("br", brotli.decompress), ("gz", gzip.decompress)):
            sibling = DIST / f"{name}.{kind}"
            assert sibling.is_file() == (kind in sizes), name
            if sibling.is_file():
                assert decode(sibling.read_bytes()) == data, sibling
                assert sibling.stat().st_size < len(data)
    for big in ("pyodide/pyodide.asm.wasm", "pyodide/python_stdlib.zip", "app.js"):
        assert set(info["sizes"][big]) == {"identity", "br", "gz"}


def test_compression_is_reproducible():
    data = (ROOT / "web" / "worker.js").read_bytes() * 20
    assert build.compressed(data) == build.compressed(data)


def test_worker_and_service_worker_name_the_same_runtime(info):
    worker = (DIST / "worker.js").read_text()
    assert f'const RUNTIME = "{info["runtime"]}";' in worker
    assert f'"snapshot " + "{info["runtime"]}"' in (DIST / "sw.js").read_text()
    assert "RUNTIME_ID" not in worker and "DOWNLOAD_SIZES" not in worker
    assert info["runtime"] == build.runtime_id(DIST)


def test_page_has_the_policy_and_no_inline_script(info):
    page = (DIST / "index.html").read_text()
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert meta and meta.group(1) == info["csp"]
    assert "'unsafe-eval'" not in info["csp"] and "script-src 'self' 'wasm-unsafe-eval'" in info["csp"]
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert not re.search(r"\son[a-z]+=", page)
    assert "{{" not in page


def test_nothing_in_the_site_points_at_a_cdn(info):
    for name in ("index.html", "app.js", "worker.js", "sw.js", *(f"chunks/{path.name}" for path in
                                                                 (DIST / "chunks").glob("*.js"))):
        text = (DIST / name).read_text()
        assert "cdn.jsdelivr" not in text and "unpkg.com" not in text, name


def test_service_worker_caches_every_file_under_the_build_name(info):
    worker = (DIST / "sw.js").read_text()
    files = json.loads(re.search(r"const FILES = (\[.*?\]);", worker).group(1))
    assert files == ["./", *info["files"]]
    assert all((DIST / name).is_file() for name in info["files"])
    assert f'const CACHE = PREFIX + "{info["build"]}";' in worker
    assert info["build"] == build.site_hash(DIST, info["files"])


def test_allowed_origins_reach_connect_src_and_bad_ones_are_refused(tmp_path):
    bad = subprocess.run([sys.executable, "build/build.py", "--out", str(tmp_path / "x"), "--allow-origin",
                          "https://llm.example.com/path"], cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 2 and "--allow-origin: not an origin" in bad.stderr
    clear = subprocess.run([sys.executable, "build/build.py", "--out", str(tmp_path / "x"), "--allow-origin",
                            "http://llm.internal:8080"], cwd=ROOT, capture_output=True, text=True)
    assert clear.returncode == 2 and "plain http to another machine" in clear.stderr
    policy = build.csp((*build.LLM_ORIGINS, "https://llm.example.com:8443"))
    connect = dict(part.split(" ", 1) for part in policy.split("; "))["connect-src"]
    assert connect.split() == ["'self'", *build.LLM_ORIGINS, "https://llm.example.com:8443"]


def test_wheels_are_reproducible(tmp_path):
    """The same sources give the same bytes (SOURCE_DATE_EPOCH): our wheel and
    the pure markupsafe built from its pinned sdist."""
    digests = []
    for attempt in range(2):
        out = tmp_path / str(attempt)
        env = {**os.environ, "SOURCE_DATE_EPOCH": build.SOURCE_DATE_EPOCH, "CC": "/bin/false"}
        for target in (["-r", str(ROOT / "build" / "markupsafe.txt"), "--no-binary=:all:", "--require-hashes"],
                       [str(ROOT)]):
            subprocess.run([sys.executable, "-m", "pip", "-q", "wheel", "--no-deps", "-w", str(out), *target],
                           check=True, env=env, capture_output=True)
        digests.append({path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in out.glob("*.whl")})
    assert digests[0] == digests[1]
    assert len(digests[0]) == 2 and all(name.endswith("py3-none-any.whl") for name in digests[0])
