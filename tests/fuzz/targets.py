"""The fuzz targets: what one input must (not) do. Used by the atheris harnesses and by the replay tests.

* :func:`decode_target`: image bytes are decoded as the server does (:func:`pyfaceapi.imageio.decode` with a
  pixel limit) and what decodes goes through :func:`pyfaceapi.pipeline.run_request` (Tiny Face Detector at
  128 + tiny landmarks). Allowed: pixels, or a :class:`pyfaceapi.FaceApiError`.
* :func:`options_target`: byte 0 picks a parser, byte 1 whether the rest is raw text (libFuzzer's mutations
  of the seeds) or a JSON value built from the bytes with the keys these parsers know (NaN, infinities,
  400-digit integers, wrong types, deep nesting):

  - ``options``: :func:`parse_json_options` (the multipart ``options`` field) then
    :func:`parse_detect_params` (also with the values as strings, as from a query string): only
    :class:`ApiError` 400/422 may come out;
  - ``matcher``: :meth:`FaceMatcher.from_json` and a match: only :class:`pyfaceapi.FaceApiError`;
  - ``match``: ``POST /api/v1/match`` through the Flask test client: a status below 500 and a JSON error.

Anything else raises: a finding.
"""

from __future__ import annotations

import json
import math
import tempfile
import traceback
from functools import cache
from typing import Any

import atheris

from pyfaceapi import FaceApiError, FaceMatcher, TinyFaceDetectorOptions, nets
from pyfaceapi.imageio import decode
from pyfaceapi.pipeline import DetectRequest, run_request

MAX_PIXELS = 4_000_000
REQUEST = DetectRequest(TinyFaceDetectorOptions(input_size=128, score_threshold=0.3), landmarks="tiny")

KNOWN: dict[tuple[str, str], str] = {}
"""Findings reported but not fixed yet (outside the files the fuzzing owner may edit), by exception type and
innermost pyfaceapi function: the harness skips them so the fuzzer looks for new ones. Remove an entry with
its fix (the replay test of its crash file is a strict xfail, so it fails once the bug is gone)."""


def known(exc: BaseException) -> bool:
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__)
              if "/pyfaceapi/" in frame.filename or "/server/" in frame.filename]
    return bool(frames) and (type(exc).__name__, frames[-1].name) in KNOWN


# ----------------------------------------------------------------------------------------------- decode
def load_nets() -> None:
    nets.tiny_face_detector.load()
    nets.face_landmark_68_tiny_net.load()


def decode_target(data: bytes, skip_known: bool = True) -> None:
    """One image input: decode, then detect; raises only on a finding."""
    try:
        pixels = decode(data, MAX_PIXELS)
    except FaceApiError:
        return
    assert pixels.ndim == 3 and pixels.shape[2] == 3 and pixels.dtype.name == "uint8", pixels.shape
    assert pixels.shape[0] * pixels.shape[1] <= MAX_PIXELS
    try:
        run_request(pixels, REQUEST)
    except FaceApiError:
        return
    except Exception as exc:
        if not (skip_known and known(exc)):
            raise


# ---------------------------------------------------------------------------------------------- options
KEYS = ["detector", "min_confidence", "max_results", "input_size", "score_threshold", "single", "landmarks",
        "expressions", "age_gender", "descriptors", "draw", "distanceThreshold", "labeledDescriptors", "label",
        "descriptors", "_label", "_descriptors", "_distanceThreshold", "_labeledDescriptors", "query", "queries",
        "reference", "matcher", "distance_threshold", "0", "1", "2", "__proto__", ""]
STRINGS = ["ssd", "tiny", "tiny_yolov2", "mtcnn", "true", "false", "1", "0", "yes", "nan", "inf", "-inf", "1e400",
           "320", "416", "100", "-32", "0.5", "", "\x00", "détecteur", "9" * 400, "[", "{"]
FLOATS = [0.0, -0.0, 0.5, 1.0, 1.5, -1.0, 1e39, 1e308, 5e-324, math.nan, math.inf, -math.inf]
INTS = [0, 1, -1, 32, 128, 416, 100, 2**31, 2**63, 10**400, -(10**20)]
TARGETS = ("options", "matcher", "match")


