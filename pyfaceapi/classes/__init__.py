"""face-api.js's value classes: points, sizes, boxes and detections."""

from .box import BoundingBox, Box, Rect
from .detection import FaceDetection, ObjectDetection
from .dimensions import Dimensions, HasDimensions, compute_reshaped_dimensions
from .point import Point

__all__ = [
    "BoundingBox",
    "Box",
    "Dimensions",
    "FaceDetection",
    "HasDimensions",
    "ObjectDetection",
    "Point",
    "Rect",
    "compute_reshaped_dimensions",
]
