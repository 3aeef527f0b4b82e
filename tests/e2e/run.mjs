// Runs the end-to-end tests: `node tests/e2e/run.mjs dist [name-filter]`.
// Each *.test.mjs exports `tests`: { "name": async (t) => {...} }, run one by one in a
// fresh browser context against the real dist/ and the real loopback endpoint.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startEnv, hostPage, part, until } from "./harness.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(process.argv[2] || "dist");
const filter = process.argv[3] || "";
if (!fs.existsSync(path.join(dist, "embed.js"))) {
  console.error(`no ${dist}/embed.js: run \`make build\` first`);
  process.exit(1);
}
const { server, browser } = await startEnv(dist);
let passed = 0, failed = 0, n = 0;
const files = fs.readdirSync(here).filter((f) => f.endsWith(".test.mjs")).sort();
for (const file of files) {
  const { tests } = await import(pathToFileURL(path.join(here, file)).href);
  for (const [name, fn] of Object.entries(tests)) {
    if (filter && !`${file} ${name}`.includes(filter)) continue;
    const ctx = await browser.newContext();
    const errors = [];
    const bucket = `b${++n}`;
    const t = {
      server, browser, ctx, bucket, errors,
      endpoint: `/api/${bucket}/outcome`,
      /** Opens a host page; page errors are collected and fail the test. */
      async open(html, { headers, name: pageName } = {}) {
        const p = await ctx.newPage();
        p.on("pageerror", (e) => errors.push(e.message));
        p.on("console", (m) => { if (m.type() === "error" && !/Failed to load resource/.test(m.text())) t.consoleErrors.push(m.text()); });
        await p.goto(server.origin + server.page(pageName || bucket + "-" + Math.random().toString(36).slice(2), html, headers));
        return p;
      },
      consoleErrors: [],
      /** A host page with the widget; clicks the trigger unless inline. Returns {p, r}. */
      async start(cfg, opts = {}) {
        const p = await t.open(hostPage({ cfg, ...opts }), opts);
        const r = p.locator("cancel-flow").first();
        if (!(opts.attrs || "").includes('display="inline"')) await part(r, "trigger").first().click({ timeout: 8000 });
        await until(async () => { const s = await part(r, "dialog").count() && await part(r, "dialog").first().getAttribute("data-step"); return s && s !== "loading"; }, 8000, "the flow to open");
        return { p, r };
      },
      posts: async (min = 1) => { await until(() => server.requests(bucket).length >= min, 10000, `${min} request(s) at the endpoint`); return server.requests(bucket); },
    };
    const started = Date.now();
    try {
      await Promise.race([fn(t), new Promise((_, rej) => setTimeout(() => rej(new Error("timed out after 90 s")), 90_000))]);
      if (errors.length) throw new Error("page errors: " + errors.join("; "));
      passed++;
      console.log(`ok   ${file.replace(".test.mjs", "")}: ${name} (${Date.now() - started} ms)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${file.replace(".test.mjs", "")}: ${name}\n     ${String(e.stack || e).split("\n").slice(0, 6).join("\n     ")}`);
    }
    await ctx.close();
  }
}
await browser.close();
server.close();
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed || !passed ? 1 : 0);
