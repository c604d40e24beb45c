"""The converter's weight decoding and the models it wrote: files, manifest, I/O contract, resizing.

Runs without TensorFlow: ``tools.convert.weights`` and ``tools.convert.contracts`` need only numpy, and the
models are checked with ai-edge-litert.  Re-validating against face-api.js needs Node and is done by the
converter itself (``python -m tools.convert``); here the recorded figures are checked against the bars.
"""

from __future__ import annotations

import hashlib
import json
import struct
import sys
from pathlib import Path

import numpy as np
import pytest
from ai_edge_litert.interpreter import Interpreter

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.convert.contracts import CONTRACTS, CONTRACTS_BY_NAME, mtcnn_pnet_output_size  # noqa: E402
from tools.convert.weights import ManifestError, WeightMap, decode_weights, load_weight_map, parse_manifest  # noqa: E402

MODELS = ROOT / "models"
MANIFEST = MODELS / "manifest.json"
NAMES = [c.name for c in CONTRACTS]


# ----------------------------------------------------------------------------- weight decoding


def _manifest(tmp_path: Path, weights: list[dict], shards: list[bytes]) -> Path:
    paths = [f"toy-shard{i + 1}" for i in range(len(shards))]
    for name, data in zip(paths, shards, strict=True):
        (tmp_path / name).write_bytes(data)
    (tmp_path / "toy-weights_manifest.json").write_text(json.dumps([{"paths": paths, "weights": weights}]))
    return tmp_path


def test_uint8_dequantization_matches_tfjs_double_then_float32(tmp_path: Path) -> None:
    scale, minimum = 0.0026856216729856004, -0.34107395246917127
    q = bytes([0, 1, 127, 255])
    spec = [{"name": "w", "shape": [2, 2], "dtype": "float32",
             "quantization": {"dtype": "uint8", "scale": scale, "min": minimum}}]
    out = decode_weights(q, parse_manifest([{"paths": [], "weights": spec}])[0].weights)["w"]
    expected = np.array([np.float32(v * scale + minimum) for v in q], dtype=np.float32).reshape(2, 2)
    assert out.dtype == np.float32 and np.array_equal(out, expected)


def test_all_storage_dtypes_and_shard_concatenation(tmp_path: Path) -> None:
    floats = np.array([1.5, -2.25, 3.0], dtype="<f4").tobytes()
    ints = np.array([7, -8], dtype="<i4").tobytes()
    bools = bytes([1, 0, 1])
    halves = np.array([0.5, -1.0], dtype="<f2").tobytes()
    uint16 = np.array([0, 65535], dtype="<u2").tobytes()
    int_q = bytes([2, 3])
    blob = floats + ints + bools + halves + uint16 + int_q
    weights = [
        {"name": "f", "shape": [3], "dtype": "float32"},
        {"name": "i", "shape": [2], "dtype": "int32"},
        {"name": "b", "shape": [3], "dtype": "bool"},
        {"name": "h", "shape": [2], "dtype": "float32", "quantization": {"dtype": "float16"}},
        {"name": "u", "shape": [2], "dtype": "float32", "quantization": {"dtype": "uint16", "scale": 0.5, "min": 1}},
        {"name": "s", "shape": [2], "dtype": "int32", "quantization": {"dtype": "uint8", "scale": 1, "min": 5118}},
    ]
    # split the buffer across two shards in the middle of a tensor: tfjs concatenates a group's shards
    directory = _manifest(tmp_path, weights, [blob[:10], blob[10:]])
    got = load_weight_map(directory, "toy")
    assert got["f"].tolist() == [1.5, -2.25, 3.0]
    assert got["i"].dtype == np.int32 and got["i"].tolist() == [7, -8]
    assert got["b"].tolist() == [True, False, True]
    assert got["h"].dtype == np.float32 and got["h"].tolist() == [0.5, -1.0]
    assert got["u"].tolist() == [1.0, 32768.5]
    assert got["s"].tolist() == [5120, 5121]


def test_size_mismatch_and_unknown_dtype_are_refused(tmp_path: Path) -> None:
    directory = _manifest(tmp_path, [{"name": "f", "shape": [2], "dtype": "float32"}], [b"\0" * 12])
    with pytest.raises(ManifestError):
        load_weight_map(directory, "toy")
    bad = parse_manifest([{"paths": [], "weights": [{"name": "c", "shape": [1], "dtype": "complex64"}]}])
    with pytest.raises(ManifestError):
        decode_weights(b"\0" * 8, bad[0].weights)


def test_weight_map_checks_ranks_and_tracks_use() -> None:
    weights = WeightMap({"a": np.zeros((2, 2), np.float32), "b": np.zeros(3, np.float32)}, "toy")
    assert weights.get_rank("a", 2).shape == (2, 2)
    with pytest.raises(ManifestError):
        weights.get_rank("b", 4)
    with pytest.raises(KeyError):
        weights["missing"]
    assert weights.unused() == []
    assert WeightMap({"x": np.zeros(1)}, "toy").unused() == ["x"]


