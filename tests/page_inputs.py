"""Inputs the page's tests share: a fixture config as the form would send it,
and a self-signed upstream certificate made by the real openssl."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path


def fixture_payload(path: Path) -> dict:
    """A fixture config with its `# options:` line as the form's fields."""
    text = path.read_text()
    options = {"mode": "production"}
    match = re.match(r"# options: (.*)", text)
    if match:
        options.update(pair.split("=", 1) for pair in match.group(1).split())
    return {"config": text, "options": options}


def self_signed_pem(folder: Path) -> str:
    """A self-signed P-256 certificate for api.internal (PEM), as an upstream presents it."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem"), "-days", "30",
                    "-subj", "/CN=api.internal", "-addext", "subjectAltName=DNS:api.internal"],
                   check=True, capture_output=True)
    return (folder / "cert.pem").read_text()
