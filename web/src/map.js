// The Leaflet map: province choropleth, comparable units, pilot units,
// province outlines, selection highlight, labels and the South China Sea
// inset. It knows Leaflet and the layer GeoJSON; the panel and the URL are
// main.js's business, reached through the callbacks in opts.
import * as L from 'leaflet/dist/leaflet-src.esm.js';

import { coverageClass, coverageColor, PALETTE } from './colors.js';
import { placeLabels } from './labels.js';
import { t, provinceName, formatPercent, batchName } from './i18n.js';

/** Mainland China and 台湾, without the South China Sea (that is the inset). */
export const NATIONAL_BOUNDS = [[17.9, 73.4], [53.6, 135.1]];
/** The inset's frame: 海南 to 曾母暗沙, 北部湾 to 台湾's south tip. */
const INSET_BOUNDS = [[3.2, 105.6], [24.2, 122.6]];
/** The zoom from which unit names replace province names without a selection. */
const UNIT_LABEL_ZOOM = 6.5;

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * CoverageMap draws the national view into el and reports clicks and view
 * changes through opts: onFeature({kind, code, province_code}), onView().
 */
export class CoverageMap {
  constructor(el, opts) {
    this.opts = opts;
    this.lang = opts.lang || 'zh';
    this.scale = opts.scale || 1;
    this.off = new Set();
    this.selectedProvince = null;
    this.selectedUnit = null;
    this.info = new Map(); // province code → /api/v1/provinces entry
    this.byCode = { provinces: new Map(), units: new Map(), pilots: new Map(), outlines: new Map() };
    this.labelText = new Map();

    const map = L.map(el, {
      zoomControl: false,
      attributionControl: false,
      zoomSnap: 0.05,
      zoomDelta: 0.5,
      wheelPxPerZoomLevel: 120,
      minZoom: 2,
      maxZoom: 11,
      maxBounds: [[-15, 40], [75, 170]],
      maxBoundsViscosity: 0.8,
      keyboard: true,
      boxZoom: false,
    });
    this.map = map;
    const pane = (name, z, events = true) => {
      const p = map.createPane(name);
      p.style.zIndex = z;
      if (!events) p.style.pointerEvents = 'none';
      return p;
    };
    pane('pm-provinces', 400);
    pane('pm-units', 410);
    pane('pm-pilots', 420);
    pane('pm-mask', 425, false);
    pane('pm-outlines', 430, false);
    pane('pm-highlight', 440, false);
    pane('pm-labels', 450, false);

    this.zoomControl = L.control.zoom({ position: 'topleft' }).addTo(map);
    L.control.scale({ position: 'bottomleft', imperial: false, maxWidth: Math.round(110 * this.scale) }).addTo(map);
    this.attribution = L.control.attribution({ position: 'bottomright', prefix: false }).addTo(map);
    this.legend = new LegendControl({ position: 'bottomleft', owner: this }).addTo(map);
    this.inset = new InsetControl({ position: 'bottomright', owner: this }).addTo(map);

    this.labelsEl = L.DomUtil.create('div', 'pm-labels', map.getPane('pm-labels'));
    this.fitNational(false);
    map.on('zoomstart', () => el.classList.add('pm-zooming'));
    map.on('zoomend', () => el.classList.remove('pm-zooming'));
    map.on('moveend', () => {
      this.updateLabels();
      this.opts.onView?.();
      clearTimeout(this.refineTimer);
      this.refineTimer = setTimeout(() => this.refine(), 150);
    });
    map.on('resize', () => this.updateLabels());
  }

  /** fitNational shows mainland China and 台湾 in the frame. */
  fitNational(animate = true) {
    // On a narrow map keep 台湾 clear of the inset in the lower right.
    const narrow = this.map.getSize().x < 520;
    this.fitBounds(NATIONAL_BOUNDS, { paddingTopLeft: [6, 6], paddingBottomRight: [narrow ? 30 : 6, 6], animate });
  }

  /**
   * fitBounds fits the view, after any zoom animation in progress (Leaflet
   * drops a new animated zoom while one runs); the last request wins.
   */
  fitBounds(bounds, options) {
    const seq = (this.fitSeq = (this.fitSeq || 0) + 1);
    const go = () => {
      if (seq === this.fitSeq) this.map.fitBounds(bounds, options);
    };
    if (this.map._animatingZoom) this.map.once('zoomend', () => setTimeout(go, 0));
    else go();
  }

