"""Diagnosis on arbitrary mixes of real evidence and junk: it never raises,
never prints a Python repr, and the evidence-driven fix of a config that
parsed still parses, in both modes."""
from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from upstream_tls import Options
from upstream_tls.diagnose import diagnose, evidence_fix
from upstream_tls.logs import read_log
from upstream_tls.output.json import diagnosis_payload
from upstream_tls.output.text import diagnosis_text
from upstream_tls.parse import parse

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "field"))
from score import EVIDENCE_KEYS, load_cases  # noqa: E402

CASES = list(load_cases().values())
VARIABLE_TARGETS = [
    "location / {\n    proxy_pass http://$backend:8081$request_uri;\n    proxy_set_header Host $host;\n}\n",
    "location / {\n    proxy_pass https://$host$request_uri;\n    proxy_ssl_server_name on;\n}\n",
    "upstream g { server 10.0.0.1:443; }\nserver { location / { proxy_pass $s://g; proxy_ssl_verify on; } }\n",
]
CONFIGS = [case["config"] for case in CASES] + VARIABLE_TARGETS
LINES = sorted({line for case in CASES for key in EVIDENCE_KEYS for line in case.get(key, "").splitlines()
                if line.strip()})
# Junk without the word the repr check looks for: the input itself may say "None".
JUNK = st.text(st.characters(blacklist_categories=("Cs",)), max_size=120).filter(lambda text: "None" not in text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config=st.sampled_from(CONFIGS), lines=st.lists(st.one_of(st.sampled_from(LINES), JUNK), max_size=8),
       mode=st.sampled_from(["production", "dev"]), unsafe=st.booleans())
def test_any_mix_of_field_evidence_is_read_without_fault(config, lines, mode, unsafe):
    diagnosis = diagnose(config, read_log("\n".join(lines)), None, Options(mode=mode))
    assert "None" not in diagnosis_text(diagnosis)
    payload = diagnosis_payload(diagnosis)
    assert [cause["cause"] for cause in payload["causes"]] == [cause.cause for cause in diagnosis.causes]
    fixed = evidence_fix(diagnosis, unsafe_fixes=unsafe)
    assert not parse(fixed.text).diagnostics
    if mode == "production":
        for weakening in ("_ssl_verify off;", "@SECLEVEL=0"):
            assert fixed.text.count(weakening) <= config.count(weakening), weakening
