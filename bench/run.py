"""pyfaceapi vs face-api.js: one command for the server and browser benchmarks (see bench/README.md).

    .venv/bin/python bench/run.py                    # everything (~10 min on 2 cores)
    .venv/bin/python bench/run.py --quick            # a smoke run (~2 min): fewer repeats, frames and stages
    .venv/bin/python bench/run.py --only server --repeats 9 --slow-repeats 2

Engines. Server: pyfaceapi (CPython + ai-edge-litert; LiteRT num_threads 1 and 2, the best reported),
@vladmandic/face-api 1.7.15 (tfjs 4.22 WASM backend) and face-api.js 0.22.2 (tfjs-core 1.7 CPU backend) in Node.
Browser: pyfaceapi (Pyodide + LiteRT.js, web/dist) and @vladmandic/face-api (tfjs WASM) in the same headless
Chromium page harness. Every engine gets the same RGB pixels: faces.jpg decoded once by pyfaceapi.imageio, and
the webcam frames decoded by ffmpeg from a clip ffmpeg makes of fixture images.

Writes bench/results/results.{md,json} (quick.{md,json} with --quick) and the raw worker outputs in
bench/results/raw/ (git-ignored).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from report import BROWSER_GOALS, SERVER_GOALS, STAGES, fmt_cell, fmt_ms, fmt_ratio, goal_line, ratio, summarize, table

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
NODE_DIR = BENCH / "node"
RESULTS = BENCH / "results"
RAW = RESULTS / "raw"
FIXTURE_IMAGES = REPO / "tests" / "fixtures" / "images"
IMAGE = FIXTURE_IMAGES / "faces.jpg"
CLIP_IMAGES = ("happy.jpg", "surprised.jpg", "disgusted.jpg", "neutral.jpg", "sad.jpg", "angry.jpg")
"""The webcam clip: each of these for 0.5 s at 10 fps, fitted into 640x480 (one face per frame)."""
CLIP_SIZE = (640, 480)
DEFAULT_MTCNN_WEIGHTS = REPO.parent / "shared" / "weights" / "faceapi-js"
ALL_STAGES = list(STAGES)
QUICK_SLOW_STAGES = ["tiny416", "tiny160", "webcam"]
"""face-api.js 0.22.2 (tfjs CPU, seconds per call) runs only these in --quick."""
SERVER_ENGINES = ("pyfaceapi", "vladmandic", "faceapijs")


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- setup
def ensure_node_modules() -> None:
    """``npm ci`` into bench/node/node_modules (git-ignored) when missing or older than the lock file."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise SystemExit("node and npm are needed for the face-api.js engines (Node 20)")
    stamp = NODE_DIR / "node_modules" / ".package-lock.json"
    lock = NODE_DIR / "package-lock.json"
    if stamp.is_file() and stamp.stat().st_mtime >= lock.stat().st_mtime:
        return
    log("installing face-api.js, @vladmandic/face-api and tfjs: npm ci --prefix bench/node")
    subprocess.run(["npm", "ci", "--prefix", str(NODE_DIR), "--no-audit", "--no-fund", "--loglevel=error"],
                   check=True)


