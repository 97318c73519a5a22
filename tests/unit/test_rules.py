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
