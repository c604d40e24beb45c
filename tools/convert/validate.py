"""Compare converted models with face-api.js 0.22.2 run in Node on the same float inputs.

``reference.js`` dumps, per validation case, the batch tensor face-api.js builds with its own
``NetInput.toBatchTensor`` (pad to square + ``resizeBilinear``) and the contract outputs it
computes.  The .tflite is run with ``ai_edge_litert`` on exactly that tensor (after
``resize_tensor_input`` to the case's shape), and the differences are summarised per output plus
task metrics matching the downstream acceptance bars.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from ai_edge_litert.interpreter import Interpreter
from PIL import Image

from .contracts import TINY_ANCHORS, NetContract, ValidationCase, mtcnn_pnet_output_size

#: Downstream acceptance bars (metric name -> largest allowed value).
BARS: dict[str, float] = {
    "descriptor_euclidean_max": 0.005,
    "landmarks_mean_px_at_2000": 0.1,
    "score_max_abs": 0.006,
    "expression_prob_max_abs": 0.005,
    "gender_prob_max_abs": 0.005,
    "age_max_abs": 0.1,
    "box_max_px": 0.1,
}

#: Landmark errors in image pixels grow with the face: the bar is applied to a 2000-px face crop
#: (a close-up in a 12 MP photo), not just to the small validation crops.
LANDMARK_FACE_PX = 2000

#: Anchors scoring below this (in both runs) do not count for the box metric: face-api.js never
#: reports them (default thresholds are 0.5), and their decoded sizes can be arbitrary.
_BOX_MIN_SCORE = 0.1
_TINY_ANCHORS = len(TINY_ANCHORS)

TEST_IMAGES = Path("../shared/testdata/faceapi-js/test/images")
REFERENCE_SCRIPT = Path(__file__).with_name("reference.js")


@dataclass(frozen=True)
class CaseData:
    """face-api.js's input and outputs for one validation case."""

    case: ValidationCase
    input: np.ndarray
    outputs: dict[str, np.ndarray]
    image_sizes: tuple[tuple[int, int], ...]  # (width, height) of each source image


def _decode_rgb(path: Path, out: Path) -> tuple[int, int]:
    """Decode with Pillow (libjpeg-turbo, as the reference JSONs do) to raw RGB bytes."""
    with Image.open(path) as image:
        rgb = image.convert("RGB")
        out.write_bytes(rgb.tobytes())
        return rgb.size


def write_job(contracts: list[NetContract], weight_dirs: dict[str, Path], images: Path,
              work: Path) -> tuple[Path, bool]:
    """Decode the validation images and write the job file for ``reference.js``.

    Returns the job path and whether ``work`` already holds the reference dumps of an identical job
    (possible when ``--work`` is reused), in which case Node need not run again.
    """
    rgb_dir = work / "rgb"
    rgb_dir.mkdir(parents=True, exist_ok=True)
    decoded: dict[str, dict] = {}
    nets = []
    for contract in contracts:
        cases = []
        for case in contract.validation:
            entries = []
            for name in case.images:
                if name not in decoded:
                    target = rgb_dir / (Path(name).stem + ".rgb")
                    width, height = _decode_rgb(images / name, target)
                    decoded[name] = {"rgb": str(target), "width": width, "height": height,
                                     "rgbSha256": hashlib.sha256(target.read_bytes()).hexdigest()}
                entries.append(decoded[name])
            cases.append({"id": case.case_id, "size": case.size, "centered": case.centered, "scale": case.scale,
                          "images": entries})
        nets.append({"name": contract.name, "weightsDir": str(weight_dirs[contract.name]),
                     "weightsModel": contract.weights_model, "cases": cases})
    job = work / "job.json"
    text = json.dumps({"outDir": str(work / "reference"), "nets": nets}, indent=1)
    done = [work / "reference" / n["name"] / c["id"] / "meta.json" for n in nets for c in n["cases"]]
    fresh = job.exists() and job.read_text() == text and all(p.exists() for p in done)
    job.write_text(text)
    return job, fresh


