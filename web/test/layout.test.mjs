import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LAYOUTS, parseLayout, fitFrame, isBigScreen, pngSize, pngName } from '../src/layout.js';

test('the layouts: 16:9 1920×1080, 4:3 1600×1200, A4 landscape at 297:210', () => {
  assert.deepEqual([LAYOUTS['16:9'].width, LAYOUTS['16:9'].height], [1920, 1080]);
  assert.deepEqual([LAYOUTS['4:3'].width, LAYOUTS['4:3'].height], [1600, 1200]);
  const a4 = LAYOUTS.a4;
  assert.ok(Math.abs(a4.width / a4.height - 297 / 210) < 0.002, `A4 ratio ${a4.width / a4.height}`);
  assert.equal(parseLayout('16x9'), '16:9');
  assert.equal(parseLayout('A4'), 'a4');
  assert.equal(parseLayout(''), '16:9');
  assert.equal(parseLayout('letter'), '16:9');
});

test('fitFrame: exact fit, pillarbox, letterbox, margins', () => {
  assert.deepEqual(fitFrame(1920, 1080, '16:9'), { scale: 1, x: 0, y: 0, width: 1920, height: 1080 });
  assert.deepEqual(fitFrame(3840, 2160, '16:9'), { scale: 2, x: 0, y: 0, width: 3840, height: 2160 });
  // 4:3 in a 16:9 window: bars left and right.
  const p = fitFrame(1920, 1080, '4:3');
  assert.equal(p.scale, 0.9);
  assert.deepEqual([p.width, p.height, p.x, p.y], [1440, 1080, 240, 0]);
  // 16:9 in a tall window: bars top and bottom.
  const l = fitFrame(1000, 1000, '16:9');
  assert.ok(Math.abs(l.width - 1000) < 1e-9 && Math.abs(l.height - 562.5) < 1e-9 && Math.abs(l.y - 218.75) < 1e-9 && Math.abs(l.x) < 1e-9, JSON.stringify(l));
  // Margins stay free.
  const m = fitFrame(1600, 900, '16:9', 20);
  assert.ok(m.x >= 20 - 1e-9 && m.y >= 20 - 1e-9 && m.x + m.width <= 1580 + 1e-9 && m.y + m.height <= 880 + 1e-9);
  assert.ok(Math.abs(m.width / m.height - 16 / 9) < 1e-9);
  // A tiny window still gives a positive scale.
  assert.ok(fitFrame(0, 0, 'a4').scale > 0);
});

test('大屏 from the 3840-wide wall down to 3200, not on a 2560 monitor', () => {
  assert.equal(isBigScreen(3840), true);
  assert.equal(isBigScreen(3200), true);
  assert.equal(isBigScreen(2560), false);
  assert.equal(isBigScreen(1920), false);
});

test('PNG: twice the frame, named after what it shows', () => {
  assert.deepEqual(pngSize('16:9'), { width: 3840, height: 2160 });
  assert.deepEqual(pngSize('4:3'), { width: 3200, height: 2400 });
  assert.deepEqual(pngSize('a4'), { width: 3508, height: 2480 });
  assert.equal(pngName({}), 'pilotmap-national-coverage-16x9.png');
  assert.equal(pngName({ place: 'national', view: 'gaps', layout: '4:3' }), 'pilotmap-national-gaps-4x3.png');
  assert.equal(pngName({ place: 'Beijing', view: 'coverage', layout: 'a4' }), 'pilotmap-beijing-coverage-a4.png');
  assert.equal(pngName({ place: 'Inner Mongolia', view: 'gaps' }), 'pilotmap-inner-mongolia-gaps-16x9.png');
  assert.equal(pngName({ place: '北京' }), 'pilotmap-national-coverage-16x9.png');
});

test('screenOf: the wall layout from 2560 px or ?screen=wall, dark only on request', async () => {
  const { screenOf, WALL_WIDTH } = await import('../src/layout.js');
  assert.equal(WALL_WIDTH, 2560);
  assert.deepEqual(screenOf('', 1600), { wall: false, dark: false, warnings: [] });
  assert.deepEqual(screenOf('', 2560), { wall: true, dark: false, warnings: [] });
  assert.deepEqual(screenOf('?screen=wall', 1280), { wall: true, dark: false, warnings: [] });
  assert.deepEqual(screenOf('?screen=desk', 3840), { wall: false, dark: false, warnings: [] });
  assert.deepEqual(screenOf('?screen=wall&theme=dark', 1280), { wall: true, dark: true, warnings: [] });
  assert.equal(screenOf('?theme=dark', 1600).dark, false, 'the dark theme is the wall\'s');
  assert.deepEqual(screenOf('?screen=tv', 1600).warnings, ['screen=tv: want wall or desk']);
});
