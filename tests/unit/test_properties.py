"""Property tests: whatever text comes in, check and fix never crash; on
well-formed input fix is idempotent, never breaks the config, and leaves
every byte it has no reason to touch where it was.

Three sources of input:
* random text, weighted towards nginx's special characters and the line
  breaks and bytes that trip line counting (CRLF, lone CR, form feed, NEL,
  U+2028, surrogate-escaped non-UTF-8 bytes);
* realistic configs mutated line- and token-wise (mostly malformed);
* configs generated from a small grammar of the directives the rules look
  at, laid out in every way nginx accepts (one-line blocks, several
  directives per line, directives split across lines, trailing comments,
  tabs, CRLF, no final newline) — always well-formed.

The `test_found_*` tests at the end are minimized cases these properties
found; each docstring describes the bug as it was found in py_core.
"""
from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from upstream_tls import Applicability, InputError, Options, check, fix, parse

SETTINGS = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

OPTION_SETS = [
    pytest.param(Options(), False, id="production"),
    pytest.param(Options(mode="dev"), False, id="dev"),
    pytest.param(Options(), True, id="production-unsafe"),
    pytest.param(Options(mode="dev", nginx_version=(1, 22, 1)), True, id="dev-1.22.1-unsafe"),
    pytest.param(Options(nginx_version=(1, 22, 1)), False, id="production-1.22.1"),
]

# --------------------------------------------------------------------------
# helpers


def lines_as_nginx_counts(text: str) -> list[str]:
    """Lines with their endings, split where nginx counts a new line: at
    \\n only (a lone \\r is white space to nginx, and form feed, NEL,
    U+2028 … are no line breaks either, whatever str.splitlines thinks)."""
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def is_subsequence(needles: list[str], haystack: list[str]) -> bool:
    """In order, each needle line is in the haystack; the input's last line
    may gain a line ending when something is inserted after it."""
    it = iter(haystack)
    last = len(needles) - 1
    return all(any(line == hay or (index == last and not line.endswith("\n") and hay.rstrip("\r\n") == line)
                   for hay in it) for index, line in enumerate(needles))


EDITABLE = re.compile(r"_pass$|_ssl|^proxy_set_header$|^server$")


def editable_lines(text: str) -> set[int]:
    """0-based lines holding (part of) a directive a fix may rewrite or
    anchor an insertion on: *_pass, *_ssl*, proxy_set_header, upstream
    `server`. Every other line must come back byte for byte."""
    lines: set[int] = set()
    for source in parse(text).files:
        for node in source.root.walk():
            if EDITABLE.search(node.name):
                lines.update(range(source.offset + node.line - 1, source.offset + node.end_line))
    return lines


def directive_paths(text: str) -> Counter:
    """Multiset of (enclosing block names…, directive name)."""
    paths: Counter = Counter()
    for node in parse(text).walk():
        chain = tuple(reversed([ancestor.name for ancestor in node.ancestors() if ancestor.parent is not None]))
        paths[(*chain, node.name)] += 1
    return paths


SINGLE_VALUED = re.compile(r"^(proxy|grpc|uwsgi)_ssl(_(?!conf_command$)\w+)?$")


def duplicates(text: str) -> int:
    """How many TLS directives repeat one already set in the same block
    (files pulled in by `include` counted where they are included): nginx
    rejects such a config ("directive is duplicate")."""
    config = parse(text)
    blocks = [source.root for source in config.files] + [node for node in config.walk() if node.is_block]
    return sum(len(nodes) - 1 for block in blocks for name, nodes in block.index().items()
               if SINGLE_VALUED.match(name) and len(nodes) > 1)


def plausible_for_nginx(text: str) -> bool:
    """No block holds two *_pass of one module, and each *_pass sits where
    nginx allows it (location, if, limit_except; a stream server). Fixes of
    configs nginx would reject anyway may set a directive twice."""
    config = parse(text)
    blocks = [source.root for source in config.files] + [node for node in config.walk() if node.is_block]
    if any(len(block.index().get(name, ())) > 1 for block in blocks
           for name in ("proxy_pass", "grpc_pass", "uwsgi_pass")):
        return False
    return all(node.parent.name in ("location", "if", "limit_except")
               or (node.name == "proxy_pass" and node.parent.name == "server" and node.in_stream())
               for node in config.walk() if node.name in ("proxy_pass", "grpc_pass", "uwsgi_pass"))


