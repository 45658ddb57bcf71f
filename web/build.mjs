// Bundles web/src into web/dist: index.html, app.js, app.css (with Leaflet's
// CSS), the admin page admin.html, admin.js, admin.css, and the images that
// CSS refers to. dist/.keep stays (it lets
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
  entryPoints: {
    app: path.join(src, 'main.js'),
    'app.css': path.join(src, 'app.css'),
    // the admin page (/admin): its own script and style
    admin: path.join(src, 'admin.js'),
    'admin.css': path.join(src, 'admin.css'),
  },
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
// esbuild names the CSS entries app.css.css; give them their plain names.
for (const name of ['app', 'admin']) {
  await fs.rename(path.join(dist, `${name}.css.css`), path.join(dist, `${name}.css`));
  await fs.copyFile(path.join(src, name === 'app' ? 'index.html' : 'admin.html'), path.join(dist, `${name === 'app' ? 'index' : 'admin'}.html`));
}

for (const [file, info] of Object.entries(result.metafile.outputs)) {
  console.log(`${path.relative(here, file).replace('.css.css', '.css').padEnd(28)} ${(info.bytes / 1024).toFixed(1)} KiB`);
}
