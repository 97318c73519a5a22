"""Round trips over real-world configs written by other projects.

The corpus lives next to the repository, in ../shared/peers (see its
SOURCES.md): crossplane's and gixy's test configs, the nginx test suite's
ssl/proxy configs, h5bp, nginx-admins-handbook, nginx-s3-gateway… It is data
for local runs and is never copied into the repository; without it these
tests skip.

For every config: check never raises (InputError only for empty input), the
CLI answers with exit 0/1/2 and never a traceback or internal error, a config
without findings comes back from fix byte for byte, and fix is idempotent
in production and dev mode and with unsafe fixes. Running nginx -t on them
is out of scope: most include files that are not in the corpus.
"""
from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from upstream_tls import Applicability, InputError, Options, check, fix
from upstream_tls.cli import main

PEERS = Path(__file__).resolve().parents[2].parent / "shared" / "peers"
FILES = sorted(path for path in PEERS.rglob("*.conf") if path.is_file()) if PEERS.is_dir() else []

# Deliberately broken crossplane fixtures: a directive running into the end
# of the file, missing its `;`, or with the wrong number of arguments. Every other file in the corpus is a
# config nginx itself accepts (modulo includes), so a diagnostic there is a
# parser bug.
MALFORMED = {
    "crossplane/bad-args__nginx.conf",
    "crossplane/includes-globbed__servers__locations__not-included.conf",
    "crossplane/includes-regular__conf.d__bar.conf",
    "crossplane/includes-regular__conf.d__foo.conf",
    "crossplane/missing-semicolon__broken-above.conf",
    "crossplane/missing-semicolon__broken-below.conf",
}

OPTION_SETS = [
    (Options(), False),
    (Options(mode="dev"), False),
    (Options(), True),
    (Options(nginx_version=(1, 22, 1)), True),
]

pytestmark = pytest.mark.skipif(not FILES, reason=f"peer corpus not found at {PEERS} "
                                "(real-world configs kept outside the repository; see docs/testing.md)")


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8", "surrogateescape")


def file_id(path: Path) -> str:
    return path.relative_to(PEERS).as_posix()


def allowed(options: Options, unsafe: bool) -> set[Applicability]:
    if unsafe or options.mode == "dev":
        return {Applicability.SAFE, Applicability.UNSAFE}
    return {Applicability.SAFE}


@pytest.fixture(params=FILES, ids=[file_id(path) for path in FILES])
def peer(request) -> tuple[str, str]:
    return file_id(request.param), read(request.param)


def test_corpus_is_complete():
    """SOURCES.md promises 406 configs; far fewer means a broken checkout
    and a suite that silently tests little."""
    assert len(FILES) >= 400, f"only {len(FILES)} configs under {PEERS}"


def test_check_and_fix(peer):
    name, text = peer
    try:
        report = check(text, Options(), name=name)
    except InputError:
        assert not text.strip(), f"{name}: InputError on a non-empty file"
        return
    if name in MALFORMED:
        assert report.diagnostics, f"{name}: a broken fixture parsed cleanly"
    else:
        assert not report.diagnostics, f"{name}: a config nginx accepts got {report.diagnostics}"

    for options, unsafe in OPTION_SETS:
        report = check(text, options, name=name)
        first = fix(text, options, name=name, unsafe_fixes=unsafe)
        label = f"{name} ({options.mode}, version={options.nginx_version}, unsafe={unsafe})"
        if report.diagnostics:
            assert not report.findings
            assert first.text == text, f"{label}: malformed input was rewritten"
            continue
        assert not first.diagnostics, f"{label}: fixed text is malformed: {first.diagnostics}"
        fixable = [finding for finding in report.findings if finding.fix and finding.fix.edits
                   and finding.fix.applicability in allowed(options, unsafe)]
        if not fixable:
            assert first.text == text, f"{label}: nothing to fix, yet the text changed"
        second = fix(first.text, options, name=name, unsafe_fixes=unsafe)
        assert second.text == first.text, f"{label}: fix is not idempotent"
        assert not check(first.text, options, name=name).diagnostics


def run_cli(argv: list[str]) -> tuple[int, bytes, str]:
    """main() in process, with binary stdout as the CLI writes it."""
    out, err = io.BytesIO(), io.StringIO()

    stdout = io.TextIOWrapper(out, encoding="utf-8", errors="surrogateescape")
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = stdout, err
    try:
        code = main(argv)
    finally:
        stdout.flush()
        sys.stdout, sys.stderr = saved
    return code, out.getvalue(), err.getvalue()


def test_cli(peer, tmp_path):
    name, text = peer
    path = PEERS / name
    report = check(text, Options(), name=name, empty_ok=True)  # an empty file is a config nginx accepts
    bad_input = bool(report.diagnostics)
    failing = any(finding.severity.value != "info" for finding in report.findings)
    runs = [["check", str(path)], ["check", str(path), "--format", "json"],
            ["check", str(path), "--format", "sarif"], ["fix", str(path)], ["fix", str(path), "--diff"],
            ["fix", str(path), "--mode", "dev"], ["fix", str(path), "--unsafe-fixes", "--nginx-version", "1.22.1"]]
    for argv in runs:
        code, out, err = run_cli(argv)
        assert "Traceback" not in err and "internal error" not in err, f"{argv}: {err}"
        if bad_input:
            assert code == 2, f"{argv}: exit {code} on bad input"
            assert err.strip() and len(err.strip().splitlines()) == 1, f"{argv}: stderr {err!r}"
            assert not out
        else:
            assert code in (0, 1), f"{argv}: exit {code}\n{err}"
        if argv == ["check", str(path)] and not bad_input:
            assert code == (1 if failing else 0)
        if argv == ["fix", str(path)] and not bad_input and text.strip():
            assert out.decode("utf-8", "surrogateescape") == fix(text, Options(), name=str(path)).text


SUBPROCESS_SAMPLE = sorted({
    *MALFORMED,
    "nginx-admins-handbook/modules.conf",            # empty
    "crossplane/non-unicode__nginx.conf",            # not UTF-8
    "nginx-tests/proxy_ssl_verify.conf",
    "nginx-tests/stream_proxy_ssl_name_complex.conf",
    "h5bp/nginx.conf",
})


@pytest.mark.parametrize("name", SUBPROCESS_SAMPLE)
def test_cli_subprocess(name):
    """The real entry point on a few files, broken ones included: one-line
    errors, never a traceback."""
    path = PEERS / name
    if not path.exists():
        pytest.skip(f"{name} not in this corpus")
    for argv in (["check", str(path)], ["fix", str(path)]):
        proc = subprocess.run([sys.executable, "-m", "upstream_tls", *argv], capture_output=True, timeout=60)
        err = proc.stderr.decode("utf-8", "replace")
        assert "Traceback" not in err and "internal error" not in err, err
        assert proc.returncode in (0, 1, 2), err
        if proc.returncode == 2:
            assert len(err.strip().splitlines()) == 1, err