def allowed(options: Options, unsafe: bool) -> set[Applicability]:
    if unsafe or options.mode == "dev":
        return {Applicability.SAFE, Applicability.UNSAFE}
    return {Applicability.SAFE}


def assert_fix_properties(text: str, options: Options, unsafe: bool) -> None:
    report = check(text, options)
    assert not report.diagnostics
    first = fix(text, options, unsafe_fixes=unsafe)
    assert not first.diagnostics, f"fix produced a malformed config: {first.diagnostics}\n{first.text}"
    again = check(first.text, options)
    assert not again.diagnostics, f"fixed text does not parse: {again.diagnostics}\n{first.text}"
    second = fix(first.text, options, unsafe_fixes=unsafe)
    assert second.text == first.text, f"fix is not idempotent:\n--- once\n{first.text}\n--- twice\n{second.text}"

    # Fixable = some finding carries edits fix is allowed to apply.
    fixable = [finding for finding in report.findings
               if finding.fix and finding.fix.edits and finding.fix.applicability in allowed(options, unsafe)]
    if not fixable:
        assert first.text == text, "nothing fixable, yet fix changed the text"
        assert not first.changed

    # Bytes nobody needs to touch stay, in order.
    original = lines_as_nginx_counts(text)
    editable = editable_lines(text)
    kept = [line for index, line in enumerate(original) if index not in editable]
    assert is_subsequence(kept, lines_as_nginx_counts(first.text)), (
        f"a line no fix should touch changed or moved:\n--- in\n{text}\n--- out\n{first.text}")
    # Every comment line survives.
    output_lines = Counter(lines_as_nginx_counts(first.text))
    for line, count in Counter(line for line in original if line.lstrip().startswith("#")).items():
        assert output_lines[line] >= count, f"comment line lost: {line!r}\n--- out\n{first.text}"

    # A config without duplicate directives gets none from fix.
    assert not plausible_for_nginx(text) or duplicates(text) or not duplicates(first.text), (
        f"fix set a TLS directive twice in one block:\n--- in\n{text}\n--- out\n{first.text}")

    # Fixes rewrite directives or add them; they never drop one, nor move
    # one into another block — but a `*_ssl_verify off` that reaches no
    # upstream once the fix verifies them all goes as dead.
    before, after = directive_paths(text), directive_paths(first.text)
    lost = {path: count for path, count in (before - after).items() if not path[-1].endswith("_ssl_verify")}
    assert not lost, f"fix dropped directives {lost}:\n--- in\n{text}\n--- out\n{first.text}"


# --------------------------------------------------------------------------
# (a) random text

SPECIAL = ["{", "}", ";", '"', "'", "\\", "#", "$", "\n", "\r\n", "\r", "\t", " ", "  ",
           "\x0b", "\x0c", "\x85", "\u2028", "\u2029", "\x1c", "\xa0", "\ufeff",
           "${", "://", ":", "/", "[", "]"]
WORDS = ["proxy_pass", "grpc_pass", "uwsgi_pass", "https://", "http://", "grpcs://", "suwsgi://",
         "location", "server", "upstream", "stream", "http", "if", "include", "ssl", "on", "off",
         "proxy_ssl_verify", "proxy_ssl", "proxy_ssl_name", "proxy_ssl_trusted_certificate",
         "proxy_ssl_protocols", "TLSv1", "TLSv1.3", "proxy_set_header", "Host", "$host",
         "10.0.0.5", "[::1]", "443", "8443", "80", "backend", "unix:/tmp/s",
         "# configuration file /etc/nginx/x.conf:\n"]
SURROGATE_ESCAPES = [chr(0xDC80 + n) for n in range(128)]

chunk = st.one_of(
    st.sampled_from(SPECIAL),
    st.sampled_from(WORDS),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=6),
    st.sampled_from(SURROGATE_ESCAPES),
)
random_text = st.lists(chunk, max_size=60).map("".join)