def json_value(fdp: atheris.FuzzedDataProvider, depth: int = 0) -> Any:
    """A JSON value from the fuzzer's bytes, biased towards what the parsers look at."""
    kind = fdp.ConsumeIntInRange(0, 9 if depth < 6 else 5)
    if kind == 0:
        return None
    if kind == 1:
        return fdp.ConsumeBool()
    if kind == 2:
        return fdp.PickValueInList(INTS) if fdp.ConsumeBool() else fdp.ConsumeInt(4)
    if kind == 3:
        return fdp.PickValueInList(FLOATS) if fdp.ConsumeBool() else fdp.ConsumeRegularFloat()
    if kind == 4:
        return fdp.PickValueInList(STRINGS) if fdp.ConsumeBool() else fdp.ConsumeUnicodeNoSurrogates(12)
    if kind == 5:
        return [fdp.ConsumeRegularFloat() for _ in range(fdp.ConsumeIntInRange(0, 130))]  # a descriptor
    if kind in (6, 7):
        return {fdp.PickValueInList(KEYS): json_value(fdp, depth + 1) for _ in range(fdp.ConsumeIntInRange(0, 5))}
    if kind == 8:
        return [json_value(fdp, depth + 1) for _ in range(fdp.ConsumeIntInRange(0, 4))]
    nesting = fdp.ConsumeIntInRange(1, 5000)
    return "[" * nesting + "]" * nesting  # deep nesting, kept as text (json.dumps would recurse)


def document(data: bytes) -> bytes:
    """The JSON text of an options input (see the module docstring)."""
    if len(data) < 2 or data[1] % 2 == 0:
        return data[2:]
    built = json_value(atheris.FuzzedDataProvider(data[2:]))
    if isinstance(built, str) and built.startswith("[["):
        return built.encode()
    return json.dumps(built, allow_nan=True).encode()


def seed(target: str, text: str) -> bytes:
    """An options input that sends ``text`` as is to ``target``."""
    return bytes([TARGETS.index(target), 0]) + text.encode("utf-8")


def check_options(text: str) -> None:
    from pyfaceapi.server.errors import ApiError
    from pyfaceapi.server.options import parse_detect_params, parse_json_options

    try:
        raw = parse_json_options(text)
        parse_detect_params(raw, 100, 1024)
        as_strings = {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in raw.items()}
        parse_detect_params(as_strings, 100, 1024)
    except ApiError as exc:
        assert exc.status in (400, 422) and exc.code in ("malformed_options", "invalid_options"), exc.status
        assert len(exc.message) < 1000, "error messages do not echo big inputs"


def check_matcher(text: str) -> None:
    try:
        matcher = FaceMatcher.from_json(text)
        for query in ([0.1] * matcher.descriptor_length, [math.nan] * matcher.descriptor_length, [0.1]):
            matcher.find_best_match(query)
    except FaceApiError:
        return


@cache
def _client() -> Any:
    from pyfaceapi.server import ServerConfig, create_app

    no_models = tempfile.mkdtemp(prefix="pyfaceapi-fuzz-")  # /match needs no nets: load none
    return create_app(ServerConfig(model_dir=no_models, web_root=None)).test_client()


def check_match(body: bytes) -> None:
    response = _client().post("/api/v1/match", data=body, content_type="application/json")
    assert response.status_code < 500, (response.status_code, response.get_data()[:300])
    if response.status_code != 200:
        assert response.get_json()["error"]["code"]


def options_target(data: bytes, skip_known: bool = True) -> None:
    """One options input; raises only on a finding."""
    target = TARGETS[data[0] % len(TARGETS)] if data else TARGETS[0]
    body = document(data)
    try:
        if target == "match":
            check_match(body)
        elif target == "matcher":
            check_matcher(body.decode("utf-8", "replace"))
        else:
            check_options(body.decode("utf-8", "replace"))
    except Exception as exc:
        if not (skip_known and known(exc)):
            raise
