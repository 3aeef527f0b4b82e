// The flow editor's Theme panel. This module owns: the list of the widget's --cf-* CSS
// variables (CONTRACT section 7) with their light and dark defaults, the checks on the values
// a designer types, the WCAG 2.2 contrast maths (relative luminance, alpha compositing), the
// CSS snippet to paste into a stylesheet, and the panel itself (`mountTheme`), which applies
// each value live to the preview. The pure functions touch no DOM, so Node can import the
// module for the unit tests (collector/tests/js/theme.test.mjs). The markup is built with
// createElement and never carries a style attribute: the page's CSP is `style-src 'self'`.

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

export const VARIABLES = [
  ['color-accent', 'Accent (primary buttons)', 'color', 'The main buttons, focus rings and selected choices.'],
  ['color-accent-contrast', 'Text on the accent', 'color', 'The text on the main buttons.'],
  ['color-bg', 'Background', 'color', 'The dialog and the cards.'],
  ['color-fg', 'Text', 'color', 'The main text.'],
  ['color-muted', 'Secondary text', 'color', 'Hints and smaller print.'],
  ['color-border', 'Borders', 'color', 'Borders and the secondary buttons.'],
  ['color-danger', 'Danger', 'color', 'The cancel button and error messages.'],
  ['font-family', 'Font', 'text', 'A font stack, for example Georgia, serif.'],
  ['font-size', 'Text size', 'length', 'The base size; everything else scales from it. For example 16px.'],
  ['radius', 'Corner radius', 'length', 'For the dialog, the cards and the buttons. 0 for square corners.'],
  ['space', 'Spacing', 'length', 'Padding and the gaps between things.'],
  ['shadow', 'Dialog shadow', 'text', 'A box-shadow value, or none.'],
  ['backdrop', 'Backdrop', 'color', 'The layer behind the dialog; rgba() lets the page show through.'],
  ['max-width', 'Dialog width', 'length', 'The widest the dialog gets, for example 560px.'],
  ['z-index', 'Stacking order (z-index)', 'integer', 'Only matters if something on your page covers the dialog.'],
].map(([short, label, kind, hint]) => ({ name: `--cf-${short}`, label, kind, hint }));

const shared = {
  '--cf-font-family': FONT, '--cf-font-size': '16px', '--cf-radius': '8px', '--cf-space': '16px',
  '--cf-shadow': '0 12px 40px rgba(0, 0, 0, 0.25)', '--cf-backdrop': 'rgba(15, 23, 42, 0.55)',
  '--cf-max-width': '560px', '--cf-z-index': '2147483000',
};
const colours = (accent, accentContrast, bg, fg, muted, border, danger) => ({
  '--cf-color-accent': accent, '--cf-color-accent-contrast': accentContrast, '--cf-color-bg': bg,
  '--cf-color-fg': fg, '--cf-color-muted': muted, '--cf-color-border': border, '--cf-color-danger': danger,
});
export const DEFAULTS = {
  light: { ...colours('#1d4ed8', '#ffffff', '#ffffff', '#1f2328', '#57606a', '#7d8590', '#b42318'), ...shared },
  dark: { ...colours('#8ab4ff', '#0b1220', '#161b22', '#e6edf3', '#9da7b3', '#6e7681', '#ff8f85'), ...shared },
};

const pair = (id, fg, bg, min, label) => ({ id, fg: `--cf-color-${fg}`, bg: `--cf-color-${bg}`, min, label });
export const PAIRS = [
  pair('fg-bg', 'fg', 'bg', 4.5, 'Text on the background'),
  pair('muted-bg', 'muted', 'bg', 4.5, 'Secondary text on the background'),
  pair('accent-contrast-accent', 'accent-contrast', 'accent', 4.5, 'Button text on the accent'),
  pair('danger-bg', 'danger', 'bg', 4.5, 'Danger text on the background'),
  // 4.5, not 3: the fallback's links are accent-coloured text (www/cancel-flow.css, .fallback a).
  pair('accent-bg', 'accent', 'bg', 4.5, 'Accent on the background (links, focus rings, selected choices)'),
  pair('border-bg', 'border', 'bg', 3, 'Borders on the background'),
];

// ---- Colours and contrast -------------------------------------------------------------

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?(%?)$/;
const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));
function component(text, scale) { // a number, or a percentage of `scale`
  const m = NUMBER.exec(text);
  if (!m) return null;
  const x = parseFloat(text);
  return m[1] ? (x * scale) / 100 : x;
}

