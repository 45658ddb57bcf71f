// The search box: a combobox over /api/v1/search (names, short forms, the
// notice's written names and codes). Arrow keys move, Enter picks, Escape
// closes; picking hands the hit to onPick.
import { api } from './api.js';
import { t, provinceName, divisionName } from './i18n.js';

const LEVEL = { province: '省级', prefecture: '地级', county: '县级' };
const LEVEL_EN = { province: 'province', prefecture: 'prefecture', county: 'county' };

export class SearchBox {
  constructor(input, list, { onPick, lang, provinceNameOf }) {
    this.input = input;
    this.list = list;
    this.onPick = onPick;
    this.lang = lang || 'zh';
    this.provinceNameOf = provinceNameOf;
    this.hits = [];
    this.active = -1;
    this.seq = 0;
    this.timer = 0;
    input.addEventListener('input', () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.query(input.value), 120);
    });
    input.addEventListener('keydown', (e) => this.key(e));
    input.addEventListener('blur', () => setTimeout(() => this.close(), 150));
    input.addEventListener('focus', () => {
      if (this.hits.length) this.open();
    });
  }

  setLang(lang) {
    this.lang = lang;
    if (!this.list.hidden) this.draw();
  }

  async query(q) {
    const seq = ++this.seq;
    q = q.trim();
    if (!q) {
      this.hits = [];
      this.close();
      return;
    }
    this.pending = (async () => {
      try {
        const hits = await api.search(q);
        if (seq !== this.seq) return;
        this.hits = Array.isArray(hits) ? hits.slice(0, 12) : [];
        this.q = q;
        this.active = this.hits.length ? 0 : -1;
        this.draw();
        this.open();
      } catch (err) {
        if (seq === this.seq) {
          this.hits = [];
          this.q = q;
          this.draw(String(err.message || err));
          this.open();
        }
      }
    })();
    return this.pending;
  }

  draw(error) {
    const lang = this.lang;
    this.list.textContent = '';
    if (!this.hits.length) {
      const li = document.createElement('li');
      li.className = 'search-none';
      li.textContent = error || t(lang, 'searchNone', { q: this.q || '' });
      this.list.append(li);
      return;
    }
    this.hits.forEach((h, i) => {
      const li = document.createElement('li');
      li.id = 'q-hit-' + i;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', i === this.active ? 'true' : 'false');
      li.dataset.code = h.code;
      const name = document.createElement('span');
      name.className = 'hit-name';
      name.textContent = h.level === 'province' ? provinceName(lang, h.code, h.name) : divisionName(lang, h);
      const sub = document.createElement('span');
      sub.className = 'hit-sub';
      const prov = h.level !== 'province' ? this.provinceNameOf?.(h.province_code) : '';
      sub.textContent = [prov, (lang === 'en' ? LEVEL_EN : LEVEL)[h.level] || h.level, h.code].filter(Boolean).join(' · ');
      li.append(name, sub);
      if (h.pilot) {
        const b = document.createElement('span');
        b.className = 'hit-pilot';
        b.textContent = lang === 'en' ? 'pilot' : '试点';
        li.append(b);
      }
      li.addEventListener('mousedown', (e) => {
        e.preventDefault();
        this.pick(i);
      });
      this.list.append(li);
    });
    this.input.setAttribute('aria-activedescendant', this.active >= 0 ? 'q-hit-' + this.active : '');
  }

  open() {
    this.list.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
  }

  close() {
    this.list.hidden = true;
    this.input.setAttribute('aria-expanded', 'false');
  }

  pick(i) {
    const h = this.hits[i];
    if (!h) return;
    this.close();
    this.input.value = h.level === 'province' ? provinceName(this.lang, h.code, h.name) : divisionName(this.lang, h);
    this.onPick(h);
  }

  async key(e) {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (!this.hits.length) return;
      e.preventDefault();
      const n = this.hits.length;
      this.active = (this.active + (e.key === 'ArrowDown' ? 1 : -1) + n) % n;
      this.draw();
      this.open();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      clearTimeout(this.timer);
      // Enter right after typing: wait for the answer to what was typed.
      if (this.q !== this.input.value.trim()) await this.query(this.input.value);
      this.pick(Math.max(0, this.active));
    } else if (e.key === 'Escape') {
      this.close();
    }
  }
}
