"""Composable tasks, as face-api.js's ``globalApi``: ``detect_all_faces(input, options)`` and what follows it.

A task is lazy: building a chain does nothing; ``task.run()`` (or ``await task``) resolves the input once,
runs the detector picked by the type of ``options``, then each stage in order::

    results = (faceapi.detect_all_faces(image)
               .with_face_landmarks()          # 68 points; use_tiny_model=True for the tiny net
               .with_face_expressions()        # on the aligned crop (landmarks' box + 20%)
               .with_age_and_gender()
               .with_face_descriptors()        # on the dlib-style square from the landmarks
               .run())                         # -> list[FaceResult]

``detect_single_face`` gives the same chain for the best-scoring face (``with_face_descriptor`` singular)
and returns one :class:`~pyfaceapi.FaceResult` or ``None``. The methods available after each step are
face-api.js's: descriptors need landmarks; expressions and age/gender work with or without them (without,
they see the detection box, "unaligned").

Each stage crops all faces of the image and runs its net **once** on the whole batch; the expression and
age/gender stages share their prepared crops when they follow each other.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from typing import Any, ClassVar, Generic, TypeVar

import numpy as np

from .classes import Box, Dimensions, FaceDetection
from .errors import InputError, OptionsError
from .inputs import NetInput, to_net_input
from .nets import nets
from .networks.age_gender import to_predictions
from .networks.face_expression import to_face_expressions
from .networks.face_landmark_68 import FaceLandmark68NetBase, to_face_landmarks
from .networks.face_processor import FaceProcessor
from .networks.face_recognition import to_descriptors
from .networks.mtcnn import MtcnnOptions
from .networks.ssd_mobilenetv1 import SsdMobilenetv1Options
from .networks.tiny_face_detector import TinyFaceDetectorOptions
from .networks.tiny_yolov2 import TinyYolov2Options
from .results import (
    FaceResult,
    extend_with_age,
    extend_with_face_descriptor,
    extend_with_face_expressions,
    extend_with_face_landmarks,
    extend_with_gender,
    is_with_face_landmarks,
)
from .utils import CropTarget, crop, face_crop_boxes

DetectorOptions = SsdMobilenetv1Options | TinyFaceDetectorOptions | TinyYolov2Options | MtcnnOptions
R = TypeVar("R")


class ComposableTask(Generic[R]):
    """A lazy computation: ``run()`` it, or ``await`` it (in an event loop, e.g. in Pyodide)."""

    def run(self) -> R:
        raise NotImplementedError

    def __await__(self) -> Generator[Any, None, R]:
        async def run() -> R:
            return self.run()

        return run().__await__()


class RunContext:
    """One run of a chain: the resolved input, and the face batches already prepared for it.

    Stages ask for ``batch(size, targets)``; a batch for the same crops and size is built once (the
    expression and age/gender nets both take the 112-px aligned crops).
    """

    def __init__(self, input: Any) -> None:
        self.net_input: NetInput = to_net_input(input)
        self._batches: dict[tuple[Any, ...], tuple[np.ndarray, list[Box]]] = {}

    @property
    def image(self) -> np.ndarray:
        if self.net_input.batch_size != 1:
            raise InputError("the task chain takes one image at a time: run it once per image")
        return self.net_input.images[0]

    def batch(self, net: FaceProcessor, targets: Sequence[CropTarget]) -> tuple[np.ndarray, list[Box]]:
        """The (N, S, S, 3) input of ``net`` for the crops of ``targets``, and the integer crop boxes."""
        image = self.image
        boxes = face_crop_boxes(image.shape[1], image.shape[0], targets)
        key = (net.input_size, *((b.x, b.y, b.width, b.height) for b in boxes))
        if key not in self._batches:
            tensor = (net.batch_tensor([crop(image, box) for box in boxes]) if boxes
                      else np.zeros((0, net.input_size, net.input_size, 3), dtype=np.float32))
            self._batches[key] = (tensor, boxes)
        return self._batches[key]


class ChainTask(ComposableTask[R]):
    """A task whose results can feed further stages (``_results`` gives them as a list)."""

    input: Any

    def _results(self, ctx: RunContext) -> list[FaceResult]:
        raise NotImplementedError


# -- detection
class DetectAllFacesTask(ChainTask[list[FaceDetection]]):
    """All faces of an image; ``run()`` gives :class:`FaceDetection` objects, or go on with a stage."""

    def __init__(self, input: Any, options: DetectorOptions | None = None) -> None:
        self.input = input
        self.options = options if options is not None else SsdMobilenetv1Options()

    def run(self) -> list[FaceDetection]:
        return self._detect(to_net_input(self.input))

    def _detect(self, net_input: NetInput) -> list[FaceDetection]:
        options = self.options
        if isinstance(options, MtcnnOptions):
            return [result.detection for result in nets.mtcnn.forward(net_input, options)]
        # TinyFaceDetectorOptions derives from TinyYolov2Options: test it first, as face-api.js does
        if isinstance(options, TinyFaceDetectorOptions):
            return nets.tiny_face_detector.locate_faces(net_input, options)
        if isinstance(options, SsdMobilenetv1Options):
            return nets.ssd_mobilenetv1.locate_faces(net_input, options)
        if isinstance(options, TinyYolov2Options):
            return nets.tiny_yolov2.locate_faces(net_input, options)
        raise OptionsError(
            "detect_faces - expected options to be an instance of TinyFaceDetectorOptions | "
            f"SsdMobilenetv1Options | MtcnnOptions | TinyYolov2Options, got {type(options).__name__}"
        )

    def _results(self, ctx: RunContext) -> list[FaceResult]:
        return [FaceResult(detection) for detection in self._detect(ctx.net_input)]

    def with_face_landmarks(self, use_tiny_model: bool = False) -> DetectAllFaceLandmarksTask:
        return DetectAllFaceLandmarksTask(self, self.input, use_tiny_model)

    def with_face_expressions(self) -> PredictAllFaceExpressionsTask:
        return PredictAllFaceExpressionsTask(self, self.input)

    def with_age_and_gender(self) -> PredictAllAgeAndGenderTask:
        return PredictAllAgeAndGenderTask(self, self.input)


class DetectSingleFaceTask(ChainTask[FaceDetection | None]):
    """The best-scoring face of an image; ``run()`` gives a :class:`FaceDetection` or ``None``."""

    def __init__(self, input: Any, options: DetectorOptions | None = None) -> None:
        self.input = input
        self.options = options

    def run(self) -> FaceDetection | None:
        """The detection with the highest score (the first of equals), or ``None`` if there is no face."""
        return self._best(to_net_input(self.input))

    def _best(self, net_input: NetInput) -> FaceDetection | None:
        detections = DetectAllFacesTask(self.input, self.options)._detect(net_input)
        best = detections[0] if detections else None
        for detection in detections:
            if best is not None and detection.score > best.score:
                best = detection
        return best

    def _results(self, ctx: RunContext) -> list[FaceResult]:
        best = self._best(ctx.net_input)
        return [] if best is None else [FaceResult(best)]

    def with_face_landmarks(self, use_tiny_model: bool = False) -> DetectSingleFaceLandmarksTask:
        return DetectSingleFaceLandmarksTask(self, self.input, use_tiny_model)

    def with_face_expressions(self) -> PredictSingleFaceExpressionsTask:
        return PredictSingleFaceExpressionsTask(self, self.input)

    def with_age_and_gender(self) -> PredictSingleAgeAndGenderTask:
        return PredictSingleAgeAndGenderTask(self, self.input)


# -- the stages, on all faces of one image at once
def detect_landmarks_stage(
    ctx: RunContext, results: list[FaceResult], net: FaceLandmark68NetBase
) -> list[FaceResult]:
    """Landmarks of each detection's crop, shifted by the detection box (``aligned_rect`` follows)."""
    if not results:
        return []
    tensor, boxes = ctx.batch(net, [result.detection for result in results])
    dims = [Dimensions(box.width, box.height) for box in boxes]
    landmarks = to_face_landmarks(net.forward_batch(tensor, dims), dims)
    return [extend_with_face_landmarks(r, lm) for r, lm in zip(results, landmarks, strict=True)]


