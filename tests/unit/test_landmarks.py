"""68-point landmarks (normal and tiny) and FaceLandmarks68 against face-api.js 0.22.2."""

from __future__ import annotations

import math

import numpy as np
import pytest

import pyfaceapi as faceapi
from pyfaceapi import Box, FaceDetection, FaceLandmarks5, FaceLandmarks68, Point, Rect
from pyfaceapi.utils import face_crop_boxes

from ..support import IMAGES, REFERENCE_CASES, case_id, reference
from .face_analysis_support import (
    CASES_WITH_FACES,
    FACES_JPG,
    FACES_REFERENCE,
    TINY_CHAIN,
    assert_landmarks_close,
    face_api_data,
    full_chain,
    load_nets,
    pair_faces,
    points,
)

CROPS = {"1": IMAGES / "face1.png", "2": IMAGES / "face2.png", "Rect": IMAGES / "face_rectangular.png"}


@pytest.fixture(scope="module", autouse=True)
def _nets() -> None:
    load_nets()


# -- the class
def make_landmarks(shift: Point | None = None) -> FaceLandmarks68:
    relative = np.stack([np.linspace(0.1, 0.9, 68), np.linspace(0.2, 0.8, 68) ** 2], axis=1)
    return FaceLandmarks68(relative, faceapi.Dimensions(100, 200), shift)


def test_positions_are_relative_times_size_plus_shift() -> None:
    landmarks = make_landmarks(Point(10, 20))
    assert (landmarks.image_width, landmarks.image_height, landmarks.shift) == (100, 200, Point(10, 20))
    first = landmarks.positions[0]
    assert first == Point(0.1 * 100 + 10, 0.2**2 * 200 + 20)
    assert landmarks.relative_positions[0].x == pytest.approx(0.1)
    assert len(landmarks.positions) == 68 and landmarks.positions_array.shape == (68, 2)
    with pytest.raises(ValueError):
        landmarks.positions_array[0, 0] = 1  # read-only


def test_group_getters_slice_the_68_points() -> None:
    landmarks = make_landmarks()
    groups = [landmarks.get_jaw_outline(), landmarks.get_left_eye_brow(), landmarks.get_right_eye_brow(),
              landmarks.get_nose(), landmarks.get_left_eye(), landmarks.get_right_eye(), landmarks.get_mouth()]
    assert [len(g) for g in groups] == [17, 5, 5, 9, 6, 6, 20]
    assert [p for g in groups for p in g] == landmarks.positions


def test_shift_by_and_for_size() -> None:
    landmarks = make_landmarks()
    shifted = landmarks.shift_by(5, 7)
    assert shifted.shift == Point(5, 7) and isinstance(shifted, FaceLandmarks68)
    assert np.allclose(shifted.positions_array - landmarks.positions_array, [5, 7])
    back = shifted.shift_by_point(Point(0, 0))
    assert back.shift == Point(0, 0) and np.allclose(back.positions_array, landmarks.positions_array)
    resized = shifted.for_size(50, 400)
    assert resized.shift == Point(0, 0) and (resized.image_width, resized.image_height) == (50, 400)
    assert np.allclose(resized.relative_positions_array, landmarks.relative_positions_array)


def test_align_min_bbox_pads_the_landmarks_box() -> None:
    landmarks = make_landmarks(Point(10, 20))
    xs, ys = landmarks.positions_array[:, 0], landmarks.positions_array[:, 1]
    width, height = xs.max() - xs.min(), ys.max() - ys.min()
    box = landmarks.align()
    assert box.x == pytest.approx(xs.min() - 0.1 * width) and box.width == pytest.approx(1.2 * width)
    assert box.y == pytest.approx(ys.min() - 0.1 * height) and box.height == pytest.approx(1.2 * height)
    tight = landmarks.align(min_box_padding=0)
    assert tight.to_dict() == pytest.approx({"x": xs.min(), "y": ys.min(), "width": width, "height": height})


