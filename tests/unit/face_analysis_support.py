"""Shared by the face-analysis tests: loading the nets, cached chain runs, pairing with the references,
and the acceptance bars of issue 4 (close to the drift between face-api.js's own two engines)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

import pyfaceapi as faceapi

from ..support import FIXTURES, IMAGES, REFERENCE_CASES, box_iou, reference

LANDMARKS_MEAN_PX = 0.1
LANDMARKS_MAX_PX = 0.5
DESCRIPTOR_DISTANCE = 0.005
PROBABILITY = 0.005
AGE_YEARS = 0.25

FACE_API_DATA = FIXTURES / "faceapi-js/data"
FACES_JPG = IMAGES / "faces.jpg"
FACES_REFERENCE = FIXTURES / "reference/test/faces.jpg.json"
TINY_CHAIN = "tinyFaceDetector416 chain withFaceLandmarks.withFaceExpressions.withAgeAndGender.withFaceDescriptors"
TINY_UNALIGNED = "tinyFaceDetector416 unaligned withFaceExpressions.withAgeAndGender"
CASES_WITH_FACES = [case for case in REFERENCE_CASES if reference(case[0])["faces"]]


def load_nets() -> None:
    for net in faceapi.nets.all().values():
        if not net.is_loaded:
            net.load()


def face_api_data(name: str) -> Any:
    return json.loads((FACE_API_DATA / name).read_text())


@cache
def full_chain(image: Path, tiny_landmarks: bool = False) -> tuple[faceapi.FaceResult, ...]:
    """The reference chain on ``image``: SSD, landmarks, expressions, age & gender, descriptors."""
    task = faceapi.detect_all_faces(image).with_face_landmarks(tiny_landmarks)
    return tuple(task.with_face_expressions().with_age_and_gender().with_face_descriptors().run())


def pair_faces(ours: list[dict[str, Any]], theirs: list[dict[str, Any]]) -> list[tuple[dict, dict]]:
    """Pair results by the IoU of their detection boxes; both lists must hold the same faces."""
    assert len(ours) == len(theirs), (len(ours), len(theirs))
    pairs = []
    for ref in theirs:
        best = max(ours, key=lambda o: box_iou(o["detection"]["box"], ref["detection"]["box"]))
        assert box_iou(best["detection"]["box"], ref["detection"]["box"]) > 0.99
        pairs.append((best, ref))
    return pairs


def points(positions: list[dict[str, float]]) -> np.ndarray:
    return np.array([[p["x"], p["y"]] for p in positions], dtype=np.float64)


def landmark_deviation(ours: list[dict[str, float]], theirs: list[dict[str, float]]) -> tuple[float, float]:
    """Mean and max euclidean distance (px) between corresponding points."""
    distances = np.linalg.norm(points(ours) - points(theirs), axis=1)
    return float(distances.mean()), float(distances.max())


def assert_landmarks_close(ours: list[dict[str, float]], theirs: list[dict[str, float]]) -> None:
    mean, worst = landmark_deviation(ours, theirs)
    assert mean <= LANDMARKS_MEAN_PX and worst <= LANDMARKS_MAX_PX, (mean, worst)


def assert_descriptor_close(ours: Any, theirs: Any) -> None:
    distance = faceapi.euclidean_distance(ours, theirs)
    assert distance <= DESCRIPTOR_DISTANCE, distance


def assert_expressions_close(ours: dict[str, float], theirs: dict[str, float]) -> None:
    assert set(ours) == set(theirs) == set(faceapi.FACE_EXPRESSION_LABELS)
    for label in theirs:
        assert abs(ours[label] - theirs[label]) <= PROBABILITY, (label, ours[label], theirs[label])


def assert_age_gender_close(ours: dict[str, Any], theirs: dict[str, Any]) -> None:
    assert abs(ours["age"] - theirs["age"]) <= AGE_YEARS, (ours["age"], theirs["age"])
    assert ours["gender"] == theirs["gender"]
    assert abs(ours["genderProbability"] - theirs["genderProbability"]) <= PROBABILITY
