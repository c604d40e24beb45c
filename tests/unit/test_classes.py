"""Box, Point, Dimensions and detections behave as face-api.js's classes."""

from __future__ import annotations

import math

import pytest

from pyfaceapi import BoundingBox, Box, Dimensions, FaceApiError, FaceDetection, Point, Rect
from pyfaceapi.classes import compute_reshaped_dimensions


def test_box_geometry_and_transforms() -> None:
    box = Rect(10, 20, 30, 40)
    assert (box.left, box.top, box.right, box.bottom, box.area) == (10, 20, 40, 60, 1200)
    assert box.top_left == Point(10, 20) and box.bottom_right == Point(40, 60)
    assert box.rescale(2).to_dict() == {"x": 20, "y": 40, "width": 60, "height": 80}
    assert box.rescale(Dimensions(2, 0.5)).to_dict() == {"x": 20, "y": 10, "width": 60, "height": 20}
    assert box.pad(10, 20).to_dict() == {"x": 5, "y": 10, "width": 40, "height": 60}
    assert box.shift(1, 2).to_dict() == {"x": 11, "y": 22, "width": 30, "height": 40}
    assert box.to_square().to_dict() == {"x": 5, "y": 20, "width": 40, "height": 40}
    assert BoundingBox(1, 2, 4, 8).to_dict() == {"x": 1, "y": 2, "width": 3, "height": 6}


def test_round_is_javascripts_math_round() -> None:
    assert Box(0.5, 1.5, 2.5, -0.5).round().to_dict() == {"x": 1, "y": 2, "width": 3, "height": 0}


def test_clip_at_image_borders_clips_then_floors() -> None:
    clipped = Box(-5.5, 10.7, 100.2, 50.9).clip_at_image_borders(80, 40)
    assert clipped.to_dict() == {"x": 0, "y": 10, "width": 80, "height": 29}


def test_invalid_boxes_raise_faceapi_errors() -> None:
    with pytest.raises(FaceApiError, match="must be positive"):
        Rect(0, 0, -1, 5)
    with pytest.raises(FaceApiError, match="finite"):
        Box(math.nan, 0, 1, 1)
    assert Box(0, 0, -1, 5).width == -1  # Box itself allows negative sizes, as in face-api.js


def test_box_from_dict_accepts_rect_and_bounds() -> None:
    assert Box.from_dict({"x": 1, "y": 2, "width": 3, "height": 4}) == Box(1, 2, 3, 4)
    assert Box.from_dict({"left": 1, "top": 2, "right": 4, "bottom": 6}) == Box(1, 2, 3, 4)
    with pytest.raises(FaceApiError):
        Box.from_dict({"x": 1})


def test_face_detection_box_relative_box_and_json() -> None:
    detection = FaceDetection(0.9, Box(0.1, 0.2, 0.3, 0.4), Dimensions(200, 100))
    assert detection.box.to_dict() == pytest.approx({"x": 20, "y": 20, "width": 60, "height": 40})
    assert detection.relative_box.to_dict() == pytest.approx({"x": 0.1, "y": 0.2, "width": 0.3, "height": 0.4})
    resized = detection.for_size(400, 50)
    assert resized.box.to_dict() == pytest.approx({"x": 40, "y": 10, "width": 120, "height": 20})
    assert set(detection.to_dict()) == {"score", "box", "relativeBox", "imageWidth", "imageHeight"}
    assert detection.to_dict()["imageWidth"] == 200


def test_compute_reshaped_dimensions_rounds_half_up() -> None:
    assert compute_reshaped_dimensions(Dimensions(710, 473), 512) == Dimensions(512, 341)
    assert compute_reshaped_dimensions(Dimensions(3, 1), 3) == Dimensions(3, 1)
    assert compute_reshaped_dimensions(Dimensions(4, 1), 2) == Dimensions(2, 1)  # 0.5 rounds up
