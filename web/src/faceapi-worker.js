// faceapi-worker.js: the worker of faceapi.init({ worker: true }). It loads the facade module here (Pyodide,
// LiteRT.js and pyfaceapi, off the page's thread) and runs pyfaceapi.browser functions for the page.
// A classic worker, not a module one: LiteRT.js loads its wasm glue with importScripts, which module workers
// lack; the facade comes in by dynamic import().
//   page -> worker: { id, name, args }   (name 'init': args [{ baseUrl, threads }])
//   worker -> page: { id, value } | { id, error: { name, message } } | { progress }
// Python objects the page keeps (FaceMatcher) stay here; the page holds { pyfaceapiObject: n } for them.

const facade = import('./faceapi.mjs');

const KEEP = new Set(['face_matcher', 'matcher_from_json']); // functions returning a Python object to keep
const objects = new Map(); // n -> PyProxy
let python = null;

/** A PythonError as face-api.js's typed errors: name = the Python class (InputError, ...), message its text. */
function errorData(error) {
  if (error?.constructor?.name !== 'PythonError') {
    return { name: error?.name ?? 'Error', message: String(error?.message ?? error) };
  }
  const lines = String(error.message).trim().split('\n');
  return { name: error.type ?? 'PythonError', message: lines[lines.length - 1].replace(/^[\w.]*: /, '') };
}

function toJs(value) {
  if (value?.toJs === undefined) return value;
  try {
    return value.toJs({ dict_converter: Object.fromEntries, create_pyproxies: false });
  } finally {
    value.destroy();
  }
}

/** The buffers of the typed arrays in `value` (descriptors, crops): transferred, not copied. */
function buffers(value, out = []) {
  if (ArrayBuffer.isView(value)) out.push(value.buffer);
  else if (Array.isArray(value)) value.forEach((item) => buffers(item, out));
  return out;
}

const resolve = (arg) => (arg?.pyfaceapiObject === undefined ? arg : objects.get(arg.pyfaceapiObject));

async function run(name, args) {
  if (name === 'init') {
    const faceapi = await facade;
    const onProgress = (progress) => postMessage({ progress });
    ({ python } = await faceapi.init({ ...args[0], onProgress }));
    return { ...faceapi.timings };
  }
  if (typeof python?.[name] !== 'function') throw new Error(`faceapi worker: no function ${name}`);
  const value = await python[name](...args.map(resolve));
  if (!KEEP.has(name)) return toJs(value);
  const n = objects.size + 1;
  objects.set(n, value);
  return { pyfaceapiObject: n };
}

self.onmessage = async ({ data: { id, name, args } }) => {
  try {
    const value = await run(name, args);
    for (const arg of args) if (arg instanceof ImageBitmap) arg.close();
    postMessage({ id, value }, buffers(value));
  } catch (error) {
    postMessage({ id, error: errorData(error) });
  }
};
