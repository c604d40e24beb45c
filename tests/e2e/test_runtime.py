"""The LiteRT.js runtime itself (pyfaceapi.runtime.litertjs) in the page, against ai-edge-litert here.

Uses the toy models of tests/fixtures/models: one with dynamic spatial dims and two outputs whose signature
order differs from the model's, one with a dynamic batch. Shapes are specialised at run time, compiled once
each and kept in a bounded LRU.
"""

from __future__ import annotations

import base64
import json

import numpy as np
from ai_edge_litert.interpreter import Interpreter

from .conftest import FIXTURES, Session

RUN_IN_PYODIDE = """
import base64, json
import numpy as np
from pyfaceapi.errors import ModelError
from pyfaceapi.runtime.litertjs import LiteRTJsRuntime

def pattern(shape):
    return (np.arange(int(np.prod(shape)), dtype=np.float64) * 37.3 % 255).astype(np.float32).reshape(shape)

runtime = LiteRTJsRuntime(cache_size=2)
result = {}
for name, shapes in CASES.items():
    model = runtime.load_model(bytes(MODELS[name]), name)
    runs = []
    for shape in shapes:
        outputs = model.run([pattern(shape)])
        runs.append([[list(o.shape), str(o.dtype), base64.b64encode(o.tobytes()).decode()] for o in outputs])
    errors = []
    for bad in BAD[name]:
        try:
            model.run([np.zeros(bad, np.float32)])
            errors.append(None)
        except ModelError as exc:
            errors.append(str(exc))
    result[name] = {"runs": runs, "cached": len(model._cache), "errors": errors}
json.dumps(result)
"""

CASES = {
    "toy_spatial": [(1, 64, 48, 3), (1, 35, 17, 3), (1, 16, 16, 3), (1, 64, 48, 3)],
    "toy_batch": [(1, 24, 24, 3), (3, 24, 24, 3)],
}
BAD = {"toy_spatial": [(1, 64, 48, 4), (64, 48, 3)], "toy_batch": [(1, 25, 24, 3)]}


def pattern(shape: tuple[int, ...]) -> np.ndarray:
    return (np.arange(int(np.prod(shape)), dtype=np.float64) * 37.3 % 255).astype(np.float32).reshape(shape)


def litert_outputs(data: bytes, shape: tuple[int, ...]) -> list[np.ndarray]:
    interpreter = Interpreter(model_content=data)
    interpreter.resize_tensor_input(interpreter.get_input_details()[0]["index"], list(shape), strict=True)
    interpreter.allocate_tensors()
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], pattern(shape))
    interpreter.invoke()
    return [interpreter.get_tensor(d["index"]) for d in interpreter.get_output_details()]


def test_litertjs_runtime_matches_ai_edge_litert(session: Session) -> None:
    code = f"CASES = {CASES!r}\nBAD = {BAD!r}\n{RUN_IN_PYODIDE}"
    raw = session.js(
        """async ([code, names]) => {
            const { pyodide } = await faceapi.init();
            const models = {};
            for (const name of names) {
                const response = await fetch(`${__t.FIXTURES}models/${name}.tflite`);
                models[name] = new Uint8Array(await response.arrayBuffer());
            }
            const globals = pyodide.toPy({ MODELS: models });
            try {
                return pyodide.runPython(code, { globals });
            } finally {
                globals.destroy();
            }
        }""",
        [code, list(CASES)],
    )
    result = json.loads(raw)
    for name, shapes in CASES.items():
        data = (FIXTURES / "models" / f"{name}.tflite").read_bytes()
        assert result[name]["cached"] == min(2, len(set(shapes)))
        for shape, run in zip(shapes, result[name]["runs"], strict=True):
            expected = litert_outputs(data, shape)
            assert [tuple(o[0]) for o in run] == [e.shape for e in expected], (name, shape)
            for (out_shape, dtype, blob), want in zip(run, expected, strict=True):
                assert dtype == "float32"
                got = np.frombuffer(base64.b64decode(blob), dtype=np.float32).reshape(out_shape)
                np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, err_msg=f"{name} {shape}")
    assert result["toy_spatial"]["errors"][0] == (
        "toy_spatial: input shape (1, 64, 48, 4) does not fit the model's (1, -1, -1, 3)"
    )
    assert "does not fit" in result["toy_spatial"]["errors"][1]
    assert "does not fit the model's (-1, 24, 24, 3)" in result["toy_batch"]["errors"][0]
