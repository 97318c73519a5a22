"""Which DNS name nginx should check and send for an upstream: the one the
person gave, else the one the chain holds, else a question."""
from __future__ import annotations

from ..certs import Chain
from ..options import Options
from ..upstreams import Site, is_ip_literal


def choose_name(site: Site, chain: Chain | None, options: Options) -> tuple[str | None, str | None]:
    """(the DNS name to check, or None with why). Asks rather than guesses
    when the certificate holds several names and none is the proxy_pass host."""
    target = site.resolved
    label = target.host or "UPSTREAM"
    given = options.ssl_name_for(target.host, target.port, True) if target.host else None
    if given:
        return given, None
    if chain is None:
        return None, "give the chain the upstream presents (or the name: --ssl-name NAME) to choose the name"
    leaf = chain.leaf
    names = [name for name in leaf.dns_names if "*" not in name]
    if target.host in names:
        return target.host, None
    if site.group is None and not target.is_ip and not target.has_variable:
        return None, (f"proxy_pass names {target.host} but the certificate names "
                      f"{', '.join(leaf.dns_names) or leaf.subject_cn}: if that really is the upstream, give "
                      f"--ssl-name {target.host}=NAME (nginx will then accept that name from it)")
    if len(names) == 1:
        return names[0], None
    if names:
        return None, f"the certificate names {', '.join(names)}: give --ssl-name {label}=NAME"
    if leaf.dns_names:
        return None, (f"the certificate holds only {', '.join(leaf.dns_names)}: "
                      f"give --ssl-name {label}=NAME with the concrete name")
    if leaf.subject_cn and not is_ip_literal(leaf.subject_cn):
        return leaf.subject_cn, None
    return None, "the certificate has no DNS name: reissue it with one (nginx matches DNS names only)"
