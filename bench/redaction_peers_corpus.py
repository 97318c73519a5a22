#!/usr/bin/env python3
"""Recall and keep-rate of `upstream_tls.redact` on REAL configs: the peer
corpus in ../shared/peers (crossplane, gixy, nginx-tests, h5bp, s3-gateway…;
see its SOURCES.md), with fake secrets planted into them.

Written apart from bench/redaction_corpus.py, from a different angle: that
script generates configs around its secrets; this one takes configs other
people wrote and plants secrets the way people leave them — in comments in
many languages, in pasted shell sessions, in env-var directives, as notes
and connection strings, on the end of an existing line, in other spellings
and quoting (backquotes, typographic quotes, `$'…'`, ODBC braces). Beside
them it plants must-keep strings that look like secrets and are not:
template placeholders, HPKP pins, CSP/SRI hashes, commit SHAs, build ids,
zone names with "key" in them, ARN resource paths, digests, UUIDs.

    recall      planted secrets of which not a 12-character piece is left
    keep-rate   per occurrence: every word of the original config, every
                planted must-keep string, every word of a planted line that
                is not the secret (directive names, labels, tools, flags)
    comments    comment lines of the unplanted peer configs that come back
                byte-identical (ordinary prose must not be touched)

Also checked on every planted config: line count, directive tree and parse
diagnostics unchanged, and restore byte-exact.

Usage: python bench/redaction_peers_corpus.py [--peers DIR] [--seed N] [--topology] [--show-misses]
"""
from __future__ import annotations

import argparse
import base64
import json
import random
import re
import string
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

PEERS = Path(__file__).resolve().parents[1].parent / "shared" / "peers"
WINDOW = 12
ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
WORDS = ("velvet orbit granite lumen quartz saffron harbor meadow cobalt falcon lantern tundra willow ember "
         "juniper pebble walnut cinder thistle marble").split()
# Contexts a planted directive may go into: where nginx reads directives,
# not data blocks (map, types, geo) or code (*_by_lua_block).
CONTEXTS = frozenset({"main", "http", "server", "location", "if", "stream", "mail", "limit_except"})


@dataclass(frozen=True)
class Secret:
    kind: str
    position: str
    value: str

    def pieces(self) -> list[str]:
        """What must not survive: the value (a short one), else every
        12-character window of each of its lines."""
        parts = [line.strip(" \t#") for line in self.value.splitlines()] or [self.value]
        windows = []
        for part in parts:
            windows += [part] if len(part) <= WINDOW else [part[i:i + WINDOW] for i in range(len(part) - WINDOW + 1)]
        return [window for window in windows if window.strip() and not window.startswith("-----")]


@dataclass
class Case:
    name: str
    text: str
    secrets: list[Secret] = field(default_factory=list)
    keep: list[str] = field(default_factory=list)
    config: bool = True


