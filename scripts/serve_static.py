#!/usr/bin/env python3
"""A tiny static file server for the dashboard's dist/ (Python standard library only).

    python3 scripts/serve_static.py --dir dist --host 127.0.0.1 --port 8080
    python3 scripts/serve_static.py --dir dist --port 8088 --mount / --mount /dashboard/

Each --mount serves the same directory under that URL path (default: "/"), so one server
can show that the dashboard works both at the root and under a sub-path. The app routes
with the URL hash, so no rewrite rules are needed. Responses carry `Cache-Control:
no-cache` so a rebuilt dist/ is picked up on reload. Stops cleanly on SIGTERM / Ctrl-C.
"""

from __future__ import annotations

import argparse
import http.server
import os
import posixpath
import signal
import sys
import urllib.parse
from functools import partial


class Handler(http.server.SimpleHTTPRequestHandler):
    mounts: list[str] = ["/"]
    quiet = True

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".css": "text/css",
        ".html": "text/html; charset=utf-8",
        ".svg": "image/svg+xml",
        ".json": "application/json",
    }

    def _strip_mount(self, path: str) -> str | None:
        """The path inside the served directory, or None when no mount matches."""
        for mount in sorted(self.mounts, key=len, reverse=True):
            if mount == "/":
                return path
            if path == mount.rstrip("/"):
                return None  # handled as a redirect in send_head
            if path.startswith(mount):
                return "/" + path[len(mount):]
        return None

    def send_head(self):
        parsed = urllib.parse.urlsplit(self.path)
        path = parsed.path
        for mount in self.mounts:
            if mount != "/" and path == mount.rstrip("/"):
                # /dashboard -> /dashboard/ (relative asset URLs need the trailing slash)
                self.send_response(301)
                location = mount + (("?" + parsed.query) if parsed.query else "")
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
        inner = self._strip_mount(path)
        if inner is None:
            self.send_error(404, "Not Found")
            return None
        self.path = urllib.parse.urlunsplit(("", "", inner, parsed.query, ""))
        return super().send_head()

    def end_headers(self):
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        if not self.quiet:
            super().log_message(format, *args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", required=True, help="the directory to serve (e.g. dist)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--mount", action="append", default=[],
                        help='URL path to serve the directory under, e.g. "/dashboard/" (repeatable; default "/")')
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args()

    directory = os.path.abspath(args.dir)
    if not os.path.isfile(os.path.join(directory, "index.html")):
        sys.exit(f"[static] {directory}/index.html not found: build the dashboard first")
    mounts = []
    for mount in args.mount or ["/"]:
        mount = "/" + posixpath.normpath("/" + mount).strip("/")
        mounts.append(mount if mount == "/" else mount + "/")
    Handler.mounts = mounts
    Handler.quiet = not args.verbose

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    http.server.ThreadingHTTPServer.allow_reuse_address = True
    try:
        server = http.server.ThreadingHTTPServer((args.host, args.port), partial(Handler, directory=directory))
    except OSError as err:
        sys.exit(f"[static] cannot listen on {args.host}:{args.port}: {err}")
    urls = ", ".join(f"http://{args.host}:{args.port}{m}" for m in mounts)
    print(f"[static] serving {directory} at {urls}", flush=True)
    try:
        server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
