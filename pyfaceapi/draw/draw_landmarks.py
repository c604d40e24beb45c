"""face-api.js's ``DrawFaceLandmarks``: the face's contours and its landmark points.

For 68-point landmarks the contours are drawn first, as face-api.js's ``drawContour`` does: the jaw line,
both eyebrows and the nose open, both eyes and the mouth closed (the mouth's 20 points, outer and inner
lip, as one closed line). Then every point is a filled disc of radius ``point_size``. Other landmarks
(5 points) get the points only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ._inputs import DrawInputError, as_point, field_of, landmark_positions
from ._options import check_color, check_number, options_from
from .display_list import FillCircles, Op, PointTuple, StrokePolyline
from .targets import Target, draw_on

# (getter of face-api.js's FaceLandmarks68, its slice of the 68 positions, closed)
CONTOURS_68: tuple[tuple[str, slice, bool], ...] = (
    ("get_jaw_outline", slice(0, 17), False),
    ("get_left_eye_brow", slice(17, 22), False),
    ("get_right_eye_brow", slice(22, 27), False),
    ("get_nose", slice(27, 36), False),
    ("get_left_eye", slice(36, 42), True),
    ("get_right_eye", slice(42, 48), True),
    ("get_mouth", slice(48, 68), True),
)


@dataclass(frozen=True, slots=True)
class DrawFaceLandmarksOptions:
    """How landmarks look (face-api.js's defaults: cyan 1 px lines, magenta points of radius 2)."""

    draw_lines: bool = True
    draw_points: bool = True
    line_width: float = 1
    line_color: str = "rgba(0, 255, 255, 1)"
    point_size: float = 2
    point_color: str = "rgba(255, 0, 255, 1)"

    def __post_init__(self) -> None:
        check_number("DrawFaceLandmarksOptions", "line_width", self.line_width, positive=True)
        check_number("DrawFaceLandmarksOptions", "point_size", self.point_size, positive=True)
        check_color("DrawFaceLandmarksOptions", "line_color", self.line_color)
        check_color("DrawFaceLandmarksOptions", "point_color", self.point_color)

    @classmethod
    def from_value(
        cls, value: DrawFaceLandmarksOptions | Mapping[str, Any] | None, **defaults: Any
    ) -> DrawFaceLandmarksOptions:
        return options_from(cls, value, defaults)


class DrawFaceLandmarks:
    """``DrawFaceLandmarks(face_landmarks, options)``: ``face_landmarks`` has ``.positions`` (pixels).

    68 positions (``FaceLandmarks68``, or any landmarks with 68 positions) get the contours; when the
    object has face-api.js's getters (``get_jaw_outline()`` ...), the contours come from them.
    """

    def __init__(
        self, face_landmarks: Any, options: DrawFaceLandmarksOptions | Mapping[str, Any] | None = None
    ) -> None:
        positions = landmark_positions(face_landmarks)
        if positions is None:
            raise DrawInputError(f"DrawFaceLandmarks: expected landmarks with .positions, got {face_landmarks!r}")
        self.face_landmarks = face_landmarks
        self.positions: list[PointTuple] = positions
        self.options = DrawFaceLandmarksOptions.from_value(options)

    def contours(self) -> list[tuple[list[PointTuple], bool]]:
        """The ``(points, closed)`` contours drawn for these landmarks (none unless 68-point)."""
        has_getters = all(callable(field_of(self.face_landmarks, g, None)) for g, _, _ in CONTOURS_68)
        if has_getters:
            return [([as_point(p) for p in field_of(self.face_landmarks, g)()], closed) for g, _, closed in CONTOURS_68]
        if len(self.positions) == 68:
            return [(self.positions[part], closed) for _, part, closed in CONTOURS_68]
        return []

    def to_ops(self) -> list[Op]:
        o = self.options
        ops: list[Op] = []
        if o.draw_lines:
            for points, closed in self.contours():
                if points:  # drawContour strokes nothing for an empty closed contour
                    ops.append(StrokePolyline(tuple(points), closed, o.line_color, o.line_width))
        if o.draw_points and self.positions:
            ops.append(FillCircles(tuple(self.positions), o.point_size, o.point_color))
        return ops

    def draw(self, target: Target = None) -> Any:
        """Draw onto ``target`` (see :mod:`pyfaceapi.draw.targets`); returns the target."""
        return draw_on(target, lambda dl: dl.extend(self.to_ops()))
