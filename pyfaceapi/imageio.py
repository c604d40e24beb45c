"""Server-side image decoding with Pillow: paths, bytes, file objects and PIL images to RGB pixels.

Imported only in CPython (the browser decodes with the page's own decoders). Decoding is where untrusted
bytes meet C code, so every failure becomes an :class:`~pyfaceapi.errors.InputError` that says what was
wrong, and the pixel count is checked from the header *before* the pixels are decoded.
"""

from __future__ import annotations

import io
import os
import warnings
from typing import Any, BinaryIO

import numpy as np

from .errors import ImageDecodeError, ImageTooLargeError, InputError

DEFAULT_MAX_PIXELS = 100_000_000
"""Largest image accepted by default (width x height), e.g. 12,000 x 8,000."""


def load_image(source: Any, max_pixels: int = DEFAULT_MAX_PIXELS) -> np.ndarray:
    """Decode ``source`` to an HxWx3 uint8 RGB array, honouring the EXIF orientation.

    ``source``: a path (``str`` or ``os.PathLike``), ``bytes``/``bytearray``/``memoryview``, a binary file
    object, or a ``PIL.Image.Image``. 16-bit images are scaled to 8 bits; palette, gray, CMYK and alpha
    images are converted to RGB (alpha is dropped, as face-api.js's ``tf.browser.fromPixels`` does);
    of an animated image, the first frame is used.
    """
    try:
        from PIL import Image
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise InputError("decoding images needs Pillow (pip install pillow), or pass a numpy array") from exc

    if isinstance(source, Image.Image):
        return _to_rgb(source, max_pixels, "the PIL image")
    if isinstance(source, (str, os.PathLike)):
        try:
            with open(source, "rb") as f:
                data = f.read()
        except OSError as exc:
            raise InputError(f"cannot read image file {os.fspath(source)!r}: {exc.strerror or exc}") from exc
        return decode(data, max_pixels, name=repr(os.fspath(source)))
    if isinstance(source, (bytes, bytearray, memoryview)):
        return decode(bytes(source), max_pixels)
    if hasattr(source, "read"):
        return decode(_read_all(source), max_pixels)
    raise InputError(
        f"unsupported input type {type(source).__name__}: pass a file path, bytes, a binary file object, "
        "a PIL image, or a numpy array (HxWx3 uint8)"
    )


def decode(data: bytes, max_pixels: int = DEFAULT_MAX_PIXELS, name: str = "the image data") -> np.ndarray:
    """Decode encoded image bytes (JPEG, PNG, WebP, GIF, BMP, ...) to HxWx3 uint8 RGB."""
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise ImageDecodeError(f"{name} is empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except UnidentifiedImageError as exc:
        raise ImageDecodeError(f"{name} is not an image format Pillow can read") from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageTooLargeError(f"{name} is too large to decode safely ({exc})") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageDecodeError(f"{name} cannot be decoded: {exc}") from exc
    return _to_rgb(image, max_pixels, name)


def _to_rgb(image: Any, max_pixels: int, name: str) -> np.ndarray:
    from PIL import Image, ImageOps

    width, height = image.size
    if width * height > max_pixels:
        raise ImageTooLargeError(f"{name} has {width}x{height} pixels, more than the limit of {max_pixels}")
    if width == 0 or height == 0:
        raise InputError(f"{name} is empty ({width}x{height})")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
            image = ImageOps.exif_transpose(image)
            if image.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
                return _sixteen_bit_to_rgb(np.asarray(image))
            rgb = image.convert("RGB")
            return np.asarray(rgb, dtype=np.uint8)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageTooLargeError(f"{name} is too large to decode safely ({exc})") from exc
    except (OSError, SyntaxError, ValueError, EOFError, IndexError) as exc:
        raise ImageDecodeError(f"{name} cannot be decoded (truncated or corrupt?): {exc}") from exc


def _sixteen_bit_to_rgb(gray: np.ndarray) -> np.ndarray:
    scaled = (np.clip(gray.astype(np.int64), 0, 65535) * 255 + 32767) // 65535
    return np.repeat(scaled.astype(np.uint8)[:, :, None], 3, axis=2)


def _read_all(stream: BinaryIO) -> bytes:
    try:
        data = stream.read()
    except OSError as exc:
        raise InputError(f"cannot read from the file object: {exc}") from exc
    if isinstance(data, str):
        raise InputError("the file object is in text mode: open it with 'rb'")
    return bytes(data)
