// faceapi.js: face-api.js's API over pyfaceapi, the Python core running in Pyodide, with LiteRT.js for inference.
//
// One source, two builds made by web/build.py: faceapi.mjs (an ES module) and faceapi.js (a classic script
// that defines window.faceapi). The facade only translates: face-api.js's camelCase calls become calls into
// the Python module pyfaceapi.browser, whose JSON results become face-api.js-shaped objects here.
//
//   <script src="faceapi.js"></script>
//   await faceapi.nets.ssdMobilenetv1.loadFromUri('/models');
//   await faceapi.nets.faceLandmark68Net.loadFromUri('/models');
//   await faceapi.nets.faceRecognitionNet.loadFromUri('/models');
//   const results = await faceapi.detectAllFaces(img).withFaceLandmarks().withFaceDescriptors();
//   faceapi.draw.drawDetections('overlay', faceapi.resizeResults(results, img));
//
// The runtime (Pyodide + numpy + the pyfaceapi wheel, LiteRT.js, and draw.js with its font) loads once, on
// first use or on faceapi.init({ onProgress }); its files are found beside this script unless
// configure({ baseUrl }) says otherwise. face-api.js's synchronous functions (FaceMatcher, euclideanDistance,
// resizeResults, matchDimensions, draw.*) call Python directly, so they need the runtime loaded first.
//
// Worker mode (faceapi.init({ worker: true })): the runtime runs in a Web Worker (faceapi-worker.js, which
// imports this module there) and every call into Python is a message to it, so the page never freezes. The
// detection calls stay async; DOM inputs become transferable ImageBitmaps here first. The calls that are
// synchronous in the default mode (draw.*, resizeResults, euclideanDistance, FaceMatcher's methods) then
// return Promises; matchDimensions stays synchronous (plain JS). See web/README.md, "Worker mode".

const SCRIPT_URL = import.meta.url; // @build: script-url
const BUILD = /* @build: info */ null;

const settings = {
  baseUrl: new URL('./', SCRIPT_URL).href, // where pyodide/, litert/ and wheels/ are
  threads: 'auto', // LiteRT.js threads: 'auto' = only when the page is crossOriginIsolated
  worker: false, // true: run the runtime in a Web Worker (faceapi-worker.js)
  onProgress: null, // ({ phase, state: 'start' | 'done', ms }) => void
};

/** Milliseconds spent in each loading phase (pyodide, numpy, wheel, litert, import, total). */
const timings = {};
let runtime = null; // Promise<{ pyodide, python }>
let ready = null; // { pyodide, python, painter } (worker mode: { worker, painter }) once loaded

/** Change settings (baseUrl, threads, worker, onProgress) before the runtime loads. */
function configure(options = {}) {
  if (runtime) throw new Error('faceapi.configure() must be called before the runtime starts loading');
  Object.assign(settings, options);
}

/** Load the runtime once; resolves to { pyodide, python } (python: the pyfaceapi.browser module). */
function init(options) {
  if (options) configure(options);
  runtime ??= (settings.worker ? bootWorker() : boot()).catch((error) => {
    runtime = null;
    throw error;
  });
  return runtime;
}

function report(event) {
  try {
    settings.onProgress?.(event);
  } catch (error) {
    console.error('faceapi: onProgress failed', error);
  }
}

async function phase(name, work) {
  const start = performance.now();
  report({ phase: name, state: 'start' });
  const result = await work();
  timings[name] = performance.now() - start;
  report({ phase: name, state: 'done', ms: timings[name] });
  return result;
}

async function boot() {
  const start = performance.now();
  const base = settings.baseUrl;
  // Pyodide and LiteRT.js are independent: fetch and compile both at once
  const [pyodide, litert, painter] = await Promise.all([bootPython(base), bootLiteRt(base), bootDraw(base)]);
  pyodide.registerJsModule('litertjs', litert);
  const python = await phase('import', () => pyodide.pyimport('pyfaceapi.browser'));
  timings.total = performance.now() - start;
  ready = { pyodide, python, painter };
  return ready;
}

/** draw.js (the canvas renderer of display lists) and the font the core measures text with. A page that
 * cannot load them still detects; faceapi.draw then throws this error. */
async function bootDraw(base) {
  return phase('draw', async () => {
    try {
      const painter = await import(`${base}draw.js`);
      await painter.loadBundledFont(`${base}fonts/DejaVuSans.ttf`);
      return painter;
    } catch (error) {
      console.warn('faceapi: draw.js or its font did not load; faceapi.draw is unavailable', error);
      return { error };
    }
  });
}

async function bootPython(base) {
  const pyodide = await phase('pyodide', async () => {
    const { loadPyodide } = await import(`${base}pyodide/pyodide.mjs`);
    return loadPyodide({ indexURL: `${base}pyodide/` });
  });
  await phase('numpy', () => pyodide.loadPackage('numpy', { messageCallback: () => {} }));
  await phase('wheel', async () => {
    const url = base + BUILD.pyfaceapiWheel;
    const response = await fetch(url);
    if (!response.ok) throw new Error(`faceapi: cannot fetch ${url} (HTTP ${response.status})`);
    const data = await response.arrayBuffer();
    await checkSha256(data, BUILD.pyfaceapiWheelSha256, url);
    pyodide.unpackArchive(data, 'wheel');
  });
  return pyodide;
}

async function checkSha256(data, expected, what) {
  if (!globalThis.crypto?.subtle) return; // not a secure context: the server is trusted as for every other file
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  const actual = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  if (actual !== expected) throw new Error(`faceapi: ${what} does not match this build (sha256 ${actual})`);
}

async function bootLiteRt(base) {
  return phase('litert', async () => {
    const litert = await import(`${base}litert/core/dist/index.js`);
    if (typeof document !== 'undefined' && !document.body) { // (a worker has no document)
      await new Promise((resolve) => addEventListener('DOMContentLoaded', resolve, { once: true }));
    }
    const threads = settings.threads === 'auto' ? globalThis.crossOriginIsolated === true : Boolean(settings.threads);
    // LiteRT.js's wasm prints INFO lines on stderr for every model: keep them out of the error console
    globalThis.Module = {
      // its .wasm beside its .js (Emscripten's default is the script's directory, in a worker the worker's)
      locateFile: (file) => `${base}litert/core/wasm/${file}`,
      print: (text) => console.debug('[LiteRT]', text),
      printErr: (text) => (/^(INFO|WARNING)\b/.test(text) ? console.debug : console.warn)('[LiteRT]', text),
    };
    await litert.loadLiteRt(`${base}litert/core/wasm/`, { threads });
    return litert;
  });
}

