"""FaceMatcher, FaceMatch and LabeledFaceDescriptors against face-api.js 0.22.2's behaviour."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import pytest

import pyfaceapi as faceapi
from pyfaceapi import DescriptorError, FaceMatch, FaceMatcher, LabeledFaceDescriptors

from ..support import REFERENCE_CASES, reference
from .face_analysis_support import FACES_JPG, full_chain, load_nets


@pytest.fixture(scope="module", autouse=True)
def _nets() -> None:
    load_nets()


@cache
def reference_people() -> dict[str, tuple[Path, int | None, list[float]]]:
    """label -> (image, face index or None for the whole-image descriptor, face-api.js's descriptor).

    Labels are file stems (``faces_0`` ... for the six faces of faces.jpg); images SSD finds no face in
    (the tight crops face1/face2) use face-api.js's descriptor of the whole image. white.png has no face.
    """
    people: dict[str, tuple[Path, int | None, list[float]]] = {}
    seen = {"white"}  # white.png has no face
    for ref_path, image in REFERENCE_CASES:
        stem = image.name.split(".")[0]
        if stem in seen:
            continue  # angry.jpg and surprised.jpg are in both test/ and examples/
        seen.add(stem)
        ref = reference(ref_path)
        faces = ref["faces"]
        if not faces:
            people[stem] = (image, None, ref["lowLevel"]["faceRecognitionNet"])
        for index, face in enumerate(faces):
            people[f"{stem}_{index}" if len(faces) > 1 else stem] = (image, index, face["descriptor"])
    return people


def our_descriptor(image: Path, index: int | None) -> np.ndarray:
    if index is None:
        return faceapi.compute_face_descriptor(image)
    theirs = reference(next(p for p, i in REFERENCE_CASES if i == image))["faces"][index]["detection"]["box"]
    return min(full_chain(image), key=lambda r: abs(r.detection.box.x - theirs["x"])).descriptor


def reference_matcher() -> FaceMatcher:
    return FaceMatcher([LabeledFaceDescriptors(label, [np.float32(d)])
                        for label, (_, _, d) in reference_people().items()])


def test_queries_with_our_descriptors_find_their_reference_labels() -> None:
    people = reference_people()
    assert len(people) >= 15 and "faces_5" in people and "face1" in people
    matcher = reference_matcher()
    labels = list(people)
    for label, (image, index, theirs) in people.items():
        ours = our_descriptor(image, index)
        match = matcher.find_best_match(ours)
        assert match.label == label and match.distance <= 0.005, (label, match)
        # every distance equals the distance between face-api.js's own descriptors
        expected = [faceapi.euclidean_distance(theirs, people[other][2]) for other in labels]
        assert np.abs(matcher.compute_mean_distances(ours) - expected).max() <= 0.01


def test_find_best_matches_is_find_best_match_for_many() -> None:
    matcher = reference_matcher()
    queries = [d for _, _, d in reference_people().values()]
    assert matcher.find_best_matches(queries) == [matcher.find_best_match(q) for q in queries]


def test_json_round_trip_is_lossless() -> None:
    matcher = FaceMatcher(reference_matcher().labeled_descriptors, distance_threshold=0.5)
    data = json.loads(json.dumps(matcher.to_json()))
    assert set(data) == {"distanceThreshold", "labeledDescriptors"}
    assert set(data["labeledDescriptors"][0]) == {"label", "descriptors"}
    restored = FaceMatcher.from_json(data)
    again = FaceMatcher.from_json(json.dumps(restored.to_json()))
    for copy in (restored, again):
        assert copy.distance_threshold == 0.5
        assert copy.labeled_descriptors == matcher.labeled_descriptors  # bit-identical float32
        assert copy.to_json() == matcher.to_json()


def test_from_json_reads_javascript_stringified_face_matchers() -> None:
    text = ('{"_distanceThreshold":123.321,"_labeledDescriptors":[{"_label":"foo","_descriptors":'
            '[{"0":1,"1":2,"2":3},{"0":4,"1":5,"2":6}]},{"_label":"bar","_descriptors":[[7,8,9],[3,2,1]]}]}')
    matcher = FaceMatcher.from_json(text)
    assert matcher.distance_threshold == 123.321
    [foo, bar] = matcher.labeled_descriptors
    assert foo.label == "foo" and np.array_equal(foo.descriptors[1], np.float32([4, 5, 6]))
    assert bar.label == "bar" and np.array_equal(bar.descriptors[0], np.float32([7, 8, 9]))


def test_mean_distance_per_label_threshold_and_unknown() -> None:
    matcher = FaceMatcher([LabeledFaceDescriptors("a", [np.float32([0, 0]), np.float32([0, 2])]),
                           LabeledFaceDescriptors("b", [np.float32([3, 0])])], distance_threshold=1.5)
    assert matcher.compute_mean_distances([0, 1]).tolist() == [1.0, np.sqrt(10)]
    assert matcher.find_best_match([0, 1]) == FaceMatch("a", 1.0)
    assert matcher.find_best_match([10, 0]) == FaceMatch("unknown", 7.0)
    assert matcher.match_descriptor([10, 0]) == FaceMatch("b", 7.0)


def test_equal_distances_go_to_the_later_label() -> None:
    matcher = FaceMatcher([LabeledFaceDescriptors("first", [[1.0, 0.0]]),
                           LabeledFaceDescriptors("second", [[-1.0, 0.0]])])
    assert matcher.find_best_match([0, 0]).label == "unknown"  # distance 1 >= 0.6
    assert matcher.match_descriptor([0, 0]).label == "second"


def test_unlabelled_inputs_become_person_n() -> None:
    results = list(full_chain(FACES_JPG))
    matcher = FaceMatcher(results)
    assert [ld.label for ld in matcher.labeled_descriptors] == [f"person {i}" for i in range(1, 7)]
    assert matcher.find_best_match(results[3].descriptor).label == "person 4"
    single = FaceMatcher(results[0].descriptor)
    assert [ld.label for ld in single.labeled_descriptors] == ["person 1"]
    mixed = FaceMatcher([LabeledFaceDescriptors("x", [results[0].descriptor]), results[1], results[2].descriptor])
    assert [ld.label for ld in mixed.labeled_descriptors] == ["x", "person 1", "person 2"]
    assert [ld.label for ld in FaceMatcher(np.stack([r.descriptor for r in results[:2]])).labeled_descriptors] \
        == ["person 1", "person 2"]


def test_face_match_string_is_face_api_js_to_string() -> None:
    assert str(FaceMatch("sheldon", 0.4287)) == "sheldon (0.42)"
    assert str(FaceMatch("unknown", 0.71)) == "unknown (0.71)"
    assert str(FaceMatch("raj", 0.29)) == "raj (0.28)"  # floor(0.29 * 100) / 100, as face-api.js
    assert str(FaceMatch("x", 1.0)) == "x (1)" and str(FaceMatch("x", 0.0004)) == "x (0)"
    assert FaceMatch("x", 0.5).to_string(with_distance=False) == "x"


def test_bad_descriptors_are_refused_with_clear_errors() -> None:
    good = np.zeros(128, dtype=np.float32)
    with pytest.raises(DescriptorError, match="same length"):
        FaceMatcher([LabeledFaceDescriptors("a", [good]), LabeledFaceDescriptors("b", [good[:64]])])
    with pytest.raises(DescriptorError, match="NaN or infinity"):
        LabeledFaceDescriptors("a", [np.full(128, np.nan)])
    with pytest.raises(DescriptorError, match="NaN or infinity"):
        FaceMatcher(good).find_best_match(np.full(128, np.inf))
    with pytest.raises(DescriptorError, match="query descriptor has 127 values"):
        FaceMatcher(good).find_best_match(good[:127])
    with pytest.raises(DescriptorError, match="no descriptors"):
        FaceMatcher(LabeledFaceDescriptors("empty", []))
    with pytest.raises(faceapi.FaceApiError, match="at least one input"):
        FaceMatcher([])
    with pytest.raises(faceapi.FaceApiError, match="label to be a string"):
        LabeledFaceDescriptors(3, [good])  # type: ignore[arg-type]
    with pytest.raises(faceapi.FaceApiError, match="wrap it in a list"):
        LabeledFaceDescriptors("a", good)
    with pytest.raises(faceapi.FaceApiError, match="expected LabeledFaceDescriptors"):
        FaceMatcher(["not a descriptor"])
    assert issubclass(DescriptorError, faceapi.FaceApiError)
