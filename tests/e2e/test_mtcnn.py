"""MTCNN in the browser equals the server's, and P-Net is compiled once per pyramid level, not per frame.

Every fixture image with face-api.js's default MtcnnOptions and with a non-default set (through
``faceapi.mtcnn`` and, for the defaults, ``detectAllFaces(img, new MtcnnOptions())`` with the 68-point chain
after it); then five same-size video frames in a row: after the first, LiteRT.js compiles no further P-Net
specialisation (``pyfaceapi.runtime.litertjs``'s compile counter).
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
import pytest

import pyfaceapi as faceapi
from pyfaceapi import MtcnnOptions
from pyfaceapi.imageio import load_image

from .conftest import FIXTURES, IMAGE_NAMES, REPORT, Session, assert_same_results

# name -> (fields of faceapi.MtcnnOptions in the page, the same options here)
OPTION_SETS: dict[str, tuple[dict[str, Any], MtcnnOptions]] = {
    "default": ({}, MtcnnOptions()),
    "custom": (
        {"minFaceSize": 40, "scaleFactor": 0.6, "maxNumScales": 6, "scoreThresholds": [0.5, 0.6, 0.8]},
        MtcnnOptions(min_face_size=40, scale_factor=0.6, max_num_scales=6, score_thresholds=(0.5, 0.6, 0.8)),
    ),
}
FRAME_TIMES = [0.15, 0.45, 0.75, 1.25, 1.75]  # seconds into faces.webm (640x426): faces.jpg, then happy.jpg


def as_json(results: list[Any]) -> list[dict[str, Any]]:
    return [r.to_dict() for r in results]


@pytest.fixture(scope="module")
def browser_mtcnn(session: Session, all_nets: None) -> dict[str, Any]:
    """Every fixture image through MTCNN in the page, in one evaluate."""
    return session.js(
        """async ([names, sets]) => {
            const out = {};
            for (const name of names) {
                const img = await __t.image(name);
                out[name] = {};
                for (const [key, fields] of Object.entries(sets)) {
                    out[name][key] = __t.json(await faceapi.mtcnn(img, new faceapi.MtcnnOptions(fields)));
                }
                out[name].chain = __t.json(
                    await faceapi.detectAllFaces(img, new faceapi.MtcnnOptions()).withFaceLandmarks());
            }
            return out;
        }""",
        [IMAGE_NAMES, {name: fields for name, (fields, _) in OPTION_SETS.items()}],
    )


@pytest.mark.parametrize("image", IMAGE_NAMES)
def test_mtcnn_equals_the_servers(browser_mtcnn: dict[str, Any], image: str) -> None:
    pixels = load_image(FIXTURES / "images" / image)
    for name, (_, options) in OPTION_SETS.items():
        found = browser_mtcnn[image][name]
        assert_same_results(found, as_json(faceapi.mtcnn(pixels, options)), f"{image} mtcnn {name}")
        assert all(len(face["landmarks"]["positions"]) == 5 for face in found)
    chain = faceapi.detect_all_faces(pixels, MtcnnOptions()).with_face_landmarks().run()
    assert_same_results(browser_mtcnn[image]["chain"], as_json(chain), f"{image} mtcnn + 68 landmarks")
    if image == "faces.jpg":
        assert len(browser_mtcnn[image]["default"]) == 6


def test_pnet_is_not_recompiled_on_every_frame(session: Session, all_nets: None) -> None:
    """A video loop: five frames of one size. P-Net's specialisations (one per pyramid level) are compiled
    on the first frame and reused on the next four; every frame's faces equal the server's on that frame."""
    result = session.js(
        """async (times) => {
            const video = await __t.video('faces.webm', times[0]);
            const counts = [await __t.python('compile_counts')];
            const frames = [];
            for (const time of times) {
                if (video.currentTime !== time) {
                    await new Promise((resolve) => {
                        video.addEventListener('seeked', resolve, { once: true });
                        video.currentTime = time;
                    });
                }
                const start = performance.now();
                const faces = __t.json(await faceapi.mtcnn(video));
                const ms = performance.now() - start;
                counts.push(await __t.python('compile_counts'));
                frames.push({ faces, ms, pixels: __t.base64(await __t.python('rgb_bytes', video)) });
            }
            return { counts, frames, width: video.videoWidth, height: video.videoHeight };
        }""",
        FRAME_TIMES,
    )
    counts = result["counts"]
    pnet = [c.get("mtcnn_pnet", 0) for c in counts]
    levels = len(MtcnnOptions().scales(result["height"], result["width"]))
    # the first frame compiles at most one specialisation per pyramid level; the others none
    assert pnet[1] - pnet[0] <= levels, pnet
    assert pnet[1:] == [pnet[1]] * len(FRAME_TIMES), f"P-Net compiled again on later frames: {pnet}"
    REPORT["timings"]["MTCNN video loop: ms per frame (P-Net compilations)"] = (
        f"{', '.join(str(round(f['ms'])) for f in result['frames'])} ({pnet[1] - pnet[0]}, then "
        f"{pnet[-1] - pnet[1]}; R-/O-Net: {[c.get('mtcnn_rnet', 0) + c.get('mtcnn_onet', 0) for c in counts]})"
    )
    for time, frame in zip(FRAME_TIMES, result["frames"], strict=True):
        pixels = np.frombuffer(base64.b64decode(frame["pixels"]), np.uint8)
        pixels = pixels.reshape(result["height"], result["width"], 3)
        server = as_json(faceapi.mtcnn(pixels))
        assert server, f"no face in the frame at {time} s: the test video is wrong"
        assert_same_results(frame["faces"], server, f"video@{time}s mtcnn")


def test_mtcnn_options_and_loading_follow_faceapi_js(session: Session, all_nets: None) -> None:
    result = session.js("""async () => {
        const error = (make) => { try { make(); return null; } catch (e) { return e.message; } };
        const options = new faceapi.MtcnnOptions();
        const files = {};
        for (const name of ['mtcnn_pnet', 'mtcnn_rnet', 'mtcnn_onet']) {
            files[name] = new Uint8Array(await (await fetch(`/models/${name}.tflite`)).arrayBuffer());
        }
        await faceapi.nets.mtcnn.load(files);
        const img = await __t.image('faces.jpg');
        return {
            defaults: [options.minFaceSize, options.scaleFactor, options.maxNumScales, options.scoreThresholds,
                       options.scaleSteps ?? null],
            zeroIsDefault: new faceapi.MtcnnOptions({ minFaceSize: 0 }).minFaceSize,
            badFactor: error(() => new faceapi.MtcnnOptions({ scaleFactor: 1.5 })),
            badThresholds: error(() => new faceapi.MtcnnOptions({ scoreThresholds: [0.5] })),
            badSteps: error(() => new faceapi.MtcnnOptions({ scaleSteps: ['x'] })),
            loaded: faceapi.nets.mtcnn.isLoaded,
            faces: (await faceapi.nets.mtcnn.forward(img, new faceapi.MtcnnOptions({ scaleSteps: [0.4, 0.2, 0.1] })))
                .length,
            wrongOptions: await __t.rejection(faceapi.mtcnn(img, new faceapi.SsdMobilenetv1Options())),
        };
    }""")
    assert result["defaults"] == [20, 0.709, 10, [0.6, 0.7, 0.7], None]
    assert result["zeroIsDefault"] == 20
    assert result["badFactor"] == "MtcnnOptions - expected scaleFactor to be a number between 0 and 1"
    assert result["badThresholds"] == "MtcnnOptions - expected scoreThresholds to be an array of numbers of length 3"
    assert result["badSteps"] == "MtcnnOptions - expected scaleSteps to be an array of numbers"
    assert result["loaded"] is True
    pixels = load_image(FIXTURES / "images" / "faces.jpg")
    assert result["faces"] == len(faceapi.mtcnn(pixels, MtcnnOptions(scale_steps=(0.4, 0.2, 0.1))))
    assert result["wrongOptions"]["name"] == "OptionsError"
