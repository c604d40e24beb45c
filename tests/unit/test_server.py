"""The Flask app with its test client: every route, every error code, and results equal to the library's."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image
from pyfaceapi.server import ServerConfig, create_app
from pyfaceapi.server.openapi import openapi_document

import pyfaceapi as faceapi
from pyfaceapi.imageio import load_image

from ..support import IMAGES, REFERENCE_CASES, case_id


@pytest.fixture(scope="module")
def client():
    app = create_app(ServerConfig(max_request_bytes=2_000_000, max_pixels=4_000_000, max_faces=4))
    return app.test_client()


def post_image(client, path, query: str = "", **kwargs):
    return client.post(f"/api/v1/detect{query}", data=path.read_bytes(), content_type="image/jpeg", **kwargs)


@pytest.mark.parametrize("case", REFERENCE_CASES, ids=case_id)
def test_detect_equals_the_library(client, case) -> None:
    image_path = case[1]
    response = post_image(client, image_path, "?landmarks=1&expressions=1&age_gender=1&descriptors=1")
    assert response.status_code == 200
    body = response.get_json()
    pixels = load_image(image_path)
    expected = (faceapi.detect_all_faces(pixels).with_face_landmarks().with_face_expressions()
                .with_age_and_gender().with_face_descriptors().run())
    expected_json = sorted((r.to_dict() for r in expected), key=lambda f: -f["detection"]["score"])[:4]
    assert body["faces"] == json.loads(json.dumps(expected_json))
    assert body["image"] == {"width": pixels.shape[1], "height": pixels.shape[0]}
    assert set(body["timing_ms"]) == {"decode", "inference", "total"}


def test_multipart_with_json_options_equals_raw_body_with_query(client) -> None:
    image = IMAGES / "faces.jpg"
    raw = post_image(client, image, "?detector=tiny&input_size=320&landmarks=tiny").get_json()
    form = client.post("/api/v1/detect", data={
        "image": (io.BytesIO(image.read_bytes()), "faces.jpg"),
        "options": json.dumps({"detector": "tiny", "input_size": 320, "landmarks": "tiny"}),
    }, content_type="multipart/form-data").get_json()
    assert raw["faces"] == form["faces"] and len(raw["faces"]) == 4  # capped by max_faces=4
    assert all(len(face["landmarks"]["positions"]) == 68 for face in raw["faces"])


def test_single_face(client) -> None:
    body = post_image(client, IMAGES / "faces.jpg", "?single=1").get_json()
    best = faceapi.detect_single_face(IMAGES / "faces.jpg").run()
    assert body["faces"] == [{"detection": json.loads(json.dumps(best.to_dict()))}]
    assert post_image(client, IMAGES / "white.png", "?single=true").get_json()["faces"] == []


def _png(size: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", size).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("request_kwargs", "status", "code"),
    [
        ({"data": b"", "content_type": "image/png"}, 400, "missing_image"),
        ({"data": {"options": "{}"}, "content_type": "multipart/form-data"}, 400, "missing_image"),
        ({"data": {"image": (io.BytesIO(b"x"), "a.png"), "options": "{not json"},
          "content_type": "multipart/form-data"}, 400, "malformed_options"),
        ({"data": {"image": (io.BytesIO(b"x"), "a.png"), "options": "[1, 2]"},
          "content_type": "multipart/form-data"}, 400, "malformed_options"),
        ({"data": b"x" * 2_100_000, "content_type": "image/png"}, 413, "request_too_large"),
        ({"data": _png((2100, 2000)), "content_type": "image/png"}, 413, "image_too_large"),
        ({"data": b"hello", "content_type": "text/plain"}, 415, "unsupported_media_type"),
        ({"data": b"not an image at all", "content_type": "image/png"}, 415, "unsupported_image"),
        ({"data": _png((8, 8)), "content_type": "image/png", "query_string": {"detector": "yolo9"}},
         422, "invalid_options"),
        ({"data": _png((8, 8)), "content_type": "image/png", "query_string": {"input_size": "320"}},
         422, "invalid_options"),
        ({"data": _png((8, 8)), "content_type": "image/png",
          "query_string": {"detector": "tiny", "input_size": "100"}}, 422, "invalid_options"),
        ({"data": _png((8, 8)), "content_type": "image/png", "query_string": {"min_confidence": "-1"}},
         422, "invalid_options"),
        ({"data": _png((8, 8)), "content_type": "image/png", "query_string": {"max_results": "nan"}},
         422, "invalid_options"),
        ({"data": _png((8, 8)), "content_type": "image/png", "query_string": {"expressions": "maybe"}},
         422, "invalid_options"),
    ],
    ids=["empty-body", "no-image-field", "bad-json", "json-not-object", "body-too-large", "too-many-pixels",
         "wrong-content-type", "not-an-image", "unknown-detector", "option-of-other-detector",
         "input-size-not-multiple-of-32", "negative-threshold", "nan", "bad-boolean"],
)
def test_errors_are_json_with_the_documented_status(client, request_kwargs, status: int, code: str) -> None:
    response = client.post("/api/v1/detect", **request_kwargs)
    assert response.status_code == status, response.get_json()
    assert response.get_json()["error"]["code"] == code
    assert response.get_json()["error"]["message"]


def test_models_healthz_and_openapi(client) -> None:
    models = {m["name"]: m for m in client.get("/api/v1/models").get_json()["models"]}
    assert models["ssd_mobilenetv1"]["loaded"] and len(models["ssd_mobilenetv1"]["sha256"]) == 64
    assert client.get("/api/v1/healthz").get_json()["status"] == "ok"
    assert client.get("/api/v1/openapi.json").get_json() == openapi_document()
    assert client.get("/api/v1/detect").status_code == 405


def test_openapi_document_is_valid_and_lists_the_routes(client) -> None:
    from openapi_spec_validator import validate

    document = openapi_document()
    validate(document)
    app_routes = {rule.rule for rule in client.application.url_map.iter_rules() if rule.rule.startswith("/api/")}
    assert app_routes == set(document["paths"])


@pytest.mark.parametrize("path", ["/../pyproject.toml", "/%2e%2e/pyproject.toml", "/..%2fpyproject.toml",
                                  "//etc/passwd", "/%2fetc%2fpasswd", "/models/../../pyproject.toml"])
def test_no_path_traversal(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert b"[build-system]" not in response.data and b"root:" not in response.data


def _descriptors() -> dict[str, list[float]]:
    from ..support import REFERENCE

    refs = {}
    for name in ("face1.png", "face2.png", "angry.jpg"):
        faces = json.loads((REFERENCE / "test" / f"{name}.json").read_text())
        refs[name] = faces["lowLevel"]["faceRecognitionNet"] if name.startswith("face") else \
            faces["faces"][0]["descriptor"]
    return refs


def test_match_against_reference_and_stored_matcher(client) -> None:
    refs = _descriptors()
    reference = [{"label": "face1", "descriptors": [refs["face1.png"]]},
                 {"label": "angry", "descriptors": [refs["angry.jpg"]]}]
    body = client.post("/api/v1/match", json={"queries": [refs["face1.png"], refs["face2.png"]],
                                              "reference": reference}).get_json()
    matcher = faceapi.FaceMatcher([faceapi.LabeledFaceDescriptors(r["label"], r["descriptors"]) for r in reference])
    expected = matcher.find_best_matches([refs["face1.png"], refs["face2.png"]])
    assert [m["label"] for m in body["matches"]] == [m.label for m in expected]
    assert [m["text"] for m in body["matches"]] == [str(m) for m in expected]
    assert body["matches"][0] == {"label": "face1", "distance": 0.0, "text": "face1 (0)"}
    stored = client.post("/api/v1/match", json={"query": refs["face2.png"], "matcher": matcher.to_json(),
                                                "distance_threshold": 2.0}).get_json()
    assert stored["distance_threshold"] == 2.0 and stored["matches"][0]["label"] != "unknown"


@pytest.mark.parametrize(
    ("body", "status"),
    [("not json", 400), ({"queries": [[0.1] * 128]}, 422), ({"reference": []}, 422),
     ({"query": [0.1] * 128, "reference": [{"label": "a", "descriptors": [[0.1] * 127]}]}, 422),
     ({"query": [float("nan")] * 128, "reference": [{"label": "a", "descriptors": [[0.1] * 128]}]}, 422),
     ({"query": [0.1] * 128, "reference": [{"label": "a", "descriptors": [[0.1] * 128]}], "distance_threshold": -1},
      422),
     ({"query": [0.1] * 128, "reference": [{"label": "a"}]}, 422),
     ({"query": [0.1] * 128, "matcher": {"bogus": 1}}, 422),
     ({"query": [0.1] * 128, "reference": [{"label": "a", "descriptors": [[0.1] * 128]}], "extra": 1}, 422)],
    ids=["not-json", "no-reference", "no-query", "length-mismatch", "nan", "negative-threshold", "no-descriptors",
         "bad-matcher", "unknown-field"],
)
def test_match_errors(client, body, status: int) -> None:
    if isinstance(body, str):
        response = client.post("/api/v1/match", data=body, content_type="application/json")
    else:
        response = client.post("/api/v1/match", data=json.dumps(body).replace("NaN", "NaN"),
                               content_type="application/json")
    assert response.status_code == status, response.get_json()
    assert response.get_json()["error"]["code"]


def test_draw_returns_the_annotated_png(client) -> None:
    import numpy as np

    from pyfaceapi.draw import annotate
    from pyfaceapi.pipeline import DetectRequest, run_request
    from pyfaceapi.results import FaceResult

    def post_draw(query: str):
        return client.post(f"/api/v1/draw{query}", data=(IMAGES / "faces.jpg").read_bytes(),
                           content_type="image/jpeg")

    response = post_draw("?landmarks=1&expressions=1&draw=detections,landmarks")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.headers["X-Face-Count"] == "4"
    drawn = np.asarray(Image.open(io.BytesIO(response.data)).convert("RGB"))
    pixels = load_image(IMAGES / "faces.jpg")
    faces = run_request(pixels, DetectRequest(landmarks="normal", expressions=True, max_faces=4))
    expected = annotate(pixels, [FaceResult.from_dict(f) for f in faces], ("detections", "landmarks"))
    np.testing.assert_array_equal(drawn, np.asarray(expected.convert("RGB")))
    assert (drawn != pixels).any()
    bad = post_draw("?draw=everything")
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "invalid_options"


def test_detect_with_mtcnn(client) -> None:
    body = post_image(client, IMAGES / "faces.jpg",
                      "?detector=mtcnn&min_face_size=40&score_thresholds=0.6,0.7,0.8&landmarks=1").get_json()
    options = faceapi.MtcnnOptions(min_face_size=40, score_thresholds=(0.6, 0.7, 0.8))
    expected = faceapi.detect_all_faces(load_image(IMAGES / "faces.jpg"), options).with_face_landmarks().run()
    expected_json = sorted((r.to_dict() for r in expected), key=lambda f: -f["detection"]["score"])[:4]
    assert body["faces"] == json.loads(json.dumps(expected_json))
    bad = post_image(client, IMAGES / "faces.jpg", "?detector=mtcnn&score_thresholds=0.6,x")
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "invalid_options"
    assert post_image(client, IMAGES / "faces.jpg", "?detector=mtcnn&scale_factor=1.5").status_code == 422
