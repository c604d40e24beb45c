"""A cold start in a fresh browser context, offline: every non-loopback request is blocked and recorded.

Prints (does not assert) how long each phase takes: Pyodide, numpy, the pyfaceapi wheel, LiteRT.js, loading
each model, the first detection.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser

from .conftest import REPORT, open_session


def test_cold_start_makes_no_external_request(browser: Browser, base_url: str, video_dir: Path) -> None:
    session = open_session(browser, base_url, video_dir)
    try:
        phases = session.js("""async () => {
            const events = [];
            await faceapi.init();  // the demo page started it on load; this waits for it
            const ms = (start) => Math.round(performance.now() - start);
            const models = {};
            for (const name of ['ssdMobilenetv1', 'tinyFaceDetector', 'tinyYolov2']) {
                const start = performance.now();
                await faceapi.nets[name].loadFromUri('/models');
                models[name] = ms(start);
            }
            const img = await __t.image('faces.jpg');
            const first = {};
            for (const [name, options] of [['ssdMobilenetv1', new faceapi.SsdMobilenetv1Options()],
                                           ['tinyFaceDetector', new faceapi.TinyFaceDetectorOptions()]]) {
                const start = performance.now();
                first[name] = [(await faceapi.detectAllFaces(img, options)).length, ms(start)];
                const again = performance.now();
                await faceapi.detectAllFaces(img, options);
                first[name].push(ms(again));
            }
            const timings = Object.fromEntries(Object.entries(faceapi.timings).map(([k, v]) => [k, Math.round(v)]));
            return { timings, models, first };
        }""")
        assert session.page.evaluate("document.getElementById('status').textContent").startswith("ready")
    finally:
        session.context.close()
    for name, value in phases["timings"].items():
        REPORT["timings"][f"cold start: {name} (ms)"] = value
    for name, value in phases["models"].items():
        REPORT["timings"][f"load model {name} (ms)"] = value
    for name, (faces, first, second) in phases["first"].items():
        REPORT["timings"][f"first detection {name} (ms; then)"] = f"{first}; {second} ({faces} faces)"
        assert faces == 6
    print(REPORT["timings"])
    assert session.blocked == [], f"requests outside loopback were attempted: {session.blocked}"
