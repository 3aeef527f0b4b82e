// The end-to-end suite: `playwright test` (make test-e2e), against the built dist/ or
// the folder in CANCEL_FLOW_DIST, in Debian's Chromium (never a downloaded browser).
import fs from "node:fs";
import path from "node:path";
import { defineConfig } from "@playwright/test";
import { CHROMIUM, CHROMIUM_ARGS } from "./tests/e2e/harness.mjs";

const dist = path.resolve(process.env.CANCEL_FLOW_DIST || "dist");
if (!fs.existsSync(path.join(dist, "embed.js"))) throw new Error(`no ${dist}/embed.js: run \`make build\` first`);
process.env.CANCEL_FLOW_DIST = dist;

export default defineConfig({
  testDir: "tests/e2e",
  testMatch: "*.spec.mjs",
  outputDir: "test-results",
  timeout: 90_000,
  expect: { timeout: 8_000 },
  // A test that fails, then passes on its retry, is reported as flaky.
  retries: 1,
  // Two workers (each with its own loopback server and browser) are reliable on two cores
  // and about a fifth faster than one: measured 96-98 s against 106-124 s.
  workers: 2,
  forbidOnly: true,
  reporter: "list",
  use: {
    headless: true,
    launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS },
    trace: "retain-on-failure",
  },
});
