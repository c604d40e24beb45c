"""The face-api.js 0.22.2 forward passes, rebuilt with TensorFlow ops.

Each ``build_<net>(weights)`` returns a function mapping the contract's ``input`` tensor (float32
pixels 0..255) to the contract's outputs, in contract order.  Weight names are those of the
tfjs manifests; the layer structure, strides, paddings and constants follow the face-api.js
build (``build/commonjs``), which is what the validation step compares against.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import tensorflow as tf

from . import layers as L
from .contracts import MEAN_RGB_FACE, MEAN_RGB_TINY
from .weights import WeightMap

Forward = Callable[[tf.Tensor], list[tf.Tensor]]

# --------------------------------------------------------------------------- SSD MobileNet v1

_SSD_BN_EPSILON = 0.0010000000474974513
_SSD_SCALE = 0.007843137718737125
_SSD_STRIDE2_LAYERS = (2, 4, 6, 12)


def _ssd_pointwise(w: WeightMap, x: tf.Tensor, prefix: str, idx: int, stride: int) -> tf.Tensor:
    """``pointwiseConvLayer``: conv 'same' + batch-norm offset, clipped to 0..6."""
    out = L.conv2d(x, w.get_rank(f"{prefix}/Conv2d_{idx}_pointwise/weights", 4), stride, "SAME")
    out = tf.add(out, L.const(w.get_rank(f"{prefix}/Conv2d_{idx}_pointwise/convolution_bn_offset", 1)))
    return L.clip_0_6(out)


def _ssd_depthwise(w: WeightMap, x: tf.Tensor, idx: int, stride: int) -> tf.Tensor:
    """``depthwiseConvLayer``: depthwise conv 'same', ``tf.batchNorm`` (eps 1e-3), clipped to 0..6."""
    prefix = f"MobilenetV1/Conv2d_{idx}_depthwise"
    out = L.depthwise_conv2d(x, w.get_rank(f"{prefix}/depthwise_weights", 4), stride, "SAME")
    out = L.batch_norm(out, w.get_rank(f"{prefix}/BatchNorm/moving_mean", 1),
                       w.get_rank(f"{prefix}/BatchNorm/moving_variance", 1),
                       w.get_rank(f"{prefix}/BatchNorm/beta", 1), w.get_rank(f"{prefix}/BatchNorm/gamma", 1),
                       _SSD_BN_EPSILON)
    return L.clip_0_6(out)


def _ssd_box_predictor(w: WeightMap, x: tf.Tensor, idx: int) -> tuple[tf.Tensor, tf.Tensor]:
    """``boxPredictionLayer``: box encodings [1, n, 4] and class logits [1, n, 3] of one feature map."""
    prefix = f"Prediction/BoxPredictor_{idx}"
    enc = L.conv_bias(x, w.get_rank(f"{prefix}/BoxEncodingPredictor/weights", 4),
                      w.get_rank(f"{prefix}/BoxEncodingPredictor/biases", 1))
    cls = L.conv_bias(x, w.get_rank(f"{prefix}/ClassPredictor/weights", 4),
                      w.get_rank(f"{prefix}/ClassPredictor/biases", 1))
    cells = int(np.prod(enc.shape[1:]))  # static: the SSD input is fixed at 512x512
    return tf.reshape(enc, [1, cells // 4, 4]), tf.reshape(cls, [1, cells // 4, 3])


def _ssd_decode(anchors: np.ndarray, encodings: tf.Tensor) -> tf.Tensor:
    """``outputLayer.decodeBoxesLayer`` for batch 1: (ty, tx, th, tw) -> (ymin, xmin, ymax, xmax)."""
    # Anchor geometry is constant; float32 numpy arithmetic rounds exactly as tfjs's float32 ops.
    a = anchors.reshape(-1, 4).astype(np.float32)
    heights = a[:, 2] - a[:, 0]
    widths = a[:, 3] - a[:, 1]
    center_y = a[:, 0] + heights / np.float32(2)
    center_x = a[:, 1] + widths / np.float32(2)
    ty, tx, th, tw = tf.unstack(tf.reshape(encodings, [-1, 4]), axis=1)
    half_h = tf.divide(tf.multiply(tf.exp(tf.divide(th, 5.0)), L.const(heights)), 2.0)
    mid_y = tf.add(tf.multiply(tf.divide(ty, 10.0), L.const(heights)), L.const(center_y))
    half_w = tf.divide(tf.multiply(tf.exp(tf.divide(tw, 5.0)), L.const(widths)), 2.0)
    mid_x = tf.add(tf.multiply(tf.divide(tx, 10.0), L.const(widths)), L.const(center_x))
    boxes = tf.stack([tf.subtract(mid_y, half_h), tf.subtract(mid_x, half_w),
                      tf.add(mid_y, half_h), tf.add(mid_x, half_w)], axis=1)
    return tf.reshape(boxes, [1, a.shape[0], 4])


def build_ssd_mobilenetv1(w: WeightMap) -> Forward:
    """``SsdMobilenetv1.forwardInput`` without ``toBatchTensor``; outputs boxes [1,5118,4], scores [1,5118]."""
    anchors = w.get_rank("Output/extra_dim", 3)

    def forward(pixels: tf.Tensor) -> list[tf.Tensor]:
        x = tf.subtract(tf.multiply(pixels, L.const(_SSD_SCALE)), L.const(1.0))
        # mobileNetV1
        out = _ssd_pointwise(w, x, "MobilenetV1", 0, 2)
        conv11 = out
        for idx in range(1, 14):
            out = _ssd_depthwise(w, out, idx, 2 if idx in _SSD_STRIDE2_LAYERS else 1)
            out = _ssd_pointwise(w, out, "MobilenetV1", idx, 1)
            if idx == 11:
                conv11 = out
        # predictionLayer: extra feature maps; note box predictor 1 reads the backbone output itself
        features = [out]
        for idx in range(8):
            features.append(_ssd_pointwise(w, features[-1], "Prediction", idx, 2 if idx % 2 else 1))
        maps = [conv11, out, features[2], features[4], features[6], features[8]]
        predictions = [_ssd_box_predictor(w, fmap, i) for i, fmap in enumerate(maps)]
        encodings = tf.concat([p[0] for p in predictions], axis=1)
        logits = tf.concat([p[1] for p in predictions], axis=1)
        # outputLayer
        boxes = _ssd_decode(anchors, encodings)
        scores = tf.sigmoid(logits[:, :, 1])
        return [boxes, scores]

    return forward


# --------------------------------------------------------------------------- tiny detectors


def _tiny_separable(w: WeightMap, x: tf.Tensor, name: str) -> tf.Tensor:
    """``tinyYolov2/depthwiseSeparableConv``: zero-pad 1, separable conv 'valid', + bias, leaky."""
    out = L.separable_conv2d(L.pad_hw(x), w.get_rank(f"{name}/depthwise_filter", 4),
                             w.get_rank(f"{name}/pointwise_filter", 4), 1, "VALID")
    return L.leaky(tf.add(out, L.const(w.get_rank(f"{name}/bias", 1))))


def _build_tiny_mobilenet(w: WeightMap, first_layer_conv2d: bool, tail_layers: tuple[str, ...]) -> Forward:
    """``TinyYolov2Base.forwardInput`` with ``withSeparableConvs`` (``runMobilenet``), mean RGB, /256."""

    def forward(pixels: tf.Tensor) -> list[tf.Tensor]:
        x = tf.divide(L.subtract_mean_rgb(pixels, MEAN_RGB_TINY), L.const(256.0))
        if first_layer_conv2d:
            out = L.leaky(L.conv_bias(x, w.get_rank("conv0/filters", 4), w.get_rank("conv0/bias", 1), 1, "VALID"))
        else:
            out = _tiny_separable(w, x, "conv0")
        for idx in range(1, 6):
            out = L.max_pool(out, 2, 2, "SAME")
            out = _tiny_separable(w, out, f"conv{idx}")
        out = L.max_pool(out, 2, 1, "SAME")
        for name in tail_layers:
            out = _tiny_separable(w, out, name)
        out = L.conv_bias(out, w.get_rank("conv8/filters", 4), w.get_rank("conv8/bias", 1), 1, "VALID")
        return [out]

    return forward


def build_tiny_face_detector(w: WeightMap) -> Forward:
    """``TinyFaceDetector``: first layer a plain 3x3 'valid' conv, separable conv1..conv5, no conv6/conv7."""
    return _build_tiny_mobilenet(w, first_layer_conv2d=True, tail_layers=())


def build_tiny_yolov2(w: WeightMap) -> Forward:
    """``TinyYolov2`` (separable-conv variant): separable conv0..conv7."""
    return _build_tiny_mobilenet(w, first_layer_conv2d=False, tail_layers=("conv6", "conv7"))


# --------------------------------------------------------------------------- 112-px face feature nets


def _sep(w: WeightMap, x: tf.Tensor, name: str, stride: int) -> tf.Tensor:
    """``common/depthwiseSeparableConv`` with the ``<name>/depthwise_filter|pointwise_filter|bias`` weights."""
    return L.separable_conv_bias(x, w.get_rank(f"{name}/depthwise_filter", 4),
                                 w.get_rank(f"{name}/pointwise_filter", 4), w.get_rank(f"{name}/bias", 1), stride)


def _dense_block(w: WeightMap, x: tf.Tensor, prefix: str, num_convs: int, first: bool) -> tf.Tensor:
    """``denseBlock3`` / ``denseBlock4``: stride-2 entry conv, then densely summed separable convs."""
    if first:
        entry = L.conv_bias(x, w.get_rank(f"{prefix}/conv0/filters", 4), w.get_rank(f"{prefix}/conv0/bias", 1), 2)
    else:
        entry = _sep(w, x, f"{prefix}/conv0", 2)
    outs = [tf.nn.relu(entry)]
    for idx in range(1, num_convs):
        block_in = outs[0] if idx == 1 else tf.nn.relu(_nested_sum(outs))
        outs.append(_sep(w, block_in, f"{prefix}/conv{idx}", 1))
    return tf.nn.relu(_nested_sum(outs))


def _nested_sum(terms: list[tf.Tensor]) -> tf.Tensor:
    """``add(t0, add(t1, add(t2, t3)))`` - the association order face-api.js uses."""
    total = terms[-1]
    for term in reversed(terms[:-1]):
        total = tf.add(term, total)
    return total


def _face_features(w: WeightMap, pixels: tf.Tensor, tiny: bool) -> tf.Tensor:
    """``FaceFeatureExtractor`` / ``TinyFaceFeatureExtractor.forwardInput``, flattened to [N, C]."""
    x = tf.divide(L.subtract_mean_rgb(pixels, MEAN_RGB_FACE), L.const(255.0))
    blocks, convs, pool = (3, 3, 14) if tiny else (4, 4, 7)
    out = x
    for idx in range(blocks):
        out = _dense_block(w, out, f"dense{idx}", convs, first=idx == 0)
    out = L.avg_pool(out, pool, 2, "VALID")
    return L.flatten(out, int(out.shape[-1]))


def _build_face_processor(w: WeightMap, tiny: bool, softmax: bool) -> Forward:
    def forward(pixels: tf.Tensor) -> list[tf.Tensor]:
        logits = L.fully_connected(_face_features(w, pixels, tiny), w.get_rank("fc/weights", 2),
                                   w.get_rank("fc/bias", 1))
        return [L.softmax(logits) if softmax else logits]

    return forward


def build_face_landmark_68(w: WeightMap) -> Forward:
    """``FaceLandmark68Net.runNet``: landmarks [N, 136] before ``postProcess``."""
    return _build_face_processor(w, tiny=False, softmax=False)


def build_face_landmark_68_tiny(w: WeightMap) -> Forward:
    """``FaceLandmark68TinyNet.runNet``: landmarks [N, 136] before ``postProcess``."""
    return _build_face_processor(w, tiny=True, softmax=False)


def build_face_expression(w: WeightMap) -> Forward:
    """``FaceExpressionNet.forwardInput``: ``softmax(runNet)`` -> [N, 7]."""
    return _build_face_processor(w, tiny=False, softmax=True)


# --------------------------------------------------------------------------- face recognition (ResNet-34)


def _resnet_conv(w: WeightMap, x: tf.Tensor, prefix: str, stride: int, relu: bool, padding: str) -> tf.Tensor:
    """``faceRecognitionNet/convLayer``: conv + bias, then the scale layer ``x * weights + biases``."""
    out = L.conv_bias(x, w.get_rank(f"{prefix}/conv/filters", 4), w.get_rank(f"{prefix}/conv/bias", 1), stride,
                      padding)
    out = tf.add(tf.multiply(out, L.const(w.get_rank(f"{prefix}/scale/weights", 1))),
                 L.const(w.get_rank(f"{prefix}/scale/biases", 1)))
    return tf.nn.relu(out) if relu else out


def _residual(w: WeightMap, x: tf.Tensor, prefix: str) -> tf.Tensor:
    out = _resnet_conv(w, x, f"{prefix}/conv1", 1, True, "SAME")
    out = _resnet_conv(w, out, f"{prefix}/conv2", 1, False, "SAME")
    return tf.nn.relu(tf.add(out, x))


def _residual_down(w: WeightMap, x: tf.Tensor, prefix: str) -> tf.Tensor:
    """``residualDown``: the shortcut is a 2x2 average pool, zero-padded in channels and, when the
    'valid' stride-2 conv comes out one smaller, the conv output gets a zero row/column appended."""
    out = _resnet_conv(w, x, f"{prefix}/conv1", 2, True, "VALID")
    out = _resnet_conv(w, out, f"{prefix}/conv2", 1, False, "SAME")
    pooled = L.avg_pool(x, 2, 2, "VALID")
    dh = int(pooled.shape[1]) - int(out.shape[1])
    dw = int(pooled.shape[2]) - int(out.shape[2])
    if dh or dw:
        out = tf.pad(out, [[0, 0], [0, dh], [0, dw], [0, 0]])
    dc = int(out.shape[3]) - int(pooled.shape[3])
    if dc:
        pooled = tf.pad(pooled, [[0, 0], [0, 0], [0, 0], [0, dc]])
    return tf.nn.relu(tf.add(pooled, out))


def build_face_recognition(w: WeightMap) -> Forward:
    """``FaceRecognitionNet.forwardInput``: descriptor [N, 128] (no L2 normalisation)."""

    def forward(pixels: tf.Tensor) -> list[tf.Tensor]:
        x = tf.divide(L.subtract_mean_rgb(pixels, MEAN_RGB_FACE), L.const(256.0))
        out = _resnet_conv(w, x, "conv32_down", 2, True, "VALID")
        out = L.max_pool(out, 3, 2, "VALID")
        for name in ("conv32_1", "conv32_2", "conv32_3"):
            out = _residual(w, out, name)
        for width, count in ((64, 3), (128, 2), (256, 2)):
            out = _residual_down(w, out, f"conv{width}_down")
            for idx in range(1, count + 1):
                out = _residual(w, out, f"conv{width}_{idx}")
        out = _residual_down(w, out, "conv256_down_out")
        pooled = tf.reduce_mean(out, axis=[1, 2])
        return [L.fully_connected(pooled, w.get_rank("fc", 2))]

    return forward


# --------------------------------------------------------------------------- age and gender (TinyXception)


def _xception_conv(w: WeightMap, x: tf.Tensor, prefix: str, stride: int) -> tf.Tensor:
    return L.conv_bias(x, w.get_rank(f"{prefix}/filters", 4), w.get_rank(f"{prefix}/bias", 1), stride)


def _reduction_block(w: WeightMap, x: tf.Tensor, prefix: str, activate_input: bool) -> tf.Tensor:
    out = tf.nn.relu(x) if activate_input else x
    out = _sep(w, out, f"{prefix}/separable_conv0", 1)
    out = _sep(w, tf.nn.relu(out), f"{prefix}/separable_conv1", 1)
    out = L.max_pool(out, 3, 2, "SAME")
    return tf.add(out, _xception_conv(w, x, f"{prefix}/expansion_conv", 2))


def _main_block(w: WeightMap, x: tf.Tensor, prefix: str) -> tf.Tensor:
    out = _sep(w, tf.nn.relu(x), f"{prefix}/separable_conv0", 1)
    out = _sep(w, tf.nn.relu(out), f"{prefix}/separable_conv1", 1)
    out = _sep(w, tf.nn.relu(out), f"{prefix}/separable_conv2", 1)
    return tf.add(out, x)


def build_age_gender(w: WeightMap) -> Forward:
    """``AgeGenderNet.forwardInput``: age [N, 1] and softmax gender [N, 2]."""

    def forward(pixels: tf.Tensor) -> list[tf.Tensor]:
        x = tf.divide(L.subtract_mean_rgb(pixels, MEAN_RGB_FACE), L.const(256.0))
        out = tf.nn.relu(_xception_conv(w, x, "entry_flow/conv_in", 2))
        out = _reduction_block(w, out, "entry_flow/reduction_block_0", activate_input=False)
        out = _reduction_block(w, out, "entry_flow/reduction_block_1", activate_input=True)
        for idx in range(2):
            out = _main_block(w, out, f"middle_flow/main_block_{idx}")
        out = _reduction_block(w, out, "exit_flow/reduction_block", activate_input=True)
        out = tf.nn.relu(_sep(w, out, "exit_flow/separable_conv", 1))
        pooled = L.avg_pool(out, 7, 2, "VALID")
        pooled = L.flatten(pooled, int(pooled.shape[-1]))
        age = L.fully_connected(pooled, w.get_rank("fc/age/weights", 2), w.get_rank("fc/age/bias", 1))
        gender = L.fully_connected(pooled, w.get_rank("fc/gender/weights", 2), w.get_rank("fc/gender/bias", 1))
        return [age, L.softmax(gender)]

    return forward


# --------------------------------------------------------------------------- MTCNN (P-Net, R-Net, O-Net)
#
# face-api.js runs the three nets on BGR images transposed to [N, W, H, 3] (a MATLAB/Caffe legacy). Here
# the models take RGB in natural orientation and both quirks live in the weights instead:
#   - BGR: conv1's input channels are reversed (the normalisation is the same for every channel);
#   - transpose: conv(x^T, K) = conv(x, K^T)^T and the square max pools commute with ^T, so every conv
#     filter is transposed in (kh, kw) and the maps come out in natural orientation; the flatten before
#     fc1 then walks (w, h, c) instead of (h, w, c), so fc1's rows are permuted to match.

_MTCNN_MEAN = 127.5
_MTCNN_SCALE = 0.0078125


def _mtcnn_normalize(pixels: tf.Tensor) -> tf.Tensor:
    """``mtcnn/normalize``: ``(x - 127.5) * 0.0078125``."""
    return tf.multiply(tf.subtract(pixels, L.const(_MTCNN_MEAN)), L.const(_MTCNN_SCALE))


def _prelu(x: tf.Tensor, alpha: np.ndarray) -> tf.Tensor:
    """``mtcnn/prelu``: ``relu(x) + alpha * -relu(-x)``, literally."""
    return tf.add(tf.nn.relu(x), tf.multiply(L.const(alpha), tf.negative(tf.nn.relu(tf.negative(x)))))


def _transposed_filters(filters: np.ndarray, bgr_input: bool = False) -> np.ndarray:
    """HWIO filters for the untransposed image (and RGB input when ``bgr_input``): see the note above."""
    out = filters.transpose(1, 0, 2, 3)
    return np.ascontiguousarray(out[:, :, ::-1, :] if bgr_input else out)


def _transposed_fc_rows(weights: np.ndarray, height: int, width: int, channels: int) -> np.ndarray:
    """fc weights for a flatten of the (h, w, c) map instead of face-api.js's transposed (w, h, c) map."""
    rows = weights.reshape(width, height, channels, -1).transpose(1, 0, 2, 3)
    return np.ascontiguousarray(rows.reshape(height * width * channels, -1))


