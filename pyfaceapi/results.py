"""The result of a task chain for one face, as face-api.js's ``WithFaceDetection<WithFaceLandmarks<...>>``.

face-api.js grows a plain object stage by stage (``extendWithFaceDetection``, ``extendWithFaceLandmarks``,
...). Here one immutable dataclass, :class:`FaceResult`, carries every field a chain can fill; fields a
chain did not compute are ``None`` and are left out of :meth:`FaceResult.to_dict`, so the JSON has exactly
the keys face-api.js's object would have::

    result = faceapi.detect_single_face(img).with_face_landmarks().with_face_descriptor().run()
    result.detection.box, result.landmarks.get_mouth(), result.descriptor   # np.float32[128]

The ``extend_with_*`` functions mirror face-api.js's factories and return new results.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .classes import Box, Dimensions, FaceDetection
from .classes.face_landmarks import FaceLandmarks, FaceLandmarks5, FaceLandmarks68
from .errors import FaceApiError
from .networks.age_gender import Gender
from .networks.face_expression import FaceExpressions


@dataclass(frozen=True, eq=False)
class FaceResult:
    """One face: its ``detection`` plus whatever the chain added.

    - ``landmarks``: :class:`~pyfaceapi.FaceLandmarks68` in image pixels (shifted by the detection box);
      ``unshifted_landmarks``: the same relative to the face crop; ``aligned_rect``: the landmarks'
      bounding box padded by 20%, as a :class:`~pyfaceapi.FaceDetection` with the detection's score.
    - ``expressions``: :class:`~pyfaceapi.FaceExpressions`.
    - ``age`` (years, float), ``gender`` (:class:`~pyfaceapi.Gender`), ``gender_probability``.
    - ``descriptor``: float32[128], not L2-normalised.
    """

    detection: FaceDetection
    landmarks: FaceLandmarks | None = None
    unshifted_landmarks: FaceLandmarks | None = None
    aligned_rect: FaceDetection | None = None
    expressions: FaceExpressions | None = None
    age: float | None = None
    gender: Gender | None = None
    gender_probability: float | None = None
    descriptor: np.ndarray | None = None

    def to_dict(self) -> dict[str, Any]:
        """face-api.js's JSON for this object: camelCase keys, only the fields that were computed."""
        out: dict[str, Any] = {"detection": self.detection.to_dict()}
        if self.landmarks is not None:
            out["landmarks"] = self.landmarks.to_dict()
        if self.unshifted_landmarks is not None:
            out["unshiftedLandmarks"] = self.unshifted_landmarks.to_dict()
        if self.aligned_rect is not None:
            out["alignedRect"] = self.aligned_rect.to_dict()
        if self.expressions is not None:
            out["expressions"] = self.expressions.to_dict()
        if self.age is not None:
            out["age"] = self.age
        if self.gender is not None:
            out["gender"] = str(self.gender)
            out["genderProbability"] = self.gender_probability
        if self.descriptor is not None:
            out["descriptor"] = self.descriptor.tolist()
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FaceResult:
        """A result from :meth:`to_dict`'s JSON (e.g. sent back from the browser). Boxes and landmark
        positions are rebuilt from relative values, so they may differ from the originals in the last bit."""
        if not isinstance(data, Mapping) or "detection" not in data:
            raise FaceApiError("FaceResult.from_dict - expected an object with at least a 'detection'")
        landmark_class = FaceLandmarks68 if len(data.get("landmarks", {}).get("positions", ())) == 68 \
            else FaceLandmarks5
        fields: dict[str, Any] = {"detection": detection_from_dict(data["detection"])}
        if "landmarks" in data:
            fields["landmarks"] = landmark_class.from_dict(data["landmarks"])
        if "unshiftedLandmarks" in data:
            fields["unshifted_landmarks"] = landmark_class.from_dict(data["unshiftedLandmarks"])
        if "alignedRect" in data:
            fields["aligned_rect"] = detection_from_dict(data["alignedRect"])
        if "expressions" in data:
            fields["expressions"] = FaceExpressions.from_dict(data["expressions"])
        if "age" in data:
            fields["age"] = float(data["age"])
        if "gender" in data:
            fields["gender"] = Gender(data["gender"])
            fields["gender_probability"] = float(data["genderProbability"])
        if "descriptor" in data:
            fields["descriptor"] = np.array(_indexed_values(data["descriptor"]), dtype=np.float32)
        return cls(**fields)

    def __repr__(self) -> str:
        parts = [f"detection={self.detection!r}"]
        if self.landmarks is not None:
            parts.append(f"landmarks={self.landmarks!r}")
        if self.expressions is not None:
            best = self.expressions.as_sorted_array()[0]
            parts.append(f"expressions=<{best.expression} {best.probability:.2f}>")
        if self.age is not None:
            parts.append(f"age={self.age:.1f}")
        if self.gender is not None:
            parts.append(f"gender={self.gender!s} ({self.gender_probability:.2f})")
        if self.descriptor is not None:
            parts.append(f"descriptor=<float32[{self.descriptor.size}]>")
        return f"FaceResult({', '.join(parts)})"


