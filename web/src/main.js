// pilotmap's web map: wiring. Loads the API documents, draws the map, keeps
// the URL in step with what is shown, and sets the ready signal
// (body[data-map-ready]) once the national view is drawn. Gaps mode loads
// its data (/api/v1/gaps, the gaps layer) the first time it is switched on
// and then sets body[data-gaps-ready]; presentation mode (?mode=present)
// turns the map into a fixed-size frame (present.js).
import { api } from './api.js';
import { CoverageMap } from './map.js';
import { Panel, applyI18n } from './panel.js';
import { SearchBox } from './search.js';
import { parseHash, formatHash, provinceOf, parseSearch, formatSearch } from './state.js';
import { t, HTML_LANG, provinceName, PROVINCE_EN } from './i18n.js';
import { indexGaps } from './gaps.js';
import { pngName, screenOf } from './layout.js';
import { PresentFrame, renderPNG, download } from './present.js';
import { initSelection, mountPicker } from './batchpicker.js';
import { selectionQuery } from './selection.js';

const body = document.body;
const $ = (id) => document.getElementById(id);

/** uiScale follows the root font size (CSS clamp): 1 at 16px, 2 at 32px. */
function uiScale() {
  const px = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
  return Math.min(2.5, Math.max(0.875, px / 16));
}

// 大屏: the wall layout (auto from 2560 px, or ?screen=wall; ?theme=dark).
// Set before the map is made, so its scale and labels follow the layout.
function applyScreen() {
  const sc = screenOf(location.search, window.innerWidth);
  for (const w of sc.warnings) console.warn('pilotmap: ignored', w);
  document.documentElement.classList.toggle('pm-wall', sc.wall);
  document.documentElement.classList.toggle('pm-dark', sc.dark);
  body.dataset.screen = sc.wall ? 'wall' : 'desk';
  return sc;
}
applyScreen();

let state = parseHash(location.hash);
let pres = parseSearch(location.search);
const details = new Map(); // province code → /api/v1/provinces/{code}
let nationalView = null;
let provincesList = [];
let stats = null;
let gapsIndex = null;
let gapsLoad = null;
let dataReady = false;
/** selected is initSelection's answer: {sel, batches} (batches an array when sel is set); no selection before main reads it. */
let selected = { sel: null, batches: [] };

