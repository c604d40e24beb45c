"""What the face-crop nets share (face-api.js's ``FaceProcessor`` family): batching crops into one call.

The landmark, expression and age/gender nets take 112x112 inputs, the recognition net 150x150. Each crop
is zero-padded to a square on *both* sides (``round(diff / 2)`` after the image, the rest before) and
resized bilinearly, exactly as face-api.js's ``NetInput.toBatchTensor(size, true)``; the models
normalise in their graphs. All crops of an image go through the model in **one** call: in Pyodide a
model call has a fixed overhead that a per-face loop would pay once per face.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from ..errors import ModelError
from ..inputs import NetInput, to_net_input
from ..ops import to_batch_tensor
from .base import NeuralNetwork


class FaceProcessor(NeuralNetwork):
    """Base of the nets that look at face crops; ``input_size`` is the side of their square input."""

    input_size: ClassVar[int] = 112

    def batch_tensor(self, images: Sequence[np.ndarray]) -> np.ndarray:
        """The (N, S, S, 3) float32 input for ``images`` (each centred, padded and resized to S)."""
        return to_batch_tensor(images, self.input_size, center=True)

    def run_batch(self, batch: np.ndarray) -> list[np.ndarray]:
        """Run the model on a prepared batch; callers skip the call for an empty batch."""
        return self.run_model(batch)

    @staticmethod
    def resolve(input: Any) -> NetInput:
        return to_net_input(input)

    def check_output(self, array: np.ndarray, batch_size: int, width: int) -> np.ndarray:
        """``array`` as (batch_size, width) float32, or a :class:`ModelError` naming the mismatch."""
        if array.shape[0] != batch_size or array.size != batch_size * width:
            raise ModelError(
                f"{self.model_name}: expected an output of shape ({batch_size}, {width}), got {array.shape}; "
                "the model file does not match this version of pyfaceapi"
            )
        return array.reshape(batch_size, width).astype(np.float32, copy=False)


def single_or_batch(net_input: NetInput, results: list[Any]) -> Any:
    """face-api.js's convention: a batch input returns a list, a single input returns its one result."""
    return results if net_input.is_batch_input else results[0]
