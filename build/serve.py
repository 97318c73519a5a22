"""Serve dist/ on 127.0.0.1 the way a static host should: the right MIME
types (application/wasm, text/javascript for .mjs), the security headers
the build chose (build-info.json: the Content-Security-Policy as a header,
which a meta tag cannot give the worker, framing refused, `Cache-Control:
no-cache` because file names do not change between builds), no folder
listings, and a file's precompressed sibling (`NAME.br`, `NAME.gz`, written
by the build) when the request's Accept-Encoding takes it, with the file's
own Content-Type, `Content-Encoding` and `Vary: Accept-Encoding`; without a
sibling, or for a client that takes neither, the plain file.

`--link-mbit`/`--link-rtt-ms` make it a slow link (all connections share
the bandwidth, each response waits one round trip): to see the page as a
person on ordinary Wi-Fi does, and for bench/bench_web.py.
"""
from __future__ import annotations

import argparse
import email.utils
import functools
import http.server
import json
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIME_TYPES = {".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
              ".whl": "application/zip", ".zip": "application/zip", ".json": "application/json",
              ".svg": "image/svg+xml", ".conf": "text/plain; charset=utf-8", ".css": "text/css"}
# Content-coding -> sibling suffix, in the order the server prefers them.
ENCODINGS = {"br": ".br", "gzip": ".gz"}
CHUNK = 16 * 1024


def accepted_encodings(header: str | None) -> set[str]:
    """The codings an Accept-Encoding header takes (q > 0); `*` takes ours."""
    taken, refused = set(), set()
    for part in (header or "").split(","):
        name, _, params = part.strip().partition(";")
        name = name.strip().lower()
        if not name:
            continue
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        (taken if quality > 0 else refused).add(name)
    if "*" in taken:
        taken |= set(ENCODINGS) - refused
    return taken


class Link:
    """A shared slow link: bytes leave at `mbit` Mbit/s in total, each
    response after one round trip of `rtt_ms`. Counts what it carried."""

    def __init__(self, mbit: float | None = None, rtt_ms: float = 0):
        self.bytes_per_second = mbit * 1e6 / 8 if mbit else None
        self.rtt = rtt_ms / 1000
        self.lock = threading.Lock()
        self.free_at = 0.0
        self.sent = 0

    def wait_round_trip(self) -> None:
        if self.rtt:
            time.sleep(self.rtt)

    def send(self, socket_file, data: bytes) -> None:
        for start in range(0, len(data), CHUNK):
            chunk = data[start:start + CHUNK]
            if self.bytes_per_second:
                with self.lock:
                    self.free_at = max(self.free_at, time.monotonic()) + len(chunk) / self.bytes_per_second
                    due = self.free_at
                time.sleep(max(0.0, due - time.monotonic()))
            socket_file.write(chunk)
            with self.lock:
                self.sent += len(chunk)


class PacedWriter:
    """The handler's output file, through the link."""

    def __init__(self, raw, link: Link):
        self.raw = raw
        self.link = link

    def write(self, data) -> int:
        self.link.send(self.raw, bytes(data))
        return len(data)

    def flush(self) -> None:
        self.raw.flush()

    def __getattr__(self, name):
        return getattr(self.raw, name)


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as browsers and hosts use it
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}
    headers_to_send: dict[str, str] = {}
    prefix = "/"
    link = Link()

    def setup(self):
        super().setup()
        self.link.wait_round_trip()  # the connection's handshake
        self.wfile = PacedWriter(self.wfile, self.link)

    def translate_path(self, path):
        """The site may sit under a sub-path (like GitHub Pages project sites)."""
        if self.prefix != "/" and path.startswith(self.prefix):
            path = "/" + path[len(self.prefix):]
        return super().translate_path(path)

    def send_head(self):
        """The plain file's headers and body, or its precompressed sibling's."""
        self.link.wait_round_trip()
        path = self.translate_path(self.path)
        if os.path.isdir(path) and self.path.split("?", 1)[0].endswith("/"):
            path = os.path.join(path, "index.html")
        if not os.path.isfile(path):
            return super().send_head()
        taken = accepted_encodings(self.headers.get("Accept-Encoding"))
        coding = next((name for name, suffix in ENCODINGS.items() if name in taken and os.path.isfile(path + suffix)),
                      None)
        if coding is None:
            return super().send_head()
        if self.not_modified(path):
            return None
        body = open(path + ENCODINGS[coding], "rb")  # do_GET copies it out and closes it
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", coding)
        self.send_header("Content-Length", str(os.fstat(body.fileno()).st_size))
        self.send_header("Last-Modified", self.date_time_string(int(os.stat(path).st_mtime)))
        self.end_headers()
        return body

    def not_modified(self, path: str) -> bool:
        """A 304 for If-Modified-Since, as the plain path answers it."""
        since = self.headers.get("If-Modified-Since")
        if not since or self.headers.get("If-None-Match"):
            return False
        try:
            moment = email.utils.parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            return False
        if int(os.stat(path).st_mtime) > moment:
            return False
        self.send_response(304)
        self.end_headers()
        return True

    def end_headers(self):
        for name, value in self.headers_to_send.items():
            self.send_header(name, value)
        self.send_header("Vary", "Accept-Encoding")
        super().end_headers()

    def list_directory(self, path):
        """A static host lists no folders: a folder without index.html is a 404."""
        self.send_error(404, "Not Found")
        return None

    def log_message(self, format, *args):
        if self.server.verbose:
            super().log_message(format, *args)


class SiteServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        """A browser that leaves mid-download resets its connections: not an error."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def make_server(directory: Path, port: int = 0, prefix: str = "/", verbose: bool = False,
                link: Link | None = None) -> http.server.HTTPServer:
    """A threading server for `directory` on 127.0.0.1 (port 0: any free one)."""
    info = json.loads((directory / "build-info.json").read_text())
    handler = type("Handler", (SiteHandler,), {"headers_to_send": info["headers"], "prefix": prefix.rstrip("/") + "/",
                                               "link": link or Link()})
    server = SiteServer(("127.0.0.1", port), functools.partial(handler, directory=str(directory)))
    server.verbose = verbose
    server.daemon_threads = True
    return server


def serve_in_background(directory: Path, prefix: str = "/", link: Link | None = None
                        ) -> tuple[http.server.HTTPServer, str]:
    server = make_server(directory, prefix=prefix, link=link)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}{prefix.rstrip('/')}/"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=ROOT / "dist")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--prefix", default="/", help="serve under this sub-path, e.g. /upstream-tls/")
    parser.add_argument("--link-mbit", type=float, help="pace all responses together to this many Mbit/s")
    parser.add_argument("--link-rtt-ms", type=float, default=0, help="delay each response by this round trip")
    args = parser.parse_args(argv)
    if not (args.dir / "build-info.json").is_file():
        print(f"{args.dir}: no build here; run `make dist` first", file=sys.stderr)
        return 2
    server = make_server(args.dir, args.port, args.prefix, verbose=True, link=Link(args.link_mbit, args.link_rtt_ms))
    print(f"upstream-tls page: http://127.0.0.1:{server.server_address[1]}{args.prefix.rstrip('/')}/  (Ctrl-C stops)",
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
