"""The bad-input corpus (tests/fixtures/bad, made by tools/make_bad_corpus.py): every case, every front end.

Each file's documented outcome (cases.json, the table in tests/fixtures/bad/README.md) is checked in the
library (a value or that exact exception class), in the server (status and JSON error code, never a 5xx)
and in the CLI (processed, or skipped with the reason). The EXIF files must display upright: their pixels
and their detections equal the upright picture's.
"""

from __future__ import annotations

import hashlib
import io
import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageOps
from pyfaceapi.server import ServerConfig, create_app

import pyfaceapi as faceapi
from pyfaceapi import errors
from pyfaceapi.cli import main as cli_main
from pyfaceapi.imageio import decode, load_image

from ..support import FIXTURES, box_iou

BAD = FIXTURES / "bad"
CASES: dict[str, Any] = json.loads((BAD / "cases.json").read_text(encoding="utf-8"))
IMAGE_CASES = CASES["images"]
REQUEST_CASES = CASES["requests"]
MATCHER_CASES = CASES["matchers"]
CONTENT_TYPES = {".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp", ".gif": "image/gif",
                 ".bmp": "image/bmp", ".tif": "image/tiff"}
QUICK = {"detector": "tiny", "input_size": "160"}  # the server's detector for the corpus: fast, any size


def case_name(case: dict[str, Any]) -> str:
    return case["name"]


@pytest.fixture(scope="module")
def client():
    return create_app(ServerConfig(max_request_bytes=20 * 1024 * 1024, max_pixels=40_000_000, max_faces=10,
                                   max_input_size=1024)).test_client()


# ----------------------------------------------------------------------------------------------- the corpus
def test_corpus_is_what_the_generator_wrote_and_small() -> None:
    listed = {case["name"]: case for case in IMAGE_CASES + MATCHER_CASES}
    files = {str(p.relative_to(BAD)) for p in BAD.rglob("*") if p.is_file()} - {"cases.json", "README.md"}
    assert files == set(listed), "regenerate with: python tools/make_bad_corpus.py"
    for name, case in listed.items():
        assert hashlib.sha256((BAD / name).read_bytes()).hexdigest() == case["sha256"], name
    total = sum(p.stat().st_size for p in BAD.rglob("*") if p.is_file())
    assert total < 2_000_000, f"the committed corpus is {total} bytes: generate big inputs at test time"
    readme = (BAD / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in readme for name in listed)
    assert all(f"`{case['name']}`" in readme for case in REQUEST_CASES)


def test_the_corpus_covers_the_issue() -> None:
    names = {case["name"] for case in IMAGE_CASES}
    for needed in ("jpeg-truncated.jpg", "png-truncated.png", "webp-truncated.webp", "gif-truncated.gif",
                   "jpeg-corrupt-header.jpg", "png-corrupt-idat.png", "webp-corrupt.webp", "gif-corrupt.gif",
                   "zero-0x0.png", "tiny-1x1.png", "png-16bit-gray.png", "jpeg-cmyk.jpg", "png-palette.png",
                   "png-la.png", "png-50mp.png", "png-bomb-400mp.png", "gif-animated.gif", "text.jpg",
                   "random.png", "empty.jpg"):
        assert needed in names
    assert {f"exif/orientation-{n}.jpg" for n in range(1, 9)} <= names
    requests = {case["name"] for case in REQUEST_CASES}
    assert {"empty-body", "wrong-content-type", "options-malformed-json", "input-size-not-multiple-of-32",
            "min-confidence-negative", "max-results-huge"} <= requests
    assert {"matcher-nan.json", "matcher-infinity.json"} <= {case["name"] for case in MATCHER_CASES}


# ----------------------------------------------------------------------------------------------- library
@pytest.mark.parametrize("case", IMAGE_CASES, ids=case_name)
def test_library(case: dict[str, Any]) -> None:
    path = BAD / case["name"]
    expected = case["library"]
    if expected["outcome"] == "ok":
        pixels = load_image(path)
        assert pixels.dtype == np.uint8 and pixels.shape == (*expected["shape"], 3)
        if case["pixels"]:
            PIXEL_CHECKS[case["pixels"]](pixels)
        return
    exception = getattr(errors, expected["outcome"])
    with pytest.raises(exception, match=expected["match"]) as info:
        load_image(path)
    assert type(info.value) is exception, f"{type(info.value).__name__} is not exactly {exception.__name__}"
    assert str(path) in str(info.value), "the message names the file"


def _green_1x1(pixels: np.ndarray) -> None:
    assert pixels.tolist() == [[[10, 200, 30]]]


