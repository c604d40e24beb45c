"""Browser side of pyfaceapi (Pyodide only): the input bridge for DOM images and the calls ``faceapi.js`` makes.

Input bridge: :func:`to_pixels` turns what face-api.js accepts in a page — ``<img>``, ``<video>`` (its
current frame), ``<canvas>``, ``ImageData``, ``OffscreenCanvas``, ``ImageBitmap``, or the id of such an
element — into an HxWx4 uint8 array, which :mod:`pyfaceapi.inputs` then treats exactly like the server's
decoded images. Pixels are read as face-api.js's ``tf.browser.fromPixels`` reads them: the media is drawn
at its natural size onto a 2D canvas (sRGB) and read back with ``getImageData`` (un-premultiplied RGBA).

Facade entry points: the functions below :func:`to_pixels` are what ``faceapi.js`` calls. They take and
return plain values so the JavaScript side stays a thin translation of face-api.js's API:

- results go to JavaScript as the JSON text of :meth:`~pyfaceapi.FaceResult.to_dict` (face-api.js's
  camelCase), their descriptors apart, as one ``Float32Array`` of all faces' descriptors;
- results, boxes, landmarks and draw arguments come from JavaScript as ``JSON.stringify`` text, descriptors as
  ``Float32Array``/``Float64Array`` (``_floats``), media elements as they are (the input bridge reads them);
- a :class:`~pyfaceapi.FaceMatcher` stays in Python; JavaScript holds a proxy of it.

Everything computed here is the core's own code (the chain, the nets, ``FaceMatcher``, ``resize_results``,
``match_dimensions``, the draw functions), so the browser gets the server's numbers.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from . import api, draw, utils
from .api import DetectorOptions
from .classes import FaceDetection, FaceLandmarks, FaceLandmarks5, FaceLandmarks68, LabeledFaceDescriptors
from .errors import FaceApiError, InputError, OptionsError
from .face_matcher import FaceMatcher
from .inputs import to_net_input
from .inputs import to_pixels as validated_pixels
from .nets import nets
from .networks.base import NeuralNetwork
from .networks.mtcnn import Mtcnn, MtcnnOptions
from .networks.ssd_mobilenetv1 import SsdMobilenetv1Options
from .networks.tiny_face_detector import TinyFaceDetectorOptions
from .networks.tiny_yolov2 import TinyYolov2Options
from .results import FaceResult, detection_from_dict

# -- input bridge

_HAVE_CURRENT_DATA = 2
_scratch: Any = None  # one reusable canvas (+ context) for drawing media


def _js() -> Any:
    import js  # type: ignore[import-not-found]

    return js


def _instance_of(value: Any, class_name: str) -> bool:
    """``value instanceof globalThis[class_name]`` (false where the browser lacks that class), without
    ``pyodide.code.run_js`` (a JavaScript ``eval``): the pages then run under a CSP without 'unsafe-eval'."""
    prototype = getattr(getattr(_js().globalThis, class_name, None), "prototype", None)
    if prototype is None:
        return False
    return bool(prototype.isPrototypeOf(value))


def _context_2d(width: int, height: int) -> Any:
    """The scratch canvas's 2D context, cleared, at ``width`` x ``height`` (resized — reallocated — only when
    the size changes: video frames and repeated calls on one image reuse its backing store)."""
    global _scratch
    js = _js()
    if _scratch is None:
        from pyodide.ffi import to_js  # type: ignore[import-not-found]

        canvas = (js.OffscreenCanvas.new(1, 1) if hasattr(js, "OffscreenCanvas")
                  else js.document.createElement("canvas"))
        attributes = to_js({"colorSpace": "srgb", "willReadFrequently": True}, dict_converter=js.Object.fromEntries)
        _scratch = canvas.getContext("2d", attributes)
    canvas = _scratch.canvas
    if int(canvas.width) != width or int(canvas.height) != height:
        canvas.width = width  # resets the context's state and clears the canvas
        canvas.height = height
    else:
        _scratch.clearRect(0, 0, width, height)
    return _scratch


def _media_size(value: Any) -> tuple[str, int, int]:
    """A description of ``value`` and the size face-api.js reads it at; raises if it has no pixels yet."""
    if _instance_of(value, "HTMLImageElement"):
        width, height = int(value.naturalWidth), int(value.naturalHeight)
        if not value.complete or width == 0 or height == 0:
            source = str(value.currentSrc or value.src or "")[:120]
            state = "has not finished loading" if not value.complete else "could not be decoded (or has no src)"
            raise InputError(
                f"the <img> {source!r} {state}: wait for its 'load' event (or 'await img.decode()') before "
                "detecting faces in it"
            )
        return "the <img>", width, height
    if _instance_of(value, "HTMLVideoElement"):
        width, height = int(value.videoWidth), int(value.videoHeight)
        if int(value.readyState) < _HAVE_CURRENT_DATA or width == 0 or height == 0:
            raise InputError(
                "the <video> has no frame to read yet (readyState "
                f"{int(value.readyState)}): wait for its 'loadeddata' or 'playing' event before detecting faces"
            )
        return "the <video> frame", width, height
    for name in ("HTMLCanvasElement", "OffscreenCanvas", "ImageBitmap", "SVGImageElement", "VideoFrame"):
        if _instance_of(value, name):
            if name == "VideoFrame":
                width, height = int(value.displayWidth), int(value.displayHeight)
            else:
                width, height = int(value.width), int(value.height)
            if width == 0 or height == 0:
                raise InputError(f"the {name} is empty ({width}x{height}): it has no pixels to detect faces in")
            return f"the {name}", width, height
    raise InputError(
        f"unsupported input {_describe(value)}: pass an <img>, <video>, <canvas>, ImageData, OffscreenCanvas, "
        "ImageBitmap, the id of such an element, or a numpy array (HxWx3 uint8)"
    )


def _describe(value: Any) -> str:
    try:
        return str(_js().Object.prototype.toString.call(value))
    except Exception:
        return type(value).__name__


def to_pixels(value: Any) -> np.ndarray:
    """The pixels of a DOM image source (or of the element with that id) as HxWx4 uint8 RGBA."""
    js = _js()
    if isinstance(value, str):
        element = js.document.getElementById(value)
        if element is None:
            raise InputError(f"there is no element with id {value!r} in the document")
        value = element
    if value is None:
        raise InputError("the input is null or undefined: pass an image, video, canvas or ImageData")
    if _instance_of(value, "ImageData"):
        width, height = int(value.width), int(value.height)
        if width == 0 or height == 0:
            raise InputError(f"the ImageData is empty ({width}x{height})")
        data = value.data
    else:
        what, width, height = _media_size(value)
        context = _context_2d(width, height)
        try:
            context.drawImage(value, 0, 0, width, height)
            data = context.getImageData(0, 0, width, height).data
        except Exception as exc:  # JsException: e.g. a cross-origin image taints the canvas
            raise InputError(f"cannot read the pixels of {what}: {str(exc).strip().splitlines()[0]}") from exc
    pixels = np.empty((height, width, 4), dtype=np.uint8)
    if int(data.length) != pixels.size:
        raise InputError(f"the image data holds {int(data.length)} bytes, expected {pixels.size} for {width}x{height}")
    data.assign_to(pixels.reshape(-1))
    return pixels


# -- entry points for faceapi.js

JS_NETS: dict[str, str] = {
    "ssdMobilenetv1": "ssd_mobilenetv1",
    "tinyFaceDetector": "tiny_face_detector",
    "tinyYolov2": "tiny_yolov2",
    "mtcnn": "mtcnn",
    "faceLandmark68Net": "face_landmark_68_net",
    "faceLandmark68TinyNet": "face_landmark_68_tiny_net",
    "faceRecognitionNet": "face_recognition_net",
    "faceExpressionNet": "face_expression_net",
    "ageGenderNet": "age_gender_net",
}
"""face-api.js's ``faceapi.nets`` names -> the attributes of :data:`pyfaceapi.nets`."""

