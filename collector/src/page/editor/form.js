// The structured fields of a flow's base config (CONTRACT section 3), drawn from the
// document: the flow itself and its plan, the survey (question, reasons from presets or
// written, their order, comment, pin and offers), each offer section, cancelling,
// keep-in-touch, the fallback, and the widget's messages in the language edited. Extra
// request headers are left to the JSON view. Rules, eligibility and the experiment are in `rules.js`.

import { h, getAt, setAt, copy, pathKey, idOf } from './dom.js';
import { text, number, check, choice, localText, lines, list, row, section, group } from './fields.js';

export const OFFERS = [
  ['pause', 'Pause'],
  ['downgrade', 'A cheaper tier'],
  ['frequency', 'Fewer deliveries'],
  ['discount', 'Discount'],
  ['links', 'Talk to a person (links)'],
];

/** What an offer section holds when it is switched on. */
export function offerDefault(kind, doc) {
  const currency = getAt(doc, ['config', 'plan', 'price', 'currency']) || 'EUR';
  switch (kind) {
    case 'pause': return { options: [{ unit: 'week', count: 2 }, { unit: 'month', count: 1 }] };
    case 'downgrade': return { tiers: [{ id: 'lite', name: 'Lite', price: { amount_minor: 1000, currency, per: { unit: 'month', count: 1 } }, features: [], loses: [] }] };
    case 'frequency': return { options: [{ count: 2, per: { unit: 'month', count: 1 } }] };
    case 'discount': return { percent_off: 10, months: 2 };
    default: return [{ id: 'support', label: 'Talk to a person', url: 'https://shop.example/help' }];
  }
}

const UNITS = [['day', 'days'], ['week', 'weeks'], ['month', 'months'], ['year', 'years']];

/** A price: amount in the currency's smallest unit, currency, per how long. */
function price(ctx, path) {
  return group('Price',
    row(number(ctx, [...path, 'amount_minor'], 'Amount in the smallest unit (cents)', { min: 0, hint: '4990 is 49.90' }),
      text(ctx, [...path, 'currency'], 'Currency', { placeholder: 'EUR' })),
    row(number(ctx, [...path, 'per', 'count'], 'Every', { min: 1 }),
      choice(ctx, [...path, 'per', 'unit'], 'Unit', [['', 'choose'], ...UNITS])));
}

function basics(ctx) {
  const langs = [['', 'The customer\u2019s own (from the page or browser)'], ...ctx.languages().map((l) => [l.code, l.name])];
  return section('basics', 'The flow',
    choice(ctx, ['config', 'flow'], 'Kind of flow', [['guided', 'Guided: survey, offers, then confirm'], ['direct', 'Direct: opens on the cancel button']], { hint: 'Direct suits a shop that must show the cancel button at once.' }),
    text(ctx, ['config', 'endpoint'], 'Where outcomes are sent', { type: 'url', hint: 'This collector\u2019s /v1/outcomes, or your own endpoint.' }),
    row(choice(ctx, ['config', 'locale'], 'Language', langs),
      choice(ctx, ['config', 'theme'], 'Colour scheme', [['', 'Not set (automatic)'], ['auto', 'Automatic'], ['light', 'Light'], ['dark', 'Dark']])),
    check(ctx, ['config', 'test'], 'Test mode: outcomes are marked as tests', { hint: 'A test flow stays a test flow in every version.' }),
    group('The plan being cancelled',
      row(text(ctx, ['config', 'plan', 'id'], 'Plan id'), text(ctx, ['config', 'plan', 'name'], 'Plan name')),
      price(ctx, ['config', 'plan', 'price']),
      row(number(ctx, ['config', 'plan', 'deliveries', 'count'], 'Deliveries', { min: 1, hint: 'For example 50 deliveries' }),
        number(ctx, ['config', 'plan', 'deliveries', 'per', 'count'], 'per', { min: 1 }),
        choice(ctx, ['config', 'plan', 'deliveries', 'per', 'unit'], 'Unit', [['', 'choose'], ...UNITS]))));
}

