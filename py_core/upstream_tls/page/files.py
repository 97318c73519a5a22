"""The files of an `nginx -T` dump, before and after the fix, as they are on
the nginx host: what the page offers to download is each changed file, never
the dump (its `nginx: … syntax is ok` lines and `# configuration file`
headers are not config). Unchanged files are not offered."""
from __future__ import annotations

import posixpath

from ..parse import split_dump


def host_text(body: str) -> str:
    """A dumped file's text as it is on disk: `nginx -T` writes a newline
    after each file, so a file that ends with one is followed by a blank line."""
    return body[:-1] if body.endswith("\n\n") or body.endswith("\r\n\n") else body


def changed_files(original: str, fixed: str, name: str) -> list[dict] | None:
    """[{path, name, original, text}] for each file the fix changed, in dump
    order; None when the paste is not a dump (the page then offers one file)."""
    before = split_dump(original, name)
    if len(before) == 1 and before[0][1] == 0:
        return None
    after = split_dump(fixed, name)
    if [path for path, _, _ in after] != [path for path, _, _ in before]:
        return None  # the fix edits lines inside files, so this cannot happen; offer the whole text then
    return [{"path": path, "name": posixpath.basename(path) or path, "original": host_text(old), "text": host_text(new)}
            for (path, _, old), (_, _, new) in zip(before, after, strict=True) if old != new]
