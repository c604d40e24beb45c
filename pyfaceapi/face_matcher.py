"""``FaceMatcher``: who is this face? (face-api.js's ``FaceMatcher``)

Build it from reference descriptors, each with a label::

    matcher = faceapi.FaceMatcher([
        faceapi.LabeledFaceDescriptors("sheldon", [descriptor_1, descriptor_2]),
        faceapi.LabeledFaceDescriptors("raj", [descriptor_3]),
    ])
    match = matcher.find_best_match(query_descriptor)
    print(match)            # "sheldon (0.42)", or "unknown (0.71)" when no label is closer than 0.6

The distance to a label is the **mean** euclidean distance to that label's descriptors. A chain result
(anything with a ``descriptor``) or a bare descriptor is accepted too and labelled ``"person 1"``,
``"person 2"``, ... in order, as face-api.js does.

All references live in one (M, 128) matrix, so a query costs one vectorised numpy expression whatever
the number of references (the browser build runs numpy ~12x slower than CPython: no Python loop over
references). :meth:`FaceMatcher.to_json` / :meth:`FaceMatcher.from_json` read and write face-api.js's
JSON, losslessly (descriptors are float32, written as the exact decimal of each float32).
"""

from __future__ import annotations

import json as jsonlib
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from .classes.face_match import FaceMatch, LabeledFaceDescriptors, to_descriptor
from .errors import DescriptorError, FaceApiError

UNKNOWN = "unknown"
_CHUNK_ELEMENTS = 4_000_000


