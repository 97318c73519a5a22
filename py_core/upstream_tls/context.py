"""What every check of one config shares: the config, the options, its
upstreams (found once, then filtered) and where edits to them go."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from .editing import Editor
from .model import Config, Node
from .options import Options
from .placement import Placement
from .upstreams import Site, find_sites


@dataclass
class Context:
    config: Config
    options: Options

    @cached_property
    def editor(self) -> Editor:
        return Editor(self.config)

    @cached_property
    def placement(self) -> Placement:
        return Placement(self.editor)

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
