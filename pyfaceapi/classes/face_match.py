"""Face matching values, as face-api.js's ``FaceMatch`` and ``LabeledFaceDescriptors``."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import DescriptorError, FaceApiError


@dataclass(frozen=True, slots=True)
class FaceMatch:
    """The best reference for a query descriptor: its ``label`` (or ``"unknown"``) and the ``distance``.

    ``str(match)`` is face-api.js's ``toString()``: ``"sheldon (0.42)"``, the distance *truncated* (not
    rounded) to two decimals; ``match.to_string(with_distance=False)`` is the bare label.
    """

    label: str
    distance: float

    def to_string(self, with_distance: bool = True) -> str:
        if not with_distance:
            return self.label
        return f"{self.label} ({js_number_to_string(math.floor(self.distance * 100) / 100)})"

    def __str__(self) -> str:
        return self.to_string()

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "distance": self.distance}


class LabeledFaceDescriptors:
    """A label and one or more face descriptors of that person (face-api.js's ``LabeledFaceDescriptors``).

    Descriptors may be numpy arrays or sequences of numbers; they are stored as read-only float32 arrays
    (face-api.js's ``Float32Array``), so JSON written by face-api.js and by pyfaceapi round-trips exactly.
    """

    __slots__ = ("_descriptors", "_label")

    def __init__(self, label: str, descriptors: Iterable[Any]) -> None:
        if not isinstance(label, str):
            raise FaceApiError(
                f"LabeledFaceDescriptors - expected label to be a string, got {type(label).__name__}"
            )
        if isinstance(descriptors, np.ndarray) and descriptors.ndim == 1:
            raise FaceApiError(
                "LabeledFaceDescriptors - expected a list of descriptors, got one descriptor: wrap it in a list"
            )
        if isinstance(descriptors, (str, bytes, Mapping)) or not isinstance(descriptors, Iterable):
            raise DescriptorError(
                f"LabeledFaceDescriptors - expected a list of descriptors, got {type(descriptors).__name__}"
            )
        self._label = label
        self._descriptors = tuple(
            to_descriptor(d, f"LabeledFaceDescriptors {label!r}, descriptor {i}") for i, d in enumerate(descriptors)
        )

    @property
    def label(self) -> str:
        return self._label

    @property
    def descriptors(self) -> list[np.ndarray]:
        return list(self._descriptors)

    def to_json(self) -> dict[str, Any]:
        """face-api.js's ``toJSON()``: ``{"label": ..., "descriptors": [[...], ...]}``."""
        return {"label": self._label, "descriptors": [d.tolist() for d in self._descriptors]}

    @classmethod
    def from_json(cls, json: Mapping[str, Any]) -> LabeledFaceDescriptors:
        """Inverse of :meth:`to_json`; also reads the ``_label``/``_descriptors`` shape that
        ``JSON.stringify`` gives for face-api.js objects (descriptors as arrays or index-keyed objects)."""
        try:
            label = json["label"] if "label" in json else json["_label"]
            raw = json["descriptors"] if "descriptors" in json else json["_descriptors"]
        except (KeyError, TypeError) as exc:
            raise DescriptorError(
                f"LabeledFaceDescriptors.from_json - expected {{'label': str, 'descriptors': [[numbers]]}}, "
                f"got {json!r:.200}"
            ) from exc
        if not isinstance(raw, (list, tuple)):
            raise DescriptorError(
                f"LabeledFaceDescriptors.from_json - expected a list of descriptors, got {type(raw).__name__}"
            )
        descriptors = [_indexed_object_to_list(d) for d in raw]
        return cls(label, descriptors)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LabeledFaceDescriptors):
            return NotImplemented
        return self._label == other._label and len(self._descriptors) == len(other._descriptors) and all(
            np.array_equal(a, b) for a, b in zip(self._descriptors, other._descriptors, strict=True)
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"LabeledFaceDescriptors({self._label!r}, {len(self._descriptors)} descriptors)"


def to_descriptor(value: Any, what: str = "descriptor") -> np.ndarray:
    """``value`` as a read-only 1-D float32 array of finite numbers, or :class:`DescriptorError`."""
    try:
        with np.errstate(over="ignore"):  # a float64 beyond float32's range becomes inf, refused below
            array = np.array(value, dtype=np.float32)
    except (TypeError, ValueError, OverflowError) as exc:
        raise DescriptorError(f"{what}: expected a sequence of numbers, got {type(value).__name__}") from exc
    if array.ndim != 1 or array.size == 0:
        raise DescriptorError(f"{what}: expected a non-empty 1-D sequence of numbers, got shape {array.shape}")
    if not np.isfinite(array).all():
        raise DescriptorError(
            f"{what}: contains NaN or infinity; compute descriptors with compute_face_descriptor() or "
            "with_face_descriptors(), or drop the broken entry"
        )
    array.setflags(write=False)
    return array


def js_number_to_string(value: float) -> str:
    """JavaScript's ``String(number)`` for the values a distance takes (``1`` not ``1.0``)."""
    if math.isfinite(value) and value == int(value) and abs(value) < 1e21:
        return str(int(value))
    return repr(value)


def _indexed_object_to_list(value: Any) -> Any:
    """``{"0": 1, "1": 2}`` (a ``JSON.stringify``-ed Float32Array) -> ``[1, 2]``; anything else unchanged."""
    if isinstance(value, Mapping):
        try:
            return [value[str(i)] for i in range(len(value))]
        except KeyError as exc:
            raise DescriptorError(
                f"expected an index-keyed object {{'0': x, '1': y, ...}} (a JSON.stringify-ed Float32Array), "
                f"missing key {exc}"
            ) from None
    return value