class FaceMatcher:
    """Match query descriptors against labelled references; see the module docstring."""

    __slots__ = ("_counts", "_distance_threshold", "_labeled_descriptors", "_matrix", "_starts")

    def __init__(self, inputs: Any, distance_threshold: float = 0.6) -> None:
        if isinstance(distance_threshold, bool) or not isinstance(distance_threshold, (int, float)) \
                or (isinstance(distance_threshold, float) and math.isnan(distance_threshold)):
            raise FaceApiError(f"FaceMatcher - expected distance_threshold to be a number, got {distance_threshold!r}")
        self._distance_threshold = distance_threshold
        items = _as_input_list(inputs)
        if not items:
            raise FaceApiError("FaceMatcher - expected at least one input (a LabeledFaceDescriptors, a result "
                               "with a descriptor, or a descriptor)")
        count = 0
        labeled: list[LabeledFaceDescriptors] = []
        for index, item in enumerate(items):
            if isinstance(item, LabeledFaceDescriptors):
                labeled.append(item)
                continue
            descriptor = _descriptor_of(item, index)
            count += 1
            labeled.append(LabeledFaceDescriptors(f"person {count}", [descriptor]))
        self._labeled_descriptors = tuple(labeled)
        self._build_matrix()

    def _build_matrix(self) -> None:
        lengths: set[int] = set()
        for ld in self._labeled_descriptors:
            if not ld.descriptors:
                raise DescriptorError(
                    f"FaceMatcher - label {ld.label!r} has no descriptors; face-api.js would give it distance 0 "
                    "and match every query to it: give every label at least one descriptor"
                )
            lengths.update(d.size for d in ld.descriptors)
        if len(lengths) > 1:
            detail = ", ".join(
                f"{ld.label!r}: {sorted({d.size for d in ld.descriptors})}" for ld in self._labeled_descriptors
            )
            raise DescriptorError(
                f"FaceMatcher - all descriptors must have the same length, got lengths {sorted(lengths)} "
                f"({detail}); compute every descriptor with the same recognition net"
            )
        self._matrix = np.stack(
            [d.astype(np.float64) for ld in self._labeled_descriptors for d in ld.descriptors]
        )
        self._counts = np.array([len(ld.descriptors) for ld in self._labeled_descriptors], dtype=np.float64)
        self._starts = np.concatenate([[0], np.cumsum(self._counts[:-1])]).astype(np.intp)

    # -- face-api.js's accessors
    @property
    def labeled_descriptors(self) -> list[LabeledFaceDescriptors]:
        return list(self._labeled_descriptors)

    @property
    def distance_threshold(self) -> float:
        return self._distance_threshold

    @property
    def descriptor_length(self) -> int:
        return int(self._matrix.shape[1])

    # -- matching
    def compute_mean_distances(self, query_descriptor: Any) -> np.ndarray:
        """The mean euclidean distance of ``query_descriptor`` to each label's descriptors, in label order."""
        return self._mean_distances(self._query_matrix([query_descriptor]))[0]

    def match_descriptor(self, query_descriptor: Any) -> FaceMatch:
        """The closest label, whatever its distance (ties go to the later label, as in face-api.js)."""
        return self._best(self.compute_mean_distances(query_descriptor), apply_threshold=False)

    def find_best_match(self, query_descriptor: Any) -> FaceMatch:
        """The closest label if its distance is below ``distance_threshold``, else ``"unknown"`` with the
        distance of the closest label."""
        return self._best(self.compute_mean_distances(query_descriptor), apply_threshold=True)

    def find_best_matches(self, query_descriptors: Iterable[Any]) -> list[FaceMatch]:
        """:meth:`find_best_match` for many queries, with one matrix operation for all of them."""
        queries = self._query_matrix(list(query_descriptors))
        return [self._best(row, apply_threshold=True) for row in self._mean_distances(queries)]

    def _query_matrix(self, queries: Sequence[Any]) -> np.ndarray:
        rows = []
        for index, query in enumerate(queries):
            descriptor = to_descriptor(_raw_descriptor(query), f"FaceMatcher query {index}")
            if descriptor.size != self.descriptor_length:
                raise DescriptorError(
                    f"FaceMatcher - the query descriptor has {descriptor.size} values, the references have "
                    f"{self.descriptor_length}; compute both with the same recognition net"
                )
            rows.append(descriptor)
        return np.stack(rows).astype(np.float64) if rows else np.zeros((0, self.descriptor_length))

    def _mean_distances(self, queries: np.ndarray) -> np.ndarray:
        """(Q, labels) mean distances: one broadcast over all references, then per-label means.

        Differences are taken directly (not via ``|q|^2 + |r|^2 - 2 q.r``, which loses digits); queries
        go in chunks so the (chunk, M, D) temporary stays around 32 MB.
        """
        chunk = max(1, _CHUNK_ELEMENTS // max(1, self._matrix.size))
        parts = []
        for start in range(0, len(queries), chunk):
            differences = queries[start : start + chunk, None, :] - self._matrix[None, :, :]
            parts.append(np.sqrt(np.einsum("qmd,qmd->qm", differences, differences)))
        distances = np.concatenate(parts) if parts else np.zeros((0, len(self._matrix)))
        return np.add.reduceat(distances, self._starts, axis=1) / self._counts

    def _best(self, mean_distances: np.ndarray, apply_threshold: bool) -> FaceMatch:
        # face-api.js reduces with `best.distance < curr.distance ? best : curr`: the last minimum wins
        last = len(mean_distances) - 1 - int(np.argmin(mean_distances[::-1]))
        distance = float(mean_distances[last])
        if apply_threshold and not distance < self._distance_threshold:
            return FaceMatch(UNKNOWN, distance)
        return FaceMatch(self._labeled_descriptors[last].label, distance)

    # -- JSON
    def to_json(self) -> dict[str, Any]:
        """face-api.js's ``toJSON()``: ``{"distanceThreshold", "labeledDescriptors": [{"label",
        "descriptors"}]}`` (pass it to ``json.dumps``)."""
        return {
            "distanceThreshold": self._distance_threshold,
            "labeledDescriptors": [ld.to_json() for ld in self._labeled_descriptors],
        }

    @classmethod
    def from_json(cls, json: Mapping[str, Any] | str | bytes) -> FaceMatcher:
        """A matcher from :meth:`to_json`'s dict or its JSON text; also reads what ``JSON.stringify`` gives
        for a face-api.js ``FaceMatcher`` (``_distanceThreshold``, ``_labeledDescriptors``)."""
        try:
            data = jsonlib.loads(json) if isinstance(json, (str, bytes)) else json
        except (ValueError, RecursionError) as exc:  # RecursionError: arrays nested thousands deep
            raise DescriptorError(f"FaceMatcher.from_json - not valid JSON: {exc}") from None
        if not isinstance(data, Mapping):
            raise DescriptorError(f"FaceMatcher.from_json - expected an object, got {type(data).__name__}")
        try:
            threshold = data["distanceThreshold"] if "distanceThreshold" in data else data["_distanceThreshold"]
            raw = data["labeledDescriptors"] if "labeledDescriptors" in data else data["_labeledDescriptors"]
        except KeyError as exc:
            raise DescriptorError(
                "FaceMatcher.from_json - expected the keys 'distanceThreshold' and 'labeledDescriptors' "
                f"(what FaceMatcher.to_json() writes), missing {exc}"
            ) from exc
        if not isinstance(raw, (list, tuple)):
            raise DescriptorError(f"FaceMatcher.from_json - expected a list of labeled descriptors, got "
                                  f"{type(raw).__name__}")
        return cls([LabeledFaceDescriptors.from_json(ld) for ld in raw], threshold)

    def __repr__(self) -> str:
        labels = ", ".join(repr(ld.label) for ld in self._labeled_descriptors[:5])
        more = ", ..." if len(self._labeled_descriptors) > 5 else ""
        return f"FaceMatcher([{labels}{more}], distance_threshold={self._distance_threshold})"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.number)) and not isinstance(value, bool)


def _as_input_list(inputs: Any) -> list[Any]:
    """face-api.js takes one input or an array of inputs; a 2-D array is a list of descriptors, and a
    list of plain numbers is one descriptor."""
    if isinstance(inputs, np.ndarray):
        return list(inputs) if inputs.ndim == 2 else [inputs]
    if isinstance(inputs, (list, tuple)):
        if inputs and all(_is_number(v) for v in inputs):
            return [inputs]
        return list(inputs)
    return [inputs]


def _raw_descriptor(item: Any) -> Any:
    """The descriptor of a chain result / mapping with a ``descriptor``, or ``item`` itself."""
    if isinstance(item, Mapping) and "descriptor" in item:
        return item["descriptor"]
    descriptor = getattr(item, "descriptor", None)
    return descriptor if descriptor is not None else item


def _descriptor_of(item: Any, index: int) -> np.ndarray:
    raw = _raw_descriptor(item)
    if isinstance(raw, (np.ndarray, list, tuple)):
        return to_descriptor(raw, f"FaceMatcher input {index}")
    raise FaceApiError(
        f"FaceMatcher - input {index}: expected LabeledFaceDescriptors, a result with a descriptor, or a "
        f"descriptor (float32 array), got {type(item).__name__}"
    )
