// Bad input never breaks the page or traps the person; delivery retries, tells the
// truth, and never loses an outcome.
import { assert, fixture, part, waitStep, until, hostPage, sleep, RECORD_EVENTS } from "./harness.mjs";

const meal = (t, over = {}) => ({ ...fixture("meal-box"), endpoint: t.endpoint, ...over });

async function configError(t, cfg, attrs = "") {
  const p = await t.open(hostPage({ cfg, attrs, before: RECORD_EVENTS, after: '<button id="host-button">Host button</button>' }));
  const r = p.locator("cancel-flow").first();
  const e = await until(() => p.evaluate(() => window.__events.find((x) => x.name === "error")?.detail), 8000, "cancel-flow:error");
  assert.equal(e.kind, "config");
  // The host page is unharmed and the person has a way out.
  assert.equal(await p.locator("#host-title").innerText(), "Your subscription");
  assert.ok(await p.locator("#host-button").isVisible());
  assert.ok(await part(r, "error").first().isVisible(), "the error box is shown");
  assert.equal(await part(r, "trigger").first().isVisible(), false, "no dead trigger");
  return { p, r, message: e.message };
}

export const tests = {
  async "a bad field names itself and shows the fallback"(t) {
    const cfg = meal(t);
    cfg.offers.pause.options[1].count = 500;
    const { r, message } = await configError(t, cfg);
    assert.equal(message, "offers.pause.options[1].count: must be a whole number from 1 to 52");
    const fb = part(r, "fallback").first();
    assert.ok(await fb.isVisible());
    assert.equal(await fb.locator("a").first().getAttribute("href"), "https://shop.example/account/cancel-form");
    assert.equal(await fb.locator("a").nth(1).getAttribute("href"), "mailto:help@shop.example");
  },

  async "invalid JSON, missing fields, unsafe URLs"(t) {
    assert.match((await configError(t, '{"schema": "cancel-flow/config@1", ')).message, /^config: is not valid JSON/);
    const noFallback = meal(t);
    delete noFallback.fallback;
    assert.equal((await configError(t, noFallback)).message, "fallback: is required");
    const js = meal(t);
    js.offers.links[0].url = "javascript:alert(1)";
    assert.match((await configError(t, js)).message, /^offers\.links\[0\]\.url: "javascript:alert\(1\)" is not allowed/);
    assert.match((await configError(t, meal(t), 'endpoint="http://evil.example/x"')).message, /^endpoint: /);
  },

  async "a config URL that 404s"(t) {
    const { message } = await configError(t, undefined, 'config="/config/missing.json"');
    assert.equal(message, "config: could not load /config/missing.json (HTTP 404)");
  },

  async "unknown fields warn and the flow still works"(t) {
    const cfg = { ...meal(t), sparkles: true };
    const warnings = [];
    const p = await t.open(hostPage({ cfg }));
    p.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
    const r = p.locator("cancel-flow");
    await part(r, "trigger").click();
    await waitStep(r, "survey");
    await until(() => warnings.some((w) => w.includes("sparkles: unknown field, ignored")), 4000, "the warning");
  },

  async "config texts are rendered as text"(t) {
    const cfg = meal(t);
    const evil = '<img src=x onerror="window.__pwned=1">';
    cfg.survey.question = evil;
    cfg.survey.reasons[0].label = evil;
    cfg.offers.links[0].label = evil;
    cfg.plan.name = evil;
    const { p, r } = await t.start(cfg);
    assert.ok((await part(r, "dialog").innerText()).includes(evil), "the question is shown as text");
    assert.equal(await r.locator("img").count(), 0);
    await part(r, "cancel").click();
    await waitStep(r, "confirm");
    assert.ok((await part(r, "dialog").innerText()).includes(evil), "the plan name is shown as text");
    assert.equal(await p.evaluate(() => window.__pwned), undefined);
  },

  async "the endpoint fails twice with 503, then takes it: one outcome"(t) {
    t.server.behave(t.bucket, { mode: "fail_first", n: 2, status: 503 });
    const { r } = await t.start(meal(t));
    await part(r, "cancel").click();
    await part(r, "confirm").click();
    await waitStep(r, "done", 15000);
    const reqs = t.server.requests(t.bucket);
    assert.deepEqual(reqs.map((q) => q.status), [503, 503, 200]);
    assert.equal(new Set(reqs.map((q) => q.json.id)).size, 1, "the same id on every retry");
    assert.ok(reqs.every((q) => q.headers["idempotency-key"] === q.json.id));
  },

  async "429 with Retry-After is honoured"(t) {
    t.server.behave(t.bucket, { mode: "fail_first", n: 1, status: 429, retryAfter: 1 });
    const { r } = await t.start(meal(t));
    await part(r, "cancel").click();
    await part(r, "confirm").click();
    await waitStep(r, "done", 15000);
    const [a, b] = t.server.requests(t.bucket);
    assert.ok(b.t - a.t >= 950, `waited ${b.t - a.t} ms`);
  },

  async "a 400 shows the error with retry and fallback; retry delivers"(t) {
    t.server.behave(t.bucket, { mode: "always", status: 400 });
    const { p, r } = await t.start(meal(t), { before: RECORD_EVENTS });
    await part(r, "cancel").click();
    await part(r, "confirm").click();
    await waitStep(r, "error");
    assert.equal(t.server.requests(t.bucket).length, 1, "a 400 is not retried");
    assert.match(await part(r, "error").first().innerText(), /could not save[\s\S]*\(400\)/);
    assert.ok(await part(r, "fallback").first().isVisible());
    const err = await p.evaluate(() => window.__events.find((e) => e.name === "error").detail);
    assert.equal(err.kind, "delivery");
    t.server.behave(t.bucket, { mode: "ok" });
    await part(r, "retry").click();
    await waitStep(r, "done");
    const reqs = t.server.requests(t.bucket);
    assert.deepEqual(reqs.map((q) => q.status), [400, 200]);
    assert.equal(reqs[0].json.id, reqs[1].json.id);
  },

  async "double clicks send one outcome"(t) {
    const { r } = await t.start(meal(t));
    await part(r, "cancel").click();
    await part(r, "confirm").dblclick();
    await waitStep(r, "done");
    await sleep(300);
    assert.equal(t.server.requests(t.bucket).length, 1);
  },

  async "an undelivered outcome survives a reload and is re-sent with the same id"(t) {
    t.server.behave(t.bucket, { mode: "always", status: 503 });
    const cfg = meal(t);
    const { p, r } = await t.start(cfg, { name: t.bucket + "-outbox" });
    await part(r, "cancel").click();
    await part(r, "confirm").click();
    await t.posts(1);
    const id = t.server.requests(t.bucket)[0].json.id;
    t.server.behave(t.bucket, { mode: "ok" });
    await p.reload();
    await until(() => t.server.requests(t.bucket).some((q) => q.status === 200), 15000, "the re-send");
    const ok = t.server.requests(t.bucket).filter((q) => q.status === 200);
    assert.equal(ok.length, 1);
    assert.equal(ok[0].json.id, id);
    await until(() => p.evaluate(() => !localStorage.getItem("cancel-flow:outbox:v1")), 4000, "the outbox to empty");
  },

  async "leaving the page with the flow open sends abandoned"(t) {
    const { p, r } = await t.start(meal(t));
    await r.locator('[part~="reason"][data-reason-id="away"]').click();
    await p.goto("about:blank");
    const [q] = await t.posts();
    assert.equal(q.json.result.type, "abandoned");
    assert.deepEqual(q.json.survey, { reason_id: "away", comment: null });
  },
};
