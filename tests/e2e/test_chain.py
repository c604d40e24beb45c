"""The analysis chain in the browser equals the server's: every fixture image, four chains (all nets, both
landmark nets, stages in several orders, with and without landmarks, single face), the low-level nets on
face crops, and the shape of the result objects (face-api.js's fields, getters and classes).

Bars (``RESULT_TOLERANCES``): boxes and landmarks 1e-3 px, scores 1e-5, descriptors 1e-5 per component,
expression and gender probabilities 1e-5, age 1e-4 years; same count, fields, crop sizes and genders.
"""

from __future__ import annotations

import base64
import io
from typing import Any

import numpy as np
import pytest
from PIL import Image

import pyfaceapi as faceapi
from pyfaceapi.imageio import load_image

from .conftest import CHAINS, FIXTURES, IMAGE_NAMES, Session, assert_same_results

NO_FACE = {"white.png", "face1.png", "face2.png"}  # face1/face2: tight face crops, which SSD does not detect


def server_json(found: Any) -> list[dict[str, Any]]:
    results = [] if found is None else found if isinstance(found, list) else [found]
    return [r.to_dict() for r in results]


@pytest.mark.parametrize("image", IMAGE_NAMES)
def test_chains_equal_the_servers(browser_chains: dict[str, Any], image: str) -> None:
    pixels = load_image(FIXTURES / "images" / image)
    for chain, (_, run) in CHAINS.items():
        assert_same_results(browser_chains[image][chain], server_json(run(pixels).run()), f"{image} {chain}")
    if image not in NO_FACE:
        assert browser_chains[image]["full"], f"{image}: no face found: the fixture or the detector is wrong"


def test_results_are_shaped_like_faceapi_js(session: Session, browser_chains: dict[str, Any]) -> None:
    shape = session.js("""() => {
        const [face] = __chains['faces.jpg'].full;
        const single = __chains['faces.jpg'].single[0] ?? __chains['faces.jpg'].single;
        const unaligned = __chains['faces.jpg'].unaligned[0];
        const lm = face.landmarks;
        const same = (a, b) => a.length === b.length && a.every((p, i) => p === b[i]);
        const sorted = face.expressions.asSortedArray();
        return {
            keys: Object.keys(face).sort(),
            singleKeys: Object.keys(single).sort(),
            unalignedKeys: Object.keys(unaligned).sort(),
            classes: [face.detection instanceof faceapi.FaceDetection, lm instanceof faceapi.FaceLandmarks68,
                      face.unshiftedLandmarks instanceof faceapi.FaceLandmarks68,
                      face.alignedRect instanceof faceapi.FaceDetection,
                      face.expressions instanceof faceapi.FaceExpressions,
                      face.descriptor instanceof Float32Array, lm.positions[0] instanceof faceapi.Point],
            descriptorLength: face.descriptor.length,
            getters: [same(lm.getJawOutline(), lm.positions.slice(0, 17)),
                      same(lm.getLeftEyeBrow(), lm.positions.slice(17, 22)),
                      same(lm.getRightEyeBrow(), lm.positions.slice(22, 27)),
                      same(lm.getNose(), lm.positions.slice(27, 36)),
                      same(lm.getLeftEye(), lm.positions.slice(36, 42)),
                      same(lm.getRightEye(), lm.positions.slice(42, 48)),
                      same(lm.getMouth(), lm.positions.slice(48, 68))],
            shift: [lm.shift.x === face.detection.box.x, lm.shift.y === face.detection.box.y,
                    face.unshiftedLandmarks.shift.x, face.unshiftedLandmarks.shift.y],
            crop: [lm.imageWidth, lm.imageHeight],
            relative: Math.max(...lm.relativePositions.map((p, i) => Math.abs(
                p.x * lm.imageWidth + lm.shift.x - lm.positions[i].x))),
            shifted: lm.shiftBy(0, 0).positions[3].x - face.unshiftedLandmarks.positions[3].x,
            sorted: sorted.map((e) => e.expression),
            sortedDescending: sorted.every((e, i) => i === 0 || sorted[i - 1].probability >= e.probability),
            happy: face.expressions.happy === sorted.find((e) => e.expression === 'happy').probability,
            gender: [Object.values(faceapi.Gender).includes(face.gender), typeof face.age,
                     typeof face.genderProbability],
            // face-api.js's typing: which stage may follow which
            methods: {
                descriptorsNeedLandmarks: typeof faceapi.detectAllFaces('x').withFaceDescriptors,
                singleHasNoPlural: typeof faceapi.detectSingleFace('x').withFaceLandmarks().withFaceDescriptors,
                unalignedHasNoDescriptors: typeof faceapi.detectAllFaces('x').withFaceExpressions().withFaceDescriptors,
                alignedHasDescriptors: typeof faceapi.detectAllFaces('x').withFaceLandmarks().withAgeAndGender()
                    .withFaceExpressions().withFaceDescriptors,
                classes: [faceapi.detectAllFaces('x').withFaceLandmarks().withFaceExpressions().constructor.name,
                          faceapi.detectSingleFace('x').withAgeAndGender().constructor.name],
            },
        };
    }""")
    assert shape["keys"] == ["age", "alignedRect", "descriptor", "detection", "expressions", "gender",
                             "genderProbability", "landmarks", "unshiftedLandmarks"]
    assert shape["singleKeys"] == ["alignedRect", "descriptor", "detection", "expressions", "landmarks",
                                   "unshiftedLandmarks"]
    assert shape["unalignedKeys"] == ["age", "detection", "expressions", "gender", "genderProbability"]
    assert shape["classes"] == [True] * 7
    assert shape["descriptorLength"] == 128
    assert shape["getters"] == [True] * 7
    assert shape["shift"] == [True, True, 0, 0]
    assert all(isinstance(v, int) for v in shape["crop"])
    assert shape["relative"] < 1e-9 and abs(shape["shifted"]) < 1e-9
    assert sorted(shape["sorted"]) == sorted(faceapi.FACE_EXPRESSION_LABELS)
    assert shape["sortedDescending"] and shape["happy"]
    assert shape["gender"] == [True, "number", "number"]
    assert shape["methods"] == {
        "descriptorsNeedLandmarks": "undefined",
        "singleHasNoPlural": "undefined",
        "unalignedHasNoDescriptors": "undefined",
        "alignedHasDescriptors": "function",
        "classes": ["PredictAllFaceExpressionsWithFaceAlignmentTask", "PredictSingleAgeAndGenderTask"],
    }


