"""TensorFlow building blocks with the semantics of face-api.js 0.22.2's tfjs layers.

Every function takes NHWC float32 tensors and numpy weights (embedded as graph constants) and
applies the same tfjs-core ops in the same order as the JS layer of the same purpose (one exception,
``leaky``, which is one TFLite op instead of three); the docstrings name the face-api.js function
being mirrored.  Only ops with TFLite builtin
equivalents are used, and no op depends on the runtime shape, so batch and spatial dimensions
can be resized after conversion.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import tensorflow as tf

Padding = str  # "SAME" or "VALID" (tfjs 'same' / 'valid' follow TensorFlow's convention)


def const(value: np.ndarray | float | Sequence[float]) -> tf.Tensor:
    """A float32 graph constant."""
    return tf.constant(np.asarray(value, dtype=np.float32))


def conv2d(x: tf.Tensor, filters: np.ndarray, stride: int, padding: Padding) -> tf.Tensor:
    """``tf.conv2d(x, filters, stride, padding)`` with HWIO filters."""
    return tf.nn.conv2d(x, const(filters), strides=stride, padding=padding)


def depthwise_conv2d(x: tf.Tensor, filters: np.ndarray, stride: int, padding: Padding) -> tf.Tensor:
    """``tf.depthwiseConv2d`` with [kh, kw, in, multiplier] filters."""
    return tf.nn.depthwise_conv2d(x, const(filters), strides=[1, stride, stride, 1], padding=padding)


def separable_conv2d(x: tf.Tensor, depthwise: np.ndarray, pointwise: np.ndarray, stride: int,
                     padding: Padding) -> tf.Tensor:
    """``tf.separableConv2d``: depthwise conv (stride, padding), then a 1x1 'valid' conv."""
    out = depthwise_conv2d(x, depthwise, stride, padding)
    return tf.nn.conv2d(out, const(pointwise), strides=1, padding="VALID")


def conv_bias(x: tf.Tensor, filters: np.ndarray, bias: np.ndarray, stride: int = 1,
              padding: Padding = "SAME") -> tf.Tensor:
    """``conv2d + bias`` (face-api.js ``common/convLayer`` without relu, the xception ``conv``)."""
    return tf.add(conv2d(x, filters, stride, padding), const(bias))


def separable_conv_bias(x: tf.Tensor, depthwise: np.ndarray, pointwise: np.ndarray, bias: np.ndarray,
                        stride: int) -> tf.Tensor:
    """face-api.js ``common/depthwiseSeparableConv``: separable conv ('same') + bias."""
    return tf.add(separable_conv2d(x, depthwise, pointwise, stride, "SAME"), const(bias))


def batch_norm(x: tf.Tensor, mean: np.ndarray, variance: np.ndarray, offset: np.ndarray, scale: np.ndarray,
               epsilon: float) -> tf.Tensor:
    """``tf.batchNorm``: ``offset + (x - mean) * scale / sqrt(variance + epsilon)``."""
    std = tf.sqrt(tf.add(const(variance), const(epsilon)))
    return tf.add(const(offset), tf.divide(tf.multiply(tf.subtract(x, const(mean)), const(scale)), std))


def clip_0_6(x: tf.Tensor) -> tf.Tensor:
    """``tf.clipByValue(x, 0, 6)``."""
    return tf.clip_by_value(x, 0.0, 6.0)


def leaky(x: tf.Tensor) -> tf.Tensor:
    """face-api.js ``tinyYolov2/leaky``, ``relu(x - 0.1x) + 0.1x``, as TFLite's one ``LEAKY_RELU`` op.

    The two agree exactly for ``x <= 0`` (both give the float32 ``0.1 * x``) and within one rounding for
    ``x > 0`` (``(x - 0.1x) + 0.1x`` may land one ulp from ``x``): far below the convolutions' own
    float32 summation-order differences (the converted net's distance to face-api.js did not grow). Three
    elementwise passes over each activation become one: the Tiny Face Detector runs ~25% faster in
    LiteRT.js (416: 26 -> 19.6 ms in Chromium).
    """
    return tf.nn.leaky_relu(x, alpha=0.10000000149011612)


def pad_hw(x: tf.Tensor, before: int = 1, after: int = 1) -> tf.Tensor:
    """``tf.pad(x, [[0, 0], [before, after], [before, after], [0, 0]])`` with zeros."""
    return tf.pad(x, [[0, 0], [before, after], [before, after], [0, 0]])


def max_pool(x: tf.Tensor, size: int, stride: int, padding: Padding) -> tf.Tensor:
    """``tf.maxPool`` (padded cells never win, as in tfjs)."""
    return tf.nn.max_pool2d(x, ksize=size, strides=stride, padding=padding)


def avg_pool(x: tf.Tensor, size: int, stride: int, padding: Padding) -> tf.Tensor:
    """``tf.avgPool``."""
    return tf.nn.avg_pool2d(x, ksize=size, strides=stride, padding=padding)


def subtract_mean_rgb(x: tf.Tensor, mean_rgb: Sequence[float]) -> tf.Tensor:
    """face-api.js ``ops/normalize``: subtract a per-channel float32 mean."""
    return tf.subtract(x, const(np.asarray(mean_rgb, dtype=np.float32).reshape(1, 1, 1, 3)))


def fully_connected(x: tf.Tensor, weights: np.ndarray, bias: np.ndarray | None = None) -> tf.Tensor:
    """``tf.matMul(x, weights)`` (+ ``bias``), face-api.js ``common/fullyConnectedLayer``."""
    out = tf.matmul(x, const(weights))
    return out if bias is None else tf.add(out, const(bias))


def softmax(x: tf.Tensor) -> tf.Tensor:
    """``tf.softmax`` over the last axis as tfjs-core's backends compute it: ``exp(x - max) / sum``."""
    shifted = tf.subtract(x, tf.reduce_max(x, axis=-1, keepdims=True))
    exps = tf.exp(shifted)
    return tf.divide(exps, tf.reduce_sum(exps, axis=-1, keepdims=True))


def flatten(x: tf.Tensor, features: int) -> tf.Tensor:
    """``x.as2D(batch, -1)`` with a static feature count, so the batch stays resizable."""
    return tf.reshape(x, [-1, features])
