#!/usr/bin/env node
// Runs face-api.js 0.22.2 (tfjs-core 1.7 pure-JS CPU backend) on the inputs described by a job
// file and dumps, per net and case, the batch tensor face-api.js feeds its net (input.f32) and the
// raw tensors of the pyfaceapi model contract (<output>.f32, little-endian float32), plus meta.json.
//
// usage: node reference.js JOB.json
// Job: { outDir, nets: [{ name, weightsDir, weightsModel,
//        cases: [{ id, size, centered, images: [{ rgb, width, height }] }] }] }
// Modules resolve from $REF_NODE_MODULES (default /tmp/refnm/node_modules), as in
// /work/shared/tools/reference (npm ci --prefix /tmp/refnm).
'use strict';

const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

const NODE_MODULES = process.env.REF_NODE_MODULES || '/tmp/refnm/node_modules';
const nmRequire = createRequire(path.join(NODE_MODULES, '_resolve_from_here.js'));
const faceapi = nmRequire('face-api.js');
const tf = faceapi.tf;

// MTCNN internals (not exported by face-api.js's index); the modules face-api.js's Mtcnn itself uses
const mtcnnModule = (name) => nmRequire(`face-api.js/build/commonjs/mtcnn/${name}`);
const { PNet } = mtcnnModule('PNet');
const { RNet } = mtcnnModule('RNet');
const { ONet } = mtcnnModule('ONet');
const { normalize: mtcnnNormalize } = mtcnnModule('normalize');
const { bgrToRgbTensor } = mtcnnModule('bgrToRgbTensor');
const { getSizesForScale } = mtcnnModule('getSizesForScale');
const { sharedLayer } = mtcnnModule('sharedLayers');
const { prelu } = mtcnnModule('prelu');
const { convLayer } = nmRequire('face-api.js/build/commonjs/common');
const { fullyConnectedLayer } = nmRequire('face-api.js/build/commonjs/common/fullyConnectedLayer');

// The models take RGB in natural orientation; face-api.js feeds its MTCNN nets BGR transposed to
// [N, W, H, 3] (see contracts.py). Transposing face-api.js's P-Net maps back is pure data movement.
const toNhwc = (t) => tf.transpose(t, [0, 2, 1, 3]);

// mtcnn/RNet.js and mtcnn/ONet.js line by line, but returning prob before `unstack(prob, 1)[1]`;
// checkMtcnnReplica() asserts that they agree bit for bit with face-api.js's own RNet / ONet.
function rnetWithProb(x, params) {
  const convOut = sharedLayer(x, params);
  const vectorized = tf.reshape(convOut, [convOut.shape[0], params.fc1.weights.shape[0]]);
  const fc1 = fullyConnectedLayer(vectorized, params.fc1);
  const prelu4 = prelu(fc1, params.prelu4_alpha);
  const fc21 = fullyConnectedLayer(prelu4, params.fc2_1);
  const max = tf.expandDims(tf.max(fc21, 1), 1);
  const prob = tf.softmax(tf.sub(fc21, max), 1);
  return { prob, regions: fullyConnectedLayer(prelu4, params.fc2_2) };
}

function onetWithProb(x, params) {
  let out = sharedLayer(x, params);
  out = tf.maxPool(out, [2, 2], [2, 2], 'same');
  out = convLayer(out, params.conv4, 'valid');
  out = prelu(out, params.prelu4_alpha);
  const vectorized = tf.reshape(out, [out.shape[0], params.fc1.weights.shape[0]]);
  const fc1 = fullyConnectedLayer(vectorized, params.fc1);
  const prelu5 = prelu(fc1, params.prelu5_alpha);
  const fc21 = fullyConnectedLayer(prelu5, params.fc2_1);
  const max = tf.expandDims(tf.max(fc21, 1), 1);
  const prob = tf.softmax(tf.sub(fc21, max), 1);
  return { prob, regions: fullyConnectedLayer(prelu5, params.fc2_2), points: fullyConnectedLayer(prelu5, params.fc2_3) };
}

function checkMtcnnReplica(name, mine, theirs) {
  const same = (a, b) => a.size === b.size && a.dataSync().every((v, i) => Object.is(v, b.dataSync()[i]));
  const scores = tf.unstack(mine.prob, 1)[1];
  const keys = Object.keys(theirs).filter((k) => k !== 'scores');
  if (!same(scores, theirs.scores) || !keys.every((k) => same(mine[k], theirs[k]))) {
    throw new Error(`${name}: the prob-returning replica differs from face-api.js's own net`);
  }
}

// stage 2/3 input: extractImagePatches makes BGR [1, w, h, 3] from the RGBA patch, transposes, normalizes
const mtcnnPatchInput = (rgb) => mtcnnNormalize(tf.transpose(bgrToRgbTensor(rgb), [0, 2, 1, 3]));

