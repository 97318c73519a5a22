"""Credentials outside nginx's own syntax — free text in comments and notes,
pasted shell commands, env-var directives, Lua and Perl literals: each
detector's firing fixtures (the secret and nothing else goes) and its
non-firing ones (ordinary prose, variables, prompts and placeholders stay
byte for byte).

Fake secrets are built at run time from a seeded generator.
"""
from __future__ import annotations

import random
import string

import pytest

from upstream_tls.redact import redact, restore

RNG = random.Random(13)


def fake(length: int = 14, symbols: str = "!%*+-_.@^~") -> str:
    """Upper, lower, digit and a symbol: no word, no regex, no path."""
    body = [RNG.choice(string.ascii_uppercase), RNG.choice(string.ascii_lowercase), RNG.choice(string.digits)]
    body += [RNG.choice(string.ascii_letters + string.digits) for _ in range(length - 4)]
    return "".join(body) + RNG.choice(symbols)


def hexadecimal(length: int) -> str:
    return "".join(RNG.choice("0123456789abcdef") for _ in range(length))


def only_the_secret_goes(line: str, secret: str, tag: str) -> None:
    text = f"server {{\n    {line}\n}}\n"
    result = redact(text)
    (name,) = [name for name, value in result.mapping.placeholders.items() if value == secret]
    assert name.startswith(f"REDACTED_{tag}_")
    assert result.text == text.replace(secret, name)
    assert restore(result.text, result.mapping).text == text


def stays(line: str) -> None:
    text = f"server {{\n    {line}\n}}\n"
    assert redact(text).text == text


# (line with {S}, tag)
PROSE = [
    ("# password: {S}", "PASSWORD"),
    ("# Password for the SMTP relay: {S}", "PASSWORD"),
    ("# SMTP relay pass {S}", "PASSWORD"),
    ("# the root password for db01 is {S}", "PASSWORD"),
    ("# prod db password -> {S}", "PASSWORD"),
    ("# PASSWORD = {S}  (rotated quarterly)", "PASSWORD"),
    ("# temp password set to {S} until Friday", "PASSWORD"),
    ("# **Password:** `{S}`", "PASSWORD"),
    ("# [password] {S}", "PASSWORD"),
    ("# admin password is “{S}”", "PASSWORD"),
    ("listen 443 ssl; # pw {S}", "PASSWORD"),
    ("# login: admin / pass: {S}", "PASSWORD"),
    ("# creds for grafana: admin / {S}", "PASSWORD"),
    ("# default creds admin:{S}", "PASSWORD"),
    ("# root/{S} on the bastion", "PASSWORD"),
    ("# Passwort für den Relay: {S}", "PASSWORD"),
    ("# Das Passwort lautet {S}", "PASSWORD"),
    ("# mot de passe : {S}", "PASSWORD"),
    ("# le mot de passe de la base est {S}", "PASSWORD"),
    ("# contraseña del admin: {S}", "PASSWORD"),
    ("# senha do banco: {S}", "PASSWORD"),
    ("# la password di root è {S}", "PASSWORD"),
    ("# wachtwoord: {S}", "PASSWORD"),
    ("# hasło do bazy: {S}", "PASSWORD"),
    ("# пароль от базы — {S}", "PASSWORD"),
    ("# пароль администратора: {S}", "PASSWORD"),
    ("# 数据库密码：{S}", "PASSWORD"),
    ("# DBのパスワードは {S}", "PASSWORD"),
    ("# 관리자 비밀번호: {S}", "PASSWORD"),
    ("# veritabanı şifresi: {S}", "PASSWORD"),
    ("# lösenordet är {S}", "PASSWORD"),
    ("# client secret = {S}", "SECRET"),
    ("# access token: {S}", "AUTH_TOKEN"),
    ("# api key {S}", "API_KEY"),
    ("# <password>{S}</password>", "PASSWORD"),
    ("# requirepass {S}", "PASSWORD"),
]


