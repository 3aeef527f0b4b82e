// Playwright fixtures for the end-to-end specs: `server` (one loopback server per
// worker: tools/server.mjs serving the built dist/ under /cancel-flow/, a path prefix
// as a shop's CDN would, host pages per test, and the recording outcome endpoint) and
// `t` (per test: a bucket of that endpoint, host pages opened in the test's browser
// context, page errors that fail the test, console errors collected).
import path from "node:path";
import { test as base, expect } from "@playwright/test";
import { startServer } from "../../tools/server.mjs";
import { hostPage, part, dialog } from "./harness.mjs";

export { expect };

export const test = base.extend({
  server: [
    async ({}, use) => {
      const server = await startServer({ dist: path.resolve(process.env.CANCEL_FLOW_DIST || "dist"), prefix: "/cancel-flow/" });
      await use(server);
      server.close();
    },
    { scope: "worker" },
  ],

  t: async ({ server, browser, context }, use, testInfo) => {
    // A fresh bucket per test and per attempt, so a retry never sees the first try's requests.
    const bucket = `b${testInfo.testId.replace(/\W/g, "")}r${testInfo.retry}`;
    const errors = [];
    const t = {
      server, browser, ctx: context, bucket, errors,
      endpoint: `/api/${bucket}/outcome`,
      consoleErrors: [],
      /** Opens a host page in the test's context; page errors are collected and fail the test. */
      async open(html, { headers, name } = {}) {
        const p = await context.newPage();
        p.on("pageerror", (e) => errors.push(e.message));
        p.on("console", (m) => { if (m.type() === "error" && !/Failed to load resource/.test(m.text())) t.consoleErrors.push(m.text()); });
        await p.goto(server.origin + server.page(name || `${bucket}-${Math.random().toString(36).slice(2)}`, html, headers));
        return p;
      },
      /** A host page with the widget; clicks the trigger unless inline, waits for a step. Returns {p, r}. */
      async start(cfg, opts = {}) {
        const p = await t.open(hostPage({ cfg, ...opts }), opts);
        const r = p.locator("cancel-flow").first();
        if (!(opts.attrs || "").includes('display="inline"')) await part(r, "trigger").first().click({ timeout: 8000 });
        await expect(dialog(r), "the flow to open").toHaveAttribute("data-step", /^(?!loading$)\w/);
        return { p, r };
      },
      /** The requests at this test's endpoint, once at least `min` arrived. */
      async posts(min = 1) {
        await expect.poll(() => server.requests(bucket).length, { message: `${min} request(s) at the endpoint`, timeout: 10_000 }).toBeGreaterThanOrEqual(min);
        return server.requests(bucket);
      },
    };
    await use(t);
    expect(errors, "page errors").toEqual([]);
  },
});