def alignment_targets(results: list[FaceResult]) -> list[FaceDetection]:
    """What the expression and age/gender nets crop: ``aligned_rect`` when landmarks exist, else the
    detection (face-api.js's ``extractAllFacesAndComputeResults``)."""
    return [r.aligned_rect if is_with_face_landmarks(r) and r.aligned_rect else r.detection for r in results]


def predict_expressions_stage(ctx: RunContext, results: list[FaceResult]) -> list[FaceResult]:
    if not results:
        return []
    net = nets.face_expression_net
    tensor, _ = ctx.batch(net, alignment_targets(results))
    expressions = to_face_expressions(net.forward_batch(tensor))
    return [extend_with_face_expressions(r, e) for r, e in zip(results, expressions, strict=True)]


def predict_age_and_gender_stage(ctx: RunContext, results: list[FaceResult]) -> list[FaceResult]:
    if not results:
        return []
    net = nets.age_gender_net
    tensor, _ = ctx.batch(net, alignment_targets(results))
    predictions = to_predictions(*net.forward_batch(tensor))
    return [
        extend_with_age(extend_with_gender(r, p.gender, p.gender_probability), p.age)
        for r, p in zip(results, predictions, strict=True)
    ]


def compute_descriptors_stage(ctx: RunContext, results: list[FaceResult]) -> list[FaceResult]:
    """Descriptors of the dlib-aligned squares (``landmarks.align(use_dlib_alignment=True)``)."""
    if not results:
        return []
    net = nets.face_recognition_net
    targets: list[CropTarget] = []
    for result in results:
        if result.landmarks is None:  # unreachable through the typed chain
            raise InputError("face descriptors need landmarks: call with_face_landmarks() first")
        targets.append(result.landmarks.align(use_dlib_alignment=True))
    tensor, _ = ctx.batch(net, targets)
    descriptors = to_descriptors(net.forward_batch(tensor))
    return [extend_with_face_descriptor(r, d) for r, d in zip(results, descriptors, strict=True)]


