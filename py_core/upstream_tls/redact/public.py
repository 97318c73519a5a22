"""Text that is public by nature, whatever it looks like: certificates,
template placeholders (`{{ .Values.db.password }}`, `${DB_PASSWORD}`,
`<REPLACE_ME>`, `%(password)s`), HPKP pins, CSP and SRI hashes, content
digests, SSH public keys, data: URIs and placeholders a redaction already
put there. Each detector yields spans that the
secret detectors may not replace (Scan.keep): a placeholder holds no secret
and the reader needs it; a pin or a hash is random-looking but published.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from .placeholders import PLACEHOLDER_SHAPE
from .text import Scan, pem_blocks

Span = tuple[int, int]

# One line each, never across a line break. `${NAME:-default}` keeps only
# its name: the default may be a secret (commands.shell_defaults).
_TEMPLATES = re.compile(
    r"\{\{[^{}\n]{1,200}\}\}"                       # Go, Helm, Jinja, Mustache
    r"|\{%[^%\n]{1,200}%\}"                         # Jinja statements
    r"|<%[^%\n]{1,200}%>"                           # ERB, EJS
    r"|\$\{[A-Za-z_][A-Za-z0-9_.]*\}"               # shell, envsubst, Terraform
    r"|\$\{[a-z]+:[A-Za-z_][\w./-]*\}"               # ${env:NAME}, ${ssm:/path}
    r"|\$\{[A-Za-z_][A-Za-z0-9_]*:?[?+][^}\n]*\}"    # ${NAME:?message}, ${NAME:+alternative}
    r"|\$\{[A-Za-z_][A-Za-z0-9_]*(?=:?[-=])"        # the name part of ${NAME:-default}
    r"|\$\([A-Za-z_][A-Za-z0-9_]*\)"                # Kubernetes, make
    r"|\$\((?:cat|pass|op|vault|aws|gcloud|az|security|kubectl|secret-tool|gopass|bw)\b[^()\n]{0,200}\)"
    r"|%\([A-Za-z_][A-Za-z0-9_.-]*\)[sdrif]"        # Python %-format
    r"|%\{[A-Za-z_][^{}\s]{0,100}\}"                # Puppet/Hiera, Logstash
    r"|#\{[^{}\n]{1,100}\}"                         # Ruby, Jenkins
    r"|%[A-Z][A-Z0-9_]{2,}%"                        # Windows %VAR%
    r"|@[A-Z][A-Z0-9_]{2,}@"                        # autoconf @VAR@
    r"|__[A-Z][A-Z0-9_]{2,}__"                      # __VAR__
    r"|\{(?:[a-z]+(?:_[a-z0-9]+)*|[A-Z]+(?:_[A-Z0-9]+)*)\}"  # Python str.format, snake_case only
    r"|<[A-Za-z][A-Za-z _.-]{0,48}>"                # <token>, <REPLACE_ME>, <your api key>
)
# Each starts with a literal, which the engine finds fast.
_PINS_AND_HASHES = (
    re.compile(r"pin-sha(?:256|384|512)=(?:\\?\")?[A-Za-z0-9+/]{20,}={0,2}(?:\\?\")?"),   # HPKP
    re.compile(r"sha(?:256|384|512)-[A-Za-z0-9+/]{20,}={0,2}"),                           # CSP source, SRI
    re.compile(r"'nonce-[A-Za-z0-9+/_=-]{8,}'"),                                            # CSP nonce
    re.compile(r"(?:sha(?:1|224|256|384|512)|md5):[0-9a-fA-F]{32,128}(?![0-9a-fA-F])"),   # content digests
)
_SSH_PUBLIC_KEY = re.compile(r"(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\.com"
                             r"|sk-ecdsa-sha2-nistp256@openssh\.com)[ \t]+AAAA[A-Za-z0-9+/]{20,}={0,3}")
_DATA_URI = re.compile(r"data:[a-z]+/[a-z0-9.+-]+(?:;[a-z-]+=[A-Za-z0-9-]+)*;base64,[A-Za-z0-9+/]{8,}={0,2}")


def certificates(scan: Scan) -> Iterator[Span]:
    """PEM blocks other than private keys: certificates, public keys, CSRs,
    CRLs, DH parameters. The chain reader needs them byte for byte."""
    for start, begin, end in pem_blocks(scan.text):
        if end >= 0 and "PRIVATE KEY" not in begin.group(1):
            yield start, end


def templates(scan: Scan) -> Iterator[Span]:
    for match in _TEMPLATES.finditer(scan.text):
        yield match.span()


def pins_and_hashes(scan: Scan) -> Iterator[Span]:
    """HPKP pins, CSP hashes and nonces, SRI hashes, content digests: sent to
    every client or derived from public content."""
    text = scan.text
    for pattern in _PINS_AND_HASHES:
        for match in pattern.finditer(text):
            if not (match.start() and text[match.start() - 1].isalnum()):
                yield match.span()


def placeholders(scan: Scan) -> Iterator[Span]:
    """Placeholders already in the input (a text redacted before): never
    replaced again, so redacting twice changes nothing."""
    if "redacted_" in scan.lower:
        for match in PLACEHOLDER_SHAPE.finditer(scan.text):
            yield match.span()


def public_keys(scan: Scan) -> Iterator[Span]:
    """SSH public keys (authorized_keys lines) and data: URIs (an inline
    image or font): long base64 that is meant to be seen."""
    for pattern, marker in ((_SSH_PUBLIC_KEY, " AAAA"), (_DATA_URI, "data:")):
        if marker in scan.text:
            for match in pattern.finditer(scan.text):
                yield match.span()