// -- worker mode: the runtime in a Worker, each Python call a message { id, name, args }

/** A typed error (InputError, NotLoadedError, ...) from the worker's { name, message }. */
function workerError({ name, message }) {
  const error = new Error(message);
  error.name = name;
  return error;
}

async function bootWorker() {
  const start = performance.now();
  const thread = new Worker(new URL('faceapi-worker.js', settings.baseUrl));
  const pending = new Map(); // id -> { resolve, reject }
  let nextId = 0;
  thread.onmessage = ({ data }) => {
    if (data.progress) {
      report(data.progress);
      return;
    }
    const { resolve, reject } = pending.get(data.id);
    pending.delete(data.id);
    if (data.error) reject(workerError(data.error));
    else resolve(data.value);
  };
  thread.onerror = (event) => { // the worker's module failed to load or threw outside a call
    event.preventDefault?.();
    for (const { reject } of pending.values()) reject(new Error(`faceapi worker: ${event.message ?? 'failed'}`));
    pending.clear();
  };
  const worker = {
    thread,
    call(name, args = [], transfer = []) {
      return new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        thread.postMessage({ id, name, args }, transfer);
      });
    },
  };
  const { baseUrl, threads } = settings;
  const [painter, workerTimings] = await Promise.all([bootDraw(settings.baseUrl),
    worker.call('init', [{ baseUrl, threads }])]);
  Object.assign(timings, workerTimings, { total: performance.now() - start });
  ready = { worker, painter };
  return ready;
}

// the argument of each pyfaceapi.browser function that is an input (an image, or an array of them)
const INPUT_ARGUMENT = {
  detect_all_faces: 0, detect_single_face: 0, run_chain: 0, mtcnn: 0, compute_face_descriptor: 0,
  recognize_face_expressions: 0, predict_age_and_gender: 0, extract_faces: 0, locate_faces: 1, detect_landmarks: 1,
};
const BITMAP_SOURCES = ['HTMLImageElement', 'HTMLVideoElement', 'HTMLCanvasElement', 'SVGImageElement',
  'OffscreenCanvas', 'VideoFrame'];

/** An input for the worker: elements (or their ids) become ImageBitmaps, transferred; the rest is cloned. */
async function toTransferable(input, transfer) {
  if (Array.isArray(input)) return Promise.all(input.map((item) => toTransferable(item, transfer)));
  let media = input;
  if (typeof input === 'string') {
    media = document.getElementById(input);
    const message = `there is no element with id '${input}' in the document`;
    if (!media) throw workerError({ name: 'InputError', message });
  }
  if (!BITMAP_SOURCES.some((name) => globalThis[name] && media instanceof globalThis[name])) return media;
  checkMedia(media);
  try {
    const bitmap = await createImageBitmap(media);
    transfer.push(bitmap);
    return bitmap;
  } catch { // e.g. some camera streams without a GPU ("could not be allocated"): read the pixels via a canvas
    const { width, height } = mediaDimensions(media);
    const context = createCanvas(width, height).getContext('2d', { willReadFrequently: true });
    context.drawImage(media, 0, 0);
    const pixels = context.getImageData(0, 0, width, height);
    transfer.push(pixels.data.buffer);
    return pixels;
  }
}

/** The InputErrors pyfaceapi.browser raises for media without pixels, raised here before reading them. */
function checkMedia(media) {
  const fail = (message) => { throw workerError({ name: 'InputError', message }); };
  if (media instanceof HTMLImageElement) {
    if (media.complete && media.naturalWidth && media.naturalHeight) return;
    const state = media.complete ? 'could not be decoded (or has no src)' : 'has not finished loading';
    fail(`the <img> '${(media.currentSrc || media.src || '').slice(0, 120)}' ${state}: wait for its 'load' event `
      + "(or 'await img.decode()') before detecting faces in it");
  }
  if (media instanceof HTMLVideoElement) {
    if (media.readyState >= 2 && media.videoWidth && media.videoHeight) return;
    fail(`the <video> has no frame to read yet (readyState ${media.readyState}): wait for its 'loadeddata' or `
      + "'playing' event before detecting faces");
  }
  const name = BITMAP_SOURCES.find((kind) => globalThis[kind] && media instanceof globalThis[kind]);
  const { width, height } = name === 'VideoFrame' ? mediaDimensions(media) : media;
  if (!width || !height) fail(`the ${name} is empty (${width}x${height}): it has no pixels to detect faces in`);
}

/** face-api.js options as plain data: their own fields and their getters' values (the worker reads both). */
function plainOptions(options) {
  const out = { ...options };
  for (let proto = Object.getPrototypeOf(options); proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)) {
    for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(proto))) {
      if (descriptor.get && !(key in out)) out[key] = options[key];
    }
  }
  return out;
}

/** pyfaceapi.browser.<name>(...args) in the worker. */
async function callWorker(worker, name, args) {
  const transfer = [];
  const sent = args.map((arg) => (arg?._name ? plainOptions(arg) : arg));
  if (name in INPUT_ARGUMENT) sent[INPUT_ARGUMENT[name]] = await toTransferable(sent[INPUT_ARGUMENT[name]], transfer);
  // a relative path is relative to the page, not to the worker's script
  if (name === 'load_from_uri' && !/^([a-z][\w+.-]*:|\/)/i.test(sent[1])) {
    sent[1] = new URL(sent[1], document.baseURI).href;
  }
  return worker.call(name, sent, transfer);
}

/** `value`, or what it resolves to in worker mode, passed through `then`. */
const andThen = (value, then) => (value instanceof Promise ? value.then(then) : then(value));

// -- calling Python

function pythonError(error) {
  if (error?.constructor?.name !== 'PythonError') return error;
  const lines = String(error.message).trim().split('\n');
  const wrapped = new Error(lines[lines.length - 1].replace(/^[\w.]*: /, ''), { cause: error });
  wrapped.name = error.type ?? 'PythonError';
  return wrapped;
}

