"""Display lists: what a drawing *is*, as plain data, before anything is rasterised.

pyfaceapi's draw functions do not paint; they append drawing operations to a :class:`DisplayList`. A
renderer then paints the list: :func:`pyfaceapi.draw.render.draw_to_image` with Pillow on the server, and
``renderDisplayList(ctx, list)`` of ``web/src/draw.js`` on a browser canvas. As the list is computed by the
same Python code in CPython and in Pyodide (text is measured from a table, see :mod:`.text`), both targets
get the same list, and ``to_dict()`` is its JSON.

Five operations cover face-api.js's drawings; each maps to a few canvas 2D calls, which is also how the
renderers must draw it (coordinates are canvas pixels: pixel ``(i, j)`` covers ``[i, i+1] x [j, j+1]``):

==================  ==============================================================================
``strokeRect``      ``ctx.strokeRect(x, y, width, height)`` with ``lineWidth``, square (miter) corners
``strokePolyline``  one path with a separate subpath per segment ``points[k-1] -> points[k]`` (plus
                    ``points[-1] -> points[0]`` if ``closed``), stroked once with butt caps: the segments
                    do not join, exactly as face-api.js's ``drawContour`` draws them
``fillCircles``     for each centre, ``ctx.arc(x, y, radius, 0, 2 * pi)`` filled on its own
``fillRect``        ``ctx.fillRect(x, y, width, height)``
``fillText``        ``ctx.fillText(text, x, y)``: left aligned, ``(x, y)`` on the alphabetic baseline, in
                    the bundled font (``fontFamily``) at ``fontSize`` px; ``width`` is the measured advance
==================  ==============================================================================

Colours are CSS colour strings, kept as the caller gave them (see :mod:`.colors`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from .text import FONT_FAMILY, FONT_FILE_NAME

SCHEMA = "pyfaceapi-draw/1"

PointTuple = tuple[float, float]


@dataclass(frozen=True, slots=True)
class StrokeRect:
    """The outline of a rectangle, centred on its edges (half of ``line_width`` inside, half outside)."""

    x: float
    y: float
    width: float
    height: float
    color: str
    line_width: float
    op: ClassVar[str] = "strokeRect"

    def to_dict(self) -> dict[str, Any]:
        return {"op": self.op, "x": self.x, "y": self.y, "width": self.width, "height": self.height,
                "color": self.color, "lineWidth": self.line_width}


@dataclass(frozen=True, slots=True)
class StrokePolyline:
    """Line segments between consecutive points (and from the last to the first if ``closed``)."""

    points: tuple[PointTuple, ...]
    closed: bool
    color: str
    line_width: float
    op: ClassVar[str] = "strokePolyline"

    def segments(self) -> list[tuple[PointTuple, PointTuple]]:
        """The segments in drawing order, as ``drawContour`` issues its ``moveTo``/``lineTo`` pairs."""
        pts = self.points
        segs = [(pts[k - 1], pts[k]) for k in range(1, len(pts))]
        if self.closed and pts:
            segs.append((pts[-1], pts[0]))
        return segs

    def to_dict(self) -> dict[str, Any]:
        return {"op": self.op, "points": [list(p) for p in self.points], "closed": self.closed,
                "color": self.color, "lineWidth": self.line_width}


@dataclass(frozen=True, slots=True)
class FillCircles:
    """Filled discs of one radius and colour (face-api.js's landmark points), each filled separately."""

    centers: tuple[PointTuple, ...]
    radius: float
    color: str
    op: ClassVar[str] = "fillCircles"

    def to_dict(self) -> dict[str, Any]:
        return {"op": self.op, "centers": [list(p) for p in self.centers], "radius": self.radius,
                "color": self.color}


@dataclass(frozen=True, slots=True)
class FillRect:
    """A filled rectangle (a text field's background)."""

    x: float
    y: float
    width: float
    height: float
    color: str
    op: ClassVar[str] = "fillRect"

    def to_dict(self) -> dict[str, Any]:
        return {"op": self.op, "x": self.x, "y": self.y, "width": self.width, "height": self.height,
                "color": self.color}


@dataclass(frozen=True, slots=True)
class FillText:
    """One line of text, its alphabetic baseline starting at ``(x, y)``.

    ``width`` is the text's advance width as :func:`pyfaceapi.draw.text.measure_text` computes it.
    ``font_style`` is the family the caller asked for (face-api.js's ``fontStyle``); every renderer draws
    with the bundled ``font_family`` regardless, as that is the font the layout was measured with.
    """

    text: str
    x: float
    y: float
    font_size: float
    color: str
    width: float
    font_style: str = FONT_FAMILY
    font_family: str = FONT_FAMILY
    op: ClassVar[str] = "fillText"

    def to_dict(self) -> dict[str, Any]:
        return {"op": self.op, "text": self.text, "x": self.x, "y": self.y, "fontSize": self.font_size,
                "fontFamily": self.font_family, "fontStyle": self.font_style, "color": self.color,
                "width": self.width}


Op = StrokeRect | StrokePolyline | FillCircles | FillRect | FillText


@dataclass(slots=True)
class DisplayList:
    """An ordered list of drawing operations on a canvas of ``width`` x ``height`` pixels.

    The size is optional: it is the canvas a text field is kept inside (face-api.js moves a text field
    that would cross the canvas' right or bottom edge back in, and clamps it at 0), so draw on a list
    with the size of the image or overlay, e.g. ``DisplayList(width=640, height=480)``.
    """

    width: float | None = None
    height: float | None = None
    ops: list[Op] = field(default_factory=list)

    @property
    def dims(self) -> tuple[float, float] | None:
        """``(width, height)`` if both are known, else ``None``."""
        if self.width is None or self.height is None:
            return None
        return (self.width, self.height)

    def add(self, op: Op) -> None:
        self.ops.append(op)

    def extend(self, ops: Iterable[Op]) -> None:
        self.ops.extend(ops)

    def __iter__(self) -> Iterator[Op]:
        return iter(self.ops)

    def __len__(self) -> int:
        return len(self.ops)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form, which ``renderDisplayList`` of ``web/src/draw.js`` takes as it is."""
        return {
            "schema": SCHEMA,
            "width": self.width,
            "height": self.height,
            "font": {"family": FONT_FAMILY, "file": FONT_FILE_NAME},
            "ops": [op.to_dict() for op in self.ops],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DisplayList:
        """Read the JSON form back (the inverse of :meth:`to_dict`)."""
        if data.get("schema") != SCHEMA:
            raise ValueError(f"not a display list of schema {SCHEMA!r}: {data.get('schema')!r}")
        return cls(data.get("width"), data.get("height"), [_op_from_dict(d) for d in data["ops"]])


def _op_from_dict(d: dict[str, Any]) -> Op:
    kind = d["op"]
    if kind == StrokeRect.op:
        return StrokeRect(d["x"], d["y"], d["width"], d["height"], d["color"], d["lineWidth"])
    if kind == StrokePolyline.op:
        return StrokePolyline(tuple((p[0], p[1]) for p in d["points"]), d["closed"], d["color"], d["lineWidth"])
    if kind == FillCircles.op:
        return FillCircles(tuple((p[0], p[1]) for p in d["centers"]), d["radius"], d["color"])
    if kind == FillRect.op:
        return FillRect(d["x"], d["y"], d["width"], d["height"], d["color"])
    if kind == FillText.op:
        return FillText(d["text"], d["x"], d["y"], d["fontSize"], d["color"], d["width"],
                        d.get("fontStyle", FONT_FAMILY), d.get("fontFamily", FONT_FAMILY))
    raise ValueError(f"unknown display-list operation {kind!r}")
