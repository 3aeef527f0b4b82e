// The flow editor's entry (COLLECTOR.md section 10): it holds the draft document, draws
// the structured fields from it (`form.js`, `rules.js`), keeps the JSON view in step,
// sends the draft to `POST /flows/<id>/preview` shortly after every change (the
// collector's own reader answers: a problem is shown at its field and blocks
// publishing; a valid draft comes back resolved for the typed-in customer), shows that
// config in the real widget from `/widget/`, publishes (`POST /flows/<id>/publish`),
// and draws the embed snippet. The theme panel is `theme.js`; the versions `versions.js`.

import { h, getAt, debounce, typed } from './dom.js';
import { configSections } from './form.js';
import { ruleSections } from './rules.js';
import { initVersions } from './versions.js';
import { mountTheme } from './theme.js';

const data = JSON.parse(document.getElementById('cf-editor-data').textContent);
const $ = (id) => document.getElementById(id);
const flowId = data.flow_id;
const base = `/flows/${encodeURIComponent(flowId)}`;
const FEEDBACK = ['customer_service', 'low_quality', 'missing_features', 'other', 'switched_service', 'too_complex', 'too_expensive', 'unused'];

let doc = data.document;
let serverProblem = null; // { path, problem } from the collector
const localProblems = new Map(); // field id → problem (JSON being typed)
let lastConfig = null;
let validation = 0;
const catalogs = { en: data.english };

const form = $('flow-form');
const stage = $('preview-stage');
const publishButton = $('publish');

const ctx = {
  doc: () => doc,
  lang: () => $('pv-locale').value,
  langName: (code) => (data.languages.find((l) => l.code === code) || { name: code }).name,
  languages: () => data.languages,
  presets: () => data.presets,
  preset: (id) => data.presets.find((p) => p.id === id) || null,
  feedback: () => FEEDBACK,
  flowId: () => flowId,
  builtin: (lang, key) => (catalogs[lang] && catalogs[lang][key]) || null,
  builtinCatalog: (lang) => catalogs[lang] || {},
  changed: (redraw = false, focus) => {
    if (redraw) draw(focus);
    syncJson();
    drawSnippet();
    schedule();
  },
  localProblem: (el, problem) => {
    if (problem) localProblems.set(el.id, problem); else localProblems.delete(el.id);
    const line = errorLine(el);
    if (line) line.textContent = problem ? `This ${problem}.` : '';
    el.toggleAttribute('aria-invalid', !!problem);
    updatePublish();
  },
};

/** The error line that belongs to a field: its own, else its group's. */
function errorLine(el) {
  const own = el.id && $(`${el.id}-error`);
  if (own) return own;
  for (let node = el.parentElement; node; node = node.parentElement) {
    const line = node.querySelector(':scope > .field-error');
    if (line) return line;
  }
  return null;
}

/** Draws the form from the draft, keeping the focus (or moving it to `focus`). */
function draw(focus) {
  const before = document.activeElement && form.contains(document.activeElement) ? document.activeElement.id : null;
  form.replaceChildren(...configSections(ctx), ...ruleSections(ctx));
  showServerProblem();
  let target = null;
  const wanted = focus || before;
  if (wanted && wanted.startsWith('first:')) {
    const key = wanted.slice(6);
    target = [...form.querySelectorAll('input, select, textarea')].find((el) => (el.dataset.path || '').startsWith(key));
  } else if (wanted) target = $(wanted);
  if (target && !target.disabled) target.focus();
}

/** Which field a problem's path names: the field of that very path, else the nearest
 * enclosing one that is drawn, else the first drawn inside it. */
function fieldFor(path, root = form) {
  const all = [...root.querySelectorAll('[data-path]')];
  const exact = all.find((el) => el.dataset.path === path);
  if (exact) return exact;
  const within = (outer, inner) => inner.startsWith(outer) && (inner.length === outer.length || '.['.includes(inner[outer.length]));
  const enclosing = all.filter((el) => within(el.dataset.path, path)).sort((a, b) => b.dataset.path.length - a.dataset.path.length)[0];
  if (enclosing) return enclosing;
  return all.find((el) => within(path, el.dataset.path)) || null;
}

function showServerProblem() {
  for (const line of form.querySelectorAll('.field-error')) if (![...localProblems.keys()].some((id) => line.id === `${id}-error`)) line.textContent = '';
  for (const el of form.querySelectorAll('[aria-invalid]')) if (!localProblems.has(el.id)) el.removeAttribute('aria-invalid');
  const summary = $('problems');
  if (!serverProblem) { summary.replaceChildren(); summary.dataset.said = ''; updatePublish(); return; }
  const { path, problem } = serverProblem;
  const field = path ? fieldFor(path) : null;
  const control = field && (field.matches('input, select, textarea') ? field : field.querySelector('input:not([disabled]), select, textarea'));
  if (field) {
    const line = errorLine(control || field);
    if (line) line.textContent = `${path}: ${problem}`;
    if (control) control.setAttribute('aria-invalid', 'true');
  }
  // The link finds the field by its id when followed: the form may have been drawn anew since.
  const goTo = (e) => {
    e.preventDefault();
    const el = $(control.id);
    if (!el) return;
    for (let d = el.closest('details'); d; d = d.parentElement.closest('details')) d.open = true;
    el.focus();
  };
  const link = control && control.id ? h('a', { href: `#${control.id}`, on: { click: goTo } }, `${path}: ${problem}`) : `${path ? `${path}: ` : ''}${problem}`;
  // Said again only when it changes, so a screen reader is not told it on every keystroke.
  if (summary.dataset.said !== `${path}: ${problem}` || !summary.firstChild) {
    summary.replaceChildren(h('div', { class: 'notice' }, h('p', {}, h('strong', {}, 'Publishing waits for this to be fixed: '), link)));
    summary.dataset.said = `${path}: ${problem}`;
  }
  updatePublish();
}

