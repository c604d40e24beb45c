"""The I/O contract of every converted model, and how each one is validated.

This module is the single source of truth for names, shapes and meanings written to
``models/manifest.json``.  It needs neither TensorFlow nor numpy, so tests can import it.
Shapes use ``-1`` for a dimension the caller may resize (``resize_tensor_input``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The npm package whose ``model/`` folder provides seven of the eight nets' weights.
WEIGHTS_PACKAGE = "@vladmandic/face-api"
WEIGHTS_VERSION = "1.7.15"
#: ``dist.integrity`` of that tarball on the npm registry (checked after ``npm pack``).
WEIGHTS_INTEGRITY = "sha512-WDMmK3CfNLo8jylWqMoQgf4nIst3M0fzx1dnac96wv/dvMTN4DxC/Pq1DGtduDk1lktCamQ3MIDXFnvrdHTXDw=="
#: The library whose forward passes are reproduced.
REFERENCE_PACKAGE = "face-api.js@0.22.2"

MEAN_RGB_TINY = (117.001, 114.697, 97.404)
MEAN_RGB_FACE = (122.782, 117.001, 104.298)
#: (width, height) anchors in grid cells; TinyFaceDetector BOX_ANCHORS == TinyYolov2 BOX_ANCHORS_SEPARABLE.
TINY_ANCHORS = ((1.603231, 2.094468), (6.041143, 7.080126), (2.882459, 3.518061), (4.266906, 5.178857),
                (9.041765, 10.66308))

INPUT_PIXELS = ("RGB pixels as float32 in 0..255 (NHWC), already zero-padded to a square and resized with "
                "bilinear interpolation (tfjs resizeBilinear, alignCorners=false, no half-pixel offset) by the "
                "caller; the net's normalisation is in the graph")


@dataclass(frozen=True)
class TensorContract:
    """Name, shape (``-1`` = resizable), dtype and meaning of one model input or output."""

    name: str
    shape: tuple[int, ...]
    meaning: str
    dtype: str = "float32"
    value_range: tuple[float, float] | None = None


@dataclass(frozen=True)
class ValidationCase:
    """One run of face-api.js and of the .tflite on the same input.

    ``images`` are paths relative to the face-api.js test image folder; each becomes one batch
    entry, padded to a square (``centered`` = both sides, as the 112/150-px nets do; otherwise
    bottom/right) and resized to ``size`` by face-api.js's own ``NetInput.toBatchTensor``.
    """

    images: tuple[str, ...]
    size: int
    centered: bool

    @property
    def case_id(self) -> str:
        """A short file-name-safe identifier, e.g. ``faces_416_b1``."""
        stem = self.images[0].rsplit(".", 1)[0]
        return f"{stem}_{self.size}_b{len(self.images)}"


@dataclass(frozen=True)
class NetContract:
    """Everything about one model except its TensorFlow forward pass (see ``nets.py``)."""

    name: str
    weights_model: str
    weights_source: str  # "package" (@vladmandic/face-api model/) or "shared" (tiny_yolov2 weights dir)
    faceapi_class: str
    faceapi_forward: str
    normalisation: str
    input: TensorContract
    outputs: tuple[TensorContract, ...]
    validation: tuple[ValidationCase, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)


_FACE_CROPS = ("face1.png", "face_rectangular.png", "surprised_cropped.jpg")


PIXEL_RANGE = (0.0, 255.0)


def _face_input(size: int) -> TensorContract:
    return TensorContract("input", (-1, size, size, 3), INPUT_PIXELS + f"; {size}x{size}, symmetric padding "
                          "(round(diff/2) after the image, the rest before); batch resizable",
                          value_range=PIXEL_RANGE)


def _tiny_input() -> TensorContract:
    return TensorContract("input", (1, -1, -1, 3), INPUT_PIXELS + "; S x S with S a multiple of 32 (default 416), "
                          "padding at the bottom/right only; spatial dims resizable", value_range=PIXEL_RANGE)


def _tiny_output(extra: str) -> TensorContract:
    return TensorContract("output", (1, -1, -1, 25),
                          "raw final conv of shape [1, S/32, S/32, 25]: per cell 5 anchors x (tx, ty, tw, th, "
                          "score logit), no sigmoid applied; decode as TinyYolov2Base.extractBoxes " + extra)


CONTRACTS: tuple[NetContract, ...] = (
    NetContract(
        name="ssd_mobilenetv1",
        weights_model="ssd_mobilenetv1_model",
        weights_source="package",
        faceapi_class="SsdMobilenetv1",
        faceapi_forward="forwardInput (mobileNetV1 -> predictionLayer -> outputLayer)",
        normalisation="x * 0.007843137718737125 - 1",
        input=TensorContract("input", (1, 512, 512, 3), INPUT_PIXELS + "; 512x512, padding at the bottom/right",
                             value_range=PIXEL_RANGE),
        outputs=(
            TensorContract("boxes", (1, 5118, 4), "decoded anchor boxes (ymin, xmin, ymax, xmax) relative to the "
                           "padded square, unclipped (face-api.js clips to [0, 1] after NMS)"),
            TensorContract("scores", (1, 5118), "sigmoid of class 1 (face) per anchor"),
        ),
        validation=(ValidationCase(("faces.jpg",), 512, False), ValidationCase(("angry.jpg",), 512, False)),
    ),
    NetContract(
        name="tiny_face_detector",
        weights_model="tiny_face_detector_model",
        weights_source="package",
        faceapi_class="TinyFaceDetector",
        faceapi_forward="TinyYolov2Base.forwardInput -> runMobilenet (isFirstLayerConv2d: true)",
        normalisation=f"(x - {list(MEAN_RGB_TINY)}) / 256",
        input=_tiny_input(),
        outputs=(_tiny_output("with the TinyFaceDetector anchors"),),
        validation=(ValidationCase(("faces.jpg",), 416, False), ValidationCase(("faces.jpg",), 608, False),
                    ValidationCase(("surprised.jpg",), 160, False)),
        notes=("the first layer is a 3x3 conv with 'valid' padding (S -> S-2); the grid is still S/32",),
    ),
    NetContract(
        name="tiny_yolov2",
        weights_model="tiny_yolov2_separable_conv_model",
        weights_source="shared",
        faceapi_class="TinyYolov2 (withSeparableConvs: true, the default)",
        faceapi_forward="TinyYolov2Base.forwardInput -> runMobilenet (isFirstLayerConv2d: false)",
        normalisation=f"(x - {list(MEAN_RGB_TINY)}) / 256",
        input=_tiny_input(),
        outputs=(_tiny_output("with the TinyYolov2 BOX_ANCHORS_SEPARABLE (same values as the tiny face detector's)"),),
        validation=(ValidationCase(("faces.jpg",), 416, False), ValidationCase(("faces.jpg",), 608, False),
                    ValidationCase(("surprised.jpg",), 160, False)),
    ),
    NetContract(
        name="face_landmark_68",
        weights_model="face_landmark_68_model",
        weights_source="package",
        faceapi_class="FaceLandmark68Net",
        faceapi_forward="FaceProcessor.runNet (FaceFeatureExtractor.forwardInput -> fc), before postProcess",
        normalisation=f"(x - {list(MEAN_RGB_FACE)}) / 255",
        input=_face_input(112),
        outputs=(TensorContract("landmarks", (-1, 136), "68 (x, y) pairs interleaved, relative to the 112x112 "
                                "input (postProcess removes the padding and scales to the crop)"),),
        validation=(ValidationCase(_FACE_CROPS, 112, True),),
    ),
    NetContract(
        name="face_landmark_68_tiny",
        weights_model="face_landmark_68_tiny_model",
        weights_source="package",
        faceapi_class="FaceLandmark68TinyNet",
        faceapi_forward="FaceProcessor.runNet (TinyFaceFeatureExtractor.forwardInput -> fc), before postProcess",
        normalisation=f"(x - {list(MEAN_RGB_FACE)}) / 255",
        input=_face_input(112),
        outputs=(TensorContract("landmarks", (-1, 136), "68 (x, y) pairs interleaved, relative to the 112x112 "
                                "input (postProcess removes the padding and scales to the crop)"),),
        validation=(ValidationCase(_FACE_CROPS, 112, True),),
    ),
    NetContract(
        name="face_recognition",
        weights_model="face_recognition_model",
        weights_source="package",
        faceapi_class="FaceRecognitionNet",
        faceapi_forward="forwardInput (ResNet-34 -> mean over H, W -> matMul fc)",
        normalisation=f"(x - {list(MEAN_RGB_FACE)}) / 256",
        input=_face_input(150),
        outputs=(TensorContract("descriptor", (-1, 128), "face descriptor, not L2-normalised"),),
        validation=(ValidationCase(_FACE_CROPS, 150, True),),
    ),
    NetContract(
        name="face_expression",
        weights_model="face_expression_model",
        weights_source="package",
        faceapi_class="FaceExpressionNet",
        faceapi_forward="forwardInput = softmax(runNet)",
        normalisation=f"(x - {list(MEAN_RGB_FACE)}) / 255",
        input=_face_input(112),
        outputs=(TensorContract("expressions", (-1, 7), "softmax probabilities in the order neutral, happy, sad, "
                                "angry, fearful, disgusted, surprised"),),
        validation=(ValidationCase(_FACE_CROPS, 112, True),),
    ),
    NetContract(
        name="age_gender",
        weights_model="age_gender_model",
        weights_source="package",
        faceapi_class="AgeGenderNet",
        faceapi_forward="forwardInput (TinyXception(2) -> avgPool 7 -> fc age / softmax(fc gender))",
        normalisation=f"(x - {list(MEAN_RGB_FACE)}) / 256",
        input=_face_input(112),
        outputs=(
            TensorContract("age", (-1, 1), "age in years (float); face-api.js flattens it to [N]"),
            TensorContract("gender", (-1, 2), "softmax probabilities (male, female); face-api.js reports male if "
                           "p_male > 0.5 and genderProbability = max(p_male, 1 - p_male)"),
        ),
        validation=(ValidationCase(_FACE_CROPS, 112, True),),
        notes=("TinyXception divides by 256, not 255 like the other 112-px nets",),
    ),
)

CONTRACTS_BY_NAME: dict[str, NetContract] = {c.name: c for c in CONTRACTS}
