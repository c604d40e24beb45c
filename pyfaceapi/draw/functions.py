"""face-api.js's draw helpers: ``drawDetections``, ``drawFaceLandmarks``, ``drawFaceExpressions``.

Each takes a target (see :mod:`.targets`) and one item or a list of items, draws every item with the
defaults face-api.js uses, and returns the target::

    from pyfaceapi import draw

    results = faceapi.detect_all_faces(image).with_face_landmarks().with_face_expressions().run()
    overlay = draw.DisplayList(width=640, height=480)
    draw.draw_detections(overlay, results)          # blue boxes labelled with the score
    draw.draw_face_landmarks(overlay, results)      # cyan contours, magenta points
    draw.draw_face_expressions(overlay, results)    # "happy (0.99)" under each box
    picture = draw.draw_to_image(overlay, image)    # or: draw.draw_detections(pil_image, results)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._inputs import (
    as_list,
    as_point,
    detection_box_of,
    expressions_of,
    floor2,
    js_number_string,
    landmarks_of,
    score_and_rect,
)
from .display_list import DisplayList
from .draw_box import DrawBox, DrawBoxOptions
from .draw_landmarks import DrawFaceLandmarks, DrawFaceLandmarksOptions
from .targets import Target, draw_on
from .text_field import DrawTextField


def draw_detections(target: Target, detections_or_results: Any) -> Any:
    """A box per detection, labelled with its score floored to 2 decimals (``0.97``), as face-api.js does.

    Items: ``FaceDetection``-likes (score and box), results with a ``.detection``, or bare boxes (drawn
    without a label). A score of 0 draws no label (face-api.js tests the score for truth).
    """
    items = as_list(detections_or_results)

    def build(dl: DisplayList) -> None:
        for item in items:
            score, rect = score_and_rect(item)
            label = js_number_string(floor2(score)) if score else None
            dl.extend(DrawBox(rect, DrawBoxOptions(label=label)).to_ops(dl.dims))

    return draw_on(target, build)


def draw_face_landmarks(
    target: Target,
    landmarks_or_results: Any,
    options: DrawFaceLandmarksOptions | Mapping[str, Any] | None = None,
) -> Any:
    """Each face's landmarks: contours (68-point landmarks) and points.

    Items: landmarks (``.positions``) or results with ``.landmarks``. ``options`` (a pyfaceapi addition;
    face-api.js's helper always uses the defaults) is a :class:`DrawFaceLandmarksOptions` or a mapping.
    """
    items = [landmarks_of(item) for item in as_list(landmarks_or_results)]
    resolved = DrawFaceLandmarksOptions.from_value(options)

    def build(dl: DisplayList) -> None:
        for landmarks in items:
            dl.extend(DrawFaceLandmarks(landmarks, resolved).to_ops())

    return draw_on(target, build)


def draw_face_expressions(
    target: Target, results: Any, min_confidence: float = 0.1, text_field_anchor: Any = None
) -> Any:
    """A text field per face listing its expressions above ``min_confidence``, most probable first.

    Each line reads ``"<expression> (<probability floored to 2 decimals>)"``. Items: expressions (the
    seven probabilities) or results with ``.expressions``. The field hangs below the bottom-left corner of a
    result's detection box; without a detection it is placed at ``text_field_anchor`` (default ``(0, 0)``).
    """
    items = as_list(results)
    default_anchor = as_point(text_field_anchor) if text_field_anchor is not None else (0.0, 0.0)

    def build(dl: DisplayList) -> None:
        for item in items:
            probabilities = expressions_of(item)
            ranked = sorted(probabilities, key=lambda e: -e[1])  # stable: ties keep the label order
            shown = [(label, p) for label, p in ranked if p > min_confidence]
            rect = detection_box_of(item)
            anchor = (rect[0], rect[1] + rect[3]) if rect is not None else default_anchor
            lines = [f"{label} ({js_number_string(floor2(p))})" for label, p in shown]
            dl.extend(DrawTextField(lines, anchor).to_ops(dl.dims))

    return draw_on(target, build)
