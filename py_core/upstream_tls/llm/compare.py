"""What an answer changed beyond the fix, found by comparing it with the
original: settings that weaken TLS toward the upstream, and changed lines
that have nothing to do with the upstream.

Only what the answer brought in counts: a `proxy_ssl_verify off` that was
already there is the rules' business (UT001), not the answer's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Config, Node
from ..options import Options, is_public_bundle
from ..upstreams import Site, find_sites, substitute

VERIFY_OFF = "verification off"
LEGACY_PROTOCOLS = {"sslv2": "SSLv2", "sslv3": "SSLv3", "tlsv1": "TLSv1", "tlsv1.1": "TLSv1.1"}
WEAK_SETTING = re.compile(r"^(?:proxy|grpc|uwsgi)_ssl_(?:verify|protocols|ciphers|conf_command)$")
# OpenSSL cipher-string words that let in no encryption, no authentication
# or broken primitives, unless negated (`!aNULL`).
WEAK_CIPHERS = re.compile(r"(?:^|[:,\s+])(?P<word>(?:e|a)?NULL|EXPORT\w*|EXP-\S+|RC4\S*|DES-CBC-\S+|DES\b|MD5|"
                          r"ADH\S*|AECDH\S*)", re.I)
# Debian, Ubuntu and RHEL build OpenSSL at security level 2; 1 lets RSA-1024
# keys and SHA-1 signatures back in, 0 lets in everything.
SECLEVEL = re.compile(r"@seclevel=(\d)", re.I)
DISTRIBUTION_SECLEVEL = 2
# SSL_CONF commands (proxy_ssl_conf_command NAME VALUE) that accept more.
UNSAFE_OPTIONS = frozenset({"unsafelegacyrenegotiation", "unsafelegacyserverconnect", "legacyserverconnect"})
TRUST_COMMANDS = {"verifycafile": "VerifyCAFile", "verifycapath": "VerifyCAPath", "verifycastore": "VerifyCAStore"}
SIGNATURE_COMMANDS = frozenset({"signaturealgorithms", "sigalgs"})
WEAK_SIGNATURE = re.compile(r"sha1|md5", re.I)
CLIENT_CONTROLLED = re.compile(r"\$(?:host|http_\w+|arg_\w+|cookie_\w+|request_uri|uri|args|query_string)\b")
# Directives about the upstream connection; anything else changed is flagged.
UPSTREAM_PREFIXES = ("proxy_", "grpc_", "uwsgi_")
UPSTREAM_DIRECTIVES = frozenset({"upstream", "keepalive", "keepalive_requests", "keepalive_time", "zone",
                                 "resolver", "resolver_timeout", "least_conn", "ip_hash", "hash", "random"})
QUOTE_LIMIT = 80


@dataclass(frozen=True)
class Flag:
    """One thing to tell the person about the answer; `line` is in the
    answer's numbering unless `side` is "original"."""

    kind: str
    severity: str  # "danger", "warning" or "info"
    message: str
    line: int | None = None
    side: str = "answer"
    block: int | None = None  # which code block of the answer (1-based), when it is about one


def input_line(config: Config, node: Node) -> int:
    """A node's line in the pasted text (an nginx -T dump holds several files)."""
    return config.file(node.file).offset + node.line


def _place(node: Node) -> tuple:
    """Where a directive sits, as a path of enclosing blocks: the same place
    in the original and the answer even when lines moved."""
    blocks = [node.parent, *node.parent.ancestors()]
    return (node.file, tuple((block.name, tuple(block.args)) for block in reversed(blocks)), node.name)


def _weaknesses(node: Node) -> list[str]:
    """The weak values a TLS setting holds, however it is spelled: the
    cipher list can also arrive through `*_ssl_conf_command CipherString`,
    the protocol floor through `MinProtocol`."""
    args = [arg.lower() for arg in node.args]
    if node.name.endswith("_verify"):
        return [VERIFY_OFF] if args[:1] == ["off"] else []
    if node.name.endswith("_protocols"):
        return [LEGACY_PROTOCOLS[arg] for arg in args if arg in LEGACY_PROTOCOLS]
    if node.name.endswith("_conf_command"):
        return _conf_weaknesses(args)
    return _cipher_weaknesses(" ".join(node.args))


