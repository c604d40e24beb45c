"""Pick and hold the inference runtime: ai-edge-litert in CPython, LiteRT.js in Pyodide.

``get_runtime()`` returns the process-wide runtime, created on first use for the current platform;
``set_runtime()`` replaces it (e.g. ``LiteRTRuntime(num_threads=2)``) — set it before loading nets, since a
loaded net keeps the model its runtime made.
"""

from __future__ import annotations

import sys

from .base import Model, Runtime, ShapeCache

_runtime: Runtime | None = None


def get_runtime() -> Runtime:
    global _runtime
    if _runtime is None:
        if sys.platform == "emscripten":
            from .litertjs import LiteRTJsRuntime

            _runtime = LiteRTJsRuntime()
        else:
            from .litert import LiteRTRuntime

            _runtime = LiteRTRuntime()
    return _runtime


def set_runtime(runtime: Runtime) -> None:
    global _runtime
    _runtime = runtime


__all__ = ["Model", "Runtime", "ShapeCache", "get_runtime", "set_runtime"]
