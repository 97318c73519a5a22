"""Line edits on the original text: insert directives into a block, rewrite
one directive in place. Every edit keeps the bytes around it (comments, other
directives on the same line, line endings) and indents like its neighbours."""
from __future__ import annotations

import re
from array import array
from dataclasses import dataclass
from itertools import pairwise

from .findings import Edit
from .model import Config, Node
from .rewrite import LineClaims

INDENT = re.compile(r"^[ \t]*")


def quote_arg(arg: str, quoted: bool) -> str:
    if quoted or not arg or re.search(r"[\s;{}'\"#]", arg):
        return '"' + arg.replace('"', '\\"') + '"'
    return arg


def format_directive(name: str, args: list[str], quoted: list[bool] | None = None) -> str:
    quoted = quoted or [False] * len(args)
    return " ".join([name] + [quote_arg(arg, flag) for arg, flag in zip(args, quoted, strict=True)]) + ";"


def _unquoted(text: str):
    """(index, char) of each character outside quotes, up to a comment; the
    quote characters themselves and escaped characters are not yielded."""
    quote = None
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if quote:
            quote = None if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#":
            return
        else:
            yield index, char
        index += 1


def _is_code(line: str, position: int) -> bool:
    """Whether `position` is outside quotes and comments, so a directive's
    text quoted inside another argument is not taken for the directive."""
    return any(index == position for index, _ in _unquoted(line[:position + 1]))


def _terminator_end(text: str) -> int | None:
    """Index just past the first `;` outside quotes: where a directive that
    starts at the beginning of `text` ends."""
    return next((index + 1 for index, char in _unquoted(text) if char == ";"), None)


def _arg_pattern(arg: str, quoted: bool) -> str:
    if not quoted:
        return re.escape(arg)
    in_double = re.escape(arg.replace('"', '\\"'))
    return "(?:\"" + in_double + "\"|'" + re.escape(arg) + "')"


