// `make demo` as a visitor sees it: tools/demo.mjs (the shop's server and the collector
// behind it, in a temp folder) serves the shop's flow from the collector, and the page's
// customers show its rules working: an annual-plan customer gets no discount, a customer
// of two years gets a person to talk to, a customer in the experiment's holdout no offers.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test, expect } from "./fixtures.mjs";
import { part, dialog, root } from "./harness.mjs";

const BIN = path.resolve(process.env.CANCEL_FLOW_COLLECTOR || "target/release/cancel-flow-collector");
const dist = path.resolve(process.env.CANCEL_FLOW_DIST || "dist");

/** Starts the demo on free-looking ports; resolves with the shop's origin and a stop function. */
async function startDemo() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cf-e2e-demo-"));
  const shopPort = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, [path.join(root, "tools/demo.mjs"), dist, String(shopPort)], {
    cwd: dir, stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, COLLECTOR_PORT: String(shopPort + 1), CANCEL_FLOW_COLLECTOR: BIN, NO_COLOR: "1" },
  });
  const origin = await new Promise((resolve, reject) => {
    let log = "";
    const timer = setTimeout(() => reject(new Error(`the demo did not start: ${log}`)), 30_000);
    const read = (d) => {
      log += d;
      const m = /demo shop: (http:\/\/[\d.:]+)\//.exec(log);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.on("exit", (code) => reject(new Error(`the demo exited ${code}: ${log}`)));
  });
  return { origin, stop: () => { child.kill("SIGTERM"); fs.rmSync(dir, { recursive: true, force: true }); } };
}

/** The offers shown after skipping the survey on the demo page as `as`. */
async function offersAs(page, origin, as) {
  await page.goto(`${origin}/?as=${as}`);
  const r = page.locator("cancel-flow");
  await part(r, "trigger").click();
  await expect(dialog(r)).toHaveAttribute("data-step", "survey");
  await part(r, "skip").click();
  await expect(dialog(r)).toHaveAttribute("data-step", "offers");
  return { r, offers: await part(r, "offer").evaluateAll((els) => els.map((e) => e.dataset.offer)) };
}

test.describe("demo", () => {
  test.skip(!fs.existsSync(BIN), `no ${BIN}: run make build`);

  test("the demo's flow is served by the collector, and its rules show per customer", async ({ page }) => {
    const demo = await startDemo();
    try {
      const monthly = await offersAs(page, demo.origin, "monthly");
      expect(monthly.offers).toContain("discount");
      const annual = await offersAs(page, demo.origin, "annual");
      expect(annual.offers).not.toContain("discount");
      expect(annual.offers).toContain("pause");
      // The experiment's holdout: the survey, no offers (skipping it goes straight to confirm).
      await page.goto(`${demo.origin}/?as=holdout`);
      const h = page.locator("cancel-flow");
      await part(h, "trigger").click();
      await expect(dialog(h)).toHaveAttribute("data-step", "survey");
      await part(h, "skip").click();
      await expect(dialog(h)).toHaveAttribute("data-step", "confirm");
      const loyal = await offersAs(page, demo.origin, "loyal");
      await expect(part(loyal.r, "offer").and(loyal.r.locator('[data-offer="link"]')).first()).toContainText("Talk to Anna");
    } finally {
      demo.stop();
    }
  });
});
