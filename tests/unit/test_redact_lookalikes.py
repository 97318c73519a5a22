"""What looks like a secret and is not stays byte for byte — template
placeholders, HPKP pins, CSP and SRI hashes, commit SHAs and build ids,
zone names with "key" in them, ARN resource paths, public keys — and what
hides inside it still goes: an AWS account id in any ARN (by default), a
secret next to a placeholder, a whole ARN with --topology.
"""
from __future__ import annotations

import base64
import random

import pytest

from upstream_tls import parse
from upstream_tls.redact import redact, restore

RNG = random.Random(29)


def b64(size: int) -> str:
    return base64.b64encode(RNG.randbytes(size)).decode()


def hexadecimal(length: int) -> str:
    return "".join(RNG.choice("0123456789abcdef") for _ in range(length))


def account() -> str:
    return str(RNG.randrange(10 ** 11, 10 ** 12))


LOOKALIKES = [
    # Template placeholders, where a secret would be.
    "env DB_PASSWORD={{ .Values.db.password }};",
    "env DB_PASSWORD={{ .Values.postgresql.auth.password | quote }};",
    "passenger_env_var SECRET_KEY_BASE ${SECRET_KEY_BASE};",
    "proxy_set_header Authorization \"Bearer <REPLACE_ME>\";",
    "proxy_set_header Authorization \"Bearer ${API_TOKEN}\";",
    "proxy_set_header X-Api-Key <token>;",
    "proxy_set_header X-Api-Key \"<your-api-key>\";",
    "fastcgi_param DB_PASSWORD \"%(db_password)s\";",
    "fastcgi_param DB_PASSWORD '{{ vault_db_password }}';",
    "fastcgi_param DB_PASSWORD <%= @db_password %>;",
    "fastcgi_param DB_PASSWORD \"@DB_PASSWORD@\";",
    "fastcgi_param DB_PASSWORD __DB_PASSWORD__;",
    "fastcgi_param DB_PASSWORD \"$(DB_PASSWORD)\";",
    "fastcgi_param DB_PASSWORD \"${env:DB_PASSWORD}\";",
    "fastcgi_param API_KEY YOUR_API_KEY_HERE;",
    "fastcgi_param API_KEY \"xxxxxxxxxxxxxxxx\";",
    "fastcgi_param API_KEY \"my-client-secret\";",
    "# password: {{ .Values.password }}",
    # Pins, hashes, digests, nonces: published or derived from public content.
    f"add_header Public-Key-Pins 'pin-sha256=\"{b64(32)}\"; pin-sha256=\"{b64(32)}\"; max-age=5184000' always;",
    f"add_header Public-Key-Pins-Report-Only \"pin-sha256=\\\"{b64(32)}\\\"; report-uri=\\\"https://r.example.com/\\\"\";",
    f"add_header Content-Security-Policy \"script-src 'self' 'sha256-{b64(32)}' 'nonce-{hexadecimal(16)}'\" always;",
    f"# <script src=\"/app.js\" integrity=\"sha384-{b64(48)}\" crossorigin=\"anonymous\"></script>",
    f"add_header X-Image-Digest \"sha256:{hexadecimal(64)}\";",
    # Commit SHAs and build ids in headers named for them.
    f"add_header X-Git-Commit {hexadecimal(40)} always;",
    f"add_header X-Git-Sha \"{hexadecimal(40)}\";",
    f"add_header X-Revision {hexadecimal(7)};",
    f"add_header X-Source-Revision \"{hexadecimal(40)}\";",
    f"proxy_set_header X-Amz-Content-Sha256 {hexadecimal(64)};",
    f"add_header X-Build-Id 2024.05.{RNG.randrange(100, 999)}-{hexadecimal(8)};",
    f"add_header X-Version \"2.14.3+sha.{hexadecimal(8)}\";",
    f"add_header X-Release v1.2.3-14-g{hexadecimal(7)};",
    f"add_header X-Trace-Id {hexadecimal(32)};",
    f"# deployed from commit {hexadecimal(40)}",
    # Zones, caches, dictionaries and variables with key/token/secret in the name.
    "limit_req_zone $binary_remote_addr zone=api_key_limit:10m rate=5r/s;",
    "limit_req_zone $http_x_api_key zone=apikey:10m rate=100r/m;",
    "limit_req zone=api_key_limit burst=10 nodelay;",
    "limit_conn_zone $binary_remote_addr zone=secret_area:1m;",
    "limit_conn secret_area 10;",
    "proxy_cache_path /var/cache/nginx levels=1:2 keys_zone=token_cache:10m max_size=1g;",
    "keyval_zone zone=api_keys:1m state=/var/lib/nginx/state/api_keys.json;",
    "lua_shared_dict jwt_secrets 1m;",
    "map $http_x_api_key $api_key_valid { default 0; }",
    # What a secret looks like (a bracket expression, a counted repeat) is no secret.
    'map $http_x_api_key $api_client { default ""; "~^[A-Za-z0-9]{32}$" valid; }',
    'if ($http_x_api_key !~ "^[A-Za-z0-9]{32}$") { return 401; }',
    'if ($arg_token !~* "^[a-f0-9]{40}$") { return 401; }',
    # A 12-digit number where no word speaks of AWS, an account or an owner.
    "# draws from the 2024 laws table: row 123456789012",
    # An upstream host named for what it serves, with its port.
    "proxy_pass http://token_service:8080/introspect;",
    "proxy_pass http://secret-store:8200/v1/kv;",
    "proxy_pass http://auth_token_api:9000;",
    "proxy_pass https://svc.vault_secret:8200;",
    "set $session_cookie_name myapp_session;",
    "ssl_certificate_key \"store:pkcs11:token=NginxZero;object=nx_key_0\";",
    # ARN paths (no account), public keys, data URIs.
    "# bucket arn:aws:s3:::my-company-logs/nginx/*",
    f"# ssh-ed25519 AAAAC3NzaC1lZDI1NTE5{b64(32).rstrip('=')} ops@bastion",
    f"return 200 '<img src=\"data:image/png;base64,{b64(90)}\">';",
    "# order 123456789012 shipped",
]


