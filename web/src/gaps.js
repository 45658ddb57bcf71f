// Gaps mode's pure logic: distance classes and colours (the same as the
// server-side SVG's, internal/render/colors.go), cluster outlines from
// grouped unit polygons, and an index over the /api/v1/gaps report.
// No DOM, no Leaflet, so the node test runner can check it.

/**
 * Upper bounds (km, exclusive) of the distance classes 1..3; class 0 is a
 * distance of 0 (the unit borders a pilot unit), class 4 is open (≥ 200 km).
 */
export const GAP_BREAKS = [50, 100, 200];

/**
 * Fills of the classes 0..4, near to far: a sequential purple ramp
 * (after ColorBrewer Purples), colour-blind safe and distinct from the
 * orange of the pilot units; the farther from a pilot, the darker. Class 0
 * (borders a pilot) is a clear lilac, 1.5:1 against the white of the
 * covered units, so a unit without a pilot never looks blank.
 */
export const GAP_COLORS = ['#d5d1ea', '#b3aed6', '#8f87c0', '#6a5aa8', '#4a1f86'];

/** Comparable units with a pilot (and units without a distance): white, with grey borders. */
export const GAP_BASE = '#ffffff';

/** Unit borders in gaps mode (white borders would vanish on the white of the covered units). */
export const GAP_LINE = '#aab2bb';

/** The outline of the largest clusters (the render package's, = full-promotion ink). */
export const CLUSTER_LINE = '#1d2433';

/** How many of the largest clusters the map outlines and numbers. */
export const TOP_CLUSTERS = 10;

/**
 * How many the presentation frame numbers: as many as the server's SVG
 * (internal/render maxClusters), so the frame and its PNG show the same.
 */
export const PRESENT_CLUSTERS = 5;

/**
 * gapClass returns the class of a distance in km: -1 when there is none
 * (null, undefined, NaN: a unit without polygon), 0 for 0 (or below),
 * 1..3 below 50, 100, 200 km, 4 from 200 km on.
 */
export function gapClass(km) {
  if (km === null || km === undefined || typeof km !== 'number' || Number.isNaN(km)) return -1;
  if (km <= 0) return 0;
  for (let i = 0; i < GAP_BREAKS.length; i++) if (km < GAP_BREAKS[i]) return i + 1;
  return GAP_BREAKS.length + 1;
}

/** gapColor returns the fill of a distance (GAP_BASE when there is none). */
export function gapColor(km) {
  const c = gapClass(km);
  return c < 0 ? GAP_BASE : GAP_COLORS[c];
}

/**
 * gapLegend describes the classes for the legend: [{cls, from, to, color,
 * label}] with label "0" for class 0 (the caller words it), "< 50 km",
 * "50–100 km", "100–200 km", "≥ 200 km".
 */
export function gapLegend() {
  const b = GAP_BREAKS;
  const out = [{ cls: 0, from: 0, to: 0, color: GAP_COLORS[0], label: '0' }];
  out.push({ cls: 1, from: 0, to: b[0], color: GAP_COLORS[1], label: `< ${b[0]} km` });
  for (let i = 1; i < b.length; i++) out.push({ cls: i + 1, from: b[i - 1], to: b[i], color: GAP_COLORS[i + 1], label: `${b[i - 1]}–${b[i]} km` });
  out.push({ cls: b.length + 1, from: b[b.length - 1], to: Infinity, color: GAP_COLORS[b.length + 1], label: `≥ ${b[b.length - 1]} km` });
  return out;
}

/** polygonsOf returns a Polygon's or MultiPolygon's polygons (else none). */
export function polygonsOf(geometry) {
  if (!geometry) return [];
  if (geometry.type === 'Polygon') return [geometry.coordinates];
  if (geometry.type === 'MultiPolygon') return geometry.coordinates;
  return [];
}

const key = (p) => p[0] + ',' + p[1];

/**
 * outlineLines returns the outline of a group of polygons whose neighbours
 * meet on shared vertices (the layers' topology): the ring edges that occur
 * once in the group, either way round, chained end to start into lines
 * ([[lon, lat], ...]). Edges two polygons share cancel, so what is left is
 * the group's outer border (and the border of its holes). Chains shorter
 * than minLen (in coordinate units) are dropped: slivers where two
 * neighbours' borders differ.
 */
