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
    scale: float | None = None
    """MTCNN stage 1 instead: the whole image resized to ``floor(h * scale) x floor(w * scale)`` with
    ``tf.image.resizeBilinear``, as face-api.js's ``stage1`` does per pyramid scale (``size`` unused)."""

    @property
    def case_id(self) -> str:
        """A short file-name-safe identifier, e.g. ``faces_416_b1`` (``faces_x0.6_b1`` for a scale)."""
        stem = self.images[0].rsplit(".", 1)[0]
        size = f"x{self.scale}" if self.scale is not None else str(self.size)
        return f"{stem}_{size}_b{len(self.images)}"


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
    weights_prefix: str = ""
    """Only the weights whose name starts with this belong to the net (MTCNN's three nets share one
    weights file: ``pnet/``, ``rnet/``, ``onet/``)."""
    pinned_precision: str | None = None
    """Store this precision whatever the per-net float16 rule says (``--precision`` still overrides)."""
    pinned_reason: str = ""


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


MTCNN_NORMALISATION = "(x - 127.5) * 0.0078125"
MTCNN_LAYOUT_NOTE = (
    "face-api.js feeds its MTCNN nets BGR images transposed to [N, W, H, 3] (stage 1: tf.browser.fromPixels + "
    "bgrToRgbTensor, which swaps RGB to BGR, then transpose [0, 2, 1, 3]; stages 2/3: canvas RGBA -> BGR, "
    "tensor4d [1, w, h, 3] + transpose). Both are folded into the weights: conv1's input channels are "
    "reversed, every conv filter is transposed in (kh, kw), and the first fully connected layer's rows are "
    "permuted to the transposed flatten order. So the models take RGB images in natural orientation "
    "[N, H, W, 3] and P-Net's maps come out [1, H', W', C] (face-api.js's are [1, W', H', C]); this is exact "
    "up to float32 summation order.")
MTCNN_PIXELS = ("RGB pixels as float32 in 0..255 (NHWC, natural orientation, no transpose, no BGR swap); the "
                "net's normalisation (x - 127.5) * 0.0078125 is in the graph")


