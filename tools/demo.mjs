// `make demo`: the demo shop with the collector behind it, as a real shop would run them.
// The collector (target/release/cancel-flow-collector) stores outcomes in SQLite under
// demo-data/, checks session tokens, allows the shop's origin, and serves the shop's flow:
// at start this script writes the demo page's flow into it (PUT /v1/flows/meal-box-2026)
// with two rules, and the cancel page carries only the element with the config URL, a
// token the shop's server mints per page view (jsonwebtoken, HS256, with the customer's
// `attrs`) and the fallback. `?as=annual` and `?as=loyal` show the page as other customers,
// so a visitor sees the rules work. /outcomes shows what the collector stored (its CSV
// export, read with the admin key on the server side). Before serving, the collector's
// `seed-demo` fills the database once with a past experiment, so /insights/experiments
// shows verdicts beside the experiment the demo flow runs now.
import { execFileSync, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import jwt from "jsonwebtoken";
import { startServer } from "./server.mjs";

const dist = process.argv[2] || "dist";
const shopPort = Number(process.argv[3] || 8080);
const collectorPort = Number(process.env.COLLECTOR_PORT || 8787);
const bin = path.resolve(process.env.CANCEL_FLOW_COLLECTOR || "target/release/cancel-flow-collector");
const dataDir = path.resolve("demo-data");
fs.mkdirSync(dataDir, { recursive: true });
// Demo secrets, kept in demo-data/ so tokens and the admin key survive a restart.
const secretsFile = path.join(dataDir, "secrets.json");
if (!fs.existsSync(secretsFile)) {
  fs.writeFileSync(secretsFile, JSON.stringify({ token: crypto.randomBytes(32).toString("base64url"), admin: crypto.randomBytes(16).toString("hex") }), { mode: 0o600 });
}
const secrets = JSON.parse(fs.readFileSync(secretsFile, "utf8"));
const shopOrigin = `http://127.0.0.1:${shopPort}`;
const collector = `http://127.0.0.1:${collectorPort}`;

// A realistic past experiment (autumn-offers, 8,000 customers over 45 days) so the
// experiments page shows verdicts; once per database (COLLECTOR.md section 8).
execFileSync(bin, ["seed-demo", "--database", `sqlite://${dataDir}/collector.db`], { stdio: "inherit" });

const child = spawn(bin, ["serve", "--listen", `127.0.0.1:${collectorPort}`, "--database", `sqlite://${dataDir}/collector.db`,
  "--cors-origin", shopOrigin, "--admin-key", secrets.admin, "--widget-dir", dist], { stdio: "inherit", env: { ...process.env, CF_TOKEN_SECRET: secrets.token } });
child.on("exit", (code) => { console.error(`collector exited (${code})`); process.exit(code ?? 1); });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => { child.kill("SIGTERM"); process.exit(0); });

const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// The demo page's own inline config, made the collector's flow: the same base, sent to the
// collector, with two rules a visitor can see work (COLLECTOR.md section 7). Eligibility
// keeps its defaults: after two pauses in a row, no third is offered (the demo flow is a
// test flow, so its test outcomes count).
const FLOW_ID = "meal-box-2026";
function demoFlow() {
  const page = fs.readFileSync(path.join(dist, "index.html"), "utf8");
  const json = /<script type="application\/json">([\s\S]*?)<\/script>/.exec(page)[1];
  const { $schema, customer, ...config } = JSON.parse(json);
  config.endpoint = `${collector}/v1/outcomes`;
  return {
    schema: "cancel-flow/flow@1",
    config,
    rules: [
      { name: "annual plans keep their price", when: { "==": [{ var: "attrs.plan" }, "annual"] },
        patch: { offers: { discount: null } } },
      { name: "long-time customers may talk to a person first", when: { ">=": [{ var: "attrs.tenure_days" }, 365] },
        patch: { offers: { links: [{ id: "care", label: "Talk to Anna, who looks after long-time customers", url: "/outcomes" }] } } },
    ],
    // An experiment (COLLECTOR.md section 8): a tenth of customers see the survey without
    // offers (the holdout), the rest shorter or the usual pauses; GET /v1/experiments/winter-offers
    // measures who still has their subscription 30 days later.
    experiment: {
      id: "winter-offers", holdout: 0.1,
      variants: [
        { id: "a", weight: 1 },
        { id: "b", weight: 1, patch: { offers: { pause: { options: [{ unit: "week", count: 1 }, { unit: "week", count: 2 }, { unit: "month", count: 1 }] } } } },
      ],
    },
  };
}