function fromPython(value) {
  if (value?.toJs === undefined) return value;
  try {
    return value.toJs({ dict_converter: Object.fromEntries, create_pyproxies: false });
  } finally {
    value.destroy();
  }
}

/** Call pyfaceapi.browser.<name>(...args) once the runtime is loaded; resolves to plain JS values. */
async function callPython(name, ...args) {
  const { python, worker } = await init();
  if (worker) return callWorker(worker, name, args);
  try {
    return fromPython(await python[name](...args));
  } catch (error) {
    throw pythonError(error);
  }
}

/** The same, synchronously, for face-api.js's synchronous functions (`what` names the caller in errors).
 * In worker mode: a Promise of it. */
function callPythonSync(what, name, ...args) {
  if (ready?.worker) return ready.worker.call(name, args);
  try {
    return fromPython(loadedPython(what)[name](...args));
  } catch (error) {
    throw pythonError(error);
  }
}

function loadedPython(what) {
  if (!ready) throw new Error(`faceapi.${what} runs in Python: await faceapi.init() (or load a net) first`);
  return ready.python;
}

/** JSON for Python: results, detections, landmarks, boxes, points (descriptors travel as Float32Array). */
function toJson(value) {
  return JSON.stringify(value, (key, item) => (key === 'descriptor' ? undefined : item));
}

const toFloat32 = (values) => (values instanceof Float32Array ? values : Float32Array.from(values));

function concatFloat32(arrays) {
  const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  let offset = 0;
  for (const array of arrays) {
    out.set(array, offset);
    offset += array.length;
  }
  return out;
}

function splitFloat32(data, count) {
  const size = count ? data.length / count : 0;
  return Array.from({ length: count }, (_, i) => data.slice(i * size, (i + 1) * size));
}

// -- results, shaped like face-api.js's classes (plain objects for the chain's results, as face-api.js's)

class Point {
  constructor(x, y) {
    this.x = x;
    this.y = y;
  }

  add(pt) { return new Point(this.x + pt.x, this.y + pt.y); }
  sub(pt) { return new Point(this.x - pt.x, this.y - pt.y); }
  mul(pt) { return new Point(this.x * pt.x, this.y * pt.y); }
  div(pt) { return new Point(this.x / pt.x, this.y / pt.y); }
  abs() { return new Point(Math.abs(this.x), Math.abs(this.y)); }
  magnitude() { return Math.sqrt(this.x ** 2 + this.y ** 2); }
  floor() { return new Point(Math.floor(this.x), Math.floor(this.y)); }
}

class Box {
  constructor({ x, y, width, height }) {
    Object.assign(this, { x, y, width, height });
  }

  get left() { return this.x; }
  get top() { return this.y; }
  get right() { return this.x + this.width; }
  get bottom() { return this.y + this.height; }
  get area() { return this.width * this.height; }
  get topLeft() { return new Point(this.left, this.top); }
  get topRight() { return new Point(this.right, this.top); }
  get bottomLeft() { return new Point(this.left, this.bottom); }
  get bottomRight() { return new Point(this.right, this.bottom); }
}

class FaceDetection {
  constructor({ score, box, relativeBox, imageWidth, imageHeight }) {
    this.score = score;
    this.classScore = score;
    this.className = '';
    this.box = new Box(box);
    this.relativeBox = new Box(relativeBox);
    this.imageDims = { width: imageWidth, height: imageHeight };
  }

  get imageWidth() { return this.imageDims.width; }
  get imageHeight() { return this.imageDims.height; }

  /** The same detection for the image shown at another size (face-api.js's forSize). */
  forSize(width, height) {
    const r = this.relativeBox;
    const box = { x: r.x * width, y: r.y * height, width: r.width * width, height: r.height * height };
    return new FaceDetection({ score: this.score, box, relativeBox: r, imageWidth: width, imageHeight: height });
  }

  toJSON() {
    const { score, box, relativeBox, imageWidth, imageHeight } = this;
    return { score, box: { ...box }, relativeBox: { ...relativeBox }, imageWidth, imageHeight };
  }
}

/** Landmark points in image pixels (`positions`), of a region of imageWidth x imageHeight at `shift`. */
class FaceLandmarks {
  /** face-api.js's constructor: positions relative to the region (0..1), its size, its origin. */
  constructor(relativePositions, imgDims, shift = new Point(0, 0)) {
    const { width, height } = imgDims;
    this._imgDims = { width, height };
    this._shift = new Point(shift.x, shift.y);
    this._positions = relativePositions.map((pt) => new Point(pt.x * width + shift.x, pt.y * height + shift.y));
  }

  /** Landmarks from the core's JSON, positions taken as computed there (not recomputed). */
  static fromJSON({ positions, shift, imageWidth, imageHeight }) {
    const kind = positions.length === 68 ? FaceLandmarks68 : positions.length === 5 ? FaceLandmarks5 : this;
    const landmarks = Object.create(kind.prototype);
    landmarks._imgDims = { width: imageWidth, height: imageHeight };
    landmarks._shift = new Point(shift.x, shift.y);
    landmarks._positions = positions.map(({ x, y }) => new Point(x, y));
    return landmarks;
  }

  get shift() { return new Point(this._shift.x, this._shift.y); }
  get imageWidth() { return this._imgDims.width; }
  get imageHeight() { return this._imgDims.height; }
  get positions() { return this._positions; }

  get relativePositions() {
    const size = new Point(this.imageWidth, this.imageHeight);
    return this._positions.map((pt) => pt.sub(this._shift).div(size));
  }

  forSize(width, height) { return new this.constructor(this.relativePositions, { width, height }); }
  shiftBy(x, y) { return new this.constructor(this.relativePositions, this._imgDims, new Point(x, y)); }
  shiftByPoint(pt) { return this.shiftBy(pt.x, pt.y); }

  toJSON() {
    const { positions, shift, imageWidth, imageHeight } = this;
    return { positions: positions.map(({ x, y }) => ({ x, y })), shift: { ...shift }, imageWidth, imageHeight };
  }
}

