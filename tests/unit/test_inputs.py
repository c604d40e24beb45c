"""Inputs: every accepted form gives the same pixels; every bad one a clear InputError."""

from __future__ import annotations

import hashlib
import io

import numpy as np
import pytest
from PIL import Image

from pyfaceapi import InputError, to_net_input
from pyfaceapi.imageio import decode, load_image
from pyfaceapi.inputs import validate_pixels

from ..support import IMAGES, REFERENCE_CASES, case_id, reference


@pytest.mark.parametrize("case", REFERENCE_CASES, ids=case_id)
def test_decoded_pixels_match_the_references(case) -> None:
    ref_path, image_path = case
    rgb = load_image(image_path)
    info = reference(ref_path)["image"]
    assert rgb.shape == (info["height"], info["width"], 3)
    assert hashlib.sha256(rgb.tobytes()).hexdigest() == info["rgbSha256"]


def test_all_input_forms_agree() -> None:
    path = IMAGES / "face1.png"
    expected = load_image(path)
    data = path.read_bytes()
    for source in (str(path), path, data, bytearray(data), io.BytesIO(data), Image.open(path), expected):
        np.testing.assert_array_equal(to_net_input(source).images[0], expected)


def test_batch_input() -> None:
    net_input = to_net_input([IMAGES / "face1.png", IMAGES / "face2.png"])
    assert net_input.batch_size == 2 and net_input.is_batch_input


def test_gray_rgba_and_integer_arrays_are_normalised() -> None:
    gray = np.arange(12, dtype=np.uint8).reshape(3, 4)
    np.testing.assert_array_equal(validate_pixels(gray), np.repeat(gray[:, :, None], 3, axis=2))
    rgba = np.zeros((2, 2, 4), dtype=np.uint8)
    assert validate_pixels(rgba).shape == (2, 2, 3)
    assert validate_pixels(np.full((2, 2, 3), 7, dtype=np.int32)).dtype == np.uint8


def test_exif_orientation_is_applied() -> None:
    image = Image.new("RGB", (4, 2), (255, 0, 0))
    image.putpixel((0, 0), (0, 0, 255))
    exif = image.getexif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise for display
    buffer = io.BytesIO()
    image.save(buffer, "PNG", exif=exif)
    rgb = decode(buffer.getvalue())
    assert rgb.shape == (4, 2, 3)
    assert tuple(rgb[0, 1]) == (0, 0, 255)


def _png_bytes(size: tuple[int, int] = (8, 8), mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (b"", "empty"),
        (b"definitely not an image", "not an image format"),
        ((IMAGES / "faces.jpg").read_bytes()[:20000], "truncated or corrupt"),
        ((IMAGES / "face1.png").read_bytes()[:2000], "truncated or corrupt"),
        ("/nonexistent/face.jpg", "cannot read image file"),
        (12345, "unsupported input type"),
        ([], "empty list"),
        (np.zeros((0, 5, 3), dtype=np.uint8), "empty"),
        (np.zeros((5, 5, 2), dtype=np.uint8), "shape"),
        (np.zeros((5, 5, 3), dtype=np.complex64), "dtype"),
        (np.full((5, 5, 3), 300, dtype=np.int32), "0..255"),
        (np.full((5, 5, 3), np.nan, dtype=np.float32), "0..255"),
        (io.StringIO("text"), "text mode"),
    ],
    ids=["empty-bytes", "garbage", "truncated-jpeg", "truncated-png", "missing-file", "int", "empty-list", "zero-size",
         "two-channels", "complex", "out-of-range", "nan", "text-stream"],
)
def test_bad_inputs_raise_input_error(source, message: str) -> None:
    with pytest.raises(InputError, match=message):
        to_net_input(source)


def test_pixel_limit_is_checked_before_decoding() -> None:
    with pytest.raises(InputError, match="more than the limit"):
        decode(_png_bytes((100, 100)), max_pixels=100 * 99)


def test_decompression_bomb_is_refused() -> None:
    # 20000 x 20000 gray PNG that compresses to a few hundred kB
    buffer = io.BytesIO()
    Image.new("L", (20000, 20000)).save(buffer, "PNG")
    with pytest.raises(InputError, match="too large to decode safely"):
        decode(buffer.getvalue())
