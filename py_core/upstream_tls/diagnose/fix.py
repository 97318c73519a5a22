"""The evidence-driven fix: every applicable cause's repair at the upstream's
block, then the rules' own fixes. Production never applies the dev-only
repairs that weaken TLS."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ..causes import CAUSES, UPSTREAM
from ..context import Context
from ..editing import Change, compose
from ..engine import NEXT_STEP, UPSTREAM_MUST, FixResult
from ..engine import fix as rules_fix
from ..findings import Edit, Finding
from ..options import RESOLVER_PLACEHOLDER
from ..rewrite import apply_edits
from ..rules.host_header_mismatch import host_header_changes
from ..upstreams import Site, set_node
from . import Diagnosis
from .naming import choose_name
from .repair import Repair, pass_line, scheme_variable
from .weights import APPLY_AT


def applied_repair(diagnosis: Diagnosis, unsafe_fixes: bool) -> Repair:
    """The union of the repairs the fix applies, likelier causes first; only
    what is not already in effect."""
    repair = Repair()
    for cause in diagnosis.causes:
        if cause.confidence >= APPLY_AT and cause.applicable(diagnosis.options, unsafe_fixes):
            repair = repair.merged(cause.repair)
    return repair.pending(diagnosis.site) if diagnosis.site is not None else Repair()


def evidence_fix(diagnosis: Diagnosis, unsafe_fixes: bool = False) -> FixResult:
    options = diagnosis.options
    text = diagnosis.config.text
    site = diagnosis.site
    edits: list[Edit] = []
    notes: list[str] = []
    outstanding: list[str] = []
    if site is not None:
        repair = applied_repair(diagnosis, unsafe_fixes)
        ctx = Context(diagnosis.config, options)
        for line, change in _changes(ctx, site, repair):
            placed = compose(change) if change is not None else None
            if placed:
                edits += placed
                notes.append(f"from the evidence: {line}")
            else:
                outstanding.append(f"{line} could not be placed safely in {site.node.file} (an include sets it, "
                                   "or the line holds other directives): make that change by hand")
        name = repair.value("ssl_name") or _chain_name(diagnosis)
        if name and site.target.host and not options.ssl_name_for(site.target.host, site.target.port, True):
            options = replace(options, ssl_names=((site.target.host, name), *options.ssl_names))
    offsets = {source.path: source.offset for source in diagnosis.config.files}
    result = rules_fix(apply_edits(text, edits, offsets), options, diagnosis.name, unsafe_fixes=unsafe_fixes,
                       hold=_plain_site(diagnosis, edits))
    result.original = text
    result.checked = diagnosis.report
    result.notes = notes + _next_step(diagnosis, result.text)
    if RESOLVER_PLACEHOLDER in result.text and RESOLVER_PLACEHOLDER not in text:
        outstanding.append(f"{RESOLVER_PLACEHOLDER} is still in the output: put the IP of a DNS server nginx can "
                           "reach there (127.0.0.11 inside Docker, the cluster DNS in Kubernetes)")
    result.outstanding = outstanding + result.outstanding + [
        f"{UPSTREAM_MUST}{cause.cause}): {CAUSES[cause.cause].action}" for cause in diagnosis.causes
        if cause.confidence >= APPLY_AT and cause.side == UPSTREAM and not cause.applicable(options, unsafe_fixes)]
    return result


def _chain_name(diagnosis: Diagnosis) -> str | None:
    """The DNS name the pasted chain gives for the upstream, for the rules
    that would otherwise ask for it with a placeholder."""
    if diagnosis.chain is None or diagnosis.site is None:
        return None
    name, _ = choose_name(diagnosis.site, diagnosis.chain, diagnosis.options)
    return name


def _plain_site(diagnosis: Diagnosis, edits: list[Edit]) -> Callable[[Finding], bool] | None:
    """An upstream the evidence shows speaks plain HTTP gets no verification
    settings: they could never work there. Its pass directive is found in
    the edited text by the lines inserted above it."""
    site = diagnosis.site
    plain = any(cause.cause == "https-to-plain-http" and cause.confidence >= APPLY_AT for cause in diagnosis.causes)
    if site is None or not plain:
        return None
    shift = sum(edit.new_text.count("\n") - (edit.end_line - edit.start_line + 1) for edit in edits
                if edit.file == site.node.file and edit.end_line < site.node.line)
    position = (site.node.file, site.node.line + shift)
    return lambda finding: (finding.span.file, finding.span.line) == position


def _next_step(diagnosis: Diagnosis, fixed: str) -> list[str]:
    """What is left once the config is right: the CA file it now names."""
    path = diagnosis.options.trust_path
    if f"_ssl_trusted_certificate {path};" not in fixed or f"_ssl_trusted_certificate {path};" in \
            diagnosis.config.text:
        return []
    source = ("the chain's root (`--write-ca`, or Download CA bundle in the page)" if diagnosis.chain is not None
              else "the CA that issued the upstream's certificate (for a self-signed upstream, that certificate)")
    return [f"{NEXT_STEP}put {source} at {path}, then `nginx -t` and reload"]


def _changes(ctx: Context, site: Site, repair: Repair) -> list[tuple[str, list[Change | None] | None]]:
    """(the line, the changes that write it) for each part of the repair;
    directives inserted together share one change, as nginx -t wants them
    in one place."""
    changes: list[tuple[str, list[Change | None] | None]] = []
    lines = repair.directive_lines(site)
    if lines:
        placed = ctx.placement.set_directives(site, lines)
        changes.append((" ".join(lines), placed if all(change is not None for change in placed) else None))
    if repair.scheme or repair.address:
        variable = scheme_variable(site) if repair.address is None else None
        node = set_node(site.block, variable[1:]) if variable else site.node
        line = pass_line(site, repair.scheme, repair.address)
        changes.append((line, [ctx.editor.replace(node, line)] if node is not None else None))
    if repair.host_header:
        line = f"proxy_set_header Host {repair.host_header};"
        changes.append((line, host_header_changes(ctx, site, repair.host_header)))
    return changes
