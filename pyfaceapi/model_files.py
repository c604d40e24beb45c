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
    if not isinstance(expected, str) or len(expected) != 64 or not set(expected.lower()) <= set("0123456789abcdef"):
        raise ModelError(f"{what}: expected_sha256 must be 64 hexadecimal digits, got {expected!r:.80}")
    actual = sha256(data)
    if not hmac.compare_digest(actual, expected.lower()):
        raise ModelError(
            f"{what}: sha256 mismatch (expected {expected}, got {actual}); the file is corrupt or was "
            "modified — restore it from the repository or pass the hash of the file you mean to load"
        )


async def fetch_bytes(uri: str) -> bytes:
    """Read ``uri`` (http(s) or file path in CPython; same-origin URL in the browser)."""
    if sys.platform == "emscripten":
        from pyodide.http import pyfetch  # type: ignore[import-not-found]

        response = await pyfetch(uri)
        if not response.ok:
            raise ModelError(f"cannot fetch {uri}: HTTP {response.status}")
        return await response.bytes()
    import asyncio
    import urllib.request

    def read() -> bytes:
        if "://" not in uri:
            return Path(uri).read_bytes()
        with urllib.request.urlopen(uri) as response:
            return response.read()

    try:
        return await asyncio.to_thread(read)
    except OSError as exc:
        raise ModelError(f"cannot fetch {uri}: {exc}") from exc