/** The offers a reason shows: the preset's (or all), or exactly these. */
function reasonOffers(ctx, path, reason) {
  const preset = ctx.preset(reason.preset);
  const explicit = Array.isArray(reason.offers);
  const name = `${path.join('-')}-offers-mode`;
  const byDefault = preset
    ? (preset.offers ? (preset.offers.length ? `The preset\u2019s: ${preset.offers.join(', ')}` : 'None: straight to confirm') : 'Every offer configured')
    : 'Every offer configured';
  const setMode = (on) => () => {
    setAt(ctx.doc(), [...path, 'offers'], on ? copy(preset && preset.offers ? preset.offers : OFFERS.map(([k]) => k)) : undefined);
    ctx.changed(true, `${name}-${on ? 'these' : 'default'}`);
  };
  const toggle = (kind) => (e) => {
    const now = (getAt(ctx.doc(), [...path, 'offers']) || []).filter((k) => k !== kind && !(kind === 'links' && k === 'link'));
    if (e.target.checked) now.push(kind);
    setAt(ctx.doc(), [...path, 'offers'], now);
    ctx.changed();
  };
  const has = (kind) => explicit && reason.offers.some((k) => k === kind || (kind === 'links' && k === 'link'));
  return h('fieldset', { class: 'group', 'data-path': pathKey([...path, 'offers']) },
    h('legend', {}, 'Offers shown after this reason'),
    h('div', { class: 'field check' }, h('input', { type: 'radio', id: `${name}-default`, name, props: { checked: !explicit }, on: { change: setMode(false) } }), h('label', { for: `${name}-default` }, byDefault)),
    h('div', { class: 'field check' }, h('input', { type: 'radio', id: `${name}-these`, name, props: { checked: explicit }, on: { change: setMode(true) } }), h('label', { for: `${name}-these` }, 'Only these (none: straight to confirm)')),
    h('div', { class: 'offer-checks' }, OFFERS.map(([kind, label]) => {
      const id = `${name}-${kind}`;
      return h('div', { class: 'field check' },
        h('input', { type: 'checkbox', id, disabled: !explicit, 'data-offer': kind, props: { checked: has(kind) }, on: { change: toggle(kind) } }),
        h('label', { for: id }, label));
    })));
}

function survey(ctx) {
  const reasons = ['config', 'survey', 'reasons'];
  const presetOptions = [['', 'Written by you'], ...ctx.presets().map((p) => [p.id, `${p.id}: ${ctx.builtin('en', p.label_key)}`])];
  const used = new Set((getAt(ctx.doc(), reasons) || []).map((r) => r.preset).filter(Boolean));
  const addSelect = h('select', { id: 'add-reason-kind' },
    ctx.presets().filter((p) => !used.has(p.id)).map((p) => h('option', { value: p.id }, `${ctx.builtin('en', p.label_key)} (${p.id})`)),
    h('option', { value: '' }, 'One you write yourself'));
  const addReason = () => {
    const kind = addSelect.value;
    const arr = getAt(ctx.doc(), reasons) || [];
    const n = arr.length + 1;
    const otherAt = arr.findIndex((r) => r.preset === 'other' || r.pinned);
    const item = kind ? { preset: kind } : { id: `reason_${n}` };
    const at = otherAt >= 0 && kind !== 'other' ? otherAt : arr.length;
    arr.splice(at, 0, item);
    setAt(ctx.doc(), reasons, arr);
    // A written reason needs its label first; a preset is ready as it is.
    ctx.changed(true, kind ? `first:config.survey.reasons[${at}]` : idOf([...reasons, at, 'label'], ctx.lang()));
  };
  return section('survey', 'The exit survey',
    localText(ctx, ['config', 'survey', 'question'], 'The question', { builtin: 'survey.question' }),
    check(ctx, ['config', 'survey', 'randomize'], 'Shuffle the reasons for each person (a pinned reason stays last)'),
    h('h3', {}, 'Reasons'),
    list(ctx, reasons, {
      legend: (r, i) => `Reason ${i + 1}: ${reasonName(ctx, r)}`,
      none: 'No reasons yet: the survey is skipped.',
      item: (r, i) => {
        const path = [...reasons, i];
        const preset = ctx.preset(r.preset);
        return [
          row(choice(ctx, [...path, 'preset'], 'Preset', presetOptions, { redraw: true }),
            text(ctx, [...path, 'id'], 'Id', { placeholder: preset ? preset.id : 'for example too_slow' })),
          localText(ctx, [...path, 'label'], 'Label', { builtin: preset && preset.label_key }),
          row(choice(ctx, [...path, 'comment'], 'Comment box', [['', preset ? (preset.comment ? 'As the preset: optional' : 'As the preset: none') : 'None'], ['optional', 'An optional comment box'], ['none', 'No comment box']]),
            preset ? null : choice(ctx, [...path, 'feedback'], 'Stripe feedback', [['', 'none'], ...ctx.feedback().map((f) => [f, f])])),
          check(ctx, [...path, 'pinned'], 'Pinned: stays last when shuffled', { on: true, off: undefined }),
          reasonOffers(ctx, path, r),
        ];
      },
    }),
    h('div', { class: 'row add-row' },
      h('div', { class: 'field' }, h('label', { for: 'add-reason-kind' }, 'Add a reason'), addSelect),
      h('button', { type: 'button', id: 'add-reason', on: { click: addReason } }, 'Add the reason')));
}

