"""What the draw functions draw *on*: a display list, or an image that gets painted at once.

face-api.js draws on a canvas (it changes the canvas and returns nothing). pyfaceapi's draw functions take
a ``target`` and return it:

- ``None``: a new :class:`~.display_list.DisplayList` without a size (text fields are not kept inside a
  canvas), returned;
- a :class:`~.display_list.DisplayList`: the operations are appended to it; its ``width``/``height``, if
  set, are the canvas text fields are kept inside. This is the browser's way: build the list in Pyodide,
  paint it with ``renderDisplayList`` on a canvas;
- a ``PIL.Image.Image`` (mode RGB or RGBA) or a numpy ``HxWx3``/``HxWx4`` uint8 array: painted in place
  with the Pillow renderer (:mod:`.render`), like drawing on a canvas;
- a path (``str`` or ``os.PathLike``) of an image file: the file is read, painted and written back.

Only the display-list targets work without Pillow (e.g. in Pyodide).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from .display_list import DisplayList

Target = Any
"""``None``, a ``DisplayList``, a ``PIL.Image.Image``, a uint8 numpy image or an image file path."""


def is_pil_image(value: Any) -> bool:
    """Is ``value`` a PIL image? (Without importing Pillow: if it is not imported, nothing is one.)"""
    module = sys.modules.get("PIL.Image")
    return module is not None and isinstance(value, module.Image)


def draw_on(target: Target, build: Callable[[DisplayList], None]) -> Any:
    """Run ``build`` on the display list for ``target``; paint image targets; return the target."""
    if target is None:
        display_list = DisplayList()
        build(display_list)
        return display_list
    if isinstance(target, DisplayList):
        build(target)
        return target
    if is_pil_image(target) or isinstance(target, np.ndarray):
        from .render import paint, pixels_size

        display_list = DisplayList(*pixels_size(target))
        build(display_list)
        return paint(target, display_list)
    if isinstance(target, (str, os.PathLike)):
        from .render import paint_file

        return paint_file(target, build)
    from ._inputs import DrawInputError

    raise DrawInputError(
        "draw target must be None, a DisplayList, a PIL image, a uint8 numpy image or an image file path, "
        f"got {type(target).__name__}"
    )
