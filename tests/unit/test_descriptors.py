"""Face descriptors (the 150-px ResNet-34) against face-api.js 0.22.2."""

from __future__ import annotations

import math

import numpy as np
import pytest

import pyfaceapi as faceapi

from ..support import IMAGES, REFERENCE_CASES, case_id, reference
from .face_analysis_support import (
    CASES_WITH_FACES,
    FACES_JPG,
    FACES_REFERENCE,
    TINY_CHAIN,
    assert_descriptor_close,
    face_api_data,
    full_chain,
    load_nets,
    pair_faces,
)

CROPS = {"1": IMAGES / "face1.png", "2": IMAGES / "face2.png", "Rect": IMAGES / "face_rectangular.png"}


@pytest.fixture(scope="module", autouse=True)
def _nets() -> None:
    load_nets()


def test_descriptor_is_float32_128_and_not_normalised() -> None:
    descriptor = faceapi.compute_face_descriptor(CROPS["1"])
    assert isinstance(descriptor, np.ndarray) and descriptor.dtype == np.float32 and descriptor.shape == (128,)
    assert abs(float(np.linalg.norm(descriptor)) - 1) > 1e-3


def test_batch_returns_a_list_equal_to_single_calls() -> None:
    batch = faceapi.compute_face_descriptor(list(CROPS.values()))
    assert isinstance(batch, list) and len(batch) == 3
    for image, descriptor in zip(CROPS.values(), batch, strict=True):
        assert faceapi.euclidean_distance(descriptor, faceapi.compute_face_descriptor(image)) < 1e-5


@pytest.mark.parametrize("name", CROPS)
def test_faceapi_js_descriptor_expectations_on_face_crops(name: str) -> None:
    descriptor = faceapi.compute_face_descriptor(CROPS[name])
    assert faceapi.euclidean_distance(descriptor, face_api_data(f"faceDescriptor{name}.json")) < 0.1


def test_faceapi_js_descriptor_expectations_on_faces_jpg() -> None:
    """face-api.js's globalApi tests: Tiny Face Detector 416, sorted by box origin, distance < 0.2."""
    options = faceapi.TinyFaceDetectorOptions(input_size=416)
    results = faceapi.detect_all_faces(FACES_JPG, options).with_face_landmarks().with_face_descriptors().run()
    results.sort(key=lambda r: math.hypot(r.detection.box.x, r.detection.box.y))
    expected = face_api_data("facesFaceDescriptors.json")
    assert len(results) == len(expected) == 6
    for result, descriptor in zip(results, expected, strict=True):
        assert faceapi.euclidean_distance(result.descriptor, descriptor) < 0.2


@pytest.mark.parametrize("case", CASES_WITH_FACES, ids=case_id)
def test_full_chain_descriptors_match_reference(case) -> None:
    ref_path, image = case
    ours = [r.to_dict() for r in full_chain(image)]
    for mine, theirs in pair_faces(ours, reference(ref_path)["faces"]):
        assert len(mine["descriptor"]) == 128
        assert_descriptor_close(mine["descriptor"], theirs["descriptor"])


@pytest.mark.parametrize("case", REFERENCE_CASES, ids=case_id)
def test_low_level_descriptor_matches_reference(case) -> None:
    ref_path, image = case
    expected = reference(ref_path)["lowLevel"]["faceRecognitionNet"]
    assert_descriptor_close(faceapi.compute_face_descriptor(image), expected)


def test_tiny_face_detector_chain_descriptors_match_reference() -> None:
    expected = reference(FACES_REFERENCE)["testSuite"][TINY_CHAIN]
    options = faceapi.TinyFaceDetectorOptions(input_size=416)
    ours = [r.to_dict() for r in
            faceapi.detect_all_faces(FACES_JPG, options).with_face_landmarks().with_face_descriptors().run()]
    for mine, theirs in pair_faces(ours, expected):
        assert_descriptor_close(mine["descriptor"], theirs["descriptor"])


def test_euclidean_distance() -> None:
    assert faceapi.euclidean_distance([0, 0], [3, 4]) == 5
    assert faceapi.euclidean_distance(np.float32([1, 2, 3]), [1, 2, 3]) == 0
    with pytest.raises(faceapi.FaceApiError, match="differ in length"):
        faceapi.euclidean_distance([1, 2], [1, 2, 3])
