// Accessibility in the browser: axe-core on every step in light and dark, a real modal
// dialog (role, aria-modal, label, Escape, focus return), and keyboard-only use.
import path from "node:path";
import { test, expect } from "./fixtures.mjs";
import { fixture, part, dialog, root, hostPage } from "./harness.mjs";

const AXE = path.join(root, "node_modules/axe-core/axe.min.js");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

async function axe(p, label) {
  if (!(await p.evaluate(() => !!window.axe))) await p.addScriptTag({ path: AXE });
  const res = await p.evaluate((tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }), TAGS);
  const v = res.violations.map((x) => `${x.id}: ${x.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(v, `axe violations on ${label}`).toEqual([]);
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
  await expect(part(r, "trigger").first(), "trigger").toBeAttached({ timeout: 4000 });
  await press(p, "Tab", "Enter");
  await expect(dialog(r)).toHaveAttribute("data-step", "survey");
  return { p, r };
}

test.describe("a11y", () => {
  test("axe finds nothing on any step, light and dark", async ({ t }) => {
    for (const scheme of ["light", "dark"]) {
      const cfg = { ...fixture("meal-box"), endpoint: t.endpoint };
      const { p, r } = await t.start(cfg);
      await p.emulateMedia({ colorScheme: scheme });
      await expect(dialog(r)).toHaveAttribute("data-step", "survey");
      await axe(p, `survey (${scheme})`);
      await r.locator('[part~="reason"][data-reason-id="too_expensive"]').click();
      await axe(p, `survey with comment (${scheme})`);
      await part(r, "next").click();
      await expect(dialog(r)).toHaveAttribute("data-step", "offers");
      await axe(p, `offers (${scheme})`);
      await part(r, "cancel").click();
      await expect(dialog(r)).toHaveAttribute("data-step", "confirm");
      await axe(p, `confirm (${scheme})`);
      t.server.behave(t.bucket, { mode: "always", status: 400 });
      await part(r, "confirm").click();
      await expect(dialog(r)).toHaveAttribute("data-step", "error");
      await axe(p, `error (${scheme})`);
      t.server.behave(t.bucket, { mode: "ok" });
      await part(r, "retry").click();
      await expect(dialog(r)).toHaveAttribute("data-step", "done");
      await axe(p, `done (${scheme})`);
    }
  });

  test("axe finds nothing on the fallback boxes (a config that cannot load, a wasm that cannot load), light and dark", async ({ t }) => {
    const shop = 'fallback-url="/account/cancel-form" fallback-email="support@shop.example"';
    for (const scheme of ["light", "dark"]) {
      const p = await t.open(hostPage({ cfg: undefined, attrs: `config="/config/${t.bucket}-missing.json" ${shop}` }));
      await p.emulateMedia({ colorScheme: scheme });
      await expect(part(p.locator("cancel-flow"), "fallback").locator("a")).toHaveCount(2);
      await axe(p, `config error box (${scheme})`);
      await p.close();
    }
    await t.ctx.route(/\/cancel-flow_bg\.wasm$/, (route) => route.fulfill({ status: 404, body: "" }));
    for (const scheme of ["light", "dark"]) {
      const p = await t.open(hostPage({ cfg: undefined, attrs: `config="/config/${t.bucket}-missing.json" display="inline" ${shop}` }));
      await p.emulateMedia({ colorScheme: scheme });
      await expect(part(p.locator("cancel-flow"), "error")).toContainText("The cancellation form could not load.");
      await expect(part(p.locator("cancel-flow"), "fallback").locator("a")).toHaveCount(2);
      await axe(p, `load error box (${scheme})`);
      await p.close();
    }
  });

  test("a real modal dialog: label, Escape, focus in and back", async ({ t }) => {
    const cfg = { ...fixture("meal-box"), endpoint: t.endpoint };
    const { p, r } = await t.start(cfg);
    const d = part(r, "dialog");
    await expect(d).toHaveAttribute("role", "dialog");
    await expect(d).toHaveAttribute("aria-modal", "true");
    const labelledBy = await d.getAttribute("aria-labelledby");
    expect(await r.locator(`#${labelledBy}`).innerText()).toBe("What made you decide to cancel?");
    await expect.poll(() => p.evaluate(() => {
      const host = document.querySelector("cancel-flow");
      return host.shadowRoot.activeElement && host.shadowRoot.activeElement.closest("[part~=dialog]") !== null;
    }), { message: "focus inside the dialog", timeout: 3000 }).toBe(true);
    await p.keyboard.press("Escape");
    await expect(d, "the dialog to close").toBeHidden({ timeout: 3000 });
    const back = await p.evaluate(() => document.querySelector("cancel-flow").shadowRoot.activeElement?.getAttribute("part"));
    expect(back, "focus returns to the trigger").toBe("trigger");
    const [q] = await t.posts();
    expect(q.json.result.type).toBe("abandoned");
  });

  test("keyboard only: open, pick a reason with arrows, pause", async ({ t }) => {
    const cfg = { ...fixture("meal-box"), endpoint: t.endpoint, survey: { ...fixture("meal-box").survey, randomize: false } };
    const { p, r } = await openByKeyboard(t, cfg);
    // Focus is on the heading; Tab reaches the first reason, arrows move within the group.
    await press(p, "Tab", "Space", "ArrowDown");
    await expect(r.locator('[part~="reason"][data-reason-id="too_much"] input')).toBeChecked();
    await press(p, "Tab", "Enter");
    await expect(dialog(r)).toHaveAttribute("data-step", "offers");
    // First offer is frequency; tab into its options and take the first one.
    await press(p, "Tab", "Space", "Tab", "Enter");
    await expect(dialog(r)).toHaveAttribute("data-step", "done");
    const [q] = await t.posts();
    expect(q.json.result).toEqual({ type: "frequency_reduced", count: 20, per: { unit: "week", count: 50 } });
  });

  test("focus is trapped in the modal and visible on every control", async ({ t }) => {
    const { p, r } = await t.start({ ...fixture("meal-box"), endpoint: t.endpoint }, { after: '<button id="host-after">Host</button><a href="#" id="host-link">Link</a>' });
    await expect(dialog(r)).toHaveAttribute("data-step", "survey");
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
    expect(outside, "Tab never leaves the modal (it wraps)").toEqual([]);
    const inside = seen.filter((f) => f.inside && f.inside !== "none");
    expect(inside.length).toBeGreaterThanOrEqual(8);
    for (const f of inside) expect(f.outline !== "none" && parseFloat(f.width) >= 2, `visible focus on ${f.inside}: ${f.outline} ${f.width}`).toBe(true);
  });

  test("step changes move focus to the new heading", async ({ t }) => {
    const { p, r } = await t.start({ ...fixture("meal-box"), endpoint: t.endpoint });
    await part(r, "skip").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "offers");
    await expect.poll(() => p.evaluate(() => {
      const el = document.querySelector("cancel-flow").shadowRoot.activeElement;
      return el?.getAttribute("part") === "title" ? el.textContent : null;
    }), { message: "focus on the heading", timeout: 3000 }).toBe("Would one of these suit you better?");
  });

  test("reduced motion turns animation off", async ({ t }) => {
    const { p, r } = await t.start({ ...fixture("meal-box"), endpoint: t.endpoint });
    await p.emulateMedia({ reducedMotion: "reduce" });
    t.server.behave(t.bucket, { mode: "hang" });
    await part(r, "cancel").click();
    await part(r, "confirm").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "loading");
    expect(await r.evaluate((h) => getComputedStyle(h.shadowRoot.querySelector(".spinner")).animationName)).toBe("none");
    await p.emulateMedia({ reducedMotion: "no-preference" });
    expect(await r.evaluate((h) => getComputedStyle(h.shadowRoot.querySelector(".spinner")).animationName)).toBe("cf-spin");
  });

  test("keyboard only: open and cancel", async ({ t }) => {
    const cfg = { ...fixture("meal-box"), endpoint: t.endpoint };
    const { p, r } = await openByKeyboard(t, cfg);
    // Shift+Tab from the heading wraps to the cancel control at the end of the dialog.
    await expect.poll(() => focusedPart(p), { message: "heading focus", timeout: 3000 }).toBe("title");
    await press(p, "Shift+Tab");
    expect(await focusedPart(p)).toBe("cancel");
    await press(p, "Enter");
    await expect(dialog(r)).toHaveAttribute("data-step", "confirm");
    for (let i = 0; i < 10 && (await focusedPart(p)) !== "confirm"; i++) await press(p, "Tab");
    await p.keyboard.press("Enter");
    await expect(dialog(r)).toHaveAttribute("data-step", "done");
    expect((await t.posts())[0].json.result.type).toBe("cancelled");
  });

  test("inline display is a labelled region, not a modal", async ({ t }) => {
    const { r } = await t.start({ ...fixture("meal-box"), endpoint: t.endpoint }, { attrs: 'display="inline"' });
    const d = part(r, "dialog");
    await expect(d).toHaveAttribute("role", "region");
    expect(await d.getAttribute("aria-modal")).toBe(null);
    expect(await r.locator(`#${await d.getAttribute("aria-labelledby")}`).innerText()).toBe("What made you decide to cancel?");
  });
});
