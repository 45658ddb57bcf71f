// Browser tests of gaps mode, presentation mode, the PNG export and the
// data downloads, in real headless Chromium against the real server (see
// harness.mjs). The exported PNGs are kept in test-artifacts/:
// present-national-coverage.png, present-gaps.png, present-beijing.png,
// with screenshots of the presentation frame next to them (*-screen.png),
// and present-national-coverage-1920x1080.png, present-3840x2160.png.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { setup, browserTest, shot, artifact, GAPS_READY } from './harness.mjs';
import { gapColor, GAP_BASE, TOP_CLUSTERS } from '../src/gaps.js';

const env = setup();

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** pngSize reads a PNG's width and height from its IHDR chunk. */
function pngInfo(buf) {
  return { magic: buf.subarray(0, 8).equals(PNG_MAGIC), width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}


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

/** DRAWN waits for the presentation frame to show a drawing (body[data-present-drawn] is its map.svg URL). */
const DRAWN = 'body[data-present-drawn^="/api/v1/map.svg"]';

/** drawn waits until the frame shows the SVG for params (a subset of map.svg's query) and returns that query. */
async function drawn(page, params) {
  await page.waitForFunction(
    (want) => {
      const u = document.body.dataset.presentDrawn;
      if (!u) return false;
      const q = new URL(u, location.href).searchParams;
      return Object.entries(want).every(([k, v]) => (v === null ? !q.has(k) : q.get(k) === v));
    },
    params,
    { timeout: 20000 },
  );
  return Object.fromEntries(new URL(await page.evaluate(() => document.body.dataset.presentDrawn), 'http://x').searchParams);
}

/** frameSVG reads what the frame's <img> shows (the SVG text behind its blob URL): its groups, texts and size. */
function frameSVG(page) {
  return page.evaluate(async () => {
    const img = document.querySelector('#present-map');
    const doc = new DOMParser().parseFromString(await (await fetch(img.src)).text(), 'image/svg+xml');
    const text = (id) => [...doc.querySelectorAll(`#${id} text`)].map((e) => e.textContent);
    return {
      natural: [img.naturalWidth, img.naturalHeight],
      shown: [img.getBoundingClientRect().width, img.getBoundingClientRect().height],
      layout: doc.documentElement.dataset.layout,
      view: doc.documentElement.dataset.view,
      groups: ['title', 'legend', 'inset', 'footer', 'north-arrow', 'nanhai-line'].filter((id) => doc.getElementById(id)),
      nanhaiPaths: doc.querySelectorAll('#nanhai-line path, #nanhai-line polyline, #nanhai-line line').length,
      title: text('title'),
      footer: text('footer').join(' '),
      scripts: doc.querySelectorAll('script, foreignObject').length,
    };
  });
}

browserTest('presentation mode at 1920×1080: the frame is the server SVG of the presentation; texts, mode, language and layouts redraw it', async (t) => {
  const page = await env.newPage({ width: 1920, height: 1080 });
  const cfg = await env.json('/api/v1/config');
  await env.openMap(page, '?mode=present');
  let q = await drawn(page, { view: 'coverage', layout: '16:9', lang: 'zh', title: null, subtitle: null, province: null });
  assert.deepEqual(Object.keys(q).sort(), ['lang', 'layout', 'view'], 'the frame asks map.svg for its view, layout and language only');
  await quiet(page);
  const r = await rects(page, { frame: '#present-frame' });
  assert.deepEqual([r.frame.left, r.frame.top, r.frame.width, r.frame.height], [0, 0, 1920, 1080], 'the 16:9 frame fills a 1920×1080 window');
  let svg = await frameSVG(page);
  assert.deepEqual(svg.natural, [1920, 1080], 'the SVG at the layout size');
  assert.deepEqual(svg.shown, [1920, 1080], 'shown at 1×');
  assert.deepEqual(svg.groups, ['title', 'legend', 'inset', 'footer', 'north-arrow', 'nanhai-line'], 'title, legend, inset, footer, north arrow and the 南海诸岛 line in the frame');
  assert.ok(svg.nanhaiPaths > 0, 'the line has paths');
  assert.equal(svg.scripts, 0, 'nothing active in the drawing');
  assert.equal(svg.title[0], '创建幸福家庭活动试点覆盖图');
  assert.ok(svg.title[1].includes(cfg.notice.doc_number), `subtitle names the notice: ${svg.title[1]}`);
  assert.match(svg.footer, /数据来源/);
  assert.match(svg.footer, /制图日期：\d{4}-\d{2}-\d{2}/);
  if (cfg.approval_number) assert.match(svg.footer, /审图号/);
  else {
    assert.ok(cfg.unapproved_note && svg.footer.includes(cfg.unapproved_note), `footer ${svg.footer} lacks ${cfg.unapproved_note}`);
    assert.ok(await page.isVisible('#present-approval-note'), 'the toolbar says there is no approval number');
  }
  const ui = await page.evaluate(() => {
    const shown = (s) => {
      const e = document.querySelector(s);
      if (!e) return false;
      const r = e.getBoundingClientRect();
      return r.width > 0 && getComputedStyle(e).visibility !== 'hidden' && document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === e;
    };
    return {
      map: shown('#map'),
      zoom: shown('.leaflet-control-zoom'),
      search: shown('#q'),
      panel: shown('#panel'),
      placeholder: document.querySelector('#present-title').placeholder,
    };
  });
  assert.deepEqual([ui.map, ui.zoom, ui.search, ui.panel], [false, false, false, false], 'the Leaflet map and the controls hidden');
  assert.equal(ui.placeholder, svg.title[0], "an empty title input shows the server's default title");
  await shot(page, t, 'present-national-coverage-1920x1080.png');

  // The title input redraws the frame (debounced), goes into the URL and the SVG.
  await page.fill('#present-title', '试点覆盖情况（汇报用）');
  q = await drawn(page, { title: '试点覆盖情况（汇报用）' });
  assert.equal(await page.evaluate(() => new URLSearchParams(location.search).get('title')), '试点覆盖情况（汇报用）');
  assert.equal((await frameSVG(page)).title[0], '试点覆盖情况（汇报用）');
  await page.fill('#present-subtitle', '内部汇报');
  await page.press('#present-subtitle', 'Enter');
  await drawn(page, { title: '试点覆盖情况（汇报用）', subtitle: '内部汇报' });
  assert.equal((await frameSVG(page)).title[1], '内部汇报');
  // Emptied: the server's defaults again, nothing in the URL.
  await page.fill('#present-title', '');
  await page.fill('#present-subtitle', '  ');
  await drawn(page, { title: null, subtitle: null });
  assert.doesNotMatch(await page.evaluate(() => location.search), /title=/);
  assert.equal((await frameSVG(page)).title[0], '创建幸福家庭活动试点覆盖图');

  // Coverage | gaps and the language switch redraw it.
  await page.click('#present-mode-gaps');
  await drawn(page, { view: 'gaps' });
  assert.equal((await frameSVG(page)).view, 'gaps');
  assert.match(await page.evaluate(() => location.hash), /view=gaps/);
  await page.click('#present-lang');
  await drawn(page, { view: 'gaps', lang: 'en' });
  assert.match((await frameSVG(page)).title[0], /[A-Za-z]/, 'an English title');
  assert.equal(await page.textContent('#present-export'), 'Export PNG');
  await page.click('#present-lang');
  await page.click('#present-mode-coverage');
  await drawn(page, { view: 'coverage', lang: 'zh' });

  // 4:3 from the toolbar, letterboxed in the same window: 1440×1080, centred.
  await page.selectOption('#present-layout', '4:3');
  await drawn(page, { layout: '4:3' });
  const f43 = await rects(page, { frame: '#present-frame' });
  assert.deepEqual([f43.frame.left, f43.frame.top, f43.frame.width, f43.frame.height].map(Math.round), [240, 0, 1440, 1080]);
  assert.deepEqual((await frameSVG(page)).natural, [1600, 1200]);
  assert.match(await page.evaluate(() => location.search), /layout=4(:|%3A)3/);
  // A4 from the URL: 1754×1240, letterboxed.
  await env.openMap(page, '?mode=present&layout=a4');
  await drawn(page, { layout: 'a4' });
  svg = await frameSVG(page);
  assert.equal(svg.layout, 'a4');
  // The A4 SVG is 297 × 210 mm (its <img> size at 96 dpi is 1123 × 794).
  assert.ok(Math.abs(svg.natural[0] / svg.natural[1] - 297 / 210) < 0.005, `A4 landscape: ${svg.natural}`);
  const fa4 = await rects(page, { frame: '#present-frame' });
  assert.equal(Math.round(fa4.frame.height), 1080);
  assert.equal(Math.round(fa4.frame.width), Math.round((1754 * 1080) / 1240));

  // A province, and back to the nation without leaving the presentation.
  await env.openMap(page, '?mode=present#p=110000');
  await drawn(page, { province: '110000' });
  svg = await frameSVG(page);
  assert.match(svg.title[1], /北京/);
  // The empty inputs' placeholders are the texts the server drew by default.
  assert.deepEqual(await page.evaluate(() => [document.querySelector('#present-title').placeholder, document.querySelector('#present-subtitle').placeholder]), svg.title.slice(0, 2));
  await page.click('#present-nation');
  await drawn(page, { province: null });
  assert.doesNotMatch(await page.evaluate(() => location.hash), /p=110000/);
  assert.match(await page.evaluate(() => location.search), /mode=present/);

  // Escape leaves presentation mode; the frame goes, the map and the button come back.
  await page.mouse.click(960, 540);
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.documentElement.classList.contains('pm-present'));
  assert.doesNotMatch(await page.evaluate(() => location.search), /mode=present/);
  assert.equal(await page.locator('#present-frame').count(), 0);
  assert.ok(await page.isVisible('#present'));
  assert.ok(await page.isVisible('.leaflet-control-zoom'));
  await page.close();
});

