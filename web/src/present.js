// Presentation mode: the frame, its toolbar, and the PNG export.
//
// The frame shows the server's SVG of the presentation (/api/v1/map.svg
// with the view, province, layout, language and edited texts): the same
// drawing as `pilotmap render` and as the exported PNG — Albers, inset with
// the 南海诸岛 line, legend, scale bar, north arrow, footer. The Leaflet map
// stays hidden underneath while presenting. The SVG is fetched as text and
// shown through a blob URL in an <img>: an image runs no script and loads
// nothing, so the drawing stays inert; the same text is what the export
// rasterizes.
//
// The frame is the layout's fixed size (1920×1080 for 16:9) scaled as a
// whole into the window and centred (letterboxed). The <img> is laid out at
// the size on screen, not scaled by a transform, so the SVG is rasterized
// there and stays sharp on a 3840-wide wall. The toolbar floats over the
// window's top right corner and fades out when the pointer rests.
//
// The PNG is that SVG drawn into a canvas at twice the layout's size. An
// SVG in an <img> loads no external fonts; its text uses the system's fonts
// by family name (Noto Sans CJK, Source Han Sans, PingFang, Microsoft
// YaHei, …), on screen and in the PNG alike.
import { fitFrame, isBigScreen, LAYOUT_NAMES, pngSize } from './layout.js';
import { t } from './i18n.js';

const root = document.documentElement;

/** How long the title and subtitle inputs rest before the frame is redrawn. */
export const TEXT_DEBOUNCE_MS = 400;

/**
 * svgURL is the server-side SVG of a presentation: view coverage or gaps,
 * province code or null, layout, lang, the edited title and subtitle
 * (null or "": the server's defaults, which are the web map's), and the
 * web map's selection of program and batches (selection.js
 * selectionQuery, "" for everything; the coverage view only, as the web
 * map's gaps view is of everything stored). Only the parameters map.svg
 * takes, each with a value: the server answers an unknown parameter or an
 * empty value with a 400.
 */
export function svgURL({ view, province, layout, lang, title, subtitle, selection }) {
  const gaps = view === 'gaps';
  const q = new URLSearchParams({ view: gaps ? 'gaps' : 'coverage', layout, lang });
  if (province) q.set('province', province);
  if (title) q.set('title', title);
  if (subtitle) q.set('subtitle', subtitle);
  if (selection && !gaps) for (const [k, v] of new URLSearchParams(selection)) q.set(k, v);
  return '/api/v1/map.svg?' + q.toString();
}

/** fetchSVG fetches a presentation's SVG text; a refusal throws with the server's detail. */
export async function fetchSVG(url) {
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
  return res.text();
}

/** svgImage decodes SVG text into an <img> (through a blob URL, revoked by the caller). */
async function svgImage(svg) {
  const src = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  const img = new Image();
  img.src = src;
  try {
    await img.decode();
  } catch (err) {
    URL.revokeObjectURL(src);
    throw new Error(`the SVG does not decode: ${err.message || err}`);
  }
  return { img, src };
}

/**
 * renderPNG draws SVG text at factor × the layout's size on a white canvas
 * (the frame's background); it resolves to the PNG blob.
 */
export async function renderPNG(svg, layout, factor = 2) {
  const { img, src } = await svgImage(svg);
  try {
    const { width, height } = pngSize(layout, factor);
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
    URL.revokeObjectURL(src);
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
 * PresentFrame owns presentation mode's frame and toolbar. actions:
 * {exit(), layout(name), mode(gaps: bool), lang(), export(), nation(),
 * text(which, value)} with which "title" or "subtitle" and value the
 * input's text ("" for the server's default), called once typing rests.
 * Signals: body[data-present-drawn] is the map.svg URL the frame shows
 * (empty while a drawing loads), body[data-present-error] the last
 * failure's message.
 */
export class PresentFrame {
  constructor(actions) {
    this.actions = actions;
    this.layout = '16:9';
    this.on = false;
    this.big = false;
    this.lang = 'zh';
    this.idleTimer = 0;
    this.textTimer = 0;
    this.seq = 0;
    this.url = ''; // the map.svg URL drawn or being drawn
    this.svg = ''; // the SVG text the frame shows
    this.src = ''; // its blob URL
    this.drawing = Promise.resolve();
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
    this.flushText();
    root.classList.remove('pm-present', 'pm-big');
    for (const k of ['--pf-w', '--pf-h', '--pf-x', '--pf-y']) root.style.removeProperty(k);
    window.removeEventListener('resize', this.onResize);
    window.removeEventListener('pointermove', this.onMove);
    window.removeEventListener('keydown', this.onMove);
    this.bar?.remove();
    this.frame?.remove();
    this.bar = this.frame = this.img = null;
    this.seq++;
    if (this.src) URL.revokeObjectURL(this.src);
    this.url = this.svg = this.src = '';
    delete document.body.dataset.presentDrawn;
    delete document.body.dataset.presentError;
  }

  /** fit letterboxes the frame into the window and sets 大屏 from the window's width. */
  fit() {
    const { width, height } = { width: window.innerWidth, height: window.innerHeight };
    const f = fitFrame(width, height, this.layout);
    // The frame's size on screen: the <img> is rasterized at it.
    root.style.setProperty('--pf-w', f.width.toFixed(2) + 'px');
    root.style.setProperty('--pf-h', f.height.toFixed(2) + 'px');
    root.style.setProperty('--pf-x', f.x.toFixed(2) + 'px');
    root.style.setProperty('--pf-y', f.y.toFixed(2) + 'px');
    root.dataset.presentLayout = this.layout;
    this.big = isBigScreen(width);
    root.classList.toggle('pm-big', this.big);
  }

  build() {
    if (this.bar) return;
    const lang = this.lang;
    this.img = el('img', { class: 'pm-frame-map', id: 'present-map', alt: '' });
    this.frame = el('div', { class: 'pm-frame', id: 'present-frame' }, this.img);
    this.layoutSel = el('select', { id: 'present-layout', onchange: () => this.actions.layout(this.layoutSel.value) });
    this.nationBtn = el('button', { type: 'button', class: 'btn', id: 'present-nation', onclick: () => this.actions.nation() });
    this.modeCov = el('button', { type: 'button', class: 'btn mode', id: 'present-mode-coverage', onclick: () => this.actions.mode(false) });
    this.modeGaps = el('button', { type: 'button', class: 'btn mode', id: 'present-mode-gaps', onclick: () => this.actions.mode(true) });
    this.titleIn = this.textInput('title');
    this.subIn = this.textInput('subtitle');
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
      this.titleIn,
      this.subIn,
      this.layoutLabel,
      this.layoutSel,
      this.langBtn,
      this.exportBtn,
      this.exitBtn,
      this.note,
      this.status,
    );
    this.bar.addEventListener('focusin', () => this.wake());
    document.body.append(this.frame, this.bar);
    this.setLang(lang);
  }

  /** textInput is the toolbar's input for the title or the subtitle. */
  textInput(which) {
    const input = el('input', { type: 'text', class: 'pm-toolbar-text', id: `present-${which}`, maxlength: 120, spellcheck: 'false', autocomplete: 'off' });
    input.addEventListener('input', () => {
      clearTimeout(this.textTimer);
      this.textTimer = setTimeout(() => this.flushText(), TEXT_DEBOUNCE_MS);
    });
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        this.flushText();
        input.blur();
      }
    });
    input.addEventListener('change', () => this.flushText());
    return input;
  }

  /** flushText hands the inputs' texts on now (typing paused, Enter, export, exit). */
  flushText() {
    clearTimeout(this.textTimer);
    this.textTimer = 0;
    if (!this.bar) return;
    for (const [which, input] of [['title', this.titleIn], ['subtitle', this.subIn]]) {
      const v = input.value.replace(/\s+/g, ' ').trim();
      if (v !== (input.dataset.sent ?? '')) {
        input.dataset.sent = v;
        this.actions.text(which, v);
      }
    }
  }

  /**
   * sync sets the toolbar's controls from the state: {gaps, approval,
   * province, title, subtitle, defaults: {title, subtitle}}.
   */
  sync(s = this.last || {}) {
    this.last = s;
    if (!this.bar) return;
    this.layoutSel.value = this.layout;
    this.modeCov.setAttribute('aria-pressed', String(!s.gaps));
    this.modeGaps.setAttribute('aria-pressed', String(!!s.gaps));
    this.note.hidden = !!s.approval;
    this.nationBtn.hidden = !s.province;
    this.img.alt = s.title || s.defaults?.title || '';
    for (const [which, input] of [['title', this.titleIn], ['subtitle', this.subIn]]) {
      // An empty input draws the server's default, shown as the placeholder.
      input.placeholder = s.defaults?.[which] || '';
      if (document.activeElement !== input && !this.textTimer) {
        input.value = s[which] || '';
        input.dataset.sent = input.value;
      }
    }
  }

  /**
   * draw shows the SVG of a presentation (svgURL's options) in the frame,
   * unless it shows it already; it resolves once the frame shows the newest
   * drawing asked for (a failure is reported in the toolbar and rethrown).
   */
  draw(opts) {
    const url = svgURL(opts);
    if (!this.frame || url === this.url) return this.drawing;
    this.url = url;
    const seq = ++this.seq;
    const body = document.body;
    body.dataset.presentDrawn = '';
    this.drawing = (async () => {
      try {
        const svg = await fetchSVG(url);
        const { img, src } = await svgImage(svg);
        if (seq !== this.seq) {
          URL.revokeObjectURL(src);
          return;
        }
        img.className = 'pm-frame-map';
        img.id = 'present-map';
        img.alt = this.img.alt;
        this.img.replaceWith(img);
        this.img = img;
        if (this.src) URL.revokeObjectURL(this.src);
        this.src = src;
        this.svg = svg;
        body.dataset.presentDrawn = url;
        delete body.dataset.presentError;
      } catch (err) {
        if (seq !== this.seq) return;
        this.url = '';
        const msg = err.message || String(err);
        console.warn('pilotmap: presentation:', err);
        body.dataset.presentError = msg;
        this.setStatus(t(this.lang, 'presentDrawError', { msg }));
        throw err;
      }
    })();
    // A caller that does not wait still has the failure in the toolbar.
    this.drawing.catch(() => {});
    return this.drawing;
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
    this.titleIn.setAttribute('aria-label', tt('editTitle'));
    this.subIn.setAttribute('aria-label', tt('editSubtitle'));
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
