"""faceapi.js behaves like face-api.js: options, result objects, per-net functions, both builds, errors."""

from __future__ import annotations

import pytest

import pyfaceapi as faceapi
from pyfaceapi import SsdMobilenetv1Options, TinyFaceDetectorOptions, TinyYolov2Options
from pyfaceapi.imageio import load_image

from .conftest import FIXTURES, ROOT, Session, assert_same_detections


def test_options_follow_faceapi_js(session: Session) -> None:
    result = session.js("""() => {
        const error = (make) => { try { make(); return null; } catch (e) { return e.message; } };
        const ssd = new faceapi.SsdMobilenetv1Options();
        const tiny = new faceapi.TinyFaceDetectorOptions();
        return {
            ssd: [ssd.minConfidence, ssd.maxResults],
            zeroIsDefault: new faceapi.SsdMobilenetv1Options({ minConfidence: 0 }).minConfidence,
            tiny: [tiny.inputSize, tiny.scoreThreshold],
            tiny320: new faceapi.TinyFaceDetectorOptions({ inputSize: 320 }).inputSize,
            names: [new faceapi.TinyFaceDetectorOptions()._name, new faceapi.TinyYolov2Options()._name],
            inherits: new faceapi.TinyFaceDetectorOptions() instanceof faceapi.TinyYolov2Options,
            badSize: error(() => new faceapi.TinyFaceDetectorOptions({ inputSize: 100 })),
            badScore: error(() => new faceapi.TinyYolov2Options({ scoreThreshold: 1.5 })),
            badConfidence: error(() => new faceapi.SsdMobilenetv1Options({ minConfidence: 2 })),
        };
    }""")
    assert result == {
        "ssd": [0.5, 100],
        "zeroIsDefault": 0.5,
        "tiny": [416, 0.5],
        "tiny320": 320,
        "names": ["TinyFaceDetectorOptions", "TinyYolov2Options"],
        "inherits": True,
        # face-api.js names the class after TinyYolov2Options validated, so its message says TinyYolov2Options
        "badSize": "TinyYolov2Options - expected inputSize to be a number divisible by 32",
        "badScore": "TinyYolov2Options - expected scoreThreshold to be a number between 0 and 1",
        "badConfidence": "SsdMobilenetv1Options - expected minConfidence to be a number between 0 and 1",
    }


@pytest.mark.usefixtures("server_nets")
def test_results_are_shaped_like_faceapi_js(session: Session) -> None:
    result = session.js("""async () => {
        const img = await __t.image('faces.jpg');
        const all = await faceapi.detectAllFaces(img);
        const [first] = all;
        const best = all.reduce((a, b) => (b.score > a.score ? b : a));
        const single = await faceapi.detectSingleFace(img, new faceapi.TinyFaceDetectorOptions({ inputSize: 320 }));
        const none = await faceapi.detectSingleFace(await __t.image('white.png'));
        const resized = first.forSize(355, 236.5);
        const { x, y, width, height } = first.box;
        return {
            isDetection: first instanceof faceapi.FaceDetection && first.box instanceof faceapi.Box,
            fields: [first.score === first.classScore, first.className, first.imageWidth, first.imageHeight],
            getters: [first.box.left === x, first.box.top === y, first.box.right === x + width,
                      first.box.bottom === y + height, first.box.area === width * height],
            relative: [first.relativeBox.x * 710 - x, first.relativeBox.height * 473 - height],
            resized: [resized.box.x - first.relativeBox.x * 355, resized.imageWidth, resized.imageHeight],
            bestIsSingle: (await faceapi.detectSingleFace(img)).score === best.score,
            all: __t.plain(all),
            single: [__t.plain(single)],
            none: none ?? null,
            thenable: typeof faceapi.detectAllFaces(img).then,
        };
    }""")
    assert result["isDetection"] is True
    assert result["fields"] == [True, "", 710, 473]
    assert result["getters"] == [True] * 5
    assert max(abs(v) for v in result["relative"]) < 1e-9
    assert result["resized"] == [0, 355, 236.5]
    assert result["bestIsSingle"] is True
    image = FIXTURES / "images" / "faces.jpg"
    assert_same_detections(result["all"], [d.to_dict() for d in faceapi.detect_all_faces(image).run()], "all")
    single = faceapi.detect_single_face(image, TinyFaceDetectorOptions(input_size=320)).run()
    assert single is not None
    assert_same_detections(result["single"], [single.to_dict()], "single")
    assert result["none"] is None
    assert result["thenable"] == "function"


@pytest.mark.usefixtures("server_nets")
def test_per_net_functions(session: Session) -> None:
    browser = session.js("""async () => {
        const img = await __t.image('surprised.jpg');
        return [
            __t.plain(await faceapi.ssdMobilenetv1(img, new faceapi.SsdMobilenetv1Options({ minConfidence: 0.3 }))),
            __t.plain(await faceapi.tinyFaceDetector(img, new faceapi.TinyFaceDetectorOptions({ inputSize: 224 }))),
            __t.plain(await faceapi.tinyYolov2(img, new faceapi.TinyYolov2Options({ inputSize: 320 }))),
            __t.plain(await faceapi.nets.tinyFaceDetector.locateFaces(img)),
        ];
    }""")
    pixels = load_image(FIXTURES / "images" / "surprised.jpg")
    server = {
        "ssdMobilenetv1": faceapi.ssd_mobilenetv1(pixels, SsdMobilenetv1Options(min_confidence=0.3)),
        "tinyFaceDetector": faceapi.tiny_face_detector(pixels, TinyFaceDetectorOptions(input_size=224)),
        "tinyYolov2": faceapi.tiny_yolov2(pixels, TinyYolov2Options(input_size=320)),
        "nets.tinyFaceDetector.locateFaces": faceapi.tiny_face_detector(pixels),
    }
    for found, (name, expected) in zip(browser, server.items(), strict=True):
        assert expected, name
        assert_same_detections(found, [d.to_dict() for d in expected], f"surprised.jpg {name}")


