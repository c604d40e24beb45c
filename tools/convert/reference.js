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

// net name -> [constructor, function(net, netInput, size) -> { outputName: tensor }]
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

async function runCase(spec, net, forward, c, dir) {
  const images = c.images.map((im) => {
    const rgb = fs.readFileSync(im.rgb);
    if (rgb.length !== im.width * im.height * 3) throw new Error(`${im.rgb}: expected ${im.width}x${im.height} RGB`);
    return tf.tensor3d(Int32Array.from(rgb), [im.height, im.width, 3], 'int32');
  });
  const netInput = await faceapi.toNetInput(images);
  const meta = { size: c.size, centered: c.centered, outputs: {} };
  const batch = netInput.toBatchTensor(c.size, c.centered);
  meta.input = writeTensor(path.join(dir, 'input.f32'), batch);
  const t0 = Date.now();
  const outputs = tf.tidy(() => forward(net, netInput, c.size));
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
    const [create, forward] = NETS[spec.name];
    const net = create();
    loadWeights(net, spec.weightsDir, spec.weightsModel);
    for (const c of spec.cases) {
      const dir = path.join(job.outDir, spec.name, c.id);
      fs.mkdirSync(dir, { recursive: true });
      await runCase(spec, net, forward, c, dir);
    }
    net.dispose();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
