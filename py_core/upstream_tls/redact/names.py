"""What a name — a header, a parameter, a variable, a query key — says
about its value, and so what of the value is to go: an Authorization value
loses its credential, a password every literal character, a name that hints
(key, auth, session) a value that looks secret, a name that says nothing
only a value that looks random.
"""
from __future__ import annotations

import functools
import re

from .values import is_path, is_placeholder, is_plain, looks_random, looks_secret

AUTHORIZATION, COOKIE_HEADER, SESSION_COOKIE = "authorization", "cookie-header", "session-cookie"
PASSWORD, API_KEY, TOKEN, SECRET = "password", "api-key", "token", "secret"
WEAK, PUBLIC, NONE = "weak", "public", "none"

_PREFIXES = ("sent_http_", "upstream_http_", "http_", "arg_")
_COOKIE_PREFIXES = ("upstream_cookie_", "cookie_")
_NOT_SECRET_SUFFIXES = ("file", "_path", "_dir", "_zone", "_zones", "_cache", "_timeout", "_size", "_length", "_name",
                        "_header", "_headers", "_type", "_ttl", "_time", "_url", "_uri", "_endpoint", "_host",
                        "_port", "_valid", "_methods", "_bypass", "_lock", "_expires", "_count", "_mode",
                        "_level", "_format", "_location", "_request", "_cache_path", "_min_length", "_limit",
                        "_limits", "_dict", "_stdin", "_policy", "_algorithm", "_enabled", "_required",
                        "_pattern", "_regex")
# Switches, not values: `--ask-pass`, `no_auth`, `prompt_password`.
_NOT_SECRET_PREFIXES = ("ask_", "askpass", "no_", "skip_", "prompt_", "use_", "with_", "require_")
_PASSWORD = re.compile(r"passw|passphrase|passcode|requirepass|masterauth|redis(?:cli)?_auth$|(?:^|_)(?:pwd|pw)(?:$|_)"
                       r"|^pass$|_pass$"
                       r"|kennwort|wachtwoord|contrase|senha|hasło|haslo|heslo|parola|lösenord|losenord|salasana"
                       r"|jelsz|passord|adgangskode|mot_?de_?passe|пароль|密码|密碼|パスワード|비밀번호|şifre|sifre")
_NGINX_PASS = frozenset({"proxy_pass", "fastcgi_pass", "uwsgi_pass", "scgi_pass", "grpc_pass", "memcached_pass"})
_TOKEN = re.compile(r"token(?!s)")
_SECRET_WORDS = ("secret", "credential", "privatekey", "private_key", "accesskey", "access_key", "signing_key",
                 "sessionid", "session_id", "sessid", "auth_key", "authkey", "encryption_key", "master_key")
_WEAK_PARTS = frozenset({"key", "auth", "session", "sid", "sig", "signature", "salt", "hmac", "nonce", "pin",
                         "otp", "jwt", "bearer", "cred", "creds", "code", "psk", "pepper", "seed"})
# Names that say their value is public by nature: a commit, a build, a
# deployment, a content digest or hash, a pin, a trace id. (A password's
# hash is named for the password.)
_PUBLIC_PARTS = frozenset({"commit", "sha", "sha1", "sha256", "sha384", "sha512", "md5", "hash", "revision", "rev",
                           "build", "version", "release", "deploy", "deployment", "deployed", "git", "vcs", "etag",
                           "checksum", "integrity", "pins", "digest", "trace", "traceparent", "correlation"})
_CAMEL_CASE = re.compile(r"[a-z][a-z0-9]*(?:[A-Z][a-z0-9]+)+|(?:[A-Z][a-z0-9]+){2,}")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SESSION_COOKIE_WORDS = ("sess", "sid", "token", "auth", "jwt", "remember", "login", "csrf", "xsrf", "secret",
                         "key")


@functools.lru_cache(maxsize=4096)
def classify(name: str) -> str:
    """The category of what `name` holds: `$http_authorization`,
    `X-Api-Key`, `DB_PASSWORD`, `api_secret`, `$cookie_sessionid`, `X-Git-Commit`…"""
    normal = name.lstrip("$").strip("{}\"'")
    if _CAMEL_CASE.fullmatch(normal):  # secretKeyBase, ClientSecret (not a random token's capitals)
        normal = _CAMEL.sub("_", normal)
    normal = normal.lower().replace("-", "_")
    for prefix in _COOKIE_PREFIXES:
        if normal.startswith(prefix):
            cookie = normal[len(prefix):]
            return SESSION_COOKIE if any(word in cookie for word in _SESSION_COOKIE_WORDS) else NONE
    for prefix in _PREFIXES:
        if normal.startswith(prefix):
            normal = normal[len(prefix):]
            break
    if normal in ("authorization", "proxy_authorization"):
        return AUTHORIZATION
    if normal in ("cookie", "set_cookie"):
        return COOKIE_HEADER
    if normal.endswith(_NOT_SECRET_SUFFIXES) or normal.startswith(_NOT_SECRET_PREFIXES) or "redacted_" in normal:
        return NONE  # a file, a zone, a switch; or a name already replaced, which says nothing
    if _PASSWORD.search(normal) and normal not in _NGINX_PASS:
        return PASSWORD
    if "apikey" in normal.replace("_", ""):
        return API_KEY
    if _TOKEN.search(normal):
        return TOKEN
    if any(word in normal for word in _SECRET_WORDS):
        return SECRET
    parts = set(normal.split("_"))
    weak = normal.endswith("key") or not _WEAK_PARTS.isdisjoint(parts)
    if not weak and not _PUBLIC_PARTS.isdisjoint(parts):
        return PUBLIC
    return WEAK if weak else NONE


def session_cookie_name(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in _SESSION_COOKIE_WORDS)


TAG_BY_CATEGORY = {PASSWORD: "PASSWORD", API_KEY: "API_KEY", TOKEN: "AUTH_TOKEN", SECRET: "SECRET",
                   WEAK: "SECRET", SESSION_COOKIE: "SESSION_COOKIE", NONE: "HIGH_ENTROPY", PUBLIC: "HIGH_ENTROPY"}


def value_is_secret(category: str, value: str, pattern: bool = False) -> bool:
    """Whether a literal in a position of this category is to be redacted;
    `pattern` when the position holds a regular expression (if ~, map ~)."""
    if category == PUBLIC or is_placeholder(value) or "REDACTED_" in value:
        return False  # public, a placeholder, or holding one already: redacting again changes nothing
    if category == NONE:
        return looks_random(value)
    if category == WEAK:
        return looks_secret(value, literal=not pattern)
    return not is_plain(value) and not is_path(value) and not (value.isdigit() and len(value) < 4)
