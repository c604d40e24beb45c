"""Benchmark worker for pyfaceapi on the server (CPython + ai-edge-litert). One process per configuration.

    python bench/pyworker.py --config CONFIG.json --out RESULT.json [--threads N] [--profile PROFILE.txt]

Started by ``bench/run.py``, which writes CONFIG.json (inputs as raw RGB, stages, repeats) and reads RESULT.json;
the same config drives the Node workers (``bench/node/bench.js``), so every engine sees the same pixels.
Cold start is measured from ``BENCH_SPAWN_NS`` (epoch ns, set by run.py just before spawning this process),
so it includes the interpreter's start-up and every import. ``--profile`` runs the stages under cProfile
after the timed rounds and writes the top functions by cumulative and by own time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_T_START_NS = time.time_ns()

import numpy as np  # noqa: E402  (imports are part of the cold start, timed from _T_START_NS)

import pyfaceapi as faceapi  # noqa: E402
from pyfaceapi import api  # noqa: E402
from pyfaceapi.results import FaceResult  # noqa: E402
from pyfaceapi.runtime import set_runtime  # noqa: E402
from pyfaceapi.runtime.litert import LiteRTRuntime  # noqa: E402

CHAIN_NETS = ("ssd_mobilenetv1", "face_landmark_68_net", "face_expression_net", "age_gender_net",
              "face_recognition_net")


@dataclass
class Stage:
    """One timed stage: the nets it needs, an optional untimed setup, the timed call, and a face count."""

    nets: tuple[str, ...]
    run: Callable[[], Any]
    setup: Callable[[], None] | None = None
    faces: Callable[[Any], Any] = len


def read_rgb(spec: dict[str, Any], count: int = 1) -> np.ndarray:
    """The raw RGB file of ``spec`` as (count, H, W, 3) uint8 (a read-only memory map is not needed: it is small)."""
    data = np.fromfile(spec["path"], dtype=np.uint8)
    shape = (count, int(spec["height"]), int(spec["width"]), 3)
    if data.size != int(np.prod(shape)):
        raise SystemExit(f"{spec['path']}: {data.size} bytes, expected {int(np.prod(shape))}")
    return data.reshape(shape)


def make_stages(image: np.ndarray, frames: np.ndarray) -> dict[str, Stage]:
    """The stages, each the way pyfaceapi's chain runs it (per-face stages: all faces of the image in one batch)."""
    nets = faceapi.nets
    ssd = faceapi.SsdMobilenetv1Options(min_confidence=0.5, max_results=100)

    def tiny(size: int) -> faceapi.TinyFaceDetectorOptions:
        return faceapi.TinyFaceDetectorOptions(input_size=size, score_threshold=0.5)

    # SSD detections and their 68 landmarks on the image, computed once outside the timed region; each timed
    # per-face stage gets a fresh RunContext, so it pays for its own crops (the chain shares the 112-px crops
    # of expressions and age/gender: the full-chain figure includes that saving)
    prepared: dict[str, list[FaceResult]] = {}

    def prepare() -> None:
        if "landmarks" not in prepared:
            prepared["detections"] = [FaceResult(d) for d in faceapi.detect_all_faces(image, ssd).run()]
            prepared["landmarks"] = api.detect_landmarks_stage(
                api.RunContext(image), prepared["detections"], nets.face_landmark_68_net)

    def webcam() -> list[int]:
        options = tiny(160)
        return [len(faceapi.detect_all_faces(frame, options).with_face_landmarks(use_tiny_model=True).run())
                for frame in frames]

    stages = {
        "ssd": Stage(("ssd_mobilenetv1",), lambda: faceapi.detect_all_faces(image, ssd).run()),
        "tiny416": Stage(("tiny_face_detector",), lambda: faceapi.detect_all_faces(image, tiny(416)).run()),
        "tiny160": Stage(("tiny_face_detector",), lambda: faceapi.detect_all_faces(image, tiny(160)).run()),
        "landmarks": Stage(
            ("ssd_mobilenetv1", "face_landmark_68_net"),
            lambda: api.detect_landmarks_stage(api.RunContext(image), prepared["detections"],
                                               nets.face_landmark_68_net),
            prepare),
        "landmarks_tiny": Stage(
            ("ssd_mobilenetv1", "face_landmark_68_net", "face_landmark_68_tiny_net"),
            lambda: api.detect_landmarks_stage(api.RunContext(image), prepared["detections"],
                                               nets.face_landmark_68_tiny_net),
            prepare),
        "expressions": Stage(
            ("ssd_mobilenetv1", "face_landmark_68_net", "face_expression_net"),
            lambda: api.predict_expressions_stage(api.RunContext(image), prepared["landmarks"]),
            prepare),
        "age_gender": Stage(
            ("ssd_mobilenetv1", "face_landmark_68_net", "age_gender_net"),
            lambda: api.predict_age_and_gender_stage(api.RunContext(image), prepared["landmarks"]),
            prepare),
        "descriptor": Stage(
            ("ssd_mobilenetv1", "face_landmark_68_net", "face_recognition_net"),
            lambda: api.compute_descriptors_stage(api.RunContext(image), prepared["landmarks"]),
            prepare),
        "chain": Stage(
            CHAIN_NETS,
            lambda: faceapi.detect_all_faces(image, ssd).with_face_landmarks().with_face_expressions()
            .with_age_and_gender().with_face_descriptors().run()),
        "webcam": Stage(("tiny_face_detector", "face_landmark_68_tiny_net"), webcam, faces=sum),
    }
    if hasattr(faceapi.nets, "mtcnn"):  # MTCNN arrived after the bench; timed when this pyfaceapi has it
        # face-api.js's nets.mtcnn.forward(input, {}): the default options (minFaceSize 20, scaleFactor 0.709)
        stages["mtcnn"] = Stage(("mtcnn",), lambda: faceapi.mtcnn(image, faceapi.MtcnnOptions()))
    return stages


