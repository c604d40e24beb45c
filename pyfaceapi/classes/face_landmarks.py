"""Face landmarks, as face-api.js's ``FaceLandmarks``, ``FaceLandmarks68`` and ``FaceLandmarks5``.

A landmarks object holds points *relative* to an image region (0..1 across its width and height), the
size of that region (``image_width``, ``image_height``) and a ``shift``: the region's origin in the whole
image. Its ``positions`` are the absolute pixels ``relative * size + shift``, computed once, as
face-api.js does (so its floating-point rounding is reproduced too).

The landmark nets return landmarks of the face *crop* (shift 0); the task chain then shifts them by the
detection box's origin (face-api.js's ``extendWithFaceLandmarks``), keeping the crop's size. That is
why ``landmarks.image_width`` is the crop width, not the width of the photo.

``align()`` turns landmarks into the box the next nets crop: the landmarks' bounding box padded by 20%
(face-api.js's default, used for expressions and age/gender), or the dlib-style square the recognition
net expects (``use_dlib_alignment=True``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from ..errors import FaceApiError
from .box import BoundingBox, Box, Rect
from .detection import FaceDetection
from .dimensions import Dimensions, HasDimensions
from .point import Point

# face-api.js's face alignment constants (dlib's): eyes-to-mouth distance is 45% of the aligned square,
# the reference point sits at 50% of its width and 43% of its height
_REL_X = 0.5
_REL_Y = 0.43
_REL_SCALE = 0.45


class FaceLandmarks:
    """Landmark points of one face; see the module docstring for ``positions``, ``shift`` and sizes.

    ``FaceLandmarks(relative_positions, img_dims, shift=Point(0, 0))``: ``relative_positions`` is an
    (N, 2) array or a sequence of :class:`Point` (or ``{x, y}`` dicts) in 0..1 units of ``img_dims``.
    Instances are immutable values: every method returns a new object.
    """

    __slots__ = ("_img_dims", "_positions", "_shift")

    def __init__(
        self,
        relative_positions: np.ndarray | Sequence[Point] | Sequence[Mapping[str, float]],
        img_dims: HasDimensions | Mapping[str, float],
        shift: Point | None = None,
    ) -> None:
        relative = points_to_array(relative_positions)
        width, height = _dims_of(img_dims)
        self._img_dims = Dimensions(width, height)
        self._shift = shift if shift is not None else Point(0, 0)
        # pt.mul(Point(width, height)).add(shift), elementwise in float64 as JavaScript does
        positions = relative * np.array([width, height], dtype=np.float64) + np.array(
            [self._shift.x, self._shift.y], dtype=np.float64
        )
        positions.setflags(write=False)
        self._positions = positions

    # -- face-api.js's accessors
    @property
    def shift(self) -> Point:
        return Point(self._shift.x, self._shift.y)

    @property
    def image_width(self) -> float:
        return self._img_dims.width

    @property
    def image_height(self) -> float:
        return self._img_dims.height

    @property
    def positions(self) -> list[Point]:
        """Absolute positions in pixels of the whole image."""
        return _to_points(self._positions)

    @property
    def relative_positions(self) -> list[Point]:
        """Positions relative to the region (``(position - shift) / size``)."""
        return _to_points(self.relative_positions_array)

    # -- the same as arrays (read-only, (N, 2) float64): for vectorised work
    @property
    def positions_array(self) -> np.ndarray:
        return self._positions

    @property
    def relative_positions_array(self) -> np.ndarray:
        shift = np.array([self._shift.x, self._shift.y], dtype=np.float64)
        size = np.array([self.image_width, self.image_height], dtype=np.float64)
        return (self._positions - shift) / size

    # -- transforms
    def for_size(self, width: float, height: float) -> FaceLandmarks:
        """The same relative landmarks in a region of ``width`` x ``height`` (the shift is dropped, as in
        face-api.js's ``forSize``)."""
        return type(self)(self.relative_positions_array, Dimensions(width, height))

    def shift_by(self, x: float, y: float) -> FaceLandmarks:
        """The same landmarks with the region's origin at ``(x, y)``."""
        return type(self)(self.relative_positions_array, self._img_dims, Point(x, y))

    def shift_by_point(self, point: Point) -> FaceLandmarks:
        return self.shift_by(point.x, point.y)

    def align(
        self,
        detection: FaceDetection | Box | Mapping[str, float] | None = None,
        *,
        use_dlib_alignment: bool = False,
        min_box_padding: float = 0.2,
    ) -> Box:
        """The box to crop an aligned face from (face-api.js's ``align``).

        Without ``detection`` the landmarks are taken at their current shift. With one, they are first
        shifted to the origin of its box (a :class:`FaceDetection`'s box is floored first, as in
        face-api.js). Returns the landmarks' bounding box padded by ``min_box_padding`` of its width and
        height in total (half per side; default 0.2), or with ``use_dlib_alignment`` the dlib-style
        square (side ``floor(eye-to-mouth distance / 0.45)``) the recognition net was trained on.
        """
        if detection is not None:
            if isinstance(detection, FaceDetection):
                box = detection.box.floor()
            elif isinstance(detection, Box):
                box = detection
            else:
                box = Box.from_dict(dict(detection))
            return self.shift_by(box.x, box.y).align(
                use_dlib_alignment=use_dlib_alignment, min_box_padding=min_box_padding
            )
        if use_dlib_alignment:
            return self._align_dlib()
        return self._align_min_bbox(min_box_padding)

    def _align_dlib(self) -> Rect:
        left_eye, right_eye, mouth = self.ref_points_for_alignment()
        eye_to_mouth = (mouth.sub(left_eye).magnitude() + mouth.sub(right_eye).magnitude()) / 2
        size = math.floor(eye_to_mouth / _REL_SCALE)
        ref_point = center_point([left_eye, right_eye, mouth])
        x = math.floor(max(0, ref_point.x - _REL_X * size))
        y = math.floor(max(0, ref_point.y - _REL_Y * size))
        # face-api.js writes image_width + x where image_width - x was meant; with landmarks of a crop
        # this never binds, so the result is always the full square. Kept for identical boxes.
        return Rect(x, y, min(size, self.image_width + x), min(size, self.image_height + y))

    def _align_min_bbox(self, padding: float) -> Box:
        box = min_bbox(self._positions)
        return box.pad(box.width * padding, box.height * padding)

    def ref_points_for_alignment(self) -> tuple[Point, Point, Point]:
        """Left eye centre, right eye centre and mouth centre (implemented by the subclasses)."""
        raise NotImplementedError(f"{type(self).__name__} does not define reference points for alignment")

    # -- values
    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FaceLandmarks:
        """Inverse of :meth:`to_dict` (``positions`` in pixels, ``shift``, ``imageWidth``, ``imageHeight``);
        positions are recomputed from relative ones, so they may differ in the last bit."""
        try:
            shift = Point(data["shift"]["x"], data["shift"]["y"]) if data.get("shift") else Point(0, 0)
            width, height = data["imageWidth"], data["imageHeight"]
            absolute = points_to_array(data["positions"])
        except (KeyError, TypeError) as exc:
            raise FaceApiError(
                f"{cls.__name__}.from_dict - expected positions, shift, imageWidth and imageHeight, got "
                f"{sorted(data) if isinstance(data, Mapping) else type(data).__name__}"
            ) from exc
        relative = (absolute - [shift.x, shift.y]) / [width, height]
        return cls(relative, Dimensions(width, height), shift)

    def to_dict(self) -> dict[str, Any]:
        """face-api.js's public fields: ``positions``, ``shift``, ``imageWidth``, ``imageHeight``."""
        return {
            "positions": [{"x": x, "y": y} for x, y in self._positions.tolist()],
            "shift": self._shift.to_dict(),
            "imageWidth": self.image_width,
            "imageHeight": self.image_height,
        }

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FaceLandmarks) or type(other) is not type(self):
            return NotImplemented
        return (
            self._img_dims == other._img_dims
            and self._shift == other._shift
            and np.array_equal(self._positions, other._positions)
        )

    __hash__ = None  # type: ignore[assignment]  # mutable-looking value with an array inside

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({len(self._positions)} points, shift=({self._shift.x}, {self._shift.y}), "
            f"image={self.image_width}x{self.image_height})"
        )


