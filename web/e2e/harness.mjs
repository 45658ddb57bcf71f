// Shared set-up of the browser tests: real headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core) against the real server,
// bin/pilotmap serve on a free loopback port with a fresh database.
//
//   make test-browser            (builds bin/pilotmap and web/dist first)
//   PILOTMAP_URL=http://127.0.0.1:8090 node --test web/e2e/browser.test.mjs   (a running server)
//   PILOTMAP_REQUIRE_BROWSER=1 make test-browser   (CI: no Chromium is a failure, not a skip)
//
// Each test file calls setup() once; it starts the server and the browser
// before its tests and stops them after. Screenshots and exported files go
// to test-artifacts/ at the repository root. Without Chromium the tests
// skip, saying why (with PILOTMAP_REQUIRE_BROWSER=1, as in CI, they fail
// instead); anything else that keeps the map from loading fails.
import { test, before, after } from 'node:test';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '..', '..');
export const ARTIFACTS = path.join(repo, 'test-artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const READY = 'body[data-map-ready="true"]';
export const GAPS_READY = 'body[data-gaps-ready="true"]';
const LOCAL = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

// Why the browser tests cannot run here, if they cannot.
const unavailable = fs.existsSync(CHROMIUM) ? '' : `no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium) to run the browser tests`;
// PILOTMAP_REQUIRE_BROWSER=1 (CI) turns that skip into a failure.
const required = process.env.PILOTMAP_REQUIRE_BROWSER === '1';

/**
 * browserTest declares a test that skips with the reason when Chromium is
 * missing, or fails when PILOTMAP_REQUIRE_BROWSER=1.
 */
export function browserTest(name, fn) {
  test(name, async (t) => {
    if (unavailable) {
      if (required) throw new Error(`${unavailable} (PILOTMAP_REQUIRE_BROWSER=1: the browser tests must run)`);
      t.skip(unavailable);
      return;
    }
    await fn(t);
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitHTTP(url, ms, proc) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    if (proc && proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) return res;
      last = new Error(`${url}: ${res.status}`);
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw last || new Error(`timeout waiting for ${url}`);
}

/**
 * setup registers the file's before and after hooks and returns the
 * environment (serveArgs and serveEnv are added to the server's command
 * line and environment): {base, context, consoleErrors, offsite} (filled in before
 * the first test), and helpers bound to it.
 */
export function setup({ serveArgs = [], serveEnv = {} } = {}) {
  // failed: the server's 4xx and 5xx answers to the pages ("400 /api/v1/…?x=1").
  const env = { base: '', context: null, consoleErrors: [], offsite: [], failed: [], server: null, tmp: '' };

  async function startServer() {
    if (process.env.PILOTMAP_URL) return process.env.PILOTMAP_URL.replace(/\/$/, '');
    const bin = process.env.PILOTMAP_BIN || path.join(repo, 'bin', 'pilotmap');
    if (!fs.existsSync(bin)) throw new Error(`${bin} not found: run make build (or make test-browser)`);
    const port = await freePort();
    const db = path.join(env.tmp, 'pm.db');
    let log = '';
    env.server = spawn(bin, ['serve', '--addr', `127.0.0.1:${port}`, '--db', db, ...serveArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PILOTMAP_TILES_URL: '', ...serveEnv },
    });
    env.server.stdout.on('data', (d) => (log += d));
    env.server.stderr.on('data', (d) => (log += d));
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitHTTP(url + '/healthz', 30000, env.server);
    } catch (err) {
      throw new Error(`server did not start: ${err.message}\n${log}`);
    }
    const ready = await fetch(url + '/readyz').catch(() => null);
    if (ready && ready.status === 503) await waitHTTP(url + '/readyz', 60000, env.server);
    return url;
  }

  before(async () => {
    if (unavailable) return;
    env.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pilotmap-e2e-'));
    env.base = await startServer();
    const cfg = await fetch(env.base + '/api/v1/config');
    if (!cfg.ok) throw new Error(`${env.base}/api/v1/config: ${cfg.status}`);
    const { chromium } = await import('playwright-core');
    env.context = await chromium.launchPersistentContext(path.join(env.tmp, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1600, height: 900 },
      locale: 'zh-CN',
      acceptDownloads: true,
    });
    await env.context.route('**/*', (route) => {
      const u = new URL(route.request().url());
      if (u.protocol === 'data:' || u.protocol === 'blob:' || LOCAL.has(u.hostname)) return route.continue();
      env.offsite.push(u.href);
      return route.abort();
    });
    env.context.on('request', (r) => {
      const u = new URL(r.url());
      if (!(u.protocol === 'data:' || u.protocol === 'blob:' || LOCAL.has(u.hostname))) env.offsite.push(u.href);
    });
    env.context.on('response', (r) => {
      const u = new URL(r.url());
      if (r.status() >= 400 && u.origin === env.base) env.failed.push(`${r.status()} ${u.pathname}${u.search}`);
    });
  });

  after(async () => {
    await env.context?.close();
    if (env.server && env.server.exitCode === null) {
      env.server.kill('SIGTERM');
      await new Promise((r) => env.server.once('exit', r));
    }
    if (env.tmp) fs.rmSync(env.tmp, { recursive: true, force: true });
  });

  /** newPage opens a page of the given size that records console errors. */
  env.newPage = async (viewport) => {
    const page = await env.context.newPage();
    await page.setViewportSize(viewport);
    page.on('console', (m) => {
      if (m.type() === 'error') env.consoleErrors.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => env.consoleErrors.push(`${page.url()}: ${e.message}`));
    return page;
  };

  /** openMap loads the map at path (e.g. "?mode=present#p=110000") and waits for the ready signal. */
  env.openMap = async (page, where = '') => {
    await page.goto(env.base + '/' + where);
    await page.waitForSelector(READY, { state: 'attached', timeout: 20000 });
  };

  /** json fetches an API document from the server under test. */
  env.json = async (p) => {
    const res = await fetch(env.base + p);
    if (!res.ok) throw new Error(`${p}: ${res.status}`);
    return res.json();
  };

  return env;
}

/** artifact returns the path of a file in test-artifacts/ (creating the directory). */
export function artifact(name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}

/** shot saves a screenshot of the page (or of clip) in test-artifacts/ and reports its path. */
export async function shot(page, t, name, clip) {
  const file = artifact(name);
  await page.screenshot({ path: file, ...(clip ? { clip } : {}) });
  t.diagnostic(`screenshot: ${file}`);
  return file;
}
