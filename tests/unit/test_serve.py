"""build/serve.py answers each file with the precompressed sibling the
request's Accept-Encoding takes (brotli first), with the file's own type,
`Content-Encoding` and `Vary`; the plain file when there is no sibling or
the client takes neither; and a slow link's bytes are counted."""
from __future__ import annotations

import gzip
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

import brotli
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "build"))

from serve import Link, accepted_encodings, serve_in_background  # noqa: E402

WASM = b"\0asm" + bytes(range(256)) * 64
HEADERS = {"X-Content-Type-Options": "nosniff"}


@pytest.fixture
def site(tmp_path):
    (tmp_path / "build-info.json").write_text(json.dumps({"headers": HEADERS}))
    (tmp_path / "index.html").write_text("<!doctype html><p>page</p>" * 50)
    (tmp_path / "index.html.gz").write_bytes(gzip.compress((tmp_path / "index.html").read_bytes()))
    (tmp_path / "app.wasm").write_bytes(WASM)
    (tmp_path / "app.wasm.br").write_bytes(brotli.compress(WASM))
    (tmp_path / "app.wasm.gz").write_bytes(gzip.compress(WASM))
    (tmp_path / "plain.js").write_text("export const x = 1;\n")
    link = Link()
    server, url = serve_in_background(tmp_path, link=link)
    yield url, link
    server.shutdown()


def fetch(url: str, accept: str | None, method: str = "GET"):
    request = urllib.request.Request(url, method=method, headers={"Accept-Encoding": accept} if accept else {})
    with urllib.request.urlopen(request) as response:
        return response.headers, response.read()


@pytest.mark.parametrize(("accept", "coding"), [
    ("gzip, deflate, br, zstd", "br"),
    ("gzip", "gzip"),
    ("br;q=0, gzip;q=0.5", "gzip"),
    ("*", "br"),
    ("identity", None),
    (None, None),
])
def test_the_sibling_the_client_takes_or_the_plain_file(site, accept, coding):
    url, _ = site
    headers, body = fetch(url + "app.wasm", accept)
    assert headers["Content-Type"] == "application/wasm"
    assert headers["Content-Encoding"] == coding
    assert headers["Vary"] == "Accept-Encoding"
    assert headers["X-Content-Type-Options"] == "nosniff"
    decoded = {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}[coding](body)
    assert decoded == WASM
    assert int(headers["Content-Length"]) == len(body)


def test_a_missing_sibling_falls_back_quietly(site):
    url, _ = site
    headers, body = fetch(url + "plain.js", "br, gzip")
    assert headers["Content-Encoding"] is None and body == b"export const x = 1;\n"
    headers, body = fetch(url, "br, gzip")  # index.html has a .gz only
    assert headers["Content-Encoding"] == "gzip" and headers["Content-Type"] == "text/html"
    assert gzip.decompress(body).startswith(b"<!doctype html>")


def test_head_and_revalidation(site):
    url, _ = site
    headers, body = fetch(url + "app.wasm", "br", method="HEAD")
    assert body == b"" and headers["Content-Encoding"] == "br"
    request = urllib.request.Request(url + "app.wasm", headers={"Accept-Encoding": "br",
                                                                 "If-Modified-Since": headers["Last-Modified"]})
    with pytest.raises(urllib.error.HTTPError) as answered:
        urllib.request.urlopen(request)
    assert answered.value.code == 304


def test_the_link_counts_what_it_carried(site):
    url, link = site
    link.sent = 0
    _, body = fetch(url + "app.wasm", "br")
    assert link.sent > len(body)  # the body and the response headers


def test_accept_encoding_parsing():
    assert accepted_encodings("gzip;q=1.0, br; q=0.9") == {"gzip", "br"}
    assert accepted_encodings("br;q=0") == set()
    assert accepted_encodings("*;q=0.1, gzip;q=0") == {"*", "br"}
    assert accepted_encodings("") == set()