/** The 68 points (iBUG 300-W): jaw 0-16, brows 17-26, nose 27-35, eyes 36-47, mouth 48-67. */
class FaceLandmarks68 extends FaceLandmarks {
  getJawOutline() { return this.positions.slice(0, 17); }
  getLeftEyeBrow() { return this.positions.slice(17, 22); }
  getRightEyeBrow() { return this.positions.slice(22, 27); }
  getNose() { return this.positions.slice(27, 36); }
  getLeftEye() { return this.positions.slice(36, 42); }
  getRightEye() { return this.positions.slice(42, 48); }
  getMouth() { return this.positions.slice(48, 68); }
}

/** MTCNN's 5 points: eyes, nose, mouth corners. */
class FaceLandmarks5 extends FaceLandmarks {}

const FACE_EXPRESSION_LABELS = ['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgusted', 'surprised'];

class FaceExpressions {
  /** From the seven probabilities in FACE_EXPRESSION_LABELS order (face-api.js) or an object of them. */
  constructor(probabilities) {
    FACE_EXPRESSION_LABELS.forEach((expression, i) => {
      this[expression] = Array.isArray(probabilities) ? probabilities[i] : probabilities[expression];
    });
  }

  asSortedArray() {
    return FACE_EXPRESSION_LABELS
      .map((expression) => ({ expression, probability: this[expression] }))
      .sort((a, b) => b.probability - a.probability);
  }
}

const Gender = Object.freeze({ FEMALE: 'female', MALE: 'male' });

/** One face of a chain, from the core's FaceResult.to_dict() JSON and its descriptor. */
function toResult(face, descriptor) {
  const result = { detection: new FaceDetection(face.detection) };
  if (face.landmarks) {
    result.landmarks = FaceLandmarks.fromJSON(face.landmarks);
    result.unshiftedLandmarks = FaceLandmarks.fromJSON(face.unshiftedLandmarks);
    result.alignedRect = new FaceDetection(face.alignedRect);
  }
  if (face.expressions) result.expressions = new FaceExpressions(face.expressions);
  if ('age' in face) result.age = face.age;
  if ('gender' in face) Object.assign(result, { gender: face.gender, genderProbability: face.genderProbability });
  if (descriptor) result.descriptor = descriptor;
  return result;
}

/** pyfaceapi.browser.results_payload -> results. */
function toResults([json, descriptors]) {
  const faces = JSON.parse(json);
  const split = descriptors ? splitFloat32(descriptors, faces.length) : [];
  return faces.map((face, i) => toResult(face, split[i]));
}

const toDetections = (list) => list.map((d) => new FaceDetection(d));

// -- options, as face-api.js 0.22.2 defines them (including its `value || default`)

class SsdMobilenetv1Options {
  constructor({ minConfidence, maxResults } = {}) {
    this._name = 'SsdMobilenetv1Options';
    this._minConfidence = minConfidence || 0.5;
    this._maxResults = maxResults || 100;
    if (typeof this._minConfidence !== 'number' || this._minConfidence <= 0 || this._minConfidence >= 1) {
      throw new Error(`${this._name} - expected minConfidence to be a number between 0 and 1`);
    }
    if (typeof this._maxResults !== 'number') throw new Error(`${this._name} - expected maxResults to be a number`);
  }

  get minConfidence() { return this._minConfidence; }
  get maxResults() { return this._maxResults; }
}

class TinyYolov2Options {
  constructor({ inputSize, scoreThreshold } = {}) {
    this._name = 'TinyYolov2Options';
    this._inputSize = inputSize || 416;
    this._scoreThreshold = scoreThreshold || 0.5;
    if (typeof this._inputSize !== 'number' || this._inputSize % 32 !== 0) {
      throw new Error(`${this._name} - expected inputSize to be a number divisible by 32`);
    }
    if (typeof this._scoreThreshold !== 'number' || this._scoreThreshold <= 0 || this._scoreThreshold >= 1) {
      throw new Error(`${this._name} - expected scoreThreshold to be a number between 0 and 1`);
    }
  }

  get inputSize() { return this._inputSize; }
  get scoreThreshold() { return this._scoreThreshold; }
}

class TinyFaceDetectorOptions extends TinyYolov2Options {
  constructor(options) {
    super(options);
    this._name = 'TinyFaceDetectorOptions';
  }
}

class MtcnnOptions {
  constructor({ minFaceSize, scaleFactor, maxNumScales, scoreThresholds, scaleSteps } = {}) {
    this._name = 'MtcnnOptions';
    this._minFaceSize = minFaceSize || 20;
    this._scaleFactor = scaleFactor || 0.709;
    this._maxNumScales = maxNumScales || 10;
    this._scoreThresholds = scoreThresholds || [0.6, 0.7, 0.7];
    this._scaleSteps = scaleSteps;
    const isNumber = (value) => typeof value === 'number';
    if (!isNumber(this._minFaceSize) || this._minFaceSize < 0) {
      throw new Error(`${this._name} - expected minFaceSize to be a number > 0`);
    }
    if (!isNumber(this._scaleFactor) || this._scaleFactor <= 0 || this._scaleFactor >= 1) {
      throw new Error(`${this._name} - expected scaleFactor to be a number between 0 and 1`);
    }
    if (!isNumber(this._maxNumScales) || this._maxNumScales < 0) {
      throw new Error(`${this._name} - expected maxNumScales to be a number > 0`);
    }
    const thresholds = this._scoreThresholds;
    if (!Array.isArray(thresholds) || thresholds.length !== 3 || !thresholds.every(isNumber)) {
      throw new Error(`${this._name} - expected scoreThresholds to be an array of numbers of length 3`);
    }
    if (this._scaleSteps && (!Array.isArray(this._scaleSteps) || !this._scaleSteps.every(isNumber))) {
      throw new Error(`${this._name} - expected scaleSteps to be an array of numbers`);
    }
  }

  get minFaceSize() { return this._minFaceSize; }
  get scaleFactor() { return this._scaleFactor; }
  get maxNumScales() { return this._maxNumScales; }
  get scoreThresholds() { return this._scoreThresholds; }
  get scaleSteps() { return this._scaleSteps; }
}

