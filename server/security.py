"""Security headers: a Content-Security-Policy that still lets Pyodide and LiteRT.js run, and the usual rest.

The pages run Python compiled to WebAssembly, so the policy must allow compiling wasm:
``'wasm-unsafe-eval'`` (CSP 3; Chromium 97+, Firefox 102+, Safari 16+). Pyodide 0.27 (boot, numpy, the
pyfaceapi wheel) and LiteRT.js 2.5 (its wasm, and the threaded build's workers, started from its own script
URL: no ``blob:`` workers) need nothing more. The inline ``<script>`` and ``<style>`` blocks of each served
HTML file are allowed by their sha256, computed when the file is served, so no ``'unsafe-inline'`` either
and an injected script is refused. ``img-src``/``media-src``/``connect-src`` add ``data:`` and ``blob:`` for
the pictures pages make themselves (canvas snapshots, uploads, webcam).

``'unsafe-eval'`` is not needed: ``pyfaceapi/browser.py`` tests ``instanceof`` through prototypes instead of
``pyodide.code.run_js`` (a JavaScript ``eval``). ``tests/unit/test_security.py`` checks in headless Chromium
that the demo page boots and detects under this policy with no violation. Should a future change need
``eval`` again, :data:`UNSAFE_EVAL_NEEDED` adds it back.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

UNSAFE_EVAL_NEEDED = False
"""Whether the pages need ``'unsafe-eval'`` (no: see the module docstring)."""

PAGE_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'wasm-unsafe-eval'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", "blob:"],
    "media-src": ["'self'", "data:", "blob:", "mediastream:"],
    "connect-src": ["'self'", "data:", "blob:"],
    "worker-src": ["'self'"],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
"""The policy of the web app's pages and files (workers get their policy from their script's response)."""

API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
"""The policy of JSON and PNG answers: nothing in them may run or load anything."""

COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=(), payment=(), usb=()",
}
"""Sent with every response (``setdefault``: a route may send its own)."""


def page_policy(script_hashes: tuple[str, ...] = (), style_hashes: tuple[str, ...] = (),
                unsafe_eval: bool | None = None) -> str:
    """The page policy, with ``'sha256-...'`` sources for the inline scripts and styles of one page."""
    unsafe_eval = UNSAFE_EVAL_NEEDED if unsafe_eval is None else unsafe_eval
    directives = dict(PAGE_POLICY)
    directives["script-src"] = [*PAGE_POLICY["script-src"], *(["'unsafe-eval'"] if unsafe_eval else []),
                                *(f"'{h}'" for h in script_hashes)]
    directives["style-src"] = [*PAGE_POLICY["style-src"], *(f"'{h}'" for h in style_hashes)]
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


class _InlineBlocks(HTMLParser):
    """Collects the text of inline ``<script>`` (without ``src``) and ``<style>`` elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._current: list[str] | None = None
        self._target: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and not any(name == "src" for name, _ in attrs):
            self._current, self._target = [], self.scripts
        elif tag == "style":
            self._current, self._target = [], self.styles

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._current is not None and self._target is not None:
            self._target.append("".join(self._current))
            self._current = self._target = None


def _sha256_source(text: str) -> str:
    # browsers hash the element's text after newline normalisation (CRLF and CR become LF), as UTF-8
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    return "sha256-" + base64.b64encode(hashlib.sha256(normalised.encode("utf-8")).digest()).decode("ascii")


def inline_hashes(html: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The CSP hash sources of the inline scripts and styles of ``html`` (each list in document order)."""
    parser = _InlineBlocks()
    parser.feed(html)
    parser.close()
    return (tuple(dict.fromkeys(_sha256_source(s) for s in parser.scripts)),
            tuple(dict.fromkeys(_sha256_source(s) for s in parser.styles)))


@lru_cache(maxsize=64)
def _hashes_of(path: str, mtime_ns: int, size: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return inline_hashes(Path(path).read_text(encoding="utf-8", errors="replace"))


def policy_for_html(path: Path) -> str:
    """The page policy for the HTML file at ``path`` (its inline hashes cached until the file changes)."""
    stat = path.stat()
    return page_policy(*_hashes_of(str(path), stat.st_mtime_ns, stat.st_size))
