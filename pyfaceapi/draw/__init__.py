"""face-api.js's ``faceapi.draw``, computed as display lists and painted by Pillow or a browser canvas.

The API mirrors face-api.js in snake_case, with its defaults::

    from pyfaceapi import draw

    draw.draw_detections(target, results)            # boxes labelled with the score
    draw.draw_face_landmarks(target, results)        # contours and points
    draw.draw_face_expressions(target, results)      # "happy (0.99)" text fields
    draw.DrawBox(box, draw.DrawBoxOptions(label="Jane", box_color="red")).draw(target)
    draw.DrawTextField(["line 1", "line 2"], (10, 10),
                       draw.DrawTextFieldOptions(anchor_position=draw.AnchorPosition.TOP_RIGHT)).draw(target)

``target`` is a :class:`DisplayList` (plain data, the same in CPython and Pyodide, JSON via ``to_dict()``),
``None`` (a new list), or an image painted at once: a PIL image, a uint8 numpy array or an image file
(see :mod:`.targets`). :func:`draw_to_image` paints a list with Pillow; ``web/src/draw.js`` paints it on a
canvas. :func:`annotate` draws results on a picture in one call.

Text is measured and drawn with the bundled DejaVu Sans (``fonts/``; Bitstream Vera licence), from an
advance-width and kerning table made by ``tools/font_metrics.py``: see :mod:`.text`.
"""

from ._inputs import FACE_EXPRESSION_LABELS, DrawInputError
from .annotate import DRAW_KINDS, annotate, build_annotation
from .colors import RGBA, parse_color
from .display_list import DisplayList, FillCircles, FillRect, FillText, Op, StrokePolyline, StrokeRect
from .draw_box import DrawBox, DrawBoxOptions
from .draw_landmarks import DrawFaceLandmarks, DrawFaceLandmarksOptions
from .functions import draw_detections, draw_face_expressions, draw_face_landmarks
from .render import draw_to_image
from .text import FONT_FAMILY, font_path, measure_text
from .text_field import AnchorPosition, DrawTextField, DrawTextFieldOptions

__all__ = [
    "DRAW_KINDS",
    "FACE_EXPRESSION_LABELS",
    "FONT_FAMILY",
    "RGBA",
    "AnchorPosition",
    "DisplayList",
    "DrawBox",
    "DrawBoxOptions",
    "DrawFaceLandmarks",
    "DrawFaceLandmarksOptions",
    "DrawInputError",
    "DrawTextField",
    "DrawTextFieldOptions",
    "FillCircles",
    "FillRect",
    "FillText",
    "Op",
    "StrokePolyline",
    "StrokeRect",
    "annotate",
    "build_annotation",
    "draw_detections",
    "draw_face_expressions",
    "draw_face_landmarks",
    "draw_to_image",
    "font_path",
    "measure_text",
    "parse_color",
]
