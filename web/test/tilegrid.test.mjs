import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blocksCovering, tileBBox, tileX, tileY } from '../src/tilegrid.js';

test('tiles are those of the XYZ grid', () => {
  // Beijing at z=6 is tile 52/24 (the server's benchmark tile).
  assert.equal(tileX(116.4, 6), 52);
  assert.equal(tileY(39.9, 6), 24);
  assert.deepEqual([tileX(-180, 0), tileY(85, 0), tileX(180, 3), tileY(-89, 3)], [0, 0, 7, 7]);
});

test('a tile bbox holds its tile, widened to 3 decimals', () => {
  const [w, s, e, n] = tileBBox(6, 52, 24);
  assert.ok(w <= 112.5 && e >= 118.125 && w > 112.49 && e < 118.126, `${w} ${e}`);
  assert.ok(s < n && tileY(n - 0.01, 6) === 24 && tileY(s + 0.01, 6) === 24);
  for (const v of [w, s, e, n]) assert.equal(Number(v.toFixed(3)), v);
});

test('a view is covered by whole blocks, the same for a small pan', () => {
  const a = blocksCovering([115.9, 39.5, 117.1, 40.4], 7);
  const b = blocksCovering([116.0, 39.6, 117.2, 40.5], 7);
  assert.ok(a.length >= 1 && a.length <= 4);
  assert.deepEqual(a.map((t) => t.bbox), b.map((t) => t.bbox));
  for (const t of a) {
    const [w, s, e, n] = t.bbox;
    assert.ok(w < 117.1 && e > 115.9 && s < 40.4 && n > 39.5, 'each block meets the view');
  }
  assert.deepEqual(blocksCovering([70, 10, 140, 55], 9), [], 'too wide a view is not refined');
});
