#!/usr/bin/env node
'use strict';
// Benchmark worker for face-api.js@0.22.2 (engine "faceapijs": tfjs-core 1.7.0, pure-JS CPU backend) and
// @vladmandic/face-api@1.7.15 (engine "vladmandic": tfjs 4.22.0, WASM backend) in Node.
//
//   node bench/node/bench.js --engine faceapijs|vladmandic --config CONFIG.json --out RESULT.json
//
// Started by bench/run.py, which writes CONFIG.json (inputs as raw RGB, stages, repeats) and reads RESULT.json.
// Inputs are tf.tensor3d(int32 RGB) made once, outside the timed regions, from the same raw RGB that every
// engine gets; MTCNN (face-api.js only) refuses tensors and gets the canvas stand-in of canvasShim.js.
// Cold start is measured from BENCH_SPAWN_NS (epoch ns, set by run.py just before spawning this process).
const fs = require('fs');
const path = require('path');
const os = require('os');

const NM = path.join(__dirname, 'node_modules');

function parseArgs(argv) {
  const args = { engine: null, config: null, out: null };
  for (let i = 0; i < argv.length; i += 1) {
    const key = argv[i];
    const value = argv[i + 1];
    if (key === '--engine') args.engine = value;
    else if (key === '--config') args.config = value;
    else if (key === '--out') args.out = value;
    else throw new Error(`unknown argument ${key}`);
    i += 1;
  }
  if (!['faceapijs', 'vladmandic'].includes(args.engine)) throw new Error('--engine must be faceapijs or vladmandic');
  if (!args.config || !args.out) throw new Error('--config and --out are required');
  return args;
}

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const epochMs = () => performance.timeOrigin + performance.now();
const pkgVersion = (name) => JSON.parse(fs.readFileSync(path.join(NM, name, 'package.json'), 'utf8')).version;

async function loadWeights(tf, net, dir, modelName) {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, `${modelName}-weights_manifest.json`), 'utf8'));
  const map = {};
  for (const group of manifest) {
    const buf = Buffer.concat(group.paths.map((p) => fs.readFileSync(path.join(dir, p))));
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    Object.assign(map, tf.io.decodeWeights(ab, group.weights));
  }
  net.loadFromWeightMap(map);
}

async function importEngine(engine) {
  const info = { engine };
  let faceapi;
  if (engine === 'faceapijs') {
    faceapi = require(path.join(NM, 'face-api.js'));
    info.package = `face-api.js@${pkgVersion('face-api.js')}`;
    info.tfjs = `@tensorflow/tfjs-core@${faceapi.tf.version_core}`;
    // canvas stand-in, needed only by MTCNN (which rejects tensor input)
    const shim = require('./canvasShim');
    faceapi.env.monkeyPatch({
      Canvas: shim.ShimCanvas, Image: shim.ShimImage, ImageData: shim.ShimImageData, Video: shim.ShimVideo,
      createCanvasElement: () => new shim.ShimCanvas(), createImageElement: () => new shim.ShimImage(),
    });
    faceapi.shim = shim;
    await faceapi.tf.ready();
  } else {
    faceapi = require(path.join(NM, '@vladmandic/face-api/dist/face-api.node-wasm.js'));
    info.package = `@vladmandic/face-api@${pkgVersion('@vladmandic/face-api')}`;
    const { tf } = faceapi;
    tf.setWasmPaths(path.join(NM, '@tensorflow/tfjs-backend-wasm/dist') + path.sep);
    if (!(await tf.setBackend('wasm'))) throw new Error('the tfjs wasm backend did not initialise');
    await tf.ready();
    info.tfjs = `@tensorflow/tfjs@${tf.version.tfjs}`;
    info.wasmSimd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    info.wasmThreads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
  }
  info.backend = faceapi.tf.getBackend();
  return { faceapi, info };
}

const MODEL_FILES = {
  ssdMobilenetv1: 'ssd_mobilenetv1_model',
  tinyFaceDetector: 'tiny_face_detector_model',
  faceLandmark68Net: 'face_landmark_68_model',
  faceLandmark68TinyNet: 'face_landmark_68_tiny_model',
  faceRecognitionNet: 'face_recognition_model',
  faceExpressionNet: 'face_expression_model',
  ageGenderNet: 'age_gender_model',
  mtcnn: 'mtcnn_model',
};

