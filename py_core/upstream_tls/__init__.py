"""upstream-tls: find and fix the nginx 502 behind an HTTPS upstream.

The Python API is the same core the CLI and the browser use:
`check(text, Options())` and `fix(text, Options())`.
"""
from .engine import FixResult, Report, check, fix
from .findings import Applicability, Edit, Finding, Fix, Severity, Span
from .options import Options
from .parse import InputError, parse

__version__ = "0.1.0"

__all__ = ["Applicability", "Edit", "Finding", "Fix", "FixResult", "InputError", "Options", "Report",
           "Severity", "Span", "check", "fix", "parse", "__version__"]
