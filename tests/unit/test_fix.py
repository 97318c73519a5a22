"""How fixes land in the text: indentation, line endings, comments, odd
layouts, and the byte-for-byte promise for everything else."""
from __future__ import annotations

import pytest

from upstream_tls import Applicability, Edit, Options, check, fix
from upstream_tls.rewrite import EditConflict, apply_edits

CLEAN = """\
# upstream with everything in place
location /api/ {
    proxy_pass https://api.internal:8443;
    proxy_ssl_verify on;
    proxy_ssl_trusted_certificate /etc/nginx/certs/upstream-ca.pem;
    proxy_ssl_server_name on;

    proxy_set_header X-Request-Id $request_id;   # kept
}
"""


def fixed(text: str, **options) -> str:
    unsafe = options.pop("unsafe_fixes", False)
    return fix(text, Options(**options), unsafe_fixes=unsafe).text


def test_config_without_findings_comes_back_byte_for_byte():
    assert check(CLEAN).findings == []
    assert fixed(CLEAN) == CLEAN
    crlf = CLEAN.replace("\n", "\r\n")
    assert fixed(crlf) == crlf


def test_inserted_lines_take_the_neighbours_indentation_spaces():
    text = "server {\n  location / {\n    proxy_pass https://app.internal;\n  }\n}\n"
    assert fixed(text) == (
        "server {\n  location / {\n    proxy_pass https://app.internal;\n"
        "    proxy_ssl_verify on;\n    proxy_ssl_trusted_certificate /etc/nginx/certs/upstream-ca.pem;\n"
        "    proxy_ssl_server_name on;\n  }\n}\n")


def test_tabs_stay_tabs():
    text = "server {\n\tlocation / {\n\t\tproxy_pass https://app.internal;\n\t}\n}\n"
    out = fixed(text)
    added = [line for line in out.splitlines() if line not in text.splitlines()]
    assert added and all(line.startswith("\t\tproxy_ssl_") for line in added)


def test_crlf_endings_are_kept_on_inserted_lines():
    text = "location / {\r\n    proxy_pass https://app.internal;\r\n}\r\n"
    out = fixed(text)
    assert "proxy_ssl_verify on;\r\n" in out
    assert out.count("\n") == out.count("\r\n")


def test_comments_and_blank_lines_survive():
    text = ("# top comment\n\nlocation / {\n    # why we proxy\n    proxy_pass https://app.internal;  # trailing\n"
            "\n    proxy_ssl_verify off;   # legacy, see ticket 12\n}\n")
    out = fixed(text)
    for line in ("# top comment", "    # why we proxy", "    proxy_pass https://app.internal;  # trailing"):
        assert line + "\n" in out
    assert "    proxy_ssl_verify on;   # legacy, see ticket 12\n" in out
    assert out.count("\n\n") == text.count("\n\n")


def test_quoted_arguments_are_matched_and_rewritten():
    text = 'location / {\n    proxy_pass "https://app.internal";\n    proxy_ssl_verify "off";\n}\n'
    out = fixed(text)
    assert "    proxy_ssl_verify on;\n" in out
    assert 'proxy_pass "https://app.internal";' in out


def test_each_location_gets_its_own_fix():
    text = ("server {\n    location /a { \n        proxy_pass https://a.internal;\n    }\n"
            "    location /b {\n        proxy_pass https://b.internal;\n    }\n}\n")
    out = fixed(text)
    assert out.count("proxy_ssl_verify on;") == 2
    assert out.count("proxy_ssl_server_name on;") == 2


def test_proxy_pass_inside_if_is_fixed_in_the_location():
    """proxy_ssl_* is not allowed inside `if` (nginx -t: not allowed here); the
    location's settings reach the if's proxy_pass, and both upstreams of the
    block share one set of inserted lines."""
    text = ("location / {\n    if ($http_x_canary) {\n        proxy_pass https://canary.internal;\n    }\n"
            "    proxy_pass https://app.internal;\n}\n")
    out = fixed(text)
    assert out.startswith(text[:text.index("    proxy_pass https://app")])
    assert "    proxy_pass https://app.internal;\n    proxy_ssl_verify on;\n" in out
    assert out.count("proxy_ssl_verify on;") == 1 and out.count("proxy_ssl_server_name on;") == 1
    assert check(out).findings == []


