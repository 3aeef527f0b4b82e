// The editor's field kinds, each bound to one place of the flow document: a labelled
// control whose `data-path` is the place's key (so the collector's problem for it shows
// beside it), with an error line and an optional hint. Typing writes the document and
// tells the editor (`ctx.changed()`); adding, removing or moving a list item redraws
// the form (`ctx.changed(true)`), keeping the focus where it was.

import { h, pathKey, idOf, getAt, setAt, copy } from './dom.js';

/** The error line and hint of a field, and the ids that describe it. */
function described(id, hint) {
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  const errorEl = h('p', { class: 'field-error', id: `${id}-error` });
  const by = [hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(' ');
  return { hintEl, errorEl, by };
}

/** A field block: label, control, hint, error. */
function block(id, label, control, hint, errorEl, extra = 'field') {
  return h('div', { class: extra }, h('label', { for: id }, label), control, hint, errorEl);
}

/** A one-line text (`type` text, url, email, date). Empty removes the key. */
export function text(ctx, path, label, { type = 'text', placeholder, hint, required } = {}) {
  const id = idOf(path);
  const d = described(id, hint);
  const value = getAt(ctx.doc(), path);
  const input = h('input', {
    id, type, 'data-path': pathKey(path), 'aria-describedby': d.by, placeholder, required,
    spellcheck: type === 'text' ? null : 'false', autocomplete: 'off',
    props: { value: typeof value === 'string' ? value : value === undefined ? '' : String(value) },
    on: { input: (e) => { setAt(ctx.doc(), path, e.target.value === '' ? undefined : e.target.value); ctx.changed(); } },
  });
  return block(id, label, input, d.hintEl, d.errorEl);
}

/** A number. Empty removes the key; what is typed is sent as it is (the collector says
 * what is out of range). */
export function number(ctx, path, label, { min, max, step = 1, hint, placeholder } = {}) {
  const id = idOf(path);
  const d = described(id, hint);
  const value = getAt(ctx.doc(), path);
  const input = h('input', {
    id, type: 'number', min, max, step, placeholder, inputmode: step === 1 ? 'numeric' : 'decimal',
    'data-path': pathKey(path), 'aria-describedby': d.by,
    props: { value: value === undefined || value === null ? '' : String(value) },
    on: {
      input: (e) => {
        const raw = e.target.value;
        setAt(ctx.doc(), path, raw === '' ? undefined : Number(raw));
        ctx.changed();
      },
    },
  });
  return block(id, label, input, d.hintEl, d.errorEl);
}

/** A checkbox: `on` when checked (default `true`), `off` when not (default: the key removed). */
export function check(ctx, path, label, { on = true, off, hint, redraw = false } = {}) {
  const id = idOf(path);
  const d = described(id, hint);
  const input = h('input', {
    id, type: 'checkbox', 'data-path': pathKey(path), 'aria-describedby': d.by,
    props: { checked: JSON.stringify(getAt(ctx.doc(), path)) === JSON.stringify(on) },
    on: { change: (e) => { setAt(ctx.doc(), path, e.target.checked ? copy(on) : copy(off)); ctx.changed(redraw); } },
  });
  return h('div', { class: 'field check' }, input, h('label', { for: id }, label), d.hintEl, d.errorEl);
}

/** A select of `[value, text]`; the value `''` removes the key. */
export function choice(ctx, path, label, options, { hint, redraw = false } = {}) {
  const id = idOf(path);
  const d = described(id, hint);
  const current = getAt(ctx.doc(), path);
  const select = h('select', {
    id, 'data-path': pathKey(path), 'aria-describedby': d.by,
    on: { change: (e) => { setAt(ctx.doc(), path, e.target.value === '' ? undefined : e.target.value); ctx.changed(redraw); } },
  }, options.map(([v, t]) => h('option', { value: v, props: { selected: (current ?? '') === v } }, t)));
  return block(id, label, select, d.hintEl, d.errorEl);
}

/** A text in the language being edited: a plain string is every language's text (and is
 * what English edits, or writes when there is none yet); a map gets the language's entry. The built-in text of that
 * language, when there is one, is the placeholder. */
export function localText(ctx, path, label, { builtin, hint, multiline = false } = {}) {
  const lang = ctx.lang();
  const id = idOf(path, lang);
  const d = described(id, hint);
  const current = getAt(ctx.doc(), path);
  const value = typeof current === 'string' ? (lang === 'en' ? current : '') : (current && current[lang]) || '';
  const placeholder = (builtin && ctx.builtin(lang, builtin)) || (typeof current === 'string' && lang !== 'en' ? current : null);
  const write = (v) => {
    const now = getAt(ctx.doc(), path);
    // English into nothing or into a plain text stays plain: one text for every language.
    if ((typeof now === 'string' || now === undefined) && lang === 'en') { setAt(ctx.doc(), path, v === '' ? undefined : v); return; }
    const map = typeof now === 'string' ? { en: now } : { ...(now || {}) };
    if (v === '') delete map[lang]; else map[lang] = v;
    setAt(ctx.doc(), path, Object.keys(map).length ? map : undefined);
  };
  const control = h(multiline ? 'textarea' : 'input', {
    id, type: multiline ? null : 'text', lang, dir: lang === 'ar' ? 'rtl' : null, rows: multiline ? 2 : null,
    'data-path': pathKey(path), 'aria-describedby': d.by, placeholder,
    props: { value },
    on: { input: (e) => { write(e.target.value); ctx.changed(); } },
  });
  return block(id, `${label} (${ctx.langName(lang)})`, control, d.hintEl, d.errorEl);
}

/** A list of plain texts, one per line (features, losses). */
export function lines(ctx, path, label, { hint } = {}) {
  const id = idOf(path);
  const current = getAt(ctx.doc(), path);
  if (Array.isArray(current) && current.some((x) => typeof x !== 'string')) {
    return h('p', { class: 'hint', 'data-path': pathKey(path) }, `${label}: written per language; edit them in the JSON view.`);
  }
  const d = described(id, hint || 'One per line.');
  const area = h('textarea', {
    id, rows: 3, 'data-path': pathKey(path), 'aria-describedby': d.by,
    props: { value: (current || []).join('\n') },
    on: {
      input: (e) => {
        const items = e.target.value.split('\n').map((s) => s.trim()).filter(Boolean);
        setAt(ctx.doc(), path, items.length ? items : undefined);
        ctx.changed();
      },
    },
  });
  return block(id, label, area, d.hintEl, d.errorEl);
}

/** Any JSON value, written as JSON; what is not JSON is said at the field and not taken. */
export function json(ctx, path, label, { hint, rows = 4, onValue } = {}) {
  const id = idOf(path, 'json');
  const d = described(id, hint);
  const current = getAt(ctx.doc(), path);
  const area = h('textarea', {
    id, rows, spellcheck: 'false', class: 'code', 'data-path': pathKey(path), 'aria-describedby': d.by,
    props: { value: current === undefined ? '' : JSON.stringify(current, null, 2) },
    on: {
      input: (e) => {
        let v;
        try {
          v = e.target.value.trim() === '' ? undefined : JSON.parse(e.target.value);
        } catch (err) {
          ctx.localProblem(area, `is not JSON yet (${err.message})`);
          return;
        }
        ctx.localProblem(area, null);
        setAt(ctx.doc(), path, v);
        if (onValue) onValue(v);
        ctx.changed();
      },
    },
  });
  return block(id, label, area, d.hintEl, d.errorEl);
}

/** A list of items, each in its own fieldset with buttons to move it up or down and to
 * remove it, and a button that adds one. */
export function list(ctx, path, { legend, item, add, addLabel, min = 0, none }) {
  const items = getAt(ctx.doc(), path) || [];
  const rows = items.map((value, i) => {
    const name = legend(value, i);
    const move = (to) => () => {
      const arr = getAt(ctx.doc(), path);
      const [moved] = arr.splice(i, 1);
      arr.splice(to, 0, moved);
      ctx.changed(true, idOf([...path, to], to < i ? 'up' : 'down'));
    };
    const remove = () => {
      const arr = getAt(ctx.doc(), path);
      arr.splice(i, 1);
      if (!arr.length && min === 0) setAt(ctx.doc(), path, undefined);
      ctx.changed(true, arr.length ? idOf([...path, Math.min(i, arr.length - 1)], 'remove') : idOf(path, 'add'));
    };
    return h('fieldset', { class: 'item', 'data-path': pathKey([...path, i]) },
      h('legend', {}, name),
      item(value, i),
      h('p', { class: 'field-error', id: `${idOf([...path, i])}-error` }),
      h('div', { class: 'item-actions' },
        h('button', { type: 'button', id: idOf([...path, i], 'up'), disabled: i === 0, 'aria-label': `Move up: ${name}`, on: { click: move(i - 1) } }, 'Move up'),
        h('button', { type: 'button', id: idOf([...path, i], 'down'), disabled: i === items.length - 1, 'aria-label': `Move down: ${name}`, on: { click: move(i + 1) } }, 'Move down'),
        h('button', { type: 'button', id: idOf([...path, i], 'remove'), class: 'danger', disabled: items.length <= min, 'aria-label': `Remove: ${name}`, on: { click: remove } }, 'Remove')));
  });
  const addButton = add && h('button', {
    type: 'button', id: idOf(path, 'add'),
    on: {
      click: () => {
        const arr = getAt(ctx.doc(), path);
        if (Array.isArray(arr)) arr.push(add()); else setAt(ctx.doc(), path, [add()]);
        const n = getAt(ctx.doc(), path).length - 1;
        ctx.changed(true, firstFieldId([...path, n]));
      },
    },
  }, addLabel);
  return h('div', { class: 'list', 'data-path': pathKey(path) },
    rows.length ? rows : none ? h('p', { class: 'hint' }, none) : null,
    h('p', { class: 'field-error', id: `${idOf(path)}-error` }), addButton);
}

/** Where focus goes after adding an item: its first field (found after the redraw). */
export const firstFieldId = (path) => `first:${pathKey(path)}`;

/** Several fields on one row where there is room. */
export const row = (...fields) => h('div', { class: 'row' }, fields);

/** A section of the form: a card with a heading. */
export const section = (id, title, ...children) =>
  h('section', { class: 'card form-section', 'aria-labelledby': `h-${id}` }, h('h2', { id: `h-${id}` }, title), children);

/** A group of fields with a legend. */
export const group = (legend, ...children) => h('fieldset', { class: 'group' }, h('legend', {}, legend), children);