def run_reference(job: Path, node_modules: Path | None = None) -> dict:
    """Run ``reference.js`` on ``job``; return its environment info (face-api.js / tfjs-core versions)."""
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node not found: validation needs Node with face-api.js (see tools/convert/README.md)")
    env = None if node_modules is None else dict(os.environ, REF_NODE_MODULES=str(node_modules))
    subprocess.run([node, str(REFERENCE_SCRIPT), str(job)], check=True, env=env)
    spec = json.loads(job.read_text())
    return json.loads((Path(spec["outDir"]) / "reference.json").read_text())


def load_case(work: Path, contract: NetContract, case: ValidationCase) -> CaseData:
    """Read the tensors ``reference.js`` wrote for one case."""
    folder = work / "reference" / contract.name / case.case_id
    meta = json.loads((folder / "meta.json").read_text())

    def read(name: str, shape: list[int]) -> np.ndarray:
        return np.fromfile(folder / f"{name}.f32", dtype="<f4").reshape(shape)

    job = json.loads((work / "job.json").read_text())
    spec = next(n for n in job["nets"] if n["name"] == contract.name)
    entry = next(c for c in spec["cases"] if c["id"] == case.case_id)
    sizes = tuple((im["width"], im["height"]) for im in entry["images"])
    outputs = {o.name: read(o.name, meta["outputs"][o.name]) for o in contract.outputs}
    return CaseData(case=case, input=read("input", meta["input"]), outputs=outputs, image_sizes=sizes)


def run_tflite(model: bytes, x: np.ndarray) -> list[np.ndarray]:
    """Run a model on ``x`` after resizing its input to ``x.shape``; outputs in interpreter order."""
    interpreter = Interpreter(model_content=model)
    (detail,) = interpreter.get_input_details()
    if tuple(detail["shape"]) != x.shape:
        interpreter.resize_tensor_input(detail["index"], list(x.shape), strict=True)
    interpreter.allocate_tensors()
    interpreter.set_tensor(detail["index"], x.astype(np.float32))
    interpreter.invoke()
    return [interpreter.get_tensor(d["index"]).copy() for d in interpreter.get_output_details()]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x.astype(np.float64)))


def _tiny_metrics(ref: np.ndarray, got: np.ndarray) -> dict[str, float]:
    """Scores (sigmoid) and decoded box corners in input pixels, as ``extractBoxes`` computes them."""
    anchors = np.asarray(TINY_ANCHORS, dtype=np.float64)
    cells = ref.shape[1]
    size = cells * 32
    r = ref.reshape(cells, cells, _TINY_ANCHORS, 5).astype(np.float64)
    g = got.reshape(cells, cells, _TINY_ANCHORS, 5).astype(np.float64)
    score_r, score_g = _sigmoid(r[..., 4]), _sigmoid(g[..., 4])
    mask = np.maximum(score_r, score_g) > _BOX_MIN_SCORE

    def corners(t: np.ndarray) -> np.ndarray:
        col = np.arange(cells)[None, :, None]
        row = np.arange(cells)[:, None, None]
        cx = (col + _sigmoid(t[..., 0])) / cells * size
        cy = (row + _sigmoid(t[..., 1])) / cells * size
        w = np.exp(t[..., 2]) * anchors[:, 0] / cells * size
        h = np.exp(t[..., 3]) * anchors[:, 1] / cells * size
        return np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=-1)

    box = float(np.abs(corners(r) - corners(g))[mask].max()) if mask.any() else 0.0
    return {"score_max_abs": float(np.abs(score_r - score_g).max()), "box_max_px": box,
            "anchors_above_0.1": int(mask.sum())}


