"""Redaction, kind by kind and position by position: the value goes, the
placeholder says what it was, everything around it stays, and restore puts
it back byte for byte.

Fake secrets are built at run time from a seeded generator, so no file in
the repository holds anything shaped like a real token.
"""
from __future__ import annotations

import base64
import json
import random
import string

import pytest

from upstream_tls import parse
from upstream_tls.output.json import redacted_payload
from upstream_tls.redact import KINDS, RedactionMap, redact, restore

RNG = random.Random(4)
ALNUM = string.ascii_letters + string.digits


def fake(prefix: str, length: int, alphabet: str = ALNUM) -> str:
    return prefix + "".join(RNG.choice(alphabet) for _ in range(length - 1)) + "7"


JWT = (base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').decode().rstrip("=") + "."
       + base64.urlsafe_b64encode(b'{"sub":"1234567890","name":"svc"}').decode().rstrip("=") + "." + fake("", 43))
BASIC = base64.b64encode(b"deploy:" + fake("", 16).encode()).decode()
OPAQUE = fake("", 32)
HEX32 = fake("", 32, "0123456789abcdef")

# (line with {S} where the secret goes, the secret, the placeholder tag)
CASES = [
    ('proxy_set_header Authorization "Bearer {S}";', OPAQUE, "BEARER"),
    ("proxy_set_header Authorization 'Basic {S}';", BASIC, "BASIC_AUTH"),
    ('proxy_set_header Proxy-Authorization "Basic {S}";', BASIC, "BASIC_AUTH"),
    ("proxy_set_header Authorization 'Digest username=\"svc\", response=\"{S}\"';", HEX32, "DIGEST_AUTH"),
    ('proxy_set_header Authorization "Token token={S}";', OPAQUE, "AUTH_TOKEN"),
    ("proxy_set_header X-Api-Key {S};", OPAQUE, "API_KEY"),
    ("proxy_set_header api-key {S};", OPAQUE, "API_KEY"),
    ("add_header X-Auth-Token '{S}' always;", OPAQUE, "AUTH_TOKEN"),
    ('more_set_headers "X-Api-Key: {S}";', OPAQUE, "API_KEY"),
    ('grpc_set_header authorization "Bearer {S}";', JWT, "JWT"),
    ('fastcgi_param HTTP_AUTHORIZATION "Bearer {S}";', OPAQUE, "BEARER"),
    ("uwsgi_param DB_PASSWORD '{S}';", "correct-horse-42", "PASSWORD"),
    ('set $api_secret "{S}";', OPAQUE, "SECRET"),
    ('if ($http_x_api_key != "{S}") { return 401; }', OPAQUE, "API_KEY"),
    ('if ($http_authorization !~ "^Bearer {S}$") { return 401; }', OPAQUE, "BEARER"),
    ('map $http_x_api_key $client { default ""; "{S}" client_one; }', OPAQUE, "API_KEY"),
    ("map $host $upstream_token { default '{S}'; }", OPAQUE, "AUTH_TOKEN"),
    ("return 302 https://app.example.com/cb?access_token={S}&next=/;", OPAQUE, "AUTH_TOKEN"),
    ("return 200 '{\"api_key\": \"{S}\"}';", OPAQUE, "API_KEY"),
    ("# curl -H 'Authorization: Bearer {S}' https://api.example.com/", OPAQUE, "BEARER"),
    ('access_by_lua_block { ngx.req.set_header("Authorization", "Bearer {S}") }', OPAQUE, "BEARER"),
    ('proxy_set_header Cookie "sessionid={S}; theme=dark";', HEX32, "SESSION_COOKIE"),
    ("add_header Set-Cookie 'SESSION={S}; Path=/; HttpOnly';", HEX32, "SESSION_COOKIE"),
    ('if ($cookie_session = "{S}") { return 403; }', HEX32, "SESSION_COOKIE"),
    ("proxy_set_header X-Internal-Check {S};", fake("", 36), "HIGH_ENTROPY"),
    ("secure_link_secret {S};", "enigma2024", "NGINX_SECRET"),
    ('secure_link_md5 "$secure_link_expires$uri {S}";', "enigma2024", "NGINX_SECRET"),
    ('auth_jwt_key "{S}" hex;', fake("", 64, "0123456789abcdef"), "NGINX_SECRET"),
    ("env SMTP_PASSWORD={S};", "Tr0ub4dor&3", "PASSWORD"),
    ("# DATABASE_URL=postgres://app:{S}@db.internal:5432/app", "Pa55w0rd", "PASSWORD"),
    ('fastcgi_param DSN "mysql://root:{S}@mysql.internal:3306/shop";', "Pa55w0rd", "PASSWORD"),
    ("env MONGO=mongodb+srv://admin:{S}@cluster0.example.net/db;", "Pa55w0rd", "PASSWORD"),
    ("set $redis 'redis://:{S}@cache.internal:6379/0';", "Pa55w0rd", "PASSWORD"),
    ("# amqp://guest:{S}@mq.internal:5672/", "Pa55w0rd", "PASSWORD"),
    ("# curl -u deploy:{S} https://registry.example.com/", "Pa55w0rd", "PASSWORD"),
    ("return 302 https://hooks.slack.com/services/{S};", "T0123ABCD/B0123ABCDE/" + fake("", 24), "SLACK_WEBHOOK"),
    ("# ssl_session_ticket_key material: {S}", base64.b64encode(RNG.randbytes(80)).decode(), "KEY_MATERIAL"),
    ("# admin:{S}", "$apr1$" + fake("", 8) + "$" + fake("", 22), "PASSWORD_HASH"),
    ("    Master-Key: {S}", fake("", 96, "0123456789ABCDEF"), "KEY_MATERIAL"),
]

