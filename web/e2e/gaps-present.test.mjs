// Browser tests of gaps mode, presentation mode, the PNG export and the
// data downloads, in real headless Chromium against the real server (see
// harness.mjs). The exported PNGs are kept in test-artifacts/:
// present-national-coverage.png, present-beijing.png, present-gaps.png,
// with screenshots of the presentation frame next to them (*-screen.png).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { setup, browserTest, shot, artifact, GAPS_READY } from './harness.mjs';
import { gapColor, GAP_BASE, TOP_CLUSTERS, PRESENT_CLUSTERS } from '../src/gaps.js';

const env = setup();

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** pngSize reads a PNG's width and height from its IHDR chunk. */
function pngInfo(buf) {
  return { magic: buf.subarray(0, 8).equals(PNG_MAGIC), width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
const inside = (a, f) => a.left >= f.left - 0.5 && a.top >= f.top - 0.5 && a.right <= f.right + 0.5 && a.bottom <= f.bottom + 0.5;

/** rects returns the bounding boxes of selectors (null when absent or not shown). */
function rects(page, selectors) {
  return page.evaluate((sels) => {
    const out = {};
    for (const [k, s] of Object.entries(sels)) {
      const e = document.querySelector(s);
      const r = e && e.getBoundingClientRect();
      out[k] = r && r.width && r.height ? r.toJSON() : null;
    }
    return out;
  }, selectors);
}

/** quiet hides the presenter's toolbar (it fades out by itself when the pointer rests). */
async function quiet(page) {
  await page.mouse.move(0, 0);
  await page.evaluate(() => document.querySelector('#present-toolbar')?.classList.add('is-idle'));
  await page.waitForTimeout(500);
}

browserTest('gaps mode: shades uncovered units, outlines and numbers the largest clusters, lists them; 云南 uncovered', async (t) => {
  const page = await env.newPage({ width: 1600, height: 900 });
  const requested = [];
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  await env.openMap(page);
  assert.ok(!requested.some((p) => p.includes('gaps')), `no gaps data before gaps mode: ${requested.filter((p) => p.includes('gaps'))}`);
  const report = await env.json('/api/v1/gaps');
  await page.click('#mode-gaps');
  await page.waitForSelector(GAPS_READY, { state: 'attached', timeout: 20000 });
  assert.ok(requested.includes('/api/v1/gaps') && requested.includes('/api/v1/layers/gaps'), 'gaps data loaded on demand');
  assert.match(await page.evaluate(() => location.hash), /view=gaps/);

  const shown = Math.min(TOP_CLUSTERS, report.clusters.length);
  const got = await page.evaluate(() => ({
    numbers: [...document.querySelectorAll('.leaflet-pm-cluster-nums-pane .pm-cluster-num')].map((e) => Number(e.dataset.cluster)).sort((a, b) => a - b),
    outlines: document.querySelectorAll('.leaflet-pm-clusters-pane path.pm-cluster-line').length,
    legendClasses: document.querySelectorAll('.pm-legend [data-gap-class]').length,
    legend: document.querySelector('.pm-legend').textContent,
    fills: Object.fromEntries([...document.querySelectorAll('.leaflet-pm-units-pane path[data-code]')].map((p) => [p.dataset.code, p.getAttribute('fill')])),
    listed: [...document.querySelectorAll('#g-clusters button.cluster')].map((b) => Number(b.dataset.cluster)),
    without: document.querySelector('#g-without')?.textContent || '',
    pilotRows: document.querySelectorAll('#g-pilot-provinces tbody tr').length,
    inequality: document.querySelector('#g-inequality')?.textContent || '',
    noPolygon: [...document.querySelectorAll('#g-no-polygon [data-code]')].map((e) => e.dataset.code),
    h1: document.querySelector('h1').textContent,
  }));
  assert.deepEqual(got.numbers, Array.from({ length: shown }, (_, i) => i + 1), 'the largest clusters numbered 1..N');
  assert.equal(got.outlines, shown, 'one outline per numbered cluster');
  assert.equal(got.legendClasses, 5, 'five distance classes in the legend');
  assert.match(got.legend, /距最近试点单位/);
  assert.match(got.legend, /≥ 200 km/);
  assert.match(got.h1, /空白区域图/);
  assert.deepEqual(got.listed, report.clusters.map((c) => c.id), 'every cluster listed in the panel');
  assert.match(got.without, /云南省/);
  assert.equal(got.pilotRows, report.pilot_provinces.length);
  assert.match(got.inequality, /基尼系数/);

  // Every uncovered unit drawn is shaded by its distance class; 云南's all are.
  const yunnan = report.uncovered_units.filter((u) => u.province_code === '530000');
  assert.ok(yunnan.length >= 16, `云南 uncovered units: ${yunnan.length}`);
  for (const u of yunnan) assert.equal(got.fills[u.code], gapColor(u.distance_km), `${u.name} shaded for ${u.distance_km} km`);
  for (const u of report.uncovered_units.filter((x) => x.has_polygon)) assert.equal(got.fills[u.code], gapColor(u.distance_km), `${u.name}`);
  // Units without a polygon are listed, not drawn.
  const noPoly = report.uncovered_units.filter((u) => u.has_polygon === false).map((u) => u.code);
  assert.deepEqual(got.noPolygon.sort(), noPoly.sort());
  for (const code of noPoly) assert.equal(got.fills[code], undefined, `${code} not drawn`);
  // Covered units are the base grey, pilots stay orange on top.
  const covered = Object.entries(got.fills).filter(([code]) => !report.uncovered_units.some((u) => u.code === code));
  assert.ok(covered.length > 50 && covered.every(([, f]) => f === GAP_BASE), 'covered units in the base grey');
  assert.equal(await page.locator('.leaflet-pm-pilots-pane path[fill="#e8710a"]').count(), 108);
  await page.mouse.move(5, 895);
  await shot(page, t, 'gaps-national-1600x900.png');

  // Click a cluster in the panel: the map zooms to it.
  const z0 = await page.evaluate(() => location.hash);
  await page.click('#g-clusters button.cluster[data-cluster="2"]');
  await page.waitForFunction((h) => location.hash !== h && /map=([\d.]+)/.test(location.hash), z0, { timeout: 10000 });
  const zoom = await page.evaluate(() => Number(/map=([\d.]+)/.exec(location.hash)[1]));
  assert.ok(zoom >= 5, `zoomed to cluster 2: zoom ${zoom}`);

  // 云南's panel: its cluster and its 16 units with their distances.
  await page.click('#g-without button[data-code="530000"]');
  await page.waitForFunction(() => document.querySelectorAll('#d-gap-units .gap-unit').length > 0, null, { timeout: 10000 });
  const yn = await page.evaluate(() => ({
    units: [...document.querySelectorAll('#d-gap-units .gap-unit')].map((b) => ({ code: b.dataset.code, km: b.dataset.distanceKm, text: b.textContent })),
    clusters: document.querySelectorAll('#d-clusters button.cluster').length,
    numbers: document.querySelectorAll('.leaflet-pm-cluster-nums-pane .pm-cluster-num').length,
    hash: location.hash,
  }));
  assert.equal(yn.units.length, yunnan.length);
  assert.equal(yn.clusters, report.province_clusters.find((p) => p.province_code === '530000').clusters.length);
  assert.equal(yn.numbers, yn.clusters, 'the province map numbers its own clusters');
  assert.match(yn.hash, /p=530000.*view=gaps/);
  const far = yn.units[0];
  const farthest = yunnan.reduce((a, u) => (u.distance_km > a.distance_km ? u : a));
  assert.equal(far.code, farthest.code, 'farthest unit first');
  assert.match(far.text, /km/);
  await page.mouse.move(5, 895);
  await page.waitForTimeout(400);
  await shot(page, t, 'gaps-yunnan-1600x900.png');

  // Back to the coverage map: the shading goes, so do the clusters.
  await page.click('#mode-coverage');
  await page.waitForFunction(() => !location.hash.includes('view=gaps'));
  assert.equal(await page.locator('.pm-cluster-num').count(), 0);
  await page.close();
});

browserTest('presentation mode at 1920×1080: no controls; title, legend, inset and footer inside the frame and apart', async (t) => {
  const page = await env.newPage({ width: 1920, height: 1080 });
  const cfg = await env.json('/api/v1/config');
  await env.openMap(page, '?mode=present');
  await quiet(page);
  const r = await rects(page, {
    frame: '#map',
    title: '.pm-present-title',
    legend: '.pm-legend',
    inset: '.pm-inset',
    scale: '.leaflet-control-scale',
    footer: '.pm-present-foot',
    north: '#pm-north-arrow',
  });
  assert.deepEqual([r.frame.left, r.frame.top, r.frame.width, r.frame.height], [0, 0, 1920, 1080], 'the 16:9 frame fills a 1920×1080 window');
  for (const k of ['title', 'legend', 'inset', 'scale', 'footer', 'north']) {
    assert.ok(r[k], `${k} shown`);
    assert.ok(inside(r[k], r.frame), `${k} inside the frame: ${JSON.stringify(r[k])}`);
  }
  const keys = ['title', 'legend', 'inset', 'scale', 'footer', 'north'];
  for (let i = 0; i < keys.length; i++) for (let j = i + 1; j < keys.length; j++) assert.ok(!overlap(r[keys[i]], r[keys[j]]), `${keys[i]} and ${keys[j]} apart`);
  const ui = await page.evaluate(() => {
    const shown = (s) => {
      const e = document.querySelector(s);
      return !!e && e.getBoundingClientRect().width > 0 && getComputedStyle(e).visibility !== 'hidden';
    };
    return {
      zoom: shown('.leaflet-control-zoom'),
      search: shown('#q'),
      panel: shown('#panel'),
      toggles: document.querySelectorAll('.pm-legend input').length,
      attribution: shown('.leaflet-control-attribution'),
      title: document.querySelector('.pm-pt-title').textContent,
      editable: document.querySelector('.pm-pt-title').isContentEditable && document.querySelector('.pm-pt-sub').isContentEditable,
      sub: document.querySelector('.pm-pt-sub').textContent,
      footer: document.querySelector('.pm-present-foot').textContent,
      insetLabel: document.querySelector('.pm-inset').textContent,
      dashes: Number(document.querySelector('.pm-inset').dataset.nanhaiDashes),
      islands: Number(document.querySelector('.pm-inset').dataset.islands),
      labels: [...document.querySelectorAll('.pm-label')].map((e) => e.getBoundingClientRect().toJSON()),
    };
  });
  assert.deepEqual([ui.zoom, ui.search, ui.panel, ui.toggles, ui.attribution], [false, false, false, 0, false], 'no controls');
  assert.equal(ui.title, '创建幸福家庭活动试点覆盖图');
  assert.ok(ui.editable, 'title and subtitle editable in place');
  assert.ok(ui.sub.includes(cfg.notice.doc_number), `subtitle names the notice: ${ui.sub}`);
  assert.match(ui.footer, /数据来源/);
  assert.match(ui.footer, /制图日期：\d{4}-\d{2}-\d{2}/);
  // The approval line only when configured (see web/README.md).
  // Without one, the note that the map has none (as on the SVG and PNG).
  if (cfg.approval_number) assert.match(ui.footer, /审图号：/);
  else assert.ok(cfg.unapproved_note && ui.footer.includes(cfg.unapproved_note), `footer ${ui.footer} lacks ${cfg.unapproved_note}`);
  assert.match(ui.insetLabel, /南海诸岛/);
  assert.ok(ui.islands > 0, 'inset draws the islands');
  assert.equal(ui.dashes, 9, 'the inset draws the South China Sea line');
  assert.ok(ui.labels.length > 20, `province names: ${ui.labels.length}`);
  for (const l of ui.labels) {
    assert.ok(inside(l, r.frame), 'label inside the frame');
    for (const k of ['title', 'legend', 'inset', 'footer']) assert.ok(!overlap(l, r[k]), `a label over the ${k}: ${JSON.stringify(l)}`);
  }
  await shot(page, t, 'present-national-coverage-screen.png');

  // The title edits in place and goes into the URL (and the export).
  await page.click('.pm-pt-title');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('试点覆盖情况（汇报用）');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('title') === '试点覆盖情况（汇报用）');
  const req = page.waitForRequest((q) => q.url().includes('/api/v1/map.svg'));
  const dl = page.waitForEvent('download', { timeout: 30000 });
  await page.click('#present-export');
  const svgURL = new URL((await req).url());
  assert.equal(svgURL.searchParams.get('title'), '试点覆盖情况（汇报用）');
  assert.equal(svgURL.searchParams.get('layout'), '16:9');
  assert.equal(svgURL.searchParams.get('view'), 'coverage');
  await (await dl).cancel();

  // 4:3 letterboxed in the same window: 1440×1080, centred.
  await env.openMap(page, '?mode=present&layout=4:3');
  const f43 = await rects(page, { frame: '#map' });
  assert.deepEqual([f43.frame.left, f43.frame.top, f43.frame.width, f43.frame.height].map(Math.round), [240, 0, 1440, 1080]);

  // Escape leaves presentation mode; the button comes back.
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.documentElement.classList.contains('pm-present'));
  assert.doesNotMatch(await page.evaluate(() => location.search), /mode=present/);
  assert.ok(await page.isVisible('#present'));
  await page.close();
});

