"""Credentials in pasted shell commands, in comments or notes: the option
that carries one (`redis-cli -a …`, `mysql -p…`, `curl -u user:…`,
`sshpass -p …`, `openssl … -passin pass:…`, `--password=…`), the positional
argument that is one (`htpasswd -b FILE USER PASS`, `openssl passwd …`,
`sqlplus user/PASS@db`, `config set requirepass …`), a value echoed into
`--password-stdin`, and the default of `${DB_PASSWORD:-…}`.

Each tool's own options are read only after its name: `-p` is a password to
mysql and a port to redis-cli, `docker -p` a password only after `login`.
Variables, `$(…)` and placeholders stay: they hold no secret.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .names import API_KEY, COOKIE_HEADER, PASSWORD, SECRET, TAG_BY_CATEGORY, TOKEN, WEAK, classify, value_is_secret
from .positions import value_hits
from .text import NAME_CHARS, QUOTES, VARIABLE, Hit, Scan, alternation, line_end, line_start
from .values import is_placeholder, is_plain, looks_secret

# How an option carries its value: the next word or the rest of this one
# (`-a VALUE`, `-aVALUE`), only the rest (`mysql -pVALUE`), after the user
# (`user:VALUE`, `user%VALUE`, `user,VALUE`), or as a Cookie header's value.
NEXT, ATTACHED, USER_COLON, USER_PERCENT, USER_COMMA, COOKIE = (
    "next", "attached", "user:pass", "user%pass", "user,pass", "cookie")


@dataclass(frozen=True)
class Tool:
    """How a tool takes secrets: short options (`-a` -> NEXT…), long options
    that are not named for what they hold (`--user user:pass`), whether
    `-storepass`-style single-dash long options exist, a word that must come
    first (`login`), and a positional reader."""

    short: dict[str, str] = field(default_factory=dict)
    long: dict[str, str] = field(default_factory=dict)
    single_dash_long: bool = False
    after: str = ""
    positional: str = ""


_MYSQL = Tool(short={"p": ATTACHED})
_MONGO = Tool(short={"p": NEXT})
_LDAP = Tool(short={"w": NEXT})
_LOGIN = Tool(short={"p": NEXT}, after="login")
_MSSQL = Tool(short={"P": NEXT})
_TOOLS = {
    "redis-cli": Tool(short={"a": NEXT}),
    **dict.fromkeys(("mysql", "mysqldump", "mysqladmin", "mysqlimport", "mysqlcheck", "mysqlshow", "mysqlsh",
                     "mariadb", "mariadb-dump", "mariadb-admin", "mysqlpump"), _MYSQL),
    **dict.fromkeys(("mongo", "mongosh", "mongodump", "mongorestore", "mongoexport", "mongoimport", "mongostat",
                     "mongotop", "sshpass", "ipmitool"), _MONGO),
    **dict.fromkeys(("ldapsearch", "ldapadd", "ldapmodify", "ldapdelete", "ldapwhoami", "ldapcompare",
                     "ldapmodrdn"), _LDAP),
    "ldappasswd": Tool(short={"w": NEXT, "s": NEXT, "a": NEXT}),
    **dict.fromkeys(("docker", "podman", "nerdctl", "buildah", "skopeo", "helm", "oras", "crane", "az"), _LOGIN),
    **dict.fromkeys(("sqlcmd", "bcp", "osql", "zip", "unzip"), _MSSQL),
    **dict.fromkeys(("7z", "7za", "7zz"), Tool(short={"p": ATTACHED})),
    "sqlplus": Tool(positional="user/pass@db"),
    "openssl": Tool(short={"k": NEXT, "K": NEXT, "pass": NEXT, "passin": NEXT, "passout": NEXT, "password": NEXT},
                    single_dash_long=True, positional="passwd"),
    **dict.fromkeys(("keytool", "jarsigner", "influx"), Tool(short={"t": NEXT}, single_dash_long=True)),
    "curl": Tool(short={"u": USER_COLON, "U": USER_COLON, "b": COOKIE},
                 long={"user": USER_COLON, "proxy-user": USER_COLON, "cookie": COOKIE}),
    "ab": Tool(short={"A": USER_COLON, "P": USER_COLON, "C": COOKIE}),
    "lftp": Tool(short={"u": USER_COMMA}),
    **dict.fromkeys(("smbclient", "rpcclient", "smbcacls", "smbget"), Tool(short={"U": USER_PERCENT})),
    "ssh-keygen": Tool(short={"N": NEXT, "P": NEXT}),
    "htpasswd": Tool(positional="htpasswd"),
    "rabbitmqctl": Tool(positional="rabbitmqctl"),
    "mc": Tool(positional="mc"),
    "vault": Tool(positional="vault"),
    "doctl": Tool(short={"t": NEXT}),
}
_TOOL = re.compile(r"\b" + alternation(_TOOLS) + r"(?=[ \t])")
_NOT_BEFORE_TOOL = frozenset("_.-")  # `my-mysql`, `.curl`; a path (`/usr/bin/mysql`) is fine
_COMMAND_MARKERS = (" -", "\t-", "sqlplus", "rabbitmqctl", "mc ", "vault")
_COMMAND_END = frozenset("|;&`)\n")
_STRONG = (PASSWORD, API_KEY, TOKEN, SECRET)
_LONG_OPTION = re.compile(r"(?<![\w-])--([A-Za-z][A-Za-z0-9]*(?:[-_.][A-Za-z0-9]+)*)(?:=|[ \t]+(?=\S))")
_CONFIG_SET = re.compile(r"config(?:ure)?[ \t]+set[ \t]+")  # in the lower-cased text
_STDIN_SINKS = re.compile(r"--password-stdin|(?<![\w-])--?stdin\b|sudo[ \t]+(?:-\w+[ \t]+)*-S\b|chpasswd"
                          r"|htpasswd[ \t]+-\w*i|secret[ \t]+create")
_ECHO = re.compile(r"(?:echo|printf)((?:[ \t]+-[neE]+)*)[ \t]+")
_HERE_STRING = re.compile(r"<<<[ \t]*")
_REDIRECTION = re.compile(r"\d*(?:>>?|<(?!<<))")
_OPTION = re.compile(r"--?[A-Za-z0-9][A-Za-z0-9-]*(?:=.*)?")  # the next option, not a value (`-3!F^…` is one)
_SHELL_DEFAULT = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*):?[-=]([^}\n]+)\}")


def shell_commands(scan: Scan) -> Iterator[Hit]:
    """Known tools' secret options and arguments; `--password`-style long
    options of any tool; `config set NAME VALUE`; `echo VALUE | … --stdin`."""
    text = scan.text
    for line_start_, line_end_ in _command_lines(text):
        for match in _TOOL.finditer(text, line_start_, line_end_):
            if match.start() and text[match.start() - 1] in _NOT_BEFORE_TOOL:
                continue
            tool = _TOOLS[match.group()]
            arguments = _arguments(text, match.end(), line_end_)
            if tool.after and tool.after not in (text[start:end] for start, end in arguments):
                continue
            yield from _options(text, arguments, tool)
            if tool.positional:
                yield from _positional(text, arguments, tool.positional)
    yield from _long_options(text)
    yield from _config_set(text, scan.lower)
    yield from _echoed_into_stdin(text)


def _command_lines(text: str) -> Iterator[tuple[int, int]]:
    """The lines a command with secrets can be on, each once, in order: those
    with an option (` -`) or a tool that takes its secret without one. A
    literal search: scanning every position for tool names costs more than
    all the rest of this module."""
    starts = set()
    for marker in _COMMAND_MARKERS:
        position = text.find(marker)
        while position >= 0:
            starts.add(line_start(text, position))
            position = text.find(marker, line_end(text, position))
    for start in sorted(starts):
        yield start, line_end(text, start)


def shell_defaults(scan: Scan) -> Iterator[Hit]:
    """`${DB_PASSWORD:-…}`: the name is a placeholder, the default a value."""
    text = scan.text
    for match in _SHELL_DEFAULT.finditer(text):
        category = classify(match.group(1))
        start, end = _unquoted(text, *match.span(2))
        if value_is_secret(category, text[start:end]):
            yield Hit(start, end, TAG_BY_CATEGORY[category])


def _arguments(text: str, position: int, limit: int) -> list[tuple[int, int]]:
    """The words of a command from `position` to its end (`|`, `;`, `&&`,
    a backquote, a `#` comment, a redirection, the line's end); quotes and
    escapes are kept in a word."""
    words = []
    index = position
    while index < limit:
        char = text[index]
        if char in " \t\r":
            index += 1
            continue
        if char in _COMMAND_END or char == "#":  # a shell comment ends the command too
            break
        start = index
        while index < limit and text[index] not in " \t\r" and text[index] not in _COMMAND_END:
            if text[index] in QUOTES:
                close = text.find(text[index], index + 1, limit)
                index = close + 1 if close > 0 else limit
            else:
                index += 2 if text[index] == "\\" else 1
        if _REDIRECTION.match(text, start, min(index, limit)):
            break  # `>> /etc/nginx/.htpasswd`: what follows is where output goes, not an argument
        words.append((start, min(index, limit)))
    return words


def _unquoted(text: str, start: int, end: int) -> tuple[int, int]:
    if end - start >= 2 and text[start] in QUOTES and text[end - 1] == text[start]:
        return start + 1, end - 1
    return start, end


def _secret_value(text: str, start: int, end: int, tag: str = "PASSWORD", taken: bool = False) -> Iterator[Hit]:
    """The value at text[start:end], quotes off, unless it is a variable, a
    placeholder or — where the value is not `taken` by an option that must
    have one (getopt's rule) — the next option."""
    start, end = _unquoted(text, start, end)
    value = text[start:end]
    if not value or (not taken and _is_option(value)) or VARIABLE.match(value) or is_placeholder(value) or \
            is_plain(value) or "REDACTED_" in value:
        return
    yield Hit(start, end, tag)


def _is_option(word: str) -> bool:
    """`-v`, `--verbose`, `-apr1`: an option, not a value (`-3!F^…` is one,
    and so is a long mixed-case word with digits such as `-dzANwnGCn6Za`:
    no tool spells an option like that, a generated password often starts so)."""
    if not _OPTION.fullmatch(word):
        return False
    body = word[1:]
    return not (len(body) >= 10 and "-" not in body and "=" not in body and
                any(char.isupper() for char in body) and any(char.islower() for char in body) and
                any(char.isdigit() for char in body))


def _options(text: str, arguments: list[tuple[int, int]], tool: Tool) -> Iterator[Hit]:
    for index, (start, end) in enumerate(arguments):
        word = text[start:end]
        following = arguments[index + 1] if index + 1 < len(arguments) else None
        if word.startswith("--"):
            name, equals, _ = word[2:].partition("=")
            mode = tool.long.get(name)
            if mode and (equals or following):
                yield from _by_mode(text, *((start + 3 + len(name), end) if equals else following), mode)
        elif word.startswith("-") and len(word) >= 2:
            yield from _short_option(text, word, start, end, following, tool)


def _short_option(text: str, word: str, start: int, end: int, following: tuple[int, int] | None,
                  tool: Tool) -> Iterator[Hit]:
    """`-a VALUE`, `-pVALUE`, `-sSu user:pass` (a cluster ending in the
    option), `-passin pass:VALUE`, `-storepass VALUE`."""
    name = word[1:]
    mode = tool.short.get(name) if len(name) > 1 else None
    if mode is None and tool.single_dash_long and len(name) > 3 and name.isalpha():
        category = classify(name)
        if category in _STRONG or name.endswith("pass"):  # -storepass, -keypass
            if following:
                yield from _pass_prefixed(text, *following, TAG_BY_CATEGORY[category] if category in _STRONG
                                          else "PASSWORD")
            return
    if mode is not None:
        if following:
            yield from _by_mode(text, *following, mode)
        return
    if tool.single_dash_long and len(name) > 1:
        return  # `-keyout` is not `-k eyout`
    first = tool.short.get(name[0])
    if first is not None:
        if len(name) > 1:
            yield from _by_mode(text, start + 2, end, first)
        elif first != ATTACHED and following:
            yield from _by_mode(text, *following, first)
        return
    last = tool.short.get(name[-1])
    if last not in (None, ATTACHED) and len(name) <= 5 and name.isalpha() and following:
        yield from _by_mode(text, *following, last)


def _by_mode(text: str, start: int, end: int, mode: str) -> Iterator[Hit]:
    start, end = _unquoted(text, start, end)
    if mode in (NEXT, ATTACHED):
        yield from _pass_prefixed(text, start, end, "PASSWORD")
    elif mode == COOKIE:
        yield from value_hits(text, start, end, COOKIE_HEADER)
    else:
        separator = {USER_COLON: ":", USER_PERCENT: "%", USER_COMMA: ","}[mode]
        cut = text.find(separator, start, end)
        if cut >= 0:
            yield from _secret_value(text, cut + 1, end, taken=True)


def _pass_prefixed(text: str, start: int, end: int, tag: str) -> Iterator[Hit]:
    """openssl's `pass:SECRET` (not `env:NAME`, `file:PATH`, `fd:N`, `stdin`)."""
    start, end = _unquoted(text, start, end)
    if text.startswith("pass:", start):
        start += 5
    elif text.startswith(("env:", "file:", "fd:", "stdin"), start):
        return
    yield from _secret_value(text, start, end, tag, taken=True)


def _positional(text: str, arguments: list[tuple[int, int]], reader: str) -> Iterator[Hit]:
    words = [text[start:end] for start, end in arguments]
    if reader == "htpasswd":
        flags = "".join(word[1:] for word in words[:_first_positional(words)] if _is_option(word))
        if "b" not in flags:
            return
        plain = [span for span, word in zip(arguments, words, strict=True) if not _is_option(word)
                 and not word.isdigit()]
        wanted = 1 if "n" in flags else 2
        if len(plain) > wanted:
            yield from _secret_value(text, *plain[wanted])
    elif reader == "passwd":
        if "passwd" not in words:
            return
        rest = arguments[words.index("passwd") + 1:]
        skip = False
        for start, end in rest:
            word = text[start:end]
            if skip:
                skip = False
            elif word in ("-salt", "-in"):
                skip = True
            elif not _is_option(word):
                yield from _secret_value(text, start, end)
    elif reader == "user/pass@db":
        if arguments:
            start, end = _unquoted(text, *arguments[0])
            slash = text.find("/", start, end)
            at = text.rfind("@", slash + 1, end) if slash >= 0 else -1
            if slash > start and not text.startswith("/", start):
                yield from _secret_value(text, slash + 1, at if at >= 0 else end)
    elif reader == "rabbitmqctl":
        for index, word in enumerate(words[:-2]):
            if word in ("add_user", "change_password"):
                yield from _secret_value(text, *arguments[index + 2])
    elif reader == "mc":
        plain = [word for word in words if not _is_option(word)]
        if plain[:2] in (["alias", "set"], ["config", "host"]) and len(plain) >= 5 + (plain[0] == "config"):
            yield from _secret_value(text, *arguments[words.index(plain[-1])], "SECRET")
    elif reader == "vault":
        if "login" in words:
            for start, end in arguments[words.index("login") + 1:]:
                if not _is_option(text[start:end]) and "=" not in text[start:end]:
                    yield from _secret_value(text, start, end, "AUTH_TOKEN")


def _first_positional(words: list[str]) -> int:
    """Where the options end (`htpasswd -B -C 12 -b FILE…`: at FILE)."""
    index = 0
    while index < len(words) and (_is_option(words[index]) or words[index].isdigit()):
        index += 1
    return index


def _long_options(text: str) -> Iterator[Hit]:
    """`--password=…`, `--token …`, `--client-secret …`, in any command."""
    position = text.find("--")
    while position >= 0:
        match = _LONG_OPTION.match(text, position)
        if match:
            category = classify(match.group(1))
            if category in _STRONG or category == WEAK:
                start = match.end()
                end = start
                limit = line_end(text, start)
                if end < limit and text[end] in QUOTES:
                    close = text.find(text[end], end + 1, limit)
                    end = close + 1 if close > 0 else limit
                else:
                    while end < limit and not text[end].isspace() and text[end] not in "|;&`":
                        end += 1
                value_start, value_end = _unquoted(text, start, end)
                value = text[value_start:value_end]
                if category != WEAK or looks_secret(value):
                    yield from _secret_value(text, start, end, TAG_BY_CATEGORY[category])
        position = text.find("--", position + 2)


def _config_set(text: str, lower: str) -> Iterator[Hit]:
    """`aws configure set aws_secret_access_key …`, `redis-cli CONFIG SET
    requirepass …`: a setting named for a secret, and its value."""
    for match in _CONFIG_SET.finditer(lower):
        if match.start() and text[match.start() - 1] in NAME_CHARS:
            continue
        arguments = _arguments(text, match.end(), line_end(text, match.end()))
        if len(arguments) >= 2:
            category = classify(text[slice(*arguments[0])])
            if category in _STRONG:
                yield from _secret_value(text, *arguments[1], TAG_BY_CATEGORY[category])


def _echoed_into_stdin(text: str) -> Iterator[Hit]:
    """`echo 'PASS' | docker login --password-stdin`, `echo 'user:PASS' |
    chpasswd`, `printf '%s' PASS | sudo -S …`, `sudo -S <<< PASS`: read on
    the lines that have such a sink."""
    done = -1
    for sink in _STDIN_SINKS.finditer(text):
        start, limit = line_start(text, sink.start()), line_end(text, sink.start())
        if start == done:
            continue
        done = start
        here = _HERE_STRING.search(text, start, limit)
        if here:
            arguments = _arguments(text, here.end(), limit)
            if arguments:
                yield from _secret_value(text, *arguments[0])
        for echo in _ECHO.finditer(text, start, limit):
            if echo.start() and text[echo.start() - 1] in NAME_CHARS:
                continue
            pipe = text.find("|", echo.end(), limit)
            if pipe < 0:
                continue
            arguments = _arguments(text, echo.end(), pipe)
            if text.startswith("printf", echo.start()) and len(arguments) > 1:
                arguments = arguments[1:]
            for value_start, value_end in arguments:
                value_start, value_end = _unquoted(text, value_start, value_end)
                if "chpasswd" in text[pipe:limit] and ":" in text[value_start:value_end]:
                    value_start = text.index(":", value_start, value_end) + 1
                yield from _secret_value(text, value_start, value_end)
