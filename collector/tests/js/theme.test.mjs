// Unit tests for the pure parts of the flow editor's Theme panel
// (collector/src/page/editor/theme.js). Run from the repository root: node --test collector/tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  VARIABLES, DEFAULTS, PAIRS, parseColor, contrastRatio, checkContrast, cssOutput, validValue, formatRatio,
} from '../../src/page/editor/theme.js';

const near = (actual, expected, tolerance = 0.01) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `expected ${actual} to be within ${tolerance} of ${expected}`);

test('the variables are the fifteen of the contract, in order, with a default in both modes', () => {
  assert.deepEqual(VARIABLES.map((v) => v.name), [
    '--cf-color-accent', '--cf-color-accent-contrast', '--cf-color-bg', '--cf-color-fg', '--cf-color-muted',
    '--cf-color-border', '--cf-color-danger', '--cf-font-family', '--cf-font-size', '--cf-radius', '--cf-space',
    '--cf-shadow', '--cf-backdrop', '--cf-max-width', '--cf-z-index',
  ]);
  assert.equal(VARIABLES[0].label, 'Accent (primary buttons)');
  for (const v of VARIABLES) {
    assert.ok(['color', 'length', 'text', 'integer'].includes(v.kind), v.name);
    assert.ok(v.label && v.hint, v.name);
    for (const mode of ['light', 'dark']) {
      assert.equal(validValue(v, DEFAULTS[mode][v.name]), null, `${mode} default of ${v.name} is valid`);
    }
  }
  assert.equal(DEFAULTS.light['--cf-color-border'], '#7d8590');
  assert.equal(DEFAULTS.dark['--cf-color-accent-contrast'], '#0b1220');
  assert.equal(DEFAULTS.dark['--cf-z-index'], '2147483000');
});

test('parseColor reads every accepted syntax', () => {
  const cases = [
    ['#fff', { r: 255, g: 255, b: 255, a: 1 }],
    ['#F00', { r: 255, g: 0, b: 0, a: 1 }],
    ['#0f08', { r: 0, g: 255, b: 0, a: 0x88 / 255 }],
    ['#1d4ed8', { r: 29, g: 78, b: 216, a: 1 }],
    ['#1D4ED880', { r: 29, g: 78, b: 216, a: 128 / 255 }],
    ['rgb(29, 78, 216)', { r: 29, g: 78, b: 216, a: 1 }],
    ['rgba(15, 23, 42, 0.55)', { r: 15, g: 23, b: 42, a: 0.55 }],
    ['rgba(15,23,42,.5)', { r: 15, g: 23, b: 42, a: 0.5 }],
    ['rgb(29 78 216)', { r: 29, g: 78, b: 216, a: 1 }],
    ['rgb(29 78 216 / 0.5)', { r: 29, g: 78, b: 216, a: 0.5 }],
    ['rgb(29 78 216 / 50%)', { r: 29, g: 78, b: 216, a: 0.5 }],
    ['rgba(100%, 0%, 50%, 1)', { r: 255, g: 0, b: 128, a: 1 }],
    ['RGB( 0 0 0 )', { r: 0, g: 0, b: 0, a: 1 }],
    ['rgb(300, -5, 10)', { r: 255, g: 0, b: 10, a: 1 }],
    ['  White ', { r: 255, g: 255, b: 255, a: 1 }],
    ['black', { r: 0, g: 0, b: 0, a: 1 }],
    ['transparent', { r: 0, g: 0, b: 0, a: 0 }],
  ];
  for (const [css, want] of cases) assert.deepEqual(parseColor(css), want, css);
});

test('parseColor refuses junk and other colour names', () => {
  for (const junk of ['', 'red', 'navy', '#ff', '#fffff', '#ggg', '#1d4ed8ff00', 'rgb(1, 2)', 'rgb(1 2 3 4)',
    'rgb(1, 2, 3,)', 'rgb(1 2 3 / )', 'rgb(1 2 / 3 / 4)', 'rgb(a, b, c)', 'hsl(10 20% 30%)', 'var(--x)', '1d4ed8',
    null, undefined, 42]) {
    assert.equal(parseColor(junk), null, String(junk));
  }
});

test('contrast ratios match the known values', () => {
  assert.equal(contrastRatio('#000', '#fff'), 21);
  assert.equal(contrastRatio('#fff', '#000'), 21);
  assert.equal(contrastRatio('#fff', '#fff'), 1);
  near(contrastRatio('#777777', '#ffffff'), 4.48);
  assert.ok(contrastRatio('#777777', '#ffffff') < 4.5, '#777 on white is just below AA');
  near(contrastRatio('#767676', '#ffffff'), 4.54);
  near(contrastRatio(DEFAULTS.light['--cf-color-fg'], DEFAULTS.light['--cf-color-bg']), 15.8, 0.05);
  assert.equal(contrastRatio('navy', '#fff'), null);
  assert.equal(contrastRatio('#fff', 'nonsense'), null);
  assert.equal(formatRatio(contrastRatio('#777777', '#ffffff')), '4.47:1', 'rounded down, never up to the minimum');
  assert.equal(formatRatio(21), '21:1');
  assert.equal(formatRatio(4.5), '4.5:1');
  assert.equal(formatRatio(null), '');
});

