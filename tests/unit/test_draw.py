"""pyfaceapi.draw against face-api.js's own drawing, and the Pillow renderer against reviewed goldens.

Ground truth: ``tests/fixtures/draw/calls/*.json`` hold the 2D-context calls face-api.js 0.22.2's draw
functions made on the reference results (``tools/draw_reference/record.js``, a recording canvas in Node
whose ``measureText`` uses pyfaceapi's font table). Each recorded case has a pyfaceapi twin below; both
are reduced to the same primitives (rectangles, stroked segment sets, discs, texts with their colours,
line widths and font sizes) and compared within 1e-6 px.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from pyfaceapi import Box, Dimensions, FaceDetection, FaceExpressions, FaceLandmarks68, FaceResult, Point
from pyfaceapi.classes import FaceLandmarks5
from pyfaceapi.draw import (
    AnchorPosition,
    DisplayList,
    DrawBox,
    DrawBoxOptions,
    DrawFaceLandmarks,
    DrawFaceLandmarksOptions,
    DrawInputError,
    DrawTextField,
    DrawTextFieldOptions,
    FillCircles,
    FillRect,
    FillText,
    StrokePolyline,
    StrokeRect,
    annotate,
    build_annotation,
    draw_detections,
    draw_face_expressions,
    draw_face_landmarks,
    draw_to_image,
    measure_text,
    parse_color,
    raster,
)
from pyfaceapi.draw._inputs import field_of, floor2, js_number_string
from pyfaceapi.draw.text import font_metrics, font_path, shape, text_width_units
from pyfaceapi.errors import OptionsError
from tests.support import FIXTURES, IMAGES, REFERENCE

DRAW = FIXTURES / "draw"
CALL_FILES = sorted((DRAW / "calls").glob("*.json"))
TOLERANCE = 1e-6

Prim = tuple[Any, ...]


# ---------------------------------------------------------------- recorded calls and display lists as primitives


def primitives_from_calls(calls: list[list[Any]]) -> list[Prim]:
    """Replay recorded 2D-context calls into drawn primitives (state: styles, line width, font, path)."""
    state: dict[str, Any] = {"strokeStyle": "#000000", "fillStyle": "#000000", "lineWidth": 1,
                             "font": "10px sans-serif"}
    path: list[Any] = []
    pen: tuple[float, float] | None = None
    widths: dict[str, float] = {}
    out: list[Prim] = []
    for call in calls:
        name, args = call[0], call[1:]
        if name == "set":
            state[args[0]] = args[1]
        elif name == "measureText":
            widths[args[0]] = args[1]
        elif name == "beginPath":
            path, pen = [], None
        elif name == "moveTo":
            pen = (args[0], args[1])
        elif name == "lineTo":
            assert pen is not None
            path.append(("segment", pen, (args[0], args[1])))
            pen = (args[0], args[1])
        elif name == "arc":
            path.append(("arc", *args))
        elif name == "stroke":
            segments = [(a, b) for kind, a, b in path if kind == "segment"]
            out.append(("stroke", segments, state["strokeStyle"], state["lineWidth"]))
        elif name == "fill":
            for item in path:
                assert item[0] == "arc", "face-api.js fills only arcs"
                _, x, y, r, start, end = item
                assert (start, end) == (0, 2 * math.pi)
                out.append(("disc", x, y, r, state["fillStyle"]))
        elif name == "strokeRect":
            out.append(("strokeRect", *args, state["strokeStyle"], state["lineWidth"]))
        elif name == "fillRect":
            out.append(("fillRect", *args, state["fillStyle"]))
        elif name == "fillText":
            size = float(state["font"].split("px")[0])
            out.append(("text", args[0], args[1], args[2], size, state["fillStyle"], widths[args[0]]))
        else:
            raise AssertionError(f"unexpected call {call}")
    return out


def primitives_from_list(display_list: DisplayList) -> list[Prim]:
    out: list[Prim] = []
    for op in display_list:
        if isinstance(op, StrokeRect):
            out.append(("strokeRect", op.x, op.y, op.width, op.height, op.color, op.line_width))
        elif isinstance(op, FillRect):
            out.append(("fillRect", op.x, op.y, op.width, op.height, op.color))
        elif isinstance(op, StrokePolyline):
            out.append(("stroke", op.segments(), op.color, op.line_width))
        elif isinstance(op, FillCircles):
            out += [("disc", x, y, op.radius, op.color) for x, y in op.centers]
        elif isinstance(op, FillText):
            out.append(("text", op.text, op.x, op.y, op.font_size, op.color, op.width))
    return out


def assert_same(ours: Any, theirs: Any, where: str = "") -> None:
    """Equal structure and strings; numbers within TOLERANCE."""
    if isinstance(theirs, (int, float)) and not isinstance(theirs, bool):
        assert isinstance(ours, (int, float)), f"{where}: {ours!r} != {theirs!r}"
        assert abs(ours - theirs) <= TOLERANCE, f"{where}: {ours!r} != {theirs!r}"
    elif isinstance(theirs, (list, tuple)):
        assert isinstance(ours, (list, tuple)) and len(ours) == len(theirs), f"{where}: {ours!r} != {theirs!r}"
        for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            assert_same(a, b, f"{where}[{i}]")
    else:
        assert ours == theirs, f"{where}: {ours!r} != {theirs!r}"


# ---------------------------------------------------------------- the reference results, as objects or as JSON


def load_results(reference: dict[str, Any], kind: str) -> list[Any]:
    """``objects``: pyfaceapi's classes, built as the recorder builds face-api.js's; ``json``: the plain JSON."""
    dims = Dimensions(reference["image"]["width"], reference["image"]["height"])
    results: list[Any] = []
    for face in reference["faces"]:
        if kind == "json":
            results.append({k: face[k] for k in ("detection", "landmarks", "expressions")})
            continue
        rel = face["detection"]["relativeBox"]
        detection = FaceDetection(face["detection"]["score"], Box(rel["x"], rel["y"], rel["width"], rel["height"]),
                                  dims)
        landmarks = FaceLandmarks68(face["landmarks"]["positions"], Dimensions(1, 1))
        results.append(FaceResult(detection, landmarks=landmarks, expressions=FaceExpressions(**face["expressions"])))
    return results


def box_of(result: Any) -> Any:
    return field_of(field_of(result, "detection"), "box")


TEXT_FIELD_OPTIONS = {"font_size": 11.5, "padding": 6, "background_color": "rgba(0, 0, 0, 0.7)",
                      "font_color": "hsl(60, 100%, 50%)"}

# name -> draw(display_list, results, width, height): the twin of record.js's case of the same name
PY_CASES: dict[str, Callable[[DisplayList, list[Any], int, int], Any]] = {
    "drawDetections": lambda dl, rs, w, h: draw_detections(dl, rs),
    "drawFaceLandmarks": lambda dl, rs, w, h: draw_face_landmarks(dl, rs),
    "drawFaceExpressions": lambda dl, rs, w, h: draw_face_expressions(dl, rs),
    "drawDetections:faceDetections": lambda dl, rs, w, h: draw_detections(dl, [field_of(r, "detection") for r in rs]),
    "drawDetections:boxes": lambda dl, rs, w, h: draw_detections(
        dl, [{k: field_of(box_of(r), k) for k in ("x", "y", "width", "height")} for r in rs]),
    "DrawBox:options": lambda dl, rs, w, h: DrawBox(box_of(rs[0]), DrawBoxOptions(
        box_color="rgba(255, 0, 0, 0.8)", line_width=3, label="Jane Doe (fi)",
        draw_label_options={"font_size": 20, "anchor_position": AnchorPosition.TOP_RIGHT, "padding": 2,
                            "font_color": "#ffff00"})).draw(dl),
    "DrawBox:rightEdge": lambda dl, rs, w, h: DrawBox(
        {"x": w - 40, "y": 100.25, "width": 35, "height": 50}, {"label": "a label wider than the box"}).draw(dl),
    **{
        f"DrawTextField:{anchor.value}": (
            lambda dl, rs, w, h, anchor=anchor: DrawTextField(
                ["AV Ty. office", "fluffy: 0.123"], Point(300.5, 200.25),
                DrawTextFieldOptions(anchor_position=anchor, **TEXT_FIELD_OPTIONS)).draw(dl))
        for anchor in AnchorPosition
    },
    "DrawTextField:clampedBottomRight": lambda dl, rs, w, h: DrawTextField(
        "outside, bottom right", (w + 10, h + 10)).draw(dl),
    "DrawTextField:clampedTopLeft": lambda dl, rs, w, h: DrawTextField(
        ["outside,", "top left"], {"x": -20, "y": -20}, {"anchorPosition": "BOTTOM_RIGHT"}).draw(dl),
    "drawFaceExpressions:bare": lambda dl, rs, w, h: draw_face_expressions(
        dl, [field_of(r, "expressions") for r in rs], 0.05, (12.5, 40)),
    "DrawFaceLandmarks:options": lambda dl, rs, w, h: DrawFaceLandmarks(field_of(rs[0], "landmarks"),
        DrawFaceLandmarksOptions(line_width=2, line_color="rgba(255, 255, 0, 1)", point_size=1.5,
                                 point_color="red")).draw(dl),
    "DrawFaceLandmarks:pointsOnly": lambda dl, rs, w, h: DrawFaceLandmarks(
        field_of(rs[0], "landmarks"), {"draw_lines": False}).draw(dl),
}


def test_fixtures_cover_every_case() -> None:
    assert len(CALL_FILES) == len(list(REFERENCE.glob("*/*.json"))) == 16
    recorded = set()
    for path in CALL_FILES:
        recorded |= set(json.loads(path.read_text())["cases"])
    assert recorded == set(PY_CASES)


@pytest.mark.parametrize("kind", ["objects", "json"])
@pytest.mark.parametrize("path", CALL_FILES, ids=lambda p: p.stem)
def test_geometry_matches_face_api_js(path: Path, kind: str) -> None:
    fixture = json.loads(path.read_text())
    reference = json.loads((REFERENCE / fixture["reference"]).read_text())
    width, height = fixture["canvas"]["width"], fixture["canvas"]["height"]
    results = load_results(reference, kind)
    for name, case in fixture["cases"].items():
        display_list = DisplayList(width, height)
        PY_CASES[name](display_list, results, width, height)
        theirs = primitives_from_calls(case["calls"])
        assert_same(primitives_from_list(display_list), theirs, f"{path.stem} {name}")
        if reference["faces"] and name == "drawFaceLandmarks":
            # jaw 16 + brows 2 x 4 + nose 8 segments (open), eyes 2 x 6 + mouth 20 (closed); 68 points per face
            assert sum(len(p[1]) for p in theirs if p[0] == "stroke") == 64 * len(reference["faces"])
            assert sum(p[0] == "disc" for p in theirs) == 68 * len(reference["faces"])


def test_face_api_js_labels_and_layout_on_faces_jpg() -> None:
    """Spot values a reader can check by hand (faces.jpg, first face)."""
    reference = json.loads((REFERENCE / "test/faces.jpg.json").read_text())
    results = load_results(reference, "objects")
    ops = draw_detections(DisplayList(710, 473), results[:1]).ops
    box, background, label = ops
    assert isinstance(box, StrokeRect) and (box.color, box.line_width) == ("rgba(0, 0, 255, 1)", 2)
    assert label.text == "0.97"  # score 0.97433... floored to 2 decimals
    assert label.width == 4560 * 14 / 2048  # "0" "." "9" "7" advances in DejaVu Sans units, at 14 px
    assert background.width == label.width + 8 and background.height == 14 + 8
    assert (background.x, background.y) == (box.x - 1, box.y - 22)  # BOTTOM_LEFT of (x - lineWidth/2, y)
    assert (label.x, label.y) == (background.x + 4, background.y + 4 + 14)
    expressions = draw_face_expressions(DisplayList(710, 473), results[:1]).ops
    assert [op.text for op in expressions[1:]] == ["happy (1)"]
    assert (expressions[0].x, expressions[0].y) == (box.x, box.y + box.height)


# ---------------------------------------------------------------- text measurement and number formatting


def test_measure_text_uses_advances_kerning_and_ligatures() -> None:
    m = font_metrics()
    assert m.family == "DejaVu Sans" and m.units_per_em == 2048
    assert text_width_units("0.97") == 1303 + 651 + 1303 + 1303  # digits are 1303 units, "." 651, no kerning
    assert text_width_units("AV") == m.advances[ord("A")] + m.advances[ord("V")] - 131  # latn kerning pair
    assert shape("office") == ["o", "ffi", "c", "e"]
    assert shape("0ff") == ["0", "ff"] and shape("1.5") == ["1", ".", "5"]
    assert text_width_units("office") == 5619  # HarfBuzz's width (tools/font_metrics.py --check)
    assert measure_text("happy (1)", 14) == 67.7919921875
    assert measure_text("a\tb", 10) == measure_text("a b", 10)


def test_bundled_font_matches_its_table() -> None:
    import hashlib

    assert hashlib.sha256(Path(font_path()).read_bytes()).hexdigest() == font_metrics().sha256
    assert (Path(font_path()).parent / "LICENSE.DejaVu").read_text().count("Bitstream Vera") >= 1


@pytest.mark.parametrize(
    ("value", "text"),
    [(1, "1"), (1.0, "1"), (0.97, "0.97"), (0.1, "0.1"), (0, "0"), (-0.0, "0"), (100.0, "100"), (-0.5, "-0.5"),
     (1e-7, "1e-7"), (1.5e-7, "1.5e-7"), (0.000001, "0.000001"), (1e21, "1e+21"), (1.5e21, "1.5e+21"),
     (123456789012345680000.0, "123456789012345680000"), (0.30000000000000004, "0.30000000000000004")],
)
def test_js_number_string(value: float, text: str) -> None:
    assert js_number_string(value) == text


def test_floor2_is_face_api_js_round() -> None:
    assert floor2(0.29) == 0.28  # 0.29 * 100 = 28.999999999999996 in doubles: face-api.js shows 0.28 too
    assert floor2(0.9999) == 0.99 and floor2(1) == 1 and floor2(3.2e-9) == 0


# ---------------------------------------------------------------- options, inputs and semantics


def test_options_defaults_and_mappings() -> None:
    o = DrawTextFieldOptions()
    assert (o.anchor_position, o.background_color, o.font_color, o.font_size, o.padding) == (
        AnchorPosition.TOP_LEFT, "rgba(0, 0, 0, 0.5)", "rgba(255, 255, 255, 1)", 14, 4)
    b = DrawBoxOptions(box_color="red")
    assert b.line_width == 2 and b.label_options.background_color == "red"
    assert b.label_options.anchor_position is AnchorPosition.BOTTOM_LEFT
    merged = DrawBoxOptions(box_color="red", draw_label_options={"fontSize": 9, "backgroundColor": None})
    assert merged.label_options.font_size == 9 and merged.label_options.background_color == "red"
    assert DrawTextFieldOptions.from_value({"anchorPosition": "BOTTOM_RIGHT"}).anchor_position is \
        AnchorPosition.BOTTOM_RIGHT
    lm = DrawFaceLandmarksOptions()
    assert (lm.line_width, lm.point_size, lm.line_color, lm.point_color) == (
        1, 2, "rgba(0, 255, 255, 1)", "rgba(255, 0, 255, 1)")


@pytest.mark.parametrize(
    "make",
    [lambda: DrawTextFieldOptions(font_color="not a colour"), lambda: DrawTextFieldOptions(font_size=0),
     lambda: DrawTextFieldOptions(anchor_position="MIDDLE"), lambda: DrawBoxOptions(line_width=-1),
     lambda: DrawTextFieldOptions.from_value({"fontFamily": "x"}),
     lambda: DrawFaceLandmarksOptions(point_size=math.nan)],
)
def test_bad_options_raise(make: Callable[[], Any]) -> None:
    with pytest.raises(OptionsError):
        make()


def test_scores_and_boxes() -> None:
    image = Dimensions(100, 100)
    zero = FaceDetection(0, Box(0.1, 0.1, 0.5, 0.5), image)
    tiny = FaceDetection(0.004, Box(0.1, 0.1, 0.5, 0.5), image)
    ops = draw_detections(None, [zero, tiny, Box(1, 2, 3, 4), {"left": 1, "top": 2, "right": 4, "bottom": 6}]).ops
    assert [op.op for op in ops] == ["strokeRect", "strokeRect", "fillRect", "fillText", "strokeRect", "strokeRect"]
    assert ops[3].text == "0"  # a score floored to 0 still has a label; a score of 0 has none
    assert (ops[4].x, ops[4].y, ops[4].width, ops[4].height) == (ops[5].x, ops[5].y, ops[5].width, ops[5].height)


def test_expressions_order_threshold_and_anchor() -> None:
    expressions = FaceExpressions(neutral=0.3, happy=0.3, sad=0.05, angry=0.35, fearful=0.0, disgusted=0.0,
                                  surprised=0.0)
    ops = draw_face_expressions(None, expressions, text_field_anchor=Point(7, 9)).ops
    assert [op.text for op in ops[1:]] == ["angry (0.35)", "neutral (0.3)", "happy (0.3)"]  # ties keep label order
    assert (ops[0].x, ops[0].y) == (7, 9)
    nothing = draw_face_expressions(None, {"neutral": 1, "happy": 0, "sad": 0, "angry": 0, "fearful": 0,
                                           "disgusted": 0, "surprised": 0}, min_confidence=1).ops
    assert len(nothing) == 1 and (nothing[0].width, nothing[0].height) == (8, 8)  # face-api.js draws the padding


def test_landmarks_5_get_points_only_and_bad_inputs_raise() -> None:
    five = FaceLandmarks5([(0.1, 0.2), (0.3, 0.2), (0.2, 0.3), (0.1, 0.4), (0.3, 0.4)], Dimensions(100, 100))
    ops = draw_face_landmarks(None, five).ops
    assert len(ops) == 1 and isinstance(ops[0], FillCircles) and ops[0].centers[0] == pytest.approx((10, 20))
    with pytest.raises(DrawInputError):
        draw_face_landmarks(None, [{"detection": {}}])
    with pytest.raises(DrawInputError):
        draw_face_expressions(None, [FaceResult(FaceDetection(0.9, Box(0, 0, 1, 1), Dimensions(100, 100)))])
    with pytest.raises(DrawInputError):
        draw_detections(object(), [Box(0, 0, 1, 1)])


def test_display_list_json_round_trip() -> None:
    reference = json.loads((REFERENCE / "test/faces.jpg.json").read_text())
    display_list = build_annotation(load_results(reference, "objects"), 710, 473)
    data = json.loads(display_list.to_json())
    assert data["schema"] == "pyfaceapi-draw/1" and data["font"]["family"] == "DejaVu Sans"
    assert [op["op"] for op in data["ops"][:3]] == ["strokeRect", "fillRect", "fillText"]
    assert DisplayList.from_dict(data) == display_list


# ---------------------------------------------------------------- colours and rasterisation


@pytest.mark.parametrize(
    ("color", "rgba"),
    [("rgba(0, 0, 255, 1)", (0, 0, 255, 1.0)), ("rgba(0,0,0,.5)", (0, 0, 0, 0.5)), ("#ff0", (255, 255, 0, 1.0)),
     ("#11223380", (17, 34, 51, 128 / 255)), ("Red", (255, 0, 0, 1.0)), ("hsl(120, 100%, 25%)", (0, 128, 0, 1.0)),
     ("rgb(100% 0% 50% / 25%)", (255, 0, 128, 0.25)), ("rgb(300, -4, 7.6)", (255, 0, 8, 1.0)),
     ("transparent", (0, 0, 0, 0.0))],
)
def test_parse_color(color: str, rgba: tuple[float, ...]) -> None:
    assert tuple(parse_color(color)) == pytest.approx(rgba)


def test_rect_coverage_is_exact_area() -> None:
    region, cov = raster.stroke_rect(10.3, 20.6, 30.2, 15.5, 2, 100, 100)
    assert cov.sum() == pytest.approx((32.2 * 17.5) - (28.2 * 13.5))
    assert cov.max() == 1 and region.x0 == 9 and region.y1 == 38
    region, cov = raster.fill_rect(-5, -5, 10, 10, 100, 100)  # clipped to the canvas
    assert (region.x0, region.y0, cov.sum()) == (0, 0, 25)


def test_wide_strokes_are_rectangles_with_quarter_pixel_rows() -> None:
    _, cov = raster.stroke_segments([((10.2, 10), (10.2, 50))], 1.5, 100, 100)
    assert cov.sum() == pytest.approx(40 * 1.5)  # length 40, butt caps
    _, union = raster.stroke_segments([((10, 10.25), (40, 10.25)), ((10, 10.25), (40, 10.25))], 2, 100, 100)
    assert union.sum() == pytest.approx(60)  # one stroke paints overlaps once
    _, snapped = raster.stroke_segments([((10, 10.3), (40, 10.3))], 2, 100, 100)
    assert snapped.sum() == pytest.approx(60) and snapped[0].max() == pytest.approx(0.75)  # 9.3 -> 9.25


def test_thin_strokes_are_hairlines() -> None:
    region, cov = raster.stroke_segments([((10.5, 20.5), (30.5, 24.5))], 1, 100, 100)
    columns = cov.sum(axis=0)
    assert columns[10 - region.x0] == pytest.approx(0.5)  # the segment covers half of the first column
    assert np.allclose(columns[11 - region.x0 : 30 - region.x0], 1)  # one pixel's worth per column
    _, faint = raster.stroke_segments([((10.5, 20.5), (30.5, 24.5))], 0.5, 100, 100)
    assert faint.sum() == pytest.approx(cov.sum() / 2)  # thinner hairlines are fainter, not thinner


def test_discs_are_flattened_like_skia() -> None:
    assert len(raster.circle_polygon(0, 0, 2)) == 8  # 4 quadratics, 2 lines each
    assert len(raster.circle_polygon(0, 0, 4)) == 16
    assert len(raster.circle_polygon(0, 0, 6)) == 16  # 8 quadratics (the conic error exceeds 1/4 px), 2 lines each
    _, disc = raster.fill_circle(20.3, 30.75, 2, 100, 100)
    assert disc.sum() == pytest.approx(12.0, abs=0.01)  # the octagon through (2, 0) and (1.5, 1.5)


def test_composite_blends_like_a_canvas() -> None:
    rgb = np.full((4, 4, 3), 200, dtype=np.uint8)
    region, cov = raster.fill_rect(0, 0, 2, 4, 4, 4)
    raster.composite(rgb, region, cov, parse_color("rgba(0, 0, 0, 0.5)"))
    assert rgb[0, 0].tolist() == [100, 100, 100] and rgb[0, 3].tolist() == [200, 200, 200]
    rgba = np.zeros((2, 2, 4), dtype=np.uint8)
    region, cov = raster.fill_rect(0, 0, 2, 2, 2, 2)
    raster.composite(rgba, region, cov, parse_color("rgba(255, 0, 0, 0.5)"))
    raster.composite(rgba, region, cov, parse_color("rgba(0, 0, 255, 0.5)"))
    # source-over of straight-alpha colours, rounded to 8 bits after each: alpha 128, then 0.5 + 0.5 * 128/255
    assert rgba[0, 0].tolist() == [85, 0, 170, 192]


# ---------------------------------------------------------------- targets and the Pillow renderer


def test_targets_paint_in_place_and_return_themselves(tmp_path: Path) -> None:
    from PIL import Image

    box = Box(2.5, 2.5, 10, 10)
    pil = Image.new("RGB", (16, 16), "white")
    assert draw_detections(pil, box) is pil and pil.getpixel((2, 7)) == (0, 0, 255)
    array = np.full((16, 16, 4), 255, dtype=np.uint8)
    assert draw_detections(array, box) is array and array[7, 2].tolist() == [0, 0, 255, 255]
    file = tmp_path / "white.png"
    Image.new("RGB", (16, 16), "white").save(file)
    assert draw_detections(file, box) == file
    assert Image.open(file).getpixel((2, 7)) == (0, 0, 255)
    assert isinstance(draw_detections(None, box), DisplayList)


def test_annotate_leaves_the_input_alone(tmp_path: Path) -> None:
    from PIL import Image

    reference = json.loads((REFERENCE / "test/faces.jpg.json").read_text())
    results = load_results(reference, "objects")
    original = Image.open(IMAGES / "faces.jpg").convert("RGB")
    before = np.array(original)
    out = tmp_path / "annotated.png"
    annotated = annotate(original, results, out=out)
    assert np.array_equal(np.array(original), before)
    assert annotated.size == (710, 473) and out.exists()
    assert not np.array_equal(np.array(annotated), before)
    boxes_only = annotate(IMAGES / "faces.jpg", [r.detection for r in results])
    assert np.array(boxes_only).shape == (473, 710, 3)


GOLDENS = {"faces_annotated.png": "gray", "faces_options.png": "transparent"}
"""Golden PNGs (reviewed by eye) -> their background. Regenerate: PYFACEAPI_UPDATE_GOLDENS=1 pytest -k golden."""


def golden_display_list(name: str) -> DisplayList:
    """faces.jpg's results annotated with the defaults, or every option case of the recorder on one overlay."""
    reference = json.loads((REFERENCE / "test/faces.jpg.json").read_text())
    results = load_results(reference, "objects")
    if name == "faces_annotated.png":
        return build_annotation(results, 710, 473)
    display_list = DisplayList(710, 473)
    for case, draw in PY_CASES.items():
        if ":" in case and "Detections" not in case:
            draw(display_list, results, 710, 473)
    return display_list


