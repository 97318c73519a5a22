"""Each cause id against the real nginx: the failure is built on 127.0.0.1
(scenarios.py), nginx's own words are captured, and then

(a) the broken config really fails as described (status, or nginx -t) and the
    captured log holds the expected phrase; a hand-made fix using only what
    `fix` is given answers 200 (the scenario isolates one cause);
(b) `upstream-tls diagnose CONF --error-log LOG --upstream-cert CHAIN
    --format json` names that cause first, with its side;
(c) `upstream-tls fix` with the same evidence gives, for config-side causes, a
    config nginx -t accepts and that answers 200 for real with verification
    still on; for upstream-side causes it never turns verification off.

Each scenario is built once and shared by its tests (a module-scoped
fixture), so its upstreams live only while its own tests run.

    pytest tests/nginx/test_diagnose_scenarios.py -k fails_as_described   # (a) only
    python tests/nginx/scenarios.py --table                                # the closing-note table
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from unavailable import unavailable

from scenarios import (
    CAUSES,
    NGINX_T,
    SCENARIOS,
    Before,
    Built,
    Context,
    Inputs,
    Scenario,
    cli,
    diagnose,
    fix_args,
    instances,
    run_after,
    run_before,
    serve,
    top_issuer,
    write_inputs,
)

from harness import NGINX, OPENSSL, NginxFactory, Pki

pytestmark = pytest.mark.nginx

VERIFY_OFF = re.compile(r"^\s*proxy_ssl_verify\s+off\s*;", re.MULTILINE)
VERIFY_ON = re.compile(r"^\s*proxy_ssl_verify\s+on\s*;", re.MULTILINE)
HTTPS_PASS = re.compile(r"^\s*proxy_pass\s+https://", re.MULTILINE)


@dataclass
class Case:
    scenario: Scenario
    built: Built
    before: Before
    inputs: Inputs
    nginx: NginxFactory

    def context(self) -> str:
        """Everything needed to read a failure."""
        chain = self.built.chain or "(no chain)\n"
        return (f"\n===== scenario {self.scenario.id}: {self.scenario.summary}\n"
                f"===== config ({self.inputs.config})\n{self.before.config}"
                f"===== evidence log ({self.inputs.log})\n{self.before.log}"
                f"===== chain ({self.inputs.chain}): {chain.count('BEGIN CERTIFICATE')} certificate(s)\n")


@pytest.fixture(scope="module", params=SCENARIOS, ids=lambda s: s.id)
def case(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Case]:
    # Module-scoped fixtures run before conftest's autouse binary check.
    missing = [name for name, path in (("nginx", NGINX), ("openssl", OPENSSL)) if not path]
    if missing:
        unavailable(f"{' and '.join(missing)} not installed")
    s: Scenario = request.param
    directory = tmp_path_factory.mktemp(s.id)
    with instances(directory / "nginx") as nginx:
        built = s.build(Context(Pki(directory / "pki"), nginx, directory / "files"))
        before = run_before(built, nginx)
        yield Case(s, built, before, write_inputs(directory / "input", built, before), nginx)


def test_scenarios_are_well_formed():
    ids = [s.id for s in SCENARIOS]
    assert len(ids) == len(set(ids))
    for s in SCENARIOS:
        assert s.cause in CAUSES, s.id
        assert s.side in ("config", "upstream"), s.id
        assert s.before == NGINX_T or s.before in (400, 421, 502), s.id
    covered = {s.cause for s in SCENARIOS}
    # Causes no failing request shows: verify off succeeds (200).
    assert CAUSES - covered <= {"verify-disabled"}, CAUSES - covered


# -- (a) nginx really fails that way --------------------------------------------


def test_broken_config_fails_as_described(case: Case):
    s, before = case.scenario, case.before
    if s.before == NGINX_T:
        assert not before.nginx_t_ok, case.context()
    else:
        assert before.nginx_t_ok, case.context()
        assert before.status == s.before, case.context()
    assert s.phrase in before.log, case.context()
    if s.before == 502:
        # The proxy itself says why: it is the proxy's log, not an upstream's.
        assert s.phrase in before.proxy_log, case.context()
    if case.built.chain is not None:  # a chain, or what s_client printed where there is none
        assert "-----BEGIN CERTIFICATE-----" in case.built.chain or "CONNECTED(" in case.built.chain


def test_hand_made_fix_answers_200(case: Case):
    """The scenario breaks exactly one thing: fixing it by hand, with only
    what `fix` is given, makes real nginx answer 200 with verification on."""
    reference = case.built.reference
    if reference is None:
        pytest.skip(f"{case.scenario.side}-side cause: the fix is on the upstream")
    ok, status, output = serve(reference, case.built, case.nginx)
    assert ok and status == 200, f"{output}\n{reference}{case.context()}"
    if HTTPS_PASS.search(reference):
        assert VERIFY_ON.search(reference)


# -- (b) diagnose -------------------------------------------------------------------


def test_diagnose_names_the_cause_first(case: Case):
    proc, payload = diagnose(case.inputs)
    detail = f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}{case.context()}"
    assert proc.returncode == 1, detail
    assert payload is not None and isinstance(payload.get("causes"), list) and payload["causes"], detail
    for cause in payload["causes"]:
        assert {"cause", "confidence", "side", "evidence", "fix"} <= set(cause), detail
        assert cause["cause"] in CAUSES, detail
        assert cause["side"] in ("config", "upstream"), detail
    first = payload["causes"][0]
    assert (first["cause"], first["side"]) == (case.scenario.cause, case.scenario.side), detail


# -- (c) fix --------------------------------------------------------------------------


def _fix(case: Case) -> tuple[str, str, int]:
    args = fix_args(case.inputs, case.built)
    proc = cli(*args)
    detail = (f"upstream-tls {' '.join(map(str, args))}\nexit {proc.returncode}\n"
              f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}{case.context()}")
    return proc.stdout if proc.returncode in (0, 1) else "", detail, proc.returncode


def test_fix_never_turns_verification_off(case: Case):
    fixed, detail, _ = _fix(case)
    assert fixed, detail
    assert not VERIFY_OFF.search(fixed), detail
    if VERIFY_ON.search(case.before.config) and HTTPS_PASS.search(fixed):
        assert VERIFY_ON.search(fixed), detail
    if "proxy_ssl_crl" in case.before.config:
        assert "proxy_ssl_crl" in fixed, detail  # revocation checking is not dropped either


def test_fix_makes_real_nginx_answer_200(case: Case):
    s = case.scenario
    if not s.must_fix:
        pytest.skip(f"{s.side}-side cause: no config change makes it work safely")
    fixed, detail, code = _fix(case)
    assert fixed, detail
    assert code == 0, f"the fix is complete (200 below), so it must say so with exit 0\n{detail}"
    if case.built.fix_ca is None and case.built.chain is not None and "BEGIN CERTIFICATE" in case.built.chain:
        assert case.inputs.ca.exists(), f"--write-ca wrote nothing\n{detail}"
    ok, status, output = run_after(fixed, case.before, case.built, case.nginx)
    assert ok, f"nginx -t refuses the fix:\n{output}\n===== fixed\n{fixed}{detail}"
    assert status == 200, f"status {status}:\n{output}\n===== fixed\n{fixed}{detail}"
    if HTTPS_PASS.search(fixed):
        assert VERIFY_ON.search(fixed), f"production fix without proxy_ssl_verify on\n{fixed}{detail}"
        assert not VERIFY_OFF.search(fixed), detail


def test_write_ca_refuses_a_chain_without_its_root(tmp_path: Path, case: Case):
    """--write-ca takes the trust anchor from the chain or fails naming the issuer."""
    chain = case.built.chain
    if case.built.fix_ca is None or chain is None:
        pytest.skip("the chain carries its own root (or there is no chain)")
    proc = cli("fix", case.inputs.config, "--error-log", case.inputs.log, "--upstream-cert", case.inputs.chain,
               "--ca-file", tmp_path / "ca.pem", "--write-ca", tmp_path / "ca.pem", *case.built.fix_args)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert top_issuer(chain) in proc.stderr, proc.stderr  # names the certificate to fetch
    assert not (tmp_path / "ca.pem").exists()
