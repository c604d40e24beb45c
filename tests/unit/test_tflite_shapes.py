"""The pure-Python TFLite shape reader/inferrer/patcher, checked against ai-edge-litert itself."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from ai_edge_litert.interpreter import Interpreter

from pyfaceapi.errors import ModelError
from pyfaceapi.runtime.tflite_shapes import TfliteFormatError, TfliteModel, read_io, specialize

ROOT = Path(__file__).resolve().parents[2]
TOYS = ROOT / "tests" / "fixtures" / "models"
SPATIAL = TOYS / "toy_spatial.tflite"
BATCH = TOYS / "toy_batch.tflite"

# input shapes to try per model: the toys, and the bundled models when the converter has made them
CASES: dict[str, list[tuple[int, ...]]] = {
    "toy_spatial": [(1, 64, 48, 3), (1, 35, 17, 3), (1, 416, 416, 3), (1, 5, 5, 3)],
    "toy_batch": [(1, 24, 24, 3), (7, 24, 24, 3)],
    "tiny_face_detector": [(1, 160, 160, 3), (1, 320, 320, 3), (1, 416, 416, 3), (1, 608, 608, 3)],
    "tiny_yolov2": [(1, 128, 128, 3), (1, 416, 416, 3)],
    "ssd_mobilenetv1": [(1, 512, 512, 3)],
    "face_landmark_68": [(1, 112, 112, 3), (3, 112, 112, 3)],
    "face_landmark_68_tiny": [(1, 112, 112, 3), (3, 112, 112, 3)],
    "face_expression": [(1, 112, 112, 3), (2, 112, 112, 3)],
    "age_gender": [(1, 112, 112, 3), (2, 112, 112, 3)],
    "face_recognition": [(1, 150, 150, 3), (2, 150, 150, 3)],
    "mtcnn_pnet": [(1, 12, 12, 3), (1, 37, 53, 3), (1, 200, 150, 3)],
    "mtcnn_rnet": [(1, 24, 24, 3), (5, 24, 24, 3)],
    "mtcnn_onet": [(1, 48, 48, 3), (3, 48, 48, 3)],
}


def model_paths() -> list[Path]:
    bundled = sorted(p for p in (ROOT / "models").glob("*.tflite") if p.stem in CASES)
    return [SPATIAL, BATCH, *bundled]


def litert_run(data: bytes, x: np.ndarray, resize: bool) -> list[np.ndarray]:
    interpreter = Interpreter(model_content=data)
    if resize:
        interpreter.resize_tensor_input(interpreter.get_input_details()[0]["index"], list(x.shape), strict=True)
    interpreter.allocate_tensors()
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], x)
    interpreter.invoke()
    return [interpreter.get_tensor(d["index"]) for d in interpreter.get_output_details()]


def test_reads_the_interface_and_signature_of_the_spatial_toy() -> None:
    io = read_io(SPATIAL.read_bytes())
    (inp,) = io.inputs
    assert (inp.dtype, inp.shape, inp.shape_signature) == ("float32", (1, 1, 1, 3), (1, -1, -1, 3))
    assert inp.is_dynamic
    assert [o.shape_signature for o in io.outputs] == [(1, -1, -1, 10), (1, 8)]
    signature = io.default_signature
    assert signature is not None and signature.key == "serving_default"
    assert signature.input_names == ("input",) and signature.inputs == (inp.index,)
    # the signature lists outputs alphabetically, the subgraph in its own order: both are kept
    assert signature.output_names == ("amean", "zgrid")
    assert signature.outputs == (io.outputs[1].index, io.outputs[0].index)


def test_interface_matches_litert() -> None:
    for path in model_paths():
        data = path.read_bytes()
        io = read_io(data)
        interpreter = Interpreter(model_content=data)
        for infos, details in ((io.inputs, interpreter.get_input_details()),
                               (io.outputs, interpreter.get_output_details())):
            got = [(i.index, i.name, i.shape, i.shape_signature, i.dtype) for i in infos]
            want = [(d["index"], d["name"], tuple(int(v) for v in d["shape"]),
                     tuple(int(v) for v in d["shape_signature"]), np.dtype(d["dtype"]).name) for d in details]
            assert got == want, path.name


@pytest.mark.parametrize("path", model_paths(), ids=lambda p: p.stem)
def test_inferred_output_shapes_match_litert(path: Path) -> None:
    data = path.read_bytes()
    model = TfliteModel(data)
    for shape in CASES[path.stem]:
        interpreter = Interpreter(model_content=data)
        if tuple(interpreter.get_input_details()[0]["shape"]) != shape:
            interpreter.resize_tensor_input(model.io.inputs[0].index, list(shape), strict=True)
        interpreter.allocate_tensors()
        want = [tuple(int(v) for v in d["shape"]) for d in interpreter.get_output_details()]
        assert model.output_shapes([shape]) == want, (path.name, shape)


@pytest.mark.parametrize("path", [SPATIAL, BATCH], ids=lambda p: p.stem)
def test_specialized_model_is_static_and_computes_the_same(path: Path) -> None:
    data = path.read_bytes()
    rng = np.random.default_rng(7)
    for shape in CASES[path.stem][:2]:
        patched, output_shapes = specialize(data, [shape])
        assert len(patched) == len(data)
        interpreter = Interpreter(model_content=patched)
        (detail,) = interpreter.get_input_details()
        assert tuple(detail["shape"]) == shape and tuple(detail["shape_signature"]) == shape
        assert [tuple(d["shape_signature"]) for d in interpreter.get_output_details()] == output_shapes
        x = rng.uniform(0, 255, shape).astype(np.float32)
        for got, want in zip(litert_run(patched, x, resize=False), litert_run(data, x, resize=True), strict=True):
            assert got.shape == want.shape
            np.testing.assert_array_equal(got, want)


def test_patch_changes_only_the_shape_vectors() -> None:
    data = SPATIAL.read_bytes()
    model = TfliteModel(data)
    patched, _ = model.specialize([(1, 64, 48, 3)])
    changed = [i for i, (a, b) in enumerate(zip(data, patched, strict=True)) if a != b]
    # input: 2 dims x 2 vectors; zgrid output: 2 dims x 2 vectors; 4 bytes each, at most
    assert 0 < len(changed) <= 8 * 4 * 2
    assert TfliteModel(patched).io.inputs[0].shape_signature == (1, 64, 48, 3)
    assert TfliteModel(patched).io.outputs[0].shape_signature == (1, 9, 7, 10)
    assert TfliteModel(patched).io.outputs[1].shape_signature == (1, 8)


@pytest.mark.parametrize("shape", [(1, 64, 48), (2, 64, 48, 3), (1, 64, 48, 4), (1, -1, 48, 3)])
def test_shapes_that_do_not_fit_are_refused(shape: tuple[int, ...]) -> None:
    with pytest.raises(ModelError, match="shape"):
        specialize(SPATIAL.read_bytes(), [shape])


def test_wrong_number_of_input_shapes_is_refused() -> None:
    with pytest.raises(ModelError, match="1 inputs"):
        TfliteModel(SPATIAL.read_bytes()).infer_shapes([(1, 8, 8, 3), (1, 8, 8, 3)])


def test_patch_refuses_a_conflicting_fixed_dimension() -> None:
    model = TfliteModel(BATCH.read_bytes())
    with pytest.raises(ModelError, match="cannot give it the shape"):
        model.patch({model.io.inputs[0].index: (1, 25, 24, 3)})


@pytest.mark.parametrize("data", [b"", b"\x00" * 8, b"\x08\x00\x00\x00TFL3", b"not a model at all"])
def test_bad_files_raise_format_errors(data: bytes) -> None:
    with pytest.raises(TfliteFormatError):
        read_io(data)


def test_truncated_file_raises_a_format_error() -> None:
    data = SPATIAL.read_bytes()
    with pytest.raises(TfliteFormatError):
        TfliteModel(data[: len(data) // 3]).output_shapes([(1, 64, 48, 3)])


def test_shapes_computed_from_data_are_refused_with_the_operator() -> None:
    model = TfliteModel((TOYS / "toy_data_shape.tflite").read_bytes())
    assert model.io.outputs[0].shape_signature == (-1, -1)
    with pytest.raises(ModelError, match=r"operator #\d+ \(RESHAPE\) takes a computed, not constant, shape"):
        model.specialize([(2, 4, 4, 3)])