def _mtcnn_conv(w: WeightMap, x: tf.Tensor, name: str, first: bool = False) -> tf.Tensor:
    """``common/convLayer(x, params, 'valid')``: conv 'valid' + bias (filters folded as above)."""
    filters = _transposed_filters(w.get_rank(f"{name}/weights", 4), bgr_input=first)
    return L.conv_bias(x, filters, w.get_rank(f"{name}/bias", 1), 1, "VALID")


def _mtcnn_shared(w: WeightMap, x: tf.Tensor, net: str) -> tf.Tensor:
    """``mtcnn/sharedLayers``: 3 x (conv 'valid' + PReLU), max pools after the first two (P-Net: one 2x2)."""
    is_pnet = net == "pnet"
    out = _prelu(_mtcnn_conv(w, x, f"{net}/conv1", first=True), w.get_rank(f"{net}/prelu1_alpha", 1))
    out = L.max_pool(out, 2 if is_pnet else 3, 2, "SAME")
    out = _prelu(_mtcnn_conv(w, out, f"{net}/conv2"), w.get_rank(f"{net}/prelu2_alpha", 1))
    if not is_pnet:
        out = L.max_pool(out, 3, 2, "VALID")
    return _prelu(_mtcnn_conv(w, out, f"{net}/conv3"), w.get_rank(f"{net}/prelu3_alpha", 1))