def prepare_inputs(folder: Path, frame_count: int) -> dict[str, Any]:
    """faces.jpg as raw RGB, and ``frame_count`` webcam frames (raw RGB) decoded from an ffmpeg clip."""
    from pyfaceapi.imageio import load_image

    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise SystemExit("ffmpeg is needed to make the webcam clip: apt-get install -y ffmpeg")
    folder.mkdir(parents=True, exist_ok=True)
    image = np.ascontiguousarray(load_image(IMAGE))
    (folder / "faces.rgb").write_bytes(image.tobytes())

    width, height = CLIP_SIZE
    clip, frames_file = folder / "clip.mp4", folder / "frames.rgb"
    fit = (f"scale={width}:{height}:force_original_aspect_ratio=decrease,"
           f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2,setsar=1,format=yuv420p")
    command = [ffmpeg, "-hide_banner", "-loglevel", "error", "-y"]
    for name in CLIP_IMAGES:
        command += ["-loop", "1", "-framerate", "10", "-t", "0.5", "-i", str(FIXTURE_IMAGES / name)]
    graph = ";".join(f"[{i}:v]{fit}[v{i}]" for i in range(len(CLIP_IMAGES)))
    graph += ";" + "".join(f"[v{i}]" for i in range(len(CLIP_IMAGES))) + f"concat=n={len(CLIP_IMAGES)}:v=1[v]"
    command += ["-filter_complex", graph, "-map", "[v]", "-r", "10", "-c:v", "libx264", "-preset", "veryfast",
                "-crf", "23", "-threads", "1", str(clip)]
    subprocess.run(command, check=True, timeout=120)
    subprocess.run([ffmpeg, "-hide_banner", "-loglevel", "error", "-y", "-i", str(clip), "-frames:v",
                    str(frame_count), "-f", "rawvideo", "-pix_fmt", "rgb24", str(frames_file)],
                   check=True, timeout=120)
    frames = np.fromfile(frames_file, dtype=np.uint8)
    available = frames.size // (width * height * 3)
    if available < frame_count:
        raise SystemExit(f"the clip has {available} frames, {frame_count} asked for")
    return {
        "image": {"path": str(folder / "faces.rgb"), "source": str(IMAGE.relative_to(REPO)),
                  "width": int(image.shape[1]), "height": int(image.shape[0]),
                  "rgb_sha256": hashlib.sha256(image.tobytes()).hexdigest()},
        "frames": {"path": str(frames_file), "width": width, "height": height, "count": frame_count,
                   "source": f"ffmpeg clip (libx264, 10 fps) of tests/fixtures/images/{{{','.join(CLIP_IMAGES)}}}",
                   "rgb_sha256": hashlib.sha256(frames.tobytes()).hexdigest()},
    }


def machine_info() -> dict[str, Any]:
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break

    def version(command: list[str]) -> str:
        try:
            out = subprocess.run(command, capture_output=True, text=True, timeout=30).stdout.strip()
            return out.splitlines()[0] if out else "?"
        except (OSError, subprocess.SubprocessError):
            return "not found"

    return {
        "cpu": cpu, "cores": os.cpu_count(), "os": platform.platform(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(), "node": version(["node", "--version"]),
        "chromium": version(["/usr/bin/chromium", "--version"]),
        "ffmpeg": version(["ffmpeg", "-version"]),
        "loadavg_start": list(os.getloadavg()),
    }


# -- the server engines, each in its own process
def run_worker(command: list[str], out: Path, label: str, timeout: float, verbose: bool) -> dict[str, Any]:
    """Run one worker process (its stderr shown live with ``verbose``); its JSON result, or the failure."""
    log(f"{label}: {' '.join(Path(c).name if i < 2 else c for i, c in enumerate(command))}")
    out.unlink(missing_ok=True)
    env = {**os.environ, "BENCH_SPAWN_NS": str(time.time_ns())}
    started = time.perf_counter()
    proc = subprocess.run(command, env=env, cwd=REPO, timeout=timeout, stdout=subprocess.DEVNULL,
                          stderr=None if verbose else subprocess.PIPE, text=True)
    if proc.returncode != 0 or not out.is_file():
        tail = (proc.stderr or "(see the output above)")[-3000:]
        log(f"{label} FAILED (exit {proc.returncode}):\n{tail}")
        return {"engine": label, "failed": tail, "stages": {}}
    result = json.loads(out.read_text())
    log(f"{label}: done in {time.perf_counter() - started:.0f} s")
    return result


def run_server(args: argparse.Namespace, inputs: dict[str, Any]) -> dict[str, Any]:
    engines: dict[str, Any] = {}
    stages = ALL_STAGES
    base = {"inputs": inputs, "coldStart": True, "verbose": args.verbose,
            "mtcnnWeights": str(args.mtcnn_weights) if args.mtcnn_weights.is_dir() else None}
    python = sys.executable
    if "pyfaceapi" in args.engines:
        for threads in args.threads:
            cfg = RAW / f"server-pyfaceapi-t{threads}.config.json"
            out = RAW / f"server-pyfaceapi-t{threads}.json"
            cfg.write_text(json.dumps({**base, "stages": stages, "repeats": args.repeats, "warmup": args.warmup}))
            command = [python, str(BENCH / "pyworker.py"), "--config", str(cfg), "--out", str(out),
                       "--threads", str(threads)]
            engines[f"pyfaceapi-t{threads}"] = run_worker(command, out, f"pyfaceapi threads={threads}", 1200,
                                                         args.verbose)
    for engine in ("vladmandic", "faceapijs"):
        if engine not in args.engines:
            continue
        slow = engine == "faceapijs"
        config = {**base, "stages": QUICK_SLOW_STAGES if slow and args.quick else stages,
                  "repeats": args.slow_repeats if slow else args.repeats,
                  "warmup": args.slow_warmup if slow else args.warmup,
                  "coldStart": not (slow and args.quick)}
        cfg, out = RAW / f"server-{engine}.config.json", RAW / f"server-{engine}.json"
        cfg.write_text(json.dumps(config))
        command = ["node", str(NODE_DIR / "bench.js"), "--engine", engine, "--config", str(cfg), "--out", str(out)]
        engines[engine] = run_worker(command, out, engine, 3600, args.verbose)
    return engines


def profile_pyfaceapi(args: argparse.Namespace, inputs: dict[str, Any], threads: int) -> Path:
    cfg = RAW / "profile.config.json"
    cfg.write_text(json.dumps({"inputs": inputs, "stages": ["ssd", "tiny416", "chain", "webcam"], "repeats": 1,
                               "warmup": 1, "coldStart": False}))
    report = RESULTS / ("profile-quick.txt" if args.quick else "profile.txt")
    command = [sys.executable, str(BENCH / "pyworker.py"), "--config", str(cfg), "--out",
               str(RAW / "profile.json"), "--threads", str(threads), "--profile", str(report)]
    run_worker(command, RAW / "profile.json", f"cProfile pyfaceapi threads={threads}", 600, args.verbose)
    return report


# -- summary
def summarize_engine(result: dict[str, Any]) -> dict[str, Any]:
    stages = {}
    for name, entry in result.get("stages", {}).items():
        summary = summarize(entry.get("samples_ms", []))
        if summary is not None:
            stages[name] = {**summary.to_dict(), "faces": entry.get("faces")}
            if name.startswith("webcam") and entry.get("faces_per_frame"):
                frames = len(entry["faces_per_frame"])
                stages[name]["frames"] = frames
                stages[name]["ms_per_frame"] = round(summary.median / frames, 2)
                stages[name]["fps"] = round(1000 * frames / summary.median, 1)
    for name, value in result.get("derived", {}).items():  # browser: per-face stages as chain-step deltas
        summary = summarize(value.get("samples_ms", []))
        if summary is not None and name not in stages:
            stages[name] = {**summary.to_dict(), "derived": value["how"]}
    return {"info": result.get("info", {}), "stages": stages, "cold_start": result.get("cold_start"),
            "memory": {k: result[k] for k in ("peak_rss_mb", "memory") if k in result},
            "errors": result.get("errors", {}), "failed": result.get("failed")}


def best_threads(engines: dict[str, dict[str, Any]]) -> str | None:
    """The pyfaceapi thread setting with the best full-chain median (else the lowest sum of medians)."""
    keys = [k for k in engines if k.startswith("pyfaceapi-t") and engines[k]["stages"]]
    if not keys:
        return None

    def score(key: str) -> float:
        stages = engines[key]["stages"]
        if "chain" in stages:
            return stages["chain"]["median_ms"]
        return sum(s["median_ms"] for s in stages.values())

    return min(keys, key=score)


def stage_rows(ours: dict[str, Any] | None, vlad: dict[str, Any] | None, fa: dict[str, Any] | None,
               goals: dict[str, float]) -> list[list[str]]:
    rows = []
    for name, label in STAGES.items():
        mine = ours["stages"].get(name) if ours else None
        theirs = vlad["stages"].get(name) if vlad else None
        orig = fa["stages"].get(name) if fa else None
        if not (mine or theirs or orig):
            continue
        cell = fmt_cell(mine) if mine else ("n/a (no MTCNN in this pyfaceapi)" if name == "mtcnn" else "n/a")
        vcell = fmt_cell(theirs) if theirs else ("n/a (none in vladmandic)" if name == "mtcnn" else "n/a")
        goal = f"<= {goals[name]:.2f}" if name in goals else ""
        row = [label, cell, vcell, fmt_ratio(ratio(mine, theirs)), goal]
        if fa is not None:
            row[3:3] = [fmt_cell(orig) if orig else "n/a"]
            row.insert(5, fmt_ratio(ratio(mine, orig)))
        engines = (ours, vlad, fa) if fa is not None else (ours, vlad)
        faces = [str(x["stages"][name].get("faces", "-")) if x and name in x["stages"] else "-" for x in engines]
        row.append(" / ".join(faces))
        rows.append(row)
    return rows


def cold_rows(engines: dict[str, tuple[str, dict[str, Any] | None]]) -> list[list[str]]:
    rows = []
    for label, (_, engine) in engines.items():
        if engine is None:
            continue
        cold = engine.get("cold_start") or {}
        mem = engine.get("memory", {})
        parts = [f"{k.removesuffix('_ms').replace('_', ' ')} {fmt_ms(v)}" for k, v in cold.items()
                 if k.endswith("_ms") and k != "total_ms" and isinstance(v, (int, float))]
        if cold.get("cached_responses") is not None:
            parts.append(f"({cold['cached_responses']} responses from the HTTP cache)")
        memory = ""
        if "peak_rss_mb" in mem:
            memory = f"peak RSS {mem['peak_rss_mb']:.0f} MB"
        if "memory" in mem:
            labels = {"js_heap_peak_mb": "JS heap peak", "renderer_peak_rss_mb": "renderer peak RSS"}
            memory = ", ".join(f"{labels.get(k, k)} {v:.0f} MB" for k, v in mem["memory"].items()
                               if isinstance(v, (int, float)))
        rows.append([label, fmt_ms(cold.get("total_ms")), ", ".join(parts) or "n/a", memory or "n/a"])
    return rows


def build_report(args: argparse.Namespace, machine: dict[str, Any], inputs: dict[str, Any],
                 server: dict[str, Any], browser: dict[str, Any] | None) -> tuple[str, dict[str, Any]]:
    summary: dict[str, Any] = {"schema": "pyfaceapi-bench/1", "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
                               "mode": "quick" if args.quick else "default",
                               "settings": {"repeats": args.repeats, "slow_repeats": args.slow_repeats,
                                            "warmup": args.warmup, "frames": args.frames,
                                            "threads": args.threads}, "machine": machine,
                               "inputs": {k: {kk: vv for kk, vv in v.items() if kk != "path"}
                                          for k, v in inputs.items()}}
    md = [f"# pyfaceapi benchmarks ({summary['mode']} run, {summary['when']})", ""]
    md.append(f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']} GiB; "
              f"Python {machine['python']}, Node {machine['node']}, {machine['chromium']}; load average "
              f"{machine['loadavg_start'][0]:.1f} at start, {machine['loadavg_end'][0]:.1f} at end "
              "(above ~0.5 the figures are noisy).")
    md.append(f"Settings: {args.repeats} timed repeats after {args.warmup} warm-up round(s) "
              f"(face-api.js 0.22.2: {args.slow_repeats} after {args.slow_warmup}); webcam loop {args.frames} "
              f"frames of {inputs['frames']['width']}x{inputs['frames']['height']}; image faces.jpg "
              f"{inputs['image']['width']}x{inputs['image']['height']}.")
    md.append("Cells: median ms [min-max] over the repeats; ratio = pyfaceapi median / other median "
              "(below 1: pyfaceapi is faster; the speed-up in brackets). The ratio is the figure of record.")
    goals_text: list[str] = []

    if server:
        engines = {k: summarize_engine(v) for k, v in server.items()}
        best = best_threads(engines)
        summary["server"] = {"engines": engines, "pyfaceapi_best": best}
        ours, vlad, fa = engines.get(best) if best else None, engines.get("vladmandic"), engines.get("faceapijs")
        threads_note = f"LiteRT num_threads={best.removeprefix('pyfaceapi-t')}" if best else "not run"
        md += ["", "## Server (Node 20 for face-api.js; CPython for pyfaceapi)", "",
               f"pyfaceapi: ai-edge-litert, {threads_note} (the best full chain of {args.threads}); "
               "vladmandic: @vladmandic/face-api 1.7.15, tfjs 4.22 WASM backend (SIMD); face-api.js: 0.22.2, "
               "tfjs-core 1.7 CPU backend.", ""]
        header = ["stage", "pyfaceapi", "vladmandic (wasm)", "face-api.js 0.22.2 (cpu)", "ratio vs vladmandic",
                  "ratio vs face-api.js", "goal (vs vladmandic)", "faces found (same order)"]
        md.append(table(header, stage_rows(ours, vlad, fa, SERVER_GOALS)))
        threads_rows = []
        for name, label in STAGES.items():
            cells = [fmt_cell(engines[k]["stages"].get(name)) for k in engines if k.startswith("pyfaceapi-t")]
            if any(c != "n/a" for c in cells):
                threads_rows.append([label, *cells])
        if len(args.threads) > 1 and threads_rows:
            md += ["", "pyfaceapi by LiteRT num_threads:", "",
                   table(["stage", *[f"threads={t}" for t in args.threads]], threads_rows)]
        md += ["", "Cold start (process spawn -> imports -> the chain's nets loaded -> first full-chain result) "
               "and peak RSS of the whole process:", ""]
        cold_engines = {f"pyfaceapi threads={k.removeprefix('pyfaceapi-t')}": (k, v)
                        for k, v in engines.items() if k.startswith("pyfaceapi-t")}
        cold_engines |= {"vladmandic (wasm)": ("vladmandic", vlad), "face-api.js 0.22.2 (cpu)": ("faceapijs", fa)}
        md.append(table(["engine", "cold start", "phases", "memory"], cold_rows(cold_engines)))
        for stage, goal in SERVER_GOALS.items():
            goals_text.append(goal_line(stage, ratio(ours["stages"].get(stage) if ours else None,
                                                     vlad["stages"].get(stage) if vlad else None), goal, "server"))
        failures = [f"- {k}: {v['failed'][-400:]}" for k, v in engines.items() if v.get("failed")]
        if failures:
            md += ["", "Failed engines:", *failures]

    if browser is not None:
        summary["browser"] = browser
        md += ["", "## Browser (headless Chromium, same page harness)", ""]
        if browser.get("skipped"):
            md.append(f"Not run: {browser['skipped']}")
        else:
            b_engines = {k: summarize_engine(v) for k, v in browser["engines"].items()}
            summary["browser"] = {**browser, "engines": b_engines}
            ours, vlad = b_engines.get("pyfaceapi"), b_engines.get("vladmandic")
            md.append(browser.get("note", ""))
            md += ["", table(["stage", "pyfaceapi", "vladmandic (wasm)", "ratio vs vladmandic", "goal",
                                    "faces found (same order)"],
                             stage_rows(ours, vlad, None, BROWSER_GOALS))]
            md += ["", "Cold start (page open -> engine booted -> the chain's nets loaded -> first result; "
                   "'with cache': a second page in the same context) and memory:", ""]
            md.append(table(["engine", "cold start", "phases", "memory"],
                            cold_rows({"pyfaceapi": ("pyfaceapi", ours), "vladmandic (wasm)": ("vladmandic", vlad)})))
            for name, engine in (("pyfaceapi", ours), ("vladmandic", vlad)):
                for stage, why in (engine or {}).get("errors", {}).items():
                    md.append(f"- {name} {stage}: {why}")
            for stage, goal in BROWSER_GOALS.items():
                goals_text.append(goal_line(stage, ratio(ours["stages"].get(stage) if ours else None,
                                                         vlad["stages"].get(stage) if vlad else None),
                                            goal, "browser"))
    md += ["", "## Goals (printed, not asserted)", "", *goals_text, ""]
    md += ["Per-face stages (landmarks, expressions, age/gender, descriptor) time all 6 faces of faces.jpg, given "
           "the SSD detections (and 68 landmarks) computed beforehand, the way each library's chain runs them: "
           "crop + net + decode; face-api.js crops with extractFaceTensors and calls the net once per face, "
           "pyfaceapi crops all faces and calls the net once on the batch. In the browser they are deltas of "
           "chain steps within each round (Δ). See bench/README.md.", ""]
    summary["goals"] = goals_text
    return "\n".join(md), summary


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=None, help="timed repeats per stage (default 5; quick 2)")
    parser.add_argument("--slow-repeats", type=int, default=1, help="repeats for face-api.js 0.22.2 (default 1)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed rounds before timing (default 1)")
    parser.add_argument("--slow-warmup", type=int, default=0,
                        help="warm-up rounds for face-api.js 0.22.2 (default 0: its cold-start chain warms it)")
    parser.add_argument("--frames", type=int, default=None, help="webcam loop frames (default 30; quick 10)")
    parser.add_argument("--threads", default="1,2", help="pyfaceapi LiteRT num_threads to try (default 1,2)")
    parser.add_argument("--only", choices=("server", "browser"), default=None)
    parser.add_argument("--engines", default=",".join(SERVER_ENGINES),
                        help="server engines to run (default pyfaceapi,vladmandic,faceapijs)")
    parser.add_argument("--quick", action="store_true",
                        help="a ~2 min smoke run: 2 repeats, 10 frames, face-api.js 0.22.2 on Tiny + webcam only")
    parser.add_argument("--browser-isolate", action="store_true",
                        help="serve with COOP/COEP (crossOriginIsolated: threaded LiteRT.js and tfjs-wasm)")
    parser.add_argument("--profile", action="store_true", help="cProfile pyfaceapi's stages (results/profile.txt)")
    parser.add_argument("--mtcnn-weights", type=Path, default=DEFAULT_MTCNN_WEIGHTS,
                        help="folder with face-api.js's mtcnn_model weights (default ../shared/weights/faceapi-js)")
    parser.add_argument("--out", type=Path, default=None, help="report path stem (default results/results)")
    parser.add_argument("--report-only", action="store_true",
                        help="rebuild the report from the raw outputs of the last run (results/raw/)")
    parser.add_argument("--verbose", action="store_true", help="show the workers' progress")
    args = parser.parse_args(argv)
    args.repeats = args.repeats or (2 if args.quick else 5)
    args.frames = args.frames or (10 if args.quick else 30)
    args.threads = [int(t) for t in args.threads.split(",") if t]
    args.engines = [e for e in args.engines.split(",") if e]
    unknown = set(args.engines) - set(SERVER_ENGINES)
    if unknown:
        parser.error(f"unknown engines {sorted(unknown)}")
    return args


def write_report(args: argparse.Namespace, markdown: str, summary: dict[str, Any]) -> None:
    stem = args.out or RESULTS / ("quick" if args.quick else "results")
    stem.parent.mkdir(parents=True, exist_ok=True)
    Path(f"{stem}.md").write_text(markdown)
    Path(f"{stem}.json").write_text(json.dumps(summary, indent=1) + "\n")
    print(markdown)
    log(f"wrote {stem}.md and {stem}.json")


def report_only(args: argparse.Namespace) -> None:
    """Rebuild the report from the raw outputs of the last run (bench/results/raw/)."""
    run = json.loads((RAW / "run.json").read_text())
    for key in ("repeats", "slow_repeats", "warmup", "slow_warmup", "frames", "threads", "quick",
                "browser_isolate"):
        setattr(args, key, run["args"][key])
    server = json.loads((RAW / "server.json").read_text())
    browser = json.loads((RAW / "browser.json").read_text())
    markdown, summary = build_report(args, run["machine"], run["inputs"], server, browser)
    write_report(args, markdown, summary)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.report_only:
        report_only(args)
        return
    started = time.perf_counter()
    RAW.mkdir(parents=True, exist_ok=True)
    machine = machine_info()
    ensure_node_modules()
    inputs = prepare_inputs(RAW / "inputs", args.frames)
    log(f"inputs ready: faces.jpg {inputs['image']['width']}x{inputs['image']['height']}, {args.frames} frames")

    server = run_server(args, inputs) if args.only in (None, "server") else {}
    (RAW / "server.json").write_text(json.dumps(server, indent=1) + "\n")
    browser = None
    if args.only in (None, "browser"):
        import browser_driver

        browser = browser_driver.run_browser(args, inputs, RAW, log)
    (RAW / "browser.json").write_text(json.dumps(browser, indent=1) + "\n")
    machine["loadavg_end"] = list(os.getloadavg())
    (RAW / "run.json").write_text(json.dumps({"machine": machine, "inputs": inputs, "args": vars(args)},
                                             indent=1, default=str) + "\n")
    markdown, summary = build_report(args, machine, inputs, server, browser)
    if args.profile and server:
        best = summary["server"].get("pyfaceapi_best") or "pyfaceapi-t2"
        report = profile_pyfaceapi(args, inputs, int(best.removeprefix("pyfaceapi-t")))
        markdown += f"\ncProfile of pyfaceapi's SSD, Tiny 416, chain and webcam stages: {report.relative_to(BENCH)}\n"
    summary["wall_s"] = round(time.perf_counter() - started, 1)
    write_report(args, markdown, summary)
    log(f"done in {summary['wall_s']:.0f} s")


if __name__ == "__main__":
    main()
