"""Generate ``tests/fixtures/bad/``: the bad-input corpus, its ``cases.json`` and its ``README.md``.

    python tools/make_bad_corpus.py            # (re)write tests/fixtures/bad
    python tools/make_bad_corpus.py --check    # regenerate in a temporary folder and compare, byte for byte

Every file is made here from code (crafted headers, Pillow encodings of synthetic pictures, and one
face-api.js test image, ``tests/fixtures/images/faces.jpg``, for the EXIF orientations), with fixed seeds, so
the corpus is reproducible and reviewable. Each case carries its expected outcome in the library (a value or
a typed exception), in the server (HTTP status and error code) and in the CLI (processed or skipped);
``cases.json`` is what the tests read and ``README.md`` is the same table for people. Change a case here, not
in the generated files.

Big inputs stay small on disk: the 50-megapixel image and the decompression bomb are PNGs of zeros
(deflate packs ~1000:1), and the "header bombs" only *claim* a huge size.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import random
import shutil
import struct
import sys
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "tests" / "fixtures" / "bad"
FACES = REPO / "tests" / "fixtures" / "images" / "faces.jpg"
SEED = 20240610

# EXIF orientation -> how to turn the *displayed* (upright) picture into the stored pixels. A viewer applies
# the inverse (Pillow's ImageOps.exif_transpose), so every orientation-N.jpg displays as the upright picture.
STORE_FOR_ORIENTATION: dict[int, tuple[Image.Transpose, ...]] = {
    1: (),
    2: (Image.Transpose.FLIP_LEFT_RIGHT,),
    3: (Image.Transpose.ROTATE_180,),
    4: (Image.Transpose.FLIP_TOP_BOTTOM,),
    5: (Image.Transpose.TRANSPOSE,),
    6: (Image.Transpose.ROTATE_90,),   # stored rotated 90 degrees counter-clockwise; shown rotated back (CW)
    7: (Image.Transpose.TRANSVERSE,),
    8: (Image.Transpose.ROTATE_270,),
}
EXIF_SIZE = (352, 240)  # the upright picture: faces.jpg resized to multiples of 16 (JPEG blocks align)


# ----------------------------------------------------------------------------------------------------- cases
@dataclass(frozen=True)
class ImageCase:
    """One file of the corpus and what each front end must do with it.

    ``library``: ``"ok"`` (decoded to ``shape``) or the name of the exception class :func:`pyfaceapi.imageio.
    load_image` raises, whose message contains ``match``. ``server``: the status and error code of
    ``POST /api/v1/detect`` with the file as the body (default limits). The CLI skips (with the reason on
    stderr) exactly the files the library refuses, unless ``cli`` says otherwise.
    """

    name: str
    what: str
    make: Callable[[], bytes]
    library: str = "ok"
    match: str = ""
    shape: tuple[int, int] | None = None
    server: tuple[int, str] = (200, "")
    cli: str = ""
    pixels: str = ""
    """A check of the decoded pixels the tests run (see tests/unit/test_bad_inputs.py)."""
    group: str = "image"
    known_bug: str = ""
    """Why the documented outcome is not met yet: the tests of the case in ``bug_in`` are strict xfails."""
    bug_in: tuple[str, ...] = ("server", "cli")

    def record(self, data: bytes) -> dict[str, Any]:
        library: dict[str, Any] = {"outcome": self.library}
        if self.library == "ok":
            assert self.shape is not None, self.name
            library["shape"] = list(self.shape)
        else:
            library["match"] = self.match
        cli = self.cli or ("processed" if self.library == "ok" else "skipped")
        return {"name": self.name, "group": self.group, "what": self.what, "bytes": len(data),
                "sha256": hashlib.sha256(data).hexdigest(), "library": library,
                "server": {"status": self.server[0], "code": self.server[1]}, "cli": cli, "pixels": self.pixels,
                "known_bug": self.known_bug, "known_bug_in": list(self.bug_in) if self.known_bug else []}


@dataclass(frozen=True)
class RequestCase:
    """A ``POST /api/v1/detect`` (or ``/match``) that is wrong as a request: body, content type or options.

    ``body``: a corpus file name, ``""`` for an empty body, or ``{"text": ...}`` / ``{"repeat": s, "count": n}``.
    ``form_options``: send multipart/form-data with the image in ``image`` and this ``options`` field.
    """

    name: str
    what: str
    status: int
    code: str
    path: str = "/api/v1/detect"
    content_type: str = "image/png"
    body: str | dict[str, Any] = "tiny-1x1.png"
    query: dict[str, str] = field(default_factory=dict)
    form_options: str | dict[str, Any] | None = None
    image_field: bool = True

    def record(self) -> dict[str, Any]:
        return {"name": self.name, "what": self.what, "path": self.path, "content_type": self.content_type,
                "body": self.body, "query": self.query, "form_options": self.form_options,
                "image_field": self.image_field, "status": self.status, "code": self.code}


@dataclass(frozen=True)
class MatcherCase:
    """A FaceMatcher JSON document (``FaceMatcher.from_json`` / ``POST /api/v1/match`` / ``pyfaceapi match``)."""

    name: str
    what: str
    make: Callable[[], bytes]
    match: str
    library: str = "DescriptorError"
    status: int = 422
    code: str = "invalid_options"

    def record(self, data: bytes) -> dict[str, Any]:
        return {"name": self.name, "group": "matcher", "what": self.what, "bytes": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "library": {"outcome": self.library, "match": self.match},
                "server": {"status": self.status, "code": self.code}, "cli": "exit 2"}


# ------------------------------------------------------------------------------------------------- helpers
def rng(name: str) -> random.Random:
    return random.Random(f"{SEED}:{name}")


def random_bytes(name: str, size: int) -> bytes:
    return rng(name).randbytes(size)


def encode(image: Image.Image, fmt: str, **params: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def pattern(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    """A deterministic picture with structure (gradients and a checkerboard), so codecs have real work."""
    width, height = size
    image = Image.new("RGB", size)
    pixels = [((x * 255) // max(1, width - 1), (y * 255) // max(1, height - 1), 255 * (((x // 8) + (y // 8)) % 2))
              for y in range(height) for x in range(width)]
    image.putdata(pixels)
    return image.convert(mode)


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png(width: int, height: int, bit_depth: int, color_type: int, raw: bytes | Iterator[bytes],
        level: int = 9) -> bytes:
    """A PNG from filtered scanlines (``raw``: bytes, or chunks of bytes streamed through deflate)."""
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    compressor = zlib.compressobj(level)
    parts = [raw] if isinstance(raw, bytes) else raw
    idat = b"".join(compressor.compress(part) for part in parts) + compressor.flush()
    return PNG_SIGNATURE + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


def zero_rows(width_bytes: int, height: int, rows_per_chunk: int = 256) -> Iterator[bytes]:
    """``height`` filter-0 scanlines of zeros, in chunks (never the whole image in memory)."""
    block = b"\x00" * ((width_bytes + 1) * rows_per_chunk)
    for start in range(0, height, rows_per_chunk):
        yield block[: (width_bytes + 1) * min(rows_per_chunk, height - start)]


def replace_png_chunk(data: bytes, kind: bytes, payload: bytes) -> bytes:
    """``data`` with the first ``kind`` chunk's payload replaced (CRC recomputed)."""
    offset = 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset:offset + 4])
        if data[offset + 4:offset + 8] == kind:
            return data[:offset] + png_chunk(kind, payload) + data[offset + 12 + length:]
        offset += 12 + length
    raise ValueError(f"no {kind!r} chunk")


