#!/usr/bin/env python3
"""Recall and keep-rate of `upstream_tls.redact` on a generated corpus, beside
detect-secrets (its default plugins) on the same files.

The corpus is generated at run time from a seed — realistic configs, an
error.log and an `openssl s_client` chain paste — with FAKE secrets of every
kind planted in every syntactic position (double-quoted, single-quoted,
unquoted, commented out, split over lines, inside if/map/return/set/Lua/
JSON, free text in several languages, pasted shell commands, env-var
directives, ARNs), and must-keep text around them: directive names, paths,
ports, $variables, location paths, header names, regexes, content-hashed
file names, CSP hashes, HPKP pins, commit SHAs, zone names, template
placeholders, certificates. No secret-looking file is committed.

    recall     planted secrets of which nothing (not even a 12-character
               piece) is left in the output; "whole values gone" is the
               lenient reading (the value is not there in one piece)
    keep-rate  must-keep words still in the output, counted per occurrence

detect-secrets does not redact; its recall here is what would be left after
removing every value it reports (a private-key finding removes the whole
block), and, more generously, how many secrets sit on a line it flags.

Usage: python bench/redaction_corpus.py [--seed N] [--rounds N] [--no-detect-secrets] [--show-misses]
"""
from __future__ import annotations

import argparse
import base64
import json
import random
import re
import string
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ALNUM = string.ascii_letters + string.digits
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
HEX = "0123456789abcdef"
WINDOW = 12


@dataclass(frozen=True)
class Planted:
    kind: str
    value: str
    position: str

    def pieces(self) -> list[str]:
        """What must not survive: the value, or for a long one any 12-character
        window of it (a PEM key: any window of any of its body lines)."""
        parts = [line.lstrip("# ").strip() for line in self.value.splitlines()] if "\n" in self.value \
            else [self.value]
        windows = []
        for part in parts:
            if len(part) <= WINDOW:
                windows.append(part)
            else:
                windows += [part[index:index + WINDOW] for index in range(len(part) - WINDOW + 1)]
        return [window for window in windows if window and not window.startswith("-----")]


@dataclass
class Sample:
    name: str
    text: str
    secrets: list[Planted] = field(default_factory=list)
    keep: list[str] = field(default_factory=list)

    @property
    def is_config(self) -> bool:
        return self.name.endswith(".conf")


