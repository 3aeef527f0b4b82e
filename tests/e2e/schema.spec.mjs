// The JSON Schemas (schema/, generated from the Rust types; shipped as dist/schema/) with
// a well-kept validator, Ajv in strict mode (draft 2020-12, ajv-formats): both compile;
// every example config is valid; a table of configs at the edges of each range and each
// closed set gets the same verdict from the schema and from the real widget (known,
// deliberate differences listed); and real outcomes, POSTed by the widget in Chromium
// along several paths, are valid against the outcome schema and against a closed copy of
// it (no field the schema does not name).
import fs from "node:fs";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { test, expect } from "./fixtures.mjs";
import { root, part, dialog, RECORD_EVENTS } from "./harness.mjs";

const dist = path.resolve(process.env.CANCEL_FLOW_DIST || "dist");
// The shipped copies when the build has them (index.html copies schema/), else the repository's.
const shipped = fs.existsSync(path.join(dist, "schema/config.schema.json"));
const schemaDir = shipped ? path.join(dist, "schema") : path.join(root, "schema");
const readJson = (file) => JSON.parse(fs.readFileSync(file, "utf8"));
const configSchema = readJson(path.join(schemaDir, "config.schema.json"));
const outcomeSchema = readJson(path.join(schemaDir, "outcome.schema.json"));

/** A strict Ajv: unknown keywords and formats, loose types and undefined required keys throw.
 * Union types (`"type": ["string", "null"]`, the outcome's nullable fields) are standard
 * JSON Schema; strict mode wants them allowed explicitly. */
function strictAjv() {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
  addFormats(ajv);
  return ajv;
}

/** A copy of a schema with `additionalProperties: false` on every object schema that names
 * its properties: valid against it means no field the schema does not know. */
function closed(schema) {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== "object") return schema;
  const out = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, k === "properties" ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, closed(s)])) : closed(v)]));
  if (out.type === "object" && out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

const ajv = strictAjv();
const validConfig = ajv.compile(configSchema);
const validOutcome = ajv.compile(outcomeSchema);
const exactOutcome = strictAjv().compile(closed(outcomeSchema));
const why = (v) => strictAjv().errorsText(v.errors, { separator: "; " });

/** The fields Ajv's errors are about, written as the widget writes them (`a.b[0].c`). */
function errorFields(errors) {
  return (errors || []).map((e) => {
    const at = e.instancePath.split("/").slice(1).reduce((p, k) => (/^\d+$/.test(k) ? `${p}[${k}]` : p ? `${p}.${k}` : k), "");
    const key = e.params?.missingProperty ?? e.params?.propertyName ?? e.params?.additionalProperty;
    return key === undefined ? at : at ? `${at}.${key}` : key;
  });
}

const jsonIn = (dir) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort().map((f) => path.join(dir, f)) : []);
const example = (name) => readJson(path.join(root, "examples", `${name}.json`));
const clone = (x) => JSON.parse(JSON.stringify(x));
const edit = (base, f) => { const c = clone(base); f(c); return c; };