def test_module_and_classic_builds_export_the_same_api(session: Session) -> None:
    result = session.js("""async () => {
        const module = await import('/faceapi.mjs');
        return { module: Object.keys(module).sort(), classic: Object.keys(faceapi).sort(), build: module.build,
                 nets: Object.keys(faceapi.nets), draw: Object.keys(faceapi.draw) };
    }""")
    assert result["module"] == result["classic"]
    assert {"nets", "detectAllFaces", "detectSingleFace", "TinyFaceDetectorOptions", "init", "MtcnnOptions", "mtcnn",
            "FaceMatcher", "LabeledFaceDescriptors", "euclideanDistance", "resizeResults", "matchDimensions",
            "extractFaces", "detectFaceLandmarks", "computeFaceDescriptor", "draw"} <= set(result["module"])
    assert set(result["nets"]) == {"ssdMobilenetv1", "tinyFaceDetector", "tinyYolov2", "mtcnn", "faceLandmark68Net",
                                   "faceLandmark68TinyNet", "faceRecognitionNet", "faceExpressionNet", "ageGenderNet"}
    assert {"drawDetections", "drawFaceLandmarks", "drawFaceExpressions", "DrawBox", "DrawTextField",
            "AnchorPosition", "toDisplayList"} <= set(result["draw"])
    assert result["build"]["pyodide"] == "0.27.7" and result["build"]["litert"] == "2.5.3"


ERROR_CASES = {
    "img still loading": (
        "() => { const img = new Image(); img.src = `${__t.FIXTURES}images/faces.jpg?${Math.random()}`;"
        " return faceapi.detectAllFaces(img); }",
        "has not finished loading",
    ),
    "img without src": ("() => faceapi.detectAllFaces(new Image())", "could not be decoded"),
    "broken img": (
        """async () => {
            const img = new Image();
            await new Promise((resolve) => { img.onerror = resolve; img.src = `${__t.FIXTURES}images/missing.jpg`; });
            return faceapi.detectAllFaces(img);
        }""",
        "could not be decoded",
    ),
    "video without frame": ("() => faceapi.detectAllFaces(document.createElement('video'))", "no frame to read yet"),
    "empty canvas": (
        "() => { const c = document.createElement('canvas'); c.width = 0; return faceapi.detectAllFaces(c); }",
        "is empty",
    ),
    "unknown id": ("() => faceapi.detectAllFaces('no-such-element')", "no element with id 'no-such-element'"),
    "unsupported input": ("() => faceapi.detectAllFaces({ width: 3 })", "unsupported input [object Object]"),
}


@pytest.mark.parametrize("case", ERROR_CASES)
def test_unusable_inputs_give_clear_errors(session: Session, case: str) -> None:
    script, message = ERROR_CASES[case]
    error = session.js(f"async () => __t.rejection(({script})())")
    assert error is not None, f"{case}: no error"
    assert error["name"] == "InputError", error
    assert message in error["message"], error


def test_a_disposed_net_must_be_loaded_again(session: Session) -> None:
    result = session.js("""async () => {
        const img = await __t.image('faces.jpg');
        const options = new faceapi.TinyYolov2Options();
        faceapi.nets.tinyYolov2.dispose();
        const error = await __t.rejection(faceapi.detectAllFaces(img, options));
        const loadedAfterDispose = faceapi.nets.tinyYolov2.isLoaded;
        await faceapi.nets.tinyYolov2.loadFromUri('/models');
        return { error, loadedAfterDispose, faces: (await faceapi.detectAllFaces(img, options)).length };
    }""")
    assert result["error"]["name"] == "NotLoadedError"
    assert "load model before inference" in result["error"]["message"]
    assert result["loadedAfterDispose"] is False
    assert result["faces"] > 0


def test_load_from_uri_checks_the_manifest(session: Session) -> None:
    """In the page as on the server: a model folder's manifest.json verifies what loadFromUri fetches (WebCrypto
    on loopback); a corrupt file is refused with a typed error and the loaded net stays as it was."""
    models = ROOT / "models"
    corrupt = bytearray((models / "tiny_face_detector.tflite").read_bytes())
    corrupt[len(corrupt) // 2] ^= 0xFF
    files = {"manifest.json": (models / "manifest.json").read_bytes(), "tiny_face_detector.tflite": bytes(corrupt)}
    pattern = f"{session.base_url}/__corrupt_models__/**"
    session.context.route(pattern, lambda route: route.fulfill(
        status=200, body=files[route.request.url.rsplit("/", 1)[1]], content_type="application/octet-stream"))
    try:
        result = session.js("""async () => {
            const img = await __t.image('faces.jpg');
            const options = new faceapi.TinyFaceDetectorOptions();
            const error = await __t.rejection(faceapi.nets.tinyFaceDetector.loadFromUri('/__corrupt_models__'));
            return { error, secure: isSecureContext, faces: (await faceapi.detectAllFaces(img, options)).length };
        }""")
    finally:
        session.context.unroute(pattern)
    assert result["secure"] is True
    assert result["error"]["name"] == "ModelError", result
    assert "sha256 mismatch" in result["error"]["message"], result
    assert result["faces"] > 0  # the model loaded before is still in use