def test_one_line_block_is_opened_up_without_touching_other_lines():
    text = "server {\n    location / { proxy_pass https://app.internal; }\n}\n"
    out = fixed(text)
    assert out.startswith("server {\n    location / { proxy_pass https://app.internal;\n        proxy_ssl_verify on;\n")
    assert out.endswith("        proxy_ssl_server_name on;\n    }\n}\n")
    assert check(out).findings == []


def test_last_line_without_newline():
    text = "proxy_pass https://app.internal;"
    out = fixed(text)
    assert out.startswith("proxy_pass https://app.internal;\nproxy_ssl_verify on;\n")
    assert not out.endswith("\n")


def test_fix_is_idempotent():
    text = ("http {\n    proxy_ssl_verify off;\n    upstream b { server 10.0.0.5:443 ssl; }\n    server {\n"
            "        location / { proxy_pass http://b; }\n        location /x {\n"
            "            proxy_pass https://10.1.1.1;\n            proxy_ssl_protocols TLSv1 TLSv1.2;\n"
            "        }\n    }\n}\n")
    for options in ({}, {"mode": "dev"}, {"unsafe_fixes": True}):
        once = fixed(text, **dict(options))
        assert fixed(once, **dict(options)) == once


def test_http_level_verify_off_is_only_changed_as_an_unsafe_fix():
    """Turning it on reaches every location (unsafe); the safe fix verifies
    in the location, after which the http-level `off` reaches nothing and
    goes as dead."""
    text = ("http {\n    proxy_ssl_verify off;\n    server {\n        location / {\n"
            "            proxy_pass https://app.internal;\n        }\n    }\n}\n")
    wide = next(f for f in check(text).findings if f.code == "UT001")
    assert wide.fix.applicability is Applicability.UNSAFE
    assert "<input>:5" in wide.message
    safe = fixed(text)
    assert "proxy_ssl_verify off;" not in safe
    assert "            proxy_ssl_verify on;\n" in safe
    assert "    proxy_ssl_verify on;\n    proxy_ssl_trusted_certificate" in fixed(text, unsafe_fixes=True)


def test_dev_mode_stays_inside_the_location_and_is_marked_unsafe():
    text = ("http {\n    proxy_ssl_verify on;\n    server {\n        location / {\n"
            "            proxy_pass https://app.internal;\n        }\n    }\n}\n")
    finding = next(f for f in check(text, Options(mode="dev")).findings if f.code == "UT003")
    assert finding.fix.applicability is Applicability.UNSAFE
    assert "dev only" in finding.fix.title
    out = fixed(text, mode="dev")
    assert "            proxy_ssl_verify off;\n" in out
    assert "    proxy_ssl_verify on;\n" in out  # http level untouched


def test_ssl_name_option_replaces_the_placeholder():
    text = "location / {\n    proxy_pass https://10.0.0.9:8443;\n}\n"
    assert "REPLACE-WITH-UPSTREAM-CERT-DNS-NAME" in fixed(text)
    out = fixed(text, ssl_names=((None, "api.internal.example.com"),), ca_file="/srv/ca.pem")
    assert "proxy_ssl_name api.internal.example.com;" in out
    assert "proxy_ssl_trusted_certificate /srv/ca.pem;" in out
    result = fix(text)
    assert any("REPLACE-WITH-UPSTREAM-CERT-DNS-NAME" in note for note in result.placeholders)


def test_a_bare_ssl_name_is_not_spread_over_several_upstreams():
    text = ("server {\n    location /a {\n        proxy_pass https://10.0.0.9:8443;\n    }\n"
            "    location /b {\n        proxy_pass https://10.0.0.10:8443;\n    }\n}\n")
    bare = fixed(text, ssl_names=((None, "a.internal"),))
    assert "a.internal" not in bare and bare.count("REPLACE-WITH-UPSTREAM-CERT-DNS-NAME") == 2
    mapped = fixed(text, ssl_names=(("10.0.0.9", "a.internal"), ("10.0.0.10", "b.internal")))
    assert "proxy_pass https://10.0.0.9:8443;\n        proxy_ssl_verify on;" in mapped
    assert mapped.index("a.internal") < mapped.index("10.0.0.10") < mapped.index("b.internal")


