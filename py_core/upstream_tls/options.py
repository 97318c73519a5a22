"""What the person told us beyond the config: mode, nginx version, and the
values a fix needs but the config cannot know (CA path, TLS name)."""
from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_CA_FILE = "/etc/nginx/certs/upstream-ca.pem"
NAME_PLACEHOLDER = "REPLACE-WITH-UPSTREAM-CERT-DNS-NAME"
RESOLVER_PLACEHOLDER = "REPLACE-WITH-DNS-SERVER-IP"
MODES = ("production", "dev")


def parse_ssl_name(text: str) -> tuple[str | None, str]:
    """'api.internal' -> (None, 'api.internal'); '10.0.1.45=api.internal' -> ('10.0.1.45', 'api.internal')."""
    host, _, name = text.rpartition("=")
    if not name or any(char.isspace() or char in ";{}" for char in name):
        raise ValueError(f"not a TLS name: {text!r} (expected NAME or UPSTREAM=NAME)")
    return host or None, name


def parse_version(text: str) -> tuple[int, int, int]:
    """'1.22.1' -> (1, 22, 1); raises ValueError with the text in the message."""
    match = re.fullmatch(r"(\d+)\.(\d+)(?:\.(\d+))?", text.strip())
    if not match:
        raise ValueError(f"not an nginx version: {text!r} (expected X.Y.Z, e.g. 1.22.1)")
    return int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)


@dataclass(frozen=True)
class Options:
    mode: str = "production"
    nginx_version: tuple[int, int, int] | None = None
    ca_file: str | None = None
    ssl_names: tuple[tuple[str | None, str], ...] = ()
    client_cert: str | None = None
    client_key: str | None = None

    def __post_init__(self):
        if self.mode not in MODES:
            raise ValueError(f"unknown mode {self.mode!r}: use production or dev")

    def ssl_name_for(self, host: str, port: int | None, only_target: bool) -> str | None:
        """The DNS name the person gave for this upstream: `--ssl-name
        HOST:PORT=NAME`, then `HOST=NAME`, then a bare `--ssl-name NAME` when
        this is the only upstream that needs one."""
        names = dict(self.ssl_names)
        return names.get(f"{host}:{port}") or names.get(host) or (names.get(None) if only_target else None)

    @property
    def trust_path(self) -> str:
        """The path written into proxy_ssl_trusted_certificate."""
        return self.ca_file or DEFAULT_CA_FILE

    @property
    def production(self) -> bool:
        return self.mode == "production"

    def default_protocols(self) -> tuple[str, ...] | None:
        """nginx's proxy_ssl_protocols default for the given version, None if unknown."""
        if self.nginx_version is None:
            return None
        if self.nginx_version < (1, 23, 4):
            return ("TLSv1", "TLSv1.1", "TLSv1.2")
        if self.nginx_version < (1, 27, 3):
            return ("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")
        return ("TLSv1.2", "TLSv1.3")
