"""One call for "draw the results on the picture": what the CLI's ``--draw`` and the server use.

    from pyfaceapi.draw import annotate
    annotate("photo.jpg", results).save("photo.annotated.png")

:func:`build_annotation` makes the display list alone (no Pillow: it runs in Pyodide too), so a server can
send the list and a browser paint it with ``renderDisplayList``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ._inputs import as_list, has_field, is_expressions
from .display_list import DisplayList
from .functions import draw_detections, draw_face_expressions, draw_face_landmarks
from .render import draw_to_image, open_image, pixels_size

if TYPE_CHECKING:
    from PIL import Image as PILImage

DRAW_KINDS = ("detections", "landmarks", "expressions")
"""What :func:`annotate` can draw, in its default order (boxes first, so that text lies on top)."""


def build_annotation(
    results: Any, width: float | None = None, height: float | None = None, what: Iterable[str] = DRAW_KINDS
) -> DisplayList:
    """The display list of ``results`` drawn on a ``width`` x ``height`` canvas.

    ``what`` picks and orders the drawings: ``"detections"`` (boxes and scores), ``"landmarks"`` (contours
    and points) and ``"expressions"`` (text fields). Each draws the results that carry what it needs, so
    detection-only results with the default ``what`` get their boxes and nothing else.
    """
    kinds = list(what)
    unknown = [k for k in kinds if k not in DRAW_KINDS]
    if unknown:
        raise ValueError(f"unknown drawing {unknown[0]!r}: choose from {', '.join(DRAW_KINDS)}")
    items = as_list(results)
    display_list = DisplayList(width, height)
    for kind in kinds:
        if kind == "detections":
            draw_detections(display_list, items)
        elif kind == "landmarks":
            with_landmarks = [r for r in items if has_field(r, "positions") or has_field(r, "landmarks")]
            draw_face_landmarks(display_list, with_landmarks)
        else:
            with_expressions = [r for r in items if is_expressions(r) or has_field(r, "expressions")]
            draw_face_expressions(display_list, with_expressions)
    return display_list


def annotate(
    image: Any,
    results: Any,
    what: Iterable[str] = DRAW_KINDS,
    *,
    out: str | os.PathLike[str] | None = None,
) -> PILImage.Image:
    """A new PIL image: ``image`` with ``results`` drawn on it (the input is left alone).

    ``image``: a path, encoded bytes, a PIL image or a numpy array, the one the results were computed on
    (a path is read upright, with its EXIF orientation applied, as detection reads it). ``out``: also save
    the picture there (format from the extension).
    """
    picture = open_image(image) if isinstance(image, (str, os.PathLike, bytes, bytearray, memoryview)) else image
    width, height = pixels_size(picture)
    annotated = draw_to_image(build_annotation(results, width, height, what), picture)
    if out is not None:
        annotated.save(out)
    return annotated
