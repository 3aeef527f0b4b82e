// make bench-experiments: GET /v1/experiments/<id> with CUSTOMERS (default 1,000,000)
// assignments and their outcomes. For SQLite (a temp folder) and PostgreSQL (a fresh
// database on the scripts/postgres.sh cluster: reused when running and left so, else
// started here and stopped at the end), the release collector's own `seed-demo` writes the
// past experiment through the store (each customer assigned, an outcome with `served`,
// later cancellations from the shop and Stripe); then the collector is started and
// `GET /v1/experiments/autumn-offers`, `GET /v1/experiments` and the signed-in
// experiments page are each timed (1 warm-up + RUNS runs, one at a time, on loopback).
// On PostgreSQL the database is vacuumed and analysed after the load (as autovacuum would)
// before the timings. Prints and writes bench/experiments-results.json: seed time, size on
// disk, p50/p95/max ms (a run of one backend keeps the other's figures).
//
//   CUSTOMERS=50000 node bench/experiments.mjs       # a quick run
//   BACKENDS=sqlite node bench/experiments.mjs       # one backend
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// The collector's binary: $BIN, else CANCEL_FLOW_COLLECTOR, else the release build
// (tools/insights-screenshot.mjs reads the same variable).
if (process.env.BIN) process.env.CANCEL_FLOW_COLLECTOR = process.env.BIN;
const { BIN, startCollectorOn } = await import("../tools/insights-screenshot.mjs");
const CUSTOMERS = Number(process.env.CUSTOMERS || 1_000_000);
const RUNS = Number(process.env.RUNS || 20);
const BACKENDS = (process.env.BACKENDS || "sqlite postgres").split(/\s+/).filter(Boolean);
const OUT = process.env.OUT || path.join(root, "bench/experiments-results.json");
const KEY = "bench-admin-key-0123456789";
const log = (...a) => console.error("bench/experiments:", ...a);

function sh(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { encoding: "utf8", cwd: root, ...opts }).trim();
}

function rss(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) * 1024;
}

async function timed(label, fn) {
  await fn(); // warm-up
  const ms = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const at = (q) => ms[Math.min(ms.length - 1, Math.ceil(q * ms.length) - 1)];
  const r = { p50: +at(0.5).toFixed(1), p95: +at(0.95).toFixed(1), max: +ms[ms.length - 1].toFixed(1) };
  log(label, JSON.stringify(r));
  return r;
}

async function measure(name, database, size, settle = () => null) {
  const t = performance.now();
  const seeded = sh(BIN, ["seed-demo", "--database", database, "--customers", String(CUSTOMERS)]);
  const seedSeconds = (performance.now() - t) / 1000;
  log(name, seeded);
  const settled = settle();
  const { base, pid, stop } = await startCollectorOn(database, ["--allow-unsigned", "--admin-key", KEY, "--rate-limit", "0"]);
  try {
    const auth = { authorization: `Bearer ${KEY}` };
    const get = async (url, headers = auth) => {
      const r = await fetch(`${base}${url}`, { headers });
      const body = await r.text();
      if (r.status !== 200) throw new Error(`${url}: ${r.status} ${body}`);
      return body;
    };
    const report = JSON.parse(await get("/v1/experiments/autumn-offers"));
    const assigned = report.arms.reduce((n, a) => n + a.assigned, 0);
    if (assigned !== CUSTOMERS) throw new Error(`assigned ${assigned}, not ${CUSTOMERS}`);
    const signIn = await fetch(`${base}/insights/sign-in`, { method: "POST", redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" }, body: `key=${KEY}&next=experiments` });
    const cookie = signIn.headers.get("set-cookie").split(";")[0];
    return {
      customers: CUSTOMERS,
      seed_seconds: +seedSeconds.toFixed(1),
      ...(settled ? { vacuum_seconds: settled } : {}),
      bytes_on_disk: size(),
      verdicts: report.comparisons.map((c) => c.verdict),
      experiment_ms: await timed(`${name} GET /v1/experiments/autumn-offers`, () => get("/v1/experiments/autumn-offers")),
      list_ms: await timed(`${name} GET /v1/experiments`, () => get("/v1/experiments")),
      page_ms: await timed(`${name} GET /insights/experiments`, () => get("/insights/experiments", { cookie })),
      rss_bytes: rss(pid),
    };
  } finally {
    stop();
  }
}

// A run of some backends keeps the others' figures from the last run.
const results = { ...(fs.existsSync(OUT) ? JSON.parse(fs.readFileSync(OUT, "utf8")) : {}), runs: RUNS, cpus: os.cpus().length };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cf-bench-experiments-"));
let pg = null;
try {
  if (BACKENDS.includes("sqlite")) {
    const file = path.join(tmp, "collector.db");
    results.sqlite = await measure("sqlite", `sqlite://${file}`,
      () => ["", "-wal", "-shm"].reduce((n, s) => n + (fs.existsSync(file + s) ? fs.statSync(file + s).size : 0), 0));
  }
  if (BACKENDS.includes("postgres")) {
    let before = "none";
    try { before = sh("./scripts/postgres.sh", ["status"]).split(":")[0]; } catch { before = "none"; }
    if (before !== "running") sh("./scripts/postgres.sh", ["start"]);
    const url = sh("./scripts/postgres.sh", ["url"]).replace(/^DATABASE_URL=/, "");
    const admin = `${url.slice(0, url.lastIndexOf("/"))}/postgres`;
    const db = `cf_bench_experiments_${process.pid}`;
    pg = { before, admin, db };
    sh("psql", ["-X", "-q", "-d", admin, "-c", `CREATE DATABASE ${db}`]);
    const dbUrl = `${url.slice(0, url.lastIndexOf("/"))}/${db}`;
    // What autovacuum does after a load this size, done now rather than racing the timings
    // (right after the load, with autovacuum at work, the same reads took about 450 ms).
    const vacuum = () => {
      const t = performance.now();
      sh("psql", ["-X", "-q", "-d", dbUrl, "-c", "VACUUM (ANALYZE)"]);
      return +((performance.now() - t) / 1000).toFixed(1);
    };
    results.postgres = await measure("postgres", dbUrl,
      () => Number(sh("psql", ["-X", "-q", "-tA", "-d", admin, "-c", `SELECT pg_database_size('${db}')`])), vacuum);
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
  if (pg) {
    try { sh("psql", ["-X", "-q", "-d", pg.admin, "-c", `DROP DATABASE IF EXISTS ${pg.db} WITH (FORCE)`]); } catch { log(`could not drop ${pg.db}`); }
    if (pg.before === "none") sh("./scripts/postgres.sh", ["stop"]);
    if (pg.before === "paused") sh("./scripts/postgres.sh", ["pause"]);
  }
}
fs.writeFileSync(OUT, JSON.stringify(results, null, 2) + "\n");
console.log(JSON.stringify(results, null, 2));
