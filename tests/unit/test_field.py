"""The field corpus (tests/field): real public reports rebuilt as cases.
The floors of issue 10 hold, every case file follows the format, and what
`diagnose` prints for them is what `fix` does."""
from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

from upstream_tls.diagnose import diagnose, evidence_fix
from upstream_tls.logs import read_log
from upstream_tls.output.json import diagnosis_payload
from upstream_tls.output.text import diagnosis_text

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "field"))
from score import (  # noqa: E402
    DOCS,
    DOCS_BLOCK,
    NONE_FITS,
    docs_block,
    evidence_text,
    load_cases,
    options_of,
    problems,
    run_case,
)

CASES = load_cases()
TOP1_FLOOR, LISTED_FLOOR, MINIMUM_CASES = 0.90, 0.97, 60
WEAKENING = re.compile(r"_ssl_verify off|@SECLEVEL=0|_ssl_protocols[^;]*\bTLSv1(?:\.1)?\b(?![.\d])")
PYTHON_REPR = re.compile(r"\bNone\b|<[\w.]+ object at 0x")


@pytest.fixture(scope="module")
def outcomes():
    return [run_case(name, case) for name, case in CASES.items()]


def test_corpus_is_large_spread_and_well_formed():
    assert len(CASES) >= MINIMUM_CASES
    assert [problem for name, case in CASES.items() for problem in problems(name, case)] == []
    sources = Counter(case["source"] for case in CASES.values())
    assert [source for source, count in sources.items() if count > 1] == []
    causes = Counter(case["cause"] for case in CASES.values())
    assert max(causes.values()) <= len(CASES) / 3, causes.most_common(3)
    assert sum("first-glance-wrong" in case.get("tags", ()) for case in CASES.values()) >= 10
    assert len({case["target"] for case in CASES.values()}) == 4


def test_floors(outcomes):
    crashed = [(outcome.case, outcome.error) for outcome in outcomes if outcome.error]
    assert crashed == []
    top1 = sum(outcome.top1 for outcome in outcomes) / len(outcomes)
    listed = sum(outcome.listed for outcome in outcomes) / len(outcomes)
    misses = [(outcome.case, outcome.expected, outcome.named[:3]) for outcome in outcomes if not outcome.top1]
    assert top1 >= TOP1_FLOOR, misses
    assert listed >= LISTED_FLOOR, misses


def test_docs_show_the_current_score(outcomes):
    shown = DOCS_BLOCK.search(DOCS.read_text(encoding="utf-8"))[2]
    assert shown == docs_block(outcomes), "run: python tests/field/score.py --docs"


@pytest.mark.parametrize("name", sorted(CASES))
def test_what_diagnose_says_is_what_fix_does(name):
    """No Python repr in the text; every directive a cause's fix names
    (when that fix applies) is in the fixed config, written once."""
    case = CASES[name]
    diagnosis = diagnose(case["config"], read_log(evidence_text(case)), None, options_of(case))
    text = diagnosis_text(diagnosis)
    assert not PYTHON_REPR.search(text), text
    payload = diagnosis_payload(diagnosis)
    assert not PYTHON_REPR.search(str([cause["evidence"] for cause in payload["causes"]]))
    fixed = evidence_fix(diagnosis, unsafe_fixes=True)
    for cause in diagnosis.causes:
        remedy = diagnosis.remedy(cause)
        if remedy.applicability == "safe":
            assert not WEAKENING.search(" ".join(remedy.directives)), (cause.cause, remedy)
        if remedy.applicability == "display-only" or cause.confidence < 0.5:
            continue
        for line in remedy.directives:
            placed = line in fixed.text or any(line in note for note in fixed.outstanding)
            assert placed, f"{cause.cause}: {line!r} is announced but not in the fixed config\n{fixed.text}"


def test_none_fits_cases_say_what_would_decide():
    for name, case in CASES.items():
        if case["cause"] != NONE_FITS:
            continue
        diagnosis = diagnose(case["config"], read_log(evidence_text(case)), None, options_of(case))
        assert diagnosis.unexplained or diagnosis.missing or diagnosis.causes, name


@pytest.mark.parametrize("name", sorted(CASES)[::4])
def test_the_llm_prompt_ranks_causes_as_the_cli_does(name):
    """The request an LLM would get carries the same causes in the same order."""
    from upstream_tls.llm import prepare
    case = CASES[name]
    diagnosis = diagnose(case["config"], read_log(evidence_text(case)), None, options_of(case))
    prompt = json.dumps(prepare("openai", case["config"], log_text=evidence_text(case), options=options_of(case)).body)
    positions = [prompt.find(f". {cause.cause} [") for cause in diagnosis.causes]
    assert all(position >= 0 for position in positions) and positions == sorted(positions), positions
