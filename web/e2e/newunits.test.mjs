// Browser test of "what did this batch add": a database with two batches of
// the program (batch 2, the 2013 notice every database is seeded with, and a
// batch 3 imported here with `pilotmap import`, re-listing four of batch 2's
// units and adding three), the map with batch 3 selected draws exactly the
// units the API marks new in the new style (stripes and a dark outline),
// with a legend entry, tooltip and panel tag, on a desk, a phone and the
// dark 大屏; without a selection nothing of it shows.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after } from 'node:test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setup, browserTest, shot, repo } from './harness.mjs';

const PROGRAM = '创建幸福家庭活动';
// Batch 3: 东城区, 西城区, 文昌市 and 拉萨市 are in batch 2 already; 三亚市,
// 昆明市 (云南's first pilot) and 日喀则市 are not.
const BATCH3 = `国家卫生计生委办公厅关于公布全国创建幸福家庭活动第三批试点单位名单的通知

全国创建幸福家庭活动第三批试点单位名单

1. 北京市:东城区、西城区
2. 海南省:文昌市、三亚市
3. 云南省:昆明市
4. 西藏自治区:拉萨市、日喀则市
`;
const ADDED = ['460200', '530100', '540200'];
const RELISTED = ['110101', '110102', '469005', '540100'];
// The style of a new pilot unit (newunits.js).
const NEW_FILL = 'url(#pm-hatch-new)';
const NEW_LINE = '#5a2300';
const SELECTED = `?program=${encodeURIComponent(PROGRAM)}&batch=3`;

