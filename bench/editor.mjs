// make bench-editor: what the flow editor costs. The release collector with the widget's
// dist/ (--widget-dir) on a temporary SQLite; reports
// - bytes: the page and each of its modules as served, raw and gzip -9 (the editor's own
//   code; the widget in the preview is the widget's, counted in bench/results.json);
// - ms: POST /flows/<id>/preview of the meal-box template (the draft checked by the
//   collector's reader and resolved for a customer), RUNS sequential requests on loopback,
//   p50/p95/max;
// - ms: in headless Chromium, signed in, from opening the editor to the widget drawn in
//   the preview (cold, then warm), and from typing an out-of-range pause to its error shown
//   at the field (RUNS times; the bound is 250 ms).
// Prints and writes bench/editor-results.json.
//   node bench/editor.mjs
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";
import { signIn, startCollector } from "../tools/insights-screenshot.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const RUNS = Number(process.env.RUNS || 50);
const OUT = process.env.OUT || path.join(root, "bench/editor-results.json");
const KEY = "bench-admin-key-0123456789";

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 10) / 10;
};
const summary = (xs) => ({ runs: xs.length, p50_ms: pct(xs, 50), p95_ms: pct(xs, 95), max_ms: pct(xs, 100) });

async function main() {
  const c = await startCollector(["--allow-unsigned", "--admin-key", KEY, "--widget-dir", path.join(root, "dist")]);
  const { launch } = await import("../tests/e2e/harness.mjs");
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await signIn(page, c.base, KEY);
    const cookie = (await page.context().cookies()).map((k) => `${k.name}=${k.value}`).join("; ");
    const get = async (p) => Buffer.from(await (await fetch(`${c.base}${p}`, { headers: { cookie } })).arrayBuffer());

    // Bytes.
    const html = await get("/flows/bench-box?template=meal-box");
    const modules = [...html.toString().matchAll(/src="(\/insights\/editor\/[^"?]+)/g)].map((m) => m[1]);
    const seen = new Set();
    const bytes = { page: { raw: html.length, gzip: zlib.gzipSync(html, { level: 9 }).length }, modules: {} };
    while (modules.length) {
      const p = modules.pop();
      if (seen.has(p)) continue;
      seen.add(p);
      const body = await get(p);
      bytes.modules[path.basename(p)] = { raw: body.length, gzip: zlib.gzipSync(body, { level: 9 }).length };
      for (const m of body.toString().matchAll(/from '\.\/([^']+)'/g)) modules.push(`/insights/editor/${m[1]}`);
    }
    const all = Object.values(bytes.modules);
    bytes.modules_total = { raw: all.reduce((s, m) => s + m.raw, 0), gzip: all.reduce((s, m) => s + m.gzip, 0) };

    // The preview route.
    const data = JSON.parse(/id="cf-editor-data" type="application\/json">(.*?)<\/script>/s.exec(html.toString())[1]);
    const body = JSON.stringify({ document: data.document, customer: { id: "cus_1", attrs: { plan: "annual" } } });
    const preview = [];
    for (let i = 0; i < RUNS + 1; i++) {
      const t0 = performance.now();
      const r = await fetch(`${c.base}/flows/bench-box/preview`, { method: "POST", headers: { cookie, "content-type": "application/json", origin: c.base }, body });
      await r.arrayBuffer();
      if (r.status !== 200) throw new Error(`preview answered ${r.status}`);
      if (i > 0) preview.push(performance.now() - t0);
    }

    // The page in Chromium.
    const open = async () => {
      const t0 = Date.now();
      await page.goto(`${c.base}/flows/bench-box?template=meal-box`);
      await page.locator("#preview-stage cancel-flow [part~='reason']").first().waitFor();
      return Date.now() - t0;
    };
    const cold = await open();
    const warm = [];
    for (let i = 0; i < 5; i++) warm.push(await open());
    const toError = [];
    for (let i = 0; i < RUNS; i++) {
      const value = i % 2 ? "99" : "53";
      toError.push(await page.evaluate((v) => new Promise((resolve) => {
        const input = document.getElementById("f-config-offers-pause-options-0-count");
        const line = document.getElementById("f-config-offers-pause-options-0-count-error");
        line.textContent = "";
        const t0 = performance.now();
        const seen = new MutationObserver(() => { if (line.textContent) { seen.disconnect(); resolve(performance.now() - t0); } });
        seen.observe(line, { childList: true, characterData: true, subtree: true });
        input.value = v;
        input.dispatchEvent(new Event("input", { bubbles: true }));
      }), value));
      await page.waitForTimeout(150);
    }
    const results = {
      when: new Date().toISOString().slice(0, 10),
      machine: `${process.platform} ${process.arch}, loopback`,
      bytes,
      preview_route: summary(preview),
      open_to_preview_ms: { cold, warm: summary(warm) },
      input_to_error_at_field: { ...summary(toError), debounce_ms: 120 },
    };
    console.log(JSON.stringify(results, null, 2));
    fs.writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    await browser.close();
    c.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