JS_OPTIONS: dict[str, tuple[type, dict[str, str]]] = {
    "SsdMobilenetv1Options": (SsdMobilenetv1Options, {"minConfidence": "min_confidence",
                                                      "maxResults": "max_results"}),
    "TinyFaceDetectorOptions": (TinyFaceDetectorOptions, {"inputSize": "input_size",
                                                          "scoreThreshold": "score_threshold"}),
    "TinyYolov2Options": (TinyYolov2Options, {"inputSize": "input_size", "scoreThreshold": "score_threshold"}),
    "MtcnnOptions": (MtcnnOptions, {"minFaceSize": "min_face_size", "scaleFactor": "scale_factor",
                                    "maxNumScales": "max_num_scales", "scoreThresholds": "score_thresholds",
                                    "scaleSteps": "scale_steps"}),
}
"""face-api.js's options classes (by their ``_name``) -> pyfaceapi's, with the field names."""


def _plain(value: Any) -> Any:
    """A JS object (JsProxy) as Python data; Python values unchanged."""
    return value.to_py() if hasattr(value, "to_py") else value


def net(name: str) -> NeuralNetwork:
    """The net registered as ``faceapi.nets.<name>`` (camelCase)."""
    try:
        return getattr(nets, JS_NETS[name])
    except KeyError:
        raise OptionsError(f"unknown net {name!r}; known: {', '.join(JS_NETS)}") from None


