"""The openssl commands that show what an upstream presents: fetch its
chain (to paste back as evidence), read its names and dates, and check it
against the trust file the fix writes — one set per TLS address, with the
TLS name nginx sends (or should send) filled in."""
from __future__ import annotations

import shlex
from dataclasses import dataclass

from .context import Context
from .options import Options
from .upstreams import Site, is_ip_literal


@dataclass(frozen=True)
class Probe:
    address: str
    name: str | None
    commands: tuple[tuple[str, str], ...]


def probe_name(site: Site, host: str, options: Options) -> str | None:
    """The name for -servername / -verify_hostname: the one the fixed config
    sends — proxy_ssl_name, else the name the person gave, else the address's
    own DNS name (an IP literal or a dotless group name cannot be matched)."""
    if site.effective("ssl_name") is not None:
        return site.tls_name
    given = options.ssl_name_for(host, site.target.port, True)
    if given:
        return given
    return None if is_ip_literal(host) or "." not in host else host


def verify_command(address: str, name: str | None, trust_path: str) -> str:
    """`s_client` checking the upstream against the trust file, as nginx
    would (expect: Verify return code: 0 (ok))."""
    return _verify(_connect(address, name), name, trust_path)


def _connect(address: str, name: str | None) -> str:
    connect = f"openssl s_client -connect {shlex.quote(address)}"
    return connect + f" -servername {shlex.quote(name)}" if name else connect


def _verify(connect: str, name: str | None, trust_path: str) -> str:
    verify = f"{connect} -CAfile {shlex.quote(trust_path)}"
    if name:
        verify += f" -verify_hostname {shlex.quote(name)}"
    return f"{verify} </dev/null 2>&1 | grep -E 'Verify return code|verify error'"


def commands_for(address: str, name: str | None, trust_path: str) -> tuple[tuple[str, str], ...]:
    connect = _connect(address, name)
    return (
        ("fetch the chain it presents (paste the output as the certificate chain)",
         f"{connect} -showcerts </dev/null > upstream-chain.txt"),
        ("show its names, issuer and expiry",
         f"{connect} </dev/null 2>/dev/null | openssl x509 -noout -subject -issuer -dates -ext subjectAltName"),
        ("check it against the trust file (expect: Verify return code: 0 (ok))", _verify(connect, name, trust_path)),
    )


def addresses(site: Site, options: Options) -> list[tuple[str, str | None]]:
    """(HOST:PORT, the TLS name to check) per literal address of a site; none
    for a variable or a unix socket."""
    if site.target.has_variable or site.target.is_unix:
        return []
    found = []
    for host, port in sorted(site.addresses, key=lambda pair: (pair[0] or "", pair[1] or 0)):
        if host and "$" not in host and not host.startswith("unix"):
            shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
            found.append((f"{shown}:{port or 443}", probe_name(site, host, options)))
    return found


def probes(ctx: Context) -> list[Probe]:
    """One probe per distinct TLS address with a literal host."""
    seen: dict[str, Probe] = {}
    for site in ctx.tls_sites:
        trust = ctx.options.trust_path_for(site.public)
        for address, name in addresses(site, ctx.options):
            if address not in seen:
                seen[address] = Probe(address, name, commands_for(address, name, trust))
    return list(seen.values())
