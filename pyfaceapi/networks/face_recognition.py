"""The face recognition net (face-api.js's ``FaceRecognitionNet``): a ResNet-34 giving 128-d descriptors.

Input: 150x150 face crops (centred padding). In the task chain the crop is the dlib-style square of
``landmarks.align(use_dlib_alignment=True)``. Output: one float32[128] descriptor per face, **not**
L2-normalised (as in face-api.js). Two descriptors of the same person are usually closer than 0.6
(euclidean distance), the default threshold of :class:`~pyfaceapi.FaceMatcher`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .face_processor import FaceProcessor, single_or_batch

DESCRIPTOR_SIZE = 128


class FaceRecognitionNet(FaceProcessor):
    """face-api.js's ``faceRecognitionNet``."""

    model_name = "face_recognition"
    registry_name = "face_recognition_net"
    input_size = 150

    def forward_batch(self, batch: np.ndarray) -> np.ndarray:
        """Descriptors (N, 128) float32 for a prepared batch."""
        if not len(batch):
            return np.zeros((0, DESCRIPTOR_SIZE), dtype=np.float32)
        return self.check_output(self.run_batch(batch)[0], len(batch), DESCRIPTOR_SIZE)

    def compute_face_descriptor(self, input: Any) -> np.ndarray | list[np.ndarray]:
        """The descriptor of the face filling each image (a face crop); a list for a batch input."""
        net_input = self.resolve(input)
        descriptors = self.forward_batch(self.batch_tensor(net_input.images))
        return single_or_batch(net_input, to_descriptors(descriptors))


def to_descriptors(descriptors: np.ndarray) -> list[np.ndarray]:
    """One independent float32[128] array per row (copies, so a result does not pin the whole batch)."""
    return [np.array(row, dtype=np.float32) for row in descriptors]
