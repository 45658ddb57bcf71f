import { test } from 'node:test';
import assert from 'node:assert/strict';
import { placeLabels, estimateWidth, overlaps } from '../src/labels.js';

const box = (id, x, y, priority = 0, w = 40, h = 14) => ({ id, x, y, w, h, priority });
const ids = (kept) => kept.map((k) => k.id).sort();

test('estimateWidth: CJK a full em, others 0.6 em', () => {
  assert.equal(estimateWidth('海东市', 10), 30);
  assert.equal(estimateWidth('ab', 10), 12);
  assert.ok(Math.abs(estimateWidth('Hong Kong 香港', 10) - 80) < 1e-9); // 10 narrow + 2 wide
});

test('overlaps: touching edges do not overlap', () => {
  assert.ok(overlaps([0, 0, 10, 10], [5, 5, 15, 15]));
  assert.ok(!overlaps([0, 0, 10, 10], [10, 0, 20, 10]));
  assert.ok(!overlaps([0, 0, 10, 10], [0, 11, 10, 20]));
});

test('no two kept labels overlap', () => {
  const cands = [];
  for (let i = 0; i < 200; i++) cands.push(box('l' + i, (i * 37) % 300, (i * 53) % 200, i % 7));
  const kept = placeLabels(cands, { pad: 1 });
  assert.ok(kept.length > 10 && kept.length < 200);
  for (let i = 0; i < kept.length; i++) for (let j = i + 1; j < kept.length; j++) assert.ok(!overlaps(kept[i].box, kept[j].box), `${kept[i].id} × ${kept[j].id}`);
});

test('higher priority wins (pilot units over others), ties keep input order', () => {
  const kept = placeLabels([box('other', 100, 100, 1), box('pilot', 110, 102, 5), box('far', 300, 300, 0)]);
  assert.deepEqual(ids(kept), ['far', 'pilot']);
  const tie = placeLabels([box('first', 100, 100, 1), box('second', 105, 100, 1)]);
  assert.deepEqual(ids(tie), ['first']);
});

test('labels outside the viewport or on an obstacle are dropped', () => {
  const kept = placeLabels([box('edge', 5, 50), box('in', 100, 50), box('legend', 100, 150)], { width: 200, height: 200, obstacles: [[50, 130, 150, 170]] });
  assert.deepEqual(ids(kept), ['in']);
});

test('alternative positions are tried in order when the anchor is taken', () => {
  const kept = placeLabels([box('big', 100, 100, 9), { ...box('small', 100, 100, 1), alts: [[0, -20]] }], { pad: 0 });
  assert.deepEqual(ids(kept), ['big', 'small']);
  const small = kept.find((k) => k.id === 'small');
  assert.deepEqual([small.x, small.y], [100, 80]);
});

test('candidates with non-finite positions are skipped', () => {
  assert.deepEqual(ids(placeLabels([box('nan', NaN, 1), box('ok', 50, 50)])), ['ok']);
});
