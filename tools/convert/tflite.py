"""Trace a forward pass, convert it to a builtin-ops-only TFLite flatbuffer and fix its I/O names.

The TFLite converter names tensors after the TF graph (``serving_default_input:0``,
``PartitionedCall:1``) and orders outputs by signature key.  After conversion the flatbuffer is
rewritten so that tensor names and signature keys are exactly the contract names and the
subgraph outputs come in contract order; ``check_model`` then verifies all of that.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import tensorflow as tf
from ai_edge_litert.interpreter import Interpreter
from tensorflow.lite.python import schema_py_generated as schema
from tensorflow.lite.tools import flatbuffer_utils

from .contracts import NetContract

_CUSTOM = schema.BuiltinOperator.CUSTOM
_OP_NAMES = {value: name for name, value in vars(schema.BuiltinOperator).items() if not name.startswith("_")}


class ConversionError(RuntimeError):
    """The converted model violates its contract."""


@dataclass(frozen=True)
class ConvertedModel:
    """A flatbuffer plus the facts recorded in the manifest."""

    data: bytes
    precision: str
    ops: tuple[str, ...]

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the flatbuffer."""
        return hashlib.sha256(self.data).hexdigest()


def _key(index: int, name: str) -> str:
    """Temporary signature key that sorts in contract order."""
    return f"{index:02d}_{name}"


def convert(contract: NetContract, forward: Callable[[tf.Tensor], list[tf.Tensor]], precision: str) -> ConvertedModel:
    """Convert ``forward`` to TFLite (``precision`` "float32" or "float16" weights) with contract names."""
    shape = [None if d == -1 else d for d in contract.input.shape]
    names = [o.name for o in contract.outputs]

    class Net(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec(shape, tf.float32, name=contract.input.name)])
        def serve(self, pixels: tf.Tensor) -> dict[str, tf.Tensor]:
            outs = forward(pixels)
            if len(outs) != len(names):
                raise ConversionError(f"{contract.name}: forward gave {len(outs)} outputs, contract has {len(names)}")
            return {_key(i, n): t for i, (n, t) in enumerate(zip(names, outs, strict=True))}

    module = Net()
    concrete = module.serve.get_concrete_function()
    converter = tf.lite.TFLiteConverter.from_concrete_functions([concrete], module)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
    converter.allow_custom_ops = False
    data = _rename_io(converter.convert(), contract)
    if precision == "float16":
        data = float16_weights(data)
    elif precision != "float32":
        raise ValueError(f"unknown precision {precision!r}")
    ops = check_model(data, contract)
    return ConvertedModel(data=data, precision=precision, ops=ops)


def _rename_io(data: bytes, contract: NetContract) -> bytes:
    """Give the input/output tensors and signature keys their contract names, outputs in contract order."""
    model = flatbuffer_utils.convert_bytearray_to_object(bytearray(data))
    if len(model.subgraphs) != 1 or len(model.signatureDefs) != 1:
        raise ConversionError(f"{contract.name}: expected one subgraph and one signature")
    graph = model.subgraphs[0]
    signature = model.signatureDefs[0]
    by_key = {_text(m.name): m.tensorIndex for m in signature.outputs}
    order = [by_key[_key(i, o.name)] for i, o in enumerate(contract.outputs)]
    graph.outputs = order
    for tensor_index, out in zip(order, contract.outputs, strict=True):
        graph.tensors[tensor_index].name = out.name
    signature.outputs = []
    for tensor_index, out in zip(order, contract.outputs, strict=True):
        entry = schema.TensorMapT()
        entry.name = out.name
        entry.tensorIndex = tensor_index
        signature.outputs.append(entry)
    (input_index,) = graph.inputs
    graph.tensors[input_index].name = contract.input.name
    for entry in signature.inputs:
        entry.name = contract.input.name
    return bytes(flatbuffer_utils.convert_object_to_bytearray(model))


#: Operators whose input 1 is a weight tensor worth storing as float16.
_WEIGHT_OPS = {schema.BuiltinOperator.CONV_2D, schema.BuiltinOperator.DEPTHWISE_CONV_2D,
               schema.BuiltinOperator.FULLY_CONNECTED}
_DEQUANTIZE_FP16_VERSION = 3  # DEQUANTIZE with a float16 input
_FP16_MIN_RUNTIME = "1.15.0"


