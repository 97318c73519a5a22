"""After a fix, the steps that make it real on the nginx host, each with the
command to copy: the CA file where the fixed config looks for it, the fixed
file(s) in place, `nginx -t`, reload, and the `openssl s_client` check that
must now end in `Verify return code: 0 (ok)`."""
from __future__ import annotations

import re
import shlex

from ..context import Context
from ..engine import FixResult
from ..options import Options, is_public_bundle
from ..parse import parse
from ..probe import addresses, verify_command

TRUST_FILE = re.compile(r"^[ \t]*(?:proxy|grpc|uwsgi)_ssl_trusted_certificate[ \t]+(\S+?);", re.M)
CLIENT_FILES = re.compile(r"^[ \t]*(?:proxy|grpc|uwsgi)_ssl_certificate(?:_key)?[ \t]+(\S+?);", re.M)
# Past this size the checklist has no probe steps: where the fix's own parse
# of its text is not at hand (its rounds ran out), parsing it again would add
# seconds to every keystroke's analysis.
PROBE_LIMIT = 200_000
SHOWN_PROBE_STEPS = 3


def step(title: str, command: str | None = None, expect: str | None = None) -> dict:
    return {"title": title, "command": command, "expect": expect}


def new_values(pattern: re.Pattern, before: str, after: str) -> list[str]:
    """Paths the fixed text names that the original did not."""
    old = set(pattern.findall(before))
    return list(dict.fromkeys(path for path in pattern.findall(after) if path not in old))


def trust_steps(before: str, after: str, bundle: dict | None) -> list[dict]:
    steps = []
    for path in new_values(TRUST_FILE, before, after):
        if is_public_bundle(path):
            continue  # the system's bundle of public CAs is on the host already
        target = shlex.quote(path)
        if bundle and bundle.get("pem"):
            steps.append(step(f"Put the CA bundle (Download CA bundle: {bundle['file_name']}) at `{path}`, "
                              "where the fixed config looks for it.",
                              f"sudo install -D -m 0644 {shlex.quote(bundle['file_name'])} {target}"))
        else:
            steps.append(step(f"Put the CA certificate that issued the upstream's certificate (PEM; for a "
                              f"self-signed upstream, that certificate) at `{path}`.",
                              f"sudo install -D -m 0644 upstream-ca.pem {target}"))
    client = new_values(CLIENT_FILES, before, after)
    if client:
        steps.append(step("Put the client certificate and key the upstream trusts at "
                          + " and ".join(f"`{path}`" for path in client) + " (the key readable by nginx only)."))
    return steps


def config_steps(files: list[dict] | None) -> list[dict]:
    if files is None:
        return [step("Replace the config you pasted with the fixed file (Download fixed file); keep the old one "
                     "until the check below passes.")]
    return [step(f"Replace `{entry['path']}` with the fixed {entry['name']} (its Download button); the old one "
                 f"stays as {entry['name']}.bak.",
                 f"sudo cp {shlex.quote(entry['path'])} {shlex.quote(entry['path'] + '.bak')} && "
                 f"sudo install -m 0644 {shlex.quote(entry['name'])} {shlex.quote(entry['path'])}")
            for entry in files]


def probe_steps(fixed: FixResult, name: str, options: Options) -> list[dict]:
    """The trust check for each upstream address the fixed config verifies,
    against the trust file it names there."""
    if not options.production or len(fixed.text) > PROBE_LIMIT or "_ssl_verify on;" not in fixed.text:
        return []
    config = fixed.fixed_config or parse(fixed.text, name)
    if config.diagnostics:
        return []
    commands: dict[str, str] = {}
    for site in Context(config, options).tls_sites:
        verify, trust = site.effective("ssl_verify"), site.effective("ssl_trusted_certificate")
        if verify is None or verify.args[:1] != ["on"] or trust is None or not trust.args:
            continue
        for address, tls_name in addresses(site, options):
            commands.setdefault(address, verify_command(address, tls_name, trust.args[0]))
    return [step(f"From the nginx host, check {address} against the trust file nginx now uses.", command,
                 "Verify return code: 0 (ok)") for address, command in list(commands.items())[:SHOWN_PROBE_STEPS]]


def deploy_steps(fixed: FixResult, name: str, options: Options, bundle: dict | None,
                 files: list[dict] | None) -> list[dict]:
    """The checklist; empty when the fix changes nothing."""
    if not fixed.changed:
        return []
    return [
        *trust_steps(fixed.original, fixed.text, bundle),
        *config_steps(files),
        step("Check the config.", "sudo nginx -t", "syntax is ok … test is successful"),
        step("Reload nginx (running connections finish on the old config).", "sudo nginx -s reload"),
        *probe_steps(fixed, name, options),
    ]