function updatePublish() {
  const blocked = !!serverProblem || localProblems.size > 0;
  publishButton.disabled = blocked;
  publishButton.setAttribute('aria-describedby', 'publish-status');
  if (blocked) $('publish-status').textContent = 'Publishing is blocked until the problem shown above is fixed.';
  else if ($('publish-status').textContent.startsWith('Publishing is blocked')) $('publish-status').textContent = '';
}

/** The customer typed into the preview, as the preview route reads it. */
function customer() {
  const attrs = {};
  const problems = [];
  $('pv-attrs').value.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const at = line.indexOf('=');
    if (at < 1) { problems.push(`line ${i + 1}: write name = value`); return; }
    attrs[line.slice(0, at).trim()] = typed(line.slice(at + 1));
  });
  $('pv-attrs-error').textContent = problems.join('; ');
  $('pv-attrs').toggleAttribute('aria-invalid', problems.length > 0);
  const n = (id) => ($(id).value === '' ? null : Number($(id).value));
  return {
    customer: { id: $('pv-customer-id').value.trim() || null, subscription_id: $('pv-subscription-id').value.trim() || null, attrs },
    history: { sessions: n('pv-sessions'), days_since_last_session: n('pv-days-last'), days_since_discount: n('pv-days-discount'), pauses_in_a_row: n('pv-pauses') },
  };
}

/** Sends the draft to the collector's reader and the preview. */
async function validate() {
  const mine = ++validation;
  const body = { document: doc, ...customer(), group: $('pv-group').value || null };
  let answer;
  try {
    const r = await fetch(`${base}/preview`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), credentials: 'same-origin' });
    answer = { status: r.status, body: await r.json().catch(() => ({})) };
  } catch {
    answer = { status: 0, body: {} };
  }
  if (mine !== validation) return answer; // a later draft's answer draws the page
  if (answer.status === 200) {
    serverProblem = null;
    showServerProblem();
    summarize(answer.body);
    lastConfig = answer.body.config;
    render();
  } else if (answer.status === 400 && typeof answer.body.error === 'string') {
    const message = answer.body.error;
    const at = message.indexOf(': ');
    const path = at > 0 && !message.slice(0, at).includes(' ') ? message.slice(0, at) : '';
    const problem = path ? message.slice(at + 2) : message;
    serverProblem = path.startsWith('customer.') || path.startsWith('history.') || path === 'group' ? null : { path, problem };
    if (!serverProblem) $('pv-summary').textContent = `The preview\u2019s customer: ${message}`;
    showServerProblem();
  } else if (answer.status === 401) {
    $('pv-summary').textContent = 'You were signed out. Sign in again in another tab; nothing here is lost.';
  } else {
    $('pv-summary').textContent = `The collector did not answer the preview (${answer.status || 'no connection'}). Your draft is kept.`;
  }
  return answer;
}
const schedule = debounce(validate, 120);

/** What the preview's customer gets: the rules that applied, the group, any problem. */
function summarize(r) {
  const parts = [];
  parts.push(r.applied_rules.length
    ? `Rules that apply: ${r.applied_rules.map((x) => x.name || `rule ${x.index + 1}`).join(', ')}.`
    : 'No rule applies to this customer.');
  if (r.group) parts.push(r.group === 'holdout' ? 'Experiment group: the holdout (no offers).' : `Experiment group: ${r.group}.`);
  for (const p of r.problems || []) parts.push(p);
  $('pv-summary').textContent = parts.join(' ');
  const select = $('pv-group');
  const wanted = select.value;
  const variants = (getAt(doc, ['experiment', 'variants']) || []).map((v) => v.id).filter(Boolean);
  const options = getAt(doc, ['experiment']) ? ['holdout', ...variants] : [];
  select.replaceChildren(h('option', { value: '' }, 'As assigned for this customer'),
    ...options.map((g) => h('option', { value: g, props: { selected: g === wanted } }, g === 'holdout' ? 'The holdout' : `Variant ${g}`)));
}