def load_nets(names: tuple[str, ...]) -> None:
    for name in names:
        net = getattr(faceapi.nets, name)
        if not net.is_loaded:
            net.load()


def profile_stages(stages: dict[str, Stage], selected: list[str], rounds: int, out: Path) -> None:
    """cProfile each stage over ``rounds`` calls; write the top functions by cumulative and own time."""
    with out.open("w") as report:
        for name in selected:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(rounds):
                stages[name].run()
            profiler.disable()
            for sort in ("cumulative", "tottime"):
                buffer = io.StringIO()
                pstats.Stats(profiler, stream=buffer).strip_dirs().sort_stats(sort).print_stats(18)
                report.write(f"==== {name} ({rounds} calls), sorted by {sort}\n{buffer.getvalue()}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--threads", type=int, default=None, help="LiteRT num_threads (default: LiteRT's own)")
    parser.add_argument("--profile", type=Path, default=None, help="also write a cProfile report here")
    args = parser.parse_args()
    config = json.loads(args.config.read_text())
    spawn_ns = int(os.environ["BENCH_SPAWN_NS"]) if "BENCH_SPAWN_NS" in os.environ else None

    cold: dict[str, Any] = {"import_ms": (time.time_ns() - _T_START_NS) / 1e6}
    set_runtime(LiteRTRuntime(num_threads=args.threads))
    image = read_rgb(config["inputs"]["image"])[0]
    frames_spec = config["inputs"]["frames"]
    frames = read_rgb(frames_spec, int(frames_spec["count"]))
    stages = make_stages(image, frames)
    result: dict[str, Any] = {"engine": "pyfaceapi", "stages": {}, "errors": {}}

    if config.get("coldStart"):
        # process spawn -> imports -> the chain's nets loaded -> the first full-chain result on the image
        started = time.perf_counter()
        load_nets(CHAIN_NETS)
        cold["load_ms"] = (time.perf_counter() - started) * 1e3
        started = time.perf_counter()
        faces = stages["chain"].run()
        cold["first_chain_ms"] = (time.perf_counter() - started) * 1e3
        cold["faces"] = len(faces)
        if spawn_ns is not None:
            cold["total_ms"] = (time.time_ns() - spawn_ns) / 1e6
            cold["interpreter_start_ms"] = (_T_START_NS - spawn_ns) / 1e6
        result["cold_start"] = cold

    selected = []
    for name in config["stages"]:
        if name not in stages:
            result["errors"][name] = "n/a: pyfaceapi has no such stage yet" if name == "mtcnn" else "unknown stage"
            continue
        selected.append(name)
        load_nets(stages[name].nets)
        setup = stages[name].setup
        if setup is not None:
            setup()
        result["stages"][name] = {"samples_ms": []}

    for _ in range(int(config["warmup"])):
        for name in selected:
            stages[name].run()
    repeats = int(config["repeats"])
    for round_index in range(repeats):
        for name in selected:
            started = time.perf_counter()
            out = stages[name].run()
            elapsed = (time.perf_counter() - started) * 1e3
            entry = result["stages"][name]
            entry["samples_ms"].append(elapsed)
            entry["faces"] = stages[name].faces(out)
            if name == "webcam":
                entry["faces_per_frame"] = out
        if config.get("verbose"):
            print(f"pyfaceapi threads={args.threads}: round {round_index + 1}/{repeats} done", file=sys.stderr)

    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    import ai_edge_litert  # already imported by the runtime; only for its version

    result["info"] = {
        "engine": "pyfaceapi",
        "package": f"pyfaceapi@{faceapi.__version__}",
        "runtime": f"ai-edge-litert@{getattr(ai_edge_litert, '__version__', '?')}",
        "num_threads": args.threads,
        "python": sys.version.split()[0],
        "numpy": np.__version__,
    }
    if args.profile is not None:
        profile_stages(stages, selected, max(1, min(3, repeats)), args.profile)
    args.out.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
