// The units new in the selected batches: which layer features count as new,
// how the map draws them and what the legend, tooltips and panel call them.
// Pure: no DOM, no Leaflet, so the node test runner can check it.
//
// With ?batch= the server gives every unit feature `new`: true when no
// earlier batch of the program holds a pilot unit under it (docs/api.md
// "Programs and batches"); without a batch `new` is null, so nothing here
// applies and the map looks as it always did.
import { t } from './i18n.js';
import { PALETTE } from './colors.js';

/** The SVG pattern (index.html) that fills a new pilot unit: the pilot orange with white stripes. */
export const NEW_PATTERN = 'pm-hatch-new';
/** The outline of a new pilot unit: a dark brown, apart from the white of the other pilots and the near-black full-promotion provinces. */
export const NEW_LINE = '#5a2300';

/** isNewUnit is true for a feature's properties the server marks new (true, not merely truthy). */
export function isNewUnit(props) {
  return props?.new === true;
}

/** newFeatures returns the features of a FeatureCollection marked new, in the collection's order. */
export function newFeatures(fc) {
  return (fc?.features || []).filter((f) => isNewUnit(f.properties));
}

/** newUnitCodes returns the codes of the features marked new. */
export function newUnitCodes(fc) {
  return new Set(newFeatures(fc).map((f) => f.properties.code));
}

/**
 * newStyle turns a pilot unit's Leaflet style into the new style: the
 * stripes over the pilot orange and a dark outline of weight px (already
 * scaled to the screen). A hidden pilot (opacity 0) stays hidden.
 */
export function newStyle(style, weight) {
  if (!style.opacity && !style.fillOpacity) return style;
  return { ...style, color: NEW_LINE, weight, fillColor: `url(#${NEW_PATTERN})` };
}

/** newLabel is what a unit new in the selection is called: 本批新增 (one batch) or 所选批次新增 (several). */
export function newLabel(lang, batches) {
  return t(lang, batches > 1 ? 'newInBatches' : 'newInBatch');
}

/**
 * newLegend is the legend entry's text for n new units in a selection of
 * batches batches, or null when there is none to show (no batch selected,
 * or nothing new).
 */
export function newLegend(lang, n, batches) {
  if (!(batches > 0) || !(n > 0)) return null;
  return t(lang, batches > 1 ? 'legendNewBatches' : 'legendNew', { n });
}

/** NEW_SWATCH is the legend swatch's CSS: the pattern's stripes and the outline. */
export const NEW_SWATCH = `background:repeating-linear-gradient(45deg,${PALETTE.pilot} 0 .2rem,#ffffff .2rem .3rem);border:2px solid ${NEW_LINE}`;
