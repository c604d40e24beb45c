"""face-api.js's ``DrawBox``: a rectangle outline with an optional label sitting on its top edge."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..classes import Box
from ..errors import OptionsError
from ._inputs import as_rect
from ._options import check_color, check_number, options_from
from .display_list import Op, StrokeRect
from .targets import Target, draw_on
from .text_field import AnchorPosition, DrawTextField, DrawTextFieldOptions


@dataclass(frozen=True, slots=True)
class DrawBoxOptions:
    """How a box looks (face-api.js's defaults).

    ``draw_label_options`` are the label's text-field options; given as a mapping (or left out) they are
    merged over the box's label defaults, ``anchor_position=BOTTOM_LEFT`` and ``background_color=box_color``
    (so the label sits on the box, in its colour); a :class:`DrawTextFieldOptions` is used as it is. After
    construction it is always a :class:`DrawTextFieldOptions`. A ``label`` that is empty or ``None`` draws no
    label.
    """

    box_color: str = "rgba(0, 0, 255, 1)"
    line_width: float = 2
    draw_label_options: DrawTextFieldOptions | Mapping[str, Any] | None = None
    label: str | None = None

    def __post_init__(self) -> None:
        check_color("DrawBoxOptions", "box_color", self.box_color)
        check_number("DrawBoxOptions", "line_width", self.line_width, positive=True)
        if self.label is not None and not isinstance(self.label, str):
            raise OptionsError(f"DrawBoxOptions: label must be a string, got {self.label!r}")
        label_options = DrawTextFieldOptions.from_value(
            self.draw_label_options,
            anchor_position=AnchorPosition.BOTTOM_LEFT,
            background_color=self.box_color,
        )
        object.__setattr__(self, "draw_label_options", label_options)

    @property
    def label_options(self) -> DrawTextFieldOptions:
        """``draw_label_options``, typed as what it is after construction."""
        assert isinstance(self.draw_label_options, DrawTextFieldOptions)
        return self.draw_label_options

    @classmethod
    def from_value(cls, value: DrawBoxOptions | Mapping[str, Any] | None, **defaults: Any) -> DrawBoxOptions:
        return options_from(cls, value, defaults)


class DrawBox:
    """``DrawBox(box, options)``: ``box`` is box-like (``Box``, ``{x, y, width, height}``, ...)."""

    def __init__(self, box: Any, options: DrawBoxOptions | Mapping[str, Any] | None = None) -> None:
        self.box = Box(*as_rect(box))
        self.options = DrawBoxOptions.from_value(options)

    def to_ops(self, canvas_dims: tuple[float, float] | None = None) -> list[Op]:
        """The outline, then (if labelled) the label's text field anchored at the box's top-left corner,
        moved left by half the line width so that it lines up with the outline's outer edge."""
        o = self.options
        x, y, width, height = self.box.x, self.box.y, self.box.width, self.box.height
        ops: list[Op] = [StrokeRect(x, y, width, height, o.box_color, o.line_width)]
        if o.label:
            field = DrawTextField([o.label], (x - (o.line_width / 2), y), o.label_options)
            ops += field.to_ops(canvas_dims)
        return ops

    def draw(self, target: Target = None) -> Any:
        """Draw onto ``target`` (see :mod:`pyfaceapi.draw.targets`); returns the target."""
        return draw_on(target, lambda dl: dl.extend(self.to_ops(dl.dims)))