class Fakes:
    """Fake secrets in the published shapes, from one seeded generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def chars(self, alphabet: str, length: int) -> str:
        while True:
            value = "".join(self.rng.choice(alphabet) for _ in range(length))
            if alphabet is not ALNUM and alphabet is not B64 or (
                    any(c.isupper() for c in value) and any(c.islower() for c in value)
                    and any(c.isdigit() for c in value)):
                return value

    def b64url(self, data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")

    def aws_id(self):
        return self.rng.choice(["AKIA", "ASIA"]) + self.chars(string.ascii_uppercase + "234567", 16)

    def aws_secret(self):
        return self.chars(B64, 40)

    def github(self):
        if self.rng.random() < 0.25:
            return "github_pat_" + self.chars(ALNUM, 22) + "_" + self.chars(ALNUM, 59)
        return self.rng.choice(["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]) + self.chars(ALNUM, 36)

    def gitlab(self):
        return "glpat-" + self.chars(B64URL, 20)

    def slack(self):
        return (self.rng.choice(["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"]) + self.chars(string.digits, 11) + "-"
                + self.chars(string.digits, 12) + "-" + self.chars(ALNUM, 24))

    def slack_webhook_path(self):
        return (f"T{self.chars(string.ascii_uppercase + string.digits, 8)}/"
                f"B{self.chars(string.ascii_uppercase + string.digits, 10)}/{self.chars(ALNUM, 24)}")

    def stripe(self):
        return self.rng.choice(["sk_live_", "rk_live_", "pk_live_", "sk_test_", "pk_test_"]) + self.chars(ALNUM, 24)

    def openai(self):
        if self.rng.random() < 0.5:
            return "sk-proj-" + self.chars(B64URL, 64)
        return "sk-" + self.chars(ALNUM, 48)

    def anthropic(self):
        return "sk-ant-api03-" + self.chars(B64URL, 93) + "AA"

    def google(self):
        return "AIza" + self.chars(B64URL, 35)

    def sendgrid(self):
        return "SG." + self.chars(B64URL, 22) + "." + self.chars(B64URL, 43)

    def twilio(self):
        return self.rng.choice(["AC", "SK"]) + self.chars(HEX, 32)

    def jwt(self):
        header = self.b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        payload = self.b64url(json.dumps({"sub": self.chars(string.digits, 8), "name": "svc",
                                          "iat": self.rng.randrange(1_600_000_000, 1_800_000_000)}).encode())
        return f"{header}.{payload}.{self.b64url(self.rng.randbytes(32))}"

    def opaque(self, length=32):
        return self.chars(ALNUM, length)

    def api_key(self):
        return self.rng.choice([self.chars(HEX, 32), self.chars(ALNUM, 40), self.chars(B64URL, 28)])

    def password(self):
        words = ["correct", "horse", "battery", "staple", "orbit", "velvet", "granite", "lumen"]
        return self.rng.choice([
            "-".join(self.rng.sample(words, 3)) + str(self.rng.randrange(10, 99)),
            self.chars(ALNUM + "!#%*+", 16),
            self.rng.choice(["Tr0ub4dor", "P4ssw0rd", "Summer", "Winter"]) + self.chars(string.digits, 4) + "!",
        ])

    def url_password(self):
        return self.chars(ALNUM + "!*_~", 18)

    def basic(self):
        user = self.rng.choice(["admin", "svc-proxy", "deploy", "monitor"])
        return base64.b64encode(f"{user}:{self.url_password()}".encode()).decode()

    def session(self):
        return self.rng.choice([self.chars(HEX, 32), self.chars(B64URL, 43), self.chars(ALNUM, 26)])

    def hex_key(self, length=64):
        return self.chars(HEX, length)

    def ticket_key(self):
        return base64.b64encode(self.rng.randbytes(80)).decode()

    def word_secret(self):
        return self.rng.choice(["enigma", "s3cr3t", "hunter", "quartz"]) + self.chars(ALNUM, 8)

    def private_key(self, prefix: str = "") -> str:
        label = self.rng.choice(["RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY",
                                 "ENCRYPTED PRIVATE KEY", "DSA PRIVATE KEY"])
        lines = [f"-----BEGIN {label}-----"]
        lines += [self.chars(B64, 64) for _ in range(self.rng.randrange(4, 9))]
        lines.append(self.chars(B64, self.rng.randrange(8, 60)) + "==")
        lines.append(f"-----END {label}-----")
        return "\n".join(prefix + line for line in lines)

    def certificate(self) -> str:
        lines = ["-----BEGIN CERTIFICATE-----"] + [self.chars(B64, 64) for _ in range(6)]
        return "\n".join(lines + [self.chars(B64, 40) + "==", "-----END CERTIFICATE-----"])

    def account(self):
        return str(self.rng.randrange(10 ** 11, 10 ** 12))

    def htpasswd_hash(self):
        return "$apr1$" + self.chars(ALNUM, 8) + "$" + self.chars(ALNUM + "./", 22)


# (kind, generator, header, scheme): a credential sent in a header.
HEADER_CREDENTIALS = [
    ("bearer-jwt", "jwt", "Authorization", "Bearer"),
    ("bearer-opaque", "opaque", "Authorization", "Bearer"),
    ("basic", "basic", "Authorization", "Basic"),
    ("proxy-basic", "basic", "Proxy-Authorization", "Basic"),
    ("token-scheme", "opaque", "Authorization", "token"),
    ("x-api-key", "api_key", "X-Api-Key", ""),
    ("x-auth-token", "opaque", "X-Auth-Token", ""),
    ("api-key", "api_key", "api-key", ""),
    ("github", "github", "Authorization", "token"),
    ("gitlab", "gitlab", "PRIVATE-TOKEN", ""),
    ("slack", "slack", "Authorization", "Bearer"),
    ("stripe", "stripe", "Authorization", "Bearer"),
    ("openai", "openai", "Authorization", "Bearer"),
    ("anthropic", "anthropic", "x-api-key", ""),
    ("google", "google", "X-Goog-Api-Key", ""),
    ("sendgrid", "sendgrid", "Authorization", "Bearer"),
    ("twilio", "twilio", "X-Twilio-Account", ""),
    ("aws-id", "aws_id", "X-Amz-Access-Key", ""),
]

# Where a header credential can sit. {H} header, {C} "scheme value" (or the
# value), {V} the bare value, {v} a variable name, {h} the header as an nginx
# variable suffix.
HEADER_POSITIONS = [
    ("proxy_set_header-double", '        proxy_set_header {H} "{C}";'),
    ("proxy_set_header-single", "        proxy_set_header {H} '{C}';"),
    ("proxy_set_header-unquoted", "        proxy_set_header {H} {V};"),
    ("commented-directive", '        # proxy_set_header {H} "{C}";'),
    ("add_header", "        add_header {H} '{C}' always;"),
    ("more_set_headers", '        more_set_headers "{H}: {C}";'),
    ("more_set_input_headers", "        more_set_input_headers '{H}: {C}';"),
    ("grpc_set_header", '        grpc_set_header {H} "{C}";'),
    ("fastcgi_param", '        fastcgi_param HTTP_{h} "{C}";'),
    ("uwsgi_param", "        uwsgi_param HTTP_{h} '{C}';"),
    ("set-variable", '        set $upstream_{v} "{C}";'),
    ("if-equals", '        if ($http_{h_lower} != "{C}") {{ return 401; }}'),
    ("if-regex", '        if ($http_{h_lower} !~ "^{C}$") {{ return 403; }}'),
    ("map-key", '    map $http_{h_lower} $api_client_{n} {{\n        default "";\n        "{C}" client_{n};\n    }}'),
    ("map-value", "    map $host $upstream_{v}_{n} {{\n        default '{C}';\n        api.example.com '{C}';\n    }}"),
    ("return-url", "        return 302 https://app.example.com/oauth/callback?{v}={V}&state=abc;"),
    ("return-json", "        return 200 '{{\"{v}\": \"{V}\", \"status\": \"ok\"}}';"),
    ("curl-comment", "        # curl -sS -H '{H}: {C}' https://api.example.com/v1/items"),
    ("lua", '        access_by_lua_block {{ ngx.req.set_header("{H}", "{C}") }}'),
    ("split-over-lines", '        proxy_set_header {H}\n            "{C}";'),
]

NAMED_SECRETS = [
    ("password", "password", ['        fastcgi_param DB_PASSWORD "{V}";', "        uwsgi_param MYSQL_PWD '{V}';",
                              "        set $ldap_password {V};", "    # admin password: {V}",
                              "    env SMTP_PASSWORD={V};", '        set $db_pass "{V}";']),
    ("named-secret", "opaque", ['        set $hmac_secret "{V}";', "        fastcgi_param APP_SECRET_KEY {V};",
                                "    env JWT_SIGNING_KEY={V};", "    # client_secret = {V}",
                                '        js_var $client_secret "{V}";', "        uwsgi_param SECRET_KEY_BASE '{V}';"]),
    ("aws-secret", "aws_secret", ["    # aws_secret_access_key = {V}", "        set $s3_secret_key '{V}';",
                                  '        set $aws_secret "{V}";', "    env AWS_SECRET_ACCESS_KEY={V};",
                                  "    # {V}"]),
    ("aws-id", "aws_id", ["    # aws_access_key_id = {V}", "        set $s3_access_key '{V}';",
                          "        set $aws_key {V};", "    env AWS_ACCESS_KEY_ID={V};"]),
    ("high-entropy", "opaque", ['        proxy_set_header X-Internal-Check "{V}";',
                                "        add_header X-Edge-Id {V};", "        set $upstream_fingerprint '{V}';",
                                '        fastcgi_param APP_NONCE_SEED "{V}";']),
    ("session-cookie", "session", ['        proxy_set_header Cookie "sessionid={V}; theme=dark; lang=en";',
                                   "        add_header Set-Cookie 'SESSION={V}; Path=/; HttpOnly; Secure';",
                                   '        if ($cookie_session = "{V}") {{ return 403; }}',
                                   "    # Cookie: PHPSESSID={V}; _ga=GA1.2.3"]),
    ("digest-response", "hex_key_32", ["        proxy_set_header Authorization 'Digest username=\"svc\", "
                                       "realm=\"api\", nonce=\"dcd98b7102dd2f0e\", uri=\"/\", response=\"{V}\"';"]),
    ("slack-webhook", "slack_webhook_path", ["        return 302 https://hooks.slack.com/services/{V};",
                                             "    # SLACK_WEBHOOK_URL=https://hooks.slack.com/services/{V}"]),
    ("nginx-secret", "word_secret", ["        secure_link_secret {V};", "        secure_link_secret '{V}';",
                                     '        secure_link_md5 "$secure_link_expires$uri$remote_addr {V}";',
                                     "    # secure_link_secret {V};"]),
    ("auth-jwt-key", "hex_key", ['        auth_jwt_key "{V}" hex;', "        auth_jwt_key {V};"]),
    ("ticket-key", "ticket_key", ["    # ssl_session_ticket_key material (base64): {V}", "    #   {V}"]),
    ("provider-in-comment", "github", ["    # GITHUB_TOKEN={V}", "    # deploy token {V} (rotate!)"]),
    ("provider-in-comment", "stripe", ["    # STRIPE_KEY={V}"]),
    ("provider-in-comment", "sendgrid", ["    # sendgrid: {V}"]),
    ("provider-in-comment", "slack", ["    # slack bot {V}"]),
    ("provider-in-comment", "openai", ["    # OPENAI_API_KEY={V}"]),
    ("provider-in-comment", "anthropic", ["    # ANTHROPIC_API_KEY={V}"]),
    ("provider-in-comment", "google", ["    # maps key {V}"]),
    ("provider-in-comment", "twilio", ["    # twilio account {V}"]),
    ("provider-in-comment", "jwt", ["    # service token: {V}"]),
    ("provider-in-comment", "gitlab", ["    # {V}"]),
    ("free-text-password", "password", ["    # SMTP relay pass {V}", "    # the root password for db01 is {V}",
                                        "    # Passwort: {V}", "    # mot de passe : {V}", "    # contraseña: {V}",
                                        "    # 密码：{V}", "    # пароль: {V}",
                                        "        proxy_read_timeout 30s; # pw {V}"]),
    ("shell-command", "password", ["    # redis-cli -h cache.internal -a {V} ping", "    # mysql -uroot -p{V} shop",
                                   "    # PGPASSWORD={V} psql -h db.internal -U app",
                                   "    # curl -sS -u deploy:{V} https://ci.example.com/job/x/build",
                                   "    # ./rotate.sh --password={V} --verbose",
                                   "    # htpasswd -b /etc/nginx/.htpasswd alice {V}",
                                   "    # echo '{V}' | docker login -u ci --password-stdin"]),
    ("connection-string", "password", ["    # Server=db;Database=shop;User Id=app;Password={V};Encrypt=true",
                                       "    # host=db port=5432 user=app password={V} dbname=app"]),
    ("env-name", "hex_key", ["    passenger_env_var SECRET_KEY_BASE {V};", "    env RAILS_MASTER_KEY={V};",
                             '        fastcgi_param APP_MASTER_KEY "{V}";',
                             "        uwsgi_param SESSION_SECRET_KEY '{V}';",
                             "        scgi_param SIGNING_SECRET {V};"]),
    ("code-literal", "opaque", ["        set_by_lua $sig 'return ngx.hmac_sha1(\"{V}\", ngx.var.uri)';",
                                "        perl_set $api_token 'sub {{ return \"{V}\"; }}';"]),
    ("aws-account", "account", ["    # assumes arn:aws:iam::{V}:role/edge-reader", "    # AWS account {V}",
                                "    # bucket owner: {V}"]),
]

CONNECTION_STRINGS = [
    ("postgres", "    # DATABASE_URL=postgres://app:{V}@db.internal.example.com:5432/app"),
    ("mysql", '        fastcgi_param DATABASE_URL "mysql://root:{V}@mysql.internal:3306/shop";'),
    ("mongodb", "    env MONGO_URL=mongodb+srv://admin:{V}@cluster0.ab1cd.mongodb.net/prod;"),
    ("redis", "        set $redis_url 'redis://:{V}@cache.internal:6379/0';"),
    ("amqp", "    # amqp://guest:{V}@mq.internal.example.com:5672/vhost"),
    ("https-userinfo", "        proxy_pass https://svc:{V}@api.internal.example.com:8443;"),
    ("curl-user", "    # curl -u deploy:{V} https://registry.example.com/v2/"),
]

FILLER = """\
    upstream backend_{n} {{
        server 10.0.{n}.10:8443 max_fails=3 fail_timeout=30s;
        server backend-{n}.internal.example.com:8443 backup;
        keepalive 32;
    }}

    server {{
        listen 443 ssl http2;
        server_name api{n}.example.com www.example.org;
        root /var/www/site{n}/public;
        ssl_certificate /etc/nginx/certs/site{n}.crt;
        ssl_certificate_key /etc/nginx/certs/site{n}.key;
        ssl_password_file /etc/nginx/keys/global.pass;
        ssl_session_ticket_key /etc/nginx/keys/ticket{n}.key;
        ssl_session_cache shared:SSL:10m;
        ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256;
        server_tokens off;
        access_log /var/log/nginx/site{n}.access.log main;
        add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;
        add_header Content-Security-Policy "script-src 'self' 'sha256-{csp}'" always;
        add_header X-Frame-Options SAMEORIGIN;
        add_header X-Git-Commit {commit} always;
        add_header Public-Key-Pins 'pin-sha256="{pin}"; max-age=5184000' always;
        limit_req_zone $binary_remote_addr zone=api_key_limit_{n}:10m rate=5r/s;
        # static assets: arn:aws:s3:::static-assets-{n}/*
        proxy_cache_key "$scheme$request_method$host$request_uri";
        auth_basic_user_file /etc/nginx/.htpasswd;

        location = /static/js/main.{filehash}.chunk.js {{
            alias /srv/build/static/js/main.{filehash}.chunk.js;
            expires 1y;
        }}
        location ~* \\.(?:css|js|woff2)$ {{
            try_files $uri $uri/ /index.html;
        }}
        location /api/v{n}/ {{
            proxy_pass https://backend_{n};
            proxy_ssl_verify on;
            proxy_ssl_trusted_certificate /etc/nginx/certs/upstream-ca.pem;
            proxy_set_header Host $host;
            proxy_set_header X-Request-Id $request_id;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header Authorization $http_authorization;
            proxy_pass_header Authorization;
            proxy_hide_header X-Api-Key;
            proxy_set_header X-Api-Key "{{{{ .Values.edge.apiKey }}}}";
            fastcgi_param DB_PASSWORD "${{DB_PASSWORD}}";
            # rotate the token every 90 days; the password policy lives in the wiki
{lines}
        }}
    }}
