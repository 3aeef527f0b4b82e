// Measures what a shop pays: bytes of dist/ (raw, gzip, brotli) and, in headless
// Chromium on loopback, the time from clicking the trigger to the first step painted,
// cold (wasm not yet loaded) and after the idle preload. Medians of several runs.
//   node bench/measure.mjs dist [runs]
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { startServer } from "../tools/server.mjs";
import { launch, fixture, hostPage, sleep } from "../tests/e2e/harness.mjs";

const dist = path.resolve(process.argv[2] || "dist");
const runs = Number(process.argv[3] || 7);
const sizes = (files) => {
  const buf = Buffer.concat(files.map((f) => fs.readFileSync(path.join(dist, f))));
  return { raw: buf.length, gzip: zlib.gzipSync(buf, { level: 9 }).length, brotli: zlib.brotliCompressSync(buf).length };
};
const widget = fs.readdirSync(dist).filter((f) => /\.(wasm|js|css)$/.test(f) && f !== "shop.css");
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

const server = await startServer({ dist });
const browser = await launch();
const cfg = { ...fixture("meal-box"), endpoint: "/api/bench/outcome" };
const html = hostPage({ cfg, before: `<script>window.__t={};addEventListener("cancel-flow:step",()=>{if(!__t.step){__t.step=performance.now();requestAnimationFrame(()=>requestAnimationFrame(()=>{__t.painted=performance.now()}))}});addEventListener("cancel-flow:ready",()=>{__t.ready=performance.now()});</script>` });
const url = server.origin + server.page("bench", html);

async function once(preloaded) {
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  await p.goto(url);
  const trigger = p.locator('[part~="trigger"]');
  await trigger.waitFor();
  if (preloaded) await p.waitForFunction(() => window.__t.ready, null, { timeout: 10000 });
  await p.evaluate(() => {
    const b = document.querySelector("cancel-flow").shadowRoot.querySelector("[part~=trigger]");
    b.addEventListener("click", () => { window.__t.click = performance.now(); }, { capture: true, once: true });
  });
  await trigger.click();
  await p.waitForFunction(() => window.__t.painted, null, { timeout: 10000 });
  const t = await p.evaluate(() => window.__t);
  await ctx.close();
  return t.painted - t.click;
}

const cold = [], warm = [];
for (let i = 0; i < runs; i++) { cold.push(await once(false)); warm.push(await once(true)); await sleep(50); }
await browser.close();
server.close();
const result = {
  embed_js: sizes(["embed.js"]),
  widget_total: sizes(widget),
  files: widget,
  click_to_first_step_ms: { cold_median: +median(cold).toFixed(1), preloaded_median: +median(warm).toFixed(1), runs },
};
console.log(JSON.stringify(result, null, 2));
