// The collector's insights pages in headless Chromium, against the release binary
// (target/release/cancel-flow-collector) with an admin key, on a temporary SQLite filled
// over HTTP with ~30 varied outcomes: signing in through the form (an HttpOnly,
// SameSite=Strict cookie), axe-core finding no WCAG 2.2 AA violation on any page in
// light and dark, the charts as labelled images with their numbers in tables, no request
// to another origin and no CSP violation, no sideways scroll at 360 px, a comment with
// markup shown as text, and signing out.
import fs from "node:fs";
import { test, expect } from "@playwright/test";
import { BIN, startCollector, postAll, outcome, random } from "../../tools/insights-screenshot.mjs";
import { seededCollector } from "../../tools/experiments-screenshot.mjs";
import jwt from "jsonwebtoken";
import { axe, sessionCookie, watch } from "./admin-pages.mjs";

const KEY = "e2e-insights-admin-key";
const MARKUP = "<script>alert(1)</script> and <b>bold</b>";

/** A flow with an experiment, and a few customers served it (this collector has no token
 * secret: it reads a token's claims unchecked, for development). */
async function startExperiment(base) {
  const flow = { schema: "cancel-flow/flow@1", config: { schema: "cancel-flow/config@1", flow_id: "meal-box-2026",
    endpoint: "/v1/outcomes", plan: { id: "family", name: "Family box" },
    offers: { pause: { options: [{ unit: "week", count: 2 }] } }, fallback: { email: "help@shop.example" } },
    experiment: { id: "winter-offers", holdout: 0.1, variants: [{ id: "a" }, { id: "b" }] } };
  const put = await fetch(`${base}/v1/flows/meal-box-2026`, { method: "PUT", body: JSON.stringify(flow), headers: { authorization: `Bearer ${KEY}` } });
  expect(put.status).toBe(201);
  for (let i = 0; i < 12; i++) {
    const token = jwt.sign({ sub: `cus_e2e_${i}` }, "development-only", { algorithm: "HS256", expiresIn: "10m" });
    const r = await fetch(`${base}/v1/flows/meal-box-2026/config`, { headers: { authorization: `Bearer ${token}` } });
    expect(r.status).toBe(200);
  }
}

/** ~30 outcomes over five days: every result type, several reasons, comments. */
function outcomes() {
  const rnd = random(7);
  const spec = [
    ["paused", "too_much_food", "Too much food for two.", ["pause", "frequency"]],
    ["paused", "not_using", null, ["pause"]],
    ["paused", null, null, ["pause"]],
    ["downgraded", "too_expensive", "Smaller box is fine.", ["downgrade", "discount"]],
    ["frequency_reduced", "too_much_food", null, ["frequency"]],
    ["frequency_reduced", "too_much_food", "Every other week suits us.", ["frequency", "pause"]],
    ["discount_accepted", "too_expensive", null, ["discount"]],
    ["discount_accepted", "too_expensive", "Thanks for the offer!", ["discount", "downgrade"]],
    ["link_followed", "quality", "The herbs were wilted twice.", ["link"]],
    ["link_followed", "moving", null, ["pause", "link"]],
    ["cancelled", "too_expensive", MARKUP, ["discount"], true],
    ["cancelled", "too_expensive", null, ["discount", "downgrade"], true],
    ["cancelled", "moving", "Moving abroad, would come back.", ["pause", "link"], true],
    ["cancelled", "moving", null, [], false],
    ["cancelled", "quality", "Fish was not fresh.", ["link"], false],
    ["cancelled", "not_using", null, ["pause"], true],
    ["cancelled", "other", "Trying something else for a while.", [], false],
    ["cancelled", null, null, [], false],
    ["abandoned", "too_expensive", null, []],
    ["abandoned", null, null, []],
  ];
  const out = [];
  for (let i = 0; i < 30; i++) {
    const [type, reason, comment, offers, keepInTouch = false] = spec[i % spec.length];
    const at = new Date(Date.UTC(2026, 10, 20 + (i % 5), 8 + (i % 12), i));
    out.push(outcome({ rnd, at, reason, comment: i < spec.length ? comment : null, type, offers, keepInTouch, customer: 5000 + i }));
  }
  return out;
}

