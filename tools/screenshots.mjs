// Writes the screenshots under docs/ from a built dist/ in headless Chromium:
// the theming demo (three shops side by side) and each step of the meal-box flow.
//   node tools/screenshots.mjs dist
import fs from "node:fs";
import path from "node:path";
import { startServer } from "./server.mjs";
import { launch } from "../tests/e2e/harness.mjs";

const dist = path.resolve(process.argv[2] || "dist");
const out = path.resolve("docs");
fs.mkdirSync(out, { recursive: true });
const server = await startServer({ dist, prefix: "/" });
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
await page.goto(`${server.origin}/themes.html`);
await page.waitForFunction(() => [...document.querySelectorAll("cancel-flow")].every((e) => e.shadowRoot?.querySelector("[part~=dialog]")));
await page.waitForTimeout(300);
await page.screenshot({ path: path.join(out, "theming.png"), fullPage: true });

const shop = await browser.newPage({ viewport: { width: 1000, height: 820 } });
await shop.goto(`${server.origin}/`);
const r = shop.locator("cancel-flow");
const step = (s) => shop.waitForFunction((s) => document.querySelector("cancel-flow").shadowRoot.querySelector(`[part~=dialog][data-step=${s}]`), s);
await r.locator("[part~=trigger]").click();
await step("survey");
await shop.waitForTimeout(200);
await shop.screenshot({ path: path.join(out, "step-survey.png") });
await r.locator('[part~=reason][data-reason-id="too_expensive"]').click();
await r.locator("[part~=next]").click();
await step("offers");
await shop.waitForTimeout(200);
await shop.screenshot({ path: path.join(out, "step-offers.png") });
await r.locator("[part~=cancel]").click();
await step("confirm");
await shop.waitForTimeout(200);
await shop.screenshot({ path: path.join(out, "step-confirm.png") });
await r.locator("[part~=confirm]").click();
await step("done");
await shop.waitForTimeout(200);
await shop.screenshot({ path: path.join(out, "step-done.png") });
const phone = await browser.newPage({ viewport: { width: 320, height: 568 } });
await phone.goto(`${server.origin}/`);
await phone.locator("cancel-flow [part~=trigger]").click();
await phone.waitForFunction(() => document.querySelector("cancel-flow").shadowRoot.querySelector("[part~=dialog][data-step=survey]"));
await phone.waitForTimeout(200);
await phone.screenshot({ path: path.join(out, "mobile-320.png") });
// The offers step in Hungarian, Georgian and Arabic (right to left).
const cfg = JSON.parse(fs.readFileSync("tests/fixtures/meal-box.json", "utf8"));
for (const code of ["hu", "ka", "ar"]) {
  const html = `<!doctype html><html lang="${code}"><head><meta charset="utf-8"><link rel="stylesheet" href="/shop.css">
<script type="module" src="/embed.js"></script></head><body><main class="account"><cancel-flow locale="${code}">
<script type="application/json">${JSON.stringify({ ...cfg, endpoint: "/api/shots/outcomes" })}</script></cancel-flow></main></body></html>`;
  const p = await browser.newPage({ viewport: { width: 900, height: 900 } });
  await p.goto(server.origin + server.page(`shot-${code}`, html));
  await p.locator("cancel-flow [part~=trigger]").click();
  await p.locator("cancel-flow [part~=skip]").click();
  await p.waitForFunction(() => document.querySelector("cancel-flow").shadowRoot.querySelector("[part~=dialog][data-step=offers]"));
  await p.waitForTimeout(200);
  await p.screenshot({ path: path.join(out, `locale-${code}.png`) });
}
await browser.close();
server.close();
console.log("screenshots written to docs/");
