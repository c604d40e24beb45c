"""The composable task chain (face-api.js's globalApi), its results, and the result utilities."""

from __future__ import annotations

import asyncio
from typing import Any

import numpy as np
import pytest

import pyfaceapi as faceapi
from pyfaceapi import FaceResult, TinyFaceDetectorOptions

from ..support import IMAGES, reference
from .face_analysis_support import FACES_JPG, FACES_REFERENCE, full_chain, load_nets

FULL_KEYS = {"detection", "landmarks", "unshiftedLandmarks", "alignedRect", "expressions", "age", "gender",
             "genderProbability", "descriptor"}


@pytest.fixture(scope="module", autouse=True)
def _nets() -> None:
    load_nets()


def by_position(results: list[FaceResult]) -> list[FaceResult]:
    return sorted(results, key=lambda r: (r.detection.box.x, r.detection.box.y))


def assert_same_fields(a: FaceResult, b: FaceResult, fields: set[str], tolerance: float = 1e-5) -> None:
    da, db = a.to_dict(), b.to_dict()
    for key in fields:
        va, vb = da[key], db[key]
        if key == "descriptor":
            assert faceapi.euclidean_distance(va, vb) <= tolerance
        elif key in ("landmarks", "unshiftedLandmarks"):
            assert np.allclose([[p["x"], p["y"]] for p in va["positions"]],
                               [[p["x"], p["y"]] for p in vb["positions"]], atol=tolerance)
        elif key == "expressions":
            assert np.allclose(list(va.values()), list(vb.values()), atol=tolerance)
        elif key in ("age", "genderProbability"):
            assert abs(va - vb) <= tolerance
        else:
            assert va == vb, key


# -- every chain of face-api.js's README gives the full chain's values
ALL_CHAINS = {
    "landmarks": (lambda t: t.with_face_landmarks(), {"detection", "landmarks", "unshiftedLandmarks", "alignedRect"}),
    "landmarks.descriptors": (lambda t: t.with_face_landmarks().with_face_descriptors(),
                              {"detection", "landmarks", "alignedRect", "descriptor"}),
    "landmarks.expressions": (lambda t: t.with_face_landmarks().with_face_expressions(),
                              {"landmarks", "expressions"}),
    "landmarks.ageAndGender": (lambda t: t.with_face_landmarks().with_age_and_gender(),
                               {"landmarks", "age", "gender", "genderProbability"}),
    "landmarks.descriptors.expressions.ageAndGender": (
        lambda t: t.with_face_landmarks().with_face_descriptors().with_face_expressions().with_age_and_gender(),
        FULL_KEYS),
    "landmarks.ageAndGender.expressions.descriptors": (
        lambda t: t.with_face_landmarks().with_age_and_gender().with_face_expressions().with_face_descriptors(),
        FULL_KEYS),
}


@pytest.mark.parametrize("chain", ALL_CHAINS)
def test_chain_orders_agree_with_the_full_chain(chain: str) -> None:
    build, fields = ALL_CHAINS[chain]
    results = build(faceapi.detect_all_faces(FACES_JPG)).run()
    full = by_position(list(full_chain(FACES_JPG)))
    assert len(results) == len(full) == 6
    for ours, expected in zip(by_position(results), full, strict=True):
        assert_same_fields(ours, expected, fields)
        assert set(ours.to_dict()) <= FULL_KEYS


def test_full_chain_json_has_face_api_js_keys_and_shapes() -> None:
    result = full_chain(FACES_JPG)[0].to_dict()
    assert set(result) == FULL_KEYS
    ref = reference(FACES_REFERENCE)["faces"][0]
    for key in ("detection", "alignedRect"):
        assert set(result[key]) == set(ref[key]) and set(result[key]["box"]) == set(ref[key]["box"])
    assert set(result["landmarks"]) == set(ref["landmarks"]) == set(result["unshiftedLandmarks"])
    assert result["unshiftedLandmarks"]["shift"] == {"x": 0, "y": 0}
    assert set(result["expressions"]) == set(ref["expressions"])
    assert result["gender"] in ("male", "female") and len(result["descriptor"]) == 128
    assert all(isinstance(v, float) for v in result["descriptor"])


def test_unaligned_expressions_and_age_gender_use_the_detection_box() -> None:
    options = TinyFaceDetectorOptions(input_size=416)
    a = by_position(faceapi.detect_all_faces(FACES_JPG, options).with_face_expressions().with_age_and_gender().run())
    b = by_position(faceapi.detect_all_faces(FACES_JPG, options).with_age_and_gender().with_face_expressions().run())
    expressions_only = by_position(faceapi.detect_all_faces(FACES_JPG, options).with_face_expressions().run())
    for x, y, z in zip(a, b, expressions_only, strict=True):
        assert set(x.to_dict()) == {"detection", "expressions", "age", "gender", "genderProbability"}
        assert_same_fields(x, y, {"detection", "expressions", "age", "gender", "genderProbability"})
        assert_same_fields(x, z, {"expressions"})
        assert x.landmarks is None and x.aligned_rect is None and x.descriptor is None


