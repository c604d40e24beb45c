// pyfaceapi's canvas renderer: paints a display list of pyfaceapi.draw on a CanvasRenderingContext2D.
//
// The display list is what pyfaceapi.draw computes in Python (Pyodide in the page, or CPython on a server):
// `display_list.to_dict()`, or its JSON text. This module turns each operation into the 2D-context calls
// face-api.js 0.22.2 makes for the same drawing, so a canvas shows what face-api.js would show, and what
// pyfaceapi's Pillow renderer paints on the server:
//
//   strokeRect      ctx.strokeRect(x, y, width, height) with lineWidth
//   strokePolyline  beginPath; moveTo/lineTo per segment (as face-api.js's drawContour: no joins); stroke
//   fillCircles     per centre: beginPath; arc(x, y, radius, 0, 2 * PI); fill
//   fillRect        ctx.fillRect(x, y, width, height)
//   fillText        ctx.fillText(text, x, y), left aligned on the alphabetic baseline, fontSize px
//
// Text: the layout (text-field backgrounds) was measured in Python with the bundled DejaVu Sans, so text is
// drawn with that font, whatever `fontStyle` the caller asked for. Load it once, from the same origin,
// before painting (the file is pyfaceapi/draw/fonts/DejaVuSans.ttf, copied into the web build):
//
//   import { loadBundledFont, renderDisplayList } from './draw.js';
//   await loadBundledFont('fonts/DejaVuSans.ttf');      // FontFace -> document.fonts
//   renderDisplayList(canvas.getContext('2d'), list);   // list: display_list.to_dict() (or its JSON)
//
// Or with CSS: @font-face { font-family: "pyfaceapi DejaVu Sans"; src: url(fonts/DejaVuSans.ttf); }
// (then `await document.fonts.load('14px "pyfaceapi DejaVu Sans"')` before painting).
// The family is registered under its own name so that a system-installed DejaVu Sans of another version
// cannot stand in for it.

export const FONT_FAMILY = 'pyfaceapi DejaVu Sans';
export const SCHEMA = 'pyfaceapi-draw/1';

let fontFace = null;

/** Register the bundled font (once) under FONT_FAMILY; resolves when it can be drawn with. */
export async function loadBundledFont(url = 'fonts/DejaVuSans.ttf') {
  if (!fontFace) {
    fontFace = new FontFace(FONT_FAMILY, `url(${url})`);
    (typeof document !== 'undefined' ? document.fonts : self.fonts).add(fontFace);
  }
  await fontFace.load();
  return fontFace;
}

/** The CSS font of a text operation: its size in px, in the bundled family. */
export function fontOf(op) {
  return `${op.fontSize}px "${FONT_FAMILY}"`;
}

/**
 * Paint `list` (a display list's dict or JSON) on `ctx`. The context's transform and clip apply; every
 * other state this needs is set here and restored afterwards.
 */
export function renderDisplayList(ctx, list) {
  const data = typeof list === 'string' ? JSON.parse(list) : list;
  if (!data || data.schema !== SCHEMA) {
    throw new Error(`renderDisplayList: expected a display list of schema ${SCHEMA}, got ${data && data.schema}`);
  }
  ctx.save();
  try {
    ctx.globalAlpha = 1;
    ctx.globalCompositeOperation = 'source-over';
    ctx.lineCap = 'butt';
    ctx.lineJoin = 'miter';
    ctx.miterLimit = 10;
    ctx.setLineDash([]);
    ctx.textAlign = 'left';
    ctx.textBaseline = 'alphabetic';
    ctx.direction = 'ltr';
    for (const op of data.ops) drawOp(ctx, op);
  } finally {
    ctx.restore();
  }
}

function drawOp(ctx, op) {
  switch (op.op) {
    case 'strokeRect':
      ctx.strokeStyle = op.color;
      ctx.lineWidth = op.lineWidth;
      ctx.strokeRect(op.x, op.y, op.width, op.height);
      break;
    case 'strokePolyline': {
      const pts = op.points;
      ctx.strokeStyle = op.color;
      ctx.lineWidth = op.lineWidth;
      ctx.beginPath();
      for (let k = 1; k < pts.length; k++) {
        ctx.moveTo(pts[k - 1][0], pts[k - 1][1]);
        ctx.lineTo(pts[k][0], pts[k][1]);
      }
      if (op.closed && pts.length) {
        ctx.moveTo(pts[pts.length - 1][0], pts[pts.length - 1][1]);
        ctx.lineTo(pts[0][0], pts[0][1]);
      }
      ctx.stroke();
      break;
    }
    case 'fillCircles':
      ctx.fillStyle = op.color;
      for (const [x, y] of op.centers) {
        ctx.beginPath();
        ctx.arc(x, y, op.radius, 0, 2 * Math.PI);
        ctx.fill();
      }
      break;
    case 'fillRect':
      ctx.fillStyle = op.color;
      ctx.fillRect(op.x, op.y, op.width, op.height);
      break;
    case 'fillText':
      ctx.font = fontOf(op);
      ctx.fillStyle = op.color;
      ctx.fillText(op.text.replace(/[\t\n\f\r]/g, ' '), op.x, op.y);
      break;
    default:
      throw new Error(`renderDisplayList: unknown operation ${JSON.stringify(op.op)}`);
  }
}
