"""Anti-aliased rasterisation of display-list shapes with numpy, as Chromium's canvas paints them.

A canvas paints a shape by computing, for each pixel, the fraction of the pixel the shape covers (its
*coverage*), then blending the colour over the pixel with ``coverage * alpha`` (source-over). This module
does the same, following the choices of Skia, the rasteriser behind Chromium's canvas, so that Pillow-side
images agree with browser canvases to a few levels per channel, not by tens along every edge:

- rectangles (``fillRect``, and ``strokeRect`` as the outer minus the inner rectangle, square corners)
  get their exact area coverage, as Skia's rectangle code does;
- strokes at most 1 px wide are Skia's anti-aliased *hairlines* (:func:`hairlines`), which is how face-api.js's
  1 px landmark contours look on a canvas;
- other shapes are filled as polygons: a wider stroke as the union of its segments' rectangles, a disc as
  the polygon Skia flattens a circle into (:func:`circle_polygon`); their vertices' y is rounded to 1/4 px
  (Skia's analytic anti-aliasing) and their coverage is supersampled on a ``SUBSAMPLES`` grid per pixel.

Measured against Chromium 2D canvases (software raster, ``tools/draw_reference/canvas_parity.py``),
face-api.js's landmarks agree within 8 levels on ~96% of the pixels they touch (>= 99.7% of whole pictures).
Everything works on a region: the shape's bounding pixel rectangle clipped to the canvas.
No Pillow here; text coverage comes from the Pillow renderer (:mod:`.render`), blended by :func:`composite`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .colors import RGBA
from .display_list import PointTuple

SUBSAMPLES = 16
"""Samples per pixel side for polygons: coverage in steps of 1/256."""


@dataclass(frozen=True, slots=True)
class Region:
    """Pixels ``[x0, x1) x [y0, y1)`` of the canvas (``x1 > x0``, ``y1 > y0``)."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def slices(self) -> tuple[slice, slice]:
        """Index an ``HxW[xC]`` array with ``array[region.slices]``."""
        return (slice(self.y0, self.y1), slice(self.x0, self.x1))


Coverage = tuple[Region, np.ndarray]
"""A region and the coverage (0..1, float64, shape ``(y1 - y0, x1 - x0)``) of its pixels."""


def region_of(left: float, top: float, right: float, bottom: float, width: int, height: int) -> Region | None:
    """The pixels touched by the box ``[left, right] x [top, bottom]``, clipped to a ``width x height`` canvas."""
    if not all(math.isfinite(v) for v in (left, top, right, bottom)):
        return None
    x0, y0 = max(math.floor(left), 0), max(math.floor(top), 0)
    x1, y1 = min(math.ceil(right), width), min(math.ceil(bottom), height)
    if x1 <= x0 or y1 <= y0:
        return None
    return Region(x0, y0, x1, y1)


def rect_coverage(left: float, top: float, right: float, bottom: float, region: Region) -> np.ndarray:
    """Exact coverage of the pixels of ``region`` by an axis-aligned rectangle."""
    xs = np.arange(region.x0, region.x1, dtype=np.float64)
    ys = np.arange(region.y0, region.y1, dtype=np.float64)
    cover_x = np.clip(np.minimum(xs + 1, right) - np.maximum(xs, left), 0.0, 1.0)
    cover_y = np.clip(np.minimum(ys + 1, bottom) - np.maximum(ys, top), 0.0, 1.0)
    return np.outer(cover_y, cover_x)


def fill_rect(x: float, y: float, w: float, h: float, width: int, height: int) -> Coverage | None:
    """``ctx.fillRect(x, y, w, h)`` (negative sizes extend left/up, as on a canvas)."""
    left, right = sorted((x, x + w))
    top, bottom = sorted((y, y + h))
    region = region_of(left, top, right, bottom, width, height)
    if region is None or right == left or bottom == top:
        return None
    return region, rect_coverage(left, top, right, bottom, region)


