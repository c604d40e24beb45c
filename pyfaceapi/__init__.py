"""pyfaceapi: face-api.js in Python, the same code in CPython and in the browser (Pyodide).

    import pyfaceapi as faceapi

    faceapi.nets.ssd_mobilenetv1.load()
    faceapi.nets.face_landmark_68_net.load()
    faceapi.nets.face_recognition_net.load()
    for face in faceapi.detect_all_faces("photo.jpg").with_face_landmarks().with_face_descriptors().run():
        print(face.detection.score, face.detection.box, face.descriptor[:4])

Names mirror face-api.js in snake_case (``detectAllFaces`` -> ``detect_all_faces``); results serialise to
face-api.js's own JSON with ``to_dict()``.
"""

from . import draw
from .api import (
    ComposableTask,
    ComputeAllFaceDescriptorsTask,
    ComputeSingleFaceDescriptorTask,
    DetectAllFaceLandmarksTask,
    DetectAllFacesTask,
    DetectSingleFaceLandmarksTask,
    DetectSingleFaceTask,
    PredictAllAgeAndGenderTask,
    PredictAllAgeAndGenderWithFaceAlignmentTask,
    PredictAllFaceExpressionsTask,
    PredictAllFaceExpressionsWithFaceAlignmentTask,
    PredictSingleAgeAndGenderTask,
    PredictSingleAgeAndGenderWithFaceAlignmentTask,
    PredictSingleFaceExpressionsTask,
    PredictSingleFaceExpressionsWithFaceAlignmentTask,
    detect_all_faces,
    detect_single_face,
)
from .classes import (
    BoundingBox,
    Box,
    Dimensions,
    FaceDetection,
    FaceLandmarks,
    FaceLandmarks5,
    FaceLandmarks68,
    FaceMatch,
    LabeledFaceDescriptors,
    ObjectDetection,
    Point,
    Rect,
    compute_reshaped_dimensions,
)
from .errors import DescriptorError, FaceApiError, InputError, ModelError, NotLoadedError, OptionsError
from .face_matcher import FaceMatcher
from .inputs import NetInput, to_net_input
from .nets import (
    compute_face_descriptor,
    detect_face_landmarks,
    detect_face_landmarks_tiny,
    detect_landmarks,
    locate_faces,
    mtcnn,
    nets,
    predict_age_and_gender,
    recognize_face_expressions,
    ssd_mobilenetv1,
    tiny_face_detector,
    tiny_yolov2,
)
from .networks.age_gender import AgeAndGenderPrediction, AgeGenderNet, Gender
from .networks.face_expression import (
    FACE_EXPRESSION_LABELS,
    FaceExpressionNet,
    FaceExpressionPrediction,
    FaceExpressions,
)
from .networks.face_landmark_68 import FaceLandmark68Net, FaceLandmark68TinyNet
from .networks.face_recognition import FaceRecognitionNet
from .networks.mtcnn import Mtcnn, MtcnnOptions, MtcnnResult
from .networks.ssd_mobilenetv1 import SsdMobilenetv1, SsdMobilenetv1Options
from .networks.tiny_face_detector import TinyFaceDetector, TinyFaceDetectorOptions
from .networks.tiny_yolov2 import TinyYolov2, TinyYolov2Options
from .ops import iou, non_max_suppression
from .results import (
    FaceResult,
    extend_with_age,
    extend_with_face_descriptor,
    extend_with_face_detection,
    extend_with_face_expressions,
    extend_with_face_landmarks,
    extend_with_gender,
    is_with_age,
    is_with_face_descriptor,
    is_with_face_detection,
    is_with_face_expressions,
    is_with_face_landmarks,
    is_with_gender,
)
from .utils import euclidean_distance, extract_face_tensors, extract_faces, match_dimensions, resize_results

__version__ = "0.1.0"

__all__ = [
    "FACE_EXPRESSION_LABELS",
    "AgeAndGenderPrediction",
    "AgeGenderNet",
    "BoundingBox",
    "Box",
    "ComposableTask",
    "ComputeAllFaceDescriptorsTask",
    "ComputeSingleFaceDescriptorTask",
    "DescriptorError",
    "DetectAllFaceLandmarksTask",
    "DetectAllFacesTask",
    "DetectSingleFaceLandmarksTask",
    "DetectSingleFaceTask",
    "Dimensions",
    "FaceApiError",
    "FaceDetection",
    "FaceExpressionNet",
    "FaceExpressionPrediction",
    "FaceExpressions",
    "FaceLandmark68Net",
    "FaceLandmark68TinyNet",
    "FaceLandmarks",
    "FaceLandmarks5",
    "FaceLandmarks68",
    "FaceMatch",
    "FaceMatcher",
    "FaceRecognitionNet",
    "FaceResult",
    "Gender",
    "InputError",
    "LabeledFaceDescriptors",
    "ModelError",
    "Mtcnn",
    "MtcnnOptions",
    "MtcnnResult",
    "NetInput",
    "NotLoadedError",
    "ObjectDetection",
    "OptionsError",
    "Point",
    "PredictAllAgeAndGenderTask",
    "PredictAllAgeAndGenderWithFaceAlignmentTask",
    "PredictAllFaceExpressionsTask",
    "PredictAllFaceExpressionsWithFaceAlignmentTask",
    "PredictSingleAgeAndGenderTask",
    "PredictSingleAgeAndGenderWithFaceAlignmentTask",
    "PredictSingleFaceExpressionsTask",
    "PredictSingleFaceExpressionsWithFaceAlignmentTask",
    "Rect",
    "SsdMobilenetv1",
    "SsdMobilenetv1Options",
    "TinyFaceDetector",
    "TinyFaceDetectorOptions",
    "TinyYolov2",
    "TinyYolov2Options",
    "compute_face_descriptor",
    "compute_reshaped_dimensions",
    "detect_all_faces",
    "detect_face_landmarks",
    "detect_face_landmarks_tiny",
    "detect_landmarks",
    "detect_single_face",
    "draw",
    "euclidean_distance",
    "extend_with_age",
    "extend_with_face_descriptor",
    "extend_with_face_detection",
    "extend_with_face_expressions",
    "extend_with_face_landmarks",
    "extend_with_gender",
    "extract_face_tensors",
    "extract_faces",
    "iou",
    "is_with_age",
    "is_with_face_descriptor",
    "is_with_face_detection",
    "is_with_face_expressions",
    "is_with_face_landmarks",
    "is_with_gender",
    "locate_faces",
    "match_dimensions",
    "mtcnn",
    "nets",
    "non_max_suppression",
    "predict_age_and_gender",
    "recognize_face_expressions",
    "resize_results",
    "ssd_mobilenetv1",
    "tiny_face_detector",
    "tiny_yolov2",
    "to_net_input",
]