class Mint:
    """Fake secrets, minted from one seeded generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def chars(self, alphabet: str, length: int) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(length))

    def mixed(self, length: int, symbols: str = "") -> str:
        """Upper, lower, digit (and a symbol when given) all present."""
        while True:
            value = self.chars(ALNUM + symbols, length)
            if all(any(char in group for char in value) for group in (
                    string.ascii_uppercase, string.ascii_lowercase, string.digits, symbols or ALNUM)):
                return value

    def password(self) -> str:
        """What people choose: words and digits, a symbol mix, a season."""
        style = self.rng.randrange(5)
        if style == 0:
            words = [word.capitalize() for word in self.rng.sample(WORDS, 2)]
            return self.rng.choice("-_.").join(words) + str(self.rng.randrange(100, 9999))
        if style == 1:
            return self.mixed(self.rng.randrange(10, 18), "!%*+-_.@^~")
        if style == 2:
            return self.rng.choice(["Summer", "Winter", "Autumn", "Welcome", "Changeit"]) + str(
                self.rng.randrange(2019, 2031)) + self.rng.choice("!#%*") + self.chars(ALNUM, 3)
        if style == 3:
            return self.chars(string.ascii_lowercase, 6) + str(self.rng.randrange(10, 99)) + self.chars(
                string.ascii_lowercase, 4)
        return self.mixed(24)

    def passphrase(self) -> str:
        return " ".join(self.rng.sample(WORDS, 4))

    def hex(self, length: int) -> str:
        return self.chars(HEX, length)

    def b64(self, size: int) -> str:
        return base64.b64encode(self.rng.randbytes(size)).decode()

    def b64url(self, size: int) -> str:
        return base64.urlsafe_b64encode(self.rng.randbytes(size)).decode().rstrip("=")

    def account(self) -> str:
        return str(self.rng.randrange(10 ** 11, 10 ** 12))

    def jwt(self) -> str:
        head = base64.urlsafe_b64encode(b'{"typ":"JWT","alg":"RS256"}').decode().rstrip("=")
        body = base64.urlsafe_b64encode(json.dumps({"iss": "https://idp.example.org", "sub": self.hex(12),
                                                    "exp": self.rng.randrange(1_700_000_000, 1_900_000_000)}).encode())
        return f"{head}.{body.decode().rstrip('=')}.{self.b64url(64)}"

    def basic(self) -> str:
        user = self.rng.choice(["ops", "svc-edge", "grafana"])
        return base64.b64encode(f"{user}:{self.password()}".encode()).decode()

    def bcrypt(self) -> str:
        return "$2y$10$" + self.chars(ALNUM + "./", 53)

    def sha_crypt(self) -> str:
        return "$6$" + self.chars(ALNUM, 16) + "$" + self.chars(ALNUM + "./", 86)

    def provider(self) -> str:
        """Published token shapes, including some no shape list knows by name."""
        return self.rng.choice([
            lambda: "ghp_" + self.chars(ALNUM, 36), lambda: "github_pat_11" + self.chars(ALNUM + "_", 80),
            lambda: "glpat-" + self.chars(ALNUM + "-_", 20), lambda: "xoxp-" + self.chars(string.digits, 12) + "-"
            + self.chars(string.digits, 12) + "-" + self.hex(32), lambda: "sk_live_" + self.chars(ALNUM, 99),
            lambda: "sk-proj-" + self.chars(ALNUM + "-_", 120), lambda: "sk-ant-api03-" + self.chars(ALNUM + "-_", 93)
            + "AA", lambda: "AIza" + self.chars(ALNUM + "-_", 35), lambda: "hvs." + self.chars(ALNUM, 90),
            lambda: "npm_" + self.chars(ALNUM, 36), lambda: "key-" + self.chars(HEX, 32),
            lambda: "SG." + self.chars(ALNUM + "-_", 22) + "." + self.chars(ALNUM + "-_", 43),
            lambda: "hf_" + self.chars(string.ascii_letters, 34), lambda: "gsk_" + self.chars(ALNUM, 52),
            lambda: "dapi" + self.hex(32), lambda: "NRAK-" + self.chars(string.ascii_uppercase + string.digits, 27),
            lambda: "glsa_" + self.chars(ALNUM, 32) + "_" + self.hex(8), lambda: "AKIA" + self.chars(
                string.ascii_uppercase + "234567", 16),
        ])()

    def private_key(self, prefix: str) -> str:
        label = self.rng.choice(["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY"])
        body = [self.b64(48) for _ in range(self.rng.randrange(3, 7))] + [self.b64(self.rng.randrange(6, 40))]
        return "\n".join(prefix + line for line in [f"-----BEGIN {label}-----", *body, f"-----END {label}-----"])


# (kind, position, generator, template). {S} is the secret; {I} the indent of
# the line it goes after. Positions: line (a directive of its own), comment
# (a comment line of its own), trailing (after an existing directive), block
# (several comment lines). Generators are Mint methods or lambdas on it.
def _pw(mint: Mint) -> str:
    return mint.password()


def _bare(mint: Mint) -> str:
    """A password nginx reads unquoted: no blanks, quotes, ;{}# or $."""
    return re.sub(r"[\s\"';{}#$]", "x", mint.password())


