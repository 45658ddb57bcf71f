// Bundles web/src into web/dist: index.html, app.js, app.css (with Leaflet's
// CSS) and the images that CSS refers to. dist/.keep stays (it lets
// `go build` embed an empty dist before the first build).
import * as esbuild from 'esbuild';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const src = path.join(here, 'src');
const dist = path.join(here, 'dist');

await fs.mkdir(dist, { recursive: true });
for (const name of await fs.readdir(dist)) {
  if (name !== '.keep') await fs.rm(path.join(dist, name), { recursive: true, force: true });
}

const result = await esbuild.build({
  entryPoints: { app: path.join(src, 'main.js'), 'app.css': path.join(src, 'app.css') },
  outdir: dist,
  entryNames: '[name]',
  assetNames: 'images/[name]',
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['chrome100', 'firefox100', 'safari15'],
  loader: { '.png': 'file', '.svg': 'file' },
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});
// esbuild names the CSS entry app.css.css; give it its plain name.
await fs.rename(path.join(dist, 'app.css.css'), path.join(dist, 'app.css'));
await fs.copyFile(path.join(src, 'index.html'), path.join(dist, 'index.html'));

for (const [file, info] of Object.entries(result.metafile.outputs)) {
  console.log(`${path.relative(here, file).replace('app.css.css', 'app.css').padEnd(28)} ${(info.bytes / 1024).toFixed(1)} KiB`);
}