def make_options(options: Any) -> DetectorOptions | None:
    """pyfaceapi options from a face-api.js options object (its ``_name`` and camelCase getters).

    ``options`` may be a JS object (``new faceapi.TinyFaceDetectorOptions(...)``), a dict with the same
    keys, a pyfaceapi options object (returned as is) or ``None`` (the detector's defaults).
    """
    if options is None or isinstance(options, (SsdMobilenetv1Options, TinyYolov2Options, MtcnnOptions)):
        return options

    def read(key: str) -> Any:
        value = options.get(key) if isinstance(options, Mapping) else getattr(options, key, None)
        return _plain(value)

    kind = read("_name")
    try:
        cls, names = JS_OPTIONS[kind]
    except (KeyError, TypeError):
        raise OptionsError(
            f"unsupported options {kind or _describe(options)!r}: use one of {', '.join(JS_OPTIONS)}"
        ) from None
    values = {py: read(js) for js, py in names.items()}
    return cls(**{py: _as_int(value) for py, value in values.items() if value is not None})


def _as_int(value: Any) -> Any:
    """Whole JS numbers may arrive as ``float``; integral options (``input_size``, ...) need ``int``."""
    return int(value) if isinstance(value, float) and value.is_integer() and value >= 1 else value


async def load_from_uri(name: str, uri: str) -> None:
    """``faceapi.nets.<name>.loadFromUri(uri)``: fetch ``<uri>/<model>.tflite`` and load it."""
    await net(name).load_from_uri(uri)


def load_from_bytes(name: str, data: Any) -> None:
    """Load a net from the bytes of its ``.tflite`` file (a JS ``Uint8Array``, or bytes); MTCNN from an
    object of its three files' bytes (``{mtcnn_pnet, mtcnn_rnet, mtcnn_onet}``)."""
    target = net(name)
    if isinstance(target, Mtcnn):
        files = {model: _bytes(_field(data, model)) for model in target.model_names}
        target.load_from_bytes(files)
    else:
        target.load_from_bytes(_bytes(data))


def _bytes(data: Any) -> bytes:
    if data is None:
        raise OptionsError("expected the bytes of a .tflite file (a Uint8Array), got nothing")
    return data.to_bytes() if hasattr(data, "to_bytes") else bytes(data)


def _field(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, Mapping) else getattr(obj, name, None)


def is_loaded(name: str) -> bool:
    return net(name).is_loaded


def dispose(name: str) -> None:
    net(name).dispose()


def detect_all_faces(input: Any, options: Any = None) -> list[dict[str, Any]]:
    """``faceapi.detectAllFaces(input, options)``: face-api.js's JSON of every detection."""
    return [d.to_dict() for d in api.detect_all_faces(_plain_input(input), make_options(options)).run()]


def detect_single_face(input: Any, options: Any = None) -> dict[str, Any] | None:
    """``faceapi.detectSingleFace(input, options)``: the best detection's JSON, or ``None``."""
    detection = api.detect_single_face(_plain_input(input), make_options(options)).run()
    return None if detection is None else detection.to_dict()


def locate_faces(name: str, input: Any, options: Any = None) -> list[dict[str, Any]]:
    """``faceapi.ssdMobilenetv1(input, options)`` and the other per-net functions."""
    detector: Any = net(name)
    return [d.to_dict() for d in detector.locate_faces(to_net_input(_plain_input(input)), make_options(options))]


def _plain_input(value: Any) -> Any:
    """A JS array of inputs becomes a Python list (a batch); anything else is passed on as is."""
    js = _js()
    if hasattr(value, "to_py") and bool(js.Array.isArray(value)):
        return list(value)
    return value


