// Browser test of the admin page (/admin) in real headless Chromium against
// the real server with writes on (an admin token) over a fresh SQLite
// database: without signing in no write succeeds; then sign in, upload the
// 2013 notice as .docx (made here from the embedded text, with one unit
// that is no division added), resolve that row by searching the gazetteer,
// publish it as a third batch, see it on the map, revoke a unit, and read
// the audit log; markup in a name stays inert.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setup, browserTest, shot, repo, artifact } from './harness.mjs';

const TOKEN = 'e2e-admin-token-0123456789abcdef';
const PASSWORD = 'correct horse battery';
// The password's hash, made by the command a deployment uses.
const bin = process.env.PILOTMAP_BIN || path.join(repo, 'bin', 'pilotmap');
const HASH = fs.existsSync(bin) ? execFileSync(bin, ['admin', 'hash-password'], { input: PASSWORD + '\n' }).toString().trim() : '';
const env = setup({ serveEnv: { PILOTMAP_ADMIN_TOKEN: TOKEN, PILOTMAP_ADMIN_USER: 'office', PILOTMAP_ADMIN_PASSWORD_HASH: HASH } });
const PROGRAM = '创建幸福家庭活动';

/** makeDocx writes the 2013 notice with 云南省:滇中新区 added as a .docx. */
function makeDocx() {
  const text = fs
    .readFileSync(path.join(repo, 'geodata', 'notices', 'guoweijiating-2013-5.txt'), 'utf8')
    .replace(/(30\. 新疆维吾尔自治区:[^\n]*)/, '$1\n31. 云南省:滇中新区');
  assert.match(text, /31\. 云南省:滇中新区/);
  const docx = execFileSync('go', ['run', './internal/document/documenttest/mkdocx'], { cwd: repo, input: text, maxBuffer: 1 << 26 });
  const file = artifact('guoweijiating-2013-5-with-dianzhong.docx');
  fs.writeFileSync(file, docx);
  return file;
}

/** inPage runs a fetch in the page (its cookies, no CSRF token) and returns the status. */
const fetchStatus = (page, method, url, body, type) =>
  page.evaluate(
    async ([method, url, body, type]) => {
      const init = { method, credentials: 'same-origin', headers: {} };
      if (body !== null) {
        init.body = body;
        init.headers['Content-Type'] = type;
      }
      return (await fetch(url, init)).status;
    },
    [method, url, body, type],
  );

