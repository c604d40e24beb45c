"""CSS colours, as a canvas' ``strokeStyle``/``fillStyle`` parse them, for renderers without a browser.

face-api.js's draw options take CSS colour strings (``'rgba(0, 0, 255, 1)'``). Display lists keep the string
as given, so the browser hands it to the canvas unchanged; the Pillow renderer parses it here. Supported:
``#rgb``, ``#rgba``, ``#rrggbb``, ``#rrggbbaa``, ``rgb()``/``rgba()`` and ``hsl()``/``hsla()`` in the comma
and the space (``/ alpha``) syntax with numbers or percentages, the 148 CSS named colours and
``transparent``. Channels are clamped to their range and rounded to integers, alpha is kept as a float.
"""

from __future__ import annotations

import math
import re
from functools import cache
from typing import NamedTuple

from ..errors import OptionsError


class RGBA(NamedTuple):
    """A parsed colour: red, green, blue in 0..255 and alpha in 0..1."""

    r: int
    g: int
    b: int
    a: float


NAMED_COLORS: dict[str, int] = {
    "aliceblue": 0xF0F8FF, "antiquewhite": 0xFAEBD7, "aqua": 0x00FFFF, "aquamarine": 0x7FFFD4, "azure": 0xF0FFFF,
    "beige": 0xF5F5DC, "bisque": 0xFFE4C4, "black": 0x000000, "blanchedalmond": 0xFFEBCD, "blue": 0x0000FF,
    "blueviolet": 0x8A2BE2, "brown": 0xA52A2A, "burlywood": 0xDEB887, "cadetblue": 0x5F9EA0, "chartreuse": 0x7FFF00,
    "chocolate": 0xD2691E, "coral": 0xFF7F50, "cornflowerblue": 0x6495ED, "cornsilk": 0xFFF8DC, "crimson": 0xDC143C,
    "cyan": 0x00FFFF, "darkblue": 0x00008B, "darkcyan": 0x008B8B, "darkgoldenrod": 0xB8860B, "darkgray": 0xA9A9A9,
    "darkgreen": 0x006400, "darkgrey": 0xA9A9A9, "darkkhaki": 0xBDB76B, "darkmagenta": 0x8B008B,
    "darkolivegreen": 0x556B2F, "darkorange": 0xFF8C00, "darkorchid": 0x9932CC, "darkred": 0x8B0000,
    "darksalmon": 0xE9967A, "darkseagreen": 0x8FBC8F, "darkslateblue": 0x483D8B, "darkslategray": 0x2F4F4F,
    "darkslategrey": 0x2F4F4F, "darkturquoise": 0x00CED1, "darkviolet": 0x9400D3, "deeppink": 0xFF1493,
    "deepskyblue": 0x00BFFF, "dimgray": 0x696969, "dimgrey": 0x696969, "dodgerblue": 0x1E90FF, "firebrick": 0xB22222,
    "floralwhite": 0xFFFAF0, "forestgreen": 0x228B22, "fuchsia": 0xFF00FF, "gainsboro": 0xDCDCDC,
    "ghostwhite": 0xF8F8FF, "gold": 0xFFD700, "goldenrod": 0xDAA520, "gray": 0x808080, "green": 0x008000,
    "greenyellow": 0xADFF2F, "grey": 0x808080, "honeydew": 0xF0FFF0, "hotpink": 0xFF69B4, "indianred": 0xCD5C5C,
    "indigo": 0x4B0082, "ivory": 0xFFFFF0, "khaki": 0xF0E68C, "lavender": 0xE6E6FA, "lavenderblush": 0xFFF0F5,
    "lawngreen": 0x7CFC00, "lemonchiffon": 0xFFFACD, "lightblue": 0xADD8E6, "lightcoral": 0xF08080,
    "lightcyan": 0xE0FFFF, "lightgoldenrodyellow": 0xFAFAD2, "lightgray": 0xD3D3D3, "lightgreen": 0x90EE90,
    "lightgrey": 0xD3D3D3, "lightpink": 0xFFB6C1, "lightsalmon": 0xFFA07A, "lightseagreen": 0x20B2AA,
    "lightskyblue": 0x87CEFA, "lightslategray": 0x778899, "lightslategrey": 0x778899, "lightsteelblue": 0xB0C4DE,
    "lightyellow": 0xFFFFE0, "lime": 0x00FF00, "limegreen": 0x32CD32, "linen": 0xFAF0E6, "magenta": 0xFF00FF,
    "maroon": 0x800000, "mediumaquamarine": 0x66CDAA, "mediumblue": 0x0000CD, "mediumorchid": 0xBA55D3,
    "mediumpurple": 0x9370DB, "mediumseagreen": 0x3CB371, "mediumslateblue": 0x7B68EE, "mediumspringgreen": 0x00FA9A,
    "mediumturquoise": 0x48D1CC, "mediumvioletred": 0xC71585, "midnightblue": 0x191970, "mintcream": 0xF5FFFA,
    "mistyrose": 0xFFE4E1, "moccasin": 0xFFE4B5, "navajowhite": 0xFFDEAD, "navy": 0x000080, "oldlace": 0xFDF5E6,
    "olive": 0x808000, "olivedrab": 0x6B8E23, "orange": 0xFFA500, "orangered": 0xFF4500, "orchid": 0xDA70D6,
    "palegoldenrod": 0xEEE8AA, "palegreen": 0x98FB98, "paleturquoise": 0xAFEEEE, "palevioletred": 0xDB7093,
    "papayawhip": 0xFFEFD5, "peachpuff": 0xFFDAB9, "peru": 0xCD853F, "pink": 0xFFC0CB, "plum": 0xDDA0DD,
    "powderblue": 0xB0E0E6, "purple": 0x800080, "rebeccapurple": 0x663399, "red": 0xFF0000, "rosybrown": 0xBC8F8F,
    "royalblue": 0x4169E1, "saddlebrown": 0x8B4513, "salmon": 0xFA8072, "sandybrown": 0xF4A460, "seagreen": 0x2E8B57,
    "seashell": 0xFFF5EE, "sienna": 0xA0522D, "silver": 0xC0C0C0, "skyblue": 0x87CEEB, "slateblue": 0x6A5ACD,
    "slategray": 0x708090, "slategrey": 0x708090, "snow": 0xFFFAFA, "springgreen": 0x00FF7F, "steelblue": 0x4682B4,
    "tan": 0xD2B48C, "teal": 0x008080, "thistle": 0xD8BFD8, "tomato": 0xFF6347, "turquoise": 0x40E0D0,
    "violet": 0xEE82EE, "wheat": 0xF5DEB3, "white": 0xFFFFFF, "whitesmoke": 0xF5F5F5, "yellow": 0xFFFF00,
    "yellowgreen": 0x9ACD32,

}
"""The CSS named colours (CSS Color Module Level 4) as 0xRRGGBB."""