@pytest.mark.parametrize("line", LOOKALIKES)
def test_lookalikes_stay(line):
    text = f"server {{\n    {line}\n}}\n"
    assert redact(text).text == text


@pytest.mark.parametrize("line", [
    "proxy_set_header X-Git-Commit ghp_{token};",
    "proxy_set_header Authorization \"Bearer {{{{ .Values.token }}}}-{secret}\";",
    "fastcgi_param DB_PASSWORD \"${{DB_PASSWORD:-{secret}}}\";",
])
def test_a_secret_next_to_a_lookalike_still_goes(line):
    secret, token = "Zq8vK2mN4pR7tW1x", "".join(RNG.choice("AbCdEfGh0123456789") for _ in range(36))
    text = line.format(secret=secret, token=token) + "\n"
    result = redact(text)
    assert secret not in result.text and token not in result.text
    assert restore(result.text, result.mapping).text == text


ARNS = [
    "# assumes arn:aws:iam::{A}:role/edge-reader",
    "# arn:aws:secretsmanager:eu-west-1:{A}:secret:prod/db-password-AbCd12",
    "# arn:aws:kms:us-east-1:{A}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "# arn:aws:lambda:us-east-1:{A}:function:auth-edge:3",
    "set $role_arn \"arn:aws-us-gov:iam::{A}:role/nginx\";",
]


@pytest.mark.parametrize("line", ARNS)
def test_the_account_in_an_arn_goes_and_the_path_stays(line):
    number = account()
    text = line.replace("{A}", number) + "\n"
    result = redact(text)
    assert result.text == text.replace(number, "REDACTED_AWS_ACCOUNT_1")
    assert restore(result.text, result.mapping).text == text


@pytest.mark.parametrize("line", [
    "# AWS account id: {A}",
    "# account_id = {A}",
    "# aws_account_id: \"{A}\"",
    "# OwnerId {A}",
    "# bucket owner {A}",
    "# image {A}.dkr.ecr.eu-central-1.amazonaws.com/edge:latest",
    "# https://sqs.eu-central-1.amazonaws.com/{A}/nginx-events",
    "# logs go to arn:aws:s3:::edge-logs-{A}/nginx/",
])
def test_a_bare_account_id_goes_where_the_line_says_so(line):
    number = account()
    result = redact(line.replace("{A}", number) + "\n")
    assert number not in result.text and "REDACTED_AWS_ACCOUNT_1" in result.text


def test_the_console_spelling_and_repeats_of_an_account_go_too():
    text = "# AWS account: 1234-5678-9012\n# arn:aws:iam::210987654321:role/x\n# deploy to 210987654321 first\n"
    result = redact(text)
    assert "1234-5678-9012" not in result.text and "210987654321" not in result.text


def test_topology_hides_whole_arns_and_keeps_the_tree():
    number = account()
    text = f"location / {{\n    set $role \"arn:aws:iam::{number}:role/edge-reader\";\n    proxy_pass https://s3;\n}}\n"
    result = redact(text, topology=True)
    assert number not in result.text and "edge-reader" not in result.text and "REDACTED_AWS_ARN_1" in result.text
    assert [node.name for node in parse(result.text).walk()] == [node.name for node in parse(text).walk()]
    assert restore(result.text, result.mapping).text == text
