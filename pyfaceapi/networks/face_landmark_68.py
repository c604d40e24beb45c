"""The 68-point landmark nets: ``FaceLandmark68Net`` (default) and ``FaceLandmark68TinyNet`` (smaller, faster).

Both take 112x112 crops and return 136 numbers per face: (x, y) of the 68 points relative to the padded
112-px square. face-api.js's ``postProcess`` then undoes the padding and scales to the crop, in float32:

    relative = (output * 112 - padding) / (crop size * 112 / max(crop width, crop height))

where ``padding`` is half the difference between the scaled sides, on the short axis. Points are then
multiplied by the crop's width and height (``FaceLandmarks68``). The post-processing assumes the
padding is split exactly in half, while ``padToSquare`` puts an odd pixel after the image; the resulting
half-pixel offset is face-api.js's, so it is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..classes.dimensions import Dimensions
from ..classes.face_landmarks import FaceLandmarks68
from .face_processor import FaceProcessor, single_or_batch

NUM_POINTS = 68


class FaceLandmark68NetBase(FaceProcessor):
    """Shared forward pass and post-processing of the two landmark nets."""

    input_size = 112

    def forward(self, input: Any) -> np.ndarray:
        """Relative landmarks (N, 136) float32 for each image of ``input`` (face-api.js's ``forward``)."""
        net_input = self.resolve(input)
        dims = [net_input.dims(i) for i in range(net_input.batch_size)]
        return self.forward_batch(self.batch_tensor(net_input.images), dims)

    def forward_batch(self, batch: np.ndarray, dims: Sequence[Dimensions]) -> np.ndarray:
        """Relative landmarks for a prepared batch of crops of sizes ``dims``."""
        if not dims:
            return np.zeros((0, 2 * NUM_POINTS), dtype=np.float32)
        output = self.check_output(self.run_batch(batch)[0], len(dims), 2 * NUM_POINTS)
        return post_process(output, self.input_size, dims)

    def detect_landmarks(self, input: Any) -> FaceLandmarks68 | list[FaceLandmarks68]:
        """68 landmarks of the face filling each image (a face crop); a list for a batch input.

        The landmarks are in pixels of the image (shift 0); ``image_width``/``image_height`` are its size.
        """
        net_input = self.resolve(input)
        dims = [net_input.dims(i) for i in range(net_input.batch_size)]
        relative = self.forward_batch(self.batch_tensor(net_input.images), dims)
        return single_or_batch(net_input, to_face_landmarks(relative, dims))


class FaceLandmark68Net(FaceLandmark68NetBase):
    """face-api.js's ``faceLandmark68Net`` (~350 kB of weights, the accurate one)."""

    model_name = "face_landmark_68"
    registry_name = "face_landmark_68_net"


class FaceLandmark68TinyNet(FaceLandmark68NetBase):
    """face-api.js's ``faceLandmark68TinyNet`` (~80 kB of weights, a little less accurate)."""

    model_name = "face_landmark_68_tiny"
    registry_name = "face_landmark_68_tiny_net"


def post_process(output: np.ndarray, input_size: int, dims: Sequence[Dimensions]) -> np.ndarray:
    """face-api.js's ``FaceLandmark68NetBase.postProcess``, vectorised over the batch, in float32."""
    sizes = np.array([[d.width, d.height] for d in dims], dtype=np.float64)
    scale = input_size / sizes.max(axis=1)
    scaled = sizes * scale[:, None]  # the crop's size inside the square, unrounded
    width, height = scaled[:, 0], scaled[:, 1]
    half_diff = np.abs(width - height) / 2
    padding = np.stack([np.where(width < height, half_diff, 0.0), np.where(height < width, half_diff, 0.0)], 1)
    interleaved_padding = np.tile(padding.astype(np.float32), NUM_POINTS)
    interleaved_size = np.tile(scaled.astype(np.float32), NUM_POINTS)
    shifted = output.astype(np.float32) * np.float32(input_size) - interleaved_padding
    return shifted / interleaved_size


def to_face_landmarks(relative: np.ndarray, dims: Sequence[Dimensions]) -> list[FaceLandmarks68]:
    """One :class:`FaceLandmarks68` per row of relative landmarks, in a region of the matching size."""
    points = relative.astype(np.float64).reshape(len(dims), NUM_POINTS, 2)
    return [FaceLandmarks68(points[i], dims[i]) for i in range(len(dims))]