_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?"
_FUNC = re.compile(r"^(rgba?|hsla?)\((.*)\)$")
_COMPONENT = re.compile(rf"^({_NUMBER})(%|deg)?$")


@cache
def parse_color(color: str) -> RGBA:
    """Parse a CSS colour string; raises :class:`~pyfaceapi.errors.OptionsError` if it is not one."""
    if not isinstance(color, str):
        raise OptionsError(f"expected a CSS colour string, got {color!r}")
    text = color.strip().lower()
    if text == "transparent":
        return RGBA(0, 0, 0, 0.0)
    if text in NAMED_COLORS:
        value = NAMED_COLORS[text]
        return RGBA(value >> 16, (value >> 8) & 0xFF, value & 0xFF, 1.0)
    if text.startswith("#"):
        return _parse_hex(text[1:], color)
    match = _FUNC.match(text)
    if match:
        return _parse_function(match.group(1), match.group(2), color)
    raise OptionsError(f"not a CSS colour: {color!r}")


def is_color(color: str) -> bool:
    """Whether ``color`` parses as a CSS colour."""
    try:
        parse_color(color)
    except OptionsError:
        return False
    return True


def _parse_hex(digits: str, original: str) -> RGBA:
    if not re.fullmatch(r"[0-9a-f]+", digits) or len(digits) not in (3, 4, 6, 8):
        raise OptionsError(f"not a CSS colour: {original!r}")
    if len(digits) in (3, 4):
        digits = "".join(d * 2 for d in digits)
    values = [int(digits[i : i + 2], 16) for i in range(0, len(digits), 2)]
    alpha = values[3] / 255 if len(values) == 4 else 1.0
    return RGBA(values[0], values[1], values[2], alpha)


def _parse_function(name: str, body: str, original: str) -> RGBA:
    if "," in body:
        parts = [p.strip() for p in body.split(",")]
    else:
        main, _, alpha = body.partition("/")
        parts = main.split() + ([alpha.strip()] if alpha else [])
    if len(parts) not in (3, 4) or not all(parts):
        raise OptionsError(f"not a CSS colour: {original!r}")
    components = []
    for part in parts:
        match = _COMPONENT.match(part)
        if not match:
            raise OptionsError(f"not a CSS colour: {original!r}")
        components.append((float(match.group(1)), match.group(2)))
    alpha = _alpha(components[3]) if len(components) == 4 else 1.0
    if name.startswith("rgb"):
        r, g, b = (_channel(c) for c in components[:3])
        return RGBA(r, g, b, alpha)
    (hue, hue_unit), (sat, sat_unit), (light, light_unit) = components[:3]
    if hue_unit == "%" or sat_unit != "%" or light_unit != "%":
        raise OptionsError(f"not a CSS colour: {original!r}")
    r, g, b = _hsl_to_rgb(hue % 360, min(max(sat, 0), 100) / 100, min(max(light, 0), 100) / 100)
    return RGBA(r, g, b, alpha)


def _channel(component: tuple[float, str | None]) -> int:
    value, unit = component
    if unit == "deg":
        raise OptionsError(f"an rgb() channel cannot be an angle: {value}deg")
    if unit == "%":
        value = value * 255 / 100
    return math.floor(min(max(value, 0.0), 255.0) + 0.5)


def _alpha(component: tuple[float, str | None]) -> float:
    value, unit = component
    if unit == "deg":
        raise OptionsError(f"alpha cannot be an angle: {value}deg")
    if unit == "%":
        value /= 100
    return min(max(value, 0.0), 1.0)


def _hsl_to_rgb(hue: float, sat: float, light: float) -> tuple[int, int, int]:
    """CSS Color 4's ``hslToRgb``."""

    def f(n: float) -> int:
        k = (n + hue / 30) % 12
        a = sat * min(light, 1 - light)
        return math.floor((light - a * max(-1, min(k - 3, 9 - k, 1))) * 255 + 0.5)

    return f(0), f(8), f(4)
