"""FaceMatcher, euclideanDistance, resizeResults and matchDimensions in the browser: the core's functions,
run in Pyodide, give what they give on the server for the same inputs.

The FaceMatcher is built from face-api.js's reference descriptors of the fixture images (labelled by file
stem, ``faces_<i>`` for the six faces of faces.jpg) and queried with the browser's own descriptors of every
face the full chain found.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import numpy as np

import pyfaceapi as faceapi
from pyfaceapi import FaceMatcher, FaceResult, LabeledFaceDescriptors
from pyfaceapi.results import detection_from_dict

from ..support import REFERENCE_CASES, reference
from .conftest import IMAGE_NAMES, REPORT, Session


@cache
def reference_people() -> dict[str, list[float]]:
    """label -> face-api.js's descriptor (the whole image's for face crops SSD finds no face in)."""
    people: dict[str, list[float]] = {}
    seen = {"white"}
    for ref_path, image in REFERENCE_CASES:
        stem = image.name.split(".")[0]
        if stem in seen:
            continue  # angry.jpg and surprised.jpg are in both test/ and examples/
        seen.add(stem)
        faces = reference(ref_path)["faces"]
        if not faces:
            people[stem] = reference(ref_path)["lowLevel"]["faceRecognitionNet"]
        for index, face in enumerate(faces):
            people[f"{stem}_{index}" if len(faces) > 1 else stem] = face["descriptor"]
    return people


def reference_matcher(threshold: float = 0.6) -> FaceMatcher:
    return FaceMatcher([LabeledFaceDescriptors(label, [np.float32(d)]) for label, d in reference_people().items()],
                       threshold)


def record(quantity: str, diff: float) -> None:
    REPORT["timings"][quantity] = f"{max(diff, float(REPORT['timings'].get(quantity, 0))):.3g}"


def test_face_matcher_equals_the_servers(session: Session, browser_chains: dict[str, Any]) -> None:
    people = reference_people()
    assert len(people) >= 15 and "faces_5" in people and "face1" in people
    # a threshold half of our descriptors are closer than to face-api.js's, half not
    found = [np.float32(r["descriptor"]) for name in IMAGE_NAMES for r in browser_chains[name]["full"]]
    strict_threshold = float(np.median([reference_matcher().find_best_match(d).distance for d in found]))
    browser = session.js("""([people, STRICT]) => {
        const labeled = Object.entries(people)
            .map(([label, d]) => new faceapi.LabeledFaceDescriptors(label, [new Float32Array(d)]));
        const matcher = new faceapi.FaceMatcher(labeled);
        const queries = Object.values(__chains).flatMap((chains) => chains.full.map((r) => r.descriptor));
        const match = (m) => ({ label: m.label, distance: m.distance, text: m.toString(), bare: m.toString(false) });
        const restored = faceapi.FaceMatcher.fromJSON(matcher.toJSON());
        const fromText = faceapi.FaceMatcher.fromJSON(JSON.stringify(restored));
        const people6 = new faceapi.FaceMatcher(__chains['faces.jpg'].full, 0.5);
        const query = queries[0];
        return {
            queries: queries.map((d) => Array.from(d)),
            best: queries.map((d) => match(matcher.findBestMatch(d))),
            closest: queries.map((d) => match(matcher.matchDescriptor(d))),
            strict: queries.map((d) => match(new faceapi.FaceMatcher(labeled, STRICT).findBestMatch(d))),
            json: JSON.stringify(matcher),
            restored: JSON.stringify(restored),
            fromText: JSON.stringify(fromText),
            restoredBest: queries.map((d) => match(fromText.findBestMatch(d))),
            thresholds: [matcher.distanceThreshold, people6.distanceThreshold],
            labels: matcher.labeledDescriptors.map((ld) => ld.label),
            labeledAreFloat32: matcher.labeledDescriptors.every((ld) => ld.descriptors[0] instanceof Float32Array),
            people6: [people6.labeledDescriptors.map((ld) => ld.label),
                      queries.map((d) => match(people6.findBestMatch(d)))],
            meanDistance: matcher.computeMeanDistance(query, [queries[1], queries[2]]),
            ldJson: JSON.stringify(labeled[0]),
            ldFromJson: faceapi.LabeledFaceDescriptors.fromJSON(labeled[0].toJSON()).descriptors[0][7]
                === labeled[0].descriptors[0][7],
            errors: [
                __t.error(() => new faceapi.FaceMatcher([1, 2])),
                __t.error(() => new faceapi.LabeledFaceDescriptors('x', [[0.1, 0.2]])),
                __t.error(() => new faceapi.FaceMatcher(
                    [labeled[0], new faceapi.LabeledFaceDescriptors('y', [new Float32Array(3)])])),
                __t.error(() => matcher.findBestMatch(new Float32Array(64))),
            ],
        };
    }""", [people, strict_threshold])
    queries = [np.float32(q) for q in browser["queries"]]
    faces = sum(len(browser_chains[name]["full"]) for name in IMAGE_NAMES)
    assert len(queries) == faces >= 16

    def match(m: faceapi.FaceMatch) -> dict[str, Any]:
        return {"label": m.label, "distance": m.distance, "text": str(m), "bare": m.to_string(with_distance=False)}

    def compare(mine: list[dict[str, Any]], theirs: list[dict[str, Any]]) -> float:
        texts = [(t["label"], t["text"], t["bare"]) for t in theirs]
        assert [(m["label"], m["text"], m["bare"]) for m in mine] == texts
        return max(abs(m["distance"] - t["distance"]) for m, t in zip(mine, theirs, strict=True))

    matcher = reference_matcher()
    worst = compare(browser["best"], [match(matcher.find_best_match(q)) for q in queries])
    worst = max(worst, compare(browser["closest"], [match(matcher.match_descriptor(q)) for q in queries]))
    strict = reference_matcher(strict_threshold)
    worst = max(worst, compare(browser["strict"], [match(strict.find_best_match(q)) for q in queries]))
    record("FaceMatcher: max |distance diff| browser vs server", worst)
    assert worst <= 1e-12
    # every face finds its own reference, as close as face-api.js's descriptors are to ours
    assert all(m["label"] != "unknown" and m["distance"] < 0.01 for m in browser["best"]), browser["best"]
    assert any(m["label"] == "unknown" for m in browser["strict"])
    # toJSON is face-api.js's JSON and the Python one; fromJSON round-trips it losslessly
    assert json.loads(browser["json"]) == matcher.to_json()
    assert browser["restored"] == browser["fromText"] == browser["json"]
    assert browser["restoredBest"] == browser["best"]
    assert browser["thresholds"] == [0.6, 0.5]
    assert browser["labels"] == list(people) and browser["labeledAreFloat32"]
    six = FaceMatcher([np.float32(d["descriptor"]) for d in browser_chains["faces.jpg"]["full"]], 0.5)
    assert browser["people6"][0] == [f"person {i}" for i in range(1, 7)]
    assert compare(browser["people6"][1], [match(six.find_best_match(q)) for q in queries]) <= 1e-12
    pair = FaceMatcher([LabeledFaceDescriptors("", [queries[1], queries[2]])])
    assert abs(browser["meanDistance"] - float(pair.compute_mean_distances(queries[0])[0])) <= 1e-12
    assert json.loads(browser["ldJson"]) == LabeledFaceDescriptors("angry", [np.float32(people["angry"])]).to_json()
    assert browser["ldFromJson"] is True
    not_descriptors, not_float32, lengths, query_length = browser["errors"]
    assert "expected inputs to be of type LabeledFaceDescriptors" in not_descriptors["message"]
    assert not_float32["message"] == ("LabeledFaceDescriptors - constructor expected descriptors to be an array of "
                                      "Float32Array")
    assert lengths["name"] == "DescriptorError" and "same length" in lengths["message"]
    assert query_length["name"] == "DescriptorError" and "64 values" in query_length["message"]


def test_euclidean_distance_equals_the_servers(session: Session, browser_chains: dict[str, Any]) -> None:
    browser = session.js("""() => {
        const all = __chains['faces.jpg'].full.map((r) => r.descriptor);
        return {
            pairs: all.flatMap((a) => all.map((b) => faceapi.euclideanDistance(a, b))),
            plain: [faceapi.euclideanDistance([0, 0], [3, 4]),
                    faceapi.euclideanDistance([0.1, 0.2], new Float32Array([0.3, 0.4]))],
            error: __t.error(() => faceapi.euclideanDistance([1, 2], [1, 2, 3])),
        };
    }""")
    descriptors = [np.float32(r["descriptor"]) for r in browser_chains["faces.jpg"]["full"]]
    expected = [faceapi.euclidean_distance(a, b) for a in descriptors for b in descriptors]
    worst = max(abs(m - t) for m, t in zip(browser["pairs"], expected, strict=True))
    record("euclideanDistance: max |diff| browser vs server", worst)
    assert worst <= 1e-12
    assert browser["plain"] == [5, faceapi.euclidean_distance([0.1, 0.2], np.float32([0.3, 0.4]))]
    assert browser["error"]["name"] == "FaceApiError" and "differ in length" in browser["error"]["message"]


def test_resize_results_equals_the_servers(session: Session, browser_chains: dict[str, Any]) -> None:
    """The core resizes the browser's results; the server resizing the same results (their JSON) agrees to
    the bit. Descriptors and other fields ride along unchanged."""
    browser = session.js("""(names) => {
        const out = {};
        for (const name of names) {
            const results = __chains[name].full;
            const img = document.getElementById(`img-${name}`);
            const dims = { width: img.naturalWidth * 0.5, height: img.naturalHeight * 0.75 };
            out[name] = { dims, results: __t.json(faceapi.resizeResults(results, dims)) };
            if (results.length) {
                const [first] = results;
                const resized = faceapi.resizeResults(first, dims);
                out[name].one = __t.json(resized);
                out[name].same = [resized.descriptor === first.descriptor, resized.age === first.age];
                out[name].detection = __t.json(faceapi.resizeResults(first.detection, dims));
                out[name].landmarks = __t.json(faceapi.resizeResults([first.landmarks], dims));
                out[name].classes = [faceapi.resizeResults(first.detection, dims).constructor.name,
                                     faceapi.resizeResults(first.landmarks, dims).constructor.name,
                                     resized.landmarks.constructor.name];
                out[name].other = faceapi.resizeResults([{ other: 1 }], dims);
            }
        }
        out.badDims = __t.error(() => faceapi.resizeResults([], { width: 0, height: 10 }));
        return out;
    }""", IMAGE_NAMES)
    for name in IMAGE_NAMES:
        got = browser[name]
        dims = got["dims"]
        originals = browser_chains[name]["full"]
        server = [r.to_dict() for r in faceapi.resize_results([FaceResult.from_dict(o) for o in originals], dims)]
        assert got["results"] == server, name
        if originals:
            first = FaceResult.from_dict(originals[0])
            assert got["one"] == faceapi.resize_results(first, dims).to_dict()
            assert got["same"] == [True, True]
            detection = detection_from_dict(originals[0]["detection"])
            assert got["detection"] == faceapi.resize_results(detection, dims).to_dict()
            landmarks = faceapi.FaceLandmarks68.from_dict(originals[0]["landmarks"])
            assert got["landmarks"] == [faceapi.resize_results(landmarks, dims).to_dict()]
            assert got["classes"] == ["FaceDetection", "FaceLandmarks68", "FaceLandmarks68"]
            assert got["other"] == [{"other": 1}]
    assert "invalid dimensions" in browser["badDims"]["message"]


def test_match_dimensions_follows_faceapi_js(session: Session) -> None:
    result = session.js("""async () => {
        const img = await __t.image('faces.jpg');
        img.width = 355;  // displayed at half size
        const video = await __t.video('faces.webm', 0.2);
        const canvas = document.createElement('canvas');
        const out = {};
        out.img = [faceapi.matchDimensions(canvas, img), canvas.width, canvas.height];
        out.imgMedia = [faceapi.matchDimensions(canvas, img, true), canvas.width, canvas.height];
        out.videoMedia = [faceapi.matchDimensions(canvas, video, true), canvas.width, canvas.height];
        const target = {};
        out.object = [faceapi.matchDimensions(target, { width: 320, height: 240 }), target];
        return out;
    }""")
    assert result["img"] == [{"width": 355, "height": 237}, 355, 237]  # the <img>'s rendered (rounded) height
    assert result["imgMedia"] == [{"width": 710, "height": 473}, 710, 473]
    assert result["videoMedia"] == [{"width": 640, "height": 426}, 640, 426]
    assert result["object"] == [{"width": 320, "height": 240}, {"width": 320, "height": 240}]