def stroke_rect(x: float, y: float, w: float, h: float, line_width: float, width: int, height: int) -> Coverage | None:
    """``ctx.strokeRect(x, y, w, h)`` with square (miter) corners; a zero side makes it a butt-capped line."""
    half = line_width / 2
    left, right = sorted((x, x + w))
    top, bottom = sorted((y, y + h))
    if w == 0 and h == 0:
        return None
    if w == 0 or h == 0:  # the canvas strokes the single line (x, y) -> (x + w, y + h) with butt caps
        return stroke_segments([((x, y), (x + w, y + h))], line_width, width, height)
    outer = (left - half, top - half, right + half, bottom + half)
    region = region_of(*outer, width, height)
    if region is None:
        return None
    coverage = rect_coverage(*outer, region)
    inner = (left + half, top + half, right - half, bottom - half)
    if inner[2] > inner[0] and inner[3] > inner[1]:
        coverage -= rect_coverage(*inner, region)
    return region, np.clip(coverage, 0.0, 1.0)


def stroke_segments(
    segments: Sequence[tuple[PointTuple, PointTuple]], line_width: float, width: int, height: int
) -> Coverage | None:
    """One ``stroke()`` of a path made of separate straight subpaths with butt caps (no joins).

    Lines at most 1 px wide are hairlines (:func:`hairlines`); wider ones cover the union of each segment's
    rectangle (its length by ``line_width``), as a canvas fills a stroke's outline.
    """
    if not line_width > 0:
        return None
    if line_width <= 1:
        return hairlines(segments, line_width, width, height)
    half = line_width / 2
    outlines = []
    for (ax, ay), (bx, by) in segments:
        length = math.hypot(bx - ax, by - ay)
        if length == 0 or not math.isfinite(length):
            continue  # a zero-length segment with butt caps paints nothing
        nx, ny = -(by - ay) / length * half, (bx - ax) / length * half
        outlines.append([(ax + nx, ay + ny), (bx + nx, by + ny), (bx - nx, by - ny), (ax - nx, ay - ny)])
    return fill_convex_polygons(outlines, width, height)


def hairlines(
    segments: Sequence[tuple[PointTuple, PointTuple]], line_width: float, width: int, height: int
) -> Coverage | None:
    """Skia's anti-aliased hairlines: what Chromium's canvas draws for strokes at most 1 px wide.

    Along the line's major axis, each pixel column (or row) gets a total coverage of ``line_width`` times
    the part of the column the segment spans, split between the two pixels whose centres bracket the line
    there, in proportion to the distance. Segments are blended one after the other (overlaps add up as
    two fills do).
    """
    boxes = [(min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])) for a, b in segments]
    finite = [b for b in boxes if all(math.isfinite(v) for v in b)]
    if not finite:
        return None
    region = region_of(min(b[0] for b in finite) - 1, min(b[1] for b in finite) - 1,
                       max(b[2] for b in finite) + 1, max(b[3] for b in finite) + 1, width, height)
    if region is None:
        return None
    accumulated = np.zeros((region.y1 - region.y0, region.x1 - region.x0))
    for (ax, ay), (bx, by) in segments:
        if not all(math.isfinite(v) for v in (ax, ay, bx, by)) or (ax, ay) == (bx, by):
            continue
        single = np.zeros_like(accumulated)
        if abs(bx - ax) >= abs(by - ay):
            _hairline_major(single, region.x0, region.y0, ax, ay, bx, by, line_width)
        else:  # the same with x and y swapped
            _hairline_major(single.T, region.y0, region.x0, ay, ax, by, bx, line_width)
        accumulated = 1.0 - (1.0 - accumulated) * (1.0 - np.minimum(single, 1.0))
    return region, accumulated


def _hairline_major(out: np.ndarray, major0: int, minor0: int, a_major: float, a_minor: float,
                    b_major: float, b_minor: float, scale: float) -> None:
    """Add a hairline whose major axis is the second index of ``out`` (offset ``major0``/``minor0``)."""
    if a_major > b_major:
        a_major, a_minor, b_major, b_minor = b_major, b_minor, a_major, a_minor
    slope = (b_minor - a_minor) / (b_major - a_major)
    columns = np.arange(max(math.floor(a_major), major0), min(math.ceil(b_major), major0 + out.shape[1]))
    if not len(columns):
        return
    span = np.clip(np.minimum(columns + 1, b_major) - np.maximum(columns, a_major), 0.0, 1.0) * scale
    centre = a_minor + slope * (columns + 0.5 - a_major) - 0.5  # the line between pixel centres
    upper = np.floor(centre).astype(np.int64)
    fraction = centre - upper
    for rows, weight in ((upper, 1.0 - fraction), (upper + 1, fraction)):
        index = rows - minor0
        inside = (index >= 0) & (index < out.shape[0])
        np.add.at(out, (index[inside], columns[inside] - major0), (weight * span)[inside])


