// The Leaflet map: province choropleth, comparable units, pilot units,
// province outlines, selection highlight, labels and the South China Sea
// inset. It knows Leaflet and the layer GeoJSON; the panel and the URL are
// main.js's business, reached through the callbacks in opts.
import * as L from 'leaflet/dist/leaflet-src.esm.js';

import { coverageClass, coverageColor, PALETTE } from './colors.js';
import { gapColor, gapLegend, GAP_BASE, GAP_LINE, CLUSTER_LINE, TOP_CLUSTERS, outlineLines, topClusters, provinceGaps } from './gaps.js';
import { placeLabels } from './labels.js';
import { blocksCovering } from './tilegrid.js';
import { isNewUnit, newUnitCodes, newStyle, newLabel, newLegend, NEW_PATTERN, NEW_SWATCH } from './newunits.js';
import { t, provinceName, formatPercent, formatNumber, batchName, divisionName, clusterLabel, sourcesIn } from './i18n.js';

/** Mainland China and 台湾, without the South China Sea (that is the inset). */
export const NATIONAL_BOUNDS = [[17.9, 73.4], [53.6, 135.1]];
/** The inset's frame: 海南 to 曾母暗沙, 北部湾 to 台湾's south tip. */
const INSET_BOUNDS = [[3.2, 105.6], [24.2, 122.6]];
/** South of this latitude cluster numbers are shown in the inset. */
const SOUTH_EDGE = 17.6;
/** The zoom from which unit names replace province names without a selection. */
const UNIT_LABEL_ZOOM = 6.5;

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * CoverageMap draws the national view into el and reports clicks and view
 * changes through opts: onFeature({kind, code, province_code}), onView(),
 * onCluster(cluster). In gaps mode (setGapsMode) it shades the comparable
 * units without a pilot by their distance to the nearest one and outlines
 * and numbers the largest clusters. (Presentation mode hides it and shows
 * the server's SVG instead: present.js.)
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
    this.gapsOn = false; // gaps mode
    this.gaps = null; // indexGaps(/api/v1/gaps)
    this.gapsFC = null; // /api/v1/layers/gaps: one feature per national cluster
    this.batches = 0; // how many batches the selection names (0: none, the whole program)
    this.newCodes = new Set(); // the pilot units new in the selected batches (newunits.js)

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
    pane('pm-clusters', 435, false);
    pane('pm-highlight', 440, false);
    pane('pm-cluster-nums', 445);
    pane('pm-labels', 450, false);

    this.zoomControl = L.control.zoom({ position: 'topleft' }).addTo(map);
    this.titleZoom();
    L.control.scale({ position: 'bottomleft', imperial: false, maxWidth: Math.round(110 * this.scale) }).addTo(map);
    this.attribution = L.control.attribution({ position: 'bottomright', prefix: false }).addTo(map);
    this.legend = new LegendControl({ position: 'bottomleft', owner: this }).addTo(map);
    this.inset = new InsetControl({ position: 'bottomright', owner: this }).addTo(map);

    this.labelsEl = L.DomUtil.create('div', 'pm-labels', map.getPane('pm-labels'));
    this.clustersLayer = L.layerGroup().addTo(map);
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

  /** setConfig applies /api/v1/config: attribution line (of the map's language) and optional tiles. */
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
    const sources = sourcesIn(c, this.lang);
    if (sources) parts.push(sources);
    const text = parts.join(' · ');
    if (text) a.addAttribution(esc(text));
    a.getContainer().title = text;
    this.opts.onAttribution?.(text);
  }

  /**
   * setData draws the layers. provinces is /api/v1/provinces (figures and
   * label points by code); the others are layer FeatureCollections;
   * batches is how many batches the selection names (0 or absent: none).
   */
  setData({ provinces, provincesFC, unitsFC, pilotsFC, nanhaiFC, nanhaiLineFC, batches = 0 }) {
    for (const p of provinces || []) this.info.set(p.code, p);
    this.batches = batches;
    this.newCodes = newUnitCodes(pilotsFC);
    this.map.getContainer().dataset.newUnits = String(this.newCodes.size);
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
        if (group === this.pilotsLayer && isNewUnit(l.feature.properties)) el.setAttribute('data-new', 'true');
      });
    }
    this.provincesLayer.eachLayer((l) => {
      const el = l.getElement();
      el?.setAttribute('role', 'button');
      el?.setAttribute('aria-label', provinceName(this.lang, l.feature.properties.code, l.feature.properties.name));
      el?.addEventListener('keydown', (e) => {
        if (e.key !== 'Enter' && e.key !== ' ') return;
        e.preventDefault();
        this.opts.onFeature?.({ kind: 'province', code: l.feature.properties.code, province_code: l.feature.properties.code });
      });
    });
    this.highlightLayer = L.layerGroup().addTo(map);
    this.inset.setData(provincesFC, nanhaiFC, nanhaiLineFC);
    this.legend.render(); // the entry of the new units, when there are any
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
    if (this.gapsOn) {
      // The units carry the gaps; the provinces only show outside the program.
      return { stroke: false, fill: true, fillColor: p.in_program === false ? PALETTE.outside : GAP_BASE, fillOpacity: 1 };
    }
    const cls = coverageClass(p.coverage, p.in_program !== false);
    let fill = coverageColor(cls);
    if (this.off.has('coverage') && cls > 0) fill = NEUTRAL_UNIT;
    if (cls === 0 && p.in_program !== false) fill = 'url(#pm-hatch-zero)';
    // One variable per fill: the selected province is shown unit by unit
    // (pilots orange, the other units neutral), not in its coverage colour.
    if (p.code === this.selectedProvince && p.in_program !== false) fill = NEUTRAL_UNIT;
    return {
      stroke: false,
      fill: true,
      fillColor: fill,
      fillOpacity: 1,
    };
  }

  outlineStyle(p) {
    // In gaps mode the thick dark line is the clusters'.
    const full = p.pilot_province && !this.off.has('fullpromo') && !this.gapsOn;
    if (full) return { color: PALETTE.fullPromotion, weight: this.w(2.4), opacity: this.dimmed(p.code) ? 0.45 : 1, fill: false, lineJoin: 'round' };
    const outside = p.in_program === false;
    const selected = p.code === this.selectedProvince;
    return { color: outside ? PALETTE.outsideLine : selected ? '#3d4654' : PALETTE.provinceLine, weight: this.w(selected ? 1.8 : 0.9), opacity: this.dimmed(p.code) ? 0.6 : 0.95, fill: false };
  }

  unitStyle(p) {
    const show = !this.off.has('units');
    if (this.gapsOn) {
      const g = this.gaps?.units.get(p.code);
      return {
        color: GAP_LINE,
        weight: this.w(0.5),
        opacity: show ? 0.9 : 0,
        fill: true,
        fillColor: g ? gapColor(g.distance_km) : GAP_BASE,
        fillOpacity: 1,
      };
    }
    // The coverage fill is the province's: at national view the unit
    // borders stay off it, so no unit seems to carry its province's colour;
    // in the selected province (filled neutral) or with coverage off they
    // show, in grey.
    const unitView = this.off.has('coverage') || (this.selectedProvince && p.province_code === this.selectedProvince);
    return {
      color: unitView ? GAP_LINE : PALETTE.unitLine,
      weight: this.w(0.7),
      opacity: show && unitView ? 0.9 : 0,
      fill: true,
      fillColor: '#000',
      fillOpacity: 0,
    };
  }

  pilotStyle(p) {
    const show = !this.off.has('pilots');
    const style = {
      color: PALETTE.pilotLine,
      weight: this.w(0.8),
      opacity: show ? 1 : 0,
      fill: true,
      fillColor: PALETTE.pilot,
      fillOpacity: show ? 1 : 0,
    };
    // What the selected batches add (coverage view only: the gaps view is of everything stored).
    return !this.gapsOn && isNewUnit(p) ? newStyle(style, this.w(1.6)) : style;
  }

  /** scalePattern sizes the new units' stripes with the screen, like the lines. */
  scalePattern() {
    document.getElementById(NEW_PATTERN)?.setAttribute('patternTransform', `rotate(45) scale(${this.scale})`);
  }

  restyle() {
    this.scalePattern();
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
    const head = `<b>${esc(divisionName(lang, p))}</b>${provName ? ` <span class="pm-tip-sub">${esc(provName)}</span>` : ''}`;
    // The province's figures on every unit's hover: the fill under the unit
    // is the province's, so say so.
    const provLine =
      prov && prov.in_program !== false && !this.gapsOn
        ? `<br><span class="pm-tip-prov">${esc(t(lang, 'provinceTip', { name: provName, pct: formatPercent(lang, prov.coverage), covered: prov.covered_units ?? 0, comparable: prov.comparable_units ?? 0 }))}</span>`
        : '';
    if (this.gapsOn && !isPilot) {
      const g = this.gaps?.units.get(p.code);
      let lines = [t(lang, 'gapCovered')];
      if (g) {
        lines = [t(lang, 'notPilot')];
        const pilot = { name: g.nearest_pilot_name, name_en: g.nearest_pilot_name_en };
        if (g.distance_km === 0) lines.push(t(lang, 'nearestPilotAdjacent', { name: divisionName(lang, pilot), code: g.nearest_pilot_code }));
        else if (Number.isFinite(g.distance_km)) lines.push(t(lang, 'nearestPilot', { name: divisionName(lang, pilot), code: g.nearest_pilot_code, km: formatNumber(lang, g.distance_km) }));
        const far = this.gaps?.report?.far_km;
        if (g.cluster) lines.push(t(lang, 'gapCluster', { n: g.cluster }));
        else if (Number.isFinite(far) && Number.isFinite(g.distance_km)) lines.push(t(lang, 'clusterNone', { km: far }));
      }
      return `${head}<br>${lines.map((l) => `<span>${esc(l)}</span>`).join('<br>')}`;
    }
    let status = t(lang, 'notPilot');
    let fresh = '';
    if (isPilot) {
      const pl = kind === 'pilot' ? p : this.byCode.pilots.get(p.code)?.feature.properties || p;
      status = t(lang, 'pilotTip', { batch: batchName(lang, pl.batch) || '' }).replace(/ · $/, '');
      if (isNewUnit(pl)) fresh = `<br><span class="pm-tip-new">${esc(newLabel(lang, this.batches))}</span>`;
    }
    return `${head}<br><span class="${isPilot ? 'pm-tip-pilot' : ''}">${esc(status)}</span>${fresh}${provLine}`;
  }

  /** titleZoom words the zoom buttons' titles in the UI's language (Leaflet's are English). */
  titleZoom() {
    const zc = this.zoomControl;
    for (const [b, k] of [[zc?._zoomInButton, 'zoomIn'], [zc?._zoomOutButton, 'zoomOut']]) {
      if (!b) continue;
      b.title = t(this.lang, k);
      b.setAttribute('aria-label', t(this.lang, k));
    }
  }

  setLang(lang) {
    this.lang = lang;
    this.titleZoom();
    this.legend.render();
    this.inset.render();
    this.renderAttribution();
    this.drawClusters();
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
    this.map.getContainer().classList.toggle('pm-has-selection', !!this.selectedProvince);
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
    this.drawClusters();
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
   * zoom the national layers were fetched for. It asks for the view snapped
   * to the tile grid (the blocks of the fetch zoom − 2 covering it), so a
   * pan within the same blocks asks for the same URLs, cached by the
   * browser and the server, and a pan that makes a request stale aborts it.
   */
  async refine() {
    const fetchLayer = this.opts.fetchLayer;
    if (!fetchLayer || !this.unitsLayer) return;
    const z = Math.min(9, Math.round(this.map.getZoom()));
    if (z <= (this.dataZoom ?? 99)) return;
    const b = this.map.getBounds();
    const view = [Math.max(-180, b.getWest()), Math.max(-85, b.getSouth()), Math.min(180, b.getEast()), Math.min(85, b.getNorth())];
    // Each layer's bbox: the blocks of its fetch zoom − 2 covering the view.
    const gridBBox = (fz) => {
      const blocks = blocksCovering(view, Math.max(0, fz - 2));
      if (blocks.length === 0) return null;
      return [
        Math.min(...blocks.map((t) => t.bbox[0])),
        Math.min(...blocks.map((t) => t.bbox[1])),
        Math.max(...blocks.map((t) => t.bbox[2])),
        Math.max(...blocks.map((t) => t.bbox[3])),
      ];
    };
    const seq = (this.refineSeq = (this.refineSeq || 0) + 1);
    this.refineAbort?.abort();
    const ctl = (this.refineAbort = new AbortController());
    let fcs;
    const names = ['units', 'pilots', 'provinces'];
    if (this.gapsOn && this.gapsFC) names.push('gaps');
    const zooms = names.map((n) => Math.min(z, n === 'provinces' ? 7 : 9));
    const boxes = zooms.map(gridBBox);
    if (boxes.some((x) => x === null)) return;
    try {
      fcs = await Promise.all(names.map((n, i) => fetchLayer(n, zooms[i], boxes[i], { signal: ctl.signal })));
    } catch (err) {
      if (err?.name !== 'AbortError') console.warn('pilotmap: refine:', err);
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
    if (fcs[3] && this.gapsOn) {
      // The clusters in view, at the new zoom.
      const byId = new Map((fcs[3].features || []).map((f) => [String(f.id ?? f.properties?.id), f]));
      this.gapsFC = { ...this.gapsFC, features: this.gapsFC.features.map((f) => byId.get(String(f.id ?? f.properties?.id)) || f) };
      this.gapsZoom = z;
    }
    if (this.selectedProvince) this.select(this.selectedProvince, this.selectedUnit, { fit: false });
    else this.drawClusters();
  }

  /** view returns the current centre and zoom for the URL. */
  view() {
    const c = this.map.getCenter();
    return { zoom: this.map.getZoom(), lat: c.lat, lon: c.lng };
  }

  setView(v) {
    this.map.setView([v.lat, v.lon], v.zoom, { animate: false });
  }

  /**
   * obstacles returns the boxes of the map's own controls and the cluster
   * numbers, in the container's pixels (screen pixels divided by any CSS
   * scale of the container).
   */
  obstacles() {
    const c = this.map.getContainer();
    const cr = c.getBoundingClientRect();
    const k = c.offsetWidth ? cr.width / c.offsetWidth : 1;
    const boxes = [];
    for (const el of c.querySelectorAll('.leaflet-control, .pm-cluster-num')) {
      const r = el.getBoundingClientRect();
      if (r.width && r.height) boxes.push([(r.left - cr.left) / k, (r.top - cr.top) / k, (r.right - cr.left) / k, (r.bottom - cr.top) / k]);
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
    const add = (id, text, lonlat, cls, fontPx, priority, shift, far) => {
      if (!lonlat || !viewBounds.contains([lonlat[1], lonlat[0]])) return;
      const pt = map.latLngToContainerPoint([lonlat[1], lonlat[0]]);
      const w = this.measure(text, cls, fontPx) + 4 * s;
      const h = fontPx * 1.25;
      // Alternative spots around the anchor, nearest first (far: also
      // further out, south and east into the sea).
      const alts = shift ? [[0, -h], [0, h], [w * 0.6, 0], [-w * 0.6, 0], [w * 0.5, -h], [-w * 0.5, h]] : [];
      if (far) alts.push([w * 0.6, h], [w * 0.9, h * 0.5], [0, 1.8 * h], [w * 0.6, 1.8 * h], [-w * 0.6, 1.8 * h], [w * 1.2, 0]);
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
      // 台湾, 香港 and 澳门 are labelled on every map of China (香港 and 澳门
      // are tiny: they go first, and may move off into the sea).
      const mustLabel = OUTSIDE_PROGRAM.has(code);
      const pri = unitsMode && !mustLabel ? 100 : mustLabel ? 5000 : 1000 + small + (p.pilot_province ? 100 : 0) + (p.in_program === false ? -500 : 0) - Math.min(area / 1e4, 99);
      add('p' + code, text, labelOf(p) || centroidOf(layer), 'pm-label-province', 13 * s, pri, true, mustLabel);
    }
    if (unitsMode) {
      const inSel = (pc) => !this.selectedProvince || pc === this.selectedProvince;
      const seen = new Set();
      for (const [code, layer] of this.byCode.pilots) {
        const p = layer.feature.properties;
        if (!inSel(p.province_code)) continue;
        seen.add(code);
        add('u' + code, unitLabel(lang, p), labelOf(p) || centroidOf(layer), 'pm-label-unit pm-label-pilot', 12 * s, 3000 + (code === this.selectedUnit ? 1000 : 0), true);
      }
      for (const [code, layer] of this.byCode.units) {
        const p = layer.feature.properties;
        if (seen.has(code) || !inSel(p.province_code)) continue;
        add('u' + code, unitLabel(lang, p), labelOf(p) || centroidOf(layer), 'pm-label-unit' + (this.gapsOn ? ' ' + gapLabelClass(this.gaps?.units.get(code)) : ''), 12 * s, 2000 + (code === this.selectedUnit ? 1000 : 0) + Math.min((p.area_km2 || 0) / 1e3, 999), false);
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

  // ---- Gaps mode ----

  /** setGapsData hands in the gap report's index and the gaps layer. */
  setGapsData(index, fc, zoom) {
    this.gaps = index;
    this.gapsFC = fc;
    this.gapsZoom = zoom;
    if (this.gapsOn) {
      this.restyle();
      this.drawClusters();
    }
  }

  /** setGapsMode switches gaps mode on or off. */
  setGapsMode(on) {
    this.gapsOn = !!on;
    this.map.getContainer().classList.toggle('pm-gaps', this.gapsOn);
    this.restyle();
    this.legend.render();
    this.drawClusters();
    this.updateLabels();
  }

  /**
   * shownClusterList / shownClusters are the clusters outlined and
   * numbered: the national ones (the largest TOP_CLUSTERS), or with a
   * province selected the province's own. Each is {id, name, units, label, lines} with lines the
   * outline in lon/lat.
   */
  shownClusterList() {
    if (!this.gapsOn || !this.gaps) return [];
    const n = TOP_CLUSTERS;
    if (this.selectedProvince) return topClusters(provinceGaps(this.gaps, this.selectedProvince).clusters, n);
    return topClusters(this.gaps.clusters, n);
  }

  shownClusters() {
    if (!this.gapsOn || !this.gaps) return [];
    const minLen = 3 / 2 ** (this.gapsZoom ?? this.dataZoom ?? 4); // about 1 px at the data's zoom
    if (this.selectedProvince) {
      return this.shownClusterList().map((c) => {
        // A province's clusters come from its units' polygons, which share
        // their borders (the same topology as the gaps layer).
        const polys = [];
        for (const code of c.units || []) {
          const l = this.byCode.units.get(code);
          const g = l?.feature.geometry;
          if (g?.type === 'Polygon') polys.push(g.coordinates);
          else if (g?.type === 'MultiPolygon') polys.push(...g.coordinates);
        }
        return { ...c, lines: outlineLines({ type: 'MultiPolygon', coordinates: polys }, { minLen }) };
      });
    }
    const byId = new Map((this.gapsFC?.features || []).map((f) => [Number(f.properties?.id ?? f.id), f]));
    return this.shownClusterList().map((c) => {
      const f = byId.get(c.id);
      return { ...c, label: labelOf(f?.properties) || c.label, lines: f ? outlineLines(f.geometry, { minLen }) : [] };
    });
  }

  /** drawClusters redraws the cluster outlines and numbers. */
  drawClusters() {
    const g = this.clustersLayer;
    if (!g) return;
    g.clearLayers();
    const el = this.map.getContainer();
    const shown = this.shownClusters();
    el.dataset.clusters = String(shown.length);
    this.inset.setClusters(this.selectedProvince ? [] : shown.filter((c) => Array.isArray(c.label) && c.label[1] < SOUTH_EDGE));
    if (!shown.length) return;
    const s = this.scale;
    for (const c of shown) {
      if (c.lines.length) {
        g.addLayer(
          L.polyline(
            c.lines.map((line) => line.map(([x, y]) => [y, x])),
            { pane: 'pm-clusters', interactive: false, color: CLUSTER_LINE, weight: this.w(2.6), opacity: 1, lineJoin: 'round', lineCap: 'round', className: 'pm-cluster-line', smoothFactor: 0.5 },
          ),
        );
      }
    }
    // The numbers after the outlines, largest cluster on top.
    for (const c of [...shown].reverse()) {
      if (!Array.isArray(c.label)) continue;
      const size = Math.round(26 * s);
      const name = this.clusterName(c);
      const m = L.marker([c.label[1], c.label[0]], {
        pane: 'pm-cluster-nums',
        keyboard: false,
        title: name,
        alt: name,
        icon: L.divIcon({
          className: 'pm-cluster-num',
          html: String(c.id),
          iconSize: [size, size],
          iconAnchor: [size / 2, size / 2],
        }),
      });
      m.on('click', (e) => {
        L.DomEvent.stopPropagation(e);
        this.opts.onCluster?.(c);
      });
      g.addLayer(m);
      const ie = m.getElement();
      if (ie) {
        ie.dataset.cluster = String(c.id);
        ie.style.fontSize = (14 * s).toFixed(1) + 'px';
        ie.style.lineHeight = size - 4 * s + 'px';
      }
    }
  }

  /** clusterName names a cluster for tooltips: 那曲市等 292 个单位. */
  clusterName(c) {
    return clusterLabel(this.lang, c);
  }

  /** unitsBounds is the bounds of units drawn on the map, by code. */
  unitsBounds(codes) {
    let b = null;
    for (const code of codes || []) {
      const l = this.byCode.units.get(code) || this.byCode.pilots.get(code);
      if (!l) continue;
      b = b ? b.extend(l.getBounds()) : L.latLngBounds(l.getBounds().getSouthWest(), l.getBounds().getNorthEast());
    }
    return b;
  }

  /** zoomToCluster fits the view to a cluster's units. */
  zoomToCluster(c) {
    const b = this.unitsBounds(c.units);
    if (b) this.fitBounds(b, { padding: [this.w(36), this.w(36)], maxZoom: 9 });
  }
}

// OUTSIDE_PROGRAM are 台湾, 香港 and 澳门: outside the program, labelled on
// every national map.
const OUTSIDE_PROGRAM = new Set(['710000', '810000', '820000']);

// labelOf is a feature's label point [lon, lat] from its label_lon and
// label_lat properties (null when it has none).
function labelOf(p) {
  return Number.isFinite(p?.label_lon) && Number.isFinite(p?.label_lat) ? [p.label_lon, p.label_lat] : null;
}

/** The fill of units shown one by one (no variable): a light neutral grey. */
const NEUTRAL_UNIT = '#f4f6f8';

/** unitLabel is a unit's map label: its Chinese name, or in English its pinyin stem (Haidong). */
function unitLabel(lang, p) {
  if (lang === 'en' && p.name_en) return p.name_en.split(' ')[0];
  return p.name;
}

/** gapLabelClass picks the label style for a gap unit's fill: light text with a dark halo on the dark classes. */
function gapLabelClass(g) {
  return g && Number.isFinite(g.distance_km) && g.distance_km >= 100 ? 'pm-label-on-dark' : '';
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
      `<label class="pm-toggle" data-row="${layer}"><input type="checkbox" data-layer="${layer}" checked> ${swatch}<span>${label}</span></label>`;
    const open = this._div.querySelector('details')?.open ?? !window.matchMedia('(max-width: 640px), (max-height: 500px)').matches;
    let body;
    const fresh = newLegend(lang, o.newCodes.size, o.batches);
    if (o.gapsOn) {
      const rows = gapLegend()
        .map((c) => `<div class="pm-legend-row pm-gap-row" data-gap-class="${c.cls}">${sw('background:' + c.color)}<span>${c.cls === 0 ? tt('legendAdjacent') : esc(c.label)}</span></div>`)
        .join('');
      const n = o.shownClusterList().length;
      body = `<div class="pm-legend-head">${tt('legendGaps')}</div>
      ${rows}
      <div class="pm-legend-row">${sw('background:' + GAP_BASE)}<span>${tt('legendGapBase')}</span></div>
      ${box('pilots', tt('legendPilots'), sw('background:' + PALETTE.pilot))}
      <div class="pm-legend-row" data-row="clusters">${sw('', 'pm-sw-cluster')}<span>${esc(t(lang, n > 1 ? 'legendClusters' : 'legendClustersOne', { n }))}</span></div>
      ${box('units', tt('legendUnits'), sw('', 'pm-sw-units'))}
      ${box('labels', tt('legendLabels'), sw('', 'pm-sw-label'))}`;
    } else {
      body = `${box('coverage', tt('legendCoverage'), '')}
      <div class="pm-ramp">${ramp}</div>
      <div class="pm-legend-note">${tt('coverageByProvince')}</div>
      <div class="pm-legend-row">${sw('', 'pm-sw-zero')}<span>${tt('legendZero')}</span></div>
      <div class="pm-legend-row">${sw('background:' + PALETTE.outside + ';border-color:' + PALETTE.outsideLine)}<span>${tt('legendOutside')}</span></div>
      ${box('pilots', tt('legendPilots'), sw('background:' + PALETTE.pilot))}
      ${fresh ? `<div class="pm-legend-row pm-new-row" data-row="new" data-count="${o.newCodes.size}">${sw(NEW_SWATCH)}<span>${esc(fresh)}</span></div>` : ''}
      ${box('fullpromo', tt('legendFullPromo'), sw('', 'pm-sw-full'))}
      ${box('units', tt('legendUnits'), sw('', 'pm-sw-units'))}
      ${box('labels', tt('legendLabels'), sw('', 'pm-sw-label'))}`;
    }
    const what = `<details class="pm-what"><summary>${tt('comparableWhat')}</summary><p>${tt('comparableExplain')}</p></details>`;
    this._div.innerHTML = `<details ${open ? 'open' : ''}><summary>${tt('legend')}</summary>
      <div class="pm-legend-body">${body}${what}</div></details>`;
    for (const input of this._div.querySelectorAll('input[data-layer]')) {
      input.addEventListener('change', () => o.opts.onToggle?.(input.dataset.layer, input.checked));
    }
    const details = this._div.querySelector('details');
    details.addEventListener('toggle', () => o.updateLabels());
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
    if (this._clusterList) this.setClusters(this._clusterList);
  },
  fit() {
    if (!this._map2) return;
    this._map2.invalidateSize({ animate: false });
    this._map2.fitBounds(INSET_BOUNDS, { padding: [0, 0], animate: false });
  },
  setData(provincesFC, nanhaiFC, nanhaiLineFC) {
    if (!this._map2) {
      this._pending = [provincesFC, nanhaiFC, nanhaiLineFC];
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
    // The South China Sea line: one stroke per dash (the server's SVG draws
    // the same line, in the same colour).
    this._line = L.geoJSON(nanhaiLineFC, {
      interactive: false,
      className: 'pm-nanhai-line',
      style: () => ({ color: PALETTE.nanhaiLine, weight: w(1.6), opacity: 1, lineCap: 'butt' }),
    }).addTo(this._map2);
    let dashes = 0;
    this._line.eachLayer((l) => {
      dashes += l.getLatLngs().length;
      l.getElement?.()?.setAttribute('data-nanhai-line', '');
    });
    this._div.dataset.nanhaiDashes = String(dashes);
  },
  /** setClusters numbers the gap clusters whose label lies in the inset's sea. */
  setClusters(list) {
    this._clusterList = list;
    if (!this._map2) return;
    if (!this._clusters) this._clusters = L.layerGroup().addTo(this._map2);
    this._clusters.clearLayers();
    const s = this.options.owner.scale;
    for (const c of list || []) {
      const size = Math.round(22 * s);
      const m = L.marker([c.label[1], c.label[0]], {
        keyboard: false,
        interactive: false,
        icon: L.divIcon({ className: 'pm-cluster-num pm-cluster-num-inset', html: String(c.id), iconSize: [size, size], iconAnchor: [size / 2, size / 2] }),
      }).addTo(this._clusters);
      const ie = m.getElement();
      if (ie) {
        ie.dataset.cluster = String(c.id);
        ie.style.fontSize = (12 * s).toFixed(1) + 'px';
      }
    }
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
