"""Array operations shared by the nets: face-api.js's tensor pre-processing and its NMS, in numpy.

Everything here is vectorised, since the same code runs in Pyodide where a Python loop over pixels or
boxes costs ~12x more than in CPython.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.lib.array_utils import byte_bounds

from .classes import Box


def to_input_tensor(rgb: np.ndarray, input_size: int, center: bool) -> np.ndarray:
    """Zero-pad an HxWx3 image to a square and bilinearly resize it to ``input_size``.

    Reproduces face-api.js's tensor path exactly: ``padToSquare`` (bottom/right padding, or both sides
    with ``round(diff / 2)`` *after* the image and the rest before when ``center``), then tfjs
    ``resizeBilinear`` with ``alignCorners=false`` and no half-pixel offset (``src = dst * in / out``),
    computed in float64 and stored as float32 like tfjs's CPU backend. The padding is never materialised:
    padded positions read from an extra zero row/column.

    Returns a float32 array of shape ``(input_size, input_size, 3)`` with values 0..255.
    """
    height, width = rgb.shape[:2]
    if max(height, width) == input_size:
        rows = _padded_to_source(height, input_size, center)
        cols = _padded_to_source(width, input_size, center)
        source = np.zeros((height + 1, width + 1, 3), dtype=rgb.dtype)
        source[:height, :width] = rgb[..., :3]
        return source[rows][:, cols].astype(np.float32)

    pixels = _row_major_pixels(rgb)
    plan = _resize_plan(height, width, input_size, center, pixels.shape[2])
    source = _source_rows(pixels, plan.needed, height)
    if plan.col_hi is None:
        # scaled down by a whole factor: a plain gather (see _resize_plan)
        return gather_columns(source, plan.col_lo)[plan.inverse].reshape(input_size, input_size, 3).astype(np.float32)
    out = np.empty((input_size, input_size * 3), dtype=np.float32)
    for start, stop, block_rows, block_inverse in plan.blocks:
        # per block, the same arithmetic as tfjs's per-pixel loop: top = tl + (tr - tl) * fx; bottom likewise;
        # top + (bottom - top) * fy; in float64 like tfjs's JS numbers, stored as float32
        rows_here = source[block_rows]
        left = gather_columns(rows_here, plan.col_lo)
        horizontal = np.subtract(gather_columns(rows_here, plan.col_hi), left, dtype=np.float64)
        horizontal *= plan.col_frac
        horizontal += left
        count = stop - start
        top = horizontal[block_inverse[:count]]
        block = horizontal[block_inverse[count:]]
        block -= top
        block *= plan.frac[start:stop, None]
        block += top
        out[start:stop] = block
    return out.reshape(input_size, input_size, 3)


@dataclass(frozen=True)
class _ResizePlan:
    """Everything a resize depends on but the pixels: computed once per (image size, input size, padding,
    channels), so video frames (and same-sized crops) skip the few dozen small numpy calls it takes —
    about 0.3 ms each time in Pyodide."""

    needed: np.ndarray  # the distinct source rows read, sorted (``height``: the zero row of the padding)
    inverse: np.ndarray  # output row -> its row in ``needed`` (a whole-factor resize: the one row it copies)
    col_lo: np.ndarray  # output column -> flat index (x * channels + c) of its left sample
    col_hi: np.ndarray | None  # ... of its right sample; None for a whole-factor resize
    col_frac: np.ndarray | None  # the x fraction of each flat output column
    frac: np.ndarray  # the y fraction of each output row
    blocks: tuple[tuple[int, int, np.ndarray, np.ndarray], ...]  # (start, stop, rows of needed, their inverse)


@functools.lru_cache(maxsize=64)
def _resize_plan(height: int, width: int, input_size: int, center: bool, channels: int) -> _ResizePlan:
    side = max(height, width)
    rows = _padded_to_source(height, side, center)
    cols = _padded_to_source(width, side, center)
    # the padded image is square: rows and columns sample the same positions
    lo, hi, frac = _sample_positions(side, input_size)
    channel = np.arange(3)
    # rows flattened to x * channels + channel: long, contiguous inner loops
    col_lo = (cols[lo][:, None] * channels + channel).ravel()
    if not frac.any():
        # Scaled down by a whole factor (640 -> 160), every position is a whole pixel: the fraction is 0, the
        # ceil is the floor, and ``a + (b - a) * 0`` is ``a`` exactly, so the resize is a plain gather.
        needed, inverse = np.unique(rows[lo], return_inverse=True)
        return _frozen(_ResizePlan(needed, inverse, col_lo, None, None, frac, ()))
    # Interpolate along x once per *distinct* source row, then along y, so each source row is read once
    # however many output rows use it. Distinct *source* rows: every padded position reads the one zero row,
    # so a wide sliver (1 x 20,000,000) copies 2 rows, not 2 * input_size copies of a 60 MB row.
    needed, inverse = np.unique(rows[np.concatenate([lo, hi])], return_inverse=True)
    # in blocks of output rows whose float64 temporaries stay in the CPU cache (~1 MB): memory traffic, not
    # arithmetic, is what a whole-image pass costs (faces.jpg -> SSD's 512: 6.3 -> 4.3 ms in CPython)
    step = max(1, _BLOCK_BYTES // (2 * 8 * 3 * input_size))
    blocks = []
    for start in range(0, input_size, step):
        stop = min(start + step, input_size)
        block_rows, block_inverse = np.unique(
            np.concatenate([inverse[start:stop], inverse[input_size + start : input_size + stop]]),
            return_inverse=True)
        blocks.append((start, stop, block_rows, block_inverse))
    col_hi = (cols[hi][:, None] * channels + channel).ravel()
    return _frozen(_ResizePlan(needed, inverse, col_lo, col_hi, np.repeat(frac, 3), frac, tuple(blocks)))


def _frozen(plan: _ResizePlan) -> _ResizePlan:
    """``plan`` with every array read-only: plans are shared between calls and threads."""
    arrays = [plan.needed, plan.inverse, plan.col_lo, plan.col_hi, plan.col_frac, plan.frac]
    arrays += [array for block in plan.blocks for array in block[2:]]
    for array in arrays:
        if array is not None:
            array.flags.writeable = False
    return plan


_BLOCK_BYTES = 1 << 20


def _source_rows(pixels: np.ndarray, needed: np.ndarray, height: int) -> np.ndarray:
    """Rows ``needed`` (sorted; ``height`` = the zero row of the padding, then last) of an HxWxC image as
    ``(len(needed), (W + 1) * C)``, each with one zero pixel appended (the zero column of the padding)."""
    width, stride = pixels.shape[1], pixels.shape[2]
    real = needed[needed < height]
    source = np.zeros((len(needed), (width + 1) * stride), dtype=pixels.dtype)
    source[: len(real), : width * stride] = pixels[real].reshape(len(real), width * stride)
    return source


def gather_columns(array: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``array[:, index]`` as a C-contiguous array. Indexing, not ``np.take(axis=1)``: in Pyodide's numpy
    ``take`` copies element by element (a resize of a 640x480 frame to 416 took 16 ms, now 7 ms); in CPython the
    two are on a par once the result is made contiguous (indexing on axis 1 returns it column-major)."""
    return np.ascontiguousarray(array[:, index])