class Editor:
    """Builds Edits against one parsed Config."""

    def __init__(self, config: Config):
        self.config = config
        self._starts: array | None = None
        self._units: dict[str, str] = {}

    def _line_starts(self) -> array:
        """Offsets where each input line starts: a compact index instead of
        a copy of every line (large configs, few edits)."""
        if self._starts is None:
            text = self.config.text
            self._starts = array("q", [0])
            self._starts.extend(match.end() for match in re.finditer("\n", text))
            if self._starts[-1] != len(text):
                self._starts.append(len(text))
        return self._starts

    def line(self, path: str, number: int) -> str:
        """Line `number` of file `path`, with its line ending; "" past the end."""
        source = self.config.file(path)
        if not 0 < number <= source.line_count:
            return ""
        starts = self._line_starts()
        index = source.offset + number - 1
        if index + 1 >= len(starts):
            return ""
        return self.config.text[starts[index]:starts[index + 1]]

    def lines(self, path: str):
        source = self.config.file(path)
        return (self.line(path, number) for number in range(1, source.line_count + 1))

    def _eol(self, path: str, number: int) -> str:
        text = self.line(path, number)
        if text.endswith("\r\n"):
            return "\r\n"
        if text.endswith("\n"):
            return "\n"
        for other in self.lines(path):
            if other.endswith("\n"):
                return "\r\n" if other.endswith("\r\n") else "\n"
        return "\n"  # a lone CR is white space to nginx, not a line break

    def indent_unit(self, path: str) -> str:
        """The file's indentation step, as the first indented line shows it."""
        if path not in self._units:
            self._units[path] = self._find_indent_unit(path)
        return self._units[path]

    def _find_indent_unit(self, path: str) -> str:
        for text in self.lines(path):
            indent = INDENT.match(text).group()
            if indent:
                return "\t" if indent.startswith("\t") else " " * min(len(indent), 4)
        return "    "

    def child_indent(self, node: Node) -> str:
        """Indentation for a new directive in the block that holds `node`."""
        if node.starts_line:
            return INDENT.match(self.line(node.file, node.line)).group()
        for sibling in node.parent.children or ():
            if sibling.starts_line and sibling.file == node.file:
                return INDENT.match(self.line(node.file, sibling.line)).group()
        opener = node.parent
        base = INDENT.match(self.line(node.file, opener.line)).group() if opener.line else ""
        return base + self.indent_unit(node.file)

    def span_in_line(self, node: Node) -> tuple[int, int] | None:
        """Columns of a one-line directive inside its line, found by matching
        its tokens (crossplane reports no columns)."""
        if node.line != node.end_line or node.children is not None:
            return None
        pattern = re.escape(node.name) + "".join(
            r"\s+" + _arg_pattern(arg, flag) for arg, flag in zip(node.args, node.quoted, strict=True)) + r"\s*;"
        line = self.line(node.file, node.line)
        for match in re.finditer(r"(?<![\w$])" + pattern, line):
            if _is_code(line, match.start()):
                return match.span()
        return None

    def insert_after(self, anchor: Node, directives: list[str]) -> Change | None:
        """Put `directives` (without indentation) right after `anchor`, inside
        anchor's block. None when the line layout leaves no safe place."""
        path, number = anchor.file, anchor.end_line
        eol = self._eol(path, number)
        indent = self.child_indent(anchor)
        body = "".join(indent + text + eol for text in directives)
        line = self.line(path, number)
        if anchor.ends_line:
            if line.endswith("\n"):
                return Edit(path, number + 1, number, body)
            return LineChange(path, number, line, len(line), len(line), eol + body.rstrip("\r\n"))
        span = self.span_in_line(anchor)
        if span is None:
            return None
        line_indent = INDENT.match(line).group()
        if not anchor.starts_line:
            body = "".join(line_indent + self.indent_unit(path) + text + eol for text in directives)
        gap = len(line[span[1]:]) - len(line[span[1]:].lstrip(" \t"))
        return LineChange(path, number, line, span[1], span[1] + gap, eol + body + line_indent)

    def remove(self, node: Node) -> Change | None:
        """Drop a one-line directive: its whole line when nothing else (not
        even a comment) shares it, else just its text."""
        if node.children is not None or node.line != node.end_line:
            return None
        span = self.span_in_line(node)
        if span is None:
            return None
        line = self.line(node.file, node.line)
        if not line[:span[0]].strip() and not line[span[1]:].strip():
            return Edit(node.file, node.line, node.line, "")
        return LineChange(node.file, node.line, line, span[0], span[1], "")

    def replace(self, node: Node, new_text: str) -> Change | None:
        """Rewrite one directive, keeping whatever else shares its lines."""
        span = self.span_in_line(node)
        if span is not None:
            return LineChange(node.file, node.line, self.line(node.file, node.line), span[0], span[1], new_text)
        above = [self.line(node.file, number) for number in range(node.line, node.end_line)]
        if node.children is None and node.starts_line and node.ends_line and not any("#" in text for text in above):
            first = self.line(node.file, node.line)
            whole = "".join(above) + self.line(node.file, node.end_line)
            end = _terminator_end(whole)
            if end is None:
                return None
            return Edit(node.file, node.line, node.end_line, INDENT.match(first).group() + new_text + whole[end:])
        return None


@dataclass(frozen=True)
class LineChange:
    """Columns start..end of one original line become `text`. Changes to one
    line are composed into a single Edit, so a fix may both rewrite a
    directive and insert after it on a shared line."""

    file: str
    line: int
    original: str
    start: int
    end: int
    text: str


Change = Edit | LineChange


def compose(changes: list[Change | None]) -> list[Edit] | None:
    """Line edits for `changes`; None if one could not be placed or two
    overlap inside a line."""
    edits: list[Edit] = []
    by_line: dict[tuple[str, int], list[LineChange]] = {}
    for change in changes:
        if change is None:
            return None
        if isinstance(change, Edit):
            edits.append(change)
        else:
            by_line.setdefault((change.file, change.line), []).append(change)
    for (path, number), group in by_line.items():
        group.sort(key=lambda change: (change.start, change.end))
        if any(later.start < earlier.end for earlier, later in pairwise(group)):
            return None
        text = group[0].original
        for change in reversed(group):
            text = text[:change.start] + change.text + text[change.end:]
        edits.append(Edit(path, number, number, text))
    claims = LineClaims({})
    for edit in edits:
        if not claims.fits(edit):
            return None
        claims.claim(edit)
    return sorted(edits, key=lambda edit: (edit.file, edit.start_line, edit.end_line))