class _StageTask(ChainTask[R]):
    """A stage after ``parent``; ``single`` tasks return the one result (or ``None``) instead of a list."""

    single: ClassVar[bool] = False

    def __init__(self, parent: ChainTask[Any], input: Any) -> None:
        self.parent = parent
        self.input = input

    def run(self) -> R:
        results = self._results(RunContext(self.input))
        if self.single:
            return results[0] if results else None  # type: ignore[return-value]
        return results  # type: ignore[return-value]

    def _results(self, ctx: RunContext) -> list[FaceResult]:
        return self._stage(ctx, self.parent._results(ctx))

    def _stage(self, ctx: RunContext, results: list[FaceResult]) -> list[FaceResult]:
        raise NotImplementedError


class _AllStage(_StageTask[list[FaceResult]]):
    pass


class _SingleStage(_StageTask[FaceResult | None]):
    single = True


# the stage mixins: what a stage computes, independent of all-faces / single-face
class _LandmarksStage:
    def __init__(self, parent: ChainTask[Any], input: Any, use_tiny_model: bool = False) -> None:
        super().__init__(parent, input)  # type: ignore[call-arg]  # the _StageTask next in the MRO
        self.use_tiny_model = use_tiny_model

    @property
    def landmark_net(self) -> FaceLandmark68NetBase:
        return nets.face_landmark_68_tiny_net if self.use_tiny_model else nets.face_landmark_68_net

    def _stage(self, ctx: RunContext, results: list[FaceResult]) -> list[FaceResult]:
        return detect_landmarks_stage(ctx, results, self.landmark_net)


class _ExpressionsStage:
    def _stage(self, ctx: RunContext, results: list[FaceResult]) -> list[FaceResult]:
        return predict_expressions_stage(ctx, results)


class _AgeAndGenderStage:
    def _stage(self, ctx: RunContext, results: list[FaceResult]) -> list[FaceResult]:
        return predict_age_and_gender_stage(ctx, results)


class _DescriptorsStage:
    def _stage(self, ctx: RunContext, results: list[FaceResult]) -> list[FaceResult]:
        return compute_descriptors_stage(ctx, results)


# -- all faces
class DetectAllFaceLandmarksTask(_LandmarksStage, _AllStage):
    def with_face_expressions(self) -> PredictAllFaceExpressionsWithFaceAlignmentTask:
        return PredictAllFaceExpressionsWithFaceAlignmentTask(self, self.input)

    def with_age_and_gender(self) -> PredictAllAgeAndGenderWithFaceAlignmentTask:
        return PredictAllAgeAndGenderWithFaceAlignmentTask(self, self.input)

    def with_face_descriptors(self) -> ComputeAllFaceDescriptorsTask:
        return ComputeAllFaceDescriptorsTask(self, self.input)


class PredictAllFaceExpressionsTask(_ExpressionsStage, _AllStage):
    def with_age_and_gender(self) -> PredictAllAgeAndGenderTask:
        return PredictAllAgeAndGenderTask(self, self.input)


