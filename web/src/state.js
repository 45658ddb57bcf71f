// The URL keeps what is shown, so a shared link reopens the same map. Pure
// functions only.
//
// The hash: the view, the selection, the thematic view, the layer toggles
// and the language:
//
//   #map=4.50/35.2000/104.1000&p=110000&u=110101&view=gaps&off=units,labels&lang=en
//
// map is zoom/lat/lon; p the selected province, u the selected unit (six-digit
// codes); view=gaps the gaps mode (absent: the coverage map); off the layers
// switched off (all are on by default); lang only when it is not the default
// zh-CN.
//
// The query: presentation mode and its layout and texts (see parseSearch):
//
//   ?mode=present&layout=4:3&title=…&subtitle=…
import { parseLayout, DEFAULT_LAYOUT } from './layout.js';

/** The map's toggleable layers, in the order the legend shows them. */
export const LAYERS = ['coverage', 'pilots', 'fullpromo', 'units', 'labels'];

export const LANGS = ['zh', 'en'];

const CODE = /^\d{6}$/;

/** defaultState is the national view in Chinese with every layer on. */
export function defaultState() {
  return { view: null, province: null, unit: null, gaps: false, off: new Set(), lang: 'zh' };
}

function num(s, lo, hi) {
  if (typeof s !== 'string' || !/^-?\d+(\.\d+)?$/.test(s)) return NaN;
  const v = Number(s);
  return v >= lo && v <= hi ? v : NaN;
}

/**
 * parseHash reads a location hash (with or without the leading #) into a
 * state; anything malformed is dropped and left at its default, never thrown.
 */
export function parseHash(hash) {
  const st = defaultState();
  const q = new URLSearchParams(String(hash || '').replace(/^#/, ''));
  const m = q.get('map');
  if (m) {
    const [z, lat, lon] = m.split('/');
    const v = { zoom: num(z, 0, 18), lat: num(lat, -85.06, 85.06), lon: num(lon, -180, 180) };
    if (!Number.isNaN(v.zoom) && !Number.isNaN(v.lat) && !Number.isNaN(v.lon)) st.view = v;
  }
  const p = q.get('p');
  if (p && CODE.test(p)) st.province = p;
  const u = q.get('u');
  if (u && CODE.test(u)) {
    st.unit = u;
    // A unit's province is its first two digits; keep them consistent.
    if (!st.province || st.province.slice(0, 2) !== u.slice(0, 2)) st.province = u.slice(0, 2) + '0000';
  }
  if (q.get('view') === 'gaps') st.gaps = true;
  const off = q.get('off');
  if (off) for (const l of off.split(',')) if (LAYERS.includes(l)) st.off.add(l);
  const lang = q.get('lang');
  if (lang && LANGS.includes(lang)) st.lang = lang;
  return st;
}

/**
 * formatHash writes a state as a hash ("#..."), or "" for the default state,
 * so the bare URL stays bare. Output is canonical: parseHash(formatHash(s))
 * gives s back (view rounded to 2 decimals for zoom, 4 for coordinates).
 */
export function formatHash(st) {
  const parts = [];
  if (st.view) {
    const { zoom, lat, lon } = st.view;
    parts.push('map=' + [zoom.toFixed(2), lat.toFixed(4), lon.toFixed(4)].join('/'));
  }
  if (st.province && CODE.test(st.province)) parts.push('p=' + st.province);
  if (st.unit && CODE.test(st.unit)) parts.push('u=' + st.unit);
  if (st.gaps) parts.push('view=gaps');
  const off = LAYERS.filter((l) => st.off && st.off.has(l));
  if (off.length) parts.push('off=' + off.join(','));
  if (st.lang && st.lang !== 'zh' && LANGS.includes(st.lang)) parts.push('lang=' + st.lang);
  return parts.length ? '#' + parts.join('&') : '';
}

/** provinceOf returns the province code of a six-digit division code. */
export function provinceOf(code) {
  return CODE.test(code || '') ? code.slice(0, 2) + '0000' : null;
}

/** The longest title or subtitle kept (the server's map.svg takes 120). */
export const MAX_TEXT = 120;

function clipText(s) {
  if (s === null || s === undefined) return null;
  const v = String(s).replace(/\s+/g, ' ').trim();
  return [...v].slice(0, MAX_TEXT).join('');
}

/**
 * parseSearch reads presentation mode from a location search ("?..."):
 * {present, layout, title, subtitle}. present is mode=present; layout one
 * of 16:9, 4:3, a4 (default 16:9); title and subtitle the edited texts, or
 * null for the defaults.
 */
export function parseSearch(search) {
  const q = new URLSearchParams(String(search || '').replace(/^\?/, ''));
  return {
    present: q.get('mode') === 'present',
    layout: parseLayout(q.get('layout')),
    title: q.has('title') ? clipText(q.get('title')) : null,
    subtitle: q.has('subtitle') ? clipText(q.get('subtitle')) : null,
  };
}

/**
 * formatSearch writes presentation mode into a location search, keeping
 * any other parameter of base; "" when nothing is left. Outside
 * presentation mode the layout and texts are dropped; inside, the default
 * layout and default texts (null) are left out.
 */
export function formatSearch(p, base = '') {
  const q = new URLSearchParams(String(base || '').replace(/^\?/, ''));
  for (const k of ['mode', 'layout', 'title', 'subtitle']) q.delete(k);
  if (p && p.present) {
    q.set('mode', 'present');
    const l = parseLayout(p.layout);
    if (l !== DEFAULT_LAYOUT) q.set('layout', l);
    const title = clipText(p.title);
    const subtitle = clipText(p.subtitle);
    if (title !== null) q.set('title', title);
    if (subtitle !== null) q.set('subtitle', subtitle);
  }
  const s = q.toString();
  return s ? '?' + s : '';
}
