// The UI's words in zh-CN (default) and English, and number formatting.
// Pure: t() takes the language explicitly, so tests need no DOM.

const zh = {
  title: '创建幸福家庭活动试点覆盖图',
  subtitle: '依据 {doc}',
  search: '搜索',
  searchPlaceholder: '地名、简称或代码，如 海东',
  searchNone: '未找到“{q}”',
  searchResults: '搜索结果',
  langSwitch: 'English',
  langSwitchLabel: 'Switch to English',
  nation: '全国',
  breadcrumbs: '位置',
  overview: '全国概况',
  statUnits: '试点单位',
  statProvinces: '有试点的省份',
  statPilotProvinces: '全面推进试点省',
  statCoverage: '可比单位覆盖率',
  statArea: '试点覆盖面积',
  statOfProvinces: '共 {n} 个省级单位',
  statUnitsNote: '分布在 {n} 个省（区、市）',
  statCovered: '{covered} / {comparable} 个可比单位',
  statAreaShare: '占 {share}',
  byProvince: '各省试点单位数',
  byProvinceNote: '按试点单位数排序；★ 全面推进试点省',
  regions: '四大区域',
  regionUnits: '试点单位',
  regionProvinces: '有试点省份',
  regionCoverage: '覆盖率',
  pilotProvince: '全面推进试点省',
  notInProgram: '不在试点范围',
  noPilots: '无试点单位',
  pilotUnits: '试点单位（{n}）',
  uncovered: '尚无试点的可比单位（{n}）',
  provinceUnits: '试点单位',
  provinceCoverage: '覆盖率',
  provinceArea: '覆盖面积',
  written: '原文“{w}”',
  pilotTip: '试点单位 · {batch}',
  batch: '第{n}批',
  notPilot: '非试点',
  coverageTip: '覆盖率 {pct}（{covered}/{comparable}）',
  unitsTip: '试点单位 {n} 个',
  legend: '图例与图层',
  legendCoverage: '覆盖率（有试点的可比单位占比）',
  legendZero: '0（无试点）',
  legendPilots: '试点单位',
  legendFullPromo: '全面推进试点省',
  legendOutside: '不在试点范围',
  legendUnits: '可比单位界线',
  legendLabels: '地名注记',
  inset: '南海诸岛',
  approval: '审图号：{n}',
  loading: '加载中…',
  loadError: '数据加载失败：{msg}',
  sheetExpand: '展开面板',
  sheetCollapse: '收起面板',
  zoomIn: '放大',
  zoomOut: '缩小',
  mapLabel: '试点覆盖地图',
  panelLabel: '统计与详情',
  // gaps mode
  modeLabel: '专题',
  modeCoverage: '覆盖',
  modeGaps: '空白',
  modeCoverageLabel: '试点覆盖图',
  modeGapsLabel: '空白区域图（无试点的可比单位）',
  titleGaps: '创建幸福家庭活动试点空白区域图',
  legendGaps: '无试点的可比单位：距最近试点单位',
  legendAdjacent: '0（与试点单位相邻）',
  legendGapBase: '有试点的可比单位',
  legendClusters: '无试点单位最大连片区（1–{n}）',
  legendClustersOne: '无试点单位连片区',
  gapCovered: '下辖试点单位',
  gapAdjacent: '与试点单位相邻',
  gapDistance: '距最近试点单位 {km} km',
  gapCluster: '连片区 {n}',
  clusterName: '{name}等 {n} 个单位',
  gapsTitle: '空白区域',
  gapsUncovered: '无试点的可比单位',
  gapsUncoveredNote: '共 {comparable} 个可比单位',
  gapsClusters: '连片空白区',
  gapsClustersNote: '距所有试点 {km} km 以上的相邻单位',
  gapsFarthest: '距试点最远',
  gapsLargest: '最大连片区',
  gapsLargestNote: '按面积排序；地图标注前 {n} 个，点击缩放',
  clusterSub: '{area} · 最远 {km} km · {p} 个省份',
  clusterSubUnits: '{n} 个单位',
  clusterSubOne: '{area} · 最远 {km} km',
  withoutUnits: '没有试点单位的省份',
  withoutUnitsItem: '{name}：{n} 个可比单位均无试点',
  pilotProvincesGaps: '全面推进试点省的空白',
  pilotProvincesGapsNote: '未覆盖占比 = 无试点的可比单位 / 可比单位',
  thProvince: '省份',
  thCovered: '已覆盖',
  thUncoveredShare: '未覆盖占比',
  inequality: '区域差异',
  inequalityText: '覆盖率最高为{best}（{bestPct}），最低为{worst}（{worstPct}），相差 {spread} 个百分点；{n} 个省份覆盖率的基尼系数为 {gini}（0 为均衡，1 为高度集中）。',
  thRegion: '区域',
  thCoverage: '覆盖率',
  thUncovered: '无试点',
  thMaxDistance: '最远',
  noPolygon: '无边界数据的单位（列出，未绘制）',
  noPolygonItem: '无边界数据，未绘制',
  provinceClusters: '连片空白区（{n}）',
  provinceGapUnits: '无试点的可比单位（{n}），按距最近试点单位排序',
  provinceNoGaps: '所有可比单位均有试点。',
  adjacent: '相邻',
  loadingGaps: '正在计算空白区域…',
  // exports
  exports: '导出数据',
  exportTables: '表格（CSV，Excel 可直接打开）',
  exportUnits: '单位表',
  exportProvinces: '省份表',
  exportGaps: '空白单位表',
  exportLayers: '图层（GeoJSON）',
  layerProvinces: '省界',
  layerUnits: '可比单位',
  layerPilots: '试点单位',
  layerNanhai: '南海诸岛',
  layerGaps: '空白连片区',
  // presentation mode
  present: '演示',
  presentLabel: '演示模式：固定版式，可导出 PNG',
  presentExit: '退出演示',
  presentExport: '导出 PNG',
  presentExporting: '正在导出…',
  presentExported: '已导出 {name}',
  presentExportError: '导出失败：{msg}',
  presentDrawError: '地图加载失败：{msg}',
  presentLayout: '版式',
  layoutA4: 'A4 横向',
  presentNoApproval: '未配置审图号',
  presentNoApprovalTip: '以 pilotmap serve --approval-number 或 PILOTMAP_APPROVAL_NUMBER 配置后，图上显示“审图号：…”一行',
  editTitle: '标题（留空为默认）',
  editSubtitle: '副标题（留空为默认）',
  sourcesLine: '数据来源：{s}',
  dateLine: '制图日期：{d}',
  statsNational: '试点单位 {units} 个，分布在 {provinces} 个省级单位；全面推进试点省 {pilotProvinces} 个；可比单位覆盖 {covered} / {comparable}（{pct}）',
  statsProvince: '{name}：试点单位 {units} 个，可比单位覆盖 {covered} / {comparable}（{pct}）',
  statsGaps: '无试点的可比单位 {n} 个；最大连片区：{cluster}，{area}',
  statsGapsProvince: '{name}：无试点的可比单位 {n} 个',
  subtitleProvince: '{name} · {sub}',
  comparableWhat: '什么是可比单位？',
  comparableExplain: '可比单位是同一层级、可以相互比较的单位：地级市、自治州、地区、盟，省直管的县级单位，以及北京、天津、上海、重庆的区县。一个可比单位或其下辖单位有试点，即算“有试点”。覆盖率 = 有试点的可比单位 ÷ 可比单位。',
  coverageByProvince: '各省覆盖率按省填色；省内各单位不另填色',
  provinceTip: '{name}：覆盖率 {pct}（{covered}/{comparable}）',
  nearestPilot: '最近试点：{name}（{code}），{km} km',
  nearestPilotAdjacent: '与试点{name}（{code}）相邻',
  clusterRule: '连片空白区：距所有试点单位都在 {km} km 以上、彼此相邻的无试点单位连成的片，按面积排序；{km} km 以内的单位由最近的试点单位就近覆盖，不计入连片区。',
  clusterNone: '不在连片区（{km} km 内有试点）',
  noPolygonWhy: '这些兵团城市设立晚于边界数据（echarts 4.9.0，约 2016 年），无法绘制或计算距离；仍计入无试点的可比单位。',
  zoomIn: '放大',
  zoomOut: '缩小',
  wallTheme: '深色',
  sheetHandle: '拖动或点按以展开或收起面板',
  newInBatch: '本批新增',
  newInBatches: '所选批次新增',
  legendNew: '本批新增（{n} 个单位）',
  legendNewBatches: '所选批次新增（{n} 个单位）',
  presentBatch: '第{n}批',
  presentBatches: '第{n}批',
};

