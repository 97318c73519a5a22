"""Parsing any paste: fragments, whole files, nginx -T dumps, and malformed
input that must give one clear diagnostic instead of a traceback."""
from __future__ import annotations

import pytest

from upstream_tls import InputError, parse
from upstream_tls.model import effective, effective_all
from upstream_tls.upstreams import find_sites


@pytest.mark.parametrize("text, context", [
    ("proxy_pass https://a;\nproxy_ssl_verify on;\n", "location"),
    ("location / { proxy_pass https://a; }\n", "server"),
    ("server { listen 80; }\nupstream b { server 10.0.0.1; }\n", "http"),
    ("events {}\nhttp { server { } }\n", "main"),
])
def test_fragment_context_is_inferred(text, context):
    assert parse(text).files[0].root.name == context


@pytest.mark.parametrize("text, line, words", [
    ("location / {\n    proxy_pass https://a\n}\n", 2, 'directive "proxy_pass" is not terminated by ";"'),
    ("location / {\n    proxy_pass https://a;\n", 1, 'block "location" opened here is not closed'),
    ("proxy_pass https://a;\n}\n", 2, 'unexpected "}"'),
    ('add_header X "unterminated;\n', 1, "quote is not closed"),
    ("server {\n  ;\n}\n", 2, 'unexpected ";"'),
    ("\n\n{\n", 3, 'unexpected "{"'),
])
def test_malformed_input_names_the_line(text, line, words):
    config = parse(text, "site.conf")
    [diagnostic] = config.diagnostics
    assert (diagnostic.file, diagnostic.line) == ("site.conf", line)
    assert words in diagnostic.message
    assert "\n" not in str(diagnostic)


@pytest.mark.parametrize("text", ["", "  \n\t\n", "abc\x00def", "\x00" * 100])
def test_empty_and_binary_input_is_refused_with_a_line(text):
    with pytest.raises(InputError) as raised:
        parse(text, "x.conf")
    assert str(raised.value).startswith("x.conf:")


def test_ten_megabytes_of_text_parses():
    block = "server {\n    location / {\n        proxy_pass https://10.0.0.1:8443;\n    }\n}\n"
    text = block * (10_000_000 // len(block))
    config = parse(text)
    assert not config.diagnostics
    assert len(find_sites(config)) == text.count("proxy_pass")


def test_dump_keeps_each_files_own_line_numbers():
    dump = ("# configuration file /etc/nginx/nginx.conf:\nhttp {\n    include conf.d/*.conf;\n}\n"
            "# configuration file /etc/nginx/conf.d/a.conf:\nserver {\n    listen 80;\n}\n")
    config = parse(dump)
    assert [(source.path, source.offset) for source in config.files] == [
        ("/etc/nginx/nginx.conf", 1), ("/etc/nginx/conf.d/a.conf", 5)]
    listen = next(node for node in config.walk() if node.name == "listen")
    assert (listen.file, listen.line) == ("/etc/nginx/conf.d/a.conf", 2)
    assert config.files[1].root.parent.name == "http"


def test_dump_error_names_the_inner_file():
    dump = "# configuration file /etc/nginx/nginx.conf:\nhttp {\n}\n# configuration file /etc/nginx/b.conf:\nserver {\n"
    [diagnostic] = parse(dump).diagnostics
    assert (diagnostic.file, diagnostic.line) == ("/etc/nginx/b.conf", 1)


def test_each_directive_inherits_separately():
    config = parse("http {\n    proxy_ssl_verify off;\n    proxy_ssl_server_name on;\n    server {\n"
                   "        proxy_ssl_verify on;\n        location / { proxy_pass https://a; }\n    }\n}\n")
    site = find_sites(config)[0]
    assert effective(site.block, "proxy_ssl_verify").line == 5
    assert effective(site.block, "proxy_ssl_server_name").line == 3
    assert effective(site.block, "proxy_ssl_name") is None


def test_array_directives_inherit_only_when_the_level_sets_none():
    config = parse("server {\n    proxy_set_header Host $host;\n    proxy_set_header X-A 1;\n"
                   "    location /a { proxy_pass https://a; }\n"
                   "    location /b { proxy_set_header X-B 2; proxy_pass https://b; }\n}\n")
    site_a, site_b = find_sites(config)
    assert [node.args[0] for node in effective_all(site_a.block, "proxy_set_header")] == ["Host", "X-A"]
    assert [node.args[0] for node in effective_all(site_b.block, "proxy_set_header")] == ["X-B"]


@pytest.mark.parametrize("target, host, port, is_ip, group, variable", [
    ("https://10.0.1.45:8443", "10.0.1.45", 8443, True, False, False),
    ("https://[2001:db8::1]:443/x", "[2001:db8::1]", 443, True, False, False),
    ("https://backend", "backend", 443, False, True, False),
    ("https://backend:8443", "backend", 8443, False, False, False),
    ("https://$upstream_host", None, None, False, False, True),
    ("https://api.example.com/v1/", "api.example.com", 443, False, False, False),
])
def test_targets_resolve(target, host, port, is_ip, group, variable):
    config = parse(f"http {{ upstream backend {{ server 10.0.0.1:443; }}\n"
                   f"server {{ location / {{ proxy_pass {target}; }} }} }}\n")
    [site] = find_sites(config)
    assert (site.target.host, site.target.port, site.target.is_ip) == (host, port, is_ip)
    assert (site.group is not None, site.target.has_variable) == (group, variable)
    assert site.tls


def test_stream_tls_needs_proxy_ssl_on():
    config = parse("stream {\n  upstream db { server 10.0.0.2:5432; }\n  server { listen 5432; proxy_pass db; }\n"
                   "  server { listen 5433; proxy_pass db; proxy_ssl on; }\n}\n")
    plain, tls = find_sites(config)
    assert (plain.stream, plain.tls, tls.tls) == (True, False, True)
    assert tls.group is not None


def test_a_quote_left_open_at_the_end_is_an_error_not_a_dropped_word():
    """crossplane drops a quoted string still open at the end of the input;
    the rest of the file would vanish into it and fixes would land inside it."""
    config = parse('server {\n    location / { proxy_pass https://a; }\n}"\n    server {\n        location / {\n')
    assert [(diagnostic.line, "quote is not closed" in diagnostic.message) for diagnostic in config.diagnostics] \
        == [(3, True)]
