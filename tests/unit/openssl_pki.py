"""Certificates made by the real openssl for the expiry and --read-files
tests: a CA, leaves that expire in days or expired long ago, keys, CRLs."""
from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

from unavailable import unavailable

OPENSSL = shutil.which("openssl")


def require_openssl() -> None:
    """Skip without openssl, except in CI, where its absence is a failure."""
    if OPENSSL is None:
        unavailable("openssl not installed (apt-get install openssl)")


class Pki:
    def __init__(self, root: Path):
        require_openssl()
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        (root / "index.txt").write_text("")
        (root / "crlnumber").write_text("01\n")
        (root / "serial").write_text("1000\n")
        (root / "ca.cnf").write_text(
            f"[ca]\ndefault_ca = ca\n[ca]\ndatabase = {root}/index.txt\ncrlnumber = {root}/crlnumber\n"
            f"serial = {root}/serial\n"
            f"new_certs_dir = {root}\ndefault_md = sha256\npolicy = any\ncopy_extensions = copy\n"
            "unique_subject = no\n[any]\ncommonName = supplied\n")
        self.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
                      "-days", "3650", "-subj", "/CN=Test Upstream CA")

    def openssl(self, *args: str) -> None:
        subprocess.run([OPENSSL, *args], cwd=self.root, check=True, capture_output=True)

    def leaf(self, name: str, *, days: int | None = None, start: str | None = None, end: str | None = None) -> Path:
        """NAME.pem signed by the CA, valid for `days` from now or from
        `start` to `end` (YYYYMMDDHHMMSSZ); its key in NAME.key."""
        self.openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr",
                     "-subj", f"/CN={name}.internal")
        dates = ["-days", str(days)] if days is not None else ["-startdate", start, "-enddate", end]
        self.openssl("ca", "-batch", "-config", "ca.cnf", "-keyfile", "ca.key", "-cert", "ca.pem", "-notext",
                     "-in", f"{name}.csr", "-out", f"{name}.pem", *dates)
        return self.root / f"{name}.pem"

    def crl(self, name: str, *, stale: bool) -> Path:
        """A CRL whose next update is an hour ahead, or already past."""
        period = ["-crlsec", "1"] if stale else ["-crlhours", "1"]
        self.openssl("ca", "-batch", "-config", "ca.cnf", "-keyfile", "ca.key", "-cert", "ca.pem", "-gencrl",
                     "-out", f"{name}.crl", *period)
        if stale:
            time.sleep(1.5)
        return self.root / f"{name}.crl"
