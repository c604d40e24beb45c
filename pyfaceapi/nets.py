"""The nets registry (face-api.js's ``faceapi.nets``) and the low-level per-net functions.

``nets.ssd_mobilenetv1.load()`` loads a bundled model once per process; every task and low-level
function below then uses it. The registry holds one instance per net, as face-api.js does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .classes import FaceDetection
from .inputs import to_net_input
from .networks.base import NeuralNetwork
from .networks.ssd_mobilenetv1 import SsdMobilenetv1, SsdMobilenetv1Options
from .networks.tiny_face_detector import TinyFaceDetector, TinyFaceDetectorOptions
from .networks.tiny_yolov2 import TinyYolov2, TinyYolov2Options


@dataclass(frozen=True)
class Nets:
    """All nets, each loaded on demand (``nets.<name>.load()``)."""

    ssd_mobilenetv1: SsdMobilenetv1
    tiny_face_detector: TinyFaceDetector
    tiny_yolov2: TinyYolov2

    def all(self) -> dict[str, NeuralNetwork]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    def load_all(self, model_dir: Any = None) -> None:
        """Load every bundled model (or every model in ``model_dir``)."""
        for net in self.all().values():
            net.load(model_dir)


nets = Nets(
    ssd_mobilenetv1=SsdMobilenetv1(),
    tiny_face_detector=TinyFaceDetector(),
    tiny_yolov2=TinyYolov2(),
)


def ssd_mobilenetv1(input: Any, options: SsdMobilenetv1Options | None = None) -> list[FaceDetection]:
    """Detect faces with SSD MobileNet V1 (face-api.js's ``faceapi.ssdMobilenetv1``)."""
    return nets.ssd_mobilenetv1.locate_faces(to_net_input(input), options)


def tiny_face_detector(input: Any, options: TinyFaceDetectorOptions | None = None) -> list[FaceDetection]:
    """Detect faces with the Tiny Face Detector (face-api.js's ``faceapi.tinyFaceDetector``)."""
    return nets.tiny_face_detector.locate_faces(to_net_input(input), options)


def tiny_yolov2(input: Any, options: TinyYolov2Options | None = None) -> list[FaceDetection]:
    """Detect faces with Tiny YOLOv2 (face-api.js's ``faceapi.tinyYolov2``)."""
    return nets.tiny_yolov2.locate_faces(to_net_input(input), options)