def never_crash(text: str) -> None:
    for options, unsafe in [(Options(), False), (Options(mode="dev"), True),
                            (Options(nginx_version=(1, 22, 1)), True)]:
        try:
            report = check(text, options)
            parse(text)
            result = fix(text, options, unsafe_fixes=unsafe)
        except InputError:
            assert not text.strip() or "\x00" in text
            return
        assert isinstance(report.findings, list)
        if report.diagnostics:
            assert not report.findings
            assert result.text == text


@SETTINGS
@given(random_text)
@example("\x00")
@example(" \n\t")
def test_random_text_never_crashes(text):
    never_crash(text)


# --------------------------------------------------------------------------
# (b) realistic configs, mutated

SEEDS = [
    # an http block with comments, an upstream group and a nested if
    """\
# upstream TLS for the API
http {
    upstream backend {
        server 10.0.0.5:8443 max_fails=3;  # primary
        server 10.0.0.6:8443 backup;
    }
    server {
        listen 443 ssl;
        server_name example.com;
        proxy_ssl_verify off;   # TODO: get the CA

        location /api/ {
            proxy_pass https://backend;
            proxy_set_header Host $host;
            proxy_ssl_name api.internal;
            if ($request_method = POST) {
                proxy_pass https://10.0.0.7:8443;
            }
        }
        location / { proxy_pass https://x; }
    }
}
""",
    # stream proxy with TLS
    """\
stream {
\tupstream db {
\t\tserver db1.internal:5432;
\t}
\tserver {
\t\tlisten 5432;
\t\tproxy_pass db;
\t\tproxy_ssl on;
\t\tproxy_ssl_protocols TLSv1 TLSv1.1 TLSv1.2;
\t}
}
""",
    # grpc and uwsgi, CRLF
    "server {\r\n    location /grpc {\r\n        grpc_pass grpcs://grpc.internal:50051;\r\n"
    "        grpc_ssl_verify off;\r\n    }\r\n    location /py {\r\n        uwsgi_pass suwsgi://10.1.1.1:9000;\r\n"
    "        uwsgi_ssl_verify on;\r\n    }\r\n}\r\n",
    # a bare location fragment, several directives per line, no final newline
    "location /login { proxy_pass https://auth.example.com; proxy_ssl_verify off; }\n"
    "location /x {\n    proxy_pass http://10.0.0.5:443; proxy_set_header Authorization $http_authorization;\n}",
    # bare directives, multi-line arguments, quoted values
    "proxy_pass https://app.internal:8443;\nproxy_ssl_trusted_certificate\n    /etc/ssl/ca.pem;\n"
    "add_header X-Note \"a ; b { c }\";\nproxy_ssl_protocols 'TLSv1.2';\n",
    # an nginx -T dump
    "# configuration file /etc/nginx/nginx.conf:\nhttp {\n    proxy_ssl_verify off;\n    include conf.d/*.conf;\n}\n\n"
    "# configuration file /etc/nginx/conf.d/app.conf:\n"
    "server {\n    location / {\n        proxy_pass https://app;\n    }\n}\n",
    # upstream server with the bogus ssl flag
    "upstream u {\n    server a.internal:443 ssl;\n}\n"
    "server {\n    location / {\n        proxy_pass http://u;\n    }\n}\n",
    # TLS settings from a snippet, in a stream server and in a location
    "# configuration file /etc/nginx/nginx.conf:\nstream {\n    server {\n        listen 5432;\n"
    "        proxy_pass db.internal:5432;\n        proxy_ssl on;\n        include snippets/tls.conf;\n    }\n}\n"
    "http {\n    server {\n        location / {\n            proxy_pass https://app.example.com;\n"
    "            include snippets/tls.conf;\n        }\n    }\n}\n"
    "# configuration file /etc/nginx/snippets/tls.conf:\nproxy_ssl_verify off;\n",
]

INSERTS = ["{", "}", ";", '"', "'", "#", "\n", "\r\n", " ", "\\", "${", "https://", "proxy_pass", "\x0c"]