def mtcnn_pnet_output_size(size: int) -> int:
    """P-Net's output cells along an input side: conv 3x3 valid, max pool 2x2/2 'same', 2 x conv 3x3 valid."""
    return -(-(size - 2) // 2) - 4


def _mtcnn_patch_input(size: int) -> TensorContract:
    return TensorContract("input", (-1, size, size, 3), MTCNN_PIXELS + f"; {size}x{size} patches of the squared "
                          "candidate boxes, cut and resized with canvas drawImage semantics (half-pixel centres, "
                          "clamp to edge) and rounded to uint8 by the caller; batch resizable",
                          value_range=PIXEL_RANGE)


def _mtcnn_prob(shape: tuple[int, ...], where: str) -> TensorContract:
    return TensorContract("prob", shape, f"softmax over (non-face, face) {where}; face-api.js uses prob[..., 1] as "
                          "the score", value_range=(0.0, 1.0))


def _mtcnn_regions(shape: tuple[int, ...], unit: str) -> TensorContract:
    return TensorContract("regions", shape, "box regression (left, top, right, bottom) as offsets in units of "
                          f"{unit}; face-api.js reads them as MtcnnBox(r0, r1, r2, r3)")


#: Every face-api.js test image as one patch (tight faces, whole photos, a blank): R-Net / O-Net see both.
#: MTCNN's nets are judged by the cascade, not one by one: each stage rounds its regressed boxes to whole
#: pixels before the next stage cuts its patches, so a tiny regression change can move a box by 1 px and
#: the landmarks by more. Measured with the R-Net, which alone passes the float16 rule: on faces.jpg with
#: minFaceSize 80 and with face-api.js's "all params" options, float16 R-Net weights moved boxes by 1 px and
#: landmarks by up to 2.8 px from face-api.js; float32 gives identical boxes and scores on every reference
#: and landmarks within 1.5e-4 px (tests/unit/test_mtcnn.py).
MTCNN_PRECISION_REASON = ("MTCNN rounds every stage's regressed boxes to whole pixels before cutting the next "
                          "stage's patches, so float16 weights move boxes by 1 px and landmarks by up to 2.8 px "
                          "from face-api.js (faces.jpg, minFaceSize 80); float32 reproduces its boxes exactly")
_MTCNN_PINNED = {"pinned_precision": "float32", "pinned_reason": MTCNN_PRECISION_REASON}
WASM_PRECISION_REASON = ("LiteRT.js (wasm) runs float16 weights' DEQUANTIZE ops on every inference instead of "
                         "folding them: float32 runs the nets 3-5x faster in the browser (Tiny 416: 110 -> 33 ms; one "
                         "face: recognition 97 -> 19.5 ms, expressions 27 -> 5.8, age/gender 44 -> 8.8 ms in "
                         "Chromium), for twice the download; it is also closer to face-api.js")
_WASM_PINNED = {"pinned_precision": "float32", "pinned_reason": WASM_PRECISION_REASON}

_MTCNN_PATCH_CROPS = ("face1.png", "face2.png", "face_rectangular.png", "surprised_cropped.jpg", "angry_cropped.jpg",
                      "angry.jpg", "surprised.jpg", "faces.jpg", "white.png")


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
        **_WASM_PINNED,
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
        **_WASM_PINNED,
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
        **_WASM_PINNED,
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
        **_WASM_PINNED,
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
        **_WASM_PINNED,
    ),
    NetContract(
        name="mtcnn_pnet",
        weights_model="mtcnn_model",
        weights_source="shared",
        weights_prefix="pnet/",
        faceapi_class="Mtcnn (PNet)",
        faceapi_forward="mtcnn/PNet on stage1's rescaleAndNormalize(bgrToRgbTensor(image), scale)",
        normalisation=MTCNN_NORMALISATION,
        input=TensorContract("input", (1, -1, -1, 3), MTCNN_PIXELS + "; the whole image resized to "
                             "floor(h * scale) x floor(w * scale) (tf.image.resizeBilinear, alignCorners=false, no "
                             "half-pixel offset) for each pyramid scale, at least 12x12; spatial dims resizable",
                             value_range=PIXEL_RANGE),
        outputs=(
            _mtcnn_prob((1, -1, -1, 2), "per 12x12 window with stride 2: cell (row i, col j) covers input rows "
                        "2i..2i+11 and cols 2j..2j+11; H' = ceil((H - 2) / 2) - 4"),
            _mtcnn_regions((1, -1, -1, 4), "the cell's 12x12 window"),
        ),
        validation=(ValidationCase(("faces.jpg",), 0, False, scale=0.6),
                    ValidationCase(("faces.jpg",), 0, False, scale=0.0853),
                    ValidationCase(("surprised.jpg",), 0, False, scale=0.3)),
        notes=(MTCNN_LAYOUT_NOTE, "PReLU is rebuilt as face-api.js writes it: relu(x) + alpha * -relu(-x)"),
        **_MTCNN_PINNED,
    ),
    NetContract(
        name="mtcnn_rnet",
        weights_model="mtcnn_model",
        weights_source="shared",
        weights_prefix="rnet/",
        faceapi_class="Mtcnn (RNet)",
        faceapi_forward="mtcnn/RNet on stage2's extractImagePatches(24x24), with prob before unstack",
        normalisation=MTCNN_NORMALISATION,
        input=_mtcnn_patch_input(24),
        outputs=(_mtcnn_prob((-1, 2), "per patch"), _mtcnn_regions((-1, 4), "the candidate box's width/height")),
        validation=(ValidationCase(_MTCNN_PATCH_CROPS, 24, True),),
        notes=(MTCNN_LAYOUT_NOTE,),
        **_MTCNN_PINNED,
    ),
    NetContract(
        name="mtcnn_onet",
        weights_model="mtcnn_model",
        weights_source="shared",
        weights_prefix="onet/",
        faceapi_class="Mtcnn (ONet)",
        faceapi_forward="mtcnn/ONet on stage3's extractImagePatches(48x48), with prob before unstack",
        normalisation=MTCNN_NORMALISATION,
        input=_mtcnn_patch_input(48),
        outputs=(
            _mtcnn_prob((-1, 2), "per patch"),
            _mtcnn_regions((-1, 4), "the candidate box's width/height"),
            TensorContract("points", (-1, 10), "5 landmarks, x0..x4 then y0..y4, relative to the candidate box: "
                           "face-api.js maps them to x * (width + 1) + left, y * (height + 1) + top"),
        ),
        validation=(ValidationCase(_MTCNN_PATCH_CROPS, 48, True),),
        notes=(MTCNN_LAYOUT_NOTE,),
        **_MTCNN_PINNED,
    ),
)

CONTRACTS_BY_NAME: dict[str, NetContract] = {c.name: c for c in CONTRACTS}
