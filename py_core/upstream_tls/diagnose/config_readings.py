"""Readings from the config and the chain alone: what can fail here, not
what did. They rank below anything a log line shows, and the ones that need
verification are dropped while verification is off."""
from __future__ import annotations

import re

from ..findings import Finding
from ..rules import RULES_BY_CODE
from ..upstreams import Site
from .case import Case
from .reading import Reading
from .repair import Repair
from .situation import COMMON_PLAIN_PORTS, MISSING
from .weights import EVEN, LIKELY, POSSIBLE, RULE_STRENGTHS

RESOLVER_NOTE = ("add `resolver` with a DNS server nginx can reach (127.0.0.11 inside Docker, the cluster DNS in "
                 "Kubernetes, your network's resolver otherwise)")

# Certificates servers present when no SNI (or an unknown one) selects a site.
DEFAULT_CERTIFICATE = re.compile(r"Kubernetes Ingress Controller Fake Certificate|TRAEFIK DEFAULT CERT|"
                                 r"\bingress\.local\b|\blocalhost\.localdomain\b", re.I)


def rule_readings(findings: list[Finding], site: Site | None) -> list[Reading]:
    readings = []
    for finding in findings:
        cause = RULES_BY_CODE[finding.code].evidences
        if cause is not None and (site is None or concerns(site, finding)):
            where = f"{finding.span.file}:{finding.span.line}"
            readings.append(Reading(cause, RULE_STRENGTHS[cause], f"{where}: {finding.code} {finding.message}",
                                    config_only=True))
    return readings


def concerns(site: Site, finding: Finding) -> bool:
    """Whether a rule finding is about this upstream: its pass directive,
    its group, or the verify / client-certificate directive in effect for it."""
    span = finding.span
    if (span.file, span.line) == (site.node.file, site.node.line):
        return True
    if site.group is not None and span.file == site.group.file and site.group.line <= span.line <= site.group.end_line:
        return True
    return any(node is not None and (node.file, node.line) == (span.file, span.line)
               for node in (site.effective("ssl_verify"), site.effective("ssl_certificate")))


def situation_readings(case: Case) -> list[Reading]:
    """What the config around the upstream makes fail on every request,
    where no rule looks (a variable's value, another module's settings)."""
    situation = case.situation
    site = situation.site
    if site is None:
        return []
    readings = []
    target = situation.target
    if site.resolved_at_run_time and situation.resolver is None:
        seen = "is in effect" if situation.whole_http else "is in the paste (one at http level would do)"
        readings.append(Reading("upstream-name-unresolved", LIKELY if situation.whole_http else POSSIBLE,
                                f"{site.node.file}:{site.node.line}: {site.describe()} holds a variable, so nginx "
                                f"resolves the host per request, and no `resolver` {seen}: `no resolver defined to "
                                "resolve`", config_only=True, note=RESOLVER_NOTE,
                                decides="`nginx -T | grep resolver`: none means every request to it fails"))
    if site.target.has_variable and target.host and target.scheme in ("https", "grpcs") \
            and target.port in COMMON_PLAIN_PORTS:
        readings.append(Reading("https-to-plain-http", EVEN, f"{site.node.file}:{site.node.line}: {site.describe()} "
                                f"resolves to {target.scheme}://{target.host}:{target.port}, a port where applications "
                                "usually speak plain HTTP", case.plain_repair(), unsafe=True, config_only=True,
                                decides=f"`curl -v http://{target.host}:{target.port}/` from the nginx host: an HTTP "
                                        "answer means the port is plain"))
    hosts = case.host_lines()
    if len(hosts) > 1:
        readings.append(Reading("duplicate-host-header", LIKELY, f"{hosts[0].file}:{hosts[0].line}: proxy_set_header "
                                f"Host is set {len(hosts)} times at one level ("
                                + ", ".join(f"{node.file}:{node.line}" for node in hosts)
                                + "): the upstream receives that many Host headers", config_only=True))
    certificate = next((node for node in situation.misprefixed if node.name.endswith("_ssl_certificate")), None)
    if certificate is not None:
        readings.append(Reading("client-certificate-required", EVEN, f"{certificate.file}:{certificate.line}: "
                                f"{certificate.name} does nothing for {site.node.name}", config_only=True))
    return readings


def chain_readings(case: Case) -> list[Reading]:
    chain = case.chain
    if chain is None:
        return []
    leaf = chain.leaf
    weight = LIKELY if case.situation.verifying else EVEN
    off = Repair((("ssl_verify", "off"),))
    readings = []
    if leaf.expired:
        readings.append(Reading("certificate-expired", weight, f"chain: expired {-leaf.days_left} days ago "
                                f"({leaf.not_after:%Y-%m-%d})", off, config_only=True))
    if leaf.not_yet_valid:
        readings.append(Reading("certificate-not-yet-valid", weight, f"chain: valid only from "
                                f"{leaf.not_before:%Y-%m-%d}", off, config_only=True))
    if not leaf.server_auth_ok:
        readings.append(Reading("certificate-purpose", weight, "chain: extendedKeyUsage lacks serverAuth "
                                f"({', '.join(leaf.extended_key_usage)})", off, config_only=True))
    if leaf.key_type == "rsa" and leaf.key_bits and leaf.key_bits < 2048:
        readings.append(Reading("weak-upstream-key", weight, f"chain: RSA {leaf.key_bits}-bit key",
                                Repair((("ssl_ciphers", "DEFAULT:@SECLEVEL=0"),)), config_only=True))
    default = DEFAULT_CERTIFICATE.search(" ".join((leaf.subject, *leaf.dns_names)))
    if default and case.situation.sni == MISSING:
        repair, note = case.name_repair()
        readings.append(Reading("sni-required", LIKELY, f"chain: \"{default[0]}\" is the certificate the upstream "
                                "presents when no SNI selects a site", repair, note=note))
    name = case.situation.checked_name
    if case.situation.verifying and name and not leaf.matches_name(name):
        repair, note = case.name_repair()
        readings.append(Reading("name-mismatch", LIKELY, f"chain: the certificate does not cover \"{name}\" (it names "
                                f"{', '.join(leaf.dns_names) or leaf.subject_cn})", repair, note=note,
                                config_only=True))
    return readings
