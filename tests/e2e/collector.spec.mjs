// The real widget from dist/, on a shop page of one origin, posting to the real
// collector (target/release/cancel-flow-collector, SQLite) on another origin with a
// session token minted by `mint-token`, in headless Chromium: the outcome is stored
// (read back through the admin export), also with a config's `served` block (contract
// 1.2), and a forged token is refused; and the flow served by the collector (COLLECTOR.md
// section 7): the config fetched with the token, a rule applied for the token's
// attributes, the outcome carrying `served`, and the page's fallback attributes shown when
// the collector is down. With --widget-dir the collector serves the widget itself: a shop
// page loads the script from it with Subresource Integrity, and the glue and the wasm come
// compressed.
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test, expect } from "./fixtures.mjs";
import { fixture, hostPage, part, dialog, RECORD_EVENTS } from "./harness.mjs";

const BIN = path.resolve(process.env.CANCEL_FLOW_COLLECTOR || "target/release/cancel-flow-collector");
const SECRET = "e2e-token-secret-0123456789abcdefghij";
const ADMIN = "e2e-admin-key-0123456789";

/** Starts the collector allowing `origin`; resolves with its base URL and a stop function. */
async function startCollector(origin, ...args) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cf-e2e-collector-"));
  const child = spawn(BIN, ["serve", "--listen", "127.0.0.1:0", "--database", `sqlite://${dir}/collector.db`,
    "--token-secret", SECRET, "--cors-origin", origin, "--admin-key", ADMIN, ...args], { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
  const base = await new Promise((resolve, reject) => {
    let log = "";
    const timer = setTimeout(() => reject(new Error(`collector did not start: ${log}`)), 20_000);
    child.stderr.on("data", (d) => {
      log += d;
      const m = /listening on (http:\/\/[\d.:]+)/.exec(log);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on("exit", (code) => reject(new Error(`collector exited ${code}: ${log}`)));
  });
  return { base, stop: () => { child.kill("SIGTERM"); fs.rmSync(dir, { recursive: true, force: true }); } };
}

const mint = (customer, subscription, ...attrs) => execFileSync(BIN, ["mint-token", "--token-secret", SECRET, "--customer", customer,
  "--subscription", subscription, "--ttl", "10m", ...attrs.flatMap((a) => ["--attr", a])]).toString().trim();

/** Writes the flow `box` into the collector: the meal-box fixture as its base, one rule. */
async function putFlow(base) {
  const { customer, ...config } = { ...fixture("meal-box"), flow_id: "box", endpoint: `${base}/v1/outcomes` };
  const flow = { schema: "cancel-flow/flow@1", config, rules: [
    { name: "annual plans keep their price", when: { "==": [{ var: "attrs.plan" }, "annual"] }, patch: { offers: { discount: null } } },
  ] };
  const r = await fetch(`${base}/v1/flows/box`, { method: "PUT", body: JSON.stringify(flow), headers: { authorization: `Bearer ${ADMIN}` } });
  expect(r.status, await r.clone().text()).toBe(201);
  return config;
}

async function exported(base) {
  const r = await fetch(`${base}/v1/outcomes.csv?include_test=true`, { headers: { authorization: `Bearer ${ADMIN}` } });
  expect(r.status).toBe(200);
  return (await r.text()).trim().split("\r\n").slice(1);
}

test.describe("collector", () => {
  test.skip(!fs.existsSync(BIN), `no ${BIN}: run make build`);

  test("the widget posts to the collector on another origin with a minted token", async ({ t, server }) => {
    const c = await startCollector(server.origin);
    try {
      expect(new URL(c.base).origin).not.toBe(server.origin);
      const cfg = { ...fixture("meal-box"), endpoint: `${c.base}/v1/outcomes` };
      const token = mint(cfg.customer.id, cfg.customer.subscription_id);
      const { p, r } = await t.start(cfg, { attrs: `token="${token}"` });
      await part(r, "cancel").click();
      await expect(dialog(r)).toHaveAttribute("data-step", "confirm");
      await part(r, "confirm").click();
      await expect(dialog(r), "the collector acknowledged it").toHaveAttribute("data-step", "done");
      const rows = await exported(c.base);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toContain(",cancelled,");
      expect(rows[0]).toContain(cfg.customer.id);
      await p.close();
    } finally {
      c.stop();
    }
  });

  test("a config given by URL with the token (contract 1.2): its served block reaches the collector, which stores it", async ({ t, server }) => {
    const c = await startCollector(server.origin);
    try {
      const served = { flow_version: 3, experiment: { id: "winter-offers", variant: "holdout" } };
      const cfg = { ...fixture("meal-box"), endpoint: `${c.base}/v1/outcomes`, served };
      const token = mint(cfg.customer.id, cfg.customer.subscription_id);
      const url = server.config(t.bucket, cfg);
      const { p, r } = await t.start(undefined, { attrs: `config="${url}" token="${token}"` });
      expect(server.configRequests(t.bucket)[0].headers.authorization).toBe(`Bearer ${token}`);
      await r.evaluate((el) => el.addEventListener("cancel-flow:outcome", (e) => (window.__sent = e.detail)));
      await part(r, "cancel").click();
      await part(r, "confirm").click();
      await expect(dialog(r), "the collector acknowledged it").toHaveAttribute("data-step", "done");
      expect(await p.evaluate(() => window.__sent.served)).toEqual(served);
      const rows = await exported(c.base);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toContain(",cancelled,");
    } finally {
      c.stop();
    }
  });

  test("with --widget-dir a shop page loads the widget from the collector, with SRI, its files compressed", async ({ t, server }) => {
    const dist = path.resolve(process.env.CANCEL_FLOW_DIST || "dist");
    const c = await startCollector(server.origin, "--widget-dir", dist);
    try {
      const { files } = JSON.parse(fs.readFileSync(path.join(dist, "integrity.json"), "utf8"));
      const cfg = { ...fixture("meal-box"), endpoint: `${c.base}/v1/outcomes` };
      const token = mint(cfg.customer.id, cfg.customer.subscription_id);
      const page = hostPage({ cfg, attrs: `token="${token}"` }).replace(
        '<script type="module" src="/cancel-flow/embed.js"></script>',
        `<script type="module" src="${c.base}/widget/embed.js" integrity="${files["embed.js"]}" crossorigin="anonymous"></script>`);
      const encodings = {};
      t.ctx.on("response", (res) => {
        const u = new URL(res.url());
        if (u.origin === c.base && u.pathname.startsWith("/widget/")) encodings[u.pathname] = res.headers()["content-encoding"] ?? "identity";
      });
      const p = await t.open(page);
      const r = p.locator("cancel-flow");
      await part(r, "trigger").click();
      await part(r, "cancel").click();
      await part(r, "confirm").click();
      await expect(dialog(r), "the collector acknowledged it").toHaveAttribute("data-step", "done");
      expect(encodings["/widget/embed.js"]).toBe("br");
      expect(encodings["/widget/cancel-flow_bg.wasm"]).toBe("br");
      expect(await exported(c.base)).toHaveLength(1);
      await p.close();
    } finally {
      c.stop();
    }
  });

  test("a token for another customer is refused and the person sees the error step", async ({ t, server }) => {
    const c = await startCollector(server.origin);
    try {
      const cfg = { ...fixture("meal-box"), endpoint: `${c.base}/v1/outcomes` };
      const token = mint("cus_someone_else", cfg.customer.subscription_id);
      const { r } = await t.start(cfg, { attrs: `token="${token}"` });
      await part(r, "cancel").click();
      await part(r, "confirm").click();
      await expect(dialog(r), "401 is not retried: the error step with the fallback").toHaveAttribute("data-step", "error");
      await expect(part(r, "fallback")).toBeVisible();
      expect(await exported(c.base)).toHaveLength(0);
    } finally {
      c.stop();
    }
  });

  test("the widget fetches its config from the collector with the token, and the outcome carries served", async ({ t, server }) => {
    const c = await startCollector(server.origin);
    try {
      await putFlow(c.base);
      const token = mint("cus_annual", "sub_annual", "plan=annual");
      const url = `${c.base}/v1/flows/box/config`;
      const p = await t.open(hostPage({ head: RECORD_EVENTS, attrs: `config="${url}" token="${token}" display="inline" fallback-email="help@shop.example"` }));
      const r = p.locator("cancel-flow");
      await expect(dialog(r)).toHaveAttribute("data-step", "survey");
      // The rule for annual plans took the discount away; the other offers stay.
      await part(r, "skip").click();
      await expect(dialog(r)).toHaveAttribute("data-step", "offers");
      const offers = await part(r, "offer").evaluateAll((els) => els.map((e) => e.dataset.offer));
      expect(offers).toContain("pause");
      expect(offers).not.toContain("discount");
      await part(r, "cancel").first().click();
      await part(r, "confirm").click();
      await expect(dialog(r), "the collector acknowledged it").toHaveAttribute("data-step", "done");
      const outcome = (await p.evaluate(() => window.__events)).find((e) => e.name === "outcome").detail;
      expect(outcome.served).toEqual({ flow_version: 1 });
      expect(outcome.customer).toEqual({ id: "cus_annual", subscription_id: "sub_annual" });
      const rows = await exported(c.base);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toContain("cus_annual");
      await p.close();
    } finally {
      c.stop();
    }
  });

  test("the page's fallback is shown when the collector is down", async ({ t, server }) => {
    const c = await startCollector(server.origin);
    const url = `${c.base}/v1/flows/box/config`;
    c.stop();
    const p = await t.open(hostPage({ head: RECORD_EVENTS,
      attrs: `config="${url}" token="${mint("cus_1", "sub_1")}" display="inline" fallback-url="https://shop.example/cancel" fallback-email="help@shop.example"` }));
    const r = p.locator("cancel-flow");
    await expect(part(r, "fallback")).toBeVisible();
    await expect(part(r, "fallback").locator('a[href="https://shop.example/cancel"]')).toBeVisible();
    await expect(part(r, "fallback").locator('a[href="mailto:help@shop.example"]')).toBeVisible();
    const errors = (await p.evaluate(() => window.__events)).filter((e) => e.name === "error");
    expect(errors.map((e) => e.detail.kind)).toEqual(["config"]);
    t.consoleErrors.length = 0;
    await p.close();
  });
});
