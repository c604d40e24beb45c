"""Boxes, as face-api.js's ``Box``, ``Rect`` and ``BoundingBox``.

A box is stored as ``x, y, width, height`` (face-api.js's ``IRect``); ``left/top/right/bottom`` are derived.
All methods return new boxes: boxes are immutable values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..errors import FaceApiError
from .dimensions import HasDimensions, _is_valid_number
from .point import Point


@dataclass(frozen=True, slots=True, init=False)
class Box:
    """An axis-aligned box in pixels (or relative units).

    ``Box(x, y, width, height)``; ``Box.from_bounds(left, top, right, bottom)``; or ``Box.from_dict(d)`` with
    either set of keys. Negative width/height are allowed for ``Box`` (as in face-api.js), refused for
    ``Rect`` and ``BoundingBox``.
    """

    x: float
    y: float
    width: float
    height: float

    def __init__(
        self, x: float, y: float, width: float, height: float, allow_negative_dimensions: bool = True
    ) -> None:
        for name, value in (("x", x), ("y", y), ("width", width), ("height", height)):
            if not _is_valid_number(value):
                raise FaceApiError(f"{type(self).__name__}: {name} must be a finite number, got {value!r}")
        if not allow_negative_dimensions and (width < 0 or height < 0):
            raise FaceApiError(
                f"{type(self).__name__}: width ({width}) and height ({height}) must be positive numbers"
            )
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "width", width)
        object.__setattr__(self, "height", height)

    @classmethod
    def from_bounds(cls, left: float, top: float, right: float, bottom: float) -> Box:
        return Box(left, top, right - left, bottom - top)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Box:
        """Accepts face-api.js's ``IRect`` (x, y, width, height) or ``IBoundingBox`` (left, top, right, bottom)."""
        if all(k in d for k in ("x", "y", "width", "height")):
            return Box(d["x"], d["y"], d["width"], d["height"])
        if all(k in d for k in ("left", "top", "right", "bottom")):
            return Box.from_bounds(d["left"], d["top"], d["right"], d["bottom"])
        raise FaceApiError(f"Box.from_dict: expected x, y, width, height or left, top, right, bottom, got {d!r}")

    # -- derived geometry
    @property
    def left(self) -> float:
        return self.x

    @property
    def top(self) -> float:
        return self.y

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    @property
    def area(self) -> float:
        return self.width * self.height

    @property
    def top_left(self) -> Point:
        return Point(self.left, self.top)

    @property
    def top_right(self) -> Point:
        return Point(self.right, self.top)

    @property
    def bottom_left(self) -> Point:
        return Point(self.left, self.bottom)

    @property
    def bottom_right(self) -> Point:
        return Point(self.right, self.bottom)

    # -- transforms (face-api.js semantics, including its rounding conventions)
    def round(self) -> Box:
        return Box(*(_js_round(v) for v in (self.x, self.y, self.width, self.height)))

    def floor(self) -> Box:
        return Box(*(math.floor(v) for v in (self.x, self.y, self.width, self.height)))

    def to_square(self) -> Box:
        x, y, width, height = self.x, self.y, self.width, self.height
        diff = abs(width - height)
        if width < height:
            x -= diff / 2
            width += diff
        if height < width:
            y -= diff / 2
            height += diff
        return Box(x, y, width, height)

    def rescale(self, s: float | HasDimensions) -> Box:
        """Scale by a number, or by ``(width, height)`` of a Dimensions-like object."""
        sx, sy = (s, s) if isinstance(s, (int, float)) else (s.width, s.height)
        return Box(self.x * sx, self.y * sy, self.width * sx, self.height * sy)

    def pad(self, pad_x: float, pad_y: float) -> Box:
        return Box(self.x - pad_x / 2, self.y - pad_y / 2, self.width + pad_x, self.height + pad_y)

    def clip_at_image_borders(self, img_width: float, img_height: float) -> Box:
        """Clip to the image, then floor x, y, width and height (face-api.js's crop convention)."""
        clipped_x = max(self.x, 0)
        clipped_y = max(self.y, 0)
        width = min(self.right - clipped_x, img_width - clipped_x)
        height = min(self.bottom - clipped_y, img_height - clipped_y)
        return Box(clipped_x, clipped_y, width, height).floor()

    def shift(self, sx: float, sy: float) -> Box:
        return Box(self.x + sx, self.y + sy, self.width, self.height)

    def calibrate(self, region: Box) -> Box:
        """Apply a regression ``region`` (offsets relative to the box size), square it and round (MTCNN)."""
        return (
            Box.from_bounds(
                self.left + region.left * self.width,
                self.top + region.top * self.height,
                self.right + region.right * self.width,
                self.bottom + region.bottom * self.height,
            )
            .to_square()
            .round()
        )

    def to_dict(self) -> dict[str, float]:
        """face-api.js's ``IRect`` JSON: ``{x, y, width, height}``."""
        return {"x": self.x, "y": self.y, "width": self.width, "height": self.height}


class Rect(Box):
    """A box from ``x, y, width, height`` with non-negative size."""

    def __init__(self, x: float, y: float, width: float, height: float, allow_negative_dimensions: bool = False):
        super().__init__(x, y, width, height, allow_negative_dimensions)


class BoundingBox(Box):
    """A box from ``left, top, right, bottom`` with non-negative size."""

    def __init__(self, left: float, top: float, right: float, bottom: float, allow_negative_dimensions: bool = False):
        super().__init__(left, top, right - left, bottom - top, allow_negative_dimensions)


def _js_round(value: float) -> int:
    return math.floor(value + 0.5)
