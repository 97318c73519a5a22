"""The fixture convention for rule configs: `# expect` marks firing lines,
line 1 may carry `# options: …`."""
from __future__ import annotations

import re
from pathlib import Path

from upstream_tls import Options
from upstream_tls.options import parse_version

FIXTURES = Path(__file__).parent.parent / "fixtures"
RULE_FIXTURES = FIXTURES / "rules"


def fixture_options(text: str) -> Options:
    """Line 1 may say `# options: mode=dev nginx_version=1.22.1`."""
    match = re.match(r"# options: (.*)", text)
    if not match:
        return Options()
    values = dict(pair.split("=", 1) for pair in match.group(1).split())
    if "nginx_version" in values:
        values["nginx_version"] = parse_version(values["nginx_version"])
    return Options(**values)


def expected_lines(text: str) -> set[int]:
    return {number for number, line in enumerate(text.splitlines(), 1) if re.search(r"#\s*expect\b", line)}