  /** weights scale lines with the screen (see main.js's scale). */
  w(px) {
    return px * this.scale;
  }

  /** setConfig applies /api/v1/config: attribution line and optional tiles. */
  setConfig(cfg) {
    this.config = cfg || {};
    if (this.config.tiles_url && !this.tiles) {
      this.tiles = L.tileLayer(this.config.tiles_url, { attribution: esc(this.config.tiles_attribution || ''), maxZoom: 18 });
      this.tiles.addTo(this.map);
      this.map.getContainer().classList.add('pm-has-tiles');
    }
    this.renderAttribution();
  }

  renderAttribution() {
    const a = this.attribution;
    for (const k of Object.keys(a._attributions || {})) a.removeAttribution(k);
    const c = this.config || {};
    // The approval number first: on a phone the line is cut at the end.
    const parts = [];
    if (c.approval_number) parts.push(t(this.lang, 'approval', { n: c.approval_number }));
    if (c.attribution) parts.push(c.attribution);
    const text = parts.join(' · ');
    if (text) a.addAttribution(esc(text));
    a.getContainer().title = text;
    this.opts.onAttribution?.(text);
  }

  /**
   * setData draws the layers. provinces is /api/v1/provinces (figures and
   * label points by code); the others are layer FeatureCollections.
   */
  setData({ provinces, provincesFC, unitsFC, pilotsFC, nanhaiFC }) {
    for (const p of provinces || []) this.info.set(p.code, p);
    const map = this.map;
    const provinceProps = (f) => ({ ...f.properties, ...(this.info.get(f.properties.code) || {}) });

    this.provincesLayer = L.geoJSON(provincesFC, {
      pane: 'pm-provinces',
      style: (f) => this.provinceStyle(provinceProps(f)),
      onEachFeature: (f, layer) => {
        this.byCode.provinces.set(f.properties.code, layer);
        this.bindFeature(layer, 'province', f.properties);
      },
    }).addTo(map);

    this.unitsLayer = L.geoJSON(unitsFC, {
      pane: 'pm-units',
      style: (f) => this.unitStyle(f.properties),
      onEachFeature: (f, layer) => {
        this.byCode.units.set(f.properties.code, layer);
        this.bindFeature(layer, 'unit', f.properties);
      },
    }).addTo(map);

    this.pilotsLayer = L.geoJSON(pilotsFC, {
      pane: 'pm-pilots',
      style: (f) => this.pilotStyle(f.properties),
      onEachFeature: (f, layer) => {
        this.byCode.pilots.set(f.properties.code, layer);
        this.bindFeature(layer, 'pilot', f.properties);
      },
    }).addTo(map);

    this.outlinesLayer = L.geoJSON(provincesFC, {
      pane: 'pm-outlines',
      interactive: false,
      style: (f) => this.outlineStyle(provinceProps(f)),
      onEachFeature: (f, layer) => this.byCode.outlines.set(f.properties.code, layer),
    }).addTo(map);
    // Full-promotion outlines go on top of the thin ones where borders meet.
    this.outlinesLayer.eachLayer((l) => {
      if (provinceProps(l.feature).pilot_province) l.bringToFront();
    });

    // Tag every path with its code, so tests and styles can find a feature.
    // Keyboard: the 34 provinces are tab stops (Enter opens one, focus shows
    // the tooltip); the hundreds of units are reached from the panel lists.
    for (const group of [this.provincesLayer, this.unitsLayer, this.pilotsLayer, this.outlinesLayer]) {
      group.eachLayer((l) => {
        const el = l.getElement();
        if (!el) return;
        el.setAttribute('data-code', l.feature.properties.code);
        el.setAttribute('tabindex', group === this.provincesLayer ? '0' : '-1');
      });
    }
    this.provincesLayer.eachLayer((l) => {
      const el = l.getElement();
      el?.setAttribute('role', 'button');
      el?.setAttribute('aria-label', l.feature.properties.name);
      el?.addEventListener('keydown', (e) => {
        if (e.key !== 'Enter' && e.key !== ' ') return;
        e.preventDefault();
        this.opts.onFeature?.({ kind: 'province', code: l.feature.properties.code, province_code: l.feature.properties.code });
      });
    });
    this.highlightLayer = L.layerGroup().addTo(map);
    this.inset.setData(provincesFC, nanhaiFC);
    this.applyToggles();
    this.updateLabels();
  }

