"""Server configuration: limits, folders and headers, with safe defaults.

The limits can also be set from the environment (``PYFACEAPI_MAX_REQUEST_BYTES``, ``PYFACEAPI_MAX_PIXELS``,
``PYFACEAPI_MAX_SIDE``, ``PYFACEAPI_MAX_FACES``, ``PYFACEAPI_MAX_INPUT_SIZE``), e.g. for ``pyfaceapi serve``
behind a proxy with its own limits; an explicit ``ServerConfig(...)`` argument wins.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"${name} must be a positive integer, got {value!r}") from None
    if number <= 0:
        raise ValueError(f"${name} must be a positive integer, got {value!r}")
    return number


@dataclass(frozen=True)
class ServerConfig:
    """Settings of :func:`pyfaceapi.server.create_app`.

    - ``max_request_bytes``: larger request bodies get 413 before anything is read.
    - ``max_pixels``: larger images get 413, checked from the image header before decoding.
    - ``max_side``: the longest width or height accepted (413 beyond, from the header). Bounds what one
      image row or column costs: the detectors' resize gathers up to 2 x input_size rows of the image, so a
      1 x 20,000,000 sliver (a 20 kB PNG, within ``max_pixels``) would cost gigabytes.
    - ``max_faces``: at most this many faces are analysed per request (the best-scoring ones).
    - ``max_input_size``: the largest ``input_size`` of the tiny detectors (the input tensor is its square:
      32000 would ask for 12 GB); larger gets 422.
    - ``max_pixels_in_flight``: decoded pixels one process holds at a time, over all its request threads
      (default: twice ``max_pixels``); a request that would go over waits up to ``budget_timeout`` seconds,
      then gets 503. Bounds the memory of concurrent big images (see :mod:`pyfaceapi.server.limits`).
    - ``web_root``: the built web app (``make web``), served at ``/``; ``None`` serves no pages.
    - ``model_dir``: models to load (default: the bundled ones).
    - ``cross_origin_isolation``: send COOP/COEP so pages get ``crossOriginIsolated`` (threaded wasm).
    """

    max_request_bytes: int = field(default_factory=lambda: _env_int("PYFACEAPI_MAX_REQUEST_BYTES", 20 * 1024 * 1024))
    max_pixels: int = field(default_factory=lambda: _env_int("PYFACEAPI_MAX_PIXELS", 40_000_000))
    max_side: int = field(default_factory=lambda: _env_int("PYFACEAPI_MAX_SIDE", 16384))
    max_faces: int = field(default_factory=lambda: _env_int("PYFACEAPI_MAX_FACES", 100))
    max_input_size: int = field(default_factory=lambda: _env_int("PYFACEAPI_MAX_INPUT_SIZE", 1024))
    max_pixels_in_flight: int | None = None
    budget_timeout: float = 30.0
    web_root: Path | None = field(default_factory=lambda: REPO / "web" / "dist")
    model_dir: Path | None = None
    cross_origin_isolation: bool = False

    @property
    def pixel_budget(self) -> int:
        """``max_pixels_in_flight``, never less than one image of ``max_pixels``."""
        return max(self.max_pixels, self.max_pixels_in_flight or 2 * self.max_pixels)
