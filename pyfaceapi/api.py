"""Composable tasks, as face-api.js's ``globalApi``: ``detect_all_faces(input, options)`` and friends.

A task is lazy: building it does nothing; ``task.run()`` (or ``await task``) resolves the input, runs the
detector picked by the type of ``options`` and returns typed results.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, Generic, TypeVar

from .classes import FaceDetection
from .errors import OptionsError
from .inputs import to_net_input
from .nets import nets
from .networks.ssd_mobilenetv1 import SsdMobilenetv1Options
from .networks.tiny_face_detector import TinyFaceDetectorOptions
from .networks.tiny_yolov2 import TinyYolov2Options

DetectorOptions = SsdMobilenetv1Options | TinyFaceDetectorOptions | TinyYolov2Options
R = TypeVar("R")


class ComposableTask(Generic[R]):
    """A lazy computation: ``run()`` it, or ``await`` it (in an event loop, e.g. in Pyodide)."""

    def run(self) -> R:
        raise NotImplementedError

    def __await__(self) -> Generator[Any, None, R]:
        async def run() -> R:
            return self.run()

        return run().__await__()


class DetectAllFacesTask(ComposableTask[list[FaceDetection]]):
    def __init__(self, input: Any, options: DetectorOptions | None = None) -> None:
        self.input = input
        self.options = options if options is not None else SsdMobilenetv1Options()

    def run(self) -> list[FaceDetection]:
        options = self.options
        net_input = to_net_input(self.input)
        # TinyFaceDetectorOptions derives from TinyYolov2Options: test it first, as face-api.js does
        if isinstance(options, TinyFaceDetectorOptions):
            return nets.tiny_face_detector.locate_faces(net_input, options)
        if isinstance(options, SsdMobilenetv1Options):
            return nets.ssd_mobilenetv1.locate_faces(net_input, options)
        if isinstance(options, TinyYolov2Options):
            return nets.tiny_yolov2.locate_faces(net_input, options)
        raise OptionsError(
            "detect_faces - expected options to be an instance of TinyFaceDetectorOptions | "
            f"SsdMobilenetv1Options | TinyYolov2Options, got {type(options).__name__}"
        )


class DetectSingleFaceTask(ComposableTask[FaceDetection | None]):
    def __init__(self, input: Any, options: DetectorOptions | None = None) -> None:
        self.input = input
        self.options = options

    def run(self) -> FaceDetection | None:
        """The detection with the highest score (the first of equals), or ``None`` if there is no face."""
        detections = DetectAllFacesTask(self.input, self.options).run()
        best = detections[0] if detections else None
        for detection in detections:
            if best is not None and detection.score > best.score:
                best = detection
        return best


def detect_all_faces(input: Any, options: DetectorOptions | None = None) -> DetectAllFacesTask:
    """All faces in ``input``; the type of ``options`` picks the detector (SSD MobileNet V1 by default)."""
    return DetectAllFacesTask(input, options)


def detect_single_face(input: Any, options: DetectorOptions | None = None) -> DetectSingleFaceTask:
    """The face with the highest score in ``input``, or ``None``."""
    return DetectSingleFaceTask(input, options)
