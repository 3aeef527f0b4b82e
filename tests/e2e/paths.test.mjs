// Every path through the guided and direct flows, asserting the exact JSON the
// loopback endpoint received, its headers, and what the done step says.
import { assert, fixture, normalize, envelope, ymd, part, waitStep, RECORD_EVENTS } from "./harness.mjs";

const meal = (t, over = {}) => ({ ...fixture("meal-box"), endpoint: t.endpoint, ...over });
const offer = (r, kind) => r.locator(`[part~="offer"][data-offer="${kind}"]`).first();

async function receipt(r) {
  return (await part(r, "receipt").first().innerText()).replace(/\s+/g, " ");
}

export const tests = {
  async "pause for 4 weeks after a reason"(t) {
    const cfg = meal(t);
    const { r } = await t.start(cfg);
    await waitStep(r, "survey");
    await r.locator('[part~="reason"][data-reason-id="too_much"]').click();
    await part(r, "next").click();
    await waitStep(r, "offers");
    assert.deepEqual(await r.locator('[part~="offer"]').evaluateAll((e) => e.map((x) => x.dataset.offer)), ["frequency", "pause"]);
    await offer(r, "pause").locator('[part~="option"][data-value="4-week"]').click();
    await part(offer(r, "pause"), "accept").click();
    await waitStep(r, "done");
    const [q] = await t.posts();
    assert.equal(q.headers["content-type"], "application/json");
    assert.equal(q.headers["idempotency-key"], q.json.id);
    assert.deepEqual(normalize(q.json), envelope(cfg, {
      result: { type: "paused", duration: { unit: "week", count: 4 }, resume_on: ymd(28) },
      survey: { reason_id: "too_much", comment: null },
      offers: [{ type: "frequency", accepted: false }, { type: "pause", accepted: true }],
      keep_in_touch: false,
      steps: ["survey", "offers", "done"],
    }));
    // Field order as in the contract (some consumers compare serialized JSON).
    assert.equal(JSON.stringify(Object.keys(q.json)), JSON.stringify(["schema", "id", "created_at", "flow_id", "test", "customer", "plan_id", "locale", "result", "survey", "offers", "keep_in_touch", "steps", "elapsed_ms"]));
    assert.equal(JSON.stringify(q.json.result), JSON.stringify({ type: "paused", duration: { unit: "week", count: 4 }, resume_on: ymd(28) }));
    const text = await receipt(r);
    assert.match(text, /Paused for 4 weeks/);
    assert.ok(text.includes(q.json.id), "receipt shows the reference id");
  },

  async "downgrade to a cheaper tier with a comment"(t) {
    const cfg = meal(t);
    const { r } = await t.start(cfg);
    await r.locator('[part~="reason"][data-reason-id="too_expensive"]').click();
    await part(r, "comment").fill("Prices went up <b>again</b>");
    await part(r, "next").click();
    await waitStep(r, "offers");
    const card = offer(r, "downgrade");
    assert.match(await card.innerText(), /Couple box[\s\S]*€32\.90 per week[\s\S]*Family portions/);
    await card.locator('[part~="option"][data-value="couple"]').click();
    await part(card, "accept").click();
    await waitStep(r, "done");
    const [q] = await t.posts();
    assert.deepEqual(normalize(q.json), envelope(cfg, {
      result: { type: "downgraded", from: "family", to: "couple" },
      survey: { reason_id: "too_expensive", comment: "Prices went up <b>again</b>" },
      offers: [{ type: "frequency", accepted: false }, { type: "downgrade", accepted: true }, { type: "pause", accepted: false }],
      keep_in_touch: false,
      steps: ["survey", "offers", "done"],
    }));
    assert.match(await receipt(r), /You are now on Couple box, at €32\.90 per week/);
  },

  async "20 of 50 weeks after skipping the survey"(t) {
    const cfg = meal(t);
    const { r } = await t.start(cfg);
    await part(r, "skip").click();
    await waitStep(r, "offers");
    assert.deepEqual(await r.locator('[part~="offer"]').evaluateAll((e) => e.map((x) => x.dataset.offer)), ["pause", "downgrade", "frequency", "discount", "link"]);
    const card = offer(r, "frequency");
    assert.deepEqual(await card.locator('[part~="option"]').evaluateAll((e) => e.map((x) => x.dataset.value)), ["20-per-50-week", "25-per-50-week"]);
    await card.locator('[part~="option"][data-value="20-per-50-week"]').click();
    await part(card, "accept").click();
    await waitStep(r, "done");
    const [q] = await t.posts();
    assert.deepEqual(normalize(q.json), envelope(cfg, {
      result: { type: "frequency_reduced", count: 20, per: { unit: "week", count: 50 } },
      survey: null,
      offers: ["pause", "downgrade", "frequency", "discount", "link"].map((type) => ({ type, accepted: type === "frequency" })),
      keep_in_touch: false,
      steps: ["survey", "offers", "done"],
    }));
    assert.match(await receipt(r), /You now get 20 of 50 weeks/);
  },

  async "discount"(t) {
    const cfg = meal(t);
    const { r } = await t.start(cfg);
    await part(r, "skip").click();
    await waitStep(r, "offers");
    assert.match(await offer(r, "discount").innerText(), /15% off for 2 months/);
    await part(offer(r, "discount"), "accept").click();
    await waitStep(r, "done");
    const [q] = await t.posts();
    assert.deepEqual(normalize(q.json).result, { type: "discount_accepted", percent_off: 15, months: 2 });
  },

  async "a link to a person"(t) {
    const cfg = meal(t);
    cfg.offers.links[0].url = "/cancel-flow/index.html";
    const { r } = await t.start(cfg);
    await r.locator('[part~="reason"][data-reason-id="quality"]').click();
    await part(r, "next").click();
    await waitStep(r, "offers");
    const link = offer(r, "link").locator('[part~="option"][data-value="support"]');
    assert.equal(await link.getAttribute("target"), "_blank");
    assert.equal(await link.getAttribute("rel"), "noopener noreferrer");
    const popup = t.ctx.waitForEvent("page");
    await link.click();
    await (await popup).close();
    await waitStep(r, "done");
    const [q] = await t.posts();
    assert.deepEqual(normalize(q.json).result, { type: "link_followed", link_id: "support" });
    assert.deepEqual(q.json.offers, [{ type: "link", accepted: true }]);
  },

  async "declining every offer, then cancelling with survey, comment and opt-in"(t) {
    const cfg = meal(t, { cancel: { effective: ["period_end", "immediately"], period_end: "2026-12-31" } });
    const { p, r } = await t.start(cfg, { before: RECORD_EVENTS });
    await r.locator('[part~="reason"][data-reason-id="other"]').click();
    await part(r, "comment").fill("Moving in together");
    await part(r, "next").click();
    await waitStep(r, "offers");
    const shown = await r.locator('[part~="offer"]').evaluateAll((e) => e.map((x) => x.dataset.offer));
    for (const kind of shown) await part(offer(r, kind), "decline").click();
    await waitStep(r, "confirm");
    assert.equal(await part(r, "keep-in-touch").isChecked(), false, "opt-in starts unticked");
    assert.equal(await r.locator('[part~="effective"][data-value="period_end"]').isChecked(), true, "first effective preselected");
    await part(r, "keep-in-touch").check();
    await r.locator('[part~="effective"][data-value="immediately"]').click();
    await part(r, "confirm").click();
    await waitStep(r, "done");
    const [q] = await t.posts();
    assert.deepEqual(normalize(q.json), envelope(cfg, {
      result: { type: "cancelled", effective: "immediately", effective_on: ymd(0) },
      survey: { reason_id: "other", comment: "Moving in together" },
      offers: shown.map((type) => ({ type, accepted: false })),
      keep_in_touch: true,
      steps: ["survey", "offers", "confirm", "done"],
    }));
    const events = await p.evaluate(() => window.__events);
    const names = events.map((e) => e.name);
    assert.deepEqual(names.filter((n) => n !== "step"), ["ready", "outcome", "delivered"]);
    assert.deepEqual(events.filter((e) => e.name === "step").map((e) => e.detail.step), ["survey", "offers", "confirm", "loading", "done"]);
    assert.deepEqual(events.find((e) => e.name === "outcome").detail, q.json, "outcome event carries the payload");
    assert.deepEqual(events.find((e) => e.name === "delivered").detail, { id: q.json.id, status: 200 });
    assert.equal(events.find((e) => e.name === "ready").detail.flow_id, cfg.flow_id);
  },

  async "cancel is two clicks from every step before confirm"(t) {
    const cfg = meal(t);
    const { r } = await t.start(cfg);
    await r.locator('[part~="reason"][data-reason-id="too_expensive"]').click();
    await part(r, "next").click();
    await waitStep(r, "offers");
    await part(r, "cancel").click();
    await waitStep(r, "confirm");
    await part(r, "back").click();
    await waitStep(r, "offers");
    await part(r, "cancel").click();
    await part(r, "confirm").click();
    await waitStep(r, "done");
    const [q] = await t.posts();
    assert.deepEqual(normalize(q.json).result, { type: "cancelled", effective: "period_end", effective_on: "2026-12-31" });
    assert.deepEqual(q.json.steps, ["survey", "offers", "confirm", "offers", "confirm", "done"]);
    assert.equal(t.server.requests(t.bucket).length, 1);
  },

  async "direct flow opens on confirm with the survey and offers secondary"(t) {
    const cfg = { ...fixture("direct-de"), endpoint: t.endpoint, locale: "en" };
    const { r } = await t.start(cfg);
    await waitStep(r, "confirm");
    assert.equal(await part(r, "cancel").count(), 0, "no separate cancel control needed on confirm");
    await r.locator('[part~="reason"][data-reason-id="taste"]').click();
    await r.locator('[part~="effective"][data-value="immediately"]').click();
    await part(r, "confirm").click();
    await waitStep(r, "done");
    const [q] = await t.posts();
    assert.deepEqual(normalize(q.json), envelope(cfg, {
      result: { type: "cancelled", effective: "immediately", effective_on: ymd(0) },
      survey: { reason_id: "taste", comment: null },
      offers: [{ type: "pause", accepted: false }, { type: "frequency", accepted: false }],
      keep_in_touch: false,
      steps: ["confirm", "done"],
    }));
  },

  async "direct flow: a secondary offer can still be taken"(t) {
    const cfg = { ...fixture("direct-de"), endpoint: t.endpoint, locale: "en" };
    const { r } = await t.start(cfg);
    await waitStep(r, "confirm");
    const card = offer(r, "pause");
    await card.locator('[part~="option"][data-value="8-week"]').click();
    await part(card, "accept").click();
    await waitStep(r, "done");
    const [q] = await t.posts();
    assert.deepEqual(normalize(q.json).result, { type: "paused", duration: { unit: "week", count: 8 }, resume_on: ymd(56) });
    assert.deepEqual(q.json.steps, ["confirm", "done"]);
  },

  async "inline display, token, headers and attribute overrides"(t) {
    const cfg = meal(t, { headers: { "X-CSRF-Token": "csrf-123" }, endpoint: "/api/wrong/outcome" });
    const attrs = `display="inline" endpoint="${t.endpoint}" customer-id="cus_attr" subscription-id="sub_attr" token="tok-abc" theme="dark"`;
    const { r } = await t.start(cfg, { attrs });
    assert.equal(await part(r, "trigger").count(), 0, "inline has no trigger");
    assert.equal(await part(r, "dialog").getAttribute("role"), "region");
    await part(r, "cancel").click();
    await part(r, "confirm").click();
    await waitStep(r, "done");
    const [q] = await t.posts();
    assert.equal(q.headers.authorization, "Bearer tok-abc");
    assert.equal(q.headers["x-csrf-token"], "csrf-123");
    assert.deepEqual(q.json.customer, { id: "cus_attr", subscription_id: "sub_attr" });
    assert.equal(t.server.requests("wrong").length, 0);
  },

  async "config from a URL"(t) {
    const cfg = meal(t);
    const url = t.server.config(t.bucket, cfg);
    const { r } = await t.start(undefined, { attrs: `config="${url}"` });
    await part(r, "skip").click();
    await part(r, "cancel").click();
    await part(r, "confirm").click();
    await waitStep(r, "done");
    assert.equal((await t.posts())[0].json.flow_id, cfg.flow_id);
  },
};