  /** rendered counts the features drawn, for the ready signal. */
  rendered() {
    return {
      units: this.unitsLayer ? this.unitsLayer.getLayers().length : 0,
      pilots: this.pilotsLayer ? this.pilotsLayer.getLayers().length : 0,
    };
  }

  dimmed(provinceCode) {
    return this.selectedProvince && provinceCode !== this.selectedProvince;
  }

  provinceStyle(p) {
    const cls = coverageClass(p.coverage, p.in_program !== false);
    let fill = coverageColor(cls);
    if (this.off.has('coverage') && cls > 0) fill = '#eef1f4';
    if (cls === 0 && p.in_program !== false) fill = 'url(#pm-hatch-zero)';
    return {
      stroke: false,
      fill: true,
      fillColor: fill,
      fillOpacity: 1,
    };
  }

  outlineStyle(p) {
    const full = p.pilot_province && !this.off.has('fullpromo');
    if (full) return { color: PALETTE.fullPromotion, weight: this.w(2.4), opacity: this.dimmed(p.code) ? 0.45 : 1, fill: false, lineJoin: 'round' };
    const outside = p.in_program === false;
    const selected = p.code === this.selectedProvince;
    return { color: outside ? PALETTE.outsideLine : selected ? '#3d4654' : PALETTE.provinceLine, weight: this.w(selected ? 1.8 : 0.9), opacity: this.dimmed(p.code) ? 0.6 : 0.95, fill: false };
  }

  unitStyle(p) {
    const show = !this.off.has('units');
    return {
      color: PALETTE.unitLine,
      weight: this.w(0.7),
      opacity: show ? 0.9 : 0,
      fill: true,
      fillColor: '#000',
      fillOpacity: 0,
    };
  }

  pilotStyle(p) {
    const show = !this.off.has('pilots');
    return {
      color: PALETTE.pilotLine,
      weight: this.w(0.8),
      opacity: show ? 1 : 0,
      fill: true,
      fillColor: PALETTE.pilot,
      fillOpacity: show ? 1 : 0,
    };
  }

  restyle() {
    const pp = (l) => ({ ...l.feature.properties, ...(this.info.get(l.feature.properties.code) || {}) });
    this.provincesLayer?.eachLayer((l) => l.setStyle(this.provinceStyle(pp(l))));
    this.outlinesLayer?.eachLayer((l) => l.setStyle(this.outlineStyle(pp(l))));
    this.unitsLayer?.eachLayer((l) => l.setStyle(this.unitStyle(l.feature.properties)));
    this.pilotsLayer?.eachLayer((l) => l.setStyle(this.pilotStyle(l.feature.properties)));
    this.inset.restyle();
  }

  /** bindFeature wires tooltip, hover and click of one feature. */
  bindFeature(layer, kind, props) {
    layer.bindTooltip(() => this.tooltip(kind, layer.feature.properties), {
      sticky: true,
      direction: 'top',
      offset: [0, -this.w(8)],
      className: 'pm-tip',
      opacity: 1,
    });
    layer.on('mouseover', () => {
      if (kind === 'province') return;
      if (kind === 'pilot' && this.off.has('pilots')) return;
      layer.setStyle({ color: PALETTE.fullPromotion, weight: this.w(2), opacity: 1 });
    });
    layer.on('mouseout', () => {
      if (kind === 'unit') layer.setStyle(this.unitStyle(props));
      if (kind === 'pilot') layer.setStyle(this.pilotStyle(props));
    });
    layer.on('click', (e) => {
      L.DomEvent.stopPropagation(e);
      this.opts.onFeature?.({ kind, code: props.code, province_code: props.province_code || props.code });
    });
  }

