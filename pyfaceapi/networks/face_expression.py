"""The expression net (face-api.js's ``FaceExpressionNet``) and its result, :class:`FaceExpressions`.

Input: 112x112 face crops (centred padding). Output: softmax probabilities of seven expressions, in
face-api.js's order ``neutral, happy, sad, angry, fearful, disgusted, surprised`` (the softmax is in the
model). In the task chain the crop is the landmarks' bounding box padded by 20% (``aligned_rect``) when
landmarks were computed first, else the detection box.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, NamedTuple

import numpy as np

from ..errors import FaceApiError
from .face_processor import FaceProcessor, single_or_batch

FACE_EXPRESSION_LABELS = ("neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised")


class FaceExpressionPrediction(NamedTuple):
    """One entry of :meth:`FaceExpressions.as_sorted_array`."""

    expression: str
    probability: float


@dataclass(frozen=True, slots=True)
class FaceExpressions:
    """The probability of each of the seven expressions (they sum to 1)."""

    neutral: float
    happy: float
    sad: float
    angry: float
    fearful: float
    disgusted: float
    surprised: float

    @classmethod
    def from_probabilities(cls, probabilities: Sequence[float] | np.ndarray) -> FaceExpressions:
        """From seven probabilities in face-api.js's order (``FACE_EXPRESSION_LABELS``)."""
        values = [float(p) for p in probabilities]
        if len(values) != len(FACE_EXPRESSION_LABELS):
            raise FaceApiError(
                f"FaceExpressions - expected {len(FACE_EXPRESSION_LABELS)} probabilities, have: {len(values)}"
            )
        return cls(*values)

    @classmethod
    def from_dict(cls, data: Mapping[str, float]) -> FaceExpressions:
        """From face-api.js's JSON (``{"neutral": ..., "happy": ..., ...}``)."""
        missing = [label for label in FACE_EXPRESSION_LABELS if label not in data]
        if missing:
            raise FaceApiError(f"FaceExpressions.from_dict - missing {', '.join(missing)}")
        return cls(*(float(data[label]) for label in FACE_EXPRESSION_LABELS))

    def as_sorted_array(self) -> list[FaceExpressionPrediction]:
        """``(expression, probability)`` pairs, most probable first (ties keep face-api.js's order)."""
        pairs = [FaceExpressionPrediction(label, getattr(self, label)) for label in FACE_EXPRESSION_LABELS]
        return sorted(pairs, key=lambda pair: -pair.probability)

    def to_dict(self) -> dict[str, float]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


class FaceExpressionNet(FaceProcessor):
    """face-api.js's ``faceExpressionNet``."""

    model_name = "face_expression"
    registry_name = "face_expression_net"
    input_size = 112

    def forward_batch(self, batch: np.ndarray) -> np.ndarray:
        """Probabilities (N, 7) float32 for a prepared batch."""
        if not len(batch):
            return np.zeros((0, len(FACE_EXPRESSION_LABELS)), dtype=np.float32)
        return self.check_output(self.run_batch(batch)[0], len(batch), len(FACE_EXPRESSION_LABELS))

    def predict_expressions(self, input: Any) -> FaceExpressions | list[FaceExpressions]:
        """Expressions of the face filling each image (a face crop); a list for a batch input."""
        net_input = self.resolve(input)
        probabilities = self.forward_batch(self.batch_tensor(net_input.images))
        return single_or_batch(net_input, to_face_expressions(probabilities))


def to_face_expressions(probabilities: np.ndarray) -> list[FaceExpressions]:
    return [FaceExpressions(*row) for row in probabilities.astype(np.float64).tolist()]