SECRET_TEMPLATES = [
    # Free text, English, in the spellings people use.
    ("prose-en", "comment", _pw, "{I}# password: {S}"),
    ("prose-en", "comment", _pw, "{I}# Password for the SMTP relay: {S}"),
    ("prose-en", "comment", _pw, "{I}# SMTP relay pass {S}"),
    ("prose-en", "comment", _pw, "{I}# the root password for db01 is {S}"),
    ("prose-en", "comment", _pw, "{I}# prod db password -> {S}"),
    ("prose-en", "comment", _pw, "{I}# PASSWORD = {S}  (rotated quarterly)"),
    ("prose-en", "comment", _pw, "{I}#pwd={S}"),
    ("prose-en", "comment", _pw, "{I}# temp password set to {S} until the LDAP migration"),
    ("prose-en", "comment", _pw, "{I}# login: admin / pass: {S}"),
    ("prose-en", "comment", _pw, "{I}# creds for grafana: admin / {S}"),
    ("prose-en", "comment", Mint.passphrase, "{I}# passphrase: {S}"),
    ("prose-en", "comment", _pw, "{I}# Password (staging): `{S}`"),
    ("prose-en", "comment", _pw, "{I}# admin password is “{S}”"),
    ("prose-en", "trailing", _pw, "  # pw {S}"),
    ("prose-en", "comment", lambda mint: mint.mixed(40), "{I}# api key {S}"),
    ("prose-en", "comment", lambda mint: mint.b64url(32), "{I}# access token: {S}"),
    ("prose-en", "comment", lambda mint: mint.hex(64), "{I}# shared secret for the webhook = {S}"),
    ("prose-en", "trailing", lambda mint: mint.mixed(32), "  # token {S}"),
    # Free text in other languages.
    ("prose-de", "comment", _pw, "{I}# Passwort für den Relay: {S}"),
    ("prose-de", "comment", _pw, "{I}# Kennwort ist {S}"),
    ("prose-fr", "comment", _pw, "{I}# mot de passe : {S}"),
    ("prose-fr", "comment", _pw, "{I}# le mot de passe de la base est {S}"),
    ("prose-es", "comment", _pw, "{I}# contraseña del admin: {S}"),
    ("prose-es", "comment", _pw, "{I}# La contraseña es {S}"),
    ("prose-pt", "comment", _pw, "{I}# senha do banco: {S}"),
    ("prose-it", "comment", _pw, "{I}# la password di root è {S}"),
    ("prose-nl", "comment", _pw, "{I}# wachtwoord: {S}"),
    ("prose-pl", "comment", _pw, "{I}# hasło do bazy: {S}"),
    ("prose-ru", "comment", _pw, "{I}# пароль от базы — {S}"),
    ("prose-zh", "comment", _pw, "{I}# 数据库密码：{S}"),
    ("prose-ja", "comment", _pw, "{I}# DBのパスワードは {S}"),
    ("prose-ko", "comment", _pw, "{I}# 관리자 비밀번호: {S}"),
    ("prose-tr", "comment", _pw, "{I}# veritabanı şifresi: {S}"),
    ("prose-sv", "comment", _pw, "{I}# lösenordet är {S}"),
    # Pasted shell commands, commented out or in a note.
    ("shell-redis", "comment", _pw, "{I}# redis-cli -h cache.internal -p 6379 -a {S} --no-auth-warning ping"),
    ("shell-redis", "comment", _pw, "{I}# $ redis-cli --pass '{S}' info replication"),
    ("shell-redis", "comment", _pw, "{I}# redis-cli CONFIG SET requirepass \"{S}\""),
    ("shell-mysql", "comment", _bare, "{I}# mysql -h db.internal -uapp -p{S} -e 'select 1'"),
    ("shell-mysql", "comment", _pw, "{I}# mysqldump -u root -p'{S}' shop > /tmp/shop.sql"),
    ("shell-mysql", "comment", _pw, "{I}# mysql --user=root --password=\"{S}\" shop"),
    ("shell-mysql", "comment", _bare, "{I}# MYSQL_PWD={S} mysqladmin -uroot status"),
    ("shell-postgres", "comment", _bare, "{I}# PGPASSWORD={S} psql -h db.internal -U app app"),
    ("shell-postgres", "comment", _pw, "{I}# export PGPASSWORD='{S}'"),
    ("shell-curl", "comment", _bare, "{I}# curl -sSu deploy:{S} https://registry.example.com/v2/_catalog"),
    ("shell-curl", "comment", _pw, "{I}# curl --user \"ops:{S}\" -X POST https://ci.example.com/job/build"),
    ("shell-curl", "comment", lambda mint: mint.mixed(40),
     "{I}# curl -H 'X-Auth-Key: {S}' https://api.example.net/client/v4/zones"),
    ("shell-wget", "comment", _bare, "{I}# wget --http-user=ops --http-password={S} https://files.example.com/a.tgz"),
    ("shell-htpasswd", "comment", _bare, "{I}# htpasswd -b /etc/nginx/.htpasswd alice {S}"),
    ("shell-htpasswd", "comment", _bare, "{I}# sudo htpasswd -cbB /etc/nginx/conf.d/.htpasswd monitor {S}"),
    ("shell-htpasswd", "comment", _pw, "{I}# htpasswd -nb grafana '{S}' >> /etc/nginx/.htpasswd"),
    ("shell-openssl", "comment", _bare, "{I}# openssl pkcs12 -export -in site.crt -inkey site.key -out site.p12 "
                                        "-passout pass:{S}"),
    ("shell-openssl", "comment", _bare, "{I}# openssl rsa -in enc.key -out site.key -passin 'pass:{S}'"),
    ("shell-openssl", "comment", _bare, "{I}# printf 'ops:%s\\n' \"$(openssl passwd -apr1 {S})\" >> .htpasswd"),
    ("shell-sshpass", "comment", _pw, "{I}# sshpass -p '{S}' ssh deploy@10.0.4.12 'sudo nginx -s reload'"),
    ("shell-docker", "comment", _bare, "{I}# docker login -u deploy -p {S} registry.example.com"),
    ("shell-docker", "comment", _pw, "{I}# echo '{S}' | docker login --username deploy --password-stdin ghcr.io"),
    ("shell-ldap", "comment", _bare, "{I}# ldapsearch -x -H ldaps://ldap.example.org -D cn=nginx,dc=example,dc=org "
                                     "-w {S} uid=alice"),
    ("shell-keytool", "comment", _bare, "{I}# keytool -importkeystore -srckeystore a.p12 -srcstorepass {S} "
                                        "-destkeystore a.jks"),
    ("shell-mongo", "comment", _bare, "{I}# mongosh --username admin --password {S} --authenticationDatabase admin"),
    ("shell-sudo", "comment", _pw, "{I}# echo \"{S}\" | sudo -S systemctl reload nginx"),
    ("shell-generic", "comment", _bare, "{I}# ./deploy.sh --env prod --api-token={S} --verbose"),
    ("shell-generic", "comment", _bare, "{I}# certbot certonly --dns-cloudflare --dns-cloudflare-api-key {S}"),
    ("shell-aws", "comment", lambda mint: mint.mixed(40), "{I}# aws configure set aws_secret_access_key {S}"),
    ("shell-k8s", "comment", _bare, "{I}# kubectl create secret generic db --from-literal=password={S} -n edge"),
    ("shell-sqlplus", "comment", _bare, "{I}# sqlplus system/{S}@ORCL"),
    # Connection strings in notes.
    ("dsn", "comment", _bare, "{I}# DSN: Server=sql01;Database=shop;User Id=app;Password={S};Encrypt=true"),
    ("dsn", "comment", _bare, "{I}# conninfo host=db port=5432 user=app password={S} dbname=app sslmode=require"),
    ("dsn", "comment", _bare, "{I}# jdbc:postgresql://db.internal:5432/app?user=app&password={S}&ssl=true"),
    ("dsn", "comment", _bare, "{I}# smtp://mailer:{S}@smtp.example.com:587"),
    ("dsn", "comment", _bare, "{I}# Driver={ODBC Driver 18};Server=db;UID=app;PWD={{S}};"),
    # Environment variables named for what they hold.
    ("env-name", "line", lambda mint: mint.hex(64), "{I}passenger_env_var SECRET_KEY_BASE {S};"),
    ("env-name", "line", lambda mint: mint.hex(32), "{I}passenger_env_var RAILS_MASTER_KEY \"{S}\";"),
    ("env-name", "line", lambda mint: mint.hex(32), "{I}env MYAPP_MASTER_KEY={S};"),
    ("env-name", "line", lambda mint: "base64:" + mint.b64(32), "{I}fastcgi_param APP_KEY \"{S}\";"),
    ("env-name", "line", lambda mint: mint.mixed(50, "!%*+-_.@^~"), "{I}uwsgi_param DJANGO_SECRET_KEY '{S}';"),
    ("env-name", "line", lambda mint: mint.b64(48), "{I}scgi_param SESSION_SECRET \"{S}\";"),
    ("env-name", "line", lambda mint: mint.hex(40), "{I}fastcgi_param MAILGUN_SIGNING_KEY {S};"),
    ("env-name", "line", _bare, "{I}fastcgi_param REDIS_AUTH {S};"),
    ("env-name", "line", _bare, "{I}passenger_env_var DB_PASS {S};"),
    ("env-name", "line", lambda mint: mint.mixed(32), "{I}set_by_lua $hmac_key 'return \"{S}\"';"),
    ("env-name", "line", lambda mint: mint.mixed(20), "{I}perl_set $api_token 'sub { return \"{S}\"; }';"),
    ("env-name", "line", lambda mint: mint.mixed(16),
     "{I}set_by_lua $signature 'return ngx.encode_base64(ngx.hmac_sha1(\"{S}\", ngx.var.uri))';"),
    # Provider tokens and credentials in directives people write.
    ("provider", "line", Mint.provider, "{I}proxy_set_header X-Upstream-Auth \"{S}\";"),
    ("provider", "trailing", Mint.provider, "  # {S}"),
    ("provider", "comment", Mint.provider, "{I}# old key, revoked?  {S}"),
    ("bearer", "line", Mint.jwt, "{I}proxy_set_header Authorization 'Bearer {S}';"),
    ("basic", "line", Mint.basic, "{I}proxy_set_header Authorization \"Basic {S}\";"),
    ("query", "line", lambda mint: mint.mixed(32),
     "{I}return 302 \"https://maps.example.com/embed?key={S}&lang=de\";"),
    ("body", "line", lambda mint: mint.b64url(30),
     "{I}proxy_set_body \"grant_type=client_credentials&client_secret={S}\";"),
    ("cookie", "line", lambda mint: mint.b64url(24), "{I}proxy_set_header Cookie \"lang=en; remember_token={S}\";"),
    ("url-password", "line", _bare, "{I}proxy_pass http://edge:{S}@127.0.0.1:8081;"),
    ("htpasswd-line", "comment", Mint.bcrypt, "{I}# monitor:{S}"),
    ("htpasswd-line", "comment", Mint.sha_crypt, "{I}# alice:{S}"),
    ("aws-account", "comment", Mint.account, "{I}# assumes arn:aws:iam::{S}:role/edge-reader"),
    ("aws-account", "comment", Mint.account,
     "{I}# logs go to arn:aws:s3:::edge-logs-{S}/nginx/ (bucket owner {S})"),
    ("aws-account", "comment", Mint.account, "{I}# AWS account id: {S}"),
    ("aws-account", "comment", Mint.account,
     "{I}# image {S}.dkr.ecr.eu-central-1.amazonaws.com/edge:latest"),
    ("private-key", "block", lambda mint: mint.private_key("{I}# "), "{S}"),
    ("private-key", "block", lambda mint: mint.private_key("{I}#  "), "{I}# key for the client cert, do not "
                                                                      "commit:\n{S}"),
]

