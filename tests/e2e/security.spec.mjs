// Hostile input and hostile pages: every kind of bad config in the browser, script
// injection in every label, a strict Content-Security-Policy, offline and hanging
// endpoints. Each case checks what the endpoint stored.
import { test, expect } from "./fixtures.mjs";
import { fixture, part, dialog, hostPage } from "./harness.mjs";

const meal = (t, over = {}) => ({ ...fixture("meal-box"), endpoint: t.endpoint, ...over });
const RECORDER = `window.__events=[];window.__csp=[];
for(const n of ["ready","step","outcome","delivered","error","close"])addEventListener("cancel-flow:"+n,e=>__events.push({name:n,id:e.target.id,detail:e.detail}));
document.addEventListener("securitypolicyviolation",e=>__csp.push(e.violatedDirective+" "+e.blockedURI));`;

/** Serves the event recorder as a same-origin script (no inline script under CSP). */
function recorder(t) {
  t.server.page(`${t.bucket}-rec.js`, RECORDER, { "content-type": "text/javascript" });
  return `<script src="/p/${t.bucket}-rec.js"></script>`;
}

const mutate = (t, f) => { const c = meal(t); f(c); return c; };

test.describe("security", () => {
  test("every kind of bad config names its field in the browser", async ({ t }) => {
    const cases = {
      schema: [mutate(t, (c) => (c.schema = "cancel-flow/config@2")), /^schema: version "cancel-flow\/config@2" is not supported/],
      missing: [mutate(t, (c) => delete c.customer), /^customer: is required/],
      type: [mutate(t, (c) => (c.plan.price.amount_minor = "4990")), /^plan\.price\.amount_minor: must be a whole number/],
      zero: [mutate(t, (c) => (c.offers.pause.options[0].count = 0)), /^offers\.pause\.options\[0\]\.count: must be a whole number from 1 to 52/],
      big: [mutate(t, (c) => (c.offers.pause.options[0].count = 500)), /^offers\.pause\.options\[0\]\.count: must be a whole number from 1 to 52/],
      freq: [mutate(t, (c) => (c.offers.frequency.options[0] = { count: 30, per: { unit: "week", count: 20 } })), /^offers\.frequency\.options\[0\]\.count: must be a whole number from 1 to 140|^offers\.frequency\.options\[0\]\.count: must be fewer/],
      negative: [mutate(t, (c) => (c.offers.downgrade.tiers[0].price.amount_minor = -100)), /^offers\.downgrade\.tiers\[0\]\.price\.amount_minor: must be a whole number/],
      empty: [mutate(t, (c) => (c.survey.reasons = [])), /^survey\.reasons: is empty/],
      dupreason: [mutate(t, (c) => (c.survey.reasons[1].id = c.survey.reasons[0].id)), /^survey\.reasons\[1\]\.id: "too_expensive" is used twice/],
      duptier: [mutate(t, (c) => c.offers.downgrade.tiers.push({ ...c.offers.downgrade.tiers[0] })), /^offers\.downgrade\.tiers\[1\]\.id: "couple" is used twice/],
      unconfigured: [mutate(t, (c) => { delete c.offers.pause; }), /^survey\.reasons\[0\]\.offers\[2\]: names "pause", but offers\.pause is not configured/],
      locale: [mutate(t, (c) => (c.locale = "en_<x>")), /^locale: "en_<x>" is not a language tag/],
      http: [mutate(t, (c) => (c.endpoint = "http://shop.example/api")), /^endpoint: "http:\/\/shop\.example\/api" is not allowed/],
      datalink: [mutate(t, (c) => (c.offers.links[0].url = "data:text/html,<script>alert(1)</script>")), /^offers\.links\[0\]\.url: .* is not allowed/],
      jsfallback: [mutate(t, (c) => (c.fallback.url = "JavaScript:alert(1)")), /^fallback\.url: "JavaScript:alert\(1\)" is not allowed/],
    };
    const els = Object.entries(cases).map(([id, [cfg]]) => `<cancel-flow id="${id}"><script type="application/json">${JSON.stringify(cfg).replace(/</g, "\\u003c")}</script></cancel-flow>`).join("\n");
    const p = await t.open(`<!doctype html><html lang="en"><head>${recorder(t)}<script type="module" src="/cancel-flow/embed.js"></script></head><body><h1 id="host-title">Host</h1>${els}</body></html>`);
    const n = Object.keys(cases).length;
    await expect.poll(() => p.evaluate(() => window.__events.filter((e) => e.name === "error").length), { message: "an error from every element", timeout: 10_000 }).toBe(n)
      .catch(async (e) => { throw new Error(e.message + " " + JSON.stringify(await p.evaluate(() => window.__events))); });
    const errors = await p.evaluate(() => Object.fromEntries(window.__events.filter((e) => e.name === "error").map((e) => [e.id, e.detail])));
    for (const [id, [, want]] of Object.entries(cases)) {
      expect(errors[id].kind, id).toBe("config");
      expect(errors[id].message, id).toMatch(want);
      const el = p.locator(`#${id}`);
      if (id !== "jsfallback") await expect(part(el, "fallback").first(), `${id}: fallback visible`).toBeVisible();
    }
    // The unsafe fallback URL is never rendered; the email still is.
    const fb = p.locator("#jsfallback [part~=fallback] a");
    expect(await fb.evaluateAll((a) => a.map((x) => x.getAttribute("href")))).toEqual(["mailto:help@shop.example"]);
    expect(await p.locator("#host-title").innerText()).toBe("Host");
    expect(t.server.requests(t.bucket), "nothing was sent").toHaveLength(0);
  });

  test("a 1 MB config and 10,000 reasons do not freeze the page", async ({ t }) => {
    const huge = meal(t, { padding: "x".repeat(1024 * 1024) });
    const many = meal(t);
    many.survey.reasons = Array.from({ length: 10000 }, (_, i) => ({ id: `r${i}`, label: `Reason ${i}` }));
    for (const [cfg, want] of [[huge, /^config: is 102\d KB; at most 256 KB/], [many, /^config: is \d+ KB|^survey\.reasons: lists 10000/]]) {
      const p = await t.open(hostPage({ cfg, before: recorder(t) }));
      const started = Date.now();
      const firstError = () => p.evaluate(() => window.__events.find((x) => x.name === "error")?.detail);
      await expect.poll(firstError, { message: "the error" }).toBeTruthy();
      const e = await firstError();
      expect(e.message).toMatch(want);
      // The page stays responsive: a timer fires on time.
      const lag = await p.evaluate(() => new Promise((r) => { const t0 = performance.now(); setTimeout(() => r(performance.now() - t0 - 20), 20); }));
      expect(lag, `timer lag ${lag} ms`).toBeLessThan(100);
      expect(Date.now() - started).toBeLessThan(8000);
    }
  });

  test("a config URL that never answers times out with a clear error", async ({ t }) => {
    const url = t.server.config(`${t.bucket}-hang`, meal(t), { hang: true });
    const p = await t.open(hostPage({ cfg: undefined, attrs: `config="${url}"`, before: recorder(t) }));
    const firstError = () => p.evaluate(() => window.__events.find((x) => x.name === "error")?.detail);
    await expect.poll(firstError, { message: "the timeout error", timeout: 15_000 }).toBeTruthy();
    expect(await firstError()).toEqual({ kind: "config", message: `config: could not load ${url} (no answer in 10 s)` });
  });

  test("script injection in every label is shown as text", async ({ t }) => {
    const x = (where) => `<img src=x onerror="window.__pwned='${where}'"><script>window.__pwned='${where}'</script>`;
    const cfg = meal(t);
    cfg.survey.question = { en: x("question") };
    cfg.survey.reasons.forEach((r, i) => (r.label = x(`reason${i}`)));
    cfg.plan.name = x("plan");
    cfg.offers.downgrade.tiers[0].name = x("tier");
    cfg.offers.downgrade.tiers[0].features = [x("feature")];
    cfg.offers.downgrade.tiers[0].loses = [x("loses")];
    cfg.offers.links[0].label = x("link");
    cfg.texts = { en: { "offers.title": x("texts"), "confirm.title": x("confirm"), "done.reference": x("ref") + " {id}" } };
    const { p, r } = await t.start(cfg);
    const count = () => r.evaluate((host) => host.shadowRoot.querySelectorAll("img, script").length);
    expect(await count()).toBe(0);
    expect(await part(r, "dialog").innerText()).toContain(x("question"));
    await part(r, "skip").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "offers");
    expect(await count()).toBe(0);
    const text = await part(r, "dialog").innerText();
    for (const w of ["texts", "tier", "feature", "loses", "link"]) expect(text, w).toContain(x(w));
    await part(r, "cancel").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "confirm");
    expect(await part(r, "dialog").innerText()).toContain(x("plan"));
    await part(r, "confirm").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "done");
    expect(await part(r, "receipt").innerText()).toContain(x("ref"));
    expect(await count()).toBe(0);
    expect(await p.evaluate(() => window.__pwned)).toBe(undefined);
    expect(await t.posts()).toHaveLength(1);
  });

  test("works under a strict Content-Security-Policy", async ({ t }) => {
    const csp = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'";
    const p = await t.open(hostPage({ cfg: meal(t), before: recorder(t) }), { headers: { "content-security-policy": csp } });
    const r = p.locator("cancel-flow");
    await part(r, "trigger").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "survey");
    // The stylesheet applied (style-src 'self'): the dialog has its designed padding.
    const pad = await part(r, "dialog").evaluate((d) => getComputedStyle(d.querySelector(".body")).paddingLeft);
    expect(pad).toBe("16px");
    await r.locator('[part~="reason"][data-reason-id="away"]').click();
    await part(r, "next").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "offers");
    await r.locator('[part~="option"][data-value="2-week"]').click();
    await part(r, "accept").first().click();
    await expect(dialog(r)).toHaveAttribute("data-step", "done");
    expect((await t.posts())[0].json.result.type).toBe("paused");
    expect(await p.evaluate(() => window.__csp), "no CSP violations").toEqual([]);
  });

  test("the endpoint fails three times, then recovers: one outcome", async ({ t }) => {
    t.server.behave(t.bucket, { mode: "fail_first", n: 3, status: 502 });
    const { r } = await t.start(meal(t));
    await part(r, "cancel").click();
    await part(r, "confirm").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "done", { timeout: 20_000 });
    const reqs = t.server.requests(t.bucket);
    expect(reqs.map((q) => q.status)).toEqual([502, 502, 502, 200]);
    expect(new Set(reqs.map((q) => q.json.id)).size).toBe(1);
    // Exponential backoff: each wait longer than the one before (with jitter, at least half).
    const gaps = reqs.slice(1).map((q, i) => q.t - reqs[i].t);
    expect(gaps[0] >= 450 && gaps[1] >= 900 && gaps[2] >= 1900, `gaps ${gaps}`).toBe(true);
  });

  test("the endpoint hangs: the request times out and is retried", async ({ t }) => {
    t.server.behave(t.bucket, { mode: "hang_first", n: 1 });
    const { r } = await t.start(meal(t));
    await part(r, "cancel").click();
    await part(r, "confirm").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "done", { timeout: 25_000 });
    const reqs = t.server.requests(t.bucket);
    expect(reqs.map((q) => q.status)).toEqual(["hang", 200]);
    expect(reqs[0].json.id, "the retry carries the same id").toBe(reqs[1].json.id);
    expect(reqs[1].t - reqs[0].t, "an unanswered request counts as failed after 10 s").toBeGreaterThanOrEqual(10000);
  });

  test("offline, then a reload with the endpoint healthy", async ({ t }) => {
    const cfg = meal(t);
    const { p, r } = await t.start(cfg, { name: `${t.bucket}-offline` });
    await t.ctx.setOffline(true);
    await part(r, "cancel").click();
    await part(r, "confirm").click();
    await expect.poll(() => p.evaluate(() => localStorage.getItem("cancel-flow:outbox:v1") || ""), { message: "the outcome in the outbox", timeout: 5000 }).toContain("cancelled");
    // Deliberately let time pass: nothing may arrive while offline.
    await p.waitForTimeout(300);
    expect(t.server.requests(t.bucket), "nothing arrived while offline").toHaveLength(0);
    await t.ctx.setOffline(false);
    await p.reload();
    await t.posts(1);
    // Deliberately let time pass: a duplicate, if one were sent, would arrive now.
    await p.waitForTimeout(500);
    const reqs = t.server.requests(t.bucket);
    expect(reqs, "exactly one outcome stored").toHaveLength(1);
    expect(reqs[0].json.result.type).toBe("cancelled");
    await expect.poll(() => p.evaluate(() => localStorage.getItem("cancel-flow:outbox:v1")), { message: "the outbox to empty", timeout: 4000 }).toBeFalsy();
  });
});
