"""Tiny Face Detector: face-api.js's small, fast detector (a Tiny YOLOv2 on depthwise-separable convs).

It shares all its decoding with :mod:`.tiny_yolov2`; only the weights differ (same anchors and means).
"""

from __future__ import annotations

from dataclasses import dataclass

from .tiny_yolov2 import TinyYolov2Base, TinyYolov2Options


@dataclass(frozen=True)
class TinyFaceDetectorOptions(TinyYolov2Options):
    """Options of :class:`TinyFaceDetector`: ``input_size`` (multiple of 32, default 416) and
    ``score_threshold`` (default 0.5)."""


class TinyFaceDetector(TinyYolov2Base):
    model_name = "tiny_face_detector"
    registry_name = "tiny_face_detector"
