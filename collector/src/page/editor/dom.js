// The editor's small helpers (no dependencies): building elements without HTML strings
// (so nothing typed can become markup), and reading and writing a JSON document at a
// path. A path is an array (`['config', 'survey', 'reasons', 0, 'label']`); its key is
// the reader's own notation (`config.survey.reasons[0].label`), which is how the
// collector names the field of a problem, so an error finds its field by it.

/** An element: `attrs` are attributes (`true` for a bare one; `false`/`null` left out),
 * except `text` (its text), `on` (event listeners) and `props` (DOM properties). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === null || v === undefined) continue;
    if (k === 'text') el.textContent = v;
    else if (k === 'on') for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    else if (k === 'props') Object.assign(el, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** `config.survey.reasons[0].label` for `['config', 'survey', 'reasons', 0, 'label']`. */
export function pathKey(path) {
  return path.reduce((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${p}` : String(p)), '');
}

/** An element id for a path (and a suffix). */
export function idOf(path, suffix = '') {
  return `f-${pathKey(path).replace(/[^A-Za-z0-9_-]+/g, '-')}${suffix ? `-${suffix}` : ''}`;
}

/** The value at `path`, or undefined. */
export function getAt(doc, path) {
  let v = doc;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = v[p];
  }
  return v;
}

const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Writes `value` at `path`, making the objects on the way. `undefined` removes the key,
 * and then every object on the way that it left empty (never a list or the root). */
export function setAt(doc, path, value) {
  let v = doc;
  for (let i = 0; i < path.length - 1; i++) {
    const p = path[i];
    if (v[p] === null || typeof v[p] !== 'object') {
      if (value === undefined) return;
      v[p] = typeof path[i + 1] === 'number' ? [] : {};
    }
    v = v[p];
  }
  const last = path[path.length - 1];
  if (value !== undefined) {
    v[last] = value;
    return;
  }
  if (Array.isArray(v)) return;
  delete v[last];
  for (let n = path.length - 1; n > 0; n--) {
    const parent = getAt(doc, path.slice(0, n - 1));
    const here = getAt(doc, path.slice(0, n));
    if (isPlainObject(here) && Object.keys(here).length === 0 && isPlainObject(parent)) delete parent[path[n - 1]];
    else break;
  }
}

/** A deep copy of JSON. */
export const copy = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

/** What a value typed into a plain field means: a number, true, false or null when it
 * reads as one, else the text. */
export function typed(text) {
  const t = text.trim();
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t === 'null') return null;
  if (t !== '' && /^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  return t;
}

/** `fn`, called `ms` after the last of a burst of calls. */
export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
