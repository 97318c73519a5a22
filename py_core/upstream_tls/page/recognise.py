"""What a paste that nginx would refuse looks like instead: an HTML page, a
Kubernetes manifest, an error.log, a certificate… Named so the person is told
"this is not an nginx config" and where it belongs, rather than that
`<!DOCTYPE` lacks its `;`. Asked only about text that does not parse.
"""
from __future__ import annotations

import re

# Binary files by their first bytes, as the page decodes them (bytes above
# 0x7f become U+FFFD, so only the ASCII part of a signature is compared).
MAGIC = (
    ("PK\x03\x04", "a ZIP archive"),
    ("\x1f\ufffd", "a gzip-compressed file: unpack it first"),
    ("%PDF", "a PDF document"),
    ("\ufffdPNG", "a PNG image"),
    ("\x7fELF", "a program (ELF binary)"),
)

# (pattern, what it looks like, where it belongs — None: nowhere in this
# page), tried in order on the text from its first line that is not blank or
# a `#` comment. Line shapes must start there (a config with a log line
# pasted below it is still a config); document shapes may be anywhere in it.
SHAPES: tuple[tuple[re.Pattern, str, str | None], ...] = (
    (re.compile(r"\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \[(?:debug|info|notice|warn|error|crit|alert|emerg)\]"),
     "nginx's error.log", "paste it under “error.log lines”: it is evidence"),
    (re.compile(r"nginx: \[(?:emerg|alert|crit|error|warn)\]|nginx: configuration file .* test failed"),
     "the output of `nginx -t`", "paste it under “error.log lines”: it is evidence"),
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), "a private key",
     "do not paste private keys anywhere; this page needs none"),
    (re.compile(r"CONNECTED\(|-----BEGIN CERTIFICATE-----|Certificate chain$", re.M),
     "a certificate chain (openssl s_client output)", "paste it under “Certificate chain the upstream presents”"),
    (re.compile(r"HTTP/[0-9.]+ \d{3}\b"), "an HTTP response",
     "paste it under “error.log lines”: the response a client saw is evidence"),
    (re.compile(r"<(?:!doctype html|html|head|body|center|h1|title)\b", re.I), "an HTML page",
     "if it is the error page a client got, paste it under “error.log lines”: it is evidence"),
    (re.compile(r"<\?xml\b", re.I), "an XML document", None),
    (re.compile(r"\s*<(?:VirtualHost|Directory|IfModule|Location)\b|\s*ProxyPass(?:Reverse)?\s", re.I),
     "an Apache httpd config", None),
    (re.compile(r"\S+ - \S+ \[\d\d/\w{3}/\d{4}:"), "an access log",
     "the access log shows only the status; the cause is in the error.log"),
    (re.compile(r"(?:\$ |sudo |curl |systemctl |docker |kubectl )"), "shell commands", None),
    (re.compile(r"\s*\[(?:http|tcp)\.(?:routers|services|middlewares)"), "a Traefik config (TOML)", None),
)
DOCUMENTS: tuple[tuple[re.Pattern, str, str | None], ...] = (
    (re.compile(r"^apiVersion:\s*\S+\s*$(?:.|\n)*^kind:\s*\S+|^kind:\s*\S+\s*$(?:.|\n)*^apiVersion:", re.M),
     "Kubernetes YAML", "for ingress-nginx, paste what the controller runs: "
                        "`kubectl exec -n NAMESPACE CONTROLLER-POD -- nginx -T`"),
    (re.compile(r"^services:\s*$", re.M), "a Docker Compose file", None),
    (re.compile(r"^FROM\s+\S+(?:.|\n)*^(?:RUN|COPY|CMD|ENTRYPOINT)\s", re.M), "a Dockerfile", None),
    (re.compile(r"^\s*reverse_proxy\s+\S+\s*$", re.M), "a Caddyfile", None),
    (re.compile(r"^---\s*$|^[\w.-]+:\s*$\n^\s+(?:- )?[\w.-]+:", re.M), "YAML", None),
)


def looks_like(text: str) -> tuple[str, str | None] | None:
    """(what the text looks like, where it belongs), or None when it may
    well be an nginx config with a mistake in it."""
    for signature, name in MAGIC:
        if text.startswith(signature):
            return name, None
    if "\x00" in text:
        return "binary data, not text", None
    if text.startswith("#!"):
        return "a shell script", None
    head = _head(text)
    if head.startswith(("{", "[")):  # no nginx config starts with a brace
        return "JSON", None
    for pattern, name, belongs in SHAPES:
        if pattern.match(head):
            return name, belongs
    for pattern, name, belongs in DOCUMENTS:
        if pattern.search(head):
            return name, belongs
    return None


def sentence(found: tuple[str, str | None]) -> str:
    name, belongs = found
    tail = f" — {belongs}" if belongs else ""
    return f"This is not an nginx config (it looks like {name}){tail}."


def _head(text: str, size: int = 20_000) -> str:
    """The start of the text from its first line that is not blank or a `#` comment."""
    lines = text[:size].splitlines()
    start = next((index for index, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")),
                 len(lines))
    return "\n".join(lines[start:])
