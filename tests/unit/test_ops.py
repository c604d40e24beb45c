"""Pre-processing and NMS reproduce face-api.js / tfjs to the bit."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pyfaceapi import Box, iou, non_max_suppression, ops
from pyfaceapi.ops import _row_major_pixels, to_input_tensor


def tfjs_pad_and_resize(image: np.ndarray, size: int, center: bool) -> np.ndarray:
    """A literal transcription of tfjs-core 1.7 padToSquare + CPU resizeBilinear, loops and all."""
    height, width = image.shape[:2]
    side = max(height, width)
    diff = side - min(height, width)
    after = math.floor(diff * (0.5 if center else 1) + 0.5)
    before = diff - after if center else 0
    padded = np.zeros((side, side, 3))
    if height > width:
        padded[:, before:before + width] = image
    else:
        padded[before:before + height, :] = image
    if side == size:
        return padded.astype(np.float32)
    out = np.zeros((size, size, 3), dtype=np.float32)
    ratio = side / size
    for r in range(size):
        fr = ratio * r
        r0, r1, rf = math.floor(fr), min(side - 1, math.ceil(fr)), fr - math.floor(fr)
        for c in range(size):
            fc = ratio * c
            c0, c1, cf = math.floor(fc), min(side - 1, math.ceil(fc)), fc - math.floor(fc)
            for d in range(3):
                top = padded[r0, c0, d] + (padded[r0, c1, d] - padded[r0, c0, d]) * cf
                bottom = padded[r1, c0, d] + (padded[r1, c1, d] - padded[r1, c0, d]) * cf
                out[r, c, d] = top + (bottom - top) * rf
    return out


@pytest.mark.parametrize(
    ("shape", "size", "center"),
    [((23, 37), 16, False), ((37, 23), 16, True), ((30, 19), 19, True), ((17, 17), 32, False),
     ((20, 31), 31, False), ((9, 40), 64, True),
     # scaled down by whole factors (the gather-only path): 640x480 -> 160 as webcam frames, both paddings
     ((48, 64), 16, False), ((64, 48), 16, True), ((30, 21), 10, True), ((3, 40), 8, True)],
)
def test_to_input_tensor_is_bit_exact_with_tfjs(shape: tuple[int, int], size: int, center: bool) -> None:
    image = np.random.default_rng(sum(shape) + size).integers(0, 256, (*shape, 3), dtype=np.uint8)
    np.testing.assert_array_equal(to_input_tensor(image, size, center), tfjs_pad_and_resize(image, size, center))


@pytest.mark.parametrize("block_bytes", [1, 1000, 4000])
def test_to_input_tensor_in_blocks_of_rows_is_the_same(monkeypatch: pytest.MonkeyPatch, block_bytes: int) -> None:
    """Large resizes run in blocks of output rows (cache-sized): any block size gives the same bits."""
    image = np.random.default_rng(5).integers(0, 256, (41, 29, 3), dtype=np.uint8)
    expected = {(size, center): tfjs_pad_and_resize(image, size, center)
                for size in (24, 31) for center in (False, True)}
    monkeypatch.setattr(ops, "_BLOCK_BYTES", block_bytes)
    ops._resize_plan.cache_clear()  # plans are cached per shape: make them again with this block size
    try:
        for (size, center), want in expected.items():
            np.testing.assert_array_equal(to_input_tensor(image, size, center), want)
            assert len(ops._resize_plan(41, 29, size, center, 3).blocks) > (1 if block_bytes < 4000 else 0)
    finally:
        ops._resize_plan.cache_clear()


@pytest.mark.parametrize("center", [False, True])
def test_to_input_tensor_reads_rgba_views_and_strided_arrays_alike(center: bool) -> None:
    """The browser hands over the RGB view of RGBA pixels (gathered through its RGBA base); other strided
    inputs are copied: every layout gives the contiguous RGB image's result."""
    rgba = np.random.default_rng(7).integers(0, 256, (29, 41, 4), dtype=np.uint8)
    rgb = np.ascontiguousarray(rgba[:, :, :3])
    expected = tfjs_pad_and_resize(rgb, 24, center)
    for image in (rgba[:, :, :3], rgba, np.asfortranarray(rgb), rgba[::-1, :, :3][::-1]):
        np.testing.assert_array_equal(to_input_tensor(image, 24, center), expected)
    frames = np.stack([rgba, rgba])  # a frame of a batch of RGBA frames: viewed in place too
    np.testing.assert_array_equal(to_input_tensor(frames[1][:, :, :3], 24, center), expected)
    assert np.shares_memory(_row_major_pixels(frames[1][:, :, :3]), frames)
    # a 3-of-4 view that ends at its buffer's last byte: a 4-channel view would read past it, so it is copied
    shifted = rgba[:, :, 1:4]
    assert not np.shares_memory(_row_major_pixels(shifted), rgba)
    np.testing.assert_array_equal(to_input_tensor(shifted, 24, center),
                                  tfjs_pad_and_resize(np.ascontiguousarray(shifted), 24, center))


@pytest.mark.parametrize("size", [24, 8])
def test_to_input_tensor_reads_face_crops_of_rgba_pixels_in_place(size: int) -> None:
    """A face crop of a browser frame is a window of the RGB view of RGBA pixels: its rows are read from the
    RGBA base in place, with the same result as the contiguous crop's."""
    rgba = np.random.default_rng(11).integers(0, 256, (50, 60, 4), dtype=np.uint8)
    for top, left, height, width in ((0, 0, 50, 60), (7, 13, 32, 24), (18, 36, 32, 24), (49, 0, 1, 60)):
        window = rgba[:, :, :3][top : top + height, left : left + width]
        expected = tfjs_pad_and_resize(np.ascontiguousarray(window), size, center=True)
        np.testing.assert_array_equal(to_input_tensor(window, size, center=True), expected)
        assert np.shares_memory(_row_major_pixels(window), rgba)  # read in place, not copied
        crop_of_rgb = np.ascontiguousarray(rgba[:, :, :3])[top : top + height, left : left + width]
        np.testing.assert_array_equal(to_input_tensor(crop_of_rgb, size, center=True), expected)


def test_center_padding_puts_the_rounded_half_after_the_image() -> None:
    image = np.full((1, 4, 3), 200, dtype=np.uint8)  # 3 rows of padding: 2 after (round(1.5)), 1 before
    column = to_input_tensor(image, 4, center=True)[:, 0, 0]
    np.testing.assert_array_equal(column, [0, 200, 0, 0])


def test_iou() -> None:
    assert iou(Box(0, 0, 2, 2), Box(1, 1, 2, 2)) == pytest.approx(1 / 7)
    assert iou(Box(0, 0, 2, 2), Box(1, 1, 2, 2), is_iou=False) == pytest.approx(1 / 4)
    assert iou(Box(0, 0, 1, 1), Box(5, 5, 1, 1)) == 0


def test_non_max_suppression_keeps_best_and_drops_overlaps() -> None:
    boxes = [Box(0, 0, 10, 10), Box(1, 1, 10, 10), Box(20, 20, 5, 5), Box(0, 0, 10, 10)]
    assert non_max_suppression(boxes, [0.8, 0.9, 0.5, 0.8], 0.4) == [1, 2]
    # equal scores: face-api.js pops the later index first
    assert non_max_suppression([Box(0, 0, 1, 1), Box(0, 0, 1, 1)], [0.5, 0.5], 0.4) == [1]
