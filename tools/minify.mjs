// Trunk post-build hook, in Trunk's staging directory: drops the wasm exports nothing
// calls and re-optimises the wasm, minifies embed.js and the wasm-bindgen glue with
// terser, and strips comments and whitespace from the stylesheet.
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { minify } from "terser";
import { stripUnusedExports } from "./strip-exports.mjs";

const dir = process.env.TRUNK_STAGING_DIR || process.argv[2] || "dist";
const wasm = path.join(dir, "cancel-flow_bg.wasm");
if (fs.existsSync(wasm) && stripUnusedExports(wasm, /^(__wbg_)?intounderlying/).length) {
  // The same features Trunk's wasm-opt run enables (index.html); never --all-features.
  const features = ["bulk-memory", "bulk-memory-opt", "nontrapping-float-to-int", "sign-ext", "mutable-globals", "reference-types", "multivalue"];
  const bin = path.join(import.meta.dirname, "..", "node_modules", ".bin", "wasm-opt");
  // As index.html's run. Measured on the widget's wasm (brotli): -730 B from
  // --low-memory-unused (Rust's stack sits below the data, so its lowest 1 KiB is only
  // reached by a stack overflow), -158 B more from --converge; -Os and opt-level "s" were larger.
  const tuning = ["--low-memory-unused", "--converge"];
  execFileSync(bin, ["-Oz", ...tuning, "--strip-debug", "--strip-producers", ...features.map((f) => `--enable-${f}`), wasm, "-o", wasm]);
}
// The glue's classes for those exports go too (wasm-bindgen's output is regular: each
// class ends with its Symbol.dispose line; each finalization registry is one statement).
function dropUnusedClasses(js) {
  return js
    .replace(/^export class (IntoUnderlying\w+) \{[\s\S]*?^if \(Symbol\.dispose\) \1\.prototype\[Symbol\.dispose\] = \1\.prototype\.free;\n/gm, "")
    .replace(/^const IntoUnderlying\w+Finalization = [^;]*;\n/gm, "");
}
for (const file of ["embed.js", "cancel-flow.js"]) {
  const p = path.join(dir, file);
  if (!fs.existsSync(p)) continue;
  if (file === "cancel-flow.js") fs.writeFileSync(p, dropUnusedClasses(fs.readFileSync(p, "utf8")));
  // embed.js keeps its state in #private class members, which terser renames by itself.
  const out = await minify(fs.readFileSync(p, "utf8"), { module: true, compress: { passes: 3 }, mangle: { toplevel: true }, format: { comments: false } });
  fs.writeFileSync(p, out.code);
}
const css = path.join(dir, "cancel-flow.css");
if (fs.existsSync(css)) {
  fs.writeFileSync(css, fs.readFileSync(css, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/\s+/g, " ").replace(/\s*([{};,>])\s*/g, "$1").replace(/;}/g, "}").trim());
}
