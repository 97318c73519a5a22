"""The numbers diagnosis reasons with, as named data a reviewer can read.

A reading is one way a piece of evidence can be explained; its strength says
how often, in field reports, that explanation was the accepted one given the
same evidence and the same config around it. Strengths of independent
readings of one cause combine as a noisy-or. Priors say how common each cause
is among field reports; they only order causes the evidence supports equally.
"""
from __future__ import annotations

CERTAIN = 0.95   # only this cause writes that line
STRONG = 0.85    # the line with the config around it names this cause; others are rare
LIKELY = 0.7     # the usual explanation in field reports, not the only one
EVEN = 0.5       # one of two explanations the evidence allows about equally
POSSIBLE = 0.35  # worth checking when the likelier one is ruled out
HINT = 0.2       # the config alone allows it; nothing shows it happened

STRENGTHS = {"CERTAIN": CERTAIN, "STRONG": STRONG, "LIKELY": LIKELY, "EVEN": EVEN, "POSSIBLE": POSSIBLE,
             "HINT": HINT}

# With a log line showing what failed, a cause read from the config alone
# ranks at most this share of the strongest shown reading.
CONFIG_ONLY_SHARE = 0.5
# A cause whose repair is applied by the evidence-driven fix must reach this.
APPLY_AT = EVEN
CEILING = 0.99

# How common each cause is as the accepted answer in public reports of a
# proxied-HTTPS 502 (tests/field): missing SNI leads by far, then the
# scheme/port mix-ups and trust problems. Causes not listed share DEFAULT_PRIOR.
PRIORS = {
    "sni-required": 0.30,
    "https-to-plain-http": 0.10,
    "http-to-https-port": 0.10,
    "untrusted-certificate": 0.10,
    "name-mismatch": 0.08,
    "host-header-mismatch": 0.07,
    "upstream-connection-refused": 0.06,
    "legacy-upstream-protocol": 0.04,
    "protocol-mismatch": 0.04,
    "client-certificate-required": 0.03,
    "incomplete-chain": 0.03,
    "upstream-name-unresolved": 0.03,
    "upstream-unreachable": 0.03,
    "upstream-closed-connection": 0.03,
    "cipher-mismatch": 0.02,
    "certificate-expired": 0.02,
    "verify-depth-exceeded": 0.02,
}
DEFAULT_PRIOR = 0.01

# Config-only evidence: a rule finding says the failure can happen here, not
# that it did. How strongly, by the cause the rule declares it evidences.
RULE_STRENGTHS = {
    "verify-disabled": 0.3,
    "verify-without-trusted-certificate": 0.8,
    "name-mismatch": 0.6,
    "sni-required": 0.3,
    "host-header-mismatch": 0.35,
    "upstream-server-ssl-flag": 0.9,
    "http-to-https-port": 0.7,
    "https-to-plain-http": 0.7,
    "protocol-mismatch": HINT,
    "client-key-missing": 0.9,
}

# Causes that can only fail a request while nginx verifies the certificate:
# read from the config or the chain alone, they are not ranked when
# verification is off (a log line that shows verification failing is proof
# it was on, whatever the pasted config says).
NEED_VERIFICATION = frozenset({
    "name-mismatch", "untrusted-certificate", "verify-depth-exceeded", "incomplete-chain", "certificate-purpose",
    "certificate-expired", "certificate-not-yet-valid", "certificate-revoked", "crl-expired", "crl-wrong-issuer",
    "weak-upstream-key",
})


def prior(cause: str) -> float:
    return PRIORS.get(cause, DEFAULT_PRIOR)