// -- nets: faceapi.nets.<name>.loadFromUri(...) and what each net computes

class Net {
  #loaded = false;

  constructor(name) {
    this.name = name;
  }

  /** Fetch `<uri>/<model>.tflite` (MTCNN: its three files; face-api.js: the weights manifest) and load it. */
  async loadFromUri(uri) {
    await callPython('load_from_uri', this.name, uri || '.');
    this.#loaded = true;
  }

  /** face-api.js's load(): a URI, or the bytes of the model file (ArrayBuffer / Uint8Array; MTCNN: an
   * object { mtcnn_pnet, mtcnn_rnet, mtcnn_onet } of them). */
  async load(source) {
    if (source === undefined || typeof source === 'string') return this.loadFromUri(source);
    await callPython('load_from_bytes', this.name, source instanceof ArrayBuffer ? new Uint8Array(source) : source);
    this.#loaded = true;
  }

  get isLoaded() { return this.#loaded; }

  dispose() {
    this.#loaded = false;
    if (runtime) callPython('dispose', this.name).catch(() => {});
  }
}

class FaceDetectorNet extends Net {
  /** face-api.js's locateFaces: this detector on one input. */
  locateFaces(input, options) {
    return callPython('locate_faces', this.name, input, options).then(toDetections);
  }
}

class MtcnnNet extends Net {
  /** face-api.js's Mtcnn.forward: detections with their 5 landmarks (as faceapi.mtcnn). */
  async forward(input, options) {
    return toResults(await callPython('mtcnn', input, options));
  }
}

// The face nets take face images (a crop, or an array of them: then they return an array, as in face-api.js)
const oneOrMany = (isBatch, items) => (isBatch ? items : items[0]);

class FaceLandmarkNet extends Net {
  async detectLandmarks(input) {
    const [isBatch, json] = await callPython('detect_landmarks', this.name, input);
    return oneOrMany(isBatch, JSON.parse(json).map((landmarks) => FaceLandmarks.fromJSON(landmarks)));
  }
}

class FaceRecognitionNet extends Net {
  async computeFaceDescriptor(input) {
    const [isBatch, data] = await callPython('compute_face_descriptor', input);
    return oneOrMany(isBatch, splitFloat32(data, isBatch ? input.length : 1));
  }
}

class FaceExpressionNet extends Net {
  async predictExpressions(input) {
    const [isBatch, json] = await callPython('recognize_face_expressions', input);
    return oneOrMany(isBatch, JSON.parse(json).map((e) => new FaceExpressions(e)));
  }
}

class AgeGenderNet extends Net {
  async predictAgeAndGender(input) {
    const [isBatch, json] = await callPython('predict_age_and_gender', input);
    return oneOrMany(isBatch, JSON.parse(json));
  }
}

const nets = {
  ssdMobilenetv1: new FaceDetectorNet('ssdMobilenetv1'),
  tinyFaceDetector: new FaceDetectorNet('tinyFaceDetector'),
  tinyYolov2: new FaceDetectorNet('tinyYolov2'),
  mtcnn: new MtcnnNet('mtcnn'),
  faceLandmark68Net: new FaceLandmarkNet('faceLandmark68Net'),
  faceLandmark68TinyNet: new FaceLandmarkNet('faceLandmark68TinyNet'),
  faceRecognitionNet: new FaceRecognitionNet('faceRecognitionNet'),
  faceExpressionNet: new FaceExpressionNet('faceExpressionNet'),
  ageGenderNet: new AgeGenderNet('ageGenderNet'),
};

const ssdMobilenetv1 = (input, options) => nets.ssdMobilenetv1.locateFaces(input, options);
const tinyFaceDetector = (input, options) => nets.tinyFaceDetector.locateFaces(input, options);
const tinyYolov2 = (input, options) => nets.tinyYolov2.locateFaces(input, options);
const mtcnn = (input, options) => nets.mtcnn.forward(input, options);
const detectFaceLandmarks = (input) => nets.faceLandmark68Net.detectLandmarks(input);
const detectFaceLandmarksTiny = (input) => nets.faceLandmark68TinyNet.detectLandmarks(input);
const detectLandmarks = detectFaceLandmarks;
const computeFaceDescriptor = (input) => nets.faceRecognitionNet.computeFaceDescriptor(input);
const recognizeFaceExpressions = (input) => nets.faceExpressionNet.predictExpressions(input);
const predictAgeAndGender = (input) => nets.ageGenderNet.predictAgeAndGender(input);

// -- tasks: thenable, as face-api.js's. Building a chain records its stages; running it runs the whole chain
// in Python once (pyfaceapi.api's chain: each stage on all faces of the image in one model call).

class ComposableTask {
  then(onFulfilled, onRejected) {
    return this.run().then(onFulfilled, onRejected);
  }
}

class DetectAllFacesTask extends ComposableTask {
  constructor(input, options = new SsdMobilenetv1Options()) {
    super();
    this.input = input;
    this.options = options;
  }

  async run() {
    return toDetections(await callPython('detect_all_faces', this.input, this.options));
  }

  withFaceLandmarks(useTinyLandmarkNet = false) {
    return new DetectAllFaceLandmarksTask(this, ['landmarks', Boolean(useTinyLandmarkNet)]);
  }

  withFaceExpressions() { return new PredictAllFaceExpressionsTask(this, ['expressions']); }
  withAgeAndGender() { return new PredictAllAgeAndGenderTask(this, ['ageAndGender']); }
}

class DetectSingleFaceTask extends ComposableTask {
  constructor(input, options = new SsdMobilenetv1Options()) {
    super();
    this.input = input;
    this.options = options;
  }

  async run() {
    const detection = await callPython('detect_single_face', this.input, this.options);
    return detection == null ? undefined : new FaceDetection(detection);
  }

  withFaceLandmarks(useTinyLandmarkNet = false) {
    return new DetectSingleFaceLandmarksTask(this, ['landmarks', Boolean(useTinyLandmarkNet)]);
  }

  withFaceExpressions() { return new PredictSingleFaceExpressionsTask(this, ['expressions']); }
  withAgeAndGender() { return new PredictSingleAgeAndGenderTask(this, ['ageAndGender']); }
}

/** A stage of a chain: `parent` is the task before it, `stage` is [name, ...arguments] for Python. */
class StageTask extends ComposableTask {
  constructor(parent, stage) {
    super();
    this.parent = parent;
    this.stage = stage;
  }