  tooltip(kind, p) {
    const lang = this.lang;
    if (kind === 'province') {
      const info = { ...p, ...(this.info.get(p.code) || {}) };
      const name = provinceName(lang, info.code, info.name);
      const lines = [`<b>${esc(name)}</b>`];
      if (info.in_program === false) lines.push(esc(t(lang, 'notInProgram')));
      else {
        if (info.pilot_province) lines.push(`<span class="pm-tip-badge">★ ${esc(t(lang, 'pilotProvince'))}</span>`);
        if (!info.units) lines.push(esc(t(lang, 'noPilots')));
        else lines.push(esc(t(lang, 'unitsTip', { n: info.units })));
        lines.push(esc(t(lang, 'coverageTip', { pct: formatPercent(lang, info.coverage), covered: info.covered_units ?? 0, comparable: info.comparable_units ?? 0 })));
      }
      return lines.join('<br>');
    }
    const prov = this.info.get(p.province_code);
    const provName = prov ? provinceName(lang, prov.code, prov.name) : '';
    const isPilot = kind === 'pilot' || p.pilot === true;
    let status = t(lang, 'notPilot');
    if (isPilot) {
      const pl = kind === 'pilot' ? p : this.byCode.pilots.get(p.code)?.feature.properties || p;
      status = t(lang, 'pilotTip', { batch: batchName(lang, pl.batch) || '' }).replace(/ · $/, '');
    }
    return `<b>${esc(p.name)}</b>${provName ? ` <span class="pm-tip-sub">${esc(provName)}</span>` : ''}<br><span class="${isPilot ? 'pm-tip-pilot' : ''}">${esc(status)}</span>`;
  }

  setLang(lang) {
    this.lang = lang;
    this.legend.render();
    this.inset.render();
    this.renderAttribution();
    this.updateLabels();
  }

  /** setOff applies the set of layers switched off (see state.js LAYERS). */
  setOff(off) {
    this.off = new Set(off);
    this.applyToggles();
  }

  applyToggles() {
    this.restyle();
    this.legend.sync();
    this.updateLabels();
  }

  featureBounds(code) {
    const l = this.byCode.pilots.get(code) || this.byCode.units.get(code) || this.byCode.provinces.get(code);
    return l ? l.getBounds() : null;
  }

  /**
   * select sets the selected province and unit (codes or null), restyles,
   * highlights, and with fit moves the view to the selection.
   */
  select(province, unit, { fit = true } = {}) {
    this.selectedProvince = province || null;
    this.selectedUnit = unit || null;
    this.restyle();
    this.highlightLayer.clearLayers();
    // A white veil over everything but the selected province.
    const sel = province && this.byCode.outlines.get(province);
    if (sel) {
      const holes = [];
      const g = sel.feature.geometry;
      const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
      for (const poly of polys) for (const ring of poly) holes.push(ring.map(([x, y]) => [y, x]));
      const world = [[-85, -180], [85, -180], [85, 180], [-85, 180]];
      this.highlightLayer.addLayer(
        L.polygon([world, ...holes], { pane: 'pm-mask', interactive: false, stroke: false, fill: true, fillColor: '#ffffff', fillOpacity: 0.6 }),
      );
    }
    const hl = (code, style) => {
      const src = this.byCode.pilots.get(code) || this.byCode.units.get(code) || this.byCode.outlines.get(code);
      if (!src) return null;
      const copy = L.geoJSON(src.feature, { pane: 'pm-highlight', interactive: false, style: () => style });
      this.highlightLayer.addLayer(copy);
      return src.getBounds();
    };
    // The veil marks the selected province; its outline keeps its own style.
    let bounds = province ? this.byCode.outlines.get(province)?.getBounds() || null : null;
    if (unit) {
      hl(unit, { color: '#ffffff', weight: this.w(6), opacity: 0.95, fill: false });
      bounds = hl(unit, { color: PALETTE.selected, weight: this.w(3), opacity: 1, fill: false }) || bounds;
    }
    if (fit) {
      if (bounds) {
        // A unit is shown with its surroundings, a province filling the frame.
        const b = unit ? bounds.pad(0.6) : bounds;
        this.fitBounds(b, { padding: [this.w(28), this.w(28)], maxZoom: unit ? 9 : 8 });
      } else if (!province) this.fitNational();
    }
    this.updateLabels();
  }