@st.composite
def mutated(draw):
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(0, 5))):
        lines = text.splitlines(keepends=True) or [""]
        kind = draw(st.sampled_from(["del_line", "dup_line", "swap_lines", "del_token", "dup_token",
                                     "swap_tokens", "insert"]))
        i = draw(st.integers(0, len(lines) - 1))
        j = draw(st.integers(0, len(lines) - 1))
        if kind == "del_line":
            del lines[i]
        elif kind == "dup_line":
            lines.insert(i, lines[i])
        elif kind == "swap_lines":
            lines[i], lines[j] = lines[j], lines[i]
        elif kind in ("del_token", "dup_token", "swap_tokens"):
            tokens = re.split(r"(\s+|[{};])", lines[i])
            if tokens:
                a = draw(st.integers(0, len(tokens) - 1))
                b = draw(st.integers(0, len(tokens) - 1))
                if kind == "del_token":
                    del tokens[a]
                elif kind == "dup_token":
                    tokens.insert(a, tokens[a])
                else:
                    tokens[a], tokens[b] = tokens[b], tokens[a]
            lines[i] = "".join(tokens)
        else:
            line = lines[i]
            at = draw(st.integers(0, len(line)))
            lines[i] = line[:at] + draw(st.sampled_from(INSERTS)) + line[at:]
        text = "".join(lines)
    return text


@SETTINGS
@given(mutated())
def test_mutated_configs_never_crash(text):
    never_crash(text)


@SETTINGS
@given(mutated())
def test_mutated_wellformed_configs_fix_properties(text):
    try:
        report = check(text)
    except InputError:
        assume(False)
    assume(not report.diagnostics)
    for options, unsafe in [(Options(), False), (Options(mode="dev"), False), (Options(), True)]:
        assert_fix_properties(text, options, unsafe)


@pytest.mark.parametrize("seed", range(len(SEEDS)))
@pytest.mark.parametrize("options, unsafe", OPTION_SETS)
def test_seed_configs_fix_properties(seed, options, unsafe):
    assert_fix_properties(SEEDS[seed], options, unsafe)


# --------------------------------------------------------------------------
# (c), (d) generated well-formed configs

HOSTS = ["backend", "api.internal", "10.0.0.5", "[::1]", "app.example.com", "$upstream_host", "u"]
PORTS = ["", ":443", ":8443", ":80", ":8080", ":9000", ":$port"]
PATHS = ["", "/", "/api/", "/a;b", "/$request_uri"]
ARG_QUOTES = ["", '"', "'"]


def quoted(value: str, quote: str) -> str:
    if not quote and re.search(r"[\s;{}'\"#]", value):
        quote = '"'
    return f"{quote}{value}{quote}"


@st.composite
def pass_directive(draw, module="proxy"):
    schemes = {"proxy": ["http", "https"], "grpc": ["grpc", "grpcs"], "uwsgi": ["uwsgi", "suwsgi"]}[module]
    target = (draw(st.sampled_from(schemes)) + "://" + draw(st.sampled_from(HOSTS))
              + draw(st.sampled_from(PORTS)) + (draw(st.sampled_from(PATHS)) if module == "proxy" else ""))
    return [f"{module}_pass", quoted(target, draw(st.sampled_from(ARG_QUOTES)))]


@st.composite
def tls_directive(draw):
    module = draw(st.sampled_from(["proxy", "proxy", "grpc", "uwsgi"]))
    kind = draw(st.sampled_from(["verify", "trusted", "depth", "name", "server_name", "protocols",
                                 "certificate", "certificate_key"]))
    name = f"{module}_ssl_{kind.replace('trusted', 'trusted_certificate')}"
    if kind == "verify":
        value = [draw(st.sampled_from(["on", "off", "OFF", '"off"']))]
    elif kind == "trusted":
        value = ["/etc/ssl/ca.pem"]
    elif kind == "depth":
        value = ["2"]
    elif kind == "name":
        value = [draw(st.sampled_from(["api.internal", "$proxy_host", "$host", '"a b"', '"x{"', "backend"]))]
    elif kind == "server_name":
        value = [draw(st.sampled_from(["on", "off"]))]
    elif kind == "protocols":
        value = draw(st.lists(st.sampled_from(["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3", "'TLSv1.2'"]),
                              min_size=1, max_size=4, unique=True))
    else:
        value = ["/etc/ssl/client.pem"]
    return [name, *value]


