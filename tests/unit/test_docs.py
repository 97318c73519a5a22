"""The generated parts of the docs stay in sync with the rule registry."""
from __future__ import annotations

import re
from pathlib import Path

from upstream_tls.output.docs import rule_doc, rules_table
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


def test_readme_cause_table_is_generated_from_the_taxonomy():
    from upstream_tls.output.docs import causes_table
    readme = (ROOT / "README.md").read_text()
    table = re.search(r"<!-- causes:start -->\n(.*?)<!-- causes:end -->", readme, re.S).group(1)
    assert table.strip() == causes_table().strip(), "run: upstream-tls causes --format markdown"


def test_readme_example_diagnosis_is_what_the_tool_says():
    from upstream_tls.diagnose import diagnose
    from upstream_tls.logs import read_log
    from upstream_tls.output.text import diagnosis_text
    example = ROOT / "examples" / "depth"
    config = "examples/depth/nginx.conf"
    text = diagnosis_text(diagnose((example / "nginx.conf").read_text(),
                                   read_log((example / "error.log").read_text()), None, name=config))
    assert text.strip() in (ROOT / "README.md").read_text()
