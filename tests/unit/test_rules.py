"""Each rule against its fixtures: it fires on exactly the `# expect` lines of
fire_*.conf and never on pass_*.conf (gixy's must-fire / must-not-fire)."""
from __future__ import annotations

import pytest

from upstream_tls import check
from upstream_tls.rules import RULES

from rule_fixtures import RULE_FIXTURES, expected_lines, fixture_options

FIXTURE_FILES = sorted(RULE_FIXTURES.glob("*/*.conf"))


def test_every_rule_has_firing_and_passing_fixtures():
    for rule in RULES:
        names = [path.name for path in (RULE_FIXTURES / rule.code).glob("*.conf")]
        assert any(name.startswith("fire") for name in names), f"{rule.code} has no fire_*.conf"
        assert any(name.startswith("pass") for name in names), f"{rule.code} has no pass_*.conf"


def test_every_fixture_directory_is_a_rule():
    codes = {rule.code for rule in RULES}
    assert {path.name for path in RULE_FIXTURES.iterdir()} <= codes


def test_codes_and_names_are_unique():
    assert len({rule.code for rule in RULES}) == len(RULES)
    assert len({rule.name for rule in RULES}) == len(RULES)


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_fixture(path):
    text = path.read_text()
    report = check(text, fixture_options(text), path.name)
    assert not report.diagnostics
    fired = {finding.span.line for finding in report.findings if finding.code == path.parent.name}
    expected = expected_lines(text) if path.name.startswith("fire") else set()
    if path.name.startswith("fire"):
        assert expected, "a fire fixture must mark its lines with # expect"
    assert fired == expected


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_rule_declares_its_docs(rule):
    for attribute in ("code", "name", "summary", "why", "example", "fixed"):
        assert getattr(rule, attribute).strip(), attribute
    assert rule.references and all(url.startswith("https://") for url in rule.references)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_docs_example_fires_and_fixed_example_does_not(rule):
    """The docs' own example must be caught by the rule and the 'use instead'
    one must not — otherwise the docs lie."""
    from upstream_tls import Options
    options = Options(nginx_version=(1, 22, 1))
    example = check(rule.example.replace("...", ""), options)
    fixed = check(rule.fixed.replace("...", ""), options)
    assert any(finding.code == rule.code for finding in example.findings), example.diagnostics
    assert not any(finding.code == rule.code for finding in fixed.findings)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_rule_lives_in_a_file_named_after_it(rule):
    module = type(rule).__module__.rsplit(".", 1)[-1]
    assert module == rule.name.replace("-", "_"), f"{rule.code} {rule.name} lives in {module}.py"


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_the_cause_a_rule_evidences_is_one_diagnose_knows(rule):
    from upstream_tls.causes import CAUSES
    from upstream_tls.diagnose.weights import RULE_STRENGTHS
    assert rule.evidences is None or (rule.evidences in CAUSES and rule.evidences in RULE_STRENGTHS)


def test_every_fix_a_rule_offers_is_of_a_kind_it_declares():
    """On every fixture and every peer config, in both modes: the fix a
    finding carries has an applicability its rule declares, and a rule that
    declares none offers no fix."""
    from pathlib import Path

    from upstream_tls import Options
    from upstream_tls.rules import RULES_BY_CODE
    peers = Path(__file__).resolve().parents[3] / "shared" / "peers"
    paths = sorted(RULE_FIXTURES.rglob("*.conf")) + sorted(peers.rglob("*.conf"))
    undeclared = set()
    for path in paths:
        text = path.read_text(errors="replace")
        for mode in ("production", "dev"):
            for finding in check(text, Options(mode=mode), str(path), empty_ok=True).findings:
                if finding.fix is not None and finding.fix.applicability not in RULES_BY_CODE[finding.code].fix_safety:
                    undeclared.add((finding.code, finding.fix.applicability.value))
    assert not undeclared
