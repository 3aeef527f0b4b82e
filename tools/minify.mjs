// Trunk post-build hook: minifies embed.js and the wasm-bindgen glue with terser and
// strips comments and whitespace from the stylesheet, in Trunk's staging directory.
import fs from "node:fs";
import path from "node:path";
import { minify } from "terser";

const dir = process.env.TRUNK_STAGING_DIR || process.argv[2] || "dist";
for (const file of ["embed.js", "cancel-flow.js"]) {
  const p = path.join(dir, file);
  if (!fs.existsSync(p)) continue;
  // In embed.js, `_`-prefixed members are private to the file, so they are renamed too.
  const properties = file === "embed.js" ? { regex: /^_/ } : false;
  const out = await minify(fs.readFileSync(p, "utf8"), { module: true, compress: { passes: 3 }, mangle: { toplevel: true, properties }, format: { comments: false } });
  fs.writeFileSync(p, out.code);
}
const css = path.join(dir, "cancel-flow.css");
if (fs.existsSync(css)) {
  fs.writeFileSync(css, fs.readFileSync(css, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/\s+/g, " ").replace(/\s*([{};,>])\s*/g, "$1").replace(/;}/g, "}").trim());
}