browserTest('presentation on a 3840-wide screen: 大屏 toolbar, the SVG rasterized at 3840×2160', async (t) => {
  const page = await env.newPage({ width: 3840, height: 2160 });
  await env.openMap(page, '?mode=present');
  await drawn(page, { layout: '16:9' });
  const got = await page.evaluate(() => ({
    big: document.documentElement.classList.contains('pm-big'),
    frame: document.querySelector('#present-frame').getBoundingClientRect().toJSON(),
    img: document.querySelector('#present-map').getBoundingClientRect().toJSON(),
    transform: getComputedStyle(document.querySelector('#present-frame')).transform,
    button: parseFloat(getComputedStyle(document.querySelector('#present-export')).fontSize),
  }));
  assert.ok(got.big, 'html.pm-big');
  assert.deepEqual([got.frame.width, got.frame.height], [3840, 2160]);
  assert.deepEqual([got.img.width, got.img.height], [3840, 2160], 'the <img> laid out at the size on screen');
  assert.equal(got.transform, 'none', 'not a scaled bitmap');
  assert.ok(got.button >= 20, `大屏 toolbar type ${got.button}px`);
  await quiet(page);
  await shot(page, t, 'present-3840x2160.png');
  await page.close();
});

// How alike the frame on screen and the exported PNG must be. Both are the
// same SVG text rasterized by the same browser, the PNG at 2× and scaled
// down here, so they differ only by antialiasing: the mean absolute
// difference per channel (0–255) and the share of pixels differing by more
// than DIFF_PIXEL in some channel stay under these bounds. A different map
// (the gaps PNG against the coverage frame) exceeds both by far: the test
// checks that too, so it can fail.
const MAX_MEAN_DIFF = 2;
const DIFF_PIXEL = 48;
const MAX_DIFF_SHARE = 0.01;