browserTest('presentation on a 3840-wide screen: 大屏 styling, frame scaled ×2', async (t) => {
  const page = await env.newPage({ width: 3840, height: 2160 });
  await env.openMap(page, '?mode=present');
  await quiet(page);
  const got = await page.evaluate(() => ({
    big: document.documentElement.classList.contains('pm-big'),
    frame: document.querySelector('#map').getBoundingClientRect().toJSON(),
    title: parseFloat(getComputedStyle(document.querySelector('.pm-pt-title')).fontSize),
  }));
  assert.ok(got.big, 'html.pm-big');
  assert.deepEqual([got.frame.width, got.frame.height], [3840, 2160]);
  assert.ok(got.title > 44, `title ${got.title}px in the frame`);
  await shot(page, t, 'present-3840x2160.png');
  await page.close();
});

browserTest('Export PNG: 2× PNGs of the national coverage map, 北京 and gaps mode', async (t) => {
  const page = await env.newPage({ width: 1920, height: 1080 });
  const cases = [
    { where: '?mode=present', file: 'present-national-coverage.png', name: 'pilotmap-national-coverage-16x9.png' },
    { where: '?mode=present#p=110000', file: 'present-beijing.png', name: 'pilotmap-beijing-coverage-16x9.png' },
    { where: '?mode=present#view=gaps', file: 'present-gaps.png', name: 'pilotmap-national-gaps-16x9.png', gaps: true },
  ];
  for (const c of cases) {
    await env.openMap(page, c.where);
    if (c.gaps) {
      await page.waitForSelector(GAPS_READY, { state: 'attached', timeout: 20000 });
      assert.equal(await page.locator('.leaflet-pm-cluster-nums-pane .pm-cluster-num').count(), PRESENT_CLUSTERS, 'the frame numbers as many clusters as the SVG');
    }
    await page.waitForTimeout(300);
    await quiet(page);
    await shot(page, t, c.file.replace('.png', '-screen.png'));
    const dl = page.waitForEvent('download', { timeout: 30000 });
    await page.click('#present-export');
    const d = await dl;
    assert.equal(d.suggestedFilename(), c.name);
    const file = artifact(c.file);
    await d.saveAs(file);
    const info = pngInfo(fs.readFileSync(file));
    assert.ok(info.magic, `${c.file} is a PNG`);
    assert.deepEqual([info.width, info.height], [3840, 2160], `${c.file} at 2× 1920×1080`);
    assert.match(await page.textContent('#present-status'), /已导出/);
    t.diagnostic(`PNG: ${file}`);
    console.log(`exported PNG: ${file}`);
  }
  // An empty subtitle in the page's query is not passed on to map.svg
  // (which answers an empty value with a 400): the export still works.
  await env.openMap(page, '?mode=present&subtitle=');
  const req = page.waitForRequest((q) => q.url().includes('/api/v1/map.svg'));
  const dl = page.waitForEvent('download', { timeout: 30000 });
  await page.click('#present-export');
  assert.ok(!new URL((await req).url()).searchParams.has('subtitle'), 'no empty subtitle sent');
  await (await dl).cancel();

  // From a province back to the nation without leaving the presentation.
  await env.openMap(page, '?mode=present#p=110000');
  await page.click('#present-nation');
  await page.waitForFunction(() => !location.hash.includes('p=110000'));
  assert.doesNotMatch(await page.textContent('.pm-pt-sub'), /北京/);
  assert.match(await page.evaluate(() => location.search), /mode=present/);
  await page.close();
});

