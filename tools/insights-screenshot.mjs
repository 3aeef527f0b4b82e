// Writes docs/insights.png (light) and docs/insights-dark.png (dark): the release collector
// (target/release/cancel-flow-collector) on a temporary SQLite, a realistic month of a
// meal-box shop's cancel-flow outcomes posted over HTTP (a few hundred, a price rise in
// the middle of the month, comments, keep-in-touch opt-ins, a few saves lost later, a
// webhook receiver on loopback), then signed in through the form in headless Chromium and
// the overview captured full-page at 1280 px wide.
//   node tools/insights-screenshot.mjs
// The helpers are exported for tests/e2e/insights.spec.mjs.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const BIN = path.resolve(process.env.CANCEL_FLOW_COLLECTOR || path.join(root, "target/release/cancel-flow-collector"));

/** Starts the collector on a fresh SQLite file; resolves with `{ base, stop }`. */
export async function startCollector(args) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cf-insights-"));
  const c = await startCollectorOn(`sqlite://${dir}/collector.db`, args);
  return { base: c.base, stop: () => { c.stop(); fs.rmSync(dir, { recursive: true, force: true }); } };
}

/** Starts the collector on `database`; resolves with `{ base, pid, stop }`. */
export async function startCollectorOn(database, args) {
  const child = spawn(BIN, ["serve", "--listen", "127.0.0.1:0", "--database", database, ...args],
    { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
  const base = await new Promise((resolve, reject) => {
    let log = "";
    const timer = setTimeout(() => reject(new Error(`the collector did not start: ${log}`)), 20_000);
    child.stderr.on("data", (d) => {
      log += d;
      const m = /listening on (http:\/\/[\d.:]+)/.exec(log);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on("exit", (code) => { clearTimeout(timer); reject(new Error(`the collector exited ${code}: ${log}`)); });
  });
  return { base, pid: child.pid, stop: () => child.kill("SIGTERM") };
}

/** A small seeded random source, so the pictures are the same on every run. */
export function random(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = (weighted) => {
    const total = weighted.reduce((s, [, w]) => s + w, 0);
    let r = next() * total;
    for (const [v, w] of weighted) if ((r -= w) < 0) return v;
    return weighted[weighted.length - 1][0];
  };
  return { next, pick, int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)) };
}

const uuid = (rnd) => {
  const h = Array.from({ length: 32 }, () => Math.floor(rnd.next() * 16).toString(16));
  h[12] = "4";
  h[16] = "89ab"[Math.floor(rnd.next() * 4)];
  return `${h.slice(0, 8).join("")}-${h.slice(8, 12).join("")}-${h.slice(12, 16).join("")}-${h.slice(16, 20).join("")}-${h.slice(20).join("")}`;
};

/** The result object of a type. */
export function result(type, rnd) {
  switch (type) {
    case "paused": {
      const duration = rnd.pick([[{ unit: "week", count: 2 }, 3], [{ unit: "week", count: 4 }, 5], [{ unit: "week", count: 8 }, 2], [{ unit: "month", count: 3 }, 1]]);
      return { type, duration, resume_on: "2026-12-23" };
    }
    case "downgraded": return { type, from: "family", to: "couple" };
    case "frequency_reduced": return { type, ...rnd.pick([[{ count: 1, per: { unit: "week", count: 2 } }, 5], [{ count: 2, per: { unit: "month", count: 1 } }, 2], [{ count: 20, per: { unit: "week", count: 50 } }, 1]]) };
    case "discount_accepted": return { type, percent_off: 20, months: 3 };
    case "link_followed": return { type, link_id: "talk-to-us" };
    case "cancelled": return { type, effective: "period_end", effective_on: "2026-12-15" };
    default: return { type: "abandoned" };
  }
}

const OFFER_OF = { paused: "pause", downgraded: "downgrade", frequency_reduced: "frequency", discount_accepted: "discount", link_followed: "link" };

/** One outcome@1. */
export function outcome({ rnd, at, reason = null, comment = null, type, offers = [], keepInTouch = false, test = false, customer }) {
  const accepted = OFFER_OF[type];
  return {
    schema: "cancel-flow/outcome@1",
    id: uuid(rnd),
    created_at: at.toISOString(),
    flow_id: "meal-box-2026",
    test,
    customer: { id: `cus_${customer}`, subscription_id: `sub_${customer}` },
    plan_id: "family",
    locale: "en",
    result: result(type, rnd),
    survey: reason ? { reason_id: reason, comment } : null,
    offers: offers.map((o) => ({ type: o, accepted: o === accepted })),
    keep_in_touch: type === "cancelled" && keepInTouch,
    steps: type === "abandoned" ? ["survey"] : ["survey", "offers", "done"],
    elapsed_ms: 20_000 + Math.floor(rnd.next() * 90_000),
  };
}

// Why people leave a meal box, what they are offered, how it tends to end, what they write.
const REASONS = {
  too_expensive: { offers: ["discount", "downgrade", "pause"], ends: [["discount_accepted", 24], ["downgraded", 14], ["paused", 6], ["cancelled", 46], ["abandoned", 10]],
    comments: ["The price went up again and it is too much for us right now.", "Love the food, but we have to cut back this winter.", "Supermarket is half the price, even if it takes longer.", "20% off would make it work for a few months."] },
  too_much_food: { offers: ["frequency", "pause", "downgrade"], ends: [["frequency_reduced", 34], ["paused", 16], ["downgraded", 10], ["cancelled", 32], ["abandoned", 8]],
    comments: ["We keep throwing vegetables away, which feels bad.", "Kids left home, it is just the two of us now.", "Every week is too often for us.", "Portions are generous; we end up with leftovers all the time."] },
  not_using: { offers: ["pause", "frequency"], ends: [["paused", 36], ["frequency_reduced", 8], ["cancelled", 46], ["abandoned", 10]],
    comments: ["We travel a lot in December.", "Cooking after work is harder than I thought.", "Boxes pile up when we are away."] },
  moving: { offers: ["pause", "link"], ends: [["paused", 18], ["link_followed", 14], ["cancelled", 63], ["abandoned", 5]],
    comments: ["Moving abroad in January. Would come back!", "Our new flat is outside your delivery area.", "Moving in with my partner, who already has a box."] },
  quality: { offers: ["link", "discount"], ends: [["link_followed", 22], ["discount_accepted", 8], ["cancelled", 62], ["abandoned", 8]],
    comments: ["Two boxes arrived with wilted herbs.", "The fish was not fresh last week.", "Recipes are getting repetitive.", "Packaging was damaged twice this month."] },
  other: { offers: ["link"], ends: [["link_followed", 10], ["cancelled", 80], ["abandoned", 10]],
    comments: ["Trying a different service for a while.", "Going vegan and the menu does not have enough options.", "Just want a break from planned meals."] },
};

/** A month (October 2026, in the past) of a meal-box shop's outcomes; a price rise on the 16th. */
export function month(seed = 2026) {
  const rnd = random(seed);
  const out = [];
  let customer = 1000;
  for (let day = 1; day <= 30; day++) {
    const rise = day >= 16 && day <= 20;
    const weekend = [0, 6].includes(new Date(Date.UTC(2026, 9, day)).getUTCDay());
    const n = rnd.int(6, 11) + (rise ? rnd.int(6, 10) : 0) + (weekend ? 3 : 0);
    for (let i = 0; i < n; i++) {
      const at = new Date(Date.UTC(2026, 9, day, rnd.int(6, 22), rnd.int(0, 59), rnd.int(0, 59)));
      const reasonWeights = [["too_expensive", rise ? 50 : 24], ["too_much_food", 22], ["not_using", 16], ["moving", 9], ["quality", 10], ["other", 7], [null, 6]];
      const reason = rnd.pick(reasonWeights);
      const spec = reason ? REASONS[reason] : { offers: ["pause"], ends: [["abandoned", 55], ["cancelled", 40], ["paused", 5]], comments: [] };
      const type = rnd.pick(spec.ends);
      const comment = reason && rnd.next() < 0.45 ? spec.comments[rnd.int(0, spec.comments.length - 1)] : null;
      const offers = type === "abandoned" && rnd.next() < 0.5 ? [] : spec.offers;
      out.push(outcome({ rnd, at, reason, comment, type, offers, keepInTouch: rnd.next() < 0.4, customer: customer++ }));
    }
  }
  // A couple of test sessions from the shop's own staff (hidden by default).
  out.push(outcome({ rnd, at: new Date(Date.UTC(2026, 9, 3, 9)), reason: "other", comment: "test from the team", type: "cancelled", test: true, customer: 1 }));
  return out;
}

/** Posts outcomes (unsigned: the collector runs with --allow-unsigned), a few at a time. */
export async function postAll(base, outcomes) {
  for (let i = 0; i < outcomes.length; i += 16) {
    await Promise.all(outcomes.slice(i, i + 16).map(async (o) => {
      const r = await fetch(`${base}/v1/outcomes`, { method: "POST", headers: { "content-type": "application/json", "idempotency-key": o.id }, body: JSON.stringify(o) });
      if (r.status !== 201) throw new Error(`POST /v1/outcomes: ${r.status} ${await r.text()}`);
    }));
  }
}

/** Signs in through the form. */
export async function signIn(page, base, key) {
  await page.goto(`${base}/insights`);
  await page.getByLabel("Admin key").fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { level: 1, name: "Cancellation insights" }).waitFor();
}

/** A webhook receiver on loopback that acknowledges everything. */
function receiver() {
  const server = http.createServer((req, res) => { req.resume(); req.on("end", () => { res.statusCode = 204; res.end(); }); });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ url: `http://127.0.0.1:${server.address().port}/hooks`, close: () => server.close() })));
}

