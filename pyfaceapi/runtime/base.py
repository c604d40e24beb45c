"""The runtime seam: the one place where CPython and Pyodide differ for inference.

A *runtime* turns the bytes of a ``.tflite`` file into a :class:`Model`; a model runs float32 numpy arrays
and returns numpy arrays, outputs in the model's own output order. Everything else in pyfaceapi (pre- and
post-processing, tasks, drawing) is plain numpy and never sees which runtime it talks to.

Shapes: our models declare dynamic dimensions (``-1``) where face-api.js accepts any size (the batch of
face crops, the input size of the tiny detectors). A runtime specialises a model to the concrete input
shapes of each call and keeps a bounded number of specialisations, so alternating sizes do not recompile.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, Protocol, TypeVar

import numpy as np


class Model(Protocol):
    """A loaded model, ready to run."""

    name: str

    def run(self, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        """Run on float32 ``inputs`` (one array per model input); returns one array per model output."""
        ...


class Runtime(Protocol):
    """Loads ``.tflite`` bytes into :class:`Model` objects."""

    name: str

    def load_model(self, data: bytes, name: str, cache_size: int | None = None) -> Model:
        """Parse and prepare the model; raise :class:`~pyfaceapi.errors.ModelError` if it cannot be used.

        ``cache_size``: how many input-shape specialisations to keep for this model, when it needs more
        than the runtime's default (MTCNN's P-Net runs at one shape per pyramid level).
        """
        ...


T = TypeVar("T")


class ShapeCache(Generic[T]):
    """A small LRU of per-input-shape specialisations (interpreters, compiled models)."""

    def __init__(self, capacity: int = 4) -> None:
        if capacity < 1:
            raise ValueError("ShapeCache capacity must be at least 1")
        self.capacity = capacity
        self._items: dict[tuple[tuple[int, ...], ...], T] = {}

    def get(self, key: tuple[tuple[int, ...], ...]) -> T | None:
        item = self._items.pop(key, None)
        if item is not None:
            self._items[key] = item
        return item

    def put(self, key: tuple[tuple[int, ...], ...], item: T) -> list[T]:
        """Store ``item``; returns the evicted items (so the caller can free them)."""
        self._items[key] = item
        evicted = []
        while len(self._items) > self.capacity:
            oldest = next(iter(self._items))
            evicted.append(self._items.pop(oldest))
        return evicted

    def __len__(self) -> int:
        return len(self._items)
