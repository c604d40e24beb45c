"""The server's renderer: paint a display list on an image, as a browser canvas would.

Shapes are rasterised with anti-aliasing by :mod:`.raster` (numpy), text by Pillow's FreeType with the
bundled DejaVu Sans (HarfBuzz layout through libraqm when Pillow has it, which kerns and forms ligatures
as the core measured), supersampled so that glyphs keep sub-pixel positions as on a canvas. Pillow is
imported here only, when something is painted: building display lists never needs it.

    picture = draw_to_image(display_list, "photo.jpg")   # a new PIL image; the input is left alone
    picture.save("annotated.png")
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

from . import raster
from ._inputs import DrawInputError
from .colors import parse_color
from .display_list import DisplayList, FillCircles, FillRect, FillText, Op, StrokePolyline, StrokeRect
from .text import font_path, prepare_text

if TYPE_CHECKING:
    from PIL import Image as PILImage
    from PIL import ImageFont


def draw_to_image(display_list: DisplayList, image: Any = None) -> PILImage.Image:
    """Paint ``display_list`` on a copy of ``image`` and return it (a PIL image, RGB or RGBA).

    ``image``: a PIL image, a numpy ``HxW``/``HxWx3``/``HxWx4`` uint8 array, an image file path (EXIF
    orientation applied, as for detection) or encoded image bytes; ``None`` paints on a transparent RGBA
    image of the display list's size (an overlay).
    """
    from PIL import Image

    if image is None:
        if display_list.dims is None:
            raise DrawInputError("draw_to_image: pass an image, or a display list with a width and a height")
        width, height = (math.ceil(v) for v in display_list.dims)
        picture = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    elif isinstance(image, np.ndarray):
        picture = Image.fromarray(_as_rgb_array(image))
    elif isinstance(image, (str, os.PathLike, bytes, bytearray, memoryview)):
        picture = open_image(image)
    elif isinstance(image, Image.Image):
        picture = image.convert("RGBA" if _has_alpha(image) else "RGB")
    else:
        raise DrawInputError(f"draw_to_image: unsupported image type {type(image).__name__}")
    return paint(picture, display_list)


def render_into(pixels: np.ndarray, display_list: DisplayList | Any) -> np.ndarray:
    """Paint the operations of ``display_list`` (or any iterable of ops) on ``pixels`` in place.

    ``pixels`` is an ``HxWx3`` (opaque) or ``HxWx4`` (straight alpha) uint8 array; returns it.
    """
    if pixels.dtype != np.uint8 or pixels.ndim != 3 or pixels.shape[2] not in (3, 4):
        raise DrawInputError(f"expected an HxWx3 or HxWx4 uint8 image, got {pixels.dtype} {pixels.shape}")
    height, width = pixels.shape[:2]
    for op in display_list:
        for region, coverage in _coverages(op, width, height):
            raster.composite(pixels, region, coverage, parse_color(op.color))
    return pixels


def paint(target: Any, display_list: DisplayList) -> Any:
    """Paint on a PIL image (mode RGB or RGBA) or a uint8 numpy image in place; returns the target."""
    if isinstance(target, np.ndarray):
        if target.ndim != 3 or target.shape[2] not in (3, 4) or target.dtype != np.uint8:
            raise DrawInputError(f"draw target: expected an HxWx3 or HxWx4 uint8 array, got {target.dtype} "
                                 f"{target.shape}")
        if not target.flags.writeable:
            raise DrawInputError("draw target: the numpy array is read-only (pass a writable copy)")
        render_into(target, display_list)
        return target
    if target.mode not in ("RGB", "RGBA"):
        raise DrawInputError(f"draw target: PIL image mode {target.mode!r}; convert it to RGB or RGBA first")
    from PIL import Image

    pixels = np.array(target)
    render_into(pixels, display_list)
    target.paste(Image.fromarray(pixels, target.mode))
    return target


def paint_file(path: str | os.PathLike[str], build: Callable[[DisplayList], None]) -> str | os.PathLike[str]:
    """Open the image file ``path``, draw what ``build`` adds to its display list, and save it back."""
    picture = open_image(path)
    display_list = DisplayList(*picture.size)
    build(display_list)
    paint(picture, display_list)
    picture.save(path)
    return path


def pixels_size(target: Any) -> tuple[int, int]:
    """``(width, height)`` of a PIL image or a numpy image."""
    if isinstance(target, np.ndarray):
        return target.shape[1], target.shape[0]
    return target.size


def open_image(source: str | os.PathLike[str] | bytes | bytearray | memoryview) -> PILImage.Image:
    """Decode an image file or bytes upright (EXIF orientation applied), as RGB or RGBA."""
    import io

    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        raw = Image.open(io.BytesIO(bytes(source)) if isinstance(source, (bytes, bytearray, memoryview)) else source)
        raw.load()
    except (OSError, UnidentifiedImageError) as exc:
        raise DrawInputError(f"cannot read the image to draw on: {exc}") from exc
    upright = ImageOps.exif_transpose(raw) or raw
    return upright.convert("RGBA" if _has_alpha(upright) else "RGB")


# -- shapes and text to coverage


def _coverages(op: Op, width: int, height: int) -> list[raster.Coverage]:
    """The coverages an operation blends, in order (each disc of ``fillCircles`` is one fill)."""
    found: list[raster.Coverage | None]
    if isinstance(op, StrokeRect):
        found = [raster.stroke_rect(op.x, op.y, op.width, op.height, op.line_width, width, height)]
    elif isinstance(op, FillRect):
        found = [raster.fill_rect(op.x, op.y, op.width, op.height, width, height)]
    elif isinstance(op, StrokePolyline):
        found = [raster.stroke_segments(op.segments(), op.line_width, width, height)]
    elif isinstance(op, FillCircles):
        found = [raster.fill_circle(x, y, op.radius, width, height) for x, y in op.centers]
    elif isinstance(op, FillText):
        found = [_text_coverage(op, width, height)]
    else:
        raise DrawInputError(f"cannot render {op!r}")
    return [c for c in found if c is not None]


TEXT_SUPERSAMPLING = 4
"""Text is rendered this many times larger, then averaged down: close to the unhinted, sub-pixel positioned
glyphs of a browser canvas (Pillow itself would snap every glyph to whole pixels)."""


@cache
def _font(size: float) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont, features

    layout = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    return ImageFont.truetype(font_path(), size=size, layout_engine=layout)


def _text_coverage(op: FillText, width: int, height: int) -> raster.Coverage | None:
    """Anti-aliased glyph coverage of one text run, its baseline's left end at ``(op.x, op.y)``.

    As in Chromium, the baseline is moved to the nearest whole pixel row and the glyphs keep their
    horizontal sub-pixel positions (here to 1/``TEXT_SUPERSAMPLING`` px).
    """
    from PIL import Image, ImageDraw

    text = prepare_text(op.text)
    if not text.strip():
        return None
    s = TEXT_SUPERSAMPLING
    font = _font(float(op.font_size) * s)
    baseline = math.floor(op.y + 0.5)
    left, top, right, bottom = font.getbbox(text, anchor="ls")
    x0, y0 = math.floor(op.x + left / s) - 1, math.floor(baseline + top / s) - 1
    x1, y1 = math.ceil(op.x + right / s) + 1, math.ceil(baseline + bottom / s) + 1
    region = raster.region_of(x0, y0, x1, y1, width, height)
    if region is None:
        return None
    scratch = Image.new("L", ((x1 - x0) * s, (y1 - y0) * s), 0)
    ImageDraw.Draw(scratch).text(((op.x - x0) * s, (baseline - y0) * s), text, fill=255, font=font, anchor="ls")
    mask = np.asarray(scratch, dtype=np.float64).reshape(y1 - y0, s, x1 - x0, s).mean(axis=(1, 3)) / 255.0
    crop = mask[region.y0 - y0 : region.y1 - y0, region.x0 - x0 : region.x1 - x0]
    return region, crop


def _has_alpha(image: PILImage.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)


def _as_rgb_array(array: np.ndarray) -> np.ndarray:
    if array.dtype != np.uint8:
        raise DrawInputError(f"expected a uint8 image array, got {array.dtype}")
    if array.ndim == 2:
        return np.repeat(array[..., None], 3, axis=2)
    if array.ndim == 3 and array.shape[2] in (3, 4):
        return np.ascontiguousarray(array)
    raise DrawInputError(f"expected an HxW, HxWx3 or HxWx4 image array, got shape {array.shape}")