other_directive = st.sampled_from([
    ["proxy_set_header", "Host", "$host"],
    ["proxy_set_header", "Host", "$proxy_host"],
    ["proxy_set_header", "Authorization", "$http_authorization"],
    ["add_header", "X-Note", '"proxy_ssl_verify off;"'],
    ["add_header", "X-Brace", '"a { b } ; c"'],
    ["add_header", "X-Unicode", '"naïve ☕ \udcfe"'],
    ["auth_basic", '"closed"'],
    ["return", "200"],
    ["root", "/srv/www"],
    ["include", "snippets/tls.conf"],
])


@st.composite
def location_body(draw, depth=0):
    items = draw(st.lists(st.one_of(
        pass_directive("proxy"), pass_directive("proxy"), pass_directive("grpc"), pass_directive("uwsgi"),
        tls_directive(), tls_directive(), other_directive,
        st.just("#comment"),
    ), min_size=1, max_size=6))
    if depth < 1 and draw(st.booleans()):
        items.append(("if", ["($request_method", "=", "POST)"], draw(location_body(depth=depth + 1))))
    return items


@st.composite
def upstream_block(draw, name):
    servers = draw(st.lists(st.tuples(st.sampled_from(["10.0.0.5", "b.internal", "[::1]", "unix:/tmp/s.sock"]),
                                      st.sampled_from(["", ":443", ":8443", ":80"]),
                                      st.sampled_from([[], ["ssl"], ["weight=2"], ["backup"]])),
                            min_size=1, max_size=3))
    return ("upstream", [name], [["server", host + port, *flags] for host, port, flags in servers])


@st.composite
def http_config(draw):
    servers = []
    for _ in range(draw(st.integers(1, 2))):
        body = draw(st.lists(st.one_of(tls_directive(), other_directive, st.just("#comment")), max_size=3))
        for _ in range(draw(st.integers(1, 3))):
            path = draw(st.sampled_from(["/", "/api/", "/login", "= /x", "~ ^/y"]))
            body.append(("location", path.split(), draw(location_body())))
        servers.append(("server", [], body))
    top = draw(st.lists(st.one_of(tls_directive(), st.just("#comment")), max_size=2))
    if draw(st.booleans()):
        top.append(draw(upstream_block("u")))
    if draw(st.booleans()):
        top.append(draw(upstream_block("backend")))
    tree = top + servers
    shape = draw(st.sampled_from(["http", "servers", "locations", "bare"]))
    if shape == "http":
        return [("http", [], tree)]
    if shape == "servers":
        return tree
    if shape == "locations":
        return [item for server in servers for item in server[2]]
    return draw(location_body())


@st.composite
def stream_config(draw):
    body = [("server", [], [["listen", "12345"],
                            ["proxy_pass", draw(st.sampled_from(["db", "10.0.0.5:5432", "db.internal:443", "$x"]))],
                            *draw(st.lists(st.sampled_from([["proxy_ssl", "on"], ["proxy_ssl", "off"],
                                                            ["proxy_ssl_verify", "off"],
                                                            ["proxy_ssl_protocols", "TLSv1", "TLSv1.2"],
                                                            ["proxy_ssl_name", "db.internal"]]),
                                           max_size=3))])]
    if draw(st.booleans()):
        body.insert(0, draw(upstream_block("db")))
    return [("stream", [], body)]


@st.composite
def layout(draw):
    return {
        "eol": draw(st.sampled_from(["\n", "\n", "\r\n"])),
        "unit": draw(st.sampled_from(["    ", "  ", "\t"])),
        "final_eol": draw(st.booleans()),
        "rng": draw(st.randoms(use_true_random=False)),
    }


COMMENTS = ["# a comment", "#proxy_pass https://old;", "# { ; } \"'", "# café ☕ naïve", "# bad byte \udcff\udc80",
            "# page\x0cbreak", "# line\u2028separator", "# nel\x85", "#"]