def metrics(contract: NetContract, data: CaseData, got: dict[str, np.ndarray]) -> dict[str, float]:
    """Task-level differences for the acceptance bars (see ``BARS``)."""
    ref = data.outputs
    name = contract.name
    if name == "ssd_mobilenetv1":
        box_px = np.abs(ref["boxes"] - got["boxes"]).max(axis=-1) * data.case.size
        mask = np.maximum(ref["scores"], got["scores"]) > _BOX_MIN_SCORE
        return {"score_max_abs": float(np.abs(ref["scores"] - got["scores"]).max()),
                "box_max_px": float(box_px[mask].max()) if mask.any() else 0.0,
                "box_max_px_all_anchors": float(box_px.max()), "anchors_above_0.1": int(mask.sum())}
    if name in ("tiny_face_detector", "tiny_yolov2"):
        return _tiny_metrics(ref["output"], got["output"])
    if name.startswith("face_landmark_68"):
        scale = np.array([max(w, h) for w, h in data.image_sizes], dtype=np.float64)[:, None]
        delta = (ref["landmarks"].astype(np.float64) - got["landmarks"]).reshape(len(scale), 68, 2)
        dist_rel = np.linalg.norm(delta, axis=-1)  # relative to the padded square side
        per_face_px = (dist_rel * scale).mean(axis=1)
        return {"landmarks_mean_px_at_2000": float((dist_rel * LANDMARK_FACE_PX).mean(axis=1).max()),
                "landmarks_mean_px_max": float(per_face_px.max()),
                "landmarks_max_px": float((dist_rel * scale).max()),
                "landmarks_mean_px112_max": float((dist_rel * 112).mean(axis=1).max())}
    if name == "face_recognition":
        dist = np.linalg.norm(ref["descriptor"].astype(np.float64) - got["descriptor"], axis=1)
        return {"descriptor_euclidean_max": float(dist.max())}
    if name == "face_expression":
        return {"expression_prob_max_abs": float(np.abs(ref["expressions"] - got["expressions"]).max())}
    if name == "age_gender":
        return {"age_max_abs": float(np.abs(ref["age"] - got["age"]).max()),
                "gender_prob_max_abs": float(np.abs(ref["gender"] - got["gender"]).max())}
    if name.startswith("mtcnn_"):
        return _mtcnn_metrics(name, ref, got)
    raise KeyError(name)


#: Side in net-input pixels of the box an MTCNN net regresses: P-Net's 12x12 cell, R-Net's and O-Net's patch.
_MTCNN_BOX_PX = {"mtcnn_pnet": 12, "mtcnn_rnet": 24, "mtcnn_onet": 48}


def _mtcnn_metrics(name: str, ref: dict[str, np.ndarray], got: dict[str, np.ndarray]) -> dict[str, float]:
    """Face score (prob[..., 1]), box regression in net-input pixels (windows scoring > 0.1) and, for
    O-Net, the 5 landmarks (relative to the box) as a mean distance for a 2000-px face."""
    score_r = ref["prob"][..., 1].astype(np.float64)
    score_g = got["prob"][..., 1].astype(np.float64)
    mask = np.maximum(score_r, score_g) > _BOX_MIN_SCORE
    box_px = np.abs(ref["regions"].astype(np.float64) - got["regions"]).max(axis=-1) * _MTCNN_BOX_PX[name]
    out = {"score_max_abs": float(np.abs(score_r - score_g).max()),
           "box_max_px": float(box_px[mask].max()) if mask.any() else 0.0,
           "box_max_px_all_windows": float(box_px.max()), "windows_above_0.1": int(mask.sum())}
    if name == "mtcnn_onet":
        delta = ref["points"].astype(np.float64) - got["points"]
        dist_rel = np.hypot(delta[:, :5], delta[:, 5:])
        out["landmarks_mean_px_at_2000"] = float((dist_rel * LANDMARK_FACE_PX).mean(axis=1).max())
        out["landmarks_max_px48"] = float((dist_rel * 48).max())
    return out


def compare(contract: NetContract, model: bytes, data: CaseData) -> dict:
    """Run ``model`` on a case and summarise the differences to face-api.js."""
    outs = run_tflite(model, data.input)
    got = {o.name: t for o, t in zip(contract.outputs, outs, strict=True)}
    max_abs: dict[str, float] = {}
    max_rel: dict[str, float] = {}
    for out in contract.outputs:
        ref = data.outputs[out.name]
        if got[out.name].shape != ref.shape:
            raise AssertionError(f"{contract.name}/{out.name}: shape {got[out.name].shape} != face-api.js {ref.shape}")
        diff = np.abs(got[out.name].astype(np.float64) - ref)
        max_abs[out.name] = float(diff.max())
        max_rel[out.name] = float(diff.max() / max(float(np.abs(ref).max()), 1e-12))
    return {"images": list(data.case.images), "inputShape": list(data.input.shape), "maxAbsDiff": max_abs,
            "maxAbsDiffRelative": max_rel, "metrics": metrics(contract, data, got)}


