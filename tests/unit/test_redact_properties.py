"""Properties of redaction, whatever the text:

* restore(redact(x)) == x, with and without the topology level, and no
  placeholder is reported unknown unless the text already looked like one;
* redaction is deterministic and keeps every line break where it was;
* a well-formed config with secrets in every position parses, redacted, to
  the same directive tree (same names, argument counts, lines, nesting),
  and redacting the redacted config again changes nothing.
"""
from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from upstream_tls import parse
from upstream_tls.redact import redact, restore

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

FRAGMENTS = [
    "proxy_set_header ", "more_set_headers ", "fastcgi_param ", "set ", "map ", "if (", ") ", "return 302 ",
    "Authorization", "Proxy-Authorization", "X-Api-Key", "Cookie", "sessionid=", "Bearer ", "Basic ", "Digest ",
    "token ", "password=", "api_key: ", "secret", "$http_authorization", "$http_x_api_key", "$cookie_session",
    "$api_secret", "$", "${var}", " ", "  ", "\n", "\r\n", "\r", "\t", '"', "'", ";", "{", "}", "#", "# ", "\\",
    "\\\"", "://", "@", ":", "=", "&", "?", "~", "^", "(", ")", "|", ",", "REDACTED_", "REDACTED_API_KEY_1",
    "redacted_bearer_2", "_1", "7", "-----BEGIN PRIVATE KEY-----", "-----END PRIVATE KEY-----",
    "-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----", "secure_link_secret ", "secure_link_md5 ",
    "# configuration file /etc/nginx/ssl.pass:", "==> /etc/nginx/.htpasswd <==", "admin:$apr1$abcdefgh$",
    "Master-Key: ", "https://user:", "postgres://", "hooks.slack.com/services/", "ghp_", "AKIA", "sk-ant-api03-",
    "eyJhbGciOiJIUzI1NiJ9.", "eyJzdWIiOiIxMjMifQ.", "10.0.0.1", "192.168.1.20:8443", "fd00::1",
    "api.internal.example.com", "upstream backend {", "server backend:8443;", "arn:aws:iam::123456789012:role/x",
    "nginx.conf", "\x00", "\udcff", "é",
    "# password: ", "pass ", "mot de passe : ", "密码：", "redis-cli -a ", "mysql -p", "PGPASSWORD=", "curl -u u:",
    "--password=", "htpasswd -b f u ", "echo x | docker login --password-stdin", "passenger_env_var ",
    "SECRET_KEY_BASE",
    "perl_set $token 'sub { return \"", "set_by_lua $sig '", "ngx.hmac_sha1(\"", "{{ .Values.x }}", "${DB_PASSWORD",
    ":-", "<token>", "%(password)s", "pin-sha256=\"", "'sha256-", "arn:aws:s3:::bucket-", "account ", "1234-5678-9012",
]
TOKEN_CHARS = string.ascii_letters + string.digits + "+/=_-.~!*%"
pieces = st.one_of(st.sampled_from(FRAGMENTS), st.text(TOKEN_CHARS, min_size=1, max_size=48), st.text(max_size=4))
texts = st.lists(pieces, max_size=40).map("".join)


@SETTINGS
@given(texts, st.booleans())
def test_restore_undoes_redact(text, topology):
    result = redact(text, topology=topology)
    restored = restore(result.text, result.mapping)
    assert restored.text == text
    if "redacted_" not in text.lower():
        assert not restored.unknown_placeholders


@SETTINGS
@given(texts, st.booleans())
def test_deterministic_and_line_preserving(text, topology):
    first, second = redact(text, topology=topology), redact(text, topology=topology)
    assert first == second
    assert first.text.count("\n") == text.count("\n")


# Well-formed configs: every position a secret can take, with secrets that
# are anything nginx allows there (quoted: any character but the quote, a
# backslash or a line break; unquoted: no blanks, quotes, `;{}#` or `$`).
QUOTED_POSITIONS = [
    'proxy_set_header Authorization "Bearer {S}";', "proxy_set_header Authorization 'Basic {S}';",
    'proxy_set_header X-Api-Key "{S}";', "add_header X-Auth-Token '{S}' always;",
    'more_set_headers "X-Api-Key: {S}";', 'grpc_set_header authorization "Bearer {S}";',
    'fastcgi_param HTTP_AUTHORIZATION "Bearer {S}";', "uwsgi_param DB_PASSWORD '{S}';",
    'set $api_secret "{S}";', 'if ($http_x_api_key != "{S}") { return 401; }',
    'if ($http_authorization ~ "^Bearer {S}$") { return 401; }', 'proxy_set_header Cookie "sessionid={S}; a=b";',
    'map $http_x_api_key $client_{N} { default ""; "{S}" one; }', "map $host $upstream_token_{N} { default '{S}'; }",
    "return 200 '{\"api_key\": \"{S}\"}';", 'secure_link_md5 "$secure_link_expires$uri {S}";',
    'proxy_set_header X-Other "{S}";', 'access_by_lua_block { ngx.req.set_header("Authorization", "Bearer {S}") }',
    'passenger_env_var SECRET_KEY_BASE "{S}";', "perl_set $api_token 'sub { return \"{S}\"; }';",
    'set $role "arn:aws:iam::123456789012:role/{S}";',
]
BARE_POSITIONS = [
    "proxy_set_header X-Api-Key {S};", "secure_link_secret {S};", "set $db_password {S};", "env API_TOKEN={S};",
    "return 302 https://example.com/cb?access_token={S};", "proxy_pass https://svc:{S}@api.internal:8443;",
    "# proxy_set_header Authorization {S}", "# password: {S}", "add_header X-Edge {S};",
    "if ($http_x_api_key = {S}) { return 403; }", "scgi_param SESSION_SECRET {S};", "env MYAPP_MASTER_KEY={S};",
    "# redis-cli -a {S} ping", "# mysql -uroot -p{S} shop", "# password: {S}", "# htpasswd -b f alice {S}",
]
quoted_secret = st.text(st.characters(blacklist_characters="\"'\\\n\r$\x00", blacklist_categories=("Cs",)),
                        min_size=1, max_size=40)
bare_secret = st.text(TOKEN_CHARS + "@:?&,<>", min_size=1, max_size=40)


@st.composite
def configs(draw):
    lines = []
    for number in range(draw(st.integers(1, 8))):
        if draw(st.booleans()):
            template, secret = draw(st.sampled_from(QUOTED_POSITIONS)), draw(quoted_secret)
        else:
            template, secret = draw(st.sampled_from(BARE_POSITIONS)), draw(bare_secret)
        lines.append(template.replace("{S}", secret).replace("{N}", str(number)))
    separator = draw(st.sampled_from(["\n        ", " ", "\r\n        "]))
    return "http {\n    server {\n        location / {\n        " + separator.join(lines) + "\n        }\n    }\n}\n"


def shape(text: str):
    """The directive tree without values; a map's entries are data, not
    directive names (their keys are secrets when the map reads an API key)."""
    config = parse(text)
    return ([[("entry" if node.parent.name == "map" else node.name, len(node.args), node.line, node.end_line,
               node.is_block) for node in source.root.walk()] for source in config.files],
            [(diagnostic.file, diagnostic.line) for diagnostic in config.diagnostics])


@SETTINGS
@given(configs(), st.booleans())
def test_redacted_config_parses_to_the_same_tree(text, topology):
    result = redact(text, topology=topology)
    assert shape(result.text) == shape(text)
    assert restore(result.text, result.mapping).text == text
    assert redact(result.text, topology=topology).text == result.text
