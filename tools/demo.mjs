// `make demo`: the demo shop with the collector behind it, as a real shop would run them.
// The collector (target/release/cancel-flow-collector) stores outcomes in SQLite under
// demo-data/, checks session tokens and allows the shop's origin; the shop's server
// (tools/server.mjs) mints a token for its customer each time it renders the cancel page
// (jsonwebtoken, HS256) and points the widget at the collector. /outcomes shows what the
// collector stored (its CSV export, read with the admin key on the server side).
import { spawn } from "node:child_process";
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

const child = spawn(bin, ["serve", "--listen", `127.0.0.1:${collectorPort}`, "--database", `sqlite://${dataDir}/collector.db`,
  "--cors-origin", shopOrigin, "--admin-key", secrets.admin], { stdio: "inherit", env: { ...process.env, CF_TOKEN_SECRET: secrets.token } });
child.on("exit", (code) => { console.error(`collector exited (${code})`); process.exit(code ?? 1); });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => { child.kill("SIGTERM"); process.exit(0); });

const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// The cancel page, rendered per request with a fresh token for the signed-in customer.
function renderIndex(html) {
  const token = jwt.sign({ sub: "cus_1001", subscription_id: "sub_5001", flow_id: "meal-box-2026" }, secrets.token, { algorithm: "HS256", expiresIn: "30m" });
  return html
    .replace("<cancel-flow>", `<cancel-flow endpoint="${collector}/v1/outcomes" token="${token}">`)
    .replace("Outcomes the widget sends arrive at this server's endpoint", "Outcomes the widget sends are stored by the collector");
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

const s = await startServer({ dist, prefix: "/", port: shopPort, log: false, renderIndex, routes: { "/outcomes": outcomes } });
console.log(`cancel-flow demo shop: ${s.origin}/   collector: ${collector}   outcomes stored: ${s.origin}/outcomes`);
console.log(`admin key for the collector's API and insights (demo only): ${secrets.admin}`);
// The demo's flow is marked "test": the insights hide test outcomes unless asked.
console.log(`insights: ${collector}/insights?include_test=true   (sign in with the admin key above)`);
