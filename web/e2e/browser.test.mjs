// Browser tests of the coverage map in real headless Chromium against the
// real server (see harness.mjs): the national view, a province, search,
// language, layer toggles, phone and large-screen layouts, keyboard.
import assert from 'node:assert/strict';
import { setup, browserTest, shot, READY } from './harness.mjs';

const env = setup();
const newPage = (v) => env.newPage(v);
const openMap = (page, hash) => env.openMap(page, hash);

browserTest('national view: drawn, 108 pilots, inset, legend, attribution, no layout shift', async (t) => {
  const page = await newPage({ width: 1600, height: 900 });
  // Record layout shifts from the first paint on.
  await page.addInitScript(() => {
    window.__cls = 0;
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await openMap(page);
  const stats = await env.json('/api/v1/stats');
  const ds = await page.evaluate(() => ({ ...document.body.dataset }));
  assert.equal(ds.mapReady, 'true');
  assert.equal(Number(ds.renderedPilots), 108, 'pilot units drawn');
  assert.equal(Number(ds.renderedPilots), stats.units, 'pilot units drawn = /api/v1/stats units');
  assert.ok(Number(ds.renderedUnits) >= 440, `unit features drawn: ${ds.renderedUnits}`);

  const facts = await page.evaluate(() => {
    const q = (s) => document.querySelector(s);
    const rect = (e) => e.getBoundingClientRect().toJSON();
    const inset = q('.pm-inset');
    return {
      units: q('#s-units').textContent,
      provinces: q('#s-provinces').textContent,
      pilotProvinces: q('#s-pilot-provinces').textContent,
      bars: document.querySelectorAll('#bars button.bar').length,
      regions: [...document.querySelectorAll('.regions-table thead th')].map((e) => e.textContent),
      fullPromo: document.querySelectorAll('.leaflet-pm-outlines-pane path[stroke="#1d2433"]').length,
      hatched: [...document.querySelectorAll('.leaflet-pm-provinces-pane path[fill="url(#pm-hatch-zero)"]')].map((e) => e.getAttribute('data-code')),
      outside: [...document.querySelectorAll('.leaflet-pm-provinces-pane path[fill="#d4d4d4"]')].map((e) => e.getAttribute('data-code')).sort(),
      inset: inset && { rect: rect(inset), islands: Number(inset.dataset.islands), label: inset.textContent, dashes: Number(inset.dataset.nanhaiDashes) },
      // The South China Sea line's strokes, drawn and inside the inset's frame.
      line: [...document.querySelectorAll('.pm-inset path.pm-nanhai-line')].map((e) => {
        const r = e.getBoundingClientRect();
        const f = inset.getBoundingClientRect();
        return { w: r.width + r.height, inside: r.left >= f.left - 1 && r.right <= f.right + 1 && r.top >= f.top - 1 && r.bottom <= f.bottom + 1 };
      }),
      map: rect(q('#map')),
      attribution: q('.leaflet-control-attribution')?.textContent || '',
      legend: q('.pm-legend')?.textContent || '',
      scale: !!q('.leaflet-control-scale-line'),
      labels: [...document.querySelectorAll('.pm-label')].map((e) => e.textContent),
      cls: window.__cls,
    };
  });
  assert.equal(facts.units, String(stats.units));
  assert.equal(facts.provinces, String(stats.provinces_with_units));
  assert.equal(facts.pilotProvinces, String(stats.pilot_provinces));
  assert.equal(facts.bars, 31, 'one bar per mainland province');
  assert.deepEqual(facts.regions, ['东部', '中部', '西部', '东北']);
  assert.equal(facts.fullPromo, 12, 'full-promotion provinces outlined');
  assert.deepEqual(facts.hatched, ['530000'], '云南 drawn empty (hatched)');
  assert.deepEqual(facts.outside, ['710000', '810000', '820000'], '台湾, 香港, 澳门 in neutral grey');
  assert.ok(facts.inset, 'South China Sea inset present');
  assert.ok(facts.inset.islands > 0, 'inset draws the islands');
  assert.match(facts.inset.label, /南海诸岛/);
  assert.equal(facts.inset.dashes, 9, 'the South China Sea line: nine dashes');
  assert.ok(facts.line.length > 0 && facts.line.every((l) => l.inside && l.w > 4), `line drawn inside the inset: ${JSON.stringify(facts.line)}`);
  assert.ok(facts.map.right - facts.inset.rect.right < 40 && facts.map.bottom - facts.inset.rect.bottom < 60, 'inset in the lower right');
  assert.ok(facts.attribution.trim().length > 0, 'attribution line');
  assert.match(facts.legend, /全面推进试点省/);
  assert.match(facts.legend, /不在试点范围/);
  assert.ok(facts.scale, 'scale bar');
  for (const name of ['北京', '新疆', '云南', '台湾', '香港', '澳门']) assert.ok(facts.labels.includes(name), `label ${name} in ${facts.labels.join(' ')}`);
  assert.ok(facts.cls < 0.02, `cumulative layout shift ${facts.cls}`);
  await shot(page, t, 'national-1600x900.png');

  // Hover: the tooltip names the unit, says it is a pilot, and its batch.
  const hz = await page.evaluate(() => {
    const r = document.querySelector('.leaflet-pm-pilots-pane path[data-code="330100"]').getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  });
  await page.mouse.move(hz.x, hz.y);
  await page.waitForSelector('.pm-tip', { timeout: 5000 });
  const tip = await page.textContent('.pm-tip');
  assert.match(tip, /杭州市/);
  assert.match(tip, /试点单位/);
  assert.match(tip, /第2批|第二批/);
  await shot(page, t, 'tooltip-1600x900.png');
  await page.close();
});

browserTest('clicking 北京 on the map opens it with its 4 pilot units', async (t) => {
  const page = await newPage({ width: 1600, height: 900 });
  await openMap(page);
  const box = await page.evaluate(() => {
    const r = document.querySelector('.leaflet-pm-outlines-pane path[data-code="110000"]').getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  });
  await page.mouse.click(box.x, box.y);
  await page.waitForFunction(() => document.querySelectorAll('#d-pilots button.unit').length > 0, null, { timeout: 10000 });
  const got = await page.evaluate(() => ({
    crumbs: document.querySelector('#crumbs').textContent,
    name: document.querySelector('#d-name').textContent,
    badge: !document.querySelector('#d-badge').hidden,
    pilots: [...document.querySelectorAll('#d-pilots .unit-name')].map((e) => e.textContent),
    uncovered: document.querySelectorAll('#d-uncovered button.unit').length,
    hash: location.hash,
  }));
  assert.equal(got.name, '北京市');
  assert.match(got.crumbs, /全国.*北京市/);
  assert.ok(got.badge, 'full-promotion badge');
  assert.deepEqual(got.pilots.sort(), ['东城区', '海淀区', '怀柔区', '西城区'].sort());
  assert.equal(got.uncovered, 12);
  assert.match(got.hash, /p=110000/);
  await page.mouse.move(1590, 890); // off the map: no tooltip in the picture
  await page.waitForTimeout(400); // let the zoom settle
  await shot(page, t, 'beijing-1600x900.png');

  // A pilot unit from the list: highlighted and zoomed to, in the URL.
  await page.click('#d-pilots button.unit[data-code="110108"]');
  await page.waitForFunction(() => location.hash.includes('u=110108'));
  assert.equal(await page.getAttribute('#d-pilots button.unit[data-code="110108"]', 'aria-pressed'), 'true');
  assert.match(await page.textContent('#crumbs'), /北京市.*海淀区/);
  // Breadcrumbs lead back to the nation.
  await page.click('#crumbs button.crumb >> nth=0');
  await page.waitForFunction(() => !document.querySelector('#dash').hidden);
  const back = await page.evaluate(() => ({ hash: location.hash, crumbs: document.querySelector('#crumbs').textContent }));
  assert.doesNotMatch(back.hash, /[#&]p=/, JSON.stringify(back));
  await page.close();
});

browserTest('searching 海东 selects 海东市', async (t) => {
  const page = await newPage({ width: 1600, height: 900 });
  await openMap(page);
  await page.fill('#q', '海东');
  await page.waitForSelector('#q-results li[role="option"]', { timeout: 10000 });
  const first = await page.textContent('#q-results li[role="option"] .hit-name');
  assert.equal(first, '海东市');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash.includes('u=630200'), null, { timeout: 10000 });
  await page.waitForSelector('#d-pilots button.unit.is-selected');
  const got = await page.evaluate(() => ({
    selected: document.querySelector('#d-pilots button.unit.is-selected .unit-name').textContent,
    crumbs: document.querySelector('#crumbs').textContent,
  }));
  assert.equal(got.selected, '海东市');
  assert.match(got.crumbs, /青海省.*海东市/);
  await page.waitForTimeout(400);
  await shot(page, t, 'search-haidong-1600x900.png');
  await page.close();
});

browserTest('the language switch changes the UI text; a shared link keeps it', async (t) => {
  const page = await newPage({ width: 1600, height: 900 });
  await openMap(page);
  const zh = await page.textContent('h1');
  await page.click('#lang');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  const en = await page.evaluate(() => ({ h1: document.querySelector('h1').textContent, overview: document.querySelector('#dash h2').textContent, hash: location.hash, lang: document.querySelector('#lang').textContent }));
  assert.notEqual(en.h1, zh);
  assert.match(en.h1, /pilot/i);
  assert.equal(en.overview, 'National overview');
  assert.equal(en.lang, '中文');
  assert.match(en.hash, /lang=en/);
  await shot(page, t, 'english-1600x900.png');
  // The link reopens the same state: province, language.
  await openMap(page, '#p=110000&lang=en');
  await page.waitForFunction(() => document.querySelectorAll('#d-pilots button.unit').length === 4);
  assert.equal(await page.textContent('#d-name'), 'Beijing');
  await page.close();
});

browserTest('layer toggles switch layers and stay in the URL', async () => {
  const page = await newPage({ width: 1600, height: 900 });
  await openMap(page);
  await page.uncheck('.pm-legend input[data-layer="pilots"]');
  await page.waitForFunction(() => location.hash.includes('off=pilots'));
  const hidden = await page.evaluate(() => [...document.querySelectorAll('.leaflet-pm-pilots-pane path')].every((p) => p.getAttribute('fill-opacity') === '0'));
  assert.ok(hidden, 'pilot units hidden');
  await page.uncheck('.pm-legend input[data-layer="labels"]');
  await page.waitForFunction(() => location.hash.includes('off=pilots,labels'));
  assert.equal(await page.locator('.pm-label').count(), 0);
  // Reloading the link keeps the toggles.
  await page.reload();
  await page.waitForSelector(READY, { state: 'attached' });
  assert.equal(await page.isChecked('.pm-legend input[data-layer="pilots"]'), false);
  assert.equal(await page.isChecked('.pm-legend input[data-layer="coverage"]'), true);
  assert.equal(await page.locator('.pm-label').count(), 0);
  await page.close();
});

browserTest('phone 375×667: the panel is a bottom sheet under the map', async (t) => {
  const page = await newPage({ width: 375, height: 667 });
  await openMap(page);
  const r = await page.evaluate(() => ({
    panel: document.querySelector('#panel').getBoundingClientRect().toJSON(),
    map: document.querySelector('#map').getBoundingClientRect().toJSON(),
    scrollW: document.documentElement.scrollWidth,
  }));
  assert.ok(Math.abs(r.panel.bottom - 667) < 2, `sheet at the bottom: ${JSON.stringify(r.panel)}`);
  assert.ok(r.panel.width >= 370, 'sheet spans the width');
  assert.ok(r.panel.top > 667 / 3, 'sheet leaves the map above it');
  assert.ok(r.map.bottom <= r.panel.top + 1, 'map above the sheet');
  assert.ok(r.map.height > 200, `map height ${r.map.height}`);
  assert.ok(r.scrollW <= 375, 'no horizontal scrolling');
  await shot(page, t, 'phone-375x667.png');
  await page.click('#sheet-toggle');
  await page.waitForFunction(() => document.querySelector('#panel').getBoundingClientRect().height > 667 * 0.6);
  await shot(page, t, 'phone-375x667-sheet-open.png');
  await page.close();
});

browserTest('large screen 3840×2160: type and lines scale up', async (t) => {
  const page = await newPage({ width: 3840, height: 2160 });
  await openMap(page);
  const px = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
  assert.ok(px >= 28, `root font ${px}px`);
  await shot(page, t, 'large-3840x2160.png');
  await page.close();
});

browserTest('keyboard: controls are reachable and show focus', async () => {
  const page = await newPage({ width: 1600, height: 900 });
  await openMap(page);
  const seen = new Set();
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => {
      const e = document.activeElement;
      const cs = getComputedStyle(e);
      // HTML controls show an outline; the provinces (SVG paths) a blue stroke.
      if (e instanceof SVGElement) return { id: 'province ' + e.getAttribute('data-code'), outline: cs.stroke === 'rgb(26, 95, 208)' && parseFloat(cs.strokeWidth) >= 2 };
      return { id: e.id || e.className || e.tagName, outline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2 };
    });
    seen.add(f.id);
    assert.ok(f.outline, `visible focus on ${f.id}`);
  }
  assert.ok(seen.has('q') && seen.has('lang'), `search and language reachable: ${[...seen].join(', ')}`);
  await page.close();
});

browserTest('no console errors, no request left localhost, none refused by the server', () => {
  assert.deepEqual(env.consoleErrors, []);
  assert.deepEqual(env.offsite, []);
  assert.deepEqual(env.failed, []);
});
