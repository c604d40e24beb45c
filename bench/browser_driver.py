"""Browser side of the benchmark: a loopback server, headless Chromium (Playwright), the page harness.

Each engine gets its own Chromium process (fresh temporary profile, empty cache) and one page of
``bench/browser/harness.html``. The page loads the engine, the chain's nets and faces.jpg, and runs the full
chain once (the cold start: page open -> first result); the engines' cold starts run one after the other.
Both pages then stay open and the driver runs each stage of a round on one engine, then at once on the other
(A B, B A, ...; one ``page.evaluate`` per stage), sampling the JS heap (CDP ``Runtime.getHeapUsage``) after each
round: on a shared machine load comes and goes in bursts of a second or so, and running the engines'
measurements next to each other spreads it over both, so their ratio holds even when absolute times drift.
The renderer's peak RSS is read from /proc (``VmHWM``). A second page in the same context then measures the
cold start with the HTTP cache warm. Requests outside loopback are
recorded (and fail: the harness needs none).

Served, all from loopback: ``/pyfaceapi/`` = web/dist (``python web/build.py``), ``/vladmandic/`` and
``/vladmandic-models/`` = @vladmandic/face-api's dist and model folders, ``/tfjs-wasm/`` =
@tensorflow/tfjs-backend-wasm's dist (its .wasm files), ``/bench/`` = bench/browser, ``/data/`` = the inputs.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import importlib.util
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar
from urllib.parse import urlsplit

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
DIST = REPO / "web" / "dist"
NODE_MODULES = BENCH / "node" / "node_modules"
CHROMIUM = Path(os.environ.get("PYFACEAPI_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
TIMEOUT_MS = 600_000
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
ENGINES = ("pyfaceapi", "vladmandic")
TIMED = ["ssd", "tiny416", "tiny160", "mtcnn", "chain", "webcam", "webcam_detector"]
STEPS = ["step_landmarks", "step_landmarks_tiny", "step_expressions", "step_age_gender", "step_descriptor"]
ORDER = ["ssd", *STEPS, "tiny416", "tiny160", "mtcnn", "chain", "webcam", "webcam_detector"]
"""One round's order: the chain steps right after SSD, so each per-round delta compares neighbours."""
DELTAS = {  # per-face stage: (chain step, the step it extends)
    "landmarks": ("step_landmarks", "ssd"),
    "landmarks_tiny": ("step_landmarks_tiny", "ssd"),
    "expressions": ("step_expressions", "step_landmarks"),
    "age_gender": ("step_age_gender", "step_landmarks"),
    "descriptor": ("step_descriptor", "step_landmarks"),
}


