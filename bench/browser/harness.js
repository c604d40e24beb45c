// Browser benchmark harness: one page, two engines, the same calls.
//
//   /bench/harness.html?engine=pyfaceapi    pyfaceapi's facade (web/dist/faceapi.mjs: Pyodide + LiteRT.js)
//   /bench/harness.html?engine=vladmandic   @vladmandic/face-api 1.7.15 (its bundled tfjs 4.22, WASM backend)
//
// Both engines get the same inputs: raw RGB files (faces.jpg decoded by pyfaceapi.imageio, the webcam frames
// decoded by ffmpeg) put on <canvas> elements once, before any timing; every call passes such a canvas, so
// each engine also pays for reading the canvas's pixels, as a page does. bench/browser_driver.py opens the page,
// awaits window.bench.coldStart, then calls window.bench.round(stageNames) once per repeat.

const params = new URLSearchParams(location.search);
const ENGINE = params.get('engine');
const CHAIN_NETS = ['ssdMobilenetv1', 'faceLandmark68Net', 'faceExpressionNet', 'ageGenderNet', 'faceRecognitionNet'];
const ALL_NETS = [...CHAIN_NETS, 'tinyFaceDetector', 'faceLandmark68TinyNet', 'mtcnn'];

const ms = (start) => performance.now() - start;

async function loadEngine() {
  if (ENGINE === 'pyfaceapi') {
    const faceapi = await import('/pyfaceapi/faceapi.mjs');
    await faceapi.init();
    return {
      faceapi,
      modelUri: '/pyfaceapi/models',
      info: { package: 'pyfaceapi (web/dist)', build: faceapi.build, bootPhasesMs: { ...faceapi.timings } },
    };
  }
  if (ENGINE === 'vladmandic') {
    const faceapi = await import('/vladmandic/face-api.esm.js');
    const { tf } = faceapi;
    tf.setWasmPaths('/tfjs-wasm/');
    if (!(await tf.setBackend('wasm'))) throw new Error('the tfjs wasm backend did not initialise');
    await tf.ready();
    return {
      faceapi,
      modelUri: '/vladmandic-models',
      info: {
        package: `@vladmandic/face-api@${faceapi.version ?? '1.7.15'}`, tfjs: tf.version?.tfjs, backend: tf.getBackend(),
        wasmSimd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'), wasmThreads: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT'),
      },
    };
  }
  throw new Error(`unknown engine ${ENGINE}`);
}

