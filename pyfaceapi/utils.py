"""Utilities around results: distances, resizing results to a display size, and cutting out faces.

- :func:`euclidean_distance`: the distance face-api.js compares descriptors with.
- :func:`resize_results`: detections, landmarks or whole chain results for an image shown at another size.
- :func:`match_dimensions`: give an overlay the size of the image it is drawn on.
- :func:`extract_faces` / :func:`extract_face_tensors`: the face crops the nets see.

Cropping follows face-api.js's *tensor* path (``extractFaceTensors``), the one its results on pixel arrays
come from: a :class:`~pyfaceapi.FaceDetection` is first taken at the image's size, then every box is
clipped to the image and its x, y, width and height are floored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar, overload

import numpy as np

from .classes import Box, Dimensions, FaceDetection, HasDimensions
from .classes.face_landmarks import FaceLandmarks
from .errors import FaceApiError, InputError
from .inputs import NetInput, to_net_input
from .results import FaceResult, extend_with_face_detection, extend_with_face_landmarks

T = TypeVar("T")
CropTarget = FaceDetection | Box | Mapping[str, float] | FaceResult
"""What the crop functions accept: a detection, a box, an ``{x, y, width, height}`` (or
``{left, top, right, bottom}``) mapping, or a chain result (its detection)."""


def euclidean_distance(a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray) -> float:
    """The euclidean distance of two equally long vectors (e.g. two face descriptors), in float64."""
    arr1 = np.asarray(a, dtype=np.float64).ravel()
    arr2 = np.asarray(b, dtype=np.float64).ravel()
    if arr1.shape != arr2.shape:
        raise FaceApiError(
            f"euclidean_distance: the vectors differ in length ({arr1.size} vs {arr2.size}); compare "
            "descriptors computed by the same net"
        )
    return float(np.sqrt(np.sum((arr1 - arr2) ** 2)))


# -- resize_results
@overload
def resize_results(results: list[T], dimensions: HasDimensions | Mapping[str, float]) -> list[T]: ...
@overload
def resize_results(results: T, dimensions: HasDimensions | Mapping[str, float]) -> T: ...
def resize_results(results: Any, dimensions: HasDimensions | Mapping[str, float]) -> Any:
    """``results`` for the image displayed at ``dimensions`` (face-api.js's ``resizeResults``).

    Accepts a :class:`FaceResult`, a :class:`FaceDetection`, :class:`FaceLandmarks`, or a list of them;
    anything else is returned unchanged. For a chain result the detection is rescaled and its landmarks
    re-placed in the rescaled box (``aligned_rect`` follows); expressions, age, gender and descriptors
    are kept.
    """
    width, height = _width_height(dimensions)
    if not (width > 0 and height > 0):
        raise FaceApiError(f"resize_results - invalid dimensions: {{'width': {width}, 'height': {height}}}")
    if isinstance(results, (list, tuple)):
        return [resize_results(result, Dimensions(width, height)) for result in results]
    if isinstance(results, FaceResult):
        detection = results.detection.for_size(width, height)
        if results.unshifted_landmarks is not None and results.landmarks is not None:
            landmarks = results.unshifted_landmarks.for_size(detection.box.width, detection.box.height)
            return extend_with_face_landmarks(extend_with_face_detection(results, detection), landmarks)
        return extend_with_face_detection(results, detection)
    if isinstance(results, (FaceLandmarks, FaceDetection)):
        return results.for_size(width, height)
    return results


def match_dimensions(
    input: Any, reference: Any, use_media_dimensions: bool = False
) -> Dimensions:
    """Give ``input`` (e.g. an overlay canvas) the width and height of ``reference``; returns them.

    ``reference`` may be anything with ``width``/``height`` (an image, a :class:`Dimensions`, a mapping)
    or a pixel array. With ``use_media_dimensions`` the intrinsic size of a media element is used
    (``naturalWidth``/``videoWidth``), as in face-api.js. ``input`` gets ``width``/``height`` set when it
    accepts them (an object or a dict); pass ``None`` to only compute the size.
    """
    width, height = _media_dimensions(reference) if use_media_dimensions else _width_height(reference)
    if isinstance(input, dict):
        input["width"], input["height"] = width, height
    elif input is not None:
        try:
            input.width, input.height = width, height
        except (AttributeError, TypeError) as exc:
            raise FaceApiError(
                f"match_dimensions: cannot set width and height of a {type(input).__name__}"
            ) from exc
    return Dimensions(width, height)


# -- cropping faces
def face_crop_boxes(image_width: int, image_height: int, targets: Sequence[CropTarget]) -> list[Box]:
    """The integer boxes face-api.js cuts for ``targets`` (its ``extractFaceTensors``)."""
    boxes = []
    for index, target in enumerate(targets):
        if isinstance(target, FaceResult):  # convenience: a chain result crops its detection
            target = target.detection
        if isinstance(target, FaceDetection):
            box = target.for_size(image_width, image_height).box
        elif isinstance(target, Box):
            box = target
        elif isinstance(target, Mapping):
            box = Box.from_dict(dict(target))
        else:
            raise FaceApiError(
                f"face {index}: expected a FaceDetection, a Box or an {{x, y, width, height}} mapping, "
                f"got {type(target).__name__}"
            )
        clipped = box.clip_at_image_borders(image_width, image_height)
        if clipped.width <= 0 or clipped.height <= 0:
            raise InputError(
                f"face {index}: its box {box.to_dict()} lies outside the {image_width}x{image_height} image "
                "(nothing to crop); pass boxes found on this image"
            )
        boxes.append(clipped)
    return boxes


def crop(image: np.ndarray, box: Box) -> np.ndarray:
    """The pixels of ``box`` (integer, inside the image) — a view, not a copy."""
    x, y, width, height = int(box.x), int(box.y), int(box.width), int(box.height)
    return image[y : y + height, x : x + width]


def extract_face_tensors(input: Any, detections: Sequence[CropTarget]) -> list[np.ndarray]:
    """The face regions of one image as float32 HxWx3 arrays (face-api.js's ``extractFaceTensors``)."""
    image = _single_image(to_net_input(input), "extract_face_tensors")
    height, width = image.shape[:2]
    return [crop(image, box).astype(np.float32) for box in face_crop_boxes(width, height, detections)]


def extract_faces(input: Any, detections: Sequence[CropTarget]) -> list[np.ndarray]:
    """The face regions of one image as uint8 HxWx3 arrays (face-api.js's ``extractFaces``, which returns
    canvases). Float pixels are rounded."""
    image = _single_image(to_net_input(input), "extract_faces")
    height, width = image.shape[:2]
    faces = []
    for box in face_crop_boxes(width, height, detections):
        region = crop(image, box)
        if region.dtype == np.uint8:
            faces.append(region.copy())
        else:
            faces.append(np.clip(np.rint(region), 0, 255).astype(np.uint8))
    return faces


def _single_image(net_input: NetInput, what: str) -> np.ndarray:
    if net_input.batch_size > 1:
        raise InputError(f"{what} - batchSize > 1 not supported: pass one image")
    return net_input.images[0]


def _width_height(value: Any) -> tuple[Any, Any]:
    if isinstance(value, np.ndarray):
        return int(value.shape[1]), int(value.shape[0])
    if isinstance(value, Mapping):
        return value["width"], value["height"]
    try:
        return value.width, value.height
    except AttributeError as exc:
        raise FaceApiError(
            f"expected something with a width and a height (Dimensions, an image, a mapping), got "
            f"{type(value).__name__}"
        ) from exc


def _media_dimensions(value: Any) -> tuple[Any, Any]:
    for w, h in (("naturalWidth", "naturalHeight"), ("videoWidth", "videoHeight")):
        if getattr(value, w, None):
            return getattr(value, w), getattr(value, h)
    return _width_height(value)