def _load_web_serve() -> ModuleType:
    """``web/serve.py`` (web/ is not a package): its handler serves the build with the right MIME types."""
    spec = importlib.util.spec_from_file_location("pyfaceapi_web_serve", REPO / "web" / "serve.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_web_serve = _load_web_serve()


class Handler(_web_serve.Handler):  # type: ignore[misc,name-defined]
    """web/serve.py's handler (MIME types, isolation headers, no listings, quiet) over a few roots by URL
    prefix, cacheable, so the second page can use the HTTP cache."""

    roots: ClassVar[dict[str, Path]] = {}
    cache_control: ClassVar[str] = "max-age=3600"
    extensions_map: ClassVar[dict[str, str]] = {
        **_web_serve.Handler.extensions_map, ".bin": "application/octet-stream",
        ".rgb": "application/octet-stream"}

    def translate_path(self, path: str) -> str:
        url_path = urlsplit(path).path
        for prefix, root in self.roots.items():
            if url_path.startswith(prefix):
                relative = url_path.removeprefix(prefix)
                target = (root / relative).resolve()
                if target.is_relative_to(root.resolve()):
                    return str(target)
        return str(BENCH / "does-not-exist")


@contextmanager
def serve(data_dir: Path, isolate: bool) -> Iterator[str]:
    vladmandic = NODE_MODULES / "@vladmandic" / "face-api"
    roots = {
        "/pyfaceapi/": DIST,
        "/vladmandic-models/": vladmandic / "model",
        "/vladmandic/": vladmandic / "dist",
        "/tfjs-wasm/": NODE_MODULES / "@tensorflow" / "tfjs-backend-wasm" / "dist",
        "/bench/": BENCH / "browser",
        "/data/": data_dir,
    }
    handler = type("BenchHandler", (Handler,), {"roots": roots, "isolate": isolate})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def renderer_peaks() -> dict[int, float]:
    """Peak RSS (MB, VmHWM) of every Chromium renderer process started under this process."""
    me = os.getpid()
    parents: dict[int, int] = {}
    renderers: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            if b"--type=renderer" in (entry / "cmdline").read_bytes():
                renderers.append(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue
    peaks = {}
    for pid in renderers:
        ancestor, hops = parents.get(pid), 0
        while ancestor not in (None, 0, 1, me) and hops < 20:
            ancestor, hops = parents.get(ancestor), hops + 1
        if ancestor != me:
            continue
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks[pid] = int(line.split()[1]) / 1024
        except OSError:
            continue
    return peaks


class EngineSession:
    """One engine's Chromium and harness page. The driver opens every engine's page first (one cold start at a
    time), then runs each stage on the engines in turn — A B, B A, ... — so a burst of load from elsewhere
    (other tenants of a shared VM) falls on both engines alike and their ratio holds; then closes each."""

    def __init__(self, playwright: Any, base_url: str, engine: str, log: Callable[[str], None]) -> None:
        self.engine = engine
        self.log = log
        self.url = f"{base_url}/bench/harness.html?engine={engine}"
        self.outside: list[str] = []
        self.console_errors: list[str] = []
        self.failed: str | None = None
        self.samples: dict[str, list[float]] = {}
        self.faces: dict[str, Any] = {}
        self.heap_peak = 0.0
        self.renderers: set[int] = set()
        known = set(renderer_peaks())
        self.browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True)
        self.context = self.browser.new_context()
        self.context.set_default_timeout(TIMEOUT_MS)
        self.page = self._open_page()
        self.cold = self.page.evaluate("() => window.bench.coldStart")
        self.renderers = set(renderer_peaks()) - known  # this engine's renderer (the other browsers' are known)
        if "error" in self.cold:
            self.failed = self.cold["error"]
            return
        self.info = self.page.evaluate("() => window.bench.info")
        self.cdp = self.context.new_cdp_session(self.page)
        self._sample_heap()

    def _open_page(self) -> Any:
        page = self.context.new_page()
        page.on("request", lambda r: self.outside.append(r.url)
                if (urlsplit(r.url).hostname or "") not in LOOPBACK and urlsplit(r.url).scheme in ("http", "https")
                else None)
        page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        page.goto(self.url)
        return page

    def stage_names(self, quick: bool) -> list[str]:
        available = self.page.evaluate("() => Object.keys(window.bench.stages)")
        return [n for n in ORDER if n in available and not (quick and n in STEPS)]

    def _sample_heap(self) -> None:
        usage = self.cdp.send("Runtime.getHeapUsage")
        self.heap_peak = max(self.heap_peak, usage["usedSize"] / 2**20)

    def run_stage(self, name: str, timed: bool) -> None:
        out = self.page.evaluate("(names) => window.bench.round(names)", [name])
        if timed:
            for stage, value in out.items():
                self.samples.setdefault(stage, []).append(value["ms"])
                self.faces[stage] = value["faces"]

    def end_round(self) -> None:
        self._sample_heap()

    def finish(self) -> dict[str, Any]:
        """Peak memory, then the cold start again with a warm HTTP cache (a second page in the same context);
        closes the browser and returns the engine's raw results."""
        try:
            peaks = renderer_peaks()
            renderer_rss = max((peaks[pid] for pid in self.renderers if pid in peaks), default=None)
            self.page.close()
            cached: list[str] = []
            page2 = self.context.new_page()
            cdp2 = self.context.new_cdp_session(page2)
            cdp2.send("Network.enable")
            cdp2.on("Network.requestServedFromCache", lambda event: cached.append(event["requestId"]))
            cdp2.on("Network.responseReceived", lambda event: cached.append(event["requestId"])
                    if event["response"].get("fromDiskCache") else None)
            page2.on("pageerror", lambda e: self.console_errors.append(str(e)))
            page2.goto(self.url)
            cold_cached = page2.evaluate("() => window.bench.coldStart")
            page2.close()
            self.context.close()
        finally:
            self.close()
        return self._results(renderer_rss, cold_cached, len(set(cached)))

    def close(self) -> None:
        with contextlib.suppress(Exception):  # already gone
            self.browser.close()

    def _results(self, renderer_rss: float | None, cold_cached: dict[str, Any], cached: int) -> dict[str, Any]:
        samples, faces = self.samples, self.faces
        stages: dict[str, Any] = {}
        for name, values in samples.items():
            entry: dict[str, Any] = {"samples_ms": values}
            count = faces.get(name)
            if isinstance(count, list):
                entry["faces_per_frame"], entry["faces"] = count, sum(count)
            else:
                entry["faces"] = count
            stages[name] = entry
        # per-face stages: the difference of two chain steps within each round (paired), over the rounds
        derived = {}
        for stage, (step, base) in DELTAS.items():
            if samples.get(step) and samples.get(base):
                deltas = [a - b for a, b in zip(samples[step], samples[base], strict=True)]
                derived[stage] = {"samples_ms": deltas, "how": f"{step} - {base}, per round"}
        errors: dict[str, Any] = {}
        if "webcam" not in samples:
            errors["webcam"] = "this build's facade has no landmarks yet: only the detector part of the loop is timed"
        if "chain" not in samples:
            errors["chain"] = "this build's facade has no withFaceLandmarks() etc. yet: chain and per-face stages n/a"
        if self.outside:
            errors["network"] = f"requests outside loopback: {sorted(set(self.outside))[:5]}"
        if self.console_errors:
            errors["page"] = self.console_errors[:3]
        cold = self.cold
        cold_start = {k: v for k, v in cold.items() if isinstance(v, (int, float)) and k != "faces"}
        cold_start["with_cache_total_ms"] = cold_cached.get("total_ms")
        cold_start["cached_responses"] = cached
        cold_start["first_result"] = cold.get("first_result")
        memory = {"js_heap_peak_mb": self.heap_peak}
        if renderer_rss is not None:
            memory["renderer_peak_rss_mb"] = renderer_rss
        return {"engine": self.engine, "info": self.info, "cold_start": cold_start, "stages": stages,
                "derived": derived, "memory": memory, "errors": errors}


def run_interleaved(playwright: Any, base_url: str, args: argparse.Namespace,
                    log: Callable[[str], None]) -> dict[str, Any]:
    """Every engine's page opened (cold start) one after the other, then warm-up and timed rounds in which each
    stage runs on one engine, then at once on the other (who goes first alternates), then each engine's cache
    run and results."""
    sessions: dict[str, EngineSession] = {}
    results: dict[str, Any] = {}
    try:
        for engine in ENGINES:
            log(f"browser {engine}: starting Chromium (cold start)")
            try:
                session = EngineSession(playwright, base_url, engine, log)
            except Exception as exc:  # a failed engine is reported, the other one still runs
                results[engine] = {"engine": engine, "failed": f"{type(exc).__name__}: {exc}"[:3000], "stages": {}}
                log(f"browser {engine} FAILED: {exc}")
                continue
            if session.failed:
                results[engine] = {"engine": engine, "failed": session.failed, "stages": {}}
                session.close()
                continue
            sessions[engine] = session
        names = {engine: session.stage_names(args.quick) for engine, session in sessions.items()}
        order = list(sessions)
        stages = [name for name in ORDER if any(name in names[engine] for engine in sessions)]
        for index in range(args.warmup + args.repeats):
            timed = index >= args.warmup
            for position, name in enumerate(stages):
                # each stage on each engine in turn, who goes first alternating: neighbours in time are compared
                for engine in (order if (index + position) % 2 == 0 else order[::-1]):
                    if name not in names[engine] or engine not in sessions:
                        continue
                    try:
                        sessions[engine].run_stage(name, timed)
                    except Exception as exc:
                        results[engine] = {"engine": engine, "failed": f"{type(exc).__name__}: {exc}"[:3000],
                                           "stages": {}}
                        log(f"browser {engine} FAILED: {exc}")
                        sessions.pop(engine).close()
                        order.remove(engine)
            for session in sessions.values():
                session.end_round()
            log(f"browser: {'round ' + str(index - args.warmup + 1) + '/' + str(args.repeats) if timed else 'warm-up'}")
        for engine in list(sessions):
            results[engine] = sessions.pop(engine).finish()
    finally:
        for session in sessions.values():
            session.close()
    return results


def run_browser(args: argparse.Namespace, inputs: dict[str, Any], raw: Path,
                log: Callable[[str], None]) -> dict[str, Any]:
    """Both engines in headless Chromium; returns the raw results (or ``{"skipped": why}``)."""
    if not (DIST / "faceapi.mjs").is_file():
        log("web/dist/faceapi.mjs is missing: building it (python web/build.py)")
        build = subprocess.run([sys.executable, str(REPO / "web" / "build.py")], cwd=REPO, check=False)
        if build.returncode != 0 or not (DIST / "faceapi.mjs").is_file():
            return {"skipped": "web/dist/faceapi.mjs is missing and web/build.py failed (try: make web)"}
    if not CHROMIUM.is_file():
        return {"skipped": f"Chromium not found at {CHROMIUM}: apt-get install -y chromium"}
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"skipped": "Python playwright is not installed (pip install playwright)"}
    data_dir = Path(inputs["image"]["path"]).parent
    (data_dir / "inputs.json").write_text(json.dumps(
        {"image": {k: inputs["image"][k] for k in ("width", "height")},
         "frames": {k: inputs["frames"][k] for k in ("width", "height", "count")}}))
    with serve(data_dir, args.browser_isolate) as base_url, sync_playwright() as playwright:
        engines = run_interleaved(playwright, base_url, args, log)
    for engine, result in engines.items():
        (raw / f"browser-{engine}.json").write_text(json.dumps(result, indent=1) + "\n")
    isolation = "crossOriginIsolated (COOP/COEP)" if args.browser_isolate else "not crossOriginIsolated"
    note = (f"Page served from loopback, {isolation}: LiteRT.js and tfjs-wasm run "
            f"{'multi' if args.browser_isolate else 'single'}-threaded. Both engines' pages stay open (one "
            "Chromium each) and each stage runs on both in turn (A B, B A, ...), so load bursts hit both. "
            "Inputs are <canvas> elements holding the same RGB as on the server; each call reads the canvas. "
            "JS heap: the largest CDP Runtime.getHeapUsage usedSize sampled after each round; renderer peak RSS: "
            "VmHWM of the page's renderer process (includes wasm memory).")
    build_info = DIST / "build-info.json"
    return {"engines": engines, "note": note, "chromium_flags": CHROMIUM_FLAGS, "isolated": args.browser_isolate,
            "web_build": json.loads(build_info.read_text()) if build_info.is_file() else None}
