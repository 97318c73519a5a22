"""Line edits on the original text: insert directives into a block, rewrite
one directive in place. Every edit keeps the bytes around it (comments, other
directives on the same line, line endings) and indents like its neighbours."""
from __future__ import annotations

import re

from .findings import Edit
from .model import Config, Node

INDENT = re.compile(r"^[ \t]*")


def quote_arg(arg: str, quoted: bool) -> str:
    if quoted or not arg or re.search(r"[\s;{}'\"#]", arg):
        return '"' + arg.replace('"', '\\"') + '"'
    return arg


def format_directive(name: str, args: list[str], quoted: list[bool] | None = None) -> str:
    quoted = quoted or [False] * len(args)
    return " ".join([name] + [quote_arg(arg, flag) for arg, flag in zip(args, quoted, strict=True)]) + ";"


def _arg_pattern(arg: str, quoted: bool) -> str:
    if not quoted:
        return re.escape(arg)
    in_double = re.escape(arg.replace('"', '\\"'))
    return "(?:\"" + in_double + "\"|'" + re.escape(arg) + "')"


class Editor:
    """Builds Edits against one parsed Config."""

    def __init__(self, config: Config):
        self.config = config
        self._lines: dict[str, list[str]] = {}

    def lines(self, path: str) -> list[str]:
        if path not in self._lines:
            source = self.config.file(path)
            all_lines = self.config.text.splitlines(keepends=True)
            self._lines[path] = all_lines[source.offset:source.offset + source.line_count]
        return self._lines[path]

    def line(self, path: str, number: int) -> str:
        lines = self.lines(path)
        return lines[number - 1] if 0 < number <= len(lines) else ""

    def _eol(self, path: str, number: int) -> str:
        text = self.line(path, number)
        if text.endswith("\r\n"):
            return "\r\n"
        if text.endswith("\n"):
            return "\n"
        for other in self.lines(path):
            if other.endswith("\n"):
                return "\r\n" if other.endswith("\r\n") else "\n"
        return "\n"

    def indent_unit(self, path: str) -> str:
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
        match = re.search(r"(?<![\w$])" + pattern, self.line(node.file, node.line))
        return match.span() if match else None

    def insert_after(self, anchor: Node, directives: list[str]) -> Edit | None:
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
            return Edit(path, number, number, line + eol + body.rstrip("\r\n"))
        span = self.span_in_line(anchor)
        if span is None:
            return None
        line_indent = INDENT.match(line).group()
        if not anchor.starts_line:
            body = "".join(line_indent + self.indent_unit(path) + text + eol for text in directives)
        rest = line[span[1]:].lstrip(" \t")
        return Edit(path, number, number, line[:span[1]].rstrip(" \t") + eol + body + line_indent + rest)

    def replace(self, node: Node, new_text: str) -> Edit | None:
        """Rewrite one directive, keeping whatever else shares its lines."""
        span = self.span_in_line(node)
        if span is not None:
            line = self.line(node.file, node.line)
            return Edit(node.file, node.line, node.line, line[:span[0]] + new_text + line[span[1]:])
        if node.children is None and node.starts_line and node.ends_line:
            first = self.line(node.file, node.line)
            last = self.line(node.file, node.end_line)
            trailing = last.split(";", 1)[1] if ";" in last else self._eol(node.file, node.end_line)
            return Edit(node.file, node.line, node.end_line,
                        INDENT.match(first).group() + new_text + trailing)
        return None