@pytest.mark.parametrize(("line", "tag"), PROSE, ids=[line for line, _ in PROSE])
def test_prose_credentials(line, tag):
    secret = fake()
    only_the_secret_goes(line.replace("{S}", secret), secret, tag)


def test_a_passphrase_of_plain_words_goes_whole():
    only_the_secret_goes("# passphrase: velvet orbit granite lumen", "velvet orbit granite lumen", "PASSWORD")


def test_a_plural_label_takes_its_list():
    first, second = fake(), fake()
    result = redact(f"# passwords: {first}, {second}\n")
    assert first not in result.text and second not in result.text


ORDINARY_PROSE = [
    "# Pass the Authorization header through to the upstream",
    "# pass requests to backend2 and keep the Host header",
    "# password support optimization bug, introduced in d791b4aab (1.23.1)",
    "# Bearer token is uses to authorize NGINX to access protected backend",
    "# token refresh: enabled",
    "# key: $binary_remote_addr (4 bytes) for IPv4",
    "# found in key",
    "# This key value zone allows us to cache a portion of the cryptographic",
    "# password: see 1Password (vault \"Infra\")",
    "# password: (empty)",
    "# password is stored in the k8s secret nginx-basic-auth",
    "# Passwort: siehe KeePass",
    "# mot de passe : voir le coffre",
    "# passwords are stored in Vault, not here",
    "# The API key must be sent as X-Api-Key; rotate it every 90 days",
    "# login page at /login, password reset at /password/reset",
    "# Secret: none, we rely on mTLS",
    "# token: ${GITHUB_TOKEN}",
    "# password: <REPLACE_ME>",
    "# password = %(password)s",
    "# passphrase: stored in /etc/nginx/ssl/pass.txt",
    "auth_basic \"Password required\";",
    "ssl_password_file /etc/nginx/ssl/passwords.txt;",
    "content_by_lua_block { ngx.say(\"token expired\") }",
]


@pytest.mark.parametrize("line", ORDINARY_PROSE)
def test_ordinary_prose_stays(line):
    stays(line)


SHELL = [
    ("# redis-cli -h cache.internal -p 6379 -a {S} --no-auth-warning ping", "PASSWORD"),
    ("# $ redis-cli --pass '{S}' info replication", "PASSWORD"),
    ("# redis-cli CONFIG SET requirepass \"{S}\"", "PASSWORD"),
    ("# REDISCLI_AUTH={S} redis-cli ping", "PASSWORD"),
    ("# mysql -h db.internal -uapp -p{S} -e 'select 1'", "PASSWORD"),
    ("# mysqldump -u root -p'{S}' shop > /tmp/shop.sql", "PASSWORD"),
    ("# mysql --user=root --password=\"{S}\" shop", "PASSWORD"),
    ("# PGPASSWORD={S} psql -h db.internal -U app app", "PASSWORD"),
    ("# curl -sSu deploy:{S} https://registry.example.com/v2/_catalog", "PASSWORD"),
    ("# curl --user \"ops:{S}\" -X POST https://ci.example.com/job/build", "PASSWORD"),
    ("# wget --http-user=ops --http-password={S} https://files.example.com/a.tgz", "PASSWORD"),
    ("# some-tool --password {S} --verbose", "PASSWORD"),
    ("# ./deploy.sh --api-token={S} --env prod", "AUTH_TOKEN"),
    ("# htpasswd -b /etc/nginx/.htpasswd alice {S}", "PASSWORD"),
    ("# sudo htpasswd -cbB -C 12 /etc/nginx/.htpasswd monitor {S}", "PASSWORD"),
    ("# htpasswd -nb grafana '{S}' >> /etc/nginx/.htpasswd", "PASSWORD"),
    ("# openssl pkcs12 -export -in a.crt -inkey a.key -out a.p12 -passout pass:{S}", "PASSWORD"),
    ("# openssl rsa -in enc.key -out site.key -passin 'pass:{S}'", "PASSWORD"),
    ("# printf 'ops:%s\\n' \"$(openssl passwd -apr1 {S})\" >> .htpasswd", "PASSWORD"),
    ("# sshpass -p '{S}' ssh deploy@10.0.4.12 'sudo nginx -s reload'", "PASSWORD"),
    ("# docker login -u deploy -p {S} registry.example.com", "PASSWORD"),
    ("# echo '{S}' | docker login --username deploy --password-stdin ghcr.io", "PASSWORD"),
    ("# echo \"{S}\" | sudo -S systemctl reload nginx", "PASSWORD"),
    ("# echo '{S}' | openssl passwd -apr1 -stdin >> /etc/nginx/.htpasswd", "PASSWORD"),
    ("# ldapsearch -x -D cn=nginx,dc=example,dc=org -w {S} uid=alice", "PASSWORD"),
    ("# keytool -importkeystore -srckeystore a.p12 -srcstorepass {S} -destkeystore a.jks", "PASSWORD"),
    ("# mongo -u admin -p {S} --authenticationDatabase admin", "PASSWORD"),
    ("# sqlplus system/{S}@ORCL", "PASSWORD"),
    ("# smbclient //fs/share -U backup%{S}", "PASSWORD"),
    ("# aws configure set aws_secret_access_key {S}", "SECRET"),
    ("# kubectl create secret generic db --from-literal=password={S} -n edge", "PASSWORD"),
    ("# DSN: Server=sql01;Database=shop;User Id=app;Password={S};Encrypt=true", "PASSWORD"),
    ("# conninfo host=db port=5432 user=app password={S} dbname=app", "PASSWORD"),
    ("# Driver={{ODBC Driver 18}};Server=db;UID=app;PWD={{{S}}};", "PASSWORD"),
    ("# db.internal:5432:app:app:{S}", "PASSWORD"),
]