def test_decoder_agrees_with_a_hand_decoded_weight(tmp_path) -> None:
    """A uint8-quantized weight in face-api.js's manifest format, decoded by hand (``q * scale + min`` rounded
    to float32) and by the converter's loader."""
    model = "toy_model"
    quantized = bytes(range(0, 240, 7))
    spec = {"name": "conv0/filters", "shape": [len(quantized)], "dtype": "float32",
            "quantization": {"dtype": "uint8", "scale": 0.0123456789, "min": -1.2345}}
    manifest = [{"paths": [f"{model}-shard1"], "weights": [spec]}]
    (tmp_path / f"{model}-weights_manifest.json").write_text(json.dumps(manifest))
    (tmp_path / f"{model}-shard1").write_bytes(quantized)
    q = spec["quantization"]
    by_hand = [struct.unpack("f", struct.pack("f", b * q["scale"] + q["min"]))[0] for b in quantized]
    got = load_weight_map(tmp_path, model)[spec["name"]]
    assert got.shape == tuple(spec["shape"]) and got.ravel().tolist() == by_hand


# ----------------------------------------------------------------------------- converted models

@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads(MANIFEST.read_text())


def test_manifest_lists_every_model_in_contract_order(manifest: dict) -> None:
    assert manifest["schema"] == "pyfaceapi-models/1"
    assert list(manifest["models"]) == NAMES
    versions = manifest["generator"]["versions"]
    assert versions["tensorflow"] and versions["ai_edge_litert"] and versions["reference"]["faceapi.js"] == "0.22.2"


@pytest.mark.parametrize("name", NAMES)
def test_file_hash_size_and_contract(manifest: dict, name: str) -> None:
    entry = manifest["models"][name]
    contract = CONTRACTS_BY_NAME[name]
    data = (MODELS / entry["file"]).read_bytes()
    assert entry["file"] == f"{name}.tflite"
    assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["bytes"]
    assert entry["precision"] in ("float32", "float16")
    assert entry["inputs"] == [{"name": "input", "shape": list(contract.input.shape), "dtype": "float32",
                                "range": [0.0, 255.0], "meaning": contract.input.meaning}]
    assert [(o["name"], o["shape"]) for o in entry["outputs"]] == [(o.name, list(o.shape)) for o in contract.outputs]
    assert "CUSTOM" not in entry["ops"] and not any(op.startswith("OP_") for op in entry["ops"])
    source = entry["source"]
    assert source["files"] and all(len(f["sha256"]) == 64 for f in source["files"])


@pytest.mark.parametrize("name", NAMES)
def test_recorded_validation_meets_the_bars(manifest: dict, name: str) -> None:
    entry = manifest["models"][name]
    validation = entry["validation"]
    assert validation["passes"] and validation["bars"]
    assert entry["maxAbsDiff"] == validation["maxAbsDiff"]
    assert set(entry["precisionStudy"]) == {"float32", "float16"}
    # float32 reproduces face-api.js to float rounding
    assert all(v < 1e-4 for v in entry["precisionStudy"]["float32"]["maxAbsDiff"].values())
    assert len(validation["cases"]) == len(CONTRACTS_BY_NAME[name].validation)


def _run(data: bytes, shape: list[int]) -> tuple[Interpreter, list[np.ndarray]]:
    interpreter = Interpreter(model_content=data)
    (detail,) = interpreter.get_input_details()
    interpreter.resize_tensor_input(detail["index"], shape, strict=True)
    interpreter.allocate_tensors()
    x = np.random.default_rng(1).uniform(0, 255, size=shape).astype(np.float32)
    interpreter.set_tensor(detail["index"], x)
    interpreter.invoke()
    return interpreter, [interpreter.get_tensor(d["index"]) for d in interpreter.get_output_details()]


def _shapes_to_try(name: str) -> list[list[int]]:
    contract = CONTRACTS_BY_NAME[name]
    if name == "mtcnn_pnet":  # any size from its 12x12 window up
        return [[1, 12, 12, 3], [1, 37, 50, 3], [1, 283, 426, 3]]
    if contract.input.shape[0] == -1:
        return [[3, *contract.input.shape[1:]]]
    if contract.input.shape[1] == -1:
        return [[1, s, s, 3] for s in (160, 320, 416, 608)]
    return [list(contract.input.shape)]


@pytest.mark.parametrize("name", NAMES)
def test_litert_io_names_order_and_resizing(name: str) -> None:
    contract = CONTRACTS_BY_NAME[name]
    data = (MODELS / f"{name}.tflite").read_bytes()
    for shape in _shapes_to_try(name):
        interpreter, outputs = _run(data, shape)
        (inp,) = interpreter.get_input_details()
        assert inp["name"] == "input" and list(inp["shape_signature"]) == list(contract.input.shape)
        details = interpreter.get_output_details()
        assert [d["name"] for d in details] == [o.name for o in contract.outputs]
        assert [list(d["shape_signature"]) for d in details] == [list(o.shape) for o in contract.outputs]
        signature = interpreter.get_signature_list()["serving_default"]
        assert signature["inputs"] == ["input"] and sorted(signature["outputs"]) == sorted(o.name for o in
                                                                                          contract.outputs)
        for out, value in zip(contract.outputs, outputs, strict=True):
            if name == "mtcnn_pnet":
                expected = [1, mtcnn_pnet_output_size(shape[1]), mtcnn_pnet_output_size(shape[2]), out.shape[-1]]
            elif contract.input.shape[1] == -1:
                expected = [1, shape[1] // 32, shape[2] // 32, out.shape[-1]]
            else:
                expected = [shape[0] if d == -1 else d for d in out.shape]
            assert list(value.shape) == expected and np.isfinite(value).all()


def test_probabilities_are_softmax_outputs() -> None:
    for name, output in (("face_expression", 0), ("age_gender", 1)):
        _, outputs = _run((MODELS / f"{name}.tflite").read_bytes(), [3, 112, 112, 3])
        probs = outputs[output]
        assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-5) and (probs >= 0).all()