BATCHES = {"landmarksBatch", "tinyBatch", "descriptors", "expressions", "ageGenderBatch"}


def decode_canvas(data_url: str) -> np.ndarray:
    png = base64.b64decode(data_url.split(",", 1)[1])
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def test_extract_faces_and_the_low_level_nets_equal_the_servers(session: Session, all_nets: None) -> None:
    """extractFaces gives the server's crops (as canvases, to the bit); the face nets on those crops, one by
    one and as a batch, give the server's results on the same crops."""
    browser = session.js("""async () => {
        const img = await __t.image('faces.jpg');
        const detections = await faceapi.detectAllFaces(img);
        const boxes = [{ x: 10.5, y: 20.25, width: 80, height: 90.75 },
                       new faceapi.Box({ x: 600, y: 400, width: 200, height: 200 })];
        const crops = await faceapi.extractFaces(img, detections);
        const byBox = await faceapi.extractFaces(img, boxes);
        const [first] = crops;
        return {
            detections: __t.plain(detections),
            boxes,
            canvases: crops.map((c) => [c instanceof HTMLCanvasElement, c.width, c.height]),
            crops: crops.map((c) => c.toDataURL()),
            byBox: byBox.map((c) => c.toDataURL()),
            landmarks: __t.json(await faceapi.detectFaceLandmarks(first)),
            landmarksBatch: __t.json(await faceapi.detectFaceLandmarks(crops)),
            tinyBatch: __t.json(await faceapi.detectFaceLandmarksTiny(crops)),
            descriptor: __t.json(await faceapi.computeFaceDescriptor(first)),
            descriptors: __t.json(await faceapi.computeFaceDescriptor(crops)),
            expressions: __t.json(await faceapi.recognizeFaceExpressions(crops)),
            ageGender: __t.json(await faceapi.predictAgeAndGender(first)),
            ageGenderBatch: __t.json(await faceapi.predictAgeAndGender(crops)),
            // face1.png / face2.png are face crops already: the nets on the whole <img>
            crops2: __t.json(await Promise.all(['face1.png', 'face2.png'].map(async (name) => {
                const face = await __t.image(name);
                return [await faceapi.detectFaceLandmarks(face), await faceapi.computeFaceDescriptor(face)];
            }))),
            classes: [(await faceapi.nets.faceLandmark68Net.detectLandmarks(first)).constructor.name,
                      (await faceapi.computeFaceDescriptor(first)).constructor.name,
                      (await faceapi.recognizeFaceExpressions(first)).constructor.name],
        };
    }""")
    pixels = load_image(FIXTURES / "images" / "faces.jpg")
    detections = faceapi.detect_all_faces(pixels).run()
    assert len(browser["detections"]) == len(detections) == 6
    assert all(ok and (w, h) == decode_canvas(url).shape[1::-1]
               for (ok, w, h), url in zip(browser["canvases"], browser["crops"], strict=True))
    # the crops of the browser's detections are the server's crops of the same detections
    from pyfaceapi.results import detection_from_dict

    theirs = faceapi.extract_faces(pixels, [detection_from_dict(d) for d in browser["detections"]])
    crops = [decode_canvas(url) for url in browser["crops"]]
    for mine, expected in zip(crops, theirs, strict=True):
        np.testing.assert_array_equal(mine, expected)
    for mine, expected in zip(browser["byBox"], faceapi.extract_faces(pixels, browser["boxes"]), strict=True):
        np.testing.assert_array_equal(decode_canvas(mine), expected)

    def as_results(items: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
        """Low-level outputs in the shape assert_same_results compares (a fake detection each)."""
        fake = {"score": 1, "box": dict.fromkeys(("x", "y", "width", "height"), 0),
                "relativeBox": dict.fromkeys(("x", "y", "width", "height"), 0), "imageWidth": 1, "imageHeight": 1}
        if key == "ageGender":
            return [{"detection": fake, **item} for item in items]
        return [{"detection": fake, key: item} for item in items]

    server = {
        "landmarks": [faceapi.detect_face_landmarks(crops[0]).to_dict()],
        "landmarksBatch": [lm.to_dict() for lm in faceapi.detect_face_landmarks(crops)],
        "tinyBatch": [lm.to_dict() for lm in faceapi.detect_face_landmarks_tiny(crops)],
        "descriptor": [faceapi.compute_face_descriptor(crops[0]).tolist()],
        "descriptors": [d.tolist() for d in faceapi.compute_face_descriptor(crops)],
        "expressions": [e.to_dict() for e in faceapi.recognize_face_expressions(crops)],
        "ageGender": [faceapi.predict_age_and_gender(crops[0]).to_dict()],
        "ageGenderBatch": [p.to_dict() for p in faceapi.predict_age_and_gender(crops)],
    }
    keys = {"landmarks": "landmarks", "landmarksBatch": "landmarks", "tinyBatch": "landmarks",
            "descriptor": "descriptor", "descriptors": "descriptor", "expressions": "expressions",
            "ageGender": "ageGender", "ageGenderBatch": "ageGender"}
    for name, expected in server.items():
        mine = browser[name] if name in BATCHES else [browser[name]]
        assert len(mine) == len(expected), name
        assert_same_results(as_results(mine, keys[name]), as_results(expected, keys[name]), f"low-level {name}")
    for name, (landmarks, descriptor) in zip(("face1.png", "face2.png"), browser["crops2"], strict=True):
        face = load_image(FIXTURES / "images" / name)
        expected = [faceapi.detect_face_landmarks(face).to_dict(), faceapi.compute_face_descriptor(face).tolist()]
        assert_same_results(as_results([landmarks], "landmarks"), as_results([expected[0]], "landmarks"), name)
        assert_same_results(as_results([descriptor], "descriptor"), as_results([expected[1]], "descriptor"), name)
    assert browser["classes"] == ["FaceLandmarks68", "Float32Array", "FaceExpressions"]
