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
  const s = (DICT[lang] && DICT[lang][key]) ?? zh[key] ?? key;
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
  540000: 'Tibet', 610000: 'Shaanxi', 620000: 'Gansu', 630000: 'Qinghai', 640000: 'Ningxia',
  650000: 'Xinjiang', 710000: 'Taiwan', 810000: 'Hong Kong', 820000: 'Macao',
};

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