/**
 * compareInPage compares PNGs (base64) in the page at w × h: each is drawn
 * into a canvas of that size (scaled with high-quality smoothing). Returns
 * {mean, share} for a against b, and, with svg (text) and box (the
 * inset's [x, y, w, h]), line: the line's pixels (where the SVG drawn with
 * and without its #nanhai-line group differ by more than DIFF_PIXEL), how
 * many of them lie outside box, and how many a and b show (they differ
 * there from the SVG without the line).
 */
function compareInPage(page, a, b, w, h, svg, box) {
  return page.evaluate(
    async ({ a, b, w, h, svg, box, DIFF_PIXEL }) => {
      const decode = async (src) => {
        const img = new Image();
        img.src = src;
        await img.decode();
        return img;
      };
      const pixels = (img) => {
        const c = document.createElement('canvas');
        c.width = w;
        c.height = h;
        const ctx = c.getContext('2d');
        ctx.fillStyle = '#fff';
        ctx.fillRect(0, 0, w, h);
        ctx.imageSmoothingEnabled = true;
        ctx.imageSmoothingQuality = 'high';
        ctx.drawImage(img, 0, 0, w, h);
        return ctx.getImageData(0, 0, w, h).data;
      };
      const pa = pixels(await decode('data:image/png;base64,' + a));
      const pb = pixels(await decode('data:image/png;base64,' + b));
      const far = (p, q, i) => Math.max(Math.abs(p[i] - q[i]), Math.abs(p[i + 1] - q[i + 1]), Math.abs(p[i + 2] - q[i + 2])) > DIFF_PIXEL;
      let sum = 0;
      let n = 0;
      for (let i = 0; i < pa.length; i += 4) {
        sum += Math.abs(pa[i] - pb[i]) + Math.abs(pa[i + 1] - pb[i + 1]) + Math.abs(pa[i + 2] - pb[i + 2]);
        if (far(pa, pb, i)) n++;
      }
      const out = { mean: sum / ((pa.length / 4) * 3), share: n / (pa.length / 4) };
      if (svg) {
        const draw = async (text) => {
          const src = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
          try {
            return pixels(await decode(src));
          } finally {
            URL.revokeObjectURL(src);
          }
        };
        const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
        doc.getElementById('nanhai-line').remove();
        const pw = await draw(svg);
        const pn = await draw(new XMLSerializer().serializeToString(doc));
        // The inset's box, grown by the line's stroke and antialiasing (3 px).
        const [bx, by, bw, bh] = [box[0] - 3, box[1] - 3, box[2] + 6, box[3] + 6].map(Math.round);
        // mask: the line's pixels (the SVG with and without #nanhai-line differ);
        // a, b: those of them where the frame, the PNG differ from the SVG without the line.
        const line = { mask: 0, outside: 0, a: 0, b: 0 };
        for (let y = 0; y < h; y++)
          for (let x = 0; x < w; x++) {
            const i = (y * w + x) * 4;
            if (!far(pw, pn, i)) continue;
            if (!(x >= bx && x < bx + bw && y >= by && y < by + bh)) {
              line.outside++;
              continue;
            }
            line.mask++;
            if (far(pa, pn, i)) line.a++;
            if (far(pb, pn, i)) line.b++;
          }
        out.line = line;
      }
      return out;
    },
    { a, b, w, h, svg, box, DIFF_PIXEL },
  );
}

