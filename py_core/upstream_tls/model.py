"""The parsed configuration: directives with parent links and line spans, and
nginx's inheritance rules for looking up the value in effect at any level."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property


class Node:
    """A directive; a block directive has `children` (a list, maybe empty).

    `line` is where the directive's name is, `end_line` where its `;` or
    closing `}` is. `starts_line`/`ends_line` say whether it shares its first
    and last line with other directives — rewrites need to know.
    """

    __slots__ = ("name", "args", "_quoted", "line", "end_line", "file", "parent",
                 "children", "open_line", "starts_line", "ends_line", "_index", "hidden_includes", "_memo")

    def __init__(self, name, args, quoted, line, file, parent, starts_line):
        self.name = name
        self.args = args
        self._quoted = tuple(quoted) if any(quoted) else None
        self.line = line
        self.end_line = line
        self.file = file
        self.parent = parent
        self.children = None
        self.open_line = None
        self.starts_line = starts_line
        self.ends_line = True
        self._index = None
        # Unseen includes from this block up to http level, once a site asks (upstreams.hidden_includes).
        self.hidden_includes = None
        self._memo = None  # inherited answers, by question (see `inherited`)

    def __repr__(self) -> str:
        return f"<{self.name} {' '.join(self.args)} @{self.file}:{self.line}>"

    @property
    def quoted(self) -> tuple[bool, ...]:
        """Per argument, whether it was written in quotes (kept only when one
        was: most directives have none, and large configs have many)."""
        return self._quoted or (False,) * len(self.args)

    @property
    def is_block(self) -> bool:
        return self.children is not None

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def level(self) -> str:
        """The context this directive sits in: main, http, server, location, if, stream, upstream…"""
        return self.parent.name

    def in_stream(self) -> bool:
        return self.parent is not None and inherited(self.parent, "in stream",
                                                     lambda node: True if node.name == "stream" else MISSING, False)

    def index(self) -> dict[str, list[Node]]:
        """Direct children by name, with files pulled in by `include` expanded."""
        if self._index is None:
            index: dict[str, list[Node]] = {}
            for child in self.children:
                if child.name == "include" and getattr(child, "included", None):
                    for root in child.included:
                        for name, nodes in root.index().items():
                            index.setdefault(name, []).extend(nodes)
                else:
                    index.setdefault(child.name, []).append(child)
            self._index = index
        return self._index

    def expanded_children(self):
        for child in self.children:
            if child.name == "include" and getattr(child, "included", None):
                for root in child.included:
                    yield from root.expanded_children()
            else:
                yield child

    def walk(self):
        """Every directive below this block, depth first, in file order."""
        stack = list(reversed(self.children))
        while stack:
            node = stack.pop()
            yield node
            if node.children:
                stack.extend(reversed(node.children))


class IncludeNode(Node):
    """An `include` whose target files are in the same paste (nginx -T)."""

    __slots__ = ("included",)


MISSING = object()


def inherited(block: Node, question, own, default=None):
    """The answer to `question` for `block`: `own(node)` at the nearest level
    that has one (MISSING where it has none), else `default`. Each block
    keeps its answer, so deep nesting and many sites cost one climb in all."""
    climbed = []
    node, answer = block, default
    while node is not None:
        memo = node._memo
        if memo is not None and question in memo:
            answer = memo[question]
            break
        climbed.append(node)
        found = own(node)
        if found is not MISSING:
            answer = found
            break
        node = node.parent
    for node in climbed:
        if node._memo is None:
            node._memo = {}
        node._memo[question] = answer
    return answer


def effective(block: Node, name: str) -> Node | None:
    """The directive `name` in effect in `block`: nginx takes it from the
    nearest enclosing level that sets it, each directive separately."""
    found = effective_all(block, name)
    return found[-1] if found else None


def effective_all(block: Node, name: str) -> list[Node]:
    """For array directives: every instance at the nearest level that has any."""
    return inherited(block, ("set", name), lambda node: node.index().get(name) or MISSING, [])


@dataclass
class SourceFile:
    """One file of the paste; an `nginx -T` dump holds several.

    `offset` is how many input lines come before this file's first line, so
    file-relative line numbers map back onto the pasted text.
    """

    path: str
    offset: int
    line_count: int
    root: Node


@dataclass(frozen=True)
class Diagnostic:
    """Malformed input: where it is and what is wrong, in one line."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class Config:
    text: str
    files: list[SourceFile] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    by_name: dict[str, list[Node]] = field(default_factory=dict, repr=False)

    def named(self, *names: str) -> list[Node]:
        """Every directive with one of these names, in file order — the
        rules' entry point, so none of them has to walk the whole tree."""
        found = [node for name in names for node in self.by_name.get(name, ())]
        if len(names) > 1:
            order = {source.path: index for index, source in enumerate(self.files)}
            found.sort(key=lambda node: (order[node.file], node.line))
        return found

    def file(self, path: str) -> SourceFile:
        return self._files_by_path[path]

    @cached_property
    def _files_by_path(self) -> dict[str, SourceFile]:
        return {source.path: source for source in self.files}

    def walk(self):
        for source in self.files:
            yield from source.root.walk()

    def upstream_groups(self) -> dict[tuple[bool, str], Node]:
        """`upstream NAME {}` blocks keyed by (in stream, NAME)."""
        groups = {}
        for node in self.named("upstream"):
            if node.is_block and node.args:
                groups[(node.in_stream(), node.args[0])] = node
        return groups


def is_on(node: Node | None) -> bool:
    """Whether a flag directive (`… on|off;`) is there and on."""
    return node is not None and node.args[:1] != [] and node.args[0].lower() == "on"
