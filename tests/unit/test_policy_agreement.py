"""The Rego policy, run by a real Rego engine (regopy) on Conftest's input
shape, agrees with `check` on every rule fixture and every peer config:
the same rule codes on the same directives (file and line), for the rules
the policy covers, at warning level or above (what fails a pipeline)."""
from __future__ import annotations

from pathlib import Path

import pytest

from rego_engine import RegoPolicy, rego_test_rules
from upstream_tls import Options, check, parse
from upstream_tls.findings import Severity
from upstream_tls.policy import COVERED, conftest_input, rego_tests

from rule_fixtures import RULE_FIXTURES

pytest.importorskip("regopy")

FIXTURES = sorted(RULE_FIXTURES.glob("*/*.conf"))
PEERS = Path(__file__).resolve().parents[2].parent / "shared" / "peers"
PROFILES = ("production", "dev")


@pytest.fixture(scope="module")
def policies() -> dict[str, RegoPolicy]:
    return {profile: RegoPolicy(profile) for profile in PROFILES}


def check_verdict(text: str, name: str, profile: str) -> set[tuple[str, str, int]]:
    if not text.strip():
        return set()
    report = check(text, Options(mode=profile), name)
    return {(finding.code, finding.span.file, finding.span.line) for finding in report.findings
            if finding.code in COVERED and finding.severity is not Severity.INFO}


def rego_verdict(policy: RegoPolicy, text: str, name: str) -> set[tuple[str, str, int]]:
    converted = conftest_input(parse(text, name, empty_ok=True))
    found, denied = policy.evaluate(converted.document)
    assert denied == {code for code, _ in found}, "deny and findings disagree"
    return {(code, converted.nodes[path].file, converted.nodes[path].line) for code, path in found}


@pytest.mark.parametrize("profile", PROFILES)
def test_every_rule_fixture_agrees(policies, profile):
    fired = set()
    for path in FIXTURES:
        text = path.read_text()
        name = f"{path.parent.name}/{path.name}"
        expected = check_verdict(text, name, profile)
        assert rego_verdict(policies[profile], text, name) == expected, name
        fired |= {code for code, _, _ in expected}
    assert fired == set(COVERED) if profile == "production" else fired >= {"UT001", "UT003", "UT006", "UT008"}


def test_policy_is_not_silent_where_check_is_not(policies):
    """Guards the comparison itself: the fixtures that fire a covered rule
    make the policy deny."""
    text = (RULE_FIXTURES / "UT008" / "fire.conf").read_text()
    found, denied = policies["production"].evaluate(conftest_input(parse(text)).document)
    assert "UT008" in denied and any(code == "UT008" for code, _ in found)


def peer_files() -> list[Path]:
    return sorted(path for path in PEERS.rglob("*.conf") if path.is_file()) if PEERS.is_dir() else []


@pytest.mark.skipif(not peer_files(), reason=f"peer corpus not found at {PEERS}")
def test_every_peer_config_agrees(policies):
    """One test over the corpus (not one per file): about 800 evaluations
    in a few seconds. Configs with a diagnostic get no findings from check."""
    compared, disagreements, findings = 0, [], 0
    for path in peer_files():
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        name = path.relative_to(PEERS).as_posix()
        if parse(text, name, empty_ok=True).diagnostics:
            continue
        for profile in PROFILES:
            expected = check_verdict(text, name, profile)
            actual = rego_verdict(policies[profile], text, name)
            compared += 1
            findings += len(expected)
            if actual != expected:
                disagreements.append(f"{name} [{profile}]: check only {sorted(expected - actual)}, "
                                     f"rego only {sorted(actual - expected)}")
    assert compared >= 780 and findings >= 100
    assert not disagreements, "\n".join(disagreements)


@pytest.mark.parametrize("profile", PROFILES)
def test_generated_rego_tests_pass(policies, profile):
    """Each test rule of `policy --format rego-tests`, evaluated as written:
    its input set as the input, its expected codes compared with deny.
    (regopy cannot run them with `with` in reasonable time; see rego_engine.)"""
    rules = rego_test_rules(rego_tests(profile))
    assert len(rules) == 2 * len(COVERED) + 7
    assert {code for _, codes, _ in rules for code in codes} >= {"UT001", "UT003", "UT006", "UT008"}
    for name, codes, directives in rules:
        _, denied = policies[profile].evaluate({"directives": directives})
        assert denied == codes, name
