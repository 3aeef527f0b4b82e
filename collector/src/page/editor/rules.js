// The flow's rules, eligibility and experiment (COLLECTOR.md sections 7 and 8) as
// structured rows where they are simple: a rule's condition as one fact, a comparison and
// a value (anything else in JSON Logic, written as JSON); a patch as the offers it
// removes or adds, with the whole patch as JSON beside it for anything more.

import { h, getAt, setAt, copy, typed, idOf, pathKey } from './dom.js';
import { text, number, check, json, list, row, section, group } from './fields.js';
import { OFFERS, offerDefault } from './form.js';

const OPS = [['==', 'is'], ['!=', 'is not'], ['>', 'is more than'], ['>=', 'is at least'], ['<', 'is less than'], ['<=', 'is at most']];
export const FACTS = ['attrs.plan', 'attrs.tenure_days', 'attrs.country', 'customer.id', 'customer.subscription_id',
  'history.sessions', 'history.days_since_last_session', 'history.days_since_discount', 'history.pauses_in_a_row'];

/** `{"op": [{"var": fact}, value]}` read as its three parts, or null when it is not that simple. */
export function simpleCondition(when) {
  if (when === null || typeof when !== 'object' || Array.isArray(when)) return null;
  const keys = Object.keys(when);
  if (keys.length !== 1 || !OPS.some(([op]) => op === keys[0])) return null;
  const args = when[keys[0]];
  if (!Array.isArray(args) || args.length !== 2) return null;
  const [v, value] = args;
  if (!v || typeof v !== 'object' || typeof v.var !== 'string' || Object.keys(v).length !== 1) return null;
  if (value !== null && typeof value === 'object') return null;
  return { op: keys[0], fact: v.var, value };
}

/** Rows written as JSON by choice (the rule's path key), kept across redraws. */
const asJson = new Set();

/** A rule's condition: three fields, or JSON Logic. */
function condition(ctx, path) {
  const key = pathKey(path);
  const simple = simpleCondition(getAt(ctx.doc(), path));
  const switchTo = (toJson) => () => {
    if (toJson) asJson.add(key); else asJson.delete(key);
    ctx.changed(true, idOf(path, toJson ? 'json' : 'fact'));
  };
  if (!simple || asJson.has(key)) {
    return h('div', { class: 'condition' },
      json(ctx, path, 'Condition (JSON Logic)', { hint: 'Facts: attrs.<name>, customer.id, customer.subscription_id, history.sessions, history.days_since_last_session, history.days_since_discount, history.pauses_in_a_row.' }),
      simple ? h('button', { type: 'button', on: { click: switchTo(false) } }, 'Back to the simple fields') : null);
  }
  const write = (part) => (e) => {
    const c = simpleCondition(getAt(ctx.doc(), path)) || { op: '==', fact: 'attrs.plan', value: '' };
    c[part] = part === 'value' ? typed(e.target.value) : e.target.value;
    setAt(ctx.doc(), path, { [c.op]: [{ var: c.fact }, c.value] });
    ctx.changed();
  };
  const factId = idOf(path, 'fact');
  const opId = idOf(path, 'op');
  const valueId = idOf(path, 'value');
  const errId = `${idOf(path)}-error`;
  return h('fieldset', { class: 'group condition' }, h('legend', {}, 'When'),
    row(
      h('div', { class: 'field' }, h('label', { for: factId }, 'Fact'),
        h('input', { id: factId, type: 'text', list: 'cf-facts', spellcheck: 'false', 'data-path': key, 'aria-describedby': `${factId}-hint ${errId}`, props: { value: simple.fact }, on: { input: write('fact') } }),
        h('p', { class: 'hint', id: `${factId}-hint` }, 'attrs.<name> is what the shop\u2019s token says of the customer.')),
      h('div', { class: 'field' }, h('label', { for: opId }, 'Comparison'),
        h('select', { id: opId, on: { change: write('op') } }, OPS.map(([op, t]) => h('option', { value: op, props: { selected: op === simple.op } }, t)))),
      h('div', { class: 'field' }, h('label', { for: valueId }, 'Value'),
        h('input', { id: valueId, type: 'text', spellcheck: 'false', 'aria-describedby': `${valueId}-hint`, props: { value: simple.value === null ? 'null' : String(simple.value) }, on: { input: write('value') } }),
        h('p', { class: 'hint', id: `${valueId}-hint` }, 'Numbers, true, false and null are read as such.'))),
    h('p', { class: 'field-error', id: errId }),
    h('button', { type: 'button', on: { click: switchTo(true) } }, 'Write it in JSON Logic instead'));
}

