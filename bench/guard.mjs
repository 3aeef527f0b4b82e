// Byte-budget guard, run by `make test`: fails when any byte figure of dist/ grows more
// than 3% past bench/budget.json: gzip -9 of each file, and the bytes as served (the
// brotli and zopfli copies `make build` writes). Bytes are deterministic; lower the budget as you win
// bytes (`node bench/guard.mjs dist --write` records the current figures).
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(process.argv[2] || "dist");
const read = (f) => fs.readFileSync(path.join(dist, f));
const gz = (b) => zlib.gzipSync(b, { level: 9 }).length;
const all = Buffer.concat(["embed.js", "cancel-flow.js", "cancel-flow_bg.wasm", "cancel-flow.css"].map(read));
const catalogs = fs.readdirSync(path.join(dist, "i18n")).filter((f) => f.endsWith(".json")).map((f) => gz(read(path.join("i18n", f))));
// As served: the copies tools/precompress.mjs wrote (brotli q11, zopfli gzip).
const served = (suffix, files) => files.reduce((n, f) => n + read(f + suffix).length, 0);
const WIDGET = ["embed.js", "cancel-flow.js", "cancel-flow_bg.wasm", "cancel-flow.css"];
const now = {
  embed_js_gzip: gz(read("embed.js")),
  embed_js_raw: read("embed.js").length,
  widget_gzip: gz(all),
  widget_raw: all.length,
  wasm_gzip: gz(read("cancel-flow_bg.wasm")),
  glue_js_gzip: gz(read("cancel-flow.js")),
  css_gzip: gz(read("cancel-flow.css")),
  largest_catalog_gzip: Math.max(...catalogs),
  widget_served_brotli: served(".br", WIDGET),
  widget_served_gzip: served(".gz", WIDGET),
  embed_js_served_brotli: served(".br", ["embed.js"]),
};
const file = path.join(here, "budget.json");
if (process.argv.includes("--write")) {
  fs.writeFileSync(file, JSON.stringify(now, null, 2) + "\n");
  console.log("budget written:", now);
  process.exit(0);
}
const budget = JSON.parse(fs.readFileSync(file, "utf8"));
let failed = 0;
for (const [k, limit] of Object.entries(budget)) {
  const v = now[k];
  const over = v > limit * 1.03;
  if (over) failed++;
  console.log(`${over ? "OVER" : "ok  "} ${k.padEnd(22)} ${String(v).padStart(8)} (budget ${limit}, +3% = ${Math.floor(limit * 1.03)})`);
}
process.exit(failed ? 1 : 0);
