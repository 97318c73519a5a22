"""Serve dist/ on 127.0.0.1 the way a static host should: the right MIME
types (application/wasm, text/javascript for .mjs), the security headers
the build chose (build-info.json: the Content-Security-Policy as a header,
which a meta tag cannot give the worker, framing refused, `Cache-Control:
no-cache` because file names do not change between builds), and no folder
listings."""
from __future__ import annotations

import argparse
import functools
import http.server
import json
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIME_TYPES = {".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
              ".whl": "application/zip", ".zip": "application/zip", ".json": "application/json",
              ".svg": "image/svg+xml", ".conf": "text/plain; charset=utf-8", ".css": "text/css"}


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}
    headers_to_send: dict[str, str] = {}
    prefix = "/"

    def translate_path(self, path):
        """The site may sit under a sub-path (like GitHub Pages project sites)."""
        if self.prefix != "/" and path.startswith(self.prefix):
            path = "/" + path[len(self.prefix):]
        return super().translate_path(path)

    def end_headers(self):
        for name, value in self.headers_to_send.items():
            self.send_header(name, value)
        super().end_headers()

    def list_directory(self, path):
        """A static host lists no folders: a folder without index.html is a 404."""
        self.send_error(404, "Not Found")
        return None

    def log_message(self, format, *args):
        if self.server.verbose:
            super().log_message(format, *args)


def make_server(directory: Path, port: int = 0, prefix: str = "/", verbose: bool = False) -> http.server.HTTPServer:
    """A threading server for `directory` on 127.0.0.1 (port 0: any free one)."""
    info = json.loads((directory / "build-info.json").read_text())
    handler = type("Handler", (SiteHandler,), {"headers_to_send": info["headers"], "prefix": prefix.rstrip("/") + "/"})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=str(directory)))
    server.verbose = verbose
    server.daemon_threads = True
    return server


def serve_in_background(directory: Path, prefix: str = "/") -> tuple[http.server.HTTPServer, str]:
    server = make_server(directory, prefix=prefix)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}{prefix.rstrip('/')}/"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=ROOT / "dist")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--prefix", default="/", help="serve under this sub-path, e.g. /upstream-tls/")
    args = parser.parse_args(argv)
    if not (args.dir / "build-info.json").is_file():
        print(f"{args.dir}: no build here; run `make dist` first", file=sys.stderr)
        return 2
    server = make_server(args.dir, args.port, args.prefix, verbose=True)
    print(f"upstream-tls page: http://127.0.0.1:{server.server_address[1]}{args.prefix.rstrip('/')}/  (Ctrl-C stops)",
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
