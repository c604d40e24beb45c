"""The demo pages (web/src/demos) in Chromium: each loads, runs its feature on the demo media, draws, and
agrees with this process's pyfaceapi on the same pixels; the service worker makes all of them work offline.

Order matters (one context for the module, as a visitor would): the first visit (the overview page) installs
the service worker, which precaches the whole build; then the context goes offline and every image page is
opened and checked from the cache alone. The webcam page runs in its own browser, launched with Chromium's
fake camera fed a .y4m clip made from fixture images with ffmpeg. A screenshot of every page is saved in
``test-artifacts/pages/``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route

import pyfaceapi as faceapi
from pyfaceapi.imageio import load_image

from .conftest import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    FIXTURES,
    NOT_LOOPBACK,
    REPORT,
    ROOT,
    assert_same_detections,
    assert_same_results,
    load_web_module,
    points,
)

MEDIA = ROOT / "web" / "src" / "demos" / "media"
ARTIFACTS = ROOT / "test-artifacts" / "pages"
PAGE_TIMEOUT_MS = 150_000
NUMBER_TOLERANCE = 1e-5  # distances of descriptors (each component agrees within 1e-5)
IMAGE_PAGES = [
    "detection.html", "landmarks.html", "expressions.html", "age-gender.html", "recognition.html",
    "similarity.html", "extraction.html", "batch-landmarks.html", "batch-recognition.html", "video.html",
]


@dataclass
class Visitor:
    """One browser context used like a person would: pages opened one after the other."""

    context: BrowserContext
    base_url: str
    blocked: list[str] = field(default_factory=list)

    def open(self, name: str) -> tuple[Page, list[str]]:
        """Open demos/<name>, wait until its feature ran (window.demo.runs > 0) or failed; console errors."""
        page = self.context.new_page()
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
        page.goto(f"{self.base_url}/demos/{name}")
        page.wait_for_function("window.demo && (window.demo.runs > 0 || window.demo.status === 'error')",
                               timeout=PAGE_TIMEOUT_MS)
        return page, errors


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name.replace(".html", ".png")), full_page=True)


def new_visitor(browser: Browser, base_url: str) -> Visitor:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    visitor = Visitor(context, base_url)

    def block(route: Route) -> None:
        visitor.blocked.append(route.request.url)
        route.abort("blockedbyclient")

    context.route(NOT_LOOPBACK, block)
    return visitor


@pytest.fixture(scope="module")
def visitor(browser: Browser, base_url: str) -> Iterator[Visitor]:
    visitor = new_visitor(browser, base_url)
    yield visitor
    visitor.context.close()


@pytest.fixture(scope="module")
def page_nets() -> None:
    for net in ("ssd_mobilenetv1", "tiny_face_detector", "face_landmark_68_net", "face_landmark_68_tiny_net",
                "face_recognition_net", "face_expression_net", "age_gender_net"):
        getattr(faceapi.nets, net).load()


def build_version(dist: Path) -> str:
    return hashlib.sha256((dist / "build-info.json").read_bytes()).hexdigest()[:16]


def cache_state(page: Page) -> dict[str, Any]:
    return page.evaluate("""async () => {
        const names = await caches.keys();
        const out = { names, entries: {} };
        for (const name of names) {
            const keys = await (await caches.open(name)).keys();
            out.entries[name] = keys.map((request) => new URL(request.url).pathname.slice(1));
        }
        return out;
    }""")


# -- the first visit: everything precached under the build's version

@pytest.fixture(scope="module")
def first_visit(visitor: Visitor, web_dist: Path) -> dict[str, Any]:
    page, errors = visitor.open("index.html")
    page.wait_for_function("window.demo.offline && (window.demo.offline.cache || window.demo.offline.error)")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    state = {"demo": page.evaluate("window.demo"), "caches": cache_state(page), "errors": errors}
    screenshot(page, "index.html")
    page.close()
    return state


def test_first_visit_precaches_the_whole_build(first_visit: dict[str, Any], web_dist: Path) -> None:
    assert first_visit["errors"] == []
    demo = first_visit["demo"]
    assert demo["status"] == "done", demo
    version = build_version(web_dist)
    assert demo["offline"]["version"] == version, "the cache version is not the sha256 of build-info.json"
    assert first_visit["caches"]["names"] == [f"pyfaceapi-{version}"]
    files = json.loads((web_dist / "build-info.json").read_text())["files"]
    cached = set(first_visit["caches"]["entries"][f"pyfaceapi-{version}"])
    assert cached == {*files, "build-info.json"}
    for needed in ("demos/detection.html", "pyodide/pyodide.asm.wasm", "litert/core/wasm/litert_wasm_internal.wasm",
                   "models/ssd_mobilenetv1.tflite", "manifest.webmanifest", "sw.js", "demos/media/clip.webm"):
        assert needed in cached, needed
    assert any(name.startswith("wheels/pyfaceapi-") for name in cached)
    assert any(name.startswith("pyodide/numpy-") for name in cached)


@pytest.fixture(scope="module")
def offline(visitor: Visitor, first_visit: dict[str, Any]) -> Iterator[Visitor]:
    visitor.context.set_offline(True)
    yield visitor
    visitor.context.set_offline(False)


def test_offline_wasm_is_served_from_the_cache_as_wasm(offline: Visitor) -> None:
    page = offline.context.new_page()
    page.goto(f"{offline.base_url}/demos/index.html")  # the page itself comes from the cache
    found = page.evaluate("""async () => {
        const response = await fetch('../pyodide/pyodide.asm.wasm');
        const module = await WebAssembly.compileStreaming(fetch('../litert/core/wasm/litert_wasm_internal.wasm'));
        const manifest = await (await fetch('../manifest.webmanifest')).json();
        return { type: response.headers.get('content-type'), ok: response.ok,
                 streamed: module instanceof WebAssembly.Module, manifest: manifest.name, online: navigator.onLine };
    }""")
    page.close()
    assert found == {"type": "application/wasm", "ok": True, "streamed": True, "manifest": "pyfaceapi demos",
                     "online": False}


# -- every image page, offline: the feature against CPython pyfaceapi on the same pixels

def pixels(name: str) -> np.ndarray:
    return load_image(MEDIA / name)


def dicts(results: Any) -> list[dict[str, Any]]:
    return [r.to_dict() for r in results]


def check_detection(page: Page, results: dict[str, Any]) -> None:
    assert results["detector"] == "ssdMobilenetv1"
    server = dicts(faceapi.detect_all_faces(pixels("faces.jpg")).run())
    assert len(server) == 6
    assert_same_detections(results["detections"], server, "detection page: faces.jpg")
    # live options: another detector and input size, detected again without a reload
    page.select_option("#detector", "tinyFaceDetector")
    page.select_option("#inputSize", "320")
    page.wait_for_function("window.demo.results.detector === 'tinyFaceDetector'"
                           " && !document.body.classList.contains('busy')")
    page.wait_for_timeout(300)
    page.wait_for_function("!document.body.classList.contains('busy')")
    tiny = page.evaluate("window.demo.results")
    server = dicts(faceapi.detect_all_faces(pixels("faces.jpg"), faceapi.TinyFaceDetectorOptions(input_size=320)).run())
    assert_same_detections(tiny["detections"], server, "detection page: faces.jpg, tiny 320")
    # the overlay follows the image when the page is narrower
    page.set_viewport_size({"width": 520, "height": 900})
    page.wait_for_timeout(300)
    sizes = page.evaluate("""() => {
        const img = document.getElementById('image'), c = document.querySelector('canvas.overlay');
        const a = img.getBoundingClientRect(), b = c.getBoundingClientRect();
        return [img.clientWidth, c.width, a.left, b.left, a.top, b.top]; }""")
    assert sizes[0] < 500 and sizes[0] == sizes[1] and sizes[2] == sizes[3] and sizes[4] == sizes[5], sizes
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_timeout(200)


def check_landmarks(page: Page, results: list[dict[str, Any]]) -> None:
    server = dicts(faceapi.detect_all_faces(pixels("faces.jpg")).with_face_landmarks().run())
    assert len(server) == 6
    assert_same_results(results, server, "landmarks page: faces.jpg")


def check_expressions(page: Page, results: list[dict[str, Any]]) -> None:
    server = faceapi.detect_all_faces(pixels("happy.jpg")).with_face_landmarks().with_face_expressions().run()
    assert_same_results(results, dicts(server), "expressions page: happy.jpg")
    assert max(results[0]["expressions"], key=results[0]["expressions"].get) == "happy"
    assert page.locator("#table tr").count() == len(results) + 1


def check_age_gender(page: Page, results: list[dict[str, Any]]) -> None:
    server = dicts(faceapi.detect_all_faces(pixels("faces.jpg")).with_face_landmarks().with_age_and_gender().run())
    assert len(server) == 6
    assert_same_results(results, server, "age & gender page: faces.jpg")


def check_recognition(page: Page, results: dict[str, Any]) -> None:
    references = faceapi.detect_all_faces(pixels("faces.jpg")).with_face_landmarks().with_face_descriptors().run()
    matcher = faceapi.FaceMatcher([faceapi.LabeledFaceDescriptors(f"person {i + 1}", [r.descriptor])
                                   for i, r in enumerate(references)], 0.6)
    query = faceapi.detect_all_faces(pixels("happy.jpg")).with_face_landmarks().with_face_descriptors().run()
    expected = [matcher.find_best_match(r.descriptor) for r in query]
    assert [m["label"] for m in results["matches"]] == [m.label for m in expected]
    assert np.allclose([m["distance"] for m in results["matches"]], [m.distance for m in expected],
                       atol=NUMBER_TOLERANCE, rtol=0)
    # the threshold is live: above the distance the face becomes a match
    page.fill("#threshold", "0.95")
    page.dispatch_event("#threshold", "input")
    page.wait_for_function("window.demo.results.threshold === 0.95")
    relabelled = page.evaluate("window.demo.results.matches")
    strict = faceapi.FaceMatcher(matcher.labeled_descriptors, 0.95)
    assert [m["label"] for m in relabelled] == [strict.find_best_match(r.descriptor).label for r in query]


def check_similarity(page: Page, results: dict[str, Any]) -> None:
    a = faceapi.compute_face_descriptor(pixels("face1.png"))
    b = faceapi.compute_face_descriptor(pixels("face2.png"))
    assert abs(results["distance"] - faceapi.euclidean_distance(a, b)) <= NUMBER_TOLERANCE


def check_extraction(page: Page, results: dict[str, Any]) -> None:
    image = pixels("faces.jpg")
    detections = faceapi.detect_all_faces(image).run()
    assert_same_detections(results["detections"], dicts(detections), "extraction page: faces.jpg")
    crops = faceapi.extract_faces(image, detections)
    assert results["crops"] == [[c.shape[1], c.shape[0]] for c in crops]
    assert page.locator("#crops canvas").count() == 6


def server_crops() -> list[np.ndarray]:
    image = pixels("faces.jpg")
    return faceapi.extract_faces(image, faceapi.detect_all_faces(image).run())


def check_batch_landmarks(page: Page, results: list[dict[str, Any]]) -> None:
    server = faceapi.detect_face_landmarks(server_crops())
    assert len(results) == len(server) == 6
    for mine, theirs in zip(results, server, strict=True):
        diff = np.abs(np.array(points(mine["positions"])) - np.array(points(theirs.to_dict()["positions"]))).max()
        assert diff <= 1e-3, f"batch landmarks differ by {diff} px"
    assert page.locator("#crops canvas").count() == 6


def check_batch_recognition(page: Page, results: dict[str, Any]) -> None:
    descriptors = faceapi.compute_face_descriptor([*server_crops(), pixels("face1.png"), pixels("face2.png")])
    expected = [[faceapi.euclidean_distance(a, b) for b in descriptors] for a in descriptors]
    assert len(results["names"]) == 8
    assert np.allclose(results["distances"], expected, atol=NUMBER_TOLERANCE, rtol=0)


def check_video(page: Page, results: dict[str, Any]) -> None:
    page.wait_for_function("window.demo.runs >= 3")  # it keeps tracking frame after frame
    latest = page.evaluate("window.demo.results")
    assert latest["frame"] >= 3 and latest["results"], latest
    assert all(len(r["landmarks"]["positions"]) == 68 for r in latest["results"])
    # paused: the frame on screen is detected once more, so the overlay (and the screenshot) match it
    page.evaluate("document.getElementById('video').pause()")
    page.wait_for_function("window.demo.results.paused === true && !document.body.classList.contains('busy')")
    page.wait_for_timeout(300)
    paused = page.evaluate("[window.demo.results, document.getElementById('video').currentTime]")
    assert paused[0]["paused"] and paused[0]["time"] == paused[1] and paused[0]["results"], paused


CHECKS: dict[str, Callable[[Page, Any], None]] = {
    "detection.html": check_detection, "landmarks.html": check_landmarks, "expressions.html": check_expressions,
    "age-gender.html": check_age_gender, "recognition.html": check_recognition,
    "similarity.html": check_similarity, "extraction.html": check_extraction,
    "batch-landmarks.html": check_batch_landmarks, "batch-recognition.html": check_batch_recognition,
    "video.html": check_video,
}
OVERLAY_PAGES = {"detection.html", "landmarks.html", "expressions.html", "age-gender.html", "recognition.html",
                 "extraction.html", "video.html"}


def drawn_pixels(page: Page) -> list[int]:
    """Non-transparent pixels on each overlay canvas, and whether each is exactly over its media."""
    return page.evaluate("""() => [...document.querySelectorAll('canvas.overlay')].map((canvas) => {
        const media = canvas.parentElement.querySelector('img, video');
        const a = canvas.getBoundingClientRect(), b = media.getBoundingClientRect();
        const off = Math.max(Math.abs(a.left - b.left), Math.abs(a.top - b.top), Math.abs(a.width - b.width));
        if (off > 1) return -1;
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let n = 0;
        for (let i = 3; i < data.length; i += 4) n += data[i] > 0;
        return n;
    })""")


@pytest.mark.parametrize("name", IMAGE_PAGES)
def test_page_works_offline(offline: Visitor, page_nets: None, name: str) -> None:
    page, errors = offline.open(name)
    demo = page.evaluate("window.demo")
    assert demo["status"] == "done", f"{name}: {demo['error']}"
    assert page.evaluate("navigator.serviceWorker.controller !== null && !navigator.onLine")
    CHECKS[name](page, demo["results"])
    if name in OVERLAY_PAGES:
        drawn = drawn_pixels(page)
        assert drawn and all(n > 200 for n in drawn), f"{name}: overlay not drawn or misaligned: {drawn}"
    page.evaluate("document.querySelector('details.code').open = true")
    screenshot(page, name)
    assert page.locator("details.code code").inner_text().startswith("import")
    assert errors == [], f"{name}: console errors {errors}"
    page.close()


def test_nothing_left_loopback(visitor: Visitor, first_visit: dict[str, Any]) -> None:
    assert visitor.blocked == []


# -- a new build (e.g. updated models) is a new cache; the old one is deleted

def test_a_new_build_replaces_the_cache(browser: Browser, web_dist: Path, tmp_path: Path) -> None:
    copy = tmp_path / "dist"
    shutil.copytree(web_dist, copy, copy_function=os.link)  # hard links: quick, and the build is not touched
    serve = load_web_module("serve")
    server, url = serve.serve_in_thread(copy, host="127.0.0.1", port=0)
    visitor = new_visitor(browser, url)
    try:
        page, errors = visitor.open("index.html")
        old = build_version(copy)
        page.wait_for_function(f"window.demo.offline?.cache === 'pyfaceapi-{old}'")
        assert cache_state(page)["names"] == [f"pyfaceapi-{old}"]
        # "update a model": a new build-info.json (its entry for the model changes; here the file is rewritten)
        info = json.loads((copy / "build-info.json").read_text())
        info["rebuilt"] = "models updated"
        (copy / "build-info.json").unlink()  # a hard link: replace, do not write through
        (copy / "build-info.json").write_text(json.dumps(info, indent=1) + "\n")
        new = build_version(copy)
        assert new != old
        page.reload()
        page.wait_for_function(f"window.demo.offline?.cache === 'pyfaceapi-{new}'", timeout=PAGE_TIMEOUT_MS)
        page.wait_for_function(f"caches.keys().then((k) => k.join() === 'pyfaceapi-{new}')", polling=200)
        assert errors == []
    finally:
        visitor.context.close()
        server.shutdown()
        server.server_close()


# -- the webcam page, with Chromium's fake camera playing a clip of fixture images

@pytest.fixture(scope="module")
def camera_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        pytest.fail("ffmpeg not found: apt-get install -y ffmpeg")
    clip = tmp_path_factory.mktemp("camera") / "clip.y4m"
    scale = "scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2,setsar=1,format=yuv420p"
    subprocess.run([ffmpeg, "-hide_banner", "-loglevel", "error", "-y", "-loop", "1", "-framerate", "10", "-t", "1",
                    "-i", str(FIXTURES / "images" / "faces.jpg"), "-vf", scale, "-pix_fmt", "yuv420p", str(clip)],
                   check=True, timeout=60)
    return clip


def test_webcam_page_with_a_fake_camera(browser: Browser, base_url: str, camera_clip: Path) -> None:
    flags = [*CHROMIUM_FLAGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
             f"--use-file-for-fake-video-capture={camera_clip}"]
    # a second browser of the same Playwright (the fake camera is a launch flag)
    camera_browser = browser.browser_type.launch(executable_path=str(CHROMIUM), args=flags, headless=True)
    try:
        visitor = new_visitor(camera_browser, base_url)
        visitor.context.grant_permissions(["camera"])
        page, errors = visitor.open("webcam.html")
        demo = page.evaluate("window.demo")
        assert demo["status"] == "done", demo["error"]
        page.wait_for_function("window.demo.runs >= 3")
        latest = page.evaluate("window.demo.results")
        # faces.jpg's six faces, at the camera's 640x480 (the tiny detector at 320 finds most of them)
        assert len(latest["results"]) >= 4, latest
        assert all("expressions" in r and len(r["landmarks"]["positions"]) == 68 for r in latest["results"])
        assert all(n > 200 for n in drawn_pixels(page))
        screenshot(page, "webcam.html")
        assert errors == [], errors
        assert visitor.blocked == []
    finally:
        camera_browser.close()
    REPORT["timings"]["demo pages: screenshots in"] = str(ARTIFACTS.relative_to(ROOT))
