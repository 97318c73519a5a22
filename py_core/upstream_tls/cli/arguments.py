"""What every command shares: the exit codes, the one-line usage error, the
flags several commands take, and turning flags into Options."""
from __future__ import annotations

import argparse

from ..options import DEFAULT_CA_FILE, FLAGS, Options, options_from_fields

EXIT_CLEAN, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2
MODES = ("production", "dev")


class UsageError(Exception):
    """Bad input or usage, reported as one line and exit code 2."""


class Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit code 2."""

    def error(self, message):
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def add_config_file(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("file", nargs="?", default="-", metavar="FILE",
                     help="a location/server block, nginx.conf or `nginx -T` output; - for stdin (default)")


def add_config(sub: argparse.ArgumentParser) -> None:
    add_config_file(sub)
    sub.add_argument("--nginx-version", metavar="X.Y.Z", help="version-dependent defaults (protocols)")


def add_evidence(sub: argparse.ArgumentParser, log_required: bool = False) -> None:
    sub.add_argument("--error-log", metavar="FILE", required=log_required,
                     help="nginx error.log lines or nginx -t output (the upstream's own log may be appended)")
    sub.add_argument("--upstream-cert", metavar="FILE",
                     help="the chain the upstream presents (openssl s_client -showcerts output, PEM or DER)")


def add_fix_values(sub: argparse.ArgumentParser, ca_help: str = f"path written into proxy_ssl_trusted_certificate "
                                                                  f"(default {DEFAULT_CA_FILE})") -> None:
    """The values a fix needs and the config cannot know."""
    sub.add_argument("--ca-file", metavar="PATH", help=ca_help)
    sub.add_argument("--ssl-name", metavar="[UPSTREAM=]NAME", action="append",
                     help="the DNS name in the upstream certificate, for proxy_ssl_name; NAME alone when one upstream "
                          "needs a name, UPSTREAM=NAME (the proxy_pass host or group) for each otherwise; repeatable")


def options_from(args) -> Options:
    """Options from the flags; the first value that cannot be used is a
    usage error naming its flag."""
    options, problems = options_from_fields({
        "mode": getattr(args, "mode", None) or getattr(args, "profile", "production"),
        "nginx_version": getattr(args, "nginx_version", None),
        "ca_file": getattr(args, "ca_file", None),
        "ssl_names": getattr(args, "ssl_name", None) or (),
        "client_cert": getattr(args, "client_cert", None),
        "client_key": getattr(args, "client_key", None)}, FLAGS)
    if problems:
        raise UsageError(problems[0])
    return options
