// Coverage classes and the map's palette. Pure: no DOM, no Leaflet, so the
// node test runner can check it.
//
// Coverage = pilot comparable units / comparable units of a province. The
// classes are fixed (they never change with zoom, filter or data), so a
// colour means the same thing on every screenshot.

/** Upper bounds (exclusive) of the non-zero classes; the last class is open. */
export const COVERAGE_BREAKS = [0.1, 0.2, 0.3, 0.4];

/**
 * Fill colours, light to dark, one per non-zero class: a sequential blue
 * ramp (ColorBrewer "Blues"), safe for the common colour-vision deficiencies
 * and distinct from the orange used for pilot units.
 */
export const COVERAGE_COLORS = ['#deebf7', '#b5d3ea', '#82badb', '#4d94c6', '#2468a8'];

/** The palette for everything that is not a coverage class. */
export const PALETTE = {
  pilot: '#e8710a', // pilot units: orange against the blue ramp (CVD safe pair)
  pilotLine: '#ffffff',
  zero: '#ffffff', // a mainland province with no pilot unit (云南), drawn with a hatch
  zeroHatch: '#b0b7bf',
  outside: '#d4d4d4', // 台湾, 香港, 澳门: not in the program
  outsideLine: '#a3a3a3',
  provinceLine: '#7b8794',
  unitLine: '#ffffff',
  fullPromotion: '#1d2433', // outline of the 12 full-promotion pilot provinces
  selected: '#c2185b',
  sea: '#f3f6f9',
  nanhaiLine: '#7a4a8c', // the South China Sea line in the inset (the national border's colour)
};

/**
 * coverageClass returns the class of a coverage ratio: -1 for a province
 * outside the program, 0 for no coverage, 1..5 for the non-zero classes.
 * A province is outside when inProgram is false; NaN or negative coverage
 * counts as 0.
 */
export function coverageClass(coverage, inProgram = true) {
  if (!inProgram) return -1;
  if (!(coverage > 0)) return 0;
  let c = 1;
  for (const b of COVERAGE_BREAKS) {
    if (coverage < b) return c;
    c++;
  }
  return c;
}

/** coverageColor returns the fill of a class from coverageClass. */
export function coverageColor(cls) {
  if (cls < 0) return PALETTE.outside;
  if (cls === 0) return PALETTE.zero;
  return COVERAGE_COLORS[Math.min(cls, COVERAGE_COLORS.length) - 1];
}

/**
 * legendClasses describes every class for the legend, in order: the zero
 * class first, then the non-zero ones with their bounds as fractions.
 * Labels are left to the caller (they depend on the language).
 */
export function legendClasses() {
  const out = [{ cls: 0, from: 0, to: 0, color: coverageColor(0) }];
  let from = 0;
  COVERAGE_BREAKS.forEach((to, i) => {
    out.push({ cls: i + 1, from, to, color: COVERAGE_COLORS[i] });
    from = to;
  });
  out.push({ cls: COVERAGE_BREAKS.length + 1, from, to: Infinity, color: COVERAGE_COLORS[COVERAGE_BREAKS.length] });
  return out;
}

/**
 * textColorOn returns a readable label colour (dark or white) for a fill,
 * from the fill's relative luminance.
 */
export function textColorOn(hex) {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex || '');
  if (!m) return '#1d2433';
  const n = parseInt(m[1], 16);
  const ch = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  const lum = 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
  return lum < 0.3 ? '#ffffff' : '#1d2433';
}