def test_server_ssl_flag_and_scheme_are_fixed_together():
    text = ("http {\n    upstream b {\n        server 10.0.0.5:8443 ssl weight=2;\n    }\n    server {\n"
            "        location / {\n            proxy_pass http://b;\n        }\n    }\n}\n")
    out = fixed(text)
    assert "        server 10.0.0.5:8443 weight=2;\n" in out
    assert "            proxy_pass https://b;\n" in out


def test_nginx_dump_edits_land_in_the_right_file():
    dump = ("nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n"
            "# configuration file /etc/nginx/nginx.conf:\n"
            "http {\n    proxy_ssl_server_name on;\n    include /etc/nginx/conf.d/*.conf;\n}\n\n"
            "# configuration file /etc/nginx/conf.d/app.conf:\n"
            "server {\n    location / {\n        proxy_pass https://app.internal;\n    }\n}\n")
    report = check(dump)
    assert [(f.code, f.span.file, f.span.line) for f in report.findings] == [
        ("UT002", "/etc/nginx/conf.d/app.conf", 3)]
    out = fixed(dump)
    assert out.startswith(dump[:dump.index("        proxy_pass")])
    assert "        proxy_pass https://app.internal;\n        proxy_ssl_verify on;\n" in out
    assert "proxy_ssl_server_name on;\n    }" not in out  # inherited from http via the include


def test_overlapping_edits_are_refused():
    edits = [Edit("<input>", 1, 2, "a\n"), Edit("<input>", 2, 3, "b\n")]
    with pytest.raises(EditConflict):
        apply_edits("1\n2\n3\n", edits)


def test_insertions_at_one_place_keep_their_order():
    edits = [Edit("<input>", 2, 1, "a\n"), Edit("<input>", 2, 1, "b\n"), Edit("<input>", 2, 2, "B\n")]
    assert apply_edits("1\n2\n3\n", edits) == "1\na\nb\nB\n3\n"


def test_an_if_opening_on_the_line_of_a_directive_shares_the_insertion_point():
    """Two upstreams of one location (one inside `if`) get one set of lines,
    even when the `if` opens on the line of the directive before it."""
    text = ("server {\n    location /api/ {\n        proxy_pass https://backend;\n"
            "        proxy_ssl_name api.internal;            if ($request_method = POST) {\n"
            "            proxy_pass https://10.0.0.7:8443;\n        }\n    }\n}\n")
    fixed = fix(text).text
    assert fixed.count("proxy_ssl_verify on;") == 1 and fixed.count("proxy_ssl_server_name on;") == 1, fixed
    assert fix(fixed).text == fixed


@pytest.mark.parametrize(("target", "trust"), [
    ("api.example.org", "/etc/ssl/certs/ca-certificates.crt"),   # a public name: a public CA, the OS bundle
    ("billing.internal", "/etc/nginx/certs/upstream-ca.pem"),    # an internal zone: a private CA
    ("10.0.0.5:8443", "/etc/nginx/certs/upstream-ca.pem"),
])
def test_the_trust_file_follows_who_the_upstream_is(target, trust):
    fixed = fix(f"location / {{\n    proxy_pass https://{target};\n}}\n").text
    assert f"proxy_ssl_trusted_certificate {trust};" in fixed
    given = fix(f"location / {{\n    proxy_pass https://{target};\n}}\n", Options(ca_file="/etc/nginx/ca.pem")).text
    assert "proxy_ssl_trusted_certificate /etc/nginx/ca.pem;" in given


def test_a_dead_http_level_off_is_removed_with_its_line():
    text = ("http {\n    proxy_ssl_verify off;\n    server {\n        location / {\n"
            "            proxy_pass https://a.internal;\n            proxy_ssl_verify on;\n"
            "            proxy_ssl_trusted_certificate /x.pem;\n            proxy_ssl_server_name on;\n"
            "        }\n    }\n}\n")
    result = fix(text)
    assert result.text == text.replace("    proxy_ssl_verify off;\n", "") and not result.remaining
    hidden = text.replace("            proxy_ssl_server_name on;\n", "            include more.conf;\n")
    assert "proxy_ssl_verify off;" in fix(hidden).text  # an include below might rely on it
