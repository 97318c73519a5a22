"""Which standard-library modules the page's Python needs, found by watching
imports while the test suite runs under Pyodide (build/trace_stdlib.mjs).

Run inside Pyodide before anything else is imported. It records, as
`edges`, what each module may import:

- what its body imports. A module body runs once, for whoever imports it
  first (often the test runner), yet it runs the same way when the core
  imports that module, so these imports count wherever the module is needed;
- for a module of the core or its dependencies, what is imported at run time
  (inside a function) while it is the innermost of them on the stack, unless
  a frame of the CLI (which the page never runs) is on the stack too.

The page needs what Pyodide imported to start, what JavaScript imported
(pyodide.pyimport), `upstream_tls.bridge`, every codec module imported at all
(codec lookups are cached for the whole process, so the first lookup, which
imports the module, may come from the test runner while the core's later
lookups import nothing), every package above them, and what they may import,
transitively.
"""
from __future__ import annotations

import builtins
import importlib
import importlib.util
import sys
from collections import defaultdict

CORE = ("upstream_tls", "crossplane", "jinja2", "markupsafe", "asn1crypto")
NOT_IN_PAGE = ("upstream_tls.cli", "upstream_tls.__main__")
PAGE_ENTRY = "upstream_tls.bridge"
# Frames of the import machinery itself: the importer is the first frame past them.
MACHINERY = {"importlib", "importlib._bootstrap", "importlib._bootstrap_external", "_frozen_importlib",
             "_frozen_importlib_external", "zipimport", __name__}

# What Pyodide imported to start; __main__ is where runPython code runs, not a module.
startup = set(sys.modules) - {"__main__"}
edges: dict[str, set[str]] = defaultdict(set)
from_javascript: set[str] = set()


def within(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == package or name.startswith(package + ".") for package in packages)


def importer_frame():
    frame = sys._getframe(2)
    while frame is not None and frame.f_globals.get("__name__") in MACHINERY:
        frame = frame.f_back
    return frame


def record(names: list[str]) -> None:
    frame = importer_frame()
    if frame is None:
        from_javascript.update(names)
        return
    if frame.f_code.co_name == "<module>":
        edges[frame.f_globals.get("__name__", "")].update(names)
        return
    stack = []
    while frame is not None:
        stack.append(frame.f_globals.get("__name__", ""))
        frame = frame.f_back
    if any(within(name, NOT_IN_PAGE) for name in stack):
        return
    caller = next((name for name in stack if within(name, CORE)), None)
    if caller:
        edges[caller].update(names)


real_import = builtins.__import__


def traced_import(name, globals=None, locals=None, fromlist=(), level=0):
    module = real_import(name, globals, locals, fromlist, level)
    if level:
        package = (globals or {}).get("__package__") or ""
        name = importlib.util.resolve_name("." * level + name, package)
    names = [name] + [f"{name}.{item}" for item in fromlist or () if f"{name}.{item}" in sys.modules]
    record(names)
    return module


class Watcher:
    """First loads by any route (importlib.import_module too); finds nothing itself."""

    @staticmethod
    def find_spec(fullname, path=None, target=None):
        record([fullname])
        return None


def install() -> None:
    builtins.__import__ = traced_import
    sys.meta_path.insert(0, Watcher)


def parents(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


def page_modules(available: set[str]) -> list[str]:
    """The modules of `available` (the stock stdlib) that the page needs."""
    codecs = {name for name in sys.modules if name.startswith("encodings.")}
    todo = [name for root in (startup | from_javascript | codecs | {PAGE_ENTRY}) for name in parents(root)]
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for imported in edges.get(name, ()):
            todo.extend(parents(imported))
    return sorted(seen & available)