def fill_circle(cx: float, cy: float, radius: float, width: int, height: int) -> Coverage | None:
    """``ctx.arc(cx, cy, radius, 0, 2 * pi); ctx.fill()``, the circle flattened as Skia flattens it."""
    if not radius > 0:
        return None
    return fill_convex_polygons([circle_polygon(cx, cy, radius)], width, height)


def circle_polygon(cx: float, cy: float, radius: float) -> list[PointTuple]:
    """The polygon Skia fills for a circle: 4 quarter conics, each made quadratic Béziers (tolerance 1/4 px)
    and each Bézier cut into ``2**shift`` lines by Skia's edge builder (``SkQuadraticEdge``)."""
    r = radius
    w = math.sqrt(0.5)
    corners = [(r, 0.0), (r, r), (0.0, r), (-r, r), (-r, 0.0), (-r, -r), (0.0, -r), (r, -r), (r, 0.0)]
    absolute = [(cx + x, cy + y) for x, y in corners]
    vertices: list[PointTuple] = []
    for i in range(0, 8, 2):
        p0, p1, p2 = absolute[i], absolute[i + 1], absolute[i + 2]
        for q0, q1, q2 in _conic_to_quads(p0, p1, p2, w, tolerance=0.25):
            steps = 1 << _quad_shift(q0, q1, q2)
            for k in range(steps):
                t = k / steps
                x = (1 - t) ** 2 * q0[0] + 2 * t * (1 - t) * q1[0] + t * t * q2[0]
                y = (1 - t) ** 2 * q0[1] + 2 * t * (1 - t) * q1[1] + t * t * q2[1]
                vertices.append((x, y))
    return vertices


def _conic_to_quads(
    p0: PointTuple, p1: PointTuple, p2: PointTuple, w: float, tolerance: float
) -> list[tuple[PointTuple, PointTuple, PointTuple]]:
    """``SkConic::computeQuadPOW2`` + ``chopIntoQuadsPOW2``: halve the conic until each half's error is small,
    then use each piece's control points as a quadratic Bézier."""
    a = w - 1
    k = a / (4 * (2 + a))
    error = math.hypot(k * (p0[0] - 2 * p1[0] + p2[0]), k * (p0[1] - 2 * p1[1] + p2[1]))
    pow2 = 0
    while pow2 < 4 and error > tolerance:
        error *= 0.25
        pow2 += 1
    pieces = [(p0, p1, p2, w)]
    for _ in range(pow2):
        halves = []
        for c0, c1, c2, cw in pieces:
            mid = ((c0[0] + 2 * cw * c1[0] + c2[0]) / (2 + 2 * cw), (c0[1] + 2 * cw * c1[1] + c2[1]) / (2 + 2 * cw))
            left = ((c0[0] + cw * c1[0]) / (1 + cw), (c0[1] + cw * c1[1]) / (1 + cw))
            right = ((cw * c1[0] + c2[0]) / (1 + cw), (cw * c1[1] + c2[1]) / (1 + cw))
            half_w = math.sqrt((1 + cw) / 2)
            halves += [(c0, left, mid, half_w), (mid, right, c2, half_w)]
        pieces = halves
    return [(c0, c1, c2) for c0, c1, c2, _ in pieces]


def _quad_shift(q0: PointTuple, q1: PointTuple, q2: PointTuple) -> int:
    """``SkQuadraticEdge``'s subdivision (``diff_to_shift`` at anti-aliasing accuracy 2): lines = 2**shift."""
    scale = 1 << 8  # FDot6 (1/64 px) times the 4x anti-aliasing scale
    x0, x1, x2 = (int(p[0] * scale) for p in (q0, q1, q2))
    y0, y1, y2 = (int(p[1] * scale) for p in (q0, q1, q2))
    dx, dy = abs(((x1 << 1) - x0 - x2) >> 2), abs(((y1 << 1) - y0 - y2) >> 2)
    dist = dx + (dy >> 1) if dx > dy else dy + (dx >> 1)
    dist = (dist + (1 << 4)) >> 5
    return min(max(dist.bit_length() >> 1, 1), 6)


