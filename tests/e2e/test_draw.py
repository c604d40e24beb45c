"""faceapi.draw in the browser: the display lists equal the server's exactly, and the canvas paints what Pillow
paints on the server.

For every fixture image and draw function (drawDetections, drawFaceLandmarks, drawFaceExpressions on the
browser's full-chain results), the page computes the display list in Pyodide and paints it on a canvas
holding the image; here the same results (their JSON) give the display list in CPython, which must be equal
as JSON, and Pillow paints it on the same decoded pixels. The two pictures must agree within 8 levels per
channel on >= 99% of their pixels (``face_rectangular.png`` expressions: >= 97%, see ``THRESHOLDS``), and on
>= 99% of all pixels together. Both pictures and an amplified difference are saved under
``test-artifacts/e2e-draw/``.
"""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import numpy as np
import pytest
from PIL import Image

from pyfaceapi import draw
from pyfaceapi.imageio import load_image

from .conftest import FIXTURES, IMAGE_NAMES, REPORT, ROOT, Session

ARTIFACTS = ROOT / "test-artifacts" / "e2e-draw"
LEVELS = 8
# kind -> (faceapi.draw function, toDisplayList kind, the server's draw function)
DRAWINGS: dict[str, tuple[str, str, Any]] = {
    "detections": ("drawDetections", "detections", draw.draw_detections),
    "landmarks": ("drawFaceLandmarks", "faceLandmarks", draw.draw_face_landmarks),
    "expressions": ("drawFaceExpressions", "faceExpressions", draw.draw_face_expressions),
}
MIN_AGREEMENT = 0.99
# face_rectangular.png is 122x178 with a two-line text field over ~5% of it: text is rasterised differently
# (Chromium hints glyphs and tunes the contrast of light text; Pillow's FreeType does neither), and about 85%
# of text pixels agree within 8 levels (tools/draw_reference/README.md), so this picture reaches ~97.3%
THRESHOLDS = {("face_rectangular.png", "expressions"): 0.97}
AGREED: dict[str, list[int]] = {}  # case -> [pixels within LEVELS, pixels]


def decode_png(data_url: str) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(data_url.split(",", 1)[1]))).convert("RGB"))


def server_list(kind: str, width: int, height: int, *args: Any) -> dict[str, Any]:
    display_list = draw.DisplayList(width, height)
    DRAWINGS[kind][2](display_list, *args)
    return json.loads(display_list.to_json())


def agreement(case: str, canvas: np.ndarray, pillow: np.ndarray) -> float:
    """Share of pixels whose channels all agree within LEVELS; saves both pictures and the difference."""
    assert canvas.shape == pillow.shape, case
    diff = np.abs(canvas.astype(np.int16) - pillow.astype(np.int16)).max(axis=2)
    within = int((diff <= LEVELS).sum())
    AGREED[case] = [within, diff.size]
    REPORT["draw"][case] = within / diff.size
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    Image.fromarray(canvas).save(ARTIFACTS / f"{case}.canvas.png")
    Image.fromarray(pillow).save(ARTIFACTS / f"{case}.pillow.png")
    Image.fromarray(np.minimum(diff * 8, 255).astype(np.uint8)).save(ARTIFACTS / f"{case}.diff.png")
    return within / diff.size


@pytest.fixture(scope="module")
def browser_drawings(session: Session, browser_chains: dict[str, Any]) -> dict[str, Any]:
    """Per image: the results drawn (JSON), and per draw function its display list (JSON) and the canvas."""
    return session.js(
        """(drawings) => {
            const out = {};
            for (const [name, chains] of Object.entries(__chains)) {
                const img = document.getElementById(`img-${name}`);
                const results = chains.full;
                out[name] = { results: JSON.stringify(results, (key, v) => (key === 'descriptor' ? undefined : v)) };
                for (const [kind, [paint, list]] of Object.entries(drawings)) {
                    const canvas = __t.canvasOf(img);
                    faceapi.draw[paint](canvas, results);
                    out[name][kind] = {
                        list: JSON.stringify(faceapi.draw.toDisplayList(list, canvas, results)),
                        png: canvas.toDataURL(),
                    };
                }
            }
            return out;
        }""",
        {kind: [paint, list] for kind, (paint, list, _) in DRAWINGS.items()},
    )


@pytest.mark.parametrize("image", IMAGE_NAMES)
def test_display_lists_and_pictures_equal_the_servers(browser_drawings: dict[str, Any], image: str) -> None:
    drawn = browser_drawings[image]
    results = json.loads(drawn["results"])
    pixels = load_image(FIXTURES / "images" / image)
    height, width = pixels.shape[:2]
    for kind in DRAWINGS:
        expected = server_list(kind, width, height, results)
        assert json.loads(drawn[kind]["list"]) == expected, f"{image} {kind}: display lists differ"
        if results:
            assert expected["ops"], f"{image} {kind}: nothing drawn"
        pillow = np.asarray(draw.draw_to_image(draw.DisplayList.from_dict(expected), pixels))
        case = f"{image.rsplit('.', 1)[0]}-{kind}"
        agree = agreement(case, decode_png(drawn[kind]["png"]), pillow)
        bar = THRESHOLDS.get((image, kind), MIN_AGREEMENT)
        assert agree >= bar, f"{case}: canvas and Pillow agree on {agree:.4%} of pixels (bar {bar:.0%})"