class FaceLandmarks68(FaceLandmarks):
    """The 68 points of the iBUG 300-W scheme (what face-api.js's landmark nets return).

    Groups: jaw 0-16, left eyebrow 17-21, right eyebrow 22-26, nose 27-35, left eye 36-41, right eye
    42-47, mouth 48-67 ("left" is the image's left, i.e. the person's right).
    """

    __slots__ = ()

    def get_jaw_outline(self) -> list[Point]:
        return _to_points(self._positions[0:17])

    def get_left_eye_brow(self) -> list[Point]:
        return _to_points(self._positions[17:22])

    def get_right_eye_brow(self) -> list[Point]:
        return _to_points(self._positions[22:27])

    def get_nose(self) -> list[Point]:
        return _to_points(self._positions[27:36])

    def get_left_eye(self) -> list[Point]:
        return _to_points(self._positions[36:42])

    def get_right_eye(self) -> list[Point]:
        return _to_points(self._positions[42:48])

    def get_mouth(self) -> list[Point]:
        return _to_points(self._positions[48:68])

    def ref_points_for_alignment(self) -> tuple[Point, Point, Point]:
        return (
            center_point(self.get_left_eye()),
            center_point(self.get_right_eye()),
            center_point(self.get_mouth()),
        )


class FaceLandmarks5(FaceLandmarks):
    """MTCNN's 5 points: left eye, right eye, nose, left and right mouth corner."""

    __slots__ = ()

    def ref_points_for_alignment(self) -> tuple[Point, Point, Point]:
        points = self.positions
        return points[0], points[1], center_point([points[3], points[4]])


