"""Where edits go in an upstream's block, and its pass directive rewritten:
the one place rules and the diagnosis's repairs decide placement, so every
upstream of one block inserts at the same anchor and a round can merge them."""
from __future__ import annotations

from .editing import Change, Editor, format_directive
from .model import Node
from .upstreams import PASS_MODULES, TARGET, TLS_SCHEME_OF, Site


class Placement:
    """Edits placed for the sites of one config, with the block scans they
    need kept: each block is scanned once however many sites it holds."""

    def __init__(self, editor: Editor):
        self.editor = editor
        self._last_relevant: dict = {}
        self._tops: dict = {}
        self._passes: dict = {}
        self._positions: dict = {}

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

    def set_directives(self, site: Site, lines: list[str]) -> list[Change | None]:
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
                edits.append(self.editor.replace(present[-1], line))
            else:
                edits.append(None)  # set by an included file: editing it reaches every includer
        if inserts:
            edits.append(self.editor.insert_after(self.anchor(site), inserts))
        return edits

    def upgrade_scheme(self, site: Site) -> Change | None:
        """proxy_pass http://x -> https://x (grpc -> grpcs, uwsgi -> suwsgi)."""
        return self.editor.replace(site.node, pass_with_scheme(site, TLS_SCHEME_OF[site.target.scheme or "http"]))


def pass_with_scheme(site: Site, scheme: str) -> str:
    """The pass directive pointing at the same address with another scheme."""
    address = site.target.raw.split("://", 1)[-1]
    return format_directive(site.node.name, [f"{scheme}://{address}", *site.node.args[1:]], site.node.quoted)


def pass_to_address(site: Site, host: str, scheme: str | None = None) -> str:
    """The pass directive toward another host (same port and path)."""
    target = site.target
    scheme = scheme or target.scheme
    rest = TARGET.match(target.raw)
    tail = (f":{rest['port']}" if rest["port"] is not None else "") + rest["rest"]
    url = f"{scheme}://{host}{tail}" if scheme else f"{host}{tail}"
    return format_directive(site.node.name, [url, *site.node.args[1:]], site.node.quoted)
