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
    const p = await t.open(hostPage({ cfg }));
    const r = p.locator("cancel-flow");
    await until(async () => (await part(r, "trigger").count()) > 0, 4000, "trigger");
    await p.keyboard.press("Tab");
    await p.keyboard.press("Enter");
    await waitStep(r, "survey");
    // Focus is on the heading; Tab reaches the first reason, arrows move within the group.
    await p.keyboard.press("Tab");
    await p.keyboard.press("Space");
    await p.keyboard.press("ArrowDown");
    assert.equal(await r.locator('[part~="reason"][data-reason-id="too_much"] input').isChecked(), true);
    await p.keyboard.press("Tab");
    await p.keyboard.press("Enter");
    await waitStep(r, "offers");
    // First offer is frequency; tab into its options and take the first one.
    await p.keyboard.press("Tab");
    await p.keyboard.press("Space");
    await p.keyboard.press("Tab");
    await p.keyboard.press("Enter");
    await waitStep(r, "done");
    const [q] = await t.posts();
    assert.deepEqual(q.json.result, { type: "frequency_reduced", count: 20, per: { unit: "week", count: 50 } });
  },
};
