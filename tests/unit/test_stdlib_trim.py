"""The page's trimmed standard library (build/stdlib-modules.txt, derived by
build/trace_stdlib.mjs) misses nothing the page's core needs: in the pinned
Pyodide, the build's python_stdlib.zip answers a broad set of the page's
requests — every rule fixture, every field case with its evidence, real
certificate chains, every rule's documentation, the LLM requests over the
hostile-answer corpus — exactly as the full standard library does. A module
left out shows as a different or failed answer here, not as a user's error.
When this fails, rerun `node build/trace_stdlib.mjs` and rebuild."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

from unavailable import unavailable

ROOT = Path(__file__).resolve().parents[2]
DIST = Path(os.environ.get("UPSTREAM_TLS_DIST") or ROOT / "dist")
STOCK_STDLIB = ROOT / "build" / "node_modules" / "pyodide" / "python_stdlib.zip"
sys.path.insert(0, str(ROOT / "tests"))

from hostile_answers import CLEAN, HOSTILE, ORIGINAL, answer  # noqa: E402

from upstream_tls import bridge  # noqa: E402
from upstream_tls.rules import RULES_BY_CODE  # noqa: E402

MODES = ({"mode": "production", "ssl_names": "api.internal.example.com"}, {"mode": "dev"})


def listed_modules() -> list[str]:
    text = (ROOT / "build" / "stdlib-modules.txt").read_text()
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def test_the_list_is_sorted_and_every_module_is_in_pyodides_standard_library():
    if not STOCK_STDLIB.is_file():
        unavailable("build/node_modules is not installed: run `make dist`")
    modules = listed_modules()
    assert modules == sorted(set(modules))
    names = set(zipfile.ZipFile(STOCK_STDLIB).namelist())
    missing = [module for module in modules
               if not {f"{module.replace('.', '/')}.py", f"{module.replace('.', '/')}/__init__.py"} & names]
    assert missing == []


def chain_pem(folder: Path) -> str:
    """A leaf issued by a private root, as s_client would print both."""
    def openssl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=folder)
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key",
            "-out", "ca.pem", "-days", "30", "-subj", "/CN=Example Private Root")
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "leaf.key",
            "-out", "leaf.csr", "-subj", "/CN=api.internal.example.com")
    (folder / "ext").write_text("subjectAltName=DNS:api.internal.example.com\n")
    openssl("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "leaf.pem", "-days", "30", "-extfile", "ext")
    return (folder / "leaf.pem").read_text() + (folder / "ca.pem").read_text()


def page_requests(folder: Path) -> list[tuple[str, dict]]:
    """What the page sends, over the test corpora."""
    requests = []
    for config in sorted((ROOT / "tests" / "fixtures" / "rules").rglob("*.conf")):
        for options in MODES:
            requests.append(("analyze", {"config": config.read_text(), "options": options}))
    for path in sorted((ROOT / "tests" / "field" / "cases").glob("*.toml")):
        case = tomllib.loads(path.read_text())
        log = "\n".join(case.get(key, "") for key in ("log", "upstream_log", "response"))
        requests.append(("analyze", {"config": case["config"], "log": log,
                                     "options": {"nginx_version": case.get("nginx_version", "")}}))
    if not shutil.which("openssl"):
        unavailable("openssl is not installed: the chain requests need it")
    chain = chain_pem(folder)
    self_signed = chain.split("-----END CERTIFICATE-----\n", 1)[1]
    for pem in (chain, self_signed):
        requests.append(("analyze", {"config": ORIGINAL, "chain": pem, "log": "verify error 20", "options": {}}))
    requests += [("rule", {"code": code}) for code in sorted(RULES_BY_CODE)]
    requests.append(("llm_providers", {}))
    for provider in ("openai", "anthropic", "openai-compatible"):
        requests.append(("llm_prepare", {"provider": provider, "config": ORIGINAL, "log": "verify error 20",
                                         "base_url": "http://127.0.0.1:9/v1", "model": "local"}))
    prepared = json.loads(bridge.handle("llm_prepare", json.dumps({"provider": "openai", "config": ORIGINAL})))
    for block in [*HOSTILE.values(), *CLEAN]:
        requests.append(("llm_check", {"answer": answer(block), "config": ORIGINAL,
                                       "mapping": prepared["result"]["mapping"]}))
    requests.append(("llm_error", {"provider": "openai", "status": 429, "body": "{}", "headers": {}}))
    return requests


def run_core(zip_path: Path, requests: list[tuple[str, dict]], folder: Path, full_stdlib: bool) -> list[dict]:
    given = folder / "requests.json"
    given.write_text(json.dumps([[kind, json.dumps(payload)] for kind, payload in requests]))
    replies = folder / ("full.json" if full_stdlib else "trimmed.json")
    subprocess.run(["node", str(ROOT / "build" / "core_in_node.mjs"), str(zip_path), str(given), str(replies),
                    *(["--full-stdlib"] if full_stdlib else [])], check=True, capture_output=True, timeout=600)
    return [json.loads(reply) for reply in json.loads(replies.read_text())]


def test_the_trimmed_standard_library_answers_as_the_full_one(tmp_path):
    if not (DIST / "pyodide" / "python_stdlib.zip").is_file() or not shutil.which("node"):
        unavailable("dist/ is not built or node is missing: run `make dist`")
    requests = page_requests(tmp_path)
    trimmed = run_core(DIST / "pyodide" / "python_stdlib.zip", requests, tmp_path, full_stdlib=False)
    full = run_core(DIST / "pyodide" / "python_stdlib.zip", requests, tmp_path, full_stdlib=True)
    assert len(trimmed) == len(full) == len(requests)
    failed = [(kind, reply["error"]) for (kind, _), reply in zip(requests, full, strict=True)
              if not reply["ok"] and "internal error" in reply["error"]]
    assert failed == [], "the core failed on its own corpus even with the full standard library"
    differ = [(kind, payload, a, b) for (kind, payload), a, b in zip(requests, trimmed, full, strict=True) if a != b]
    assert not differ, f"{len(differ)} answers differ, first: {differ[0][0]} {differ[0][2]!r:.600}"