def _cipher_weaknesses(ciphers: str) -> list[str]:
    found = [f"@SECLEVEL={level}" for level in SECLEVEL.findall(ciphers) if int(level) < DISTRIBUTION_SECLEVEL]
    for match in WEAK_CIPHERS.finditer(ciphers):
        before = ciphers[:match.start("word")]
        if not before.endswith(("!", "-")):
            found.append(match["word"])
    return found


def _conf_weaknesses(args: list[str]) -> list[str]:
    if len(args) < 2:
        return []
    command, value = args[0], " ".join(args[1:])
    if command == "cipherstring":
        return _cipher_weaknesses(value)
    words = [word for word in re.split(r"[\s,:]+", value) if word]
    if command in ("minprotocol", "protocol"):
        named = [word.lstrip("+") for word in words if not word.startswith("-")]
        floorless = [word for word in named if word in ("none", "all")]
        spelled = {"none": "MinProtocol None", "all": "Protocol ALL"}
        return ([f"{spelled[word]}: no protocol floor" for word in floorless]
                + [LEGACY_PROTOCOLS[word] for word in named if word in LEGACY_PROTOCOLS])
    if command == "options":
        return [word for word in words if word.lstrip("+") in UNSAFE_OPTIONS]
    if command in TRUST_COMMANDS:
        return [f"{TRUST_COMMANDS[command]} adds trust anchors that proxy_ssl_trusted_certificate does not show"]
    if command in SIGNATURE_COMMANDS:
        return [f"{word.upper()} signatures" for word in words if WEAK_SIGNATURE.search(word)]
    return []


def _weak_settings(config: Config) -> dict[tuple, Node]:
    found = {}
    for node in config.walk():
        if WEAK_SETTING.match(node.name):
            for weakness in _weaknesses(node):
                found.setdefault((_place(node), weakness), node)
    return found


def _site_keys(config: Config) -> dict[tuple, Site]:
    """Upstream connections by place and order within their block, TLS or
    not: a connection that stops being TLS is the worst weakening of all."""
    keys: dict[tuple, Site] = {}
    for site in find_sites(config):
        place = _place(site.node)
        ordinal = sum(1 for key in keys if key[0] == place)
        keys[(place, ordinal)] = site
    return keys


def weakenings(original: Config, answer: Config, options: Options) -> list[Flag]:
    """Weak TLS settings the answer wrote (verification off, TLSv1/TLSv1.1/
    SSL, @SECLEVEL=0) and protection it dropped (verification or the trusted
    certificate an upstream had). All are dangers, except that in dev mode
    going without verification is the documented stopgap: a warning."""
    def verify_flag(message: str, line: int) -> Flag:
        if options.production:
            return Flag("weakens-tls", "danger", message, line)
        return Flag("dev-only", "warning", message + " (acceptable while developing, never in production)", line)

    before = _weak_settings(original)
    flags = []
    written: dict[Node, list[str]] = {}
    for (place, weakness), node in _weak_settings(answer).items():
        if (place, weakness) not in before:
            written.setdefault(node, []).append(weakness)
    for node, weaknesses in written.items():
        line = input_line(answer, node)
        message = (f"line {line}: the answer sets `{node.name} {' '.join(node.args)}`: {', '.join(weaknesses)} "
                   "toward the upstream")
        flags.append(verify_flag(message, line) if weaknesses == [VERIFY_OFF] else
                     Flag("weakens-tls", "danger", message, line))
    for site, now in _pairs(_site_keys(original), _site_keys(answer)):
        line = input_line(answer, now.node)
        if not now.tls:
            flags.append(Flag("weakens-tls", "danger", f"line {line}: `{now.describe()}` no longer uses TLS "
                              f"(was `{site.describe()}`): the traffic to the upstream goes unencrypted", line))
            continue
        flags += _posture_changes(original, answer, site, now, line, verify_flag)
        verify_then, verify_now = site.effective("ssl_verify"), now.effective("ssl_verify")
        if _on(verify_then) and not _on(verify_now) and verify_now not in written:
            flags.append(verify_flag(f"line {line}: `{now.describe()}` is no longer verified (`{verify_then.name} "
                                     f"on` at original line {input_line(original, verify_then)} no longer applies)",
                                     line))
        trusted_then, trusted_now = site.effective("ssl_trusted_certificate"), now.effective("ssl_trusted_certificate")
        if trusted_then is not None and trusted_now is None:
            flags.append(verify_flag(f"line {line}: `{now.describe()}` lost its trusted certificate "
                                     f"(`{trusted_then.name}` at original line {input_line(original, trusted_then)})",
                                     line))
        elif trusted_then is not None and trusted_now.args != trusted_then.args:
            flags.append(_trust_change(trusted_then.args[:1], trusted_now, now, input_line(answer, trusted_now)))
    return flags