def _ramp16(pixels: np.ndarray) -> None:
    expected = [((x * 65535) // 15 * 255 + 32767) // 65535 for x in range(16)]
    assert pixels[:, :, 0].tolist() == [expected] * 8
    assert (pixels[:, :, 0] == pixels[:, :, 1]).all() and (pixels[:, :, 1] == pixels[:, :, 2]).all()


def _rgb16(pixels: np.ndarray) -> None:
    red = [((x * 65535) // 15) >> 8 for x in range(16)]  # Pillow keeps the high byte of each sample
    assert pixels[:, :, 0].tolist() == [red] * 8
    assert (pixels[:, :, 1] == 0x80).all() and (pixels[:, :, 2] == 0xFF).all()


def _cmyk(pixels: np.ndarray) -> None:
    corners = {"cyan": pixels[8, 8], "magenta": pixels[8, 24], "yellow": pixels[24, 8], "black": pixels[24, 24]}
    expected = {"cyan": (0, 255, 255), "magenta": (255, 0, 255), "yellow": (255, 255, 0), "black": (0, 0, 0)}
    for name, value in corners.items():
        assert np.abs(value.astype(int) - expected[name]).max() <= 8, (name, value)


def _palette(pixels: np.ndarray) -> None:
    colours = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)]
    assert [tuple(pixels[0, x]) for x in range(0, 8, 2)] == colours
    assert (pixels == pixels[:1]).all()  # every row alike: alpha / transparency dropped, not blended


def _la(pixels: np.ndarray) -> None:
    assert pixels[0, :, 0].tolist() == [x * 32 for x in range(8)]  # the gray values, alpha dropped
    assert (pixels[:, :, 0] == pixels[:, :, 2]).all()


def _red(pixels: np.ndarray) -> None:
    assert (np.abs(pixels.astype(int) - (200, 30, 30)) <= 2).all(), "the first frame is used"


def _upright(pixels: np.ndarray) -> None:
    upright = load_image(BAD / "exif" / "faces-352x240.jpg").astype(int)
    difference = np.abs(pixels.astype(int) - upright)
    assert difference.mean() < 2.0 and difference.max() <= 32  # JPEG noise only (a wrong turn: mean > 20)


PIXEL_CHECKS = {"green-1x1": _green_1x1, "ramp16": _ramp16, "rgb16": _rgb16, "cmyk": _cmyk, "palette": _palette,
                "la": _la, "red": _red, "upright": _upright}


def test_every_pixel_check_is_used() -> None:
    assert {case["pixels"] for case in IMAGE_CASES if case["pixels"]} == set(PIXEL_CHECKS)


def test_the_50mp_image_obeys_a_lower_limit() -> None:
    with pytest.raises(errors.ImageTooLargeError, match="more than the limit of 40000000"):
        decode((BAD / "png-50mp.png").read_bytes(), max_pixels=40_000_000)


# --------------------------------------------------------------------------------------------------- EXIF
def _displayed(stored: np.ndarray, orientation: int) -> np.ndarray:
    """What a viewer shows for ``stored`` pixels with EXIF ``orientation``, straight from the EXIF spec
    (row 0 / column 0 of the stored image is shown at: 1 top-left, 2 top-right, 3 bottom-right, 4 bottom-left,
    5 left-top, 6 right-top, 7 right-bottom, 8 left-bottom)."""
    return {
        1: lambda a: a,
        2: lambda a: a[:, ::-1],
        3: lambda a: a[::-1, ::-1],
        4: lambda a: a[::-1, :],
        5: lambda a: a.transpose(1, 0, 2),
        6: lambda a: np.rot90(a, -1),                      # rotate 90 degrees clockwise
        7: lambda a: a[::-1, ::-1].transpose(1, 0, 2),     # transverse
        8: lambda a: np.rot90(a, 1),                       # rotate 90 degrees counter-clockwise
    }[orientation](stored)


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize("band_bytes", [4 << 20, 64 * 4])
def test_exif_orientation_follows_the_spec_exactly(monkeypatch, orientation: int, band_bytes: int) -> None:
    """Lossless PNG with EXIF: the decoded pixels are the spec's displayed picture, bit for bit, also when the
    image is copied out in many bands (band_bytes=256: 1 row per band at width 64)."""
    import pyfaceapi.imageio as imageio

    monkeypatch.setattr(imageio, "_BAND_BYTES", band_bytes)
    stored = np.random.default_rng(orientation).integers(0, 256, (37, 64, 3), dtype=np.uint8)
    exif = Image.Exif()
    exif[0x0112] = orientation
    buffer = io.BytesIO()
    Image.fromarray(stored).save(buffer, "PNG", exif=exif.tobytes())
    decoded = decode(buffer.getvalue())
    np.testing.assert_array_equal(decoded, _displayed(stored, orientation))
    # and what Pillow's own ImageOps.exif_transpose gives
    np.testing.assert_array_equal(decoded, np.asarray(ImageOps.exif_transpose(Image.open(buffer)).convert("RGB")))


@cache
def _tiny_detections(name: str) -> list[dict[str, Any]]:
    faceapi.nets.tiny_face_detector.load()
    options = faceapi.TinyFaceDetectorOptions(input_size=416)
    found = faceapi.detect_all_faces(load_image(BAD / name), options).run()
    return sorted((d.to_dict() for d in found), key=lambda d: (d["box"]["x"], d["box"]["y"]))


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_rotated_detections_equal_the_upright_detections(orientation: int) -> None:
    upright = _tiny_detections("exif/faces-352x240.jpg")
    rotated = _tiny_detections(f"exif/orientation-{orientation}.jpg")
    assert len(upright) == 6 and len(rotated) == len(upright)
    for ours, reference in zip(rotated, upright, strict=True):
        assert box_iou(ours["box"], reference["box"]) > 0.85, (ours, reference)
        assert abs(ours["score"] - reference["score"]) < 0.06
        assert (ours["imageWidth"], ours["imageHeight"]) == (352, 240)


@pytest.mark.parametrize("orientation", [2, 3, 5, 6, 7, 8])
def test_exif_files_are_really_transformed(orientation: int) -> None:
    """Not a vacuous test: ignoring the EXIF tag gives other pixels (and for 5-8 another shape)."""
    with Image.open(BAD / "exif" / f"orientation-{orientation}.jpg") as image:
        raw = np.asarray(image.convert("RGB")).astype(int)
    upright = load_image(BAD / "exif" / "faces-352x240.jpg").astype(int)
    assert raw.shape != upright.shape or np.abs(raw - upright).mean() > 20


# ------------------------------------------------------------------------------------------------- server
def mark_known_bug(request: pytest.FixtureRequest, case: dict[str, Any], front: str) -> None:
    """The case's documented outcome is not met yet: a strict xfail (it fails once the bug is fixed)."""
    if front in case["known_bug_in"]:
        request.applymarker(pytest.mark.xfail(strict=True, reason=case["known_bug"]))


@pytest.mark.parametrize("case", IMAGE_CASES, ids=case_name)
def test_server(request, client, case: dict[str, Any]) -> None:
    mark_known_bug(request, case, "server")
    path = BAD / case["name"]
    response = client.post("/api/v1/detect", data=path.read_bytes(), query_string=QUICK,
                           content_type=CONTENT_TYPES[path.suffix])
    expected = case["server"]
    body = response.get_json()
    assert response.status_code == expected["status"], body
    if expected["code"]:
        assert body["error"]["code"] == expected["code"] and body["error"]["message"]
    else:
        height, width = case["library"]["shape"]
        assert body["image"] == {"width": width, "height": height} and isinstance(body["faces"], list)


def _request_body(spec: Any) -> bytes:
    if isinstance(spec, str):
        return (BAD / spec).read_bytes() if spec else b""
    if "text" in spec:
        return spec["text"].encode()
    return (spec["repeat"] * spec["count"] + spec.get("then", "") * spec["count"]).encode()


@pytest.mark.parametrize("case", REQUEST_CASES, ids=case_name)
def test_server_requests(client, case: dict[str, Any]) -> None:
    kwargs: dict[str, Any] = {"query_string": case["query"]}
    if case["content_type"] == "multipart/form-data":
        options = case["form_options"]
        form: dict[str, Any] = {"options": options if isinstance(options, str) else _request_body(options).decode()}
        if case["image_field"]:
            form["image"] = (io.BytesIO(_request_body(case["body"])), "image.png")
        kwargs.update(data=form, content_type="multipart/form-data")
    else:
        kwargs.update(data=_request_body(case["body"]), content_type=case["content_type"])
    response = client.post(case["path"], **kwargs)
    body = response.get_json()
    assert response.status_code == case["status"], body
    if case["code"]:
        assert body["error"]["code"] == case["code"] and body["error"]["message"]
        assert len(body["error"]["message"]) < 2000, "errors do not echo big inputs"


# ---------------------------------------------------------------------------------------------------- CLI
def test_cli_skips_exactly_the_refused_files(capsys) -> None:
    """One run over the whole corpus: a JSON line per processed file, a reason per skipped one, exit 1."""
    cases = [case for case in IMAGE_CASES if "cli" not in case["known_bug_in"]]
    paths = [str(BAD / case["name"]) for case in cases]
    code = cli_main(["detect", *paths, "--detector", "tiny", "--input-size", "128", "--no-progress"])
    captured = capsys.readouterr()
    processed = [json.loads(line)["path"] for line in captured.out.splitlines()]
    expected_processed = [p for p, case in zip(paths, cases, strict=True) if case["cli"] == "processed"]
    assert processed == expected_processed
    skipped = [case for case in cases if case["cli"] == "skipped"]
    assert code == 1 and f"{len(skipped)} of {len(paths)} files skipped" in captured.err
    lines = captured.err.splitlines()
    for case in skipped:
        line = next(line for line in lines if line.startswith(f"pyfaceapi: skipped {BAD / case['name']}: "))
        assert case["library"]["match"] in line


# ------------------------------------------------------------------------------------------ FaceMatcher JSON
@pytest.mark.parametrize("case", MATCHER_CASES, ids=case_name)
def test_matcher_json_library(case: dict[str, Any]) -> None:
    text = (BAD / case["name"]).read_text(encoding="utf-8")
    exception = getattr(errors, case["library"]["outcome"])
    with pytest.raises(exception, match=case["library"]["match"]) as info:
        faceapi.FaceMatcher.from_json(text)
    assert type(info.value) is exception


@pytest.mark.parametrize("case", MATCHER_CASES, ids=case_name)
def test_matcher_json_server(client, case: dict[str, Any]) -> None:
    document = (BAD / case["name"]).read_text(encoding="utf-8")
    body = '{"matcher": ' + document + ', "query": [' + ", ".join(["0.01"] * 128) + "]}"
    response = client.post("/api/v1/match", data=body, content_type="application/json")
    assert response.status_code == case["server"]["status"], response.get_json()
    assert response.get_json()["error"]["code"] == case["server"]["code"]


@pytest.mark.parametrize("case", MATCHER_CASES, ids=case_name)
def test_matcher_json_cli(capsys, case: dict[str, Any]) -> None:
    code = cli_main(["match", str(BAD / case["name"]), str(BAD / "tiny-1x1.png"), "--detector", "tiny",
                     "--no-progress"])
    captured = capsys.readouterr()
    assert code == 2 and captured.err.startswith("pyfaceapi: error: ") and captured.out == ""


def test_nan_and_infinite_descriptors_are_refused_everywhere() -> None:
    reference = faceapi.LabeledFaceDescriptors("a", [np.full(128, 0.1, dtype=np.float32)])
    matcher = faceapi.FaceMatcher([reference])
    for bad in (np.nan, np.inf, -np.inf, 1e39):
        query = np.full(128, 0.1)
        query[7] = bad
        with pytest.raises(errors.DescriptorError, match="NaN or infinity"):
            matcher.find_best_match(query)
        with pytest.raises(errors.DescriptorError, match="NaN or infinity"):
            faceapi.LabeledFaceDescriptors("b", [query])
        with pytest.raises(errors.DescriptorError, match="NaN or infinity"):
            faceapi.FaceMatcher([query])


def test_decoding_errors_name_the_file(tmp_path: Path) -> None:
    target = tmp_path / "holiday.jpg"
    target.write_bytes(b"\xff\xd8\xff\xe0 not really")
    with pytest.raises(errors.ImageDecodeError, match=r"holiday\.jpg"):
        load_image(target)


# -------------------------------------------------------------------------------------- degenerate sizes
DETECTORS = {
    "ssd": lambda: faceapi.SsdMobilenetv1Options(),
    "tiny-128": lambda: faceapi.TinyFaceDetectorOptions(input_size=128),
    "tiny_yolov2-128": lambda: faceapi.TinyYolov2Options(input_size=128),
    "mtcnn": lambda: faceapi.MtcnnOptions(),
}
THIN = {(1, 5000), (5000, 1)}
ZERO_SIDE_BUG = next((case["known_bug"] for case in IMAGE_CASES if case["name"] == "thin-1x5000.png"), "")


@pytest.mark.parametrize("shape", [(1, 1), (1, 2), (2, 1), (3, 3), (1, 5000), (5000, 1)], ids=str)
@pytest.mark.parametrize("detector", list(DETECTORS))
def test_every_detector_takes_degenerate_sizes(request, detector: str, shape: tuple[int, int]) -> None:
    """Tiny and extremely thin images: a list (no face), never an untyped exception."""
    if shape in THIN and detector != "mtcnn" and ZERO_SIDE_BUG:
        request.applymarker(pytest.mark.xfail(strict=True, raises=ZeroDivisionError, reason=ZERO_SIDE_BUG))
    for net in faceapi.nets.all().values():
        if not net.is_loaded:
            net.load()
    pixels = np.random.default_rng(0).integers(0, 256, (*shape, 3), dtype=np.uint8)
    try:
        faces = faceapi.detect_all_faces(pixels, DETECTORS[detector]()).with_face_landmarks().run()
    except errors.FaceApiError:
        return
    assert isinstance(faces, list)
