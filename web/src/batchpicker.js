// The picker of programs and batches (shown when more than one batch is
// stored): which batches the map shows, kept in the URL's query
// (selection.js); the units a selected batch adds are listed as new.
// Changing the selection reloads the page with the new query, so every
// figure and layer is fetched for it.
import { api, setSelection, getJSON } from './api.js';
import { parseSelection, formatSelection, selectionQuery, validSelection } from './selection.js';
import { newFeatures } from './newunits.js';

/**
 * initSelection reads the URL's selection, checks it against the stored
 * batches and hands it to the API calls; it returns {sel, batches}
 * (batches may be a promise when the URL selects nothing). A selection the
 * data does not have is dropped from the URL.
 */
export async function initSelection() {
  const asked = parseSelection(location.search);
  const wanted = asked.program || asked.batches.length;
  if (!wanted) return { sel: null, batches: api.batches() }; // not waited for: the picker waits
  const batches = await api.batches();
  const sel = wanted ? validSelection(asked, batches) : null;
  if (wanted && !sel) history.replaceState(history.state, '', location.pathname + formatSelection(null, location.search) + location.hash);
  setSelection(selectionQuery(sel));
  return { sel, batches };
}

const words = {
  zh: { title: '项目与批次', all: '全部', newUnits: (n) => `本次所选批次新增 ${n} 个单位`, none: '所选批次没有新增单位' },
  en: { title: 'Programs and batches', all: 'All', newUnits: (n) => `${n} units new in the selected batches`, none: 'No unit is new in the selected batches' },
};

/** mountPicker puts the picker at the top of container (when there is more than one batch). */
export async function mountPicker(container, { sel, batches: pending }, lang) {
  const batches = await pending;
  if (batches.length < 2) return;
  const w = words[lang] || words.zh;
  const box = document.createElement('section');
  box.className = 'batch-picker';
  box.id = 'batch-picker';
  box.style.cssText = 'margin:0 0 .8rem;padding:.4rem .6rem;border:1px solid #d9e2ec;border-radius:4px';
  const h = document.createElement('h3');
  h.textContent = w.title;
  h.style.margin = '0 0 .3rem';
  box.append(h);
  const programs = [...new Set(batches.map((b) => b.program))];
  for (const program of programs) {
    const row = document.createElement('div');
    const all = checkbox(`${programs.length > 1 ? program + ' · ' : ''}${w.all}`, !sel || (sel.program === program && !sel.batches.length));
    all.input.dataset.program = program;
    all.input.dataset.all = 'true';
    row.append(all.label);
    for (const b of batches.filter((x) => x.program === program)) {
      const on = !!sel && sel.program === program && sel.batches.includes(b.number);
      const c = checkbox(`${b.name || '第' + b.number + '批'} ${b.doc_number} (${b.units})`, on);
      c.input.dataset.program = program;
      c.input.dataset.batch = String(b.number);
      row.append(c.label);
    }
    box.append(row);
  }
  box.addEventListener('change', (ev) => {
    const input = ev.target;
    const program = input.dataset.program;
    let next = null;
    if (!input.dataset.all) {
      const picked = [...box.querySelectorAll('input[data-batch]')].filter((i) => i.checked && i.dataset.program === program).map((i) => Number(i.dataset.batch));
      next = picked.length ? { program, batches: picked } : null;
    } else if (programs.length > 1 && input.checked) {
      next = { program, batches: [] };
    }
    location.search = formatSelection(next, location.search) || '?';
  });
  if (sel && sel.batches.length) {
    const note = document.createElement('p');
    note.className = 'note';
    note.id = 'batch-new';
    box.append(note);
    getJSON(`/api/v1/layers/pilots?zoom=2&${selectionQuery(sel)}`)
      .then((fc) => {
        const fresh = newFeatures(fc).map((f) => f.properties.name);
        note.textContent = fresh.length ? `${w.newUnits(fresh.length)}: ${fresh.join('、')}` : w.none;
        note.dataset.new = String(fresh.length);
      })
      .catch((err) => {
        note.textContent = String(err.message);
      });
  }
  container.prepend(box);
}

function checkbox(text, checked) {
  const label = document.createElement('label');
  label.style.cssText = 'display:inline-flex;gap:.3rem;margin-right:.8rem;align-items:center';
  const input = document.createElement('input');
  input.type = 'checkbox';
  input.checked = checked;
  label.append(input, document.createTextNode(text));
  return { label, input };
}
