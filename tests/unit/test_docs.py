"""The generated parts of the docs stay in sync with the rule registry."""
from __future__ import annotations

import re
from pathlib import Path

from upstream_tls.render import rule_doc, rules_table
from upstream_tls.rules import RULES

ROOT = Path(__file__).resolve().parents[2]


def test_readme_rule_table_is_generated_from_the_registry():
    readme = (ROOT / "README.md").read_text()
    table = re.search(r"<!-- rules:start -->\n(.*?)<!-- rules:end -->", readme, re.S).group(1)
    assert table.strip() == rules_table().strip(), "run: upstream-tls rule --format markdown"


def test_rules_doc_is_generated_from_the_registry():
    expected = "# upstream-tls rules\n\n" + "\n".join(rule_doc(rule) for rule in RULES)
    assert (ROOT / "docs" / "rules.md").read_text() == expected, "run: make docs"


def test_readme_names_the_test_command_ci_runs():
    assert "make test" in (ROOT / "README.md").read_text()
    assert "make test" in (ROOT / ".ci" / "run").read_text()