def test_align_with_a_detection_shifts_to_its_floored_box() -> None:
    landmarks = make_landmarks()
    detection = FaceDetection(0.9, Box(0.1, 0.2, 0.3, 0.4), faceapi.Dimensions(101, 99))
    floored = detection.box.floor()
    expected = landmarks.shift_by(floored.x, floored.y).align()
    assert landmarks.align(detection) == expected
    assert landmarks.align(Box(3, 4, 5, 6)) == landmarks.shift_by(3, 4).align()
    assert landmarks.align({"x": 3, "y": 4, "width": 5, "height": 6}) == landmarks.shift_by(3, 4).align()


def test_dlib_alignment_is_a_square_from_eyes_and_mouth() -> None:
    landmarks = make_landmarks(Point(30, 40))
    rect = landmarks.align(use_dlib_alignment=True)
    assert isinstance(rect, Rect)
    left_eye, right_eye, mouth = landmarks.ref_points_for_alignment()
    size = math.floor((mouth.sub(left_eye).magnitude() + mouth.sub(right_eye).magnitude()) / 2 / 0.45)
    center_x = (left_eye.x + right_eye.x + mouth.x) / 3
    center_y = (left_eye.y + right_eye.y + mouth.y) / 3
    assert rect.to_dict() == {"x": math.floor(max(0, center_x - 0.5 * size)),
                              "y": math.floor(max(0, center_y - 0.43 * size)), "width": size, "height": size}


def test_landmarks5_reference_points() -> None:
    landmarks = FaceLandmarks5([Point(0.2, 0.3), Point(0.6, 0.3), Point(0.4, 0.5), Point(0.3, 0.7), Point(0.5, 0.7)],
                               {"width": 100, "height": 100})
    left, right, mouth = landmarks.ref_points_for_alignment()
    assert (left, right) == (Point(20, 30), Point(60, 30)) and mouth == Point(40, 70)


def test_to_dict_is_face_api_js_json() -> None:
    data = make_landmarks(Point(1.5, 2.5)).to_dict()
    assert set(data) == {"positions", "shift", "imageWidth", "imageHeight"}
    assert data["shift"] == {"x": 1.5, "y": 2.5} and len(data["positions"]) == 68
    assert set(data["positions"][0]) == {"x", "y"}


def test_bad_positions_are_refused() -> None:
    with pytest.raises(faceapi.FaceApiError, match="N x 2"):
        FaceLandmarks68(np.zeros((68, 3)), faceapi.Dimensions(10, 10))


# -- face-api.js's own expectations (test/data/*.json, its tolerances for tensor inputs)
@pytest.mark.parametrize(("tiny", "suffix"), [(False, ""), (True, "Tiny")])
def test_faceapi_js_landmark_expectations_on_face_crops(tiny: bool, suffix: str) -> None:
    detect = faceapi.detect_face_landmarks_tiny if tiny else faceapi.detect_face_landmarks
    results = detect(list(CROPS.values()))
    assert isinstance(results, list) and len(results) == 3
    for (name, image), result in zip(CROPS.items(), results, strict=True):
        height, width = faceapi.to_net_input(image).images[0].shape[:2]
        assert (result.image_width, result.image_height) == (width, height)
        assert result.shift == Point(0, 0)
        expected = points(face_api_data(f"faceLandmarkPositions{name}{suffix}.json"))
        assert np.abs(result.positions_array - expected).max() < 3, name


def test_faceapi_js_landmark_expectations_on_faces_jpg() -> None:
    """face-api.js's globalApi tests: Tiny Face Detector 416 + landmarks, sorted by box origin, 10 px."""
    options = faceapi.TinyFaceDetectorOptions(input_size=416)
    results = faceapi.detect_all_faces(FACES_JPG, options).with_face_landmarks().run()
    results.sort(key=lambda r: math.hypot(r.detection.box.x, r.detection.box.y))
    for result, expected in zip(results, face_api_data("facesFaceLandmarkPositions.json"), strict=True):
        assert np.abs(result.landmarks.positions_array - points(expected)).max() < 10


