// Presentation mode's fixed layouts and their fit into the window. Pure.
//
// A layout is a frame of fixed logical pixels: the map inside is drawn at
// that size on every machine and scaled as a whole into the window
// (letterboxed), so labels, legend and inset sit in the same places on a
// laptop, a projector and a 3840-wide wall. The PNG export is twice the
// frame (the server's SVG drawn at 2×).

/** The layouts by name, the default first. */
export const LAYOUTS = {
  '16:9': { name: '16:9', width: 1920, height: 1080, slug: '16x9' },
  '4:3': { name: '4:3', width: 1600, height: 1200, slug: '4x3' },
  // A4 landscape, 297 × 210 mm at 150 dpi; the PNG (2×) is 300 dpi, the
  // server SVG's A4 viewBox (3508 × 2480).
  a4: { name: 'a4', width: 1754, height: 1240, slug: 'a4' },
};

export const LAYOUT_NAMES = Object.keys(LAYOUTS);
export const DEFAULT_LAYOUT = '16:9';

/** The window width from which presentation mode uses 大屏 (video wall) styling. */
export const BIG_SCREEN_WIDTH = 3200;

/** parseLayout returns a layout's name ("16x9", "4x3" and "A4" accepted), else the default. */
export function parseLayout(s) {
  const v = String(s || '').trim().toLowerCase().replace('x', ':');
  return LAYOUT_NAMES.includes(v) ? v : DEFAULT_LAYOUT;
}

/**
 * fitFrame letterboxes a layout into a window of winW × winH pixels,
 * keeping margin pixels free on every side: the largest uniform scale at
 * which the frame fits, and the frame's offset to centre it. Returns
 * {scale, x, y, width, height} with width and height the frame's size on
 * screen.
 */
export function fitFrame(winW, winH, layoutName, margin = 0) {
  const l = LAYOUTS[parseLayout(layoutName)];
  const aw = Math.max(1, winW - 2 * margin);
  const ah = Math.max(1, winH - 2 * margin);
  const scale = Math.min(aw / l.width, ah / l.height);
  const width = l.width * scale;
  const height = l.height * scale;
  return { scale, x: (winW - width) / 2, y: (winH - height) / 2, width, height };
}

/** isBigScreen reports whether a window is a large screen (大屏): 3840 wide and the like. */
export function isBigScreen(winW) {
  return winW >= BIG_SCREEN_WIDTH;
}

/** pngSize is the exported PNG's size: factor × the frame (2× by default). */
export function pngSize(layoutName, factor = 2) {
  const l = LAYOUTS[parseLayout(layoutName)];
  return { width: Math.round(l.width * factor), height: Math.round(l.height * factor) };
}

/**
 * pngName names an exported PNG after what it shows:
 * pilotmap-national-coverage-16x9.png, pilotmap-beijing-gaps-a4.png.
 * place is "national" or a province's name in Latin letters (any other
 * character becomes a hyphen); view "coverage" or "gaps".
 */
export function pngName({ place = 'national', view = 'coverage', layout = DEFAULT_LAYOUT } = {}) {
  const slug =
    String(place || 'national')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'national';
  const v = view === 'gaps' ? 'gaps' : 'coverage';
  return `pilotmap-${slug}-${v}-${LAYOUTS[parseLayout(layout)].slug}.png`;
}

/** The window width from which the map switches to its 大屏 (wall) layout by itself. */
export const WALL_WIDTH = 2560;

/**
 * screenOf reads the screen layout from the location search and the
 * window width: {wall, dark, warnings}. ?screen=wall forces the wall
 * layout, ?screen=desk the desktop one; without it a window WALL_WIDTH or
 * wider gets the wall. ?theme=dark darkens the wall (the dashboards' look);
 * ?theme=light keeps it light. Any other value is named in warnings and
 * ignored.
 */
export function screenOf(search, winW) {
  const q = new URLSearchParams(String(search || '').replace(/^\?/, ''));
  const warnings = [];
  const screen = q.get('screen');
  const theme = q.get('theme');
  let wall = winW >= WALL_WIDTH;
  if (screen === 'wall') wall = true;
  else if (screen === 'desk') wall = false;
  else if (screen !== null) warnings.push(`screen=${screen}: want wall or desk`);
  let dark = false;
  if (theme === 'dark') dark = true;
  else if (theme !== null && theme !== 'light') warnings.push(`theme=${theme}: want dark or light`);
  return { wall, dark: wall && dark, warnings };
}
