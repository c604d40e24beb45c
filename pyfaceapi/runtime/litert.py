"""CPython runtime: ``ai_edge_litert`` (tflite-runtime's maintained successor), imported lazily."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from ..errors import ModelError
from .base import ShapeCache

Shapes = tuple[tuple[int, ...], ...]


class LiteRTRuntime:
    """Runs models with ``ai_edge_litert.interpreter.Interpreter``.

    ``num_threads`` is passed to each interpreter (``None``: LiteRT's default). Each model holds a lock, so
    one model object may be shared by threads; calls on the same model are serialised.
    """

    name = "ai-edge-litert"

    def __init__(self, num_threads: int | None = None, cache_size: int = 4) -> None:
        self.num_threads = num_threads
        self.cache_size = cache_size

    def load_model(self, data: bytes, name: str, cache_size: int | None = None) -> LiteRTModel:
        return LiteRTModel(data, name, self.num_threads, max(self.cache_size, cache_size or 0))


class LiteRTModel:
    """One ``.tflite`` model with one interpreter per concrete input shape (bounded LRU)."""

    def __init__(self, data: bytes, name: str, num_threads: int | None, cache_size: int) -> None:
        try:
            from ai_edge_litert.interpreter import Interpreter
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ModelError(
                "the CPython runtime needs the 'ai-edge-litert' package: pip install ai-edge-litert"
            ) from exc
        self.name = name
        self._data = bytes(data)
        self._new_interpreter = lambda: Interpreter(model_content=self._data, num_threads=num_threads)
        self._lock = threading.Lock()
        self._cache: ShapeCache[object] = ShapeCache(cache_size)
        try:
            interpreter = self._new_interpreter()
        except (ValueError, RuntimeError) as exc:
            raise ModelError(f"{name}: LiteRT cannot load this model ({exc})") from exc
        details = interpreter.get_input_details()
        self.input_shapes: list[tuple[int, ...]] = [tuple(int(d) for d in x["shape_signature"]) for x in details]

    def run(self, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        if len(inputs) != len(self.input_shapes):
            raise ModelError(f"{self.name}: expected {len(self.input_shapes)} inputs, got {len(inputs)}")
        arrays = [np.ascontiguousarray(x, dtype=np.float32) for x in inputs]
        shapes: Shapes = tuple(a.shape for a in arrays)
        for shape, declared in zip(shapes, self.input_shapes, strict=True):
            if len(shape) != len(declared) or any(d not in (-1, s) for s, d in zip(shape, declared, strict=True)):
                raise ModelError(f"{self.name}: input shape {shape} does not fit the model's {declared}")
        with self._lock:
            interpreter = self._interpreter_for(shapes)
            for detail, array in zip(interpreter.get_input_details(), arrays, strict=True):
                interpreter.set_tensor(detail["index"], array)
            interpreter.invoke()
            return [interpreter.get_tensor(d["index"]) for d in interpreter.get_output_details()]

    def _interpreter_for(self, shapes: Shapes):
        interpreter = self._cache.get(shapes)
        if interpreter is None:
            interpreter = self._new_interpreter()
            for detail, shape in zip(interpreter.get_input_details(), shapes, strict=True):
                if tuple(detail["shape"]) != shape:
                    interpreter.resize_tensor_input(detail["index"], list(shape), strict=True)
            interpreter.allocate_tensors()
            self._cache.put(shapes, interpreter)
        return interpreter
