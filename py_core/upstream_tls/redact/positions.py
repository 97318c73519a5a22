"""Secrets recognisable by where they sit: the value of a header or
parameter (proxy_set_header, add_header, more_set_headers, fastcgi_param,
uwsgi_param, set, map, if, `name=value` and `Name: value` anywhere), nginx's
own secret-bearing directives, and pasted secret files.

What a value's name says decides how much of it goes: an Authorization value
loses its credential and keeps its scheme, a password loses every literal
character, a name that says nothing keeps everything that does not look
random. Variables always stay: they are not secrets, and the LLM needs them.
"""
from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator

from .names import (
    API_KEY,
    AUTHORIZATION,
    COOKIE_HEADER,
    NONE,
    PASSWORD,
    SECRET,
    SESSION_COOKIE,
    TAG_BY_CATEGORY,
    TOKEN,
    WEAK,
    classify,
    session_cookie_name,
    value_is_secret,
)
from .prose import free_value
from .text import (
    NAME_CHARS,
    QUOTES,
    Hit,
    Scan,
    alternation,
    closing_quote,
    context_at,
    line_end,
    line_start,
    literal_spans,
    runs,
    statement_start,
)
from .values import is_plain, looks_random, looks_secret

_QUOTED_OR_WORD = (r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|[^\s;{}\"'#][^\s;{}\"']*")
_HEADER_DIRECTIVES = frozenset({"proxy_set_header", "grpc_set_header", "add_header", "add_trailer",
                                "fastcgi_param", "uwsgi_param", "scgi_param", "auth_http_header", "set", "js_var",
                                "passenger_env_var", "passenger_set_header"})
_HEADER_DIRECTIVE_TAIL = re.compile(r"(?:_set_header|add_header|add_trailer|_param|auth_http_header|set|js_var"
                                    r"|_env_var)[ \t]+")
_NAME_AND_VALUE = re.compile(rf"({_QUOTED_OR_WORD})\s+({_QUOTED_OR_WORD})")
_ONE_ARGUMENT = re.compile(rf"\s+({_QUOTED_OR_WORD})")
_SAME_LINE_ARGUMENT = re.compile(rf"[ \t]+({_QUOTED_OR_WORD})")
_KEYWORD = re.compile(alternation("pass pw secret token key auth cookie sess cred sig salt hmac nonce jwt bearer basic "
                                  "code pin otp hash sid".split()))
_SEPARATOR = re.compile(r"(?:\\?[\"'])?\]?[ \t]*(?:[:=]>?|(?<=[\"'])[ \t]*,)[ \t]*")
_SCHEME = re.compile(r"[ \t]*([A-Za-z][A-Za-z0-9_-]*)[ \t]+(?=[^\s\"'])")
_SCHEME_TAGS = {"bearer": "BEARER", "basic": "BASIC_AUTH", "digest": "DIGEST_AUTH"}
_SCHEMES = frozenset({"bearer", "basic", "digest", "token", "negotiate", "ntlm", "hoba", "mutual", "apikey"})
_CREDENTIAL = re.compile(r"[A-Za-z0-9._~+/=-]+")
_COOKIE_PAIR = re.compile(r"([^\s=;,\"']+)=([^;,\"'\s]*)")
_COOKIE_ATTRIBUTES = frozenset({"path", "domain", "expires", "max-age", "samesite", "secure", "httponly",
                                "priority", "partitioned", "version", "comment"})
_VALUE_STOPS = frozenset(" \t\r\n\"'`;&,<>(){}[]|\\")
_IF = re.compile(r"if[ \t]*\(")
_IF_CONDITION = re.compile(r"[ \t]*(\$\{?[A-Za-z0-9_]+\}?)[ \t]*(!?~\*?|!?=)[ \t]*"
                           r"(\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|[^\s)\"'](?:[^\n)]|\)(?=[^\n{]*\)))*)")
_MAP = re.compile(r"map\s")
_NOT_BEFORE_MAP = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_$.-")
_MAP_HEADER = re.compile(r"map\s+(\"[^\"]*\"|'[^']*'|[^\s{;]+)\s+(\$[A-Za-z0-9_]+)\s*\{")
_MAP_TOKEN = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|#[^\n]*|[;}]|[^\s;}\"'#][^\s;}\"']*")
_MAP_SPECIAL_KEYS = frozenset({"default", "hostnames", "volatile", "include"})
_VARIABLE_NAME = re.compile(r"\$\{?([A-Za-z0-9_]+)")
# Directive -> (tag, category whose rule decides the value): a ticket key is
# normally a path, so only random-looking inline material counts.
_SECRET_DIRECTIVES = {"secure_link_secret": ("NGINX_SECRET", PASSWORD), "auth_jwt_key": ("NGINX_SECRET", PASSWORD),
                      "ssl_session_ticket_key": ("KEY_MATERIAL", NONE), "binddn_passwd": ("PASSWORD", PASSWORD)}
_STRONG = (PASSWORD, API_KEY, TOKEN, SECRET)
_BARE_SCHEMES = frozenset({"bearer", "basic", "token"})
_SCHEMES_AND_SECRET_DIRECTIVES = _BARE_SCHEMES | set(_SECRET_DIRECTIVES)
# A host (after any user:password@) in a URL: `http://token_service:8080/`
# names a server and its port, not a token and its value.
_URL_HOST_BEFORE = re.compile(r"://(?:[^\s/@\"']*@)?[\w.-]*$")
_FILE_MARKER = re.compile(r"==> (.+?) <==[ \t]*\r?$", re.M)
_SECRET_FILE = re.compile(r"(?i)passw|htpasswd|\.pass$|secret|ticket[^/]*\.key$|\.psk$|credentials")


def value_hits(text: str, start: int, end: int, category: str, regex: bool = False) -> list[Hit]:
    """What to redact of the value text[start:end], found where `category`
    says what it holds; `regex` when the value is a pattern (if ~, map ~)."""
    if category == AUTHORIZATION:
        return _authorization(text, start, end, regex)
    if category == COOKIE_HEADER:
        return _cookies(text, start, end)
    tag = TAG_BY_CATEGORY[category]
    if regex or category == NONE:
        spans = runs(text, start, end, regex)
    else:
        spans = literal_spans(text, start, end)
    return [Hit(*span, tag) for span in spans if value_is_secret(category, text[span[0]:span[1]], regex)]


def _authorization(text: str, start: int, end: int, regex: bool) -> list[Hit]:
    """The credential, not the scheme: `Bearer REDACTED_BEARER_1`."""
    if regex:
        lowered = text[start:end].lower()
        tag = next((tag for scheme, tag in _SCHEME_TAGS.items() if scheme in lowered), "AUTH_TOKEN")
        return [Hit(*span, tag) for span in runs(text, start, end, True)
                if text[span[0]:span[1]].lower() not in _SCHEMES and not is_plain(text[span[0]:span[1]])]
    scheme = _SCHEME.match(text, start, end)
    tag = "AUTH_TOKEN"
    if scheme:
        tag = _SCHEME_TAGS.get(scheme.group(1).lower(), "AUTH_TOKEN")
        start = scheme.end()
    return [Hit(*span, tag) for span in literal_spans(text, start, end, 1) if not is_plain(text[span[0]:span[1]])]


def _cookies(text: str, start: int, end: int) -> list[Hit]:
    """Cookie and Set-Cookie values: session cookies go, preferences stay."""
    hits = []
    for pair in _COOKIE_PAIR.finditer(text, start, end):
        name, value = pair.group(1), pair.group(2)
        if name.lower() in _COOKIE_ATTRIBUTES or not value or "$" in value:
            continue
        if session_cookie_name(name) and not is_plain(value):
            hits.append(Hit(pair.start(2), pair.end(2), "SESSION_COOKIE"))
        elif looks_random(value):
            hits.append(Hit(pair.start(2), pair.end(2), "HIGH_ENTROPY"))
    return hits


def _inside(text: str, start: int, end: int) -> tuple[int, int]:
    """The content of a quoted token, or the token itself."""
    if end - start >= 2 and text[start] in QUOTES and text[end - 1] == text[start]:
        return start + 1, end - 1
    return start, end


def header_directives(scan: Scan) -> Iterator[Hit]:
    """`proxy_set_header NAME VALUE` and its kin (`fastcgi_param`,
    `passenger_env_var`…), `set $NAME VALUE`, wherever they are written
    (commented out, quoted in a log or an error message): the name decides
    what the value loses."""
    text = scan.text
    for match in _HEADER_DIRECTIVE_TAIL.finditer(text):
        word_start = match.start()
        while word_start > 0 and text[word_start - 1] in NAME_CHARS:
            word_start -= 1
        directive = text[word_start:match.end()].rstrip()
        if directive not in _HEADER_DIRECTIVES:
            continue
        arguments = _NAME_AND_VALUE.match(text, match.end())
        if arguments is None:
            continue
        name = text[slice(*_inside(text, *arguments.span(1)))]
        if directive in ("set", "js_var") and not name.startswith("$"):
            continue
        yield from value_hits(text, *_inside(text, *arguments.span(2)), classify(name))


def named_values(scan: Scan) -> Iterator[Hit]:
    """Every name that hints at a secret, wherever it is: `name=value` and
    `Name: value` (query strings, env, JSON, Lua, logs, comments), secret
    directives (`secure_link_secret …`), and a bare `Bearer …`/`Basic …`."""
    text, lower = scan.text, scan.lower
    covered = -1
    for match in _KEYWORD.finditer(lower):
        if match.start() < covered:
            continue
        start, end = match.start(), match.end()
        while start > 0 and text[start - 1] in NAME_CHARS:
            start -= 1
        while end < len(text) and text[end] in NAME_CHARS:
            end += 1
        covered = end
        if start > 0 and text[start - 1] in "${":
            continue  # a variable: set, if and map have their own detectors
        if _URL_HOST_BEFORE.search(text, line_start(text, start), start) and text.startswith(":", end):
            continue
        if text.endswith("zone=", 0, start):
            continue  # `zone=api_key_limit:10m` names a shared memory zone
        if text.rfind("pkcs11:", line_start(text, start), start) >= 0 and scan.lower.startswith("token=", start):
            continue  # a PKCS#11 URI's token= names the token (its pin-value= is the secret)
        name = text[start:end]
        lowered, category = name.lower(), classify(name)
        if (category != NONE or lowered in _SCHEMES_AND_SECRET_DIRECTIVES) and "redacted_" not in lowered:
            yield from _named_value(text, start, end, lowered, category)


def _named_value(text: str, start: int, end: int, lowered: str, category: str) -> Iterator[Hit]:
    directive_tag, directive_category = _SECRET_DIRECTIVES.get(lowered, (None, category))
    separator = _SEPARATOR.match(text, end)
    if separator and category != NONE and not text.startswith("//", separator.end()):
        span = _value_after(text, start, separator, category)
        if span:
            yield from value_hits(text, *span, category)
        return
    if lowered in _BARE_SCHEMES:
        yield from _bare_credential(text, end, lowered)
        return
    header_name = "-" in lowered and "_" not in lowered  # `# X-Auth-Token abc…`, a header pasted without its colon
    if (directive_tag or (category in _STRONG and ("_" in lowered or header_name))) and statement_start(text, start):
        # nginx's own directives may put their value on the next line; a name in a comment may not
        argument = (_ONE_ARGUMENT if directive_tag else _SAME_LINE_ARGUMENT).match(text, end)
        if argument:
            span = _inside(text, *argument.span(1))
            if header_name and not looks_secret(text[slice(*span)]):
                return  # `# X-Auth-Token header is required`
            for hit in value_hits(text, *span, directive_category):
                yield Hit(hit.start, hit.end, directive_tag or hit.tag)


def _value_after(text: str, name_start: int, separator: re.Match, category: str) -> tuple[int, int] | None:
    """The span of the value after `separator`: a quoted string's content; an
    Authorization or Cookie value up to the end of the quoted string or line
    it sits in; a password or token written as free text (in a comment, or
    `Name: value`, `name = value`) as prose.free_value reads it; otherwise
    one token."""
    position = separator.end()
    if position >= len(text):
        return None
    char = text[position]
    escaped = char == "\\" and position + 1 < len(text) and text[position + 1] in QUOTES
    if char in QUOTES or escaped:
        quote = text[position + 1] if escaped else char
        start = position + (2 if escaped else 1)
        limit = line_end(text, start)
        if escaped:
            close = text.find("\\" + quote, start, limit)
            return start, close if close >= 0 else limit
        close = closing_quote(text, start, quote, limit)
        # unless the separator closed it (`"X-Api-Key", "…"`), the string the name is in
        enclosing = None if separator.group().lstrip("\\")[:1] in QUOTES else context_at(text, name_start)[0]
        if enclosing == quote or (enclosing and close == limit):
            return None  # `"Bearer TOKEN="`: the quote closes the string the name is in, the value is empty
        return start, close
    limit = line_end(text, position)
    if char == "{" and separator.group() == "=":  # ODBC: PWD={…};
        close = text.find("}", position, limit)
        if close > position + 1 and not any(char in "{\"'" for char in text[position + 1:close]):
            return position + 1, close
        return None
    if category in (AUTHORIZATION, COOKIE_HEADER):
        quote, _ = context_at(text, name_start)
        if quote:
            return position, closing_quote(text, position, quote, limit)
        if category == AUTHORIZATION:
            return _scheme_and_token(text, position, limit)
        return position, limit
    if category in _STRONG and separator.group() != "=":  # not a shell or query `name=value`
        quote, comment = context_at(text, name_start)
        if not quote and (comment or ":" in separator.group()):  # `# password: correct horse battery staple`
            return free_value(text, position, limit)
    end = position
    while end < limit and text[end] not in _VALUE_STOPS and not text[end].isspace():
        end += 1
    if end == position or text.startswith("(", end):  # nothing, or a function call in Lua
        return None
    return position, end


def _scheme_and_token(text: str, position: int, limit: int) -> tuple[int, int]:
    """An unquoted `Bearer abc` in a comment or log: the scheme and one
    token; a Digest header's parameters run to the end of the line."""
    scheme = _SCHEME.match(text, position, limit)
    if scheme and scheme.group(1).lower() == "digest":
        return position, limit
    token_start = scheme.end() if scheme else position
    end = token_start
    while end < limit and text[end] not in " \t\r\"';":
        end += 1
    return position, end


def _bare_credential(text: str, end: int, scheme: str) -> Iterator[Hit]:
    """`Bearer x` / `Basic x` / `token x` with no header name in sight:
    only a credential-shaped word counts (a Basic one must decode to
    user:password)."""
    position = end
    while position < len(text) and text[position] in " \t":
        position += 1
    if position == end:
        return
    match = _CREDENTIAL.match(text, position)
    if match is None:
        return
    credential = match.group()
    if scheme == "basic":
        if len(credential) >= 8 and _decodes_to_user_password(credential):
            yield Hit(match.start(), match.end(), "BASIC_AUTH")
    elif len(credential) >= 16 and any(char.isdigit() for char in credential) and \
            any(char.isalpha() for char in credential):
        yield Hit(match.start(), match.end(), "BEARER" if scheme == "bearer" else "AUTH_TOKEN")


def _decodes_to_user_password(credential: str) -> bool:
    try:
        decoded = base64.b64decode(credential + "=" * (-len(credential) % 4), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return False
    return ":" in decoded and decoded.isprintable()


def if_conditions(scan: Scan) -> Iterator[Hit]:
    """`if ($http_x_api_key != "…")`, `if ($http_authorization ~ "^Bearer …$")`."""
    text = scan.text
    for match in _IF.finditer(text):
        if match.start() and text[match.start() - 1] in NAME_CHARS:
            continue
        condition = _IF_CONDITION.match(text, match.end())
        if condition is None:
            continue
        start, end = _inside(text, *condition.span(3))
        end = len(text[start:end].rstrip()) + start
        yield from value_hits(text, start, end, classify(condition.group(1)), regex="~" in condition.group(2))


def map_blocks(scan: Scan) -> Iterator[Hit]:
    """`map SOURCE $TARGET { KEY VALUE; … }`: keys are secrets when the source
    is (an API-key header mapped to client names), values when the target is."""
    text = scan.text
    for match in _MAP.finditer(text):
        if match.start() and text[match.start() - 1] in _NOT_BEFORE_MAP:
            continue
        header = _MAP_HEADER.match(text, match.start())
        if header is None:
            continue
        source = _strongest(_VARIABLE_NAME.findall(header.group(1)))
        target = classify(header.group(2))
        entry: list[tuple[int, int]] = []
        for token in _MAP_TOKEN.finditer(text, header.end()):
            value = token.group()
            if value[0] == "#":
                continue
            if value in (";", "}"):
                yield from _map_entry(text, entry, source, target)
                entry = []
                if value == "}":
                    break
                continue
            entry.append(token.span())


def _strongest(names: list[str]) -> str:
    categories = [classify(name) for name in names]
    for category in (AUTHORIZATION, COOKIE_HEADER, SESSION_COOKIE, PASSWORD, API_KEY, TOKEN, SECRET, WEAK):
        if category in categories:
            return category
    return NONE


def _map_entry(text: str, entry: list[tuple[int, int]], source: str, target: str) -> Iterator[Hit]:
    if not entry:
        return
    key_start, key_end = _inside(text, *entry[0])
    if text[key_start:key_end] not in _MAP_SPECIAL_KEYS:
        regex = text.startswith("~", key_start)
        yield from value_hits(text, key_start + regex, key_end, source, regex)
    for value in entry[1:2]:
        yield from value_hits(text, *_inside(text, *value), target)


def secure_link(scan: Scan) -> Iterator[Hit]:
    """The secret inside `secure_link_md5 "$secure_link_expires$uri SECRET"`:
    every literal stretch of the expression."""
    text = scan.text
    position = text.find("secure_link_md5")
    while position >= 0:
        argument = _ONE_ARGUMENT.match(text, position + len("secure_link_md5"))
        if argument and statement_start(text, position):
            for span in literal_spans(text, *_inside(text, *argument.span(1))):
                yield Hit(*span, "NGINX_SECRET")
        position = text.find("secure_link_md5", position + 1)


def secret_files(scan: Scan) -> Iterator[Hit]:
    """A password or key file pasted along behind a `tail`/`head` header
    (==> FILE <==): every line of it goes. (nginx -T dumps only config files,
    which are read as configs.)"""
    text = scan.text
    markers = list(_FILE_MARKER.finditer(text))
    for index, marker in enumerate(markers):
        path = marker.group(1)
        if path.endswith(".conf") or not _SECRET_FILE.search(path):
            continue
        end = markers[index + 1].start() if index + 1 < len(markers) else len(text)
        position = marker.end() + 1
        while position < end:
            stop = min(line_end(text, position), end)
            content = text[position:stop].rstrip("\r")
            if content.strip():
                yield Hit(position, position + len(content), "SECRET_FILE")
            position = stop + 1
