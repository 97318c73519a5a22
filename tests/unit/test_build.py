"""The built site (dist/, from `make dist`): a lock that lists exactly the
wheels shipped with their sha256, pure wheels, a strict CSP with no inline
script, a service worker that caches every file, and reproducible wheels."""
from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIST = Path(os.environ.get("UPSTREAM_TLS_DIST") or ROOT / "dist")  # a helper may build elsewhere
sys.path.insert(0, str(ROOT / "build"))

import build  # noqa: E402


@pytest.fixture(scope="module")
def info() -> dict:
    if not (DIST / "build-info.json").is_file():
        if os.environ.get("CI"):
            pytest.fail("dist/ is not built: `make test` builds it first")
        pytest.skip("dist/ is not built: run `make dist`")
    return json.loads((DIST / "build-info.json").read_text())


@pytest.fixture(scope="module")
def lock() -> dict:
    return json.loads((DIST / "pyodide" / "pyodide-lock.json").read_text())


def test_lock_lists_exactly_the_shipped_wheels_with_their_sha256(info, lock):
    shipped = {path.name for path in (DIST / "pyodide").glob("*.whl")}
    listed = {entry["file_name"] for entry in lock["packages"].values()}
    assert shipped == listed
    for entry in lock["packages"].values():
        assert hashlib.sha256((DIST / "pyodide" / entry["file_name"]).read_bytes()).hexdigest() == entry["sha256"]
        assert set(entry["depends"]) <= lock["packages"].keys()


def test_lock_matches_the_pyodide_runtime_and_our_dependencies(lock):
    stock = json.loads((ROOT / "build" / "node_modules" / "pyodide" / "pyodide-lock.json").read_text())
    assert lock["info"] == stock["info"]
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    names = {build.canonical(re.split(r"[<>=!~ ]", requirement, maxsplit=1)[0]) for requirement in declared}
    assert set(lock["packages"]["upstream-tls"]["depends"]) == names
    assert lock["packages"]["upstream-tls"]["imports"] == ["upstream_tls"]


def test_every_wheel_is_pure(lock):
    for entry in lock["packages"].values():
        assert entry["file_name"].endswith("-none-any.whl"), entry["file_name"]
        with zipfile.ZipFile(DIST / "pyodide" / entry["file_name"]) as archive:
            assert not [name for name in archive.namelist() if name.endswith((".so", ".pyd"))]


def test_our_wheel_carries_the_templates(lock):
    with zipfile.ZipFile(DIST / "pyodide" / lock["packages"]["upstream-tls"]["file_name"]) as archive:
        assert "upstream_tls/templates/rule.md.j2" in archive.namelist()


def test_page_has_the_policy_and_no_inline_script(info):
    page = (DIST / "index.html").read_text()
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert meta and meta.group(1) == info["csp"]
    assert "'unsafe-eval'" not in info["csp"] and "script-src 'self' 'wasm-unsafe-eval'" in info["csp"]
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert not re.search(r"\son[a-z]+=", page)
    assert "{{" not in page


def test_nothing_in_the_site_points_at_a_cdn(info):
    for name in ("index.html", "app.js", "worker.js", "sw.js"):
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
