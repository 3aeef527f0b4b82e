// Every path through the guided and direct flows, asserting the exact JSON the
// loopback endpoint received, its headers, and what the done step says.
import { test, expect } from "./fixtures.mjs";
import { fixture, normalize, envelope, ymd, part, dialog, RECORD_EVENTS } from "./harness.mjs";

const meal = (t, over = {}) => ({ ...fixture("meal-box"), endpoint: t.endpoint, ...over });
const offer = (r, kind) => r.locator(`[part~="offer"][data-offer="${kind}"]`).first();

async function receipt(r) {
  return (await part(r, "receipt").first().innerText()).replace(/\s+/g, " ");
}

test.describe("paths", () => {
  test("pause for 4 weeks after a reason", async ({ t }) => {
    const cfg = meal(t);
    const { r } = await t.start(cfg);
    await expect(dialog(r)).toHaveAttribute("data-step", "survey");
    await r.locator('[part~="reason"][data-reason-id="too_much"]').click();
    await part(r, "next").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "offers");
    expect(await r.locator('[part~="offer"]').evaluateAll((e) => e.map((x) => x.dataset.offer))).toEqual(["frequency", "pause"]);
    await offer(r, "pause").locator('[part~="option"][data-value="4-week"]').click();
    await part(offer(r, "pause"), "accept").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "done");
    const [q] = await t.posts();
    expect(q.headers["content-type"]).toBe("application/json");
    expect(q.headers["idempotency-key"]).toBe(q.json.id);
    expect(normalize(q.json)).toEqual(envelope(cfg, {
      result: { type: "paused", duration: { unit: "week", count: 4 }, resume_on: ymd(28) },
      survey: { reason_id: "too_much", comment: null },
      offers: [{ type: "frequency", accepted: false }, { type: "pause", accepted: true }],
      keep_in_touch: false,
      steps: ["survey", "offers", "done"],
    }));
    // Field order as in the contract (some consumers compare serialized JSON).
    expect(JSON.stringify(Object.keys(q.json))).toBe(JSON.stringify(["schema", "id", "created_at", "flow_id", "test", "customer", "plan_id", "locale", "result", "survey", "offers", "keep_in_touch", "steps", "elapsed_ms"]));
    expect(JSON.stringify(q.json.result)).toBe(JSON.stringify({ type: "paused", duration: { unit: "week", count: 4 }, resume_on: ymd(28) }));
    const text = await receipt(r);
    expect(text).toMatch(/Paused for 4 weeks/);
    expect(text, "receipt shows the reference id").toContain(q.json.id);
  });

  test("downgrade to a cheaper tier with a comment", async ({ t }) => {
    const cfg = meal(t);
    const { r } = await t.start(cfg);
    await r.locator('[part~="reason"][data-reason-id="too_expensive"]').click();
    await part(r, "comment").fill("Prices went up <b>again</b>");
    await part(r, "next").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "offers");
    const card = offer(r, "downgrade");
    expect(await card.innerText()).toMatch(/Couple box[\s\S]*€32\.90 per week[\s\S]*Family portions/);
    await card.locator('[part~="option"][data-value="couple"]').click();
    await part(card, "accept").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "done");
    const [q] = await t.posts();
    expect(normalize(q.json)).toEqual(envelope(cfg, {
      result: { type: "downgraded", from: "family", to: "couple" },
      survey: { reason_id: "too_expensive", comment: "Prices went up <b>again</b>" },
      offers: [{ type: "frequency", accepted: false }, { type: "downgrade", accepted: true }, { type: "pause", accepted: false }],
      keep_in_touch: false,
      steps: ["survey", "offers", "done"],
    }));
    expect(await receipt(r)).toMatch(/You are now on Couple box, at €32\.90 per week/);
  });

  test("20 of 50 weeks after skipping the survey", async ({ t }) => {
    const cfg = meal(t);
    const { r } = await t.start(cfg);
    await part(r, "skip").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "offers");
    expect(await r.locator('[part~="offer"]').evaluateAll((e) => e.map((x) => x.dataset.offer))).toEqual(["pause", "downgrade", "frequency", "discount", "link"]);
    const card = offer(r, "frequency");
    expect(await card.locator('[part~="option"]').evaluateAll((e) => e.map((x) => x.dataset.value))).toEqual(["20-per-50-week", "25-per-50-week"]);
    await card.locator('[part~="option"][data-value="20-per-50-week"]').click();
    await part(card, "accept").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "done");
    const [q] = await t.posts();
    expect(normalize(q.json)).toEqual(envelope(cfg, {
      result: { type: "frequency_reduced", count: 20, per: { unit: "week", count: 50 } },
      survey: null,
      offers: ["pause", "downgrade", "frequency", "discount", "link"].map((type) => ({ type, accepted: type === "frequency" })),
      keep_in_touch: false,
      steps: ["survey", "offers", "done"],
    }));
    expect(await receipt(r)).toMatch(/You now get 20 of 50 weeks/);
  });

  test("discount", async ({ t }) => {
    const cfg = meal(t);
    const { r } = await t.start(cfg);
    await part(r, "skip").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "offers");
    expect(await offer(r, "discount").innerText()).toMatch(/15% off for 2 months/);
    await part(offer(r, "discount"), "accept").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "done");
    const [q] = await t.posts();
    expect(normalize(q.json).result).toEqual({ type: "discount_accepted", percent_off: 15, months: 2 });
  });

  test("a link to a person", async ({ t }) => {
    const cfg = meal(t);
    cfg.offers.links[0].url = "/cancel-flow/index.html";
    const { r } = await t.start(cfg);
    await r.locator('[part~="reason"][data-reason-id="quality"]').click();
    await part(r, "next").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "offers");
    const link = offer(r, "link").locator('[part~="option"][data-value="support"]');
    await expect(link).toHaveAttribute("target", "_blank");
    await expect(link).toHaveAttribute("rel", "noopener noreferrer");
    const popup = t.ctx.waitForEvent("page");
    await link.click();
    await (await popup).close();
    await expect(dialog(r)).toHaveAttribute("data-step", "done");
    const [q] = await t.posts();
    expect(normalize(q.json).result).toEqual({ type: "link_followed", link_id: "support" });
    expect(q.json.offers).toEqual([{ type: "link", accepted: true }]);
  });

  test("declining every offer, then cancelling with survey, comment and opt-in", async ({ t }) => {
    const cfg = meal(t, { cancel: { effective: ["period_end", "immediately"], period_end: "2026-12-31" } });
    const { p, r } = await t.start(cfg, { before: RECORD_EVENTS });
    await r.locator('[part~="reason"][data-reason-id="other"]').click();
    await part(r, "comment").fill("Moving in together");
    await part(r, "next").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "offers");
    const shown = await r.locator('[part~="offer"]').evaluateAll((e) => e.map((x) => x.dataset.offer));
    for (const kind of shown) await part(offer(r, kind), "decline").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "confirm");
    expect(await part(r, "keep-in-touch").isChecked(), "opt-in starts unticked").toBe(false);
    expect(await r.locator('[part~="effective"][data-value="period_end"]').isChecked(), "first effective preselected").toBe(true);
    await part(r, "keep-in-touch").check();
    await r.locator('[part~="effective"][data-value="immediately"]').click();
    await part(r, "confirm").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "done");
    const [q] = await t.posts();
    expect(normalize(q.json)).toEqual(envelope(cfg, {
      result: { type: "cancelled", effective: "immediately", effective_on: ymd(0) },
      survey: { reason_id: "other", comment: "Moving in together" },
      offers: shown.map((type) => ({ type, accepted: false })),
      keep_in_touch: true,
      steps: ["survey", "offers", "confirm", "done"],
    }));
    const events = await p.evaluate(() => window.__events);
    const names = events.map((e) => e.name);
    expect(names.filter((n) => n !== "step")).toEqual(["ready", "outcome", "delivered"]);
    expect(events.filter((e) => e.name === "step").map((e) => e.detail.step)).toEqual(["survey", "offers", "confirm", "loading", "done"]);
    expect(events.find((e) => e.name === "outcome").detail, "outcome event carries the payload").toEqual(q.json);
    expect(events.find((e) => e.name === "delivered").detail).toEqual({ id: q.json.id, status: 200 });
    expect(events.find((e) => e.name === "ready").detail.flow_id).toBe(cfg.flow_id);
  });

  test("cancel is two clicks from every step before confirm", async ({ t }) => {
    const cfg = meal(t);
    const { r } = await t.start(cfg);
    await r.locator('[part~="reason"][data-reason-id="too_expensive"]').click();
    await part(r, "next").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "offers");
    await part(r, "cancel").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "confirm");
    await part(r, "back").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "offers");
    await part(r, "cancel").click();
    await part(r, "confirm").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "done");
    const [q] = await t.posts();
    expect(normalize(q.json).result).toEqual({ type: "cancelled", effective: "period_end", effective_on: "2026-12-31" });
    expect(q.json.steps).toEqual(["survey", "offers", "confirm", "offers", "confirm", "done"]);
    expect(t.server.requests(t.bucket)).toHaveLength(1);
  });

  test("direct flow opens on confirm with the survey and offers secondary", async ({ t }) => {
    const cfg = { ...fixture("direct-de"), endpoint: t.endpoint, locale: "en" };
    const { r } = await t.start(cfg);
    await expect(dialog(r)).toHaveAttribute("data-step", "confirm");
    expect(await part(r, "cancel").count(), "no separate cancel control needed on confirm").toBe(0);
    await r.locator('[part~="reason"][data-reason-id="taste"]').click();
    await r.locator('[part~="effective"][data-value="immediately"]').click();
    await part(r, "confirm").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "done");
    const [q] = await t.posts();
    expect(normalize(q.json)).toEqual(envelope(cfg, {
      result: { type: "cancelled", effective: "immediately", effective_on: ymd(0) },
      survey: { reason_id: "taste", comment: null },
      offers: [{ type: "pause", accepted: false }, { type: "frequency", accepted: false }],
      keep_in_touch: false,
      steps: ["confirm", "done"],
    }));
  });

  test("direct flow: a secondary offer can still be taken", async ({ t }) => {
    const cfg = { ...fixture("direct-de"), endpoint: t.endpoint, locale: "en" };
    const { r } = await t.start(cfg);
    await expect(dialog(r)).toHaveAttribute("data-step", "confirm");
    const card = offer(r, "pause");
    await card.locator('[part~="option"][data-value="8-week"]').click();
    await part(card, "accept").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "done");
    const [q] = await t.posts();
    expect(normalize(q.json).result).toEqual({ type: "paused", duration: { unit: "week", count: 8 }, resume_on: ymd(56) });
    expect(q.json.steps).toEqual(["confirm", "done"]);
  });

  test("inline display, token, headers and attribute overrides", async ({ t }) => {
    const cfg = meal(t, { headers: { "X-CSRF-Token": "csrf-123" }, endpoint: "/api/wrong/outcome" });
    const attrs = `display="inline" endpoint="${t.endpoint}" customer-id="cus_attr" subscription-id="sub_attr" token="tok-abc" theme="dark"`;
    const { r } = await t.start(cfg, { attrs });
    expect(await part(r, "trigger").count(), "inline has no trigger").toBe(0);
    await expect(part(r, "dialog")).toHaveAttribute("role", "region");
    await part(r, "cancel").click();
    await part(r, "confirm").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "done");
    const [q] = await t.posts();
    expect(q.headers.authorization).toBe("Bearer tok-abc");
    expect(q.headers["x-csrf-token"]).toBe("csrf-123");
    expect(q.json.customer).toEqual({ id: "cus_attr", subscription_id: "sub_attr" });
    expect(t.server.requests("wrong")).toHaveLength(0);
  });

  test("config from a URL", async ({ t }) => {
    const cfg = meal(t);
    const url = t.server.config(t.bucket, cfg);
    const { r } = await t.start(undefined, { attrs: `config="${url}"` });
    await part(r, "skip").click();
    await part(r, "cancel").click();
    await part(r, "confirm").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "done");
    expect((await t.posts())[0].json.flow_id).toBe(cfg.flow_id);
  });
});
