// The shared frame of every demo page: navigation, the loading panel (Pyodide, numpy, the pyfaceapi wheel,
// LiteRT.js, each model), error text, an overlay canvas kept aligned with its media, an image picker, the
// page's own code shown under it, and the service worker that makes the demos work offline.
//
// A page is a plain HTML file with a <main> and one inline <script type="module"> that imports this file:
//
//   import { start, overlay } from './layout.js';
//   const faceapi = await start({ nets: ['ssdMobilenetv1'] });
//   const view = overlay(document.getElementById('image'));
//   view.show(await faceapi.detectAllFaces(img), (canvas, r) => faceapi.draw.drawDetections(canvas, r));
//
// window.demo reports the page's state ({ status, runs, results, error }) for people and for the e2e tests.

import * as faceapi from '../faceapi.mjs';

export { faceapi };

const ROOT = new URL('../', import.meta.url); // web/dist: faceapi.mjs, models/, sw.js
/** The model folder, as face-api.js's examples pass it to loadFromUri. */
export const MODELS = new URL('models', ROOT).pathname;

export const PAGES = [
  ['index.html', 'Overview'],
  ['detection.html', 'Face detection'],
  ['landmarks.html', 'Face landmarks'],
  ['expressions.html', 'Face expressions'],
  ['age-gender.html', 'Age & gender'],
  ['recognition.html', 'Face recognition'],
  ['similarity.html', 'Face similarity'],
  ['extraction.html', 'Face extraction'],
  ['batch-landmarks.html', 'Batch landmarks'],
  ['batch-recognition.html', 'Batch recognition'],
  ['video.html', 'Video tracking'],
  ['webcam.html', 'Webcam'],
];

/** Images shipped with the demos (media/), offered by every image picker. */
export const IMAGES = [
  'faces.jpg', 'face1.png', 'face2.png', 'angry.jpg', 'disgusted.jpg', 'fearful.jpg', 'happy.jpg',
  'neutral.jpg', 'sad.jpg', 'surprised.jpg',
];

const NET_LABELS = {
  ssdMobilenetv1: 'SSD MobileNet V1', tinyFaceDetector: 'Tiny Face Detector', tinyYolov2: 'Tiny YOLOv2',
  mtcnn: 'MTCNN', faceLandmark68Net: '68-point landmarks', faceLandmark68TinyNet: '68-point landmarks (tiny)',
  faceRecognitionNet: 'face recognition', faceExpressionNet: 'expressions', ageGenderNet: 'age & gender',
};
const PHASE_LABELS = {
  pyodide: 'Pyodide (Python)', numpy: 'numpy', wheel: 'pyfaceapi wheel',
  litert: 'LiteRT.js (inference)', draw: 'drawing + font', import: 'import pyfaceapi',
};

const demo = { status: 'loading', runs: 0, results: null, error: null, loaded: [], offline: null };
window.demo = demo;

const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
};

// -- the frame

function frame() {
  const here = location.pathname.split('/').pop() || 'index.html';
  const nav = el('nav', { 'aria-label': 'demos' },
    ...PAGES.map(([href, label]) => el('a', href === here ? { href, 'aria-current': 'page' } : { href }, label)));
  const header = el('header', {}, el('a', { class: 'brand', href: 'index.html' }, 'pyfaceapi ', el('span', {}, 'demos')), nav);
  document.body.prepend(header);
  const main = document.querySelector('main');
  const progress = el('section', { class: 'progress', id: 'progress', 'aria-live': 'polite' },
    el('h2', {}, 'Loading'), el('ol', { id: 'progress-list' }));
  (main.querySelector('p.intro') ?? main.querySelector('h1'))?.after(progress);
  const script = [...document.querySelectorAll('script[type="module"]:not([src])')].pop();
  if (script && !main.querySelector('.code')) {
    main.append(el('details', { class: 'code' }, el('summary', {}, 'The code this page runs'),
      el('pre', {}, el('code', {}, script.textContent.replace(/^\n+|\s+$/g, '')))));
  }
  const footer = el('footer', {}, el('span', { id: 'offline-status' }, 'Offline support: checking…'),
    el('span', {}, ' · face-api.js 0.22.2 API over the pyfaceapi Python core (Pyodide + LiteRT.js)'));
  document.body.append(footer);
}

function step(id, label) {
  let item = document.getElementById(`step-${id}`);
  if (!item) {
    item = el('li', { id: `step-${id}` }, el('span', { class: 'label' }, label), el('span', { class: 'state' }, ''));
    document.getElementById('progress-list').append(item);
  }
  return {
    start() { item.className = 'running'; item.lastChild.textContent = 'loading…'; },
    done(ms) { item.className = 'done'; item.lastChild.textContent = ms === undefined ? 'done' : `${Math.round(ms)} ms`; },
    fail() { item.className = 'failed'; item.lastChild.textContent = 'failed'; },
  };
}