def summarise(cases: list[dict]) -> dict:
    """Worst case over all validation cases of every figure, and the pass/fail per bar."""
    def worst(key: str) -> dict[str, float]:
        names = {n for c in cases for n in c[key]}
        return {n: max(c[key][n] for c in cases if n in c[key]) for n in sorted(names)}

    worst_metrics = worst("metrics")
    bars = {k: {"value": v, "bar": BARS[k], "ok": v <= BARS[k]} for k, v in worst_metrics.items() if k in BARS}
    return {"maxAbsDiff": worst("maxAbsDiff"), "maxAbsDiffRelative": worst("maxAbsDiffRelative"),
            "metrics": worst_metrics, "bars": bars, "passes": all(b["ok"] for b in bars.values())}


def check_resizing(contract: NetContract, model: bytes) -> dict:
    """Check the resizable dims: resize + allocate + invoke at several shapes, and a static-shape copy.

    The static copy imitates the browser path (LiteRT.js gets the flatbuffer with its input shape
    rewritten to a concrete shape and never calls resize).
    """
    if contract.name == "mtcnn_pnet":  # any size from P-Net's 12x12 window up, not square
        shapes = [[1, 12, 12, 3], [1, 13, 17, 3], [1, 283, 426, 3], [1, 480, 640, 3]]
    elif contract.input.shape[0] == -1:
        shapes = [[b, *contract.input.shape[1:]] for b in (1, 3, 5)]
    elif contract.input.shape[1] == -1:
        shapes = [[1, s, s, 3] for s in (160, 320, 416, 608)]
    else:
        shapes = [list(contract.input.shape)]
    rng = np.random.default_rng(0)
    checked = []
    for shape in shapes:
        x = rng.uniform(0, 255, size=shape).astype(np.float32)
        outs = run_tflite(model, x)
        for out, t in zip(contract.outputs, outs, strict=True):
            expect = _expected_shape(out.shape, shape, contract)
            if list(t.shape) != expect:
                raise AssertionError(f"{contract.name}/{out.name}: shape {list(t.shape)} at {shape}, want {expect}")
            if not np.isfinite(t).all():
                raise AssertionError(f"{contract.name}/{out.name}: non-finite values at input {shape}")
        static = run_tflite(with_static_input(model, shape), x)
        for out, a, b in zip(contract.outputs, outs, static, strict=True):
            if not np.array_equal(a, b):
                raise AssertionError(f"{contract.name}/{out.name}: static-shape copy differs at {shape}")
        checked.append(shape)
    return {"resizedTo": checked, "staticShapeCopies": "identical outputs"}


def _expected_shape(out_shape: tuple[int, ...], in_shape: list[int], contract: NetContract) -> list[int]:
    if contract.name == "mtcnn_pnet":
        return [1, mtcnn_pnet_output_size(in_shape[1]), mtcnn_pnet_output_size(in_shape[2]), out_shape[-1]]
    if contract.input.shape[1] == -1:  # tiny detectors: [1, S/32, S/32, 25]
        return [1, in_shape[1] // 32, in_shape[2] // 32, out_shape[-1]]
    return [in_shape[0] if d == -1 else d for d in out_shape]


def with_static_input(model: bytes, shape: list[int]) -> bytes:
    """A copy of ``model`` whose input tensor shape (and signature) is the concrete ``shape``."""
    from tensorflow.lite.tools import flatbuffer_utils

    obj = flatbuffer_utils.convert_bytearray_to_object(bytearray(model))
    graph = obj.subgraphs[0]
    tensor = graph.tensors[graph.inputs[0]]
    tensor.shape = np.asarray(shape, dtype=np.int32)
    tensor.shapeSignature = None
    return bytes(flatbuffer_utils.convert_object_to_bytearray(obj))