/** A patch: the offers it removes or adds, and the whole patch as JSON. */
function patchRows(ctx, path) {
  const offersAt = [...path, 'offers'];
  const current = () => getAt(ctx.doc(), offersAt) || {};
  const base = getAt(ctx.doc(), ['config', 'offers']) || {};
  const key = idOf(path);
  const removes = h('fieldset', { class: 'group' }, h('legend', {}, 'Remove these offers'),
    h('div', { class: 'offer-checks' }, OFFERS.map(([kind, label]) => {
      const id = `${key}-remove-${kind}`;
      return h('div', { class: 'field check' },
        h('input', { type: 'checkbox', id, 'data-remove': kind, props: { checked: current()[kind] === null },
          on: { change: (e) => { setAt(ctx.doc(), [...offersAt, kind], e.target.checked ? null : undefined); ctx.changed(true, id); } } }),
        h('label', { for: id }, label));
    })));
  const addSelect = h('select', { id: `${key}-add-kind` }, OFFERS.map(([kind, label]) => h('option', { value: kind }, label)));
  const add = h('div', { class: 'row add-row' },
    h('div', { class: 'field' }, h('label', { for: `${key}-add-kind` }, 'Add or change an offer'), addSelect),
    h('button', { type: 'button', id: `${key}-add`, on: { click: () => {
      const kind = addSelect.value;
      setAt(ctx.doc(), [...offersAt, kind], base[kind] !== undefined ? copy(base[kind]) : offerDefault(kind, ctx.doc()));
      ctx.changed(true, idOf(path, 'json'));
    } } }, 'Put it in the patch'));
  return [removes, add,
    json(ctx, path, 'The patch as JSON (a merge patch of the config: null removes)', { rows: 5,
      onValue: (v) => {
        for (const [kind] of OFFERS) {
          const box = document.getElementById(`${key}-remove-${kind}`);
          if (box) box.checked = !!(v && v.offers && v.offers[kind] === null);
        }
      } })];
}

function rules(ctx) {
  return section('rules', 'Rules',
    h('p', { class: 'hint' }, 'In order, every rule whose condition holds for a customer changes the config for them. Try one in the preview with the customer\u2019s attributes.'),
    h('datalist', { id: 'cf-facts' }, FACTS.map((f) => h('option', { value: f }))),
    list(ctx, ['rules'], {
      legend: (r, i) => `Rule ${i + 1}${r && r.name ? `: ${r.name}` : ''}`,
      none: 'No rules: every customer gets the same flow.',
      item: (r, i) => [
        text(ctx, ['rules', i, 'name'], 'Name', { placeholder: 'for example annual plans keep their price' }),
        condition(ctx, ['rules', i, 'when']),
        group('Then', patchRows(ctx, ['rules', i, 'patch'])),
      ],
      add: () => ({ name: '', when: { '==': [{ var: 'attrs.plan' }, 'annual'] }, patch: { offers: { discount: null } } }),
      addLabel: 'Add a rule',
    }));
}

function eligibility(ctx) {
  const limit = (name, label, dflt, hint) => {
    const path = ['eligibility', name];
    const off = getAt(ctx.doc(), path) === null;
    return h('div', { class: 'limit' },
      off ? null : number(ctx, path, label, { min: 0, placeholder: String(dflt), hint }),
      check(ctx, path, `No limit (${label.toLowerCase()})`, { on: null, off: undefined, redraw: true }));
  };
  return section('eligibility', 'Who may get an offer again',
    limit('discount_cooldown_days', 'Days before another discount', 100, 'Empty: 100 days.'),
    limit('max_pauses_in_a_row', 'Pauses in a row before pause is no longer offered', 2, 'Empty: 2.'));
}

function experiment(ctx) {
  const on = getAt(ctx.doc(), ['experiment']) !== undefined;
  const toggle = (e) => {
    setAt(ctx.doc(), ['experiment'], e.target.checked
      ? { id: `${ctx.flowId().toLowerCase().replace(/[^a-z0-9_-]+/g, '-').slice(0, 50)}-test`, holdout: 0.1, variants: [{ id: 'a', weight: 1 }], baseline: 0.5, mde: 0.05 }
      : undefined);
    ctx.changed(true, 'experiment-on');
  };
  const x = ['experiment'];
  return section('experiment', 'Experiment',
    h('p', { class: 'hint' }, 'A share of customers (the holdout) sees the survey but no offers, so the page of experiments can tell what the offers themselves change. The design cannot change under the same id.'),
    h('div', { class: 'field check' }, h('input', { type: 'checkbox', id: 'experiment-on', props: { checked: on }, on: { change: toggle } }), h('label', { for: 'experiment-on' }, 'Run an experiment')),
    on ? [
      text(ctx, [...x, 'id'], 'Experiment id', { hint: 'Lower-case letters, digits, - and _.' }),
      row(number(ctx, [...x, 'holdout'], 'Holdout share', { min: 0, max: 0.5, step: 0.01, hint: '0 to 0.5; 0.1 is one in ten.' }),
        number(ctx, [...x, 'baseline'], 'Expected 30-day retention', { min: 0.01, max: 0.99, step: 0.01, placeholder: '0.5' }),
        number(ctx, [...x, 'mde'], 'Smallest difference worth finding', { min: 0.01, max: 0.99, step: 0.01, placeholder: '0.05' })),
      list(ctx, [...x, 'variants'], {
        legend: (v, i) => `Variant ${i + 1}${v && v.id ? `: ${v.id}` : ''}`, min: 1,
        item: (v, i) => [
          row(text(ctx, [...x, 'variants', i, 'id'], 'Variant id'), number(ctx, [...x, 'variants', i, 'weight'], 'Weight', { min: 1 })),
          group('Its change to the config', patchRows(ctx, [...x, 'variants', i, 'patch'])),
        ],
        add: () => ({ id: String.fromCharCode(97 + (getAt(ctx.doc(), [...x, 'variants']) || []).length), weight: 1 }),
        addLabel: 'Add a variant',
      }),
    ] : null);
}

/** The sections after the base config's. */
export function ruleSections(ctx) {
  return [rules(ctx), eligibility(ctx), experiment(ctx)];
}