def rgb_sha256(input: Any) -> dict[str, Any]:
    """The size and sha256 of the RGB pixels pyfaceapi reads from ``input`` (to compare decoders)."""
    rgb = np.ascontiguousarray(validated_pixels(input))
    return {"width": int(rgb.shape[1]), "height": int(rgb.shape[0]), "rgbSha256": hashlib.sha256(rgb).hexdigest()}


def rgb_bytes(input: Any) -> bytes:
    """The HxWx3 RGB pixels pyfaceapi reads from ``input``, as bytes (row-major)."""
    return np.ascontiguousarray(validated_pixels(input)).tobytes()


# -- the task chain, low-level nets and MTCNN

_STAGES: dict[str, tuple[str, str]] = {
    "landmarks": ("with_face_landmarks", "with_face_landmarks"),
    "expressions": ("with_face_expressions", "with_face_expressions"),
    "ageAndGender": ("with_age_and_gender", "with_age_and_gender"),
    "descriptors": ("with_face_descriptors", "with_face_descriptor"),
}
"""faceapi.js's stage names -> the methods of :mod:`pyfaceapi.api`'s tasks (all faces, single face)."""


def run_chain(input: Any, options: Any, stages: Any, single: bool) -> list[Any]:
    """``detectAllFaces(input, options)`` (or ``detectSingleFace``) followed by ``stages`` — a list of
    ``[name, *args]`` such as ``[["landmarks", true], ["descriptors"]]`` — run by :mod:`pyfaceapi.api`'s
    chain (which refuses an order face-api.js does not offer). Returns :func:`results_payload`."""
    task: Any = (api.detect_single_face if single else api.detect_all_faces)(
        _plain_input(input), make_options(options)
    )
    for name, *args in _plain(stages):
        if name not in _STAGES:
            raise OptionsError(f"unknown stage {name!r}; known: {', '.join(_STAGES)}")
        method = _STAGES[name][1 if single else 0]
        if not hasattr(task, method):
            raise OptionsError(f"{type(task).__name__} has no {method}(): face-api.js does not offer this order")
        task = getattr(task, method)(*args)
    found = task.run()
    return results_payload([] if found is None else [found] if single else list(found))


def results_payload(results: Sequence[FaceResult]) -> list[Any]:
    """``[json, descriptors]``: the results' ``to_dict()`` JSON without descriptors, and all descriptors
    (in result order) as one ``Float32Array`` — or ``None`` if the results have none."""
    faces = []
    descriptors = []
    for result in results:
        if result.descriptor is not None:
            descriptors.append(result.descriptor)
            result = replace(result, descriptor=None)
        faces.append(result.to_dict())
    return [_json(faces), _float32_array(descriptors) if descriptors else None]


def mtcnn(input: Any, options: Any = None) -> list[Any]:
    """``faceapi.mtcnn(input, options)`` / ``nets.mtcnn.forward``: detections with 5 landmarks."""
    found = nets.mtcnn.forward(to_net_input(_plain_input(input)), make_options(options))  # type: ignore[arg-type]
    return results_payload(found)


def detect_landmarks(name: str, input: Any) -> list[Any]:
    """``nets.<faceLandmark68Net | faceLandmark68TinyNet>.detectLandmarks(input)``: ``[is_batch, json]``."""
    landmark_net: Any = net(name)
    net_input = to_net_input(_plain_input(input))
    found = landmark_net.detect_landmarks(net_input)
    return [net_input.is_batch_input, _json([lm.to_dict() for lm in _items(net_input, found)])]


def compute_face_descriptor(input: Any) -> list[Any]:
    """``faceapi.computeFaceDescriptor(input)``: ``[is_batch, Float32Array of every face's 128 values]``."""
    net_input = to_net_input(_plain_input(input))
    found = nets.face_recognition_net.compute_face_descriptor(net_input)
    return [net_input.is_batch_input, _float32_array(_items(net_input, found))]


def recognize_face_expressions(input: Any) -> list[Any]:
    """``faceapi.recognizeFaceExpressions(input)``: ``[is_batch, json]``."""
    net_input = to_net_input(_plain_input(input))
    found = nets.face_expression_net.predict_expressions(net_input)
    return [net_input.is_batch_input, _json([e.to_dict() for e in _items(net_input, found)])]