def render(items, style, depth=0) -> str:
    """Lay `items` out, choosing per statement between own line, sharing
    the previous line, a trailing comment, arguments split across lines,
    and one-line blocks."""
    rng, eol, unit = style["rng"], style["eol"], style["unit"]
    out: list[str] = []
    indent = unit * depth
    for item in items:
        if item == "#comment":
            out.append(indent + rng.choice(COMMENTS) + eol)
            continue
        if isinstance(item, tuple):
            name, args, children = item
            head = " ".join([name, *args]) + " {"
            if rng.random() < 0.25 and all(not isinstance(c, tuple) and c != "#comment" for c in children):
                text = head + " " + " ".join(" ".join(c) + ";" for c in children) + " }"
                out.append(indent + text + eol)
            else:
                tail = rng.choice(["", "", "  # opens"])
                out.append(indent + head + tail + eol + render(children, style, depth + 1) + indent + "}" + eol)
            continue
        text = rng.choice([" ", " ", " ", "\t", "  ", " \r"]).join(item) + ";" + rng.choice(["", "", "", " ", "\t"])
        roll = rng.random()
        if roll < 0.15 and out and out[-1].endswith(eol) and not out[-1].lstrip().startswith("#") \
                and not out[-1].rstrip().endswith("{") and "#" not in out[-1]:
            out[-1] = out[-1][:-len(eol)] + " " + text + eol
        elif roll < 0.25 and len(item) > 1:
            out.append(indent + item[0] + eol + indent + unit + " ".join(item[1:]) + ";" + eol)
        elif roll < 0.35:
            out.append(indent + text + "  # why" + eol)
        else:
            out.append(indent + text + eol)
    return "".join(out)


@st.composite
def wellformed(draw):
    tree = draw(st.one_of(http_config(), http_config(), stream_config()))
    style = draw(layout())
    text = render(tree, style)
    if draw(st.integers(0, 3)) == 0:
        # an `nginx -T` dump: the snippet `include snippets/tls.conf;` names
        # follows as a file of its own
        snippet = draw(st.lists(st.one_of(tls_directive(), st.sampled_from([["proxy_ssl", "on"],
                                                                            ["proxy_ssl_verify", "off"]])),
                                min_size=1, max_size=3))
        if "include" not in text and draw(st.booleans()):
            text = text.replace("proxy_pass", "include snippets/tls.conf; proxy_pass", 1)
        eol = style["eol"]
        text = (f"# configuration file /etc/nginx/nginx.conf:{eol}{text}{eol}"
                f"# configuration file /etc/nginx/snippets/tls.conf:{eol}{render(snippet, style)}")
    if not style["final_eol"]:
        text = text[: -len(style["eol"])]
    return text


@SETTINGS
@given(wellformed())
def test_generated_configs_parse(text):
    report = check(text)
    assert not report.diagnostics, f"{report.diagnostics}\n{text}"


@SETTINGS
@given(wellformed())
def test_generated_configs_fix_properties(text):
    assume(not check(text).diagnostics)
    for param in OPTION_SETS:
        options, unsafe = param.values
        assert_fix_properties(text, options, unsafe)


# --------------------------------------------------------------------------
# Minimized cases the properties above found (all were bugs in py_core;
# some were fixed while these tests were written).


def test_found_unicode_digit_port_crashes_check():
    """`str.isdigit()` is true for '²', `int('²')` raises: check crashes
    with ValueError instead of treating the port as unknown."""
    for text in ("proxy_pass https://x:\u00b2;\n", "upstream u { server x:\u00b2; }\nproxy_pass http://u;\n"):
        check(text)
        fix(text)


@pytest.mark.parametrize("text", [
    'location / { proxy_pass https://x; proxy_ssl_verify off; }\n',
    'location / {\n    proxy_pass https://x; proxy_ssl_verify off;\n}\n',
    'location / {\n    proxy_pass https://x;\n    proxy_ssl_verify off; proxy_ssl_name a.b;\n}\n',
], ids=["one-line-block", "pass-and-verify-on-one-line", "verify-shares-line"])
def test_found_one_finding_two_edits_same_line_crashes_fix(text):
    """UT001's local fix replaces `proxy_ssl_verify off` and inserts the
    trust lines after the anchor; when both sit on one line the fix holds
    two whole-line edits of the same line and apply_edits raises
    EditConflict (engine.fix only checks conflicts *between* findings)."""
    result = fix(text)
    assert "proxy_ssl_verify on;" in result.text
    assert fix(result.text).text == result.text