browserTest('one map: the presentation frame and the exported 2× PNG are the same drawing (national coverage, gaps, 北京), with the 南海诸岛 line', async (t) => {
  const page = await env.newPage({ width: 1920, height: 1080 });
  const cases = [
    { where: '?mode=present', file: 'present-national-coverage.png', name: 'pilotmap-national-coverage-16x9.png', params: { view: 'coverage', province: null }, line: true },
    { where: '?mode=present#view=gaps', file: 'present-gaps.png', name: 'pilotmap-national-gaps-16x9.png', params: { view: 'gaps', province: null }, line: true },
    { where: '?mode=present#p=110000', file: 'present-beijing.png', name: 'pilotmap-beijing-coverage-16x9.png', params: { view: 'coverage', province: '110000' } },
  ];
  const got = {};
  for (const c of cases) {
    await env.openMap(page, c.where);
    await drawn(page, { ...c.params, layout: '16:9' });
    // The toolbar floats over the frame: out of the way for the screenshot.
    await page.evaluate(() => (document.querySelector('#present-toolbar').style.visibility = 'hidden'));
    const screen = await page.locator('#present-frame').screenshot({ path: artifact(c.file.replace('.png', '-screen.png')) });
    await page.evaluate(() => (document.querySelector('#present-toolbar').style.visibility = ''));
    t.diagnostic(`screenshot: ${artifact(c.file.replace('.png', '-screen.png'))}`);
    const shownURL = await page.evaluate(() => document.body.dataset.presentDrawn);

    const requests = [];
    const onReq = (r) => requests.push(r.url());
    page.on('request', onReq);
    const dl = page.waitForEvent('download', { timeout: 30000 });
    await page.click('#present-export');
    const d = await dl;
    page.off('request', onReq);
    assert.equal(d.suggestedFilename(), c.name);
    assert.ok(!requests.some((u) => u.includes('/api/v1/map.svg')), 'the export draws the SVG the frame shows, without fetching another');
    assert.equal(await page.evaluate(() => document.body.dataset.presentDrawn), shownURL);
    const file = artifact(c.file);
    await d.saveAs(file);
    const png = fs.readFileSync(file);
    const info = pngInfo(png);
    assert.ok(info.magic, `${c.file} is a PNG`);
    assert.deepEqual([info.width, info.height], [3840, 2160], `${c.file} at 2× 1920×1080`);
    assert.match(await page.textContent('#present-status'), /已导出/);

    let svg = null;
    let box = null;
    if (c.line) {
      svg = await page.evaluate(async () => (await fetch(document.querySelector('#present-map').src)).text());
      box = /<g id="inset" data-box="([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)"/.exec(svg).slice(1).map(Number);
    }
    const cmp = await compareInPage(page, screen.toString('base64'), png.toString('base64'), 1920, 1080, svg, box);
    t.diagnostic(`${c.file}: frame vs PNG mean |Δ| ${cmp.mean.toFixed(3)}, ${(cmp.share * 100).toFixed(3)}% of pixels differ by > ${DIFF_PIXEL}${cmp.line ? `; the line's ${cmp.line.mask} px: shown in the frame ${cmp.line.a}, in the PNG ${cmp.line.b}; outside the inset ${cmp.line.outside}` : ''}`);
    assert.ok(cmp.mean < MAX_MEAN_DIFF, `${c.file}: mean difference ${cmp.mean} ≥ ${MAX_MEAN_DIFF}`);
    assert.ok(cmp.share < MAX_DIFF_SHARE, `${c.file}: ${cmp.share} of pixels differ ≥ ${MAX_DIFF_SHARE}`);
    if (c.line) {
      // The line's pixels: where the drawing differs from the same SVG without #nanhai-line.
      assert.ok(cmp.line.mask > 100, `the SVG draws the 南海诸岛 line (${cmp.line.mask} px)`);
      assert.equal(cmp.line.outside, 0, 'the line only in the inset');
      assert.ok(cmp.line.a >= 0.8 * cmp.line.mask, `the frame shows the line: ${cmp.line.a} of ${cmp.line.mask} px`);
      assert.ok(cmp.line.b >= 0.8 * cmp.line.mask, `the PNG shows the line: ${cmp.line.b} of ${cmp.line.mask} px`);
    }
    got[c.params.view + (c.params.province || '')] = { screen, png };
  }
  // A different map is told apart: the gaps PNG against the coverage frame.
  const other = await compareInPage(page, got.coverage.screen.toString('base64'), got.gaps.png.toString('base64'), 1920, 1080);
  t.diagnostic(`coverage frame vs gaps PNG: mean |Δ| ${other.mean.toFixed(3)}, ${(other.share * 100).toFixed(3)}% of pixels differ`);
  assert.ok(other.mean > 5 * MAX_MEAN_DIFF && other.share > 5 * MAX_DIFF_SHARE, `the comparison tells two maps apart: ${JSON.stringify(other)}`);

  // An empty subtitle in the page's query is not passed on to map.svg
  // (which answers an empty value with a 400): the frame draws, the export works.
  await env.openMap(page, '?mode=present&subtitle=');
  await drawn(page, { subtitle: null });
  const dl = page.waitForEvent('download', { timeout: 30000 });
  await page.click('#present-export');
  await (await dl).cancel();
  await page.close();
});

browserTest('presentation: a refused drawing is said in the toolbar, with the server\'s reason', async () => {
  const page = await env.newPage({ width: 1920, height: 1080 });
  // A link to a province code that is none (map.svg answers 400 naming province).
  await env.openMap(page, '?mode=present#p=990000');
  await page.waitForSelector('body[data-present-error]', { state: 'attached', timeout: 20000 });
  const status = await page.textContent('#present-status');
  assert.match(status, /地图加载失败/);
  assert.match(status, /400/);
  assert.match(status, /province/, `the status names the parameter: ${status}`);
  assert.equal(await page.evaluate(() => document.body.dataset.presentDrawn), '', 'nothing drawn');
  // The export says the same instead of saving something else.
  await page.click('#present-export');
  await page.waitForFunction(() => /导出失败/.test(document.querySelector('#present-status').textContent));
  // Back to the nation: drawn, the error gone.
  await page.click('#present-nation');
  await drawn(page, { province: null });
  assert.equal(await page.evaluate(() => document.body.dataset.presentError), undefined);
  // This test's refusals (map.svg, the province's details) and their
  // console lines are expected; the last test checks the rest.
  const ours = (f) => f.includes('990000');
  const refused = env.failed.filter(ours);
  // (Each redraw asks again after a failure: on loading, once the data is in, on export.)
  assert.ok(refused.filter((f) => f.startsWith('400 /api/v1/map.svg')).length >= 2, `refused: ${refused}`);
  env.failed = env.failed.filter((f) => !ours(f));
  env.consoleErrors = env.consoleErrors.filter((f) => !ours(f));
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