@pytest.mark.parametrize(("line", "tag"), SHELL, ids=[line.split()[1] + ":" + line[-24:] for line, _ in SHELL])
def test_shell_commands(line, tag):
    secret = fake()
    only_the_secret_goes(line.replace("{{", "{").replace("}}", "}").replace("{S}", secret), secret, tag)


@pytest.mark.parametrize("secret", ["-3!F^GdCoQ5uEFK", "-c+lqvcdFA3~", "-dzANwnGCn6Za"])
def test_a_password_that_starts_with_a_dash_is_still_one(secret):
    only_the_secret_goes(f"# sshpass -p '{secret}' ssh deploy@edge", secret, "PASSWORD")
    only_the_secret_goes(f"# htpasswd -b /etc/nginx/.htpasswd alice {secret}", secret, "PASSWORD")
    only_the_secret_goes(f"# ./bin/sync-certs --password {secret} --host 10.0.3.15", secret, "PASSWORD")


ORDINARY_COMMANDS = [
    "# redis-cli -h cache.internal -p 6379 ping",
    "# redis-cli -a \"$REDIS_PASSWORD\" ping",
    "# redis-cli -a \"$(cat /run/secrets/redis)\" ping",
    "# mysql -uroot -p shop",
    "# mysql -u root -p < dump.sql",
    "# mysql -h prod-db -P 3306 -u app app",
    "# mysql -uroot -p\"${MYSQL_ROOT_PASSWORD}\" shop",
    "# curl -u \"$CI_USER:$CI_TOKEN\" https://ci.example.com",
    "# curl -u admin https://x/",
    "# docker run -p 8080:80 -e NGINX_HOST=example.com nginx",
    "# docker login -u ci --password-stdin < token.txt",
    "# echo \"$DOCKER_PASSWORD\" | docker login -u ci --password-stdin",
    "# openssl req -x509 -newkey rsa:4096 -keyout key.pem -out cert.pem -days 365",
    "# openssl rsa -in key.pem -passin env:KEY_PASS -out plain.pem",
    "# openssl rsa -in key.pem -passin file:/run/secrets/keypass -out plain.pem",
    "# htpasswd -c /etc/nginx/.htpasswd admin",
    "# PGPASSWORD=$PGPASS pg_dump -h db app",
    "# export API_TOKEN=\"${API_TOKEN:?set me}\"",
    "# ansible-playbook --ask-pass site.yml",
    "# ./configure --with-http_ssl_module --with-http_v2_module",
]