// Who the visitor is, by `?as=`: each a customer of their own, so their histories differ.
const PROFILES = {
  monthly: { sub: "cus_1001", subscription_id: "sub_5001", attrs: { plan: "monthly", tenure_days: 120 },
    says: "a monthly customer of four months: every offer, the discount included" },
  annual: { sub: "cus_1002", subscription_id: "sub_5002", attrs: { plan: "annual", tenure_days: 200 },
    says: "a customer on the annual plan: a rule removes the discount (annual plans keep their price)" },
  loyal: { sub: "cus_1003", subscription_id: "sub_5003", attrs: { plan: "monthly", tenure_days: 800 },
    says: "a customer of two years: a rule offers a person to talk to first" },
  holdout: { sub: "cus_1024", subscription_id: "sub_5024", attrs: { plan: "monthly", tenure_days: 60 },
    says: "a customer in the experiment's holdout: the survey, then straight to confirm, no offers" },
};

// The cancel page, rendered per request with a fresh token for the chosen customer.
function renderIndex(html, url) {
  const name = PROFILES[url?.searchParams.get("as")] ? url.searchParams.get("as") : "monthly";
  const p = PROFILES[name];
  const token = jwt.sign({ sub: p.sub, subscription_id: p.subscription_id, flow_id: FLOW_ID, attrs: p.attrs }, secrets.token,
    { algorithm: "HS256", expiresIn: "30m" });
  const element = `<cancel-flow config="${collector}/v1/flows/${FLOW_ID}/config" token="${token}" ` +
    `fallback-url="/outcomes" fallback-email="help@goodfork.example"></cancel-flow>`;
  const links = Object.entries(PROFILES).map(([k, v]) =>
    `<a href="/?as=${k}"${k === name ? ' aria-current="page"' : ""}>${esc(k)}</a>`).join(" · ");
  const switcher = `<p class="muted small demo-profile">The flow is served by the collector for the customer signed in: ` +
    `here ${esc(p.says)}. Try it as: ${links}. Pause twice, and a third visit offers no pause. ` +
    `An experiment runs on this flow: see <a href="${collector}/v1/experiments/winter-offers">its figures</a> (admin key).</p>`;
  return html
    .replace(/<cancel-flow>[\s\S]*?<\/cancel-flow>/, `${element}\n      ${switcher}`)
    .replace("Outcomes the widget sends arrive at this server's endpoint", "Outcomes the widget sends are stored by the collector");
}

// Writes the flow once the collector answers (a new version only when it changed).
async function publishFlow() {
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`${collector}/v1/flows/${FLOW_ID}`, { method: "PUT", body: JSON.stringify(demoFlow()),
        headers: { authorization: `Bearer ${secrets.admin}`, "content-type": "application/json" } });
      const body = await r.json();
      if (!r.ok) throw Object.assign(new Error(`PUT the demo flow: ${r.status} ${body.error}`), { fatal: true });
      return body.version;
    } catch (e) {
      if (e.fatal) throw e;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error("the collector did not answer within 10 s");
}

// What the collector stored, newest last.
async function outcomes(_req, res) {
  let rows = [];
  try {
    const r = await fetch(`${collector}/v1/outcomes.csv?include_test=true`, { headers: { authorization: `Bearer ${secrets.admin}` } });
    rows = (await r.text()).trim().split("\r\n").slice(1).map((line) => line.match(/("([^"]|"")*"|[^,]*)(,|$)/g).map((c) => c.replace(/,$/, "").replace(/^"|"$/g, "").replace(/""/g, '"')));
  } catch (e) {
    rows = [[`the collector did not answer: ${e.message}`]];
  }
  const body = rows.map((c) => `<tr><td>${esc(c[1])}</td><td>${esc(c[8])}</td><td><code>${esc(c[9])}</code></td><td>${esc(c[10])}</td><td>${esc(c[11])}</td><td>${esc(c[13])}</td></tr>`).join("");
  res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Outcomes stored</title>
<style>body{font:15px/1.4 system-ui,sans-serif;margin:24px}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:6px;vertical-align:top;text-align:left}</style></head>
<body><h1>Outcomes stored by the collector</h1><p><a href="/">Back to the shop</a> · ${rows.length} stored · newest last · <a href="${collector}/insights?include_test=true">the collector's insights</a> (sign in with the admin key the demo printed)</p>
<table><thead><tr><th>decided</th><th>result</th><th>details</th><th>reason</th><th>comment</th><th>keep in touch</th></tr></thead><tbody>${body}</tbody></table></body></html>`);
}

const version = await publishFlow();
const s = await startServer({ dist, prefix: "/", port: shopPort, log: false, renderIndex, routes: { "/outcomes": outcomes } });
console.log(`cancel-flow demo shop: ${s.origin}/   collector: ${collector}   outcomes stored: ${s.origin}/outcomes`);
console.log(`flow ${FLOW_ID} version ${version} served from ${collector}/v1/flows/${FLOW_ID}/config; try ${s.origin}/?as=annual and ${s.origin}/?as=loyal`);
console.log(`admin key for the collector's API and insights (demo only): ${secrets.admin}`);
// The demo's flow is marked "test": the insights hide test outcomes unless asked.
console.log(`insights: ${collector}/insights?include_test=true   (sign in with the admin key above)`);
console.log(`flow editor: ${collector}/flows/${FLOW_ID}   (the same sign-in; the preview is the widget from ${dist}/)`);
