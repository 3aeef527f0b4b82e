// Bad input never breaks the page or traps the person; delivery retries, tells the
// truth, and never loses an outcome.
import { test, expect } from "./fixtures.mjs";
import { fixture, part, dialog, hostPage, RECORD_EVENTS } from "./harness.mjs";

const meal = (t, over = {}) => ({ ...fixture("meal-box"), endpoint: t.endpoint, ...over });
const firstError = (p) => p.evaluate(() => window.__events.find((x) => x.name === "error")?.detail);

async function configError(t, cfg, attrs = "") {
  const p = await t.open(hostPage({ cfg, attrs, before: RECORD_EVENTS, after: '<button id="host-button">Host button</button>' }));
  const r = p.locator("cancel-flow").first();
  await expect.poll(() => firstError(p), { message: "cancel-flow:error" }).toBeTruthy();
  const e = await firstError(p);
  expect(e.kind).toBe("config");
  // The host page is unharmed and the person has a way out.
  expect(await p.locator("#host-title").innerText()).toBe("Your subscription");
  await expect(p.locator("#host-button")).toBeVisible();
  await expect(part(r, "error").first(), "the error box is shown").toBeVisible();
  expect(await part(r, "trigger").first().isVisible(), "no dead trigger").toBe(false);
  return { p, r, message: e.message };
}

