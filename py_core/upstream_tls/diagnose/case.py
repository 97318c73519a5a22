"""The case under diagnosis: the upstream's situation, the chain, the
person's options, and the repairs that follow from them. Handlers read
evidence against it; it never decides a cause itself."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..certs import Chain, ChainError, read_chain
from ..model import effective_all
from ..options import NAME_PLACEHOLDER, RESOLVER_PLACEHOLDER, Options, is_public_bundle
from ..upstreams import PLAIN_SCHEME_OF, TLS_SCHEME_OF
from .naming import choose_name
from .repair import Repair
from .situation import GROUP, HOSTNAME, IP, Situation

FileReader = Callable[[str], bytes | None]
DOCKER_DNS = "127.0.0.11"
DEV_VERIFY_OFF = Repair((("ssl_verify", "off"),))
SINGLE_VARIABLE = re.compile(r"^\$\w+$")


@dataclass
class Case:
    situation: Situation
    chain: Chain | None
    options: Options
    read_file: FileReader | None = None
    config_text: str = ""
    _trust: tuple[str, Chain] | None = field(default=None, init=False, repr=False)

    @property
    def site(self):
        return self.situation.site

    # -- what the config and the files it names hold ------------------------------

    def trusted_path(self) -> str | None:
        trusted = self.site.effective("ssl_trusted_certificate") if self.site else None
        return trusted.args[0] if trusted is not None and trusted.args else None

    def trusts_system_bundle(self) -> bool:
        return is_public_bundle(self.trusted_path())

    def trust_file(self) -> tuple[str, Chain] | None:
        """The trust file the config names, when the caller can read files
        (the CLI on the nginx host can; the browser cannot)."""
        if self._trust is None:
            path = self.trusted_path()
            data = self.read_file(path) if path and self.read_file else None
            if data is not None:
                try:
                    self._trust = path, read_chain(data, path)
                except ChainError:
                    pass
        return self._trust

    def resolver_address(self) -> str:
        """Docker's embedded DNS when the config already names it, else a
        marked placeholder for the person's DNS server."""
        return DOCKER_DNS if DOCKER_DNS in self.config_text else RESOLVER_PLACEHOLDER

    def host_lines(self) -> list:
        """Every `proxy_set_header Host` nginx sends to this upstream."""
        if self.site is None:
            return []
        return [node for node in effective_all(self.site.block, "proxy_set_header")
                if node.args[:1] and node.args[0].lower() == "host"]

    def current_depth(self) -> int:
        depth = self.site.effective("ssl_verify_depth") if self.site else None
        try:
            return int(depth.args[0]) if depth is not None else 1
        except (ValueError, IndexError):
            return 1

    def offers_tls13(self) -> bool | None:
        protocols = self.situation.protocols
        if protocols is not None:
            return "TLSv1.3" in protocols.args
        default = self.options.default_protocols()
        return None if default is None else "TLSv1.3" in default

    # -- repairs ---------------------------------------------------------------------

    def name_repair(self) -> tuple[Repair, str | None]:
        """SNI on, with the DNS name to send when the proxy_pass host is not
        one (an IP, a group name) or the chain says another name. An upstream
        that picks its site by SNI routes HTTP by Host too: toward an IP or a
        group, nginx's default Host ($proxy_host) names no site, so the name
        goes into Host as well."""
        situation = self.situation
        if self.site is None:
            return Repair((("ssl_server_name", "on"),)), None
        repair = Repair((("ssl_server_name", "on"),))
        if situation.target_kind == HOSTNAME and self.site.effective("ssl_name") is None and (
                self.chain is None or self.chain.leaf.matches_name(situation.target.host)):
            return repair, None
        name, note = choose_name(self.site, self.chain, self.options)
        if name is None and situation.target_kind in (IP, GROUP) and self.site.effective("ssl_name") is None:
            name, note = self._name_from_host(note)
        if name is None and situation.target_kind in (IP, GROUP) and self.site.effective("ssl_name") is None:
            name = NAME_PLACEHOLDER
            note = (f"{NAME_PLACEHOLDER}: nginx never sends an IP or a group name as SNI; put the upstream's DNS "
                    "name there (`proxy_ssl_name $host;` when it serves the name the client asked for)"
                    + (f"; {note}" if note else ""))
        if name == NAME_PLACEHOLDER and not self.options.production and situation.verifying:
            return DEV_VERIFY_OFF, "dev only: verification off in this location until the name is known"
        if name is not None:
            host = name if situation.target_kind in (IP, GROUP) and situation.host_header is None and \
                name != NAME_PLACEHOLDER and "$" not in name else None
            repair = Repair((("ssl_server_name", "on"), ("ssl_name", name)), host_header=host)
        return repair, note

    def _name_from_host(self, note: str | None) -> tuple[str | None, str | None]:
        """Toward an IP or a group, the Host header is the name the person
        asks the upstream for: a literal name, or the client's own ($host,
        when the upstream serves the same sites as this server)."""
        situation = self.situation
        if situation.host_name:
            return situation.host_name, f"the name Host already sends; {note}" if note else None
        if situation.client_host_forwarded:
            return "$host", ("$host sends the name the client asked for, which the upstream serves when it hosts "
                             "the same sites as this server; otherwise put the upstream's own DNS name")
        variable = situation.host_header or ""
        if SINGLE_VARIABLE.match(variable) and variable != "$proxy_host":
            return variable, f"the name Host already sends ({variable})"
        return None, note

    def trust_repair(self) -> Repair:
        """Verification with a trust file that can hold the upstream's anchor:
        the one the config names stays unless --ca-file names another or it
        is a system bundle (which a private anchor is never in)."""
        if not self.options.production:
            return DEV_VERIFY_OFF  # dev: the smallest change that works, not a file still to install
        directives = [("ssl_verify", "on")]
        if self.trusted_path() is None or self.options.ca_file is not None or self.trusts_system_bundle():
            directives.append(("ssl_trusted_certificate", self.options.trust_path))
        if self.chain is not None and self.site is not None and self.chain.verify_depth_needed > self.current_depth():
            directives.append(("ssl_verify_depth", str(self.chain.verify_depth_needed)))
        return Repair(tuple(directives))

    def depth_repair(self) -> Repair:
        needed = max(self.chain.verify_depth_needed, 1) if self.chain is not None else self.current_depth() + 1
        return Repair((("ssl_verify_depth", str(needed)),))

    def client_repair(self) -> Repair:
        cert, key = self.options.client_cert, self.options.client_key
        return Repair((("ssl_certificate", cert), ("ssl_certificate_key", key))) if cert and key else Repair()

    def plain_repair(self) -> Repair:
        """http:// for TLS sent to a plain port."""
        scheme = self.situation.target.scheme if self.situation.target else None
        return Repair(scheme=PLAIN_SCHEME_OF[scheme]) if scheme in PLAIN_SCHEME_OF else Repair()

    def tls_repair(self) -> Repair:
        """https:// for plain HTTP sent to a TLS port, with the chain's name."""
        target = self.situation.target
        if target is None or target.scheme not in TLS_SCHEME_OF:
            return Repair()
        repair = Repair(scheme=TLS_SCHEME_OF[target.scheme])
        if self.site is not None:
            name, _ = choose_name(self.site, self.chain, self.options)
            if name and name != target.host:
                repair = Repair((("ssl_server_name", "on"), ("ssl_name", name)), repair.scheme)
        return repair

    def host_repair(self) -> Repair:
        """Host = the name TLS asks for, so the two agree."""
        name = self.situation.checked_name
        if self.site is not None and (not name or name == self.situation.target.host and
                                      self.situation.target_kind in (IP, GROUP)):
            name, _ = choose_name(self.site, self.chain, self.options)
        return Repair(host_header=name) if name else Repair()
