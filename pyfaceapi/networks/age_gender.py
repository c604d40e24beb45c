"""The age and gender net (face-api.js's ``AgeGenderNet``) and its result.

Input: 112x112 face crops (centred padding), the same crops as the expression net. Outputs: the age in
years (a float, not rounded) and softmax probabilities (male, female). As in face-api.js the gender is
male when ``p_male > 0.5``, and ``gender_probability`` is the probability of the reported gender,
``max(p_male, 1 - p_male)`` (computed as ``1 - p_male`` for female).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np

from ..errors import ModelError
from .face_processor import FaceProcessor, single_or_batch


class Gender(StrEnum):
    """face-api.js's ``Gender``; the values are the strings face-api.js reports."""

    FEMALE = "female"
    MALE = "male"


@dataclass(frozen=True, slots=True)
class AgeAndGenderPrediction:
    """What :meth:`AgeGenderNet.predict_age_and_gender` returns for one face."""

    age: float
    gender: Gender
    gender_probability: float

    def to_dict(self) -> dict[str, Any]:
        return {"age": self.age, "gender": str(self.gender), "genderProbability": self.gender_probability}


class AgeGenderNet(FaceProcessor):
    """face-api.js's ``ageGenderNet``."""

    model_name = "age_gender"
    registry_name = "age_gender_net"
    input_size = 112

    def forward_batch(self, batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Ages (N,) and gender probabilities (N, 2: male, female), float32, for a prepared batch."""
        count = len(batch)
        if not count:
            return np.zeros(0, dtype=np.float32), np.zeros((0, 2), dtype=np.float32)
        outputs = self.run_batch(batch)
        # the two outputs are told apart by shape, not by position: converters may reorder outputs
        is_gender = [out.ndim == 2 and out.shape[1] == 2 for out in outputs]
        if len(outputs) != 2 or sum(is_gender) != 1:
            raise ModelError(
                f"{self.model_name}: expected two outputs, age (N, 1) and gender (N, 2), got "
                f"{[o.shape for o in outputs]}; the model file does not match this version of pyfaceapi"
            )
        gender, age = (outputs[0], outputs[1]) if is_gender[0] else (outputs[1], outputs[0])
        return self.check_output(age, count, 1)[:, 0], self.check_output(gender, count, 2)

    def predict_age_and_gender(self, input: Any) -> AgeAndGenderPrediction | list[AgeAndGenderPrediction]:
        """Age and gender of the face filling each image (a face crop); a list for a batch input."""
        net_input = self.resolve(input)
        ages, genders = self.forward_batch(self.batch_tensor(net_input.images))
        return single_or_batch(net_input, to_predictions(ages, genders))


def to_predictions(ages: np.ndarray, genders: np.ndarray) -> list[AgeAndGenderPrediction]:
    predictions = []
    for age, prob_male in zip(ages.astype(np.float64).tolist(), genders[:, 0].astype(np.float64).tolist(),
                              strict=True):
        is_male = prob_male > 0.5
        predictions.append(AgeAndGenderPrediction(
            age, Gender.MALE if is_male else Gender.FEMALE, prob_male if is_male else 1 - prob_male
        ))
    return predictions
