"""Browser runtime: LiteRT.js (``@litertjs/core``, its wasm/XNNPACK CPU build), driven from Pyodide.

The page loads LiteRT.js and hands its module to Python (``faceapi.js`` does both)::

    import * as litert from "./litert/core/dist/index.js";
    await litert.loadLiteRt("./litert/core/wasm/");          // threads only if crossOriginIsolated
    pyodide.registerJsModule("litertjs", litert);

Everything else happens here, synchronously, through Pyodide's JS bridge — so ``Model.run()`` behaves as
in CPython. LiteRT.js's public ``CompiledModel.run()`` is async, but the wasm module's own
``compileModel()`` and ``LiteRtCompiledModel.run()`` return their results directly in the (non-JSPI)
wasm builds; those are the calls used, the same ones ``@litertjs/core``'s ``loadAndCompile()`` and
``CompiledModelSignatureRunner.runWithArray()`` make.

LiteRT.js has no dynamic shapes, so each new combination of input shapes gets its own copy of the model,
rewritten to static input and output shapes by :mod:`.tflite_shapes`, compiled once and kept in a small
LRU (:class:`~pyfaceapi.runtime.base.ShapeCache`). Input tensor buffers are allocated once per
specialisation and refilled on each run; outputs are copied straight from the wasm heap into numpy.
"""

from __future__ import annotations

import weakref
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import ModelError
from .base import ShapeCache
from .tflite_shapes import Shape, TfliteModel

Shapes = tuple[Shape, ...]
JS_MODULE = "litertjs"
"""Name under which the page registers the ``@litertjs/core`` module with ``pyodide.registerJsModule``."""


