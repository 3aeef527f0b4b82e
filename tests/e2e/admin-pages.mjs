// What the specs of the collector's admin pages share (insights.spec.mjs, editor.spec.mjs):
// axe-core run over the DevTools protocol (the pages' CSP refuses a script tag), the
// session cookie from signing in once over HTTP, and a watch on a page's requests and
// CSP violations.
import fs from "node:fs";
import path from "node:path";
import { expect } from "@playwright/test";
import { root } from "./harness.mjs";

const AXE = fs.readFileSync(path.join(root, "node_modules/axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/** axe-core finds no WCAG 2.2 AA violation on the page as it is now (and checked contrast). */
export async function axe(page, label) {
  if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(AXE);
  const res = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }), TAGS);
  const v = res.violations.map((x) => `${x.id}: ${x.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(v, `axe violations on ${label}`).toEqual([]);
  expect(res.passes.map((p) => p.id), `axe ran on ${label}`).toContain("color-contrast");
}

/** The session cookie of signing in with `key`, for `context.addCookies`. */
export async function sessionCookie(base, key) {
  const r = await fetch(`${base}/insights/sign-in`, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `key=${key}` });
  expect(r.status).toBe(303);
  const [name, value] = r.headers.get("set-cookie").split(";")[0].split("=");
  return { name, value, url: base, httpOnly: true, sameSite: "Strict" };
}

/** Every request the page makes and every CSP violation or page error, as they come. */
export function watch(page) {
  const seen = { requests: [], violations: [] };
  page.on("request", (r) => seen.requests.push(r.url()));
  page.on("console", (m) => { if (/Content.Security.Policy|Refused to/i.test(m.text())) seen.violations.push(m.text()); });
  page.on("pageerror", (e) => seen.violations.push(e.message));
  return seen;
}
