"""The ``pyfaceapi`` command line.

    pyfaceapi detect IMAGE [IMAGE ...] [--detector ssd|tiny|tiny_yolov2] [options]

prints one JSON object per image (JSON Lines): ``{"path", "faces": [face-api.js detection JSON]}``.
A file that cannot be read or decoded is reported on stderr and skipped; the exit code is 0 when every
file was processed, 1 when some were skipped, 2 for bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from . import api
from .errors import FaceApiError
from .nets import nets
from .networks.ssd_mobilenetv1 import SsdMobilenetv1Options
from .networks.tiny_face_detector import TinyFaceDetectorOptions
from .networks.tiny_yolov2 import TinyYolov2Options

DETECTORS = ("ssd", "tiny", "tiny_yolov2")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pyfaceapi", description="face-api.js in Python")
    commands = parser.add_subparsers(dest="command", required=True)
    detect = commands.add_parser("detect", help="detect faces in images, print JSON Lines")
    detect.add_argument("images", nargs="+", help="image files")
    detect.add_argument("--detector", choices=DETECTORS, default="ssd")
    detect.add_argument("--min-confidence", type=float, default=0.5, help="SSD: score threshold (default 0.5)")
    detect.add_argument("--max-results", type=int, default=100, help="SSD: at most this many faces")
    detect.add_argument("--input-size", type=int, default=416, help="tiny detectors: multiple of 32")
    detect.add_argument("--score-threshold", type=float, default=0.5, help="tiny detectors: score threshold")
    detect.add_argument("--models", help="folder of .tflite models (default: the bundled models)")

    serve = commands.add_parser("serve", help="run the HTTP API and the web app (gunicorn)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="processes, each with its own models")
    serve.add_argument("--threads", type=int, default=4, help="request threads per process")
    serve.add_argument("--models", help="folder of .tflite models (default: the bundled models)")
    serve.add_argument("--web-root", help="built web app to serve at / (default: web/dist of the checkout)")
    serve.add_argument("--isolate", action="store_true",
                       help="send COOP/COEP headers (crossOriginIsolated pages: threaded wasm)")
    return parser


def serve(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .server import ServerConfig
    from .server.wsgi import serve as run_server

    overrides: dict = {"cross_origin_isolation": args.isolate}
    if args.models:
        overrides["model_dir"] = Path(args.models)
    if args.web_root:
        overrides["web_root"] = Path(args.web_root)
    run_server(args.host, args.port, args.workers, args.threads, ServerConfig(**overrides))
    return 0


def detector_options(args: argparse.Namespace) -> SsdMobilenetv1Options | TinyYolov2Options:
    if args.detector == "ssd":
        return SsdMobilenetv1Options(min_confidence=args.min_confidence, max_results=args.max_results)
    cls = TinyFaceDetectorOptions if args.detector == "tiny" else TinyYolov2Options
    return cls(input_size=args.input_size, score_threshold=args.score_threshold)


def detect(args: argparse.Namespace) -> int:
    options = detector_options(args)
    net = {"ssd": nets.ssd_mobilenetv1, "tiny": nets.tiny_face_detector, "tiny_yolov2": nets.tiny_yolov2}
    net[args.detector].load(args.models)
    skipped = 0
    for path in args.images:
        try:
            faces = api.detect_all_faces(path, options).run()
        except FaceApiError as exc:
            print(f"pyfaceapi: skipped {path}: {exc}", file=sys.stderr)
            skipped += 1
            continue
        print(json.dumps({"path": path, "faces": [face.to_dict() for face in faces]}), flush=True)
    if skipped:
        print(f"pyfaceapi: {skipped} of {len(args.images)} files skipped", file=sys.stderr)
    return 1 if skipped else 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return serve(args) if args.command == "serve" else detect(args)
    except FaceApiError as exc:
        print(f"pyfaceapi: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
