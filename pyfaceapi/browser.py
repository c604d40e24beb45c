"""Browser side of pyfaceapi (Pyodide only): the input bridge for DOM images and the calls ``faceapi.js`` makes.

Input bridge: :func:`to_pixels` turns what face-api.js accepts in a page — ``<img>``, ``<video>`` (its
current frame), ``<canvas>``, ``ImageData``, ``OffscreenCanvas``, ``ImageBitmap``, or the id of such an
element — into an HxWx4 uint8 array, which :mod:`pyfaceapi.inputs` then treats exactly like the server's
decoded images. Pixels are read as face-api.js's ``tf.browser.fromPixels`` reads them: the media is drawn
at its natural size onto a 2D canvas (sRGB) and read back with ``getImageData`` (un-premultiplied RGBA).

Facade entry points: the functions below :func:`to_pixels` are what ``faceapi.js`` calls. They take and
return plain values (names, numbers, JSON-like dicts in face-api.js's camelCase) so the JavaScript side
stays a thin translation of face-api.js's API.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import numpy as np

from . import api
from .api import DetectorOptions
from .errors import InputError, OptionsError
from .inputs import to_net_input
from .inputs import to_pixels as validated_pixels
from .nets import nets
from .networks.base import NeuralNetwork
from .networks.ssd_mobilenetv1 import SsdMobilenetv1Options
from .networks.tiny_face_detector import TinyFaceDetectorOptions
from .networks.tiny_yolov2 import TinyYolov2Options

# -- input bridge

_HAVE_CURRENT_DATA = 2
_scratch: Any = None  # one reusable canvas (+ context) for drawing media
_is_instance: Any = None


def _js() -> Any:
    import js  # type: ignore[import-not-found]

    return js


def _instance_of(value: Any, class_name: str) -> bool:
    """``value instanceof globalThis[class_name]`` (false where the browser lacks that class)."""
    global _is_instance
    if _is_instance is None:
        from pyodide.code import run_js  # type: ignore[import-not-found]

        _is_instance = run_js(
            "(value, name) => typeof globalThis[name] === 'function' && value instanceof globalThis[name]"
        )
    return bool(_is_instance(value, class_name))


def _context_2d(width: int, height: int) -> Any:
    """The scratch canvas's 2D context, resized (and so cleared) to ``width`` x ``height``."""
    global _scratch
    js = _js()
    if _scratch is None:
        from pyodide.ffi import to_js  # type: ignore[import-not-found]

        canvas = (js.OffscreenCanvas.new(1, 1) if hasattr(js, "OffscreenCanvas")
                  else js.document.createElement("canvas"))
        attributes = to_js({"colorSpace": "srgb", "willReadFrequently": True}, dict_converter=js.Object.fromEntries)
        _scratch = canvas.getContext("2d", attributes)
    _scratch.canvas.width = width
    _scratch.canvas.height = height
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
}
"""face-api.js's ``faceapi.nets`` names -> the attributes of :data:`pyfaceapi.nets`."""

JS_OPTIONS: dict[str, tuple[type, dict[str, str]]] = {
    "SsdMobilenetv1Options": (SsdMobilenetv1Options, {"minConfidence": "min_confidence",
                                                      "maxResults": "max_results"}),
    "TinyFaceDetectorOptions": (TinyFaceDetectorOptions, {"inputSize": "input_size",
                                                          "scoreThreshold": "score_threshold"}),
    "TinyYolov2Options": (TinyYolov2Options, {"inputSize": "input_size", "scoreThreshold": "score_threshold"}),
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
    if options is None or isinstance(options, (SsdMobilenetv1Options, TinyYolov2Options)):
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
    """Load a net from the bytes of its ``.tflite`` file (a JS ``Uint8Array`` / ``ArrayBuffer``, or bytes)."""
    net(name).load_from_bytes(data.to_bytes() if hasattr(data, "to_bytes") else bytes(data))


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
