"""The page's words for what the core says in the command line's: a field by
its label instead of its flag, "line 6" instead of `<input>:6:`, a dumped
file's own line together with the line of the paste it sits on.

Only wording changes here; what is found, ranked and fixed stays the CLI's.
"""
from __future__ import annotations

import posixpath
import re

# The labels of the page's fields (web/index.html), as the page quotes them.
TLS_NAMES = "“TLS name(s) of the upstream”"
CA_FILE = "“CA file path on the nginx host”"
CLIENT_FIELDS = "“Client certificate path” and “Client key path”"
VERSION = "“nginx version”"
CHAIN = "“Certificate chain the upstream presents”"
LOG = "“error.log lines”"

# A flag's argument, without the colon that may end the sentence (a
# `HOST:PORT=NAME` keeps its own).
ARGUMENT = r"([^\s`),;]+?)(?=:?(?:[\s`),;]|$))"
# (pattern, replacement), most specific first: a flag with its argument, then
# the flag alone. The arguments keep their words (`UPSTREAM=NAME` reads the same).
FLAG_PHRASES = (
    (re.compile(r" ?\(`?--write-ca`?, or Download CA bundle in the page\)"), " (Download CA bundle)"),
    (re.compile(r"`?--write-ca`?"), "Download CA bundle"),
    (re.compile(r"\bgive `?--ssl-name UPSTREAM=NAME`?"),
     f"type the upstream and the name its certificate holds into {TLS_NAMES} (e.g. `10.0.1.45=api.internal`)"),
    (re.compile(r"\(or the name: `?--ssl-name NAME`?\)"), f"(or type the name into {TLS_NAMES})"),
    (re.compile(r"\bgive `?--ssl-name " + ARGUMENT + "`?"), rf"type \1 into {TLS_NAMES}"),
    (re.compile(r"`?--ssl-name " + ARGUMENT + "`?"), rf"\1 in {TLS_NAMES}"),
    (re.compile(r"`?--ssl-name`?"), TLS_NAMES),
    (re.compile(r"`?--client-cert`?(?:,| and) `?--client-key`?"), CLIENT_FIELDS),
    (re.compile(r"`?--ca-file`?"), CA_FILE),
    (re.compile(r"`?--nginx-version`?"), VERSION),
    (re.compile(r"`?--upstream-cert`?"), CHAIN),
    (re.compile(r"`?--error-log`?"), LOG),
    (re.compile(r"`?--mode dev`?"), "Dev mode"),
)


class Wording:
    """Page words for one analysis: `offsets` maps each file of the paste to
    the number of paste lines before its first line (0 for a single file)."""

    def __init__(self, offsets: dict[str, int]):
        self.offsets = offsets
        self.dump = len(offsets) > 1 or any(offsets.values())
        # `path:12` for a file of this paste, never `10.0.1.45:8443`.
        names = sorted(offsets, key=len, reverse=True)
        self._reference = re.compile(
            "(" + "|".join(re.escape(name) for name in names) + r"):(\d+)(:?)") if names else None

    def say(self, text: str) -> str:
        """`text` with flags named by their fields and file:line references in words."""
        for pattern, replacement in FLAG_PHRASES:
            text = pattern.sub(replacement, text)
        if self._reference is not None:
            text = self._reference.sub(lambda match: self.line_words(match[1], int(match[2])) + match[3], text)
        return text

    def line_words(self, file: str | None, line: int) -> str:
        """"line 6" for a single file; "site.conf line 11" in a dump."""
        if self.dump and file:
            return f"{posixpath.basename(file) or file} line {line}"
        return f"line {line}"

    def where(self, file: str | None, line: int | None) -> dict | None:
        """A position the page links to: the line in its own file (what the
        CLI and the notes say) and the line of the paste (where the editor goes)."""
        if line is None:
            return None
        offset = self.offsets.get(file or "", 0)
        return {"file": file, "line": line, "paste_line": offset + line, "label": self.line_words(file, line)}
