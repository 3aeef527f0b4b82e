// The npm package and its pinning (issue 13): tools/package.mjs on a copy of the built
// dist/, `npm pack`, and an offline install into a throwaway project: package.json's
// fields, what the tarball holds (the widget, i18n, types; never the demo), Node's
// resolution of `cancel-flow/embed.js` and the stylesheet, the packaged types against a
// shop's code and the repository's configs (tsc), and the printed sha384 in Chromium: the
// pinned embed.js runs, a wrong hash blocks it; from another origin (a CDN, with CORS) the
// pinned widget opens, an import map's `integrity` pins the glue embed.js imports, and
// every hash of integrity.json matches what is served.
import fs from "node:fs";
import os from "node:os";
import http from "node:http";
import path from "node:path";
import crypto from "node:crypto";
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { test, expect } from "./fixtures.mjs";
import { startServer, precompressed } from "../../tools/server.mjs";
import { root, fixture, hostPage, dialog, RECORD_EVENTS } from "./harness.mjs";

const run = promisify(execFile);
const dist = path.resolve(process.env.CANCEL_FLOW_DIST || "dist");
const TSC = path.join(root, "node_modules/typescript/bin/tsc");
const DEMO = /^(index\.html|shop\.css|themes\.(html|css)|themes-config\.json)(\.br|\.gz)?$/;
const sri = (file) => "sha384-" + crypto.createHash("sha384").update(fs.readFileSync(file)).digest("base64");
// The crate's version: `version = "..."` in Cargo.toml's [package] table.
const version = fs.readFileSync(path.join(root, "Cargo.toml"), "utf8").split(/^\[/m).find((t) => t.startsWith("package]")).match(/^version\s*=\s*"([^"]+)"/m)[1];

let tmp, copy, pkgDir, project, printed, packed;
const npm = (args, cwd) =>
  execFileSync("npm", [...args, "--loglevel=error"], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, npm_config_cache: path.join(tmp, "npm-cache"), npm_config_update_notifier: "false" },
  });

test.beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cf-package-"));
  copy = path.join(tmp, "dist");
  fs.cpSync(dist, copy, { recursive: true });
  for (const f of ["package.json", "embed.d.ts", "integrity.json"]) fs.rmSync(path.join(copy, f), { force: true });
  printed = execFileSync("node", [path.join(root, "tools/package.mjs"), copy], { encoding: "utf8" });
  packed = JSON.parse(npm(["pack", "--json", "--pack-destination", tmp], copy))[0];
  project = path.join(tmp, "shop");
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "shop", private: true, type: "module" }));
  npm(["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock", path.join(tmp, packed.filename)], project);
  pkgDir = path.join(project, "node_modules/cancel-flow");
});

