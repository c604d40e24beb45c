"""MTCNN: face-api.js's configurable three-stage face detector, with 5-point landmarks.

MTCNN (Zhang et al., 2016) is a cascade of three small nets, each looking at candidates the previous one
let through:

1. **P-Net** (proposal) runs fully convolutionally on an *image pyramid*: the image scaled so that a face of
   ``min_face_size`` pixels becomes P-Net's 12x12 window, then smaller by ``scale_factor`` per level. Each
   output cell scores one 12x12 window (stride 2) and regresses its box. Windows scoring at least
   ``score_thresholds[0]`` are kept, reduced by NMS per scale (IoU 0.5) and across scales (IoU 0.7), moved by
   their regression, squared and rounded.
2. **R-Net** (refine) scores a 24x24 patch of every candidate; those above ``score_thresholds[1]`` go
   through NMS (IoU 0.7) and are moved by R-Net's regression (squared, rounded).
3. **O-Net** (output) does the same on 48x48 patches (threshold ``score_thresholds[2]``, NMS 0.7 measured
   as intersection over the *smaller* box) and places 5 landmarks: eyes, nose, mouth corners.

Everything here reproduces face-api.js 0.22.2 (``build/commonjs/mtcnn/``) number for number, including:

- the pyramid: ``pyramidDown`` scales (or ``scale_steps``), only levels whose shorter side is > 12 px, at most
  ``max_num_scales`` of them; each level is ``tf.image.resizeBilinear`` of the image (float, no half-pixel
  offset) to ``floor(h * scale) x floor(w * scale)``;
- stage 1 compares scores with ``>=``, stages 2 and 3 with ``>``; candidate order (which breaks NMS ties)
  follows face-api.js's walk over its *transposed* score map, column by column;
- the stage-2/3 patches: face-api.js cuts them from a canvas with ``getImageData`` (box clipped to the image
  by ``padAtBorders``, one extra pixel at the left and top) and scales them with ``drawImage``. The canvas is
  reproduced in numpy with the reference stand-in's semantics (``canvasShim.js``): bilinear with half-pixel
  centres, clamp to the edge of the source rectangle, on premultiplied RGBA (pixels outside the image are
  transparent black), rounded to uint8 — the same double-precision arithmetic, so the same bytes;
- the box arithmetic of face-api.js's ``Box``/``MtcnnBox`` (``right = left + (right - left)``), ``toSquare``
  (its difference computed once), JavaScript's ``Math.round``;
- a face-api.js quirk in stage 3: the landmarks of the i-th kept face are read from the O-Net output at the
  face's index among the *filtered* candidates, not among all candidates (they differ only when O-Net
  rejected an earlier candidate).

The three models (``models/mtcnn_{pnet,rnet,onet}.tflite``) take RGB pixels 0..255 in natural orientation
and normalise in-graph; face-api.js's BGR channel order and transposed layout are folded into their weights
(``tools/convert``). P-Net runs once per pyramid level, at that level's size: the runtimes specialise a model
per input shape and keep those specialisations in a bounded cache, so this net asks for a cache large enough
for a whole pyramid (:data:`PNET_SHAPE_CACHE`), and a video at a fixed frame size then reuses the same shapes
on every frame. R-Net and O-Net run once per stage on all candidates, the batch padded to a power of two so
that the number of distinct batch shapes stays small.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import numpy as np

from ..classes import Box, Dimensions, FaceDetection, FaceLandmarks5
from ..errors import InputError, ModelError, NotLoadedError, OptionsError
from ..inputs import NetInput
from ..model_files import (
    check_sha256,
    default_model_dir,
    fetch_bytes,
    fetch_manifest_hashes,
    folder_hashes,
    listed_sha256,
)
from ..ops import gather_columns, non_max_suppression
from ..results import FaceResult, extend_with_face_landmarks
from ..runtime import Model, get_runtime
from .base import NeuralNetwork

CELL_SIZE = 12
"""P-Net's window: a face of ``min_face_size`` pixels is scaled to 12x12."""
CELL_STRIDE = 2
"""P-Net's output cells are 2 pixels apart (its one 2x2 max pool)."""

PNET_SHAPE_CACHE = 16
"""Input-shape specialisations of P-Net kept by the runtime: one per pyramid level (10 by default)."""

MtcnnResult = FaceResult
"""What :meth:`Mtcnn.forward` returns per face: ``detection`` plus 5-point ``landmarks`` (in image pixels),
``unshifted_landmarks`` (relative to the box) and ``aligned_rect``, as face-api.js's
``extendWithFaceLandmarks(extendWithFaceDetection({}, detection), landmarks5)``."""