async function loadNets(faceapi, names, config) {
  // the weights are face-api.js's own (vladmandic ships them byte-identical); MTCNN's come from config.mtcnnWeights
  const modelDir = path.join(NM, '@vladmandic/face-api/model');
  for (const name of names) {
    const net = faceapi.nets[name];
    if (!net || net.isLoaded) continue;
    await loadWeights(faceapi.tf, net, name === 'mtcnn' ? config.mtcnnWeights : modelDir, MODEL_FILES[name]);
  }
}

function readRgb(file, width, height, count = 1) {
  const bytes = fs.readFileSync(file);
  const frame = width * height * 3;
  if (bytes.length !== frame * count) throw new Error(`${file}: ${bytes.length} bytes, expected ${frame * count}`);
  return Array.from({ length: count }, (_, i) => new Uint8Array(bytes.buffer, bytes.byteOffset + i * frame, frame));
}

// ---------------------------------------------------------------- the stages, as each library's chain runs them

async function mapFaces(faceapi, input, targets, fn) {
  const faces = await faceapi.extractFaceTensors(input, targets);
  const out = await Promise.all(faces.map((face) => fn(face))); // what the chain tasks do
  faces.forEach((face) => face.dispose());
  return out;
}

async function landmarkStage(faceapi, net, input, detections) {
  const landmarks = await mapFaces(faceapi, input, detections, (face) => net.detectLandmarks(face));
  return detections.map((d, i) => faceapi.extendWithFaceLandmarks(faceapi.extendWithFaceDetection({}, d), landmarks[i]));
}

function makeStages(faceapi, inputs, config) {
  const n = faceapi.nets;
  const { image, frames } = inputs;
  const ssd = () => new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5, maxResults: 100 });
  const tiny = (inputSize) => new faceapi.TinyFaceDetectorOptions({ inputSize, scoreThreshold: 0.5 });
  const prepared = {}; // SSD detections and their 68 landmarks on faces.jpg, computed outside the timed region
  const prepare = async () => {
    if (prepared.landmarks) return;
    prepared.detections = await faceapi.detectAllFaces(image, ssd());
    prepared.landmarks = await landmarkStage(faceapi, n.faceLandmark68Net, image, prepared.detections);
  };
  const count = (r) => (Array.isArray(r) ? r.length : 1);
  return {
    ssd: { nets: ['ssdMobilenetv1'], run: () => faceapi.detectAllFaces(image, ssd()), faces: count },
    tiny416: { nets: ['tinyFaceDetector'], run: () => faceapi.detectAllFaces(image, tiny(416)), faces: count },
    tiny160: { nets: ['tinyFaceDetector'], run: () => faceapi.detectAllFaces(image, tiny(160)), faces: count },
    mtcnn: n.mtcnn && config.mtcnnWeights && faceapi.shim ? {
      nets: ['mtcnn'],
      setup: () => { prepared.canvas ??= faceapi.shim.ShimCanvas.fromRgb(inputs.imageRgb, inputs.width, inputs.height); },
      run: () => n.mtcnn.forward(prepared.canvas, {}), // defaults: minFaceSize 20, scaleFactor 0.709
      faces: count,
    } : null,
    landmarks: {
      nets: ['ssdMobilenetv1', 'faceLandmark68Net'], setup: prepare,
      run: () => landmarkStage(faceapi, n.faceLandmark68Net, image, prepared.detections), faces: count,
    },
    landmarks_tiny: {
      nets: ['ssdMobilenetv1', 'faceLandmark68Net', 'faceLandmark68TinyNet'], setup: prepare,
      run: () => landmarkStage(faceapi, n.faceLandmark68TinyNet, image, prepared.detections), faces: count,
    },
    expressions: {
      nets: ['ssdMobilenetv1', 'faceLandmark68Net', 'faceExpressionNet'], setup: prepare,
      run: () => mapFaces(faceapi, image, prepared.landmarks.map((r) => r.alignedRect), (f) => n.faceExpressionNet.predictExpressions(f)),
      faces: count,
    },
    age_gender: {
      nets: ['ssdMobilenetv1', 'faceLandmark68Net', 'ageGenderNet'], setup: prepare,
      run: () => mapFaces(faceapi, image, prepared.landmarks.map((r) => r.alignedRect), (f) => n.ageGenderNet.predictAgeAndGender(f)),
      faces: count,
    },
    descriptor: {
      nets: ['ssdMobilenetv1', 'faceLandmark68Net', 'faceRecognitionNet'], setup: prepare,
      run: () => mapFaces(faceapi, image, prepared.landmarks.map((r) => r.landmarks.align(null, { useDlibAlignment: true })),
        (f) => n.faceRecognitionNet.computeFaceDescriptor(f)),
      faces: count,
    },
    chain: {
      nets: ['ssdMobilenetv1', 'faceLandmark68Net', 'faceExpressionNet', 'ageGenderNet', 'faceRecognitionNet'],
      run: () => faceapi.detectAllFaces(image, ssd()).withFaceLandmarks().withFaceExpressions().withAgeAndGender()
        .withFaceDescriptors(),
      faces: count,
    },
    webcam: {
      nets: ['tinyFaceDetector', 'faceLandmark68TinyNet'],
      run: async () => {
        const perFrame = [];
        for (const frame of frames) {
          perFrame.push((await faceapi.detectAllFaces(frame, tiny(160)).withFaceLandmarks(true)).length);
        }
        return perFrame;
      },
      faces: (perFrame) => perFrame.reduce((a, b) => a + b, 0),
    },
  };
}

