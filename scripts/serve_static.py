#!/usr/bin/env python3
"""A tiny static file server for the dashboard's dist/ (Python standard library only).

    python3 scripts/serve_static.py --dir dist --host 127.0.0.1 --port 8080
    python3 scripts/serve_static.py --dir dist --port 8088 --mount / --mount /dashboard/

Each --mount serves the same directory under that URL path (default: "/"), so one server
can show that the dashboard works both at the root and under a sub-path. The app routes
with the URL hash, so no rewrite rules are needed. Responses carry `Cache-Control:
no-cache` so a rebuilt dist/ is picked up on reload. Stops cleanly on SIGTERM / Ctrl-C.

Every response (files, redirects, errors) carries the headers of the `/*` block of the
directory's `_headers` file (Netlify / Cloudflare Pages format; the release build copies the
repo's `_headers` there): the Content-Security-Policy, `X-Content-Type-Options` and
`Referrer-Policy`, so the dashboard runs here exactly as it would deployed.

Precompressed files (`<file>.br`, `<file>.gz`, written by the release build's post_build hook)
are served in place of `<file>` with `Content-Encoding: br` or `gzip` when the request's
`Accept-Encoding` allows it (brotli first); such files always carry `Vary: Accept-Encoding`.
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


# Content codings we have precompressed files for, in order of preference.
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))


def accepted_encodings(header: str | None) -> set[str]:
    """The content codings an Accept-Encoding header allows (q > 0), lower case.

    `*` stands for any coding not named; `identity` is always acceptable to us anyway.
    """
    named: dict[str, float] = {}
    for part in (header or "").split(","):
        fields = part.strip().split(";")
        coding = fields[0].strip().lower()
        if not coding:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
        named[coding] = q
    star = named.get("*", 0.0)
    return {c for c, _ in ENCODINGS if named.get(c, star) > 0}


def read_headers_file(path: str) -> list[tuple[str, str]]:
    """The headers of the `/*` block of a Netlify / Cloudflare Pages `_headers` file."""
    headers: list[tuple[str, str]] = []
    in_block = False
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if not line[0].isspace():
                in_block = line.strip() == "/*"
                continue
            if in_block:
                name, sep, value = line.strip().partition(":")
                if sep and name.strip():
                    headers.append((name.strip(), value.strip()))
    return headers


class Handler(http.server.SimpleHTTPRequestHandler):
    mounts: list[str] = ["/"]
    quiet = True
    # Sent on every response (from the served directory's _headers file).
    extra_headers: list[tuple[str, str]] = []
    _vary = False  # this response has precompressed variants (send Vary: Accept-Encoding)

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
        return self._send_precompressed() or super().send_head()

    def _send_precompressed(self):
        """Sends the headers for `<file>.br` / `<file>.gz` and returns it open, or None.

        None also when the file has no precompressed copy or the client accepts none; then
        the base class serves the file itself (with `Vary` set when copies exist).
        """
        fs_path = self.translate_path(self.path)
        if os.path.isdir(fs_path):
            if not self.path.split("?", 1)[0].endswith("/"):
                return None  # the base class redirects to the trailing slash
            fs_path = os.path.join(fs_path, "index.html")
        if not os.path.isfile(fs_path):
            return None
        variants = [(c, fs_path + ext) for c, ext in ENCODINGS if os.path.isfile(fs_path + ext)]
        if not variants:
            return None
        self._vary = True
        accepted = accepted_encodings(self.headers.get("Accept-Encoding"))
        for coding, variant in variants:
            if coding not in accepted:
                continue
            try:
                f = open(variant, "rb")
            except OSError:
                continue
            st = os.fstat(f.fileno())
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(fs_path))
            self.send_header("Content-Encoding", coding)
            self.send_header("Content-Length", str(st.st_size))
            self.send_header("Last-Modified", self.date_time_string(int(st.st_mtime)))
            self.end_headers()
            return f
        return None

    def end_headers(self):
        self.send_header("Cache-Control", "no-cache")
        if getattr(self, "_vary", False):
            self.send_header("Vary", "Accept-Encoding")
            self._vary = False
        for name, value in self.extra_headers:
            self.send_header(name, value)
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
    parser.add_argument("--headers", help="a _headers file whose /* block is sent on every response "
                        "(default: DIR/_headers, else the repository's _headers)")
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
    headers_file = args.headers
    if headers_file is None:
        headers_file = os.path.join(directory, "_headers")
        if not os.path.isfile(headers_file):
            headers_file = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "_headers")
    try:
        Handler.extra_headers = read_headers_file(headers_file)
    except OSError as err:
        sys.exit(f"[static] cannot read the headers file {headers_file}: {err}")
    if not any(name.lower() == "content-security-policy" for name, _ in Handler.extra_headers):
        sys.exit(f"[static] {headers_file} has no Content-Security-Policy for /*")
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
