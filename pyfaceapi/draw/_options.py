"""Shared plumbing of the draw options dataclasses: validation and construction from mappings."""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping
from typing import Any, TypeVar

from ..errors import OptionsError
from .colors import parse_color

T = TypeVar("T")

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def snake_case(name: str) -> str:
    """``anchorPosition`` -> ``anchor_position`` (face-api.js's option names are accepted too)."""
    return _CAMEL.sub("_", name).lower()


def options_from(cls: type[T], value: T | Mapping[str, Any] | None, defaults: Mapping[str, Any] | None = None) -> T:
    """An options object from an instance (kept), a mapping (merged over ``defaults``) or ``None``.

    Mapping keys may be snake_case or face-api.js's camelCase. Like face-api.js's ``Object.assign`` over
    its defaults, a key given with the value ``None`` counts as absent.
    """
    if isinstance(value, cls):
        return value
    if value is not None and not isinstance(value, Mapping):
        raise OptionsError(f"expected {cls.__name__} or a mapping of its fields, got {type(value).__name__}")
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    merged: dict[str, Any] = dict(defaults or {})
    for key, item in (value or {}).items():
        name = snake_case(key)
        if name not in names:
            raise OptionsError(f"{cls.__name__}: unknown option {key!r} (known: {', '.join(sorted(names))})")
        if item is not None:
            merged[name] = item
    return cls(**merged)


def check_color(owner: str, name: str, value: Any) -> None:
    try:
        parse_color(value)
    except OptionsError as exc:
        raise OptionsError(f"{owner}: {name} {exc}") from None


def check_number(owner: str, name: str, value: Any, *, positive: bool = False, non_negative: bool = False) -> None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if ok and positive:
        ok = value > 0
    if ok and non_negative:
        ok = value >= 0
    if not ok:
        kind = "a positive" if positive else "a non-negative" if non_negative else "a finite"
        raise OptionsError(f"{owner}: {name} must be {kind} number, got {value!r}")
