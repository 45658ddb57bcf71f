// Which program and batches the map shows, kept in the URL's query next
// to presentation mode (state.js): ?program=NAME&batch=2,3. Pure functions.
// No program and no batch: everything stored (the server's default).

/**
 * parseSelection reads {program, batches} from a location search; batches
 * are distinct positive integers, sorted; anything malformed is dropped.
 */
export function parseSelection(search) {
  const q = new URLSearchParams(String(search || '').replace(/^\?/, ''));
  const program = (q.get('program') || '').trim() || null;
  const batches = [];
  for (const part of (q.get('batch') || '').split(',')) {
    if (!/^[1-9]\d{0,3}$/.test(part)) continue;
    const n = Number(part);
    if (!batches.includes(n)) batches.push(n);
  }
  batches.sort((a, b) => a - b);
  return { program, batches };
}

/** formatSelection writes a selection into a search, keeping base's other parameters. */
export function formatSelection(sel, base = '') {
  const q = new URLSearchParams(String(base || '').replace(/^\?/, ''));
  q.delete('program');
  q.delete('batch');
  if (sel && sel.program) q.set('program', sel.program);
  if (sel && sel.batches && sel.batches.length) q.set('batch', [...sel.batches].sort((a, b) => a - b).join(','));
  const s = q.toString();
  return s ? '?' + s : '';
}

/** selectionQuery is the API query of a selection ("" for everything), to append with & or ?. */
export function selectionQuery(sel) {
  const parts = [];
  if (sel && sel.program) parts.push('program=' + encodeURIComponent(sel.program));
  if (sel && sel.batches && sel.batches.length) parts.push('batch=' + sel.batches.join(','));
  return parts.join('&');
}

/**
 * validSelection keeps what the stored batches have: the program must be
 * stored and the batches of it; returns null when nothing is left.
 */
export function validSelection(sel, batches) {
  const programs = [...new Set(batches.map((b) => b.program))];
  let program = sel.program;
  if (!program && sel.batches.length && programs.length === 1) program = programs[0];
  if (!program || !programs.includes(program)) return null;
  const numbers = batches.filter((b) => b.program === program).map((b) => b.number);
  return { program, batches: sel.batches.filter((n) => numbers.includes(n)) };
}
