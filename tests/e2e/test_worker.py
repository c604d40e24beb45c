"""Worker mode (``faceapi.init({ worker: true })``): the runtime runs in a Web Worker.

Its results equal the main-thread mode's (the same engine: within 1e-6, in practice bit-exact) and the
server's; the page's thread keeps running while a detection runs (and stalls without the worker); errors
come back as the same typed errors; draw.*, resizeResults and FaceMatcher work there, as Promises.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Browser

from .conftest import ANALYSIS_NETS, REPORT, Session, compare_chains, max_difference, open_session

IMAGES = ["faces.jpg", "happy.jpg", "surprised.jpg"]
SAME_ENGINE = 1e-6  # worker vs main thread: the same Pyodide + LiteRT.js build on the same pixels

PAGE = '<!doctype html><meta charset="utf-8"><body><script src="faceapi.js"></script></body>'
ERROR_NAMES = {"InputError", "OptionsError", "ModelError", "NotLoadedError", "ImageDecodeError"}


@pytest.fixture(scope="module")
def worker(browser: Browser, base_url: str, video_dir: Path) -> Iterator[Session]:
    """A second page, its runtime in a worker, with every net but MTCNN loaded."""
    session = open_session(browser, base_url, video_dir)
    # a bare page with the classic script (index.html starts the main-thread runtime itself)
    session.context.route(f"{base_url}/worker-test.html", lambda route: route.fulfill(
        status=200, content_type="text/html", body=PAGE))
    session.page.goto(f"{base_url}/worker-test.html")
    session.js("async () => { await faceapi.init({ worker: true }); }")
    nets = ["ssdMobilenetv1", "tinyFaceDetector", "tinyYolov2", *(n for n in ANALYSIS_NETS if n != "mtcnn")]
    session.js("async (names) => { for (const name of names) await faceapi.nets[name].loadFromUri('/models'); }", nets)
    yield session
    assert session.blocked == [], session.blocked
    session.context.close()


def test_the_runtime_runs_in_a_worker(worker: Session) -> None:
    state = worker.js("""async () => {
        const runtime = await faceapi.init();
        return { worker: runtime.worker?.thread instanceof Worker, python: 'python' in runtime,
                 timings: Object.keys(faceapi.timings) };
    }""")
    assert state["worker"] and not state["python"], state
    assert {"pyodide", "litert", "import", "total"} <= set(state["timings"]), state


def test_chains_equal_the_main_thread_and_the_server(worker: Session, session: Session, all_nets: None) -> None:
    worst = compare_chains(worker, session, IMAGES, "worker")
    REPORT["timings"]["worker vs main thread: largest difference"] = worst
    assert worst <= SAME_ENGINE, worst


def test_every_input_kind_and_the_low_level_nets(worker: Session, session: Session, all_nets: None) -> None:
    script = """async () => {
        const img = await __t.image('faces.jpg', { id: 'worker-input' });
        const canvas = __t.canvasOf(img);
        const imageData = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        const bitmap = await createImageBitmap(img);
        const tiny = new faceapi.TinyFaceDetectorOptions({ inputSize: 416 });
        const out = {};
        for (const [name, input] of Object.entries({ img, canvas, imageData, bitmap, id: 'worker-input' })) {
            out[name] = __t.plain(await faceapi.detectAllFaces(input, tiny));
        }
        const video = await __t.video('faces.webm', 0.5);
        out.video = __t.plain(await faceapi.detectAllFaces(video, tiny)).length;
        const [face] = await faceapi.extractFaces(img, out.img.slice(0, 1).map((d) => new faceapi.FaceDetection(d)));
        out.descriptor = Array.from(await faceapi.computeFaceDescriptor(face));
        out.landmarks = (await faceapi.detectFaceLandmarks([face, face])).map((l) => l.toJSON());
        out.expressions = await faceapi.recognizeFaceExpressions(face);
        out.ageGender = await faceapi.predictAgeAndGender(face);
        out.located = __t.plain(await faceapi.tinyYolov2(canvas));
        return __t.json(out);
    }"""
    in_worker, on_page = worker.js(script), session.js(script)
    assert len(in_worker["img"]) >= 4 and in_worker.pop("video") >= 4
    on_page.pop("video")  # (a paused video's frame: not always painted yet on the main thread's first read)
    assert in_worker["canvas"] == in_worker["imageData"] == in_worker["bitmap"] == in_worker["id"] == in_worker["img"]
    assert max_difference(in_worker, on_page, "inputs") <= SAME_ENGINE


def responsiveness(session: Session) -> dict[str, float]:
    """The longest gap between setTimeout ticks of the page while an SSD chain with every stage runs."""
    return session.js("""async () => {
        const img = await __t.image('faces.jpg');
        const chain = () => faceapi.detectAllFaces(img).withFaceLandmarks().withFaceExpressions()
            .withAgeAndGender().withFaceDescriptors();
        await chain(); // warm
        let ticks = 0, last = performance.now(), maxGap = 0, running = true;
        let stalled = 0; // ms of gaps beyond 20 ms
        const tick = () => {
            const now = performance.now();
            maxGap = Math.max(maxGap, now - last);
            stalled += Math.max(0, now - last - 20);
            last = now;
            ticks += 1;
            if (running) setTimeout(tick, 1);
        };
        await new Promise((resolve) => setTimeout(resolve, 50));
        last = performance.now();
        setTimeout(tick, 1);
        const started = performance.now();
        for (let i = 0; i < 3; i += 1) await chain();
        const ms = performance.now() - started;
        tick(); // (the gap up to now counts too)
        running = false;
        return { ms, ticks, maxGap, stalled };
    }""")


def test_the_page_stays_responsive(worker: Session, session: Session, all_nets: None) -> None:
    off_thread, on_thread = responsiveness(worker), responsiveness(session)
    REPORT["timings"]["worker: longest page stall during 3 SSD chains (ms)"] = round(off_thread["maxGap"], 1)
    REPORT["timings"]["main thread: longest page stall during 3 SSD chains (ms)"] = round(on_thread["maxGap"], 1)
    # in a worker: ticks all along (setTimeout's 4 ms clamp), no stall longer than a few frames
    assert off_thread["maxGap"] < 150 and off_thread["ticks"] > off_thread["ms"] / 20, off_thread
    # on the page's thread: Python and LiteRT.js hold it for most of the chains
    assert on_thread["maxGap"] > 500 and on_thread["stalled"] > on_thread["ms"] / 2, on_thread


ERROR_SCRIPTS = {
    "unknown id": "() => faceapi.detectAllFaces('no-such-element')",
    "unsupported input": "() => faceapi.detectAllFaces({ width: 3 })",
    "img still loading": "() => { const img = new Image();"
    " img.src = `${__t.FIXTURES}images/faces.jpg?${Math.random()}`; return faceapi.detectAllFaces(img); }",
    "img without src": "() => faceapi.detectAllFaces(new Image())",
    "video without frame": "() => faceapi.detectAllFaces(document.createElement('video'))",
    "empty canvas": "() => { const c = document.createElement('canvas'); c.width = 0;"
    " return faceapi.detectAllFaces(c); }",
    "bad options": "async () => faceapi.detectAllFaces(await __t.image('faces.jpg'), { _name: 'NoSuchOptions' })",
    "missing model": "() => faceapi.nets.faceLandmark68Net.loadFromUri('/no-such-models')",
}


@pytest.mark.parametrize("case", ERROR_SCRIPTS)
def test_errors_are_the_same_typed_errors(worker: Session, session: Session, case: str) -> None:
    script = f"async () => __t.rejection(({ERROR_SCRIPTS[case]})())"
    in_worker, on_page = worker.js(script), session.js(script)
    for error in (in_worker, on_page):  # (a random query string)
        if error:
            error["message"] = re.sub(r"\?[0-9.]+'", "'", error["message"])
    assert in_worker is not None and in_worker["name"] in ERROR_NAMES, in_worker
    assert in_worker == on_page


def test_a_net_not_loaded_in_the_worker(worker: Session) -> None:
    error = worker.js("async () => __t.rejection(faceapi.mtcnn(await __t.image('faces.jpg')))")
    assert error is not None and error["name"] == "NotLoadedError", error


def test_draw_resize_and_matcher_are_promises(worker: Session, session: Session, all_nets: None) -> None:
    script = """async () => {
        const img = await __t.image('faces.jpg');
        const results = await faceapi.detectAllFaces(img).withFaceLandmarks().withFaceExpressions()
            .withFaceDescriptors();
        const canvas = document.createElement('canvas');
        const dims = faceapi.matchDimensions(canvas, { width: 480, height: 320 });
        const resizing = faceapi.resizeResults(results, dims);
        const resized = await resizing;
        const drawing = faceapi.draw.drawDetections(canvas, resized);
        await drawing;
        await faceapi.draw.drawFaceLandmarks(canvas, resized);
        await faceapi.draw.drawFaceExpressions(canvas, resized, 0.3);
        await new faceapi.draw.DrawTextField(['a text'], resized[0].detection.box.topRight).draw(canvas);
        const matcher = new faceapi.FaceMatcher(results.slice(1));
        const match = await matcher.findBestMatch(results[0].descriptor);
        const same = await matcher.findBestMatch(results[1].descriptor);
        const restored = faceapi.FaceMatcher.fromJSON(await matcher.toJSON());
        const labels = (await restored.labeledDescriptors).map((l) => l.label);
        return {
            promises: [resizing, drawing].map((value) => value instanceof Promise),
            dims, resized: __t.json(resized),
            pixels: Array.from(canvas.getContext('2d').getImageData(0, 0, 480, 320).data),
            match: match.toString(), same: same.toString(), threshold: restored.distanceThreshold, labels,
            distance: await faceapi.euclideanDistance(results[0].descriptor, results[1].descriptor),
        };
    }"""
    in_worker, on_page = worker.js(script), session.js(script)
    assert in_worker["promises"] == [True, True] and on_page["promises"] == [False, False]
    pixels = np.asarray(in_worker.pop("pixels"))
    assert np.count_nonzero(pixels) > 1000
    assert np.array_equal(pixels, np.asarray(on_page.pop("pixels")))
    in_worker.pop("promises"), on_page.pop("promises")
    assert max_difference(in_worker, on_page, "draw/resize/matcher") <= SAME_ENGINE
    assert in_worker["same"].endswith("(0)") and in_worker["threshold"] == 0.6