/** `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`, `rgb()`/`rgba()` (commas or spaces, `/ alpha`,
 * percentages), `white`, `black`, `transparent` → `{ r, g, b, a }`; anything else → null. */
export function parseColor(css) {
  if (typeof css !== 'string') return null;
  const s = css.trim().toLowerCase();
  if (s === 'white') return { r: 255, g: 255, b: 255, a: 1 };
  if (s === 'black') return { r: 0, g: 0, b: 0, a: 1 };
  if (s === 'transparent') return { r: 0, g: 0, b: 0, a: 0 };
  let m = /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/.exec(s);
  if (m) {
    const h = m[1].length <= 4 ? [...m[1]].map((c) => c + c).join('') : m[1];
    const at = (i) => parseInt(h.slice(i, i + 2), 16);
    return { r: at(0), g: at(2), b: at(4), a: h.length === 8 ? at(6) / 255 : 1 };
  }
  m = /^rgba?\((.*)\)$/.exec(s);
  if (!m) return null;
  let parts, alpha;
  if (m[1].includes(',')) {
    parts = m[1].split(',').map((p) => p.trim());
    if (parts.length === 4) alpha = parts.pop();
  } else {
    const slash = m[1].split('/');
    if (slash.length > 2) return null;
    parts = slash[0].trim().split(/\s+/);
    if (slash.length === 2) alpha = slash[1].trim();
  }
  if (parts.length !== 3) return null;
  const [r, g, b] = parts.map((p) => component(p, 255));
  const a = alpha === undefined ? 1 : component(alpha, 1);
  if ([r, g, b, a].some((x) => x === null || !Number.isFinite(x))) return null;
  const byte = (x) => Math.round(clamp(x, 0, 255));
  return { r: byte(r), g: byte(g), b: byte(b), a: clamp(a, 0, 1) };
}

const WHITE = { r: 255, g: 255, b: 255, a: 1 };
const asColor = (c) => (typeof c === 'string' ? parseColor(c) : c && typeof c === 'object' ? c : null);
const over = (top, under) => { // `top` painted over the opaque `under`, in sRGB like browsers do
  const mix = (k) => top[k] * top.a + under[k] * (1 - top.a);
  return { r: mix('r'), g: mix('g'), b: mix('b'), a: 1 };
};
const linear = (c) => { const x = c / 255; return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; };
const luminance = (c) => 0.2126 * linear(c.r) + 0.7152 * linear(c.g) + 0.0722 * linear(c.b);

/** The WCAG 2.2 contrast ratio (1 to 21) of `fg` on `bg` (strings or `{r,g,b,a}`). A see-through
 * background is first painted over `base` (default white), a see-through foreground over the
 * background. null when either colour cannot be read. */
