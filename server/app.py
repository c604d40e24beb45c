"""The Flask app: ``create_app(config)`` builds the JSON API under ``/api/v1`` and serves the web app.

Concurrency model: the nets are loaded once per process and shared by the request threads; each model
serialises its own calls with a lock (a LiteRT interpreter is not thread-safe), so two requests may run
different nets at the same time but never the same interpreter. Scale out with processes
(``pyfaceapi serve --workers N``): each worker process loads its own models.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from flask import Blueprint, Flask, Response, current_app, jsonify, request, send_from_directory
from werkzeug.exceptions import NotFound
from werkzeug.routing import PathConverter
from werkzeug.security import safe_join

import pyfaceapi as faceapi
from pyfaceapi.errors import ImageTooLargeError
from pyfaceapi.imageio import image_to_rgb, open_image
from pyfaceapi.model_files import default_model_dir, manifest_entry, read_manifest
from pyfaceapi.pipeline import run_request

from . import errors, security
from .config import ServerConfig
from .limits import BudgetTimeout, PixelBudget
from .openapi import openapi_document
from .options import parse_detect_params, parse_json_options

API_PREFIX = "/api/v1"
IMAGE_CONTENT_TYPES = ("image/", "application/octet-stream")
STATIC_TYPES = {".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
                ".tflite": "application/octet-stream", ".whl": "application/octet-stream",
                ".json": "application/json", ".webmanifest": "application/manifest+json"}


def create_app(config: ServerConfig | dict[str, Any] | None = None) -> Flask:
    """Build the app; loads every model found in ``config.model_dir`` (default: the bundled models)."""
    if not isinstance(config, ServerConfig):
        config = ServerConfig(**(config or {}))
    app = Flask(__name__, static_folder=None)
    app.config["PYFACEAPI"] = config
    app.config["PIXEL_BUDGET"] = PixelBudget(config.pixel_budget)
    app.config["MAX_CONTENT_LENGTH"] = config.max_request_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep face-api.js key order
    model_dir = config.model_dir or default_model_dir()
    app.config["MODEL_DIR"] = model_dir
    for name, net in faceapi.nets.all().items():
        if not net.is_loaded and (Path(model_dir) / net.model_file).is_file():
            net.load(model_dir)
        app.logger.debug("net %s loaded: %s", name, net.is_loaded)
    errors.register(app)
    app.url_map.converters["static_path"] = StaticPath
    app.register_blueprint(api)
    if config.web_root is not None:
        app.register_blueprint(web_blueprint(Path(config.web_root)))

    @app.after_request
    def security_headers(response: Response) -> Response:
        for name, value in security.COMMON_HEADERS.items():
            response.headers.setdefault(name, value)
        api_answer = request.path.startswith(API_PREFIX + "/") or request.blueprint == "api"
        response.headers.setdefault("Content-Security-Policy",
                                    security.API_POLICY if api_answer else security.page_policy())
        if config.cross_origin_isolation:
            response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
            response.headers["Cross-Origin-Embedder-Policy"] = "require-corp"
            response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
        return response

    return app


api = Blueprint("api", __name__, url_prefix=API_PREFIX)


def settings() -> ServerConfig:
    return current_app.config["PYFACEAPI"]


@api.get("/healthz")
def healthz() -> Response:
    return jsonify(status="ok", version=faceapi.__version__)


@api.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document())


@api.get("/models")
def models() -> Response:
    """The nets, whether each is loaded, and its file's sha256 and precision from the manifest."""
    manifest = read_manifest(Path(current_app.config["MODEL_DIR"]))
    listing = []
    for name, net in faceapi.nets.all().items():
        entry = manifest_entry(manifest, net.model_name) or {}
        listing.append({"name": name, "file": net.model_file, "loaded": net.is_loaded,
                        "sha256": entry.get("sha256"), "precision": entry.get("precision"),
                        "bytes": entry.get("bytes")})
    return jsonify(models=listing)


@api.post("/detect")
def detect() -> Response:
    """Detect faces and run the requested tasks; the JSON shape of the browser facade's results."""
    started = time.perf_counter()
    data, raw_options = read_image_and_options()
    detect_request = parse_detect_params(raw_options, settings().max_faces, settings().max_input_size)
    decoded = time.perf_counter()
    with decoded_image(data) as pixels:
        decoded_at = time.perf_counter()
        faces = run_request(pixels, detect_request)
        finished = time.perf_counter()
        height, width = pixels.shape[:2]
    return jsonify(
        faces=faces,
        image={"width": width, "height": height},
        timing_ms={"decode": _ms(decoded, decoded_at), "inference": _ms(decoded_at, finished),
                   "total": _ms(started, finished)},
    )