export function outlineLines(geometry, { minLen = 0 } = {}) {
  const count = new Map();
  const ek = (a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? ka + ';' + kb : kb + ';' + ka;
  };
  const rings = [];
  for (const poly of polygonsOf(geometry)) {
    for (const ring of poly) {
      if (!ring || ring.length < 4) continue;
      // GeoJSON rings are closed: the last point repeats the first.
      const r = key(ring[0]) === key(ring[ring.length - 1]) ? ring.slice(0, -1) : ring.slice();
      if (r.length < 3) continue;
      rings.push(r);
      for (let i = 0; i < r.length; i++) {
        const k = ek(r[i], r[(i + 1) % r.length]);
        count.set(k, (count.get(k) || 0) + 1);
      }
    }
  }
  // The stretches of each ring between shared edges.
  const pieces = [];
  for (const r of rings) {
    const n = r.length;
    let start = 0;
    for (let i = 0; i < n; i++) {
      if (count.get(ek(r[i], r[(i + 1) % n])) !== 1) {
        start = (i + 1) % n;
        break;
      }
    }
    let cur = [];
    for (let k = 0; k < n; k++) {
      const i = (start + k) % n;
      const p = r[i];
      const q = r[(i + 1) % n];
      if (count.get(ek(p, q)) !== 1) {
        if (cur.length > 1) pieces.push(cur);
        cur = [];
        continue;
      }
      if (!cur.length) cur.push(p);
      cur.push(q);
    }
    if (cur.length > 1) pieces.push(cur);
  }
  // Join the pieces end to start (neighbouring rings turn the same way, so
  // an outline runs on from one polygon's ring into the next one's).
  const byStart = new Map();
  pieces.forEach((p, i) => {
    const k = key(p[0]);
    if (!byStart.has(k)) byStart.set(k, []);
    byStart.get(k).push(i);
  });
  const used = new Array(pieces.length).fill(false);
  const next = (pt) => (byStart.get(key(pt)) || []).find((j) => !used[j]) ?? -1;
  const lines = [];
  for (let i = 0; i < pieces.length; i++) {
    if (used[i]) continue;
    used[i] = true;
    const chain = pieces[i].slice();
    for (let j = next(chain[chain.length - 1]); j >= 0; j = next(chain[chain.length - 1])) {
      used[j] = true;
      for (let k = 1; k < pieces[j].length; k++) chain.push(pieces[j][k]);
    }
    let len = 0;
    for (let k = 1; k < chain.length; k++) len += Math.hypot(chain[k][0] - chain[k - 1][0], chain[k][1] - chain[k - 1][1]);
    if (len >= minLen) lines.push(chain);
  }
  return lines;
}

/**
 * indexGaps indexes a /api/v1/gaps report for the map and the panel:
 * units by code, clusters by id (sorted by id = rank), province entries by
 * code, and the units without a polygon (listed, not drawn).
 */
export function indexGaps(report) {
  const r = report || {};
  const units = new Map();
  for (const u of r.uncovered_units || []) units.set(u.code, u);
  const clusters = [...(r.clusters || [])].sort((a, b) => a.id - b.id);
  const provinces = new Map();
  for (const p of r.province_clusters || []) provinces.set(p.province_code, p);
  return {
    report: r,
    units,
    clusters,
    clusterById: new Map(clusters.map((c) => [c.id, c])),
    provinces,
    noPolygon: (r.uncovered_units || []).filter((u) => u.has_polygon === false),
    withoutUnits: r.provinces_without_units || [],
  };
}

/**
 * provinceGaps returns a province's gaps: its clusters (ranked within the
 * province), its uncovered units sorted far to near (units without a
 * distance last), and how many there are.
 */
export function provinceGaps(index, code) {
  const entry = index?.provinces.get(code) || null;
  const units = [...(index?.units.values() || [])].filter((u) => u.province_code === code);
  units.sort((a, b) => (b.distance_km ?? -1) - (a.distance_km ?? -1) || a.code.localeCompare(b.code));
  return {
    clusters: [...(entry?.clusters || [])].sort((a, b) => a.id - b.id),
    units,
    uncovered: entry?.uncovered ?? units.length,
  };
}

/** topClusters returns the n highest-ranked clusters (id 1 is the largest). */
export function topClusters(clusters, n = TOP_CLUSTERS) {
  return [...(clusters || [])].sort((a, b) => a.id - b.id).slice(0, Math.max(0, n));
}
