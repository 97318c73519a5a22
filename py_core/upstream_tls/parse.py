"""Text of any paste -> Config. The only module that imports crossplane.

crossplane lexes a path, so each file of the paste is written to a temporary
file (MEMFS in the browser). The tree is built here from crossplane's tokens
rather than from crossplane.parse because rewrites need what its payload
drops: the line of each `;` and `}`, and whether a line holds more than one
directive.
"""
from __future__ import annotations

import fnmatch
import os
import posixpath
import re
import secrets
import tempfile

import crossplane
from crossplane.analyzer import DIRECTIVES, analyze
from crossplane.errors import NgxParserBaseException, NgxParserDirectiveArgumentsError, NgxParserSyntaxError

from .model import Config, Diagnostic, IncludeNode, Node, SourceFile

DUMP_MARKER = re.compile(r"^# configuration file (?P<path>.+):[ \t]*\r?$", re.M)
DEFAULT_NAME = "<input>"

MAIN_ONLY = frozenset({"http", "events", "stream", "mail", "worker_processes", "user",
                       "pid", "worker_rlimit_nofile", "load_module", "daemon"})
HTTP_LEVEL = frozenset({"server", "upstream", "map", "geo", "split_clients",
                        "limit_req_zone", "limit_conn_zone", "proxy_cache_path", "log_format"})
SERVER_LEVEL = frozenset({"location", "listen", "server_name"})


class InputError(ValueError):
    """Input that cannot be checked at all (empty, binary)."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


def split_dump(text: str, name: str = DEFAULT_NAME) -> list[tuple[str, int, str]]:
    """(path, line offset, text) per file. A paste without `nginx -T`
    markers is one file named `name`."""
    markers = list(DUMP_MARKER.finditer(text))
    if not markers:
        return [(name, 0, text)]
    parts = []
    seen: dict[str, int] = {}
    for index, marker in enumerate(markers):
        start = marker.end() + 1
        end = markers[index + 1].start() if index + 1 < len(markers) else len(text)
        path = marker.group("path").strip()
        seen[path] = seen.get(path, 0) + 1
        if seen[path] > 1:
            path = f"{path} (copy {seen[path]})"
        parts.append((path, text.count("\n", 0, start), text[start:end]))
    return parts


def implicit_context(top_level_names: set[str]) -> str:
    """The level a fragment was cut from, guessed from its top-level names:
    a bare `location` sits in a server, bare `proxy_pass` in a location."""
    if top_level_names & MAIN_ONLY:
        return "main"
    if top_level_names & HTTP_LEVEL:
        return "http"
    if top_level_names & SERVER_LEVEL:
        return "server"
    return "location"


LONE_CR = re.compile(r"\r(?!\n)")


def _encode(text: str) -> bytes:
    """UTF-8 for crossplane; undecodable input bytes (surrogateescape) go back
    as they came, any other lone surrogate (possible in a browser string) is
    written as is and read back by crossplane as a replacement character."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def _tokens(text: str):
    """crossplane's tokens for `text`. A lone CR becomes a space: nginx reads
    it as white space, while crossplane's universal-newline reading would count
    it as a line break and shift every line number after it. crossplane drops
    a quoted string that is still open at the end of the input without a
    word; a comment appended after the text shows it: a quote left open
    swallows it."""
    end = f"#upstream-tls-end-{secrets.token_hex(8)}"  # a comment no input can already hold
    with tempfile.NamedTemporaryFile("wb", suffix=".conf", delete=False) as handle:
        handle.write(_encode(LONE_CR.sub(" ", text) + f"\n{end}\n"))
        path = handle.name
    last_line = 1
    try:
        for token, line, quoted in crossplane.lex(path):
            if token == end and not quoted:
                return
            last_line = line
            yield token, line, quoted
    finally:
        os.unlink(path)
    raise NgxParserSyntaxError("unexpected end of file: a quote is not closed (it opens on this line or after)", None,
                               last_line)