def float16_weights(data: bytes) -> bytes:
    """Store the constant filters of conv / depthwise conv / fully connected ops as float16.

    Each such filter becomes a float16 constant followed by a ``DEQUANTIZE`` op (the pattern
    ``TFLiteConverter`` emits with ``supported_types=[tf.float16]``, which XNNPACK folds back into
    float32 weights at load time).  Unlike the converter's float16 mode, biases, normalisation
    constants, the leaky-relu slope and the SSD anchors stay float32, and no
    ``reduced_precision_support`` metadata is added, so arithmetic stays float32 everywhere.
    """
    model = flatbuffer_utils.convert_bytearray_to_object(bytearray(data))
    graph = model.subgraphs[0]
    builtin = [max(c.builtinCode, c.deprecatedBuiltinCode) for c in model.operatorCodes]
    targets: list[int] = []
    for op in graph.operators:
        if builtin[op.opcodeIndex] in _WEIGHT_OPS:
            index = int(op.inputs[1])
            tensor = graph.tensors[index]
            constant = model.buffers[tensor.buffer].data is not None
            if tensor.type == schema.TensorType.FLOAT32 and constant and index not in targets:
                targets.append(index)
    code = schema.OperatorCodeT()
    code.builtinCode = code.deprecatedBuiltinCode = schema.BuiltinOperator.DEQUANTIZE
    code.version = _DEQUANTIZE_FP16_VERSION
    model.operatorCodes.append(code)
    dequantize = len(model.operatorCodes) - 1
    prologue = []
    for index in targets:
        tensor = graph.tensors[index]
        values = np.frombuffer(bytes(model.buffers[tensor.buffer].data), dtype="<f4")
        buffer = schema.BufferT()
        buffer.data = np.frombuffer(values.astype("<f2").tobytes(), dtype=np.uint8)
        model.buffers.append(buffer)
        model.buffers[tensor.buffer].data = None  # now computed by DEQUANTIZE
        half = schema.TensorT()
        half.shape = tensor.shape
        half.type = schema.TensorType.FLOAT16
        half.buffer = len(model.buffers) - 1
        half.name = _text(tensor.name) + "_float16"
        graph.tensors.append(half)
        op = schema.OperatorT()
        op.opcodeIndex = dequantize
        op.inputs = [len(graph.tensors) - 1]
        op.outputs = [index]
        prologue.append(op)
    graph.operators = prologue + list(graph.operators)
    for entry in model.metadata or []:
        if _text(entry.name) == "min_runtime_version":
            raw = bytes(model.buffers[entry.buffer].data)
            current = raw.rstrip(b"\0").decode()
            if _version_tuple(current) < _version_tuple(_FP16_MIN_RUNTIME):
                padded = _FP16_MIN_RUNTIME.encode().ljust(len(raw), b"\0")
                model.buffers[entry.buffer].data = np.frombuffer(padded, dtype=np.uint8)
    return bytes(flatbuffer_utils.convert_object_to_bytearray(model))


def _text(value: bytes | str | None) -> str:
    return value.decode() if isinstance(value, bytes) else (value or "")


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def op_names(data: bytes) -> tuple[str, ...]:
    """Sorted builtin operator names used by the model (``CUSTOM`` if a custom/Flex op is present)."""
    model = flatbuffer_utils.convert_bytearray_to_object(bytearray(data))
    names = set()
    for code in model.operatorCodes:
        builtin = max(code.builtinCode, code.deprecatedBuiltinCode)
        names.add(_OP_NAMES.get(builtin, f"OP_{builtin}"))
    return tuple(sorted(names))


def check_model(data: bytes, contract: NetContract) -> tuple[str, ...]:
    """Verify builtin-only ops and contract I/O with ``tf.lite.Interpreter``; return the op names."""
    ops = op_names(data)
    if _OP_NAMES[_CUSTOM] in ops:
        raise ConversionError(f"{contract.name}: model contains custom or Flex ops: {ops}")
    interpreter = Interpreter(model_content=data)
    _check_details(interpreter.get_input_details(), [contract.input], contract.name)
    _check_details(interpreter.get_output_details(), list(contract.outputs), contract.name)
    signatures = interpreter.get_signature_list()
    expected = {"inputs": [contract.input.name], "outputs": sorted(o.name for o in contract.outputs)}
    got = {k: sorted(v) for k, v in next(iter(signatures.values())).items()}
    if got != expected:
        raise ConversionError(f"{contract.name}: signature {signatures} != {expected}")
    return ops


def _check_details(details: Sequence[dict], wanted: Sequence, net: str) -> None:
    got = [(d["name"], tuple(int(v) for v in d["shape_signature"]), d["dtype"].__name__) for d in details]
    want = [(t.name, tuple(t.shape), t.dtype) for t in wanted]
    if got != want:
        raise ConversionError(f"{net}: tensors {got} do not match contract {want}")