async function main() {
  const { launch } = await import("../tests/e2e/harness.mjs");
  const key = "screenshot-admin-key";
  const hook = await receiver();
  const secret = `whsec_${crypto.randomBytes(24).toString("base64")}`;
  const c = await startCollector(["--allow-unsigned", "--rate-limit", "0", "--admin-key", key, "--webhook-url", hook.url, "--webhook-secret", secret]);
  try {
    const outcomes = month();
    await postAll(c.base, outcomes);
    // The shop's backend reports that a few saved subscriptions were cancelled later.
    const saves = outcomes.filter((o) => !o.test && ["paused", "discount_accepted", "downgraded", "frequency_reduced"].includes(o.result.type));
    for (const o of saves.filter((_, i) => i % 9 === 4)) {
      const at = new Date(Date.parse(o.created_at) + 12 * 86_400_000).toISOString();
      const r = await fetch(`${c.base}/v1/subscriptions/${o.customer.subscription_id}/cancelled`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify({ at }) });
      if (r.status !== 204) throw new Error(`reporting a cancellation: ${r.status}`);
    }
    for (let i = 0; i < 100; i++) {
      const f = await (await fetch(`${c.base}/v1/insights`, { headers: { authorization: `Bearer ${key}` } })).json();
      if (f.webhooks.pending === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const browser = await launch();
    const out = path.join(root, "docs");
    for (const [scheme, file] of [["light", "insights.png"], ["dark", "insights-dark.png"]]) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: scheme });
      await signIn(page, c.base, key);
      await page.screenshot({ path: path.join(out, file), fullPage: true });
      console.log(`wrote docs/${file} (${outcomes.length} outcomes)`);
      if (process.env.CF_SHOTS) {
        await page.setViewportSize({ width: 360, height: 800 });
        await page.screenshot({ path: path.join(process.env.CF_SHOTS, `narrow-${scheme}.png`), fullPage: true });
        await page.setViewportSize({ width: 1280, height: 900 });
        await page.goto(`${c.base}/insights/comments`);
        await page.screenshot({ path: path.join(process.env.CF_SHOTS, `comments-${scheme}.png`), fullPage: true });
      }
      await page.close();
    }
    await browser.close();
  } finally {
    c.stop();
    hook.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
