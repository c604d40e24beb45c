"""face-api.js's value classes: points, sizes, boxes, detections, landmarks and face matches."""

from .box import BoundingBox, Box, Rect
from .detection import FaceDetection, ObjectDetection
from .dimensions import Dimensions, HasDimensions, compute_reshaped_dimensions
from .face_landmarks import FaceLandmarks, FaceLandmarks5, FaceLandmarks68
from .face_match import FaceMatch, LabeledFaceDescriptors
from .point import Point

__all__ = [
    "BoundingBox",
    "Box",
    "Dimensions",
    "FaceDetection",
    "FaceLandmarks",
    "FaceLandmarks5",
    "FaceLandmarks68",
    "FaceMatch",
    "HasDimensions",
    "LabeledFaceDescriptors",
    "ObjectDetection",
    "Point",
    "Rect",
    "compute_reshaped_dimensions",
]
