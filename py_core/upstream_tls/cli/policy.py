"""`upstream-tls policy`: the Conftest/OPA policy for the checks a directive
tree can settle, and its Rego unit tests."""
from __future__ import annotations

from .arguments import EXIT_CLEAN, UsageError
from .files import write_output


def add_parser(commands) -> None:
    policy = commands.add_parser("policy", help="a Rego policy for Conftest/OPA with the same rules as check")
    policy.add_argument("--format", choices=("rego", "rego-tests"), default="rego",
                        help="rego: the policy (package upstream_tls); rego-tests: its unit tests")
    policy.add_argument("--profile", default="production", metavar="production|dev",
                        help="dev does not ask for verification where it is merely left off")
    policy.set_defaults(run=run)


def run(args) -> int:
    from ..policy import PolicyError, rego_policy, rego_tests
    try:
        text = rego_policy(args.profile) if args.format == "rego" else rego_tests(args.profile)
    except PolicyError as exc:
        raise UsageError(f"policy: {exc}") from None
    write_output(text)
    return EXIT_CLEAN