browserTest('side panel downloads: units.csv, provinces.csv and GeoJSON layers', async () => {
  const page = await env.newPage({ width: 1600, height: 900 });
  await env.openMap(page);
  for (const [sel, name] of [['#x-units', 'pilotmap-units.csv'], ['#x-provinces', 'pilotmap-provinces.csv'], ['a[data-export="nanhai.geojson"]', 'pilotmap-nanhai.geojson']]) {
    await page.locator(sel).scrollIntoViewIfNeeded();
    const dl = page.waitForEvent('download', { timeout: 30000 });
    await page.click(sel);
    const d = await dl;
    assert.equal(d.suggestedFilename(), name);
    const body = fs.readFileSync(await d.path(), 'utf8');
    if (name.endsWith('.csv')) {
      assert.equal(body.charCodeAt(0), 0xfeff, `${name} starts with a BOM`);
      assert.ok(body.split('\n').length > 30, `${name} rows`);
    } else assert.equal(JSON.parse(body).type, 'FeatureCollection');
  }
  const hrefs = await page.evaluate(() => [...document.querySelectorAll('#exports a[download]')].map((a) => a.getAttribute('href')));
  for (const layer of ['provinces', 'units', 'pilots', 'nanhai', 'gaps']) assert.ok(hrefs.some((h) => h.startsWith(`/api/v1/layers/${layer}?`) && h.includes('download=1')), `${layer} download`);
  await page.click('#lang');
  assert.equal(await page.getAttribute('#x-units', 'href'), '/api/v1/export/units.csv?lang=en');
  await page.close();
});

browserTest('gaps and presentation: no console errors, no request left localhost, none refused by the server', () => {
  assert.deepEqual(env.consoleErrors, []);
  assert.deepEqual(env.offsite, []);
  assert.deepEqual(env.failed, []);
});