  get detectTask() { return this.parent instanceof StageTask ? this.parent.detectTask : this.parent; }
  get stages() { return [...(this.parent instanceof StageTask ? this.parent.stages : []), this.stage]; }

  async run() {
    const { input, options } = this.detectTask;
    const single = this.detectTask instanceof DetectSingleFaceTask;
    const results = toResults(await callPython('run_chain', input, options, this.stages, single));
    return single ? results[0] : results;
  }
}

// all faces (face-api.js's classes: which stage may follow which)
class DetectAllFaceLandmarksTask extends StageTask {
  withFaceExpressions() { return new PredictAllFaceExpressionsWithFaceAlignmentTask(this, ['expressions']); }
  withAgeAndGender() { return new PredictAllAgeAndGenderWithFaceAlignmentTask(this, ['ageAndGender']); }
  withFaceDescriptors() { return new ComputeAllFaceDescriptorsTask(this, ['descriptors']); }
}

class PredictAllFaceExpressionsTask extends StageTask {
  withAgeAndGender() { return new PredictAllAgeAndGenderTask(this, ['ageAndGender']); }
}

class PredictAllFaceExpressionsWithFaceAlignmentTask extends PredictAllFaceExpressionsTask {
  withAgeAndGender() { return new PredictAllAgeAndGenderWithFaceAlignmentTask(this, ['ageAndGender']); }
  withFaceDescriptors() { return new ComputeAllFaceDescriptorsTask(this, ['descriptors']); }
}

class PredictAllAgeAndGenderTask extends StageTask {
  withFaceExpressions() { return new PredictAllFaceExpressionsTask(this, ['expressions']); }
}

class PredictAllAgeAndGenderWithFaceAlignmentTask extends PredictAllAgeAndGenderTask {
  withFaceExpressions() { return new PredictAllFaceExpressionsWithFaceAlignmentTask(this, ['expressions']); }
  withFaceDescriptors() { return new ComputeAllFaceDescriptorsTask(this, ['descriptors']); }
}

class ComputeAllFaceDescriptorsTask extends StageTask {
  withFaceExpressions() { return new PredictAllFaceExpressionsWithFaceAlignmentTask(this, ['expressions']); }
  withAgeAndGender() { return new PredictAllAgeAndGenderWithFaceAlignmentTask(this, ['ageAndGender']); }
}

// the single best face
class DetectSingleFaceLandmarksTask extends StageTask {
  withFaceExpressions() { return new PredictSingleFaceExpressionsWithFaceAlignmentTask(this, ['expressions']); }
  withAgeAndGender() { return new PredictSingleAgeAndGenderWithFaceAlignmentTask(this, ['ageAndGender']); }
  withFaceDescriptor() { return new ComputeSingleFaceDescriptorTask(this, ['descriptors']); }
}

class PredictSingleFaceExpressionsTask extends StageTask {
  withAgeAndGender() { return new PredictSingleAgeAndGenderTask(this, ['ageAndGender']); }
}

class PredictSingleFaceExpressionsWithFaceAlignmentTask extends PredictSingleFaceExpressionsTask {
  withAgeAndGender() { return new PredictSingleAgeAndGenderWithFaceAlignmentTask(this, ['ageAndGender']); }
  withFaceDescriptor() { return new ComputeSingleFaceDescriptorTask(this, ['descriptors']); }
}

class PredictSingleAgeAndGenderTask extends StageTask {
  withFaceExpressions() { return new PredictSingleFaceExpressionsTask(this, ['expressions']); }
}

class PredictSingleAgeAndGenderWithFaceAlignmentTask extends PredictSingleAgeAndGenderTask {
  withFaceExpressions() { return new PredictSingleFaceExpressionsWithFaceAlignmentTask(this, ['expressions']); }
  withFaceDescriptor() { return new ComputeSingleFaceDescriptorTask(this, ['descriptors']); }
}

class ComputeSingleFaceDescriptorTask extends StageTask {
  withFaceExpressions() { return new PredictSingleFaceExpressionsWithFaceAlignmentTask(this, ['expressions']); }
  withAgeAndGender() { return new PredictSingleAgeAndGenderWithFaceAlignmentTask(this, ['ageAndGender']); }
}

const detectAllFaces = (input, options) => new DetectAllFacesTask(input, options);
const detectSingleFace = (input, options) => new DetectSingleFaceTask(input, options);

// -- face crops

function createCanvas(width, height) {
  if (typeof document === 'undefined') return new OffscreenCanvas(width, height);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  return canvas;
}

/** face-api.js's extractFaces: one canvas per detection (or box) with that region of the image. */
async function extractFaces(input, detections) {
  const crops = await callPython('extract_faces', input, toJson(detections));
  return crops.map(([width, height, data]) => {
    const canvas = createCanvas(width, height);
    canvas.getContext('2d').putImageData(new ImageData(data, width, height), 0, 0);
    return canvas;
  });
}

// -- FaceMatcher: the matcher lives in Python (one vectorised numpy query); this holds a proxy of it

class FaceMatch {
  constructor(label, distance) {
    this._label = label;
    this._distance = distance;
  }

  get label() { return this._label; }
  get distance() { return this._distance; }

  /** face-api.js's toString: "sheldon (0.42)", the distance floored to 2 decimals. */
  toString(withDistance = true) {
    return `${this.label}${withDistance ? ` (${Math.floor(this.distance * 100) / 100})` : ''}`;
  }
}

class LabeledFaceDescriptors {
  constructor(label, descriptors) {
    if (typeof label !== 'string') throw new Error('LabeledFaceDescriptors - constructor expected label to be a string');
    if (!Array.isArray(descriptors) || descriptors.some((d) => !(d instanceof Float32Array))) {
      throw new Error('LabeledFaceDescriptors - constructor expected descriptors to be an array of Float32Array');
    }
    this._label = label;
    this._descriptors = descriptors;
  }

  get label() { return this._label; }
  get descriptors() { return this._descriptors; }

  toJSON() {
    return { label: this.label, descriptors: this.descriptors.map((d) => Array.from(d)) };
  }