RunNet = Callable[[np.ndarray], list[np.ndarray]]
"""A model call: float32 batch in, the model's outputs out."""


# ---------------------------------------------------------------------------------------------- options
@dataclass(frozen=True)
class MtcnnOptions:
    """Options of :class:`Mtcnn` (face-api.js's ``MtcnnOptions``).

    - ``min_face_size``: the smallest face (pixels) to look for; it sets the first pyramid scale,
      ``12 / min_face_size``. Larger is faster.
    - ``score_thresholds``: the score a candidate needs at stage 1, 2 and 3 (each in 0..1).
    - ``scale_factor``: how much smaller each pyramid level is than the previous one, in (0, 1).
    - ``max_num_scales``: at most that many pyramid levels.
    - ``scale_steps``: explicit pyramid scales, replacing ``min_face_size`` / ``scale_factor``
      (levels whose shorter side would not exceed 12 px are still dropped, and at most ``max_num_scales``
      are used).
    """

    min_face_size: float = 20
    score_thresholds: tuple[float, float, float] = (0.6, 0.7, 0.7)
    scale_factor: float = 0.709
    max_num_scales: int = 10
    scale_steps: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        name = type(self).__name__
        if not _is_number(self.min_face_size) or self.min_face_size <= 0:
            raise OptionsError(f"{name} - expected min_face_size to be a number > 0, got {self.min_face_size!r}")
        if not _is_number(self.scale_factor) or not 0 < self.scale_factor < 1:
            raise OptionsError(f"{name} - expected scale_factor to be a number between 0 and 1, "
                               f"got {self.scale_factor!r}")
        if isinstance(self.max_num_scales, bool) or not isinstance(self.max_num_scales, int) \
                or self.max_num_scales < 1:
            raise OptionsError(f"{name} - expected max_num_scales to be a positive integer, "
                               f"got {self.max_num_scales!r}")
        thresholds = self.score_thresholds
        if isinstance(thresholds, (str, bytes)) or not isinstance(thresholds, Sequence) or len(thresholds) != 3 \
                or not all(_is_number(t) and 0 <= t <= 1 for t in thresholds):
            raise OptionsError(f"{name} - expected score_thresholds to be 3 numbers between 0 and 1, "
                               f"got {thresholds!r}")
        object.__setattr__(self, "score_thresholds", tuple(float(t) for t in thresholds))
        steps = self.scale_steps
        if steps is not None:
            if isinstance(steps, (str, bytes)) or not isinstance(steps, Sequence) \
                    or not all(_is_number(s) and 0 < s < math.inf for s in steps):
                raise OptionsError(f"{name} - expected scale_steps to be a sequence of positive numbers, "
                                   f"got {steps!r}")
            object.__setattr__(self, "scale_steps", tuple(float(s) for s in steps))

    def scales(self, height: int, width: int) -> list[float]:
        """The pyramid scales used for an image of ``height`` x ``width`` pixels (face-api.js's
        ``forwardInput``: ``scaleSteps`` or ``pyramidDown``, levels > 12 px only, at most ``maxNumScales``)."""
        candidates = self.scale_steps if self.scale_steps is not None else \
            pyramid_down(self.min_face_size, self.scale_factor, height, width)
        usable = [s for s in candidates if min(sizes_for_scale(s, height, width)) > CELL_SIZE]
        return usable[: self.max_num_scales]


def pyramid_down(min_face_size: float, scale_factor: float, height: int, width: int) -> list[float]:
    """face-api.js's ``pyramidDown``: ``m * Math.pow(scale_factor, k)`` (``m = 12 / min_face_size``) while
    the shorter image side, scaled, is still at least 12 px."""
    m = CELL_SIZE / min_face_size
    min_layer = min(height, width) * m
    scales = []
    exponent = 0
    while min_layer >= CELL_SIZE:
        scales.append(m * js_pow(scale_factor, exponent))
        min_layer = min_layer * scale_factor
        exponent += 1
    return scales


def sizes_for_scale(scale: float, height: int, width: int) -> tuple[int, int]:
    """``getSizesForScale``: the pyramid level's ``(height, width)``, floored."""
    return math.floor(height * scale), math.floor(width * scale)


