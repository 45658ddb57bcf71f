// pilotmap's web map: wiring. Loads the API documents, draws the map, keeps
// the URL hash in step with what is shown, and sets the ready signal
// (body[data-map-ready]) once the national view is drawn.
import { api } from './api.js';
import { CoverageMap } from './map.js';
import { Panel, applyI18n } from './panel.js';
import { SearchBox } from './search.js';
import { parseHash, formatHash, provinceOf } from './state.js';
import { t, HTML_LANG, provinceName } from './i18n.js';

const body = document.body;
const $ = (id) => document.getElementById(id);

/** uiScale follows the root font size (CSS clamp): 1 at 16px, 2 at 32px. */
function uiScale() {
  const px = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
  return Math.min(2.5, Math.max(0.875, px / 16));
}

let state = parseHash(location.hash);
const details = new Map(); // province code → /api/v1/provinces/{code}
let nationalView = null;
let provincesList = [];

const panel = new Panel({
  nation: () => selectNation(),
  province: (code) => selectProvince(code),
  unit: (code) => selectUnit(code),
});

const cmap = new CoverageMap($('map'), {
  lang: state.lang,
  scale: uiScale(),
  onFeature: (f) => {
    if (f.kind === 'province') {
      if (state.province !== f.code || state.unit) selectProvince(f.code);
      return;
    }
    if (state.province !== f.province_code) selectProvince(f.province_code);
    else selectUnit(f.code);
  },
  onView: () => writeHash(),
  fetchLayer: (name, zoom, bbox) => api.layer(name, zoom, bbox),
  onAttribution: (text) => {
    $('sources').textContent = text;
  },
  onToggle: (layer, on) => {
    if (on) state.off.delete(layer);
    else state.off.add(layer);
    cmap.setOff(state.off);
    writeHash();
  },
});
nationalView = cmap.view();

const search = new SearchBox($('q'), $('q-results'), {
  lang: state.lang,
  onPick: (hit) => {
    if (hit.level === 'province') return selectProvince(hit.code);
    const code = cmap.featureBounds(hit.code) ? hit.code : hit.comparable_code || hit.code;
    selectUnit(code);
  },
  provinceNameOf: (code) => {
    const p = provincesList.find((x) => x.code === code);
    return p ? provinceName(state.lang, p.code, p.name) : '';
  },
});

function sameView(a, b) {
  return a && b && Math.abs(a.zoom - b.zoom) < 0.01 && Math.abs(a.lat - b.lat) < 1e-3 && Math.abs(a.lon - b.lon) < 1e-3;
}

/** writeHash records the state in the URL without adding history entries. */
function writeHash() {
  const v = cmap.view();
  state.view = !state.province && sameView(v, nationalView) ? null : v;
  const h = formatHash(state);
  if (h !== location.hash && !(h === '' && location.hash === '')) {
    history.replaceState(null, '', h || location.pathname + location.search);
  }
}

function applyLang(lang) {
  state.lang = lang;
  document.documentElement.lang = HTML_LANG[lang];
  document.title = t(lang, 'title');
  applyI18n(document, lang);
  $('lang').textContent = t(lang, 'langSwitch');
  $('lang').setAttribute('aria-label', t(lang, 'langSwitchLabel'));
  const cfg = cmap.config;
  $('subtitle').textContent = cfg?.notice?.doc_number ? t(lang, 'subtitle', { doc: cfg.notice.doc_number }) : '\u00a0';
  panel.setLang(lang);
  cmap.setLang(lang);
  search.setLang(lang);
  syncSheetButton();
}

async function loadDetail(code) {
  if (details.has(code)) return details.get(code);
  try {
    const d = await api.province(code);
    details.set(code, d);
    return d;
  } catch (err) {
    showError(err);
    return null;
  }
}

function selectNation() {
  state.province = null;
  state.unit = null;
  cmap.select(null, null, { fit: false });
  cmap.fitNational();
  panel.show(null, null, null);
  writeHash();
}

