"""Scores `diagnose` and the evidence-driven `fix` on the field corpus.

    python tests/field/score.py            # field: top1 X/N, listed Y/N, fix-directives Z/M
    python tests/field/score.py -v         # every case: expected, named first, what the fix changed
    python tests/field/score.py --table    # the table by cause
    python tests/field/score.py --docs     # rewrite that table in docs/diagnosis.md (a test checks it is current)

A case counts for top-1 when the first cause is the accepted one, for listed
when the accepted one is anywhere in the list; `none-fits` cases count when
no cause read from the evidence reaches the confidence at which `fix` acts.
fix-directives counts, among cases whose accepted fix changed directives,
those where `fix --unsafe-fixes` with the same evidence changes every one of
them (adding others is allowed); dev-only repairs stay out in production.
"""
from __future__ import annotations

import argparse
import re
import sys
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from upstream_tls import Options
from upstream_tls.causes import CAUSES
from upstream_tls.certs import ChainError, read_chain
from upstream_tls.diagnose import diagnose, evidence_fix
from upstream_tls.diagnose.weights import APPLY_AT
from upstream_tls.logs import read_log
from upstream_tls.options import parse_version
from upstream_tls.parse import parse

CASES = Path(__file__).resolve().parent / "cases"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "diagnosis.md"
DOCS_BLOCK = re.compile(r"(<!-- field:start -->\n)(.*?)(<!-- field:end -->)", re.S)
NONE_FITS = "none-fits"
EVIDENCE_KEYS = ("log", "upstream_log", "response")
REQUIRED = ("source", "summary", "resolution", "cause", "fix_directives", "target", "config")
OPTIONAL = ("real_cause", "chain", "nginx_version", "mode", "tags", *EVIDENCE_KEYS)
TARGETS = ("hostname", "ip", "group", "variable")


@dataclass
class Outcome:
    case: str
    expected: str
    named: list[str]
    fix_expected: list[str]
    fix_changed: set[str] = field(default_factory=set)
    error: str | None = None

    @property
    def top1(self) -> bool:
        if self.expected == NONE_FITS:
            return not self.named
        return bool(self.named) and self.named[0] == self.expected

    @property
    def listed(self) -> bool:
        return self.top1 if self.expected == NONE_FITS else self.expected in self.named

    @property
    def fix_counts(self) -> bool:
        return bool(self.fix_expected)

    @property
    def fix_ok(self) -> bool:
        return set(self.fix_expected) <= self.fix_changed


def load_cases(directory: Path = CASES) -> dict[str, dict]:
    return {path.stem: tomllib.loads(path.read_text(encoding="utf-8")) for path in sorted(directory.glob("*.toml"))}


def evidence_text(case: dict) -> str:
    """What a person pastes into the log field: their log, the upstream's,
    and the response they saw, one after the other."""
    return "".join(case[key].rstrip("\n") + "\n" for key in EVIDENCE_KEYS if case.get(key, "").strip())


def options_of(case: dict) -> Options:
    version = case.get("nginx_version")
    return Options(mode=case.get("mode", "production"), nginx_version=parse_version(version) if version else None)


def directives_changed(before: str, after: str) -> set[str]:
    """Directive names whose occurrences (with their arguments) differ."""
    def inventory(text: str) -> Counter:
        return Counter((node.name, tuple(node.args)) for node in parse(text).walk())
    old, new = inventory(before), inventory(after)
    return {name for name, _ in (old - new) + (new - old)}


def run_case(name: str, case: dict) -> Outcome:
    outcome = Outcome(name, case["cause"], [], list(case.get("fix_directives", [])))
    try:
        chain = read_chain(case["chain"]) if case.get("chain", "").strip() else None
    except ChainError:
        chain = None
    try:
        diagnosis = diagnose(case["config"], read_log(evidence_text(case)), chain, options_of(case))
        claimed = [cause for cause in diagnosis.causes
                   if cause.confidence >= APPLY_AT and not _config_only(cause, diagnosis)]
        outcome.named = [cause.cause for cause in (claimed if case["cause"] == NONE_FITS else diagnosis.causes)]
        if outcome.fix_expected:
            fixed = evidence_fix(diagnosis, unsafe_fixes=True)
            outcome.fix_changed = directives_changed(case["config"], fixed.text)
    except Exception as exc:  # noqa: BLE001 — a crash is scored, not raised
        outcome.error = f"{type(exc).__name__}: {exc}"
    return outcome


