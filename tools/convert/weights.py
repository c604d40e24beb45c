"""Read tfjs weight manifests and decode their shards the way tfjs does.

A tfjs model directory holds ``<model>-weights_manifest.json`` (a list of *groups*; each group
names its binary shards in ``paths`` and describes the tensors in ``weights``) plus the shard
files.  The shards of one group are concatenated and the tensors follow each other in that
buffer, in manifest order.  This module reproduces ``tf.io.decodeWeights`` (tfjs-core 1.7 and
4.x agree on every case handled here):

* unquantized ``float32`` / ``int32`` / ``bool``: little-endian raw values;
* ``uint8`` / ``uint16`` quantization: ``value = q * scale + min`` evaluated in double precision
  and then stored as float32 (``int32`` tensors: ``Math.round`` of that value);
* ``float16`` quantization (tfjs 4.x only): IEEE half floats widened to float32.

Only numpy is needed, so the unit tests can import this module without TensorFlow.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: Bytes per element of each storage dtype tfjs knows.
_ITEM_SIZE: dict[str, int] = {"float32": 4, "int32": 4, "bool": 1, "uint8": 1, "uint16": 2, "float16": 2}
_NUMPY_DTYPE: dict[str, str] = {"float32": "<f4", "int32": "<i4", "bool": "u1", "uint8": "u1", "uint16": "<u2",
                                "float16": "<f2"}


class ManifestError(ValueError):
    """The manifest or its shards do not describe a loadable set of weights."""


@dataclass(frozen=True)
class Quantization:
    """The ``quantization`` entry of a weight spec."""

    dtype: str
    scale: float | None = None
    min: float | None = None


@dataclass(frozen=True)
class WeightSpec:
    """One tensor of a weight group, as listed in the manifest."""

    name: str
    shape: tuple[int, ...]
    dtype: str
    quantization: Quantization | None = None

    @property
    def size(self) -> int:
        """Number of elements (1 for a scalar)."""
        return math.prod(self.shape)

    @property
    def byte_length(self) -> int:
        """Bytes the tensor occupies in the group buffer."""
        storage = self.quantization.dtype if self.quantization else self.dtype
        if storage not in _ITEM_SIZE:
            raise ManifestError(f"weight {self.name!r}: unsupported dtype {storage!r}")
        return self.size * _ITEM_SIZE[storage]


@dataclass(frozen=True)
class WeightGroup:
    """One entry of the manifest: shard file names and the tensors stored in them."""

    paths: tuple[str, ...]
    weights: tuple[WeightSpec, ...]


def parse_manifest(manifest: list[dict]) -> list[WeightGroup]:
    """Turn the JSON of a ``*-weights_manifest.json`` into typed groups."""
    groups: list[WeightGroup] = []
    for group in manifest:
        specs = []
        for entry in group["weights"]:
            q = entry.get("quantization")
            quant = None
            if q is not None:
                quant = Quantization(dtype=q["dtype"], scale=q.get("scale"), min=q.get("min"))
            specs.append(WeightSpec(name=entry["name"], shape=tuple(int(d) for d in entry["shape"]),
                                    dtype=entry["dtype"], quantization=quant))
        groups.append(WeightGroup(paths=tuple(group["paths"]), weights=tuple(specs)))
    return groups


def _dequantize(raw: bytes, spec: WeightSpec) -> np.ndarray:
    quant = spec.quantization
    assert quant is not None
    stored = np.frombuffer(raw, dtype=_NUMPY_DTYPE[quant.dtype])
    if quant.dtype in ("uint8", "uint16"):
        if quant.scale is None or quant.min is None:
            raise ManifestError(f"weight {spec.name!r}: {quant.dtype} quantization without scale/min")
        # JS evaluates `v * scale + min` on doubles; the typed array then rounds once.
        wide = stored.astype(np.float64) * quant.scale + quant.min
        if spec.dtype == "float32":
            return wide.astype(np.float32)
        if spec.dtype == "int32":
            return np.floor(wide + 0.5).astype(np.int32)  # Math.round
        raise ManifestError(f"weight {spec.name!r}: cannot dequantize to {spec.dtype!r}")
    if quant.dtype == "float16":
        if spec.dtype != "float32":
            raise ManifestError(f"weight {spec.name!r}: float16 quantization of a {spec.dtype} tensor")
        return stored.astype(np.float32)
    raise ManifestError(f"weight {spec.name!r}: unknown quantization dtype {quant.dtype!r}")


def decode_weights(buffer: bytes, specs: tuple[WeightSpec, ...] | list[WeightSpec]) -> dict[str, np.ndarray]:
    """Decode the concatenated shards of one group into ``{name: array}`` (like ``tf.io.decodeWeights``)."""
    out: dict[str, np.ndarray] = {}
    offset = 0
    for spec in specs:
        end = offset + spec.byte_length
        if end > len(buffer):
            raise ManifestError(f"weight {spec.name!r} ends at byte {end}, buffer has {len(buffer)}")
        raw = buffer[offset:end]
        if spec.quantization is not None:
            values = _dequantize(raw, spec)
        elif spec.dtype == "bool":
            values = np.frombuffer(raw, dtype="u1").astype(bool)
        elif spec.dtype in ("float32", "int32"):
            values = np.frombuffer(raw, dtype=_NUMPY_DTYPE[spec.dtype]).astype(spec.dtype)
        else:
            raise ManifestError(f"weight {spec.name!r}: unsupported dtype {spec.dtype!r}")
        out[spec.name] = values.reshape(spec.shape)
        offset = end
    return out


def manifest_path(directory: Path, model: str) -> Path:
    """Path of ``<model>-weights_manifest.json`` in ``directory``."""
    return directory / f"{model}-weights_manifest.json"


def source_files(directory: Path, model: str) -> list[Path]:
    """The manifest followed by every shard it references, in manifest order."""
    path = manifest_path(directory, model)
    groups = parse_manifest(json.loads(path.read_text()))
    return [path] + [directory / p for g in groups for p in g.paths]


def load_weight_map(directory: Path, model: str) -> dict[str, np.ndarray]:
    """Load every tensor of ``model`` from ``directory`` (manifest + shards)."""
    path = manifest_path(directory, model)
    groups = parse_manifest(json.loads(path.read_text()))
    weights: dict[str, np.ndarray] = {}
    for group in groups:
        buffer = b"".join((directory / p).read_bytes() for p in group.paths)
        used = sum(spec.byte_length for spec in group.weights)
        if used != len(buffer):
            raise ManifestError(f"{path.name}: group {group.paths} holds {len(buffer)} bytes, specs need {used}")
        weights.update(decode_weights(buffer, group.weights))
    return weights


class WeightMap(Mapping[str, np.ndarray]):
    """A read-only weight map that checks ranks and records which entries a net used."""

    def __init__(self, weights: Mapping[str, np.ndarray], model: str) -> None:
        self._weights = dict(weights)
        self._model = model
        self.used: set[str] = set()

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._weights:
            raise KeyError(f"{self._model}: no weight {name!r}")
        self.used.add(name)
        return self._weights[name]

    def __iter__(self):
        return iter(self._weights)

    def __len__(self) -> int:
        return len(self._weights)

    def get_rank(self, name: str, rank: int) -> np.ndarray:
        """Return a float32 weight, insisting on its rank (as face-api.js's ``extractWeightEntry`` does)."""
        value = self[name]
        if value.ndim != rank:
            raise ManifestError(f"{self._model}: weight {name!r} has rank {value.ndim}, expected {rank}")
        return np.asarray(value, dtype=np.float32)

    def unused(self) -> list[str]:
        """Names that were never read (face-api.js disposes these, e.g. the SSD's graph constants)."""
        return sorted(set(self._weights) - self.used)
