"""Inputs: anything face-api.js accepts as ``TNetInput`` becomes HxWx3 pixels here.

The core understands numpy arrays only. Everything else — file paths, bytes, PIL images on the server;
``<img>``, ``<canvas>``, ``<video>``, ``ImageData`` in the browser — is turned into pixels by the platform's
*input bridge* (:mod:`pyfaceapi.imageio` in CPython, :mod:`pyfaceapi.browser` in Pyodide), the other half
of the one seam between the two targets.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .classes import Dimensions
from .errors import InputError

Pixels = np.ndarray
"""An HxWx3 array, uint8 (or float32 with values 0..255), RGB."""


@dataclass(frozen=True)
class NetInput:
    """One image or a batch of images, as RGB pixel arrays (face-api.js's ``NetInput``)."""

    images: tuple[Pixels, ...]
    is_batch_input: bool = False

    @property
    def batch_size(self) -> int:
        return len(self.images)

    def dims(self, index: int = 0) -> Dimensions:
        """Width and height of image ``index``."""
        height, width = self.images[index].shape[:2]
        return Dimensions(width, height)


def to_net_input(value: Any) -> NetInput:
    """Resolve one input, or a list/tuple of inputs (a batch), to a :class:`NetInput`."""
    if isinstance(value, NetInput):
        return value
    if isinstance(value, (list, tuple)):
        if not value:
            raise InputError("an empty list was passed: give at least one image")
        return NetInput(tuple(to_pixels(v) for v in value), is_batch_input=True)
    return NetInput((to_pixels(value),))


def to_pixels(value: Any) -> Pixels:
    """One input as a validated HxWx3 pixel array (uint8, or float32 0..255)."""
    if isinstance(value, np.ndarray):
        return validate_pixels(value)
    return validate_pixels(_platform_bridge()(value))


def validate_pixels(array: np.ndarray) -> Pixels:
    """Check and normalise a pixel array: HxW (gray), HxWx1, HxWx3 (RGB) or HxWx4 (RGBA, alpha dropped)."""
    if array.ndim == 2:
        array = array[:, :, None]
    if array.ndim != 3 or array.shape[2] not in (1, 3, 4):
        raise InputError(
            f"expected an image array of shape HxW, HxWx3 or HxWx4, got shape {array.shape}"
        )
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise InputError(f"the image is empty (shape {array.shape})")
    if array.dtype == np.uint8:
        pass
    elif array.dtype.kind in "iu" or array.dtype.kind == "f":
        finite = array.dtype.kind != "f" or bool(np.isfinite(array).all())
        if not finite or array.min() < 0 or array.max() > 255:
            raise InputError(
                f"pixel values must lie in 0..255 (dtype {array.dtype}); scale your array, e.g. "
                "(a * 255).astype(np.uint8) for 0..1 floats"
            )
        array = array.astype(np.uint8 if array.dtype.kind in "iu" else np.float32)
    else:
        raise InputError(f"unsupported pixel dtype {array.dtype}: use uint8 (or float 0..255)")
    if array.shape[2] == 1:
        array = np.repeat(array, 3, axis=2)
    return array[:, :, :3]


_bridge: Callable[[Any], np.ndarray] | None = None


def set_input_bridge(bridge: Callable[[Any], np.ndarray]) -> None:
    """Replace the platform's converter of non-array inputs (it must return an HxWx3/4 array)."""
    global _bridge
    _bridge = bridge


def _platform_bridge() -> Callable[[Any], np.ndarray]:
    global _bridge
    if _bridge is None:
        if sys.platform == "emscripten":
            from .browser import to_pixels as browser_to_pixels

            _bridge = browser_to_pixels
        else:
            from .imageio import load_image

            _bridge = load_image
    return _bridge


def is_batch(value: Any) -> bool:
    return isinstance(value, (list, tuple)) or (isinstance(value, NetInput) and value.is_batch_input)


__all__ = ["NetInput", "Pixels", "set_input_bridge", "to_net_input", "to_pixels", "validate_pixels"]