def _config_only(cause, diagnosis) -> bool:
    files = tuple(f"{source.path}:" for source in diagnosis.config.files)
    return all(item.startswith(files) or item.startswith("chain:") for item in cause.evidence)


def problems(name: str, case: dict) -> list[str]:
    """What makes a case file unusable, by the format in tests/field/README.md."""
    found = [f"{name}: missing {key}" for key in REQUIRED if key not in case]
    found += [f"{name}: unknown key {key}" for key in case if key not in REQUIRED + OPTIONAL]
    if not any(case.get(key, "").strip() for key in EVIDENCE_KEYS):
        found.append(f"{name}: no evidence (log, upstream_log or response)")
    cause = case.get("cause")
    if cause != NONE_FITS and cause not in CAUSES:
        found.append(f"{name}: unknown cause {cause!r}")
    if cause == NONE_FITS and not case.get("real_cause"):
        found.append(f"{name}: none-fits without real_cause")
    if case.get("target") not in TARGETS:
        found.append(f"{name}: target must be one of {', '.join(TARGETS)}")
    if not str(case.get("source", "")).startswith(("https://", "http://")):
        found.append(f"{name}: source is not a URL")
    return found


def score(outcomes: list[Outcome]) -> str:
    total = len(outcomes)
    fixes = [outcome for outcome in outcomes if outcome.fix_counts]
    return (f"field: top1 {sum(o.top1 for o in outcomes)}/{total}, listed {sum(o.listed for o in outcomes)}/{total}, "
            f"fix-directives {sum(o.fix_ok for o in fixes)}/{len(fixes)}")


def table(outcomes: list[Outcome]) -> str:
    rows = {}
    for outcome in outcomes:
        row = rows.setdefault(outcome.expected, [0, 0, 0, 0, 0])
        row[0] += 1
        row[1] += outcome.top1
        row[2] += outcome.listed
        row[3] += outcome.fix_counts
        row[4] += outcome.fix_counts and outcome.fix_ok
    lines = ["| accepted cause | cases | named first | listed | fix changes the accepted directives |",
             "|---|---:|---:|---:|---:|"]
    for cause, (cases, top1, listed, fixes, fixed) in sorted(rows.items(), key=lambda item: (-item[1][0], item[0])):
        lines.append(f"| `{cause}` | {cases} | {top1} | {listed} | {f'{fixed}/{fixes}' if fixes else '—'} |")
    return "\n".join(lines)


def docs_block(outcomes: list[Outcome]) -> str:
    return f"{table(outcomes)}\n\n`{score(outcomes)}`\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--table", action="store_true")
    parser.add_argument("--docs", action="store_true", help="rewrite the table in docs/diagnosis.md")
    args = parser.parse_args(argv)
    cases = load_cases()
    bad = [problem for name, case in cases.items() for problem in problems(name, case)]
    if bad:
        print("\n".join(bad), file=sys.stderr)
        return 2
    outcomes = [run_case(name, case) for name, case in cases.items()]
    if args.verbose:
        for outcome in outcomes:
            mark = "ok " if outcome.top1 else ("~  " if outcome.listed else "XX ")
            missing = sorted(set(outcome.fix_expected) - outcome.fix_changed)
            fix = "" if not outcome.fix_counts else (" fix ok" if outcome.fix_ok else f" fix MISSING {missing}")
            print(f"{mark}{outcome.case}: expected {outcome.expected}, named {outcome.named[:3]}{fix}"
                  + (f" ERROR {outcome.error}" if outcome.error else ""))
    if args.table:
        print(table(outcomes))
    if args.docs:
        text = DOCS.read_text(encoding="utf-8")
        DOCS.write_text(DOCS_BLOCK.sub(lambda match: match[1] + docs_block(outcomes) + match[3], text),
                        encoding="utf-8")
    print(score(outcomes))
    return 1 if any(outcome.error for outcome in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
