"""Policy as code for the checks a directive tree can settle: a Rego module
for Conftest/OPA and its unit tests, and our parse in Conftest's input shape."""
from .conftest import ConftestInput, conftest_input
from .rego import COVERED, PROFILES, PolicyError, expected_codes, rego_policy, rego_tests

__all__ = ["COVERED", "PROFILES", "ConftestInput", "PolicyError", "conftest_input", "expected_codes",
           "rego_policy", "rego_tests"]
