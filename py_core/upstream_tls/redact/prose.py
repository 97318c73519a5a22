"""Credentials written as prose, in comments, notes and pasted text: a
label in one of many languages, maybe a connector, then the value —
`# password: …`, `# SMTP relay pass …`, `# the root password for db01 is …`,
`# Passwort: …`, `# mot de passe : …`, `# 密码：…`.

Prose is full of the same words used as words (`# pass the token on`,
`# password support bug, fixed in d791b4a`), so what may follow decides:
after an explicit connector (`:`, `=`, `is`, `ist`, `est`, `是`…) anything
but a prose word, a path or a placeholder; with none, only a value shaped
like a credential. A passphrase of plain words (`correct horse battery
staple`) is taken whole when it runs to the end of its clause.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from .names import API_KEY, PASSWORD, SECRET, TAG_BY_CATEGORY, TOKEN, WEAK, classify
from .text import QUOTES, VARIABLE, Hit, Scan, alternation, context_at, line_end
from .values import character_classes, is_path, is_placeholder, is_plain, looks_random, looks_secret

PAIR = "pair"  # a label for a user and a password together
# Label -> category, lower case. Weak labels (`key`, `auth`) want a value
# shaped like a credential even after a connector.
_LABELS = {
    PASSWORD: """password passwords passwd passphrase pass-phrase passcode pwd pword pw kennwort kennworts passwort
                 passwörter contraseña contraseñas contrasena senha senhas palavra-passe mdp wachtwoord hasło hasła
                 haslo hasla heslo hesla lösenord lösenordet losenord losenordet salasana salasanan jelszó jelszo
                 passord passordet adgangskode adgangskoden пароль пароля паролем şifre şifresi sifre sifresi parola
                 parolası parolasi κωδικός סיסמה requirepass masterauth pass pin""".split()
              + ["pass phrase", "mot de passe", "mật khẩu", "kata sandi"],
    SECRET: """secret geheimnis secreto segredo секрет psk""".split()
            + [f"{kind} secret" for kind in ("client", "shared", "app", "signing", "webhook")]
            + ["secret key", "client secret key", "pre-shared key", "clé secrète"],
    TOKEN: ["token", "tokens", "токен", "jeton"]
           + [f"{kind} token" for kind in ("access", "api", "auth", "bearer", "refresh", "deploy", "bot",
                                             "personal access")],
    API_KEY: """apikey api-key api_key api-keys api_keys api-schlüssel""".split()
             + ["api key", "api keys", "clé api", "clave api", "chave api", "ключ api"],
    WEAK: """key keys auth schlüssel clé clave chave llave ключ""".split() + ["license key", "licence key"],
    # `creds: admin / …`, `login: admin:…`
    PAIR: """creds credentials credenciales credenciais zugangsdaten identifiants login logins user/pass
               username/password user:pass""".split(),
}
_CJK_LABELS = {PASSWORD: ["密码", "密碼", "口令", "パスワード", "비밀번호"],
               SECRET: ["密钥", "秘钥", "シークレット", "시크릿"], TOKEN: ["令牌", "トークン", "토큰"]}
_CATEGORY = {label: category for labels in (_LABELS, _CJK_LABELS) for category, words in labels.items()
             for label in words}
_ACCOUNTS = "root admin administrator sa postgres ubuntu pi guest deploy ops".split()
# A label is a word of its own: not part of `proxy_pass`, `$token`,
# `/password/reset`, `x-api-key`, `api-key-id`; CJK has no spaces to mark words. The same
# pass finds a well-known account and its password with no label at all
# (`root/…`, `admin:…`).
_LABEL = re.compile(r"\b(?<![$/.@<-])(?:" + alternation(label for words in _LABELS.values() for label in words)
                    + r"(?![\w-])|(?P<account>" + alternation(_ACCOUNTS) + r")[:/](?=[^\s/]))")
_CJK_LABEL = re.compile(alternation(label for words in _CJK_LABELS.values() for label in words))
_NOT_BEFORE_LABEL = frozenset("$/.@-<")  # `$token`, `x-api-key`, `<password>` (an XML element: read below)
# Words that are labels only sometimes (`token refresh`, `pin the version`):
# without `:` or `=` after them the value must look like a credential. (`pass`
# is a verb too, but a verb's object is a word, not letters and digits.)
_AMBIGUOUS = frozenset({"parola", "pin", "token", "tokens"})

_VERBS = (r"is|was|are|ist|war|lautet|est|es|é|è|är|er|on|jest|je|now|still|currently|set to|changed to"
          r"|reset to")
_CJK_VERBS = "是|为|為|は|는|은|이|가"
_SYMBOL = r"[:：=]+>?|->|→|[-–—]+(?=[ \t])"
_QUALIFIER = re.compile(
    r"[ \t]+(?:for|of|on|at|für|pour|para|per|voor|dla|для|на|от|di|de|del|della|da|do|dos|das|du|des|van|von|vom"
    r"|k|ke|till|för|af|al|til)(?:[ \t]+[^\s:=：\"'`()]{1,30}){1,3}?"
    rf"(?=[ \t]*(?:{_SYMBOL}|(?:{_VERBS})\b))")
_CONNECTOR = re.compile(
    r"[\])>*_]*[ \t]*(?:\([^()\n]{0,30}\)[ \t]*)?"               # [password], **password**, password (prod)
    rf"(?P<symbol>{_SYMBOL})?[*_]*[ \t]*"
    rf"(?P<verb>(?:(?:{_VERBS}|{_CJK_VERBS})(?:[ \t]+|(?<=[{_CJK_VERBS.replace('|', '')}])))+)?[ \t]*")
_PAIR = re.compile(r"([^\s/:,]{1,40})(?P<tight>[/:])?(?(tight)|[ \t]*[/,][ \t]*)(?=\S)")
# `<password>…</password>`, `<apiKey>…</apiKey>`: XML pasted along.
_XML_ELEMENT = re.compile(r"<([A-Za-z_][\w.-]{0,40})>([^<>\n]{1,200})</\1>")
_STRONG = (PASSWORD, SECRET, TOKEN, API_KEY)
# Words between a label and its `:` that are not a qualifier with a
# preposition (`пароль администратора: …`, `password root: …`).
_MODIFIERS = re.compile(r"(?:[ \t]+[^\s:=：\"'`()]{1,30}){1,2}?(?=[ \t]*[:：](?:[ \t]|$))")
_LIST_ITEM = re.compile(r"[ \t]*(?:,|and|&|/)[ \t]*([^\s,]+)")
_OPENING = {'"': '"', "'": "'", "`": "`", "“": "”", "‘": "’", "«": "»", "「": "」", "『": "』"}
_TRAILING = ".,;:"
# Words that follow a label as prose, not as its value.
_PROSE_WORDS = frozenset("""
a an the this that these those your our my their its his her same other new old default empty none not no unset
is was are be been being will would should must can could may might shall do does did don't doesn't
in on at by for from of to via with without into onto per as and or but if when while until since after before
see ask use used uses using stored kept saved managed set provided defined configured read loaded taken injected
mounted generated rotated rotate rotates expires expired changed change reset removed redacted masked hidden
required optional needed missing wrong invalid bad weak strong protected hashed encrypted encoded sent passed
here there below above later elsewhere only also too just still now then env environment file files vault secret
secrets store manager k8s kubernetes 1password keepass bitwarden lastpass support supported authentication auth
login request requests response header headers value values field fields variable variables parameter policy
length format flow refresh exchange endpoint server client user users access which what who where how why
enabled disabled never always auto manual siehe voir ver vedi zie смотри см
base64 hex sha1 sha256 sha512 md5 bcrypt argon2 scrypt pbkdf2 plaintext cleartext utf8 utf-8 ascii json yaml
""".split())
# A duration or a size (`3600s`, `24h`, `512kb`), not a value (a PIN is digits alone).
_QUANTITY = re.compile(r"[0-9]+(?:ms|s|m|h|d|w|y|k|kb|mb|gb|bits?|bytes?)")
_DOTTED_NAME = re.compile(r"[\w-]+(?:\.[\w-]+)+")  # a host, a file, a version
_CLAUSE_BREAK = re.compile(r"\s{2,}|\s[(\[]|\s[-–—|]+\s|[,;]\s|\s#|\s//|\s/\*|\.(?:\s|$)")


def prose_credentials(scan: Scan) -> Iterator[Hit]:
    """Labelled values in free text, account/password pairs and XML elements
    named for a secret."""
    text = scan.text
    lowered = scan.lower if text.isascii() else text.lower()
    if len(lowered) != len(text):  # a rare character whose lower case is longer: keep the offsets
        lowered = scan.lower
    labels = list(_LABEL.finditer(lowered))
    if not text.isascii():
        labels += _CJK_LABEL.finditer(lowered)
    for label in labels:
        if label.re is _CJK_LABEL and label.start() and text[label.start() - 1] in _NOT_BEFORE_LABEL:
            continue
        if label.re is _LABEL and label.group("account"):
            hit = _account_password(text, label)
        else:
            hit = _labelled(text, lowered, label)
        if hit:
            yield hit
    for match in _XML_ELEMENT.finditer(text):
        category = classify(match.group(1))
        if category in _STRONG and _acceptable(match.group(2), True, False):
            yield Hit(*match.span(2), TAG_BY_CATEGORY[category])


def _account_password(text: str, match: re.Match) -> Hit | None:
    """`root/…`, `admin:…`: a well-known account, then what looks like its
    password."""
    if (match.start() and text[match.start() - 1] == ":") or _closes_string(text, match.start(), match.end()):
        return None  # `user:root:…`, a passwd line
    span = free_value(text, match.end(), line_end(text, match.end()), ambiguous=True)
    return Hit(*span, "PASSWORD") if span else None


def _labelled(text: str, lowered: str, label: re.Match) -> Hit | None:
    """The value after a label, read through its qualifier (`for the relay`)
    or modifiers (`администратора`) and connector (`:`, `is`, `是`), which
    are matched in the lower-cased text (same offsets)."""
    category = _CATEGORY[label.group()]
    cjk = label.re is _CJK_LABEL
    position, modified = label.end(), False
    qualifier = _QUALIFIER.match(lowered, position)
    if qualifier:
        position = qualifier.end()
    elif category != PAIR and not _CONNECTOR.match(lowered, position).group("symbol"):
        modifiers = _MODIFIERS.match(lowered, position)
        if modifiers:
            position, modified = modifiers.end(), True
    connector = _CONNECTOR.match(lowered, position)
    if connector.end() == label.end() and not cjk:
        return None  # `password.txt`, `token;`: no value follows
    symbol, verb = connector.group("symbol"), connector.group("verb")
    if symbol == "=" and connector.group() == "=":
        return None  # `password=…` is an assignment: positions.named_values reads those
    ambiguous = category == WEAK or (label.group() in _AMBIGUOUS and not symbol)
    start, limit = connector.end(), line_end(text, connector.end())
    if _closes_string(text, label.start(), start):
        return None
    if category == PAIR:
        pair = _PAIR.match(text, start, limit)
        if pair is None or not (symbol or verb or pair.group("tight")):
            return None
        span, category = free_value(text, pair.end(), limit), PASSWORD
    elif modified:
        span = free_value(text, start, limit, explicit=False)
    else:
        span = free_value(text, start, limit, bool(symbol or verb), ambiguous)
    if span and label.group().endswith("s") and symbol:
        return _listed(text, span, limit, TAG_BY_CATEGORY[category])
    return Hit(*span, TAG_BY_CATEGORY[category]) if span else None


def _closes_string(text: str, label_start: int, value_start: int) -> bool:
    """Whether the quote a value would open closes the string its label is in
    (`"Bearer PASS:"; …`): then there is no value."""
    return value_start < len(text) and text[value_start] in QUOTES and \
        context_at(text, label_start)[0] == text[value_start]


def _listed(text: str, first: tuple[int, int], limit: int, tag: str) -> Hit:
    """`passwords: A, B`: a plural label's values, up to the last that looks
    like one (all in one span: the placeholder stands for the list)."""
    end = first[1]
    following = _LIST_ITEM.match(text, end, limit)
    while following and credential_shaped(following.group(1)):
        end = following.end(1)
        following = _LIST_ITEM.match(text, end, limit)
    return Hit(first[0], end, tag)


def free_value(text: str, start: int, limit: int, explicit: bool = True,
               ambiguous: bool = False) -> tuple[int, int] | None:
    """The span of a value written in free text at `start`, or None when what
    is there reads as prose: a quoted string's content; a token; a run of
    plain words to the end of its clause (a passphrase)."""
    if start >= limit:
        return None
    closing = _OPENING.get(text[start])
    if closing:
        end = text.find(closing, start + 1, limit)
        if end <= start + 1:
            return None
        value = text[start + 1:end]
        return (start + 1, end) if _acceptable(value, explicit, ambiguous) else None
    end = start
    while end < limit and not text[end].isspace():
        end += 1
    end = _trim(text, start, end)
    value = text[start:end]
    if not value:
        return None
    if _is_word(value) and explicit and not ambiguous:
        return _passphrase(text, start, end, limit)
    return (start, end) if _acceptable(value, explicit, ambiguous) else None


def _trim(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in _TRAILING:
        end -= 1
    for opening, closing in ("()", "[]", "{}"):
        if end > start and text[end - 1] == closing and text.count(opening, start, end) < text.count(
                closing, start, end):
            end -= 1
    while end > start and text[end - 1] in "\"'`”’»」』":
        end -= 1
    return end


def _is_word(value: str) -> bool:
    return value.isalpha() and value.islower()


def _passphrase(text: str, start: int, end: int, limit: int) -> tuple[int, int] | None:
    """Plain words after `password:`: a passphrase if they are not prose and
    run to the end of the clause (`correct horse battery staple`), none if a
    prose word comes first (`stored in vault`)."""
    clause = _CLAUSE_BREAK.search(text, end, limit)
    clause_end = clause.start() if clause else limit
    while clause_end > start and text[clause_end - 1] in _TRAILING + " \t\r":
        clause_end -= 1
    words = text[start:clause_end].split()
    if not words or any(word in _PROSE_WORDS for word in words) or not all(map(_is_word, words)) or \
            is_plain(words[0]) or is_placeholder(" ".join(words)):
        return None
    if len(words) > 1 and min(map(len, words)) <= 3:
        return None  # `voir le coffre`, `ask in ops`: articles and prepositions are prose
    if len(words) == 1 and len(words[0]) < 4:
        return None
    return start, clause_end


def _acceptable(value: str, explicit: bool, ambiguous: bool) -> bool:
    if len(value) < 4 or is_plain(value) or is_placeholder(value) or value.lower() in _PROSE_WORDS or \
            _QUANTITY.fullmatch(value.lower()):
        return False
    if VARIABLE.match(value) or "REDACTED_" in value or "://" in value or is_path(value) or value[0] in "([":
        return False  # a variable, a URL, a path, an aside: `(empty)`
    if ambiguous:
        return credential_shaped(value)
    return explicit or looks_secret(value) or credential_shaped(value)


def credential_shaped(value: str) -> bool:
    """Random-looking, or eight characters or more of three kinds (upper,
    lower, digit, symbol): what a password or token looks like and a word,
    a version, a host or a file name does not."""
    if looks_random(value):
        return True
    if len(value) < 8 or " " in value or is_path(value) or _DOTTED_NAME.fullmatch(value):
        return False
    upper, lower, digit = character_classes(value)
    symbol = any(not char.isalnum() and char not in "-_." for char in value)
    return upper + lower + digit + symbol >= 3
