"""The Rego policy and its tests, rendered from the same rule metadata and
constants `check` uses (codes, summaries, severities, directive names, the
patterns that call an include harmless or a path sensitive), so the two
cannot drift apart."""
from __future__ import annotations

import json
from dataclasses import dataclass

from ..findings import Severity
from ..options import MODES, Options
from ..parse import HTTP_LEVEL, MAIN_ONLY, SERVER_LEVEL, parse
from ..rules import RULES_BY_CODE
from ..rules.verify_disabled import VERIFY_DIRECTIVES, WIDE_LEVELS
from ..upstreams import (
    AUTH_DIRECTIVES,
    KNOWN_HARMLESS_INCLUDE,
    PASS_MODULES,
    PLAIN_PORTS,
    PLAIN_SCHEMES,
    SENSITIVE_HEADERS,
    SENSITIVE_PATH,
    TLS_SCHEMES,
)
from .conftest import conftest_input

# What can be judged from one file's directive tree: verification off,
# verification left at its default, verify on without a trust file, no SNI
# toward a name, and `server … ssl` in an upstream group.
COVERED = ("UT001", "UT002", "UT003", "UT006", "UT008")
PROFILES = MODES


class PolicyError(ValueError):
    """A profile that does not exist; one line."""


@dataclass(frozen=True)
class RegoCase:
    """A config the Rego tests feed the policy, and why it is there."""

    name: str
    text: str


# Inheritance cases beside each rule's own example and fixed example.
INHERITANCE_CASES = (
    RegoCase("location_inherits_verify_off_from_server",
             "server {\n    proxy_ssl_verify off;\n    location /api/ {\n        proxy_pass https://api.internal;\n"
             "    }\n}\n"),
    RegoCase("location_own_verify_overrides_http",
             "http {\n    proxy_ssl_verify off;\n    server {\n        location / {\n"
             "            proxy_pass https://backend.internal;\n            proxy_ssl_verify on;\n"
             "            proxy_ssl_trusted_certificate /etc/nginx/certs/ca.pem;\n"
             "            proxy_ssl_server_name on;\n        }\n    }\n}\n"),
    RegoCase("trusted_certificate_inherited_from_http",
             "http {\n    proxy_ssl_trusted_certificate /etc/nginx/certs/ca.pem;\n    server {\n"
             "        proxy_ssl_verify on;\n        location / {\n            proxy_pass https://10.0.0.5;\n"
             "        }\n    }\n}\n"),
    RegoCase("verify_on_without_trust_anywhere",
             "http {\n    proxy_ssl_verify on;\n    server {\n        location / {\n"
             "            proxy_pass https://10.0.0.5;\n        }\n    }\n}\n"),
    RegoCase("sni_inherited_from_server",
             "server {\n    proxy_ssl_server_name on;\n    location / {\n        proxy_pass https://api.example.com;\n"
             "        proxy_ssl_verify on;\n        proxy_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;\n"
             "    }\n}\n"),
    RegoCase("plain_http_is_not_judged", "location / {\n    proxy_pass http://backend.internal;\n}\n"),
    RegoCase("empty_file", ""),
)


def rego_policy(profile: str) -> str:
    """The policy module (`package upstream_tls`) for Conftest and OPA."""
    _check_profile(profile)
    from .. import __version__
    return _render("upstream_tls.rego.j2", version=__version__, profile=profile, **_constants())


def rego_tests(profile: str) -> str:
    """Rego unit tests for the policy of `profile`: each case's expected
    rule codes are what `check` reports for it at warning level or above."""
    _check_profile(profile)
    cases = []
    for code in COVERED:
        rule = RULES_BY_CODE[code]
        cases.append(RegoCase(f"{code}_docs_example", rule.example.replace("...", "")))
        cases.append(RegoCase(f"{code}_docs_fixed_example", rule.fixed.replace("...", "")))
    cases.extend(INHERITANCE_CASES)
    rendered = [{"name": case.name, "directives": _json_term(_document(case.text)["directives"]),
                 "codes": _rego(set(expected_codes(case.text, profile)))} for case in cases]
    return _render("upstream_tls_test.rego.j2", profile=profile, cases=rendered)


def expected_codes(text: str, profile: str) -> list[str]:
    """The covered codes `check` fails on for `text` (info does not fail)."""
    from ..engine import check
    if not text.strip():
        return []
    report = check(text, Options(mode=profile))
    return sorted({finding.code for finding in report.findings
                   if finding.code in COVERED and finding.severity is not Severity.INFO})


def _document(text: str) -> dict:
    return conftest_input(parse(text, empty_ok=True)).document


def _check_profile(profile: str) -> None:
    if profile not in PROFILES:
        raise PolicyError(f"unknown profile {profile!r}: use {' or '.join(PROFILES)}")


def _constants() -> dict:
    assert SENSITIVE_PATH.pattern == SENSITIVE_PATH.pattern.lower(), "matched against lower-cased text in Rego"
    return {
        "rules": {code: {"name": RULES_BY_CODE[code].name, "severity": str(RULES_BY_CODE[code].severity),
                         "summary": RULES_BY_CODE[code].summary} for code in COVERED},
        "pass_modules": PASS_MODULES,
        "tls_scheme_ports": TLS_SCHEMES,
        "plain_scheme_ports": PLAIN_SCHEMES,
        "plain_ports": set(PLAIN_PORTS),
        "verify_directives": set(VERIFY_DIRECTIVES),
        "wide_levels": set(WIDE_LEVELS),
        "main_only": set(MAIN_ONLY),
        "http_level": set(HTTP_LEVEL),
        "server_level": set(SERVER_LEVEL),
        "sensitive_headers": set(SENSITIVE_HEADERS),
        "auth_directives": set(AUTH_DIRECTIVES),
        "sensitive_path": _raw(SENSITIVE_PATH.pattern),
        "harmless_include": _raw(KNOWN_HARMLESS_INCLUDE.pattern),
    }


def _json_term(value) -> str:
    """JSON, which is also a Rego term, indented one level (tests read it back)."""
    return json.dumps(value, indent="\t", ensure_ascii=False).replace("\n", "\n\t")


def _raw(pattern: str) -> str:
    """A pattern for a Rego raw string (backquotes), which cannot hold one."""
    assert "`" not in pattern
    return pattern


def _rego(value, indent: str = "") -> str:
    """A Python value as a Rego term: dicts as objects, sets as sets (sorted,
    so the output is stable), JSON for the rest."""
    inner = indent + "\t"
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{json.dumps(key, ensure_ascii=False)}: {_rego(item, inner)}," for key, item in value.items()]
        return "{\n" + "\n".join(items) + f"\n{indent}}}"
    if isinstance(value, set | frozenset):
        return "{" + ", ".join(_rego(item) for item in sorted(value)) + "}" if value else "set()"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        return "[\n" + "\n".join(f"{inner}{_rego(item, inner)}," for item in value) + f"\n{indent}]"
    return json.dumps(value, ensure_ascii=False)


def _render(name: str, **context) -> str:
    from jinja2 import Environment, PackageLoader, StrictUndefined
    environment = Environment(loader=PackageLoader("upstream_tls.policy", "templates"), undefined=StrictUndefined,
                              keep_trailing_newline=True, autoescape=False)
    environment.filters["rego"] = _rego
    return environment.get_template(name).render(**context)
