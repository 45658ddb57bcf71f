// Browser test of the map at fine zoom (see harness.mjs): refine() asks
// for the view snapped to the tile grid, the same URLs again after a small
// pan, and aborts the requests a pan made stale.
import assert from 'node:assert/strict';
import { setup, browserTest } from './harness.mjs';
import { tileBBox } from '../src/tilegrid.js';

const env = setup();

// isGridBBox reports whether a bbox parameter is a union of whole tiles of
// zoom z (each edge an edge of tileBBox at that zoom).
function isGridBBox(bbox, z) {
  const [w, s, e, n] = bbox.split(',').map(Number);
  const edges = { w: new Set(), s: new Set(), e: new Set(), n: new Set() };
  const count = 2 ** z;
  for (let x = 0; x < count; x++) {
    const [tw, , te] = tileBBox(z, x, 0);
    edges.w.add(tw);
    edges.e.add(te);
  }
  for (let y = 0; y < count; y++) {
    const [, ts, , tn] = tileBBox(z, 0, y);
    edges.s.add(ts);
    edges.n.add(tn);
  }
  return edges.w.has(w) && edges.e.has(e) && edges.s.has(s) && edges.n.has(n);
}

browserTest('fine zoom: tile-grid keys, reused on a small pan, stale requests aborted', async () => {
  const page = await env.newPage({ width: 1280, height: 800 });
  const asked = [];
  const aborted = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/api/v1/layers/') && u.searchParams.has('bbox')) asked.push(u);
  });
  const finished = new Set();
  page.on('requestfinished', (r) => finished.add(r.url()));
  page.on('requestfailed', (r) => {
    if (r.url().includes('bbox=') && /ABORT/i.test(r.failure()?.errorText || '')) aborted.push(r.url());
  });
  await env.openMap(page, '#map=9.00/39.9000/116.4000');
  const deadline = Date.now() + 15000;
  while (asked.length < 3 && Date.now() < deadline) await page.waitForTimeout(100);
  assert.ok(asked.length >= 3, `refine asked for ${asked.length} bbox layers`);
  for (const u of asked) {
    const zoom = Number(u.searchParams.get('zoom'));
    assert.ok(isGridBBox(u.searchParams.get('bbox'), zoom - 2), `${u.pathname}?${u.searchParams}: bbox not on the grid of zoom ${zoom - 2}`);
  }
  const first = new Set(asked.map(String));
  const done = Date.now() + 15000;
  while (!asked.some((x) => finished.has(String(x))) && Date.now() < done) await page.waitForTimeout(100);
  assert.ok(asked.some((x) => finished.has(String(x))), 'no refine request finished');
  // The server keeps what refine() got: another client gets it from the cache.
  for (const u of asked.filter((x) => finished.has(String(x)))) {
    const res = await fetch(env.base + u.pathname + u.search, { headers: { 'Accept-Encoding': 'gzip' } });
    await res.arrayBuffer();
    assert.equal(res.headers.get('x-cache'), 'HIT', `${u.pathname}${u.search}: not kept by the server`);
  }

  // A small pan stays within the same blocks: the same URLs.
  asked.length = 0;
  await page.mouse.move(640, 400);
  await page.mouse.down();
  await page.mouse.move(660, 410, { steps: 3 });
  await page.mouse.up();
  await page.waitForTimeout(800);
  for (const u of asked) assert.ok(first.has(String(u)), `a small pan asked for a new URL ${u}`);

  // Pans in quick succession: the requests of the earlier views are aborted.
  // Each pan goes a whole view east (new blocks, nothing cached), each
  // request is held 3 s, and the next pan starts once the last one asked:
  // no timing of the machine decides the outcome.
  await page.route('**/api/v1/layers/**bbox=**', async (route) => {
    await new Promise((r) => setTimeout(r, 3000));
    await route.continue().catch(() => {});
  });
  asked.length = 0;
  const box = await page.locator('#map').boundingBox();
  const y = box.y + box.height / 2;
  for (let i = 0; i < 3; i++) {
    const before = asked.length;
    await page.mouse.move(box.x + box.width * 0.9, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.1, y, { steps: 8 });
    await page.mouse.up();
    const until = Date.now() + 10000;
    while (asked.length === before && Date.now() < until) await page.waitForTimeout(50);
    assert.ok(asked.length > before, `pan ${i + 1} asked for nothing`);
  }
  const until = Date.now() + 10000;
  while (aborted.length === 0 && Date.now() < until) await page.waitForTimeout(50);
  assert.ok(aborted.length > 0, 'no stale request was aborted');
  await page.close();
});
