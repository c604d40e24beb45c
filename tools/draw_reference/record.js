'use strict';
// Ground truth for pyfaceapi.draw: the 2D-context calls face-api.js 0.22.2's own draw functions make.
//
// face-api.js draws on a canvas; here the canvas is a recording stand-in (no node-canvas, no browser):
// every property set (strokeStyle, fillStyle, lineWidth, font) and every call (strokeRect, fillRect,
// fillText, beginPath, moveTo, lineTo, arc, stroke, fill, measureText) is written down with its
// arguments. The inputs are the face-api.js reference results in tests/fixtures/reference/{test,examples}/
// (faces[]: detection, landmarks, expressions), rebuilt as face-api.js objects (FaceDetection from
// relativeBox and the image size, FaceLandmarks68 from the absolute positions at size 1x1, FaceExpressions)
// so that face-api.js's instanceof checks pass. The canvas has the image's size.
//
// measureText: face-api.js sizes text-field backgrounds with ctx.measureText(line).width. The stand-in
// measures exactly as pyfaceapi's core does (pyfaceapi/draw/text.py), from the same table,
// pyfaceapi/draw/fonts/DejaVuSans.metrics.json (made by tools/font_metrics.py from the bundled DejaVu
// Sans): glyph advances, Latin ligatures and GPOS pair kerning in font units, then
// units * fontSize / unitsPerEm. So widths agree to the bit, whatever family ctx.font names (face-api.js's
// default is "14px Georgia": the family is ignored, only the px size counts).
//
// Install face-api.js 0.22.2 as in shared/tools/reference/README.md (modules in /tmp/refnm/node_modules,
// or REF_NODE_MODULES=...), then from the repository root:
//     node tools/draw_reference/record.js            # writes tests/fixtures/draw/calls/*.json
// Options: --reference DIR (default tests/fixtures/reference), --out DIR (default tests/fixtures/draw/calls).

const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

const ROOT = path.resolve(__dirname, '..', '..');
const NM = process.env.REF_NODE_MODULES || '/tmp/refnm/node_modules';
const nmRequire = createRequire(path.join(NM, '_resolve_from_here.js'));

