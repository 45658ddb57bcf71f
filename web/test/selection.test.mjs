import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSelection, formatSelection, selectionQuery, validSelection } from '../src/selection.js';

test('parseSelection reads program and batches, drops the malformed', () => {
  assert.deepEqual(parseSelection(''), { program: null, batches: [] });
  assert.deepEqual(parseSelection('?program=%E5%88%9B&batch=3,2,x,3,0,02'), { program: '创', batches: [2, 3] });
  assert.deepEqual(parseSelection('?mode=present&batch=1'), { program: null, batches: [1] });
});

test('formatSelection keeps other parameters and round-trips', () => {
  const s = formatSelection({ program: '创建幸福家庭活动', batches: [3, 2] }, '?mode=present&batch=9');
  assert.equal(new URLSearchParams(s).get('mode'), 'present');
  assert.deepEqual(parseSelection(s), { program: '创建幸福家庭活动', batches: [2, 3] });
  assert.equal(formatSelection({ program: null, batches: [] }, '?batch=2'), '');
});

test('selectionQuery and validSelection', () => {
  assert.equal(selectionQuery({ program: 'a b', batches: [2, 3] }), 'program=a%20b&batch=2,3');
  assert.equal(selectionQuery({ program: null, batches: [] }), '');
  const stored = [
    { program: 'P', number: 2 },
    { program: 'P', number: 3 },
  ];
  assert.deepEqual(validSelection({ program: null, batches: [3, 7] }, stored), { program: 'P', batches: [3] });
  assert.equal(validSelection({ program: 'Q', batches: [] }, stored), null);
  assert.equal(validSelection({ program: null, batches: [] }, stored), null);
});
