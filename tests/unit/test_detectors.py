"""The three detectors against face-api.js 0.22.2: its own test expectations and its recorded outputs."""

from __future__ import annotations

import math
from typing import Any

import pytest

import pyfaceapi as faceapi
from pyfaceapi import SsdMobilenetv1Options, TinyFaceDetectorOptions, TinyYolov2Options

from ..support import FIXTURES, IMAGES, REFERENCE_CASES, case_id, match_detections, reference

# reference entry -> (options, threshold); tinyYolov2 uses TinyYolov2Options, as face-api.js's nets.tinyYolov2
DETECTOR_ENTRIES = {
    "ssdMobilenetv1": SsdMobilenetv1Options(min_confidence=0.5, max_results=100),
    "tinyFaceDetector_416": TinyFaceDetectorOptions(input_size=416, score_threshold=0.5),
    "tinyFaceDetector_608": TinyFaceDetectorOptions(input_size=608, score_threshold=0.5),
    "tinyYolov2": TinyYolov2Options(input_size=416, score_threshold=0.5),
}
TEST_SUITE_ENTRIES = {
    "ssdMobilenetv1.locateFaces minConfidence 0.7": SsdMobilenetv1Options(min_confidence=0.7),
    "tinyFaceDetector.locateFaces inputSize 320": TinyFaceDetectorOptions(input_size=320),
}


@pytest.fixture(scope="module", autouse=True)
def _load_detectors() -> None:
    for net in (faceapi.nets.ssd_mobilenetv1, faceapi.nets.tiny_face_detector, faceapi.nets.tiny_yolov2):
        net.load()


def threshold_of(options: Any) -> float:
    return options.min_confidence if isinstance(options, SsdMobilenetv1Options) else options.score_threshold


def check_against_reference(image: Any, options: Any, expected: list[dict[str, Any]]) -> None:
    ours = [d.to_dict() for d in faceapi.detect_all_faces(image, options).run()]
    pairs = match_detections(ours, expected, threshold_of(options), min_iou=0.995, max_score_diff=0.006)
    for mine, theirs in pairs:
        assert mine["imageWidth"] == theirs["imageWidth"] and mine["imageHeight"] == theirs["imageHeight"]


@pytest.mark.parametrize("entry", DETECTOR_ENTRIES)
@pytest.mark.parametrize("case", REFERENCE_CASES, ids=case_id)
def test_detections_match_faceapi_js(case, entry: str) -> None:
    ref_path, image_path = case
    check_against_reference(image_path, DETECTOR_ENTRIES[entry], reference(ref_path)["detections"][entry]["results"])


@pytest.mark.parametrize("entry", TEST_SUITE_ENTRIES)
def test_faceapi_js_test_suite_option_sets(entry: str) -> None:
    ref = reference(FIXTURES / "reference/test/faces.jpg.json")
    check_against_reference(IMAGES / "faces.jpg", TEST_SUITE_ENTRIES[entry], ref["testSuite"][entry])


@pytest.mark.parametrize(
    ("key", "make_options"),
    [("ssdMobilenetv1", lambda o: SsdMobilenetv1Options(min_confidence=o["minConfidence"])),
     ("tinyFaceDetector", lambda o: TinyFaceDetectorOptions(input_size=o["inputSize"]))],
)
def test_faceapi_js_own_expectations(key: str, make_options) -> None:
    """face-api.js's test/expected.json: boxes sorted by the distance of their origin to (0, 0)."""
    spec = reference(FIXTURES / "faceapi-js/expected.json")[key]
    for case in spec["cases"]:
        detections = faceapi.detect_all_faces(IMAGES / "faces.jpg", make_options(case["options"])).run()
        ours = sorted((d.box for d in detections), key=lambda b: math.hypot(b.x, b.y))
        scores = sorted(((d.box, d.score) for d in detections), key=lambda bs: math.hypot(bs[0].x, bs[0].y))
        expected = [(box, score) for box, score in zip(spec["boxes"], case["scores"], strict=True) if score != -1]
        assert len(ours) == len(expected), case["options"]
        for box, (_, score), (ref_box, ref_score) in zip(ours, scores, expected, strict=True):
            for field in ("x", "y", "width", "height"):
                assert abs(getattr(box, field) - ref_box[field]) <= case["maxBoxDelta"], (case["options"], box)
            assert abs(score - ref_score) <= case["maxScoreDelta"]


def test_detect_single_face_returns_the_best_face() -> None:
    best = faceapi.detect_single_face(IMAGES / "faces.jpg").run()
    all_faces = faceapi.detect_all_faces(IMAGES / "faces.jpg").run()
    assert best is not None and best.score == max(d.score for d in all_faces)
    assert faceapi.detect_single_face(IMAGES / "white.png").run() is None


def test_low_level_functions_equal_the_tasks() -> None:
    options = TinyFaceDetectorOptions(input_size=320)
    task = [d.to_dict() for d in faceapi.detect_all_faces(IMAGES / "faces.jpg", options).run()]
    assert [d.to_dict() for d in faceapi.tiny_face_detector(IMAGES / "faces.jpg", options)] == task
    assert [d.to_dict() for d in faceapi.ssd_mobilenetv1(IMAGES / "faces.jpg")] == [
        d.to_dict() for d in faceapi.detect_all_faces(IMAGES / "faces.jpg").run()
    ]


def test_tasks_are_awaitable() -> None:
    import asyncio

    async def main() -> int:
        return len(await faceapi.detect_all_faces(IMAGES / "faces.jpg"))

    assert asyncio.run(main()) == 6


def test_batch_input_to_a_detector_is_refused() -> None:
    with pytest.raises(faceapi.InputError, match="one image at a time"):
        faceapi.detect_all_faces([IMAGES / "face1.png", IMAGES / "face2.png"]).run()