def _row_major_pixels(rgb: np.ndarray) -> np.ndarray:
    """``rgb`` (HxWx3) as an HxWxC array whose first 3 channels are ``rgb`` and whose pixels are each C
    contiguous values (C = 3; or 4 when ``rgb`` views 3 of 4 interleaved channels, as the RGB view of the RGBA
    pixels the browser reads, or a face crop of them), so that gathering rows and columns copies whole pixels:
    ``rgb`` itself, a read-only 4-channel view of the same memory, or a contiguous copy. Gathers through a 3-of-4
    channel view, and copies of one, are ~100x slower in Pyodide's numpy."""
    item = rgb.itemsize
    if rgb.strides[2] == item and rgb.strides[1] == 3 * item:
        return rgb
    if rgb.strides[2] == item and rgb.strides[1] == 4 * item and rgb.strides[0] > 0 and rgb.size:
        # the 4th value of each pixel lies between its pixel and the next one: view it too (it is never used)
        # when the last pixel's 4th value is still inside the memory that ``rgb`` belongs to
        low, high = byte_bounds(rgb.base if isinstance(rgb.base, np.ndarray) else rgb)
        start = rgb.__array_interface__["data"][0]
        height, width = rgb.shape[:2]
        end = start + (height - 1) * rgb.strides[0] + width * 4 * item
        if low <= start and end <= high:
            return np.lib.stride_tricks.as_strided(rgb, shape=(height, width, 4),
                                                   strides=(rgb.strides[0], 4 * item, item), writeable=False)
    return np.ascontiguousarray(rgb)