def _mtcnn_fc(w: WeightMap, x: tf.Tensor, name: str, weights: np.ndarray | None = None) -> tf.Tensor:
    """``common/fullyConnectedLayer``: ``matMul + bias``."""
    matrix = w.get_rank(f"{name}/weights", 2) if weights is None else weights
    return L.fully_connected(x, matrix, w.get_rank(f"{name}/bias", 1))


def _mtcnn_flatten_fc1(w: WeightMap, out: tf.Tensor, net: str) -> tf.Tensor:
    """``reshape(out, [N, fc1 rows])`` then fc1, its rows permuted for the untransposed map."""
    height, width, channels = (int(d) for d in out.shape[1:])
    weights = _transposed_fc_rows(w.get_rank(f"{net}/fc1/weights", 2), height, width, channels)
    return _mtcnn_fc(w, L.flatten(out, height * width * channels), f"{net}/fc1", weights)


def build_mtcnn_pnet(w: WeightMap) -> Forward:
    """``mtcnn/PNet`` as ``stage1`` runs it: prob [1, H', W', 2] (softmax), regions [1, H', W', 4]."""

    def forward(pixels: tf.Tensor) -> list[tf.Tensor]:
        out = _mtcnn_shared(w, _mtcnn_normalize(pixels), "pnet")
        # softmax(conv - max(conv)): the shift is the one L.softmax makes itself (max of x - max(x) is 0)
        prob = L.softmax(_mtcnn_conv(w, out, "pnet/conv4_1"))
        regions = _mtcnn_conv(w, out, "pnet/conv4_2")
        return [prob, regions]

    return forward