# face-api.js's draw classes and options, on one canvas: (class or function, its arguments)
CLASS_DRAWINGS: list[tuple[str, list[Any]]] = [
    ("box", [{"x": 20.5, "y": 30.25, "width": 120, "height": 90}, {}]),
    ("box", [{"x": 200, "y": 40, "width": 80.5, "height": 100}, {"label": "Jane Doe (0.87)", "boxColor": "red",
                                                                  "lineWidth": 4}]),
    ("box", [{"left": 320, "top": 60, "right": 420, "bottom": 150},
             {"label": "fi ffl AV", "drawLabelOptions": {"anchorPosition": "TOP_LEFT", "fontSize": 20,
                                                          "fontColor": "#ffee00", "padding": 2}}]),
    ("textField", [["TOP_RIGHT", "two lines"], {"x": 700, "y": 10}, {"anchorPosition": "TOP_RIGHT"}]),
    ("textField", ["BOTTOM_RIGHT, kept inside", {"x": 760, "y": 500}, {"anchorPosition": "BOTTOM_RIGHT",
                                                                      "backgroundColor": "rgba(0, 128, 0, 0.7)"}]),
    ("textField", [["bottom left"], {"x": 10, "y": 470}, {"anchorPosition": "BOTTOM_LEFT", "fontSize": 18}]),
    ("landmarks", [None, {"drawLines": False, "pointSize": 3, "pointColor": "#00ff00"}]),
    ("landmarks", [None, {"drawPoints": False, "lineWidth": 2, "lineColor": "rgba(255, 128, 0, 0.8)"}]),
    ("faceExpressions", [None, 0.001, {"x": 300, "y": 300}]),
]


def test_draw_classes_and_options_equal_the_servers(session: Session, browser_chains: dict[str, Any]) -> None:
    """DrawBox, DrawTextField (every anchor, kept inside the canvas), DrawFaceLandmarks and options, and
    drawFaceExpressions of bare expressions at an anchor; canvas given as element, id and 2D context."""
    browser = session.js(
        """(drawings) => {
            const img = document.getElementById('img-faces.jpg');
            const [face] = __chains['faces.jpg'].full;
            const canvas = __t.canvasOf(img);
            canvas.id = 'draw-target';
            document.body.append(canvas);
            const ctx = canvas.getContext('2d');
            const targets = [canvas, 'draw-target', ctx];
            const lists = [];
            drawings.forEach(([kind, args], i) => {
                const target = targets[i % 3];
                const [a, b, c] = args;
                if (kind === 'box') new faceapi.draw.DrawBox(a, new faceapi.draw.DrawBoxOptions(b)).draw(target);
                if (kind === 'textField') new faceapi.draw.DrawTextField(a, b, c).draw(target);
                if (kind === 'landmarks') {
                    new faceapi.draw.DrawFaceLandmarks(face.landmarks, new faceapi.draw.DrawFaceLandmarksOptions(b))
                        .draw(target);
                }
                if (kind === 'faceExpressions') faceapi.draw.drawFaceExpressions(target, face.expressions, b, c);
                const listArgs = kind === 'landmarks' ? [face.landmarks, b]
                    : kind === 'faceExpressions' ? [face.expressions, b, c] : args;
                lists.push(JSON.stringify(faceapi.draw.toDisplayList(kind, canvas, ...listArgs)));
            });
            canvas.remove();
            return {
                lists,
                png: canvas.toDataURL(),
                face: JSON.stringify(face, (k, v) => (k === 'descriptor' ? undefined : v)),
                anchors: Object.keys(faceapi.draw.AnchorPosition),
                badCanvas: __t.error(() => faceapi.draw.drawDetections('no-such-canvas', [])),
                badColor: __t.error(() => new faceapi.draw.DrawBox({ x: 0, y: 0, width: 1, height: 1 },
                                                                   { boxColor: 'not a colour' }).draw(canvas)),
            };
        }""",
        CLASS_DRAWINGS,
    )
    face = json.loads(browser["face"])
    pixels = load_image(FIXTURES / "images" / "faces.jpg")
    height, width = pixels.shape[:2]
    combined = draw.DisplayList(width, height)
    for (kind, args), mine in zip(CLASS_DRAWINGS, browser["lists"], strict=True):
        expected = draw.DisplayList(width, height)
        if kind == "box":
            draw.DrawBox(*args).draw(expected)
        elif kind == "textField":
            draw.DrawTextField(*args).draw(expected)
        elif kind == "landmarks":
            draw.DrawFaceLandmarks(face["landmarks"], args[1]).draw(expected)
        else:
            draw.draw_face_expressions(expected, face["expressions"], args[1], args[2])
        assert json.loads(mine) == json.loads(expected.to_json()), f"{kind} {args}"
        combined.extend(expected.ops)
    pillow = np.asarray(draw.draw_to_image(combined, pixels))
    agree = agreement("faces-classes-and-options", decode_png(browser["png"]), pillow)
    assert agree >= MIN_AGREEMENT
    assert browser["anchors"] == ["TOP_LEFT", "TOP_RIGHT", "BOTTOM_LEFT", "BOTTOM_RIGHT"]
    assert "expected a canvas" in browser["badCanvas"]["message"]
    assert browser["badColor"]["name"] == "OptionsError"


def test_all_pictures_together_agree(browser_drawings: dict[str, Any]) -> None:
    """The aggregate over every picture painted above (run after them)."""
    assert len(AGREED) >= len(IMAGE_NAMES) * len(DRAWINGS), "run the whole module: the per-image drawings feed this"
    within = sum(a for a, _ in AGREED.values())
    total = sum(t for _, t in AGREED.values())
    REPORT["draw"]["ALL (aggregate)"] = within / total
    assert within / total >= MIN_AGREEMENT
