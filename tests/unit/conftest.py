"""The LLM provider stand-in (tests/llm_stub.py) as a fixture: a fresh
server on a free 127.0.0.1 port per test, its requests recorded."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))  # the shared test corpora: hostile_answers
_spec = importlib.util.spec_from_file_location("llm_stub", TESTS / "llm_stub.py")
llm_stub = sys.modules.setdefault("llm_stub", importlib.util.module_from_spec(_spec))
if not hasattr(llm_stub, "LLMStub"):
    _spec.loader.exec_module(llm_stub)


@pytest.fixture
def stub():
    with llm_stub.LLMStub() as server:
        yield server
