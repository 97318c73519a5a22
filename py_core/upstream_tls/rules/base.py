"""What every rule shares: the Rule declaration (code, severity, summary and
docs next to the check, as gixy plugins do) and the Context it checks."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import ClassVar

from ..editing import Change, Editor, compose, format_directive
from ..findings import Applicability, Finding, Fix, Severity, Span
from ..model import Config, Node, effective_all
from ..options import NAME_PLACEHOLDER, Options
from ..upstreams import PASS_MODULES, TLS_SCHEME_OF, Site, find_sites

SENSITIVE_PATH = re.compile(
    r"(auth|login|logout|signin|sign-in|token|oauth|oidc|sso|session|password|passwd|secret|"
    r"payment|pay|checkout|billing|card|admin|account|user|api|graphql|webhook)", re.I)
SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key", "x-auth-token"})
AUTH_DIRECTIVES = frozenset({"auth_request", "auth_basic", "auth_jwt", "satisfy"})


@dataclass
class Context:
    config: Config
    options: Options
    editor: Editor = field(init=False)
    _last_relevant: dict = field(default_factory=dict, init=False, repr=False)
    _tops: dict = field(default_factory=dict, init=False, repr=False)
    _passes: dict = field(default_factory=dict, init=False, repr=False)
    _positions: dict = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self):
        self.editor = Editor(self.config)

    @cached_property
    def sites(self) -> list[Site]:
        return find_sites(self.config)

    @cached_property
    def tls_sites(self) -> list[Site]:
        """Upstreams spoken to with TLS, leaving out those aimed at a plain
        HTTP port (UT010): no verification setting can make them work."""
        return [site for site in self.sites if site.tls and not site.plain_port]

    @cached_property
    def fully_visible_sites(self) -> list[Site]:
        """TLS upstreams no unseen include touches: the ones a rule may call
        a directive missing for."""
        return [site for site in self.tls_sites if not site.hidden_by]

    def anchor(self, site: Site) -> Node:
        """Where new TLS directives go: after the last pass directive (or `if`
        holding one) and module ssl directive of the block, so every upstream
        of one block inserts at the same place and the round can merge them.
        Order in the block, not line numbers: an `if` may open on the line of
        the directive before it. Each block is scanned once, each subtree
        asked once whether it holds a pass: linear in the config however
        many sibling or nested `if`s hold a proxy_pass."""
        top = self._top_child(site.node, site.home)
        prefix = site.directive("ssl")
        key = (id(site.home), prefix, top.file)
        if key not in self._last_relevant:
            last = None
            for child in site.home.children:
                if child.file == top.file and (child.name.startswith(prefix) or child.name == "proxy_ssl"
                                               or self._holds_pass(child)):
                    last = child
            self._last_relevant[key] = last
        last = self._last_relevant[key]
        return last if last is not None and self._position(last) >= self._position(top) else top

    def _top_child(self, node: Node, home: Node) -> Node:
        """The ancestor of `node` (or itself) that is a direct child of `home`."""
        path = []
        while node.parent is not home and id(node) not in self._tops:
            path.append(node)
            node = node.parent
        top = self._tops.get(id(node), node)
        for visited in path:
            self._tops[id(visited)] = top
        return top

    def _holds_pass(self, node: Node) -> bool:
        """Whether `node` is or holds a pass directive; every node is asked
        once, children before parents, without recursion (nesting may be deep)."""
        stack = [(node, False)]
        while stack:
            current, children_done = stack.pop()
            if id(current) in self._passes:
                continue
            if current.name in PASS_MODULES or not current.children:
                self._passes[id(current)] = current.name in PASS_MODULES
            elif children_done:
                self._passes[id(current)] = any(self._passes[id(child)] for child in current.children)
            else:
                stack.append((current, True))
                stack.extend((child, False) for child in current.children)
        return self._passes[id(node)]

    def _position(self, node: Node) -> int:
        if id(node) not in self._positions:
            for index, child in enumerate(node.parent.children):
                self._positions[id(child)] = index
        return self._positions[id(node)]

    @cached_property
    def sites_by_verify(self) -> dict[Node, list[Site]]:
        """TLS sites grouped by the *_ssl_verify directive in effect for them,
        so a rule about one directive need not scan every site."""
        groups: dict[Node, list[Site]] = {}
        for site in self.tls_sites:
            verify = site.effective("ssl_verify")
            if verify is not None:
                groups.setdefault(verify, []).append(site)
        return groups


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


def is_on(node: Node | None) -> bool:
    return node is not None and node.args[:1] != [] and node.args[0].lower() == "on"


def set_directives(ctx: Context, site: Site, lines: list[str]) -> list[Change | None]:
    """Edits that make each `name value;` line hold in the site's block:
    rewrite a directive the block already has (a second one would make
    nginx -t fail as duplicate), insert the rest together after the anchor."""
    edits, inserts = [], []
    for line in lines:
        name = line.split(None, 1)[0]
        present = site.home.index().get(name)
        if not present:
            inserts.append(line)
        elif present[-1].parent is site.home:
            edits.append(ctx.editor.replace(present[-1], line))
        else:
            edits.append(None)  # set by an included file: editing it reaches every includer
    if inserts:
        edits.append(ctx.editor.insert_after(ctx.anchor(site), inserts))
    return edits


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


def needs_name(site: Site) -> bool:
    """The name nginx would check is an IP or a dotless group name, and no
    proxy_ssl_name says otherwise: no certificate can match it."""
    target = site.target
    if target.has_variable or target.is_unix or site.hidden_by or site.effective("ssl_name") is not None:
        return False
    return target.is_ip or (site.group is not None and "." not in target.host)


def dev_verify_off(site: Site, ctx: Context, risk: str) -> Fix | None:
    """The dev-only quick fix: verification off in this one location."""
    edits = set_directives(ctx, site, [f"{site.directive('ssl_verify')} off;"])
    return make_fix(f"dev only: turn verification off for this location ({risk})", edits,
                    Applicability.UNSAFE)


def sensitive(site: Site) -> str | None:
    """Why the traffic looks like it carries credentials or money, or None."""
    for node in (site.node, *site.node.ancestors()):
        if node.name == "location" and SENSITIVE_PATH.search(" ".join(node.args)):
            return f"location {' '.join(node.args)}"
        if node.children is not None:
            auth = next((name for name in node.index() if name in AUTH_DIRECTIVES), None)
            if auth:
                return f"{auth} in effect"
    headers = effective_all(site.block, "proxy_set_header")
    forwarded = next((header.args[0] for header in headers
                      if header.args and header.args[0].lower() in SENSITIVE_HEADERS), None)
    return f"{forwarded} header forwarded" if forwarded else None


def name_for(ctx: Context, site: Site, only_target: bool) -> tuple[str, tuple[str, ...]]:
    """The name to put in proxy_ssl_name: the one given for this upstream,
    else a marked placeholder and what to put there."""
    given = ctx.options.ssl_name_for(site.target.host, site.target.port, only_target)
    if given:
        return given, ()
    return NAME_PLACEHOLDER, (f"{NAME_PLACEHOLDER}: a DNS name from the upstream certificate's "
                              "subjectAltName (see `openssl s_client -connect HOST:PORT -showcerts`)",)


def upgrade_scheme_edit(ctx: Context, site: Site) -> Change | None:
    """proxy_pass http://x -> https://x (grpc -> grpcs, uwsgi -> suwsgi)."""
    return ctx.editor.replace(site.node, site.with_scheme(TLS_SCHEME_OF[site.target.scheme or "http"]))