/** Opens the overview signed in with the shared cookie. */
async function open(page, base, cookie, where = "/insights") {
  await page.context().addCookies([cookie]);
  await page.goto(`${base}${where}`);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

async function signIn(page, base) {
  await page.goto(`${base}/insights`);
  await page.getByLabel("Admin key").fill(KEY);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Cancellation insights");
}

test.describe("insights pages", () => {
  test.skip(!fs.existsSync(BIN), `no ${BIN}: run cargo build --release -p cancel-flow-collector`);
  let c, cookie;
  test.beforeAll(async () => {
    c = await startCollector(["--allow-unsigned", "--rate-limit", "0", "--admin-key", KEY]);
    await postAll(c.base, outcomes());
    await startExperiment(c.base);
    cookie = await sessionCookie(c.base, KEY);
  });
  test.afterAll(() => c?.stop());

  test("signing in through the form sets an HttpOnly, SameSite=Strict cookie; signing out clears it", async ({ page, context }) => {
    await page.goto(`${c.base}/insights`);
    await page.getByLabel("Admin key").fill("not the key");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toHaveText("That key was not right. Check it and try again.");
    expect(await context.cookies()).toEqual([]);
    await signIn(page, c.base);
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: "cf_session", httpOnly: true, sameSite: "Strict", path: "/", secure: false });
    expect(await page.evaluate(() => document.cookie), "not readable from script").toBe("");
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByLabel("Admin key")).toBeVisible();
    expect(await context.cookies()).toEqual([]);
  });

  test("axe finds no WCAG 2.2 AA violation on any page, light and dark", async ({ page }) => {
    for (const scheme of ["light", "dark"]) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.context().clearCookies();
      await page.goto(`${c.base}/insights`);
      await axe(page, `sign-in (${scheme})`);
      await page.getByLabel("Admin key").fill("wrong");
      await page.getByRole("button", { name: "Sign in" }).click();
      await axe(page, `sign-in, wrong key (${scheme})`);
      await signIn(page, c.base);
      await axe(page, `overview (${scheme})`);
      await page.goto(`${c.base}/insights?from=2030-01-01`);
      await expect(page.getByRole("heading", { name: "No sessions yet" })).toBeVisible();
      await axe(page, `overview, empty (${scheme})`);
      await page.goto(`${c.base}/insights/comments`);
      await axe(page, `comments (${scheme})`);
      await page.goto(`${c.base}/insights/experiments`);
      await expect(page.getByText("Not enough data yet").first()).toBeVisible();
      await axe(page, `experiments (${scheme})`);
      await page.goto(`${c.base}/flows`);
      await expect(page.getByRole("cell", { name: "meal-box-2026" })).toBeVisible();
      await axe(page, `flows (${scheme})`);
      await page.goto(`${c.base}/insights?from=yesterday`);
      await axe(page, `bad filter (${scheme})`);
    }
  });

  test("the chart is an image with a title, one bar a day, and a table with the numbers", async ({ page }) => {
    await open(page, c.base, cookie);
    const chart = page.locator('svg[role="img"]');
    await expect(chart).toHaveCount(1);
    const title = await chart.locator("title").first().textContent();
    expect(title).toBe("Sessions by day, 20 Nov 2026 to 24 Nov 2026");
    expect(await chart.getAttribute("aria-labelledby")).toContain(await chart.locator("title").first().getAttribute("id"));
    await expect(chart.locator("g.day")).toHaveCount(5);
    await expect(page.getByRole("img", { name: title })).toBeVisible();
    const table = page.getByRole("region", { name: "Sessions by day, as numbers" }).locator("table");
    await expect(table.locator("tbody tr")).toHaveCount(5);
    await expect(table.locator("tbody tr").first()).toContainText("20 Nov 2026");
    await expect(page.locator(".legend li")).toHaveText(["Stayed", "Talked to a person", "Cancelled", "Closed without deciding"]);
    await expect(page.getByText(/^\d+ of \d+ people who decided stayed \(\d+\.\d%\)\./)).toBeVisible();
    await expect(page.getByRole("link", { name: "Download every session (CSV)" })).toHaveAttribute("href", "/v1/outcomes.csv");
    const csv = await page.request.get(`${c.base}/v1/outcomes.csv`);
    expect(csv.status(), "the cookie opens the export").toBe(200);
  });

  test("nothing is requested from another origin and the CSP is never violated", async ({ page }) => {
    const origin = new URL(c.base).origin;
    const { requests, violations } = watch(page);
    await page.goto(`${c.base}/insights`);
    await open(page, c.base, cookie);
    await page.goto(`${c.base}/insights/comments`);
    await page.getByRole("link", { name: "Older comments →" }).or(page.getByRole("heading", { level: 2 })).first().waitFor();
    await page.goto(`${c.base}/insights?flow_id=meal-box-2026&include_test=true`);
    const elsewhere = requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith("data:"));
    expect(elsewhere).toEqual([]);
    expect(violations).toEqual([]);
    expect(requests.some((u) => u.includes("/insights/style.css")), "the stylesheet is loaded from the collector").toBe(true);
  });

  test("at 360 px wide nothing scrolls sideways but the tables", async ({ page }) => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(`${c.base}/insights`);
    const width = () => page.evaluate(() => document.documentElement.scrollWidth);
    expect(await width(), "sign-in").toBeLessThanOrEqual(360);
    await open(page, c.base, cookie);
    for (const scheme of ["light", "dark"]) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(`${c.base}/insights`);
      expect(await width(), `overview (${scheme})`).toBeLessThanOrEqual(360);
      await page.goto(`${c.base}/insights/comments`);
      expect(await width(), `comments (${scheme})`).toBeLessThanOrEqual(360);
      await page.goto(`${c.base}/insights/experiments`);
      expect(await width(), `experiments (${scheme})`).toBeLessThanOrEqual(360);
      await page.goto(`${c.base}/flows`);
      expect(await width(), `flows (${scheme})`).toBeLessThanOrEqual(360);
    }
  });

  test("a comment with markup shows as text", async ({ page }) => {
    await open(page, c.base, cookie);
    await page.goto(`${c.base}/insights/comments?reason_id=too_expensive`);
    await expect(page.getByRole("heading", { level: 2 })).toHaveText("3 comments");
    const shown = page.locator(".comment-text", { hasText: "alert(1)" });
    await expect(shown).toHaveText(MARKUP);
    await expect(shown.locator("b, script")).toHaveCount(0);
    await page.goto(`${c.base}/insights`);
    await expect(page.locator("td .comment-text", { hasText: "alert(1)" }), "in the keep-in-touch list too").toHaveText(MARKUP);
  });
});

