// The service worker of the pyfaceapi web build: after the first visit every file of the build (app shell,
// demo pages and media, Pyodide, the numpy and pyfaceapi wheels, LiteRT.js and its wasm, the models) is served
// from Cache Storage, so the demos work offline. The file list is build-info.json's; the cache is named after
// the build's version (the sha256 of build-info.json, which lists every file's sha256), passed as ?v= by the
// page that registers this worker (demos/layout.js): a new build, e.g. updated models, is a new worker URL,
// which precaches into a new cache and deletes the old ones when it activates.

const VERSION = new URL(self.location.href).searchParams.get('v') || 'unversioned';
const PREFIX = 'pyfaceapi-';
const CACHE = PREFIX + VERSION;
const ROOT = new URL('./', self.location.href);
const BUILD_INFO = new URL('build-info.json', ROOT).href;
// directory URLs answered with their index page
const INDEXES = { [ROOT.href]: 'index.html', [new URL('demos/', ROOT).href]: 'demos/index.html' };

async function sha256Hex(text) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function precache() {
  const response = await fetch(BUILD_INFO, { cache: 'no-store' });
  if (!response.ok) throw new Error(`sw: cannot fetch build-info.json (HTTP ${response.status})`);
  const text = await response.clone().text();
  const actual = (await sha256Hex(text)).slice(0, VERSION.length);
  if (actual !== VERSION) throw new Error(`sw: build-info.json is version ${actual}, this worker is ${VERSION}`);
  const cache = await caches.open(CACHE);
  const urls = Object.keys(JSON.parse(text).files).map((name) => new URL(name, ROOT).href);
  // bypass the HTTP cache: the files must be this build's (a few at a time: the wasm and models are large)
  const queue = [...urls];
  const worker = async () => {
    for (let url = queue.shift(); url; url = queue.shift()) {
      const file = await fetch(url, { cache: 'no-store' });
      if (!file.ok) throw new Error(`sw: cannot precache ${url} (HTTP ${file.status})`);
      await cache.put(url, file);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  await cache.put(BUILD_INFO, response);
}

self.addEventListener('install', (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

async function fromCache(request) {
  const url = new URL(request.url);
  url.hash = '';
  const key = INDEXES[url.href] ? new URL(INDEXES[url.href], ROOT).href : url.href;
  const cache = await caches.open(CACHE);
  return (await cache.match(key)) ?? (await cache.match(key, { ignoreSearch: true }));
}

/** A 206 answer to a media element's Range request, cut from the cached file. */
async function partial(response, range) {
  const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  const blob = await response.blob();
  if (!match) return new Response(blob, { status: 200, headers: response.headers });
  let start = match[1] === '' ? blob.size - Number(match[2]) : Number(match[1]);
  let end = match[1] === '' || match[2] === '' ? blob.size - 1 : Number(match[2]);
  start = Math.max(0, start);
  end = Math.min(end, blob.size - 1);
  if (start > end) {
    return new Response(null, { status: 416, headers: { 'Content-Range': `bytes */${blob.size}` } });
  }
  const headers = new Headers(response.headers);
  headers.set('Content-Range', `bytes ${start}-${end}/${blob.size}`);
  headers.set('Content-Length', String(end - start + 1));
  return new Response(blob.slice(start, end + 1), { status: 206, headers });
}

async function respond(request) {
  if (request.url.split('?')[0] === BUILD_INFO) {
    // network first: this is how a page learns that there is a new build
    try {
      return await fetch(request);
    } catch {
      return (await fromCache(request)) ?? Response.error();
    }
  }
  const cached = await fromCache(request);
  if (cached && request.headers.has('range')) return partial(cached, request.headers.get('range'));
  if (cached) return cached;
  try {
    return await fetch(request);
  } catch (error) {
    return new Response(`offline, and ${request.url} is not in the cache ${CACHE}`, {
      status: 503, headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    });
  }
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || !request.url.startsWith(ROOT.href)) return;
  event.respondWith(respond(request));
});