browserTest('admin: no write without signing in; sign in, upload .docx, resolve, publish batch 3, map, revoke, audit', async (t) => {
  const docx = makeDocx();
  const page = await env.newPage({ width: 1400, height: 1000 });
  const batchesBefore = await env.json('/api/v1/batches');
  const xss = '<img src=x onerror="window.__xss=1">';

  // Not signed in: the sign-in form; every write route refuses.
  await page.goto(env.base + '/admin');
  await page.waitForSelector('body[data-admin-ready="true"]');
  assert.equal(await page.getAttribute('body', 'data-signed-in'), 'false');
  assert.ok(await page.isVisible('#signin-form'));
  const writes = [
    ['POST', '/api/v1/admin/imports?dry_run=1', '北京市:东城区', 'text/plain'],
    ['POST', `/api/v1/admin/imports?program=${encodeURIComponent(PROGRAM)}&batch=3`, '北京市:东城区', 'text/plain'],
    ['POST', '/api/v1/admin/units/1/status', '{"status":"revoked","reason":"x","effective_date":"2016-01-01"}', 'application/json'],
    ['DELETE', '/api/v1/admin/session', null, null],
  ];
  for (const [m, u, b, ty] of writes) assert.equal(await fetchStatus(page, m, u, b, ty), 401, `${m} ${u} without signing in`);
  assert.equal(await fetchStatus(page, 'GET', '/api/v1/admin/audit', null, null), 401, 'audit without signing in');
  assert.match(HASH, /^\$2[aby]\$12\$/, 'pilotmap admin hash-password gives a bcrypt hash');

  // A failed sign-in with markup as the name; then the right one.
  await page.fill('#si-user', xss);
  await page.fill('#si-password', 'wrong password');
  await page.click('#signin-form button[type=submit]');
  await page.waitForSelector('body[data-message="error"]');
  await page.fill('#si-user', 'office');
  await page.fill('#si-password', PASSWORD);
  await page.click('#signin-form button[type=submit]');
  await page.waitForSelector('body[data-signed-in="true"]');

  // Signed in, a write without the CSRF token is still refused.
  assert.equal(await fetchStatus(page, 'POST', '/api/v1/admin/units/1/status', writes[2][2], 'application/json'), 403, 'write without CSRF token');

  // Upload the .docx and read it.
  await page.setInputFiles('#im-file', docx);
  await page.click('#im-read');
  await page.waitForSelector('#review:not([hidden])');
  const table = await page.evaluate(() => ({
    unmatched: [...document.querySelectorAll('#im-table tr.row-unmatched')].map((r) => r.dataset.written),
    unreadable: document.querySelectorAll('#im-table tr.row-unreadable').length,
    matched: document.querySelectorAll('#im-table tr.row-matched').length,
    program: document.getElementById('im-program').value,
    batch: document.getElementById('im-batch').value,
    existing: !document.getElementById('im-existing').hidden,
    publishDisabled: document.getElementById('im-publish').disabled,
    designations: document.querySelectorAll('#im-designations input:checked').length,
  }));
  assert.deepEqual(table.unmatched, ['滇中新区'], 'the unit that is no division is highlighted');
  assert.equal(table.unreadable, 0);
  assert.equal(table.matched, 108);
  assert.equal(table.program, PROGRAM);
  assert.equal(table.batch, '2', 'the batch the notice names');
  assert.ok(table.existing, 'batch 2 is said to hold a notice already');
  assert.ok(table.publishDisabled, 'publish waits for every row');
  assert.equal(table.designations, 12);

  // A full-promotion province the notice does not name can be added (云南), and one unticked (甘肃).
  await page.selectOption('#im-add-province', '530000');
  await page.click('#im-add-designation');
  await page.uncheck('#im-designations input[data-code="620000"]');
  assert.equal(await page.locator('#im-designations input:checked').count(), 12);

  // Resolve the row by searching the gazetteer: 昆明市.
  const row = page.locator('#im-table tr.row-unmatched');
  await row.locator('input.ad-search').fill('昆明');
  await row.locator('button', { hasText: '搜索' }).click();
  await row.locator('.ad-hits button', { hasText: '530100' }).click();
  assert.match(await row.locator('.ad-chosen').textContent(), /530100 昆明市/);
  assert.ok(!(await page.isDisabled('#im-publish')), 'publish enabled once every row is decided');
  await page.fill('#im-batch', '3');
  assert.ok(await page.isHidden('#im-existing'));
  await page.waitForFunction(() => Number(document.getElementById('im-map').dataset.marked) > 50);
  await shot(page, t, 'admin-review.png');

  await page.click('#im-publish');
  await page.waitForSelector('body[data-published="3"]');
  const batches = await env.json('/api/v1/batches');
  assert.equal(batches.length, batchesBefore.length + 1);
  const b3 = batches.find((b) => b.number === 3 && b.program === PROGRAM);
  assert.ok(b3, 'batch 3 stored');
  assert.equal(b3.units, 109);
  // The program's designations keep their first import (batch 2's 12); 云南 is added by batch 3.
  const yunnan = await env.json('/api/v1/provinces/530000');
  assert.equal(yunnan.pilot_province, true, '云南 designated by the reviewer');

  // On the map: 云南 is no longer empty, and 109 pilot units are drawn.
  const map = await env.newPage({ width: 1600, height: 900 });
  await env.openMap(map);
  const drawn = await map.evaluate(() => ({
    pilots: Number(document.body.dataset.renderedPilots),
    hatched: [...document.querySelectorAll('.leaflet-pm-provinces-pane path[fill="url(#pm-hatch-zero)"]')].map((e) => e.getAttribute('data-code')),
  }));
  assert.deepEqual(drawn.hatched, [], '云南 has a pilot now');
  assert.equal(drawn.pilots, 109);
  // Two batches: the map offers them; batch 2 alone is the map before, batch 3
  // names what it adds, and the URL keeps the choice.
  await map.waitForSelector('#batch-picker');
  await map.check('#batch-picker input[data-batch="2"]');
  await map.waitForURL(/[?&]batch=2(&|#|$)/);
  await map.waitForSelector('body[data-map-ready="true"]');
  const two = await map.evaluate(() => ({
    pilots: Number(document.body.dataset.renderedPilots),
    hatched: [...document.querySelectorAll('.leaflet-pm-provinces-pane path[fill="url(#pm-hatch-zero)"]')].map((e) => e.getAttribute('data-code')),
    units: document.getElementById('s-units').textContent,
  }));
  assert.deepEqual(two, { pilots: 108, hatched: ['530000'], units: '108' }, 'batch 2 alone');
  await env.openMap(map, `?program=${encodeURIComponent(PROGRAM)}&batch=3`);
  await map.waitForSelector('#batch-new[data-new]');
  assert.equal(await map.getAttribute('#batch-new', 'data-new'), '1');
  assert.match(await map.textContent('#batch-new'), /昆明市/);
  assert.ok(await map.isChecked('#batch-picker input[data-batch="3"]'));
  await shot(map, t, 'map-batch-3.png');
  await map.close();

  // Revoke 延边州 of batch 3 with a reason and an effective date; its history shows.
  await page.fill('#un-q', '延边');
  await page.click('#un-search');
  await page.locator('#un-list button').first().click();
  const pilot = page.locator(`#un-panel .ad-pilot`, { hasText: '第3批' });
  await pilot.locator('.ad-reason').fill('考核不合格 <b>取消</b>');
  await pilot.locator('.ad-date').fill('2016-05-01');
  await pilot.locator('.ad-act').click();
  await page.locator('#un-panel .ad-pilot', { hasText: '第3批' }).locator('.ad-status-revoked').waitFor();
  const hist = await page.locator('#un-panel .ad-pilot', { hasText: '第3批' }).locator('.ad-history li').allTextContents();
  assert.equal(hist.length, 2, 'listed, then revoked');
  assert.match(hist[1], /2016-05-01 revoked — 考核不合格 <b>取消<\/b> \(office\)/);
  const unit = await env.json('/api/v1/units/222400');
  assert.ok(unit.pilots.some((p) => p.batch === 3 && p.status === 'revoked'));

  // The audit log: one entry per write, markup shown as text, CSV export.
  await page.click('#au-refresh');
  await page.waitForFunction(() => document.querySelectorAll('#au-table tbody tr').length >= 4);
  const audit = await page.evaluate(() => ({
    actions: [...document.querySelectorAll('#au-table tbody tr')].map((r) => r.dataset.action),
    failedActor: document.querySelector('#au-table tr[data-action="sign_in_failed"] td:nth-child(3)')?.textContent,
    injected: document.querySelectorAll('#au-table img, #un-panel b, #im-table img').length,
    xss: window.__xss,
  }));
  assert.deepEqual(audit.actions, ['unit_status', 'publish', 'sign_in', 'sign_in_failed']);
  assert.equal(audit.failedActor, xss, 'the name tried is shown as written');
  assert.equal(audit.injected, 0, 'no markup from data became elements');
  assert.equal(audit.xss, undefined, 'no script ran');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#au-csv')]);
  const csv = fs.readFileSync(await download.path(), 'utf8');
  assert.match(csv, /^\ufeffid,at,actor,client,action,target,detail,before,after/);
  assert.equal(csv.trim().split('\n').length, 5, 'header and 4 entries');
  await shot(page, t, 'admin-audit.png');

  // Signed out, writes are refused again.
  await page.click('#signout');
  await page.waitForSelector('body[data-signed-in="false"]');
  assert.equal(await fetchStatus(page, 'POST', '/api/v1/admin/units/1/status', writes[2][2], 'application/json'), 401, 'after signing out');
  assert.deepEqual(env.consoleErrors.filter((e) => !/status of 40[13]/.test(e)), [], 'no console errors');
  await page.close();
});