let widgetReady = null;
/** The real widget in the preview, drawn anew with the latest config. */
async function render() {
  if (!data.widget || !lastConfig) return;
  widgetReady = widgetReady || import('/widget/embed.js');
  await widgetReady;
  const mode = $('pv-mode').value;
  stage.dataset.width = $('pv-width').value;
  stage.dataset.mode = mode;
  const el = h('cancel-flow', { display: 'inline', theme: mode, locale: $('pv-locale').value, endpoint: `${base}/preview/outcomes` },
    h('script', { type: 'application/json', text: JSON.stringify(lastConfig) }));
  stage.replaceChildren(el);
}

function syncJson() {
  const area = $('json-text');
  if (document.activeElement !== area) area.value = JSON.stringify(doc, null, 2);
}

/** The snippet for the shop's cancel page and the token line for its server. */
function drawSnippet() {
  const o = data.origin;
  const fb = getAt(doc, ['config', 'fallback']) || {};
  const attr = (name, v) => (v ? ` ${name}="${String(v).replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"` : '');
  const script = data.widget
    ? `<script type="module" src="${o}/widget/embed.js"${attr('integrity', data.embed_integrity)} crossorigin="anonymous"></script>`
    : '<script type="module" src="/cancel-flow/embed.js"></script>  <!-- the widget\u2019s dist/, where you host it -->';
  $('embed-snippet').textContent = `${script}\n<cancel-flow config="${o}/v1/flows/${encodeURIComponent(flowId)}/config"\n  token="TOKEN FROM YOUR SERVER"${attr('fallback-url', fb.url)}${attr('fallback-email', fb.email)}>\n</cancel-flow>`;
  $('embed-token').replaceChildren('The token, minted per customer with your token secret (HS256), for example in Node: ',
    h('code', {}, `jwt.sign({ sub: customerId, subscription_id: subscriptionId, flow_id: ${JSON.stringify(flowId)}, attrs: { plan } }, process.env.CF_TOKEN_SECRET, { algorithm: "HS256", expiresIn: "10m" })`),
    '. Add your shop\u2019s origin to the collector\u2019s --cors-origin.');
}

/** Publishes `draft` (the editor's by default): a new version, as a PUT would make. */
async function publish(draft = doc, what = 'Your changes') {
  const status = $('publish-status');
  if (draft === doc) {
    const checked = await validate();
    if (checked.status !== 200) { status.textContent = 'Not published: fix the problem shown above first.'; return; }
  }
  status.textContent = 'Publishing…';
  let r;
  try {
    r = await fetch(`${base}/publish`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(draft), credentials: 'same-origin' });
  } catch {
    status.textContent = 'Not published: the collector could not be reached. Your draft is kept.';
    return;
  }
  const body = await r.json().catch(() => ({}));
  if (r.status === 201) {
    status.textContent = `${what}: published as version ${body.version}. Customers get it within 5 seconds.`;
    data.version = body.version;
    $('served-version').textContent = `Version ${body.version} is served now. `;
    versions.refresh();
  } else if (r.status === 200) {
    status.textContent = `Nothing to publish: version ${body.version} is already this flow.`;
  } else {
    status.textContent = `Not published: ${body.error || `the collector answered ${r.status}`}.`;
  }
}

const versions = initVersions({
  flowId,
  open: (version, n) => {
    doc = version;
    localProblems.clear();
    draw();
    ctx.changed();
    $('publish-status').textContent = `Version ${n} is in the editor. Publish it to serve it again.`;
  },
  publishAgain: (version, n) => publish(version, `Version ${n}`),
});

/** Loads the built-in texts of `lang` (for the placeholders), then redraws. */
async function loadCatalog(lang) {
  if (catalogs[lang] || !data.widget) return;
  try {
    const r = await fetch(`/widget/i18n/${lang}.json`);
    if (r.ok) catalogs[lang] = await r.json();
  } catch { /* the placeholders stay English */ }
}

// Wiring.
publishButton.addEventListener('click', () => publish());
if ($('pv-restart')) $('pv-restart').addEventListener('click', render);
$('json-apply').addEventListener('click', () => {
  try {
    doc = JSON.parse($('json-text').value);
    $('json-error').textContent = '';
    $('json-text').removeAttribute('aria-invalid');
  } catch (e) {
    $('json-error').textContent = `This is not JSON yet (${e.message}).`;
    $('json-text').setAttribute('aria-invalid', 'true');
    return;
  }
  localProblems.clear();
  draw();
  ctx.changed();
});
for (const id of ['pv-customer-id', 'pv-subscription-id', 'pv-attrs', 'pv-sessions', 'pv-days-last', 'pv-days-discount', 'pv-pauses', 'pv-group']) {
  $(id).addEventListener(id === 'pv-group' ? 'change' : 'input', schedule);
}
for (const id of ['pv-mode', 'pv-width']) $(id).addEventListener('change', () => { theme.refresh(); render(); });
$('pv-locale').addEventListener('change', async () => {
  await loadCatalog(ctx.lang());
  draw();
  render();
});
const theme = mountTheme($('theme-controls'), stage, { mode: () => $('pv-mode').value });
if (window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches) $('pv-mode').value = 'dark';
stage.dataset.mode = $('pv-mode').value;
theme.refresh();

draw();
syncJson();
drawSnippet();
validate();
versions.refresh();