@pytest.mark.parametrize("line", ORDINARY_COMMANDS)
def test_ordinary_commands_stay(line):
    stays(line)


def test_a_shell_default_goes_and_its_name_stays():
    secret = fake()
    only_the_secret_goes(f"# export DB_PASSWORD=${{DB_PASSWORD:-{secret}}}", secret, "PASSWORD")


# Environment variables named for what they hold, through every directive
# that sets one.
ENV_NAMES = [
    ("env MYAPP_MASTER_KEY={S};", "SECRET"),
    ("env SECRET_KEY_BASE={S};", "SECRET"),
    ("passenger_env_var SECRET_KEY_BASE {S};", "SECRET"),
    ("passenger_env_var RAILS_MASTER_KEY \"{S}\";", "SECRET"),
    ("fastcgi_param APP_MASTER_KEY '{S}';", "SECRET"),
    ("fastcgi_param SECRET_KEY_BASE {S} if_not_empty;", "SECRET"),
    ("uwsgi_param DJANGO_SECRET_KEY \"{S}\";", "SECRET"),
    ("scgi_param SESSION_SECRET {S};", "SECRET"),
    ("fastcgi_param REDIS_AUTH {S};", "PASSWORD"),
    ("set_by_lua $rails_master_key 'return \"{S}\"';", "SECRET"),
    ("set_by_lua_block $signing_secret {{ return \"{S}\" }}", "SECRET"),
    ("perl_set $secret_key_base 'sub {{ \"{S}\" }}';", "SECRET"),
    ("perl_set $api_token 'sub {{ return \"{S}\"; }}';", "AUTH_TOKEN"),
]


@pytest.mark.parametrize(("line", "tag"), ENV_NAMES, ids=[line for line, _ in ENV_NAMES])
@pytest.mark.parametrize("value", ["hex16", "hex64", "mixed"])
def test_env_names_say_what_they_hold(line, tag, value):
    secret = {"hex16": hexadecimal(16), "hex64": hexadecimal(64), "mixed": fake(24)}[value]
    only_the_secret_goes(line.replace("{{", "{").replace("}}", "}").replace("{S}", secret), secret, tag)


@pytest.mark.parametrize("line", [
    "env SECRET_KEY_BASE;",
    "passenger_env_var SECRET_KEY_BASE $secret_key_base;",
    "passenger_env_var SECRET_KEY_BASE ${SECRET_KEY_BASE};",
    "env DB_PASSWORD={{ .Values.db.password }};",
    "fastcgi_param DB_PASSWORD \"%(db_password)s\";",
    "fastcgi_param PHP_AUTH_PW $http_authorization;",
    "fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;",
    "set_by_lua $res 'return ngx.md5(ngx.var.uri)';",
    "set_by_lua_block $random_token { return require(\"resty.random\").token(16) }",
    "perl_set $uppercase 'sub { return uc $_[0]->uri; }';",
    "perl_set $api_token 'sub { my $r = shift; return $r->header_in(\"X-Token\"); }';",
])
def test_env_and_code_without_a_literal_secret_stay(line):
    stays(line)


def test_a_literal_handed_to_a_signing_call_goes():
    secret = fake(12)
    only_the_secret_goes(f"set_by_lua $sig 'return ngx.hmac_sha1(\"{secret}\", ngx.var.uri)';", secret, "SECRET")
    only_the_secret_goes(f"js_var $x 1; # crypto.createHmac('sha256', '{secret}')", secret, "SECRET")


def test_a_wordpress_salt_with_a_dollar_goes_whole():
    salt = "Xk#9!mQ2@vL7$pR4^tW1&zB6*nY3"
    result = redact(f"fastcgi_param AUTH_SALT '{salt}';\n")
    assert "pR4" not in result.text and result.text == "fastcgi_param AUTH_SALT 'REDACTED_SECRET_1';\n"
