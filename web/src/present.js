// Presentation mode's frame and toolbar, and the PNG export.
//
// The frame is the map element at the layout's fixed size (1920×1080 for
// 16:9), scaled as a whole into the window and centred (letterboxed); CSS
// reads the fit from custom properties on <html>. The toolbar floats over
// the window's top right corner, outside what is being presented, and
// fades out when the pointer rests.
//
// The PNG is the server's SVG of the same map (/api/v1/map.svg with the
// same view, province, layout, texts and language) drawn into a canvas at
// twice the layout's size: the same map on every machine, without a
// screenshot. An SVG in an <img> loads no external fonts; its text uses the
// system's fonts by family name (Noto Sans CJK, Source Han Sans, PingFang,
// Microsoft YaHei, …).
import { fitFrame, isBigScreen, LAYOUTS, LAYOUT_NAMES, parseLayout, pngSize } from './layout.js';
import { t } from './i18n.js';

const root = document.documentElement;

/**
 * svgURL is the server-side SVG of a presentation: view coverage or gaps,
 * province code or null, layout, lang, and the edited title and subtitle
 * (null or "": the server's defaults, which are the web map's). Only the
 * parameters map.svg takes, each with a value: the server answers an
 * unknown parameter or an empty value with a 400.
 */
export function svgURL({ view, province, layout, lang, title, subtitle }) {
  const q = new URLSearchParams({ view: view === 'gaps' ? 'gaps' : 'coverage', layout, lang });
  if (province) q.set('province', province);
  if (title) q.set('title', title);
  if (subtitle) q.set('subtitle', subtitle);
  return '/api/v1/map.svg?' + q.toString();
}

/**
 * renderPNG fetches the SVG of a presentation and draws it at factor × the
 * layout's size on a white canvas; it resolves to the PNG blob.
 */
export async function renderPNG(opts, factor = 2) {
  const url = svgURL(opts);
  const res = await fetch(url, { headers: { Accept: 'image/svg+xml' } });
  if (!res.ok) {
    let detail = res.statusText;
    try {
      const p = await res.json();
      detail = p.detail || p.title || detail;
    } catch {
      // not a problem+json body
    }
    throw new Error(`${url.split('?')[0]}: ${res.status} ${detail}`);
  }
  const svg = await res.text();
  const blobURL = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = blobURL;
    await img.decode();
    const { width, height } = pngSize(opts.layout, factor);
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    // The SVG is vector: drawn at the canvas size, it is rasterized there.
    ctx.drawImage(img, 0, 0, width, height);
    return await new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('canvas.toBlob gave nothing'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(blobURL);
  }
}

/** download saves a blob under a file name (the browser's download). */
export function download(blob, name) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 30000);
}

const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  e.append(...kids);
  return e;
};

/**
 * PresentFrame owns presentation mode's frame fit and toolbar. actions:
 * {exit(), layout(name), mode(gaps: bool), lang(), export(), nation()}.
 */
export class PresentFrame {
  constructor(actions) {
    this.actions = actions;
    this.layout = '16:9';
    this.on = false;
    this.big = false;
    this.lang = 'zh';
    this.idleTimer = 0;
    this.onResize = () => this.fit();
    this.onMove = () => this.wake();
  }

  /** show enters presentation mode with a layout. */
  show(layout) {
    this.layout = layout;
    if (!this.on) {
      this.on = true;
      root.classList.add('pm-present');
      this.build();
      window.addEventListener('resize', this.onResize);
      window.addEventListener('pointermove', this.onMove);
      window.addEventListener('keydown', this.onMove);
    }
    this.fit();
    this.sync();
    this.wake();
  }

  hide() {
    if (!this.on) return;
    this.on = false;
    root.classList.remove('pm-present', 'pm-big');
    for (const k of ['--pf-w', '--pf-h', '--pf-x', '--pf-y', '--pf-s']) root.style.removeProperty(k);
    window.removeEventListener('resize', this.onResize);
    window.removeEventListener('pointermove', this.onMove);
    window.removeEventListener('keydown', this.onMove);
    this.bar?.remove();
    this.bar = null;
  }