  /**
   * refine replaces the geometry of the features in view with geometry
   * simplified for the current zoom, once the map is zoomed in beyond the
   * zoom the national layers were fetched for.
   */
  async refine() {
    const fetchLayer = this.opts.fetchLayer;
    if (!fetchLayer || !this.unitsLayer) return;
    const z = Math.min(9, Math.round(this.map.getZoom()));
    if (z <= (this.dataZoom ?? 99)) return;
    const b = this.map.getBounds().pad(0.25);
    const bbox = [Math.max(-180, b.getWest()), Math.max(-85, b.getSouth()), Math.min(180, b.getEast()), Math.min(85, b.getNorth())];
    const seq = (this.refineSeq = (this.refineSeq || 0) + 1);
    let fcs;
    try {
      fcs = await Promise.all(['units', 'pilots', 'provinces'].map((n) => fetchLayer(n, Math.min(z, n === 'provinces' ? 7 : 9), bbox)));
    } catch (err) {
      console.warn('pilotmap: refine:', err);
      return;
    }
    if (seq !== this.refineSeq) return;
    const apply = (fc, byCode, zz) => {
      for (const f of fc.features || []) {
        const layer = byCode.get(f.properties?.code ?? f.id);
        if (!layer || (layer.pmZoom ?? this.dataZoom) >= zz || !f.geometry) continue;
        const depth = f.geometry.type === 'MultiPolygon' ? 2 : 1;
        layer.setLatLngs(L.GeoJSON.coordsToLatLngs(f.geometry.coordinates, depth));
        layer.feature.geometry = f.geometry;
        layer.pmZoom = zz;
      }
    };
    apply(fcs[0], this.byCode.units, z);
    apply(fcs[1], this.byCode.pilots, z);
    const pz = Math.min(z, 7);
    for (const f of fcs[2].features || []) {
      // Fill and outline share the province geometry.
      apply({ features: [f] }, this.byCode.outlines, pz);
      const fill = this.byCode.provinces.get(f.properties?.code ?? f.id);
      if (fill && (fill.pmZoom ?? this.dataZoom) < pz) {
        fill.setLatLngs(this.byCode.outlines.get(f.properties.code).getLatLngs());
        fill.pmZoom = pz;
      }
    }
    if (this.selectedProvince) this.select(this.selectedProvince, this.selectedUnit, { fit: false });
  }

  /** view returns the current centre and zoom for the URL. */
  view() {
    const c = this.map.getCenter();
    return { zoom: this.map.getZoom(), lat: c.lat, lon: c.lng };
  }

  setView(v) {
    this.map.setView([v.lat, v.lon], v.zoom, { animate: false });
  }

  /** obstacles returns the screen boxes of the map's own controls. */
  obstacles() {
    const cr = this.map.getContainer().getBoundingClientRect();
    const boxes = [];
    for (const el of this.map.getContainer().querySelectorAll('.leaflet-control')) {
      const r = el.getBoundingClientRect();
      if (r.width && r.height) boxes.push([r.left - cr.left, r.top - cr.top, r.right - cr.left, r.bottom - cr.top]);
    }
    return boxes;
  }