/** Show an error for people (and for the tests), keep the page usable. */
export function fail(error, what = 'Something went wrong') {
  demo.status = 'error';
  demo.error = String(error?.message ?? error);
  console.error(what, error);
  let box = document.getElementById('error');
  if (!box) {
    box = el('section', { class: 'error', id: 'error', role: 'alert' });
    (document.getElementById('progress') ?? document.querySelector('main')).after(box);
  }
  box.replaceChildren(el('strong', {}, `${what}: `), demo.error);
}

/** Load the runtime and the given nets, showing progress; resolves to faceapi. worker: run it in a Web Worker
 * (faceapi.init's worker mode: then resizeResults and faceapi.draw.* return Promises). */
export async function start({ nets = [], worker = false } = {}) {
  if (!document.querySelector('header')) frame();
  registerServiceWorker();
  const missing = [['WebAssembly', typeof WebAssembly === 'object'], ['2D canvas', !!document.createElement('canvas').getContext]]
    .filter(([, ok]) => !ok).map(([name]) => name);
  if (missing.length) {
    fail(`this browser lacks ${missing.join(' and ')}, which pyfaceapi needs`, 'Cannot run here');
    throw new Error(demo.error);
  }
  const steps = {};
  try {
    await faceapi.init({
      worker,
      onProgress({ phase, state, ms }) {
        steps[phase] ??= step(phase, PHASE_LABELS[phase] ?? phase);
        if (state === 'start') steps[phase].start(); else steps[phase].done(ms);
      },
    });
  } catch (error) {
    for (const item of document.querySelectorAll('#progress-list .running')) {
      item.className = 'failed';
      item.lastChild.textContent = 'failed';
    }
    fail(error, 'Could not load the runtime');
    throw error;
  }
  await loadNets(nets);
  document.getElementById('progress').classList.add('finished');
  demo.status = 'ready';
  return faceapi;
}

/** Load nets (once each), with a progress row per model and a clear error if one is missing. */
export async function loadNets(names) {
  for (const name of names) {
    const net = faceapi.nets[name];
    if (!net) {
      fail(`faceapi.nets.${name} does not exist in this build`, 'Missing model');
      throw new Error(demo.error);
    }
    if (net.isLoaded) continue;
    const row = step(`net-${name}`, `model: ${NET_LABELS[name] ?? name}`);
    const started = performance.now();
    row.start();
    try {
      await net.loadFromUri(MODELS);
    } catch (error) {
      row.fail();
      fail(error, `Could not load the model ${NET_LABELS[name] ?? name} from ${MODELS}`);
      throw error;
    }
    row.done(performance.now() - started);
    demo.loaded.push(name);
  }
}

// -- results

const plain = (value) => JSON.parse(JSON.stringify(value ?? null,
  (key, item) => (item instanceof Float32Array ? Array.from(item) : item)));

/** Record a finished run: window.demo.results (plain JSON) and a status line. */
export function report(results, text) {
  demo.results = plain(results);
  demo.runs += 1;
  if (demo.status !== 'error') demo.status = 'done';
  const status = document.getElementById('status');
  if (status && text !== undefined) status.textContent = text;
}

/** Run `work` with the page's busy state; errors are shown, not thrown. */
export async function busy(work) {
  document.body.classList.add('busy');
  try {
    return await work();
  } catch (error) {
    fail(error);
    return undefined;
  } finally {
    document.body.classList.remove('busy');
  }
}

// -- media and the overlay

function mediaSize(media) {
  return { width: media.clientWidth, height: media.clientHeight };
}

/**
 * A canvas laid over `media` (<img>, <video> or <canvas>), redrawn whenever the media's displayed size changes:
 * matchDimensions gives the canvas the displayed size and resizeResults scales the results to it.
 * show(results, paint) keeps the results in media (natural) coordinates; paint(canvas, resizedResults) draws.
 */
