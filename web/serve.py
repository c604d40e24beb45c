"""Serve the static web build (``web/dist``) on loopback with the MIME types Pyodide and LiteRT.js need.

    python web/serve.py                 # http://127.0.0.1:8000/
    python web/serve.py --port 0        # any free port (printed)
    python web/serve.py --isolate       # + COOP/COEP headers: crossOriginIsolated, threaded LiteRT.js

A stop-gap until the Flask server: the standard library's ``http.server`` with the right types
(``.wasm`` must be ``application/wasm`` or Pyodide hangs), no directory listings, no caching surprises.
Only for development and tests: it binds to 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
import threading
from pathlib import Path
from typing import ClassVar

DIST = Path(__file__).resolve().parent / "dist"

MIME_TYPES = {
    ".wasm": "application/wasm",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css",
    ".whl": "application/octet-stream",
    ".zip": "application/zip",
    ".tflite": "application/octet-stream",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webm": "video/webm",
    ".map": "application/json",
    ".ttf": "font/ttf",
    ".svg": "image/svg+xml",
    ".webmanifest": "application/manifest+json",
}


class Handler(http.server.SimpleHTTPRequestHandler):
    """``SimpleHTTPRequestHandler`` with fixed MIME types, optional isolation headers, no listings."""

    extensions_map: ClassVar[dict[str, str]] = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}
    isolate: ClassVar[bool] = False
    quiet: ClassVar[bool] = True
    cache_control: ClassVar[str] = "no-cache"

    def end_headers(self) -> None:
        self.send_header("Cache-Control", self.cache_control)
        self.send_header("X-Content-Type-Options", "nosniff")
        if self.isolate:
            self.send_header("Cross-Origin-Opener-Policy", "same-origin")
            self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
            self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        super().end_headers()

    def list_directory(self, path: str) -> None:
        self.send_error(404, "No directory listings")
        return None

    def log_message(self, format: str, *args: object) -> None:
        if not self.quiet:
            super().log_message(format, *args)


def make_server(root: Path = DIST, host: str = "127.0.0.1", port: int = 8000, isolate: bool = False,
                quiet: bool = True) -> http.server.ThreadingHTTPServer:
    """A server for ``root`` (not yet serving: call ``serve_forever()``, e.g. in a thread)."""
    if not (root / "index.html").is_file():
        raise FileNotFoundError(f"{root} has no index.html: build it first with 'make web' (python web/build.py)")
    handler = type("DistHandler", (Handler,), {"isolate": isolate, "quiet": quiet})
    return http.server.ThreadingHTTPServer((host, port), functools.partial(handler, directory=str(root)))


def serve_in_thread(root: Path = DIST, host: str = "127.0.0.1", port: int = 0,
                    isolate: bool = False) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Start a server in a daemon thread; returns it and its base URL (stop it with ``shutdown()``)."""
    server = make_server(root, host, port, isolate)
    threading.Thread(target=server.serve_forever, name="web-dist-server", daemon=True).start()
    bound_host, bound_port = server.server_address[:2]
    return server, f"http://{bound_host}:{bound_port}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=DIST, help="folder to serve (default: web/dist)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback only)")
    parser.add_argument("--port", type=int, default=8000, help="port (0: any free port)")
    parser.add_argument("--isolate", action="store_true",
                        help="send COOP/COEP headers (crossOriginIsolated: enables threaded LiteRT.js)")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    try:
        server = make_server(args.root, args.host, args.port, args.isolate, quiet=not args.verbose)
    except (FileNotFoundError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    host, port = server.server_address[:2]
    print(f"serving {args.root} at http://{host}:{port}/" + (" (cross-origin isolated)" if args.isolate else ""),
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
