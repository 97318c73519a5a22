"""Certificate dates in the text exposition format node_exporter's textfile
collector reads (`cert --format prometheus`), for an alert ahead of expiry."""
from __future__ import annotations

from datetime import UTC, datetime

from ..certs import Chain

METRICS = (
    ("upstream_tls_certificate_not_after_seconds", "notAfter of the certificate, in seconds since the epoch",
     lambda cert: _epoch(cert.not_after)),
    ("upstream_tls_certificate_not_before_seconds", "notBefore of the certificate, in seconds since the epoch",
     lambda cert: _epoch(cert.not_before)),
    ("upstream_tls_certificate_is_ca", "1 when the certificate is a CA (basicConstraints CA:TRUE)",
     lambda cert: int(cert.is_ca)),
    ("upstream_tls_certificate_self_signed", "1 when the certificate is self-signed (a trust anchor)",
     lambda cert: int(cert.self_signed)),
)


def prometheus_text(chains: list[Chain], now: datetime | None = None) -> str:
    """The text exposition format node_exporter's textfile collector reads:
    per certificate `{file, subject, serial}`, plus when the files were read.
    The same series for the same certificate in two files stay apart by `file`."""
    now = now or datetime.now(UTC)
    lines = []
    for name, help_text, value in METRICS:
        lines += [f"# HELP {name} {help_text}.", f"# TYPE {name} gauge"]
        seen = set()
        for chain in chains:
            for cert in chain.certificates:
                labels = _labels(file=chain.name, subject=cert.subject, serial=cert.serial)
                if labels not in seen:
                    seen.add(labels)
                    lines.append(f"{name}{{{labels}}} {value(cert)}")
    name = "upstream_tls_certificate_check_timestamp_seconds"
    lines += [f"# HELP {name} When upstream-tls read the certificate file.", f"# TYPE {name} gauge"]
    lines += [f"{name}{{{_labels(file=chain.name)}}} {_epoch(now)}" for chain in chains]
    return "\n".join(lines) + "\n"


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def _labels(**values: str) -> str:
    return ",".join(f'{key}="{_escape(value)}"' for key, value in values.items())


def _escape(value: str) -> str:
    """Label values: backslash, double quote and line feed are escaped."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
