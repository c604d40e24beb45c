"""Request options of ``/detect`` and ``/draw``: one parser for the JSON form field and the query string.

Keys (the same in both forms; query-string values are strings and are converted):

- ``detector``: ``ssd`` (default), ``tiny``, ``tiny_yolov2``, ``mtcnn``.
- that detector's options by their snake_case names: ``min_confidence``, ``max_results`` (ssd);
  ``input_size``, ``score_threshold`` (tiny, tiny_yolov2); ``min_face_size``, ``scale_factor``,
  ``max_num_scales``, ``score_thresholds`` (three numbers), ``scale_steps`` (numbers) (mtcnn). Lists are JSON
  arrays, or comma-separated in the query string (``score_thresholds=0.6,0.7,0.7``).
- ``single``: only the best-scoring face (face-api.js's ``detectSingleFace``).
- tasks: ``landmarks`` (``1``/``true`` or ``tiny``), ``expressions``, ``age_gender``, ``descriptors``
  (descriptors are computed from landmarks, so they imply ``landmarks=1`` unless ``tiny`` is asked).

Unknown keys and keys of another detector are refused (422), so a typo never passes silently.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

from pyfaceapi import MtcnnOptions, SsdMobilenetv1Options, TinyFaceDetectorOptions, TinyYolov2Options
from pyfaceapi.errors import OptionsError
from pyfaceapi.pipeline import DetectRequest

from .errors import ApiError

DETECTOR_OPTIONS: dict[str, tuple[type, dict[str, type]]] = {
    "ssd": (SsdMobilenetv1Options, {"min_confidence": float, "max_results": int}),
    "tiny": (TinyFaceDetectorOptions, {"input_size": int, "score_threshold": float}),
    "tiny_yolov2": (TinyYolov2Options, {"input_size": int, "score_threshold": float}),
    "mtcnn": (MtcnnOptions, {"min_face_size": float, "scale_factor": float, "max_num_scales": int,
                             "score_thresholds": tuple, "scale_steps": tuple}),
}
TASK_KEYS = ("single", "landmarks", "expressions", "age_gender", "descriptors")


def parse_json_options(text: str | None) -> dict[str, Any]:
    """The ``options`` form field: a JSON object (or nothing)."""
    if not text:
        return {}
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:  # RecursionError: arrays nested thousands deep
        raise ApiError(400, "malformed_options", f"the options field is not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise ApiError(400, "malformed_options", "the options field must be a JSON object")
    return value


def parse_detect_params(raw: Mapping[str, Any], max_faces: int | None = None,
                        max_input_size: int | None = None) -> DetectRequest:
    """Validate and convert ``raw`` options; raises :class:`ApiError` (422) with the offending key.

    ``max_input_size``: the largest ``input_size`` accepted (the tiny detectors' input is its square).
    """
    values = dict(raw)
    detector = str(values.pop("detector", "ssd"))
    if detector not in DETECTOR_OPTIONS:
        raise ApiError(422, "invalid_options", f"detector must be one of {', '.join(DETECTOR_OPTIONS)}, "
                                               f"got {_short(detector)}")
    options_type, option_keys = DETECTOR_OPTIONS[detector]
    detector_kwargs = {key: _convert(key, values.pop(key), kind) for key, kind in option_keys.items() if key in values}
    tasks = {key: values.pop(key) for key in TASK_KEYS if key in values}
    if values:
        key = sorted(values)[0]
        owner = next((name for name, (_, keys) in DETECTOR_OPTIONS.items() if key in keys), None)
        hint = f" (an option of detector {owner!r})" if owner else ""
        raise ApiError(422, "invalid_options", f"unknown option {_short(key)}{hint}")
    try:
        detector_options = options_type(**detector_kwargs)
    except OptionsError as exc:
        raise ApiError(422, "invalid_options", str(exc)) from exc
    input_size = detector_kwargs.get("input_size")
    if max_input_size is not None and input_size is not None and input_size > max_input_size:
        raise ApiError(422, "invalid_options", f"option 'input_size' must be at most {max_input_size} on this "
                                               f"server, got {input_size}")

    return DetectRequest(
        detector_options=detector_options,
        single=_convert("single", tasks.get("single", False), bool),
        landmarks=_landmarks(tasks.get("landmarks")),
        expressions=_convert("expressions", tasks.get("expressions", False), bool),
        age_gender=_convert("age_gender", tasks.get("age_gender", False), bool),
        descriptors=_convert("descriptors", tasks.get("descriptors", False), bool),
        max_faces=max_faces,
    )


def _landmarks(value: Any) -> Literal["normal", "tiny"] | None:
    if isinstance(value, str) and value.lower() == "tiny":
        return "tiny"
    return "normal" if _convert("landmarks", value if value is not None else False, bool) else None


_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def _convert(key: str, value: Any, kind: type) -> Any:
    """Convert a JSON value or a query-string string to ``kind`` (bool, int, float, or tuple of floats)."""
    if kind is tuple:
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, (list, tuple)) or not items or len(items) > 64:
            raise ApiError(422, "invalid_options", f"option {key!r} must be a list of numbers, got {_short(value)}")
        return tuple(_convert(key, item, float) for item in items)
    try:
        if kind is bool:
            if isinstance(value, bool):
                return value
            if isinstance(value, (int, str)) and str(value).lower() in _TRUE | _FALSE:
                return str(value).lower() in _TRUE
            raise ValueError
        if isinstance(value, bool):
            raise ValueError
        if kind is int:
            number = float(value)
            if not number.is_integer():
                raise ValueError
            return int(number)
        number = float(value)
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError
        return number
    except (TypeError, ValueError, OverflowError):  # OverflowError: float() of a 400-digit JSON integer
        raise ApiError(422, "invalid_options",
                       f"option {key!r} must be {_KIND_NAMES[kind]}, got {_short(value)}") from None


_KIND_NAMES = {bool: "a boolean (true/false/1/0)", int: "an integer", float: "a finite number",
               tuple: "a list of numbers"}


def _short(value: Any, limit: int = 80) -> str:
    """``repr(value)``, cut to ``limit`` characters: error messages echo the input, not megabytes of it."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