async function rgbCanvases(url, width, height, count) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot fetch ${url}: HTTP ${response.status}`);
  const rgb = new Uint8Array(await response.arrayBuffer());
  const frame = width * height * 3;
  if (rgb.length < frame * count) throw new Error(`${url}: ${rgb.length} bytes, expected ${frame * count}`);
  const canvases = [];
  for (let k = 0; k < count; k += 1) {
    const rgba = new Uint8ClampedArray(width * height * 4);
    for (let i = 0, j = k * frame; i < rgba.length; i += 4, j += 3) {
      rgba[i] = rgb[j]; rgba[i + 1] = rgb[j + 1]; rgba[i + 2] = rgb[j + 2]; rgba[i + 3] = 255;
    }
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    canvas.getContext('2d', { willReadFrequently: true }).putImageData(new ImageData(rgba, width, height), 0, 0);
    canvases.push(canvas);
  }
  return canvases;
}

function hasChain(faceapi) {
  return CHAIN_NETS.every((name) => faceapi.nets[name])
    && typeof faceapi.detectAllFaces(document.createElement('canvas')).withFaceLandmarks === 'function';
}

function makeStages(faceapi, image, frames) {
  const ssd = () => new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5, maxResults: 100 });
  const tiny = (inputSize) => new faceapi.TinyFaceDetectorOptions({ inputSize, scoreThreshold: 0.5 });
  const detect = () => faceapi.detectAllFaces(image, ssd());
  const stages = {
    ssd: () => detect(),
    tiny416: () => faceapi.detectAllFaces(image, tiny(416)),
    tiny160: () => faceapi.detectAllFaces(image, tiny(160)),
  };
  // MTCNN: pyfaceapi only (vladmandic has none); the same default options as on the server
  if (faceapi.nets.mtcnn && faceapi.MtcnnOptions) stages.mtcnn = () => faceapi.detectAllFaces(image, new faceapi.MtcnnOptions());
  if (hasChain(faceapi)) {
    Object.assign(stages, {
      chain: () => detect().withFaceLandmarks().withFaceExpressions().withAgeAndGender().withFaceDescriptors(),
      // chain steps: the per-face stages are their deltas (bench/README.md)
      step_landmarks: () => detect().withFaceLandmarks(),
      step_landmarks_tiny: () => detect().withFaceLandmarks(true),
      step_expressions: () => detect().withFaceLandmarks().withFaceExpressions(),
      step_age_gender: () => detect().withFaceLandmarks().withAgeAndGender(),
      step_descriptor: () => detect().withFaceLandmarks().withFaceDescriptors(),
    });
  }
  // the webcam loop: Tiny 160 + tiny landmarks on every frame; and its detector part alone
  if (faceapi.nets.faceLandmark68TinyNet) {
    stages.webcam = async () => {
      const perFrame = [];
      for (const frame of frames) perFrame.push((await faceapi.detectAllFaces(frame, tiny(160)).withFaceLandmarks(true)).length);
      return perFrame;
    };
  }
  stages.webcam_detector = async () => {
    const perFrame = [];
    for (const frame of frames) perFrame.push((await faceapi.detectAllFaces(frame, tiny(160))).length);
    return perFrame;
  };
  return stages;
}

async function coldStart() {
  const marks = {};
  let start = performance.now();
  const { faceapi, modelUri, info } = await loadEngine();
  marks.engine_ms = ms(start);
  start = performance.now();
  const chain = hasChain(faceapi);
  const nets = ALL_NETS.filter((name) => faceapi.nets[name]);
  const coldNets = chain ? CHAIN_NETS : ['ssdMobilenetv1'];
  for (const name of coldNets) await faceapi.nets[name].loadFromUri(modelUri);
  marks.models_ms = ms(start);
  start = performance.now();
  const cfg = await (await fetch('/data/inputs.json')).json();
  const [image] = await rgbCanvases('/data/faces.rgb', cfg.image.width, cfg.image.height, 1);
  marks.input_ms = ms(start);
  start = performance.now();
  const stages = makeStages(faceapi, image, []);
  const first = await (chain ? stages.chain() : stages.ssd());
  marks.first_result_ms = ms(start);
  // performance.now() counts from the navigation's start: page open -> first result
  const cold = { total_ms: performance.now(), ...marks, first_result: chain ? 'full chain' : 'SSD only (no chain in this build)', faces: first.length };
  // the rest, outside the cold start: the other nets and the webcam frames
  for (const name of nets) if (!faceapi.nets[name].isLoaded) await faceapi.nets[name].loadFromUri(modelUri);
  const frames = await rgbCanvases('/data/frames.rgb', cfg.frames.width, cfg.frames.height, cfg.frames.count);
  window.bench.stages = makeStages(faceapi, image, frames);
  window.bench.info = { ...info, crossOriginIsolated: globalThis.crossOriginIsolated === true, userAgent: navigator.userAgent, nets };
  return cold;
}

async function round(names) {
  const out = {};
  for (const name of names) {
    const stage = window.bench.stages[name];
    if (!stage) continue;
    const start = performance.now();
    const result = await stage();
    const elapsed = ms(start);
    out[name] = { ms: elapsed, faces: Array.isArray(result) && typeof result[0] === 'number' ? result : result.length };
  }
  return out;
}

window.bench = { engine: ENGINE, round, stages: {}, info: {} };
window.bench.coldStart = coldStart().catch((error) => ({ error: `${error.name}: ${error.message}\n${error.stack}` }));
