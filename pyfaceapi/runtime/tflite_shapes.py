"""Read, infer and specialise the input/output shapes of a ``.tflite`` file, in pure Python.

LiteRT.js (the browser runtime) has no dynamic shapes: a model whose input is ``[1, -1, -1, 3]`` must be
rewritten to concrete shapes, e.g. input ``[1, 416, 416, 3]`` and output ``[1, 13, 13, 25]``, before it is
compiled (its output buffers are sized from the model's declared output shapes). This module reads the
few parts of the TFLite flatbuffer that matter for that — ``Model.subgraphs[0]`` (tensors, inputs,
outputs, operators), ``Model.buffers`` (constant shape arguments) and ``Model.signature_defs`` — infers
the output shapes for given input shapes by evaluating the shape function of each operator on the
dynamic path, and patches the interface tensors' ``shape`` and ``shape_signature`` int vectors *in
place* in a copy of the file. The ranks never change, so no offset moves and the rest of the file stays
byte-identical (intermediate tensors keep their placeholders; the runtime propagates shapes itself).

Only the flatbuffer wire format is needed (little-endian; a table starts with an int32 offset back to its
vtable; a vtable lists uint16 field offsets; vectors are a uint32 length followed by their elements), so
there is no dependency on the ``flatbuffers`` or ``tflite`` packages, and the module runs unchanged in
Pyodide. Field ids follow TensorFlow's ``schema.fbs`` (schema version 3).
"""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..errors import ModelError

# Field ids from tensorflow/compiler/mlir/lite/schema/schema.fbs
_MODEL_SUBGRAPHS = 2
_MODEL_SIGNATURE_DEFS = 7
_SUBGRAPH_TENSORS = 0
_SUBGRAPH_INPUTS = 1
_SUBGRAPH_OUTPUTS = 2
_TENSOR_SHAPE = 0
_TENSOR_TYPE = 1
_TENSOR_NAME = 3
_TENSOR_SHAPE_SIGNATURE = 7
_SIGNATURE_INPUTS = 0
_SIGNATURE_OUTPUTS = 1
_SIGNATURE_KEY = 2
_SIGNATURE_SUBGRAPH_INDEX = 4
_TENSOR_MAP_NAME = 0
_TENSOR_MAP_TENSOR_INDEX = 1

TENSOR_TYPES = (
    "float32", "float16", "int32", "uint8", "int64", "string", "bool", "int16", "complex64", "int8",
    "float64", "complex128", "uint64", "resource", "variant", "uint32", "uint16", "int4", "bfloat16",
)
"""TFLite ``TensorType`` names by enum value."""


class TfliteFormatError(ModelError):
    """The bytes are not a TFLite flatbuffer this module can read (truncated, corrupt, or not TFLite)."""


@dataclass(frozen=True)
class TensorInfo:
    """One tensor of the main subgraph: its index, name, dtype and shapes.

    ``shape`` is the stored shape (dynamic dimensions hold a placeholder, usually 1); ``shape_signature``
    has ``-1`` for each dynamic dimension (it equals ``shape`` when the file stores no signature).
    """

    index: int
    name: str
    dtype: str
    shape: tuple[int, ...]
    shape_signature: tuple[int, ...]

    @property
    def is_dynamic(self) -> bool:
        return any(d < 0 for d in self.shape_signature)

    def fits(self, shape: Sequence[int]) -> bool:
        """Whether a concrete ``shape`` matches this tensor's signature (same rank, fixed dims equal)."""
        return len(shape) == len(self.shape_signature) and all(
            d < 0 or d == s for s, d in zip(shape, self.shape_signature, strict=True)
        )


@dataclass(frozen=True)
class Signature:
    """A ``SignatureDef``: its key and the tensor indices of its inputs and outputs, in its own order."""

    key: str
    input_names: tuple[str, ...]
    inputs: tuple[int, ...]
    output_names: tuple[str, ...]
    outputs: tuple[int, ...]