PROVIDERS = [
    (fake("AKIA", 20, string.ascii_uppercase + "234567"), "AWS_ACCESS_KEY_ID"),
    (fake("ghp_", 40), "GITHUB_TOKEN"),
    (fake("github_pat_", 93, ALNUM + "_"), "GITHUB_TOKEN"),
    (fake("glpat-", 26), "GITLAB_TOKEN"),
    (fake("xoxb-1234567890-", 40), "SLACK_TOKEN"),
    (fake("sk_live_", 32), "STRIPE_KEY"),
    (fake("rk_live_", 32), "STRIPE_KEY"),
    (fake("pk_test_", 32), "STRIPE_KEY"),
    (fake("sk-proj-", 72), "OPENAI_KEY"),
    (fake("sk-", 51), "OPENAI_KEY"),
    (fake("sk-ant-api03-", 108), "ANTHROPIC_KEY"),
    (fake("AIza", 35), "GOOGLE_API_KEY"),
    (fake("SG.", 25) + "." + fake("", 43), "SENDGRID_KEY"),
    (fake("AC", 32, "0123456789abcdef"), "TWILIO"),
    (fake("SK", 32, "0123456789abcdef"), "TWILIO"),
    (JWT, "JWT"),
    (fake("", 40, ALNUM + "+/"), "AWS_SECRET_KEY"),
]


def test_every_kind_has_a_unique_code_and_tag():
    assert len({kind.code for kind in KINDS}) == len(KINDS) == len({kind.tag for kind in KINDS})
    assert all(kind.code.startswith("SEC0") for kind in KINDS)


@pytest.mark.parametrize(("line", "secret", "tag"), CASES, ids=[f"{tag}:{line[:30]}" for line, _, tag in CASES])
def test_position(line, secret, tag):
    text = f"location / {{\n    {line.replace('{S}', secret)}\n}}\n"
    result = redact(text)
    assert secret not in result.text
    assert f"REDACTED_{tag}_1" in result.text
    assert restore(result.text, result.mapping).text == text
    assert result.text.count("\n") == text.count("\n")