"""


def _keep_words(text: str) -> list[str]:
    """Must-keep words of filler text: every token, quotes and ; stripped."""
    words = []
    for token in re.split(r"\s+", text):
        token = token.strip(";'\"{}")
        if len(token) >= 3 and "{" not in token:
            words.append(token)
    return words


def _header_line(template: str, header: str, scheme: str, value: str, number: int) -> str:
    credential = f"{scheme} {value}" if scheme else value
    if "{V}" in template and scheme and "Authorization" in header:
        credential = value
    variable = re.sub(r"[^a-z0-9]+", "_", header.lower()).strip("_")
    variable = variable if any(word in variable for word in ("key", "token", "auth")) else variable + "_token"
    return template.format(H=header, C=credential, V=value, v=variable, n=number,
                           h=header.upper().replace("-", "_"), h_lower=header.lower().replace("-", "_"))


def build_corpus(seed: int = 1, rounds: int = 2) -> list[Sample]:
    rng = random.Random(seed)
    fakes = Fakes(rng)
    samples = []
    cases: list[tuple[str, str, str, str]] = []  # (kind, position, line, planted value)
    number = 0
    for _ in range(rounds):
        for kind, generator, header, scheme in HEADER_CREDENTIALS:
            for position, template in HEADER_POSITIONS:
                if position == "proxy_set_header-unquoted" and scheme:
                    continue
                number += 1
                value = getattr(fakes, generator)()
                cases.append((kind, position, _header_line(template, header, scheme, value, number), value))
        for kind, generator, templates in NAMED_SECRETS:
            for index, template in enumerate(templates):
                number += 1
                value = fakes.hex_key(32) if generator == "hex_key_32" else getattr(fakes, generator)()
                cases.append((kind, f"{kind}-{index}", template.format(V=value, n=number), value))
        for kind, template in CONNECTION_STRINGS:
            value = fakes.url_password()
            cases.append((kind, kind, template.format(V=value), value))
        for prefix in ("    # ", "    #", "    # key for the upstream client cert:\n    # "):
            key = fakes.private_key(prefix.split("\n")[-1])
            cases.append(("private-key", "comment", (prefix.split("\n")[0] + "\n" if "\n" in prefix else "") + key,
                          key))
    rng.shuffle(cases)
    per_config = 12
    for index in range(0, len(cases), per_config):
        chunk = cases[index:index + per_config]
        n = index // per_config + 1
        lines = "\n".join(line for _, _, line, _ in chunk)
        filler = FILLER.format(n=n, lines="{lines}", csp=fakes.chars(B64, 43) + "=", filehash=fakes.chars(HEX, 20),
                               commit=fakes.chars(HEX, 40), pin=fakes.chars(B64, 43) + "=")
        text = "http {\n" + filler.replace("{lines}", lines) + "}\n"
        secrets = [Planted(kind, value, position) for kind, position, _, value in chunk]
        keep = _keep_words(filler.replace("{lines}", "")) + _structure_words(chunk) + [
            "{{ .Values.edge.apiKey }}", "${DB_PASSWORD}"]
        samples.append(Sample(f"site{n:03d}.conf", text, secrets, keep))
    samples.append(_error_log(fakes))
    samples.append(_chain_paste(fakes))
    samples.append(_secret_files(fakes))
    return samples


def _structure_words(chunk) -> list[str]:
    """Must-keep words of the secret lines themselves: directive and header
    names, variables, schemes — everything but the planted value."""
    words = []
    for _, _, line, value in chunk:
        words += [word for word in _keep_words(line.replace(value, " ")) if not any(
            char in word for char in ":：=@/,(){}") and word.lower() not in ("return", "200", "302")]
    return words


def _error_log(fakes: Fakes) -> Sample:
    token, basic, session, key = fakes.opaque(), fakes.basic(), fakes.session(), fakes.api_key()
    jwt, aws = fakes.jwt(), fakes.aws_id()
    lines = [
        f'2024/05/01 10:00:01 [error] 1234#1234: *1 upstream SSL certificate verify error: (20:unable to get local '
        f'issuer certificate) while SSL handshaking to upstream, client: 203.0.113.7, server: api.example.com, '
        f'request: "GET /v1/items?access_token={token}&page=2 HTTP/1.1", upstream: '
        f'"https://10.0.1.45:8443/v1/items?access_token={token}&page=2", host: "api.example.com"',
        f'2024/05/01 10:00:02 [debug] 1234#1234: *2 http header: "Authorization: Basic {basic}"',
        f'2024/05/01 10:00:03 [debug] 1234#1234: *3 http header: "Cookie: sessionid={session}; theme=dark"',
        f'2024/05/01 10:00:04 [info] 1234#1234: *4 client sent invalid header line: "X-Api-Key: {key}"',
        f'2024/05/01 10:00:05 [error] 1234#1234: *5 upstream prematurely closed connection, request: '
        f'"POST /hook?jwt={jwt} HTTP/1.1", referrer: "https://app.example.com/?X-Amz-Credential={aws}/20240501"',
    ]
    text = "\n".join(lines) + "\n"
    secrets = [Planted("log-query-token", token, "log"), Planted("log-basic", basic, "log"),
               Planted("log-cookie", session, "log"), Planted("log-api-key", key, "log"),
               Planted("log-jwt", jwt, "log"), Planted("log-aws-id", aws, "log")]
    keep = ["upstream", "SSL", "certificate", "verify", "error:", "(20:unable", "client:", "203.0.113.7", "server:",
            "api.example.com", "GET", "/v1/items", "HTTP/1.1", "https://10.0.1.45:8443/v1/items", "Authorization",
            "Basic", "sessionid", "theme=dark", "X-Api-Key", "POST", "/hook", "[error]", "[debug]"]
    return Sample("error.log", text, secrets, keep)


def _chain_paste(fakes: Fakes) -> Sample:
    certs = [fakes.certificate(), fakes.certificate()]
    master = fakes.hex_key(96)
    key = fakes.private_key()
    text = (
        "CONNECTED(00000003)\n"
        "depth=1 C = US, O = Example Internal CA, CN = Example Issuing CA\n"
        "verify error:num=20:unable to get local issuer certificate\n"
        "---\nCertificate chain\n"
        " 0 s:CN = api.internal.example.com\n   i:C = US, O = Example Internal CA, CN = Example Issuing CA\n"
        f"{certs[0]}\n"
        " 1 s:C = US, O = Example Internal CA, CN = Example Issuing CA\n   i:CN = Example Root CA\n"
        f"{certs[1]}\n---\n"
        "SSL-Session:\n    Protocol  : TLSv1.2\n    Cipher    : ECDHE-RSA-AES128-GCM-SHA256\n"
        f"    Session-ID: {fakes.hex_key(64).upper()}\n    Master-Key: {master.upper()}\n"
        "    Verify return code: 20 (unable to get local issuer certificate)\n---\n"
        f"and the client key I use:\n{key}\n"
    )
    cert_lines = [line for cert in certs for line in cert.splitlines()]
    keep = cert_lines + ["CONNECTED(00000003)", "Example", "Issuing", "verify", "TLSv1.2", "Master-Key:",
                         "Session-ID:", "api.internal.example.com"]
    return Sample("chain.txt", text, [Planted("tls-master-key", master.upper(), "s_client"),
                                      Planted("private-key", key, "chain")], keep)


def _secret_files(fakes: Fakes) -> Sample:
    passphrases = [fakes.password(), fakes.password()]
    hashes = [fakes.htpasswd_hash(), fakes.htpasswd_hash()]
    text = ("==> /etc/nginx/conf.d/site.conf <==\n"
            "server {\n    listen 443 ssl;\n    ssl_password_file /etc/nginx/keys/site.pass;\n"
            "    auth_basic \"Restricted\";\n    auth_basic_user_file /etc/nginx/.htpasswd;\n}\n\n"
            "==> /etc/nginx/keys/site.pass <==\n" + "\n".join(passphrases) + "\n\n"
            "==> /etc/nginx/.htpasswd <==\n" + f"admin:{hashes[0]}\nmonitor:{hashes[1]}\n")
    secrets = [Planted("password-file", value, "pasted file") for value in passphrases]
    secrets += [Planted("htpasswd", value, "pasted file") for value in hashes]
    keep = ["/etc/nginx/conf.d/site.conf", "server", "listen", "ssl_password_file", "/etc/nginx/keys/site.pass",
            "auth_basic", "Restricted", "auth_basic_user_file", "/etc/nginx/.htpasswd"]
    return Sample("pasted-files.txt", text, secrets, keep)


@dataclass
class Score:
    planted: int
    redacted: int
    kept: int
    keep_total: int
    whole_gone: int = 0
    misses: list[tuple[str, Planted]] = field(default_factory=list)
    lost: list[tuple[str, str]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        """Secrets of which no 12-character piece is left."""
        return self.redacted / self.planted if self.planted else 1.0

    @property
    def whole_recall(self) -> float:
        """Secrets no longer there as a whole (pieces may be left)."""
        return self.whole_gone / self.planted if self.planted else 1.0

    @property
    def keep_rate(self) -> float:
        return self.kept / self.keep_total if self.keep_total else 1.0


def _occurrences(text: str, word: str) -> int:
    return len(re.findall(rf"(?<![A-Za-z0-9_]){re.escape(word)}(?![A-Za-z0-9_])", text))


def score(samples: list[Sample], outputs: list[str]) -> Score:
    result = Score(0, 0, 0, 0)
    for sample, output in zip(samples, outputs, strict=True):
        for secret in sample.secrets:
            result.planted += 1
            result.whole_gone += secret.value not in output
            if any(piece in output for piece in secret.pieces()):
                result.misses.append((sample.name, secret))
            else:
                result.redacted += 1
        without_secrets = sample.text
        for secret in sample.secrets:
            without_secrets = without_secrets.replace(secret.value, "\x00")
        for word in dict.fromkeys(sample.keep):
            expected = _occurrences(without_secrets, word)
            found = min(expected, _occurrences(output, word))
            result.keep_total += expected
            result.kept += found
            if found < expected:
                result.lost.append((sample.name, word))
    return result


def our_outputs(samples: list[Sample], topology: bool = False) -> list[str]:
    from upstream_tls.redact import redact
    return [redact(sample.text, topology=topology).text for sample in samples]


def detect_secrets_outputs(samples: list[Sample]) -> tuple[list[str], list[set[int]]] | None:
    """(each text with every value detect-secrets reports removed, the lines it
    flags), from its default plugins on the same files; None if absent."""
    try:
        from detect_secrets import SecretsCollection
        from detect_secrets.settings import default_settings
    except ImportError:
        return None
    outputs, flagged = [], []
    with tempfile.TemporaryDirectory() as directory, default_settings():
        for sample in samples:
            path = Path(directory) / sample.name
            path.write_text(sample.text)
            collection = SecretsCollection()
            collection.scan_file(str(path))
            lines = sample.text.split("\n")
            found = [secret for secrets in collection.data.values() for secret in secrets]
            flagged.append({secret.line_number for secret in found})
            for secret in found:
                index = secret.line_number - 1
                if secret.type == "Private Key":
                    end = next((i for i in range(index, len(lines)) if "-----END" in lines[i]), index)
                    for position in range(index, end + 1):
                        lines[position] = ""
                elif secret.secret_value:
                    lines[index] = lines[index].replace(secret.secret_value, "")
            outputs.append("\n".join(lines))
    return outputs, flagged


def flagged_recall(samples: list[Sample], flagged: list[set[int]]) -> float:
    """Secrets on a line detect-secrets flags (its most generous reading)."""
    total = hits = 0
    for sample, lines in zip(samples, flagged, strict=True):
        for secret in sample.secrets:
            total += 1
            start = sample.text.find(secret.value)
            first = sample.text.count("\n", 0, start) + 1
            span = range(first, first + secret.value.count("\n") + 1)
            hits += any(line in lines for line in span)
    return hits / total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--no-detect-secrets", action="store_true")
    parser.add_argument("--show-misses", action="store_true", help="list missed secrets (kind, position) and "
                        "lost must-keep words")
    args = parser.parse_args(argv)
    samples = build_corpus(args.seed, args.rounds)
    started = time.perf_counter()
    ours = score(samples, our_outputs(samples))
    elapsed = time.perf_counter() - started
    planted = sum(len(sample.secrets) for sample in samples)
    keep_total = ours.keep_total
    print(f"corpus: {len(samples)} files, {planted} planted secrets, {keep_total} must-keep words (seed {args.seed})")
    print(f"{'':<16}{'recall':>10}{'keep-rate':>12}{'whole values gone':>20}")
    print(f"{'upstream-tls':<16}{ours.recall:>10.1%}{ours.keep_rate:>12.1%}{ours.whole_recall:>20.1%}"
          f"   ({elapsed:.2f} s)")
    if not args.no_detect_secrets:
        detected = detect_secrets_outputs(samples)
        if detected is None:
            print("detect-secrets: not installed (pip install '.[bench]')")
        else:
            outputs, flagged = detected
            theirs = score(samples, outputs)
            print(f"{'detect-secrets':<16}{theirs.recall:>10.1%}{theirs.keep_rate:>12.1%}{theirs.whole_recall:>20.1%}"
                  f"   (secrets on a line it flags: {flagged_recall(samples, flagged):.1%})")
    if args.show_misses:
        for name, secret in ours.misses:
            print(f"missed: {name}: {secret.kind} in {secret.position}")
        for name, word in ours.lost:
            print(f"lost: {name}: {word}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