const en = {
  title: 'Creating Happy Families: pilot coverage',
  subtitle: 'Per notice {doc}',
  search: 'Search',
  searchPlaceholder: 'Name, short form or code, e.g. 海东',
  searchNone: 'No match for “{q}”',
  searchResults: 'Search results',
  langSwitch: '中文',
  langSwitchLabel: '切换到中文',
  nation: 'China',
  breadcrumbs: 'Location',
  overview: 'National overview',
  statUnits: 'Pilot units',
  statProvinces: 'Provinces with pilots',
  statPilotProvinces: 'Full-promotion provinces',
  statCoverage: 'Comparable units covered',
  statArea: 'Area covered',
  statOfProvinces: 'of {n} provinces',
  statUnitsNote: 'in {n} provinces',
  statCovered: '{covered} of {comparable} comparable units',
  statAreaShare: '{share} of the land',
  byProvince: 'Pilot units by province',
  byProvinceNote: 'Sorted by pilot units; ★ full-promotion province',
  regions: 'The four regions',
  regionUnits: 'Pilot units',
  regionProvinces: 'Provinces with pilots',
  regionCoverage: 'Coverage',
  pilotProvince: 'Full-promotion pilot province',
  notInProgram: 'Not in the program',
  noPilots: 'No pilot unit',
  pilotUnits: 'Pilot units ({n})',
  uncovered: 'Comparable units without a pilot ({n})',
  provinceUnits: 'Pilot units',
  provinceCoverage: 'Coverage',
  provinceArea: 'Area covered',
  written: 'written “{w}”',
  pilotTip: 'Pilot unit · {batch}',
  batch: 'batch {n}',
  notPilot: 'Not a pilot',
  coverageTip: 'Coverage {pct} ({covered}/{comparable})',
  unitsTip: '{n} pilot units',
  legend: 'Legend and layers',
  legendCoverage: 'Coverage (share of comparable units with a pilot)',
  legendZero: '0 (no pilot)',
  legendPilots: 'Pilot units',
  legendFullPromo: 'Full-promotion pilot province',
  legendOutside: 'Not in the program',
  legendUnits: 'Comparable unit borders',
  legendLabels: 'Place names',
  inset: 'South China Sea Islands',
  approval: 'Approval no. {n}',
  loading: 'Loading…',
  loadError: 'Could not load data: {msg}',
  sheetExpand: 'Expand panel',
  sheetCollapse: 'Collapse panel',
  zoomIn: 'Zoom in',
  zoomOut: 'Zoom out',
  mapLabel: 'Pilot coverage map',
  panelLabel: 'Figures and details',
  // gaps mode
  modeLabel: 'Theme',
  modeCoverage: 'Coverage',
  modeGaps: 'Gaps',
  modeCoverageLabel: 'Coverage map',
  modeGapsLabel: 'Gaps map (comparable units without a pilot)',
  titleGaps: 'Creating Happy Families: where the pilots do not reach',
  legendGaps: 'Units without a pilot: distance to the nearest pilot unit',
  legendAdjacent: '0 (borders a pilot unit)',
  legendGapBase: 'Comparable units with a pilot',
  legendClusters: 'Largest clusters of units without a pilot (1–{n})',
  legendClustersOne: 'Cluster of units without a pilot',
  gapCovered: 'Holds a pilot below it',
  gapAdjacent: 'borders a pilot unit',
  gapDistance: '{km} km to the nearest pilot unit',
  gapCluster: 'cluster {n}',
  clusterName: '{name} and {more} more units',
  clusterNameTwo: '{name} and 1 more unit',
  gapsTitle: 'Gaps',
  gapsUncovered: 'Comparable units without a pilot',
  gapsUncoveredNote: 'of {comparable} comparable units',
  gapsClusters: 'Gap clusters',
  gapsClustersNote: 'neighbours {km} km or more from every pilot',
  gapsFarthest: 'Farthest from a pilot',
  gapsLargest: 'Largest clusters',
  gapsLargestNote: 'By area; the map numbers the first {n}; click to zoom',
  clusterSub: '{area} · up to {km} km · {p} provinces',
  clusterSubUnits: '{n} units',
  clusterSubUnitsOne: '1 unit',
  clusterSubOne: '{area} · up to {km} km',
  withoutUnits: 'Provinces without a pilot unit',
  withoutUnitsItem: '{name}: none of its {n} comparable units',
  pilotProvincesGaps: 'Gaps in the full-promotion provinces',
  pilotProvincesGapsNote: 'Uncovered share = comparable units without a pilot / comparable units',
  thProvince: 'Province',
  thCovered: 'Covered',
  thUncoveredShare: 'Uncovered',
  inequality: 'Regional inequality',
  inequalityText: 'Coverage ranges from {worstPct} of comparable units in the {worst} region to {bestPct} in the {best} region, a spread of {spread} percentage points; the Gini coefficient of the {n} provinces\' coverage is {gini} (0 = even, 1 = concentrated).',
  thRegion: 'Region',
  thCoverage: 'Coverage',
  thUncovered: 'Uncovered',
  thMaxDistance: 'Farthest',
  noPolygon: 'Units without boundary data (listed, not drawn)',
  noPolygonItem: 'no boundary data, not drawn',
  provinceClusters: 'Gap clusters ({n})',
  provinceGapUnits: 'Comparable units without a pilot ({n}), farthest first',
  provinceNoGaps: 'Every comparable unit has a pilot.',
  adjacent: 'adjacent',
  loadingGaps: 'Computing the gaps…',
  // exports
  exports: 'Download data',
  exportTables: 'Tables (CSV, opens in Excel)',
  exportUnits: 'Units',
  exportProvinces: 'Provinces',
  exportGaps: 'Gaps',
  exportLayers: 'Layers (GeoJSON)',
  layerProvinces: 'Provinces',
  layerUnits: 'Comparable units',
  layerPilots: 'Pilot units',
  layerNanhai: 'South China Sea Islands',
  layerGaps: 'Gap clusters',
  // presentation mode
  present: 'Present',
  presentLabel: 'Presentation mode: fixed layout, PNG export',
  presentExit: 'Exit',
  presentExport: 'Export PNG',
  presentExporting: 'Exporting…',
  presentExported: 'Saved {name}',
  presentExportError: 'Export failed: {msg}',
  presentDrawError: 'The map did not load: {msg}',
  presentLayout: 'Layout',
  layoutA4: 'A4 landscape',
  presentNoApproval: 'No approval number',
  presentNoApprovalTip: 'Set pilotmap serve --approval-number or PILOTMAP_APPROVAL_NUMBER to print the 审图号 line on the map',
  editTitle: 'Title (empty: the default)',
  editSubtitle: 'Subtitle (empty: the default)',
  sourcesLine: 'Sources: {s}',
  dateLine: 'Map date {d}',
  statsNational: '{units} pilot units in {provinces} provinces · {pilotProvinces} full-promotion provinces · {covered} of {comparable} comparable units covered ({pct})',
  statsProvince: '{name}: {units} pilot units · {covered} of {comparable} comparable units covered ({pct})',
  statsGaps: '{n} comparable units without a pilot · largest cluster: {cluster}, {area}',
  statsGapsProvince: '{name}: {n} comparable units without a pilot',
  subtitleProvince: '{name} · {sub}',
  comparableWhat: 'What is a comparable unit?',
  comparableExplain: 'Comparable units are the units of one tier that can be compared: prefecture-level cities, autonomous prefectures, prefectures and leagues; county-level units governed by the province directly; and the districts and counties of Beijing, Tianjin, Shanghai and Chongqing. A comparable unit counts as covered when it, or a unit within it, is a pilot. Coverage = covered comparable units ÷ comparable units.',
  coverageByProvince: 'Each province is shaded by its coverage; units within it are not shaded',
  provinceTip: '{name}: coverage {pct} ({covered}/{comparable})',
  nearestPilot: 'Nearest pilot: {name} ({code}), {km} km',
  nearestPilotAdjacent: 'Borders the pilot {name} ({code})',
  clusterRule: 'Gap clusters: neighbouring units without a pilot that are each {km} km or more from every pilot unit, ranked by area. Units within {km} km of a pilot are in its reach and belong to no cluster.',
  clusterNone: 'in no cluster (a pilot within {km} km)',
  noPolygonWhy: 'These Bingtuan cities were set up after the boundary data (echarts 4.9.0, about 2016), so they cannot be drawn or measured; they still count among the units without a pilot.',
  zoomIn: 'Zoom in',
  zoomOut: 'Zoom out',
  wallTheme: 'Dark',
  sheetHandle: 'Drag or tap to open or close the panel',
  newInBatch: 'New in this batch',
  newInBatches: 'New in the selected batches',
  legendNew: 'New in this batch ({n} units)',
  legendNewOne: 'New in this batch (1 unit)',
  legendNewBatches: 'New in the selected batches ({n} units)',
  legendNewBatchesOne: 'New in the selected batches (1 unit)',
  unitsTipOne: '1 pilot unit',
  clusterNameOne: '{name}',
  statUnitsNoteOne: 'in 1 province',
  presentBatch: 'Batch {n}',
  presentBatches: 'Batches {n}',
};