# -- the reference JSONs
@pytest.mark.parametrize("case", CASES_WITH_FACES, ids=case_id)
def test_full_chain_landmarks_match_reference(case) -> None:
    ref_path, image = case
    ref = reference(ref_path)
    ours = [r.to_dict() for r in full_chain(image)]
    for mine, theirs in pair_faces(ours, ref["faces"]):
        assert_landmarks_close(mine["landmarks"]["positions"], theirs["landmarks"]["positions"])
        assert mine["landmarks"]["imageWidth"] == theirs["landmarks"]["imageWidth"]
        assert mine["landmarks"]["imageHeight"] == theirs["landmarks"]["imageHeight"]
        assert mine["landmarks"]["shift"] == {"x": mine["detection"]["box"]["x"], "y": mine["detection"]["box"]["y"]}
        assert mine["alignedRect"]["score"] == mine["detection"]["score"]
        for key in ("x", "y", "width", "height"):
            assert abs(mine["alignedRect"]["box"][key] - theirs["alignedRect"]["box"][key]) <= 0.05


@pytest.mark.parametrize("case", CASES_WITH_FACES, ids=case_id)
def test_tiny_landmarks_match_reference(case) -> None:
    ref_path, image = case
    ours = [r.to_dict() for r in full_chain(image, True)]
    for mine, theirs in pair_faces(ours, reference(ref_path)["faces"]):
        assert_landmarks_close(mine["landmarks"]["positions"], theirs["landmarksTiny"]["positions"])
        for key in ("x", "y", "width", "height"):
            assert abs(mine["alignedRect"]["box"][key] - theirs["landmarksTiny"]["alignedRect"]["box"][key]) <= 0.05


@pytest.mark.parametrize("case", CASES_WITH_FACES, ids=case_id)
def test_crop_boxes_equal_the_reference_crops(case) -> None:
    """The integer boxes each stage cuts, and the dlib square, are face-api.js's exactly."""
    ref_path, image = case
    ref = reference(ref_path)
    width, height = ref["image"]["width"], ref["image"]["height"]
    results = full_chain(image)
    ours = [r.to_dict() for r in results]
    for mine, theirs in pair_faces(ours, ref["faces"]):
        result = results[ours.index(mine)]
        dlib = result.landmarks.align(use_dlib_alignment=True)
        assert dlib.to_dict() == theirs["dlibAlignedRect"]
        crops = [box.to_dict() for box in face_crop_boxes(width, height, [result.detection, result.aligned_rect, dlib])]
        assert crops == [theirs["crops"][k] for k in ("landmarks", "expressionsAgeGender", "descriptor")]


@pytest.mark.parametrize(("entry", "tiny"), [("faceLandmark68Net", False), ("faceLandmark68TinyNet", True)])
@pytest.mark.parametrize("case", REFERENCE_CASES, ids=case_id)
def test_low_level_landmarks_match_reference(case, entry: str, tiny: bool) -> None:
    ref_path, image = case
    expected = reference(ref_path)["lowLevel"][entry]
    result = (faceapi.detect_face_landmarks_tiny if tiny else faceapi.detect_face_landmarks)(image)
    assert isinstance(result, FaceLandmarks68)
    data = result.to_dict()
    assert (data["imageWidth"], data["imageHeight"], data["shift"]) == (
        expected["imageWidth"], expected["imageHeight"], expected["shift"])
    assert_landmarks_close(data["positions"], expected["positions"])


def test_tiny_face_detector_chain_landmarks_match_reference() -> None:
    expected = reference(FACES_REFERENCE)["testSuite"][TINY_CHAIN]
    options = faceapi.TinyFaceDetectorOptions(input_size=416)
    ours = [r.to_dict() for r in faceapi.detect_all_faces(FACES_JPG, options).with_face_landmarks().run()]
    for mine, theirs in pair_faces(ours, expected):
        assert_landmarks_close(mine["landmarks"]["positions"], theirs["landmarks"])


def test_landmarks_are_shifted_by_the_unclipped_box_origin() -> None:
    """face-api.js scales by the clipped, floored crop but shifts by the raw box origin, even when x < 0."""
    image = faceapi.to_net_input(FACES_JPG).images[0]
    detection = FaceDetection(0.9, Box(-10.5 / 710, 0.5, 120.25 / 710, 0.25), faceapi.Dimensions(710, 473))
    [face] = faceapi.extract_faces(image, [detection])
    result = faceapi.extend_with_face_landmarks(faceapi.FaceResult(detection), faceapi.detect_face_landmarks(face))
    assert face.shape[1] == math.floor(detection.box.right)
    assert result.landmarks.shift == Point(detection.box.x, detection.box.y)
    assert result.landmarks.image_width == face.shape[1]
