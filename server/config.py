"""Server configuration: limits, folders and headers, with safe defaults."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class ServerConfig:
    """Settings of :func:`pyfaceapi.server.create_app`.

    - ``max_request_bytes``: larger request bodies get 413 before anything is read.
    - ``max_pixels``: larger images get 413, checked from the image header before decoding.
    - ``max_faces``: at most this many faces are analysed per request (the best-scoring ones).
    - ``web_root``: the built web app (``make web``), served at ``/``; ``None`` serves no pages.
    - ``model_dir``: models to load (default: the bundled ones).
    - ``cross_origin_isolation``: send COOP/COEP so pages get ``crossOriginIsolated`` (threaded wasm).
    """

    max_request_bytes: int = 20 * 1024 * 1024
    max_pixels: int = 40_000_000
    max_faces: int = 100
    web_root: Path | None = field(default_factory=lambda: REPO / "web" / "dist")
    model_dir: Path | None = None
    cross_origin_isolation: bool = False
