// The side panel (a bottom sheet on phones): breadcrumbs, the national
// dashboard and a province's details. Plain DOM; every figure comes from the
// API responses handed in, none is written here.
import { t, provinceName, formatNumber, formatPercent, formatArea, divisionName, clusterLabel } from './i18n.js';
import { coverageClass, coverageColor } from './colors.js';
import { gapColor, provinceGaps, TOP_CLUSTERS } from './gaps.js';
import { newLabel } from './newunits.js';

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'style') e.style.cssText = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
}

/** applyI18n fills every [data-i18n] element (and placeholders, labels). */
export function applyI18n(root, lang) {
  for (const e of root.querySelectorAll('[data-i18n]')) e.textContent = t(lang, e.dataset.i18n);
  for (const e of root.querySelectorAll('[data-i18n-placeholder]')) e.placeholder = t(lang, e.dataset.i18nPlaceholder);
  for (const e of root.querySelectorAll('[data-i18n-aria]')) e.setAttribute('aria-label', t(lang, e.dataset.i18nAria));
  for (const e of root.querySelectorAll('[data-i18n-title]')) e.title = t(lang, e.dataset.i18nTitle);
}

/**
 * Panel renders into the static skeleton of index.html. actions:
 * {province(code), unit(code), nation(), cluster(cluster)}.
 */
export class Panel {
  constructor(actions) {
    this.actions = actions;
    this.lang = 'zh';
    this.data = null; // {stats, provinceStats, regions, provinces, fresh}; fresh: {codes, batches}, the units new in the selected batches
    this.detail = null; // /api/v1/provinces/{code}
    this.province = null;
    this.unit = null;
    this.gapsOn = false;
    this.gaps = null; // indexGaps(/api/v1/gaps), once loaded
  }

  /** setGaps switches the panel to gaps mode (index: the report, or null while loading). */
  setGaps(on, index) {
    this.gapsOn = !!on;
    if (index) this.gaps = index;
    this.render();
  }

  /** placeholderRegions stands in before the data, so the table keeps its size. */
  placeholderRegions() {
    return [1, 2, 3, 4].map((i) => ({ key: 'r' + i, name: '\u00a0', units: NaN, coverage: NaN, provinces_with_units: NaN, provinces: [] }));
  }

  setData(data) {
    this.data = data;
    this.render();
  }

  setLang(lang) {
    this.lang = lang;
    this.render();
  }

  provinceInfo(code) {
    return this.data?.provinces?.find((p) => p.code === code) || null;
  }

  /** show sets the selection; detail is the province document once loaded. */
  show(province, unit, detail) {
    this.province = province;
    this.unit = unit;
    this.detail = detail && detail.code === province ? detail : null;
    this.render();
  }

  render() {
    this.renderCrumbs();
    const inDetail = !!this.province;
    $('dash').hidden = inDetail || this.gapsOn;
    $('gaps-nation').hidden = inDetail || !this.gapsOn;
    $('detail').hidden = !inDetail;
    this.renderDashboard();
    if (this.gapsOn && !inDetail) this.renderGapsNation();
    if (inDetail) this.renderDetail();
    this.renderExports();
  }

  /** renderExports points the CSV downloads at the UI's language. */
  renderExports() {
    $('x-units').href = '/api/v1/export/units.csv?lang=' + this.lang;
    $('x-provinces').href = '/api/v1/export/provinces.csv?lang=' + this.lang;
    $('x-gaps').href = '/api/v1/export/gaps.csv?lang=' + this.lang;
  }

  regionName(key) {
    const r = (this.gaps?.report.regions || this.data?.regions || []).find((x) => x.key === key);
    if (!r) return key;
    return this.lang === 'en' ? r.name_en || r.name : r.name;
  }

  /** clusterItem is a cluster's row: its number, name, area, farthest distance; click zooms. */
  clusterItem(c) {
    const lang = this.lang;
    const name = clusterLabel(lang, c);
    const np = (c.province_codes || []).length;
    const sub = t(lang, np > 1 ? 'clusterSub' : 'clusterSubOne', { area: formatArea(lang, c.area_km2), km: formatNumber(lang, c.max_distance_km ?? NaN), p: np });
    return el(
      'li',
      {},
      el(
        'button',
        { type: 'button', class: 'cluster', 'data-cluster': String(c.id), onclick: () => this.actions.cluster?.(c) },
        el('span', { class: 'cluster-num', 'aria-hidden': 'true', text: String(c.id) }),
        el('span', { class: 'cluster-text' }, el('span', { class: 'cluster-name', text: name }), el('span', { class: 'cluster-sub', text: sub })),
      ),
    );
  }

