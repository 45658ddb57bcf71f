import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isNewUnit, newFeatures, newUnitCodes, newStyle, newLabel, newLegend, NEW_LINE, NEW_PATTERN } from '../src/newunits.js';
import { PALETTE } from '../src/colors.js';

const feature = (code, isNew) => ({ type: 'Feature', properties: { code, name: code, new: isNew } });

test('only new: true counts as new (null without a batch, false for a unit an earlier batch holds)', () => {
  assert.equal(isNewUnit({ new: true }), true);
  for (const v of [false, null, undefined, 'true', 1]) assert.equal(isNewUnit({ new: v }), false, String(v));
  assert.equal(isNewUnit(undefined), false);
  const fc = { features: [feature('530100', true), feature('110101', false), feature('460200', true), feature('540100', null)] };
  assert.deepEqual(
    newFeatures(fc).map((f) => f.properties.code),
    ['530100', '460200'],
  );
  assert.deepEqual([...newUnitCodes(fc)], ['530100', '460200']);
  assert.equal(newUnitCodes({ features: [] }).size, 0);
  assert.equal(newUnitCodes(null).size, 0);
});

test('newStyle keeps the pilot fill under stripes and a dark outline; a hidden pilot stays hidden', () => {
  const pilot = { color: PALETTE.pilotLine, weight: 0.8, opacity: 1, fill: true, fillColor: PALETTE.pilot, fillOpacity: 1 };
  const s = newStyle(pilot, 1.6);
  assert.deepEqual(s, { ...pilot, color: NEW_LINE, weight: 1.6, fillColor: `url(#${NEW_PATTERN})` });
  assert.notEqual(NEW_LINE, PALETTE.fullPromotion, 'apart from the full-promotion outline');
  assert.notEqual(NEW_LINE, PALETTE.pilotLine);
  const hidden = { ...pilot, opacity: 0, fillOpacity: 0 };
  assert.equal(newStyle(hidden, 1.6), hidden);
  assert.equal(pilot.fillColor, PALETTE.pilot, 'the input is not changed');
});

test('the legend entry: only with a batch selected and something new; one batch or several', () => {
  assert.equal(newLegend('zh', 3, 1), '本批新增（3 个单位）');
  assert.equal(newLegend('en', 3, 1), 'New in this batch (3 units)');
  assert.equal(newLegend('en', 1, 1), 'New in this batch (1 unit)');
  assert.equal(newLegend('zh', 4, 2), '所选批次新增（4 个单位）');
  assert.equal(newLegend('en', 1, 2), 'New in the selected batches (1 unit)');
  assert.equal(newLegend('zh', 0, 1), null, 'nothing new');
  assert.equal(newLegend('zh', 3, 0), null, 'no batch selected');
  assert.equal(newLegend('zh', NaN, 1), null);
  assert.equal(newLabel('zh', 1), '本批新增');
  assert.equal(newLabel('zh', 2), '所选批次新增');
  assert.equal(newLabel('en', 1), 'New in this batch');
});