/** DICT holds every language's words; every language has every key. */
export const DICT = { zh, en };

/** The HTML lang attribute of each language. */
export const HTML_LANG = { zh: 'zh-CN', en: 'en' };

/**
 * t returns the words for key in lang with {name} placeholders filled from
 * vars; it falls back to Chinese, then to the key itself.
 */
export function t(lang, key, vars) {
  let k = key;
  // Plurals: with vars.n of 1 a language may say it its own way (key + 'One').
  if (vars && Number(vars.n) === 1 && DICT[lang]?.[key + 'One'] !== undefined) k = key + 'One';
  const s = (DICT[lang] && DICT[lang][k]) ?? zh[k] ?? key;
  if (!vars) return s;
  return s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
}

/** Province names in English, by code (Chinese names come from the API). */
export const PROVINCE_EN = {
  110000: 'Beijing', 120000: 'Tianjin', 130000: 'Hebei', 140000: 'Shanxi', 150000: 'Inner Mongolia',
  210000: 'Liaoning', 220000: 'Jilin', 230000: 'Heilongjiang', 310000: 'Shanghai', 320000: 'Jiangsu',
  330000: 'Zhejiang', 340000: 'Anhui', 350000: 'Fujian', 360000: 'Jiangxi', 370000: 'Shandong',
  410000: 'Henan', 420000: 'Hubei', 430000: 'Hunan', 440000: 'Guangdong', 450000: 'Guangxi',
  460000: 'Hainan', 500000: 'Chongqing', 510000: 'Sichuan', 520000: 'Guizhou', 530000: 'Yunnan',
  540000: 'Xizang', 610000: 'Shaanxi', 620000: 'Gansu', 630000: 'Qinghai', 640000: 'Ningxia',
  650000: 'Xinjiang', 710000: 'Taiwan', 810000: 'Hong Kong', 820000: 'Macao',
};

