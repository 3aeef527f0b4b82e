// `make build` (after tools/precompress.mjs): makes dist/ an npm package and prints the
// Subresource Integrity hashes a page pins it with.
//
// Writes, in <dist>:
// - package.json: name "cancel-flow", the version of Cargo.toml's [package], exports
//   (".", "./embed.js" with its types, "./cancel-flow.css", "./integrity.json",
//   "./package.json", "./*"), and `files`: the widget (embed.js, the wasm-bindgen glue,
//   the wasm, the stylesheet, i18n/*.json; schema/*.json when the build has it; each
//   with its .br/.gz copy when present), the declarations and integrity.json; never the
//   demo (index.html, shop.css, themes.*).
// - README.md: www/package-readme.md (the package's page on npm).
// - embed.d.ts: www/types/cancel-flow.d.ts, beside the file it declares (TypeScript finds
//   it through the `types` condition, and also by name with the old "node" resolution;
//   "cancel-flow.d.ts" would read as the declarations of the glue, cancel-flow.js).
// - integrity.json: `sha384-<base64>` of every shipped file a browser fetches.
// The LICENSE* files of the repository root are copied when there are any.
//
// Idempotent: the same dist/ gives the same files and the same output. Missing optional
// files (i18n, schemas, the compressed copies, licenses) are left out of `files`; a
// missing widget file is an error. Usage: node tools/package.mjs dist
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";

const root = path.resolve(import.meta.dirname, "..");
const dist = path.resolve(process.argv[2] || "dist");
const fail = (message) => {
  console.error(`package: ${message}`);
  process.exit(1);
};

// The version of the crate: `version = "..."` in the [package] table of Cargo.toml.
function crateVersion() {
  const toml = fs.readFileSync(path.join(root, "Cargo.toml"), "utf8");
  let table = "";
  for (const line of toml.split(/\r?\n/)) {
    const header = line.match(/^\s*\[([^\]]+)\]\s*(#.*)?$/);
    if (header) table = header[1].trim();
    const m = table === "package" && line.match(/^\s*version\s*=\s*"([^"]+)"/);
    if (m) return m[1];
  }
  fail("no version in the [package] table of Cargo.toml");
}

const exists = (rel) => fs.existsSync(path.join(dist, rel)) && fs.statSync(path.join(dist, rel)).isFile();
// What embed.js loads by URL, relative to itself; without any of these the widget cannot work.
const WIDGET = ["embed.js", "cancel-flow.js", "cancel-flow_bg.wasm", "cancel-flow.css"];
const missing = WIDGET.filter((f) => !exists(f));
if (missing.length) fail(`${dist} has no ${missing.join(", ")}: run \`make build\` first`);
// The JSON files of a folder of dist/, as paths relative to dist/ ([] when it is absent).
const jsonIn = (dir) =>
  fs.existsSync(path.join(dist, dir))
    ? fs.readdirSync(path.join(dist, dir)).filter((f) => /^[\w.-]+\.json$/.test(f)).sort().map((f) => `${dir}/${f}`)
    : [];
const catalogs = jsonIn("i18n");
// The config's (and outcome's) JSON Schemas, for editors and servers, when the build has them.
const schemas = jsonIn("schema");
if (!catalogs.length) console.warn(`package: ${dist} has no i18n/*.json: only the built-in English will work`);

const version = crateVersion();
const DTS = "embed.d.ts";
fs.copyFileSync(path.join(root, "www/types/cancel-flow.d.ts"), path.join(dist, DTS));
// The package's page on npm (npm always packs README.md).
fs.copyFileSync(path.join(root, "www/package-readme.md"), path.join(dist, "README.md"));
const licenses = fs.readdirSync(root).filter((f) => /^LICEN[CS]E/i.test(f) && fs.statSync(path.join(root, f)).isFile()).sort();
for (const f of licenses) fs.copyFileSync(path.join(root, f), path.join(dist, f));

// Every file a browser fetches, with its SRI hash (of the decoded bytes: the same for
// the .br/.gz copies a server may send instead).
const fetched = [...WIDGET, ...catalogs];
const sri = (rel) => "sha384-" + crypto.createHash("sha384").update(fs.readFileSync(path.join(dist, rel))).digest("base64");
const integrity = Object.fromEntries(fetched.map((f) => [f, sri(f)]));
fs.writeFileSync(
  path.join(dist, "integrity.json"),
  JSON.stringify({ name: "cancel-flow", version, algorithm: "sha384", files: integrity }, null, 2) + "\n",
);

const files = [
  ...[...fetched, ...schemas].flatMap((f) => [f, f + ".br", f + ".gz"].filter(exists)),
  DTS,
  "integrity.json",
  "README.md",
  ...licenses,
];
const entry = { types: `./${DTS}`, default: "./embed.js" };
const pkg = {
  name: "cancel-flow",
  version,
  description:
    "An honest cancel flow for subscription shops: the <cancel-flow> element and window.CancelFlow, " +
    "one ES module (embed.js) that loads a Leptos/WebAssembly flow lazily, relative to its own URL.",
  keywords: ["cancel-flow", "cancellation", "subscription", "churn", "custom-element", "web-component", "webassembly", "leptos"],
  license: "MIT OR Apache-2.0",
  type: "module",
  main: "./embed.js",
  types: `./${DTS}`,
  exports: {
    ".": entry,
    "./embed.js": entry,
    "./cancel-flow.css": "./cancel-flow.css",
    "./integrity.json": "./integrity.json",
    "./package.json": "./package.json",
    "./*": "./*",
  },
  files,
  // embed.js defines <cancel-flow> and window.CancelFlow when imported: never tree-shaken.
  sideEffects: ["./embed.js", "*.css"],
};
fs.writeFileSync(path.join(dist, "package.json"), JSON.stringify(pkg, null, 2) + "\n");

const width = Math.max(...fetched.map((f) => f.length)) + 2;
const row = (f) => `  ${f.padEnd(width)}${integrity[f]}`;
const where = path.relative(process.cwd(), dist);
console.log(`package: cancel-flow ${version} in ${where.startsWith("..") ? dist : where || "."}: package.json, ${DTS}, integrity.json (${files.length} files ship)`);
console.log("Subresource Integrity (sha384, also in integrity.json):");
console.log("the file a page links:");
console.log(row("embed.js"));
console.log("loaded by embed.js relative to its own URL (not covered by the integrity attribute on embed.js):");
for (const f of fetched.slice(1)) console.log(row(f));
console.log("pin it on a CDN:");
console.log(
  `  <script type="module" src="https://cdn.example/cancel-flow@${version}/embed.js" integrity="${integrity["embed.js"]}" crossorigin="anonymous"></script>`,
);