@pytest.mark.parametrize(("token", "tag"), PROVIDERS, ids=[tag for _, tag in PROVIDERS])
@pytest.mark.parametrize("template", ['proxy_set_header X-Custom "{T}";', "# deploy with {T} (rotated)",
                                      "set $value '{T}';", "2024/05/01 [error] 1#1: request: \"GET /?x={T} HTTP/1.1\""])
def test_provider_shapes_anywhere(token, tag, template):
    text = template.replace("{T}", token) + "\n"
    result = redact(text)
    assert token not in result.text
    assert f"REDACTED_{tag}_1" in result.text
    assert restore(result.text, result.mapping).text == text


def test_private_key_in_comments_keeps_line_count_and_tree():
    body = "\n".join("    # " + fake("", 64, ALNUM + "+/") for _ in range(5))
    text = ("server {\n    listen 443 ssl;\n    # -----BEGIN EC PRIVATE KEY-----\n" + body
            + "\n    # -----END EC PRIVATE KEY-----\n    ssl_certificate_key /etc/nginx/site.key;\n}\n")
    result = redact(text)
    assert "BEGIN" not in result.text and body.splitlines()[2].strip("# ") not in result.text
    lines = result.text.split("\n")
    assert lines[2] == "    # REDACTED_PRIVATE_KEY_1" and lines[3:9] == [""] * 6
    assert len(lines) == len(text.split("\n"))
    assert parse(result.text).files[0].root.children[0].children[1].line == 10
    assert restore(result.text, result.mapping).text == text


def test_certificates_stay_and_a_cut_key_still_goes():
    cert = "-----BEGIN CERTIFICATE-----\n" + fake("", 64, ALNUM + "+/") + "\n-----END CERTIFICATE-----\n"
    key = "-----BEGIN RSA PRIVATE KEY-----\n" + fake("", 64, ALNUM + "+/") + "\n" + fake("", 64, ALNUM + "+/")
    result = redact(cert + key + "\n")
    assert cert in result.text
    assert "REDACTED_PRIVATE_KEY_1" in result.text and key.splitlines()[2] not in result.text


def test_what_configs_are_full_of_stays():
    text = """\
server {
    listen 443 ssl http2;
    server_name api.example.com;
    ssl_certificate_key /etc/nginx/certs/site.key;
    ssl_password_file /etc/nginx/keys/global.pass;
    ssl_session_ticket_key /etc/nginx/keys/ticket.key;
    ssl_session_cache shared:SSL:10m;
    server_tokens off;
    proxy_cache_key "$scheme$request_method$host$request_uri";
    auth_basic_user_file /etc/nginx/.htpasswd;
    add_header Content-Security-Policy "script-src 'self' 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='";
    add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;
    location = /static/js/main.3f9a8c21b7e04d1a9c3e.chunk.js { expires 1y; }
    location ~* \\.(?:css|js|woff2)$ { try_files $uri $uri/ /index.html; }
    location /api/ {
        proxy_pass https://backend;
        proxy_set_header Authorization $http_authorization;
        proxy_set_header X-Request-Id $request_id;
        proxy_set_header Authorization "Bearer $jwt";
        proxy_pass_header Authorization;
        # rotate the token every 90 days; the password policy is in the wiki
        set $session_name "myapp_session";
        fastcgi_param PHP_VALUE "upload_max_filesize=64M";
    }
}
"""
    result = redact(text)
    assert result.text == text and not result.report


def test_same_secret_same_placeholder_and_repeats_are_caught():
    text = (f'proxy_set_header X-Api-Key {OPAQUE};\nproxy_set_header X-Other-Key {OPAQUE};\n'
            f"# the old key {OPAQUE} was rotated.\n")
    result = redact(text)
    assert OPAQUE not in result.text
    assert result.text.count("REDACTED_API_KEY_1") == 3 and len(result.mapping.placeholders) == 1