  static fromJSON(json) {
    return new LabeledFaceDescriptors(json.label, json.descriptors.map((d) => new Float32Array(d)));
  }
}

const FROM_PYTHON = Symbol('a Python FaceMatcher');
const isDescriptor = (value) => ArrayBuffer.isView(value) && !(value instanceof DataView);

class FaceMatcher {
  #matcher; // the pyfaceapi.FaceMatcher (a PyProxy); worker mode: a Promise of its reference in the worker
  #threshold; // worker mode: distanceThreshold
  #labeled = null;

  constructor(inputs, distanceThreshold = 0.6) {
    if (inputs === FROM_PYTHON) {
      ({ matcher: this.#matcher, threshold: this.#threshold } = distanceThreshold);
      return;
    }
    const items = [];
    const descriptors = [];
    for (const input of Array.isArray(inputs) ? inputs : [inputs]) {
      if (input instanceof LabeledFaceDescriptors) {
        items.push({ label: input.label, lengths: input.descriptors.map((d) => d.length) });
        descriptors.push(...input.descriptors.map(toFloat32));
        continue;
      }
      const descriptor = isDescriptor(input) ? input : input?.descriptor;
      if (!isDescriptor(descriptor)) {
        throw new Error('FaceRecognizer.constructor - expected inputs to be of type LabeledFaceDescriptors | '
          + 'WithFaceDescriptor<any> | Float32Array | Array<LabeledFaceDescriptors | WithFaceDescriptor<any> | Float32Array>');
      }
      items.push({ lengths: [descriptor.length] });
      descriptors.push(toFloat32(descriptor));
    }
    if (ready?.worker) {
      this.#threshold = distanceThreshold;
      this.#matcher = ready.worker.call('face_matcher', [JSON.stringify(items), concatFloat32(descriptors),
        distanceThreshold]);
      this.#matcher.catch(() => {}); // (a failure is reported by the first method called)
      return;
    }
    try {
      this.#matcher = loadedPython('FaceMatcher')
        .face_matcher(JSON.stringify(items), concatFloat32(descriptors), distanceThreshold);
    } catch (error) {
      throw pythonError(error);
    }
  }

  get distanceThreshold() { return this.#threshold ?? this.#matcher.distance_threshold; }

  get labeledDescriptors() {
    this.#labeled ??= andThen(this.#call('labeledDescriptors', 'matcher_labeled_descriptors'), ([json, data]) => {
      let offset = 0;
      return JSON.parse(json).map(({ label, lengths }) => new LabeledFaceDescriptors(
        label, lengths.map((n) => data.slice(offset, (offset += n))),
      ));
    });
    return this.#labeled;
  }

  computeMeanDistance(queryDescriptor, descriptors) {
    return callPythonSync('FaceMatcher.computeMeanDistance', 'mean_distance', toFloat32(queryDescriptor),
      concatFloat32(descriptors.map(toFloat32)), descriptors.length);
  }

  /** The closest label, whatever its distance. */
  matchDescriptor(queryDescriptor) {
    return andThen(this.#call('matchDescriptor', 'find_best_match', toFloat32(queryDescriptor), false),
      (match) => new FaceMatch(...match));
  }

  /** The closest label, or 'unknown' if it is not closer than distanceThreshold. */
  findBestMatch(queryDescriptor) {
    return andThen(this.#call('findBestMatch', 'find_best_match', toFloat32(queryDescriptor), true),
      (match) => new FaceMatch(...match));
  }

