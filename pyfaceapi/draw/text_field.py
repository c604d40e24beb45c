"""face-api.js's ``DrawTextField``: lines of text on a filled background, anchored at a point.

The field is ``max line width + 2 * padding`` wide and ``lines * font_size + 2 * padding`` high. Its
anchor is one of its corners (``anchor_position``); a field that would cross the canvas' right or bottom
edge is moved back in, and one that would start left of or above the canvas is moved to 0. Line ``i``
(from 0) has its baseline at ``top + padding + (i + 1) * font_size`` and starts at ``left + padding``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ..classes import Point
from ..errors import OptionsError
from ._inputs import as_point
from ._options import check_color, check_number, options_from
from .display_list import FillRect, FillText, Op
from .targets import Target, draw_on
from .text import FONT_FAMILY, measure_text


class AnchorPosition(StrEnum):
    """Which corner of a text field its anchor point is (face-api.js's ``AnchorPosition``)."""

    TOP_LEFT = "TOP_LEFT"
    TOP_RIGHT = "TOP_RIGHT"
    BOTTOM_LEFT = "BOTTOM_LEFT"
    BOTTOM_RIGHT = "BOTTOM_RIGHT"


@dataclass(frozen=True, slots=True)
class DrawTextFieldOptions:
    """How a text field looks; face-api.js's defaults except the font (see ``font_style``).

    ``font_style`` is the CSS family face-api.js puts into ``ctx.font`` (its default, ``Georgia``, is not a
    free font and is missing on most Linux machines, where browsers substitute another). pyfaceapi measures
    and draws every text with its bundled DejaVu Sans, so the default here names that font; another value
    is kept in the display list for reference but does not change the drawing. An explicit ``0`` for
    ``padding`` is honoured (face-api.js would replace it by its default).
    """

    anchor_position: AnchorPosition = AnchorPosition.TOP_LEFT
    background_color: str = "rgba(0, 0, 0, 0.5)"
    font_color: str = "rgba(255, 255, 255, 1)"
    font_size: float = 14
    font_style: str = FONT_FAMILY
    padding: float = 4

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "anchor_position", AnchorPosition(self.anchor_position))
        except ValueError:
            raise OptionsError(
                f"DrawTextFieldOptions: anchor_position must be one of {[a.value for a in AnchorPosition]}, "
                f"got {self.anchor_position!r}"
            ) from None
        check_color("DrawTextFieldOptions", "background_color", self.background_color)
        check_color("DrawTextFieldOptions", "font_color", self.font_color)
        check_number("DrawTextFieldOptions", "font_size", self.font_size, positive=True)
        check_number("DrawTextFieldOptions", "padding", self.padding, non_negative=True)
        if not isinstance(self.font_style, str) or not self.font_style:
            raise OptionsError(f"DrawTextFieldOptions: font_style must be a font family, got {self.font_style!r}")

    @classmethod
    def from_value(
        cls, value: DrawTextFieldOptions | Mapping[str, Any] | None, **defaults: Any
    ) -> DrawTextFieldOptions:
        """From an instance, a mapping (snake_case or camelCase keys) over ``defaults``, or ``None``."""
        return options_from(cls, value, defaults)


class DrawTextField:
    """``DrawTextField(text, anchor, options)``: ``text`` is a line, a list of lines or another field.

    ``anchor`` is point-like (``Point``, ``(x, y)``, ``{"x": .., "y": ..}``); ``options`` a
    :class:`DrawTextFieldOptions`, a mapping of its fields, or ``None`` for the defaults.
    """

    def __init__(
        self,
        text: str | Sequence[str] | DrawTextField,
        anchor: Any,
        options: DrawTextFieldOptions | Mapping[str, Any] | None = None,
    ) -> None:
        if isinstance(text, DrawTextField):
            lines = list(text.text)
        elif isinstance(text, str):
            lines = [text]
        else:
            lines = [str(line) for line in text]
        self.text: list[str] = lines
        x, y = as_point(anchor)
        self.anchor = Point(x, y)
        self.options = DrawTextFieldOptions.from_value(options)

    def measure_width(self) -> float:
        """The widest line's width plus the padding on both sides."""
        o = self.options
        widest = 0.0
        for line in self.text:
            widest = max(widest, measure_text(line, o.font_size))
        return widest + 2 * o.padding

    def measure_height(self) -> float:
        o = self.options
        return len(self.text) * o.font_size + 2 * o.padding

    def get_upper_left(self, canvas_dims: tuple[float, float] | None = None) -> Point:
        """The field's top-left corner: the anchor moved by the anchor position, kept in the canvas if known."""
        position = self.options.anchor_position
        shift_left = position in (AnchorPosition.BOTTOM_RIGHT, AnchorPosition.TOP_RIGHT)
        shift_top = position in (AnchorPosition.BOTTOM_LEFT, AnchorPosition.BOTTOM_RIGHT)
        width, height = self.measure_width(), self.measure_height()
        x = self.anchor.x - width if shift_left else self.anchor.x
        y = self.anchor.y - height if shift_top else self.anchor.y
        if canvas_dims is not None:
            canvas_width, canvas_height = canvas_dims
            return Point(max(min(x, canvas_width - width), 0), max(min(y, canvas_height - height), 0))
        return Point(x, y)

    def to_ops(self, canvas_dims: tuple[float, float] | None = None) -> list[Op]:
        """The background rectangle, then one ``fillText`` per line."""
        o = self.options
        upper_left = self.get_upper_left(canvas_dims)
        ops: list[Op] = [FillRect(upper_left.x, upper_left.y, self.measure_width(), self.measure_height(),
                                  o.background_color)]
        for i, line in enumerate(self.text):
            x = o.padding + upper_left.x
            y = o.padding + upper_left.y + ((i + 1) * o.font_size)
            ops.append(FillText(line, x, y, o.font_size, o.font_color, measure_text(line, o.font_size),
                                o.font_style))
        return ops

    def draw(self, target: Target = None) -> Any:
        """Draw onto ``target`` (see :mod:`pyfaceapi.draw.targets`); returns the target."""
        return draw_on(target, lambda dl: dl.extend(self.to_ops(dl.dims)))
