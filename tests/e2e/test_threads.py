"""Cross-origin isolated pages (COOP/COEP, ``pyfaceapi serve --isolate``): threaded LiteRT.js.

The facade loads LiteRT.js's threaded wasm build only when the page is ``crossOriginIsolated``; XNNPACK then
runs each model on every core (in the benchmark: the full chain ~1.5x faster than single-threaded). Threads
change the order of float32 sums, not the results: the same faces as the server, within the bars of the
single-threaded page, and within 1e-4 of the single-threaded page itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from .conftest import ANALYSIS_NETS, REPORT, Session, compare_chains, load_web_module, open_session

IMAGES = ["faces.jpg", "happy.jpg"]
THREADS_VS_ONE = 1e-4  # the same kernels, another summation order across threads


@pytest.fixture(scope="module")
def isolated(browser: Browser, web_dist: Path, video_dir: Path) -> Iterator[Session]:
    """web/dist served with COOP/COEP; the demo index page with the facade booted and every net but MTCNN."""
    serve = load_web_module("serve")
    server, url = serve.serve_in_thread(web_dist, host="127.0.0.1", port=0, isolate=True)
    session = open_session(browser, url, video_dir)
    try:
        session.js("async () => { await faceapi.init(); }")
        nets = ["ssdMobilenetv1", "tinyFaceDetector", *(n for n in ANALYSIS_NETS if n != "mtcnn")]
        session.js("async (names) => { for (const name of names) await faceapi.nets[name].loadFromUri('/models'); }",
                   nets)
        yield session
        assert session.blocked == [], session.blocked
    finally:
        session.context.close()
        server.shutdown()
        server.server_close()


def test_an_isolated_page_runs_litert_js_threaded(isolated: Session) -> None:
    state = isolated.js("""async () => {
        const { pyodide } = await faceapi.init();
        const threads = pyodide.runPython(
            'from pyfaceapi.runtime.litertjs import LiteRTJsRuntime\\n'
            + 'int(LiteRTJsRuntime().litert.getGlobalLiteRt().liteRtWasm.getThreadCount())');
        return { isolated: crossOriginIsolated, threads, cores: navigator.hardwareConcurrency };
    }""")
    assert state["isolated"] is True, state
    assert state["threads"] >= min(2, state["cores"]), state


def test_threaded_chains_equal_the_server_and_the_single_threaded_page(
        isolated: Session, session: Session, all_nets: None) -> None:
    worst = compare_chains(isolated, session, IMAGES, "threaded")
    REPORT["timings"]["threaded vs single-threaded LiteRT.js: largest difference"] = worst
    assert worst <= THREADS_VS_ONE, worst
