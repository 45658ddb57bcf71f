// Label placement: a greedy pass over label boxes in screen pixels. Labels
// are taken in priority order (pilot units first) and each is kept only if
// its box overlaps no label kept before it and no obstacle (the legend, the
// inset). Pure: the caller measures text and projects points.

/** isWide reports whether a character takes a full em (CJK and fullwidth). */
function isWide(ch) {
  const c = ch.codePointAt(0);
  return (c >= 0x2e80 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xff00 && c <= 0xffef) || c >= 0x20000;
}

/**
 * estimateWidth estimates a text's width in pixels at a font size: a full em
 * for CJK characters, 0.6 em for others. Used when no canvas is at hand.
 */
export function estimateWidth(text, fontPx) {
  let w = 0;
  for (const ch of String(text)) w += isWide(ch) ? 1 : 0.6;
  return w * fontPx;
}

/** overlaps reports whether two boxes [x0, y0, x1, y1] intersect. */
export function overlaps(a, b) {
  return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}

/**
 * placeLabels chooses the labels to show.
 *
 * candidates: [{id, x, y, w, h, priority, alts}] with (x, y) the label's
 * centre and w, h its size in pixels. Higher priority wins; ties keep input
 * order. alts, optional, lists [dx, dy] offsets to try, in order, when the
 * label does not fit at (x, y); a kept label's x, y are where it was placed.
 * opts: {width, height} of the viewport (labels must lie fully inside; omit
 * to skip the check), pad (pixels kept free around each label, default 2),
 * obstacles ([x0, y0, x1, y1] boxes no label may touch).
 *
 * Returns the kept candidates, each with its box, in priority order.
 */
export function placeLabels(candidates, opts = {}) {
  const pad = opts.pad ?? 2;
  const obstacles = opts.obstacles || [];
  const order = candidates
    .map((c, i) => ({ c, i }))
    .sort((a, b) => (b.c.priority ?? 0) - (a.c.priority ?? 0) || a.i - b.i);
  const kept = [];
  const boxes = [];
  const fits = (box) =>
    !(opts.width !== undefined && (box[0] < 0 || box[1] < 0 || box[2] > opts.width || box[3] > opts.height)) &&
    !obstacles.some((o) => overlaps(box, o)) &&
    !boxes.some((b) => overlaps(box, b));
  for (const { c } of order) {
    if (![c.x, c.y, c.w, c.h].every(Number.isFinite)) continue;
    for (const [dx, dy] of [[0, 0], ...(c.alts || [])]) {
      const x = c.x + dx;
      const y = c.y + dy;
      const box = [x - c.w / 2 - pad, y - c.h / 2 - pad, x + c.w / 2 + pad, y + c.h / 2 + pad];
      if (!fits(box)) continue;
      boxes.push(box);
      kept.push({ ...c, x, y, box });
      break;
    }
  }
  return kept;
}