# -- helpers (face-api.js's utils.getCenterPoint and ops.minBbox)
def center_point(points: Sequence[Point]) -> Point:
    """The mean of ``points``, summed left to right as face-api.js does (not Python's compensated
    ``sum``, which rounds differently and could move a floored crop by a pixel)."""
    sum_x = 0.0
    sum_y = 0.0
    for point in points:
        sum_x += point.x
        sum_y += point.y
    count = len(points)
    return Point(sum_x / count, sum_y / count)


def min_bbox(positions: np.ndarray | Sequence[Point]) -> BoundingBox:
    """The bounding box of ``positions``; like face-api.js, right and bottom start at 0, not -inf."""
    array = points_to_array(positions)
    min_x, min_y = (float(v) for v in array.min(axis=0))
    max_x, max_y = (max(0.0, float(v)) for v in array.max(axis=0))
    return BoundingBox(min_x, min_y, max_x, max_y)


def points_to_array(points: np.ndarray | Iterable[Any]) -> np.ndarray:
    """An (N, 2) float64 array from an array, :class:`Point` objects or ``{x, y}`` mappings."""
    if isinstance(points, np.ndarray):
        array = points.astype(np.float64, copy=False)
    else:
        rows = []
        for point in points:
            if isinstance(point, Point):
                rows.append((point.x, point.y))
            elif isinstance(point, Mapping):
                rows.append((point["x"], point["y"]))
            else:
                rows.append(tuple(point))
        array = np.array(rows, dtype=np.float64).reshape(-1, 2)
    if array.ndim != 2 or array.shape[1] != 2:
        raise FaceApiError(f"landmark positions must be N points (an N x 2 array), got shape {array.shape}")
    return array


def _to_points(array: np.ndarray) -> list[Point]:
    return [Point(x, y) for x, y in array.tolist()]


def _dims_of(dims: HasDimensions | Mapping[str, float]) -> tuple[float, float]:
    width, height = (dims["width"], dims["height"]) if isinstance(dims, Mapping) else (dims.width, dims.height)
    return _plain_number(width), _plain_number(height)


def _plain_number(value: Any) -> float:
    """numpy scalars as Python numbers (ints stay ints, so JSON shows ``100``, not ``100.0``)."""
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value
