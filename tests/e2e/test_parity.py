"""Browser == server: the pixels Chromium decodes, and every detector's results on them.

For every fixture image, the browser (Pyodide + LiteRT.js, via faceapi.js) and this process (CPython +
ai-edge-litert) must first read the same RGB pixels — so a decoder difference is never mistaken for a
port bug — and then find the same faces: same count, boxes within 1e-3 px, scores within 1e-5 (see
``assert_same_detections`` for why not bit for bit).
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import pyfaceapi as faceapi
from pyfaceapi import SsdMobilenetv1Options, TinyFaceDetectorOptions, TinyYolov2Options
from pyfaceapi.imageio import load_image

from .conftest import FIXTURES, Session, assert_same_detections

IMAGES = sorted((FIXTURES / "images").iterdir())
REFERENCES = FIXTURES / "reference"

# name -> (face-api.js options as [class, fields] for the page, the same options for the server)
OPTION_SETS: dict[str, tuple[list[Any], Any]] = {
    "ssd": (["SsdMobilenetv1Options", {}], SsdMobilenetv1Options()),
    "tiny416": (["TinyFaceDetectorOptions", {"inputSize": 416}], TinyFaceDetectorOptions(input_size=416)),
    "tiny608": (["TinyFaceDetectorOptions", {"inputSize": 608}], TinyFaceDetectorOptions(input_size=608)),
    "tiny320": (["TinyFaceDetectorOptions", {"inputSize": 320}], TinyFaceDetectorOptions(input_size=320)),
    "tiny160": (["TinyFaceDetectorOptions", {"inputSize": 160}], TinyFaceDetectorOptions(input_size=160)),
    "yolo416": (["TinyYolov2Options", {"inputSize": 416}], TinyYolov2Options(input_size=416)),
}


def server_detections(pixels: np.ndarray, options: Any) -> list[dict[str, Any]]:
    return [d.to_dict() for d in faceapi.detect_all_faces(pixels, options).run()]


def reference_hashes(name: str) -> list[str]:
    return [json.loads(p.read_text())["image"]["rgbSha256"] for p in sorted(REFERENCES.glob(f"*/{name}.json"))]


@pytest.mark.parametrize("image", IMAGES, ids=lambda p: p.name)
def test_browser_decodes_the_same_pixels(session: Session, image: Path) -> None:
    server = load_image(image)
    browser = session.js("async (name) => __t.python('rgb_sha256', await __t.image(name))", image.name)
    assert (browser["width"], browser["height"]) == (server.shape[1], server.shape[0])
    assert browser["rgbSha256"] == hashlib.sha256(np.ascontiguousarray(server)).hexdigest()
    for expected in reference_hashes(image.name):
        assert browser["rgbSha256"] == expected


@pytest.mark.usefixtures("server_nets")
@pytest.mark.parametrize("image", IMAGES, ids=lambda p: p.name)
def test_detections_equal_the_servers(session: Session, image: Path) -> None:
    specs = [spec for spec, _ in OPTION_SETS.values()]
    browser = session.js("async ([name, specs]) => __t.detectEach(await __t.image(name), specs)", [image.name, specs])
    pixels = load_image(image)
    for (name, (_, options)), found in zip(OPTION_SETS.items(), browser, strict=True):
        assert_same_detections(found, server_detections(pixels, options), f"{image.name} {name}")


INPUT_KINDS = {
    "img": "async (name) => __t.image(name)",
    "element id": "async (name) => (await __t.image(name, { id: 'the-image' })).id",
    "canvas": """async (name) => {
        const img = await __t.image(name);
        const canvas = document.createElement('canvas');
        canvas.width = img.naturalWidth;
        canvas.height = img.naturalHeight;
        canvas.getContext('2d').drawImage(img, 0, 0);
        return canvas;
    }""",
    "ImageData": """async (name) => {
        const img = await __t.image(name);
        const canvas = new OffscreenCanvas(img.naturalWidth, img.naturalHeight);
        const context = canvas.getContext('2d');
        context.drawImage(img, 0, 0);
        return context.getImageData(0, 0, canvas.width, canvas.height);
    }""",
    "OffscreenCanvas": """async (name) => {
        const img = await __t.image(name);
        const canvas = new OffscreenCanvas(img.naturalWidth, img.naturalHeight);
        canvas.getContext('2d').drawImage(img, 0, 0);
        return canvas;
    }""",
    "ImageBitmap": "async (name) => createImageBitmap(await __t.image(name))",
}


@pytest.mark.usefixtures("server_nets")
@pytest.mark.parametrize("kind", INPUT_KINDS)
def test_every_input_kind_gives_the_servers_result(session: Session, kind: str) -> None:
    image = FIXTURES / "images" / "faces.jpg"
    specs = [OPTION_SETS["ssd"][0], OPTION_SETS["tiny320"][0]]
    browser = session.js(
        f"""async ([name, specs]) => {{
            document.getElementById('the-image')?.remove();
            const input = await ({INPUT_KINDS[kind]})(name);
            return __t.detectEach(input, specs);
        }}""",
        [image.name, specs],
    )
    pixels = load_image(image)
    for name, found in zip(("ssd", "tiny320"), browser, strict=True):
        assert_same_detections(found, server_detections(pixels, OPTION_SETS[name][1]), f"{kind} {name}")


@pytest.mark.usefixtures("server_nets")
@pytest.mark.parametrize("time", [0.45, 1.55], ids=["faces-frame", "happy-frame"])
def test_video_frame_gives_the_servers_result_on_that_frame(session: Session, time: float) -> None:
    specs = [OPTION_SETS["ssd"][0], OPTION_SETS["tiny416"][0]]
    result = session.js(
        """async ([time, specs]) => {
            const video = await __t.video('faces.webm', time);
            const detections = await __t.detectEach(video, specs);
            const frame = await __t.python('rgb_bytes', video);
            return { detections, frame: __t.base64(frame), width: video.videoWidth, height: video.videoHeight };
        }""",
        [time, specs],
    )
    frame = np.frombuffer(base64.b64decode(result["frame"]), dtype=np.uint8)
    frame = frame.reshape(result["height"], result["width"], 3)
    for name, found in zip(("ssd", "tiny416"), result["detections"], strict=True):
        server = server_detections(frame, OPTION_SETS[name][1])
        assert server, f"no face in the video frame at {time} s ({name}): the test video is wrong"
        assert_same_detections(found, server, f"video@{time}s {name}")


def test_the_shared_page_never_left_loopback(session: Session) -> None:
    """Everything above ran with non-loopback requests blocked (and recorded): none was attempted."""
    assert session.blocked == []
