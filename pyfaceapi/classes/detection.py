"""Detections, as face-api.js's ``ObjectDetection`` and ``FaceDetection``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .box import Box
from .dimensions import Dimensions, HasDimensions


@dataclass(frozen=True, slots=True, init=False)
class ObjectDetection:
    """A scored box found in an image of ``image_dims``.

    Built, as in face-api.js, from a box *relative* to the image (0..1); ``box`` is that box in pixels,
    ``relative_box`` converts back.
    """

    score: float
    class_score: float
    class_name: str
    image_dims: Dimensions
    box: Box = field(repr=True)

    def __init__(
        self, score: float, class_score: float, class_name: str, relative_box: Box, image_dims: HasDimensions
    ) -> None:
        dims = Dimensions(image_dims.width, image_dims.height)
        object.__setattr__(self, "score", score)
        object.__setattr__(self, "class_score", class_score)
        object.__setattr__(self, "class_name", class_name)
        object.__setattr__(self, "image_dims", dims)
        object.__setattr__(self, "box", Box(relative_box.x, relative_box.y, relative_box.width,
                                            relative_box.height).rescale(dims))

    @property
    def image_width(self) -> float:
        return self.image_dims.width

    @property
    def image_height(self) -> float:
        return self.image_dims.height

    @property
    def relative_box(self) -> Box:
        return self.box.rescale(self.image_dims.reverse())

    def for_size(self, width: float, height: float) -> ObjectDetection:
        return ObjectDetection(self.score, self.class_score, self.class_name, self.relative_box,
                               Dimensions(width, height))

    def to_dict(self) -> dict[str, Any]:
        """face-api.js's public names: ``score, box, relativeBox, imageWidth, imageHeight``."""
        return {
            "score": self.score,
            "box": self.box.to_dict(),
            "relativeBox": self.relative_box.to_dict(),
            "imageWidth": self.image_width,
            "imageHeight": self.image_height,
        }


@dataclass(frozen=True, slots=True, init=False)
class FaceDetection(ObjectDetection):
    """A detected face: ``score`` and ``box`` (pixels) in an image of ``image_dims``."""

    def __init__(self, score: float, relative_box: Box, image_dims: HasDimensions) -> None:
        ObjectDetection.__init__(self, score, score, "", relative_box, image_dims)

    def for_size(self, width: float, height: float) -> FaceDetection:
        """The same detection for the image shown at another size (face-api.js's ``forSize``)."""
        return FaceDetection(self.score, self.relative_box, Dimensions(width, height))