  toJSON() {
    return andThen(this.#call('toJSON', 'matcher_to_json'), JSON.parse);
  }

  static fromJSON(json) {
    const text = typeof json === 'string' ? json : JSON.stringify(json);
    if (ready?.worker) {
      const matcher = ready.worker.call('matcher_from_json', [text]);
      matcher.catch(() => {});
      const parsed = JSON.parse(text);
      const threshold = parsed.distanceThreshold ?? parsed._distanceThreshold;
      return new FaceMatcher(FROM_PYTHON, { matcher, threshold });
    }
    try {
      return new FaceMatcher(FROM_PYTHON, { matcher: loadedPython('FaceMatcher.fromJSON').matcher_from_json(text) });
    } catch (error) {
      throw pythonError(error);
    }
  }

  #call(what, name, ...args) {
    if (ready?.worker) return this.#matcher.then((matcher) => ready.worker.call(name, [matcher, ...args]));
    return callPythonSync(`FaceMatcher.${what}`, name, this.#matcher, ...args);
  }
}

// -- utilities, computed by the core (pyfaceapi.utils)

/** The euclidean distance of two equally long arrays (float64). */
function euclideanDistance(arr1, arr2) { // (worker mode: a Promise)
  return callPythonSync('euclideanDistance', 'euclidean_distance', Float64Array.from(arr1), Float64Array.from(arr2));
}

const isResizable = (item) => item instanceof FaceDetection || item instanceof FaceLandmarks
  || item?.detection instanceof FaceDetection;

/** face-api.js's resizeResults: results, detections or landmarks for the media shown at `dimensions`. */
function resizeResults(results, dimensions) {
  const list = Array.isArray(results) ? results : [results];
  const resizable = list.filter(isResizable);
  const json = callPythonSync('resizeResults', 'resize_results', toJson(resizable), dimensions.width,
    dimensions.height);
  return andThen(json, (text) => { // worker mode: a Promise
    const resized = JSON.parse(text);
    let next = 0;
    const out = list.map((item) => {
      if (!isResizable(item)) return item;
      const data = resized[next++];
      if (item instanceof FaceDetection) return new FaceDetection(data);
      if (item instanceof FaceLandmarks) return FaceLandmarks.fromJSON(data);
      return { ...item, ...toResult(data) }; // keeps the descriptor and anything else the result carries
    });
    return Array.isArray(results) ? out : out[0];
  });
}

/** face-api.js's matchDimensions: give `input` (an overlay canvas) the size of `reference`. */
function matchDimensions(input, reference, useMediaDimensions = false) {
  if (ready?.worker) { // the worker has no DOM: face-api.js's few lines, here
    const dims = useMediaDimensions ? mediaDimensions(reference) : reference;
    input.width = dims.width;
    input.height = dims.height;
    return { width: dims.width, height: dims.height };
  }
  return callPythonSync('matchDimensions', 'match_dimensions', input, reference, useMediaDimensions);
}

function mediaDimensions(media) {
  if (media instanceof HTMLImageElement) return { width: media.naturalWidth, height: media.naturalHeight };
  if (media instanceof HTMLVideoElement) return { width: media.videoWidth, height: media.videoHeight };
  if (globalThis.VideoFrame && media instanceof VideoFrame) {
    return { width: media.displayWidth, height: media.displayHeight };
  }
  return media;
}

// -- faceapi.draw: the drawing is computed in Python as a display list (pyfaceapi.draw), then painted by
// draw.js's renderDisplayList with the font the list was measured with, as the server's Pillow renderer does

const AnchorPosition = Object.freeze({
  TOP_LEFT: 'TOP_LEFT', TOP_RIGHT: 'TOP_RIGHT', BOTTOM_LEFT: 'BOTTOM_LEFT', BOTTOM_RIGHT: 'BOTTOM_RIGHT',
});

function context2d(canvasArg) {
  const target = typeof canvasArg === 'string' ? document.getElementById(canvasArg) : canvasArg;
  if (typeof target?.getContext === 'function') return target.getContext('2d');
  if (typeof target?.fillRect === 'function' && target.canvas) return target; // a 2D context
  throw new Error(`draw: expected a canvas, its id or a 2D context, got ${String(canvasArg)}`);
}

/**
 * The display list of a drawing on a canvas of `dims` ({ width, height }, or the canvas), without painting:
 * kind 'detections' | 'faceLandmarks' | 'faceExpressions' (the draw functions' arguments after the
 * canvas), 'box' (box, options), 'textField' (text, anchor, options) or 'landmarks' (landmarks, options).
 */
function toDisplayList(kind, dims, ...args) {
  const json = callPythonSync('draw', 'display_list', kind, dims?.width, dims?.height, toJson(args));
  return andThen(json, JSON.parse);
}

function painter() {
  if (!ready?.worker) loadedPython('draw');
  if (ready.painter.error) throw new Error(`faceapi.draw: draw.js did not load (${ready.painter.error.message})`);
  return ready.painter;
}

function paint(canvasArg, kind, args) {
  const ctx = context2d(canvasArg);
  const { width, height } = ctx.canvas; // (worker mode: the size when called, painted when the list is back)
  return andThen(toDisplayList(kind, { width, height }, ...args), (list) => painter().renderDisplayList(ctx, list));
}

class DrawBoxOptions {
  constructor(options = {}) { Object.assign(this, options); } // defaults: the core's (face-api.js's)
}

class DrawBox {
  constructor(box, options = {}) {
    this.box = box;
    this.options = options;
  }

  draw(canvasArg) { return paint(canvasArg, 'box', [this.box, this.options]); }
}

class DrawTextFieldOptions {
  constructor(options = {}) { Object.assign(this, options); }
}

class DrawTextField {
  constructor(text, anchor, options = {}) {
    this.text = text instanceof DrawTextField ? text.text : typeof text === 'string' ? [text] : text;
    this.anchor = anchor;
    this.options = options;
  }

  draw(canvasArg) { return paint(canvasArg, 'textField', [this.text, this.anchor, this.options]); }
}

class DrawFaceLandmarksOptions {
  constructor(options = {}) { Object.assign(this, options); }
}

class DrawFaceLandmarks {
  constructor(faceLandmarks, options = {}) {
    this.faceLandmarks = faceLandmarks;
    this.options = options;
  }

  draw(canvasArg) { return paint(canvasArg, 'landmarks', [this.faceLandmarks, this.options]); }
}

const draw = Object.freeze({
  AnchorPosition,
  DrawBox,
  DrawBoxOptions,
  DrawFaceLandmarks,
  DrawFaceLandmarksOptions,
  DrawTextField,
  DrawTextFieldOptions,
  /** Boxes labelled with their scores. */
  drawDetections: (canvasArg, detections) => paint(canvasArg, 'detections', [detections]),
  /** Contours (68 points) and points of each face's landmarks. */
  drawFaceLandmarks: (canvasArg, faceLandmarks) => paint(canvasArg, 'faceLandmarks', [faceLandmarks]),
  /** A text field per face: its expressions above minConfidence, below the detection box. */
  drawFaceExpressions: (canvasArg, faceExpressions, minConfidence = 0.1, textFieldAnchor = undefined) => paint(
    canvasArg, 'faceExpressions', [faceExpressions, minConfidence, textFieldAnchor],
  ),
  renderDisplayList: (ctx, list) => painter().renderDisplayList(ctx, list),
  toDisplayList,
});

export { BUILD as build, Box, ComposableTask, ComputeAllFaceDescriptorsTask, ComputeSingleFaceDescriptorTask, DetectAllFaceLandmarksTask, DetectAllFacesTask, DetectSingleFaceLandmarksTask, DetectSingleFaceTask, FACE_EXPRESSION_LABELS, FaceDetection, FaceExpressions, FaceLandmarks, FaceLandmarks5, FaceLandmarks68, FaceMatch, FaceMatcher, Gender, LabeledFaceDescriptors, MtcnnOptions, Point, PredictAllAgeAndGenderTask, PredictAllAgeAndGenderWithFaceAlignmentTask, PredictAllFaceExpressionsTask, PredictAllFaceExpressionsWithFaceAlignmentTask, PredictSingleAgeAndGenderTask, PredictSingleAgeAndGenderWithFaceAlignmentTask, PredictSingleFaceExpressionsTask, PredictSingleFaceExpressionsWithFaceAlignmentTask, SsdMobilenetv1Options, TinyFaceDetectorOptions, TinyYolov2Options, computeFaceDescriptor, configure, detectAllFaces, detectFaceLandmarks, detectFaceLandmarksTiny, detectLandmarks, detectSingleFace, draw, euclideanDistance, extractFaces, init, matchDimensions, mtcnn, nets, predictAgeAndGender, recognizeFaceExpressions, resizeResults, ssdMobilenetv1, timings, tinyFaceDetector, tinyYolov2 }; // @build: exports