/** A reason's name in the language edited, for legends and buttons. */
export function reasonName(ctx, r) {
  const lang = ctx.lang();
  const label = typeof r.label === 'string' ? r.label : r.label && (r.label[lang] || r.label.en);
  const preset = ctx.preset(r.preset);
  return label || (preset && ctx.builtin(lang, preset.label_key)) || r.id || 'new reason';
}

function offerSection(ctx, kind, title, body) {
  const path = ['config', 'offers', kind];
  const on = getAt(ctx.doc(), path) !== undefined;
  const id = `offer-on-${kind}`;
  return h('div', { class: 'offer', 'data-path': `config.offers.${kind}` },
    h('div', { class: 'field check' },
      h('input', { type: 'checkbox', id, props: { checked: on }, on: { change: (e) => { setAt(ctx.doc(), path, e.target.checked ? offerDefault(kind, ctx.doc()) : undefined); ctx.changed(true, id); } } }),
      h('label', { for: id }, title)),
    on ? body() : null);
}

function offers(ctx) {
  const o = ['config', 'offers'];
  const span = (path) => row(number(ctx, [...path, 'count'], 'How many', { min: 1 }), choice(ctx, [...path, 'unit'], 'Unit', UNITS));
  return section('offers', 'Offers',
    h('p', { class: 'hint' }, 'An offer that is off is never shown. Each reason above says which of them it shows.'),
    offerSection(ctx, 'pause', 'Offer a pause', () => list(ctx, [...o, 'pause', 'options'], {
      legend: (p, i) => `Pause ${i + 1}: ${p.count ?? '?'} ${p.unit || ''}`, min: 1,
      item: (p, i) => span([...o, 'pause', 'options', i]),
      add: () => ({ unit: 'week', count: 4 }), addLabel: 'Add a pause length',
    })),
    offerSection(ctx, 'downgrade', 'Offer a cheaper tier', () => list(ctx, [...o, 'downgrade', 'tiers'], {
      legend: (t, i) => `Tier ${i + 1}: ${typeof t.name === 'string' ? t.name : t.id || ''}`, min: 1,
      item: (t, i) => {
        const p = [...o, 'downgrade', 'tiers', i];
        return [row(text(ctx, [...p, 'id'], 'Id'), typeof t.name === 'object' ? localText(ctx, [...p, 'name'], 'Name') : text(ctx, [...p, 'name'], 'Name')),
          price(ctx, [...p, 'price']),
          lines(ctx, [...p, 'features'], 'What it includes'),
          lines(ctx, [...p, 'loses'], 'What the customer gives up')];
      },
      add: () => offerDefault('downgrade', ctx.doc()).tiers[0], addLabel: 'Add a tier',
    })),
    offerSection(ctx, 'frequency', 'Offer fewer deliveries', () => list(ctx, [...o, 'frequency', 'options'], {
      legend: (f, i) => `Option ${i + 1}: ${f.count ?? '?'} per ${f.per ? `${f.per.count} ${f.per.unit}` : '?'}`, min: 1,
      item: (f, i) => {
        const p = [...o, 'frequency', 'options', i];
        return row(number(ctx, [...p, 'count'], 'Deliveries', { min: 1 }), number(ctx, [...p, 'per', 'count'], 'per', { min: 1 }), choice(ctx, [...p, 'per', 'unit'], 'Unit', UNITS));
      },
      add: () => ({ count: 1, per: { unit: 'month', count: 1 } }), addLabel: 'Add an option',
    })),
    offerSection(ctx, 'discount', 'Offer a discount', () => group('The discount',
      row(number(ctx, [...o, 'discount', 'percent_off'], 'Percent off', { min: 1, max: 100 }),
        number(ctx, [...o, 'discount', 'amount_off_minor'], 'Or an amount off (smallest unit)', { min: 1, hint: 'Write a percentage or an amount, not both.' }),
        number(ctx, [...o, 'discount', 'months'], 'For how many months', { min: 1, max: 36 })))),
    offerSection(ctx, 'links', 'Offer to talk to a person (links)', () => list(ctx, [...o, 'links'], {
      legend: (l, i) => `Link ${i + 1}`, min: 1,
      item: (l, i) => {
        const p = [...o, 'links', i];
        return [text(ctx, [...p, 'id'], 'Id'), localText(ctx, [...p, 'label'], 'Label'), text(ctx, [...p, 'url'], 'Address', { type: 'url' })];
      },
      add: () => ({ id: `link_${(getAt(ctx.doc(), [...o, 'links']) || []).length + 1}`, url: 'https://' }), addLabel: 'Add a link',
    })));
}

