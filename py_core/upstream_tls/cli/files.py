"""Reading the person's files and writing results: bytes that are not UTF-8
survive (surrogateescape), large output is streamed, files are replaced
atomically, and a file holding secrets is owner-only from its first byte."""
from __future__ import annotations

import io
import json
import os
import sys
import tempfile

from .arguments import UsageError


def read_input(path: str) -> tuple[str, str]:
    """(text, display name); `-` is standard input."""
    try:
        data = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror}") from None
    return data.decode("utf-8", "surrogateescape"), "<stdin>" if path == "-" else path


def read_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror}") from None


def read_local_file(path: str) -> bytes | None:
    """Files the config names, when this runs on the nginx host; None if absent."""
    try:
        with open(path, "rb") as handle:
            return handle.read(1 << 20)
    except OSError:
        return None


def write_output(text: str) -> None:
    sys.stdout.buffer.write(text.encode("utf-8", "surrogateescape"))
    sys.stdout.flush()


def write_json(payload: dict) -> None:
    """Stream JSON to stdout: a large config's report is never held twice."""
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", errors="surrogateescape", newline="\n")
    json.dump(payload, out, indent=2)
    out.write("\n")
    out.detach()


def say(line: str) -> None:
    """A line for the person, on stderr: stdout carries only the result."""
    print(line, file=sys.stderr)


def write_in_place(path: str, text: str) -> str:
    """Replace the file behind `path` (through symlinks, as in sites-enabled)
    atomically, with its mode and owner; the previous content goes to a
    hidden .NAME.bak, which `include sites-enabled/*` does not load (nginx's
    glob skips dot files). Returns the backup's path."""
    real = os.path.realpath(path)
    directory, name = os.path.split(real)
    backup = os.path.join(directory, f".{name}.bak")
    with open(real, "rb") as original, open(backup, "wb") as copy:
        copy.write(original.read())
    status = os.stat(real)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".upstream-tls-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(text.encode("utf-8", "surrogateescape"))
        os.chmod(temporary, status.st_mode & 0o7777)
        if os.geteuid() == 0:
            os.chown(temporary, status.st_uid, status.st_gid)
        os.replace(temporary, real)
    except BaseException:
        os.unlink(temporary)
        raise
    return backup


def write_private(path: str, text: str) -> None:
    """Write a file only its owner can read (0600, mkstemp's mode, from the
    start) and rename it into place: it holds secrets."""
    try:
        handle, temporary = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), prefix=".upstream-tls-map-")
    except OSError as exc:
        raise UsageError(f"{path}: cannot write: {exc.strerror}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
