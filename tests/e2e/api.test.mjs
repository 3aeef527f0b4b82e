// The JS API (`window.CancelFlow.open(config)`) and the element's lifecycle.
import { assert, fixture, normalize, part, waitStep, until, hostPage, RECORD_EVENTS } from "./harness.mjs";

const bare = (t) => t.open(hostPage({ cfg: undefined }).replace(/<cancel-flow[\s\S]*<\/cancel-flow>/, '<button id="app-button">Cancel my plan</button>'));

export const tests = {
  async "open() resolves with the delivered outcome"(t) {
    const cfg = { ...fixture("saas-tiers"), endpoint: t.endpoint };
    const p = await bare(t);
    await until(() => p.evaluate(() => !!window.CancelFlow?.open), 8000, "CancelFlow.open");
    await p.focus("#app-button");
    const done = p.evaluate((c) => window.CancelFlow.open(c), cfg);
    const body = p.locator("body");
    await waitStep(body, "survey");
    await body.locator('[part~="reason"][data-reason-id="price"]').click();
    await part(body, "next").click();
    await waitStep(body, "offers");
    const card = body.locator('[part~="offer"][data-offer="downgrade"]');
    await card.locator('[part~="option"][data-value="free"]').click();
    await part(card, "accept").click();
    const out = await done;
    const [q] = await t.posts();
    assert.deepEqual(out, q.json, "resolves with exactly what was delivered");
    assert.deepEqual(normalize(out).result, { type: "downgraded", from: "pro", to: "free" });
    await waitStep(body, "done");
    await part(body, "close").first().click();
    await until(() => p.evaluate(() => !document.querySelector("cancel-flow")), 4000, "the API element to be removed");
    assert.equal(await p.evaluate(() => document.activeElement?.id), "app-button", "focus returns to the app's button");
  },

  async "open() resolves abandoned when closed without deciding"(t) {
    const cfg = { ...fixture("saas-tiers"), endpoint: t.endpoint };
    const p = await bare(t);
    await until(() => p.evaluate(() => !!window.CancelFlow?.open), 8000, "CancelFlow.open");
    const done = p.evaluate((c) => window.CancelFlow.open(c), cfg);
    await waitStep(p.locator("body"), "survey");
    await p.keyboard.press("Escape");
    const out = await done;
    assert.equal(out.result.type, "abandoned");
    const [q] = await t.posts();
    assert.equal(q.json.result.type, "abandoned", "abandoned is sent best-effort");
    assert.equal(q.json.id, out.id);
  },

  async "open() rejects a bad config with a CancelFlowError of kind config"(t) {
    const cfg = { ...fixture("saas-tiers"), endpoint: t.endpoint, flow: "sideways" };
    const p = await bare(t);
    await until(() => p.evaluate(() => !!window.CancelFlow?.open), 8000, "CancelFlow.open");
    const err = await p.evaluate((c) => window.CancelFlow.open(c).then(() => null, (e) => ({ name: e.name, kind: e.kind, message: e.message })), cfg);
    assert.deepEqual(err, { name: "CancelFlowError", kind: "config", message: 'flow: must be "guided" or "direct", not "sideways"' });
    const body = p.locator("body");
    assert.ok(await part(body, "fallback").first().isVisible(), "the fallback is shown");
    assert.match(await part(body, "fallback").first().innerText(), /billing@notes\.example/);
  },

  async "two elements, the script twice, remove and re-add"(t) {
    const cfg = { ...fixture("meal-box"), endpoint: t.endpoint };
    const json = JSON.stringify(cfg);
    const html = hostPage({ cfg, before: RECORD_EVENTS, head: '<script type="module" src="/cancel-flow/embed.js"></script>', after: `<cancel-flow id="second"><script type="application/json">${json}</script></cancel-flow>` });
    const p = await t.open(html);
    const flows = p.locator("cancel-flow");
    assert.equal(await flows.count(), 2);
    await until(() => p.evaluate(() => window.__events.filter((e) => e.name === "ready").length === 2), 8000, "both ready");
    // Remove the second while open, add it back, and use it.
    const second = flows.nth(1);
    await part(second, "trigger").click();
    await waitStep(second, "survey");
    await p.evaluate(() => { const el = document.getElementById("second"); window.__kept = el; el.remove(); });
    await p.evaluate(() => document.body.append(window.__kept));
    await part(second, "trigger").click();
    await waitStep(second, "survey");
    await part(second, "cancel").click();
    await part(second, "confirm").click();
    await waitStep(second, "done");
    await part(second, "close").last().click();
    // The first still works on its own.
    const first = flows.nth(0);
    await part(first, "trigger").click();
    await part(first, "cancel").click();
    await part(first, "confirm").click();
    await waitStep(first, "done");
    const posts = await t.posts(2);
    assert.equal(posts.length, 2);
    assert.notEqual(posts[0].json.id, posts[1].json.id);
    assert.deepEqual(t.consoleErrors, []);
  },
};
