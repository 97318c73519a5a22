"""Markdown and prompts from the jinja2 templates: rule docs, docs/diagnosis.md's
rule and cause tables, the LLM prompt."""
from __future__ import annotations

from ..causes import CAUSES
from ..rules import RULES, Rule


def _environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined
    return Environment(loader=PackageLoader("upstream_tls", "templates"), undefined=StrictUndefined,
                       keep_trailing_newline=True, autoescape=False)


def render_template(name: str, **context) -> str:
    """Any template of templates/ (the LLM prompt among them), strictly: a
    missing variable is an error, not an empty string."""
    return _environment().get_template(name).render(**context)


def template_source(name: str) -> str:
    """A template's text as written, for checks that it changed (the prompt's version)."""
    environment = _environment()
    return environment.loader.get_source(environment, name)[0]


def rule_doc(rule: Rule) -> str:
    return _environment().get_template("rule.md.j2").render(rule=rule)


def rules_table() -> str:
    return _environment().get_template("rules_table.md.j2").render(rules=RULES)


def causes_table() -> str:
    return _environment().get_template("causes_table.md.j2").render(causes=CAUSES.values())