@dataclass(frozen=True)
class ModelIO:
    """The interface of a model's main subgraph (inputs and outputs in the model's own order)."""

    inputs: tuple[TensorInfo, ...]
    outputs: tuple[TensorInfo, ...]
    signatures: tuple[Signature, ...]

    @property
    def default_signature(self) -> Signature | None:
        """The signature of subgraph 0 that runtimes run by default (the first one), if the file has any."""
        return self.signatures[0] if self.signatures else None


class _Reader:
    """Bounds-checked access to the flatbuffer wire format."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def _unpack(self, fmt: str, pos: int) -> int:
        size = struct.calcsize(fmt)
        if pos < 0 or pos + size > len(self.data):
            raise TfliteFormatError(f"offset {pos} lies outside the file ({len(self.data)} bytes): truncated?")
        return struct.unpack_from(fmt, self.data, pos)[0]

    def u8(self, pos: int) -> int:
        return self._unpack("<B", pos)

    def u16(self, pos: int) -> int:
        return self._unpack("<H", pos)

    def u32(self, pos: int) -> int:
        return self._unpack("<I", pos)

    def i32(self, pos: int) -> int:
        return self._unpack("<i", pos)

    def field(self, table: int, field_id: int) -> int | None:
        """The absolute position of a field of ``table``, or ``None`` when it is absent."""
        vtable = table - self.i32(table)
        vtable_size = self.u16(vtable)
        slot = 4 + 2 * field_id
        if slot + 2 > vtable_size:
            return None
        offset = self.u16(vtable + slot)
        return table + offset if offset else None

    def indirect(self, pos: int) -> int:
        return pos + self.u32(pos)

    def table_field(self, table: int, field_id: int) -> int | None:
        pos = self.field(table, field_id)
        return None if pos is None else self.indirect(pos)

    def vector(self, table: int, field_id: int) -> tuple[int, int] | None:
        """(position of the first element, length) of a vector field, or ``None``."""
        pos = self.table_field(table, field_id)
        if pos is None:
            return None
        length = self.u32(pos)
        if pos + 4 + 4 * length > len(self.data):
            raise TfliteFormatError(f"a vector at offset {pos} runs past the end of the file")
        return pos + 4, length

    def tables(self, table: int, field_id: int) -> list[int]:
        vec = self.vector(table, field_id)
        if vec is None:
            return []
        start, length = vec
        return [self.indirect(start + 4 * i) for i in range(length)]

    def ints(self, table: int, field_id: int) -> tuple[int, ...] | None:
        vec = self.vector(table, field_id)
        if vec is None:
            return None
        start, length = vec
        return struct.unpack_from(f"<{length}i", self.data, start)

    def string(self, table: int, field_id: int) -> str:
        pos = self.table_field(table, field_id)
        if pos is None:
            return ""
        length = self.u32(pos)
        raw = self.data[pos + 4 : pos + 4 + length]
        if len(raw) != length:
            raise TfliteFormatError(f"a string at offset {pos} runs past the end of the file")
        return raw.decode("utf-8", errors="replace")

    def scalar_u32(self, table: int, field_id: int, default: int = 0) -> int:
        pos = self.field(table, field_id)
        return default if pos is None else self.u32(pos)

    def scalar_u8(self, table: int, field_id: int, default: int = 0) -> int:
        pos = self.field(table, field_id)
        return default if pos is None else self.u8(pos)


    def scalar_i32(self, table: int, field_id: int, default: int = 0) -> int:
        pos = self.field(table, field_id)
        return default if pos is None else self.i32(pos)

    def bytes_vector(self, table: int, field_id: int) -> bytes | None:
        pos = self.table_field(table, field_id)
        if pos is None:
            return None
        length = self.u32(pos)
        raw = self.data[pos + 4 : pos + 4 + length]
        if len(raw) != length:
            raise TfliteFormatError(f"a byte vector at offset {pos} runs past the end of the file")
        return raw


# -- builtin operators whose output shapes can be inferred (values from schema.fbs's BuiltinOperator)
_UNARY = {
    6: "DEQUANTIZE", 8: "FLOOR", 11: "L2_NORMALIZATION", 14: "LOGISTIC", 19: "RELU", 20: "RELU_N1_TO_1",
    21: "RELU6", 25: "SOFTMAX", 28: "TANH", 47: "EXP", 50: "LOG_SOFTMAX", 53: "CAST", 59: "NEG", 66: "SIN",
    73: "LOG", 75: "SQRT", 76: "RSQRT", 92: "SQUARE", 98: "LEAKY_RELU", 101: "ABS", 104: "CEIL", 108: "COS",
    111: "ELU", 114: "QUANTIZE", 116: "ROUND", 117: "HARD_SWISH", 150: "GELU",
}
_BINARY = {
    0: "ADD", 18: "MUL", 41: "SUB", 42: "DIV", 54: "PRELU", 55: "MAXIMUM", 57: "MINIMUM", 78: "POW",
    90: "FLOOR_DIV", 95: "FLOOR_MOD", 99: "SQUARED_DIFFERENCE",
}
_REDUCE = {40: "MEAN", 74: "SUM", 81: "REDUCE_PROD", 82: "REDUCE_MAX", 89: "REDUCE_MIN"}
_PAD = {34: "PAD", 60: "PADV2", 100: "MIRROR_PAD"}
_CONV_2D, _DEPTHWISE_CONV_2D, _AVERAGE_POOL_2D, _MAX_POOL_2D = 3, 4, 1, 17
_CONCATENATION, _FULLY_CONNECTED, _RESHAPE, _TRANSPOSE, _SQUEEZE = 2, 9, 22, 39, 43
_EXPAND_DIMS, _BATCH_MATMUL, _RESIZE_BILINEAR, _RESIZE_NEAREST = 70, 126, 23, 97
_SAME = 0
_OTHER_NAMES = {32: "CUSTOM", 45: "STRIDED_SLICE", 65: "SLICE", 77: "SHAPE", 83: "PACK", 88: "UNPACK", 94: "FILL",
                96: "RANGE", 36: "GATHER"}

# Table fields used by the inference (schema.fbs declaration order)
_MODEL_OPERATOR_CODES = 1
_MODEL_BUFFERS = 4
_SUBGRAPH_OPERATORS = 3
_OPCODE_DEPRECATED_BUILTIN = 0
_OPCODE_BUILTIN = 3
_OPERATOR_OPCODE_INDEX = 0
_OPERATOR_INPUTS = 1
_OPERATOR_OUTPUTS = 2
_OPERATOR_OPTIONS = 4
_TENSOR_BUFFER = 2
_BUFFER_DATA = 0
_BUFFER_OFFSET = 1
_BUFFER_SIZE = 2

Shape = tuple[int, ...]


@dataclass(frozen=True)
class _Operator:
    index: int
    code: int
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    options: int | None


class TfliteModel:
    """A parsed ``.tflite`` file: its interface, shape inference for new input shapes, and patching.

    Typical use (what the LiteRT.js runtime does for each new input shape)::

        model = TfliteModel(data)
        patched, output_shapes = model.specialize([(1, 416, 416, 3)])
    """

    def __init__(self, data: bytes) -> None:
        self.data = bytes(data)
        self._reader = reader = _Reader(self.data)
        if len(self.data) < 8:
            raise TfliteFormatError(f"{len(self.data)} bytes is too short for a TFLite model")
        if self.data[4:8] != b"TFL3":
            raise TfliteFormatError("not a TFLite model (the file identifier 'TFL3' is missing)")
        self._root = reader.indirect(0)
        subgraphs = reader.tables(self._root, _MODEL_SUBGRAPHS)
        if not subgraphs:
            raise TfliteFormatError("the model has no subgraph")
        self._subgraph = subgraphs[0]
        self._tensors = reader.tables(self._subgraph, _SUBGRAPH_TENSORS)
        self.io = ModelIO(
            tuple(self.tensor(i) for i in reader.ints(self._subgraph, _SUBGRAPH_INPUTS) or ()),
            tuple(self.tensor(i) for i in reader.ints(self._subgraph, _SUBGRAPH_OUTPUTS) or ()),
            self._signatures(),
        )
        self._operators: list[_Operator] | None = None

    # -- reading
    def tensor(self, index: int) -> TensorInfo:
        """Name, dtype and shapes of tensor ``index`` of the main subgraph."""
        reader = self._reader
        if not 0 <= index < len(self._tensors):
            raise TfliteFormatError(f"tensor index {index} is out of range ({len(self._tensors)} tensors)")
        table = self._tensors[index]
        shape = reader.ints(table, _TENSOR_SHAPE) or ()
        signature = reader.ints(table, _TENSOR_SHAPE_SIGNATURE)
        type_code = reader.scalar_u8(table, _TENSOR_TYPE)
        dtype = TENSOR_TYPES[type_code] if type_code < len(TENSOR_TYPES) else f"type{type_code}"
        return TensorInfo(index, reader.string(table, _TENSOR_NAME), dtype, tuple(shape),
                          tuple(signature) if signature else tuple(shape))

    def _signatures(self) -> tuple[Signature, ...]:
        reader = self._reader
        signatures = []
        for sig in reader.tables(self._root, _MODEL_SIGNATURE_DEFS):
            if reader.scalar_u32(sig, _SIGNATURE_SUBGRAPH_INDEX) != 0:
                continue
            inputs = reader.tables(sig, _SIGNATURE_INPUTS)
            outputs = reader.tables(sig, _SIGNATURE_OUTPUTS)
            signatures.append(Signature(
                reader.string(sig, _SIGNATURE_KEY),
                tuple(reader.string(e, _TENSOR_MAP_NAME) for e in inputs),
                tuple(reader.scalar_u32(e, _TENSOR_MAP_TENSOR_INDEX) for e in inputs),
                tuple(reader.string(e, _TENSOR_MAP_NAME) for e in outputs),
                tuple(reader.scalar_u32(e, _TENSOR_MAP_TENSOR_INDEX) for e in outputs),
            ))
        return tuple(signatures)

    def _operator_list(self) -> list[_Operator]:
        if self._operators is None:
            reader = self._reader
            codes = []
            for code in reader.tables(self._root, _MODEL_OPERATOR_CODES):
                codes.append(max(reader.scalar_u8(code, _OPCODE_DEPRECATED_BUILTIN),
                                 reader.scalar_i32(code, _OPCODE_BUILTIN)))
            operators = []
            for index, op in enumerate(reader.tables(self._subgraph, _SUBGRAPH_OPERATORS)):
                opcode_index = reader.scalar_u32(op, _OPERATOR_OPCODE_INDEX)
                if opcode_index >= len(codes):
                    raise TfliteFormatError(f"operator #{index} has an unknown opcode index {opcode_index}")
                operators.append(_Operator(index, codes[opcode_index], reader.ints(op, _OPERATOR_INPUTS) or (),
                                           reader.ints(op, _OPERATOR_OUTPUTS) or (),
                                           reader.table_field(op, _OPERATOR_OPTIONS)))
            self._operators = operators
        return self._operators

    def _constant_ints(self, index: int) -> tuple[int, ...] | None:
        """The values of a constant int32/int64 tensor (e.g. a reshape target), or ``None``."""
        reader = self._reader
        info = self.tensor(index)
        if info.dtype not in ("int32", "int64"):
            return None
        buffers = reader.tables(self._root, _MODEL_BUFFERS)
        buffer_index = reader.scalar_u32(self._tensors[index], _TENSOR_BUFFER)
        if not 0 < buffer_index < len(buffers):
            return None
        raw = reader.bytes_vector(buffers[buffer_index], _BUFFER_DATA)
        if not raw:
            offset_pos = reader.field(buffers[buffer_index], _BUFFER_OFFSET)
            size_pos = reader.field(buffers[buffer_index], _BUFFER_SIZE)
            if offset_pos is None or size_pos is None:
                return None
            offset, size = (struct.unpack_from("<Q", self.data, p)[0] for p in (offset_pos, size_pos))
            raw = self.data[offset : offset + size]
        fmt = "i" if info.dtype == "int32" else "q"
        count = len(raw) // struct.calcsize(fmt)
        return struct.unpack_from(f"<{count}{fmt}", raw)

    # -- shape inference
    def infer_shapes(self, input_shapes: Sequence[Sequence[int]]) -> dict[int, Shape]:
        """Shapes of the tensors of the main subgraph when its inputs have ``input_shapes``.

        Tensors whose shape signature is static keep their stored shape; every operator with a dynamic
        output is evaluated in order (the subgraph's operators are stored topologically sorted). The
        operators that can be evaluated are the ones face-api.js's nets convert to (convolutions,
        pooling, padding, element-wise maths, reductions, reshape with a constant target, ...); any other
        raises :class:`ModelError` naming it.
        """
        inputs = self.io.inputs
        if len(input_shapes) != len(inputs):
            raise ModelError(f"the model has {len(inputs)} inputs, got {len(input_shapes)} shapes")
        shapes: dict[int, Shape] = {}
        for info in (self.tensor(i) for i in range(len(self._tensors))):
            if not info.is_dynamic:
                shapes[info.index] = info.shape
        for info, shape in zip(inputs, input_shapes, strict=True):
            shape = tuple(int(d) for d in shape)
            if any(d < 0 for d in shape) or not info.fits(shape):
                raise ModelError(f"input {info.name!r} has shape signature {list(info.shape_signature)}: "
                                 f"cannot run it with shape {list(shape)}")
            shapes[info.index] = shape
        for op in self._operator_list():
            if all(o in shapes for o in op.outputs if o >= 0):
                continue
            missing = [i for i in op.inputs if i >= 0 and i not in shapes]
            if missing:
                raise ModelError(f"operator #{op.index} reads tensor(s) {missing} before any operator wrote them")
            results = self._evaluate(op, shapes)
            for output, shape in zip(op.outputs, results, strict=True):
                info = self.tensor(output)
                if not info.fits(shape):
                    raise ModelError(f"shape inference gave {list(shape)} for tensor {info.name!r}, which does "
                                     f"not fit its signature {list(info.shape_signature)}")
                shapes[output] = shape
        return shapes

    def output_shapes(self, input_shapes: Sequence[Sequence[int]]) -> list[Shape]:
        """The shapes of the model's outputs (in the model's output order) for ``input_shapes``."""
        shapes = self.infer_shapes(input_shapes)
        return [shapes[o.index] for o in self.io.outputs]

    def _evaluate(self, op: _Operator, shapes: dict[int, Shape]) -> list[Shape]:
        reader = self._reader
        ins = [shapes[i] if i >= 0 else () for i in op.inputs]
        opts = op.options
        code = op.code

        def option(field_id: int, default: int = 0) -> int:
            return default if opts is None else reader.scalar_i32(opts, field_id, default)

        def option_u8(field_id: int, default: int = 0) -> int:
            return default if opts is None else reader.scalar_u8(opts, field_id, default)

        def constant(position: int) -> tuple[int, ...]:
            values = self._constant_ints(op.inputs[position]) if len(op.inputs) > position else None
            if values is None:
                raise ModelError(f"operator #{op.index} ({self._op_name(code)}) takes a computed, not constant, "
                                 "shape argument: LiteRT.js needs models whose shapes do not depend on data")
            return values

        if code in _UNARY:
            return [ins[0]]
        if code in _BINARY:
            return [_broadcast(ins[0], ins[1], op.index)]
        if code in (_CONV_2D, _DEPTHWISE_CONV_2D):
            n, h, w, _ = ins[0]
            filters = ins[1]
            base = 4 if code == _DEPTHWISE_CONV_2D else 3  # depthwise has depth_multiplier at field 3
            dilation_w, dilation_h = option(base + 1, 1), option(base + 2, 1)
            padding, stride_w, stride_h = option_u8(0), option(1), option(2)
            return [(n, _window(h, filters[1], stride_h, dilation_h, padding),
                     _window(w, filters[2], stride_w, dilation_w, padding),
                     filters[0] if code == _CONV_2D else filters[3])]
        if code in (_AVERAGE_POOL_2D, _MAX_POOL_2D):
            n, h, w, c = ins[0]
            padding, stride_w, stride_h, filter_w, filter_h = option_u8(0), option(1), option(2), option(3), option(4)
            return [(n, _window(h, filter_h, stride_h, 1, padding), _window(w, filter_w, stride_w, 1, padding), c)]
        if code in _PAD:
            paddings = constant(1)
            return [tuple(d + paddings[2 * i] + paddings[2 * i + 1] for i, d in enumerate(ins[0]))]
        if code in _REDUCE:
            rank = len(ins[0])
            axes = {a % rank for a in constant(1)}
            keep_dims = option_u8(0) != 0
            return [tuple(1 if i in axes else d for i, d in enumerate(ins[0]) if keep_dims or i not in axes)]
        if code == _CONCATENATION:
            rank = len(ins[0])
            axis = option(0) % rank
            return [tuple(sum(s[axis] for s in ins) if i == axis else d for i, d in enumerate(ins[0]))]
        if code == _FULLY_CONNECTED:
            units, depth = ins[1]
            if option_u8(2):  # keep_num_dims
                return [(*ins[0][:-1], units)]
            return [(_product(ins[0]) // depth, units)]
        if code == _BATCH_MATMUL:
            x, y = ins[0], ins[1]
            rows = x[-1] if option_u8(0) else x[-2]
            cols = y[-2] if option_u8(1) else y[-1]
            return [(*_broadcast(x[:-2], y[:-2], op.index), rows, cols)]
        if code == _RESHAPE:
            target = constant(1) if len(op.inputs) > 1 and op.inputs[1] >= 0 else None
            if target is None:
                target = (reader.ints(opts, 0) or ()) if opts is not None else ()
            return [_reshape(ins[0], target, op.index)]
        if code == _TRANSPOSE:
            return [tuple(ins[0][p] for p in constant(1))]
        if code == _EXPAND_DIMS:
            (axis,) = constant(1)
            axis = axis % (len(ins[0]) + 1)
            return [(*ins[0][:axis], 1, *ins[0][axis:])]
        if code == _SQUEEZE:
            rank = len(ins[0])
            axes = {a % rank for a in (reader.ints(opts, 0) or ())} if opts is not None else set()
            return [tuple(d for i, d in enumerate(ins[0]) if (i not in axes if axes else d != 1))]
        if code in (_RESIZE_BILINEAR, _RESIZE_NEAREST):
            height, width = constant(1)
            return [(ins[0][0], height, width, ins[0][3])]
        raise ModelError(f"cannot infer shapes through operator #{op.index} ({self._op_name(code)}), which has a "
                         "dynamic output: LiteRT.js needs static shapes, so export the model with fixed shapes")

    @staticmethod
    def _op_name(code: int) -> str:
        names = {
            **_OTHER_NAMES, **_UNARY, **_BINARY, **_REDUCE, **_PAD,
            _CONV_2D: "CONV_2D", _DEPTHWISE_CONV_2D: "DEPTHWISE_CONV_2D", _AVERAGE_POOL_2D: "AVERAGE_POOL_2D",
            _MAX_POOL_2D: "MAX_POOL_2D", _CONCATENATION: "CONCATENATION", _FULLY_CONNECTED: "FULLY_CONNECTED",
            _RESHAPE: "RESHAPE", _TRANSPOSE: "TRANSPOSE", _SQUEEZE: "SQUEEZE", _EXPAND_DIMS: "EXPAND_DIMS",
            _BATCH_MATMUL: "BATCH_MATMUL", _RESIZE_BILINEAR: "RESIZE_BILINEAR",
            _RESIZE_NEAREST: "RESIZE_NEAREST_NEIGHBOR",
        }
        return names.get(code, f"builtin operator {code}")

    # -- patching
    def patch(self, shapes: Mapping[int, Sequence[int]]) -> bytes:
        """A copy of the file in which each tensor ``index -> shape`` of ``shapes`` has that concrete shape.

        Both ``shape`` and ``shape_signature`` (when stored) are overwritten, so the model no longer
        declares those dimensions dynamic. The new shape must have the tensor's rank and agree with its
        fixed dimensions. A shape vector shared with another tensor (converters do not write such files)
        is refused rather than silently changing both.
        """
        reader = self._reader
        owners: dict[int, list[int]] = {}
        for index, table in enumerate(self._tensors):
            for field_id in (_TENSOR_SHAPE, _TENSOR_SHAPE_SIGNATURE):
                vec = reader.vector(table, field_id)
                if vec is not None and vec[1]:
                    owners.setdefault(vec[0], []).append(index)
        patched = bytearray(self.data)
        for index, new_shape in shapes.items():
            info = self.tensor(index)
            new_shape = tuple(int(d) for d in new_shape)
            if any(d < 0 for d in new_shape) or not info.fits(new_shape):
                raise ModelError(f"tensor {info.name!r} (#{index}) has shape signature "
                                 f"{list(info.shape_signature)}: cannot give it the shape {list(new_shape)}")
            for field_id in (_TENSOR_SHAPE, _TENSOR_SHAPE_SIGNATURE):
                vec = reader.vector(self._tensors[index], field_id)
                if vec is None or not vec[1]:
                    continue
                start, length = vec
                sharers = [i for i in owners[start] if i != index and tuple(shapes.get(i, ())) != new_shape]
                if sharers:
                    raise ModelError(f"tensor {info.name!r} (#{index}) shares its shape vector with tensor(s) "
                                     f"{sharers}: cannot patch it in place")
                struct.pack_into(f"<{length}i", patched, start, *new_shape)
        return bytes(patched)

    def specialize(self, input_shapes: Sequence[Sequence[int]]) -> tuple[bytes, list[Shape]]:
        """The model with static ``input_shapes`` and the matching output shapes, and those output shapes."""
        shapes = self.infer_shapes(input_shapes)
        interface = [info.index for info in (*self.io.inputs, *self.io.outputs)]
        return self.patch({i: shapes[i] for i in interface}), [shapes[o.index] for o in self.io.outputs]


def _window(size: int, kernel: int, stride: int, dilation: int, padding: int) -> int:
    """Output length of a convolution or pooling window (TFLite's ``ComputeOutSize``)."""
    if stride <= 0:
        raise ModelError(f"invalid stride {stride} in the model")
    if padding == _SAME:
        return -(-size // stride)
    effective = (kernel - 1) * dilation + 1
    return max(0, (size - effective + stride) // stride)


def _broadcast(a: Sequence[int], b: Sequence[int], op_index: int) -> Shape:
    rank = max(len(a), len(b))
    a = (1,) * (rank - len(a)) + tuple(a)
    b = (1,) * (rank - len(b)) + tuple(b)
    out = []
    for x, y in zip(a, b, strict=True):
        if x != y and 1 not in (x, y):
            raise ModelError(f"operator #{op_index}: shapes {list(a)} and {list(b)} do not broadcast")
        out.append(y if x == 1 else x)
    return tuple(out)


def _product(shape: Sequence[int]) -> int:
    result = 1
    for d in shape:
        result *= d
    return result


def _reshape(shape: Sequence[int], target: Sequence[int], op_index: int) -> Shape:
    total = _product(shape)
    known = _product(d for d in target if d != -1)
    if list(target).count(-1) > 1 or (known and total % known):
        raise ModelError(f"operator #{op_index}: cannot reshape {list(shape)} to {list(target)}")
    return tuple(total // known if d == -1 else d for d in target)


def read_io(data: bytes) -> ModelIO:
    """The inputs, outputs and signatures of the main subgraph of a ``.tflite`` file."""
    return TfliteModel(data).io


def specialize(data: bytes, input_shapes: Sequence[Sequence[int]]) -> tuple[bytes, list[Shape]]:
    """``data`` rewritten for static ``input_shapes`` (and the inferred output shapes), plus those shapes."""
    return TfliteModel(data).specialize(input_shapes)
