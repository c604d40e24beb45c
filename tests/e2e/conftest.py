"""Browser end-to-end fixtures: build web/dist, serve it on loopback, drive Debian's Chromium with Playwright.

One browser and one page (Pyodide loaded once) serve every test of the session. The page's context
aborts any request that does not go to loopback and records it, so every test also proves that nothing
is fetched from outside. Set ``PYFACEAPI_CHROMIUM`` to use another Chromium binary.
"""

from __future__ import annotations

import importlib.util
import mimetypes
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, sync_playwright

import pyfaceapi as faceapi
from pyfaceapi.imageio import load_image

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
FIXTURES = ROOT / "tests" / "fixtures"
HELPERS = Path(__file__).with_name("helpers.js")
CHROMIUM = Path(os.environ.get("PYFACEAPI_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]
NOT_LOOPBACK = re.compile(r"^(?!(https?|wss?)://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?/|(data|blob|about):)")
TIMEOUT_MS = 240_000

# what the summary prints at the end of the run (cold start, parity, drawing agreement)
REPORT: dict[str, Any] = {"timings": {}, "parity": {}, "results": {}, "worst": {}, "exact": [0, 0], "draw": {}}


def load_web_module(name: str) -> ModuleType:
    """``web/<name>.py`` as a module (web/ is not a package)."""
    spec = importlib.util.spec_from_file_location(f"pyfaceapi_web_{name}", WEB / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@dataclass
class Session:
    """One page with the facade loaded; ``blocked`` lists every non-loopback request it attempted."""

    context: BrowserContext
    page: Page
    base_url: str
    blocked: list[str] = field(default_factory=list)

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)


def open_session(browser: Browser, base_url: str, video_dir: Path) -> Session:
    """A fresh context (empty cache) on the demo page, with fixtures routed and the outside world blocked."""
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    session = Session(context, context.new_page(), base_url)

    def block(route: Route) -> None:
        session.blocked.append(route.request.url)
        route.abort("blockedbyclient")

    def fixture(route: Route) -> None:
        relative = urlsplit(route.request.url).path.removeprefix("/__fixtures__/")
        file = (video_dir / relative) if relative.endswith(".webm") else FIXTURES / relative
        if ".." in relative or not file.is_file():
            route.fulfill(status=404, body="no such fixture")
            return
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        route.fulfill(status=200, body=file.read_bytes(), content_type=content_type)

    # URL patterns, not a Python predicate: Playwright then intercepts only the matching requests (the big
    # wasm files stream straight from the server)
    context.route(NOT_LOOPBACK, block)
    context.route("**/__fixtures__/**", fixture)
    context.add_init_script(path=str(HELPERS))
    session.page.on("pageerror", lambda error: print(f"[page error] {error}"))
    session.page.goto(f"{base_url}/index.html")
    return session


@pytest.fixture(scope="session")
def web_dist() -> Path:
    """web/dist, (re)built from the registries' cache and this checkout (quick when nothing changed)."""
    build = load_web_module("build")
    started = time.perf_counter()
    build.build(build.DIST)
    REPORT["timings"]["web build (s)"] = round(time.perf_counter() - started, 1)
    return build.DIST


@pytest.fixture(scope="session")
def base_url(web_dist: Path) -> Iterator[str]:
    serve = load_web_module("serve")
    server, url = serve.serve_in_thread(web_dist, host="127.0.0.1", port=0)
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium (or set PYFACEAPI_CHROMIUM)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def video_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A short VP9 webm made from fixture images with ffmpeg: 1 s of faces.jpg, then 1 s of happy.jpg."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        pytest.fail("ffmpeg not found: apt-get install -y ffmpeg")
    folder = tmp_path_factory.mktemp("video")
    scale = "scale=640:426:force_original_aspect_ratio=decrease,pad=640:426:(ow-iw)/2:(oh-ih)/2,setsar=1,format=yuv420p"
    command = [
        ffmpeg, "-hide_banner", "-loglevel", "error", "-y",
        "-loop", "1", "-t", "1", "-i", str(FIXTURES / "images" / "faces.jpg"),
        "-loop", "1", "-t", "1", "-i", str(FIXTURES / "images" / "happy.jpg"),
        "-filter_complex", f"[0:v]{scale}[a];[1:v]{scale}[b];[a][b]concat=n=2:v=1[v]",
        "-map", "[v]", "-r", "10", "-c:v", "libvpx-vp9", "-b:v", "2M", "-deadline", "realtime", "-cpu-used", "8",
        str(folder / "faces.webm"),
    ]
    subprocess.run(command, check=True, timeout=120)
    return folder


@pytest.fixture(scope="session")
def session(browser: Browser, base_url: str, video_dir: Path) -> Iterator[Session]:
    """The shared page: facade booted, the three detectors loaded from /models."""
    session = open_session(browser, base_url, video_dir)
    session.js("async () => { await faceapi.init(); }")  # (do not return the runtime: it is not JSON)
    session.js("""async () => {
        await faceapi.nets.ssdMobilenetv1.loadFromUri('/models');
        await faceapi.nets.tinyFaceDetector.loadFromUri('/models');
        await faceapi.nets.tinyYolov2.loadFromUri('/models');
    }""")
    yield session
    session.context.close()


@pytest.fixture(scope="session")
def server_nets() -> None:
    """The same three detectors in this (CPython) process, from the bundled models."""
    for net in (faceapi.nets.ssd_mobilenetv1, faceapi.nets.tiny_face_detector, faceapi.nets.tiny_yolov2):
        net.load()


ANALYSIS_NETS = {  # faceapi.nets name -> pyfaceapi.nets attribute
    "faceLandmark68Net": "face_landmark_68_net",
    "faceLandmark68TinyNet": "face_landmark_68_tiny_net",
    "faceRecognitionNet": "face_recognition_net",
    "faceExpressionNet": "face_expression_net",
    "ageGenderNet": "age_gender_net",
    "mtcnn": "mtcnn",
}


@pytest.fixture(scope="session")
def all_nets(session: Session, server_nets: None) -> None:
    """Every net, in the page (from /models) and in this process: the detectors, both landmark nets,
    recognition, expressions, age and gender, MTCNN (its three files)."""
    session.js("async (names) => { for (const name of names) await faceapi.nets[name].loadFromUri('/models'); }",
               list(ANALYSIS_NETS))
    for name in ANALYSIS_NETS.values():
        getattr(faceapi.nets, name).load()


# name -> (the chain in the page, on `img`; the same chain here, on the decoded pixels)
CHAINS: dict[str, tuple[str, Any]] = {
    "full": (
        "faceapi.detectAllFaces(img).withFaceLandmarks().withFaceExpressions().withAgeAndGender()"
        ".withFaceDescriptors()",
        lambda px: faceapi.detect_all_faces(px).with_face_landmarks().with_face_expressions()
        .with_age_and_gender().with_face_descriptors(),
    ),
    "tiny": (
        "faceapi.detectAllFaces(img, new faceapi.TinyFaceDetectorOptions({ inputSize: 416 }))"
        ".withFaceLandmarks(true).withFaceDescriptors().withAgeAndGender().withFaceExpressions()",
        lambda px: faceapi.detect_all_faces(px, faceapi.TinyFaceDetectorOptions(input_size=416))
        .with_face_landmarks(use_tiny_model=True).with_face_descriptors().with_age_and_gender()
        .with_face_expressions(),
    ),
    "unaligned": (
        "faceapi.detectAllFaces(img).withAgeAndGender().withFaceExpressions()",
        lambda px: faceapi.detect_all_faces(px).with_age_and_gender().with_face_expressions(),
    ),
    "single": (
        "faceapi.detectSingleFace(img).withFaceLandmarks().withFaceExpressions().withFaceDescriptor()",
        lambda px: faceapi.detect_single_face(px).with_face_landmarks().with_face_expressions()
        .with_face_descriptor(),
    ),
}
IMAGE_NAMES = sorted(p.name for p in (FIXTURES / "images").iterdir())


@pytest.fixture(scope="session")
def browser_chains(session: Session, all_nets: None) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Every chain of CHAINS on every fixture image in the page, in one evaluate: image -> chain -> the
    results' JSON (descriptors as arrays). The result objects stay in the page as ``__chains[image][chain]``."""
    started = time.perf_counter()
    found = session.js(
        """async ([names, chains]) => {
            const make = Object.entries(chains).map(([key, code]) => [key, new Function('img', `return ${code};`)]);
            window.__chains = {};
            const out = {};
            for (const name of names) {
                const img = await __t.image(name);
                window.__chains[name] = {};
                out[name] = {};
                for (const [key, chain] of make) {
                    const results = await chain(img);
                    window.__chains[name][key] = results;
                    out[name][key] = __t.json(results === undefined ? [] : [results].flat());
                }
            }
            return out;
        }""",
        [IMAGE_NAMES, {name: code for name, (code, _) in CHAINS.items()}],
    )
    REPORT["timings"]["browser: 4 chains x 14 images (s)"] = round(time.perf_counter() - started, 1)
    return found


BOX_TOLERANCE = 1e-3  # px
SCORE_TOLERANCE = 1e-5


def assert_same_detections(browser: list[dict[str, Any]], server: list[dict[str, Any]], what: str) -> None:
    """Same faces in the same order, boxes within 1e-3 px and scores within 1e-5; records the largest differences.

    Not bit-exact in general: LiteRT.js runs XNNPACK's wasm SIMD kernels, ai-edge-litert its x86 AVX2/FMA
    ones, which round float32 convolutions differently (last bits of the model outputs; ai-edge-litert's own
    non-XNNPACK kernels differ from its XNNPACK ones by as much).
    """
    assert len(browser) == len(server), f"{what}: browser found {len(browser)} faces, server {len(server)}"
    box_diff = score_diff = 0.0
    for mine, theirs in zip(browser, server, strict=True):
        assert (mine["imageWidth"], mine["imageHeight"]) == (theirs["imageWidth"], theirs["imageHeight"]), what
        for key in ("x", "y", "width", "height"):
            box_diff = max(box_diff, abs(mine["box"][key] - theirs["box"][key]))
            box_diff = max(box_diff, abs(mine["relativeBox"][key] - theirs["relativeBox"][key]))
        score_diff = max(score_diff, abs(mine["score"] - theirs["score"]))
    REPORT["parity"][what] = {"max_box_diff": box_diff, "max_score_diff": score_diff, "exact": browser == server}
    assert box_diff <= BOX_TOLERANCE, f"{what}: boxes differ by {box_diff} px"
    assert score_diff <= SCORE_TOLERANCE, f"{what}: scores differ by {score_diff}"


# browser == server for chain results: the largest difference allowed per quantity
RESULT_TOLERANCES = {
    "box (px)": 1e-3, "score": 1e-5, "landmarks (px)": 1e-3, "descriptor": 1e-5, "expressions": 1e-5,
    "genderProbability": 1e-5, "age": 1e-4,
}


RECT = ("x", "y", "width", "height")


def points(positions: list[dict[str, float]]) -> list[list[float]]:
    return [[p["x"], p["y"]] for p in positions]


def assert_same_results(browser: list[dict[str, Any]], server: list[dict[str, Any]], what: str) -> None:
    """The same faces with the same fields; every number within RESULT_TOLERANCES (face-api.js's JSON of
    chain results on both sides, descriptors as lists). Records the largest difference per quantity."""
    assert len(browser) == len(server), f"{what}: browser found {len(browser)} faces, server {len(server)}"
    diffs = dict.fromkeys(RESULT_TOLERANCES, 0.0)

    def grow(quantity: str, a: Any, b: Any) -> None:
        diff = float(np.max(np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)), initial=0))
        if diff > diffs[quantity]:
            diffs[quantity] = diff

    def detection(a: dict[str, Any], b: dict[str, Any]) -> None:
        assert (a["imageWidth"], a["imageHeight"]) == (b["imageWidth"], b["imageHeight"]), what
        for box in ("box", "relativeBox"):
            grow("box (px)", [a[box][k] for k in RECT], [b[box][k] for k in RECT])
        grow("score", a["score"], b["score"])

    for mine, theirs in zip(browser, server, strict=True):
        assert sorted(mine) == sorted(theirs), f"{what}: fields {sorted(mine)} != {sorted(theirs)}"
        for key in ("detection", "alignedRect"):
            if key in theirs:
                detection(mine[key], theirs[key])
        for key in ("landmarks", "unshiftedLandmarks"):
            if key in theirs:
                a, b = mine[key], theirs[key]
                # the crop size: integers from the floored detection box, so equal unless a floor flipped
                assert (a["imageWidth"], a["imageHeight"]) == (b["imageWidth"], b["imageHeight"]), f"{what}: {key} crop"
                assert len(a["positions"]) == len(b["positions"]), what
                grow("landmarks (px)", points(a["positions"]), points(b["positions"]))
                grow("box (px)", [a["shift"]["x"], a["shift"]["y"]], [b["shift"]["x"], b["shift"]["y"]])
        if "expressions" in theirs:
            labels = sorted(theirs["expressions"])
            assert sorted(mine["expressions"]) == labels, what
            grow("expressions", [mine["expressions"][k] for k in labels], [theirs["expressions"][k] for k in labels])
        if "gender" in theirs:
            assert mine["gender"] == theirs["gender"], f"{what}: gender"
            grow("genderProbability", mine["genderProbability"], theirs["genderProbability"])
        if "age" in theirs:
            grow("age", mine["age"], theirs["age"])
        if "descriptor" in theirs:
            assert len(mine["descriptor"]) == len(theirs["descriptor"]) == 128, what
            grow("descriptor", mine["descriptor"], theirs["descriptor"])
    REPORT["exact"][0] += browser == server
    REPORT["exact"][1] += 1
    for quantity, diff in diffs.items():
        if diff > REPORT["results"].get(quantity, -1.0):
            REPORT["results"][quantity] = diff
            REPORT["worst"][quantity] = what
    for quantity, diff in diffs.items():
        assert diff <= RESULT_TOLERANCES[quantity], f"{what}: {quantity} differs by {diff}"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not any(REPORT.values()):
        return
    write = terminalreporter.write_line
    terminalreporter.section("pyfaceapi browser e2e")
    for name, value in REPORT["timings"].items():
        write(f"  {name}: {value}")
    if REPORT["parity"]:
        worst_box = max(p["max_box_diff"] for p in REPORT["parity"].values())
        worst_score = max(p["max_score_diff"] for p in REPORT["parity"].values())
        exact = sum(p["exact"] for p in REPORT["parity"].values())
        write(f"  parity browser vs server: {len(REPORT['parity'])} runs, {exact} bit-exact, "
              f"max |box diff| {worst_box:.3g} px, max |score diff| {worst_score:.3g}")
    if REPORT["results"]:
        exact, runs = REPORT["exact"]
        write(f"  chain / MTCNN / low-level results, browser vs server: {runs} runs, {exact} bit-exact; "
              "largest difference (bar; first case with it):")
        for quantity, diff in REPORT["results"].items():
            write(f"    {quantity:18s} {diff:.3g} (<= {RESULT_TOLERANCES[quantity]:g}; {REPORT['worst'][quantity]})")
    if REPORT["draw"]:
        write("  drawing, canvas vs Pillow: pixels within 8 levels per channel")
        for case, agree in sorted(REPORT["draw"].items(), key=lambda item: item[1]):
            write(f"    {agree * 100:7.3f}%  {case}")


