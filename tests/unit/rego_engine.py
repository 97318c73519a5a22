"""A real Rego engine for the policy tests: regopy (rego-cpp) from PyPI, as
the OPA and Conftest binaries cannot be installed here.

The policy is compiled once per profile into a bundle (a plain query
recompiles it every time and is some fifteen times slower). What regopy
1.5.2 cannot do, found while writing these tests:
- `with input as {...}` crashes the process (SIGSEGV) as soon as a rule
  called under it uses a built-in function; `with input.directives as` runs;
- any `with` turns off rule caching, so the policy's test rules run for
  minutes each: the tests below set the input and query instead;
- inline regex flags such as `(?i)` match nothing (the policy lower-cases);
- a string holding a double quote loses it on input, and strings in query
  output are not JSON-escaped: queries here return codes and paths only.
"""
from __future__ import annotations

import json
import re

from upstream_tls.policy import rego_policy

FINDINGS_QUERY = ("found := [[item.code, item.path] | some item in data.upstream_tls.findings]; "
                  "denied := {substring(message, 0, 5) | some message in data.upstream_tls.deny}")


class RegoPolicy:
    """The generated policy of one profile, loaded into regopy."""

    def __init__(self, profile: str, extra_modules: dict[str, str] | None = None):
        from regopy import Interpreter
        self.interpreter = Interpreter()
        self.interpreter.add_module("upstream_tls.rego", rego_policy(profile))
        for name, source in (extra_modules or {}).items():
            self.interpreter.add_module(name, source)
        self.bundle = self.interpreter.build(FINDINGS_QUERY)

    def evaluate(self, document: dict) -> tuple[list[tuple[str, tuple]], set[str]]:
        """(code, path) of every finding, and the codes `deny` reports."""
        self.interpreter.set_input(document)
        output = self.interpreter.query_bundle(self.bundle)
        if not output.results:
            raise AssertionError(f"the policy gave no result: {output}")
        bindings = output.results[0].bindings
        return [(code, tuple(path)) for code, path in bindings["found"]], set(bindings["denied"])


TEST_RULE = re.compile(r"^test_(?P<name>\w+) if \{\n\tcodes_of\(deny\) == (?P<codes>set\(\)|\{[^}]*\}) "
                       r"with input\.directives as (?P<directives>.*?)\n\}\n", re.M | re.S)


def rego_test_rules(module: str) -> list[tuple[str, set[str], list]]:
    """(name, expected codes, input directives) of each generated test rule."""
    cases = []
    for match in TEST_RULE.finditer(module):
        codes = set(re.findall(r'"(UT\d{3})"', match["codes"]))
        cases.append((match["name"], codes, json.loads(match["directives"])))
    return cases