def test_single_face_chain_is_the_best_face_of_the_all_faces_chain() -> None:
    single = (faceapi.detect_single_face(FACES_JPG).with_face_landmarks().with_face_expressions()
              .with_age_and_gender().with_face_descriptor().run())
    assert isinstance(single, FaceResult)
    best = max(full_chain(FACES_JPG), key=lambda r: r.detection.score)
    assert_same_fields(single, best, FULL_KEYS)
    unaligned = faceapi.detect_single_face(FACES_JPG).with_age_and_gender().with_face_expressions().run()
    assert unaligned is not None and unaligned.expressions is not None and unaligned.age is not None


def test_no_face_gives_empty_results_and_none() -> None:
    white = IMAGES / "white.png"
    assert faceapi.detect_all_faces(white).with_face_landmarks().with_face_descriptors().run() == []
    assert faceapi.detect_single_face(white).with_face_landmarks().with_face_descriptor().run() is None
    assert faceapi.detect_single_face(white).with_face_expressions().run() is None


def test_methods_follow_face_api_js() -> None:
    all_faces, single = faceapi.detect_all_faces(FACES_JPG), faceapi.detect_single_face(FACES_JPG)
    assert not hasattr(all_faces, "with_face_descriptors")  # descriptors need landmarks
    assert not hasattr(all_faces.with_face_expressions(), "with_face_descriptors")
    assert hasattr(all_faces.with_face_landmarks().with_face_expressions(), "with_face_descriptors")
    assert hasattr(single.with_face_landmarks(), "with_face_descriptor")
    assert not hasattr(single.with_face_landmarks(), "with_face_descriptors")
    tiny = all_faces.with_face_landmarks(use_tiny_model=True)
    assert tiny.landmark_net is faceapi.nets.face_landmark_68_tiny_net


def test_tasks_are_lazy_and_awaitable(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_: Any) -> None:
        raise AssertionError("ran")

    monkeypatch.setattr(faceapi.nets.ssd_mobilenetv1, "run_model", fail)
    faceapi.detect_all_faces(FACES_JPG).with_face_landmarks().with_face_descriptors()  # builds, runs nothing
    monkeypatch.undo()

    async def main() -> list[FaceResult]:
        return await faceapi.detect_all_faces(FACES_JPG).with_face_landmarks().with_face_descriptors()

    results = asyncio.run(main())
    assert len(results) == 6 and all(r.descriptor is not None for r in results)


def test_each_net_runs_once_per_image_on_the_whole_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: dict[str, list[int]] = {}
    for name, net in faceapi.nets.all().items():
        original = net.run_model

        def counting(*inputs: np.ndarray, _name: str = name, _run: Any = original) -> list[np.ndarray]:
            calls.setdefault(_name, []).append(len(inputs[0]))
            return _run(*inputs)

        monkeypatch.setattr(net, "run_model", counting)
    faceapi.detect_all_faces(FACES_JPG).with_face_landmarks().with_face_expressions().with_age_and_gender() \
        .with_face_descriptors().run()
    assert calls == {"ssd_mobilenetv1": [1], "face_landmark_68_net": [6], "face_expression_net": [6],
                     "age_gender_net": [6], "face_recognition_net": [6]}


def test_a_batch_input_is_refused_by_the_chain() -> None:
    with pytest.raises(faceapi.InputError, match="one image at a time"):
        faceapi.detect_all_faces([FACES_JPG, FACES_JPG]).with_face_landmarks().run()


def test_an_unloaded_net_says_how_to_load_it() -> None:
    with pytest.raises(faceapi.NotLoadedError, match=r"nets\.face_expression_net\.load\(\)"):
        faceapi.FaceExpressionNet().predict_expressions(IMAGES / "face1.png")


# -- resize_results
def test_resize_results_rescales_detections_and_landmarks() -> None:
    results = list(full_chain(FACES_JPG))
    resized = faceapi.resize_results(results, {"width": 1420, "height": 946})
    assert isinstance(resized, list) and len(resized) == 6
    for before, after in zip(results, resized, strict=True):
        assert after.detection.image_dims == faceapi.Dimensions(1420, 946)
        assert after.detection.box.x == pytest.approx(2 * before.detection.box.x)
        assert after.landmarks.image_width == pytest.approx(after.detection.box.width)
        assert np.allclose(after.landmarks.positions_array,
                           after.landmarks.relative_positions_array * [after.detection.box.width,
                                                                       after.detection.box.height]
                           + [after.detection.box.x, after.detection.box.y])
        assert np.allclose(after.unshifted_landmarks.relative_positions_array,
                           before.unshifted_landmarks.relative_positions_array)
        assert after.expressions == before.expressions and after.descriptor is before.descriptor
        assert after.aligned_rect.box.width == pytest.approx(2 * before.aligned_rect.box.width, rel=0.05)