def detection_from_dict(data: Mapping[str, Any]) -> FaceDetection:
    """A :class:`FaceDetection` from its JSON (``score``, ``box``, ``imageWidth``, ``imageHeight``)."""
    try:
        dims = Dimensions(data["imageWidth"], data["imageHeight"])
        box = Box.from_dict(data["box"])
        return FaceDetection(data["score"], box.rescale(dims.reverse()), dims)
    except (KeyError, TypeError) as exc:
        raise FaceApiError(
            f"expected a detection with score, box, imageWidth and imageHeight, got {data!r:.200}"
        ) from exc


def _indexed_values(value: Any) -> Any:
    if isinstance(value, Mapping):  # a JSON.stringify-ed Float32Array: {"0": ..., "1": ...}
        return [value[str(i)] for i in range(len(value))]
    return value


# -- face-api.js's factories
def extend_with_face_detection(result: FaceResult | None, detection: FaceDetection) -> FaceResult:
    """``result`` with ``detection`` (a new result when ``result`` is ``None``)."""
    return FaceResult(detection) if result is None else replace(result, detection=detection)


def extend_with_face_landmarks(result: FaceResult, unshifted_landmarks: FaceLandmarks) -> FaceResult:
    """Add landmarks of the face crop: shift them by the detection box's (unfloored) origin and derive
    ``aligned_rect`` from them, exactly as face-api.js's ``extendWithFaceLandmarks``."""
    detection = result.detection
    landmarks = unshifted_landmarks.shift_by(detection.box.x, detection.box.y)
    rect = landmarks.align()
    dims = detection.image_dims
    aligned_rect = FaceDetection(detection.score, rect.rescale(dims.reverse()), dims)
    return replace(result, landmarks=landmarks, unshifted_landmarks=unshifted_landmarks, aligned_rect=aligned_rect)


def extend_with_face_expressions(result: FaceResult, expressions: FaceExpressions) -> FaceResult:
    return replace(result, expressions=expressions)


def extend_with_age(result: FaceResult, age: float) -> FaceResult:
    return replace(result, age=age)


def extend_with_gender(result: FaceResult, gender: Gender, gender_probability: float) -> FaceResult:
    return replace(result, gender=gender, gender_probability=gender_probability)


def extend_with_face_descriptor(result: FaceResult, descriptor: np.ndarray) -> FaceResult:
    return replace(result, descriptor=descriptor)


def is_with_face_detection(obj: Any) -> bool:
    return isinstance(getattr(obj, "detection", None), FaceDetection)


def is_with_face_landmarks(obj: Any) -> bool:
    return (
        is_with_face_detection(obj)
        and isinstance(getattr(obj, "landmarks", None), FaceLandmarks)
        and isinstance(getattr(obj, "unshifted_landmarks", None), FaceLandmarks)
        and isinstance(getattr(obj, "aligned_rect", None), FaceDetection)
    )


def is_with_face_expressions(obj: Any) -> bool:
    return isinstance(getattr(obj, "expressions", None), FaceExpressions)


def is_with_age(obj: Any) -> bool:
    age = getattr(obj, "age", None)
    return isinstance(age, (int, float)) and not isinstance(age, bool)


def is_with_gender(obj: Any) -> bool:
    probability = getattr(obj, "gender_probability", None)
    return isinstance(getattr(obj, "gender", None), Gender) and isinstance(probability, float) \
        and 0 <= probability <= 1


def is_with_face_descriptor(obj: Any) -> bool:
    return isinstance(getattr(obj, "descriptor", None), np.ndarray)
