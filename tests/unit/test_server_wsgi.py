"""The production server (gunicorn via ``pyfaceapi serve``) on loopback answers like the library."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

import pyfaceapi as faceapi

from ..support import IMAGES


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server_url():
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "pyfaceapi", "serve", "--port", str(port), "--threads", "2"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "/api/v1/healthz", timeout=1).read()
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError("server exited: " + process.stderr.read().decode()) from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(10)


def test_detect_over_http(server_url) -> None:
    faceapi.nets.tiny_face_detector.load()
    faceapi.nets.face_landmark_68_net.load()
    request = urllib.request.Request(server_url + "/api/v1/detect?detector=tiny&landmarks=1",
                                     data=(IMAGES / "faces.jpg").read_bytes(),
                                     headers={"Content-Type": "image/jpeg"})
    body = json.loads(urllib.request.urlopen(request, timeout=60).read())
    expected = faceapi.detect_all_faces(IMAGES / "faces.jpg", faceapi.TinyFaceDetectorOptions()).with_face_landmarks()
    expected_json = sorted((r.to_dict() for r in expected.run()), key=lambda f: -f["detection"]["score"])
    assert body["faces"] == json.loads(json.dumps(expected_json))


def test_error_over_http(server_url) -> None:
    request = urllib.request.Request(server_url + "/api/v1/detect", data=b"junk", headers={"Content-Type": "image/png"})
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=30)
    assert info.value.code == 415
    assert json.loads(info.value.read())["error"]["code"] == "unsupported_image"
