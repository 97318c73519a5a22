"""bench/redaction_peers_corpus.py as a test: real configs by other
projects (../shared/peers) with secrets planted the way people leave them
and look-alikes that must stay. Floors, at two seeds: every planted secret
fully gone (not a 12-character piece left), keep-rate >= 99.5%, line count,
directive tree and parse diagnostics unchanged, restore byte-exact; with
--topology every secret still gone; and the unplanted configs' ordinary
comments come back byte-identical. Without the peer corpus these tests skip.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from upstream_tls.redact import redact, restore

_spec = importlib.util.spec_from_file_location(
    "redaction_peers_corpus", Path(__file__).resolve().parents[2] / "bench" / "redaction_peers_corpus.py")
corpus = sys.modules["redaction_peers_corpus"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(corpus)

pytestmark = pytest.mark.skipif(not corpus.PEERS.is_dir(), reason=f"peer corpus not found at {corpus.PEERS}")


@pytest.fixture(scope="module", params=[13, 71])
def cases(request):
    return corpus.build_corpus(seed=request.param)


def test_the_corpus_plants_every_kind(cases):
    kinds = {secret.kind for case in cases for secret in case.secrets}
    assert len(cases) > 200 and sum(len(case.secrets) for case in cases) > 1000
    assert {kind.split("-")[0] for kind in kinds} >= {"prose", "shell", "dsn", "env", "provider", "aws", "private"}


def test_floors(cases):
    results = [redact(case.text) for case in cases]
    score = corpus.score(cases, [result.text for result in results])
    assert score.recall == 1.0, [(name, secret.kind, secret.position) for name, secret in score.misses]
    assert score.keep_rate >= 0.995, score.lost[:20]
    for case, result in zip(cases, results, strict=True):
        assert result.text.count("\n") == case.text.count("\n"), case.name
        assert restore(result.text, result.mapping).text == case.text, case.name
        if case.config:
            assert corpus.tree(result.text) == corpus.tree(case.text), case.name


def test_topology_keeps_every_secret_gone_and_hides_names(cases):
    results = [redact(case.text, topology=True) for case in cases]
    score = corpus.score(cases, [result.text for result in results])
    assert score.recall == 1.0, [(name, secret.kind) for name, secret in score.misses]
    tags = {name.rpartition("_")[0] for result in results for name in result.mapping.placeholders}
    assert {"REDACTED_HOST", "REDACTED_IP", "REDACTED_UPSTREAM"} <= tags


def test_ordinary_comments_stay_byte_identical():
    total, same, changed = corpus.untouched_comments()
    assert total > 1000 and same == total, changed
