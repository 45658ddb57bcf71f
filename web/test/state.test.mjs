import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHash, formatHash, defaultState, provinceOf, LAYERS, parseSearch, formatSearch, MAX_TEXT } from '../src/state.js';

test('the default state has no hash, and an empty hash is the default state', () => {
  assert.equal(formatHash(defaultState()), '');
  assert.deepEqual(parseHash(''), defaultState());
  assert.deepEqual(parseHash('#'), defaultState());
});

test('view, selection, toggles and language round-trip', () => {
  const st = { view: { zoom: 7.25, lat: 39.9042, lon: 116.4074 }, province: '110000', unit: '110101', gaps: true, off: new Set(['labels', 'units']), lang: 'en' };
  const h = formatHash(st);
  assert.equal(h, '#map=7.25/39.9042/116.4074&p=110000&u=110101&view=gaps&off=units,labels&lang=en');
  assert.deepEqual(parseHash(h), st);
});

test('formatHash rounds the view and orders toggles canonically', () => {
  const h = formatHash({ view: { zoom: 4.123456, lat: 35.123456789, lon: 104.987654321 }, off: new Set(['labels', 'coverage']), lang: 'zh' });
  assert.equal(h, '#map=4.12/35.1235/104.9877&off=coverage,labels');
});

test('malformed parts are dropped, not thrown', () => {
  const st = parseHash('#map=99/1/2&p=11&u=abc&off=bogus,pilots&lang=fr');
  assert.equal(st.view, null); // zoom out of range
  assert.equal(st.province, null);
  assert.equal(st.unit, null);
  assert.deepEqual([...st.off], ['pilots']);
  assert.equal(st.lang, 'zh');
  assert.equal(parseHash('#map=4/x/104').view, null);
  assert.equal(parseHash('#map=4/91/104').view, null);
  assert.equal(parseHash('#map=4/30').view, null);
});

test('a unit implies its province', () => {
  assert.equal(parseHash('#u=630200').province, '630000');
  assert.equal(parseHash('#p=110000&u=630200').province, '630000');
  assert.equal(parseHash('#p=630000&u=630200').province, '630000');
});

test('provinceOf', () => {
  assert.equal(provinceOf('469005'), '460000');
  assert.equal(provinceOf('110000'), '110000');
  assert.equal(provinceOf('1101'), null);
  assert.equal(provinceOf(null), null);
});

test('every layer can be switched off', () => {
  const st = parseHash('#off=' + LAYERS.join(','));
  assert.equal(st.off.size, LAYERS.length);
});

test('gaps mode is view=gaps in the hash, off by default', () => {
  assert.equal(parseHash('').gaps, false);
  assert.equal(parseHash('#view=gaps').gaps, true);
  assert.equal(parseHash('#view=coverage').gaps, false);
  assert.equal(parseHash('#view=bogus').gaps, false);
  assert.equal(formatHash({ ...defaultState(), gaps: true }), '#view=gaps');
  assert.equal(formatHash({ ...defaultState(), province: '530000', gaps: true }), '#p=530000&view=gaps');
  assert.equal(formatHash({ ...defaultState(), gaps: false }), '');
});

test('presentation mode lives in the query: mode, layout, texts', () => {
  assert.deepEqual(parseSearch(''), { present: false, layout: '16:9', title: null, subtitle: null });
  assert.deepEqual(parseSearch('?mode=present'), { present: true, layout: '16:9', title: null, subtitle: null });
  assert.equal(parseSearch('?mode=present&layout=4:3').layout, '4:3');
  assert.equal(parseSearch('?mode=present&layout=4x3').layout, '4:3');
  assert.equal(parseSearch('?mode=present&layout=A4').layout, 'a4');
  assert.equal(parseSearch('?mode=present&layout=21:9').layout, '16:9');
  assert.equal(parseSearch('?mode=other').present, false);
  const p = parseSearch('?mode=present&title=' + encodeURIComponent('  北京  试点 ') + '&subtitle=');
  assert.equal(p.title, '北京 试点');
  assert.equal(p.subtitle, '');
  assert.equal([...parseSearch('?title=' + '字'.repeat(200)).title].length, MAX_TEXT);
});

test('formatSearch round-trips and keeps other parameters', () => {
  const p = { present: true, layout: 'a4', title: '创建幸福家庭活动试点覆盖图（2024）', subtitle: null };
  const s = formatSearch(p);
  assert.equal(s, '?mode=present&layout=a4&title=' + new URLSearchParams({ t: p.title }).toString().slice(2));
  assert.deepEqual(parseSearch(s), p);
  assert.equal(formatSearch({ present: true, layout: '16:9' }), '?mode=present');
  assert.equal(formatSearch({ present: false, layout: '4:3', title: 'x' }), '');
  assert.equal(formatSearch({ present: false }, '?debug=1&mode=present&layout=4:3'), '?debug=1');
  assert.equal(formatSearch({ present: true, layout: '4:3' }, '?debug=1'), '?debug=1&mode=present&layout=4%3A3');
  assert.equal(parseSearch(formatSearch({ present: true, layout: '4:3' }, '?debug=1')).layout, '4:3');
});
