"""Tiny YOLOv2 and its base, shared with the Tiny Face Detector.

Pre-processing: pad bottom/right to a square and resize to ``input_size`` (any multiple of 32); the model
normalises and returns the raw last convolution, a (S/32, S/32) grid of 5 anchors x (x, y, w, h, score).
Here the grid is decoded as face-api.js's ``TinyYolov2Base.extractBoxes`` does (sigmoid offsets within the
cell, exp-scaled anchors, correction for the padding), filtered by a strict score threshold and reduced by
face-api.js's NMS at IoU 0.4. Boxes are not clipped: x may be negative.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..classes import Box, Dimensions, FaceDetection, ObjectDetection, compute_reshaped_dimensions
from ..errors import InputError, OptionsError
from ..inputs import NetInput
from ..ops import non_max_suppression, sigmoid, to_input_tensor
from .base import NeuralNetwork

IOU_THRESHOLD = 0.4
ANCHORS_SEPARABLE = np.array(
    [[1.603231, 2.094468], [6.041143, 7.080126], [2.882459, 3.518061], [4.266906, 5.178857], [9.041765, 10.66308]]
)
"""Anchors of the separable-conv Tiny YOLOv2 and of the Tiny Face Detector (width, height in cells)."""


@dataclass(frozen=True)
class TinyYolov2Options:
    """Options of the tiny detectors (face-api.js's ``TinyYolov2Options``).

    ``input_size``: side of the square the image is resized to, a multiple of 32 (smaller is faster,
    larger finds smaller faces; 128, 160, 224, 320, 416, 512, 608 are common). ``score_threshold``: keep
    boxes scoring strictly above it, in (0, 1).
    """

    input_size: int = 416
    score_threshold: float = 0.5

    def __post_init__(self) -> None:
        name = type(self).__name__
        if isinstance(self.input_size, bool) or not isinstance(self.input_size, int) or self.input_size <= 0 \
                or self.input_size % 32:
            raise OptionsError(f"{name} - expected input_size to be a positive number divisible by 32, "
                               f"got {self.input_size!r}")
        if not isinstance(self.score_threshold, (int, float)) or not 0 < self.score_threshold < 1:
            raise OptionsError(f"{name} - expected score_threshold to be a number between 0 and 1, "
                               f"got {self.score_threshold!r}")


class TinyYolov2Base(NeuralNetwork):
    """Decoding shared by :class:`TinyYolov2` and the Tiny Face Detector."""

    anchors: ClassVar[np.ndarray] = ANCHORS_SEPARABLE

    def forward(self, net_input: NetInput, input_size: int) -> np.ndarray:
        """The raw grid for the first image: (S/32, S/32, anchors * 5)."""
        batch = to_input_tensor(net_input.images[0], input_size, center=False)[None]
        return self.run_model(batch)[0][0]

    def locate_faces(self, net_input: NetInput, options: TinyYolov2Options | None = None) -> list[FaceDetection]:
        options = options or TinyYolov2Options()
        if net_input.batch_size != 1:
            raise InputError("face detectors take one image at a time: call them once per image")
        grid = self.forward(net_input, options.input_size)
        dims = net_input.dims(0)
        scores, boxes = self._extract_boxes(grid, compute_reshaped_dimensions(dims, options.input_size),
                                            options.score_threshold)
        scaled = boxes * options.input_size
        bounds = np.stack([scaled[:, 0], scaled[:, 1], scaled[:, 0] + scaled[:, 2], scaled[:, 1] + scaled[:, 3]], 1)
        detections = []
        for index in non_max_suppression(bounds, scores, IOU_THRESHOLD):
            x, y, width, height = (float(v) for v in boxes[index])
            score = float(scores[index])
            # face-api.js goes relative -> ObjectDetection (pixels) -> relativeBox -> FaceDetection (pixels)
            detection = ObjectDetection(score, score, "face", Box(x, y, width, height), dims)
            detections.append(FaceDetection(score, detection.relative_box, dims))
        return detections

    def _extract_boxes(
        self, grid: np.ndarray, reshaped: Dimensions, score_threshold: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """Scores (K,) and relative boxes (K, 4: x, y, width, height) of the cells above the threshold,
        in face-api.js's row, column, anchor order."""
        if reshaped.width == 0 or reshaped.height == 0:
            # a side rounds to 0 pixels at this input size (images thinner than 1:(2 * input_size)): face-api.js
            # divides by it and keeps no box; no face fits in such a sliver anyway
            return np.zeros(0), np.zeros((0, 4))
        num_cells = grid.shape[0]
        cells = grid.reshape(num_cells, num_cells, len(self.anchors), -1).astype(np.float64)
        scores = sigmoid(cells[..., 4])
        rows, cols, anchors = np.nonzero(scores > score_threshold)
        encoded = cells[rows, cols, anchors]
        input_size = max(reshaped.width, reshaped.height)
        correction_x, correction_y = input_size / reshaped.width, input_size / reshaped.height
        center_x = ((cols + sigmoid(encoded[:, 0])) / num_cells) * correction_x
        center_y = ((rows + sigmoid(encoded[:, 1])) / num_cells) * correction_y
        width = ((np.exp(encoded[:, 2]) * self.anchors[anchors, 0]) / num_cells) * correction_x
        height = ((np.exp(encoded[:, 3]) * self.anchors[anchors, 1]) / num_cells) * correction_y
        x, y = center_x - width / 2, center_y - height / 2
        # BoundingBox(x, y, x + w, y + h): face-api.js stores the width as right - left
        boxes = np.stack([x, y, (x + width) - x, (y + height) - y], axis=1)
        return scores[rows, cols, anchors], boxes


class TinyYolov2(TinyYolov2Base):
    """face-api.js's ``TinyYolov2`` (separable-conv variant, its default), a face detector."""

    model_name = "tiny_yolov2"
    registry_name = "tiny_yolov2"