def predict_age_and_gender(input: Any) -> list[Any]:
    """``faceapi.predictAgeAndGender(input)``: ``[is_batch, json]`` (``age``, ``gender``, ``genderProbability``)."""
    net_input = to_net_input(_plain_input(input))
    found = nets.age_gender_net.predict_age_and_gender(net_input)
    return [net_input.is_batch_input, _json([p.to_dict() for p in _items(net_input, found)])]


def extract_faces(input: Any, targets: str) -> list[list[Any]]:
    """``faceapi.extractFaces(input, detections)``: ``[width, height, Uint8ClampedArray RGBA]`` per face, for
    the page to put on canvases. ``targets``: the JSON of detections, results or boxes."""
    crops = utils.extract_faces(_plain_input(input), [_crop_target(t) for t in json.loads(targets)])
    js = _js()
    out = []
    for crop in crops:
        height, width = crop.shape[:2]
        rgba = np.full((height, width, 4), 255, dtype=np.uint8)
        rgba[:, :, :3] = crop
        data = js.Uint8ClampedArray.new(rgba.size)
        data.assign(rgba.reshape(-1))
        out.append([width, height, data])
    return out


def _crop_target(item: Any) -> Any:
    """A detection (or a result's detection) from its JSON; a box's JSON stays a mapping."""
    if isinstance(item, Mapping):
        if isinstance(item.get("detection"), Mapping):
            return detection_from_dict(item["detection"])
        if "score" in item and "box" in item:
            return detection_from_dict(item)
    return item


def _items(net_input: Any, found: Any) -> list[Any]:
    """face-api.js returns a list for a batch input and one result otherwise: always a list here."""
    return list(found) if net_input.is_batch_input else [found]


def compile_counts() -> dict[str, int]:
    """How many shape specialisations LiteRT.js compiled per model (see ``LiteRTJsRuntime.compilations``)."""
    from .runtime import get_runtime

    return dict(getattr(get_runtime(), "compilations", {}))


# -- utilities: FaceMatcher, euclideanDistance, resizeResults, matchDimensions

def face_matcher(items: str, data: Any, distance_threshold: float) -> FaceMatcher:
    """``new faceapi.FaceMatcher(inputs, distanceThreshold)``. ``items``: JSON, one entry per input —
    ``{"label": str, "lengths": [n, ...]}`` for ``LabeledFaceDescriptors``, ``{"lengths": [n]}`` for a
    descriptor or a result with one; ``data``: a ``Float32Array`` of all those descriptors, in order."""
    flat = _floats(data, np.float32) if data is not None else np.zeros(0, dtype=np.float32)
    inputs: list[Any] = []
    offset = 0
    for item in json.loads(items):
        descriptors = []
        for length in item["lengths"]:
            descriptors.append(flat[offset : offset + length])
            offset += length
        inputs.append(LabeledFaceDescriptors(item["label"], descriptors) if "label" in item else descriptors[0])
    return FaceMatcher(inputs, distance_threshold)


def matcher_from_json(text: str) -> FaceMatcher:
    """``faceapi.FaceMatcher.fromJSON(json)`` (``json`` as ``JSON.stringify`` text)."""
    return FaceMatcher.from_json(text)


def matcher_to_json(matcher: FaceMatcher) -> str:
    """``matcher.toJSON()`` as JSON text."""
    return _json(matcher.to_json())


def matcher_labeled_descriptors(matcher: FaceMatcher) -> list[Any]:
    """``matcher.labeledDescriptors``: ``[json [{label, lengths}], Float32Array of all descriptors]``."""
    labeled = matcher.labeled_descriptors
    items = [{"label": ld.label, "lengths": [int(d.size) for d in ld.descriptors]} for ld in labeled]
    return [_json(items), _float32_array([d for ld in labeled for d in ld.descriptors])]


def find_best_match(matcher: FaceMatcher, query: Any, apply_threshold: bool = True) -> list[Any]:
    """``matcher.findBestMatch(query)`` (or ``matchDescriptor`` without the threshold): ``[label, distance]``."""
    descriptor = _floats(query, np.float32)
    match = matcher.find_best_match(descriptor) if apply_threshold else matcher.match_descriptor(descriptor)
    return [match.label, match.distance]


def mean_distance(query: Any, data: Any, count: int) -> float:
    """face-api.js's ``FaceMatcher.computeMeanDistance(query, descriptors)``: ``data`` holds ``count``
    descriptors of the query's length (none: 0, as face-api.js's division by ``length || 1`` gives)."""
    if count == 0:
        return 0.0
    descriptors = _floats(data, np.float32).reshape(count, -1)
    matcher = FaceMatcher([LabeledFaceDescriptors("", list(descriptors))])
    return float(matcher.compute_mean_distances(_floats(query, np.float32))[0])