// The database, made before the server starts (the harness passes --db after
// its own, and the last --db wins).
const bin = process.env.PILOTMAP_BIN || path.join(repo, 'bin', 'pilotmap');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pilotmap-newunits-'));
const db = path.join(dir, 'batches.db');
const importLog = fs.existsSync(bin) && !process.env.PILOTMAP_URL ? importBatch3() : '';
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function importBatch3() {
  const file = path.join(dir, 'batch3.txt');
  fs.writeFileSync(file, BATCH3);
  return execFileSync(bin, ['import', '--db', db, '--program', PROGRAM, '--batch', '3', file], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

const env = setup({ serveArgs: ['--db', db] });

/** drawn reads the pilot paths of the map: codes by style, and the legend's entry. */
const drawn = (page) =>
  page.evaluate(
    ([fill, line]) => {
      const paths = [...document.querySelectorAll('.leaflet-pm-pilots-pane path[data-code]')];
      const row = document.querySelector('.pm-legend [data-row="new"]');
      return {
        pilots: paths.length,
        newStyled: paths.filter((p) => p.getAttribute('fill') === fill && p.getAttribute('stroke') === line).map((p) => p.dataset.code).sort(),
        newTagged: paths.filter((p) => p.dataset.new === 'true').map((p) => p.dataset.code).sort(),
        anyPattern: document.querySelectorAll(`path[fill="${fill}"]`).length,
        legendRow: row ? { count: row.dataset.count, text: row.textContent.trim() } : null,
        mapCount: document.getElementById('map').dataset.newUnits,
      };
    },
    [NEW_FILL, NEW_LINE],
  );

/** centre returns the screen centre of the pilot path of a code. */
const centre = (page, code) =>
  page.evaluate((code) => {
    const r = document.querySelector(`.leaflet-pm-pilots-pane path[data-code="${code}"]`).getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  }, code);

browserTest('the API: two batches, batch 3 marks its three additions new', async () => {
  assert.match(importLog, /batch 3/, 'pilotmap import stored batch 3');
  const batches = (await env.json('/api/v1/batches')).filter((b) => b.program === PROGRAM).map((b) => [b.number, b.units]);
  assert.deepEqual(batches, [[2, 108], [3, 7]]);
  const fc = await env.json(`/api/v1/layers/pilots?zoom=4&${SELECTED.slice(1)}`);
  const isNew = fc.features.filter((f) => f.properties.new === true).map((f) => f.properties.code).sort();
  const old = fc.features.filter((f) => f.properties.new === false).map((f) => f.properties.code).sort();
  assert.deepEqual(isNew, ADDED);
  assert.deepEqual(old, RELISTED);
  const all = await env.json('/api/v1/layers/pilots?zoom=4');
  assert.ok(all.features.every((f) => f.properties.new === null), 'no selection: new is null');
});

browserTest('batch 3 selected: exactly its new units in the new style, legend, tooltip, panel; English', async (t) => {
  const page = await env.newPage({ width: 1600, height: 900 });
  await env.openMap(page, SELECTED);
  const api = await env.json(`/api/v1/layers/pilots?zoom=4&${SELECTED.slice(1)}`);
  const apiNew = api.features.filter((f) => f.properties.new === true).map((f) => f.properties.code).sort();
  const d = await drawn(page);
  assert.equal(d.pilots, api.features.length, 'every pilot of batch 3 drawn');
  assert.deepEqual(d.newStyled, apiNew, 'the paths in the new style are the API’s new units');
  assert.deepEqual(d.newTagged, apiNew);
  assert.equal(d.anyPattern, apiNew.length, 'no other path has the stripes');
  assert.deepEqual(d.legendRow, { count: String(apiNew.length), text: `本批新增（${apiNew.length} 个单位）` });
  assert.equal(d.mapCount, String(apiNew.length));
  // The other pilots keep the plain pilot style.
  const plain = await page.evaluate(() => [...document.querySelectorAll('.leaflet-pm-pilots-pane path:not([data-new])')].map((p) => [p.getAttribute('fill'), p.getAttribute('stroke')]));
  assert.ok(plain.length === 4 && plain.every(([f, s]) => f === '#e8710a' && s === '#ffffff'), JSON.stringify(plain));
  // The batch picker's note counts the same.
  await page.waitForSelector('#batch-new[data-new]');
  assert.equal(await page.getAttribute('#batch-new', 'data-new'), String(apiNew.length));
  await page.mouse.move(1590, 890);
  await shot(page, t, 'newunits-batch3-1600x900.png');

  // Hover 昆明市 (new) and 拉萨市 (re-listed).
  let c = await centre(page, '530100');
  await page.mouse.move(c.x, c.y);
  await page.waitForSelector('.pm-tip .pm-tip-new', { timeout: 5000 });
  const tip = await page.textContent('.pm-tip');
  assert.match(tip, /昆明市/);
  assert.match(tip, /第3批|第三批/);
  assert.match(tip, /本批新增/);
  await shot(page, t, 'newunits-tooltip-1600x900.png');
  await page.mouse.move(1590, 890);
  await page.waitForSelector('.pm-tip', { state: 'detached', timeout: 5000 });
  c = await centre(page, '540100');
  await page.mouse.move(c.x, c.y);
  await page.waitForSelector('.pm-tip', { timeout: 5000 });
  assert.match(await page.textContent('.pm-tip'), /拉萨市/);
  assert.equal(await page.$('.pm-tip .pm-tip-new'), null, '拉萨市 is in batch 2: not new');
  // Hovering and leaving restores the new style.
  await page.mouse.move(1590, 890);
  assert.deepEqual((await drawn(page)).newStyled, apiNew);

  // The panel: 海南's pilot units of batch 3, 三亚市 tagged, 文昌市 not.
  await page.evaluate(() => (location.hash = '#p=460000'));
  await page.waitForFunction(() => document.querySelectorAll('#d-pilots button.unit').length === 2, null, { timeout: 10000 });
  const list = await page.evaluate(() => [...document.querySelectorAll('#d-pilots button.unit')].map((b) => [b.querySelector('.unit-name').textContent, b.dataset.new || '', b.querySelector('.unit-new-tag')?.textContent || '']).sort());
  assert.deepEqual(list, [['三亚市', 'true', '本批新增'], ['文昌市', '', '']]);
  await page.mouse.move(1590, 890);
  await page.waitForTimeout(400); // the zoom settles
  await shot(page, t, 'newunits-hainan-1600x900.png');

  // English.
  await page.evaluate(() => document.getElementById('lang').click());
  await page.waitForFunction(() => /New in this batch/.test(document.querySelector('.pm-legend [data-row="new"]')?.textContent || ''), null, { timeout: 5000 });
  assert.equal((await drawn(page)).legendRow.text, `New in this batch (${apiNew.length} units)`);
  assert.equal(await page.textContent('#d-pilots button[data-new="true"] .unit-new-tag'), 'New in this batch');
  await page.close();
});

browserTest('phone and dark 大屏 with batch 3: the new style and legend entry hold', async (t) => {
  const widths = {};
  for (const [name, viewport, where] of [
    ['phone-390x844', { width: 390, height: 844 }, SELECTED],
    ['wall-dark-2560x1440', { width: 2560, height: 1440 }, SELECTED + '&screen=wall&theme=dark'],
  ]) {
    const page = await env.newPage(viewport);
    await env.openMap(page, where);
    const d = await drawn(page);
    assert.deepEqual(d.newStyled, ADDED, name);
    assert.equal(d.legendRow?.count, String(ADDED.length), name);
    // The outline: twice the plain pilots' on every screen, scaled with it (wider on the wall).
    const w = await page.evaluate(() => {
      const sw = (sel) => Number(document.querySelector(`.leaflet-pm-pilots-pane ${sel}`).getAttribute('stroke-width'));
      return { fresh: sw('path[data-new]'), plain: sw('path[data-code]:not([data-new])') };
    });
    assert.ok(w.fresh >= 2 * w.plain - 1e-9, `${name}: outline ${JSON.stringify(w)}`);
    widths[name] = w.fresh;
    if (name.startsWith('phone')) {
      // The legend starts folded on a phone (the map in view); open it to show the entry.
      await shot(page, t, `newunits-${name}-folded.png`);
      await page.click('.pm-legend summary');
      assert.ok(await page.isVisible('.pm-legend [data-row="new"]'), 'legend entry visible once opened');
    }
    await shot(page, t, `newunits-${name}.png`);
    await page.close();
  }
  assert.ok(widths['wall-dark-2560x1440'] > widths['phone-390x844'], JSON.stringify(widths));
});

browserTest('no batch selected: no unit drawn new, no legend entry', async (t) => {
  const page = await env.newPage({ width: 1600, height: 900 });
  await env.openMap(page);
  const d = await drawn(page);
  assert.equal(d.pilots, 108 + ADDED.length, 'every stored pilot unit (batches 2 and 3)');
  assert.deepEqual(d.newStyled, []);
  assert.deepEqual(d.newTagged, []);
  assert.equal(d.anyPattern, 0);
  assert.equal(d.legendRow, null);
  assert.equal(d.mapCount, '0');
  // 云南's pilot (昆明市, batch 3) is a plain pilot.
  const c = await centre(page, '530100');
  await page.mouse.move(c.x, c.y);
  await page.waitForSelector('.pm-tip', { timeout: 5000 });
  assert.doesNotMatch(await page.textContent('.pm-tip'), /本批新增/);
  await page.mouse.move(1590, 890);
  await shot(page, t, 'newunits-none-1600x900.png');
  assert.deepEqual(env.consoleErrors, [], 'no console errors');
  assert.deepEqual(env.failed, [], 'no failed requests');
  await page.close();
});

/** presented waits for the presentation frame to show map.svg with want (a subset of its query; null: absent) and reads the SVG it shows. */
async function presented(page, want) {
  await page.waitForFunction(
    (want) => {
      const u = document.body.dataset.presentDrawn;
      if (!u) return false;
      const q = new URL(u, location.href).searchParams;
      return Object.entries(want).every(([k, v]) => (v === null ? !q.has(k) : q.get(k) === v));
    },
    want,
    { timeout: 20000 },
  );
  return page.evaluate(async () => {
    const doc = new DOMParser().parseFromString(await (await fetch(document.querySelector('#present-map').src)).text(), 'image/svg+xml');
    const fresh = [...doc.querySelectorAll('[data-new="true"]')];
    return {
      url: document.body.dataset.presentDrawn,
      fresh: fresh.map((e) => e.dataset.code).sort(),
      striped: fresh.filter((e) => e.getAttribute('fill').startsWith('url(#hatch-new)') && e.getAttribute('stroke') === '#5a2300').length,
      pattern: doc.querySelectorAll('pattern#hatch-new').length,
      legend: [...doc.querySelectorAll('#legend text')].map((e) => e.textContent),
      title: [...doc.querySelectorAll('#title text')].map((e) => e.textContent),
      pilots: doc.querySelectorAll('#pilots [data-code], #nanhai [id^="unit-"]').length,
    };
  });
}

browserTest('presentation mode with batch 3: the frame (and so the PNG) is map.svg of batch 3, its 3 new units striped with the legend entry; without a selection none', async (t) => {
  const page = await env.newPage({ width: 1920, height: 1080 });
  await env.openMap(page, SELECTED + '&mode=present');
  let f = await presented(page, { program: PROGRAM, batch: '3', view: 'coverage' });
  assert.deepEqual(f.fresh, ADDED, 'exactly batch 3’s new units drawn new');
  assert.equal(f.striped, ADDED.length, 'striped with the dark outline');
  assert.equal(f.pattern, 1);
  assert.equal(f.pilots, ADDED.length + RELISTED.length, 'batch 3’s pilot units only');
  assert.ok(f.legend.includes(`本批新增（${ADDED.length} 个单位）`), JSON.stringify(f.legend));
  assert.ok(f.legend.includes(`试点单位（${ADDED.length + RELISTED.length} 个）`), JSON.stringify(f.legend));
  assert.ok(f.title.some((s) => s.startsWith('第3批')), JSON.stringify(f.title));
  // The subtitle input's placeholder is the server's default subtitle.
  assert.equal(await page.getAttribute('#present-subtitle', 'placeholder'), f.title.find((s) => s.startsWith('第3批')));
  await shot(page, t, 'newunits-present-batch3-1920x1080.png');

  // The export draws the SVG the frame shows: no other map.svg fetched.
  const requests = [];
  const onReq = (r) => requests.push(r.url());
  page.on('request', onReq);
  const dl = page.waitForEvent('download', { timeout: 30000 });
  await page.click('#present-export');
  const d = await dl;
  page.off('request', onReq);
  assert.equal(d.suggestedFilename(), 'pilotmap-national-coverage-16x9.png');
  assert.ok(!requests.some((u) => u.includes('/api/v1/map.svg')), 'the export fetched no other map.svg');
  assert.equal(await page.evaluate(() => document.body.dataset.presentDrawn), f.url);

  // English: the same units, the English entry.
  await page.click('#present-lang');
  f = await presented(page, { batch: '3', lang: 'en' });
  assert.deepEqual(f.fresh, ADDED);
  assert.ok(f.legend.includes(`New in this batch (${ADDED.length} units)`), JSON.stringify(f.legend));

  // The gaps view is of everything stored: map.svg without the selection.
  await env.openMap(page, SELECTED + '&mode=present#view=gaps');
  f = await presented(page, { view: 'gaps', program: null, batch: null });
  assert.deepEqual(f.fresh, []);

  // No selection: nothing new, no entry.
  await env.openMap(page, '?mode=present');
  f = await presented(page, { view: 'coverage', program: null, batch: null });
  assert.deepEqual(f.fresh, []);
  assert.equal(f.pattern, 0);
  assert.ok(!f.legend.some((s) => s.includes('新增')), JSON.stringify(f.legend));
  assert.equal(f.pilots, 108 + ADDED.length, 'every stored pilot unit');
  assert.deepEqual(env.failed, [], 'no failed requests');
  await page.close();
});