test.describe("the experiments page with a past experiment (seed-demo)", () => {
  test.skip(!fs.existsSync(BIN), `no ${BIN}: run cargo build --release -p cancel-flow-collector`);
  let c;
  test.beforeAll(async () => {
    c = await seededCollector(["--allow-unsigned", "--rate-limit", "0", "--admin-key", KEY]);
  });
  test.afterAll(() => c?.stop());

  test("verdicts in words, the differences drawn against zero, secondary figures marked; axe-clean light and dark, 360 px", async ({ page }) => {
    expect(c.seeded).toMatch(/^experiment autumn-offers on flow meal-box-2026 version 1: 8000 customers over 45 days, 8000 outcomes/);
    const api = await (await fetch(`${c.base}/v1/experiments/autumn-offers`, { headers: { authorization: `Bearer ${KEY}` } })).json();
    expect(api.comparisons.map((x) => x.verdict)).toEqual(["better", "no_difference"]);
    expect(api.srm.mismatch).toBe(false);
    expect(api.secondary.map((s) => s.group)).toEqual(["holdout", "pauses", "discount"]);
    await signIn(page, c.base);
    for (const scheme of ["light", "dark"]) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(`${c.base}/insights/experiments`);
      await expect(page.getByText(/^Variant pauses kept more customers than the holdout: \+\d+\.\d points \(95% interval \+\d+\.\d to \+\d+\.\d\)\.$/)).toBeVisible();
      await expect(page.getByText(/^No difference shown between variant discount and the holdout: /)).toBeVisible();
      await expect(page.getByRole("img", { name: /Difference in the share kept 30 days/ })).toBeVisible();
      await expect(page.getByRole("heading", { name: "Secondary figures" })).toBeVisible();
      const secondary = page.getByRole("region", { name: "Secondary figures of experiment autumn-offers" });
      await expect(secondary.locator("tbody tr")).toHaveCount(3);
      await expect(secondary.locator("tbody tr").first()).toContainText("Holdout (no offers)");
      await expect(page.getByText(/winner/i)).toHaveCount(0);
      await axe(page, `experiments with verdicts (${scheme})`);
      await page.setViewportSize({ width: 360, height: 740 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `360 px (${scheme})`).toBeLessThanOrEqual(360);
    }
  });
});
