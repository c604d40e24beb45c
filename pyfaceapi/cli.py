"""The ``pyfaceapi`` command line.

    pyfaceapi detect PATH... [--detector ssd|tiny|tiny_yolov2] [--landmarks[=tiny]] [--expressions]
                             [--age-gender] [--descriptors] [--single] [--out FILE] [--draw DIR]
    pyfaceapi match REFERENCE PATH... [--threshold 0.6] [--save-matcher FILE]
    pyfaceapi serve [--host H] [--port P] [--workers N] [--threads N] [--isolate]
    pyfaceapi models verify [--models DIR]
    pyfaceapi web build

``detect`` and ``match`` take files, folders (their images, recursively) and glob patterns, and print one
JSON object per image (JSON Lines) to stdout or ``--out``. A file that cannot be read or decoded is
reported on stderr and skipped; nothing else is lost.

Exit codes: 0 every file was processed; 1 some files were skipped (see stderr); 2 bad usage, no input
files, or a model that cannot be loaded.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import Any, TextIO

from .api import DetectorOptions
from .errors import FaceApiError
from .networks.mtcnn import MtcnnOptions
from .networks.ssd_mobilenetv1 import SsdMobilenetv1Options
from .networks.tiny_face_detector import TinyFaceDetectorOptions
from .networks.tiny_yolov2 import TinyYolov2Options
from .pipeline import DetectRequest, run_request

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff"}
EXIT_OK, EXIT_SKIPPED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad arguments or no input: exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pyfaceapi", description="face-api.js in Python",
                                     epilog="exit codes: 0 all processed, 1 some files skipped, 2 usage error")
    commands = parser.add_subparsers(dest="command", required=True)

    detect = commands.add_parser("detect", help="detect and analyse faces, print JSON Lines")
    detect.add_argument("paths", nargs="+", help="image files, folders or glob patterns")
    add_detector_arguments(detect)
    detect.add_argument("--single", action="store_true", help="only the best-scoring face per image")
    detect.add_argument("--landmarks", nargs="?", const="normal", choices=("normal", "tiny"),
                        help="68-point landmarks (--landmarks=tiny for the tiny net)")
    detect.add_argument("--expressions", action="store_true", help="7 facial expressions")
    detect.add_argument("--age-gender", action="store_true", help="age and gender")
    detect.add_argument("--descriptors", action="store_true", help="128-d face descriptors (implies landmarks)")
    detect.add_argument("--draw", metavar="DIR", help="write each image with its results drawn on it to DIR")
    add_common_arguments(detect)

    match = commands.add_parser("match", help="label the faces of images with a FaceMatcher")
    match.add_argument("reference", help="FaceMatcher JSON file, JSON list of {label, descriptors}, or a folder of "
                                         "reference images (label = sub-folder name, else file stem)")
    match.add_argument("paths", nargs="+", help="query image files, folders or glob patterns")
    match.add_argument("--threshold", type=float, default=0.6, help="distance above which a face is 'unknown'")
    match.add_argument("--save-matcher", metavar="FILE", help="write the reference FaceMatcher as JSON")
    add_detector_arguments(match)
    add_common_arguments(match)

    serve = commands.add_parser("serve", help="run the HTTP API and the web app (gunicorn)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="processes, each with its own models")
    serve.add_argument("--threads", type=int, default=4, help="request threads per process")
    serve.add_argument("--models", help="folder of .tflite models (default: the bundled models)")
    serve.add_argument("--web-root", help="built web app to serve at / (default: web/dist of the checkout)")
    serve.add_argument("--isolate", action="store_true",
                       help="send COOP/COEP headers (crossOriginIsolated pages: threaded wasm)")

    models = commands.add_parser("models", help="model files")
    models_commands = models.add_subparsers(dest="models_command", required=True)
    verify = models_commands.add_parser("verify", help="re-hash the models against their manifest")
    verify.add_argument("--models", help="folder with manifest.json (default: the bundled models)")

    web = commands.add_parser("web", help="the browser build")
    web_commands = web.add_subparsers(dest="web_command", required=True)
    web_commands.add_parser("build", help="assemble web/dist (needs a source checkout, npm and pip)")
    return parser


DETECTOR_FLAGS: dict[str, tuple[type, tuple[str, ...]]] = {
    "ssd": (SsdMobilenetv1Options, ("min_confidence", "max_results")),
    "tiny": (TinyFaceDetectorOptions, ("input_size", "score_threshold")),
    "tiny_yolov2": (TinyYolov2Options, ("input_size", "score_threshold")),
    "mtcnn": (MtcnnOptions, ("min_face_size", "score_thresholds", "scale_factor", "max_num_scales", "scale_steps")),
}


def add_detector_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--detector", choices=tuple(DETECTOR_FLAGS), default="ssd")
    parser.add_argument("--min-confidence", type=float, help="ssd: score threshold (default 0.5)")
    parser.add_argument("--max-results", type=int, help="ssd: at most this many faces (default 100)")
    parser.add_argument("--input-size", type=int, help="tiny detectors: multiple of 32 (default 416)")
    parser.add_argument("--score-threshold", type=float, help="tiny detectors: score threshold (default 0.5)")
    parser.add_argument("--min-face-size", type=float, help="mtcnn: smallest face in pixels (default 20)")
    parser.add_argument("--score-thresholds", type=float, nargs=3, metavar=("P", "R", "O"),
                        help="mtcnn: per-stage thresholds (default 0.6 0.7 0.7)")
    parser.add_argument("--scale-factor", type=float, help="mtcnn: pyramid step (default 0.709)")
    parser.add_argument("--max-num-scales", type=int, help="mtcnn: pyramid levels (default 10)")
    parser.add_argument("--scale-steps", type=float, nargs="+", help="mtcnn: explicit pyramid scales")


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", metavar="FILE", help="write JSON Lines to FILE instead of stdout")
    parser.add_argument("--models", help="folder of .tflite models (default: the bundled models)")
    progress = parser.add_mutually_exclusive_group()
    progress.add_argument("--progress", action="store_true", default=None,
                          help="show progress on stderr (default: when stderr is a terminal)")
    progress.add_argument("--no-progress", dest="progress", action="store_false")


def detector_options(args: argparse.Namespace) -> DetectorOptions:
    """The options object of ``--detector`` from the flags; a flag of another detector is an error."""
    cls, mine = DETECTOR_FLAGS[args.detector]
    all_flags = {flag for _, flags in DETECTOR_FLAGS.values() for flag in flags}
    stray = [flag for flag in sorted(all_flags - set(mine)) if getattr(args, flag) is not None]
    if stray:
        raise UsageError(f"--{stray[0].replace('_', '-')} does not apply to --detector {args.detector}")
    given = {flag: getattr(args, flag) for flag in mine if getattr(args, flag) is not None}
    for flag in ("score_thresholds", "scale_steps"):
        if flag in given:
            given[flag] = tuple(given[flag])
    return cls(**given)


def expand_paths(patterns: Sequence[str]) -> list[Path]:
    """Files as given, images inside folders (recursively, sorted) and glob matches, without duplicates.

    A pattern that matches nothing is kept as is, so that it is reported as unreadable, not dropped.
    """
    found: list[Path] = []
    for pattern in patterns:
        if glob.has_magic(pattern):
            matches = sorted(glob.glob(pattern, recursive=True))
            candidates = [Path(m) for m in matches] or [Path(pattern)]
        else:
            candidates = [Path(pattern)]
        for candidate in candidates:
            if candidate.is_dir():
                found += sorted(p for p in candidate.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
            else:
                found.append(candidate)
    return list(dict.fromkeys(found))


def load_nets(request: DetectRequest, models: str | None) -> None:
    """Load the nets ``request`` needs (each once per process)."""
    from .nets import nets

    detectors = [(MtcnnOptions, nets.mtcnn), (TinyFaceDetectorOptions, nets.tiny_face_detector),
                 (SsdMobilenetv1Options, nets.ssd_mobilenetv1), (TinyYolov2Options, nets.tiny_yolov2)]
    needed: list[Any] = [next(net for cls, net in detectors if isinstance(request.detector_options, cls))]
    if request.landmarks == "normal":
        needed.append(nets.face_landmark_68_net)
    if request.landmarks == "tiny":
        needed.append(nets.face_landmark_68_tiny_net)
    if request.expressions:
        needed.append(nets.face_expression_net)
    if request.age_gender:
        needed.append(nets.age_gender_net)
    if request.descriptors:
        needed.append(nets.face_recognition_net)
    for net in needed:
        if not net.is_loaded:
            net.load(models)


class Progress:
    """``[3/40] path`` on one stderr line, redrawn in place; silent for a single file."""

    def __init__(self, total: int, enabled: bool | None) -> None:
        self.total = total
        self.enabled = total > 1 and (sys.stderr.isatty() if enabled is None else enabled)

    def update(self, index: int, path: Path) -> None:
        if self.enabled:
            width = 30
            done = width * index // self.total
            sys.stderr.write(f"\r[{'#' * done}{'.' * (width - done)}] {index}/{self.total} {str(path)[-40:]:<40}")
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")


def process(paths: list[Path], args: argparse.Namespace, handle: Any) -> int:
    """Run ``handle(path, pixels) -> dict`` on each file, write JSON Lines, report skipped files."""
    from .imageio import load_image

    if not paths:
        raise UsageError("no input files")
    skipped = 0
    progress = Progress(len(paths), args.progress)
    with open(args.out, "w", encoding="utf-8") if args.out else nullcontext(sys.stdout) as out:
        for index, path in enumerate(paths, 1):
            progress.update(index, path)
            try:
                record = handle(path, load_image(path))
            except FaceApiError as exc:
                skipped += 1
                _report(f"skipped {path}: {exc}", progress)
                continue
            _write_line(out, record)
    progress.close()
    if skipped:
        print(f"pyfaceapi: {skipped} of {len(paths)} files skipped", file=sys.stderr)
    return EXIT_SKIPPED if skipped else EXIT_OK


def _report(message: str, progress: Progress) -> None:
    if progress.enabled:
        sys.stderr.write("\r" + " " * 80 + "\r")
    print(f"pyfaceapi: {message}", file=sys.stderr)


def _write_line(out: TextIO, record: dict[str, Any]) -> None:
    out.write(json.dumps(record) + "\n")
    out.flush()


def detect(args: argparse.Namespace) -> int:
    request = DetectRequest(detector_options(args), single=args.single, landmarks=args.landmarks,
                            expressions=args.expressions, age_gender=args.age_gender,
                            descriptors=args.descriptors)
    load_nets(request, args.models)
    draw_dir = Path(args.draw) if args.draw else None
    if draw_dir:
        draw_dir.mkdir(parents=True, exist_ok=True)

    def handle(path: Path, pixels: Any) -> dict[str, Any]:
        faces = run_request(pixels, request)
        record: dict[str, Any] = {"path": str(path), "image": {"width": pixels.shape[1], "height": pixels.shape[0]},
                                  "faces": faces}
        if draw_dir:
            record["drawn"] = str(draw_results(pixels, faces, draw_dir, path))
        return record

    return process(expand_paths(args.paths), args, handle)


def draw_results(pixels: Any, faces: list[dict[str, Any]], folder: Path, source: Path) -> Path:
    """Write ``pixels`` with ``faces`` drawn on them to ``folder/<stem>.png`` (a free name)."""
    from .draw import annotate
    from .results import FaceResult

    target = folder / f"{source.stem}.png"
    counter = 1
    while target.exists():
        counter += 1
        target = folder / f"{source.stem}-{counter}.png"
    annotate(pixels, [FaceResult.from_dict(face) for face in faces], out=target)
    return target


def match(args: argparse.Namespace) -> int:
    request = DetectRequest(detector_options(args), descriptors=True)
    load_nets(request, args.models)
    matcher = reference_matcher(Path(args.reference), request, args.threshold)
    if args.save_matcher:
        Path(args.save_matcher).write_text(json.dumps(matcher.to_json()), encoding="utf-8")

    def handle(path: Path, pixels: Any) -> dict[str, Any]:
        faces = run_request(pixels, request)
        matches = matcher.find_best_matches([face["descriptor"] for face in faces]) if faces else []
        return {"path": str(path), "faces": [
            {"detection": face["detection"], **m.to_dict(), "text": str(m)}
            for face, m in zip(faces, matches, strict=True)]}

    return process(expand_paths(args.paths), args, handle)


def reference_matcher(reference: Path, request: DetectRequest, threshold: float) -> Any:
    """A FaceMatcher from a JSON file, or from the best face of each reference image in a folder."""
    from . import FaceMatcher, LabeledFaceDescriptors
    from .imageio import load_image

    if reference.is_file():
        try:
            data = json.loads(reference.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError) as exc:
            raise UsageError(f"cannot read the reference {reference}: {exc}") from exc
        if isinstance(data, list):
            return FaceMatcher([LabeledFaceDescriptors.from_json(item) for item in data], threshold)
        return FaceMatcher(FaceMatcher.from_json(data).labeled_descriptors, threshold)
    if not reference.is_dir():
        raise UsageError(f"the reference {reference} is neither a JSON file nor a folder")
    single = DetectRequest(request.detector_options, single=True, descriptors=True)
    by_label: dict[str, list[Any]] = {}
    for path in expand_paths([str(reference)]):
        label = path.parent.name if path.parent != reference else path.stem
        faces = run_request(load_image(path), single)
        if not faces:
            print(f"pyfaceapi: no face in reference image {path}", file=sys.stderr)
            continue
        by_label.setdefault(label, []).append(faces[0]["descriptor"])
    if not by_label:
        raise UsageError(f"no face found in the reference images under {reference}")
    return FaceMatcher([LabeledFaceDescriptors(label, ds) for label, ds in by_label.items()], threshold)


def models_verify(args: argparse.Namespace) -> int:
    """Re-hash every model of the manifest; exit 1 if one is missing or differs."""
    from .model_files import default_model_dir, read_manifest, sha256

    folder = Path(args.models) if args.models else default_model_dir()
    entries = read_manifest(folder).get("models", {})
    bad = 0
    for name, entry in entries.items():
        path = folder / entry["file"]
        try:
            actual = sha256(path.read_bytes())
        except OSError as exc:
            print(f"MISSING  {name}: {exc}")
            bad += 1
            continue
        ok = actual == entry["sha256"]
        bad += not ok
        print(f"{'OK      ' if ok else 'MISMATCH'} {name} {actual}")
    return EXIT_OK if not bad else EXIT_SKIPPED


def web_build(_: argparse.Namespace) -> int:
    script = Path(__file__).resolve().parent.parent / "web" / "build.py"
    if not script.is_file():
        raise UsageError("`web build` needs a source checkout of pyfaceapi (web/build.py not found)")
    return subprocess.call([sys.executable, str(script)])


def serve(args: argparse.Namespace) -> int:
    from .server import ServerConfig
    from .server.wsgi import serve as run_server

    overrides: dict[str, Any] = {"cross_origin_isolation": args.isolate}
    if args.models:
        overrides["model_dir"] = Path(args.models)
    if args.web_root:
        overrides["web_root"] = Path(args.web_root)
    run_server(args.host, args.port, args.workers, args.threads, ServerConfig(**overrides))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    commands = {"detect": detect, "match": match, "serve": serve}
    try:
        if args.command == "models":
            return models_verify(args)
        if args.command == "web":
            return web_build(args)
        return commands[args.command](args)
    except (UsageError, FaceApiError) as exc:
        print(f"pyfaceapi: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # e.g. piped into `head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