def build_mtcnn_rnet(w: WeightMap) -> Forward:
    """``mtcnn/RNet``: prob [N, 2] (face-api.js keeps prob[:, 1] as scores), regions [N, 4]."""

    def forward(pixels: tf.Tensor) -> list[tf.Tensor]:
        out = _mtcnn_shared(w, _mtcnn_normalize(pixels), "rnet")
        prelu4 = _prelu(_mtcnn_flatten_fc1(w, out, "rnet"), w.get_rank("rnet/prelu4_alpha", 1))
        prob = L.softmax(_mtcnn_fc(w, prelu4, "rnet/fc2_1"))
        return [prob, _mtcnn_fc(w, prelu4, "rnet/fc2_2")]

    return forward


def build_mtcnn_onet(w: WeightMap) -> Forward:
    """``mtcnn/ONet``: prob [N, 2], regions [N, 4], points [N, 10] (x0..x4, y0..y4)."""

    def forward(pixels: tf.Tensor) -> list[tf.Tensor]:
        out = _mtcnn_shared(w, _mtcnn_normalize(pixels), "onet")
        out = L.max_pool(out, 2, 2, "SAME")
        out = _prelu(_mtcnn_conv(w, out, "onet/conv4"), w.get_rank("onet/prelu4_alpha", 1))
        prelu5 = _prelu(_mtcnn_flatten_fc1(w, out, "onet"), w.get_rank("onet/prelu5_alpha", 1))
        prob = L.softmax(_mtcnn_fc(w, prelu5, "onet/fc2_1"))
        return [prob, _mtcnn_fc(w, prelu5, "onet/fc2_2"), _mtcnn_fc(w, prelu5, "onet/fc2_3")]

    return forward


BUILDERS: dict[str, Callable[[WeightMap], Forward]] = {
    "ssd_mobilenetv1": build_ssd_mobilenetv1,
    "tiny_face_detector": build_tiny_face_detector,
    "tiny_yolov2": build_tiny_yolov2,
    "face_landmark_68": build_face_landmark_68,
    "face_landmark_68_tiny": build_face_landmark_68_tiny,
    "face_recognition": build_face_recognition,
    "face_expression": build_face_expression,
    "age_gender": build_age_gender,
    "mtcnn_pnet": build_mtcnn_pnet,
    "mtcnn_rnet": build_mtcnn_rnet,
    "mtcnn_onet": build_mtcnn_onet,
}
