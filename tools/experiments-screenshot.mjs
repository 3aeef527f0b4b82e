// Writes docs/experiments.png (light) and docs/experiments-dark.png (dark): the release
// collector (target/release/cancel-flow-collector) on a temporary SQLite filled by its own
// `seed-demo` command (experiment autumn-offers: 8,000 customers first served over the past
// 45 days, later cancellations from the shop and Stripe), then signed in through the form in
// headless Chromium and the experiments page captured full-page at 1280 px wide.
//   node tools/experiments-screenshot.mjs
// `seededCollector` is exported for tests/e2e/insights.spec.mjs.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BIN, signIn, startCollectorOn } from "./insights-screenshot.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** A collector on a fresh SQLite seeded with the past experiment; resolves with `{ base, stop, seeded }`. */
export async function seededCollector(args, customers = 8000) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cf-experiments-"));
  const database = `sqlite://${dir}/collector.db`;
  const seeded = execFileSync(BIN, ["seed-demo", "--database", database, "--customers", String(customers)],
    { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } }).trim();
  const c = await startCollectorOn(database, args);
  return { ...c, seeded, stop: () => { c.stop(); fs.rmSync(dir, { recursive: true, force: true }); } };
}

async function main() {
  const { launch } = await import("../tests/e2e/harness.mjs");
  const key = "screenshot-admin-key";
  const c = await seededCollector(["--allow-unsigned", "--admin-key", key]);
  try {
    console.log(c.seeded);
    const browser = await launch();
    for (const [scheme, file] of [["light", "experiments.png"], ["dark", "experiments-dark.png"]]) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: scheme });
      await signIn(page, c.base, key);
      await page.goto(`${c.base}/insights/experiments`);
      await page.screenshot({ path: path.join(root, "docs", file), fullPage: true });
      console.log(`wrote docs/${file}`);
      await page.close();
    }
    await browser.close();
  } finally {
    c.stop();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