# Must-keep strings that look like secrets: ({K} is what must stay, {I} the
# indent). Some sit exactly where a secret would.
KEEP_TEMPLATES = [
    ("template", "line", lambda mint: "{{ .Values.db.password }}", "{I}env DB_PASSWORD={K};"),
    ("template", "line", lambda mint: "${SECRET_KEY_BASE}", "{I}passenger_env_var SECRET_KEY_BASE {K};"),
    ("template", "line", lambda mint: "<REPLACE_ME>", "{I}proxy_set_header Authorization \"Bearer {K}\";"),
    ("template", "line", lambda mint: "<token>", "{I}proxy_set_header X-Api-Key \"{K}\";"),
    ("template", "line", lambda mint: "%(password)s", "{I}fastcgi_param DB_PASSWORD \"{K}\";"),
    ("template", "comment", lambda mint: "{{ vault_smtp_password }}", "{I}# smtp password: {K}"),
    ("template", "comment", lambda mint: "$REDIS_PASSWORD", "{I}# redis-cli -a \"{K}\" ping"),
    ("template", "comment", lambda mint: "${MYSQL_ROOT_PASSWORD}", "{I}# mysql -uroot -p{K} shop"),
    ("template", "comment", lambda mint: "<your-api-key>", "{I}# curl -H 'X-Api-Key: {K}' https://api.example.com/"),
    ("template", "line", lambda mint: "__API_TOKEN__", "{I}set $api_token \"{K}\";"),
    ("pin", "line", lambda mint: f'pin-sha256="{mint.b64(32)}"',
     "{I}add_header Public-Key-Pins '{K}; pin-sha256=\"" + "{K2}" + "\"; max-age=5184000' always;"),
    ("csp-hash", "line", lambda mint: "'sha256-" + mint.b64(32) + "'",
     "{I}add_header Content-Security-Policy \"script-src 'self' {K}\" always;"),
    ("sri", "comment", lambda mint: "sha384-" + mint.b64(48),
     "{I}# <script src=\"/js/app.js\" integrity=\"{K}\" crossorigin=\"anonymous\"></script>"),
    ("commit", "line", lambda mint: mint.hex(40), "{I}add_header X-Git-Commit {K} always;"),
    ("commit", "line", lambda mint: mint.hex(7), "{I}add_header X-Revision \"{K}\";"),
    ("commit", "comment", lambda mint: mint.hex(40), "{I}# deployed from commit {K}"),
    ("build-id", "line", lambda mint: f"{mint.rng.randrange(2023, 2027)}.{mint.rng.randrange(1, 13):02d}."
                                      f"{mint.rng.randrange(100, 999)}-{mint.hex(8)}", "{I}add_header X-Build-Id {K};"),
    ("build-id", "line", lambda mint: "sha256:" + mint.hex(64), "{I}add_header X-Image-Digest \"{K}\";"),
    ("zone-name", "line", lambda mint: "api_key_limit",
     "{I}limit_req_zone $binary_remote_addr zone={K}:10m rate=5r/s;"),
    ("zone-name", "line", lambda mint: "token_cache", "{I}proxy_cache_path /var/cache/nginx/t keys_zone={K}:10m;"),
    ("zone-name", "line", lambda mint: "secret_area", "{I}limit_conn_zone $binary_remote_addr zone={K}:1m;"),
    ("arn-path", "comment", lambda mint: "role/edge-reader", "{I}# via arn:aws:iam::" + "{A}" + ":{K}"),
    ("arn-path", "comment", lambda mint: "secret:prod/db-password-" + mint.chars(ALNUM, 6),
     "{I}# fetched from arn:aws:secretsmanager:eu-west-1:" + "{A}" + ":{K}"),
    ("uuid", "line", lambda mint: str(uuid.UUID(int=mint.rng.getrandbits(128))),
     "{I}add_header X-Tenant-Id {K};"),
    ("session-name", "line", lambda mint: "myapp_session", "{I}set $session_cookie_name {K};"),
]


