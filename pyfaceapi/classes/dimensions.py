"""Image sizes, as face-api.js's ``Dimensions``."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from ..errors import FaceApiError


@runtime_checkable
class HasDimensions(Protocol):
    """Anything with a ``width`` and a ``height`` (face-api.js's ``IDimensions``)."""

    @property
    def width(self) -> float: ...

    @property
    def height(self) -> float: ...


@dataclass(frozen=True, slots=True)
class Dimensions:
    """A width and a height, both finite numbers."""

    width: float
    height: float

    def __post_init__(self) -> None:
        if not (_is_valid_number(self.width) and _is_valid_number(self.height)):
            raise FaceApiError(
                f"Dimensions: expected width and height to be finite numbers, got {self.width!r}, {self.height!r}"
            )

    def reverse(self) -> Dimensions:
        """The reciprocal size (1/width, 1/height): rescaling by it turns pixels into relative units."""
        return Dimensions(1 / self.width, 1 / self.height)

    def to_dict(self) -> dict[str, float]:
        return {"width": self.width, "height": self.height}


def _is_valid_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def compute_reshaped_dimensions(dims: HasDimensions, input_size: int) -> Dimensions:
    """The size the image takes inside the ``input_size`` square, before padding (face-api.js rounds)."""
    scale = input_size / max(dims.height, dims.width)
    return Dimensions(_js_round(dims.width * scale), _js_round(dims.height * scale))


def _js_round(value: float) -> int:
    """JavaScript's ``Math.round``: halves go up (Python's ``round`` goes to even)."""
    return math.floor(value + 0.5)
