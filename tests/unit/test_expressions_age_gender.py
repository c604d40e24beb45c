"""Expressions and age & gender against face-api.js 0.22.2, and their result classes."""

from __future__ import annotations

import math

import pytest

import pyfaceapi as faceapi
from pyfaceapi import FaceExpressions, Gender

from ..support import IMAGES, REFERENCE_CASES, case_id, reference
from .face_analysis_support import (
    CASES_WITH_FACES,
    FACES_JPG,
    FACES_REFERENCE,
    TINY_CHAIN,
    TINY_UNALIGNED,
    assert_age_gender_close,
    assert_expressions_close,
    full_chain,
    load_nets,
    pair_faces,
)

ANGRY, SURPRISED = IMAGES / "angry_cropped.jpg", IMAGES / "surprised_cropped.jpg"


@pytest.fixture(scope="module", autouse=True)
def _nets() -> None:
    load_nets()


# -- classes
def test_face_expressions() -> None:
    expressions = FaceExpressions.from_probabilities([0.1, 0.5, 0.05, 0.05, 0.1, 0.1, 0.1])
    assert expressions.happy == 0.5 and expressions.surprised == 0.1
    ranked = expressions.as_sorted_array()
    assert ranked[0] == ("happy", 0.5) and ranked[0].expression == "happy"
    # ties keep face-api.js's label order
    assert [e.expression for e in ranked[1:4]] == ["neutral", "fearful", "disgusted"]
    assert list(expressions.to_dict()) == list(faceapi.FACE_EXPRESSION_LABELS)
    with pytest.raises(faceapi.FaceApiError, match="expected 7"):
        FaceExpressions.from_probabilities([1.0])


def test_gender_values_are_face_api_js_strings() -> None:
    assert Gender.MALE == "male" and Gender.FEMALE == "female" and str(Gender.FEMALE) == "female"


# -- face-api.js's own expectations
def test_faceapi_js_expression_expectations() -> None:
    angry, surprised = faceapi.recognize_face_expressions([ANGRY, SURPRISED])
    assert angry.angry > 0.95 and surprised.surprised > 0.95
    single = faceapi.recognize_face_expressions(ANGRY)
    assert isinstance(single, FaceExpressions) and single.as_sorted_array()[0].expression == "angry"


def test_faceapi_js_age_and_gender_expectations() -> None:
    angry, surprised = faceapi.predict_age_and_gender([ANGRY, SURPRISED])
    assert 38 <= angry.age <= 42 and angry.gender == Gender.MALE and angry.gender_probability >= 0.9
    assert 24 <= surprised.age <= 28 and surprised.gender == Gender.FEMALE and surprised.gender_probability >= 0.8
    assert isinstance(angry.age, float) and angry.age != round(angry.age)


@pytest.mark.parametrize("aligned", [True, False])
def test_faceapi_js_expectations_on_faces_jpg(aligned: bool) -> None:
    """face-api.js's globalApi tests (Tiny Face Detector 416), results sorted by box origin.

    Unaligned, face-api.js 0.22.2 itself misses two of them on pixel (tensor) input, the path the
    references record (its tests fed canvases): face 4 has neutral 0.30 (< 0.4) and face 5 age 30.8
    (expected 22 +- 6). There the reference value is the expectation instead.
    """
    ages = [34, 27, 41, 26, 31, 40] if aligned else [33, 26, 37, 30, 36, 22]
    genders = ["female", "male", "male", "female", "male", "female"]
    task = faceapi.detect_all_faces(FACES_JPG, faceapi.TinyFaceDetectorOptions(input_size=416))
    chain = task.with_face_landmarks() if aligned else task
    results = chain.with_face_expressions().with_age_and_gender().run()
    results.sort(key=lambda r: math.hypot(r.detection.box.x, r.detection.box.y))
    assert len(results) == 6
    for i, result in enumerate(results):
        assert result.expressions.happy >= (0 if i == 4 else 0.95)
        if aligned or i != 4:
            assert result.expressions.neutral >= (0.4 if i == 4 else 0)
        else:
            assert abs(result.expressions.neutral - 0.304) < 0.005
        if aligned or i != 5:
            assert abs(result.age - ages[i]) <= 6
        else:
            assert abs(result.age - 30.8) < 0.25
        assert result.gender == genders[i]
        assert result.gender_probability >= (0.65 if i == 0 else 0.9)


# -- the reference JSONs
@pytest.mark.parametrize("case", CASES_WITH_FACES, ids=case_id)
def test_full_chain_expressions_age_gender_match_reference(case) -> None:
    ref_path, image = case
    ours = [r.to_dict() for r in full_chain(image)]
    for mine, theirs in pair_faces(ours, reference(ref_path)["faces"]):
        assert_expressions_close(mine["expressions"], theirs["expressions"])
        assert_age_gender_close(mine, theirs)


@pytest.mark.parametrize("case", REFERENCE_CASES, ids=case_id)
def test_low_level_expressions_and_age_gender_match_reference(case) -> None:
    ref_path, image = case
    low = reference(ref_path)["lowLevel"]
    assert_expressions_close(faceapi.recognize_face_expressions(image).to_dict(), low["faceExpressionNet"])
    assert_age_gender_close(faceapi.predict_age_and_gender(image).to_dict(), low["ageGenderNet"])


@pytest.mark.parametrize("entry", [TINY_CHAIN, TINY_UNALIGNED])
def test_tiny_face_detector_chains_match_reference(entry: str) -> None:
    expected = reference(FACES_REFERENCE)["testSuite"][entry]
    task = faceapi.detect_all_faces(FACES_JPG, faceapi.TinyFaceDetectorOptions(input_size=416))
    chain = task.with_face_landmarks() if entry == TINY_CHAIN else task
    ours = [r.to_dict() for r in chain.with_face_expressions().with_age_and_gender().run()]
    for mine, theirs in pair_faces(ours, expected):
        assert_expressions_close(mine["expressions"], theirs["expressions"])
        assert_age_gender_close(mine, theirs)