const panel = new Panel({
  nation: () => selectNation(),
  province: (code) => selectProvince(code),
  unit: (code) => selectUnit(code),
  cluster: (c) => cmap.zoomToCluster(c),
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
  onCluster: (c) => cmap.zoomToCluster(c),
  fetchLayer: (name, zoom, bbox, opts) => api.layer(name, zoom, bbox, opts),
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
// A tap on the map's background closes a tooltip a tap opened (touch
// screens have no mouseout to do it).
cmap.map.on('click', () => cmap.map.eachLayer((l) => l.closeTooltip?.()));

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

/**
 * writeHash records the state in the URL without adding history entries.
 * Presentation mode fits its own view, so it records none.
 */
function writeHash() {
  const v = cmap.view();
  state.view = pres.present || (!state.province && sameView(v, nationalView)) ? null : v;
  const h = formatHash(state);
  if (h !== location.hash && !(h === '' && location.hash === '')) {
    history.replaceState(history.state, '', location.pathname + location.search + h);
  }
}

/** writeSearch records presentation mode in the URL's query. */
function writeSearch(push = false) {
  const url = location.pathname + formatSearch(pres, location.search) + location.hash;
  if (url === location.pathname + location.search + location.hash) return;
  if (push) history.pushState({ pm: 'present' }, '', url);
  else history.replaceState(history.state, '', url);
}

function applyLang(lang) {
  state.lang = lang;
  document.documentElement.lang = HTML_LANG[lang];
  applyI18n(document, lang);
  syncTitle();
  $('lang').textContent = t(lang, 'langSwitch');
  $('lang').setAttribute('aria-label', t(lang, 'langSwitchLabel'));
  const cfg = cmap.config;
  $('subtitle').textContent = cfg?.notice?.doc_number ? t(lang, 'subtitle', { doc: cfg.notice.doc_number }) : '\u00a0';
  panel.setLang(lang);
  cmap.setLang(lang);
  search.setLang(lang);
  presenter.setLang(lang);
  refreshPresent();
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
  refreshPresent();
  writeHash();
}

async function selectProvince(code, { fit = true } = {}) {
  state.province = code;
  state.unit = null;
  cmap.select(code, null, { fit });
  panel.show(code, null, details.get(code));
  refreshPresent();
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
  refreshPresent();
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
function setSheet(expanded) {
  $('panel').classList.toggle('is-expanded', expanded);
  syncSheetButton();
}
// A tap on the handle toggles the sheet; a swipe up or down on the handle
// or the breadcrumbs (30 px or more) opens or closes it.
let swipe = null;
let swiped = false;
for (const el of [$('sheet-toggle'), $('crumbs')]) {
  el.addEventListener('pointerdown', (e) => {
    swipe = { y: e.clientY, id: e.pointerId };
    swiped = false;
  });
  el.addEventListener('pointermove', (e) => {
    if (!swipe || e.pointerId !== swipe.id) return;
    const dy = e.clientY - swipe.y;
    if (Math.abs(dy) < 30) return;
    setSheet(dy < 0);
    swiped = true;
    swipe = null;
  });
  el.addEventListener('pointerup', () => (swipe = null));
  el.addEventListener('pointercancel', () => (swipe = null));
}
$('sheet-toggle').addEventListener('click', () => {
  if (swiped) {
    swiped = false;
    return;
  }
  setSheet(!$('panel').classList.contains('is-expanded'));
});

function toggleLang() {
  applyLang(state.lang === 'zh' ? 'en' : 'zh');
  writeHash();
}
$('lang').addEventListener('click', toggleLang);

// ---- Gaps mode ----

/** loadGaps fetches the gap report and the gaps layer once. */
function loadGaps() {
  if (!gapsLoad) {
    const z = cmap.dataZoom ?? 4;
    gapsLoad = Promise.all([api.gaps(), api.layer('gaps', z)])
      .then(([report, fc]) => {
        gapsIndex = indexGaps(report);
        cmap.setGapsData(gapsIndex, fc, z);
        panel.setGaps(state.gaps, gapsIndex);
        return gapsIndex;
      })
      .catch((err) => {
        gapsLoad = null;
        throw err;
      });
  }
  return gapsLoad;
}

/** syncTitle names the page after the thematic view. */
function syncTitle() {
  const title = t(state.lang, state.gaps ? 'titleGaps' : 'title');
  document.title = title;
  document.querySelector('.brand h1').textContent = title;
}

function syncModeButtons() {
  $('mode-coverage').setAttribute('aria-pressed', String(!state.gaps));
  $('mode-gaps').setAttribute('aria-pressed', String(state.gaps));
  body.dataset.view = state.gaps ? 'gaps' : 'coverage';
  syncTitle();
}

/** setGaps switches gaps mode; the map changes once its data is there. */
async function setGaps(on) {
  state.gaps = !!on;
  syncModeButtons();
  panel.setGaps(state.gaps);
  writeHash();
  if (!state.gaps) {
    delete body.dataset.gapsReady;
    cmap.setGapsMode(false);
    refreshPresent();
    return;
  }
  if (!dataReady) return; // main() comes back here once the map is drawn
  try {
    await loadGaps();
  } catch (err) {
    showError(err);
    return;
  }
  if (!state.gaps) return;
  cmap.setGapsMode(true);
  refreshPresent();
  requestAnimationFrame(() => {
    body.dataset.gapsReady = 'true';
  });
}
$('mode-coverage').addEventListener('click', () => setGaps(false));
$('mode-gaps').addEventListener('click', () => setGaps(true));

// ---- Presentation mode ----

const presenter = new PresentFrame({
  exit: () => setPresent(false),
  layout: (name) => {
    pres.layout = name;
    writeSearch();
    applyPresent();
  },
  mode: (on) => setGaps(on),
  lang: () => toggleLang(),
  export: () => exportPNG(),
  nation: () => selectNation(),
  text: (which, value) => {
    // Empty: the server's default, so nothing in the URL or the request.
    pres[which] = value || null;
    writeSearch();
    refreshPresent();
  },
});

/** presentTexts are the presentation's default title and subtitle (the server's) and its approval line. */
function presentTexts() {
  const lang = state.lang;
  const cfg = cmap.config || {};
  const info = state.province ? provincesList.find((p) => p.code === state.province) : null;
  const pname = info ? provinceName(lang, info.code, info.name) : '';
  const sub = presentSubtitle(lang, cfg.notice?.doc_number);
  const defaults = {
    title: t(lang, state.gaps ? 'titleGaps' : 'title'),
    subtitle: pname ? (sub ? t(lang, 'subtitleProvince', { name: pname, sub }) : pname) : sub,
  };
  return { defaults, approval: String(cfg.approval_number || '').trim() };
}

/**
 * presentSubtitle is map.svg's default subtitle: with batches selected (in
 * the coverage view) the batches and their notices (第3批 · 依据 …),
 * else the notice doc.
 */
function presentSubtitle(lang, doc) {
  const sel = selected.sel;
  if (state.gaps || !sel?.batches.length) return doc ? t(lang, 'subtitle', { doc }) : '';
  const mine = selected.batches.filter((b) => b.program === sel.program && sel.batches.includes(b.number));
  const docs = [...new Set(mine.map((b) => String(b.doc_number || '').trim()).filter(Boolean))];
  const n = sel.batches.join(lang === 'en' ? ', ' : '、');
  const batch = t(lang, sel.batches.length > 1 ? 'presentBatches' : 'presentBatch', { n });
  return docs.length ? `${batch} · ${t(lang, 'subtitle', { doc: docs.join(lang === 'en' ? ', ' : '、') })}` : batch;
}

/** presentOptions are the map.svg options of what the presentation shows: the web map's selection of batches too. */
function presentOptions() {
  return {
    view: state.gaps ? 'gaps' : 'coverage',
    province: state.province,
    layout: pres.layout,
    lang: state.lang,
    title: pres.title,
    subtitle: pres.subtitle,
    selection: selectionQuery(selected.sel),
  };
}

/** refreshPresent redraws the frame (the server's SVG) after a change of view, place, texts or language. */
function refreshPresent() {
  if (!pres.present) return;
  const tx = presentTexts();
  presenter.sync({ gaps: state.gaps, approval: tx.approval, province: state.province, title: pres.title, subtitle: pres.subtitle, defaults: tx.defaults });
  presenter.draw(presentOptions());
}

/** applyPresent puts the page in or out of presentation mode as pres says. */
function applyPresent() {
  if (pres.present) {
    presenter.show(pres.layout);
    refreshPresent();
  } else {
    presenter.hide();
    // The map was hidden, not resized; refit it to what the hash says.
    cmap.invalidate();
    if (dataReady) {
      if (state.province) cmap.select(state.province, state.unit, { fit: true });
      else cmap.fitNational(false);
    }
  }
  body.dataset.present = pres.present ? pres.layout : '';
}

function setPresent(on) {
  if (on === pres.present) return;
  pres = { ...pres, present: on };
  writeSearch(on);
  applyPresent();
  writeHash();
}
$('present').addEventListener('click', () => setPresent(true));

window.addEventListener('popstate', () => {
  const next = parseSearch(location.search);
  if (next.present !== pres.present || next.layout !== pres.layout) {
    pres = next;
    applyPresent();
  }
});

window.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && pres.present && !e.target.isContentEditable && !(e.target instanceof HTMLInputElement)) setPresent(false);
});

