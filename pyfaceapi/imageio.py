"""Server-side image decoding with Pillow: paths, bytes, file objects and PIL images to RGB pixels.

Imported only in CPython (the browser decodes with the page's own decoders). Decoding is where untrusted
bytes meet C code, so every failure becomes an :class:`~pyfaceapi.errors.InputError` that says what was
wrong, and the pixel count is checked from the header *before* the pixels are decoded.
"""

from __future__ import annotations

import functools
import io
import os
import struct
import threading
import warnings
from typing import Any, BinaryIO

import numpy as np

from .errors import ImageDecodeError, ImageTooLargeError, InputError

DEFAULT_MAX_PIXELS = 100_000_000
"""Largest image accepted by default (width x height), e.g. 12,000 x 8,000. Pillow itself refuses more than
twice ``PIL.Image.MAX_IMAGE_PIXELS`` (179 MP) whatever the limit here."""

ALLOWED_FORMATS = ("JPEG", "MPO", "PNG", "WEBP", "GIF", "BMP", "TIFF")
"""The Pillow formats :func:`decode` opens (MPO: the multi-picture JPEG of phone cameras, a format of its own
before Pillow 11.x; newer Pillows open it through JPEG)."""
FORMAT_NAMES = ("JPEG", "PNG", "WebP", "GIF", "BMP", "TIFF")

_DECODER_FAILURES = (OSError, SyntaxError, ValueError, EOFError, IndexError, KeyError, TypeError, struct.error,
                     ZeroDivisionError)
"""What Pillow's decoders raise on corrupt input (found by the corpus and by fuzzing, tests/fuzz)."""

_QUIET_BOMB_WARNINGS = threading.Lock()
"""``warnings.catch_warnings`` swaps process-wide state: one thread at a time (only around the header read)."""


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
        return image_to_rgb(source, max_pixels, "the PIL image")
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
    """Decode encoded image bytes (JPEG, PNG, WebP, GIF, BMP, TIFF) to HxWx3 uint8 RGB.

    Only the formats in :data:`ALLOWED_FORMATS` are tried: Pillow knows many more (EPS, which it hands to
    Ghostscript, PSD, ICO, ...) that an upload must not reach. The size is checked from the header before
    any pixel is decoded.
    """
    return image_to_rgb(open_image(data, name), max_pixels, name, owned=True)


def open_image(data: bytes, name: str = "the image data") -> Any:
    """Read the header of ``data``: a lazy ``PIL.Image`` (nothing decoded yet; ``.size`` is known).

    Raises :class:`ImageDecodeError` for what is not an allowed format and :class:`ImageTooLargeError` for
    what Pillow's own bomb check refuses (over twice ``PIL.Image.MAX_IMAGE_PIXELS``).
    """
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise ImageDecodeError(f"{name} is empty")
    try:
        with _QUIET_BOMB_WARNINGS, warnings.catch_warnings():
            # Pillow warns above Image.MAX_IMAGE_PIXELS (89 MP) and raises above twice that; below the hard
            # limit, ``max_pixels`` decides (image_to_rgb checks it before decoding)
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data), formats=_allowed_formats())
    except UnidentifiedImageError as exc:
        raise ImageDecodeError(
            f"{name} is not an image format pyfaceapi decodes ({', '.join(FORMAT_NAMES)}), or its header is corrupt"
        ) from exc
    except Image.DecompressionBombError as exc:
        raise ImageTooLargeError(f"{name} is too large to decode safely ({exc})") from exc
    except _DECODER_FAILURES as exc:
        raise ImageDecodeError(f"{name} cannot be decoded: {exc}") from exc


@functools.cache
def _allowed_formats() -> tuple[str, ...]:
    from PIL import Image

    Image.init()  # register every plugin once, so the names below are known
    return tuple(name for name in ALLOWED_FORMATS if name in Image.OPEN)


def image_to_rgb(image: Any, max_pixels: int = DEFAULT_MAX_PIXELS, name: str = "the PIL image",
                 owned: bool = False) -> np.ndarray:
    """The pixels of a ``PIL.Image`` as HxWx3 uint8 RGB in the displayed orientation.

    The size is checked first, then the image is decoded, then copied out in bands of a few megabytes, so
    the peak is the decoded image plus the result (no full-size temporaries, and the EXIF orientation is
    applied while copying, not by a transposed copy). ``owned``: the image may be freed as we go (it was
    opened here, not handed in by the caller).
    """
    width, height = image.size
    if width * height > max_pixels:
        raise ImageTooLargeError(f"{name} has {width}x{height} pixels, more than the limit of {max_pixels}")
    if width == 0 or height == 0:
        raise InputError(f"{name} is empty ({width}x{height})")
    try:
        image.load()
        if image.mode in ("P", "PA") and image.palette is None:
            # a palette PNG without its PLTE chunk (browsers refuse it too); Pillow would assert when converting
            raise ImageDecodeError(f"{name} cannot be decoded: a palette image without its palette")
        orientation = _orientation(image)
        pixels = _copy_out(image, orientation)
    except ImageDecodeError:
        raise
    except _DECODER_FAILURES as exc:
        raise ImageDecodeError(f"{name} cannot be decoded (truncated or corrupt?): {exc}") from exc
    finally:
        if owned:
            image.close()
    return pixels


def _orientation(image: Any) -> int:
    """The EXIF orientation (1..8; 1 when absent or invalid), as ``ImageOps.exif_transpose`` reads it."""
    value = image.getexif().get(_ORIENTATION_TAG, 1)
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


_ORIENTATION_TAG = 0x0112
_BAND_BYTES = 4 << 20
_SIXTEEN_BIT_MODES = ("I;16", "I;16L", "I;16B", "I;16N", "I")


def _copy_out(image: Any, orientation: int) -> np.ndarray:
    """Copy ``image`` to RGB bands of the result, each placed where ``orientation`` displays it."""
    width, height = image.size
    transposed = orientation >= 5
    out = np.empty((width, height, 3) if transposed else (height, width, 3), dtype=np.uint8)
    rows = max(1, _BAND_BYTES // (width * 4))
    for top in range(0, height, rows):
        bottom = min(height, top + rows)
        band = image if (top, bottom) == (0, height) else image.crop((0, top, width, bottom))
        rgb = _band_to_rgb(band)
        # EXIF orientations (what the stored rows become on screen); the same as ImageOps.exif_transpose
        if orientation == 1:
            out[top:bottom] = rgb
        elif orientation == 2:
            out[top:bottom] = rgb[:, ::-1]
        elif orientation == 3:
            out[height - bottom:height - top] = rgb[::-1, ::-1]
        elif orientation == 4:
            out[height - bottom:height - top] = rgb[::-1]
        elif orientation == 5:
            out[:, top:bottom] = rgb.transpose(1, 0, 2)
        elif orientation == 6:
            out[:, height - bottom:height - top] = np.rot90(rgb, -1)
        elif orientation == 7:
            out[:, height - bottom:height - top] = rgb[::-1, ::-1].transpose(1, 0, 2)
        else:
            out[:, top:bottom] = np.rot90(rgb, 1)
    return out


def _band_to_rgb(band: Any) -> np.ndarray:
    if band.mode in _SIXTEEN_BIT_MODES:
        return _sixteen_bit_to_rgb(np.asarray(band))
    if band.mode != "RGB":
        band = band.convert("RGB")
    return np.asarray(band, dtype=np.uint8)


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