export function contrastRatio(fg, bg, base = WHITE) {
  const f = asColor(fg), b = asColor(bg);
  if (!f || !b) return null;
  let under = asColor(base) || WHITE;
  if (under.a < 1) under = over(under, WHITE);
  const back = b.a < 1 ? over(b, under) : b;
  const front = f.a < 1 ? over(f, back) : f;
  const [hi, lo] = [luminance(front), luminance(back)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** `4.63:1`. Rounded down, so a ratio just under the minimum never shows as the minimum. */
export function formatRatio(ratio) {
  return ratio == null ? '' : `${Number((Math.floor(ratio * 100 + 1e-9) / 100).toFixed(2))}:1`;
}

const modeOf = (mode) => (mode === 'dark' ? 'dark' : 'light');
const usable = (values, name) => {
  const v = String(values?.[name] ?? '').trim();
  return v && !validValue(name, v) ? v : '';
};
/** The value the widget shows for `name`: the designer's when set and valid, else the default. */
export const effectiveValue = (values, name, mode = 'light') => usable(values, name) || DEFAULTS[modeOf(mode)][name];

/** Every pair of PAIRS checked with `values` (name → string; empty or invalid = the default of `mode`). */
export function checkContrast(values = {}, mode = 'light') {
  const m = modeOf(mode);
  const base = m === 'dark' ? DEFAULTS.dark['--cf-color-bg'] : WHITE;
  return PAIRS.map(({ id, label, fg, bg, min }) => {
    const ratio = contrastRatio(effectiveValue(values, fg, m), effectiveValue(values, bg, m), base);
    return { id, label, ratio, min, ok: ratio === null ? null : ratio >= min };
  });
}

// ---- Checking values and writing the CSS ----------------------------------------------

const NAMED = new Set(`
  aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blue blueviolet brown burlywood
  cadetblue chartreuse chocolate coral cornflowerblue cornsilk crimson cyan darkblue darkcyan darkgoldenrod
  darkgray darkgreen darkgrey darkkhaki darkmagenta darkolivegreen darkorange darkorchid darkred darksalmon
  darkseagreen darkslateblue darkslategray darkslategrey darkturquoise darkviolet deeppink deepskyblue dimgray
  dimgrey dodgerblue firebrick floralwhite forestgreen fuchsia gainsboro ghostwhite gold goldenrod gray green
  greenyellow grey honeydew hotpink indianred indigo ivory khaki lavender lavenderblush lawngreen lemonchiffon
  lightblue lightcoral lightcyan lightgoldenrodyellow lightgray lightgreen lightgrey lightpink lightsalmon
  lightseagreen lightskyblue lightslategray lightslategrey lightsteelblue lightyellow lime limegreen linen magenta
  maroon mediumaquamarine mediumblue mediumorchid mediumpurple mediumseagreen mediumslateblue mediumspringgreen
  mediumturquoise mediumvioletred midnightblue mintcream mistyrose moccasin navajowhite navy oldlace olive
  olivedrab orange orangered orchid palegoldenrod palegreen paleturquoise palevioletred papayawhip peachpuff peru
  pink plum powderblue purple rebeccapurple red rosybrown royalblue saddlebrown salmon sandybrown seagreen
  seashell sienna silver skyblue slateblue slategray slategrey snow springgreen steelblue tan teal thistle tomato
  transparent turquoise violet wheat white whitesmoke yellow yellowgreen currentcolor`.trim().split(/\s+/));
const COLOUR_FUNCTION = /^(?:hsla?|hwb|lab|lch|oklab|oklch|color|color-mix|light-dark)\(.+\)$/i;
const VAR = /^var\(\s*--[\w-]+\s*(?:,.*)?\)$/;
const LENGTH = /^(?:(?:\d+\.?\d*|\.\d+)(?:px|rem|em|%|vw|ch)|0)$/i;

function unsafe(s) { // why `s` could break out of its declaration, or null
  const bad = /[;{}<\\]/.exec(s);
  if (bad) return `Remove the “${bad[0]}”: it cannot be used in a theme value.`;
  if (/[\u0000-\u001f\u007f]/.test(s)) return 'Keep the value on one line, without tabs.';
  if (s.includes('/*') || s.includes('*/')) return 'Remove the comment marks (/* or */).';
  let quote = '', depth = 0;
  for (const ch of s) {
    if (quote) { if (ch === quote) quote = ''; } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(') depth += 1;
    else if (ch === ')' && --depth < 0) return 'There is a “)” without its “(”.';
  }
  if (quote) return `A quotation mark (${quote}) is not closed.`;
  return depth ? 'A “(” is not closed.' : null;
}

/** Why `value` cannot be used for `variable` (a name or an entry of VARIABLES), or null when it
 * can. Empty means “the default” and is fine. */
export function validValue(variable, value) {
  const v = typeof variable === 'string' ? VARIABLES.find((x) => x.name === variable) : variable;
  if (!v) return `There is no theme setting called ${variable}.`;
  const s = String(value ?? '').trim();
  if (!s) return null;
  const bad = unsafe(s);
  if (bad) return bad;
  if (VAR.test(s)) return null;
  if (v.kind === 'color') {
    if (parseColor(s) || NAMED.has(s.toLowerCase()) || COLOUR_FUNCTION.test(s)) return null;
    return /^(#|rgba?\()/i.test(s)
      ? `“${s}” is not a complete colour. Hex colours have 3, 4, 6 or 8 digits, like #1d4ed8; rgb() takes three numbers.`
      : `“${s}” is not a colour. Use a hex value like #1d4ed8, rgb(29 78 216) or a colour name.`;
  }
  if (v.kind === 'length' && !LENGTH.test(s)) {
    return 'Use a number with a unit (px, rem, em, %, vw or ch), like 16px or 1.5rem, or 0.';
  }
  if (v.kind === 'integer' && !/^-?\d+$/.test(s)) return 'Use a whole number, like 1000.';
  return null;
}

/** The CSS rule to paste into a stylesheet: only the variables set (and valid), in VARIABLES order. */
export function cssOutput(values = {}, selector = 'cancel-flow') {
  const sel = typeof selector === 'string' && selector.trim() && !unsafe(selector.trim()) ? selector.trim() : 'cancel-flow';
  const lines = VARIABLES.filter((v) => usable(values, v.name)).map((v) => `  ${v.name}: ${usable(values, v.name)};`);
  if (!lines.length) return "/* Nothing changed yet: the widget's default theme is in use. */\n";
  return `${sel} {\n${lines.join('\n')}\n}\n`;
}

const hex = (c) => `#${[c.r, c.g, c.b].map((x) => Math.round(x).toString(16).padStart(2, '0')).join('')}`;
const CHECKED = new Set(PAIRS.flatMap((p) => [p.fg, p.bg]));

// ---- The panel ---------------------------------------------------------------------------

/** Fills `panel` (after anything already in it, such as its heading) with the Theme controls,
 * which set the variables on `target.style`. `mode()` says 'light' or 'dark' (the preview's
 * colours); `onChange(values)` hears every edit. */
export function mountTheme(panel, target, { mode = () => 'light', onChange = () => {}, selector = 'cancel-flow', headingLevel = 3 } = {}) {
  const doc = panel.ownerDocument;
  const h = (tag, attrs = {}, ...kids) => {
    const e = doc.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) if (v != null) e.setAttribute(k, v);
    e.append(...kids);
    return e;
  };
  const setText = (e, s) => { if (e.textContent !== s) e.textContent = s; };
  const heading = (id, text) => h(`h${clamp(headingLevel, 2, 6)}`, { id, class: 'theme-heading' }, text);
  const applied = {};
  const rows = new Map();
  const items = new Map();
  const defaults = () => DEFAULTS[modeOf(mode())];
  panel.classList.add('theme-panel');

  const fields = h('div', { class: 'theme-fields' });
  for (const v of VARIABLES) {
    const id = `theme-${v.name.slice(5)}`;
    const text = h('input', { type: 'text', id, autocomplete: 'off', spellcheck: 'false',
      inputmode: v.kind === 'integer' ? 'numeric' : null, 'aria-describedby': `${id}-hint ${id}-error` });
    const row = { v, text, picker: null, msg: h('p', { id: `${id}-error`, class: 'theme-msg' }) };
    const wrap = h('div', { class: 'field theme-field', 'data-var': v.name }, h('label', { for: id }, v.label));
    if (v.kind === 'color') {
      row.picker = h('input', { type: 'color', id: `${id}-picker`,
        'aria-label': `${v.label}, colour picker`, 'aria-describedby': `${id}-hint` });
      row.picker.addEventListener('input', () => {
        const picked = parseColor(row.picker.value);
        const now = parseColor(applied[v.name] || defaults()[v.name]);
        const a = now && now.a < 1 ? Number(now.a.toFixed(3)) : 1;
        text.value = a < 1 ? `rgba(${picked.r}, ${picked.g}, ${picked.b}, ${a})` : row.picker.value;
        update(v.name);
      });
      wrap.append(h('div', { class: 'theme-color' }, text, row.picker));
    } else wrap.append(text);
    wrap.append(h('p', { id: `${id}-hint`, class: 'hint theme-hint' }, v.hint), row.msg);
    text.addEventListener('input', () => update(v.name));
    rows.set(v.name, row);
    fields.append(wrap);
  }

  const list = h('ul', { class: 'theme-pairs', id: 'theme-contrast' });
  for (const p of PAIRS) {
    const parts = { p, fg: h('span', { class: 'theme-swatch' }), bg: h('span', { class: 'theme-swatch' }),
      ratio: h('span', { class: 'theme-ratio' }), min: h('span', { class: 'theme-min' }, `(minimum ${formatRatio(p.min)})`),
      status: h('span', { class: 'theme-status' }) };
    parts.li = h('li', { 'data-pair': p.id },
      h('span', { class: 'theme-swatches', 'aria-hidden': 'true' }, parts.fg, parts.bg),
      h('span', { class: 'theme-pair-label' }, p.label),
      h('span', { class: 'theme-result' }, parts.ratio, ' ', parts.min, ' ', parts.status));
    items.set(p.id, parts);
    list.append(parts.li);
  }

  const code = h('code', { id: 'theme-css' });
  const copy = h('button', { type: 'button', id: 'theme-copy' }, 'Copy CSS');
  const reset = h('button', { type: 'button', id: 'theme-reset' }, 'Reset to the defaults');
  const status = h('p', { id: 'theme-copy-status', class: 'theme-status-line', role: 'status' });

  panel.append(
    h('p', { class: 'theme-intro' }, 'Change any of these to restyle the flow; the preview follows as you type. ' +
      'Leave a field empty to keep the default. Colours take hex values, rgb() or rgba().'),
    fields,
    h('div', { class: 'theme-contrast' }, heading('theme-contrast-title', 'Contrast (WCAG 2.2 AA)'),
      h('p', { class: 'hint theme-hint', id: 'theme-contrast-hint' },
        'Text needs 4.5:1 against what is behind it; the accent and the borders need 3:1.'),
      h('div', { 'aria-live': 'polite', class: 'theme-live' }, list)),
    h('div', { class: 'theme-output' }, heading('theme-css-title', 'CSS for your stylesheet'),
      h('pre', { class: 'theme-css' }, code),
      h('div', { class: 'theme-actions' }, copy, reset), status),
  );

  function syncPicker(name) {
    const { picker } = rows.get(name), c = picker && parseColor(applied[name] || defaults()[name]);
    if (c) picker.value = hex(c);
  }

  function render() {
    const m = modeOf(mode());
    for (const r of checkContrast(applied, m)) {
      const it = items.get(r.id);
      it.fg.style.setProperty('background', effectiveValue(applied, it.p.fg, m));
      it.bg.style.setProperty('background', effectiveValue(applied, it.p.bg, m));
      setText(it.ratio, formatRatio(r.ratio));
      setText(it.status, r.ok === null ? 'cannot be checked' : r.ok ? 'passes AA' : `below AA (needs ${formatRatio(r.min)})`);
      it.li.classList.toggle('warn', r.ok === false);
      it.li.classList.toggle('unknown', r.ok === null);
      it.li.dataset.status = r.ok === null ? 'unknown' : r.ok ? 'ok' : 'warn';
    }
    setText(code, cssOutput(applied, selector));
  }

  function update(name, quiet = false) { // reads one field; `quiet` skips the re-render and onChange
    const { v, text, msg } = rows.get(name);
    const value = text.value.trim();
    const error = validValue(v, value);
    const note = !error && value && CHECKED.has(name) && !parseColor(value) ? 'Contrast cannot be checked for this value.' : '';
    if (error) text.setAttribute('aria-invalid', 'true'); // and the preview keeps the last good value
    else {
      text.removeAttribute('aria-invalid');
      if (value) target.style.setProperty(name, (applied[name] = value));
      else { delete applied[name]; target.style.removeProperty(name); }
      syncPicker(name);
    }
    setText(msg, error || note);
    msg.className = `theme-msg${error ? ' field-error theme-error' : note ? ' theme-note' : ''}`;
    if (!quiet) { setText(status, ''); render(); onChange({ ...applied }); }
    return error;
  }

  function refresh() {
    for (const [name, row] of rows) { row.text.placeholder = defaults()[name]; syncPicker(name); }
    render();
  }

  copy.addEventListener('click', async () => {
    try {
      await doc.defaultView.navigator.clipboard.writeText(code.textContent); // throws when there is no clipboard
      setText(status, 'Copied');
    } catch {
      const range = doc.createRange();
      range.selectNodeContents(code);
      doc.getSelection().removeAllRanges();
      doc.getSelection().addRange(range);
      setText(status, 'The CSS is selected: press Ctrl+C (⌘C on a Mac) to copy it.');
    }
  });

  reset.addEventListener('click', () => {
    for (const [name, row] of rows) { row.text.value = ''; update(name, true); }
    refresh();
    setText(status, 'Back to the defaults.');
    onChange({});
  });

  // Values already on the target (a theme the editor restored) show in the fields.
  for (const [name, row] of rows) { row.text.value = target.style.getPropertyValue(name).trim(); update(name, true); }
  refresh();

  return {
    values: () => ({ ...applied }),
    refresh,
    set(name, value) { // as if typed; returns the error message or null
      if (!rows.has(name)) return validValue(name, value);
      rows.get(name).text.value = value ?? '';
      return update(name);
    },
  };
}
