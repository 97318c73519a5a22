"""Python's cyclic garbage collector, paused while one request runs."""
from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def gc_paused():
    """A large config allocates millions of objects and no garbage cycles
    while it is parsed and checked; the cyclic collector would rescan the
    growing tree again and again (a third of check's time on 340k lines)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