function parseArgs(argv) {
  const args = { reference: path.join(ROOT, 'tests/fixtures/reference'), out: path.join(ROOT, 'tests/fixtures/draw/calls') };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--reference') args.reference = path.resolve(argv[++i]);
    else if (argv[i] === '--out') args.out = path.resolve(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return args;
}

// ------------------------------------------------------------ measureText, as pyfaceapi/draw/text.py
const METRICS_FILE = path.join(ROOT, 'pyfaceapi/draw/fonts/DejaVuSans.metrics.json');
const METRICS = JSON.parse(fs.readFileSync(METRICS_FILE, 'utf8'));
const ADVANCES = new Map();
for (const [start, run] of METRICS.advances) run.forEach((adv, i) => ADVANCES.set(start + i, adv));
const LIGATURES = ['ffi', 'ffl', 'ff', 'fi', 'fl'];

function isLatinLetter(ch) {
  const cp = ch.codePointAt(0);
  return (cp >= 0x41 && cp <= 0x5A) || (cp >= 0x61 && cp <= 0x7A) || cp === 0xAA || cp === 0xBA
    || (cp >= 0xC0 && cp <= 0x24F && cp !== 0xD7 && cp !== 0xF7);
}

function textWidthUnits(text) {
  const chars = Array.from(text.replace(/[\t\n\f\r]/g, ' '));
  const latin = chars.some(isLatinLetter);
  const tokens = [];
  for (let i = 0; i < chars.length;) {
    const lig = latin && chars[i] === 'f'
      ? LIGATURES.find((l) => chars.slice(i, i + l.length).join('') === l && l in METRICS.ligatures) : undefined;
    if (lig) { tokens.push(lig); i += lig.length; } else { tokens.push(chars[i]); i += 1; }
  }
  const kerning = latin ? METRICS.kerning.latn : METRICS.kerning.DFLT;
  let units = 0;
  tokens.forEach((t, i) => {
    units += LIGATURES.includes(t) ? METRICS.ligatures[t]
      : (ADVANCES.has(t.codePointAt(0)) ? ADVANCES.get(t.codePointAt(0)) : METRICS.missingAdvance);
    if (i) units += (kerning[tokens[i - 1]] || {})[t] || 0;
  });
  return units;
}

function measureText(text, font) {
  const m = /(\d*\.?\d+(?:e[+-]?\d+)?)px/i.exec(font);
  if (!m) throw new Error(`measureText: no px size in font ${JSON.stringify(font)}`);
  return textWidthUnits(text) * Number(m[1]) / METRICS.unitsPerEm;
}

// ------------------------------------------------------------ the recording canvas
class RecordingContext {
  constructor(canvas) {
    this.canvas = canvas;
    this.calls = [];
    this._state = { strokeStyle: '#000000', fillStyle: '#000000', lineWidth: 1, font: '10px sans-serif' };
  }
}
for (const prop of ['strokeStyle', 'fillStyle', 'lineWidth', 'font']) {
  Object.defineProperty(RecordingContext.prototype, prop, {
    get() { return this._state[prop]; },
    set(value) { this._state[prop] = value; this.calls.push(['set', prop, value]); },
  });
}
for (const method of ['strokeRect', 'fillRect', 'fillText', 'beginPath', 'moveTo', 'lineTo', 'arc', 'stroke', 'fill', 'closePath']) {
  RecordingContext.prototype[method] = function record(...args) { this.calls.push([method, ...args]); };
}
RecordingContext.prototype.measureText = function measure(text) {
  const width = measureText(text, this._state.font);
  this.calls.push(['measureText', text, width]);
  return { width };
};

class RecordingCanvas {
  constructor(width, height) { this.width = width; this.height = height; this._ctx = new RecordingContext(this); }
  getContext(kind) { if (kind !== '2d') throw new Error(`getContext(${kind})`); return this._ctx; }
}

// ------------------------------------------------------------ inputs as face-api.js objects
function buildResults(faceapi, ref) {
  const dims = { width: ref.image.width, height: ref.image.height };
  const detectionOf = (d) => new faceapi.FaceDetection(
    d.score, new faceapi.Rect(d.relativeBox.x, d.relativeBox.y, d.relativeBox.width, d.relativeBox.height), dims);
  return (ref.faces || []).map((f) => {
    const landmarks = new faceapi.FaceLandmarks68(f.landmarks.positions.map((p) => new faceapi.Point(p.x, p.y)), { width: 1, height: 1 });
    const expressions = new faceapi.FaceExpressions(faceapi.FACE_EXPRESSION_LABELS.map((label) => f.expressions[label]));
    return { detection: detectionOf(f.detection), landmarks, unshiftedLandmarks: landmarks, alignedRect: detectionOf(f.alignedRect), expressions };
  });
}

// Each case: a name, the face-api.js code it runs (kept in the fixture), and that code.
// tests/unit/test_draw.py has the pyfaceapi twin of every case under the same name.
function cases(faceapi, results, dims, withOptions) {
  const d = faceapi.draw;
  const list = [
    ['drawDetections', 'draw.drawDetections(canvas, results)', (c) => d.drawDetections(c, results)],
    ['drawFaceLandmarks', 'draw.drawFaceLandmarks(canvas, results)', (c) => d.drawFaceLandmarks(c, results)],
    ['drawFaceExpressions', 'draw.drawFaceExpressions(canvas, results)', (c) => d.drawFaceExpressions(c, results)],
  ];
  if (!withOptions || !results.length) return list;
  const r0 = results[0];
  const b0 = r0.detection.box;
  const { width: W, height: H } = dims;
  list.push(
    ['drawDetections:faceDetections', 'draw.drawDetections(canvas, results.map(r => r.detection))',
      (c) => d.drawDetections(c, results.map((r) => r.detection))],
    ['drawDetections:boxes', 'draw.drawDetections(canvas, results.map(r => ({x, y, width, height} of r.detection.box)))',
      (c) => d.drawDetections(c, results.map((r) => ({ x: r.detection.box.x, y: r.detection.box.y, width: r.detection.box.width, height: r.detection.box.height })))],
    ['DrawBox:options', "new draw.DrawBox(results[0].detection.box, {boxColor: 'rgba(255, 0, 0, 0.8)', lineWidth: 3, label: 'Jane Doe (fi)', drawLabelOptions: {fontSize: 20, anchorPosition: TOP_RIGHT, padding: 2, fontColor: '#ffff00'}}).draw(canvas)",
      (c) => new d.DrawBox(b0, { boxColor: 'rgba(255, 0, 0, 0.8)', lineWidth: 3, label: 'Jane Doe (fi)', drawLabelOptions: { fontSize: 20, anchorPosition: d.AnchorPosition.TOP_RIGHT, padding: 2, fontColor: '#ffff00' } }).draw(c)],
    ['DrawBox:rightEdge', "new draw.DrawBox({x: W - 40, y: 100.25, width: 35, height: 50}, {label: 'a label wider than the box'}).draw(canvas)",
      (c) => new d.DrawBox({ x: W - 40, y: 100.25, width: 35, height: 50 }, { label: 'a label wider than the box' }).draw(c)],
  );
  for (const anchorPosition of ['TOP_LEFT', 'TOP_RIGHT', 'BOTTOM_LEFT', 'BOTTOM_RIGHT']) {
    list.push([`DrawTextField:${anchorPosition}`,
      `new draw.DrawTextField(['AV Ty. office', 'fluffy: 0.123'], {x: 300.5, y: 200.25}, {anchorPosition: ${anchorPosition}, fontSize: 11.5, padding: 6, backgroundColor: 'rgba(0, 0, 0, 0.7)', fontColor: 'hsl(60, 100%, 50%)'}).draw(canvas)`,
      (c) => new d.DrawTextField(['AV Ty. office', 'fluffy: 0.123'], { x: 300.5, y: 200.25 }, { anchorPosition, fontSize: 11.5, padding: 6, backgroundColor: 'rgba(0, 0, 0, 0.7)', fontColor: 'hsl(60, 100%, 50%)' }).draw(c)]);
  }
  list.push(
    ['DrawTextField:clampedBottomRight', "new draw.DrawTextField('outside, bottom right', {x: W + 10, y: H + 10}).draw(canvas)",
      (c) => new d.DrawTextField('outside, bottom right', { x: W + 10, y: H + 10 }).draw(c)],
    ['DrawTextField:clampedTopLeft', "new draw.DrawTextField(['outside,', 'top left'], {x: -20, y: -20}, {anchorPosition: BOTTOM_RIGHT}).draw(canvas)",
      (c) => new d.DrawTextField(['outside,', 'top left'], { x: -20, y: -20 }, { anchorPosition: d.AnchorPosition.BOTTOM_RIGHT }).draw(c)],
    ['drawFaceExpressions:bare', 'draw.drawFaceExpressions(canvas, results.map(r => r.expressions), 0.05, {x: 12.5, y: 40})',
      (c) => d.drawFaceExpressions(c, results.map((r) => r.expressions), 0.05, { x: 12.5, y: 40 })],
    ['DrawFaceLandmarks:options', "new draw.DrawFaceLandmarks(results[0].landmarks, {lineWidth: 2, lineColor: 'rgba(255, 255, 0, 1)', pointSize: 1.5, pointColor: 'red'}).draw(canvas)",
      (c) => new d.DrawFaceLandmarks(r0.landmarks, { lineWidth: 2, lineColor: 'rgba(255, 255, 0, 1)', pointSize: 1.5, pointColor: 'red' }).draw(c)],
    ['DrawFaceLandmarks:pointsOnly', 'new draw.DrawFaceLandmarks(results[0].landmarks, {drawLines: false}).draw(canvas)',
      (c) => new d.DrawFaceLandmarks(r0.landmarks, { drawLines: false }).draw(c)],
  );
  return list;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const faceapi = nmRequire('face-api.js');
  faceapi.env.monkeyPatch({ Canvas: RecordingCanvas, createCanvasElement: () => new RecordingCanvas(0, 0) });
  const version = nmRequire('face-api.js/package.json').version;
  if (version !== '0.22.2') throw new Error(`expected face-api.js 0.22.2, found ${version}`);
  fs.mkdirSync(args.out, { recursive: true });
  const files = ['test', 'examples'].flatMap((set) => fs.readdirSync(path.join(args.reference, set)).sort()
    .filter((f) => f.endsWith('.json')).map((f) => [set, f]));
  for (const [set, file] of files) {
    const ref = JSON.parse(fs.readFileSync(path.join(args.reference, set, file), 'utf8'));
    const dims = { width: ref.image.width, height: ref.image.height };
    const results = buildResults(faceapi, ref);
    const withOptions = set === 'test' && file === 'faces.jpg.json';
    const out = {
      schema: 'faceapi-draw-calls/1',
      generator: `tools/draw_reference/record.js (face-api.js ${version}, node ${process.version})`,
      reference: `${set}/${file}`,
      canvas: dims,
      measureText: `${path.basename(METRICS_FILE)} sha256 ${METRICS.sha256} (the font's; see record.js)`,
      cases: {},
    };
    for (const [name, code, run] of cases(faceapi, results, dims, withOptions)) {
      const canvas = new RecordingCanvas(dims.width, dims.height);
      run(canvas);
      out.cases[name] = { code, calls: canvas._ctx.calls };
    }
    const target = path.join(args.out, `${set}-${file}`);
    fs.writeFileSync(target, JSON.stringify(out) + '\n');
    console.log(`${target}: ${results.length} faces, ${Object.keys(out.cases).length} cases`);
  }
}

main();