def to_batch_tensor(images: Sequence[np.ndarray], input_size: int, center: bool) -> np.ndarray:
    """Stack :func:`to_input_tensor` of each image into an ``(N, input_size, input_size, 3)`` float32 batch."""
    return np.stack([to_input_tensor(image, input_size, center) for image in images])


def _padded_to_source(size: int, side: int, center: bool) -> np.ndarray:
    """For each index of the padded axis, the source index, or ``size`` (the zero row/column) for padding."""
    diff = side - size
    before = diff - js_round(diff * 0.5) if center else 0
    index = np.arange(side) - before
    return np.where((index >= 0) & (index < size), index, size)


def _sample_positions(in_size: int, out_size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """tfjs resizeBilinear's source positions: floor, ceil (clamped) and fraction of ``dst * in / out``."""
    position = (in_size / out_size) * np.arange(out_size, dtype=np.float64)
    lo = np.floor(position)
    hi = np.minimum(in_size - 1, np.ceil(position))
    return lo.astype(np.intp), hi.astype(np.intp), position - lo


def js_round(value: float) -> int:
    """JavaScript's ``Math.round`` (halves round up; Python's ``round`` rounds them to even)."""
    return math.floor(value + 0.5)


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def iou(box1: Box, box2: Box, is_iou: bool = True) -> float:
    """Intersection over union of two boxes (or over the smaller area when ``is_iou`` is false)."""
    return float(pairwise_iou(_bounds([box1]), _bounds([box2]), is_iou)[0, 0])


def pairwise_iou(a: np.ndarray, b: np.ndarray, is_iou: bool = True) -> np.ndarray:
    """IoU matrix between boxes ``a`` (N,4) and ``b`` (M,4), each row ``left, top, right, bottom``."""
    width = np.maximum(0.0, np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0]))
    height = np.maximum(0.0, np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1]))
    intersection = width * height
    area_a = ((a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1]))[:, None]
    area_b = ((b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1]))[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        if is_iou:
            return intersection / (area_a + area_b - intersection)
        return intersection / np.minimum(area_a, area_b)


def non_max_suppression(
    boxes: np.ndarray | Sequence[Box], scores: Sequence[float] | np.ndarray, iou_threshold: float,
    is_iou: bool = True,
) -> list[int]:
    """face-api.js's greedy NMS (``ops/nonMaxSuppression``): indices kept, best score first.

    ``boxes`` is an (N,4) array of ``left, top, right, bottom`` or a sequence of :class:`Box`. A box is
    dropped when its overlap with an already kept box is above ``iou_threshold``. Equal scores are taken
    in reverse index order, as face-api.js's sort-then-pop does.
    """
    bounds = boxes if isinstance(boxes, np.ndarray) else _bounds(boxes)
    scores = np.asarray(scores, dtype=np.float64)
    remaining = np.argsort(scores, kind="stable")[::-1]
    kept: list[int] = []
    while remaining.size:
        best, remaining = remaining[0], remaining[1:]
        kept.append(int(best))
        overlap = pairwise_iou(bounds[best : best + 1], bounds[remaining], is_iou)[0]
        remaining = remaining[overlap <= iou_threshold]
    return kept


def _bounds(boxes: Sequence[Box]) -> np.ndarray:
    return np.array([[b.left, b.top, b.right, b.bottom] for b in boxes], dtype=np.float64).reshape(-1, 4)
