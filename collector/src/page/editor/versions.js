// The editor's version list: every published version, newest first, what each changed
// from the one before (`GET /flows/<id>/diff`, computed by the collector with
// json-patch), and for an earlier version: open it in the editor, or publish it again.

import { h } from './dom.js';

/** `2026-12-06T23:10:00.123Z` → `6 Dec 2026, 23:10 UTC`. */
export function when(at) {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return at;
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const two = (n) => String(n).padStart(2, '0');
  return `${d.getUTCDate()} ${month} ${d.getUTCFullYear()}, ${two(d.getUTCHours())}:${two(d.getUTCMinutes())} UTC`;
}

/** A value in a change, short. */
const shown = (v) => {
  const s = JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
};

/** One change in words. */
export function describe(c) {
  const where = c.path === '' ? 'the whole document' : c.path;
  switch (c.op) {
    case 'add': return [h('code', {}, where), ` added: ${shown(c.value)}`];
    case 'remove': return [h('code', {}, where), ` removed (was ${shown(c.was)})`];
    case 'replace': return [h('code', {}, where), `: ${shown(c.was)} \u2192 ${shown(c.value)}`];
    default: return [h('code', {}, where), ` ${c.op}`];
  }
}

export function initVersions({ flowId, open, publishAgain }) {
  const base = `/flows/${encodeURIComponent(flowId)}`;
  const api = `/v1/flows/${encodeURIComponent(flowId)}`;
  const listEl = document.getElementById('version-list');
  const diffEl = document.getElementById('diff');

  const fetchVersion = async (n) => {
    const r = await fetch(`${api}/versions/${n}`, { credentials: 'same-origin' });
    if (!r.ok) throw new Error(`version ${n} could not be read (${r.status})`);
    return (await r.json()).flow;
  };

  const showDiff = async (from, to, button) => {
    diffEl.replaceChildren(h('p', {}, `Comparing version ${from} with ${to}…`));
    const r = await fetch(`${base}/diff?from=${from}&to=${to}`, { credentials: 'same-origin' });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) { diffEl.replaceChildren(h('p', { class: 'notice' }, body.error || `The comparison failed (${r.status}).`)); return; }
    const heading = h('h3', { id: 'diff-title', tabindex: '-1' }, `What changed from version ${from} to ${to}`);
    diffEl.replaceChildren(heading, body.changes.length
      ? h('ul', { class: 'changes' }, body.changes.map((c) => h('li', {}, describe(c))))
      : h('p', {}, 'Nothing: the two versions are the same document.'));
    if (button) heading.focus();
  };

  const act = (fn) => async (e) => {
    try { await fn(e); } catch (err) { diffEl.replaceChildren(h('p', { class: 'notice' }, String(err.message || err))); }
  };

  async function refresh() {
    const r = await fetch(`${api}/versions`, { credentials: 'same-origin' });
    if (r.status === 404) { listEl.replaceChildren(h('p', {}, 'Not published yet: publish to make version 1.')); return; }
    if (!r.ok) { listEl.replaceChildren(h('p', { class: 'notice' }, `The versions could not be read (${r.status}).`)); return; }
    const all = await r.json();
    const latest = all.length ? all[0].version : 0;
    listEl.replaceChildren(h('ol', { class: 'versions', reversed: true },
      all.map((v) => h('li', { 'data-version': v.version },
        h('span', {}, h('strong', {}, `Version ${v.version}`), ` \u00b7 ${when(v.created_at)}`, v.version === latest ? ' \u00b7 served now' : ''),
        h('span', { class: 'item-actions' },
          v.version > 1 ? h('button', { type: 'button', 'aria-label': `What changed in version ${v.version}`, on: { click: act((e) => showDiff(v.version - 1, v.version, e.target)) } }, 'What changed') : null,
          h('button', { type: 'button', 'aria-label': `Open version ${v.version} in the editor`, on: { click: act(async () => open(await fetchVersion(v.version), v.version)) } }, 'Open in the editor'),
          v.version !== latest ? h('button', { type: 'button', 'aria-label': `Publish version ${v.version} again`, on: { click: act(async () => publishAgain(await fetchVersion(v.version), v.version)) } }, 'Publish again') : null)))));
  }

  return { refresh: () => refresh().catch((e) => listEl.replaceChildren(h('p', { class: 'notice' }, String(e.message || e)))) };
}
