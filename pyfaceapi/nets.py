"""The nets registry (face-api.js's ``faceapi.nets``) and the low-level per-net functions.

``nets.ssd_mobilenetv1.load()`` loads a bundled model once per process; every task and low-level
function below then uses it. The registry holds one instance per net, as face-api.js does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .classes import FaceDetection
from .classes.face_landmarks import FaceLandmarks68
from .inputs import to_net_input
from .networks.age_gender import AgeAndGenderPrediction, AgeGenderNet
from .networks.base import NeuralNetwork
from .networks.face_expression import FaceExpressionNet, FaceExpressions
from .networks.face_landmark_68 import FaceLandmark68Net, FaceLandmark68TinyNet
from .networks.face_recognition import FaceRecognitionNet
from .networks.mtcnn import Mtcnn, MtcnnOptions, MtcnnResult
from .networks.ssd_mobilenetv1 import SsdMobilenetv1, SsdMobilenetv1Options
from .networks.tiny_face_detector import TinyFaceDetector, TinyFaceDetectorOptions
from .networks.tiny_yolov2 import TinyYolov2, TinyYolov2Options


@dataclass(frozen=True)
class Nets:
    """All nets, each loaded on demand (``nets.<name>.load()``)."""

    ssd_mobilenetv1: SsdMobilenetv1
    tiny_face_detector: TinyFaceDetector
    tiny_yolov2: TinyYolov2
    mtcnn: Mtcnn
    face_landmark_68_net: FaceLandmark68Net
    face_landmark_68_tiny_net: FaceLandmark68TinyNet
    face_recognition_net: FaceRecognitionNet
    face_expression_net: FaceExpressionNet
    age_gender_net: AgeGenderNet

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
    mtcnn=Mtcnn(),
    face_landmark_68_net=FaceLandmark68Net(),
    face_landmark_68_tiny_net=FaceLandmark68TinyNet(),
    face_recognition_net=FaceRecognitionNet(),
    face_expression_net=FaceExpressionNet(),
    age_gender_net=AgeGenderNet(),
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


def mtcnn(input: Any, options: MtcnnOptions | None = None) -> list[MtcnnResult]:
    """Detect faces and their 5 landmarks with MTCNN (face-api.js's ``faceapi.mtcnn``): each result has a
    ``detection`` and 5-point ``landmarks`` (:class:`~pyfaceapi.FaceLandmarks5`) in image pixels."""
    return nets.mtcnn.forward(to_net_input(input), options)


def detect_face_landmarks(input: Any) -> FaceLandmarks68 | list[FaceLandmarks68]:
    """68 landmarks of the face filling ``input`` (a face crop, or a list of crops -> a list), with the
    68-point net (face-api.js's ``faceapi.detectFaceLandmarks``)."""
    return nets.face_landmark_68_net.detect_landmarks(input)


def detect_face_landmarks_tiny(input: Any) -> FaceLandmarks68 | list[FaceLandmarks68]:
    """As :func:`detect_face_landmarks`, with the tiny landmark net (``faceapi.detectFaceLandmarksTiny``)."""
    return nets.face_landmark_68_tiny_net.detect_landmarks(input)


def compute_face_descriptor(input: Any) -> np.ndarray | list[np.ndarray]:
    """The float32[128] descriptor of the face filling ``input`` (a list of crops -> a list)
    (face-api.js's ``faceapi.computeFaceDescriptor``)."""
    return nets.face_recognition_net.compute_face_descriptor(input)


def recognize_face_expressions(input: Any) -> FaceExpressions | list[FaceExpressions]:
    """Expressions of the face filling ``input`` (a list of crops -> a list)
    (face-api.js's ``faceapi.recognizeFaceExpressions``)."""
    return nets.face_expression_net.predict_expressions(input)


def predict_age_and_gender(input: Any) -> AgeAndGenderPrediction | list[AgeAndGenderPrediction]:
    """Age and gender of the face filling ``input`` (a list of crops -> a list)
    (face-api.js's ``faceapi.predictAgeAndGender``)."""
    return nets.age_gender_net.predict_age_and_gender(input)


# face-api.js's older aliases
detect_landmarks = detect_face_landmarks
locate_faces = ssd_mobilenetv1