def _pairs(original: dict[tuple, Site], answer: dict[tuple, Site]) -> list[tuple[Site, Site]]:
    """Each TLS upstream of the original with what the answer puts in its
    place; a connection the answer adds to a host the original reached over
    TLS is held to that connection's standard (a new `location` must not
    reach the same upstream in plain text or unverified)."""
    pairs = [(site, answer[key]) for key, site in original.items() if site.tls and key in answer]
    by_host = {}
    for site in original.values():
        if site.tls and site.target.host:
            by_host.setdefault(site.target.host.lower(), site)
    for key, now in answer.items():
        host = (now.target.host or "").lower()
        if key not in original and host in by_host:
            pairs.append((by_host[host], now))
    return pairs


def _trust_change(then: list[str], trusted_now: Node, now: Site, line: int) -> Flag:
    """A trust file swapped for the public bundle lets every public CA vouch
    for the name: a danger unless the name is a public one. Any other swap is
    worth a look, not an alarm (the answer may well name the upstream's CA)."""
    was, path = (then or [""])[0], (trusted_now.args or [""])[0]
    if is_public_bundle(path) and not is_public_bundle(was):
        message = (f"line {line}: `{now.describe()}` now trusts every public CA ({path}) instead of {was}: "
                   "any publicly issued certificate for the name passes")
        return Flag("weakens-tls" if not now.public else "trust-widened",
                    "danger" if not now.public else "info", message, line)
    return Flag("trust-changed", "info", f"line {line}: the trust file for `{now.describe()}` changes from {was} to "
                f"{path}: make sure it holds only the CA that signs the upstream's certificate", line)


def _posture_changes(original: Config, answer: Config, site: Site, now: Site, line: int, verify_flag) -> list[Flag]:
    """What one upstream accepts now that it did not before, by effect:
    the name checked handed to the client, revocation checking dropped."""
    flags = []
    name_then, name_now = site.effective("ssl_name"), now.effective("ssl_name")
    if _on(now.effective("ssl_verify")) and name_now is not None and _client_controlled(
            " ".join(name_now.args), now) and not (name_then is not None and name_then.args == name_now.args):
        flags.append(Flag("weakens-tls", "danger", f"line {input_line(answer, name_now)}: `{name_now.name} "
                          f"{' '.join(name_now.args)}` lets the client's request choose the name nginx checks: "
                          "whoever can answer for that name passes", input_line(answer, name_now)))
    elif name_then is not None and name_now is not None and name_then.args != name_now.args:
        flags.append(Flag("name-changed", "info", f"line {input_line(answer, name_now)}: the name nginx checks "
                          f"changes from {' '.join(name_then.args)} to {' '.join(name_now.args)}",
                          input_line(answer, name_now)))
    if _client_controlled(_address(now), now) and not _client_controlled(_address(site), site):
        flags.append(Flag("weakens-tls", "danger", f"line {line}: `{now.describe()}` lets the client's request "
                          "choose the upstream and so the name nginx checks: any server with a valid certificate "
                          "for a name the client picks passes", line))
    crl_then = site.effective("ssl_crl")
    if crl_then is not None and now.effective("ssl_crl") is None:
        flags.append(verify_flag(f"line {line}: `{now.describe()}` no longer checks revocation (`{crl_then.name}` "
                                 f"at original line {input_line(original, crl_then)} no longer applies)", line))
    return flags


def _address(site: Site) -> str:
    """The host and port part of the pass target, as written."""
    return site.target.raw.split("://", 1)[-1].split("/", 1)[0]


