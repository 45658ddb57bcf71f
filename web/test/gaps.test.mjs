import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gapClass, gapColor, gapLegend, GAP_BREAKS, GAP_COLORS, GAP_BASE, PRESENT_CLUSTERS, outlineLines, indexGaps, provinceGaps, topClusters } from '../src/gaps.js';

const here = path.dirname(fileURLToPath(import.meta.url));

test('distance classes: 0 borders a pilot, then < 50, 50–100, 100–200, ≥ 200 km', () => {
  const cases = [
    [0, 0], [-1, 0],
    [0.01, 1], [32.22, 1], [49.99, 1], // 昆明市 32 km
    [50, 2], [70.03, 2], [99.9, 2], // 曲靖市
    [100, 3], [199.89, 3], // 临沧市
    [200, 4], [391.37, 4], // 西双版纳州, the farthest
    [null, -1], [undefined, -1], [NaN, -1], ['12', -1],
  ];
  for (const [km, want] of cases) assert.equal(gapClass(km), want, `${km} km`);
});

test('distance colours are the render package\'s purple ramp; no distance is the base grey', () => {
  assert.deepEqual(GAP_BREAKS, [50, 100, 200]);
  assert.deepEqual(GAP_COLORS, ['#d5d1ea', '#b3aed6', '#8f87c0', '#6a5aa8', '#4a1f86']);
  assert.equal(gapColor(0), '#d5d1ea');
  assert.equal(gapColor(250), '#4a1f86');
  assert.equal(gapColor(null), GAP_BASE);
});

test('a unit that borders a pilot is visibly not covered', () => {
  // Contrast of class 0 against the covered units' fill: at least 1.4:1
  // (the old #f2f0f7 on #eef1f4 was 1.02:1 and read as blank).
  const lum = (hex) => {
    const n = parseInt(hex.slice(1), 16);
    const ch = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
  };
  const ratio = (a, b) => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);
  assert.ok(ratio(GAP_COLORS[0], GAP_BASE) >= 1.4, `class 0 vs base ${ratio(GAP_COLORS[0], GAP_BASE).toFixed(2)}:1`);
  for (let i = 1; i < GAP_COLORS.length; i++) assert.ok(ratio(GAP_COLORS[i], GAP_COLORS[i - 1]) >= 1.2, `class ${i} vs ${i - 1}`);
});

