// `make build` (after Trunk): writes the copies a server sends instead of each file it
// ships, beside it: `<file>.br` (brotli, quality 11, from Node's zlib) and `<file>.gz`
// (gzip by zopfli, Debian's `zopfli` package, installed by scripts/setup.sh). A copy that
// would not be smaller is not written. nginx (`gzip_static`, `brotli_static`), Caddy
// (`file_server { precompressed br gzip }`) and tools/server.mjs answer with them.
// Usage: node tools/precompress.mjs dist
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { execFileSync } from "node:child_process";

const SHIPPED = new Set([".js", ".mjs", ".wasm", ".css", ".html", ".json", ".svg", ".txt"]);
const TEXT = new Set([".js", ".mjs", ".css", ".html", ".json", ".svg", ".txt"]);

const root = path.resolve(process.argv[2] || "dist");
const files = [];
(function walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(p);
    else if (SHIPPED.has(path.extname(entry.name))) files.push(p);
  }
})(root);

try {
  execFileSync("zopfli", ["-h"], { stdio: "ignore" });
} catch (e) {
  if (e.code === "ENOENT") {
    console.error("precompress: zopfli is missing; run scripts/setup.sh (Debian package zopfli)");
    process.exit(1);
  }
}

let raw = 0, br = 0, gz = 0;
for (const file of files) {
  const body = fs.readFileSync(file);
  const brotli = zlib.brotliCompressSync(body, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
      [zlib.constants.BROTLI_PARAM_LGWIN]: 24,
      [zlib.constants.BROTLI_PARAM_MODE]: TEXT.has(path.extname(file)) ? zlib.constants.BROTLI_MODE_TEXT : zlib.constants.BROTLI_MODE_GENERIC,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
  const gzip = execFileSync("zopfli", ["--i15", "-c", file], { maxBuffer: 64 * 1024 * 1024 });
  for (const [suffix, copy] of [[".br", brotli], [".gz", gzip]]) {
    const out = file + suffix;
    if (copy.length < body.length) fs.writeFileSync(out, copy);
    else fs.rmSync(out, { force: true });
  }
  raw += body.length;
  br += Math.min(brotli.length, body.length);
  gz += Math.min(gzip.length, body.length);
}
console.log(`precompress: ${files.length} files, ${raw} bytes -> brotli ${br}, gzip (zopfli) ${gz}`);