test('a see-through foreground is painted over the background first', () => {
  // Half-transparent black over white is a mid grey, rgb(127.5 127.5 127.5): about 3.98:1.
  const grey = { r: 127.5, g: 127.5, b: 127.5, a: 1 };
  near(contrastRatio('rgba(0, 0, 0, 0.5)', '#ffffff'), contrastRatio(grey, '#ffffff'), 1e-9);
  near(contrastRatio('#00000080', '#ffffff'), contrastRatio('#7f7f7f', '#ffffff'), 0.01); // 128/255 alpha
  // A 40% white over the light accent lightens it: the ratio against the plain accent is small but above 1.
  const tint = contrastRatio('rgba(255, 255, 255, 0.4)', '#1d4ed8');
  assert.ok(tint > 1.5 && tint < 3, String(tint));
  assert.equal(contrastRatio('rgba(0, 0, 0, 0)', '#ffffff'), 1, 'fully transparent text is invisible');
  assert.equal(contrastRatio('transparent', '#123456'), 1);
  // The same half-black on a dark background barely differs from it.
  assert.ok(contrastRatio('rgba(0 0 0 / 50%)', '#161b22') < 1.2);
});

test('a see-through background is painted over the base: white by default, or the given colour', () => {
  // A transparent background over white behaves like white.
  assert.equal(contrastRatio('#000', 'transparent'), 21);
  // Over black it behaves like black.
  assert.equal(contrastRatio('#fff', 'transparent', '#000'), 21);
  const grey = { r: 127.5, g: 127.5, b: 127.5, a: 1 };
  near(contrastRatio('#000', 'rgba(255, 255, 255, 0.5)', '#000'), contrastRatio('#000', grey), 1e-9);
  // Both see-through: the background over the base first, then the text over that.
  near(contrastRatio('rgba(0, 0, 0, 0.5)', 'rgba(255, 255, 255, 0.5)', '#000'),
    contrastRatio({ r: 63.75, g: 63.75, b: 63.75, a: 1 }, grey), 1e-9);
});

test('the defaults pass in both modes; a pale text on the accent fails', () => {
  for (const mode of ['light', 'dark']) {
    const results = checkContrast({}, mode);
    assert.deepEqual(results.map((r) => r.id), PAIRS.map((p) => p.id));
    for (const r of results) assert.equal(r.ok, true, `${mode} ${r.id} ${r.ratio}`);
  }
  const fgBg = checkContrast({}, 'light').find((r) => r.id === 'fg-bg');
  assert.equal(fgBg.min, 4.5);
  assert.equal(fgBg.label, 'Text on the background');
  assert.ok(fgBg.ratio > 15);

  const pale = checkContrast({ '--cf-color-accent-contrast': '#c7d2fe' }, 'light').find((r) => r.id === 'accent-contrast-accent');
  assert.equal(pale.ok, false);
  assert.ok(pale.ratio < 4.5);
  assert.deepEqual(Object.keys(pale).sort(), ['id', 'label', 'min', 'ok', 'ratio']);
});

test('checkContrast uses each mode\'s defaults, the non-text minimum, and marks what it cannot read', () => {
  // White text on the accent is fine in light mode; the dark accent is pale, so it fails there.
  const white = { '--cf-color-accent-contrast': '#ffffff' };
  assert.equal(checkContrast(white, 'light').find((r) => r.id === 'accent-contrast-accent').ok, true);
  assert.equal(checkContrast(white, 'dark').find((r) => r.id === 'accent-contrast-accent').ok, false);
  // Borders need 3:1 only: #949494 on white is about 3.03:1.
  const border = checkContrast({ '--cf-color-border': '#949494' }, 'light').find((r) => r.id === 'border-bg');
  assert.equal(border.min, 3);
  assert.equal(border.ok, true);
  // A colour name other than white and black cannot be checked.
  const named = checkContrast({ '--cf-color-fg': 'rebeccapurple' }, 'light').find((r) => r.id === 'fg-bg');
  assert.equal(named.ratio, null);
  assert.equal(named.ok, null);
  // Empty and invalid values count as the default.
  const same = checkContrast({ '--cf-color-fg': '  ', '--cf-color-bg': '#zzz' }, 'light');
  assert.deepEqual(same, checkContrast({}, 'light'));
});

test('cssOutput lists only the values set, in the order of the variables', () => {
  assert.equal(cssOutput({ '--cf-color-accent': ' #2f5d3a ' }), 'cancel-flow {\n  --cf-color-accent: #2f5d3a;\n}\n');
  const css = cssOutput({ '--cf-radius': '0', '--cf-color-bg': '#fffdf7', '--cf-font-size': '', '--cf-shadow': '   ' });
  assert.equal(css, 'cancel-flow {\n  --cf-color-bg: #fffdf7;\n  --cf-radius: 0;\n}\n');
  assert.equal(cssOutput({ '--cf-space': '12px' }, '.shop cancel-flow'), '.shop cancel-flow {\n  --cf-space: 12px;\n}\n');
  assert.equal(cssOutput({ '--not-ours': 'red' }), cssOutput({}));
});