# JavaScript's Math.pow, bit for bit. V8 computes it with fdlibm's algorithm, which is not always correctly
# rounded, while Python's ``**`` (the C library's pow) is: 0.709 ** 7 differs from Math.pow(0.709, 7) in the
# last bit, and so would the 8th pyramid scale. Below, fdlibm's e_pow.c main path in V8's form (V8 divides
# by the whole final correction: ``(z * t1) / ((t1 - 2) - (w + z * w))``), for positive finite x; the
# special cases V8 handles first (y = 0, 1, 2, 0.5) included. Checked against Node 20 on 13,000 inputs.
_BP = (1.0, 1.5)
_DP_H = (0.0, 5.84962487220764160156e-01)
_DP_L = (0.0, 1.35003920212974897128e-08)
_L1, _L2, _L3 = 5.99999999999994648725e-01, 4.28571428578550184252e-01, 3.33333329818377432918e-01
_L4, _L5, _L6 = 2.72728123808534006489e-01, 2.30660745775561754067e-01, 2.06975017800338417784e-01
_P1, _P2, _P3 = 1.66666666666666019037e-01, -2.77777777770155933842e-03, 6.61375632143793436117e-05
_P4, _P5 = -1.65339022054652515390e-06, 4.13813679705723846039e-08
_LG2, _LG2_H, _LG2_L = 6.93147180559945286227e-01, 6.93147182464599609375e-01, -1.90465429995776804525e-09
_CP, _CP_H, _CP_L = 9.61796693925975554329e-01, 9.61796700954437255859e-01, -7.02846165095275826516e-09
_MIN_NORMAL = 2.2250738585072014e-308


def _high(x: float) -> int:
    """The upper 32 bits of a double, as a signed int (fdlibm's GET_HIGH_WORD)."""
    return struct.unpack("<q", struct.pack("<d", x))[0] >> 32


def _low(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0] & 0xFFFFFFFF


def _from_words(high: int, low: int) -> float:
    return struct.unpack("<d", struct.pack("<Q", ((high & 0xFFFFFFFF) << 32) | (low & 0xFFFFFFFF)))[0]


def js_pow(x: float, y: float) -> float:
    """``Math.pow(x, y)`` as V8 (Node, Chrome) computes it."""
    if y == 0:
        return 1.0
    if y == 1:
        return x
    if y == 2:
        return x * x
    if y == 0.5:
        return math.sqrt(x)
    if not (math.isfinite(x) and math.isfinite(y)) or x < _MIN_NORMAL or x == 1:
        return x**y  # outside the main path (negative, subnormal, infinite): not needed here
    # log2(x) = n + dp_h + z_h + z_l, with x = 2^n * ax and ax in [sqrt(2)/2, sqrt(2)) around 1 or 1.5
    ix = _high(x)
    n = (ix >> 20) - 0x3FF
    j = ix & 0x000FFFFF
    ix = j | 0x3FF00000
    if j <= 0x3988E:
        k = 0
    elif j < 0xBB67A:
        k = 1
    else:
        k, n, ix = 0, n + 1, ix - 0x00100000
    ax = _from_words(ix, _low(x))
    u = ax - _BP[k]
    v = 1.0 / (ax + _BP[k])
    ss = u * v
    s_h = _from_words(_high(ss), 0)
    t_h = _from_words(((ix >> 1) | 0x20000000) + 0x00080000 + (k << 18), 0)
    t_l = ax - (t_h - _BP[k])
    s_l = v * ((u - s_h * t_h) - s_h * t_l)
    s2 = ss * ss
    r = s2 * s2 * (_L1 + s2 * (_L2 + s2 * (_L3 + s2 * (_L4 + s2 * (_L5 + s2 * _L6)))))
    r += s_l * (s_h + ss)
    s2 = s_h * s_h
    t_h = _from_words(_high(3.0 + s2 + r), 0)
    t_l = r - ((t_h - 3.0) - s2)
    u = s_h * t_h
    v = s_l * t_h + t_l * ss
    p_h = _from_words(_high(u + v), 0)
    p_l = v - (p_h - u)
    z_h = _CP_H * p_h
    z_l = _CP_L * p_h + p_l * _CP + _DP_L[k]
    t = float(n)
    t1 = _from_words(_high(((z_h + z_l) + _DP_H[k]) + t), 0)
    t2 = z_l - (((t1 - t) - _DP_H[k]) - z_h)
    # y * log2(x) = p_h + p_l, then 2^(p_h + p_l)
    y1 = _from_words(_high(y), 0)
    p_l = (y - y1) * t1 + y * t2
    p_h = y1 * t1
    j = _high(p_l + p_h)
    i = j & 0x7FFFFFFF
    if j >= 0x40900000 or i >= 0x4090CC00:
        return x**y  # overflow or underflow
    k = (i >> 20) - 0x3FF
    n = 0
    if i > 0x3FE00000:
        n = j + (0x00100000 >> (k + 1))
        k = ((n & 0x7FFFFFFF) >> 20) - 0x3FF
        t = _from_words(n & ~(0x000FFFFF >> k), 0)
        n = ((n & 0x000FFFFF) | 0x00100000) >> (20 - k)
        if j < 0:
            n = -n
        p_h -= t
    t = _from_words(_high(p_l + p_h), 0)
    u = t * _LG2_H
    v = (p_l - (t - p_h)) * _LG2 + t * _LG2_L
    z = u + v
    w = v - (z - u)
    t = z * z
    t1 = z - t * (_P1 + t * (_P2 + t * (_P3 + t * (_P4 + t * _P5))))
    r = (z * t1) / ((t1 - 2.0) - (w + z * w))
    z = 1.0 - (r - z)
    j = _high(z) + (n << 20)
    if (j >> 20) <= 0:
        return math.ldexp(z, n)
    return _from_words(j, _low(z))


