// Helpers shared by the end-to-end specs (and by tools/screenshots.mjs, bench/run.mjs):
// Debian's Chromium with fixed flags, the test fixtures, host pages embedding the
// widget, and payload normalisation. No waiting here: the specs use Playwright's
// auto-waiting assertions (tests/e2e/fixtures.mjs sets up the server and pages).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, "../..");
export const fixture = (name) => JSON.parse(fs.readFileSync(path.join(root, "tests/fixtures", `${name}.json`), "utf8"));

export const CHROMIUM = "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

/** Debian's Chromium, for scripts outside the test runner (screenshots, bench). */
export async function launch() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A host page embedding the widget with an inline config. */
export function hostPage({ cfg, attrs = "", head = "", before = "", after = "", lang = "en", inline = true }) {
  const json = cfg === undefined ? "" : typeof cfg === "string" ? cfg : JSON.stringify(cfg).replace(/</g, "\\u003c");
  const config = inline && cfg !== undefined ? `<script type="application/json">${json}</script>` : "";
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>host</title>${head}
<script type="module" src="/cancel-flow/embed.js"></script></head>
<body><h1 id="host-title">Your subscription</h1>${before}<cancel-flow ${attrs}>${config}</cancel-flow>${after}</body></html>`;
}

/** Records every cancel-flow:* event on the page in window.__events. */
export const RECORD_EVENTS = `<script>window.__events=[];for(const n of ["ready","step","outcome","delivered","error","close"])addEventListener("cancel-flow:"+n,e=>__events.push({name:n,detail:e.detail}));</script>`;

/** The elements with a `part` inside `scope` (Playwright locators pierce open shadow roots). */
export const part = (scope, name) => scope.locator(`[part~="${name}"]`);

/** The flow's dialog (or inline region): `data-step` names the step on screen. */
export const dialog = (scope) => part(scope, "dialog").first();

const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Checks the volatile fields of a payload and returns it with them fixed, for deep equality. */
export function normalize(body) {
  assert.match(body.id, UUID4, "id is a UUID v4");
  assert.match(body.created_at, ISO, "created_at is RFC 3339 UTC");
  assert.ok(Math.abs(Date.parse(body.created_at) - Date.now()) < 120_000, "created_at is now");
  assert.ok(Number.isInteger(body.elapsed_ms) && body.elapsed_ms >= 0, "elapsed_ms is a whole number");
  return { ...body, id: "<id>", created_at: "<now>", elapsed_ms: "<ms>" };
}

/** Local calendar date `days` from today, as the browser would compute it. */
export function ymd(days) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** The fixed part of every outcome for a config. */
export function envelope(cfg, rest) {
  return {
    schema: "cancel-flow/outcome@1",
    id: "<id>",
    created_at: "<now>",
    flow_id: cfg.flow_id,
    test: cfg.test ?? false,
    customer: { id: cfg.customer.id, subscription_id: cfg.customer.subscription_id ?? null },
    plan_id: cfg.plan.id,
    locale: "en",
    ...rest,
    elapsed_ms: "<ms>",
  };
}
