"""Duck typing of what the draw functions accept, and face-api.js's number formatting.

face-api.js tells inputs apart with ``instanceof``; pyfaceapi accepts anything of the right shape, so its
own classes, the analysis results, their ``to_dict()`` JSON and face-api.js's JSON all work:

- a point: ``.x``/``.y`` attributes, a mapping with ``x``/``y``, or an ``(x, y)`` pair;
- a box: ``.x .y .width .height`` (``Box``, ``Rect``) or ``.left .top .right .bottom``, the same keys in a
  mapping, or an ``(x, y, width, height)`` tuple;
- a detection: ``.score`` and ``.box`` (``FaceDetection``) or a mapping with ``score`` and ``box``;
- a result *with* a detection, landmarks or expressions: ``.detection``, ``.landmarks``, ``.expressions``
  (attributes or mapping keys);
- landmarks: ``.positions`` (a sequence of points; 68 of them for the contours) or a mapping with it;
- expressions: the seven probabilities as attributes or mapping keys (``neutral``, ``happy``, ...).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from ..errors import FaceApiError
from .display_list import PointTuple

FACE_EXPRESSION_LABELS = ("neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised")
"""face-api.js's ``FACE_EXPRESSION_LABELS``: the order of the expression net's outputs (and of ties)."""

_MISSING = object()


class DrawInputError(FaceApiError, TypeError):
    """A draw function got something that is not what it draws (e.g. landmarks without positions)."""


def field_of(obj: Any, name: str, default: Any = _MISSING) -> Any:
    """``obj.name`` or ``obj[name]`` (for mappings); ``default`` if absent (raises if no default)."""
    if isinstance(obj, Mapping):
        if name in obj:
            return obj[name]
    elif hasattr(obj, name):
        return getattr(obj, name)
    if default is _MISSING:
        raise DrawInputError(f"expected {name!r} in {type(obj).__name__}")
    return default


def has_field(obj: Any, name: str) -> bool:
    return field_of(obj, name, None) is not None


def as_point(value: Any) -> PointTuple:
    """``(x, y)`` of a point-like value."""
    if isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 2:
        return (_number(value[0], "x"), _number(value[1], "y"))
    if has_field(value, "x") and has_field(value, "y"):
        return (_number(field_of(value, "x"), "x"), _number(field_of(value, "y"), "y"))
    raise DrawInputError(f"expected a point (x, y), got {value!r}")


def as_rect(value: Any) -> tuple[float, float, float, float]:
    """``(x, y, width, height)`` of a box-like value (face-api.js's ``new Box(IRect | IBoundingBox)``)."""
    if isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 4:
        x, y, w, h = (_number(v, "box") for v in value)
        return (x, y, w, h)
    if all(has_field(value, k) for k in ("x", "y", "width", "height")):
        x, y, w, h = (_number(field_of(value, k), k) for k in ("x", "y", "width", "height"))
        return (x, y, w, h)
    if all(has_field(value, k) for k in ("left", "top", "right", "bottom")):
        left, top, right, bottom = (_number(field_of(value, k), k) for k in ("left", "top", "right", "bottom"))
        return (left, top, right - left, bottom - top)
    raise DrawInputError(f"expected a box (x, y, width, height or left, top, right, bottom), got {value!r}")


def is_detection(value: Any) -> bool:
    """A ``FaceDetection``-like value: a score and a box."""
    return has_field(value, "box") and has_field(value, "score")


def score_and_rect(value: Any) -> tuple[float | None, tuple[float, float, float, float]]:
    """What ``drawDetections`` draws for one item: a detection, a result with one, or a bare box."""
    if is_detection(value):
        return _number(field_of(value, "score"), "score"), as_rect(field_of(value, "box"))
    detection = field_of(value, "detection", None)
    if detection is not None:
        if not is_detection(detection):
            raise DrawInputError(f"expected .detection to have a score and a box, got {detection!r}")
        return _number(field_of(detection, "score"), "score"), as_rect(field_of(detection, "box"))
    return None, as_rect(value)


def landmark_positions(value: Any) -> list[PointTuple] | None:
    """The positions of landmarks (``None`` if ``value`` has none of its own)."""
    positions = field_of(value, "positions", None)
    if positions is None:
        return None
    return [as_point(p) for p in positions]


def landmarks_of(value: Any) -> Any:
    """``value`` if it is landmarks, else its ``.landmarks`` (face-api.js's ``WithFaceLandmarks``)."""
    if has_field(value, "positions"):
        return value
    landmarks = field_of(value, "landmarks", None)
    if landmarks is not None and has_field(landmarks, "positions"):
        return landmarks
    raise DrawInputError(
        "draw_face_landmarks: expected face landmarks (with .positions) or a result with .landmarks, "
        f"got {type(value).__name__}"
    )


def is_expressions(value: Any) -> bool:
    return all(has_field(value, label) for label in FACE_EXPRESSION_LABELS)


def expressions_of(value: Any) -> list[tuple[str, float]]:
    """The seven ``(expression, probability)`` pairs of expressions or of a result's ``.expressions``."""
    source = value if is_expressions(value) else field_of(value, "expressions", None)
    if source is None or not is_expressions(source):
        raise DrawInputError(
            "draw_face_expressions: expected face expressions (the seven probabilities) or a result with "
            f".expressions, got {type(value).__name__}"
        )
    return [(label, _number(field_of(source, label), label)) for label in FACE_EXPRESSION_LABELS]


def detection_box_of(value: Any) -> tuple[float, float, float, float] | None:
    """The box of a result's ``.detection``, or ``None`` if it has none (``isWithFaceDetection``)."""
    detection = field_of(value, "detection", None)
    if detection is None or not is_detection(detection):
        return None
    return as_rect(field_of(detection, "box"))


def as_list(value: Any) -> list[Any]:
    """face-api.js's ``Array.isArray(x) ? x : [x]``: tuples and lists are many, anything else is one.

    A mapping, a point or a box tuple of numbers is one item, so pass several as a list.
    """
    if isinstance(value, list):
        return value
    if isinstance(value, tuple) and not all(isinstance(v, (int, float)) for v in value):
        return list(value)
    return [value]


def floor2(value: float) -> float:
    """face-api.js's ``round(num, 2)``, which floors: ``Math.floor(num * 100) / 100``."""
    return math.floor(value * 100) / 100


def js_number_string(value: float) -> str:
    """JavaScript's ``String(number)``: ``1`` not ``1.0``, ``0.97``, ``1e-7``, ``1.5e+21`` (ECMA-262 6.1.6.1.20)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    if value < 0:
        return "-" + js_number_string(-value)
    _, digit_tuple, exponent = Decimal(repr(float(value))).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    k = len(digits)
    n = k + int(exponent)  # the decimal point sits after n digits
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * (-n) + digits
    e = n - 1
    mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
    return f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            value = float(value)  # numpy scalars
        except (TypeError, ValueError):
            raise DrawInputError(f"{name} must be a number, got {value!r}") from None
    return value