test.describe("schema", () => {
  test("both schemas compile in strict mode; dist ships the committed ones", () => {
    for (const [name, s] of [["config", configSchema], ["outcome", outcomeSchema]]) {
      expect(s.$schema, name).toBe("https://json-schema.org/draft/2020-12/schema");
      expect(s.title, name).toBe(`cancel-flow ${name}`);
      expect(() => strictAjv().compile(s), name).not.toThrow();
      expect(() => strictAjv().compile(closed(s)), `${name}, closed`).not.toThrow();
      if (shipped) {
        const repo = fs.readFileSync(path.join(root, "schema", `${name}.schema.json`), "utf8");
        expect(fs.readFileSync(path.join(dist, "schema", `${name}.schema.json`), "utf8"), `dist/schema/${name}.schema.json`).toBe(repo);
      }
    }
  });

  test("every example config, fixture and the demo's config is valid", () => {
    const files = [
      ...jsonIn(path.join(root, "examples")),
      ...jsonIn(path.join(root, "tests/fixtures")),
      ...jsonIn(path.resolve(root, "../shared/examples")),
      path.join(root, "www/demo/themes-config.json"),
    ].filter((f, i, all) => fs.existsSync(f) && all.indexOf(f) === i);
    expect(files.length).toBeGreaterThanOrEqual(7);
    const demo = fs.readFileSync(path.join(root, "index.html"), "utf8").match(/<cancel-flow[^>]*>\s*<script type="application\/json">([\s\S]*?)<\/script>/);
    expect(demo, "index.html has an inline config").toBeTruthy();
    const configs = [...files.map((f) => [path.relative(root, f), readJson(f)]), ["index.html", JSON.parse(demo[1])]];
    for (const [name, cfg] of configs) expect(validConfig(cfg) || why(validConfig), name).toBe(true);
    for (const f of jsonIn(path.join(root, "examples"))) {
      expect(Object.keys(readJson(f))[0], `${path.basename(f)} starts with $schema`).toBe("$schema");
    }
  });

  test("the schema and the widget agree at every edge", async ({ t }) => {
    const base = { ...example("meal-box"), endpoint: t.endpoint };
    const pause = (o) => edit(base, (c) => (c.offers.pause.options[0] = o));
    const reason = (r) => edit(base, (c) => (c.survey.reasons[0] = r));
    const long = "x".repeat(200);
    // [id, config, valid for the schema, valid for the widget]
    const cases = [
      ["base", base, true, true],
      ["pause-week-1", pause({ unit: "week", count: 1 }), true, true],
      ["pause-week-52", pause({ unit: "week", count: 52 }), true, true],
      ["pause-week-0", pause({ unit: "week", count: 0 }), false, false],
      ["pause-week-53", pause({ unit: "week", count: 53 }), false, false],
      ["pause-week-60", pause({ unit: "week", count: 60 }), false, false],
      ["pause-day-90", pause({ unit: "day", count: 90 }), true, true],
      ["pause-day-91", pause({ unit: "day", count: 91 }), false, false],
      ["pause-month-12", pause({ unit: "month", count: 12 }), true, true],
      ["pause-month-13", pause({ unit: "month", count: 13 }), false, false],
      ["pause-year-1", pause({ unit: "year", count: 1 }), true, true],
      ["pause-year-2", pause({ unit: "year", count: 2 }), false, false],
      ["pause-count-text", pause({ unit: "week", count: "4" }), false, false],
      ["pause-count-half", pause({ unit: "week", count: 1.5 }), false, false],
      ["pause-unit-fortnight", pause({ unit: "fortnight", count: 1 }), false, false],
      ["pause-12-options", edit(base, (c) => (c.offers.pause.options = Array.from({ length: 12 }, (_, i) => ({ unit: "day", count: i + 1 })))), true, true],
      ["pause-13-options", edit(base, (c) => (c.offers.pause.options = Array.from({ length: 13 }, (_, i) => ({ unit: "day", count: i + 1 })))), false, false],
      ["pause-no-options", edit(base, (c) => (c.offers.pause.options = [])), false, false],
      ["period-week-104", edit(base, (c) => (c.plan.price.per = { unit: "week", count: 104 })), true, true],
      ["period-week-105", edit(base, (c) => (c.plan.price.per = { unit: "week", count: 105 })), false, false],
      ["period-year-3", edit(base, (c) => (c.plan.price.per = { unit: "year", count: 3 })), false, false],
      ["price-negative", edit(base, (c) => (c.plan.price.amount_minor = -1)), false, false],
      ["price-free", edit(base, (c) => (c.offers.downgrade.tiers[0].price.amount_minor = 0)), true, true],
      ["currency-lower", edit(base, (c) => (c.plan.price.currency = "eur")), false, false],
      ["percent-1", edit(base, (c) => (c.offers.discount.percent_off = 1)), true, true],
      ["percent-100", edit(base, (c) => (c.offers.discount.percent_off = 100)), true, true],
      ["percent-0", edit(base, (c) => (c.offers.discount.percent_off = 0)), false, false],
      ["percent-101", edit(base, (c) => (c.offers.discount.percent_off = 101)), false, false],
      ["months-36", edit(base, (c) => (c.offers.discount.months = 36)), true, true],
      ["months-37", edit(base, (c) => (c.offers.discount.months = 37)), false, false],
      ["amount-off", edit(base, (c) => (c.offers.discount = { amount_off_minor: 500, currency: "EUR", months: 2 })), true, true],
      ["amount-no-currency", edit(base, (c) => (c.offers.discount = { amount_off_minor: 500, months: 2 })), false, false],
      ["discount-neither", edit(base, (c) => (c.offers.discount = { months: 2 })), false, false],
      ["reasons-30", edit(base, (c) => (c.survey.reasons = Array.from({ length: 30 }, (_, i) => ({ id: `r${i}`, label: `Reason ${i}` })))), true, true],
      ["reasons-31", edit(base, (c) => (c.survey.reasons = Array.from({ length: 31 }, (_, i) => ({ id: `r${i}`, label: `Reason ${i}` })))), false, false],
      ["reasons-none", edit(base, (c) => (c.survey.reasons = [])), false, false],
      ["preset-unknown", reason({ preset: "cheap" }), false, false],
      ["preset-id-override", reason({ preset: "too_expensive", id: "price", feedback: "other" }), true, true],
      ["written-feedback", reason({ id: "price", label: "Too dear", feedback: "too_expensive" }), true, true],
      ["feedback-wrong", reason({ preset: "too_expensive", feedback: "price" }), false, false],
      ["written-no-label", reason({ id: "price" }), false, false],
      ["written-no-id", reason({ label: "Too dear" }), false, false],
      ["comment-required", reason({ preset: "service", comment: "required" }), false, false],
      ["offer-unknown", reason({ preset: "service", offers: ["coupon"] }), false, false],
      ["id-200", edit(base, (c) => (c.flow_id = long)), true, true],
      ["id-201", edit(base, (c) => (c.flow_id = long + "x")), false, false],
      ["id-blank", edit(base, (c) => (c.flow_id = "  ")), false, false],
      ["endpoint-missing", edit(base, (c) => delete c.endpoint), false, false],
      ["endpoint-http", edit(base, (c) => (c.endpoint = "http://shop.example/api")), false, false],
      ["endpoint-localhost", edit(base, (c) => (c.endpoint = "http://localhost:8080/api")), true, true],
      ["endpoint-protocol-relative", edit(base, (c) => (c.endpoint = "//shop.example/api")), false, false],
      ["link-data-url", edit(base, (c) => (c.offers.links[0].url = "data:text/html,x")), false, false],
      ["fallback-empty", edit(base, (c) => (c.fallback = {})), false, false],
      ["fallback-email-only", edit(base, (c) => (c.fallback = { email: "help@shop.example" })), true, true],
      ["fallback-bad-email", edit(base, (c) => (c.fallback = { email: "help at shop" })), false, false],
      ["effective-empty", edit(base, (c) => (c.cancel.effective = [])), false, false],
      ["effective-twice", edit(base, (c) => (c.cancel.effective = ["period_end", "period_end"])), false, false],
      ["period-end-no-day", edit(base, (c) => (c.cancel.period_end = "2026-02-30")), false, false],
      ["theme-blue", edit(base, (c) => (c.theme = "blue")), false, false],
      ["flow-express", edit(base, (c) => (c.flow = "express")), false, false],
      ["locale-bad", edit(base, (c) => (c.locale = "en_<x>")), false, false],
      ["locale-region", edit(base, (c) => (c.locale = "pt-BR")), true, true],
      ["header-reserved", edit(base, (c) => (c.headers = { "content-type": "text/plain" })), false, false],
      ["header-ok", edit(base, (c) => (c.headers = { "X-CSRF-Token": "abc" })), true, true],
      ["texts-override", edit(base, (c) => (c.texts = { hu: { "confirm.title": "Biztos?" } })), true, true],
      ["texts-bad-locale", edit(base, (c) => (c.texts = { "h u": {} })), false, false],
      ["schema-v2", edit(base, (c) => (c.schema = "cancel-flow/config@2")), false, false],
      // Contract 1.2: what the collector served.
      ["served", edit(base, (c) => (c.served = { flow_version: 3, experiment: { id: "winter-offers", variant: "b" } })), true, true],
      ["served-version-only", edit(base, (c) => (c.served = { flow_version: 1 })), true, true],
      ["served-holdout", edit(base, (c) => (c.served = { flow_version: 4294967295, experiment: { id: "w_1", variant: "holdout" } })), true, true],
      ["served-ids-64", edit(base, (c) => (c.served = { flow_version: 2, experiment: { id: "x".repeat(64), variant: "y".repeat(64) } })), true, true],
      ["served-version-0", edit(base, (c) => (c.served = { flow_version: 0 })), false, false],
      ["served-version-big", edit(base, (c) => (c.served = { flow_version: 4294967296 })), false, false],
      ["served-version-half", edit(base, (c) => (c.served = { flow_version: 2.5 })), false, false],
      ["served-no-version", edit(base, (c) => (c.served = { experiment: { id: "w", variant: "a" } })), false, false],
      ["served-id-upper", edit(base, (c) => (c.served = { flow_version: 1, experiment: { id: "Winter", variant: "a" } })), false, false],
      ["served-id-65", edit(base, (c) => (c.served = { flow_version: 1, experiment: { id: "x".repeat(65), variant: "a" } })), false, false],
      ["served-variant-space", edit(base, (c) => (c.served = { flow_version: 1, experiment: { id: "w", variant: "b c" } })), false, false],
      ["served-no-variant", edit(base, (c) => (c.served = { flow_version: 1, experiment: { id: "w" } })), false, false],
      // Deliberate differences. Unknown fields, nulls and the alias "link": the widget
      // takes them (an unknown field with a console.warn); the schema names only the
      // contract's fields and words, so an editor underlines a typo. Rules across fields
      // (ids unique, offers configured, fewer deliveries than the plan): only the widget.
      ["unknown-field", edit(base, (c) => (c.survey.reasns = [])), false, true],
      ["served-unknown-field", edit(base, (c) => (c.served = { flow_version: 1, segment: "vip" })), false, true],
      ["null-optional", edit(base, (c) => (c.theme = null)), false, true],
      ["offer-link-alias", reason({ preset: "service", offers: ["link"] }), false, true],
      ["offer-not-configured", edit(base, (c) => delete c.offers.pause), true, false],
      ["reason-id-twice", edit(base, (c) => c.survey.reasons.push({ id: "away", label: "Away" })), true, false],
      ["frequency-not-fewer", edit(base, (c) => (c.offers.frequency.options[0].count = 50)), true, false],
      ["tier-is-the-plan", edit(base, (c) => (c.offers.downgrade.tiers[0].id = "family")), true, false],
    ];
    for (const [id, cfg, want] of cases) expect(validConfig(cfg), `schema: ${id} (${why(validConfig)})`).toBe(want);

    const els = cases.map(([id, cfg]) => `<cancel-flow id="${id}"><script type="application/json">${JSON.stringify(cfg).replace(/</g, "\\u003c")}</script></cancel-flow>`).join("\n");
    const p = await t.open(`<!doctype html><html lang="en"><head><meta charset="utf-8">${RECORD_EVENTS.replace("detail:e.detail", "detail:e.detail,id:e.target.id")}<script type="module" src="/cancel-flow/embed.js"></script></head><body>${els}</body></html>`);
    const settled = () => p.evaluate(() => new Set(window.__events.filter((e) => e.name === "ready" || e.name === "error").map((e) => e.id)).size);
    await expect.poll(settled, { message: "every element mounted or refused its config", timeout: 30_000 }).toBe(cases.length);
    const verdicts = await p.evaluate(() => Object.fromEntries(window.__events.filter((e) => e.name === "ready" || e.name === "error").map((e) => [e.id, e.name === "ready" ? true : e.detail.message])));
    for (const [id, cfg, schemaWant, want] of cases) {
      expect(verdicts[id] === true, `widget: ${id} (${verdicts[id]})`).toBe(want);
      if (want || schemaWant) continue;
      // Both refuse it: about the same field (the widget names one; Ajv all it finds; a
      // list's rule such as uniqueItems is about the list, where the widget names the item).
      validConfig(cfg);
      const field = verdicts[id].split(": ")[0];
      const fields = errorFields(validConfig.errors);
      expect(fields.some((f) => f === field || f.startsWith(field + ".") || f.startsWith(field + "[") || field.startsWith(f + "[")), `${id}: the widget's ${field} among the schema's ${fields.join(", ")}`).toBe(true);
    }

    // The required handful: each shows the config error (with the fallback) in the element.
    for (const id of ["preset-unknown", "feedback-wrong", "pause-week-0", "pause-week-53", "pause-count-text", "endpoint-missing"]) {
      await expect(part(p.locator(`#${id}`), "fallback").first(), `${id}: the config error with its fallback`).toBeVisible();
    }
    expect(t.server.requests(t.bucket), "nothing was sent").toHaveLength(0);
  });

  test("Ajv's messages name the field and the limit", () => {
    const cfg = edit(example("meal-box"), (c) => (c.offers.pause.options[0] = { unit: "week", count: 60 }));
    expect(validConfig(cfg)).toBe(false);
    expect(why(validConfig)).toContain("/offers/pause/options/0/count must be <= 52");
    const preset = edit(example("meal-box"), (c) => (c.survey.reasons[0] = { preset: "cheap" }));
    expect(validConfig(preset)).toBe(false);
    expect(why(validConfig)).toContain("/survey/reasons/0/preset must be equal to one of the allowed values");
  });

  // Real outcomes: a flow driven in Chromium, the POSTed payload checked against the
  // outcome schema (and its closed copy), and the whole payload returned.
  async function decided(t, cfg, drive, opts = {}) {
    const { p, r } = await t.start(cfg, opts);
    await drive(r, p);
    const [q] = await t.posts();
    expect(validOutcome(q.json) || why(validOutcome), `outcome ${q.json?.result?.type}`).toBe(true);
    expect(exactOutcome(q.json) || why(exactOutcome), `outcome ${q.json?.result?.type}: no field the schema does not name`).toBe(true);
    return q.json;
  }
  const meal = (t) => ({ ...example("meal-box"), endpoint: t.endpoint });
  const choose = async (r, id) => { await r.locator(`[part~="reason"][data-reason-id="${id}"]`).click(); await part(r, "next").click(); };
  const offer = (r, kind) => r.locator(`[part~="offer"][data-offer="${kind}"]`).first();
  const done = (r) => expect(dialog(r)).toHaveAttribute("data-step", "done");

  test("paused, after a preset reason with a label override", async ({ t }) => {
    const out = await decided(t, meal(t), async (r) => {
      await choose(r, "too_much");
      await offer(r, "pause").locator('[part~="option"][data-value="4-week"]').click();
      await part(offer(r, "pause"), "accept").click();
      await done(r);
    });
    expect(out.result).toMatchObject({ type: "paused", duration: { unit: "week", count: 4 } });
    expect(out.survey).toEqual({ reason_id: "too_much", comment: null, feedback: "unused" });
  });

  test("downgraded, after a preset reason with a comment", async ({ t }) => {
    const out = await decided(t, meal(t), async (r) => {
      await r.locator('[part~="reason"][data-reason-id="too_expensive"]').click();
      await part(r, "comment").fill("Prices went up");
      await part(r, "next").click();
      await offer(r, "downgrade").locator('[part~="option"][data-value="couple"]').click();
      await part(offer(r, "downgrade"), "accept").click();
      await done(r);
    });
    expect(out.result).toEqual({ type: "downgraded", from: "family", to: "couple" });
    expect(out.survey).toEqual({ reason_id: "too_expensive", comment: "Prices went up", feedback: "too_expensive" });
  });

  test("cancelled with a preset reason: survey.feedback is Stripe's value", async ({ t }) => {
    const out = await decided(t, meal(t), async (r) => {
      await choose(r, "quality");
      await part(r, "cancel").first().click();
      await expect(dialog(r)).toHaveAttribute("data-step", "confirm");
      await part(r, "confirm").click();
      await done(r);
    });
    expect(out.result).toEqual({ type: "cancelled", effective: "period_end", effective_on: "2026-12-31" });
    expect(out.survey).toEqual({ reason_id: "quality", comment: null, feedback: "low_quality" });
  });

  test("cancelled straight from a reason with no offers", async ({ t }) => {
    const out = await decided(t, meal(t), async (r) => {
      await choose(r, "moving");
      await expect(dialog(r)).toHaveAttribute("data-step", "confirm");
      await part(r, "confirm").click();
      await done(r);
    });
    expect(out.survey).toEqual({ reason_id: "moving", comment: null, feedback: "other" });
    expect(out.offers).toEqual([]);
  });

  test("discount, after skipping the survey", async ({ t }) => {
    const out = await decided(t, meal(t), async (r) => {
      await part(r, "skip").click();
      await part(offer(r, "discount"), "accept").click();
      await done(r);
    });
    expect(out.result).toEqual({ type: "discount_accepted", percent_off: 15, months: 2 });
    expect(out.survey).toBeNull();
  });

  test("frequency reduced, after skipping the survey", async ({ t }) => {
    const out = await decided(t, meal(t), async (r) => {
      await part(r, "skip").click();
      await offer(r, "frequency").locator('[part~="option"][data-value="20-per-50-week"]').click();
      await part(offer(r, "frequency"), "accept").click();
      await done(r);
    });
    expect(out.result).toEqual({ type: "frequency_reduced", count: 20, per: { unit: "week", count: 50 } });
  });

  test("link followed, after a preset reason (the SaaS example)", async ({ t }) => {
    const cfg = { ...example("saas-tiers"), endpoint: t.endpoint };
    cfg.offers.links[0].url = "/cancel-flow/embed.js";
    const out = await decided(t, cfg, async (r) => {
      await choose(r, "missing_features");
      const popup = t.ctx.waitForEvent("page");
      await offer(r, "link").locator('[part~="option"][data-value="roadmap"]').click();
      await (await popup).close();
      await done(r);
    });
    expect(out.result).toEqual({ type: "link_followed", link_id: "roadmap" });
    expect(out.survey).toEqual({ reason_id: "missing_features", comment: null, feedback: "missing_features" });
  });

  test("direct flow, a written reason with its own feedback, cancelled immediately", async ({ t }) => {
    const cfg = { ...example("direct-de"), endpoint: t.endpoint };
    const out = await decided(t, cfg, async (r) => {
      await expect(dialog(r)).toHaveAttribute("data-step", "confirm");
      await r.locator('[part~="reason"][data-reason-id="taste"]').click();
      await r.locator('[part~="effective"][data-value="immediately"]').click();
      await part(r, "confirm").click();
      await done(r);
    });
    expect(out.result).toMatchObject({ type: "cancelled", effective: "immediately" });
    expect(out.survey).toEqual({ reason_id: "taste", comment: null, feedback: "low_quality" });
    expect(out.locale).toBe("de");
  });

  test("served (contract 1.2): echoed last, valid against the outcome schema", async ({ t }) => {
    const served = { flow_version: 7, experiment: { id: "winter-offers", variant: "holdout" } };
    const out = await decided(t, { ...meal(t), served }, async (r) => {
      await part(r, "cancel").first().click();
      await part(r, "confirm").click();
      await done(r);
    });
    expect(out.served).toEqual(served);
    expect(Object.keys(out).at(-1)).toBe("served");
  });

  test("abandoned: closed without deciding", async ({ t }) => {
    const out = await decided(t, meal(t), async (r, p) => {
      await expect(dialog(r)).toHaveAttribute("data-step", "survey");
      await p.keyboard.press("Escape");
      await expect(dialog(r)).toBeHidden();
    });
    expect(out.result).toEqual({ type: "abandoned" });
  });
});