async function selectProvince(code, { fit = true } = {}) {
  state.province = code;
  state.unit = null;
  cmap.select(code, null, { fit });
  panel.show(code, null, details.get(code));
  openSheet();
  const d = await loadDetail(code);
  if (state.province === code) panel.show(code, state.unit, d);
  writeHash();
}

async function selectUnit(code, { fit = true } = {}) {
  const province = provinceOf(code);
  state.province = province;
  state.unit = code;
  cmap.select(province, code, { fit });
  panel.show(province, code, details.get(province));
  openSheet();
  const d = await loadDetail(province);
  if (state.unit === code) panel.show(province, code, d);
  writeHash();
}

function showError(err) {
  const box = $('error');
  box.textContent = t(state.lang, 'loadError', { msg: err.message || String(err) });
  box.hidden = false;
  body.dataset.mapError = 'true';
}

// The bottom sheet (phones): collapsed or expanded.
function syncSheetButton() {
  const expanded = $('panel').classList.contains('is-expanded');
  const b = $('sheet-toggle');
  b.setAttribute('aria-expanded', String(expanded));
  b.setAttribute('aria-label', t(state.lang, expanded ? 'sheetCollapse' : 'sheetExpand'));
}
function openSheet() {
  // On a phone a selection scrolls the sheet back to its top.
  $('panel-body').scrollTop = 0;
}
$('sheet-toggle').addEventListener('click', () => {
  $('panel').classList.toggle('is-expanded');
  syncSheetButton();
});

$('lang').addEventListener('click', () => {
  applyLang(state.lang === 'zh' ? 'en' : 'zh');
  writeHash();
});

window.addEventListener('hashchange', () => {
  const next = parseHash(location.hash);
  if (next.lang !== state.lang) applyLang(next.lang);
  state.off = next.off;
  cmap.setOff(state.off);
  if (next.unit && next.unit !== state.unit) selectUnit(next.unit, { fit: !next.view });
  else if (next.province && next.province !== state.province) selectProvince(next.province, { fit: !next.view });
  else if (!next.province && state.province) selectNation();
  if (next.view) cmap.setView(next.view);
});

let resizeTimer = 0;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    const s = uiScale();
    if (Math.abs(s - cmap.scale) > 0.05) {
      cmap.scale = s;
      cmap.restyle();
    }
    cmap.invalidate();
  }, 100);
});

/** layerZoom picks the zoom to fetch geometry for (a pixel's error at most). */
function layerZoom(z) {
  return Math.max(3, Math.min(8, Math.round(z)));
}

async function main() {
  applyLang(state.lang);
  cmap.setOff(state.off);
  if (state.view) cmap.setView(state.view);
  const z = layerZoom(cmap.map.getZoom());
  const [config, stats, provinceStats, regions, provinces, provincesFC, unitsFC, pilotsFC, nanhaiFC] = await Promise.all([
    api.config(),
    api.stats(),
    api.provinceStats(),
    api.regions(),
    api.provinces(),
    api.layer('provinces', z),
    api.layer('units', z),
    api.layer('pilots', z),
    api.layer('nanhai', Math.min(z + 1, 8)),
  ]);
  provincesList = provinces;
  cmap.setConfig(config);
  cmap.dataZoom = z;
  cmap.setData({ provinces, provincesFC, unitsFC, pilotsFC, nanhaiFC });
  panel.setData({ stats, provinceStats, regions, provinces });
  applyLang(state.lang);
  if (state.unit) selectUnit(state.unit, { fit: !state.view });
  else if (state.province) selectProvince(state.province, { fit: !state.view });
  if (state.view) cmap.setView(state.view);
  // Ready once the browser has painted the drawn layers.
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      const r = cmap.rendered();
      body.dataset.renderedUnits = String(r.units);
      body.dataset.renderedPilots = String(r.pilots);
      body.dataset.mapReady = 'true';
      performance.mark('pilotmap:ready');
    }),
  );
}

main().catch((err) => {
  console.warn('pilotmap:', err);
  showError(err);
});