  /** updateLabels rebuilds the label layer for the current view. */
  updateLabels() {
    const el = this.labelsEl;
    if (!el || !this.provincesLayer) return;
    el.textContent = '';
    if (this.off.has('labels')) return;
    const map = this.map;
    const size = map.getSize();
    const zoom = map.getZoom();
    const lang = this.lang;
    const s = this.scale;
    const candidates = [];
    const viewBounds = map.getBounds().pad(0.05);
    const unitsMode = this.selectedProvince || zoom >= UNIT_LABEL_ZOOM;
    const add = (id, text, lonlat, cls, fontPx, priority, shift) => {
      if (!lonlat || !viewBounds.contains([lonlat[1], lonlat[0]])) return;
      const pt = map.latLngToContainerPoint([lonlat[1], lonlat[0]]);
      const w = this.measure(text, cls, fontPx) + 4 * s;
      const h = fontPx * 1.25;
      // Alternative spots around the anchor, nearest first.
      const alts = shift ? [[0, -h], [0, h], [w * 0.6, 0], [-w * 0.6, 0], [w * 0.5, -h], [-w * 0.5, h]] : [];
      candidates.push({ id, text, x: pt.x, y: pt.y, w, h, priority, cls, alts });
    };
    // Province names: everywhere at national zoom; around a selection only
    // for the other provinces.
    for (const [code, layer] of this.byCode.provinces) {
      const p = { ...layer.feature.properties, ...(this.info.get(code) || {}) };
      if (unitsMode && (code === this.selectedProvince || !this.selectedProvince)) continue;
      const text = provinceName(lang, code, p.name, true);
      // Small provinces first: they have the fewest places to go, and the
      // large ones can shift around their anchor.
      const area = p.area_km2 || 0;
      const small = area > 0 && area < 6e4 ? 300 : 0;
      const pri = unitsMode ? 100 : 1000 + small + (p.pilot_province ? 100 : 0) + (p.in_program === false ? -500 : 0) - Math.min(area / 1e4, 99);
      add('p' + code, text, p.label || centroidOf(layer), 'pm-label-province', 13 * s, pri, true);
    }
    if (unitsMode) {
      const inSel = (pc) => !this.selectedProvince || pc === this.selectedProvince;
      const seen = new Set();
      for (const [code, layer] of this.byCode.pilots) {
        const p = layer.feature.properties;
        if (!inSel(p.province_code)) continue;
        seen.add(code);
        add('u' + code, p.name, p.label || centroidOf(layer), 'pm-label-unit pm-label-pilot', 12 * s, 3000 + (code === this.selectedUnit ? 1000 : 0), true);
      }
      for (const [code, layer] of this.byCode.units) {
        const p = layer.feature.properties;
        if (seen.has(code) || !inSel(p.province_code)) continue;
        add('u' + code, p.name, p.label || centroidOf(layer), 'pm-label-unit', 11.5 * s, 2000 + (code === this.selectedUnit ? 1000 : 0) + Math.min((p.area_km2 || 0) / 1e3, 999), false);
      }
    }
    const kept = placeLabels(candidates, { width: size.x, height: size.y, pad: 2 * s, obstacles: this.obstacles() });
    const frag = document.createDocumentFragment();
    for (const c of kept) {
      const d = document.createElement('div');
      d.className = 'pm-label ' + c.cls;
      d.textContent = c.text;
      d.style.fontSize = (c.h / 1.25).toFixed(1) + 'px';
      const lp = map.containerPointToLayerPoint([c.x, c.y]);
      d.style.left = lp.x.toFixed(1) + 'px';
      d.style.top = lp.y.toFixed(1) + 'px';
      frag.appendChild(d);
    }
    el.appendChild(frag);
    el.dataset.count = String(kept.length);
  }

  /** measure returns a text's width in pixels in the label font. */
  measure(text, cls, fontPx) {
    if (!this.ctx) this.ctx = document.createElement('canvas').getContext('2d');
    const bold = /pilot|province/.test(cls) ? '600 ' : '';
    this.ctx.font = `${bold}${fontPx}px ${getComputedStyle(document.body).fontFamily}`;
    return this.ctx.measureText(text).width;
  }

  invalidate() {
    this.map.invalidateSize({ animate: false });
    this.inset.fit();
  }
}

function centroidOf(layer) {
  const c = layer.getBounds().getCenter();
  return [c.lng, c.lat];
}

