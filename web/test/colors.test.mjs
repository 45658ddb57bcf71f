import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coverageClass, coverageColor, legendClasses, COVERAGE_BREAKS, COVERAGE_COLORS, PALETTE, textColorOn } from '../src/colors.js';

test('coverage classes: zero, bounds are lower-inclusive, last class open', () => {
  const cases = [
    [0, 0], [NaN, 0], [-1, 0], [undefined, 0],
    [0.0001, 1], [0.095, 1], // 广东 2/21
    [0.1, 2], [0.105, 2], [0.1999, 2],
    [0.2, 3], [0.25, 3], // 北京 4/16
    [0.3, 4], [0.3999, 4],
    [0.4, 5], [0.727, 5], [1, 5], [1.5, 5],
  ];
  for (const [cov, want] of cases) assert.equal(coverageClass(cov), want, `coverage ${cov}`);
});

test('provinces outside the program are class -1 whatever their coverage', () => {
  assert.equal(coverageClass(0, false), -1);
  assert.equal(coverageClass(0.5, false), -1);
  assert.equal(coverageColor(-1), PALETTE.outside);
});

test('every class has a distinct colour; zero and outside differ from the ramp', () => {
  const colors = [-1, 0, 1, 2, 3, 4, 5].map(coverageColor);
  assert.equal(new Set(colors).size, colors.length);
  assert.equal(COVERAGE_COLORS.length, COVERAGE_BREAKS.length + 1);
});

test('the ramp gets darker class by class (sequential)', () => {
  const lum = (hex) => {
    const n = parseInt(hex.slice(1), 16);
    return 0.2126 * ((n >> 16) & 255) + 0.7152 * ((n >> 8) & 255) + 0.0722 * (n & 255);
  };
  for (let i = 1; i < COVERAGE_COLORS.length; i++) assert.ok(lum(COVERAGE_COLORS[i]) < lum(COVERAGE_COLORS[i - 1]), COVERAGE_COLORS[i]);
});

test('legend lists the zero class and every non-zero class with its bounds', () => {
  const l = legendClasses();
  assert.equal(l.length, COVERAGE_BREAKS.length + 2);
  assert.equal(l[0].cls, 0);
  assert.deepEqual(l.slice(1).map((c) => c.from), [0, ...COVERAGE_BREAKS]);
  assert.equal(l.at(-1).to, Infinity);
  for (const c of l.slice(1)) assert.equal(coverageClass((c.from + Math.min(c.to, 1)) / 2 || 0.01), c.cls);
});

test('label colour on a fill is readable', () => {
  assert.equal(textColorOn('#ffffff'), '#1d2433');
  assert.equal(textColorOn('#08306b'), '#ffffff');
  assert.equal(textColorOn('not a colour'), '#1d2433');
});