test('cssOutput says when the defaults are in use', () => {
  for (const empty of [{}, { '--cf-color-accent': '' }, undefined]) {
    const css = cssOutput(empty);
    assert.match(css, /^\/\*.*default.*\*\/\n$/);
    assert.doesNotMatch(css, /\{/);
  }
});

test('cssOutput refuses values that could break out of the rule', () => {
  const css = cssOutput({
    '--cf-color-accent': 'red; } body { display: none',
    '--cf-font-family': 'Georgia }',
    '--cf-shadow': 'none</style><script>alert(1)</script>',
    '--cf-color-bg': 'red /* ',
    '--cf-color-fg': '#111',
    '--cf-radius': '4px\\',
  });
  assert.equal(css, 'cancel-flow {\n  --cf-color-fg: #111;\n}\n');
  assert.equal(cssOutput({ '--cf-color-fg': '#111' }, 'x { } y'), 'cancel-flow {\n  --cf-color-fg: #111;\n}\n');
});

test('validValue accepts what the widget can use', () => {
  const ok = [
    ['--cf-color-accent', '#2f5d3a'], ['--cf-color-accent', 'rgba(0, 0, 0, .5)'], ['--cf-color-accent', 'navy'],
    ['--cf-color-accent', 'var(--brand)'], ['--cf-color-accent', 'var(--brand, #123)'],
    ['--cf-color-accent', 'oklch(60% 0.15 250)'], ['--cf-color-accent', ''], ['--cf-color-accent', '   '],
    ['--cf-font-size', '16px'], ['--cf-font-size', '1.125rem'], ['--cf-radius', '0'], ['--cf-max-width', '90%'],
    ['--cf-max-width', '40ch'], ['--cf-max-width', '100vw'], ['--cf-space', '.75em'],
    ['--cf-z-index', '10'], ['--cf-z-index', '-1'],
    ['--cf-font-family', '"Source Sans 3", Georgia, serif'], ['--cf-font-family', "Baskerville, 'Times New Roman', serif"],
    ['--cf-font-family', '"Lucida Grande\'s Cousin", sans-serif'],
    ['--cf-shadow', '0 2px 8px rgba(0 0 0 / 20%)'], ['--cf-shadow', 'none'],
  ];
  for (const [name, value] of ok) assert.equal(validValue(name, value), null, `${name}: ${value}`);
});

test('validValue messages name the problem', () => {
  assert.match(validValue('--cf-color-bg', 'red;'), /“;”/);
  assert.match(validValue('--cf-font-family', 'Arial }'), /“}”/);
  assert.match(validValue('--cf-font-family', 'Arial {'), /“{”/);
  assert.match(validValue('--cf-shadow', '</style>'), /“<”/);
  assert.match(validValue('--cf-shadow', 'none /* x'), /comment/);
  assert.match(validValue('--cf-font-family', '"Open Sans, serif'), /quotation mark/);
  assert.match(validValue('--cf-shadow', '0 0 4px rgba(0,0,0,.2'), /“\(” is not closed/);
  assert.match(validValue('--cf-color-accent', 'blurple'), /“blurple” is not a colour/);
  assert.match(validValue('--cf-color-accent', '#12345'), /not a complete colour.*digits/);
  assert.match(validValue('--cf-color-accent', 'rgb(1, 2)'), /not a complete colour/);
  assert.match(validValue('--cf-font-size', '16'), /unit/);
  assert.match(validValue('--cf-radius', '8 px'), /px, rem, em, %, vw or ch/);
  assert.match(validValue('--cf-radius', '-8px'), /unit/);
  assert.match(validValue('--cf-z-index', '10.5'), /whole number/);
  assert.match(validValue('--cf-z-index', 'top'), /whole number/);
  assert.match(validValue('--cf-colour-accent', '#fff'), /no theme setting called --cf-colour-accent/);
  // A variable entry works as well as its name.
  assert.match(validValue(VARIABLES.find((v) => v.kind === 'integer'), 'x'), /whole number/);
});

test('the accent is held to the text minimum: it colours the fallback links', () => {
  const accent = PAIRS.find((p) => p.id === 'accent-bg');
  assert.equal(accent.min, 4.5);
  // #6b8cff on white is about 3.3:1: enough for a border, not for a link's text.
  const ratio = contrastRatio('#6b8cff', '#ffffff');
  assert.ok(ratio > 3 && ratio < 4.5, String(ratio));
  const row = checkContrast({ '--cf-color-accent': '#6b8cff' }, 'light').find((r) => r.id === 'accent-bg');
  assert.equal(row.ok, false);
});
