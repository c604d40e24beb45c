"""Request options of ``/detect`` and ``/draw``: one parser for the JSON form field and the query string.

Keys (the same in both forms; query-string values are strings and are converted):

- ``detector``: ``ssd`` (default), ``tiny``, ``tiny_yolov2``.
- that detector's options by their snake_case names: ``min_confidence``, ``max_results`` (ssd);
  ``input_size``, ``score_threshold`` (tiny, tiny_yolov2).
- ``single``: only the best-scoring face (face-api.js's ``detectSingleFace``).
- tasks: ``landmarks`` (``1``/``true`` or ``tiny``), ``expressions``, ``age_gender``, ``descriptors``
  (descriptors are computed from landmarks, so they imply ``landmarks=1`` unless ``tiny`` is asked).

Unknown keys and keys of another detector are refused (422), so a typo never passes silently.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

from pyfaceapi import SsdMobilenetv1Options, TinyFaceDetectorOptions, TinyYolov2Options
from pyfaceapi.errors import OptionsError
from pyfaceapi.pipeline import DetectRequest

from .errors import ApiError

DETECTOR_OPTIONS: dict[str, tuple[type, dict[str, type]]] = {
    "ssd": (SsdMobilenetv1Options, {"min_confidence": float, "max_results": int}),
    "tiny": (TinyFaceDetectorOptions, {"input_size": int, "score_threshold": float}),
    "tiny_yolov2": (TinyYolov2Options, {"input_size": int, "score_threshold": float}),
}
TASK_KEYS = ("single", "landmarks", "expressions", "age_gender", "descriptors")


def parse_json_options(text: str | None) -> dict[str, Any]:
    """The ``options`` form field: a JSON object (or nothing)."""
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise ApiError(400, "malformed_options", f"the options field is not valid JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise ApiError(400, "malformed_options", "the options field must be a JSON object")
    return value


def parse_detect_params(raw: Mapping[str, Any], max_faces: int | None = None) -> DetectRequest:
    """Validate and convert ``raw`` options; raises :class:`ApiError` (422) with the offending key."""
    values = dict(raw)
    detector = str(values.pop("detector", "ssd"))
    if detector not in DETECTOR_OPTIONS:
        raise ApiError(422, "invalid_options", f"detector must be one of {', '.join(DETECTOR_OPTIONS)}, "
                                               f"got {detector!r}")
    options_type, option_keys = DETECTOR_OPTIONS[detector]
    detector_kwargs = {key: _convert(key, values.pop(key), kind) for key, kind in option_keys.items() if key in values}
    tasks = {key: values.pop(key) for key in TASK_KEYS if key in values}
    if values:
        key = sorted(values)[0]
        owner = next((name for name, (_, keys) in DETECTOR_OPTIONS.items() if key in keys), None)
        hint = f" (an option of detector {owner!r})" if owner else ""
        raise ApiError(422, "invalid_options", f"unknown option {key!r}{hint}")
    try:
        detector_options = options_type(**detector_kwargs)
    except OptionsError as exc:
        raise ApiError(422, "invalid_options", str(exc)) from exc

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
    """Convert a JSON value or a query-string string to ``kind`` (bool, int or float)."""
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
    except (TypeError, ValueError):
        raise ApiError(422, "invalid_options", f"option {key!r} must be {_KIND_NAMES[kind]}, got {value!r}") from None


_KIND_NAMES = {bool: "a boolean (true/false/1/0)", int: "an integer", float: "a finite number"}
