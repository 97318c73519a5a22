"""What the person told us beyond the config: mode, nginx version, and the
values a fix needs but the config cannot know (CA path, TLS name)."""
from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_CA_FILE = "/etc/nginx/certs/upstream-ca.pem"
# The distribution's bundle of public CAs (Debian, Ubuntu, Alpine; RHEL-likes
# keep it at /etc/pki/tls/certs/ca-bundle.crt). nginx never reads it unless a
# config names it.
SYSTEM_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
# Bundles of public CAs (the distributions' and curl's Mozilla bundle): they
# hold every public root and never a private or self-signed upstream's anchor.
SYSTEM_BUNDLE = re.compile(r"^/etc/(?:ssl/certs/ca-certificates\.crt|ssl/cert\.pem|ssl/certs/ca-bundle\.crt|"
                           r"pki/tls/certs/ca-bundle\.crt|pki/tls/cert\.pem|pki/ca-trust/extracted/pem/"
                           r"tls-ca-bundle\.pem|ssl/ca-bundle\.pem)$")
PUBLIC_BUNDLE_NAME = re.compile(r"(?:^|/)(?:cacert|ca-certificates|ca-bundle|tls-ca-bundle)\.(?:pem|crt)$")
# What a fix writes where only the person knows the value.
PLACEHOLDER_PREFIX = "REPLACE-WITH-"
NAME_PLACEHOLDER = PLACEHOLDER_PREFIX + "UPSTREAM-CERT-DNS-NAME"
RESOLVER_PLACEHOLDER = PLACEHOLDER_PREFIX + "DNS-SERVER-IP"
MODES = ("production", "dev")


def is_public_bundle(path: str | None) -> bool:
    """A trust file that holds every public CA: trusting it accepts any
    publicly issued certificate for the name."""
    return path is not None and bool(SYSTEM_BUNDLE.match(path) or PUBLIC_BUNDLE_NAME.search(path))


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
        """The path written into proxy_ssl_trusted_certificate for a private
        CA (or a self-signed upstream): --ca-file, else the default."""
        return self.ca_file or DEFAULT_CA_FILE

    def trust_path_for(self, public: bool) -> str:
        """A publicly named upstream's certificate chains to a public root,
        which the OS bundle holds; --ca-file overrides the assumption."""
        return self.ca_file or (SYSTEM_CA_BUNDLE if public else DEFAULT_CA_FILE)

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


# The same options have two names: a flag on the command line, a field
# label in the page. Problems are worded with the one the person used.
FLAGS = {"nginx_version": "--nginx-version", "ssl_names": "--ssl-name", "client": "--client-cert and --client-key",
         "mode": "--mode", "ca_file": "--ca-file"}
LABELS = {"nginx_version": "nginx version", "ssl_names": "TLS name", "client": "client certificate and key",
          "mode": "mode", "ca_file": "CA file path"}


def options_from_fields(fields: dict, names: dict[str, str]) -> tuple[Options, list[str]]:
    """Options from plain values (`ssl_names` a list of NAME or UPSTREAM=NAME),
    and one message per value that cannot be used, named by `names`."""
    problems = []
    version = None
    if (fields.get("nginx_version") or "").strip():
        try:
            version = parse_version(fields["nginx_version"])
        except ValueError as exc:
            problems.append(f"{names['nginx_version']}: {exc}")
    ssl_names = []
    for text in fields.get("ssl_names") or ():
        try:
            ssl_names.append(parse_ssl_name(text))
        except ValueError as exc:
            problems.append(f"{names['ssl_names']}: {exc}")
    client_cert = (fields.get("client_cert") or "").strip() or None
    client_key = (fields.get("client_key") or "").strip() or None
    if bool(client_cert) != bool(client_key):
        problems.append(f"{names['client']} go together: give both paths, or neither")
    mode = fields.get("mode") or "production"
    if mode not in MODES:
        problems.append(f"{names['mode']}: {mode!r} is neither production nor dev")
        mode = "production"
    return Options(mode=mode, nginx_version=version, ca_file=(fields.get("ca_file") or "").strip() or None,
                   ssl_names=tuple(ssl_names), client_cert=client_cert, client_key=client_key), problems