@api.post("/draw")
def draw() -> Response:
    """Like ``/detect``, but answers the image as PNG with the results drawn on it.

    Extra option ``draw``: what to draw, comma-separated from ``detections``, ``landmarks``,
    ``expressions`` (default: all three; each draws what the results carry).
    """
    from pyfaceapi.draw import DRAW_KINDS, annotate
    from pyfaceapi.results import FaceResult

    data, raw_options = read_image_and_options()
    what = _draw_kinds(raw_options.pop("draw", None), DRAW_KINDS)
    detect_request = parse_detect_params(raw_options, settings().max_faces, settings().max_input_size)
    with decoded_image(data) as pixels:
        faces = run_request(pixels, detect_request)
        picture = annotate(pixels, [FaceResult.from_dict(face) for face in faces], what)
        buffer = io.BytesIO()
        picture.save(buffer, "PNG")
    return Response(buffer.getvalue(), mimetype="image/png", headers={"X-Face-Count": str(len(faces))})


def _draw_kinds(value: Any, allowed: tuple[str, ...]) -> tuple[str, ...]:
    if value is None:
        return allowed
    kinds = value if isinstance(value, list) else str(value).split(",")
    kinds = [str(k).strip() for k in kinds if str(k).strip()]
    unknown = [k for k in kinds if k not in allowed]
    if unknown or not kinds:
        raise errors.ApiError(422, "invalid_options", f"draw must list some of {', '.join(allowed)}")
    return tuple(kinds)


@api.post("/match")
def match() -> Response:
    """Match query descriptors against labelled references (or a stored FaceMatcher JSON).

    Body (JSON): ``queries`` (list of descriptors) or ``query`` (one); ``reference`` (list of
    ``{label, descriptors}``) or ``matcher`` (a ``FaceMatcher.to_json()`` document); optional
    ``distance_threshold`` (default 0.6, or the matcher's own).
    """
    body = read_json_body()
    unknown = set(body) - {"queries", "query", "reference", "matcher", "distance_threshold"}
    if unknown:
        raise errors.ApiError(422, "invalid_options", f"unknown field {sorted(unknown)[0]!r}")
    if ("queries" in body) == ("query" in body):
        raise errors.ApiError(422, "invalid_options", "give exactly one of 'queries' (a list) or 'query'")
    queries = body["queries"] if "queries" in body else [body["query"]]
    if not isinstance(queries, list) or not queries:
        raise errors.ApiError(422, "invalid_options", "'queries' must be a non-empty list of descriptors")
    threshold = body.get("distance_threshold")
    if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, (int, float))
                                  or not 0 <= threshold < float("inf")):
        raise errors.ApiError(422, "invalid_options", "'distance_threshold' must be a non-negative number")
    if ("reference" in body) == ("matcher" in body):
        raise errors.ApiError(422, "invalid_options", "give exactly one of 'reference' or 'matcher'")
    try:
        if "matcher" in body:
            matcher = faceapi.FaceMatcher.from_json(body["matcher"])
            if threshold is not None:
                matcher = faceapi.FaceMatcher(matcher.labeled_descriptors, threshold)
        else:
            reference = body["reference"]
            if not isinstance(reference, list) or not all(isinstance(r, dict) for r in reference):
                raise errors.ApiError(422, "invalid_options", "'reference' must be a list of {label, descriptors}")
            labeled = [faceapi.LabeledFaceDescriptors.from_json(r) for r in reference]
            matcher = faceapi.FaceMatcher(labeled, 0.6 if threshold is None else threshold)
        matches = matcher.find_best_matches(queries)
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        if isinstance(exc, faceapi.FaceApiError):
            raise
        raise errors.ApiError(422, "invalid_options", f"malformed reference or matcher: {exc}") from exc
    return jsonify(matches=[{**m.to_dict(), "text": str(m)} for m in matches],
                   distance_threshold=matcher.distance_threshold)


