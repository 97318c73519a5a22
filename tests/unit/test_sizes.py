"""Every room in the core stays small enough to read at once: no module over
400 lines, no function over 80, no class over 200 (issue 16's limits). A
module that outgrows them has two jobs; split it where the jobs part."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "py_core" / "upstream_tls"
MODULES = sorted(CORE.rglob("*.py"))
MAX_MODULE, MAX_FUNCTION, MAX_CLASS = 400, 80, 200


def oversized(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    found = []
    if len(source.splitlines()) > MAX_MODULE:
        found.append(f"module: {len(source.splitlines())} lines")
    for node in ast.walk(ast.parse(source)):
        length = getattr(node, "end_lineno", 0) - getattr(node, "lineno", 0) + 1
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and length > MAX_FUNCTION:
            found.append(f"function {node.name} (line {node.lineno}): {length} lines")
        elif isinstance(node, ast.ClassDef) and length > MAX_CLASS:
            found.append(f"class {node.name} (line {node.lineno}): {length} lines")
    return found


def test_the_core_has_modules():
    assert len(MODULES) > 50


@pytest.mark.parametrize("path", MODULES, ids=[str(path.relative_to(CORE)) for path in MODULES])
def test_no_module_function_or_class_outgrows_its_room(path):
    assert oversized(path) == []


def test_the_check_sees_an_oversized_function(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION))
    sample = tmp_path / "big.py"
    sample.write_text(f"def big():\n{body}\n")
    assert oversized(sample) == ["function big (line 1): 81 lines"]
