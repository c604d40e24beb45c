"""SSD MobileNet V1: face-api.js's default, most accurate face detector (512x512 input).

Pre-processing: pad bottom/right to a square, resize to 512 (the model normalises to -1..1 itself).
The model returns decoded boxes (``ymin, xmin, ymax, xmax`` relative to the padded square) and sigmoid
scores for its 5118 anchors; here follow face-api.js's own NMS (IoU 0.5, strict score threshold) and
its conversion back to image coordinates (clipped to the padded square, so boxes may reach into padding).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..classes import Box, FaceDetection, compute_reshaped_dimensions
from ..errors import InputError, OptionsError
from ..inputs import NetInput
from ..ops import to_input_tensor
from .base import NeuralNetwork

INPUT_SIZE = 512
IOU_THRESHOLD = 0.5


@dataclass(frozen=True)
class SsdMobilenetv1Options:
    """Options of :class:`SsdMobilenetv1` (face-api.js's ``SsdMobilenetv1Options``).

    ``min_confidence``: keep faces scoring strictly above it, in (0, 1). ``max_results``: at most that many.
    """

    min_confidence: float = 0.5
    max_results: int = 100

    def __post_init__(self) -> None:
        if not isinstance(self.min_confidence, (int, float)) or not 0 < self.min_confidence < 1:
            raise OptionsError(
                f"SsdMobilenetv1Options - expected min_confidence to be a number between 0 and 1, "
                f"got {self.min_confidence!r}"
            )
        if isinstance(self.max_results, bool) or not isinstance(self.max_results, int) or self.max_results < 1:
            raise OptionsError(
                f"SsdMobilenetv1Options - expected max_results to be a positive integer, got {self.max_results!r}"
            )


class SsdMobilenetv1(NeuralNetwork):
    model_name = "ssd_mobilenetv1"
    registry_name = "ssd_mobilenetv1"

    def forward(self, net_input: NetInput) -> tuple[np.ndarray, np.ndarray]:
        """Raw model outputs for the first image: boxes (5118, 4) and scores (5118,)."""
        batch = to_input_tensor(net_input.images[0], INPUT_SIZE, center=False)[None]
        boxes, scores = self.run_model(batch)
        return boxes[0], scores[0]

    def locate_faces(self, net_input: NetInput, options: SsdMobilenetv1Options | None = None) -> list[FaceDetection]:
        options = options or SsdMobilenetv1Options()
        if net_input.batch_size != 1:
            raise InputError("face detectors take one image at a time: call them once per image")
        boxes, scores = self.forward(net_input)
        scores = scores.astype(np.float64)
        kept = _non_max_suppression(boxes.astype(np.float64), scores, options.max_results, IOU_THRESHOLD,
                                    options.min_confidence)
        dims = net_input.dims(0)
        reshaped = compute_reshaped_dimensions(dims, INPUT_SIZE)
        if reshaped.width == 0 or reshaped.height == 0:  # thinner than 1:1024 (see TinyYolov2Base._extract_boxes)
            return []
        pad_x, pad_y = INPUT_SIZE / reshaped.width, INPUT_SIZE / reshaped.height
        detections = []
        for index in kept:
            ymin, xmin, ymax, xmax = (float(v) for v in boxes[index])
            top, bottom = max(0.0, ymin) * pad_y, min(1.0, ymax) * pad_y
            left, right = max(0.0, xmin) * pad_x, min(1.0, xmax) * pad_x
            detections.append(FaceDetection(float(scores[index]), Box(left, top, right - left, bottom - top), dims))
        return detections


def _non_max_suppression(
    boxes: np.ndarray, scores: np.ndarray, max_output_size: int, iou_threshold: float, score_threshold: float
) -> list[int]:
    """SSD's own NMS in face-api.js: candidates above the threshold by descending score (ties: lower index
    first); a candidate is kept unless it overlaps a kept box by more than ``iou_threshold``."""
    candidates = np.nonzero(scores > score_threshold)[0]
    remaining = candidates[np.argsort(-scores[candidates], kind="stable")]
    limit = min(max_output_size, len(boxes))
    normalised = np.concatenate(
        [np.minimum(boxes[:, :2], boxes[:, 2:]), np.maximum(boxes[:, :2], boxes[:, 2:])], axis=1
    )
    kept: list[int] = []
    while remaining.size and len(kept) < limit:
        best, remaining = remaining[0], remaining[1:]
        kept.append(int(best))
        remaining = remaining[_iou(normalised[best], normalised[remaining]) <= iou_threshold]
    return kept


def _iou(box: np.ndarray, others: np.ndarray) -> np.ndarray:
    """IoU of one ``ymin, xmin, ymax, xmax`` box with many; 0 where either area is not positive."""
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (others[:, 2] - others[:, 0]) * (others[:, 3] - others[:, 1])
    height = np.maximum(np.minimum(box[2], others[:, 2]) - np.maximum(box[0], others[:, 0]), 0.0)
    width = np.maximum(np.minimum(box[3], others[:, 3]) - np.maximum(box[1], others[:, 1]), 0.0)
    intersection = height * width
    with np.errstate(divide="ignore", invalid="ignore"):
        result = intersection / (area + areas - intersection)
    return np.where((area > 0) & (areas > 0), result, 0.0)