@pytest.mark.parametrize("separator", ["\x0c", "\x0b", "\x1c", "\x85", "\u2028", "\u2029"])
def test_found_splitlines_separators_shift_edits(separator):
    """crossplane counts lines at \\n (and \\r); Editor and apply_edits use
    str.splitlines, which also breaks at form feed, NEL, U+2028 …. One such
    character above a directive shifts every edit by a line: here the fix
    overwrites the proxy_pass line with `proxy_ssl_verify on;` and leaves
    `proxy_ssl_verify off;` in place."""
    text = f"# page{separator}break\nlocation / {{\n    proxy_pass https://x;\n    proxy_ssl_verify off;\n}}\n"
    result = fix(text)
    assert "    proxy_pass https://x;\n" in result.text
    assert "proxy_ssl_verify off" not in result.text


def test_found_scheme_upgrade_drops_quotes():
    """UT009's fix rewrites `proxy_pass "http://x:443/a;b";` as
    `proxy_pass https://x:443/a;b;` — the quotes go, so `;` ends the
    directive and `b` becomes a directive of its own."""
    text = 'location / {\n    proxy_pass "http://x:443/a;b";\n}\n'
    result = fix(text)
    assert '"https://x:443/a;b"' in result.text, result.text
    text = 'location / {\n    proxy_pass "http://x:443/{";\n}\n'
    result = fix(text)
    assert not result.diagnostics, result.text


def test_found_host_header_fix_does_not_quote_name():
    """UT007's fix writes proxy_ssl_name's value unquoted into
    `proxy_set_header Host …;`: `"a{"` gives a config that no longer
    parses, `"a b"` gives a three-argument proxy_set_header."""
    text = 'location / {\n    proxy_pass https://x;\n    proxy_ssl_name "a{";\n    proxy_set_header Host $host;\n}\n'
    result = fix(text, unsafe_fixes=True)
    assert not result.diagnostics, result.text
    text = text.replace('"a{"', '"a b"')
    result = fix(text, unsafe_fixes=True)
    assert 'proxy_set_header Host "a b";' in result.text, result.text


def test_found_multiline_replace_drops_comment():
    """Editor.replace rewrites a directive split across lines as one line
    and drops a comment between its name and arguments."""
    text = "location / {\n    proxy_pass https://x;\n    proxy_ssl_verify\n    # keep me\n    off;\n}\n"
    result = fix(text)
    assert "# keep me" in result.text, result.text


def test_found_replace_matches_inside_quoted_string():
    """span_in_line finds the directive's text by regex anywhere in the
    line, so it matches inside an earlier quoted argument: the fix edits
    the add_header value instead of the directive."""
    text = ('location / {\n    proxy_pass https://x;\n'
            '    add_header X "proxy_ssl_verify off;"; proxy_ssl_verify off;\n}\n')
    result = fix(text)
    assert 'add_header X "proxy_ssl_verify off;";' in result.text, result.text


def test_found_duplicate_dump_path_misplaces_edits():
    """An `nginx -T` paste naming the same file twice: Editor.lines() takes
    the first file of that name, Report.offsets the last, so edits land on
    the wrong lines; each round re-adds them and fix is not idempotent
    (after 8 rounds the verification block is there 8 times)."""
    text = ("# configuration file /etc/nginx/a.conf:\nproxy_pass https://x;\n"
            "# configuration file /etc/nginx/a.conf:\nproxy_pass https://app;\n")
    result = fix(text)
    assert result.text.count("proxy_ssl_verify on;") <= 2, result.text
    assert fix(result.text).text == result.text


def test_found_lone_cr_shifts_dump_offsets():
    """split_dump counts a file's offset with text.count("\\n"); the edits
    are applied with str.splitlines, which also breaks at a lone \\r. A lone
    \\r above the first marker shifts every edit one line up: the fix
    overwrites `proxy_pass` with `proxy_ssl_verify on;`."""
    text = ("# a\rb\n# configuration file /etc/nginx/a.conf:\nlocation / {\n"
            "    proxy_pass https://x;\n    proxy_ssl_verify off;\n}\n")
    result = fix(text)
    assert "    proxy_pass https://x;\n" in result.text, result.text
    assert "proxy_ssl_verify off" not in result.text, result.text