/**
 * exportPNG downloads a 2× PNG of the presentation: the SVG the frame
 * shows, once it shows the latest texts, drawn in a canvas.
 */
async function exportPNG() {
  const lang = state.lang;
  const layout = pres.layout;
  const view = state.gaps ? 'gaps' : 'coverage';
  const place = state.province ? PROVINCE_EN[state.province] || state.province : 'national';
  const name = pngName({ place, view, layout });
  presenter.setStatus(t(lang, 'presentExporting'), true);
  try {
    presenter.flushText();
    await presenter.draw(presentOptions());
    const blob = await renderPNG(presenter.svg, layout);
    download(blob, name);
    presenter.setStatus(t(lang, 'presentExported', { name }));
  } catch (err) {
    console.warn('pilotmap: export:', err);
    presenter.setStatus(t(lang, 'presentExportError', { msg: err.message || String(err) }));
  }
}

window.addEventListener('hashchange', () => {
  const next = parseHash(location.hash);
  if (next.lang !== state.lang) applyLang(next.lang);
  if (next.gaps !== state.gaps) setGaps(next.gaps);
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
    applyScreen();
    const s = uiScale();
    if (Math.abs(s - cmap.scale) > 0.05) {
      cmap.scale = s;
      cmap.restyle();
      cmap.drawClusters();
    }
    // The frame fits itself (present.js); the map under it follows the window.
    cmap.invalidate();
  }, 100);
});

/** layerZoom picks the zoom to fetch geometry for (a pixel's error at most). */
function layerZoom(z) {
  return Math.max(3, Math.min(8, Math.round(z)));
}

async function main() {
  // The selection first: presentation mode draws it (map.svg ?program=&batch=).
  const selection = await initSelection(); // ?program=&batch= (batchpicker.js)
  selected = selection;
  syncModeButtons();
  if (pres.present) applyPresent();
  applyLang(state.lang);
  cmap.setOff(state.off);
  if (state.view && !pres.present) cmap.setView(state.view);
  const z = layerZoom(cmap.map.getZoom());
  let provinceStats, regions, provinces, provincesFC, unitsFC, pilotsFC, nanhaiFC, nanhaiLineFC, config;
  [config, stats, provinceStats, regions, provinces, provincesFC, unitsFC, pilotsFC, nanhaiFC, nanhaiLineFC] = await Promise.all([
    api.config(),
    api.stats(),
    api.provinceStats(),
    api.regions(),
    api.provinces(),
    api.layer('provinces', z),
    api.layer('units', z),
    api.layer('pilots', z),
    api.layer('nanhai', Math.min(z + 1, 8)),
    api.layer('nanhai_line', 0),
  ]);
  provincesList = provinces;
  cmap.setConfig(config);
  cmap.dataZoom = z;
  const batches = selection.sel?.batches.length || 0;
  cmap.setData({ provinces, provincesFC, unitsFC, pilotsFC, nanhaiFC, nanhaiLineFC, batches });
  panel.setData({ stats, provinceStats, regions, provinces, fresh: { codes: cmap.newCodes, batches } });
  mountPicker($('panel-body'), selection, state.lang).catch((err) => console.warn('pilotmap: batches:', err));
  dataReady = true;
  applyLang(state.lang);
  const fit = !state.view || pres.present;
  if (state.unit) selectUnit(state.unit, { fit });
  else if (state.province) selectProvince(state.province, { fit });
  if (state.view && !pres.present) cmap.setView(state.view);
  if (state.gaps) setGaps(true);
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