test('the web legend matches internal/render/colors.go', () => {
  // The server-side SVG and the web map must mean the same by a colour.
  const go = fs.readFileSync(path.join(here, '..', '..', 'internal', 'render', 'colors.go'), 'utf8');
  const colors = /func gapColors\(\) \[\]string \{\s*return \[\]string\{([^}]*)\}/.exec(go);
  const breaks = /func gapBreaks\(\) \[\]float64 \{ return \[\]float64\{([^}]*)\} \}/.exec(go);
  assert.ok(colors && breaks, 'gapColors and gapBreaks found in colors.go');
  assert.deepEqual(colors[1].split(',').map((s) => s.trim().replace(/"/g, '')), GAP_COLORS);
  assert.deepEqual(breaks[1].split(',').map(Number), GAP_BREAKS);
  // The presentation numbers as many clusters as the SVG it exports.
  const gaps = fs.readFileSync(path.join(here, '..', '..', 'internal', 'render', 'gaps.go'), 'utf8');
  assert.equal(Number(/const maxClusters = (\d+)/.exec(gaps)?.[1]), PRESENT_CLUSTERS);
});

test('gapLegend lists the five classes with their bounds', () => {
  const l = gapLegend();
  assert.deepEqual(l.map((c) => c.label), ['0', '< 50 km', '50–100 km', '100–200 km', '≥ 200 km']);
  assert.deepEqual(l.map((c) => c.color), GAP_COLORS);
  assert.equal(l[4].to, Infinity);
  for (const c of l.slice(1)) assert.equal(gapClass((c.from + Math.min(c.to, 1000)) / 2), c.cls);
});

// Unit squares on a grid, counter-clockwise, closed.
const sq = (x, y) => [[[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]];
const mp = (...polys) => ({ type: 'MultiPolygon', coordinates: polys });
const pathLength = (l) => l.slice(1).reduce((s, p, i) => s + Math.hypot(p[0] - l[i][0], p[1] - l[i][1]), 0);

test('outlineLines: two neighbours give one outline without their shared edge', () => {
  const lines = outlineLines(mp(sq(0, 0), sq(1, 0)));
  assert.equal(lines.length, 1);
  const l = lines[0];
  assert.equal(pathLength(l), 6, 'perimeter of the 2×1 rectangle');
  assert.deepEqual(l[0], l[l.length - 1], 'closed');
  assert.ok(!l.some(([x], i) => i > 0 && x === 1 && l[i - 1][0] === 1), 'no edge along x = 1');
});

test('outlineLines: a 3×3 ring around a hole keeps both borders; apart polygons stay apart', () => {
  const ring = [];
  for (let x = 0; x < 3; x++) for (let y = 0; y < 3; y++) if (!(x === 1 && y === 1)) ring.push(sq(x, y));
  const lines = outlineLines(mp(...ring));
  assert.deepEqual(lines.map(pathLength).sort((a, b) => a - b), [4, 12]);
  const apart = outlineLines(mp(sq(0, 0), sq(5, 5)));
  assert.deepEqual(apart.map(pathLength), [4, 4]);
  assert.deepEqual(outlineLines({ type: 'Polygon', coordinates: sq(0, 0) }).map(pathLength), [4]);
  assert.deepEqual(outlineLines(null), []);
  assert.deepEqual(outlineLines({ type: 'Point', coordinates: [0, 0] }), []);
});

test('outlineLines: minLen drops specks', () => {
  const tiny = [[[10, 10], [10.01, 10], [10.01, 10.01], [10, 10.01], [10, 10]]];
  assert.equal(outlineLines(mp(sq(0, 0), tiny), { minLen: 0.1 }).length, 1);
});

const report = {
  uncovered_units: [
    { code: '530100', name: '昆明市', province_code: '530000', distance_km: 32.22, cluster: 1, province_cluster: 1, has_polygon: true },
    { code: '532800', name: '西双版纳傣族自治州', province_code: '530000', distance_km: 391.37, cluster: 1, province_cluster: 1, has_polygon: true },
    { code: '530700', name: '丽江市', province_code: '530000', distance_km: 0, cluster: 1, province_cluster: 1, has_polygon: true },
    { code: '659010', name: '胡杨河市', province_code: '650000', distance_km: null, cluster: 0, province_cluster: 0, has_polygon: false },
  ],
  clusters: [
    { id: 2, name: '阿勒泰地区', units: ['654300'], area_km2: 3.8e5 },
    { id: 1, name: '那曲市', units: ['530100', '532800', '530700'], area_km2: 6.2e6 },
  ],
  province_clusters: [{ province_code: '530000', name: '云南省', uncovered: 3, clusters: [{ id: 1, cluster: 1, name: '普洱市', units: ['530100', '532800', '530700'] }] }],
  provinces_without_units: ['530000'],
};

test('indexGaps and provinceGaps: clusters by rank, units far to near, no-polygon units kept for the list', () => {
  const ix = indexGaps(report);
  assert.deepEqual(ix.clusters.map((c) => c.id), [1, 2]);
  assert.equal(ix.clusterById.get(2).name, '阿勒泰地区');
  assert.equal(ix.units.get('530100').distance_km, 32.22);
  assert.deepEqual(ix.noPolygon.map((u) => u.code), ['659010']);
  assert.deepEqual(ix.withoutUnits, ['530000']);
  const yn = provinceGaps(ix, '530000');
  assert.equal(yn.uncovered, 3);
  assert.deepEqual(yn.units.map((u) => u.name), ['西双版纳傣族自治州', '昆明市', '丽江市']);
  assert.equal(yn.clusters[0].name, '普洱市');
  const xj = provinceGaps(ix, '650000');
  assert.deepEqual(xj.clusters, []);
  assert.deepEqual(xj.units.map((u) => u.code), ['659010']);
  assert.deepEqual(indexGaps(null).clusters, []);
});

test('topClusters keeps the n highest ranks', () => {
  const cs = Array.from({ length: 14 }, (_, i) => ({ id: 14 - i }));
  assert.deepEqual(topClusters(cs).map((c) => c.id), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.deepEqual(topClusters(cs, 3).map((c) => c.id), [1, 2, 3]);
  assert.deepEqual(topClusters(undefined), []);
});