RUN_CHAINS = """async ([names, chains]) => {
    const out = {};
    for (const name of names) {
        const img = await __t.image(name);
        out[name] = {};
        for (const [key, code] of Object.entries(chains)) {
            const results = await new Function('img', `return ${code};`)(img);
            out[name][key] = __t.json(results === undefined ? [] : [results].flat());
        }
    }
    return out;
}"""


def max_difference(a: Any, b: Any, path: str = "") -> float:
    """The largest difference of two JSON values of the same shape (fails on a different shape or string)."""
    if isinstance(a, dict):
        assert sorted(a) == sorted(b), f"{path}: {sorted(a)} != {sorted(b)}"
        return max((max_difference(a[k], b[k], f"{path}.{k}") for k in a), default=0.0)
    if isinstance(a, list):
        assert len(a) == len(b), f"{path}: length {len(a)} != {len(b)}"
        pairs = enumerate(zip(a, b, strict=True))
        return max((max_difference(x, y, f"{path}[{i}]") for i, (x, y) in pairs), default=0.0)
    if isinstance(a, (int, float)) and not isinstance(a, bool):
        return abs(float(a) - float(b))
    assert a == b, f"{path}: {a!r} != {b!r}"
    return 0.0


def compare_chains(page: Session, reference: Session, images: list[str], label: str) -> float:
    """Every chain of CHAINS on ``images`` in ``page``: the same results as the server (within the bars) and
    full results with 128-d descriptors; returns the largest difference from the same chains in ``reference``."""
    chains = {name: code for name, (code, _) in CHAINS.items()}
    found_here, found_there = page.js(RUN_CHAINS, [images, chains]), reference.js(RUN_CHAINS, [images, chains])
    worst = 0.0
    for image in images:
        pixels = load_image(FIXTURES / "images" / image)
        for chain, (_, run) in CHAINS.items():
            what = f"{label} {image} {chain}"
            worst = max(worst, max_difference(found_here[image][chain], found_there[image][chain], what))
            found = run(pixels).run()
            server = [r.to_dict() for r in ([] if found is None else found if isinstance(found, list) else [found])]
            assert_same_results(found_here[image][chain], server, what)
        assert found_here[image]["full"], image
        assert all(len(face["descriptor"]) == 128 for face in found_here[image]["full"])
    return worst