@contextmanager
def decoded_image(data: bytes) -> Iterator[np.ndarray]:
    """The pixels of ``data`` for the ``with`` block: the header is read and the pixel limit checked before
    anything is decoded, and the pixels are counted against the process's budget until the block ends."""
    config = settings()
    image = open_image(data)
    width, height = image.size
    if width * height > config.max_pixels or max(width, height) > config.max_side:
        image.close()
        raise ImageTooLargeError(f"the image has {width}x{height} pixels: the limits are {config.max_pixels} pixels "
                                 f"and {config.max_side} per side")
    try:
        with current_app.config["PIXEL_BUDGET"].reserve(width * height, config.budget_timeout):
            yield image_to_rgb(image, config.max_pixels, "the image", owned=True)
    except BudgetTimeout as exc:
        image.close()
        raise errors.ApiError(503, "server_busy", "too many large images in progress; retry shortly") from exc


def read_body() -> bytes:
    """The raw request body, at most ``max_request_bytes``; 413 beyond.

    With a Content-Length over the limit Werkzeug answers 413 before reading. A chunked body (no
    Content-Length) is read up to the limit and silently cut there: one more read tells whether there was
    more (Werkzeug's limited stream then raises 413), so a cut image is never decoded as if it were whole.
    """
    data = request.get_data(cache=False)
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is None and limit is not None and len(data) >= limit:
        request.stream.read(1)
    return data


def read_json_body() -> dict[str, Any]:
    """The request body as a JSON object, or 400 (not ``request.get_json``: its parser lets a
    ``RecursionError`` from thousands of nested arrays escape as a 500)."""
    if not request.is_json:
        raise errors.ApiError(400, "malformed_body", "send a JSON object (Content-Type: application/json)")
    try:
        body = json.loads(read_body())
    except (ValueError, RecursionError) as exc:
        raise errors.ApiError(400, "malformed_body", f"the body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise errors.ApiError(400, "malformed_body", "send a JSON object (Content-Type: application/json)")
    return body


def read_image_and_options() -> tuple[bytes, dict[str, Any]]:
    """The image bytes and the raw options, from multipart (``image`` + ``options`` JSON) or the raw body
    (options in the query string)."""
    options: dict[str, Any] = dict(request.args.items())
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("image")
        if upload is None:
            raise errors.ApiError(400, "missing_image", "send the image in the multipart field 'image'")
        options.update(parse_json_options(request.form.get("options")))
        data = upload.read()
    else:
        if request.mimetype and not request.mimetype.startswith(IMAGE_CONTENT_TYPES):
            raise errors.ApiError(
                415, "unsupported_media_type",
                f"content type {request.mimetype!r}: send the image as the raw body (image/* or "
                "application/octet-stream) or as the multipart/form-data field 'image'")
        data = read_body()
    if not data:
        raise errors.ApiError(400, "missing_image", "the request carries no image")
    return data, options


def _ms(start: float, end: float) -> float:
    return round((end - start) * 1000, 3)


class StaticPath(PathConverter):
    """A path that is not under ``api/``, so API URLs answer 404/405 from the API, not from the files."""

    regex = r"(?!api/)[^/].*?"


def web_blueprint(root: Path) -> Blueprint:
    """Serve the built web app from ``root`` (no listings, no path escapes, right MIME types)."""
    web = Blueprint("web", __name__)
    root = Path(root).resolve()  # Flask would read a relative folder relative to this package, not the cwd

    def send(path: str) -> Response:
        if not root.is_dir():
            raise NotFound(f"the web app is not built: run `make web` (looked in {root})")
        # safe_join refuses '..' segments, absolute paths and (on Windows) drive letters and backslashes;
        # the path arrives percent-decoded, so %2e%2e and %2f are refused too. Nothing outside root is
        # looked at, not even to ask whether it is a folder.
        target = safe_join(str(root), path)
        if target is None or "\x00" in path:
            raise NotFound()
        if Path(target).is_dir():
            path = path.rstrip("/") + "/index.html"
            target = safe_join(str(root), path)
        response = send_from_directory(root, path)
        suffix = Path(path).suffix
        if suffix in STATIC_TYPES:
            response.headers["Content-Type"] = STATIC_TYPES[suffix]
        if suffix in (".html", ".htm") and target is not None:
            response.headers["Content-Security-Policy"] = security.policy_for_html(Path(target))
        response.headers["Cache-Control"] = "no-cache"
        return response

    @web.get("/")
    def index() -> Response:
        return send("index.html")

    @web.get("/<static_path:path>")
    def static_file(path: str) -> Response:
        return send(path)

    return web


