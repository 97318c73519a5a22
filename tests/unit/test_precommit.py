"""The pre-commit hooks of .pre-commit-hooks.yaml, run by the real
pre-commit in a fresh git repository whose .pre-commit-config.yaml names a
copy of this checkout by path and commit (`repo: /path`, `rev: <sha>`).

pre-commit pip-installs the hook repository into its own virtualenv, which
needs hatchling (our build backend) and our dependencies. The hooks run here
with pip told to use no index (PIP_NO_INDEX) and only the wheelhouse `make`
fills at install time (tests/precommit-requirements.txt): no network."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from unavailable import unavailable

pytest.importorskip("pre_commit")

ROOT = Path(__file__).resolve().parents[2]
BAD = ("server {\n    location /api/ {\n        proxy_pass https://10.0.1.45:8443;\n        proxy_ssl_verify off;\n"
       "    }\n}\n")
GOOD = ("server {\n    location / {\n        proxy_pass https://backend.internal;\n        proxy_ssl_verify on;\n"
        "        proxy_ssl_trusted_certificate /etc/nginx/certs/upstream-ca.pem;\n"
        "        proxy_ssl_server_name on;\n    }\n}\n")
FIXABLE = ("upstream b {\n    server 10.0.2.10:8443 ssl;\n}\n"
           "server {\n    location / {\n        proxy_pass http://b;\n    }\n}\n")
WHEELHOUSE = Path(os.environ.get("UPSTREAM_TLS_WHEELHOUSE") or ROOT / ".venv" / "wheelhouse")


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> tuple[Path, str]:
    """This checkout's working tree (with uncommitted work) as a repository of its own."""
    if shutil.which("git") is None:
        unavailable("git not installed")
    source = tmp_path_factory.mktemp("upstream-tls-hooks")
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "py_core", source / "py_core", ignore=shutil.ignore_patterns("__pycache__"))
    git(source, "init", "-q")
    git(source, "add", "-A")
    git(source, "commit", "-q", "-m", "hooks")
    return source, git(source, "rev-parse", "HEAD")


@pytest.fixture(scope="module")
def offline_env(tmp_path_factory) -> dict[str, str]:
    """pip without an index, finding only the wheelhouse; pre-commit's own
    cache in a temporary directory shared by this module's tests."""
    if not any(WHEELHOUSE.glob("hatchling-*.whl")):
        pytest.fail(f"no wheelhouse at {WHEELHOUSE}: `make test` fills it (tests/precommit-requirements.txt)")
    return {**os.environ, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(WHEELHOUSE),
            "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home"))}


def consumer(tmp_path: Path, hook_repo: tuple[Path, str], hook: str, files: dict[str, str]) -> Path:
    repo = tmp_path / "site"
    repo.mkdir(parents=True)
    git(repo, "init", "-q")
    path, rev = hook_repo
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {path}\n    rev: {rev}\n    hooks:\n      - id: {hook}\n")
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    git(repo, "add", "-A")
    return repo


def run_hooks(repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"], cwd=repo, env=env,
                          capture_output=True, text=True, check=False, timeout=600)


def test_check_hook_blocks_a_bad_site_and_passes_a_good_one(tmp_path, hook_repo, offline_env):
    bad = run_hooks(consumer(tmp_path / "bad", hook_repo, "upstream-tls",
                             {"sites-enabled/site": BAD, "notes.txt": BAD}), offline_env)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "sites-enabled/site:4: UT001" in bad.stdout and "notes.txt" not in bad.stdout
    good = run_hooks(consumer(tmp_path / "good", hook_repo, "upstream-tls",
                              {"sites-enabled/site.conf": GOOD, "conf.d/empty.conf": ""}), offline_env)
    assert good.returncode == 0, good.stdout + good.stderr


def test_fix_hook_rewrites_in_place(tmp_path, hook_repo, offline_env):
    repo = consumer(tmp_path, hook_repo, "upstream-tls-fix", {"nginx.conf": FIXABLE})
    first = run_hooks(repo, offline_env)
    assert first.returncode == 1, first.stdout + first.stderr
    fixed = (repo / "nginx.conf").read_text()
    assert "server 10.0.2.10:8443;" in fixed and "proxy_pass https://b;" in fixed
    assert not (repo / ".nginx.conf.bak").exists()
