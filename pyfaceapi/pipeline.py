"""A whole request as data: which detector, which stages — for the CLI, the server and the browser.

face-api.js users write the chain in code; the CLI and the HTTP API receive it as options. A
:class:`DetectRequest` holds those options and :func:`run_request` turns them into the same chain::

    request = DetectRequest(TinyFaceDetectorOptions(input_size=320), landmarks="tiny", descriptors=True)
    faces = run_request(pixels, request)          # list of face-api.js JSON dicts, best score first
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .api import DetectorOptions, detect_all_faces, detect_single_face
from .classes import FaceDetection
from .networks.ssd_mobilenetv1 import SsdMobilenetv1Options


@dataclass(frozen=True)
class DetectRequest:
    """What to compute for one image.

    ``landmarks``: ``None``, ``"normal"`` or ``"tiny"``; ``descriptors`` need landmarks and imply
    ``"normal"`` ones when none are asked. ``single``: only the best-scoring face (``detect_single_face``).
    ``max_faces``: keep at most that many faces, best scores first.
    """

    detector_options: DetectorOptions = field(default_factory=SsdMobilenetv1Options)
    single: bool = False
    landmarks: Literal["normal", "tiny"] | None = None
    expressions: bool = False
    age_gender: bool = False
    descriptors: bool = False
    max_faces: int | None = None

    def __post_init__(self) -> None:
        if self.descriptors and self.landmarks is None:
            object.__setattr__(self, "landmarks", "normal")


def run_request(input: Any, request: DetectRequest) -> list[dict[str, Any]]:
    """Run the chain ``request`` describes; face-api.js's JSON of each face, best score first."""
    task: Any = (detect_single_face if request.single else detect_all_faces)(input, request.detector_options)
    if request.landmarks:
        task = task.with_face_landmarks(use_tiny_model=request.landmarks == "tiny")
    if request.expressions:
        task = task.with_face_expressions()
    if request.age_gender:
        task = task.with_age_and_gender()
    if request.descriptors:
        task = task.with_face_descriptor() if request.single else task.with_face_descriptors()
    result = task.run()
    results = [] if result is None else [result] if request.single else list(result)
    faces = [face_json(r) for r in results]
    faces.sort(key=lambda face: -face["detection"]["score"])
    return faces if request.max_faces is None else faces[: request.max_faces]


def face_json(result: Any) -> dict[str, Any]:
    """One face as face-api.js's JSON; a bare detection becomes ``{"detection": ...}``."""
    if isinstance(result, FaceDetection):
        return {"detection": result.to_dict()}
    return result.to_dict()