/**
 * divisionName names a division from the API for display: its English
 * name (name_en) in English, else its Chinese name.
 */
export function divisionName(lang, d) {
  if (!d) return '';
  return lang === 'en' && d.name_en ? d.name_en : d.name || '';
}

/**
 * clusterLabel names a cluster: 那曲市等 292 个单位 in Chinese; "Nagqu
 * City and 291 more units" in English (the named unit is one of them).
 */
export function clusterLabel(lang, c) {
  const n = c?.units?.length ?? 0;
  const name = divisionName(lang, c);
  if (n <= 1) return name;
  if (lang === 'en') return t(lang, n === 2 ? 'clusterNameTwo' : 'clusterName', { name, more: n - 1 });
  return t(lang, 'clusterName', { name, n });
}

/** shortProvinceName drops the administrative suffix: 内蒙古自治区 → 内蒙古. */
export function shortProvinceName(name) {
  return String(name || '').replace(/(壮族自治区|回族自治区|维吾尔自治区|特别行政区|自治区|省|市)$/, '');
}

/**
 * provinceName names a province for display: the full Chinese name, or the
 * English one (falling back to Chinese when the code is unknown). short
 * gives the map label form (北京, Beijing).
 */
export function provinceName(lang, code, name, short = false) {
  if (lang === 'en' && PROVINCE_EN[code]) return PROVINCE_EN[code];
  return short ? shortProvinceName(name) : name;
}