def test_report_never_holds_a_value():
    text = f'proxy_set_header Authorization "Bearer {OPAQUE}";\n# password={OPAQUE[:12]}\n'
    result = redact(text)
    report = json.dumps([redacted_payload(entry) for entry in result.report])
    assert OPAQUE not in report and OPAQUE[:12] not in report and OPAQUE not in repr(result)
    assert [(entry.line, entry.kind.name, entry.count) for entry in result.report] == [
        (1, "bearer-token", 1), (2, "password", 1)]
    assert result.summary() == {"bearer-token": 1, "password": 1}


def test_restore_reports_unknown_and_altered_placeholders():
    text = f"proxy_set_header X-Api-Key {OPAQUE};\n"
    result = redact(text)
    answer = ("Keep REDACTED_API_KEY_1 as is.\nI renamed it REDACTED_API_KEY_2\nand redacted_api_key_1 "
              "and REDACTED_API_KEY_12.\n")
    restored = restore(answer, result.mapping)
    assert restored.text == answer.replace("REDACTED_API_KEY_1 ", OPAQUE + " ", 1)
    assert [(u.placeholder, u.line) for u in restored.unknown_placeholders] == [
        ("REDACTED_API_KEY_2", 2), ("redacted_api_key_1", 3), ("REDACTED_API_KEY_12", 3)]


def test_placeholders_already_in_the_input_are_never_issued_or_reported():
    text = f"# REDACTED_API_KEY_1 was the old one\nproxy_set_header X-Api-Key {OPAQUE};\n"
    result = redact(text)
    assert "REDACTED_API_KEY_2" in result.text
    restored = restore(result.text, result.mapping)
    assert restored.text == text and not restored.unknown_placeholders


def test_map_round_trips_through_json_and_rejects_anything_else():
    result = redact(f"set $db_password '{OPAQUE}';\n")
    mapping = RedactionMap.from_json(result.mapping.to_json())
    assert mapping == result.mapping and OPAQUE not in repr(mapping)
    for bad in ("not json", "[]", '{"version": 2}', '{"version": 1, "placeholders": {"a": 1}}'):
        with pytest.raises(ValueError) as error:
            RedactionMap.from_json(bad)
        assert "1}" not in str(error.value)


def test_topology_is_consistent_and_optional():
    text = ("upstream billing { server 10.0.2.10:8443; server billing-2.internal.example.com:8443; }\n"
            "server { server_name api.example.com; location / { proxy_pass https://billing; }\n"
            "  location /b/ { proxy_pass https://billing-2.internal.example.com; allow 192.168.1.0/24; } }\n"
            "# arn:aws:iam::123456789012:role/nginx-s3, account 123456789012\n")
    secrets_only = redact(text)
    assert secrets_only.text == text.replace("123456789012", "REDACTED_AWS_ACCOUNT_1")  # account ids always go
    result = redact(text, topology=True)
    for value in ("10.0.2.10", "billing-2.internal.example.com", "api.example.com", "192.168.1.0",
                  "123456789012", "billing", "role/nginx-s3"):
        assert value not in result.text
    assert result.text.count("REDACTED_UPSTREAM_1") == 2 and result.text.count("REDACTED_HOST_1") == 2
    assert "# REDACTED_AWS_ARN_1, account REDACTED_AWS_ACCOUNT_1" in result.text
    assert "/24" in result.text and ":8443" in result.text
    assert restore(result.text, result.mapping).text == text


def test_scrub_shows_the_redacted_line():
    text = f'map $http_x_api_key $client {{\n    "{OPAQUE}" client_one\n}}\n'
    message = str(parse(text, "site.conf").diagnostics[0])
    assert OPAQUE in message
    assert redact(text).scrub(message) == 'site.conf:2: directive "REDACTED_API_KEY_1" is not terminated by ";"'
