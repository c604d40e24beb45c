"""Measure how closely a browser canvas and the Pillow renderer paint the same display lists.

For every reference image (``tests/fixtures/reference/*/*.json``) and draw function (detections,
landmarks, expressions), builds the display list in CPython, paints it on the image with Pillow and, in
Chromium, with ``web/src/draw.js``'s ``renderDisplayList`` on a canvas holding the same decoded pixels;
then prints the share of pixels whose channels all agree within ``--levels`` (default 8) and saves both
pictures and an amplified difference in ``--out``. A starting point for the e2e parity test: the page here
is a bare one serving ``draw.js`` and the bundled font from a temporary directory on loopback.

    .venv/bin/python tools/draw_reference/canvas_parity.py [--out test-artifacts/draw-parity]

Needs Playwright and Debian's Chromium (``PYFACEAPI_CHROMIUM`` overrides ``/usr/bin/chromium``).
"""

from __future__ import annotations

import argparse
import base64
import functools
import http.server
import io
import json
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from pyfaceapi import Box, Dimensions, FaceDetection, FaceExpressions, FaceLandmarks68, FaceResult  # noqa: E402
from pyfaceapi.draw import DRAW_KINDS, build_annotation, draw_to_image  # noqa: E402
from pyfaceapi.draw.text import font_path  # noqa: E402

REFERENCE = ROOT / "tests" / "fixtures" / "reference"
IMAGES = ROOT / "tests" / "fixtures" / "images"

PAINT_JS = """async ([png, list]) => {
  const bitmap = await createImageBitmap(await (await fetch('data:image/png;base64,' + png)).blob());
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width; canvas.height = bitmap.height;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(bitmap, 0, 0);
  window.pyfaceapiDraw.renderDisplayList(ctx, list);
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let text = '';
  for (let i = 0; i < data.length; i += 0x8000) text += String.fromCharCode.apply(null, data.subarray(i, i + 0x8000));
  return btoa(text);
}"""


def results_of(reference: dict[str, Any]) -> list[FaceResult]:
    dims = Dimensions(reference["image"]["width"], reference["image"]["height"])
    out = []
    for face in reference["faces"]:
        rel = face["detection"]["relativeBox"]
        detection = FaceDetection(face["detection"]["score"], Box(rel["x"], rel["y"], rel["width"], rel["height"]),
                                  dims)
        out.append(FaceResult(detection, landmarks=FaceLandmarks68(face["landmarks"]["positions"], Dimensions(1, 1)),
                              expressions=FaceExpressions(**face["expressions"])))
    return out


def serve(directory: Path) -> str:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/"


def main(argv: list[str] | None = None) -> int:
    from PIL import Image
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "test-artifacts" / "draw-parity")
    parser.add_argument("--levels", type=int, default=8)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    site = Path(tempfile.mkdtemp(prefix="pyfaceapi-draw-"))
    shutil.copy(ROOT / "web" / "src" / "draw.js", site / "draw.js")
    (site / "fonts").mkdir()
    shutil.copy(font_path(), site / "fonts" / "DejaVuSans.ttf")
    (site / "index.html").write_text("<!doctype html><title>draw parity</title>")
    base = serve(site)
    worst: list[tuple[float, str]] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=os.environ.get("PYFACEAPI_CHROMIUM", "/usr/bin/chromium"),
                                     args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.goto(base + "index.html")
        page.evaluate("async () => { window.pyfaceapiDraw = await import('./draw.js');"
                      " await window.pyfaceapiDraw.loadBundledFont('fonts/DejaVuSans.ttf'); }")
        for ref_path in sorted(REFERENCE.glob("*/*.json")):
            reference = json.loads(ref_path.read_text())
            image = Image.open(IMAGES / ref_path.name.removesuffix(".json")).convert("RGB")
            png = io.BytesIO()
            image.save(png, "PNG")
            for kind in DRAW_KINDS:
                display_list = build_annotation(results_of(reference), *image.size, [kind])
                raw = page.evaluate(PAINT_JS, [base64.b64encode(png.getvalue()).decode(), display_list.to_dict()])
                canvas = np.frombuffer(base64.b64decode(raw), np.uint8).reshape(image.height, image.width, 4)[..., :3]
                pillow = np.asarray(draw_to_image(display_list, image))
                diff = np.abs(canvas.astype(np.int16) - pillow.astype(np.int16)).max(axis=2)
                agree = float((diff <= args.levels).mean())
                name = f"{ref_path.parent.name}-{ref_path.stem.removesuffix('.jpg').removesuffix('.png')}-{kind}"
                worst.append((agree, name))
                print(f"{name:40s} {agree * 100:7.3f}% within {args.levels} levels (max diff {diff.max()})")
                Image.fromarray(canvas).save(args.out / f"{name}.canvas.png")
                Image.fromarray(pillow).save(args.out / f"{name}.pillow.png")
                Image.fromarray(np.minimum(diff * 8, 255).astype(np.uint8)).save(args.out / f"{name}.diff.png")
        browser.close()
    shutil.rmtree(site)
    lowest = min(worst)
    print(f"lowest: {lowest[0] * 100:.3f}% ({lowest[1]}); artifacts in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
