"""The wheel the browser and pip install: pure Python, with its templates."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_is_pure_and_carries_its_templates(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    [wheel] = tmp_path.glob("upstream_tls-*.whl")
    assert wheel.name.endswith("-py3-none-any.whl")
    names = zipfile.ZipFile(wheel).namelist()
    templates = {name.rsplit("/", 1)[-1] for name in names if "/templates/" in name}
    assert {path.name for path in (ROOT / "py_core" / "upstream_tls" / "templates").iterdir()} <= templates
    assert not [name for name in names if name.endswith((".so", ".pyd", ".c"))]
