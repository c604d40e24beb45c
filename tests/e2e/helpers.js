// Test helpers injected into every e2e page (Playwright add_init_script): window.__t.
// Fixtures are served by the test's route handler under /__fixtures__/ (images, the generated video).
window.__t = {
  FIXTURES: '/__fixtures__/',

  /** An <img> of a fixture, decoded and in the document (id = its file name). */
  async image(name, { id } = {}) {
    const img = document.createElement('img');
    img.id = id ?? `img-${name}`;
    img.src = this.FIXTURES + 'images/' + name;
    await img.decode();
    document.body.append(img);
    return img;
  },

  /** Results (or anything) as plain JSON data, Float32Array descriptors as arrays of numbers. */
  json(value) {
    if (value === undefined) return null;
    return JSON.parse(JSON.stringify(value, (key, item) => (item instanceof Float32Array ? Array.from(item) : item)));
  },

  /** A canvas of an image's natural size with the image drawn on it. */
  canvasOf(img) {
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    canvas.getContext('2d').drawImage(img, 0, 0);
    return canvas;
  },

  /** Plain JSON of face-api.js-shaped detections (getters included). */
  plain(detections) {
    return Array.isArray(detections) ? detections.map((d) => d.toJSON()) : detections?.toJSON() ?? null;
  },

  /** face-api.js options from a spec [kind, fields]. */
  options([kind, fields]) {
    return kind === null ? undefined : new faceapi[kind](fields);
  },

  /** detectAllFaces for each option spec, on one input. */
  async detectEach(input, specs) {
    const out = [];
    for (const spec of specs) out.push(this.plain(await faceapi.detectAllFaces(input, this.options(spec))));
    return out;
  },

  /** Run a pyfaceapi.browser function; returns its JSON-like result. */
  async python(name, ...args) {
    const { python } = await faceapi.init();
    const result = python[name](...args);
    if (result?.toJs === undefined) return result;
    try {
      return result.toJs({ dict_converter: Object.fromEntries, create_pyproxies: false });
    } finally {
      result.destroy();
    }
  },

  /** The error a promise rejects with, as { name, message } (null if it resolves). */
  async rejection(promise) {
    try {
      await promise;
      return null;
    } catch (error) {
      return { name: error.name, message: error.message };
    }
  },

  /** The error a function throws, as { name, message } (null if it returns). */
  error(run) {
    try {
      run();
      return null;
    } catch (error) {
      return { name: error.name, message: error.message };
    }
  },

  /** A <video> of a fixture, paused on the frame at `time` seconds, with a frame to read. */
  async video(name, time) {
    const video = document.createElement('video');
    video.muted = true;
    video.preload = 'auto';
    video.src = this.FIXTURES + name;
    document.body.append(video);
    await new Promise((resolve, reject) => {
      video.addEventListener('loadeddata', resolve, { once: true });
      video.addEventListener('error', () => reject(new Error(`video error ${video.error?.code}`)), { once: true });
    });
    await new Promise((resolve) => {
      video.addEventListener('seeked', resolve, { once: true });
      video.currentTime = time;
    });
    return video;
  },

  base64(bytes) {
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  },
};