  /** renderGapsNation fills the national gaps panel from /api/v1/gaps. */
  renderGapsNation() {
    const lang = this.lang;
    const box = $('g-body');
    const ix = this.gaps;
    if (!ix) {
      box.replaceChildren(el('p', { class: 'note', text: t(lang, 'loadingGaps') }));
      return;
    }
    const r = ix.report;
    const units = r.uncovered_units || [];
    const comparable = this.data?.stats?.comparable_units;
    const farthest = units.reduce((a, u) => (Number.isFinite(u.distance_km) && (!a || u.distance_km > a.distance_km) ? u : a), null);
    const card = (label, value, note, cls = '') => el('div', { class: 'card ' + cls }, el('div', { class: 'card-label', text: label }), el('div', { class: 'card-value', text: value }), el('div', { class: 'card-note', text: note || '\u00a0' }));
    const parts = [
      el(
        'div',
        { class: 'cards cards-3' },
        card(t(lang, 'gapsUncovered'), formatNumber(lang, units.length), Number.isFinite(comparable) ? t(lang, 'gapsUncoveredNote', { comparable: formatNumber(lang, comparable) }) : ''),
        card(t(lang, 'gapsClusters'), formatNumber(lang, ix.clusters.length), t(lang, 'gapsClustersNote', { km: r.far_km ?? '—' })),
        card(t(lang, 'gapsFarthest'), farthest ? formatNumber(lang, farthest.distance_km) + ' km' : '—', farthest ? divisionName(lang, farthest) : ''),
      ),
      el('h3', { text: t(lang, 'gapsLargest') }),
      el('p', { class: 'rule', id: 'g-rule', text: t(lang, 'clusterRule', { km: r.far_km ?? '—' }) }),
      el('p', { class: 'note', text: t(lang, 'gapsLargestNote', { n: TOP_CLUSTERS }) }),
      el('ol', { class: 'clusters', id: 'g-clusters' }, ix.clusters.map((c) => this.clusterItem(c))),
    ];
    if (ix.withoutUnits.length) {
      parts.push(
        el('h3', { text: t(lang, 'withoutUnits') }),
        el(
          'ul',
          { class: 'units', id: 'g-without' },
          ix.withoutUnits.map((code) => {
            const p = this.provinceInfo(code);
            const n = p?.comparable_units ?? units.filter((u) => u.province_code === code).length;
            return el('li', {}, el('button', { type: 'button', class: 'unit unit-zero', 'data-code': code, onclick: () => this.actions.province(code), text: t(lang, 'withoutUnitsItem', { name: p ? provinceName(lang, code, p.name) : code, n }) }));
          }),
        ),
      );
    }
    const pps = [...(r.pilot_provinces || [])].sort((a, b) => b.uncovered_share - a.uncovered_share || a.code.localeCompare(b.code));
    if (pps.length) {
      parts.push(
        el('h3', { text: t(lang, 'pilotProvincesGaps') }),
        el('p', { class: 'note', text: t(lang, 'pilotProvincesGapsNote') }),
        el(
          'table',
          { class: 'gaps-table', id: 'g-pilot-provinces' },
          el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t(lang, 'thProvince') }), el('th', { scope: 'col', text: t(lang, 'thCovered') }), el('th', { scope: 'col', text: t(lang, 'thUncoveredShare') }))),
          el(
            'tbody',
            {},
            pps.map((p) =>
              el(
                'tr',
                { 'data-code': p.code },
                el('th', { scope: 'row' }, el('button', { type: 'button', class: 'linkish', onclick: () => this.actions.province(p.code), text: provinceName(lang, p.code, p.name) })),
                el('td', { text: `${formatNumber(lang, p.covered)} / ${formatNumber(lang, p.comparable)}` }),
                el('td', {}, formatPercent(lang, p.uncovered_share), el('span', { class: 'share-meter', 'aria-hidden': 'true' }, el('span', { style: `width:${Math.min(100, (p.uncovered_share || 0) * 100).toFixed(1)}%` }))),
              ),
            ),
          ),
        ),
      );
    }
    const iq = r.inequality;
    if (iq) {
      parts.push(el('h3', { text: t(lang, 'inequality') }));
      if (iq.best_region && iq.worst_region) {
        parts.push(
          el('p', {
            class: 'inequality',
            id: 'g-inequality',
            text: t(lang, 'inequalityText', {
              best: this.regionName(iq.best_region),
              worst: this.regionName(iq.worst_region),
              bestPct: formatPercent(lang, iq.best_coverage),
              worstPct: formatPercent(lang, iq.worst_coverage),
              spread: formatNumber(lang, (iq.region_spread || 0) * 100, 1),
              n: iq.provinces,
              gini: formatNumber(lang, iq.province_gini, 2),
            }),
          }),
        );
      } else if (iq.summary) parts.push(el('p', { class: 'inequality', id: 'g-inequality', text: iq.summary }));
      const regions = r.regions || [];
      if (regions.length) {
        parts.push(
          el(
            'table',
            { class: 'gaps-table gaps-regions' },
            el('thead', {}, el('tr', {}, ...['thRegion', 'thCoverage', 'thUncovered', 'thMaxDistance'].map((k) => el('th', { scope: 'col', text: t(lang, k) })))),
            el(
              'tbody',
              {},
              regions.map((g) =>
                el(
                  'tr',
                  { 'data-region': g.key },
                  el('th', { scope: 'row', text: lang === 'en' ? g.name_en || g.name : g.name }),
                  el('td', { text: formatPercent(lang, g.coverage) }),
                  el('td', { text: `${formatNumber(lang, g.uncovered)} / ${formatNumber(lang, g.comparable)}` }),
                  el('td', { text: Number.isFinite(g.max_distance_km) ? formatNumber(lang, g.max_distance_km) + ' km' : '—' }),
                ),
              ),
            ),
          ),
        );
      }
    }
    if (ix.noPolygon.length) {
      parts.push(
        el('h3', { text: t(lang, 'noPolygon') }),
        el('p', { class: 'note', id: 'g-no-polygon-why', text: t(lang, 'noPolygonWhy') }),
        el('ul', { class: 'units units-chips', id: 'g-no-polygon' }, ix.noPolygon.map((u) => el('li', {}, el('span', { class: 'unit unit-static', 'data-code': u.code, title: t(lang, 'noPolygonItem') }, el('span', { class: 'unit-name', text: divisionName(lang, u) }), el('span', { class: 'unit-sub', text: provinceName(lang, u.province_code, this.provinceInfo(u.province_code)?.name || '', true) }))))),
      );
    }
    box.replaceChildren(...parts);
  }

  /** renderProvinceGaps fills a province's gaps: its clusters and its uncovered units by distance. */
  renderProvinceGaps(outside) {
    const lang = this.lang;
    const box = $('d-gaps');
    box.hidden = !this.gapsOn || outside;
    $('d-lists').hidden = outside || this.gapsOn;
    if (box.hidden) return;
    if (!this.gaps) {
      box.replaceChildren(el('p', { class: 'note', text: t(lang, 'loadingGaps') }));
      return;
    }
    const g = provinceGaps(this.gaps, this.province);
    const parts = [];
    if (!g.units.length) {
      box.replaceChildren(el('p', { class: 'status status-ok', text: t(lang, 'provinceNoGaps') }));
      return;
    }
    parts.push(el('h3', { text: t(lang, 'provinceClusters', { n: g.clusters.length }) }), el('ol', { class: 'clusters', id: 'd-clusters' }, g.clusters.map((c) => this.clusterItem(c))));
    parts.push(
      el('h3', { text: t(lang, 'provinceGapUnits', { n: g.units.length }) }),
      el(
        'ul',
        { class: 'units gap-units', id: 'd-gap-units' },
        g.units.map((u) => {
          const drawn = u.has_polygon !== false;
          const km = u.distance_km;
          const dist = !drawn ? t(lang, 'noPolygonItem') : km === 0 ? t(lang, 'adjacent') : Number.isFinite(km) ? formatNumber(lang, km) + ' km' : '—';
          const attrs = { class: 'unit gap-unit' + (u.code === this.unit ? ' is-selected' : '') + (drawn ? '' : ' unit-static'), 'data-code': u.code, 'data-distance-km': Number.isFinite(km) ? String(km) : null };
          const pilot = { name: u.nearest_pilot_name, name_en: u.nearest_pilot_name_en };
          const near = !drawn ? t(lang, 'noPolygonWhy') : u.nearest_pilot_code ? (km === 0 ? t(lang, 'nearestPilotAdjacent', { name: divisionName(lang, pilot), code: u.nearest_pilot_code }) : t(lang, 'nearestPilot', { name: divisionName(lang, pilot), code: u.nearest_pilot_code, km: formatNumber(lang, km) })) : '';
          const kids = [
            el('span', { class: 'gap-sw', 'aria-hidden': 'true', style: `background:${gapColor(km)}` }),
            el('span', { class: 'gap-text' }, el('span', { class: 'unit-name', text: divisionName(lang, u) }), near ? el('span', { class: 'unit-sub gap-near', text: near }) : null),
            el('span', { class: 'gap-km', text: dist }),
          ];
          if (!drawn) return el('li', {}, el('span', attrs, ...kids));
          return el('li', {}, el('button', { type: 'button', ...attrs, 'aria-pressed': u.code === this.unit ? 'true' : 'false', onclick: () => this.actions.unit(u.code) }, ...kids));
        }),
      ),
    );
    box.replaceChildren(...parts);
  }

  renderCrumbs() {
    const lang = this.lang;
    const nav = $('crumbs');
    const items = [{ text: t(lang, 'nation'), go: () => this.actions.nation() }];
    if (this.province) {
      const p = this.provinceInfo(this.province) || this.detail;
      items.push({ text: p ? provinceName(lang, p.code, p.name) : this.province, go: () => this.actions.province(this.province) });
    }
    if (this.unit) {
      const u = this.unitName(this.unit);
      items.push({ text: u || this.unit });
    }
    const ol = el('ol');
    items.forEach((it, i) => {
      const last = i === items.length - 1;
      ol.append(el('li', {}, last ? el('span', { 'aria-current': 'page', text: it.text }) : el('button', { type: 'button', class: 'crumb', onclick: it.go, text: it.text })));
    });
    nav.replaceChildren(ol);
  }

  unitName(code) {
    const d = this.detail;
    if (!d) return null;
    const pu = (d.pilot_units || []).find((u) => u.code === code);
    if (pu) return divisionName(this.lang, pu);
    const cu = (d.comparable_unit_list || []).find((u) => u.code === code);
    return cu ? divisionName(this.lang, cu) : null;
  }

  renderDashboard() {
    const lang = this.lang;
    if (!this.data) {
      this.renderRegions([]);
      return;
    }
    const { stats, provinceStats, regions } = this.data;
    const mainland = provinceStats || [];
    $('s-units').textContent = formatNumber(lang, stats.units);
    $('s-units-note').textContent = t(lang, 'statUnitsNote', { n: formatNumber(lang, stats.provinces_with_units) });
    $('s-provinces').textContent = formatNumber(lang, stats.provinces_with_units);
    $('s-provinces-note').textContent = t(lang, 'statOfProvinces', { n: mainland.length });
    $('s-pilot-provinces').textContent = formatNumber(lang, stats.pilot_provinces);
    $('s-coverage').textContent = formatPercent(lang, stats.coverage);
    $('s-coverage-note').textContent = t(lang, 'statCovered', { covered: formatNumber(lang, stats.covered_units), comparable: formatNumber(lang, stats.comparable_units) });
    $('s-area').textContent = formatArea(lang, stats.covered_area_km2);
    $('s-area-note').textContent = stats.area_km2 ? t(lang, 'statAreaShare', { share: formatPercent(lang, stats.covered_area_km2 / stats.area_km2) }) : '';

    this.renderRegions(regions);
    // Units per province, sorted.
    const rows = [...mainland].sort((a, b) => b.units - a.units || b.coverage - a.coverage || a.code.localeCompare(b.code));
    const max = Math.max(1, ...rows.map((r) => r.units));
    const bars = $('bars');
    bars.replaceChildren(
      ...rows.map((r) =>
        el(
          'li',
          {},
          el(
            'button',
            {
              type: 'button',
              class: 'bar' + (r.units ? '' : ' bar-zero'),
              'data-code': r.code,
              onclick: () => this.actions.province(r.code),
              'aria-label': `${provinceName(lang, r.code, r.name)} ${r.units}`,
            },
            el('span', { class: 'bar-name' }, provinceName(lang, r.code, r.name, true), r.pilot_province ? el('span', { class: 'star', 'aria-hidden': 'true', text: '★' }) : null),
            el('span', { class: 'bar-track', 'aria-hidden': 'true' }, el('span', { class: 'bar-fill', style: `width:${((r.units / max) * 100).toFixed(1)}%` })),
            el('span', { class: 'bar-value', text: r.units ? formatNumber(lang, r.units) : t(lang, 'noPilots') }),
          ),
        ),
      ),
    );
  }

  /** renderRegions draws the regions side by side: one column per region. */
  renderRegions(regions) {
    const lang = this.lang;
    const rs = regions && regions.length ? regions : this.placeholderRegions();
    const cell = (tag, attrs, ...c) => el(tag, attrs, ...c);
    const row = (label, f, cls) => cell('tr', { class: cls }, cell('th', { scope: 'row', text: label }), ...rs.map((r) => cell('td', {}, f(r))));
    $('regions').replaceChildren(
      cell(
        'table',
        { class: 'regions-table' },
        cell('thead', {}, cell('tr', {}, cell('td', {}), ...rs.map((r) => cell('th', { scope: 'col', 'data-region': r.key, text: lang === 'en' ? r.name_en || r.name : r.name })))),
        cell(
          'tbody',
          {},
          row(t(lang, 'regionUnits'), (r) => formatNumber(lang, r.units), 'row-units'),
          row(t(lang, 'regionCoverage'), (r) => [
            formatPercent(lang, r.coverage),
            el('span', { class: 'region-meter', 'aria-hidden': 'true' }, el('span', { style: `width:${Math.min(100, (r.coverage || 0) * 100).toFixed(1)}%` })),
          ]),
          row(t(lang, 'regionProvinces'), (r) => `${formatNumber(lang, r.provinces_with_units)} / ${formatNumber(lang, (r.provinces || []).length)}`),
        ),
      ),
    );
  }

  renderDetail() {
    const lang = this.lang;
    const code = this.province;
    // Figures from the province list; the detail document adds the lists
    // (pilot_units, comparable_unit_list).
    const p = { ...(this.detail || {}), ...(this.provinceInfo(code) || {}) };
    $('d-name').textContent = p.name ? provinceName(lang, code, p.name) : code;
    $('d-badge').hidden = !p.pilot_province;
    const outside = p.in_program === false;
    const status = outside ? t(lang, 'notInProgram') : p.units === 0 ? t(lang, 'noPilots') : '';
    $('d-status').textContent = status;
    $('d-status').hidden = !status;
    $('d-status').className = 'status' + (outside ? ' status-outside' : ' status-zero');
    $('d-figures').hidden = outside;
    $('d-units').textContent = formatNumber(lang, p.units);
    $('d-coverage').textContent = formatPercent(lang, p.coverage);
    const cls = coverageClass(p.coverage, !outside);
    $('d-coverage-sw').style.background = cls > 0 ? coverageColor(cls) : '';
    $('d-coverage-note').textContent = t(lang, 'statCovered', { covered: p.covered_units ?? '—', comparable: p.comparable_units ?? '—' });
    $('d-area').textContent = formatArea(lang, p.covered_area_km2);
    $('d-area-note').textContent = p.area_km2 ? t(lang, 'statAreaShare', { share: formatPercent(lang, p.covered_area_km2 / p.area_km2) }) : '';

    const pilots = this.detail?.pilot_units || [];
    const comps = this.detail?.comparable_unit_list || [];
    const uncovered = comps.filter((u) => !u.pilot);
    $('d-lists').hidden = outside;
    $('d-pilots-title').textContent = t(lang, 'pilotUnits', { n: this.detail ? pilots.length : '…' });
    $('d-uncovered-title').textContent = t(lang, 'uncovered', { n: this.detail ? uncovered.length : '…' });
    const unitButton = (u, pilot) => {
      const sub = [];
      if (pilot && u.written && u.written !== u.name) sub.push(t(lang, 'written', { w: u.written }));
      if (pilot && u.comparable_code && u.comparable_code !== u.code && u.comparable_name) sub.push(lang === 'en' && u.comparable_name_en ? u.comparable_name_en : u.comparable_name);
      if (lang === 'en' && u.name_en) sub.unshift(u.name);
      // A pilot unit new in the selected batches: its comparable unit is one the map draws new.
      const fresh = this.data?.fresh;
      const isNew = pilot && !!fresh?.codes.has(u.comparable_code || u.code);
      return el(
        'li',
        {},
        el(
          'button',
          {
            type: 'button',
            class: 'unit' + (pilot ? ' unit-pilot' : '') + (isNew ? ' unit-new' : '') + (u.code === this.unit ? ' is-selected' : ''),
            'data-code': u.code,
            'data-new': isNew ? 'true' : null,
            'aria-pressed': u.code === this.unit ? 'true' : 'false',
            onclick: () => this.actions.unit(u.code),
          },
          el('span', { class: 'unit-name', text: divisionName(lang, u) }),
          isNew ? el('span', { class: 'unit-new-tag', text: newLabel(lang, fresh.batches) }) : null,
          sub.length ? el('span', { class: 'unit-sub', text: sub.join(' · ') }) : null,
        ),
      );
    };
    $('d-pilots').replaceChildren(...pilots.map((u) => unitButton(u, true)));
    $('d-uncovered').replaceChildren(...uncovered.map((u) => unitButton(u, false)));
    this.renderProvinceGaps(outside);
  }
}
