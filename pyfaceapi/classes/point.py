"""2-D points, as face-api.js's ``Point``."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Point:
    """An immutable 2-D point in pixels (or in relative units, for relative landmarks)."""

    x: float
    y: float

    def add(self, other: Point) -> Point:
        return Point(self.x + other.x, self.y + other.y)

    def sub(self, other: Point) -> Point:
        return Point(self.x - other.x, self.y - other.y)

    def mul(self, other: Point) -> Point:
        return Point(self.x * other.x, self.y * other.y)

    def div(self, other: Point) -> Point:
        return Point(self.x / other.x, self.y / other.y)

    def abs(self) -> Point:
        return Point(abs(self.x), abs(self.y))

    def magnitude(self) -> float:
        return math.sqrt(self.x**2 + self.y**2)

    def floor(self) -> Point:
        return Point(math.floor(self.x), math.floor(self.y))

    def to_dict(self) -> dict[str, float]:
        return {"x": self.x, "y": self.y}