/** formatNumber groups digits in the language's way. */
export function formatNumber(lang, n, digits = 0) {
  if (!Number.isFinite(n)) return '—';
  return new Intl.NumberFormat(HTML_LANG[lang] || 'zh-CN', { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(n);
}

/** formatPercent writes a ratio as a percentage with one decimal. */
export function formatPercent(lang, ratio) {
  if (!Number.isFinite(ratio)) return '—';
  return formatNumber(lang, ratio * 100, 1) + '%';
}

/**
 * formatArea writes square kilometres: in Chinese 万 km² above ten thousand
 * (276.2 万 km²), in English millions above a million (2.76 M km²), else
 * with digit groups (2,644 km²).
 */
export function formatArea(lang, km2) {
  if (!Number.isFinite(km2)) return '—';
  if (lang !== 'en' && km2 >= 1e4) return formatNumber(lang, km2 / 1e4, 1) + ' 万 km²';
  if (lang === 'en' && km2 >= 1e6) return formatNumber(lang, km2 / 1e6, 2) + ' M km²';
  return formatNumber(lang, km2, 0) + ' km²';
}

const ZH_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** batchNumber writes a batch number: 第二批 in Chinese (to ten), batch 2. */
function batchNumber(lang, n) {
  const v = Number(n);
  return t(lang, 'batch', { n: lang !== 'en' && v >= 1 && v <= 10 ? ZH_DIGITS[v] : n });
}

/** batchName writes a batch (a number or a name from the API) for display. */
export function batchName(lang, batch) {
  if (batch === null || batch === undefined || batch === '') return '';
  if (typeof batch === 'number' || /^\d+$/.test(String(batch))) return batchNumber(lang, batch);
  if (typeof batch === 'object') return batch.name || (batch.number ? batchNumber(lang, batch.number) : '');
  return String(batch);
}

/**
 * sourcesIn is the sources line of /api/v1/config in lang: its
 * attributions[lang], or the bilingual attribution from a server that
 * gives no line per language.
 */
export function sourcesIn(cfg, lang) {
  return cfg?.attributions?.[lang] ?? cfg?.attribution ?? '';
}