def test_resize_results_on_plain_values() -> None:
    detection = full_chain(FACES_JPG)[0].detection
    assert faceapi.resize_results(detection, faceapi.Dimensions(71, 47.3)).box.width == pytest.approx(
        detection.box.width / 10)
    landmarks = full_chain(FACES_JPG)[0].unshifted_landmarks
    assert faceapi.resize_results(landmarks, {"width": 10, "height": 20}).image_width == 10
    assert faceapi.resize_results("other", {"width": 1, "height": 1}) == "other"
    detection_only = faceapi.FaceResult(detection)
    assert faceapi.resize_results(detection_only, detection.image_dims).landmarks is None
    with pytest.raises(faceapi.FaceApiError, match="invalid dimensions"):
        faceapi.resize_results([detection], {"width": 0, "height": 10})


def test_match_dimensions() -> None:
    canvas: dict[str, Any] = {}
    assert faceapi.match_dimensions(canvas, {"width": 640, "height": 480}) == faceapi.Dimensions(640, 480)
    assert canvas == {"width": 640, "height": 480}

    class Overlay:
        width = 0
        height = 0

    overlay = Overlay()
    faceapi.match_dimensions(overlay, np.zeros((30, 40, 3), dtype=np.uint8))
    assert (overlay.width, overlay.height) == (40, 30)

    class Video:
        width, height, videoWidth, videoHeight = 320, 240, 1280, 720

    assert faceapi.match_dimensions(None, Video(), use_media_dimensions=True) == faceapi.Dimensions(1280, 720)


# -- extract_faces / extract_face_tensors
def test_extract_faces_cuts_the_reference_crops() -> None:
    image = faceapi.to_net_input(FACES_JPG).images[0]
    results = full_chain(FACES_JPG)
    faces = faceapi.extract_faces(FACES_JPG, [r.detection for r in results])
    tensors = faceapi.extract_face_tensors(image, [r.aligned_rect for r in results])
    ref_faces = reference(FACES_REFERENCE)["faces"]
    for face, tensor, result in zip(faces, tensors, results, strict=True):
        ref = min(ref_faces, key=lambda f: abs(f["detection"]["box"]["x"] - result.detection.box.x))
        crop = ref["crops"]["landmarks"]
        assert face.dtype == np.uint8 and face.shape == (crop["height"], crop["width"], 3)
        assert np.array_equal(face, image[crop["y"]:crop["y"] + crop["height"], crop["x"]:crop["x"] + crop["width"]])
        crop = ref["crops"]["expressionsAgeGender"]
        assert tensor.dtype == np.float32 and tensor.shape == (crop["height"], crop["width"], 3)


def test_extract_faces_accepts_boxes_and_dicts_and_refuses_bad_input() -> None:
    image = np.arange(20 * 30 * 3, dtype=np.uint8).reshape(20, 30, 3)
    [a, b] = faceapi.extract_faces(image, [faceapi.Rect(-5.5, 2.2, 10, 10), {"x": 25, "y": 15, "width": 10,
                                                                            "height": 10}])
    assert a.shape == (10, 4, 3) and np.array_equal(a, image[2:12, 0:4])
    assert b.shape == (5, 5, 3)
    with pytest.raises(faceapi.InputError, match="outside"):
        faceapi.extract_faces(image, [faceapi.Rect(40, 0, 5, 5)])
    with pytest.raises(faceapi.InputError, match="batchSize > 1"):
        faceapi.extract_faces([image, image], [faceapi.Rect(0, 0, 5, 5)])
    with pytest.raises(faceapi.FaceApiError, match="expected a FaceDetection"):
        faceapi.extract_faces(image, [(0, 0, 5, 5)])  # type: ignore[list-item]


def test_results_round_trip_through_json() -> None:
    for result in full_chain(FACES_JPG):
        data = result.to_dict()
        restored = FaceResult.from_dict(data)
        assert isinstance(restored.landmarks, faceapi.FaceLandmarks68)
        again = restored.to_dict()
        assert set(again) == set(data) and again["descriptor"] == data["descriptor"]
        assert again["expressions"] == data["expressions"] and again["gender"] == data["gender"]
        assert np.allclose([[p["x"], p["y"]] for p in again["landmarks"]["positions"]],
                           [[p["x"], p["y"]] for p in data["landmarks"]["positions"]], atol=1e-9)
        assert again["detection"]["box"] == pytest.approx(data["detection"]["box"], abs=1e-9)
    with pytest.raises(faceapi.FaceApiError, match="detection"):
        FaceResult.from_dict({"landmarks": {}})