export function overlay(media) {
  let wrap = media.parentElement;
  if (!wrap.classList.contains('media')) {
    wrap = el('div', { class: 'media' });
    media.replaceWith(wrap);
    wrap.append(media);
  }
  const canvas = wrap.querySelector('canvas.overlay') ?? wrap.appendChild(el('canvas', { class: 'overlay' }));
  let last = null;
  const paint = (dims, current, resized) => {
    faceapi.matchDimensions(canvas, dims);
    const ctx = canvas.getContext('2d');
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (!current || current.results === undefined) return undefined;
    return current.paint(canvas, resized);
  };
  // synchronous on the main thread; in worker mode resizeResults is a Promise (and so is paint's drawing)
  const redraw = () => {
    const dims = mediaSize(media);
    if (!dims.width || !dims.height) return undefined;
    const current = last;
    const resized = current?.results ? faceapi.resizeResults(current.results, dims) : null;
    if (!(resized instanceof Promise)) return paint(dims, current, resized);
    return resized.then((values) => (current === last ? paint(dims, current, values) : undefined));
  };
  new ResizeObserver(redraw).observe(media);
  return {
    canvas,
    /** Returns what paint returns (worker mode: await it before showing the next results). */
    show(results, paint) {
      last = { results, paint };
      return redraw();
    },
    clear() {
      last = null;
      redraw();
    },
  };
}

/** Wait until an <img> has decoded (face-api.js's examples do the same before detecting). */
export async function loaded(img) {
  if (!img.complete || img.naturalWidth === 0) {
    await new Promise((resolve, reject) => {
      img.addEventListener('load', resolve, { once: true });
      img.addEventListener('error', () => reject(new Error(`cannot load the image ${img.src}`)), { once: true });
    });
  }
  await img.decode();
  return img;
}

/**
 * An image picker for `img`: the demo images and "your own image" (a local file, never uploaded anywhere).
 * Calls onChange(img) after the new image has loaded.
 */
export function imagePicker(img, onChange, { choices = IMAGES, label = 'Image' } = {}) {
  const select = el('select', { 'aria-label': `${label}: demo image` },
    ...choices.map((name) => el('option', { value: name }, name)));
  const current = img.getAttribute('src')?.split('/').pop();
  if (choices.includes(current)) select.value = current;
  const file = el('input', { type: 'file', accept: 'image/*', 'aria-label': `${label}: your own image` });
  const change = async (src) => {
    img.src = src;
    try {
      await loaded(img);
    } catch (error) {
      fail(error, 'Cannot show this image');
      return;
    }
    await onChange(img);
  };
  select.addEventListener('change', () => change(`media/${select.value}`));
  file.addEventListener('change', () => {
    if (file.files[0]) change(URL.createObjectURL(file.files[0]));
  });
  const picker = el('span', { class: 'picker' }, el('label', {}, `${label} `, select), el('label', { class: 'upload' }, 'or your own: ', file));
  picker.select = select;
  return picker;
}

/** Wire a <select>/<input> so that changing it calls `run` (debounced). */
export function live(elements, run, wait = 150) {
  let timer = null;
  for (const element of elements) {
    element.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(run, wait);
    });
  }
}

// -- offline: the service worker (web/src/sw.js) precaches this build; its URL carries the build's version

async function sha256Hex(text) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

let registering = null;

/** Register sw.js?v=<sha256 of build-info.json>: a new build (new models, new files) is a new worker and cache. */
export function registerServiceWorker() {
  registering ??= (async () => {
    const label = document.getElementById('offline-status');
    const say = (text) => { if (label) label.textContent = text; };
    if (!('serviceWorker' in navigator) || !globalThis.crypto?.subtle) {
      demo.offline = { error: 'no service worker support (needs https or localhost)' };
      say('Offline support: not available in this browser / context');
      return;
    }
    const cachedCopy = navigator.serviceWorker.controller !== null;
    if (cachedCopy) say('Offline support: ready (this page came from the offline cache)');
    try {
      const info = await (await fetch(new URL('build-info.json', ROOT), { cache: 'no-cache' })).text();
      const version = (await sha256Hex(info)).slice(0, 16);
      const registration = await navigator.serviceWorker.register(new URL(`sw.js?v=${version}`, ROOT), { scope: ROOT.pathname });
      say('Offline support: caching this build…');
      // a new build: wait until its worker has precached everything and taken over
      const incoming = registration.installing ?? registration.waiting;
      if (incoming) {
        await new Promise((resolve, reject) => incoming.addEventListener('statechange', () => {
          if (incoming.state === 'activated') resolve();
          if (incoming.state === 'redundant') reject(new Error('the service worker could not cache this build'));
        }));
      }
      await navigator.serviceWorker.ready;
      demo.offline = { version, cache: `pyfaceapi-${version}`, scope: registration.scope };
      const cached = await caches.has(demo.offline.cache);
      say(cached ? `Offline support: ready (cache pyfaceapi-${version})` : 'Offline support: caching…');
    } catch (error) {
      demo.offline = { error: String(error?.message ?? error) };
      if (cachedCopy && !navigator.onLine) {
        say('Offline support: working offline from the cache');
        return;
      }
      say(`Offline support: unavailable (${demo.offline.error})`);
      console.warn('service worker registration failed', error);
    }
  })();
  return registering;
}