class PredictAllFaceExpressionsWithFaceAlignmentTask(PredictAllFaceExpressionsTask):
    def with_age_and_gender(self) -> PredictAllAgeAndGenderWithFaceAlignmentTask:
        return PredictAllAgeAndGenderWithFaceAlignmentTask(self, self.input)

    def with_face_descriptors(self) -> ComputeAllFaceDescriptorsTask:
        return ComputeAllFaceDescriptorsTask(self, self.input)


class PredictAllAgeAndGenderTask(_AgeAndGenderStage, _AllStage):
    def with_face_expressions(self) -> PredictAllFaceExpressionsTask:
        return PredictAllFaceExpressionsTask(self, self.input)


class PredictAllAgeAndGenderWithFaceAlignmentTask(PredictAllAgeAndGenderTask):
    def with_face_expressions(self) -> PredictAllFaceExpressionsWithFaceAlignmentTask:
        return PredictAllFaceExpressionsWithFaceAlignmentTask(self, self.input)

    def with_face_descriptors(self) -> ComputeAllFaceDescriptorsTask:
        return ComputeAllFaceDescriptorsTask(self, self.input)


class ComputeAllFaceDescriptorsTask(_DescriptorsStage, _AllStage):
    def with_face_expressions(self) -> PredictAllFaceExpressionsWithFaceAlignmentTask:
        return PredictAllFaceExpressionsWithFaceAlignmentTask(self, self.input)

    def with_age_and_gender(self) -> PredictAllAgeAndGenderWithFaceAlignmentTask:
        return PredictAllAgeAndGenderWithFaceAlignmentTask(self, self.input)


# -- the single best face
class DetectSingleFaceLandmarksTask(_LandmarksStage, _SingleStage):
    def with_face_expressions(self) -> PredictSingleFaceExpressionsWithFaceAlignmentTask:
        return PredictSingleFaceExpressionsWithFaceAlignmentTask(self, self.input)

    def with_age_and_gender(self) -> PredictSingleAgeAndGenderWithFaceAlignmentTask:
        return PredictSingleAgeAndGenderWithFaceAlignmentTask(self, self.input)

    def with_face_descriptor(self) -> ComputeSingleFaceDescriptorTask:
        return ComputeSingleFaceDescriptorTask(self, self.input)


class PredictSingleFaceExpressionsTask(_ExpressionsStage, _SingleStage):
    def with_age_and_gender(self) -> PredictSingleAgeAndGenderTask:
        return PredictSingleAgeAndGenderTask(self, self.input)


class PredictSingleFaceExpressionsWithFaceAlignmentTask(PredictSingleFaceExpressionsTask):
    def with_age_and_gender(self) -> PredictSingleAgeAndGenderWithFaceAlignmentTask:
        return PredictSingleAgeAndGenderWithFaceAlignmentTask(self, self.input)

    def with_face_descriptor(self) -> ComputeSingleFaceDescriptorTask:
        return ComputeSingleFaceDescriptorTask(self, self.input)


class PredictSingleAgeAndGenderTask(_AgeAndGenderStage, _SingleStage):
    def with_face_expressions(self) -> PredictSingleFaceExpressionsTask:
        return PredictSingleFaceExpressionsTask(self, self.input)


class PredictSingleAgeAndGenderWithFaceAlignmentTask(PredictSingleAgeAndGenderTask):
    def with_face_expressions(self) -> PredictSingleFaceExpressionsWithFaceAlignmentTask:
        return PredictSingleFaceExpressionsWithFaceAlignmentTask(self, self.input)

    def with_face_descriptor(self) -> ComputeSingleFaceDescriptorTask:
        return ComputeSingleFaceDescriptorTask(self, self.input)


class ComputeSingleFaceDescriptorTask(_DescriptorsStage, _SingleStage):
    def with_face_expressions(self) -> PredictSingleFaceExpressionsWithFaceAlignmentTask:
        return PredictSingleFaceExpressionsWithFaceAlignmentTask(self, self.input)

    def with_age_and_gender(self) -> PredictSingleAgeAndGenderWithFaceAlignmentTask:
        return PredictSingleAgeAndGenderWithFaceAlignmentTask(self, self.input)


def detect_all_faces(input: Any, options: DetectorOptions | None = None) -> DetectAllFacesTask:
    """All faces in ``input``; the type of ``options`` picks the detector (SSD MobileNet V1 by default)."""
    return DetectAllFacesTask(input, options)


def detect_single_face(input: Any, options: DetectorOptions | None = None) -> DetectSingleFaceTask:
    """The face with the highest score in ``input``, or ``None``."""
    return DetectSingleFaceTask(input, options)