def euclidean_distance(a: Any, b: Any) -> float:
    """``faceapi.euclideanDistance(a, b)`` on two ``Float64Array`` (float64 as in face-api.js)."""
    return utils.euclidean_distance(_floats(a, np.float64), _floats(b, np.float64))


def resize_results(items: str, width: float, height: float) -> str:
    """``faceapi.resizeResults``: the JSON of results, detections or landmarks (a list) resized to
    ``width`` x ``height``, as JSON (each item keeps the fields it had, descriptors aside)."""
    typed = [_typed_result(item) for item in json.loads(items)]
    resized = utils.resize_results(typed, {"width": width, "height": height})
    return _json([item.to_dict() for item in resized])


def _typed_result(item: Any) -> FaceResult | FaceDetection | FaceLandmarks:
    if isinstance(item, Mapping):
        if "detection" in item:
            return FaceResult.from_dict(item)
        if "score" in item and "box" in item:
            return detection_from_dict(item)
        if "positions" in item:
            cls = FaceLandmarks68 if len(item["positions"]) == 68 else FaceLandmarks5
            return cls.from_dict(item)
    raise FaceApiError(f"resizeResults - expected a result, a FaceDetection or FaceLandmarks, got {item!r:.120}")


def match_dimensions(input: Any, reference: Any, use_media_dimensions: bool = False) -> dict[str, Any]:
    """``faceapi.matchDimensions(input, reference, useMediaDimensions)``: sets ``input``'s width and height
    to ``reference``'s (its intrinsic size for an ``<img>``/``<video>`` with ``useMediaDimensions``)."""
    dims = utils.match_dimensions(input, reference, bool(use_media_dimensions))
    return {"width": dims.width, "height": dims.height}


# -- drawing: display lists for draw.js's renderDisplayList

def display_list(kind: str, width: float | None, height: float | None, args: str) -> str:
    """The display list of one ``faceapi.draw`` call on a ``width`` x ``height`` canvas, as JSON text.

    ``kind`` names the call: ``detections`` (``drawDetections(canvas, items)``), ``faceLandmarks``
    (``drawFaceLandmarks(canvas, items)``), ``faceExpressions`` (``drawFaceExpressions(canvas, items,
    minConfidence, textFieldAnchor)``), ``box`` (``new DrawBox(box, options)``), ``textField`` (``new
    DrawTextField(text, anchor, options)``), ``landmarks`` (``new DrawFaceLandmarks(landmarks, options)``);
    ``args``: the JSON of the call's arguments after the canvas.
    """
    values = [*json.loads(args), None, None, None]
    target = draw.DisplayList(width, height)
    if kind == "detections":
        draw.draw_detections(target, values[0])
    elif kind == "faceLandmarks":
        draw.draw_face_landmarks(target, values[0], values[1])
    elif kind == "faceExpressions":
        min_confidence = 0.1 if values[1] is None else values[1]
        draw.draw_face_expressions(target, values[0], min_confidence, values[2])
    elif kind == "box":
        draw.DrawBox(values[0], values[1]).draw(target)
    elif kind == "textField":
        draw.DrawTextField(values[0], values[1], values[2]).draw(target)
    elif kind == "landmarks":
        draw.DrawFaceLandmarks(values[0], values[1]).draw(target)
    else:
        raise OptionsError(f"unknown drawing {kind!r}")
    return target.to_json()


# -- conversions

def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _float32_array(arrays: Sequence[np.ndarray]) -> Any:
    """One JS ``Float32Array`` holding ``arrays`` one after the other."""
    data = np.concatenate([np.ravel(a) for a in arrays]).astype(np.float32) if arrays else np.zeros(0, np.float32)
    out = _js().Float32Array.new(data.size)
    out.assign(data)
    return out


def _floats(value: Any, dtype: Any) -> np.ndarray:
    """A JS typed array of ``dtype``'s kind (``Float32Array`` for float32, ``Float64Array`` for float64) as
    numpy; a Python sequence as it is."""
    if hasattr(value, "assign_to"):
        out = np.empty(int(value.length), dtype=dtype)
        value.assign_to(out)
        return out
    return np.asarray(_plain(value), dtype=dtype)
