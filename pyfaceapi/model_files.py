"""Where model files live and how they are checked: the ``models/`` folder and its ``manifest.json``.

The bundled models are found in ``$PYFACEAPI_MODELS`` if set, else in the ``models/`` folder beside the
package (a source checkout or editable install), else in ``pyfaceapi/models/`` inside the package.
Every file named in a manifest is checked against its sha256 before use.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sys
from pathlib import Path
from typing import Any

from .errors import ModelError

MANIFEST = "manifest.json"


def default_model_dir() -> Path:
    """The folder of the bundled models; raises :class:`ModelError` with a hint if there is none."""
    candidates = []
    if os.environ.get("PYFACEAPI_MODELS"):
        candidates.append(Path(os.environ["PYFACEAPI_MODELS"]))
    here = Path(__file__).resolve().parent
    candidates += [here.parent / "models", here / "models"]
    for candidate in candidates:
        if (candidate / MANIFEST).is_file():
            return candidate
    raise ModelError(
        "no bundled models found (looked in: " + ", ".join(str(c) for c in candidates) + "); set "
        "PYFACEAPI_MODELS to a folder with manifest.json, or use load_from_disk(path) / load_from_bytes(data)"
    )


def read_manifest(model_dir: Path) -> dict[str, Any]:
    path = model_dir / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read the model manifest {path}: {exc}") from exc


def manifest_entry(manifest: dict[str, Any], name: str) -> dict[str, Any] | None:
    models = manifest.get("models", {})
    if isinstance(models, dict):
        return models.get(name)
    return next((m for m in models if m.get("name") == name), None)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_sha256(data: bytes, expected: str | None, what: str) -> None:
    """Refuse ``data`` whose sha256 differs from ``expected`` (when one is given)."""
    if expected is None:
        return
    _compare_sha256(sha256(data), _valid_sha256(expected, what), what)


def _valid_sha256(expected: Any, what: str) -> str:
    if not isinstance(expected, str) or len(expected) != 64 or not set(expected.lower()) <= set("0123456789abcdef"):
        raise ModelError(f"{what}: expected_sha256 must be 64 hexadecimal digits, got {expected!r:.80}")
    return expected.lower()


def _compare_sha256(actual: str, expected: str, what: str) -> None:
    if not hmac.compare_digest(actual, expected):
        raise ModelError(
            f"{what}: sha256 mismatch (expected {expected}, got {actual}); the file is corrupt or was "
            "modified — restore it from the repository or pass the hash of the file you mean to load"
        )


async def fetch_bytes(uri: str, expected_sha256: str | None = None) -> bytes:
    """Read ``uri`` (http(s) or file path in CPython; a URL in the browser), checked against
    ``expected_sha256`` when given (in the browser with WebCrypto where the page is a secure context: ~20x
    faster than hashlib compiled to wasm, which is the fallback)."""
    data = await _fetch(uri, missing_ok=False)
    assert data is not None
    if sys.platform == "emscripten":
        buffer = data
        if expected_sha256 is not None and not await _check_sha256_webcrypto(buffer, expected_sha256, uri):
            check_sha256(buffer.to_bytes(), expected_sha256, uri)
        return buffer.to_bytes()
    check_sha256(data, expected_sha256, uri)
    return data


async def fetch_manifest_hashes(folder: str) -> dict[str, str] | None:
    """The sha256 of each model listed in ``<folder>/manifest.json``, or ``None`` when there is no such file
    (HTTP 404, or no file): a folder with a manifest is a verified folder, as on disk."""
    url = folder.rstrip("/") + "/" + MANIFEST
    data = await _fetch(url, missing_ok=True)
    if data is None:
        return None
    try:
        manifest = json.loads(data.to_bytes() if sys.platform == "emscripten" else data)
    except ValueError as exc:
        raise ModelError(f"cannot read the model manifest {url}: {exc}") from exc
    return manifest_hashes(manifest, url)


def manifest_hashes(manifest: Any, where: str) -> dict[str, str]:
    """Model name -> sha256 of a parsed ``manifest.json`` (entries without a sha256 are left out)."""
    models = manifest.get("models") if isinstance(manifest, dict) else None
    if isinstance(models, dict):
        items = list(models.items())
    elif isinstance(models, list):
        items = [(m.get("name"), m) for m in models if isinstance(m, dict)]
    else:
        raise ModelError(f"the model manifest {where} has no 'models' object")
    return {str(name): entry["sha256"] for name, entry in items
            if isinstance(entry, dict) and isinstance(entry.get("sha256"), str)}


def folder_hashes(folder: Path) -> dict[str, str] | None:
    """:func:`fetch_manifest_hashes` for a folder on disk: ``None`` when it has no ``manifest.json``."""
    if not (folder / MANIFEST).is_file():
        return None
    return manifest_hashes(read_manifest(folder), str(folder / MANIFEST))


def listed_sha256(hashes: dict[str, str] | None, name: str, where: str) -> str | None:
    """The sha256 that ``hashes`` (from :func:`fetch_manifest_hashes`) lists for ``name``; ``None`` without a
    manifest; a :class:`ModelError` when the manifest does not list the model (it cannot be verified)."""
    if hashes is None:
        return None
    if name not in hashes:
        raise ModelError(
            f"{name}: the manifest in {where} has no sha256 for this model, so it cannot be verified; add it to "
            "the manifest, or pass expected_sha256 (load_from_uri / load_from_bytes)"
        )
    return hashes[name]


async def _fetch(uri: str, missing_ok: bool) -> Any:
    """The bytes at ``uri`` (in the browser: a JS ``ArrayBuffer`` proxy); ``None`` for a missing file when
    ``missing_ok``."""
    if sys.platform == "emscripten":
        from pyodide.http import pyfetch  # type: ignore[import-not-found]

        try:
            response = await pyfetch(uri)
        except Exception as exc:  # a network error: pyfetch raises OSError or a JsException
            raise ModelError(f"cannot fetch {uri}: {exc}") from exc
        if missing_ok and response.status == 404:
            return None
        if not response.ok:
            raise ModelError(f"cannot fetch {uri}: HTTP {response.status}")
        return await response.buffer()
    import asyncio
    import urllib.error
    import urllib.request

    def read() -> bytes | None:
        try:
            if "://" not in uri:
                return Path(uri).read_bytes()
            with urllib.request.urlopen(uri) as response:
                return response.read()
        except (FileNotFoundError, urllib.error.HTTPError) as exc:
            if missing_ok and (isinstance(exc, FileNotFoundError) or exc.code == 404):
                return None
            raise

    try:
        return await asyncio.to_thread(read)
    except OSError as exc:
        raise ModelError(f"cannot fetch {uri}: {exc}") from exc


async def _check_sha256_webcrypto(buffer: Any, expected: str, what: str) -> bool:
    """Check a JS ``ArrayBuffer`` with ``crypto.subtle`` (native speed); ``False`` where the page has no
    WebCrypto (not a secure context), so the caller falls back to hashlib."""
    import js  # type: ignore[import-not-found]

    subtle = getattr(getattr(js, "crypto", None), "subtle", None)
    if subtle is None:
        return False
    expected = _valid_sha256(expected, what)
    digest = await subtle.digest("SHA-256", buffer)
    _compare_sha256(bytes(js.Uint8Array.new(digest).to_py()).hex(), expected, what)
    return True