// net name -> [constructor, function(net, netInput, size, input) -> { outputName: tensor }, prepare?]
// `input` is the tensor dumped as the model input: prepare(netInput, case) or netInput.toBatchTensor.
const NETS = {
  ssd_mobilenetv1: [() => new faceapi.SsdMobilenetv1(), (net, input) => {
    const { boxes, scores } = net.forwardInput(input);
    return { boxes: tf.stack(boxes), scores: tf.stack(scores) };
  }],
  tiny_face_detector: [() => new faceapi.TinyFaceDetector(), (net, input, size) => ({ output: net.forwardInput(input, size) })],
  tiny_yolov2: [() => new faceapi.TinyYolov2(), (net, input, size) => ({ output: net.forwardInput(input, size) })],
  face_landmark_68: [() => new faceapi.FaceLandmark68Net(), (net, input) => ({ landmarks: net.runNet(input) })],
  face_landmark_68_tiny: [() => new faceapi.FaceLandmark68TinyNet(), (net, input) => ({ landmarks: net.runNet(input) })],
  face_recognition: [() => new faceapi.FaceRecognitionNet(), (net, input) => ({ descriptor: net.forwardInput(input) })],
  face_expression: [() => new faceapi.FaceExpressionNet(), (net, input) => ({ expressions: net.forwardInput(input) })],
  age_gender: [() => new faceapi.AgeGenderNet(), (net, input) => {
    const { age, gender } = net.forwardInput(input);
    return { age: age.reshape([-1, 1]), gender };
  }],
  // stage1: imgTensor = bgrToRgbTensor(fromPixels(canvas)) (RGB -> BGR), resizeBilinear per scale,
  // normalize, transpose. The dumped input is the resized image swapped back to RGB (exact).
  mtcnn_pnet: [() => new faceapi.Mtcnn(), (net, _netInput, _size, rgb) => {
    const x = tf.transpose(mtcnnNormalize(bgrToRgbTensor(rgb)), [0, 2, 1, 3]);
    const { prob, regions } = PNet(x, net.params.pnet);
    return { prob: toNhwc(prob), regions: toNhwc(regions) };
  }, (netInput, c) => {
    const image = netInput.imageTensors[0];
    const [height, width] = image.shape;
    const bgr = bgrToRgbTensor(tf.expandDims(image).toFloat());
    const sizes = getSizesForScale(c.scale, [height, width]);
    return bgrToRgbTensor(tf.image.resizeBilinear(bgr, [sizes.height, sizes.width]));
  }],
  mtcnn_rnet: [() => new faceapi.Mtcnn(), (net, _netInput, _size, rgb) => {
    const x = mtcnnPatchInput(rgb);
    const out = rnetWithProb(x, net.params.rnet);
    checkMtcnnReplica('mtcnn_rnet', out, RNet(x, net.params.rnet));
    return out;
  }, (netInput, c) => netInput.toBatchTensor(c.size, c.centered).round()],
  mtcnn_onet: [() => new faceapi.Mtcnn(), (net, _netInput, _size, rgb) => {
    const x = mtcnnPatchInput(rgb);
    const out = onetWithProb(x, net.params.onet);
    checkMtcnnReplica('mtcnn_onet', out, ONet(x, net.params.onet));
    return out;
  }, (netInput, c) => netInput.toBatchTensor(c.size, c.centered).round()],
};

function loadWeights(net, dir, model) {
  // same path as NeuralNetwork.loadFromUri/loadFromDisk: concatenate shards, tf.io.decodeWeights
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, `${model}-weights_manifest.json`), 'utf8'));
  const map = {};
  for (const group of manifest) {
    const buf = Buffer.concat(group.paths.map((p) => fs.readFileSync(path.join(dir, p))));
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    Object.assign(map, tf.io.decodeWeights(ab, group.weights));
  }
  net.loadFromWeightMap(map);
}

function writeTensor(file, tensor) {
  const data = tensor.dataSync();
  const f32 = data instanceof Float32Array ? data : Float32Array.from(data);
  fs.writeFileSync(file, Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength));
  return tensor.shape;
}

async function runCase(spec, net, forward, prepare, c, dir) {
  const images = c.images.map((im) => {
    const rgb = fs.readFileSync(im.rgb);
    if (rgb.length !== im.width * im.height * 3) throw new Error(`${im.rgb}: expected ${im.width}x${im.height} RGB`);
    return tf.tensor3d(Int32Array.from(rgb), [im.height, im.width, 3], 'int32');
  });
  const netInput = await faceapi.toNetInput(images);
  const meta = { size: c.size, centered: c.centered, outputs: {} };
  const batch = prepare ? tf.tidy(() => prepare(netInput, c)) : netInput.toBatchTensor(c.size, c.centered);
  meta.input = writeTensor(path.join(dir, 'input.f32'), batch);
  const t0 = Date.now();
  const outputs = tf.tidy(() => forward(net, netInput, c.size, batch));
  meta.ms = Date.now() - t0;
  for (const [name, tensor] of Object.entries(outputs)) {
    meta.outputs[name] = writeTensor(path.join(dir, `${name}.f32`), tensor);
    tensor.dispose();
  }
  batch.dispose();
  images.forEach((t) => t.dispose());
  fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(meta, null, 1));
  console.log(`${spec.name} ${c.id}: ${meta.ms} ms`);
}

async function main() {
  if (process.argv.length !== 3) throw new Error('usage: node reference.js JOB.json');
  const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  await tf.setBackend('cpu');
  await tf.ready();
  const faRequire = createRequire(nmRequire.resolve('face-api.js'));
  const info = {
    faceapi: nmRequire('face-api.js/package.json').version,
    tfjsCore: faRequire('@tensorflow/tfjs-core/package.json').version,
    backend: tf.getBackend(),
    node: process.version,
  };
  fs.mkdirSync(job.outDir, { recursive: true });
  fs.writeFileSync(path.join(job.outDir, 'reference.json'), JSON.stringify(info, null, 1));
  for (const spec of job.nets) {
    if (!NETS[spec.name]) throw new Error(`unknown net ${spec.name}`);
    const [create, forward, prepare] = NETS[spec.name];
    const net = create();
    loadWeights(net, spec.weightsDir, spec.weightsModel);
    for (const c of spec.cases) {
      const dir = path.join(job.outDir, spec.name, c.id);
      fs.mkdirSync(dir, { recursive: true });
      await runCase(spec, net, forward, prepare, c, dir);
    }
    net.dispose();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
