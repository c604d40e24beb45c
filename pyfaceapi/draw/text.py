"""Measuring text without a font engine: the bundled font's advance widths, ligatures and kerning.

face-api.js sizes a text field's background with the canvas' ``measureText``. pyfaceapi computes the same
width in its core, from a table generated at build time from the bundled font (``tools/font_metrics.py``
writes ``fonts/DejaVuSans.metrics.json``), so that a display list is the same in CPython and in Pyodide and
needs neither Pillow nor a browser. The model is the part of HarfBuzz shaping (what Chromium's canvas uses)
that matters for Latin text in DejaVu Sans:

1. ASCII whitespace becomes a space (the canvas' text preparation does that too);
2. a text with a Latin letter is shaped as Latin: ``ff``, ``fi``, ``fl``, ``ffi``, ``ffl`` become one
   ligature glyph each, and pairs are kerned by the ``latn`` kerning; otherwise (digits, punctuation) the
   ``DFLT`` kerning applies, which has no pairs among these characters;
3. width = (sum of advances + sum of kerning adjustments) in font units ``* font_size / unitsPerEm``.

It is exact (tested against HarfBuzz by ``tools/font_metrics.py --check``) for characters U+0020..U+024F.
Other characters are measured by their advance alone, and characters the font lacks by the advance of its
``.notdef`` glyph: a browser would draw those with a fallback font, so their width is an estimate.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

FONT_PACKAGE_DIR = "fonts"
FONT_FILE_NAME = "DejaVuSans.ttf"
METRICS_FILE_NAME = "DejaVuSans.metrics.json"

FONT_FAMILY = "DejaVu Sans"
"""The family of the bundled font: every text run is measured and drawn with it."""

_LIGATURES = ("ffi", "ffl", "ff", "fi", "fl")  # longest first, as the font's ligature lookup tries them
_WHITESPACE = str.maketrans({"\t": " ", "\n": " ", "\f": " ", "\r": " "})


@dataclass(frozen=True, slots=True)
class FontMetrics:
    """The measuring table of one font (see ``tools/font_metrics.py`` for how it is made)."""

    family: str
    sha256: str
    units_per_em: int
    ascender: int
    descender: int
    missing_advance: int
    advances: dict[int, int]
    ligatures: dict[str, int]
    kerning_latn: dict[str, dict[str, int]]
    kerning_default: dict[str, dict[str, int]]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FontMetrics:
        advances: dict[int, int] = {}
        for start, run in data["advances"]:
            advances.update(zip(range(start, start + len(run)), run, strict=True))
        return cls(
            family=data["family"],
            sha256=data["sha256"],
            units_per_em=data["unitsPerEm"],
            ascender=data["ascender"],
            descender=data["descender"],
            missing_advance=data["missingAdvance"],
            advances=advances,
            ligatures=dict(data["ligatures"]),
            kerning_latn=data["kerning"]["latn"],
            kerning_default=data["kerning"]["DFLT"],
        )


@cache
def font_metrics() -> FontMetrics:
    """The bundled font's table (package data ``pyfaceapi/draw/fonts/DejaVuSans.metrics.json``)."""
    path = resources.files(__package__).joinpath(FONT_PACKAGE_DIR, METRICS_FILE_NAME)
    return FontMetrics.from_json(json.loads(path.read_text(encoding="utf-8")))


def font_path() -> str:
    """Path of the bundled ``DejaVuSans.ttf`` (for renderers: Pillow, or a web build copying it)."""
    return str(resources.files(__package__).joinpath(FONT_PACKAGE_DIR, FONT_FILE_NAME))


def is_latin_letter(char: str) -> bool:
    """Is ``char`` a letter of the Latin script in U+0000..U+024F (what makes a text shape as Latin)?"""
    cp = ord(char)
    return (
        0x41 <= cp <= 0x5A or 0x61 <= cp <= 0x7A or cp in (0xAA, 0xBA)
        or (0xC0 <= cp <= 0x24F and cp not in (0xD7, 0xF7))
    )


def prepare_text(text: str) -> str:
    """The canvas' text preparation: ASCII whitespace (tab, LF, FF, CR) becomes a space."""
    return text.translate(_WHITESPACE)


def shape(text: str, metrics: FontMetrics | None = None) -> list[str]:
    """Split ``text`` into the glyphs it is drawn with: single characters and, if Latin, ligatures."""
    m = metrics or font_metrics()
    text = prepare_text(text)
    if not any(is_latin_letter(c) for c in text):
        return list(text)
    tokens: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == "f":
            lig = next((lig for lig in _LIGATURES if text.startswith(lig, i) and lig in m.ligatures), None)
            if lig:
                tokens.append(lig)
                i += len(lig)
                continue
        tokens.append(text[i])
        i += 1
    return tokens


def text_width_units(text: str, metrics: FontMetrics | None = None) -> int:
    """Width of ``text`` in font units: advances of its glyphs plus the kerning of adjacent pairs."""
    m = metrics or font_metrics()
    tokens = shape(text, m)
    kerning = m.kerning_latn if any(is_latin_letter(c) for c in text) else m.kerning_default
    units = 0
    for i, token in enumerate(tokens):
        units += m.ligatures[token] if len(token) > 1 else m.advances.get(ord(token), m.missing_advance)
        if i:
            units += kerning.get(tokens[i - 1], {}).get(token, 0)
    return units


def measure_text(text: str, font_size: float, metrics: FontMetrics | None = None) -> float:
    """Width in pixels of ``text`` at ``font_size`` px, as ``ctx.measureText(text).width`` with the font.

    Computed as ``units * font_size / unitsPerEm`` (one multiplication, one division, in this order), which
    the face-api.js recorder in ``tools/draw_reference/`` repeats so that widths agree to the last bit.
    """
    m = metrics or font_metrics()
    return text_width_units(text, m) * font_size / m.units_per_em