test.describe("robustness", () => {
  test("a bad field names itself and shows the fallback", async ({ t }) => {
    const cfg = meal(t);
    cfg.offers.pause.options[1].count = 500;
    const { r, message } = await configError(t, cfg);
    expect(message).toBe("offers.pause.options[1].count: must be a whole number from 1 to 52");
    const fb = part(r, "fallback").first();
    await expect(fb).toBeVisible();
    await expect(fb.locator("a").first()).toHaveAttribute("href", "https://shop.example/account/cancel-form");
    await expect(fb.locator("a").nth(1)).toHaveAttribute("href", "mailto:help@shop.example");
  });

  test("invalid JSON, missing fields, unsafe URLs", async ({ t }) => {
    expect((await configError(t, '{"schema": "cancel-flow/config@1", ')).message).toMatch(/^config: is not valid JSON/);
    const noFallback = meal(t);
    delete noFallback.fallback;
    expect((await configError(t, noFallback)).message).toBe("fallback: is required");
    const js = meal(t);
    js.offers.links[0].url = "javascript:alert(1)";
    expect((await configError(t, js)).message).toMatch(/^offers\.links\[0\]\.url: "javascript:alert\(1\)" is not allowed/);
    expect((await configError(t, meal(t), 'endpoint="http://evil.example/x"')).message).toMatch(/^endpoint: /);
  });

  test("a config URL that 404s", async ({ t }) => {
    const { message } = await configError(t, undefined, 'config="/config/missing.json"');
    expect(message).toBe("config: could not load /config/missing.json (the server answered 404)");
  });

  test("unknown fields warn and the flow still works", async ({ t }) => {
    const cfg = { ...meal(t), sparkles: true };
    const warnings = [];
    const p = await t.open(hostPage({ cfg }));
    p.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
    const r = p.locator("cancel-flow");
    await part(r, "trigger").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "survey");
    await expect.poll(() => warnings.some((w) => w.includes("sparkles: unknown field, ignored")), { message: "the warning", timeout: 4000 }).toBe(true);
  });

  test("config texts are rendered as text", async ({ t }) => {
    const cfg = meal(t);
    const evil = '<img src=x onerror="window.__pwned=1">';
    cfg.survey.question = evil;
    cfg.survey.reasons[0].label = evil;
    cfg.offers.links[0].label = evil;
    cfg.plan.name = evil;
    const { p, r } = await t.start(cfg);
    expect(await part(r, "dialog").innerText(), "the question is shown as text").toContain(evil);
    expect(await r.locator("img").count()).toBe(0);
    await part(r, "cancel").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "confirm");
    expect(await part(r, "dialog").innerText(), "the plan name is shown as text").toContain(evil);
    expect(await p.evaluate(() => window.__pwned)).toBe(undefined);
  });

  test("the endpoint fails twice with 503, then takes it: one outcome", async ({ t }) => {
    t.server.behave(t.bucket, { mode: "fail_first", n: 2, status: 503 });
    const { r } = await t.start(meal(t));
    await part(r, "cancel").click();
    await part(r, "confirm").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "done", { timeout: 15_000 });
    const reqs = t.server.requests(t.bucket);
    expect(reqs.map((q) => q.status)).toEqual([503, 503, 200]);
    expect(new Set(reqs.map((q) => q.json.id)).size, "the same id on every retry").toBe(1);
    expect(reqs.every((q) => q.headers["idempotency-key"] === q.json.id)).toBe(true);
  });

  test("429 with Retry-After is honoured", async ({ t }) => {
    t.server.behave(t.bucket, { mode: "fail_first", n: 1, status: 429, retryAfter: 1 });
    const { r } = await t.start(meal(t));
    await part(r, "cancel").click();
    await part(r, "confirm").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "done", { timeout: 15_000 });
    const [a, b] = t.server.requests(t.bucket);
    expect(b.t - a.t, `waited ${b.t - a.t} ms`).toBeGreaterThanOrEqual(950);
  });

  test("a 400 shows the error with retry and fallback; retry delivers", async ({ t }) => {
    t.server.behave(t.bucket, { mode: "always", status: 400 });
    const { p, r } = await t.start(meal(t), { before: RECORD_EVENTS });
    await part(r, "cancel").click();
    await part(r, "confirm").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "error");
    expect(t.server.requests(t.bucket), "a 400 is not retried").toHaveLength(1);
    expect(await part(r, "error").first().innerText()).toMatch(/could not save[\s\S]*\(400\)/);
    await expect(part(r, "fallback").first()).toBeVisible();
    const err = await p.evaluate(() => window.__events.find((e) => e.name === "error").detail);
    expect(err.kind).toBe("delivery");
    t.server.behave(t.bucket, { mode: "ok" });
    await part(r, "retry").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "done");
    const reqs = t.server.requests(t.bucket);
    expect(reqs.map((q) => q.status)).toEqual([400, 200]);
    expect(reqs[0].json.id).toBe(reqs[1].json.id);
  });

  test("double clicks send one outcome", async ({ t }) => {
    const { p, r } = await t.start(meal(t));
    await part(r, "cancel").click();
    await part(r, "confirm").dblclick();
    await expect(dialog(r)).toHaveAttribute("data-step", "done");
    // Deliberately let time pass: a second outcome, if one were sent, would arrive now.
    await p.waitForTimeout(300);
    expect(t.server.requests(t.bucket)).toHaveLength(1);
  });

  test("an undelivered outcome survives a reload and is re-sent with the same id", async ({ t }) => {
    t.server.behave(t.bucket, { mode: "always", status: 503 });
    const cfg = meal(t);
    const { p, r } = await t.start(cfg, { name: t.bucket + "-outbox" });
    await part(r, "cancel").click();
    await part(r, "confirm").click();
    await t.posts(1);
    const id = t.server.requests(t.bucket)[0].json.id;
    t.server.behave(t.bucket, { mode: "ok" });
    await p.reload();
    await expect.poll(() => t.server.requests(t.bucket).some((q) => q.status === 200), { message: "the re-send", timeout: 15_000 }).toBe(true);
    const ok = t.server.requests(t.bucket).filter((q) => q.status === 200);
    expect(ok).toHaveLength(1);
    expect(ok[0].json.id).toBe(id);
    await expect.poll(() => p.evaluate(() => localStorage.getItem("cancel-flow:outbox:v1")), { message: "the outbox to empty", timeout: 4000 }).toBeFalsy();
  });

  test("leaving the page with the flow open sends abandoned", async ({ t }) => {
    const { p, r } = await t.start(meal(t));
    await r.locator('[part~="reason"][data-reason-id="away"]').click();
    await p.goto("about:blank");
    const [q] = await t.posts();
    expect(q.json.result.type).toBe("abandoned");
    expect(q.json.survey).toEqual({ reason_id: "away", comment: null });
  });
});
