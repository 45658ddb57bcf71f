// The HTTP API the map reads (docs/api.md): JSON under /api/v1, same origin.

/** getJSON fetches a same-origin JSON document and throws on any non-2xx. */
export async function getJSON(path, { signal } = {}) {
  const res = await fetch(path, { signal, headers: { Accept: 'application/json' } });
  if (!res.ok) {
    let detail = res.statusText;
    try {
      const p = await res.json();
      detail = p.detail || p.title || detail;
    } catch {
      // not a problem+json body; keep the status text
    }
    throw new Error(`${path}: ${res.status} ${detail}`);
  }
  return res.json();
}

const enc = encodeURIComponent;

// The selection of program and batches the map shows (selection.js), as an
// API query; "" shows everything.
let selection = '';
/** setSelection sets the query (selectionQuery) added to the statistics, provinces and layers. */
export function setSelection(query) {
  selection = query || '';
}
const sel = (path) => (selection ? path + (path.includes('?') ? '&' : '?') + selection : path);

/** The API's endpoints as functions returning promises. */
export const api = {
  config: () => getJSON('/api/v1/config'),
  stats: () => getJSON(sel('/api/v1/stats')),
  provinceStats: () => getJSON(sel('/api/v1/stats/provinces')),
  regions: () => getJSON(sel('/api/v1/stats/regions')),
  provinces: () => getJSON(sel('/api/v1/provinces')),
  province: (code) => getJSON(sel('/api/v1/provinces/' + enc(code))),
  batches: () => getJSON('/api/v1/batches'),
  search: (q, opts) => getJSON('/api/v1/search?q=' + enc(q), opts),
  /** gaps is the gap analysis (only fetched in gaps mode). */
  gaps: () => getJSON('/api/v1/gaps'),
  /** layer fetches a GeoJSON layer simplified for zoom, optionally within bbox. */
  layer: (name, zoom, bbox, opts) => {
    const path = `/api/v1/layers/${enc(name)}?zoom=${zoom}` + (bbox ? '&bbox=' + bbox.map((v) => v.toFixed(3)).join(',') : '');
    return getJSON(name === 'gaps' ? path : sel(path), opts); // the gap analysis is of everything
  },
};