// ---------------------------------------------------------------- main

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const config = JSON.parse(fs.readFileSync(args.config, 'utf8'));
  const spawnMs = process.env.BENCH_SPAWN_NS ? Number(BigInt(process.env.BENCH_SPAWN_NS) / 1000n) / 1000 : null;
  const result = { engine: args.engine, stages: {}, errors: {} };
  const cold = {};
  const t0 = nowMs();
  const { faceapi, info } = await importEngine(args.engine);
  cold.import_ms = nowMs() - t0;
  result.info = { ...info, node: process.version };

  const { tf } = faceapi;
  const img = config.inputs.image;
  const imageRgb = readRgb(img.path, img.width, img.height)[0];
  const image = tf.tensor3d(Int32Array.from(imageRgb), [img.height, img.width, 3], 'int32');
  const fr = config.inputs.frames;
  const frames = readRgb(fr.path, fr.width, fr.height, fr.count)
    .map((rgb) => tf.tensor3d(Int32Array.from(rgb), [fr.height, fr.width, 3], 'int32'));
  const inputs = { image, imageRgb, width: img.width, height: img.height, frames };
  const stages = makeStages(faceapi, inputs, config);

  // cold start: process spawn -> nets of the chain loaded -> the first full-chain result on the image
  if (config.coldStart) {
    const t1 = nowMs();
    await loadNets(faceapi, stages.chain.nets, config);
    cold.load_ms = nowMs() - t1;
    const t2 = nowMs();
    const faces = await stages.chain.run();
    cold.first_chain_ms = nowMs() - t2;
    cold.faces = faces.length;
    if (spawnMs !== null) cold.total_ms = epochMs() - spawnMs;
    result.cold_start = cold;
  }

  const selected = config.stages.filter((name) => {
    if (stages[name]) return true;
    result.errors[name] = name === 'mtcnn' ? 'not available in this engine (or no MTCNN weights)' : 'unknown stage';
    return false;
  });
  for (const name of selected) {
    await loadNets(faceapi, stages[name].nets, config);
    if (stages[name].setup) await stages[name].setup();
    result.stages[name] = { samples_ms: [] };
  }
  const runStage = async (name, record) => {
    const stage = stages[name];
    const t = nowMs();
    const out = await stage.run();
    const ms = nowMs() - t;
    if (record) {
      result.stages[name].samples_ms.push(ms);
      result.stages[name].faces = stage.faces(out);
      if (name === 'webcam') result.stages[name].faces_per_frame = out;
    }
  };
  for (let w = 0; w < config.warmup; w += 1) {
    for (const name of selected) await runStage(name, false);
  }
  // repeats interleave the stages (one of each per round), so slow drifts in machine load spread evenly
  const repeats = config.repeats;
  for (let r = 0; r < repeats; r += 1) {
    for (const name of selected) await runStage(name, true);
    if (config.verbose) console.error(`${args.engine}: round ${r + 1}/${repeats} done`);
  }
  image.dispose();
  frames.forEach((f) => f.dispose());
  result.peak_rss_mb = process.resourceUsage().maxRSS / 1024;
  result.info.cpus = os.cpus().length;
  result.info.tensors_left = tf.memory().numTensors;
  fs.writeFileSync(args.out, `${JSON.stringify(result, null, 1)}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