def _js_error(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


class LiteRTJsRuntime:
    """Runs models with LiteRT.js's wasm CPU accelerator (XNNPACK), like ai-edge-litert in CPython.

    ``litert``: the ``@litertjs/core`` module (default: the one registered as ``litertjs``), already
    loaded with ``loadLiteRt()``. ``num_threads``: XNNPACK threads (default: what the loaded wasm build
    offers, 1 unless the threaded build was loaded). ``cache_size``: specialisations kept per model (a model
    may ask for more, see :meth:`load_model`; each one is a compiled copy of the model in wasm memory).
    """

    name = "litert.js"

    def __init__(self, cache_size: int = 4, num_threads: int | None = None, litert: Any = None) -> None:
        self.cache_size = cache_size
        self.num_threads = num_threads
        self._litert = litert
        self.compilations: Counter[str] = Counter()
        """How many specialisations LiteRT.js compiled, by model name, since this runtime was made (a model
        loaded again keeps counting under its name). A net running on frames of one size stops growing it."""

    @property
    def litert(self) -> Any:
        if self._litert is None:
            try:
                import litertjs  # type: ignore[import-not-found]  # registered by the page (faceapi.js)
            except ImportError as exc:
                raise ModelError(
                    "LiteRT.js is not available: load pyfaceapi through faceapi.js, or load @litertjs/core, "
                    f"call loadLiteRt() and pyodide.registerJsModule('{JS_MODULE}', module) first"
                ) from exc
            self._litert = litertjs
        return self._litert

    def load_model(self, data: bytes, name: str, cache_size: int | None = None) -> LiteRTJsModel:
        try:
            lite_rt = self.litert.getGlobalLiteRt()
        except Exception as exc:  # a JsException: LiteRtNotLoadedError
            raise ModelError(f"LiteRT.js is not loaded yet ({_js_error(exc)})") from exc
        return LiteRTJsModel(lite_rt, data, name, max(self.cache_size, cache_size or 0), self.num_threads,
                             self.compilations)


class LiteRTJsModel:
    """One ``.tflite`` model, compiled by LiteRT.js once per concrete input shape (bounded LRU)."""

    def __init__(self, lite_rt: Any, data: bytes, name: str, cache_size: int, num_threads: int | None,
                 compilations: Counter[str] | None = None) -> None:
        self.name = name
        self._compilations = compilations if compilations is not None else Counter()
        self._lite_rt = lite_rt
        self._num_threads = num_threads
        self._tflite = TfliteModel(data)
        io = self._tflite.io
        for tensor in (*io.inputs, *io.outputs):
            if tensor.dtype != "float32":
                raise ModelError(f"{name}: tensor {tensor.name!r} is {tensor.dtype}; pyfaceapi models are float32")
        self.input_shapes: list[tuple[int, ...]] = [t.shape_signature for t in io.inputs]
        self._cache: ShapeCache[_Specialisation] = ShapeCache(cache_size)
        if not any(t.is_dynamic for t in io.inputs):
            self._specialisation_for(tuple(self.input_shapes))  # static model: compile now, fail early

    def run(self, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        if len(inputs) != len(self.input_shapes):
            raise ModelError(f"{self.name}: expected {len(self.input_shapes)} inputs, got {len(inputs)}")
        arrays = [np.ascontiguousarray(x, dtype=np.float32) for x in inputs]
        shapes: Shapes = tuple(tuple(int(d) for d in a.shape) for a in arrays)
        for shape, declared in zip(shapes, self.input_shapes, strict=True):
            if len(shape) != len(declared) or any(d not in (-1, s) for s, d in zip(shape, declared, strict=True)):
                raise ModelError(f"{self.name}: input shape {shape} does not fit the model's {declared}")
        return self._specialisation_for(shapes).run(arrays)

    def _specialisation_for(self, shapes: Shapes) -> _Specialisation:
        item = self._cache.get(shapes)
        if item is None:
            item = _Specialisation(self._lite_rt, self._tflite, shapes, self.name, self._num_threads)
            self._compilations[self.name] += 1
            for evicted in self._cache.put(shapes, item):
                evicted.delete()
        return item


class _Specialisation:
    """The model compiled for one set of input shapes, with its input buffers."""

    def __init__(self, lite_rt: Any, tflite: TfliteModel, shapes: Shapes, name: str,
                 num_threads: int | None) -> None:
        from pyodide.ffi import to_js  # type: ignore[import-not-found]

        self.name = name
        io = tflite.io
        if any(t.is_dynamic for t in (*io.inputs, *io.outputs)):
            data, output_shapes = tflite.specialize(shapes)
        else:
            data, output_shapes = tflite.data, [t.shape for t in io.outputs]
        self.input_shapes = shapes
        self.output_shapes = output_shapes
        wasm = self._wasm = lite_rt.liteRtWasm
        environment = lite_rt.getDefaultEnvironment()
        self._objects: list[Any] = []  # embind objects to delete (in reverse order) with the model bytes
        pointer = wasm._malloc(len(data))
        # frees the wasm memory on delete() (eviction) or, at the latest, when this object is collected
        self.delete = weakref.finalize(self, _release, wasm, self._objects, pointer)
        try:
            wasm.HEAPU8.subarray(pointer, pointer + len(data)).assign(data)
            self._model = self._keep(wasm.loadModel(environment.liteRtEnvironment, pointer, len(data)))
            options = to_js({
                "environment": environment,
                "accelerator": "wasm",
                "cpuOptions": {"numThreads": num_threads or wasm.getThreadCount()},
                "gpuOptions": {},
                "webNNOptions": {},
            }, dict_converter=_object_from_entries())
            compiled = wasm.compileModel(environment.liteRtEnvironment, self._model, options)
            if hasattr(compiled, "then"):
                raise ModelError(f"{name}: this LiteRT.js build compiles asynchronously (JSPI); load its "
                                 "non-JSPI wasm build")
            self._compiled = self._keep(compiled)
            input_order, output_order = self._signature_order(tflite)
            self._output_order = output_order
            self._inputs: list[Any] = [None] * len(io.inputs)
            for position, index in enumerate(input_order):
                self._inputs[index] = self._input_buffer(environment, position, shapes[index], to_js)
            self._js_inputs = to_js([self._inputs[i] for i in input_order])
        except ModelError:
            self.delete()
            raise
        except Exception as exc:  # JsException from LiteRT.js
            self.delete()
            raise ModelError(f"{name}: LiteRT.js cannot compile this model for input shapes "
                             f"{[list(s) for s in shapes]} ({_js_error(exc)})") from exc

    def _keep(self, obj: Any) -> Any:
        self._objects.append(obj)
        return obj

    def _signature_order(self, tflite: TfliteModel) -> tuple[list[int], list[int]]:
        """For LiteRT.js's signature inputs/outputs, the positions of the same tensors in the model's
        own input/output order (LiteRT.js runs the first signature; the model's order is the contract)."""
        io = tflite.io
        signature = io.default_signature
        lite_signature = self._model.getSignature(0)
        try:
            lite_inputs = _strings(lite_signature.inputNames())
            lite_outputs = _strings(lite_signature.outputNames())
        finally:
            lite_signature.delete()
        orders = []
        for kind, lite_names, tensors in (("inputs", lite_inputs, io.inputs), ("outputs", lite_outputs, io.outputs)):
            position = {t.index: p for p, t in enumerate(tensors)}
            if signature is not None:
                names = signature.input_names if kind == "inputs" else signature.output_names
                indices = signature.inputs if kind == "inputs" else signature.outputs
                by_name = {n: position.get(i) for n, i in zip(names, indices, strict=True)}
            else:
                by_name = {t.name: p for p, t in enumerate(tensors)}
            order = [by_name.get(n) for n in lite_names]
            if None in order or sorted(order) != list(range(len(tensors))):  # type: ignore[type-var]
                raise ModelError(f"{self.name}: LiteRT.js's signature {kind} {lite_names} do not match the "
                                 f"model's {[t.name for t in tensors]}")
            orders.append(order)
        return orders[0], orders[1]  # type: ignore[return-value]

    def _input_buffer(self, environment: Any, position: int, shape: Shape, to_js: Any) -> Any:
        wasm = self._wasm
        dims = wasm.VectorInt32.new()
        try:
            for d in shape:
                dims.push_back(d)
            layout = wasm.LiteRtLayout.create(dims)
        finally:
            dims.delete()
        try:
            tensor_type = wasm.LiteRtRankedTensorType.create(
                to_js({"value": 1}, dict_converter=_object_from_entries()), layout)  # 1: FLOAT32
        finally:
            layout.delete()
        try:
            nbytes = int(np.prod(shape, dtype=np.int64)) * 4
            buffer = self._keep(wasm.LiteRtTensorBuffer.createManaged(
                environment.liteRtEnvironment, wasm.LiteRtTensorBufferType.HOST_MEMORY, tensor_type, nbytes))
        finally:
            tensor_type.delete()
        expected = self._model.getInputTensorType(0, position)
        requirements = self._compiled.getInputBufferRequirements(0, position)
        try:
            wasm.checkTensorBufferCompatible(buffer, expected, requirements)
        finally:
            expected.delete()
            requirements.delete()
        return buffer

    def run(self, arrays: Sequence[np.ndarray]) -> list[np.ndarray]:
        wasm = self._wasm
        try:
            for buffer, array in zip(self._inputs, arrays, strict=True):
                pointer = buffer.lock(wasm.LiteRtTensorBufferLockMode.WRITE)
                try:
                    wasm.HEAPU8.subarray(pointer, pointer + array.nbytes).assign(array.reshape(-1).view(np.uint8))
                finally:
                    buffer.unlock()
            outputs = self._compiled.run(0, self._js_inputs)
        except Exception as exc:  # JsException
            raise ModelError(f"{self.name}: LiteRT.js failed to run ({_js_error(exc)})") from exc
        results: list[np.ndarray | None] = [None] * len(self.output_shapes)
        buffers = list(outputs)
        try:
            for buffer, index in zip(buffers, self._output_order, strict=True):
                result = np.empty(self.output_shapes[index], dtype=np.float32)
                if buffer.packedSize() != result.nbytes or buffer.offset() != 0:
                    raise ModelError(f"{self.name}: LiteRT.js output {index} has {buffer.packedSize()} bytes, "
                                     f"expected {result.nbytes} for shape {list(result.shape)}")
                pointer = buffer.lock(wasm.LiteRtTensorBufferLockMode.READ)
                try:
                    wasm.HEAPU8.subarray(pointer, pointer + result.nbytes).assign_to(result.reshape(-1).view(np.uint8))
                finally:
                    buffer.unlock()
                results[index] = result
        finally:
            for buffer in buffers:
                buffer.delete()
        return results  # type: ignore[return-value]


def _release(wasm: Any, objects: list[Any], pointer: int) -> None:
    """Delete LiteRT.js objects (newest first) and free the model bytes they point into."""
    for obj in reversed(objects):
        obj.delete()
    objects.clear()
    wasm._free(pointer)


def _strings(vector: Any) -> list[str]:
    try:
        return [str(vector.get(i)) for i in range(vector.size())]
    finally:
        vector.delete()


def _object_from_entries() -> Any:
    import js  # type: ignore[import-not-found]

    return js.Object.fromEntries