# ---------------------------------------------------------------------------------------- image operations
def js_round(values: np.ndarray) -> np.ndarray:
    """JavaScript's ``Math.round`` on an array: the nearest integer, halves up (exact: ``x - floor(x)`` is
    exact in binary floating point, unlike ``floor(x + 0.5)``)."""
    floor = np.floor(values)
    return floor + (values - floor >= 0.5)


def resize_bilinear(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """tfjs-core 1.7's CPU ``resizeBilinear`` (alignCorners=false, no half-pixel offset) of an HxWxC image.

    Source position ``dst * in / out``; ``top = tl + (tr - tl) * fx``, ``bottom`` likewise,
    ``top + (bottom - top) * fy``, in double precision, stored as float32 — as tfjs does per pixel.
    Returns float32 ``(height, width, C)``.
    """
    in_height, in_width = image.shape[:2]
    row_lo, row_hi, row_frac = _resize_positions(in_height, height)
    col_lo, col_hi, col_frac = _resize_positions(in_width, width)
    # Interpolate along x once per needed source row, then along y: the per-pixel loop's arithmetic
    # (a + (b - a) * f, evaluated in place as (b - a) * f + a, the same IEEE result), fewer temporaries.
    needed, inverse = np.unique(np.concatenate([row_lo, row_hi]), return_inverse=True)
    rows = np.take(image, needed, axis=0)
    left = gather_columns(rows, col_lo).astype(np.float64)
    horizontal = gather_columns(rows, col_hi) - left
    horizontal *= col_frac[None, :, None]
    horizontal += left
    top = np.take(horizontal, inverse[:height], axis=0)
    out = np.take(horizontal, inverse[height:], axis=0)
    out -= top
    out *= row_frac[:, None, None]
    out += top
    return out.astype(np.float32)


def _resize_positions(in_size: int, out_size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    position = (in_size / out_size) * np.arange(out_size, dtype=np.float64)
    lo = np.floor(position)
    hi = np.minimum(in_size - 1, np.ceil(position))
    return lo.astype(np.intp), hi.astype(np.intp), position - lo


def extract_image_patches(image: np.ndarray, boxes: np.ndarray, size: int) -> np.ndarray:
    """The ``size`` x ``size`` patches face-api.js's ``extractImagePatches`` cuts for stages 2 and 3.

    For each box (``x, y, width, height``, integers): ``padAtBorders`` clips it to the image
    (``x, y >= 1``, ``right <= W``, ``bottom <= H``), ``getImageData(x - 1, y - 1, ...)`` copies that
    rectangle (pixels outside the image are transparent black), and ``drawImage`` scales the copy to
    ``size`` x ``size``: bilinear with half-pixel centres, ``u = (i + 0.5) * sw / dw - 0.5`` clamped to the
    source rectangle, on premultiplied RGBA, then un-premultiplied and rounded (``canvasShim.js``; the
    double-precision arithmetic is the stand-in's, term by term). All boxes at once; returns uint8
    ``(N, size, size, 3)`` RGB (face-api.js then swaps it to BGR, which the models have folded in).
    """
    img_height, img_width = image.shape[:2]
    left, top = boxes[:, 0], boxes[:, 1]
    right, bottom = left + boxes[:, 2], top + boxes[:, 3]
    from_x = np.maximum(left, 1) - 1
    from_y = np.maximum(top, 1) - 1
    # a box entirely outside the image would make face-api.js's getImageData throw; read one transparent pixel
    src_width = np.maximum(np.minimum(right, img_width) - from_x, 1)
    src_height = np.maximum(np.minimum(bottom, img_height) - from_y, 1)
    x_lo, x_hi, fx = _draw_image_positions(src_width, from_x, size)
    y_lo, y_hi, fy = _draw_image_positions(src_height, from_y, size)
    fx, fy = fx[:, None, :], fy[:, :, None]

    def read(rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """RGB (as float64) and alpha (255 inside the image, 0 outside) at rows x cols of each box."""
        inside = ((rows >= 0) & (rows < img_height))[:, :, None] & ((cols >= 0) & (cols < img_width))[:, None, :]
        rgb = image[np.clip(rows, 0, img_height - 1)[:, :, None], np.clip(cols, 0, img_width - 1)[:, None, :]]
        return rgb.astype(np.float64), np.where(inside, 255.0, 0.0)[..., None]

    p00, a00 = read(y_lo, x_lo)
    p10, a10 = read(y_lo, x_hi)
    p01, a01 = read(y_hi, x_lo)
    p11, a11 = read(y_hi, x_hi)
    w00 = ((1 - fx) * (1 - fy))[..., None]
    w10 = (fx * (1 - fy))[..., None]
    w01 = ((1 - fx) * fy)[..., None]
    w11 = (fx * fy)[..., None]
    alpha = w00 * a00 + w10 * a10 + w01 * a01 + w11 * a11
    premultiplied = w00 * p00 * a00 + w10 * p10 * a10 + w01 * p01 * a01 + w11 * p11 * a11
    with np.errstate(divide="ignore", invalid="ignore"):
        rgb = np.where(alpha > 0, js_round(premultiplied / alpha), 0.0)
    return np.clip(rgb, 0, 255).astype(np.uint8)


def _draw_image_positions(
    src_size: np.ndarray, origin: np.ndarray, dst_size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per box, for each destination index: the two source indices (absolute, in the image) and the weight
    of the second, as ``drawImage(src, 0, 0, dst, dst)`` samples a ``src_size`` source."""
    size = src_size.astype(np.float64)[:, None]
    u = ((np.arange(dst_size) + 0.5)[None, :] * size) / dst_size - 0.5
    u = np.minimum(np.maximum(u, 0.0), size - 1)
    lo = np.floor(u)
    hi = np.minimum(lo + 1, size - 1)
    start = origin.astype(np.int64)[:, None]
    return start + lo.astype(np.int64), start + hi.astype(np.int64), u - lo


def to_canvas_pixels(image: np.ndarray) -> np.ndarray:
    """The image as a canvas holds it: uint8 RGB (float inputs are rounded as the canvas would)."""
    if image.dtype == np.uint8:
        return image
    return np.clip(js_round(image.astype(np.float64)), 0, 255).astype(np.uint8)


# ------------------------------------------------------------------------------------------- box arithmetic
# Candidate boxes are float64 (N, 4) arrays of face-api.js's Box fields: x, y, width, height.
def _bounds(boxes: np.ndarray) -> np.ndarray:
    """``left, top, right, bottom`` of each box (``right = x + width``, as Box's getter)."""
    return np.stack([boxes[:, 0], boxes[:, 1], boxes[:, 0] + boxes[:, 2], boxes[:, 1] + boxes[:, 3]], axis=1)


def _from_bounds(left: np.ndarray, top: np.ndarray, right: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    """``new Box({left, top, right, bottom})``: width = right - left, height = bottom - top."""
    return np.stack([left, top, right - left, bottom - top], axis=1)


def square_and_round(boxes: np.ndarray) -> np.ndarray:
    """``box.toSquare().round()``: grow the shorter side to the longer one around the centre, then round
    x, y, width and height. As in face-api.js the difference is computed once and the second test sees the
    already widened width."""
    x, y, width, height = (boxes[:, i].copy() for i in range(4))
    diff = np.abs(width - height)
    wider = width < height
    x[wider] -= diff[wider] / 2
    width[wider] += diff[wider]
    taller = height < width
    y[taller] -= diff[taller] / 2
    height[taller] += diff[taller]
    return js_round(np.stack([x, y, width, height], axis=1))


def calibrate(boxes: np.ndarray, regions: np.ndarray) -> np.ndarray:
    """``box.calibrate(new MtcnnBox(r0, r1, r2, r3))``: move each side by its regression times the box's
    width / height, then square and round. An ``MtcnnBox`` stores ``x = r0, width = r2 - r0``, so its
    ``right`` is ``r0 + (r2 - r0)``, which need not be ``r2`` in floating point."""
    left, top, right, bottom = _bounds(boxes).T
    width, height = boxes[:, 2], boxes[:, 3]
    region_left, region_top = regions[:, 0], regions[:, 1]
    region_right = region_left + (regions[:, 2] - region_left)
    region_bottom = region_top + (regions[:, 3] - region_top)
    return square_and_round(_from_bounds(left + region_left * width, top + region_top * height,
                                         right + region_right * width, bottom + region_bottom * height))


# ------------------------------------------------------------------------------------------------ stages
@dataclass(frozen=True)
class StageResult:
    """The candidates a stage passes on: integer ``boxes`` (N, 4: x, y, width, height, as float64), their
    ``scores`` (N,) and, after stage 3, the 5 landmarks ``points`` (N, 5, 2) in image pixels."""

    boxes: np.ndarray
    scores: np.ndarray
    points: np.ndarray = field(default_factory=lambda: np.zeros((0, 5, 2)))

    def __len__(self) -> int:
        return len(self.scores)


_NO_CANDIDATES = StageResult(np.zeros((0, 4)), np.zeros(0))


def stage1(image: np.ndarray, scales: Sequence[float], score_threshold: float, run_pnet: RunNet) -> StageResult:
    """P-Net on every pyramid level; NMS per level (IoU 0.5) and over all levels (IoU 0.7); regression,
    square, round (face-api.js's ``stage1``)."""
    cells, scores, regions = [], [], []
    img_height, img_width = image.shape[:2]
    for scale in scales:
        height, width = sizes_for_scale(scale, img_height, img_width)
        prob, region_map = run_pnet(resize_bilinear(image, height, width)[None])
        # face-api.js's score map is transposed (x first) and it walks it row by row: x outer, y inner
        score_map = prob[0, :, :, 1].T.astype(np.float64)
        xs, ys = np.nonzero(score_map >= score_threshold)
        if not xs.size:
            continue
        level_cells = np.stack([js_round((xs * CELL_STRIDE + 1) / scale), js_round((ys * CELL_STRIDE + 1) / scale),
                                js_round((xs * CELL_STRIDE + CELL_SIZE) / scale),
                                js_round((ys * CELL_STRIDE + CELL_SIZE) / scale)], axis=1)
        level_scores = score_map[xs, ys]
        keep = non_max_suppression(level_cells, level_scores, 0.5)
        cells.append(level_cells[keep])
        scores.append(level_scores[keep])
        regions.append(region_map[0, ys[keep], xs[keep]].astype(np.float64))
    if not cells:
        return _NO_CANDIDATES
    all_cells, all_scores, all_regions = np.concatenate(cells), np.concatenate(scores), np.concatenate(regions)
    keep = non_max_suppression(all_cells, all_scores, 0.7)
    # integer cells: BoundingBox(left, top, right, bottom) has x = left, width = right - left exactly
    boxes = _from_bounds(*all_cells[keep].T)
    return StageResult(calibrate(boxes, all_regions[keep]), all_scores[keep])


def stage2(image: np.ndarray, candidates: StageResult, score_threshold: float, run_rnet: RunNet) -> StageResult:
    """R-Net on 24x24 patches; score > threshold; NMS (IoU 0.7); regression, square, round (``stage2``)."""
    prob, regions = run_rnet(extract_image_patches(image, candidates.boxes, 24).astype(np.float32))
    scores = prob[:, 1].astype(np.float64)
    indices = np.flatnonzero(scores > score_threshold)
    if not indices.size:
        return _NO_CANDIDATES
    filtered_boxes, filtered_scores = candidates.boxes[indices], scores[indices]
    keep = non_max_suppression(_bounds(filtered_boxes), filtered_scores, 0.7)
    regions = regions[indices[keep]].astype(np.float64)
    return StageResult(calibrate(filtered_boxes[keep], regions), filtered_scores[keep])


def stage3(image: np.ndarray, candidates: StageResult, score_threshold: float, run_onet: RunNet) -> StageResult:
    """O-Net on 48x48 patches; score > threshold; regression; NMS (0.7, intersection over the smaller box);
    5 landmarks at ``point * (side + 1) + origin`` of the final box (``stage3``)."""
    prob, regions, points = run_onet(extract_image_patches(image, candidates.boxes, 48).astype(np.float32))
    scores = prob[:, 1].astype(np.float64)
    indices = np.flatnonzero(scores > score_threshold)
    if not indices.size:
        return _NO_CANDIDATES
    filtered_boxes = calibrate(candidates.boxes[indices], regions[indices].astype(np.float64))
    filtered_scores = scores[indices]
    keep = np.asarray(non_max_suppression(_bounds(filtered_boxes), filtered_scores, 0.7, is_iou=False), dtype=np.intp)
    boxes = filtered_boxes[keep]
    # face-api.js reads onetOuts[idx] with idx indexing the *filtered* candidates (reproduced on purpose)
    relative = points[keep].astype(np.float64)
    xs = relative[:, :5] * (boxes[:, 2:3] + 1) + boxes[:, 0:1]
    ys = relative[:, 5:] * (boxes[:, 3:4] + 1) + boxes[:, 1:2]
    return StageResult(boxes, filtered_scores[keep], np.stack([xs, ys], axis=2))


def to_results(final: StageResult, width: int, height: int) -> list[MtcnnResult]:
    """face-api.js's last step of ``forwardInput``: a :class:`FaceDetection` from the box relative to the
    image, and :class:`FaceLandmarks5` relative to the box, shifted by the detection (``extendWithFaceLandmarks``)."""
    dims = Dimensions(width, height)
    results = []
    for (x, y, box_width, box_height), score, points in zip(
        final.boxes.tolist(), final.scores.tolist(), final.points, strict=True
    ):
        detection = FaceDetection(score, Box(x / width, y / height, box_width / width, box_height / height), dims)
        relative = (points - np.array([x, y])) / np.array([box_width, box_height])
        landmarks = FaceLandmarks5(relative, Dimensions(box_width, box_height))
        results.append(extend_with_face_landmarks(FaceResult(detection), landmarks))
    return results


def mtcnn_forward(
    image: np.ndarray, options: MtcnnOptions, run_pnet: RunNet, run_rnet: RunNet, run_onet: RunNet
) -> list[MtcnnResult]:
    """The whole cascade on one HxWx3 image (face-api.js's ``Mtcnn.forwardInput``), given the three nets."""
    pixels = to_canvas_pixels(image)
    height, width = pixels.shape[:2]
    thresholds = options.score_thresholds
    candidates = stage1(pixels, options.scales(height, width), thresholds[0], run_pnet)
    if len(candidates):
        candidates = stage2(pixels, candidates, thresholds[1], run_rnet)
    if len(candidates):
        candidates = stage3(pixels, candidates, thresholds[2], run_onet)
    return to_results(candidates, width, height) if len(candidates) else []


# -------------------------------------------------------------------------------------------------- the net
class Mtcnn(NeuralNetwork):
    """face-api.js's ``Mtcnn``: three models, loaded together.

    ``load()`` / ``load_from_disk(folder)`` / ``await load_from_uri(base_url)`` read
    ``mtcnn_pnet.tflite``, ``mtcnn_rnet.tflite`` and ``mtcnn_onet.tflite`` (checked against the folder's
    ``manifest.json`` when there is one); ``load_from_bytes({"mtcnn_pnet": b"...", ...})`` takes the bytes.
    """

    model_name = "mtcnn"
    registry_name = "mtcnn"
    model_names: ClassVar[tuple[str, str, str]] = ("mtcnn_pnet", "mtcnn_rnet", "mtcnn_onet")
    shape_cache_sizes: ClassVar[Mapping[str, int]] = {"mtcnn_pnet": PNET_SHAPE_CACHE}
    """Per-model runtime shape-cache sizes (others: the runtime's default)."""

    def __init__(self) -> None:
        super().__init__()
        self._models: dict[str, Model] = {}

    # -- loading
    @property
    def is_loaded(self) -> bool:
        return len(self._models) == len(self.model_names)

    def load(self, model_dir: str | Path | None = None) -> None:
        """Load the three bundled models (or those in ``model_dir``), checked against the manifest."""
        self.load_from_disk(Path(model_dir) if model_dir is not None else default_model_dir())

    def load_from_disk(  # type: ignore[override]
        self, path: str | Path, expected_sha256: Mapping[str, str] | None = None
    ) -> None:
        """Load ``<path>/mtcnn_{pnet,rnet,onet}.tflite``; ``path`` may also name one of those files."""
        path = Path(path)
        folder = path if path.is_dir() else path.parent
        expected: Mapping[str, str | None] = expected_sha256 or {}
        if not expected:
            hashes = folder_hashes(folder)
            expected = {name: listed_sha256(hashes, name, str(folder)) for name in self.model_names}
        data = {}
        for name in self.model_names:
            file = folder / f"{name}.tflite"
            try:
                data[name] = file.read_bytes()
            except OSError as exc:
                raise ModelError(f"{name}: cannot read {file}: {exc.strerror or exc}") from exc
        self.load_from_bytes(data, expected)

    async def load_from_uri(  # type: ignore[override]
        self, uri: str, expected_sha256: Mapping[str, str] | None = None
    ) -> None:
        """Fetch ``<uri>/mtcnn_{pnet,rnet,onet}.tflite`` and load them, checked against ``expected_sha256``
        (name -> sha256) if given, else against the folder's ``manifest.json`` if it has one."""
        base = uri.rsplit("/", 1)[0] if uri.endswith(".tflite") else uri.rstrip("/")
        expected: Mapping[str, str | None] = expected_sha256 or {}
        if expected_sha256 is None:
            hashes = await fetch_manifest_hashes(base)
            expected = {name: listed_sha256(hashes, name, base) for name in self.model_names}
        data = {name: await fetch_bytes(f"{base}/{name}.tflite", expected.get(name)) for name in self.model_names}
        self.load_from_bytes(data)

    def load_from_bytes(  # type: ignore[override]
        self, data: Mapping[str, bytes], expected_sha256: Mapping[str, str | None] | None = None
    ) -> None:
        """Load the three models from ``{"mtcnn_pnet": bytes, "mtcnn_rnet": ..., "mtcnn_onet": ...}``."""
        if not isinstance(data, Mapping) or set(data) != set(self.model_names):
            raise ModelError(f"Mtcnn.load_from_bytes - expected a mapping with the keys {list(self.model_names)}")
        expected = expected_sha256 or {}
        for name in self.model_names:
            check_sha256(data[name], expected.get(name), f"{name}.tflite")
        self._models = {name: _load_model(data[name], name, self.shape_cache_sizes.get(name))
                        for name in self.model_names}

    def dispose(self) -> None:
        self._models = {}

    @property
    def model_files(self) -> tuple[str, ...]:
        """The three files this net loads."""
        return tuple(f"{name}.tflite" for name in self.model_names)

    @property
    def model_file(self) -> str:
        """The first of :attr:`model_files` (code written for one-file nets checks that it exists)."""
        return self.model_files[0]

    # -- running
    def _loaded(self, name: str) -> Model:
        model = self._models.get(name)
        if model is None:
            raise NotLoadedError(f"Mtcnn - load model before inference: call nets.{self.registry_name}.load()")
        return model

    def _run_pnet(self, batch: np.ndarray) -> list[np.ndarray]:
        return self._loaded("mtcnn_pnet").run([batch])

    def _run_rnet(self, patches: np.ndarray) -> list[np.ndarray]:
        return _run_in_bucket(self._loaded("mtcnn_rnet"), patches)

    def _run_onet(self, patches: np.ndarray) -> list[np.ndarray]:
        return _run_in_bucket(self._loaded("mtcnn_onet"), patches)

    def forward(self, net_input: NetInput, options: MtcnnOptions | None = None) -> list[MtcnnResult]:
        """Detect faces and their 5 landmarks in the one image of ``net_input``."""
        options = options if options is not None else MtcnnOptions()
        if not isinstance(options, MtcnnOptions):
            raise OptionsError(f"Mtcnn.forward - expected MtcnnOptions, got {type(options).__name__}")
        if net_input.batch_size != 1:
            raise InputError("face detectors take one image at a time: call them once per image")
        for name in self.model_names:
            self._loaded(name)
        return mtcnn_forward(net_input.images[0], options, self._run_pnet, self._run_rnet, self._run_onet)


def _run_in_bucket(model: Model, batch: np.ndarray) -> list[np.ndarray]:
    """Run ``model`` on ``batch`` padded with zero images to the next power of two, so that a video sees a
    handful of batch shapes instead of one per candidate count (each row is computed independently)."""
    count = len(batch)
    bucket = 1 << max(count - 1, 0).bit_length()
    if bucket != count:
        batch = np.concatenate([batch, np.zeros((bucket - count, *batch.shape[1:]), dtype=batch.dtype)])
    return [out[:count] for out in model.run([batch])]


def _load_model(data: bytes, name: str, cache_size: int | None) -> Model:
    """Load through the current runtime, keeping ``cache_size`` shape specialisations of this model (at least
    the runtime's default; see :data:`PNET_SHAPE_CACHE`)."""
    return get_runtime().load_model(data, name, cache_size=cache_size)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