test.afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test.describe("the npm package", () => {
  test("package.json: name, the crate's version, exports, types, files; a second run changes nothing", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(copy, "package.json"), "utf8"));
    expect(pkg).toMatchObject({
      name: "cancel-flow",
      version,
      license: "MIT OR Apache-2.0",
      type: "module",
      main: "./embed.js",
      types: "./embed.d.ts",
      sideEffects: ["./embed.js", "*.css"],
    });
    expect(pkg.description).toMatch(/cancel/);
    expect(pkg.exports).toEqual({
      ".": { types: "./embed.d.ts", default: "./embed.js" },
      "./embed.js": { types: "./embed.d.ts", default: "./embed.js" },
      "./cancel-flow.css": "./cancel-flow.css",
      "./integrity.json": "./integrity.json",
      "./package.json": "./package.json",
      "./*": "./*",
    });
    expect(fs.readFileSync(path.join(copy, "embed.d.ts"), "utf8")).toBe(fs.readFileSync(path.join(root, "www/types/cancel-flow.d.ts"), "utf8"));
    const before = ["package.json", "integrity.json", "embed.d.ts"].map((f) => fs.readFileSync(path.join(copy, f), "utf8"));
    const again = execFileSync("node", [path.join(root, "tools/package.mjs"), copy], { encoding: "utf8" });
    expect(again).toBe(printed);
    expect(["package.json", "integrity.json", "embed.d.ts"].map((f) => fs.readFileSync(path.join(copy, f), "utf8"))).toEqual(before);
  });

  test("without the optional files (i18n, compressed copies) it still packages what there is", () => {
    const bare = path.join(tmp, "bare");
    fs.mkdirSync(bare);
    for (const f of ["embed.js", "cancel-flow.js", "cancel-flow_bg.wasm", "cancel-flow.css", "index.html"]) fs.copyFileSync(path.join(dist, f), path.join(bare, f));
    const out = execFileSync("node", [path.join(root, "tools/package.mjs"), bare], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    expect(out).toContain(sri(path.join(dist, "embed.js")));
    const pkg = JSON.parse(fs.readFileSync(path.join(bare, "package.json"), "utf8"));
    // The licences come from the repository root, whatever dist/ holds.
    expect(pkg.files).toEqual(["embed.js", "cancel-flow.js", "cancel-flow_bg.wasm", "cancel-flow.css", "embed.d.ts", "integrity.json", "README.md", "LICENSE-APACHE", "LICENSE-MIT"]);
    // Without a widget file it refuses, naming it.
    fs.rmSync(path.join(bare, "cancel-flow_bg.wasm"));
    const r = (() => { try { execFileSync("node", [path.join(root, "tools/package.mjs"), bare], { stdio: "pipe" }); return null; } catch (e) { return e; } })();
    expect(r?.status).toBe(1);
    expect(String(r.stderr)).toContain("cancel-flow_bg.wasm");
  });

  test("the tarball holds the widget, i18n, types and hashes, with their compressed copies, and no demo file", () => {
    const files = packed.files.map((f) => f.path).sort();
    const catalogs = fs.readdirSync(path.join(dist, "i18n")).filter((f) => f.endsWith(".json")).map((f) => `i18n/${f}`);
    expect(catalogs.length).toBeGreaterThanOrEqual(8);
    for (const f of ["embed.js", "cancel-flow.js", "cancel-flow_bg.wasm", "cancel-flow.css", ...catalogs]) {
      expect(files, f).toContain(f);
      for (const c of [".br", ".gz"]) if (fs.existsSync(path.join(dist, f + c))) expect(files, f + c).toContain(f + c);
    }
    for (const f of ["embed.d.ts", "integrity.json", "package.json", "README.md", "LICENSE-MIT", "LICENSE-APACHE"]) expect(files).toContain(f);
    // The JSON Schemas, when the build writes them.
    const schemaDir = path.join(dist, "schema");
    for (const f of fs.existsSync(schemaDir) ? fs.readdirSync(schemaDir).filter((f) => f.endsWith(".json")) : []) expect(files).toContain(`schema/${f}`);
    expect(files.filter((f) => DEMO.test(f))).toEqual([]);
    // Nothing else: each file is one of those above (or a license).
    const expected = new Set(JSON.parse(fs.readFileSync(path.join(copy, "package.json"), "utf8")).files.concat("package.json"));
    expect(files.filter((f) => !expected.has(f))).toEqual([]);
    // The installed copy is byte for byte what dist/ holds.
    for (const f of ["embed.js", "cancel-flow_bg.wasm", "i18n/de.json"]) expect(fs.readFileSync(path.join(pkgDir, f)).equals(fs.readFileSync(path.join(dist, f))), f).toBe(true);
  });

  test("Node resolves cancel-flow/embed.js, the stylesheet and the files embed.js loads from a project", async () => {
    const script = `import { createRequire } from "node:module";
const require = createRequire(process.cwd() + "/");
const out = {};
for (const s of ["cancel-flow", "cancel-flow/embed.js", "cancel-flow/cancel-flow.css", "cancel-flow/package.json", "cancel-flow/integrity.json", "cancel-flow/cancel-flow_bg.wasm", "cancel-flow/i18n/de.json", "cancel-flow/index.html"]) {
  let esm, cjs;
  try { esm = import.meta.resolve(s); } catch (e) { esm = e.code; }
  try { cjs = require.resolve(s); } catch (e) { cjs = e.code; }
  out[s] = { esm, cjs };
}
console.log(JSON.stringify(out));`;
    const { stdout } = await run("node", ["--input-type=module", "-e", script], { cwd: project });
    const r = JSON.parse(stdout);
    const file = (f) => path.join(fs.realpathSync(pkgDir), f);
    for (const [s, f] of [["cancel-flow", "embed.js"], ["cancel-flow/embed.js", "embed.js"], ["cancel-flow/cancel-flow.css", "cancel-flow.css"], ["cancel-flow/package.json", "package.json"], ["cancel-flow/integrity.json", "integrity.json"], ["cancel-flow/cancel-flow_bg.wasm", "cancel-flow_bg.wasm"], ["cancel-flow/i18n/de.json", "i18n/de.json"]]) {
      expect(r[s].esm, s).toBe("file://" + file(f));
      expect(r[s].cjs, s).toBe(file(f));
    }
    // import.meta.resolve maps "./*" without looking at the disk; require.resolve looks.
    expect(r["cancel-flow/index.html"].cjs, "the demo is not in the package").toBe("MODULE_NOT_FOUND");
  });

  test("the packaged types check a shop's code (bundler, node16, a script tag) and the repository's configs", async () => {
    const dir = path.join(project, "types");
    fs.mkdirSync(dir, { recursive: true });
    const compilerOptions = { strict: true, noEmit: true, target: "es2022", lib: ["es2022", "dom"], types: [], skipLibCheck: true };
    const write = (f, text) => fs.writeFileSync(path.join(dir, f), text);
    // A shop that imports the package (as `cancel-flow/embed.js` or `cancel-flow`).
    write("shop.ts", `import "cancel-flow/embed.js";
import type { CancelFlowConfig, CancelFlowOutcome } from "cancel-flow";
const config: CancelFlowConfig = { schema: "cancel-flow/config@1", flow_id: "f", endpoint: "/api/cancel", customer: { id: "c" }, plan: { id: "p" },
  survey: { reasons: [{ preset: "too_expensive" }, { preset: "other", comment: "optional" }] }, fallback: { email: "help@shop.example" } };
export async function cancel(): Promise<string> {
  const outcome: CancelFlowOutcome = await window.CancelFlow.open(config);
  return outcome.result.type === "paused" ? outcome.result.resume_on : outcome.result.type;
}
const el = document.createElement("cancel-flow");
el.setAttribute("display", "inline");
el.addEventListener("cancel-flow:outcome", (e) => console.log(e.detail.survey?.feedback));
document.addEventListener("cancel-flow:error", (e) => console.log(e.detail.kind));
// @ts-expect-error an unknown preset
export const bad: CancelFlowConfig["survey"] = { reasons: [{ preset: "too_pricey" }] };
`);
    // Every config of the repository, as a literal checked with `satisfies` (an imported
    // JSON file's strings would be widened): the fixtures, examples/, the theming page's and
    // the demo page's inline one.
    const configs = [];
    for (const dir of ["tests/fixtures", "examples", "www/demo"]) {
      if (!fs.existsSync(path.join(root, dir))) continue;
      for (const f of fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith(".json"))) configs.push([`${dir}/${f}`, fs.readFileSync(path.join(root, dir, f), "utf8")]);
    }
    const demo = fs.readFileSync(path.join(root, "index.html"), "utf8").match(/<cancel-flow>\s*<script type="application\/json">([\s\S]*?)<\/script>/);
    expect(demo, "the demo page's inline config").not.toBeNull();
    configs.push(["index.html", demo[1]]);
    const parsed = configs.map(([name, text]) => [name, JSON.parse(text)]).filter(([, c]) => c.schema === "cancel-flow/config@1");
    expect(parsed.length).toBeGreaterThanOrEqual(5);
    const broken = { ...parsed[0][1], offers: { pause: { options: [{ unit: "week", count: "4" }] } } };
    write("configs.ts", `import type { CancelFlowConfig } from "cancel-flow";
${parsed.map(([name, c], i) => `// ${name}\nexport const c${i} = ${JSON.stringify(c)} satisfies CancelFlowConfig;`).join("\n")}
// @ts-expect-error a count given as a string
export const broken = ${JSON.stringify(broken)} satisfies CancelFlowConfig;
`);
    // A page that links embed.js from a CDN: no import, the types by reference.
    write("script.ts", `/// <reference types="cancel-flow" />
const cfg: CancelFlow.Config = { schema: "cancel-flow/config@1", flow_id: "f", endpoint: "/api", customer: { id: "c" }, plan: { id: "p" }, fallback: { url: "/cancel" } };
CancelFlow.open(cfg).then((o: CancelFlow.Outcome) => o.result.type);
document.querySelector("cancel-flow")?.addEventListener("cancel-flow:step", (e) => e.detail.step);
`);
    const projects = {
      "bundler.json": { compilerOptions: { ...compilerOptions, module: "esnext", moduleResolution: "bundler" }, files: ["shop.ts", "configs.ts"] },
      "node16.json": { compilerOptions: { ...compilerOptions, module: "node16", moduleResolution: "node16" }, files: ["shop.ts"] },
      "script.json": { compilerOptions: { ...compilerOptions, module: "esnext", moduleResolution: "bundler" }, files: ["script.ts"] },
    };
    const results = await Promise.all(Object.entries(projects).map(async ([name, config]) => {
      write(name, JSON.stringify(config));
      try {
        await run("node", [TSC, "-p", path.join(dir, name)], { cwd: dir });
        return [name, "ok"];
      } catch (e) {
        return [name, e.stdout + e.stderr];
      }
    }));
    expect(Object.fromEntries(results)).toEqual({ "bundler.json": "ok", "node16.json": "ok", "script.json": "ok" });
  });
});

test.describe("pinned by Subresource Integrity", () => {
  const prefix = `/cancel-flow@${version}/`;

  test("the printed sha384 is embed.js's; Chromium runs it pinned, and a wrong hash blocks it", async ({ page }) => {
    const hash = printed.match(/^\s+embed\.js\s+(sha384-[A-Za-z0-9+/=]+)$/m)?.[1];
    expect(hash).toBe(sri(path.join(pkgDir, "embed.js")));
    expect(printed).toContain(`<script type="module" src="https://cdn.example/cancel-flow@${version}/embed.js" integrity="${hash}" crossorigin="anonymous"></script>`);
    const integrity = JSON.parse(fs.readFileSync(path.join(pkgDir, "integrity.json"), "utf8"));
    expect(integrity).toMatchObject({ name: "cancel-flow", version, algorithm: "sha384" });
    for (const [f, h] of Object.entries(integrity.files)) expect(h, f).toBe(sri(path.join(pkgDir, f)));
    for (const f of ["cancel-flow.js", "cancel-flow_bg.wasm", "cancel-flow.css", "i18n/de.json"]) expect(printed).toContain(integrity.files[f]);

    const s = await startServer({ dist: pkgDir, prefix });
    try {
      const pageWith = (name, h) =>
        s.page(name, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>pinned</title>
<script type="module" src="${prefix}embed.js" integrity="${h}" crossorigin="anonymous" onerror="window.__blocked = true"></script></head>
<body><cancel-flow></cancel-flow></body></html>`);
      const messages = [];
      page.on("console", (m) => messages.push(m.text()));
      await page.goto(s.origin + pageWith("right", hash));
      await page.waitForFunction(() => typeof window.CancelFlow?.open === "function" && !!customElements.get("cancel-flow"));
      expect(await page.evaluate(() => window.__blocked ?? false)).toBe(false);

      const wrong = "sha384-" + crypto.createHash("sha384").update("not embed.js").digest("base64");
      await page.goto(s.origin + pageWith("wrong", wrong));
      await page.waitForFunction(() => window.__blocked === true);
      expect(await page.evaluate(() => [typeof window.CancelFlow, typeof customElements.get("cancel-flow")])).toEqual(["undefined", "undefined"]);
      expect(messages.join("\n")).toMatch(/integrity/i);
    } finally {
      s.close();
    }
  });

  test("from another origin (a CDN with CORS and precompressed copies) the pinned widget opens, an import map pins the glue, and every file matches integrity.json", async ({ page }) => {
    // The CDN: the installed package's files under a versioned, immutable path, with CORS
    // (module scripts, the glue's import, the wasm and catalog fetches are all CORS requests).
    const cdn = http.createServer((req, res) => {
      const rel = decodeURIComponent(new URL(req.url, "http://x").pathname).slice(prefix.length);
      const file = path.join(pkgDir, path.normalize(rel));
      if (!req.url.startsWith(prefix) || !file.startsWith(pkgDir) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
        res.writeHead(404, { "access-control-allow-origin": "*" });
        return res.end();
      }
      const type = { ".js": "text/javascript", ".wasm": "application/wasm", ".css": "text/css", ".json": "application/json" }[path.extname(file)] || "application/octet-stream";
      const copy = precompressed(file, String(req.headers["accept-encoding"] || ""));
      const headers = { "content-type": type, "access-control-allow-origin": "*", "cache-control": "public, max-age=31536000, immutable", vary: "Accept-Encoding" };
      if (copy) headers["content-encoding"] = copy.encoding;
      res.writeHead(200, headers);
      res.end(fs.readFileSync(copy ? copy.file : file));
    });
    await new Promise((r) => cdn.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${cdn.address().port}${prefix}`;
    const s = await startServer({ dist: pkgDir, prefix: "/unused/" });
    try {
      const integrity = JSON.parse(fs.readFileSync(path.join(pkgDir, "integrity.json"), "utf8")).files;
      const cfg = { ...fixture("meal-box"), endpoint: "/api/pinned/outcome" };
      // embed.js pinned by its integrity attribute, the glue it imports by the import
      // map's `integrity` (the wasm, stylesheet and catalogs: by the versioned path only).
      const pinned = (glue) =>
        hostPage({ cfg, attrs: 'display="inline" locale="de"', head: `<script type="importmap">${JSON.stringify({ integrity: { [base + "cancel-flow.js"]: glue } })}</script>${RECORD_EVENTS}` }).replace(
          '<script type="module" src="/cancel-flow/embed.js"></script>',
          `<script type="module" src="${base}embed.js" integrity="${integrity["embed.js"]}" crossorigin="anonymous"></script>`,
        );
      const fromCdn = [];
      page.on("response", (r) => { if (r.url().startsWith(base)) fromCdn.push(`${r.status()} ${r.url().slice(base.length)}`); });
      await page.goto(s.origin + s.page("cdn", pinned(integrity["cancel-flow.js"])));
      const r = page.locator("cancel-flow");
      await expect(dialog(r)).toHaveAttribute("data-step", "survey");
      await expect(dialog(r)).toHaveAttribute("lang", /^de/);
      for (const f of ["embed.js", "cancel-flow.js", "cancel-flow_bg.wasm", "cancel-flow.css", "i18n/de.json"]) expect(fromCdn, f).toContain(`200 ${f}`);
      expect(await page.evaluate(() => __events.filter((e) => e.name === "error"))).toEqual([]);
      // A glue that is not the published one is refused: the load error and the fallback show.
      await page.goto(s.origin + s.page("cdn-wrong-glue", pinned(integrity["cancel-flow.css"])));
      await expect(page.locator("cancel-flow [part~=fallback]")).toBeVisible();
      // (An upgraded inline element dispatches this error twice today: embed.js boots it
      // from attributeChangedCallback and again from connectedCallback.)
      expect([...new Set(await page.evaluate(() => __events.map((e) => `${e.name} ${e.detail.kind}`)))]).toEqual(["error load"]);
      // What embed.js would do with the hashes (fetch with `integrity`): each file of
      // integrity.json passes as served (compressed copies included); a wrong hash fails.
      const checked = await page.evaluate(async ({ base, integrity }) => {
        const out = {};
        for (const [f, h] of Object.entries(integrity)) {
          out[f] = await fetch(base + f, { integrity: h, mode: "cors" }).then((x) => x.ok, (e) => e.name);
        }
        out.wrong = await fetch(base + "cancel-flow_bg.wasm", { integrity: integrity["embed.js"] }).then((x) => x.ok, (e) => e.name);
        return out;
      }, { base, integrity });
      expect(checked).toEqual({ ...Object.fromEntries(Object.keys(integrity).map((f) => [f, true])), wrong: "TypeError" });
    } finally {
      s.close();
      cdn.closeAllConnections();
      cdn.close();
    }
  });
});