def _client_controlled(text: str, site: Site) -> bool:
    """Whether a value holds something the request sets (a header, an
    argument, a cookie, the Host), directly or through `set $var …`."""
    return bool(CLIENT_CONTROLLED.search(text) or CLIENT_CONTROLLED.search(substitute(text, site.block)))


def _on(node: Node | None) -> bool:
    return node is not None and node.args[:1] != [] and node.args[0].lower() == "on"


def _line_owners(config: Config | None) -> dict[int, Node]:
    """Pasted line -> the directive written on it (the innermost one)."""
    owners: dict[int, Node] = {}
    if config is None:
        return owners
    for node in config.walk():
        offset = config.file(node.file).offset
        lines = (node.line, node.end_line) if node.is_block else range(node.line, node.end_line + 1)
        for number in lines:
            owners[offset + number] = node
    return owners


def _about_upstream(node: Node | None, text: str) -> bool:
    if node is None:  # the answer does not parse: judge by the first word
        words = text.split()
        name = words[0].rstrip(";{") if words else ""
        return name.startswith(UPSTREAM_PREFIXES) or name in UPSTREAM_DIRECTIVES or (
            name == "server" and text.rstrip().endswith(";"))
    if node.name.startswith(UPSTREAM_PREFIXES) or node.name in UPSTREAM_DIRECTIVES:
        return True
    return node.name == "server" and node.parent is not None and node.parent.name == "upstream"


def _quiet(text: str) -> bool:
    """Blank lines, comments and lone braces say nothing by themselves."""
    stripped = text.strip()
    return not stripped or stripped.startswith("#") or stripped in ("{", "}", "};")


def _quote(text: str) -> str:
    text = text.strip()
    return text if len(text) <= QUOTE_LIMIT else text[:QUOTE_LIMIT - 1] + "…"


def _name(text: str) -> str:
    words = text.split()
    return words[0].rstrip(";{") if words else ""


def unrelated_changes(original: Config | None, answer: Config | None, original_lines: list[str],
                      answer_lines: list[str], opcodes) -> list[Flag]:
    """Changed lines that are not about the upstream (listen, root,
    server_name, access_log, auth, the server's own ssl_*): an answer has no
    business touching them. A replaced line is reported once, with what it was."""
    owners = {"original": _line_owners(original), "answer": _line_owners(answer)}

    def unrelated(side: str, lines: list[str], start: int, end: int) -> list[tuple[int, str]]:
        return [(index + 1, lines[index]) for index in range(start, end)
                if not _quiet(lines[index]) and not _about_upstream(owners[side].get(index + 1), lines[index])]

    flags = []
    for tag, first, last, new_first, new_last in opcodes:
        if tag == "equal":
            continue
        removed = unrelated("original", original_lines, first, last)
        was = {_name(text): text for _, text in reversed(removed)}
        matched = set()
        for number, text in unrelated("answer", answer_lines, new_first, new_last):
            before = was.get(_name(text)) if _name(text) not in matched else None
            matched.add(_name(text))
            change = f"changed (was `{_quote(before)}`)" if before is not None else "added"
            flags.append(Flag("unrelated-change", "warning",
                              f"line {number}: `{_quote(text)}` {change}, which is not about the upstream", number))
        flags += [Flag("unrelated-change", "warning", f"original line {number}: `{_quote(text)}` removed, which is "
                       "not about the upstream", number, "original")
                  for number, text in removed if _name(text) not in matched]
    return flags


def block_weakenings(config: Config, block: int, info: str) -> list[Flag]:
    """Weak TLS settings in a code block other than the one checked as the
    answer ("if it still fails, use: …"): the person may well paste it."""
    flags = []
    for node in config.walk():
        if WEAK_SETTING.match(node.name):
            weaknesses = _weaknesses(node)
            if weaknesses:
                label = f"code block {block}" + (f" ({info})" if info else "")
                flags.append(Flag("weakens-tls", "danger", f"{label}, line {node.line}: `{node.name} "
                                  f"{' '.join(node.args)}`: {', '.join(weaknesses)} toward the upstream",
                                  node.line, block=block))
    return flags
