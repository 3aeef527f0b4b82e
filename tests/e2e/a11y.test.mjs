// Accessibility in the browser: axe-core on every step in light and dark, a real modal
// dialog (role, aria-modal, label, Escape, focus return), and keyboard-only use.
import path from "node:path";
import { assert, fixture, part, waitStep, until, root, hostPage } from "./harness.mjs";

const AXE = path.join(root, "node_modules/axe-core/axe.min.js");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

async function axe(p, label) {
  if (!(await p.evaluate(() => !!window.axe))) await p.addScriptTag({ path: AXE });
  const res = await p.evaluate((tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }), TAGS);
  const v = res.violations.map((x) => `${x.id}: ${x.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  assert.deepEqual(v, [], `axe violations on ${label}`);
}

/** Presses keys in order. */
async function press(p, ...keys) {
  for (const k of keys) await p.keyboard.press(k);
}

/** The `part` of the focused element inside the widget. */
const focusedPart = (p) => p.evaluate(() => document.querySelector("cancel-flow").shadowRoot.activeElement?.getAttribute("part"));

/** Opens a host page and the flow with the keyboard alone (Tab to the trigger, Enter). */
async function openByKeyboard(t, cfg) {
  const p = await t.open(hostPage({ cfg }));
  const r = p.locator("cancel-flow");
  await until(async () => (await part(r, "trigger").count()) > 0, 4000, "trigger");
  await press(p, "Tab", "Enter");
  await waitStep(r, "survey");
  return { p, r };
}

export const tests = {
  async "axe finds nothing on any step, light and dark"(t) {
    for (const scheme of ["light", "dark"]) {
      const cfg = { ...fixture("meal-box"), endpoint: t.endpoint };
      const { p, r } = await t.start(cfg);
      await p.emulateMedia({ colorScheme: scheme });
      await waitStep(r, "survey");
      await axe(p, `survey (${scheme})`);
      await r.locator('[part~="reason"][data-reason-id="too_expensive"]').click();
      await axe(p, `survey with comment (${scheme})`);
      await part(r, "next").click();
      await waitStep(r, "offers");
      await axe(p, `offers (${scheme})`);
      await part(r, "cancel").click();
      await waitStep(r, "confirm");
      await axe(p, `confirm (${scheme})`);
      t.server.behave(t.bucket, { mode: "always", status: 400 });
      await part(r, "confirm").click();
      await waitStep(r, "error");
      await axe(p, `error (${scheme})`);
      t.server.behave(t.bucket, { mode: "ok" });
      await part(r, "retry").click();
      await waitStep(r, "done");
      await axe(p, `done (${scheme})`);
    }
  },

  async "a real modal dialog: label, Escape, focus in and back"(t) {
    const cfg = { ...fixture("meal-box"), endpoint: t.endpoint };
    const { p, r } = await t.start(cfg);
    const d = part(r, "dialog");
    assert.equal(await d.getAttribute("role"), "dialog");
    assert.equal(await d.getAttribute("aria-modal"), "true");
    const labelledBy = await d.getAttribute("aria-labelledby");
    assert.equal(await r.locator(`#${labelledBy}`).innerText(), "What made you decide to cancel?");
    const focusedInside = await until(() => p.evaluate(() => {
      const host = document.querySelector("cancel-flow");
      return host.shadowRoot.activeElement && host.shadowRoot.activeElement.closest("[part~=dialog]") !== null;
    }), 3000, "focus inside the dialog");
    assert.ok(focusedInside);
    await p.keyboard.press("Escape");
    await until(async () => !(await d.isVisible()), 3000, "the dialog to close");
    const back = await p.evaluate(() => document.querySelector("cancel-flow").shadowRoot.activeElement?.getAttribute("part"));
    assert.equal(back, "trigger", "focus returns to the trigger");
    const [q] = await t.posts();
    assert.equal(q.json.result.type, "abandoned");
  },

  async "keyboard only: open, pick a reason with arrows, pause"(t) {
    const cfg = { ...fixture("meal-box"), endpoint: t.endpoint, survey: { ...fixture("meal-box").survey, randomize: false } };
    const { p, r } = await openByKeyboard(t, cfg);
    // Focus is on the heading; Tab reaches the first reason, arrows move within the group.
    await press(p, "Tab", "Space", "ArrowDown");
    assert.equal(await r.locator('[part~="reason"][data-reason-id="too_much"] input').isChecked(), true);
    await press(p, "Tab", "Enter");
    await waitStep(r, "offers");
    // First offer is frequency; tab into its options and take the first one.
    await press(p, "Tab", "Space", "Tab", "Enter");
    await waitStep(r, "done");
    const [q] = await t.posts();
    assert.deepEqual(q.json.result, { type: "frequency_reduced", count: 20, per: { unit: "week", count: 50 } });
  },

  async "focus is trapped in the modal and visible on every control"(t) {
    const { p, r } = await t.start({ ...fixture("meal-box"), endpoint: t.endpoint }, { after: '<button id="host-after">Host</button><a href="#" id="host-link">Link</a>' });
    await waitStep(r, "survey");
    const seen = [];
    for (let i = 0; i < 25; i++) {
      await p.keyboard.press("Tab");
      const f = await p.evaluate(() => {
        const a = document.activeElement;
        if (a?.tagName !== "CANCEL-FLOW") return { host: a?.id || a?.tagName || "none" };
        const el = a.shadowRoot.activeElement;
        if (!el) return { inside: "none" };
        const cs = getComputedStyle(el);
        return { inside: el.getAttribute("part") || el.closest("[part]")?.getAttribute("part") || el.tagName, outline: cs.outlineStyle, width: cs.outlineWidth };
      });
      seen.push(f);
    }
    const outside = seen.filter((f) => f.host);
    assert.deepEqual(outside, [], "Tab never leaves the modal (it wraps)");
    const inside = seen.filter((f) => f.inside && f.inside !== "none");
    assert.ok(inside.length >= 8);
    for (const f of inside) assert.ok(f.outline !== "none" && parseFloat(f.width) >= 2, `visible focus on ${f.inside}: ${f.outline} ${f.width}`);
  },

  async "step changes move focus to the new heading"(t) {
    const { p, r } = await t.start({ ...fixture("meal-box"), endpoint: t.endpoint });
    await part(r, "skip").click();
    await waitStep(r, "offers");
    const focused = await until(() => p.evaluate(() => {
      const el = document.querySelector("cancel-flow").shadowRoot.activeElement;
      return el?.getAttribute("part") === "title" ? el.textContent : null;
    }), 3000, "focus on the heading");
    assert.equal(focused, "Would one of these suit you better?");
  },

  async "reduced motion turns animation off"(t) {
    const { p, r } = await t.start({ ...fixture("meal-box"), endpoint: t.endpoint });
    await p.emulateMedia({ reducedMotion: "reduce" });
    t.server.behave(t.bucket, { mode: "hang" });
    await part(r, "cancel").click();
    await part(r, "confirm").click();
    await waitStep(r, "loading");
    assert.equal(await r.evaluate((h) => getComputedStyle(h.shadowRoot.querySelector(".spinner")).animationName), "none");
    await p.emulateMedia({ reducedMotion: "no-preference" });
    assert.equal(await r.evaluate((h) => getComputedStyle(h.shadowRoot.querySelector(".spinner")).animationName), "cf-spin");
  },

  async "keyboard only: open and cancel"(t) {
    const cfg = { ...fixture("meal-box"), endpoint: t.endpoint };
    const { p, r } = await openByKeyboard(t, cfg);
    // Shift+Tab from the heading wraps to the cancel control at the end of the dialog.
    await until(async () => (await focusedPart(p)) === "title", 3000, "heading focus");
    await press(p, "Shift+Tab");
    assert.equal(await focusedPart(p), "cancel");
    await press(p, "Enter");
    await waitStep(r, "confirm");
    for (let i = 0; i < 10 && (await focusedPart(p)) !== "confirm"; i++) await press(p, "Tab");
    await p.keyboard.press("Enter");
    await waitStep(r, "done");
    assert.equal((await t.posts())[0].json.result.type, "cancelled");
  },

  async "inline display is a labelled region, not a modal"(t) {
    const { r } = await t.start({ ...fixture("meal-box"), endpoint: t.endpoint }, { attrs: 'display="inline"' });
    const d = part(r, "dialog");
    assert.equal(await d.getAttribute("role"), "region");
    assert.equal(await d.getAttribute("aria-modal"), null);
    assert.equal(await r.locator(`#${await d.getAttribute("aria-labelledby")}`).innerText(), "What made you decide to cancel?");
  },
};
