"""The docs stay true: generated tables equal what the code generates, the
examples are what the tool prints, the README stays short, and every
relative link leads to a file (and heading) that exists."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from upstream_tls.output.docs import rule_doc, rules_table
from upstream_tls.rules import RULES

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
DIAGNOSIS = DOCS / "diagnosis.md"
README_MAX_LINES = 300


def block(text: str, name: str) -> str:
    return re.search(rf"<!-- {name}:start -->\n(.*?)<!-- {name}:end -->", text, re.S).group(1)


def test_rule_table_is_generated_from_the_registry():
    assert block(DIAGNOSIS.read_text(), "rules").strip() == rules_table().strip(), \
        "run: upstream-tls rule --format markdown, into docs/diagnosis.md"


def test_rules_doc_is_generated_from_the_registry():
    expected = "# upstream-tls rules\n\n" + "\n".join(rule_doc(rule) for rule in RULES)
    assert (DOCS / "rules.md").read_text() == expected, "run: make docs"


def test_readme_names_the_test_command_ci_runs():
    assert "make test" in README.read_text()
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_cause_table_is_generated_from_the_taxonomy():
    from upstream_tls.output.docs import causes_table
    assert block(DIAGNOSIS.read_text(), "causes").strip() == causes_table().strip(), \
        "run: upstream-tls causes --format markdown, into docs/diagnosis.md"


def test_example_diagnosis_is_what_the_tool_says():
    from upstream_tls.diagnose import diagnose
    from upstream_tls.logs import read_log
    from upstream_tls.output.text import diagnosis_text
    example = ROOT / "examples" / "depth"
    config = "examples/depth/nginx.conf"
    text = diagnosis_text(diagnose((example / "nginx.conf").read_text(),
                                   read_log((example / "error.log").read_text()), None, name=config))
    assert text.strip() in DIAGNOSIS.read_text()


@pytest.mark.parametrize("command", [
    "check examples/broken.conf",
    "fix examples/broken.conf --diff --ssl-name 10.0.1.45=api.internal.example.com"
    " --ssl-name billing=billing.internal.example.com",
])
def test_readme_example_is_what_the_tool_prints(command):
    """The README shows `upstream-tls COMMAND`: followed by a fenced block
    holding exactly what the command prints on stdout."""
    readme = README.read_text()
    shown = re.search(rf"`upstream-tls {re.escape(command)}`:\n\n```\w*\n(.*?)```\n", readme, re.S)
    assert shown, f"the README no longer shows `upstream-tls {command}`"
    printed = subprocess.run([sys.executable, "-m", "upstream_tls", *command.split()], cwd=ROOT,
                             capture_output=True, text=True, timeout=60).stdout
    assert shown.group(1) == printed


def test_readme_is_short():
    lines = len(README.read_text().splitlines())
    assert lines <= README_MAX_LINES, f"README.md has {lines} lines; reference belongs in docs/"


FENCE = re.compile(r"^[ \t]*(```|~~~).*?^[ \t]*\1[^\n]*$", re.S | re.M)
CODE_SPAN = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def anchors(path: Path) -> set[str]:
    """GitHub's heading ids: lower case, punctuation dropped, spaces to
    hyphens, repeats numbered."""
    seen: dict[str, int] = {}
    found = set()
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*#*$", FENCE.sub("", path.read_text()), re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def relative_links(path: Path) -> list[str]:
    text = CODE_SPAN.sub("", FENCE.sub("", path.read_text()))
    return [target for target in LINK.findall(text) if not re.match(r"[a-z][a-z+.-]*:", target)]


DOC_FILES = [README, *sorted(DOCS.glob("*.md"))]


@pytest.mark.parametrize("doc", DOC_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_relative_link_leads_somewhere(doc):
    broken = []
    for target in relative_links(doc):
        name, _, fragment = target.partition("#")
        where = (doc.parent / name).resolve() if name else doc
        if not where.exists():
            broken.append(f"{target}: no such file")
        elif fragment and where.suffix == ".md" and fragment not in anchors(where):
            broken.append(f"{target}: no heading #{fragment} in {where.relative_to(ROOT)}")
    assert broken == []


def test_readme_links_every_doc():
    linked = {(README.parent / target.partition("#")[0]).resolve() for target in relative_links(README)}
    assert [path.name for path in DOCS.glob("*.md") if path.resolve() not in linked] == []
