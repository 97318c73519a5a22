"""The corpus of bench/redaction_corpus.py as a test: every planted secret
goes (recall 100%), the must-keep words stay (keep-rate >= 99%), every
redacted config parses to the same tree, at both levels; and no error
message the core prints quotes a planted secret."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from upstream_tls import parse
from upstream_tls.cli import main
from upstream_tls.redact import redact, restore

_spec = importlib.util.spec_from_file_location(
    "redaction_corpus", Path(__file__).resolve().parents[2] / "bench" / "redaction_corpus.py")
corpus = sys.modules["redaction_corpus"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(corpus)

SAMPLES = corpus.build_corpus(seed=1, rounds=1) + corpus.build_corpus(seed=2, rounds=1)


def shape(text: str):
    config = parse(text)
    return [("entry" if node.parent.name == "map" else node.name, len(node.args), node.line, node.end_line)
            for node in config.walk()], [(diagnostic.file, diagnostic.line) for diagnostic in config.diagnostics]


@pytest.mark.parametrize("topology", [False, True], ids=["secrets", "topology"])
def test_recall_keep_rate_and_tree(topology):
    results = [redact(sample.text, topology=topology) for sample in SAMPLES]
    score = corpus.score(SAMPLES, [result.text for result in results])
    assert score.recall == 1.0, [(name, secret.kind, secret.position) for name, secret in score.misses]
    if not topology:  # topology replaces host names and IPs, which are must-keep words of the secrets level
        assert score.keep_rate >= 0.99, score.lost[:20]
    for sample, result in zip(SAMPLES, results, strict=True):
        assert restore(result.text, result.mapping).text == sample.text
        assert result.text.count("\n") == sample.text.count("\n")
        if sample.is_config:
            assert shape(result.text) == shape(sample.text), sample.name


def _broken_variants():
    """Configs with a planted secret on a line that no longer parses: the
    `;` after it dropped, a quote left open, a brace missing."""
    variants = []
    for sample in SAMPLES[:8]:
        lines = sample.text.split("\n")
        for index, line in enumerate(lines):
            if not any(secret.value.split("\n")[0] in line for secret in sample.secrets):
                continue
            for broken in (line.replace(";", "", 1), line + ' "', line.replace("}", "", 1)):
                if broken != line:
                    variants.append((sample, "\n".join(lines[:index] + [broken] + lines[index + 1:])))
    return variants


def _leaked(sample, message: str) -> list[str]:
    return [secret.kind for secret in sample.secrets if any(piece in message for piece in secret.pieces())]


def test_parse_diagnostics_scrubbed_show_no_secret():
    variants = _broken_variants()
    assert len(variants) > 40
    quoted = 0
    for sample, text in variants:
        redaction = redact(text)
        for diagnostic in parse(text, "site.conf").diagnostics:
            quoted += bool(_leaked(sample, str(diagnostic)))
            assert not _leaked(sample, redaction.scrub(str(diagnostic))), str(diagnostic)
    assert quoted, "the parser quotes input in its diagnostics; this test must see such cases"


def test_cli_errors_show_no_secret(tmp_path, capsys):
    log = tmp_path / "error.log"
    log.write_text(next(sample.text for sample in SAMPLES if sample.name == "error.log"))
    leaks = []
    for number, (sample, text) in enumerate(_broken_variants()[:30]):
        path = tmp_path / f"site{number}.conf"
        path.write_text(text)
        for command in (["check", str(path)], ["fix", str(path)], ["diagnose", str(path), "--error-log", str(log)]):
            main(command)
            leaks += _leaked(sample, capsys.readouterr().err)
    assert not leaks


def test_chain_errors_name_blocks_not_content(tmp_path, capsys):
    chain = next(sample for sample in SAMPLES if sample.name == "chain.txt")
    key = next(secret for secret in chain.secrets if secret.kind == "private-key")
    path = tmp_path / "key-only.pem"
    path.write_text(key.value + "\n")
    assert main(["cert", str(path)]) == 2
    assert not _leaked(chain, capsys.readouterr().err)