function cancelling(ctx) {
  const eff = ['config', 'cancel', 'effective'];
  const current = getAt(ctx.doc(), eff) || ['period_end'];
  const toggle = (v) => (e) => {
    let now = (getAt(ctx.doc(), eff) || ['period_end']).filter((x) => x !== v);
    if (e.target.checked) now.push(v);
    setAt(ctx.doc(), eff, now);
    ctx.changed(true, `effective-${v}`);
  };
  const when = [['period_end', 'At the end of the current period'], ['immediately', 'Today']];
  return section('cancelling', 'Cancelling',
    h('fieldset', { class: 'group', 'data-path': 'config.cancel.effective' },
      h('legend', {}, 'When it can end (the first is preselected)'),
      when.map(([v, label]) => h('div', { class: 'field check' },
        h('input', { type: 'checkbox', id: `effective-${v}`, props: { checked: current.includes(v) }, on: { change: toggle(v) } }),
        h('label', { for: `effective-${v}` }, label))),
      current.length > 1 ? h('button', { type: 'button', id: 'effective-swap', on: { click: () => { setAt(ctx.doc(), eff, [...current].reverse()); ctx.changed(true, 'effective-swap'); } } }, `Preselect \u201c${when.find(([v]) => v === current[1])[1]}\u201d instead`) : null,
      h('p', { class: 'field-error', id: 'f-config-cancel-effective-error' })),
    text(ctx, ['config', 'cancel', 'period_end'], 'The current period ends on', { type: 'date' }),
    check(ctx, ['config', 'keep_in_touch', 'enabled'], 'Offer to keep in touch about improvements (never pre-checked)', { on: true, off: false }),
    group('If the flow cannot load (at least one)',
      text(ctx, ['config', 'fallback', 'url'], 'Cancel form address', { type: 'url' }),
      text(ctx, ['config', 'fallback', 'email'], 'Email', { type: 'email' })));
}

/** Whether the messages' list is open (kept across redraws). */
let messagesOpen = false;

/** Every built-in message of the language being edited, each with the widget's own text
 * as the placeholder: what is written here goes to `texts.<language>.<key>`. */
function messages(ctx) {
  const lang = ctx.lang();
  const keys = Object.keys(ctx.builtinCatalog('en'));
  const written = Object.keys(getAt(ctx.doc(), ['config', 'texts', lang]) || {}).length;
  // The 100-odd fields are drawn only while the list is open.
  const fields = h('div', { class: 'message-fields' });
  const fill = () => fields.replaceChildren(...(messagesOpen
    ? keys.map((key) => text(ctx, ['config', 'texts', lang, key], key, { placeholder: ctx.builtin(lang, key) || ctx.builtin('en', key) }))
    : []));
  const details = h('details', { class: 'messages', props: { open: messagesOpen }, on: { toggle: (e) => { messagesOpen = e.target.open; fill(); } } },
    h('summary', {}, `The widget’s messages in ${ctx.langName(lang)} (${written} of ${keys.length} written)`),
    h('p', { class: 'hint' }, 'Leave a message empty to keep the widget’s own, shown as the placeholder. Keep the words in braces, such as {date}, as they are.'),
    fields);
  fill();
  // A problem with a message shows here too while the list is closed.
  return section('messages', 'Messages', h('div', { 'data-path': 'config.texts' }, details, h('p', { class: 'field-error', id: 'f-config-texts-error' })));
}

/** The base config's sections. */
export function configSections(ctx) {
  return [basics(ctx), survey(ctx), offers(ctx), cancelling(ctx), messages(ctx)];
}
