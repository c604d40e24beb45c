"""pyfaceapi: face-api.js in Python, the same code in CPython and in the browser (Pyodide).

    import pyfaceapi as faceapi

    faceapi.nets.ssd_mobilenetv1.load()
    for detection in faceapi.detect_all_faces("photo.jpg").run():
        print(detection.score, detection.box)

Names mirror face-api.js in snake_case (``detectAllFaces`` -> ``detect_all_faces``); results serialise to
face-api.js's own JSON with ``to_dict()``.
"""

from .api import (
    ComposableTask,
    DetectAllFacesTask,
    DetectSingleFaceTask,
    detect_all_faces,
    detect_single_face,
)
from .classes import (
    BoundingBox,
    Box,
    Dimensions,
    FaceDetection,
    ObjectDetection,
    Point,
    Rect,
    compute_reshaped_dimensions,
)
from .errors import FaceApiError, InputError, ModelError, NotLoadedError, OptionsError
from .inputs import NetInput, to_net_input
from .nets import nets, ssd_mobilenetv1, tiny_face_detector, tiny_yolov2
from .networks.ssd_mobilenetv1 import SsdMobilenetv1, SsdMobilenetv1Options
from .networks.tiny_face_detector import TinyFaceDetector, TinyFaceDetectorOptions
from .networks.tiny_yolov2 import TinyYolov2, TinyYolov2Options
from .ops import iou, non_max_suppression

__version__ = "0.1.0"

__all__ = [
    "BoundingBox",
    "Box",
    "ComposableTask",
    "DetectAllFacesTask",
    "DetectSingleFaceTask",
    "Dimensions",
    "FaceApiError",
    "FaceDetection",
    "InputError",
    "ModelError",
    "NetInput",
    "NotLoadedError",
    "ObjectDetection",
    "OptionsError",
    "Point",
    "Rect",
    "SsdMobilenetv1",
    "SsdMobilenetv1Options",
    "TinyFaceDetector",
    "TinyFaceDetectorOptions",
    "TinyYolov2",
    "TinyYolov2Options",
    "compute_reshaped_dimensions",
    "detect_all_faces",
    "detect_single_face",
    "iou",
    "nets",
    "non_max_suppression",
    "ssd_mobilenetv1",
    "tiny_face_detector",
    "tiny_yolov2",
    "to_net_input",
]