@pytest.mark.parametrize("name", sorted(GOLDENS))
def test_pillow_rendering_matches_golden(name: str) -> None:
    from PIL import Image

    background = Image.new("RGB", (710, 473), (128, 128, 128)) if GOLDENS[name] == "gray" else None
    picture = draw_to_image(golden_display_list(name), background)
    if os.environ.get("PYFACEAPI_UPDATE_GOLDENS"):
        picture.save(DRAW / name, optimize=True)
    rendered = np.asarray(picture, dtype=np.int16)
    golden = np.asarray(Image.open(DRAW / name), dtype=np.int16)
    assert rendered.shape == golden.shape
    diff = np.abs(rendered - golden).max(axis=2)
    # shapes are rasterised by numpy, exactly; text by FreeType, whose anti-aliasing may move by a level
    # or two between releases: allow that on a few pixels
    assert (diff > 2).mean() < 0.002, f"{(diff > 2).sum()} pixels differ by more than 2 levels"
    assert (diff > 0).mean() < 0.02, f"{(diff > 0).sum()} pixels differ"


def test_overlay_of_another_size_with_match_dimensions_and_resize_results() -> None:
    """face-api.js's overlay recipe: size the overlay like the displayed media, rescale the results to it."""
    import pyfaceapi as faceapi

    reference = json.loads((REFERENCE / "test/faces.jpg.json").read_text())
    results = load_results(reference, "objects")
    overlay = DisplayList()
    faceapi.match_dimensions(overlay, Dimensions(355, 236.5))  # faces.jpg shown at half size
    assert overlay.dims == (355, 236.5)
    draw_detections(overlay, faceapi.resize_results(results, overlay))
    full = draw_detections(DisplayList(710, 473), results)
    half_box, full_box = overlay.ops[0], full.ops[0]
    half, whole = (half_box.x, half_box.y, half_box.width), (full_box.x, full_box.y, full_box.width)
    assert half == pytest.approx(tuple(v / 2 for v in whole))
