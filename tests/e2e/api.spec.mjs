// The JS API (`window.CancelFlow.open(config)`) and the element's lifecycle.
import { test, expect } from "./fixtures.mjs";
import { fixture, normalize, part, dialog, hostPage, RECORD_EVENTS } from "./harness.mjs";

const bare = (t) => t.open(hostPage({ cfg: undefined }).replace(/<cancel-flow[\s\S]*<\/cancel-flow>/, '<button id="app-button">Cancel my plan</button>'));
const apiReady = (p) => expect.poll(() => p.evaluate(() => !!window.CancelFlow?.open), { message: "CancelFlow.open" }).toBe(true);

test.describe("api", () => {
  test("open() resolves with the delivered outcome", async ({ t }) => {
    const cfg = { ...fixture("saas-tiers"), endpoint: t.endpoint };
    const p = await bare(t);
    await apiReady(p);
    await p.focus("#app-button");
    const done = p.evaluate((c) => window.CancelFlow.open(c), cfg);
    const body = p.locator("body");
    await expect(dialog(body)).toHaveAttribute("data-step", "survey");
    await body.locator('[part~="reason"][data-reason-id="price"]').click();
    await part(body, "next").click();
    await expect(dialog(body)).toHaveAttribute("data-step", "offers");
    const card = body.locator('[part~="offer"][data-offer="downgrade"]');
    await card.locator('[part~="option"][data-value="free"]').click();
    await part(card, "accept").click();
    const out = await done;
    const [q] = await t.posts();
    expect(out, "resolves with exactly what was delivered").toEqual(q.json);
    expect(normalize(out).result).toEqual({ type: "downgraded", from: "pro", to: "free" });
    await expect(dialog(body)).toHaveAttribute("data-step", "done");
    await part(body, "close").first().click();
    await expect(p.locator("cancel-flow"), "the API element to be removed").toHaveCount(0, { timeout: 4000 });
    await expect(p.locator("#app-button"), "focus returns to the app's button").toBeFocused();
  });

  test("open() resolves abandoned when closed without deciding", async ({ t }) => {
    const cfg = { ...fixture("saas-tiers"), endpoint: t.endpoint };
    const p = await bare(t);
    await apiReady(p);
    const done = p.evaluate((c) => window.CancelFlow.open(c), cfg);
    await expect(dialog(p.locator("body"))).toHaveAttribute("data-step", "survey");
    await p.keyboard.press("Escape");
    const out = await done;
    expect(out.result.type).toBe("abandoned");
    const [q] = await t.posts();
    expect(q.json.result.type, "abandoned is sent best-effort").toBe("abandoned");
    expect(q.json.id).toBe(out.id);
  });

  test("open() rejects a bad config with a CancelFlowError of kind config", async ({ t }) => {
    const cfg = { ...fixture("saas-tiers"), endpoint: t.endpoint, flow: "sideways" };
    const p = await bare(t);
    await apiReady(p);
    const err = await p.evaluate((c) => window.CancelFlow.open(c).then(() => null, (e) => ({ name: e.name, kind: e.kind, message: e.message })), cfg);
    expect(err).toEqual({ name: "CancelFlowError", kind: "config", message: 'flow: must be "guided" or "direct", not "sideways"' });
    const body = p.locator("body");
    await expect(part(body, "fallback").first(), "the fallback is shown").toBeVisible();
    await expect(part(body, "fallback").first()).toContainText(/billing@notes\.example/, { useInnerText: true });
  });

  test("two elements, the script twice, remove and re-add", async ({ t }) => {
    const cfg = { ...fixture("meal-box"), endpoint: t.endpoint };
    const json = JSON.stringify(cfg);
    const html = hostPage({ cfg, before: RECORD_EVENTS, head: '<script type="module" src="/cancel-flow/embed.js"></script>', after: `<cancel-flow id="second"><script type="application/json">${json}</script></cancel-flow>` });
    const p = await t.open(html);
    const flows = p.locator("cancel-flow");
    await expect(flows).toHaveCount(2);
    await expect.poll(() => p.evaluate(() => window.__events.filter((e) => e.name === "ready").length), { message: "both ready" }).toBe(2);
    // Remove the second while open, add it back, and use it.
    const second = flows.nth(1);
    await part(second, "trigger").click();
    await expect(dialog(second)).toHaveAttribute("data-step", "survey");
    await p.evaluate(() => { const el = document.getElementById("second"); window.__kept = el; el.remove(); });
    await p.evaluate(() => document.body.append(window.__kept));
    await part(second, "trigger").click();
    await expect(dialog(second)).toHaveAttribute("data-step", "survey");
    await part(second, "cancel").click();
    await part(second, "confirm").click();
    await expect(dialog(second)).toHaveAttribute("data-step", "done");
    await part(second, "close").last().click();
    // The first still works on its own.
    const first = flows.nth(0);
    await part(first, "trigger").click();
    await part(first, "cancel").click();
    await part(first, "confirm").click();
    await expect(dialog(first)).toHaveAttribute("data-step", "done");
    const posts = await t.posts(2);
    expect(posts).toHaveLength(2);
    expect(posts[0].json.id).not.toBe(posts[1].json.id);
    expect(t.consoleErrors).toEqual([]);
  });
});