/** LegendControl: the legend, whose sections double as the layer toggles. */
const LegendControl = L.Control.extend({
  onAdd() {
    const div = L.DomUtil.create('div', 'pm-legend');
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    this._div = div;
    this.render();
    return div;
  },
  render() {
    const o = this.options.owner;
    const lang = o.lang;
    const tt = (k) => esc(t(lang, k));
    const sw = (style, cls = '') => `<span class="pm-sw ${cls}" style="${style}" aria-hidden="true"></span>`;
    const classes = [
      [0.05, '<10%'],
      [0.15, '10–20%'],
      [0.25, '20–30%'],
      [0.35, '30–40%'],
      [0.45, '≥40%'],
    ];
    const ramp = classes.map(([v, label]) => `<span class="pm-ramp-item">${sw('background:' + coverageColor(coverageClass(v)))}<span>${label}</span></span>`).join('');
    const box = (layer, label, swatch) =>
      `<label class="pm-toggle"><input type="checkbox" data-layer="${layer}" checked> ${swatch}<span>${label}</span></label>`;
    const open = this._div.querySelector('details')?.open ?? !window.matchMedia('(max-width: 640px)').matches;
    this._div.innerHTML = `<details ${open ? 'open' : ''}><summary>${tt('legend')}</summary>
      <div class="pm-legend-body">
      ${box('coverage', tt('legendCoverage'), '')}
      <div class="pm-ramp">${ramp}</div>
      <div class="pm-legend-row">${sw('', 'pm-sw-zero')}<span>${tt('legendZero')}</span></div>
      <div class="pm-legend-row">${sw('background:' + PALETTE.outside + ';border-color:' + PALETTE.outsideLine)}<span>${tt('legendOutside')}</span></div>
      ${box('pilots', tt('legendPilots'), sw('background:' + PALETTE.pilot))}
      ${box('fullpromo', tt('legendFullPromo'), sw('', 'pm-sw-full'))}
      ${box('units', tt('legendUnits'), sw('', 'pm-sw-units'))}
      ${box('labels', tt('legendLabels'), sw('', 'pm-sw-label'))}
      </div></details>`;
    for (const input of this._div.querySelectorAll('input[data-layer]')) {
      input.addEventListener('change', () => o.opts.onToggle?.(input.dataset.layer, input.checked));
    }
    this._div.querySelector('details').addEventListener('toggle', () => o.updateLabels());
    this.sync();
  },
  sync() {
    const o = this.options.owner;
    for (const input of this._div?.querySelectorAll('input[data-layer]') || []) input.checked = !o.off.has(input.dataset.layer);
  },
});

/** InsetControl: the South China Sea islands at true coordinates in a frame. */
const InsetControl = L.Control.extend({
  onAdd() {
    const div = L.DomUtil.create('div', 'pm-inset');
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    div.setAttribute('role', 'img');
    this._div = div;
    this._mapEl = L.DomUtil.create('div', 'pm-inset-map', div);
    this._label = L.DomUtil.create('div', 'pm-inset-label', div);
    this.render();
    // The inset map is created once the frame has its size (after layout).
    requestAnimationFrame(() => this.create());
    return div;
  },
  create() {
    if (this._map2) return;
    const m = L.map(this._mapEl, {
      zoomControl: false,
      attributionControl: false,
      dragging: false,
      touchZoom: false,
      scrollWheelZoom: false,
      doubleClickZoom: false,
      boxZoom: false,
      keyboard: false,
      zoomSnap: 0,
      inertia: false,
      fadeAnimation: false,
      zoomAnimation: false,
    });
    this._map2 = m;
    this.fit();
    if (this._pending) this.setData(...this._pending);
  },
  fit() {
    if (!this._map2) return;
    this._map2.invalidateSize({ animate: false });
    this._map2.fitBounds(INSET_BOUNDS, { padding: [0, 0], animate: false });
  },
  setData(provincesFC, nanhaiFC) {
    if (!this._map2) {
      this._pending = [provincesFC, nanhaiFC];
      return;
    }
    const o = this.options.owner;
    const w = (px) => px * o.scale;
    this._prov = L.geoJSON(provincesFC, {
      interactive: false,
      style: (f) => ({
        ...o.provinceStyle({ ...f.properties, ...(o.info.get(f.properties.code) || {}), code: '' }),
        stroke: true,
        color: PALETTE.provinceLine,
        weight: w(0.6),
      }),
    }).addTo(this._map2);
    this._islands = L.geoJSON(nanhaiFC, {
      interactive: false,
      style: () => ({ color: '#4a5563', weight: w(0.9), fill: true, fillColor: '#4a5563', fillOpacity: 1 }),
    }).addTo(this._map2);
    this._div.dataset.islands = String(this._islands.getLayers().length);
  },
  restyle() {
    const o = this.options.owner;
    this._prov?.eachLayer((l) =>
      l.setStyle({ ...o.provinceStyle({ ...l.feature.properties, ...(o.info.get(l.feature.properties.code) || {}), code: '' }), stroke: true, color: PALETTE.provinceLine, weight: 0.6 * o.scale }),
    );
  },
  render() {
    const lang = this.options.owner.lang;
    this._label.textContent = t(lang, 'inset');
    this._div.setAttribute('aria-label', t(lang, 'inset'));
  },
});
