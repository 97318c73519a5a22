"""What every rule shares: the Rule declaration (code, severity, summary and
docs next to the check, as gixy plugins do) and the fixes several rules build."""
from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from ..context import Context
from ..editing import Change, compose, format_directive
from ..findings import Applicability, Finding, Fix, Severity, Span
from ..model import Node
from ..options import NAME_PLACEHOLDER
from ..upstreams import Site


class Rule:
    """A check. Subclasses declare their metadata and implement `check`."""

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    summary: ClassVar[str]
    why: ClassVar[str]
    example: ClassVar[str]
    fixed: ClassVar[str]
    references: ClassVar[tuple[str, ...]] = ()
    # The diagnosis cause (causes.py) a finding of this rule is evidence for.
    evidences: ClassVar[str | None] = None
    # The kinds of fix its findings may carry; empty when it only reports.
    fix_safety: ClassVar[frozenset[Applicability]] = frozenset()

    def check(self, ctx: Context) -> Iterator[Finding]:
        raise NotImplementedError

    def finding(self, node: Node, message: str, *, severity: Severity | None = None,
                fix: Fix | None = None, related: tuple[Node, ...] = ()) -> Finding:
        return Finding(
            code=self.code, rule=self.name, severity=severity or self.severity, message=message,
            span=Span(node.file, node.line, node.end_line),
            related_spans=tuple(Span(other.file, other.line, other.end_line) for other in related),
            fix=fix)


def make_fix(title: str, changes: list[Change | None], applicability: Applicability,
             placeholders: tuple[str, ...] = ()) -> Fix | None:
    """A Fix, or None when a needed change could not be placed safely."""
    edits = compose(changes) if changes else None
    if not edits:
        return None
    return Fix(title, tuple(edits), applicability, placeholders)


def advice(title: str) -> Fix:
    """A display-only fix: what to do when no edit of this text can do it."""
    return Fix(title, (), Applicability.DISPLAY_ONLY)


def at(node: Node) -> str:
    return f"{node.file}:{node.line}"


def verification_lines(site: Site, ctx: Context, *, turn_on: bool) -> list[str]:
    """The production set that makes verification work: on and a trust file,
    each only where it is not already in effect. The depth stays nginx's
    default (1: root, one intermediate, leaf) unless a chain says more."""
    lines = []
    if turn_on:
        lines.append(f"{site.directive('ssl_verify')} on;")
    if site.effective("ssl_trusted_certificate") is None:
        lines.append(format_directive(site.directive("ssl_trusted_certificate"), [trust_path(site, ctx)]))
    return lines


def trust_path(site: Site, ctx: Context) -> str:
    return ctx.options.trust_path_for(site.public)


def trust_placeholders(site: Site, ctx: Context) -> tuple[str, ...]:
    """What the person must check or put in place for the trust file the
    fix names, and which assumption chose it."""
    if site.effective("ssl_trusted_certificate") is not None:
        return ()
    path = trust_path(site, ctx)
    if ctx.options.ca_file is None and site.public:
        return (f"{path}: the OS bundle of public CAs, assumed because {site.tls_name} is a public name "
                f"(/etc/pki/tls/certs/ca-bundle.crt on RHEL-likes); if its certificate comes from a private CA, "
                "put that CA in a file of its own and name it instead",)
    return (f"{path}: put the CA certificate(s) that issued the upstream's certificate there (PEM; for a "
            "self-signed upstream, its own certificate)",)


def dev_verify_off(site: Site, ctx: Context, risk: str) -> Fix | None:
    """The dev-only quick fix: verification off in this one location."""
    edits = ctx.placement.set_directives(site, [f"{site.directive('ssl_verify')} off;"])
    return make_fix(f"dev only: turn verification off for this location ({risk})", edits,
                    Applicability.UNSAFE)


def name_for(ctx: Context, site: Site, only_target: bool) -> tuple[str, tuple[str, ...]]:
    """The name to put in proxy_ssl_name: the one given for this upstream,
    else a marked placeholder and what to put there."""
    given = ctx.options.ssl_name_for(site.target.host, site.target.port, only_target)
    if given:
        return given, ()
    return NAME_PLACEHOLDER, (f"{NAME_PLACEHOLDER}: a DNS name from the upstream certificate's "
                              "subjectAltName (see `openssl s_client -connect HOST:PORT -showcerts`)",)
