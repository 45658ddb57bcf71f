// Measures the web map's first national view in headless Chromium:
// bytes transferred (HTML, JS, CSS, data; as sent, gzip where negotiated)
// and the time from navigation to body[data-map-ready], median of 5 loads,
// each in a fresh browser profile (empty cache). Budgets: 400 KB, 1.5 s.
// Then, on the same page, switching to gaps mode: the bytes it fetches (the
// gap report and the gaps layer, never part of the first view) and the time
// from the click to body[data-gaps-ready].
//
//   bash bench/web.sh                      (starts bin/pilotmap itself)
//   PILOTMAP_URL=http://127.0.0.1:8080 bash bench/web.sh
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const require = createRequire(path.join(repo, 'web', 'package.json'));
const { chromium } = require('playwright-core');

const RUNS = Number(process.env.RUNS || 5);
const VIEWPORT = { width: 1600, height: 900 };
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const BUDGET_BYTES = 400 * 1024;
const BUDGET_MS = 1500;
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

if (!fs.existsSync(CHROMIUM)) {
  console.error(`bench/web: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  process.exit(2);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pilotmap-bench-'));
let server;

async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startServer() {
  if (process.env.PILOTMAP_URL) return process.env.PILOTMAP_URL.replace(/\/$/, '');
  const port = await freePort();
  server = spawn(path.join(repo, 'bin', 'pilotmap'), ['serve', '--addr', `127.0.0.1:${port}`, '--db', path.join(tmp, 'pm.db')], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url + '/healthz')).ok) return url;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not start');
}

async function load(url, i) {
  const context = await chromium.launchPersistentContext(path.join(tmp, 'profile-' + i), { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: VIEWPORT });
  const page = context.pages()[0] || (await context.newPage());
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const types = new Map();
  const bytes = new Map();
  cdp.on('Network.responseReceived', (e) => types.set(e.requestId, { type: e.type, url: e.response.url, encoding: e.response.headers['content-encoding'] || e.response.headers['Content-Encoding'] || '' }));
  cdp.on('Network.loadingFinished', (e) => bytes.set(e.requestId, e.encodedDataLength));
  await page.goto(url + '/');
  await page.waitForSelector('body[data-map-ready="true"]', { state: 'attached', timeout: 30000 });
  // main.js marks the moment it sets data-map-ready; time 0 is navigation start.
  const ms = await page.evaluate(() => performance.getEntriesByName('pilotmap:ready')[0]?.startTime);
  await page.waitForTimeout(100);
  const rows = [...bytes].map(([id, n]) => ({ n, ...(types.get(id) || { url: '?', type: '?' }) }));
  // Gaps mode, on demand.
  const before = new Set(bytes.keys());
  const t0 = await page.evaluate(() => performance.now());
  await page.click('#mode-gaps');
  await page.waitForSelector('body[data-gaps-ready="true"]', { state: 'attached', timeout: 30000 });
  const gapsMs = (await page.evaluate(() => performance.now())) - t0;
  await page.waitForTimeout(100);
  const gapsRows = [...bytes].filter(([id]) => !before.has(id)).map(([id, n]) => ({ n, ...(types.get(id) || { url: '?', type: '?' }) }));
  await context.close();
  return { ms, rows, gapsMs, gapsRows };
}

try {
  const url = await startServer();
  await load(url, 'warm'); // the server's first answers fill its caches
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await load(url, i));
  const times = runs.map((r) => r.ms).sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const rows = runs[0].rows;
  const total = rows.reduce((s, r) => s + r.n, 0);
  console.log(`first national view, ${VIEWPORT.width}×${VIEWPORT.height}, ${url}`);
  for (const r of rows.sort((a, b) => b.n - a.n)) console.log(`  ${(r.n / 1024).toFixed(1).padStart(7)} KB  ${r.encoding.padEnd(5)} ${r.url.replace(url, '')}`);
  console.log(`bytes transferred: ${(total / 1024).toFixed(1)} KB (budget ${BUDGET_BYTES / 1024} KB) ${total <= BUDGET_BYTES ? 'OK' : 'OVER'}`);
  console.log(`navigation → data-map-ready: median ${median.toFixed(0)} ms of ${RUNS} [${times.map((t) => t.toFixed(0)).join(', ')}] (budget ${BUDGET_MS} ms) ${median <= BUDGET_MS ? 'OK' : 'OVER'}`);
  const early = rows.filter((r) => /gaps/.test(r.url));
  console.log(`gaps data in the first view: ${early.length ? early.map((r) => r.url).join(', ') + ' UNEXPECTED' : 'none (loaded on demand)'}`);
  console.log('switching to gaps mode:');
  for (const r of runs[0].gapsRows.sort((a, b) => b.n - a.n)) console.log(`  ${(r.n / 1024).toFixed(1).padStart(7)} KB  ${r.encoding.padEnd(5)} ${r.url.replace(url, '')}`);
  const gapsTotal = runs[0].gapsRows.reduce((s, r) => s + r.n, 0);
  const gapsTimes = runs.map((r) => r.gapsMs).sort((a, b) => a - b);
  console.log(`gaps mode: ${(gapsTotal / 1024).toFixed(1)} KB; click → data-gaps-ready median ${gapsTimes[Math.floor(gapsTimes.length / 2)].toFixed(0)} ms [${gapsTimes.map((t) => t.toFixed(0)).join(', ')}]`);
  process.exitCode = total <= BUDGET_BYTES && median <= BUDGET_MS && !early.length ? 0 : 1;
} finally {
  server?.kill('SIGTERM');
  fs.rmSync(tmp, { recursive: true, force: true });
}
