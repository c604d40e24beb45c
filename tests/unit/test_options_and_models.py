"""Options validation and model loading errors."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import http.server
import json
import threading
from pathlib import Path

import pytest

import pyfaceapi as faceapi
from pyfaceapi import ModelError, NotLoadedError, OptionsError
from pyfaceapi.networks.ssd_mobilenetv1 import SsdMobilenetv1
from pyfaceapi.networks.tiny_face_detector import TinyFaceDetector

from ..support import IMAGES


@pytest.mark.parametrize(
    "make",
    [
        lambda: faceapi.TinyFaceDetectorOptions(input_size=100),
        lambda: faceapi.TinyFaceDetectorOptions(input_size=0),
        lambda: faceapi.TinyYolov2Options(score_threshold=1.5),
        lambda: faceapi.TinyYolov2Options(score_threshold=-0.1),
        lambda: faceapi.SsdMobilenetv1Options(min_confidence=0),
        lambda: faceapi.SsdMobilenetv1Options(max_results=0),
        lambda: faceapi.SsdMobilenetv1Options(max_results=2.5),
    ],
)
def test_out_of_range_options_raise(make) -> None:
    with pytest.raises(OptionsError):
        make()


def test_defaults_are_face_api_js_defaults() -> None:
    assert faceapi.SsdMobilenetv1Options() == faceapi.SsdMobilenetv1Options(min_confidence=0.5, max_results=100)
    assert faceapi.TinyFaceDetectorOptions() == faceapi.TinyFaceDetectorOptions(input_size=416, score_threshold=0.5)


def test_unknown_options_type_is_refused() -> None:
    with pytest.raises(OptionsError, match="expected options"):
        faceapi.detect_all_faces(IMAGES / "face1.png", {"min_confidence": 0.5}).run()  # type: ignore[arg-type]


def test_using_a_net_before_loading_it_says_what_to_do() -> None:
    net = SsdMobilenetv1()
    assert not net.is_loaded
    with pytest.raises(NotLoadedError, match=r"nets\.ssd_mobilenetv1\.load\(\)"):
        net.locate_faces(faceapi.to_net_input(IMAGES / "face1.png"))


def test_load_from_bytes_checks_the_hash_and_the_format(tmp_path) -> None:
    net = TinyFaceDetector()
    with pytest.raises(ModelError, match="sha256 mismatch"):
        net.load_from_bytes(b"not a model", expected_sha256="0" * 64)
    with pytest.raises(ModelError, match="cannot load"):
        net.load_from_bytes(b"not a model")
    with pytest.raises(ModelError, match="cannot read"):
        net.load_from_disk(tmp_path / "missing.tflite")


def test_tampered_bundled_model_is_refused(tmp_path) -> None:
    from pyfaceapi.model_files import default_model_dir

    source = default_model_dir()
    (tmp_path / "manifest.json").write_bytes((source / "manifest.json").read_bytes())
    data = bytearray((source / "tiny_face_detector.tflite").read_bytes())
    data[-1] ^= 0xFF
    (tmp_path / "tiny_face_detector.tflite").write_bytes(bytes(data))
    with pytest.raises(ModelError, match="sha256 mismatch"):
        TinyFaceDetector().load(tmp_path)


def test_load_from_uri_reads_a_file_path() -> None:
    import asyncio

    from pyfaceapi.model_files import default_model_dir

    net = TinyFaceDetector()
    asyncio.run(net.load_from_uri(str(default_model_dir())))
    assert net.is_loaded


def _model_folder(folder: Path, manifest: bool, corrupt: bool = False, listed: bool = True) -> Path:
    """``folder`` holding the Tiny Face Detector (a byte flipped if ``corrupt``), with the bundled manifest (minus
    that model's entry unless ``listed``) if ``manifest``."""
    from pyfaceapi.model_files import default_model_dir

    source = default_model_dir()
    folder.mkdir()
    data = bytearray((source / "tiny_face_detector.tflite").read_bytes())
    if corrupt:
        data[-1] ^= 0xFF
    (folder / "tiny_face_detector.tflite").write_bytes(bytes(data))
    if manifest:
        content = json.loads((source / "manifest.json").read_text())
        if not listed:
            del content["models"]["tiny_face_detector"]
        (folder / "manifest.json").write_text(json.dumps(content))
    return folder


@pytest.mark.parametrize("over_http", [False, True], ids=["path", "http"])
def test_load_from_uri_checks_the_folders_manifest(tmp_path: Path, over_http: bool) -> None:
    """As on disk: a folder with a manifest is verified (a corrupt file or an unlisted model is refused); a folder
    without one (HTTP 404) loads unverified; an explicit expected_sha256 wins."""
    verified = _model_folder(tmp_path / "verified", manifest=True)
    corrupt = _model_folder(tmp_path / "corrupt", manifest=True, corrupt=True)
    unlisted = _model_folder(tmp_path / "unlisted", manifest=True, listed=False)
    bare = _model_folder(tmp_path / "bare", manifest=False)
    bare_corrupt = _model_folder(tmp_path / "bare-corrupt", manifest=False, corrupt=True)
    good_sha256 = hashlib.sha256((bare / "tiny_face_detector.tflite").read_bytes()).hexdigest()

    handler = functools.partial(QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def load(folder: Path, expected_sha256: str | None = None) -> None:
        uri = f"http://127.0.0.1:{server.server_address[1]}/{folder.name}" if over_http else str(folder)
        net = TinyFaceDetector()
        asyncio.run(net.load_from_uri(uri, expected_sha256))
        assert net.is_loaded

    try:
        load(verified)
        load(bare)
        load(bare_corrupt)  # nothing to check it against, as with load_from_disk
        with pytest.raises(ModelError, match="sha256 mismatch"):
            load(corrupt)
        with pytest.raises(ModelError, match="no sha256 for this model"):
            load(unlisted)
        with pytest.raises(ModelError, match="sha256 mismatch"):
            load(bare_corrupt, expected_sha256=good_sha256)
        with pytest.raises(ModelError, match="cannot fetch"):
            load(tmp_path / "no-such-folder")
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass
