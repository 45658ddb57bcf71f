// pilotmap's admin page (/admin): sign in, read a notice without storing
// it (the join table), resolve every unmatched or unreadable row, set the
// program, batch and designations, preview the batch on a small map,
// publish; find a pilot unit, revoke or restore it and read its history;
// read and export the audit log. Every write goes to /api/v1/admin with
// the session's CSRF token (docs/api.md). Text from the server or the
// notice is only ever set as textContent, so markup in a name stays inert.
import L from 'leaflet';
import { getJSON } from './api.js';

const $ = (id) => document.getElementById(id);
const enc = encodeURIComponent;

const session = { user: '', csrf: '' };
let review = null; // { result, file, decisions: Map }
let previewMap = null;
let unitsLayer = null;
let auditNext = null;

/** el makes an element with text content and attributes; never HTML. */
function el(tag, text, attrs = {}) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.includes('-')) e.setAttribute(k, v);
    else e[k] = v;
  }
  return e;
}

/** ProblemError is a problem+json answer. */
class ProblemError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

/** call requests an admin route; writes carry the CSRF token. */
async function call(method, path, body, headers = {}) {
  const h = { Accept: 'application/json', ...headers };
  if (method !== 'GET' && session.csrf) h['X-CSRF-Token'] = session.csrf;
  const res = await fetch(path, { method, body, headers: h, credentials: 'same-origin' });
  if (res.status === 204) return null;
  const type = res.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await res.json() : await res.text();
  if (!res.ok) throw new ProblemError(res.status, (data && data.detail) || `${res.status} ${res.statusText}`);
  return data;
}

function say(text, error = false) {
  const m = $('msg');
  m.textContent = text;
  m.classList.toggle('ad-error', error);
  m.hidden = false;
  document.body.dataset.message = error ? 'error' : 'ok';
}

function failed(err) {
  if (err instanceof ProblemError && err.status === 401) {
    showSignIn();
    say('请重新登录 Sign in again: ' + err.message, true);
    return;
  }
  say(err.message, true);
}

// ---- sign-in ----

function showSignIn() {
  $('signin').hidden = false;
  $('app').hidden = true;
  $('nav').hidden = true;
  document.body.dataset.signedIn = 'false';
}

function showApp(s) {
  session.user = s.user;
  session.csrf = s.csrf_token || '';
  $('signin').hidden = true;
  $('app').hidden = false;
  $('nav').hidden = false;
  $('who').textContent = s.user;
  document.body.dataset.signedIn = 'true';
  loadAudit(true);
}

async function start() {
  try {
    showApp(await call('GET', '/api/v1/admin/session'));
  } catch (err) {
    if (err instanceof ProblemError && err.status === 404) {
      $('off').textContent = err.message;
      $('off').hidden = false;
      document.body.dataset.signedIn = 'off';
    } else if (err instanceof ProblemError && err.status === 401) {
      showSignIn();
    } else {
      say(err.message, true);
    }
  }
  document.body.dataset.adminReady = 'true';
}

$('signin-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  try {
    const s = await call('POST', '/api/v1/admin/session', JSON.stringify({ user: $('si-user').value, password: $('si-password').value }), {
      'Content-Type': 'application/json',
    });
    $('si-password').value = '';
    $('msg').hidden = true;
    showApp(s);
  } catch (err) {
    say(err.message, true);
  }
});

$('signout').addEventListener('click', async () => {
  try {
    await call('DELETE', '/api/v1/admin/session');
  } catch (err) {
    failed(err);
    return;
  }
  session.csrf = '';
  showSignIn();
  say('已退出 Signed out');
});

// ---- import: read, review, publish ----

/** theDocument is the chosen file, else the pasted text as notice.txt. */
function theDocument() {
  const f = $('im-file').files[0];
  if (f) return f;
  const text = $('im-text').value;
  if (!text.trim()) return null;
  return new File([text], 'notice.txt', { type: 'text/plain' });
}

$('im-read').addEventListener('click', async () => {
  const file = theDocument();
  if (!file) {
    say('请粘贴文字或选择文件 Paste the text or choose a file', true);
    return;
  }
  const fd = new FormData();
  fd.append('file', file, file.name);
  try {
    const result = await call('POST', '/api/v1/admin/imports?dry_run=1', fd);
    review = { result, file, decisions: new Map() };
    showReview();
    say(`已读取 Read: ${result.units.length} 个单位 units, ${result.unmatched.length} 未匹配 unmatched, ${result.unreadable.length} 无法读取 unreadable`);
  } catch (err) {
    failed(err);
  }
});

const rowKey = (line, written) => `${line}\u0000${written}`;

function showReview() {
  const { result } = review;
  const md = result.metadata;
  const meta = $('im-meta');
  meta.replaceChildren();
  const add = (k, v) => meta.append(el('dt', k), el('dd', v || '—'));
  add('标题 Title', md.title);
  add('文号 Number', md.doc_number);
  add('文件 File', `${result.document.filename || '(pasted)'} · ${result.document.format} · ${result.document.bytes} bytes`);
  for (const n of [...result.document.notes, ...(result.notes || [])]) add('注 Note', n);
  if (md.problem) add('缺 Missing', md.problem);
  $('im-program').value = md.program || '';
  $('im-batch').value = md.batch || '';
  showExisting();

  const des = $('im-designations');
  des.replaceChildren();
  for (const p of result.pilot_provinces) addDesignation(p.code, p.name);
  if (!result.pilot_provinces.length) des.append(el('span', '（通知未列出 none listed）', { class: 'ad-note' }));
  fillProvinces();

  const tbody = $('im-table').tBodies[0];
  tbody.replaceChildren();
  for (const u of result.unmatched) tbody.append(decisionRow('row-unmatched', u.line, u.province, u.written, u.reason || '未匹配 unmatched', u.candidates, u.province_code));
  for (const u of result.unreadable) tbody.append(decisionRow('row-unreadable', u.line, u.province || '', u.text, u.reason, [], ''));
  for (const u of result.units) {
    const tr = el('tr', null, { class: 'row-matched' });
    tr.append(el('td', u.line), el('td', u.province), el('td', u.written), el('td', `${u.code} ${u.name}`), el('td', `${u.rule} ${u.confidence}`), el('td', '✓'));
    tbody.append(tr);
  }
  $('im-summary').textContent = `${result.units.length} matched · ${result.unmatched.length} unmatched · ${result.unreadable.length} unreadable`;
  $('review').hidden = false;
  updateUndecided();
  drawPreview();
}

/** addDesignation adds a checked full-promotion province (once). */
function addDesignation(code, name) {
  const des = $('im-designations');
  if (des.querySelector(`input[data-code="${code}"]`)) return;
  const box = el('input', null, { type: 'checkbox', checked: true, value: code });
  box.dataset.code = code;
  const lab = el('label');
  lab.append(box, ' ' + name);
  des.append(lab);
}

let provincesLoaded = false;
/** fillProvinces lists every province for adding a designation the notice does not name. */
async function fillProvinces() {
  if (provincesLoaded) return;
  try {
    const list = await getJSON('/api/v1/provinces');
    const sel = $('im-add-province');
    for (const p of list) if (p.in_program) sel.append(el('option', `${p.name} ${p.code}`, { value: p.code }));
    provincesLoaded = true;
  } catch (err) {
    failed(err);
  }
}

$('im-add-designation').addEventListener('click', () => {
  const sel = $('im-add-province');
  if (!sel.value) return;
  addDesignation(sel.value, sel.selectedOptions[0].textContent.replace(/ \d{6}$/, ''));
});

function showExisting() {
  const b = review && review.result.metadata.existing_batch;
  const same = b && $('im-program').value === review.result.metadata.program && Number($('im-batch').value) === review.result.metadata.batch;
  $('im-existing').hidden = !same;
  if (same) $('im-existing').textContent = `该批次已有通知 This batch already holds ${b.doc_number || b.title} (${b.units} units): choose another batch number`;
}
$('im-program').addEventListener('input', showExisting);
$('im-batch').addEventListener('input', showExisting);

/** decisionRow is a row that needs a decision: candidates, a gazetteer search, or "not a division". */
function decisionRow(cls, line, province, written, reason, candidates, provinceCode) {
  const tr = el('tr', null, { class: cls });
  tr.dataset.line = line;
  tr.dataset.written = written;
  const chosen = el('span', '未决 undecided', { class: 'ad-chosen' });
  const decide = el('div', null, { class: 'ad-decide' });
  const pick = el('select', null, { 'aria-label': 'decision' });
  pick.append(el('option', '— 选择 choose —', { value: '' }));
  for (const c of candidates || []) pick.append(el('option', `${c.code} ${c.name} (${c.reason})`, { value: c.code }));
  pick.append(el('option', '不是行政区划 not a division', { value: 'not_division' }));
  const setDecision = (d, label) => {
    const key = rowKey(line, written);
    if (d) review.decisions.set(key, { line, written, ...d });
    else review.decisions.delete(key);
    chosen.textContent = d ? label : '未决 undecided';
    tr.classList.toggle('row-decided', !!d);
    updateUndecided();
    drawPreview();
  };
  pick.addEventListener('change', () => {
    const v = pick.value;
    if (!v) setDecision(null);
    else if (v === 'not_division') setDecision({ not_division: true }, '不是行政区划 not a division');
    else setDecision({ code: v }, pick.selectedOptions[0].textContent);
  });
  const q = el('input', null, { type: 'search', placeholder: '搜索区划 Search the gazetteer', value: written });
  q.className = 'ad-search';
  const hits = el('ul', null, { class: 'ad-hits' });
  const find = el('button', '搜索 Search', { type: 'button', class: 'ad-btn' });
  find.addEventListener('click', async () => {
    hits.replaceChildren();
    try {
      const res = await getJSON('/api/v1/search?q=' + enc(q.value.trim()) + '&limit=8');
      const list = (res.results || res).filter((h) => h.level !== 'province' && (!provinceCode || h.province_code === provinceCode));
      if (!list.length) hits.append(el('li', '无结果 no result', { class: 'ad-note' }));
      for (const h of list) {
        const b = el('button', `${h.code} ${h.name}`, { type: 'button' });
        b.addEventListener('click', () => {
          let opt = [...pick.options].find((o) => o.value === h.code);
          if (!opt) {
            opt = el('option', `${h.code} ${h.name}`, { value: h.code });
            pick.insertBefore(opt, pick.lastElementChild);
          }
          pick.value = h.code;
          setDecision({ code: h.code }, `${h.code} ${h.name}`);
        });
        const li = el('li');
        li.append(b);
        hits.append(li);
      }
    } catch (err) {
      failed(err);
    }
  });
  const searchRow = el('div', null, { class: 'ad-row' });
  searchRow.append(q, find);
  decide.append(pick, searchRow, hits, chosen);
  tr.append(el('td', line), el('td', province), el('td', written), el('td', reason), el('td', ''), el('td'));
  tr.lastElementChild.append(decide);
  return tr;
}

function updateUndecided() {
  const r = review.result;
  const open = r.unmatched.length + r.unreadable.length - review.decisions.size;
  $('im-undecided').textContent = open > 0 ? `还有 ${open} 行未决 ${open} rows undecided` : '全部已决 all rows decided';
  $('im-publish').disabled = open > 0;
}

/** drawPreview marks the batch's units on a small map of the comparable units. */
async function drawPreview() {
  if (!previewMap) {
    previewMap = L.map($('im-map'), { attributionControl: false, zoomSnap: 0.25 }).setView([35, 105], 3.5);
    try {
      const data = await getJSON('/api/v1/layers/units?zoom=4');
      unitsLayer = L.geoJSON(data, { style: () => ({ weight: 0.4, color: '#ffffff', fillColor: '#cbd2d9', fillOpacity: 1 }) }).addTo(previewMap);
    } catch (err) {
      failed(err);
      return;
    }
  }
  if (!unitsLayer || !review) return;
  const codes = new Set(review.result.units.map((u) => u.code));
  for (const d of review.decisions.values()) if (d.code) codes.add(d.code);
  const inBatch = (id) => codes.has(id) || [...codes].some((c) => c.slice(0, 4) + '00' === id);
  let marked = 0;
  unitsLayer.eachLayer((l) => {
    const on = inBatch(String(l.feature.id ?? l.feature.properties.code));
    if (on) marked++;
    l.setStyle(on ? { fillColor: '#e8743b' } : { fillColor: '#cbd2d9' });
  });
  $('im-map').dataset.marked = String(marked);
}

$('im-publish').addEventListener('click', async () => {
  const program = $('im-program').value.trim();
  const batch = $('im-batch').value.trim();
  if (!program || !batch) {
    say('请填写项目和批次 Give the program and the batch', true);
    return;
  }
  const designations = [...$('im-designations').querySelectorAll('input[type=checkbox]')]
    .filter((b) => b.checked)
    .map((b) => ({ province_code: b.dataset.code, kind: 'full_promotion' }));
  const body = { decisions: [...review.decisions.values()], designations };
  const fd = new FormData();
  fd.append('file', review.file, review.file.name);
  fd.append('review', JSON.stringify(body));
  $('im-publish').disabled = true;
  try {
    const res = await call('POST', `/api/v1/admin/imports?program=${enc(program)}&batch=${enc(batch)}`, fd);
    say(res.created ? `已发布 Published: ${res.program} 第${res.batch}批, ${res.units} 个单位 units (import ${res.import_id})` : `未改变 Unchanged: 该批次已有同一文本 this batch holds the same text already`);
    document.body.dataset.published = String(res.batch);
    loadAudit(true);
  } catch (err) {
    failed(err);
  } finally {
    updateUndecided();
  }
});

// ---- pilot units: find, revoke or restore, history ----

$('un-search').addEventListener('click', findUnits);
$('un-q').addEventListener('keydown', (ev) => {
  if (ev.key === 'Enter') findUnits();
});

async function findUnits() {
  const q = $('un-q').value.trim();
  const list = $('un-list');
  list.replaceChildren();
  if (!q) return;
  try {
    const units = await getJSON('/api/v1/units?q=' + enc(q));
    if (!units.length) list.append(el('li', '无结果 no result', { class: 'ad-note' }));
    const seen = new Set();
    for (const u of units) {
      if (seen.has(u.code)) continue;
      seen.add(u.code);
      const b = el('button', `${u.name} ${u.code} · ${u.province_name}`, { type: 'button' });
      b.addEventListener('click', () => showUnit(u.code));
      const li = el('li');
      li.append(b);
      list.append(li);
    }
  } catch (err) {
    failed(err);
  }
}

async function showUnit(code) {
  const panel = $('un-panel');
  panel.replaceChildren();
  let doc;
  try {
    doc = await getJSON('/api/v1/units/' + enc(code));
  } catch (err) {
    failed(err);
    return;
  }
  panel.append(el('h3', `${doc.name} ${doc.code} · ${doc.province_name}`));
  for (const p of doc.pilots) {
    const box = el('div', null, { class: 'ad-pilot' });
    box.dataset.id = p.id;
    const status = el('span', p.status === 'revoked' ? '已取消 revoked' : '有效 active', { class: 'ad-status-' + p.status });
    const head = el('p');
    head.append(`${p.program} 第${p.batch}批 · 原文 ${p.written} · `, status);
    const hist = el('ol', null, { class: 'ad-history' });
    for (const h of p.history || []) {
      hist.append(el('li', `${h.effective_date || h.recorded_at.slice(0, 10)} ${h.status} — ${h.reason}${h.by ? ' (' + h.by + ')' : ''}`));
    }
    const form = el('div', null, { class: 'ad-row' });
    const reason = el('input', null, { placeholder: '理由 Reason', size: 30 });
    reason.className = 'ad-reason';
    const date = el('input', null, { type: 'date', value: new Date().toISOString().slice(0, 10) });
    date.className = 'ad-date';
    const to = p.status === 'revoked' ? 'active' : 'revoked';
    const act = el('button', to === 'revoked' ? '取消试点资格 Revoke' : '恢复 Restore', { type: 'button', class: 'ad-btn ad-primary' });
    act.className += ' ad-act';
    act.addEventListener('click', async () => {
      try {
        await call('POST', `/api/v1/admin/units/${p.id}/status`, JSON.stringify({ status: to, reason: reason.value, effective_date: date.value }), {
          'Content-Type': 'application/json',
        });
        say(`已${to === 'revoked' ? '取消 revoked' : '恢复 restored'}: ${doc.name}`);
        await showUnit(code);
        loadAudit(true);
      } catch (err) {
        failed(err);
      }
    });
    form.append(reason, date, act);
    box.append(head, hist, form);
    panel.append(box);
  }
  panel.hidden = false;
}

// ---- audit log ----

$('au-refresh').addEventListener('click', () => loadAudit(true));
$('au-more').addEventListener('click', () => loadAudit(false));

async function loadAudit(fresh) {
  const tbody = $('au-table').tBodies[0];
  const path = fresh || !auditNext ? '/api/v1/admin/audit?limit=50' : auditNext;
  let page;
  try {
    page = await call('GET', path);
  } catch (err) {
    failed(err);
    return;
  }
  if (fresh) tbody.replaceChildren();
  for (const e of page.entries) {
    const tr = el('tr');
    tr.dataset.action = e.action;
    tr.append(el('td', e.id), el('td', e.at.replace('T', ' ').slice(0, 19)), el('td', e.actor), el('td', e.client), el('td', e.action), el('td', e.target), el('td', e.detail));
    tbody.append(tr);
  }
  auditNext = page.next;
  $('au-more').hidden = !auditNext;
  document.body.dataset.auditRows = String(tbody.rows.length);
}

start();