  /** fit letterboxes the frame into the window; it returns whether 大屏 changed. */
  fit() {
    const { width, height } = { width: window.innerWidth, height: window.innerHeight };
    const f = fitFrame(width, height, this.layout);
    const l = LAYOUTS[parseLayout(this.layout)];
    root.style.setProperty('--pf-w', l.width + 'px');
    root.style.setProperty('--pf-h', l.height + 'px');
    root.style.setProperty('--pf-x', f.x.toFixed(2) + 'px');
    root.style.setProperty('--pf-y', f.y.toFixed(2) + 'px');
    root.style.setProperty('--pf-s', f.scale.toFixed(5));
    root.dataset.presentLayout = this.layout;
    const big = isBigScreen(width);
    const changed = big !== this.big;
    this.big = big;
    root.classList.toggle('pm-big', big);
    return changed;
  }

  build() {
    if (this.bar) return;
    const lang = this.lang;
    this.layoutSel = el('select', { id: 'present-layout', onchange: () => this.actions.layout(this.layoutSel.value) });
    this.nationBtn = el('button', { type: 'button', class: 'btn', id: 'present-nation', onclick: () => this.actions.nation() });
    this.modeCov = el('button', { type: 'button', class: 'btn mode', id: 'present-mode-coverage', onclick: () => this.actions.mode(false) });
    this.modeGaps = el('button', { type: 'button', class: 'btn mode', id: 'present-mode-gaps', onclick: () => this.actions.mode(true) });
    this.langBtn = el('button', { type: 'button', class: 'btn', id: 'present-lang', onclick: () => this.actions.lang() });
    this.exportBtn = el('button', { type: 'button', class: 'btn btn-primary', id: 'present-export', onclick: () => this.actions.export() });
    this.exitBtn = el('button', { type: 'button', class: 'btn', id: 'present-exit', onclick: () => this.actions.exit() });
    this.note = el('span', { class: 'pm-toolbar-note', id: 'present-approval-note' });
    this.status = el('span', { class: 'pm-toolbar-status', role: 'status', id: 'present-status' });
    this.layoutLabel = el('label', { class: 'vh', for: 'present-layout' });
    this.bar = el(
      'div',
      { class: 'pm-toolbar', id: 'present-toolbar', role: 'toolbar' },
      this.nationBtn,
      el('div', { class: 'modes', role: 'group' }, this.modeCov, this.modeGaps),
      this.layoutLabel,
      this.layoutSel,
      this.langBtn,
      this.exportBtn,
      this.exitBtn,
      this.note,
      this.status,
    );
    this.bar.addEventListener('focusin', () => this.wake());
    document.body.append(this.bar);
    this.setLang(lang);
  }

  /** sync sets the toolbar's controls from the state. */
  sync(s = this.last || {}) {
    this.last = s;
    if (!this.bar) return;
    this.layoutSel.value = this.layout;
    this.modeCov.setAttribute('aria-pressed', String(!s.gaps));
    this.modeGaps.setAttribute('aria-pressed', String(!!s.gaps));
    this.note.hidden = !!s.approval;
    this.nationBtn.hidden = !s.province;
  }

  setLang(lang) {
    this.lang = lang;
    if (!this.bar) return;
    const tt = (k) => t(lang, k);
    this.layoutSel.replaceChildren(...LAYOUT_NAMES.map((n) => el('option', { value: n, text: n === 'a4' ? tt('layoutA4') : n })));
    this.layoutSel.value = this.layout;
    this.layoutLabel.textContent = tt('presentLayout');
    this.modeCov.textContent = tt('modeCoverage');
    this.modeCov.title = tt('modeCoverageLabel');
    this.modeGaps.textContent = tt('modeGaps');
    this.modeGaps.title = tt('modeGapsLabel');
    this.nationBtn.textContent = '← ' + tt('nation');
    this.langBtn.textContent = tt('langSwitch');
    this.langBtn.setAttribute('aria-label', tt('langSwitchLabel'));
    this.exportBtn.textContent = tt('presentExport');
    this.exitBtn.textContent = tt('presentExit');
    this.exitBtn.title = 'Esc';
    this.note.textContent = tt('presentNoApproval');
    this.note.title = tt('presentNoApprovalTip');
    this.bar.setAttribute('aria-label', tt('presentLabel'));
  }

  /** setStatus shows a line in the toolbar (and keeps it visible a while). */
  setStatus(text, busy = false) {
    if (!this.bar) return;
    this.status.textContent = text || '';
    this.exportBtn.disabled = busy;
    this.wake();
  }

  /** wake shows the toolbar and hides it again after the pointer rests. */
  wake() {
    if (!this.bar) return;
    this.bar.classList.remove('is-idle');
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.bar && !this.bar.contains(document.activeElement)) this.bar.classList.add('is-idle');
    }, 2500);
  }
}
