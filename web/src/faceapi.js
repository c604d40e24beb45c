// faceapi.js: face-api.js's API over pyfaceapi, the Python core running in Pyodide, with LiteRT.js for inference.
//
// One source, two builds made by web/build.py: faceapi.mjs (an ES module) and faceapi.js (a classic script
// that defines window.faceapi). The facade only translates: face-api.js's camelCase calls become calls into
// the Python module pyfaceapi.browser, whose JSON-like results become face-api.js-shaped objects here.
//
//   <script src="faceapi.js"></script>
//   await faceapi.nets.tinyFaceDetector.loadFromUri('/models');
//   const detections = await faceapi.detectAllFaces(img, new faceapi.TinyFaceDetectorOptions({ inputSize: 320 }));
//
// The runtime (Pyodide + numpy + the pyfaceapi wheel, and LiteRT.js) loads once, on first use or on
// faceapi.init({ onProgress }); its files are found beside this script unless configure({ baseUrl }) says otherwise.

const SCRIPT_URL = import.meta.url; // @build: script-url
const BUILD = /* @build: info */ null;

const settings = {
  baseUrl: new URL('./', SCRIPT_URL).href, // where pyodide/, litert/ and wheels/ are
  threads: 'auto', // LiteRT.js threads: 'auto' = only when the page is crossOriginIsolated
  onProgress: null, // ({ phase, state: 'start' | 'done', ms }) => void
};

/** Milliseconds spent in each loading phase (pyodide, numpy, wheel, litert, import, total). */
const timings = {};
let runtime = null; // Promise<{ pyodide, python }>

/** Change settings (baseUrl, threads, onProgress) before the runtime loads. */
function configure(options = {}) {
  if (runtime) throw new Error('faceapi.configure() must be called before the runtime starts loading');
  Object.assign(settings, options);
}

/** Load the runtime once; resolves to { pyodide, python } (python: the pyfaceapi.browser module). */
function init(options) {
  if (options) configure(options);
  runtime ??= boot().catch((error) => {
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
  const [pyodide, litert] = await Promise.all([bootPython(base), bootLiteRt(base)]);
  pyodide.registerJsModule('litertjs', litert);
  const python = await phase('import', () => pyodide.pyimport('pyfaceapi.browser'));
  timings.total = performance.now() - start;
  return { pyodide, python };
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
    if (!document.body) await new Promise((resolve) => addEventListener('DOMContentLoaded', resolve, { once: true }));
    const threads = settings.threads === 'auto' ? globalThis.crossOriginIsolated === true : Boolean(settings.threads);
    // LiteRT.js's wasm prints INFO lines on stderr for every model: keep them out of the error console
    globalThis.Module = {
      print: (text) => console.debug('[LiteRT]', text),
      printErr: (text) => (/^(INFO|WARNING)\b/.test(text) ? console.debug : console.warn)('[LiteRT]', text),
    };
    await litert.loadLiteRt(`${base}litert/core/wasm/`, { threads });
    return litert;
  });
}

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

async function callPython(name, ...args) {
  const { python } = await init();
  try {
    return fromPython(await python[name](...args));
  } catch (error) {
    throw pythonError(error);
  }
}

// -- results, shaped like face-api.js's classes

class Box {
  constructor({ x, y, width, height }) {
    Object.assign(this, { x, y, width, height });
  }

  get left() { return this.x; }
  get top() { return this.y; }
  get right() { return this.x + this.width; }
  get bottom() { return this.y + this.height; }
  get area() { return this.width * this.height; }
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

// -- nets: faceapi.nets.<name>.loadFromUri(...) and friends

class Net {
  #loaded = false;

  constructor(name) {
    this.name = name;
  }

  /** Fetch `<uri>/<model>.tflite` (face-api.js: the weights manifest in `uri`) and load it. */
  async loadFromUri(uri) {
    await callPython('load_from_uri', this.name, uri || '.');
    this.#loaded = true;
  }

  /** face-api.js's load(): a URI, or the bytes of the model file (ArrayBuffer / Uint8Array). */
  async load(source) {
    if (source === undefined || typeof source === 'string') return this.loadFromUri(source);
    await callPython('load_from_bytes', this.name, source instanceof ArrayBuffer ? new Uint8Array(source) : source);
    this.#loaded = true;
  }

  get isLoaded() { return this.#loaded; }

  /** face-api.js's locateFaces: this detector on one input. */
  locateFaces(input, options) {
    return callPython('locate_faces', this.name, input, options).then(toDetections);
  }

  dispose() {
    this.#loaded = false;
    if (runtime) init().then(({ python }) => python.dispose(this.name));
  }
}

const nets = {
  ssdMobilenetv1: new Net('ssdMobilenetv1'),
  tinyFaceDetector: new Net('tinyFaceDetector'),
  tinyYolov2: new Net('tinyYolov2'),
};

const ssdMobilenetv1 = (input, options) => nets.ssdMobilenetv1.locateFaces(input, options);
const tinyFaceDetector = (input, options) => nets.tinyFaceDetector.locateFaces(input, options);
const tinyYolov2 = (input, options) => nets.tinyYolov2.locateFaces(input, options);

// -- tasks: thenable, so `await faceapi.detectAllFaces(...)` works; later issues add .withFaceLandmarks() etc.

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
}

const detectAllFaces = (input, options) => new DetectAllFacesTask(input, options);
const detectSingleFace = (input, options) => new DetectSingleFaceTask(input, options);

export { BUILD as build, Box, ComposableTask, DetectAllFacesTask, DetectSingleFaceTask, FaceDetection, SsdMobilenetv1Options, TinyFaceDetectorOptions, TinyYolov2Options, configure, detectAllFaces, detectSingleFace, init, nets, ssdMobilenetv1, timings, tinyFaceDetector, tinyYolov2 }; // @build: exports