def test_found_cr_only_line_endings():
    """Old-Mac line endings (\\r only): nginx reads a lone CR as white space,
    so the whole text is one line. The fix must still land inside the block,
    take effect and be idempotent (it once raised EditConflict)."""
    text = "location / {\r    proxy_pass https://x;\r    proxy_ssl_verify off;\r}\r"
    result = fix(text)
    assert "proxy_ssl_verify on;" in result.text and "proxy_ssl_verify off" not in result.text
    assert not check(result.text).diagnostics
    assert fix(result.text).text == result.text


def test_found_protocols_rewrite_drops_quotes():
    """protocols_fix joins the arguments unquoted: a quoted argument holding
    `}` or `;` is written bare and the fixed config no longer parses (or
    gains a directive)."""
    result = fix("proxy_ssl_protocols TLSv1.2 'TLSv1.}2';\n")
    assert not result.diagnostics, result.text
    result = fix("proxy_ssl_protocols TLSv1.2 'TLS;v1.2';\n")
    assert result.text.count(";") == 2, result.text


def test_found_lone_surrogate_raises_unicode_error():
    """Low priority (the CLI decodes with surrogateescape, so only
    U+DC80..U+DCFF reach the core; a JS string in the browser can hold any
    lone surrogate): check() raises UnicodeEncodeError from _tokens instead
    of parsing or raising InputError."""
    try:
        check("proxy_pass https://x;\ud800\n")
    except InputError:
        pass


def test_found_multiline_replace_cuts_at_quoted_semicolon():
    """Editor.replace, for a directive spread over lines, keeps what follows
    the first `;` of its last line — here the `;` inside the quoted URL —
    so `b";` is left behind as a stray, unterminated directive and the
    fixed config no longer parses."""
    text = 'location / {\n    proxy_pass\n        "http://x:443/a;b";\n}\n'
    result = fix(text)
    assert not result.diagnostics, result.text
    assert 'proxy_pass "https://x:443/a;b";\n' in result.text, result.text
    assert 'b";\n' not in result.text.replace('a;b";\n', ""), result.text


def test_found_multiline_directive_on_last_line_without_newline():
    """A directive split over lines, ending the input without a final
    newline: UT001 replaces its lines 2-3 (Edit) and inserts after it,
    which for a last line without newline is a LineChange on line 3; the
    two overlap and fix raises EditConflict (the CLI: internal error)."""
    text = "proxy_pass https://x;\nproxy_ssl_verify\n    off;"
    result = fix(text)
    assert "proxy_ssl_verify on;" in result.text, result.text
    assert fix(result.text).text == result.text


@pytest.mark.parametrize("unsafe", [False, True])
def test_found_snippet_setting_verify_off(unsafe):
    """TLS settings included from a snippet (nginx -T): fix must neither
    set proxy_ssl_verify twice in the including block (nginx: "directive is
    duplicate") nor add another `proxy_ssl_verify on;` every round."""
    text = ("# configuration file /etc/nginx/nginx.conf:\nstream {\n    server {\n"
            "        proxy_pass app.example.com:443;\n        proxy_ssl on;\n        include tls.conf;\n"
            "    }\n}\nhttp {\n    server {\n        location / {\n            proxy_pass https://app.example.com;\n"
            "            include tls.conf;\n        }\n    }\n}\n"
            "# configuration file /etc/nginx/tls.conf:\nproxy_ssl_verify off;\n")
    result = fix(text, unsafe_fixes=unsafe)
    assert not duplicates(result.text), result.text
    assert fix(result.text, unsafe_fixes=unsafe).text == result.text


def test_found_cr_line_ending_after_comment():
    """Lone \\r is white space to nginx and to the parser (no line break),
    but Editor._eol falls back to "\\r" as the line ending when the text
    has no \\n. Inserted after a line ending in a comment, the new
    directives are inside that comment: nothing takes effect, the next
    round inserts them again, and after 8 rounds there are 8 copies."""
    text = "proxy_pass https://u; # c\r"
    result = fix(text)
    assert fix(result.text).text == result.text, repr(result.text)
    assert result.text.count("proxy_ssl_verify on;") == 1, repr(result.text)
    assert not any(finding.code == "UT002" for finding in check(result.text).findings), repr(result.text)