def build_tree(text: str, path: str, by_name: dict[str, list[Node]]) -> tuple[Node, Diagnostic | None]:
    """Directive tree of one file; on malformed input, what was built up to
    the first error and that error. Every directive is also listed in
    `by_name`."""
    root = Node("", [], [], 0, path, None, True)
    root.children = []
    block = root
    words: list[str] = []
    quoted: list[bool] = []
    first_line = 0
    starts_line = True
    previous_line = 0
    last_closed: Node | None = None

    def error(line: int, message: str):
        return root, Diagnostic(path, line, message)

    try:
        for token, line, is_quoted in _tokens(text):
            if not is_quoted and token[0] == "#":
                continue
            if last_closed is not None and line == last_closed.end_line:
                last_closed.ends_line = False
            last_closed = None
            if is_quoted or token not in ("{", ";", "}"):
                if not words:
                    first_line = line
                    starts_line = line != previous_line
                words.append(token)
                quoted.append(is_quoted)
            elif token == "}":
                if words:
                    return error(first_line, f'directive "{words[0]}" is not terminated by ";"')
                if block is root:
                    return error(line, 'unexpected "}"')
                block.end_line = line
                last_closed = block
                block = block.parent
            else:
                if not words:
                    return error(line, f'unexpected "{token}"')
                node_type = IncludeNode if words[0] == "include" else Node
                node = node_type(words[0], words[1:], quoted[1:], first_line, path, block, starts_line)
                block.children.append(node)
                by_name.setdefault(node.name, []).append(node)
                if token == "{":
                    node.children = []
                    node.open_line = line
                    block = node
                else:
                    node.end_line = line
                    last_closed = node
                words = []
                quoted = []
            previous_line = line
    except NgxParserBaseException as exc:
        if block is not root and "end of file" in exc.strerror:
            return error(block.line, f'unexpected end of file: block "{block.name}" opened here is not closed')
        return error(exc.lineno or 1, exc.strerror)
    if words:
        return error(first_line, f'unexpected end of file: "{words[0]}" is not terminated '
                     'by ";" (or a quote is not closed)')
    if block is not root:
        return error(block.line, f'unexpected end of file: block "{block.name}" opened here is not closed')
    return root, None


def parse(text: str, name: str = DEFAULT_NAME, empty_ok: bool = False) -> Config:
    """Parse a paste. Malformed files come back as diagnostics, not exceptions;
    InputError is raised only when there is nothing to check at all — unless
    `empty_ok`: an empty file is a config nginx accepts (trees have them)."""
    if not text.strip() and empty_ok and "\x00" not in text:
        root = Node("", [], [], 0, name, None, True)
        root.children = []
        return Config(text, [SourceFile(name, 0, text.count("\n") + 1, root)])
    if not text.strip():
        raise InputError(Diagnostic(name, 1, "empty input: paste a location block, a server block, "
                                    "nginx.conf or nginx -T output"))
    nul = text.find("\x00")
    if nul >= 0:
        raise InputError(Diagnostic(name, text.count("\n", 0, nul) + 1,
                                    "input looks binary (NUL byte): expected nginx configuration text"))
    config = Config(text)
    for path, offset, body in split_dump(text, name):
        root, diagnostic = build_tree(body, path, config.by_name)
        diagnostic = diagnostic or argument_problem(root)
        if diagnostic:
            config.diagnostics.append(diagnostic)
        root.name = implicit_context({child.name for child in root.children})
        config.files.append(SourceFile(path, offset, body.count("\n") + 1, root))
    _link_includes(config)
    return config


# Blocks whose lines are entries, not directives (a map's `http 80;` is a key
# and a value); *_by_lua_block and the like hold code.
LISTS = frozenset({"map", "geo", "types", "split_clients", "charset_map", "match"})


def argument_problem(root: Node) -> Diagnostic | None:
    """The first directive whose arguments nginx -t refuses, by crossplane's
    copy of nginx's directive table. A missing `;` joins two directives
    (`proxy_pass https://10.0.1.45:8443` then `proxy_ssl_verify on;`), and a
    fix built on that misreading would be built on a config that never
    loads. Only directives the table knows are checked, in any context they
    may take (a fragment does not say where it sits)."""
    stack = list(reversed(root.children))
    while stack:
        node = stack.pop()
        if node.children and not (node.name in LISTS or node.name.endswith("_block")):
            stack.extend(reversed(node.children))
        if node.name not in DIRECTIVES:
            continue
        statement = {"directive": node.name, "args": node.args, "line": node.line}
        try:
            analyze(node.file, statement, "{" if node.children is not None else ";", check_ctx=False)
        except NgxParserDirectiveArgumentsError as exc:
            return Diagnostic(node.file, node.line, exc.strerror + _joined(node))
    return None


def _joined(node: Node) -> str:
    """When an argument is a directive name on a later line, the `;` before
    it is what is missing."""
    joined = next((arg for arg in node.args[1:] if arg in DIRECTIVES), None)
    if node.children is not None or joined is None or node.end_line == node.line:
        return ""
    return f': is a ";" missing before "{joined}"?'


def _link_includes(config: Config) -> None:
    """In an nginx -T dump, hang each included file under the `include` that
    names it, so lookups inherit across files as nginx does."""
    if len(config.files) < 2:
        return
    prefix = posixpath.dirname(config.files[0].path)
    for node in config.named("include"):
        if not node.args:
            continue
        pattern = node.args[0]
        if not pattern.startswith("/"):
            pattern = posixpath.join(prefix, pattern)
        node.included = [other.root for other in config.files
                         if other.path != node.file and fnmatch.fnmatchcase(other.path, pattern)]
        for root in node.included:
            if root.parent is None:
                root.parent = node.parent
                root.name = node.parent.name