def fill_convex_polygons(polygons: Sequence[Sequence[PointTuple]], width: int, height: int) -> Coverage | None:
    """Coverage of the union of convex polygons, each vertex's y rounded to 1/4 px first.

    The rounding is Skia's analytic anti-aliasing (``SkAnalyticEdge::SnapY``), which Chromium's canvas
    uses to fill paths; without it edges land up to 1/8 px off and tens of levels differ along them.
    """
    snapped = [[(x, math.floor(y * 4 + 0.5) / 4) for x, y in poly] for poly in polygons if len(poly) >= 3]
    snapped = [p for p in snapped if all(math.isfinite(v) for xy in p for v in xy)]
    if not snapped:
        return None
    region = region_of(min(x for p in snapped for x, _ in p), min(y for p in snapped for _, y in p),
                       max(x for p in snapped for x, _ in p), max(y for p in snapped for _, y in p), width, height)
    if region is None:
        return None
    s = SUBSAMPLES
    inside = np.zeros(((region.y1 - region.y0) * s, (region.x1 - region.x0) * s), dtype=bool)
    for poly in snapped:
        sub = region_of(min(x for x, _ in poly), min(y for _, y in poly), max(x for x, _ in poly),
                        max(y for _, y in poly), width, height)
        if sub is None:
            continue
        px, py = _sample_grid(sub)
        orientation = sum(poly[i - 1][0] * poly[i][1] - poly[i][0] * poly[i - 1][1] for i in range(len(poly)))
        if orientation == 0:
            continue  # no area
        sign = 1.0 if orientation > 0 else -1.0
        hit = np.ones((py.shape[0], px.shape[1]), dtype=bool)
        for i in range(len(poly)):
            (ax, ay), (bx, by) = poly[i - 1], poly[i]
            hit &= sign * ((bx - ax) * (py - ay) - (by - ay) * (px - ax)) >= 0
        rows = slice((sub.y0 - region.y0) * s, (sub.y1 - region.y0) * s)
        cols = slice((sub.x0 - region.x0) * s, (sub.x1 - region.x0) * s)
        inside[rows, cols] |= hit
    return region, _downsample(inside)


def composite(pixels: np.ndarray, region: Region, coverage: np.ndarray, color: RGBA) -> None:
    """Blend ``color`` with ``coverage`` over ``pixels`` (``HxWx3`` or ``HxWx4`` uint8) in place (source-over).

    The result is rounded to 8 bits per operation, as a canvas stores it.
    """
    a = coverage * color.a
    if not a.any():
        return
    view = pixels[region.slices]
    src = np.array(color[:3], dtype=np.float64)
    dst = view[..., :3].astype(np.float64)
    a3 = a[..., None]
    if pixels.shape[2] == 3:
        out = src * a3 + dst * (1.0 - a3)
        view[..., :3] = np.floor(out + 0.5).astype(np.uint8)
        return
    dst_a = view[..., 3].astype(np.float64) / 255.0
    out_a = a + dst_a * (1.0 - a)
    weight_dst = (dst_a * (1.0 - a))[..., None]
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(out_a[..., None] > 0, (src * a3 + dst * weight_dst) / out_a[..., None], 0.0)
    view[..., :3] = np.floor(out + 0.5).astype(np.uint8)
    view[..., 3] = np.floor(out_a * 255.0 + 0.5).astype(np.uint8)


def _sample_grid(region: Region) -> tuple[np.ndarray, np.ndarray]:
    """Sample positions (x as a row, y as a column) at the centres of a ``SUBSAMPLES``-grid over ``region``."""
    s = SUBSAMPLES
    xs = region.x0 + (np.arange((region.x1 - region.x0) * s, dtype=np.float64) + 0.5) / s
    ys = region.y0 + (np.arange((region.y1 - region.y0) * s, dtype=np.float64) + 0.5) / s
    return xs[None, :], ys[:, None]


def _downsample(inside: np.ndarray) -> np.ndarray:
    s = SUBSAMPLES
    h, w = inside.shape[0] // s, inside.shape[1] // s
    return inside.reshape(h, s, w, s).mean(axis=(1, 3))
