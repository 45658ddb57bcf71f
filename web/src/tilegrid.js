// The tile grid (Web Mercator, XYZ) the map's fine-zoom requests are keyed
// on: a view is covered by whole blocks of the grid, and each block is one
// request, so panning asks again for the same few URLs (cached by the
// browser and the server) instead of a new bbox every time.

const MAX_LAT = 85.0511287798;

/** tileX is the column of the tile holding lon at zoom z. */
export function tileX(lon, z) {
  const n = 2 ** z;
  return Math.min(n - 1, Math.max(0, Math.floor(((lon + 180) / 360) * n)));
}

/** tileY is the row of the tile holding lat at zoom z. */
export function tileY(lat, z) {
  const n = 2 ** z;
  const phi = (Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * Math.PI) / 180;
  const y = ((1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2) * n;
  return Math.min(n - 1, Math.max(0, Math.floor(y)));
}

/**
 * tileBBox is the [west, south, east, north] of tile (z, x, y), widened
 * outward to 3 decimals (the precision the API's bbox is sent with).
 */
export function tileBBox(z, x, y) {
  const n = 2 ** z;
  const lon = (i) => (i / n) * 360 - 180;
  const lat = (j) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * j) / n))) * 180) / Math.PI;
  const down = (v) => Math.floor(v * 1000) / 1000;
  const up = (v) => Math.ceil(v * 1000) / 1000;
  return [down(lon(x)), down(lat(y + 1)), up(lon(x + 1)), up(lat(y))];
}

/**
 * blocksCovering lists the tiles of zoom z covering [west, south, east,
 * north], at most max of them (a view wider than that is not refined).
 */
export function blocksCovering([west, south, east, north], z, max = 16) {
  const x0 = tileX(west, z);
  const x1 = tileX(east, z);
  const y0 = tileY(north, z);
  const y1 = tileY(south, z);
  if ((x1 - x0 + 1) * (y1 - y0 + 1) > max) return [];
  const out = [];
  for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) out.push({ z, x, y, bbox: tileBBox(z, x, y) });
  return out;
}
