// Copied from the project's shared face-api.js reference harness (tools/reference/lib/canvasShim.js, MIT).
// Used only to run face-api.js 0.22.2's MTCNN in Node, which needs a canvas; see bench/README.md.
'use strict';
// Minimal in-memory stand-in for HTMLCanvasElement / ImageData, used ONLY for face-api.js's MTCNN,
// which refuses tensor input and crops/resizes its stage-2/3 patches with canvas getImageData/drawImage.
// Semantics (documented so a reimplementation can match them):
//  - storage: non-premultiplied RGBA uint8; a new canvas is transparent black (0,0,0,0)
//  - getImageData(x, y, w, h): pixels outside the canvas read as (0,0,0,0)
//  - putImageData(img, dx, dy): raw copy, no compositing
//  - drawImage(src, dx, dy[, dw, dh]) / (src, sx, sy, sw, sh, dx, dy, dw, dh): bilinear resampling with
//    half-pixel centres (u = sx + (i + 0.5) * sw / dw - 0.5), clamp-to-edge of the source rect,
//    interpolation on premultiplied RGBA, then un-premultiplied and rounded to uint8 (like a browser
//    canvas with imageSmoothingEnabled and no mipmaps; equals OpenCV INTER_LINEAR for opaque pixels).
//    The result replaces the destination pixels (src-over onto a transparent canvas is the only use).

class ShimImageData {
  constructor(data, width, height) {
    if (typeof data === 'number') { height = width; width = data; data = new Uint8ClampedArray(width * height * 4); }
    this.data = data;
    this.width = width;
    this.height = height;
  }
}

class ShimContext2D {
  constructor(canvas) { this.canvas = canvas; }

  getImageData(sx, sy, sw, sh) {
    const c = this.canvas;
    const out = new Uint8ClampedArray(sw * sh * 4);
    for (let y = 0; y < sh; y++) {
      const yy = sy + y;
      if (yy < 0 || yy >= c.height) continue;
      for (let x = 0; x < sw; x++) {
        const xx = sx + x;
        if (xx < 0 || xx >= c.width) continue;
        const si = (yy * c.width + xx) * 4;
        const di = (y * sw + x) * 4;
        out[di] = c._data[si]; out[di + 1] = c._data[si + 1]; out[di + 2] = c._data[si + 2]; out[di + 3] = c._data[si + 3];
      }
    }
    return new ShimImageData(out, sw, sh);
  }

  putImageData(img, dx, dy) {
    const c = this.canvas;
    for (let y = 0; y < img.height; y++) {
      const yy = dy + y;
      if (yy < 0 || yy >= c.height) continue;
      for (let x = 0; x < img.width; x++) {
        const xx = dx + x;
        if (xx < 0 || xx >= c.width) continue;
        const si = (y * img.width + x) * 4;
        const di = (yy * c.width + xx) * 4;
        for (let k = 0; k < 4; k++) c._data[di + k] = img.data[si + k];
      }
    }
  }

  drawImage(src, ...args) {
    const sData = src._data || src.data;
    const SW = src.width; const SH = src.height;
    let sx = 0; let sy = 0; let sw = SW; let sh = SH; let dx; let dy; let dw = SW; let dh = SH;
    if (args.length === 2) [dx, dy] = args;
    else if (args.length === 4) [dx, dy, dw, dh] = args;
    else if (args.length === 8) [sx, sy, sw, sh, dx, dy, dw, dh] = args;
    else throw new Error('ShimContext2D.drawImage: unsupported arguments');
    const c = this.canvas;
    const x0s = Math.max(0, Math.floor(sx)); const x1s = Math.min(SW - 1, Math.ceil(sx + sw) - 1);
    const y0s = Math.max(0, Math.floor(sy)); const y1s = Math.min(SH - 1, Math.ceil(sy + sh) - 1);
    const px = (xx, yy, k) => sData[(yy * SW + xx) * 4 + k];
    for (let j = 0; j < dh; j++) {
      const ty = Math.round(dy) + j;
      if (ty < 0 || ty >= c.height) continue;
      let v = sy + (j + 0.5) * sh / dh - 0.5;
      v = Math.min(Math.max(v, y0s), y1s);
      const yA = Math.floor(v); const yB = Math.min(yA + 1, y1s); const fy = v - yA;
      for (let i = 0; i < dw; i++) {
        const tx = Math.round(dx) + i;
        if (tx < 0 || tx >= c.width) continue;
        let u = sx + (i + 0.5) * sw / dw - 0.5;
        u = Math.min(Math.max(u, x0s), x1s);
        const xA = Math.floor(u); const xB = Math.min(xA + 1, x1s); const fx = u - xA;
        const w00 = (1 - fx) * (1 - fy); const w10 = fx * (1 - fy); const w01 = (1 - fx) * fy; const w11 = fx * fy;
        const a00 = px(xA, yA, 3); const a10 = px(xB, yA, 3); const a01 = px(xA, yB, 3); const a11 = px(xB, yB, 3);
        const a = w00 * a00 + w10 * a10 + w01 * a01 + w11 * a11;
        const di = (ty * c.width + tx) * 4;
        for (let k = 0; k < 3; k++) {
          const pm = w00 * px(xA, yA, k) * a00 + w10 * px(xB, yA, k) * a10 + w01 * px(xA, yB, k) * a01 + w11 * px(xB, yB, k) * a11;
          c._data[di + k] = a > 0 ? Math.round(pm / a) : 0;
        }
        c._data[di + 3] = Math.round(a);
      }
    }
  }
}

class ShimCanvas {
  constructor(width = 300, height = 150) { this._w = width; this._h = height; this._alloc(); }
  _alloc() { this._data = new Uint8ClampedArray(this._w * this._h * 4); }
  get width() { return this._w; }
  set width(v) { this._w = v; this._alloc(); }
  get height() { return this._h; }
  set height(v) { this._h = v; this._alloc(); }
  getContext(type) { return type === '2d' ? new ShimContext2D(this) : null; }

  static fromRgb(rgb, width, height) {
    const c = new ShimCanvas(width, height);
    for (let i = 0, j = 0; i < width * height; i++, j += 3) {
      c._data[i * 4] = rgb[j]; c._data[i * 4 + 1] = rgb[j + 1]; c._data[i * 4 + 2] = rgb[j + 2]; c._data[i * 4 + 3] = 255;
    }
    return c;
  }
}

class ShimImage {}
class ShimVideo {}

module.exports = { ShimCanvas, ShimImageData, ShimContext2D, ShimImage, ShimVideo };