def peer_files(peers: Path) -> list[Path]:
    return sorted(path for path in peers.rglob("*.conf") if path.is_file())


def _insertion_points(text: str) -> list[int]:
    """Lines (1-based) after which a directive may go: a simple directive
    alone on its line in a context nginx reads directives in."""
    from upstream_tls import parse
    if not text.strip():
        return []
    config = parse(text)
    if config.diagnostics:
        return []
    points = []
    for node in config.walk():
        if not node.is_block and node.starts_line and node.ends_line and node.line == node.end_line and \
                node.parent is not None and node.parent.name in CONTEXTS:
            points.append(node.line)
    return points


def _keep_words(text: str) -> list[str]:
    """Every word of a text, quotes and ;{} off: what must come back."""
    words = []
    for token in text.split():
        token = token.strip(";{}\"'`()")
        if len(token) >= 3:
            words.append(token)
    return words


def plant(name: str, text: str, rng: random.Random, mint: Mint) -> Case | None:
    points = _insertion_points(text)
    if len(points) < 4:
        return None
    lines = text.split("\n")
    count = max(3, min(14, len(points) // 3))
    chosen = sorted(rng.sample(points, min(count, len(points))), reverse=True)
    case = Case(name, "", keep=_keep_words(text))
    for index, line_number in enumerate(chosen):
        line = lines[line_number - 1]
        indent = line[:len(line) - len(line.lstrip())]
        if index % 4 == 3:
            _plant_keep(case, lines, line_number, indent, mint, rng)
            continue
        kind, position, generator, template = rng.choice(SECRET_TEMPLATES)
        if position == "trailing" and "#" in line:
            kind, position, generator, template = SECRET_TEMPLATES[0]
        secret = generator(mint)
        secret = secret.replace("{I}", indent)  # a private key's lines carry the indent
        planted = template.replace("{I}", indent).replace("{S}", secret)
        case.secrets.append(Secret(kind, position, secret))
        case.keep += _structure_words(planted, secret)
        if position == "trailing":
            lines[line_number - 1] = line + planted
        else:
            lines[line_number:line_number] = planted.split("\n")
    case.text = "\n".join(lines)
    return case


def _plant_keep(case: Case, lines: list[str], line_number: int, indent: str, mint: Mint,
                rng: random.Random) -> None:
    _, position, generator, template = rng.choice(KEEP_TEMPLATES)
    keep = generator(mint)
    planted = template.replace("{I}", indent).replace("{K2}", mint.b64(32)).replace("{K}", keep)
    if "{A}" in planted:
        account = mint.account()
        planted = planted.replace("{A}", account)
        case.secrets.append(Secret("aws-account", position, account))
    case.keep += [keep] + _structure_words(planted, keep)
    lines[line_number:line_number] = planted.split("\n")


def _structure_words(line: str, value: str) -> list[str]:
    """The words of a planted line that are not the value: directive names,
    labels, tools and their flags, the prose around."""
    return _keep_words(line.replace(value, " "))


def notes(rng: random.Random, mint: Mint) -> Case:
    """A paste that is not a config: a ticket's notes, a shell session, an
    .env file — free text, no comment marks."""
    secrets, lines = [], []
    for template in rng.sample([
        "ssh into edge-3 and ran: redis-cli -a {S} -h 127.0.0.1 monitor",
        "$ mysql -h 10.0.4.20 -u wordpress -p{B} wp_prod -e 'show tables'",
        "$ PGPASSWORD={B} pg_dump -h db -U app app | gzip > app.sql.gz",
        "The staging password is {S} (please rotate after the demo)",
        "DB_PASSWORD={B}",
        "SECRET_KEY_BASE={H}",
        "API_TOKEN=\"{T}\"",
        "smtp:\n  host: smtp.example.com\n  username: mailer\n  password: {S}",
        "[database]\nuser = app\npassword = {S}",
        "{{\"client_id\": \"edge\", \"client_secret\": \"{T}\"}}",
        "curl -u admin:{B} -X POST http://127.0.0.1:9000/reload",
        "Passwort für Grafana: {S}",
        "echo '{B}' | docker login -u ci --password-stdin",
        "htpasswd -b -B /etc/nginx/.htpasswd grafana {B}",
    ], 9):
        values = {"{S}": mint.password(), "{B}": _bare(mint), "{H}": mint.hex(128), "{T}": mint.b64url(32)}
        line = template
        for marker, value in values.items():
            if marker in line:
                line = line.replace(marker, value)
                secrets.append(Secret("note", "free text", value))
        lines.append(line.replace("{{", "{").replace("}}", "}"))
    keep = [word for line in lines for word in _keep_words(line)
            if not any(secret.value in word or word in secret.value for secret in secrets)]
    text = "\n".join(lines) + "\n"
    return Case("notes.txt", text, secrets, keep, config=False)


def build_corpus(peers: Path = PEERS, seed: int = 13) -> list[Case]:
    rng = random.Random(seed)
    mint = Mint(rng)
    cases = []
    for path in peer_files(peers):
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        case = plant(path.relative_to(peers).as_posix(), text, rng, mint)
        if case is not None:
            cases.append(case)
    cases.append(notes(rng, mint))
    return cases


@dataclass
class Score:
    planted: int = 0
    gone: int = 0
    kept: int = 0
    keep_total: int = 0
    misses: list[tuple[str, Secret]] = field(default_factory=list)
    lost: list[tuple[str, str]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.gone / self.planted if self.planted else 1.0

    @property
    def keep_rate(self) -> float:
        return self.kept / self.keep_total if self.keep_total else 1.0


def _occurrences(text: str, word: str) -> int:
    return len(re.findall(rf"(?<![A-Za-z0-9_]){re.escape(word)}(?![A-Za-z0-9_])", text))


_PLACEHOLDER = re.compile(r"REDACTED_[A-Z_]+_[0-9]+")


def score(cases: list[Case], outputs: list[str]) -> Score:
    """Placeholders and planted secrets both read as one NUL, so a word next
    to a secret (`user:` before a password) counts as kept when it is."""
    result = Score()
    for case, output in zip(cases, outputs, strict=True):
        output = _PLACEHOLDER.sub("\x00", output)
        for secret in case.secrets:
            result.planted += 1
            if any(piece in output for piece in secret.pieces()):
                result.misses.append((case.name, secret))
            else:
                result.gone += 1
        without_secrets = case.text
        for secret in sorted(case.secrets, key=lambda secret: -len(secret.value)):
            without_secrets = without_secrets.replace(secret.value, "\x00")
        for word in dict.fromkeys(case.keep):
            expected = _occurrences(without_secrets, word)
            found = min(expected, _occurrences(output, word))
            result.keep_total += expected
            result.kept += found
            if found < expected:
                result.lost.append((case.name, word))
    return result


def tree(text: str):
    """Directive names, argument counts, lines and nesting, and diagnostics."""
    from upstream_tls import parse
    config = parse(text)
    return ([("entry" if node.parent.name == "map" else node.name, len(node.args), node.line, node.end_line,
              node.is_block) for node in config.walk()], [(d.file, d.line) for d in config.diagnostics])


def comment_lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.lstrip().startswith("#")]


def untouched_comments(peers: Path = PEERS) -> tuple[int, int, list[str]]:
    """(comment lines of the unplanted peer configs, how many come back
    byte-identical, the first few that do not)."""
    from upstream_tls.redact import redact
    total = same = 0
    changed = []
    for path in peer_files(peers):
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        before, after = comment_lines(text), comment_lines(redact(text).text)
        total += len(before)
        for old, new in zip(before, after, strict=True):
            same += old == new
            if old != new and len(changed) < 20:
                changed.append(f"{path.relative_to(peers)}: {old.strip()}")
    return total, same, changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--peers", type=Path, default=PEERS)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--topology", action="store_true", help="redact with --topology too (recall only)")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args(argv)
    if not args.peers.is_dir():
        print(f"peer corpus not found at {args.peers}", file=sys.stderr)
        return 2
    from upstream_tls.redact import redact, restore
    cases = build_corpus(args.peers, args.seed)
    started = time.perf_counter()
    results = [redact(case.text, topology=args.topology) for case in cases]
    elapsed = time.perf_counter() - started
    result = score(cases, [redaction.text for redaction in results])
    broken = [case.name for case, redaction in zip(cases, results, strict=True)
              if restore(redaction.text, redaction.mapping).text != case.text
              or redaction.text.count("\n") != case.text.count("\n")
              or (case.config and tree(redaction.text) != tree(case.text))]
    total, same, changed = untouched_comments(args.peers)
    print(f"corpus: {len(cases)} files ({len(cases) - 1} peer configs + notes), {result.planted} planted secrets, "
          f"{result.keep_total} must-keep occurrences (seed {args.seed}{', topology' if args.topology else ''})")
    print(f"recall {result.recall:.1%}   keep-rate {result.keep_rate:.2%}   ({elapsed:.2f} s)")
    print(f"line count, directive tree, restore: {len(cases) - len(broken)}/{len(cases)} files unchanged")
    print(f"ordinary comments of the unplanted configs: {same}/{total} byte-identical")
    if args.show_misses:
        for name, secret in result.misses:
            print(f"missed: {name}: {secret.kind} ({secret.position})")
        for name, word in result.lost:
            print(f"lost: {name}: {word}")
        for name in broken:
            print(f"changed shape: {name}")
        for line in changed:
            print(f"comment changed: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
