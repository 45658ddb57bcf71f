import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DICT, t, PROVINCE_EN, shortProvinceName, provinceName, formatNumber, formatPercent, formatArea, batchName, clusterLabel, divisionName, sourcesIn } from '../src/i18n.js';

// A language may add plural forms of a key (key + 'One' for n = 1, key +
// 'Two' for "1 more"), which t() picks; the key itself is in every language.
const plural = (k) => /(One|Two)$/.test(k) && k.replace(/(One|Two)$/, '') in DICT.zh;

test('every language has every key, and no empty text', () => {
  const keys = Object.keys(DICT.zh).filter((k) => !plural(k)).sort();
  for (const [lang, d] of Object.entries(DICT)) {
    assert.deepEqual(Object.keys(d).filter((k) => !plural(k)).sort(), keys, lang);
    for (const [k, v] of Object.entries(d)) assert.ok(typeof v === 'string' && v.trim(), `${lang}.${k}`);
  }
});

test('placeholders match across languages', () => {
  // {n} and {more} (= n − 1, English's "and 291 more units") count the same thing.
  const ph = (s) => [...new Set([...s.matchAll(/\{(\w+)\}/g)].map((m) => (m[1] === 'more' ? 'n' : m[1])))].sort();
  for (const k of Object.keys(DICT.zh)) assert.deepEqual(ph(DICT.en[k]), ph(DICT.zh[k]), k);
});

test('plurals and counts read right in English', () => {
  assert.equal(clusterLabel('en', { name: '那曲市', name_en: 'Nagqu City', units: new Array(292) }), 'Nagqu City and 291 more units');
  assert.equal(clusterLabel('en', { name: '阿里地区', name_en: 'Ngari Prefecture', units: [1, 2] }), 'Ngari Prefecture and 1 more unit');
  assert.equal(clusterLabel('en', { name: '鸡西市', name_en: 'Jixi City', units: [1] }), 'Jixi City');
  assert.equal(clusterLabel('zh', { name: '那曲市', units: new Array(292) }), '那曲市等 292 个单位');
  assert.equal(t('en', 'unitsTip', { n: 1 }), '1 pilot unit');
  assert.equal(t('en', 'unitsTip', { n: 2 }), '2 pilot units');
  assert.equal(divisionName('en', { name: '海东市', name_en: 'Haidong City' }), 'Haidong City');
  assert.equal(divisionName('zh', { name: '海东市', name_en: 'Haidong City' }), '海东市');
  assert.equal(t('zh', 'zoomIn'), '放大');
});

test('t fills placeholders, falls back to Chinese, then to the key', () => {
  assert.equal(t('zh', 'subtitle', { doc: '国卫家庭发〔2013〕5号' }), '依据 国卫家庭发〔2013〕5号');
  assert.equal(t('en', 'pilotUnits', { n: 4 }), 'Pilot units (4)');
  assert.equal(t('fr', 'nation'), '全国');
  assert.equal(t('en', 'no.such.key'), 'no.such.key');
  assert.equal(t('en', 'pilotUnits', {}), 'Pilot units ({n})');
});

test('the UI words differ between the languages', () => {
  assert.notEqual(t('zh', 'overview'), t('en', 'overview'));
  assert.notEqual(t('zh', 'langSwitch'), t('en', 'langSwitch'));
});

test('province names: short forms and English', () => {
  assert.equal(shortProvinceName('内蒙古自治区'), '内蒙古');
  assert.equal(shortProvinceName('广西壮族自治区'), '广西');
  assert.equal(shortProvinceName('香港特别行政区'), '香港');
  assert.equal(shortProvinceName('北京市'), '北京');
  assert.equal(shortProvinceName('河北省'), '河北');
  assert.equal(provinceName('zh', '110000', '北京市'), '北京市');
  assert.equal(provinceName('zh', '110000', '北京市', true), '北京');
  assert.equal(provinceName('en', '110000', '北京市'), 'Beijing');
  assert.equal(provinceName('en', '999999', '某省'), '某省');
  assert.equal(Object.keys(PROVINCE_EN).length, 34);
});

test('numbers, percentages and areas', () => {
  assert.equal(formatNumber('en', 2762456.4), '2,762,456');
  assert.equal(formatPercent('zh', 108 / 451), '23.9%');
  assert.equal(formatPercent('en', NaN), '—');
  assert.equal(formatArea('zh', 2762456), '276.2 万 km²');
  assert.equal(formatArea('zh', 2644), '2,644 km²');
  assert.equal(formatArea('en', 2762456), '2.76 M km²');
  assert.equal(formatArea('en', 322456.4), '322,456 km²');
});

test('batch names from numbers or names', () => {
  assert.equal(batchName('zh', 2), '第二批');
  assert.equal(batchName('zh', 12), '第12批');
  assert.equal(batchName('en', '2'), 'batch 2');
  assert.equal(batchName('zh', '第二批'), '第二批');
  assert.equal(batchName('zh', { number: 2, name: '' }), '第二批');
  assert.equal(batchName('zh', null), '');
});

test('sourcesIn: the line of the language, else the bilingual one of an older server', () => {
  const cfg = { attribution: '边界 Boundaries: x', attributions: { zh: '边界：x', en: 'Boundaries: x' } };
  assert.equal(sourcesIn(cfg, 'zh'), '边界：x');
  assert.equal(sourcesIn(cfg, 'en'), 'Boundaries: x');
  assert.equal(sourcesIn({ attribution: '边界 Boundaries: x' }, 'en'), '边界 Boundaries: x');
  assert.equal(sourcesIn({ attribution: 'a', attributions: { zh: 'b' } }, 'en'), 'a');
  assert.equal(sourcesIn(undefined, 'zh'), '');
});
