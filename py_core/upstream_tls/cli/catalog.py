"""`upstream-tls causes` and `upstream-tls rule`: what diagnose can name and
what check looks for, as text, the tables in docs/diagnosis.md, or the rule docs."""
from __future__ import annotations

from ..output.docs import causes_table, rule_doc, rules_table
from ..rules import RULES, RULES_BY_CODE
from .arguments import EXIT_CLEAN, UsageError
from .files import write_output


def add_parser(commands) -> None:
    causes = commands.add_parser("causes", help="the causes diagnose can name, and where each is fixed")
    causes.add_argument("--format", choices=("text", "markdown"), default="text")
    causes.set_defaults(run=run_causes)

    rule = commands.add_parser("rule", help="list the rules, or explain one (upstream-tls rule UT001)")
    rule.add_argument("code", nargs="?", help="a rule code or name")
    rule.add_argument("--format", choices=("text", "markdown", "docs"), default="text",
                      help="markdown: the rule table of docs/diagnosis.md; docs: every rule's documentation")
    rule.set_defaults(run=run_rules)


def run_causes(args) -> int:
    from ..causes import CAUSES
    if args.format == "markdown":
        write_output(causes_table())
    else:
        write_output("".join(f"{cause.id:<36} {cause.side:<9} {cause.title}\n" for cause in CAUSES.values()))
    return EXIT_CLEAN


def run_rules(args) -> int:
    if args.code:
        rule = RULES_BY_CODE.get(args.code.upper()) or next((r for r in RULES if r.name == args.code), None)
        if rule is None:
            raise UsageError(f"rule: no rule {args.code!r}; `upstream-tls rule` lists them")
        write_output(rule_doc(rule))
    elif args.format == "markdown":
        write_output(rules_table())
    elif args.format == "docs":
        write_output("# upstream-tls rules\n\n" + "\n".join(rule_doc(rule) for rule in RULES))
    else:
        write_output("".join(f"{rule.code}  {rule.name:<36} {rule.severity.value:<8} {rule.summary}\n"
                             for rule in RULES))
    return EXIT_CLEAN
