"""Shared test helpers: fixture paths and the face-api.js reference JSONs."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"
IMAGES = FIXTURES / "images"
REFERENCE = FIXTURES / "reference"

# (reference json, image file): every image face-api.js's references cover
REFERENCE_CASES = sorted(
    (path, IMAGES / path.name.removesuffix(".json")) for path in REFERENCE.glob("*/*.json")
)


def case_id(case: tuple[Path, Path]) -> str:
    return f"{case[0].parent.name}/{case[1].name}"


@cache
def reference(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def box_iou(a: dict[str, float], b: dict[str, float]) -> float:
    """IoU of two ``{x, y, width, height}`` dicts."""
    width = max(0.0, min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"]))
    height = max(0.0, min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"]))
    inter = width * height
    return inter / (a["width"] * a["height"] + b["width"] * b["height"] - inter)


def match_detections(
    ours: list[dict[str, Any]], theirs: list[dict[str, Any]], threshold: float, *, min_iou: float,
    max_score_diff: float, near_threshold: float = 0.005,
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Pair our detections with face-api.js's by best IoU and check the acceptance bars.

    Every reference face must be matched (IoU >= ``min_iou``, |score diff| <= ``max_score_diff``) unless its
    score lies within ``near_threshold`` of the threshold; a face only we report must score that close to
    the threshold too (plus the score tolerance). Returns the matched pairs.
    """
    unmatched = list(range(len(ours)))
    pairs = []
    for ref in theirs:
        best = max(unmatched, key=lambda i: box_iou(ours[i]["box"], ref["box"]), default=None)
        if best is None or box_iou(ours[best]["box"], ref["box"]) < min_iou:
            assert abs(ref["score"] - threshold) <= near_threshold, f"face-api.js face not found: {ref}"
            continue
        unmatched.remove(best)
        pairs.append((ours[best], ref))
        assert abs(ours[best]["score"] - ref["score"]) <= max_score_diff, (ours[best], ref)
    for i in unmatched:
        assert abs(ours[i]["score"] - threshold) <= near_threshold + max_score_diff, f"extra face: {ours[i]}"
    return pairs
