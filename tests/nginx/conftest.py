"""Fixtures for tests that run the real nginx and openssl binaries."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from unavailable import unavailable

from harness import NGINX, OPENSSL, Nginx, NginxFactory, Pki


@pytest.fixture(autouse=True)
def _require_binaries() -> None:
    """Skip when nginx/openssl are absent, except in CI, where .ci/run
    installs them and a silently skipped suite would pass for nothing."""
    missing = [name for name, path in (("nginx", NGINX), ("openssl", OPENSSL)) if not path]
    if missing:
        unavailable(f"{' and '.join(missing)} not installed (apt-get install nginx-light openssl)")


@pytest.fixture
def pki(tmp_path: Path) -> Pki:
    """A fresh certificate directory for this test."""
    return Pki(tmp_path / "pki")


@pytest.fixture
def nginx_factory(tmp_path: Path) -> Iterator[NginxFactory]:
    """``make(http, stream=None, name=None) -> Nginx``: configured, not started.

    Every instance is stopped at teardown, pass or fail.  Their configs and
    error logs are printed then, which pytest shows only for failed tests.
    """
    instances: list[Nginx] = []

    def make(http: str, stream: str | None = None, name: str | None = None) -> Nginx:
        instance = Nginx(tmp_path / f"{name or 'nginx'}{len(instances)}")
        instances.append(instance)
        return instance.configure(http, stream)

    yield make

    for instance in instances:
        instance.stop()
    for instance in instances:
        print(f"===== {instance.conf}\n{instance.conf.read_text()}"
              f"===== {instance.error_log_path}\n{instance.error_log()}")