def gif_header(width: int, height: int) -> bytes:
    """GIF89a logical screen of ``width`` x ``height`` with a 2-colour global palette."""
    return b"GIF89a" + struct.pack("<HHBBB", width, height, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff"


def gif_frame(left: int, top: int, width: int, height: int, lzw: bytes) -> bytes:
    return b"\x2c" + struct.pack("<HHHHB", left, top, width, height, 0) + b"\x02" + bytes([len(lzw)]) + lzw + b"\x00"


GIF_1X1_LZW = b"\x44\x01"  # LZW (min code size 2) of one pixel of colour 0: clear, 0, end


def jpeg_with_size(data: bytes, width: int, height: int) -> bytes:
    """A baseline JPEG whose SOF0 claims ``width`` x ``height`` (the scan data is left as it was)."""
    offset = data.index(b"\xff\xc0")
    return data[:offset + 5] + struct.pack(">HH", height, width) + data[offset + 9:]


def flip_bytes(data: bytes, start_fraction: float, count: int, name: str) -> bytes:
    """``count`` bytes from ``start_fraction`` of the way in XOR-ed with seeded noise (never with 0)."""
    noise = rng(name)
    corrupt = bytearray(data)
    start = int(len(data) * start_fraction)
    for i in range(start, min(len(data), start + count)):
        corrupt[i] ^= noise.randrange(1, 256)
    return bytes(corrupt)


def upright_faces() -> Image.Image:
    return Image.open(FACES).convert("RGB").resize(EXIF_SIZE, Image.Resampling.LANCZOS)


def exif_jpeg(orientation: int) -> bytes:
    stored = upright_faces()
    for step in STORE_FOR_ORIENTATION[orientation]:
        stored = stored.transpose(step)
    exif = Image.Exif()
    exif[0x0112] = orientation
    return encode(stored, "JPEG", quality=92, subsampling=0, exif=exif.tobytes())


def animated(fmt: str) -> bytes:
    frames = [Image.new("RGB", (16, 12), color) for color in ((200, 30, 30), (30, 200, 30), (30, 30, 200))]
    if fmt == "GIF":
        frames = [frame.convert("P", palette=Image.Palette.ADAPTIVE) for frame in frames]
        return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    if fmt == "PNG":
        return encode(frames[0], "PNG", save_all=True, append_images=frames[1:], duration=100)
    return encode(frames[0], "WEBP", save_all=True, append_images=frames[1:], duration=100, lossless=True)


def sixteen_bit_gray() -> bytes:
    """16x8 16-bit gray PNG: each row ramps from 0 to 65535."""
    rows = b"".join(b"\x00" + b"".join(struct.pack(">H", (x * 65535) // 15) for x in range(16)) for _ in range(8))
    return png(16, 8, 16, 0, rows)


def sixteen_bit_rgb() -> bytes:
    """16x8 48-bit RGB PNG: red ramps across, green is 0x8000, blue 0xFFFF."""
    row = b"\x00" + b"".join(struct.pack(">HHH", (x * 65535) // 15, 0x8000, 0xFFFF) for x in range(16))
    return png(16, 8, 16, 2, row * 8)


def cmyk_jpeg() -> bytes:
    """32x32 CMYK JPEG: four 16x16 quadrants of pure cyan, magenta, yellow and black ink."""
    image = Image.new("CMYK", (32, 32))
    for (x, y), ink in zip(((0, 0), (16, 0), (0, 16), (16, 16)),
                           ((255, 0, 0, 0), (0, 255, 0, 0), (0, 0, 255, 0), (0, 0, 0, 255)), strict=True):
        image.paste(ink, (x, y, x + 16, y + 16))
    return encode(image, "JPEG", quality=95)


def palette_png(transparent: bool) -> bytes:
    image = Image.new("P", (8, 4))
    image.putpalette([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255])
    image.putdata([(x // 2) for _ in range(4) for x in range(8)])
    params: dict[str, Any] = {"transparency": 0} if transparent else {}
    return encode(image, "PNG", **params)


def la_png() -> bytes:
    image = Image.new("LA", (8, 4))
    image.putdata([(x * 32, 255 - x * 32) for _ in range(4) for x in range(8)])
    return encode(image, "PNG")


def fifty_megapixels() -> bytes:
    """10000 x 5000 black RGB PNG (~150 MB of pixels) in about 150 kB."""
    return png(10_000, 5_000, 8, 2, zero_rows(10_000 * 3, 5_000))


def bomb() -> bytes:
    """20000 x 20000 gray PNG of zeros: 400 megapixels (and 400 MB once decoded) in about 400 kB."""
    return png(20_000, 20_000, 8, 0, zero_rows(20_000, 20_000, rows_per_chunk=64))


def header_bomb_png() -> bytes:
    """A PNG whose header claims 65535 x 65535 pixels but whose data is one row: must never be decoded."""
    return png(65_535, 65_535, 8, 0, b"\x00" * 65_536)


def eps_disguised() -> bytes:
    """An EPS document (Pillow hands those to Ghostscript, when installed): not an allowed format."""
    return (b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n"
            b"newpath 0 0 moveto 10 10 lineto stroke showpage\n%%EOF\n")


def deep_json(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def matcher_doc(descriptors_json: str, threshold: str = "0.6", label: str = '"alice"') -> bytes:
    return (f'{{"distanceThreshold": {threshold}, "labeledDescriptors": [{{"label": {label}, '
            f'"descriptors": {descriptors_json}}}]}}').encode()


def descriptor_json(first: str) -> str:
    return "[[" + ", ".join([first] + ["0.01"] * 127) + "]]"


FACES_JPEG = "faces-352x240.jpg"
DECODE, TOO_LARGE = "ImageDecodeError", "ImageTooLargeError"
UNSUPPORTED = (415, "unsupported_image")
TOO_BIG = (413, "image_too_large")


def _faces_jpeg() -> bytes:
    return encode(upright_faces(), "JPEG", quality=92, subsampling=0)


def image_cases() -> list[ImageCase]:
    """The files; expectations are checked by tests/unit/test_bad_inputs.py."""
    png_16 = encode(pattern((16, 12)), "PNG")
    jpeg = _faces_jpeg
    webp = encode(pattern((32, 24)), "WEBP", quality=80)
    gif = encode(pattern((32, 24)).convert("P", palette=Image.Palette.ADAPTIVE), "GIF")
    png_big = encode(pattern((64, 48)), "PNG", compress_level=9)
    one = Image.new("RGB", (1, 1), (10, 200, 30))
    cases = [
        # -- degenerate sizes
        ImageCase("tiny-1x1.png", "1x1 PNG", lambda: encode(one, "PNG"), shape=(1, 1), pixels="green-1x1"),
        ImageCase("tiny-1x1.jpg", "1x1 JPEG", lambda: encode(one, "JPEG", quality=95), shape=(1, 1)),
        ImageCase("tiny-1x1.webp", "1x1 WebP (lossless)", lambda: encode(one, "WEBP", lossless=True), shape=(1, 1),
                  pixels="green-1x1"),
        ImageCase("tiny-1x1.gif", "1x1 GIF", lambda: encode(one.convert("P"), "GIF"), shape=(1, 1)),
        ImageCase("tiny-1x1.bmp", "1x1 BMP", lambda: encode(one, "BMP"), shape=(1, 1), pixels="green-1x1"),
        ImageCase("zero-0x0.png", "PNG whose IHDR says 0x0 (forbidden by the PNG spec)",
                  lambda: png(0, 0, 8, 2, b""), DECODE, "not an image format", server=UNSUPPORTED),
        ImageCase("zero-0x0.gif", "GIF with a 0x0 logical screen and a 0x0 frame",
                  lambda: gif_header(0, 0) + gif_frame(0, 0, 0, 0, GIF_1X1_LZW) + b"\x3b",
                  DECODE, "not an image format", server=UNSUPPORTED),
        ImageCase("zero-0x0.jpg", "JPEG whose SOF0 says 0x0",
                  lambda: jpeg_with_size(encode(one, "JPEG"), 0, 0), DECODE, "not an image format",
                  server=UNSUPPORTED),
        ImageCase("zero-0x0.bmp", "BMP whose header says 0x0",
                  lambda: bytearray_patch(encode(one, "BMP"), 18, struct.pack("<ii", 0, 0)), DECODE,
                  "not an image format", server=UNSUPPORTED),
        ImageCase("thin-5000x1.png", "5000x1 PNG: a side rounds to 0 pixels at every detector input size",
                  lambda: encode(pattern((5000, 1)), "PNG"), shape=(1, 5000)),
        ImageCase("thin-1x5000.png", "1x5000 PNG", lambda: encode(pattern((1, 5000)), "PNG"), shape=(5000, 1)),
        ImageCase("thin-100000x1.png", "100000x1 gray PNG: over the server's 16384 per side (the resize would copy "
                  "the 100000-pixel row once per output row)", lambda: png(100_000, 1, 8, 0, b"\x00" * 100_001),
                  shape=(1, 100_000), server=TOO_BIG),
        # -- modes and bit depths
        ImageCase("png-16bit-gray.png", "16-bit gray PNG (a ramp 0..65535)", sixteen_bit_gray, shape=(8, 16),
                  pixels="ramp16"),
        ImageCase("png-16bit-rgb.png", "48-bit RGB PNG (16 bits per channel)", sixteen_bit_rgb, shape=(8, 16),
                  pixels="rgb16"),
        ImageCase("jpeg-cmyk.jpg", "CMYK JPEG: cyan, magenta, yellow, black quadrants", cmyk_jpeg, shape=(32, 32),
                  pixels="cmyk"),
        ImageCase("png-palette.png", "palette (P) PNG", lambda: palette_png(False), shape=(4, 8), pixels="palette"),
        ImageCase("png-palette-transparent.png", "palette PNG with a transparent entry (tRNS)",
                  lambda: palette_png(True), shape=(4, 8), pixels="palette"),
        ImageCase("png-la.png", "gray + alpha (LA) PNG: alpha dropped", la_png, shape=(4, 8), pixels="la"),
        ImageCase("png-1bit.png", "1-bit black and white PNG", lambda: encode(pattern((16, 8), "1"), "PNG"),
                  shape=(8, 16)),
        ImageCase("png-rgba.png", "RGBA PNG: alpha dropped", lambda: encode(pattern((16, 8), "RGBA"), "PNG"),
                  shape=(8, 16)),
        ImageCase("tiff-rgb.tif", "uncompressed RGB TIFF", lambda: encode(pattern((16, 8)), "TIFF"), shape=(8, 16)),
        # -- animations: the first frame
        ImageCase("gif-animated.gif", "animated GIF, frames red/green/blue: the first (red) is used",
                  lambda: animated("GIF"), shape=(12, 16), pixels="red"),
        ImageCase("png-animated.png", "animated PNG (APNG), frames red/green/blue", lambda: animated("PNG"),
                  shape=(12, 16), pixels="red"),
        ImageCase("webp-animated.webp", "animated WebP, frames red/green/blue", lambda: animated("WEBP"),
                  shape=(12, 16), pixels="red"),
        # -- truncated and corrupt
        ImageCase("jpeg-truncated.jpg", "the first 40% of a JPEG", lambda: jpeg()[: len(jpeg()) * 2 // 5], DECODE,
                  "truncated", server=UNSUPPORTED),
        ImageCase("jpeg-header-only.jpg", "a JPEG cut after its headers (no scan data)",
                  lambda: jpeg()[: jpeg().index(b"\xff\xda") + 2], DECODE, "not an image format",
                  server=UNSUPPORTED),
        ImageCase("jpeg-corrupt-scan.jpg", "a JPEG with 64 bytes of its scan data scrambled: libjpeg recovers "
                  "(the pixels are wrong, the decoder does not fail)",
                  lambda: flip_bytes(jpeg(), 0.5, 64, "jpeg-corrupt"), shape=(240, 352)),
        ImageCase("jpeg-corrupt-header.jpg", "a JPEG whose quantisation tables are scrambled",
                  lambda: flip_bytes(jpeg(), jpeg().index(b"\xff\xdb") / len(jpeg()), 40, "jpeg-dqt"), DECODE,
                  "cannot be decoded", server=UNSUPPORTED),
        ImageCase("png-truncated.png", "the first half of a PNG", lambda: png_big[: len(png_big) // 2], DECODE,
                  "truncated", server=UNSUPPORTED),
        ImageCase("png-bad-crc.png", "a PNG with a wrong IHDR CRC",
                  lambda: png_16[:29] + bytes([png_16[29] ^ 0xFF]) + png_16[30:], DECODE, "not an image format",
                  server=UNSUPPORTED),
        ImageCase("png-corrupt-idat.png", "a PNG whose compressed data is noise (valid CRCs)",
                  lambda: replace_png_chunk(png_16, b"IDAT", random_bytes("idat", 200)), DECODE, "cannot be decoded",
                  server=UNSUPPORTED),
        ImageCase("webp-truncated.webp", "the first 60% of a WebP", lambda: webp[: len(webp) * 3 // 5], DECODE,
                  "cannot be decoded", server=UNSUPPORTED),
        ImageCase("webp-corrupt.webp", "a WebP with its VP8 bitstream scrambled",
                  lambda: webp[:30] + random_bytes("webp", len(webp) - 30), DECODE, "cannot be decoded",
                  server=UNSUPPORTED),
        ImageCase("gif-truncated.gif", "the first half of a GIF", lambda: gif[: len(gif) // 2], DECODE,
                  "not an image format", server=UNSUPPORTED),
        ImageCase("gif-corrupt.gif", "a GIF whose image data is noise",
                  lambda: gif[:800] + random_bytes("gif", len(gif) - 800), DECODE, "cannot be decoded",
                  server=UNSUPPORTED),
        # -- not images
        ImageCase("empty.jpg", "an empty file", lambda: b"", DECODE, "is empty", server=(400, "missing_image")),
        ImageCase("text.jpg", "plain text named .jpg", lambda: b"this is not an image\n" * 4, DECODE,
                  "not an image format", server=UNSUPPORTED),
        ImageCase("html.png", "an HTML/SVG document named .png",
                  lambda: b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>',
                  DECODE, "not an image format", server=UNSUPPORTED),
        ImageCase("random.jpg", "4 kB of random bytes named .jpg", lambda: random_bytes("jpg", 4096), DECODE,
                  "not an image format", server=UNSUPPORTED),
        ImageCase("random.png", "4 kB of random bytes named .png", lambda: random_bytes("png", 4096), DECODE,
                  "not an image format", server=UNSUPPORTED),
        ImageCase("random-after-png-signature.png", "the PNG signature, then random bytes",
                  lambda: PNG_SIGNATURE + random_bytes("png-sig", 4096), DECODE, "not an image format",
                  server=UNSUPPORTED),
        ImageCase("random-after-jpeg-marker.jpg", "a JPEG SOI marker, then random bytes",
                  lambda: b"\xff\xd8\xff" + random_bytes("jpeg-sig", 4096), DECODE, "not an image format",
                  server=UNSUPPORTED),
        ImageCase("eps-disguised.jpg", "an EPS document named .jpg (Pillow would run Ghostscript on it)",
                  eps_disguised, DECODE, "not an image format", server=UNSUPPORTED),
        # -- big
        ImageCase("png-50mp.png", "10000x5000 RGB PNG (50 megapixels, 150 MB decoded): within the library's "
                  "default limit (100 MP), over the server's (40 MP)", fifty_megapixels, shape=(5000, 10000),
                  server=TOO_BIG),
        ImageCase("png-bomb-400mp.png", "decompression bomb: 20000x20000 PNG, 400 MB decoded", bomb, TOO_LARGE,
                  "too large", server=TOO_BIG),
        ImageCase("png-header-bomb.png", "PNG header claiming 65535x65535 pixels, one row of data", header_bomb_png,
                  TOO_LARGE, "too large", server=TOO_BIG),
        ImageCase("gif-header-bomb.gif", "GIF whose logical screen is 65535x65535 (frame 1x1)",
                  lambda: gif_header(65_535, 65_535) + gif_frame(0, 0, 1, 1, GIF_1X1_LZW) + b"\x3b", TOO_LARGE,
                  "too large", server=TOO_BIG),
        ImageCase("jpeg-header-bomb.jpg", "JPEG whose SOF0 claims 65500x65500 pixels",
                  lambda: jpeg_with_size(encode(one, "JPEG"), 65_500, 65_500), TOO_LARGE, "too large", server=TOO_BIG),
    ]
    cases += [
        ImageCase(f"exif/orientation-{n}.jpg", f"EXIF orientation {n}: pixels stored "
                  f"{'as shown' if n == 1 else 'transformed'}, displayed upright ({EXIF_SIZE[0]}x{EXIF_SIZE[1]})",
                  lambda n=n: exif_jpeg(n), shape=(EXIF_SIZE[1], EXIF_SIZE[0]), pixels="upright", group="exif")
        for n in range(1, 9)
    ]
    cases.append(ImageCase(f"exif/{FACES_JPEG}", "the upright picture without EXIF (the reference of exif/)", jpeg,
                           shape=(EXIF_SIZE[1], EXIF_SIZE[0]), group="exif"))
    return cases


def bytearray_patch(data: bytes, offset: int, patch: bytes) -> bytes:
    out = bytearray(data)
    out[offset:offset + len(patch)] = patch
    return bytes(out)


def request_cases() -> list[RequestCase]:
    huge_int = "1" + "0" * 400
    return [
        RequestCase("empty-body", "no body at all", 400, "missing_image", body=""),
        RequestCase("wrong-content-type", "an image sent as text/plain", 415, "unsupported_media_type",
                    content_type="text/plain"),
        RequestCase("json-content-type", "an image sent as application/json", 415, "unsupported_media_type",
                    content_type="application/json"),
        RequestCase("multipart-without-image", "multipart/form-data without the 'image' field", 400, "missing_image",
                    content_type="multipart/form-data", form_options="{}", image_field=False),
        RequestCase("options-malformed-json", "options field: '{not json'", 400, "malformed_options",
                    content_type="multipart/form-data", form_options="{not json"),
        RequestCase("options-not-object", "options field: a JSON array", 400, "malformed_options",
                    content_type="multipart/form-data", form_options="[1, 2]"),
        RequestCase("options-deeply-nested", "options field: 100000 nested arrays (RecursionError in json)", 400,
                    "malformed_options", content_type="multipart/form-data",
                    form_options={"repeat": "[", "count": 100_000, "then": "]"}),
        RequestCase("options-huge-integer", "options field: max_results with 401 digits (OverflowError in float())",
                    422, "invalid_options", content_type="multipart/form-data",
                    form_options=f'{{"max_results": {huge_int}}}'),
        RequestCase("options-unknown-key", "an option no detector has", 422, "invalid_options",
                    query={"colour": "1"}),
        RequestCase("input-size-not-multiple-of-32", "tiny detector, input_size=100", 422, "invalid_options",
                    query={"detector": "tiny", "input_size": "100"}),
        RequestCase("input-size-zero", "tiny detector, input_size=0", 422, "invalid_options",
                    query={"detector": "tiny", "input_size": "0"}),
        RequestCase("input-size-negative", "tiny detector, input_size=-32", 422, "invalid_options",
                    query={"detector": "tiny", "input_size": "-32"}),
        RequestCase("input-size-huge", "tiny detector, input_size=32000 (a 12 GB input tensor): over the server's "
                    "max_input_size", 422, "invalid_options", query={"detector": "tiny", "input_size": "32000"}),
        RequestCase("input-size-float", "input_size=320.5", 422, "invalid_options",
                    query={"detector": "tiny", "input_size": "320.5"}),
        RequestCase("min-confidence-negative", "ssd, min_confidence=-0.5", 422, "invalid_options",
                    query={"min_confidence": "-0.5"}),
        RequestCase("min-confidence-above-1", "ssd, min_confidence=1.5", 422, "invalid_options",
                    query={"min_confidence": "1.5"}),
        RequestCase("score-threshold-negative", "tiny, score_threshold=-1", 422, "invalid_options",
                    query={"detector": "tiny", "score_threshold": "-1"}),
        RequestCase("score-threshold-nan", "tiny, score_threshold=nan", 422, "invalid_options",
                    query={"detector": "tiny", "score_threshold": "nan"}),
        RequestCase("score-threshold-inf", "tiny, score_threshold=inf", 422, "invalid_options",
                    query={"detector": "tiny", "score_threshold": "inf"}),
        RequestCase("max-results-zero", "ssd, max_results=0", 422, "invalid_options", query={"max_results": "0"}),
        RequestCase("max-results-negative", "ssd, max_results=-5", 422, "invalid_options",
                    query={"max_results": "-5"}),
        RequestCase("max-results-huge", "ssd, max_results=10^18: accepted (NMS stops at the candidates; the server "
                    "answers at most max_faces)", 200, "", query={"max_results": "1000000000000000000"}),
        RequestCase("max-results-overflow", "ssd, max_results=1e400 (infinite)", 422, "invalid_options",
                    query={"max_results": "1e400"}),
        RequestCase("bad-boolean", "landmarks=maybe", 422, "invalid_options", query={"landmarks": "maybe"}),
        RequestCase("query-nul-byte", "detector='ssd\\x00'", 422, "invalid_options", query={"detector": "ssd\x00"}),
        RequestCase("body-too-large", "a 21 MB body (limit 20 MB): refused before it is read", 413,
                    "request_too_large", body={"repeat": "x", "count": 21 * 1024 * 1024}),
        RequestCase("match-not-json", "POST /match with a body that is not JSON", 400, "malformed_body",
                    path="/api/v1/match", content_type="application/json", body={"text": "{not json"}),
        RequestCase("match-deeply-nested", "POST /match with 100000 nested arrays", 400, "malformed_body",
                    path="/api/v1/match", content_type="application/json",
                    body={"repeat": "[", "count": 100_000, "then": "]"}),
        RequestCase("match-nan-query", "POST /match, a query descriptor with NaN", 422, "invalid_options",
                    path="/api/v1/match", content_type="application/json",
                    body={"text": '{"query": [NaN, 0.5], "reference": [{"label": "a", "descriptors": [[0.1, 0.5]]}]}'}),
        RequestCase("match-infinite-threshold", "POST /match, distance_threshold=Infinity", 422, "invalid_options",
                    path="/api/v1/match", content_type="application/json",
                    body={"text": '{"query": [0.1], "reference": [{"label": "a", "descriptors": [[0.1]]}], '
                                  '"distance_threshold": Infinity}'}),
        RequestCase("match-huge-integer", "POST /match, a descriptor value with 401 digits", 422, "invalid_options",
                    path="/api/v1/match", content_type="application/json",
                    body={"text": f'{{"query": [{huge_int}], '
                                  '"reference": [{"label": "a", "descriptors": [[0.1]]}]}'}),
    ]


def matcher_cases() -> list[MatcherCase]:
    def doc(text: bytes) -> Callable[[], bytes]:
        return lambda: text

    return [
        MatcherCase("matcher-nan.json", "a descriptor value NaN (JSON extension Python reads)",
                    doc(matcher_doc(descriptor_json("NaN"))), "NaN or infinity"),
        MatcherCase("matcher-infinity.json", "a descriptor value -Infinity",
                    doc(matcher_doc(descriptor_json("-Infinity"))), "NaN or infinity"),
        MatcherCase("matcher-float32-overflow.json", "a descriptor value 1e39 (finite in float64, inf in float32)",
                    doc(matcher_doc(descriptor_json("1e39"))), "NaN or infinity"),
        MatcherCase("matcher-huge-integer.json", "a descriptor value with 401 digits",
                    doc(matcher_doc(descriptor_json("1" + "0" * 400))), "expected a sequence of numbers"),
        MatcherCase("matcher-threshold-nan.json", "distanceThreshold NaN",
                    doc(matcher_doc(descriptor_json("0.5"), threshold="NaN")), "distance_threshold",
                    library="FaceApiError", code="invalid_input"),
        MatcherCase("matcher-wrong-lengths.json", "descriptors of 128 and 3 values under one label",
                    doc(matcher_doc("[" + descriptor_json("0.5")[1:-1] + ", [0.1, 0.2, 0.3]]")), "same length"),
        MatcherCase("matcher-empty-descriptors.json", "a label with no descriptors", doc(matcher_doc("[]")),
                    "has no descriptors"),
        MatcherCase("matcher-descriptors-not-list.json", "descriptors: 5", doc(matcher_doc("5")),
                    "expected a list of descriptors"),
        MatcherCase("matcher-labeled-not-list.json", "labeledDescriptors: 5",
                    doc(b'{"distanceThreshold": 0.6, "labeledDescriptors": 5}'), "expected a list"),
        MatcherCase("matcher-indexed-object-gap.json", "a JSON.stringify-ed Float32Array with a missing index",
                    doc(matcher_doc('[{"0": 0.5, "2": 0.5}]')), "index-keyed"),
        MatcherCase("matcher-label-not-string.json", "label: 5", doc(matcher_doc(descriptor_json("0.5"), label="5")),
                    "label to be a string", library="FaceApiError", code="invalid_input"),
        MatcherCase("matcher-not-object.json", "a JSON array", doc(b"[1, 2, 3]"), "expected an object"),
        MatcherCase("matcher-malformed.json", "not JSON", doc(b'{"distanceThreshold": 0.6, '), "not valid JSON",
                    status=400, code="malformed_body"),
        MatcherCase("matcher-deeply-nested.json", "20000 nested arrays (RecursionError in json)",
                    doc(deep_json(20_000)), "not valid JSON", status=400, code="malformed_body"),
    ]


# ---------------------------------------------------------------------------------------------- README text
README_HEAD = """# Bad-input corpus

Generated by `python tools/make_bad_corpus.py` (do not edit by hand; `--check` verifies these files).
`cases.json` holds the same table for the tests (`tests/unit/test_bad_inputs.py`); every row is a test.

Outcomes:

- **library**: `pyfaceapi.imageio.load_image(path)` (and so `detect_all_faces(path)`, ...) returns the
  pixels (`ok WxH`, in the displayed orientation) or raises the named exception (all derive from
  `pyfaceapi.FaceApiError`: `ImageDecodeError` and `ImageTooLargeError` are `InputError`s).
- **server**: `POST /api/v1/detect?detector=tiny&input_size=160` with the file as the body (default limits:
  20 MB per request, 40 megapixels and 16384 pixels per side per image); errors are JSON
  `{"error": {"code", "message"}}`, never a 5xx.
- **CLI**: `pyfaceapi detect` processes the file (a JSON line) or skips it with the reason on stderr
  (`pyfaceapi: skipped PATH: reason`, exit code 1).

Decoding only accepts JPEG (and MPO), PNG (and APNG), WebP, GIF, BMP and TIFF; the pixel limit is checked
from the header, before any pixel is decoded.
"""


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def server_cell(status: int, code: str) -> str:
    return f"{status} `{code}`" if code else str(status)


def readme(records: list[dict[str, Any]], requests: list[dict[str, Any]], matchers: list[dict[str, Any]]) -> str:
    def library_cell(record: dict[str, Any]) -> str:
        library = record["library"]
        if library["outcome"] == "ok":
            height, width = library["shape"]
            return f"ok {width}x{height}"
        return f"`{library['outcome']}` ({library['match']})"

    def bug(record: dict[str, Any], front: str) -> str:
        return " (not yet: see below)" if front in record["known_bug_in"] else ""

    image_rows = [[f"`{r['name']}`", r["what"], library_cell(r),
                   server_cell(r["server"]["status"], r["server"]["code"]) + bug(r, "server"),
                   r["cli"] + bug(r, "cli"), f"{r['bytes']:,}"] for r in records]
    known = [f"- `{r['name']}`: {r['known_bug']}." for r in records if r["known_bug"]]
    request_rows = [[f"`{r['name']}`", f"`{r['path']}`", r["what"], server_cell(r["status"], r["code"])]
                    for r in requests]
    matcher_rows = [[f"`{r['name']}`", r["what"], library_cell(r), server_cell(r["server"]["status"],
                                                                                r["server"]["code"]), r["cli"]]
                    for r in matchers]
    return "\n\n".join([
        README_HEAD.strip(),
        "## Image files\n\n" + markdown_table(["file", "what", "library", "server", "CLI", "bytes"], image_rows),
        "Known bugs (those tests are strict xfails until fixed):\n\n" + "\n".join(known),
        "The EXIF files store the same picture (`exif/" + FACES_JPEG + "`) transformed as orientation N says "
        "a camera would, so all of them display upright: their decoded pixels and their detections must "
        "match the upright picture's.",
        "## Requests (server only)\n\nSent to the route with the corpus file `tiny-1x1.png` as the image unless "
        "the body says otherwise.\n\n" + markdown_table(["case", "route", "what", "server"], request_rows),
        "## FaceMatcher JSON\n\nlibrary: `FaceMatcher.from_json(text)`; server: `POST /api/v1/match` with "
        "`{\"matcher\": <file>, \"query\": [...]}`; CLI: `pyfaceapi match FILE image.jpg` exits 2 with "
        "`pyfaceapi: error: ...` on stderr.\n\n"
        + markdown_table(["file", "what", "library", "server", "CLI"], matcher_rows),
    ]) + "\n"


# ------------------------------------------------------------------------------------------------- writing
def generate(out: Path) -> dict[str, Any]:
    """Write every file, ``cases.json`` and ``README.md`` to ``out`` (emptied first); returns the cases."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    records = []
    for case in image_cases():
        data = case.make()
        target = out / case.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        records.append(case.record(data))
    matchers = []
    for matcher_case in matcher_cases():
        data = matcher_case.make()
        (out / matcher_case.name).write_bytes(data)
        matchers.append(matcher_case.record(data))
    requests = [case.record() for case in request_cases()]
    document = {"generator": "tools/make_bad_corpus.py", "seed": SEED, "images": records, "requests": requests,
                "matchers": matchers}
    (out / "cases.json").write_text(json.dumps(document, indent=1, ensure_ascii=True) + "\n", encoding="utf-8")
    (out / "README.md").write_text(readme(records, requests, matchers), encoding="utf-8")
    return document


def compare(expected: Path, actual: Path) -> list[str]:
    """Relative paths that differ between two corpus folders."""
    names = {p.relative_to(expected) for p in expected.rglob("*") if p.is_file()}
    names |= {p.relative_to(actual) for p in actual.rglob("*") if p.is_file()}
    return sorted(str(n) for n in names if not ((expected / n).is_file() and (actual / n).is_file()
                                               and (expected / n).read_bytes() == (actual / n).read_bytes()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder to write (default {OUT.relative_to(REPO)})")
    parser.add_argument("--check", action="store_true", help="regenerate elsewhere and compare with --out")
    args = parser.parse_args(argv)
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            generate(Path(tmp) / "bad")
            different = compare(args.out, Path(tmp) / "bad")
        for name in different:
            print(f"differs: {name}", file=sys.stderr)
        print("corpus is up to date" if not different else f"{len(different)} files differ: regenerate")
        return 1 if different else 0
    document = generate(args.out)
    total = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"wrote {len(document['images'])} images, {len(document['matchers'])} matcher files and "
          f"{len(document['requests'])} request cases to {args.out} ({total / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
