// Where the cold click's time goes: the page bench/run.mjs measures cold (the trigger is
// clicked the moment <cancel-flow> is defined, before any idle or load-time preload; the
// page watches every frame from the click), as milestones after the click and as the
// segments of the critical path: embed.js's reaction, fetch + compile + instantiate
// (Resource Timing for the glue, wasm, css and catalog), boot up to the config read, the
// first render (mount), the modal's opening and the paint. Nothing is added to the shipped
// files: an init script wraps what the path goes through (WebAssembly.*, the `catalog`
// option that boot() reads first, navigator.languages read right after the config,
// document.createElement, the `cancel-flow:ready` event, HTMLDialogElement#showModal).
//   node bench/trace-cold.mjs dist [runs] [--json]
import path from "node:path";
import { startServer } from "../tools/server.mjs";
import { launch, fixture } from "../tests/e2e/harness.mjs";

const dist = path.resolve(process.argv[2] || "dist");
const runs = Number(process.argv[3] || 9);
const median = (xs) => { const s = xs.filter((x) => x != null && !Number.isNaN(x)).sort((a, b) => a - b); return s.length ? +s[Math.floor(s.length / 2)].toFixed(1) : null; };

const INSTRUMENT = `(() => {
  const t = (window.__t = {}), now = () => performance.now();
  const mark = (k) => { if (!(k in t)) t[k] = now(); };
  const W = WebAssembly;
  for (const f of ["compileStreaming", "instantiateStreaming", "compile", "instantiate"]) {
    const orig = W[f];
    if (!orig) continue;
    W[f] = function (...a) {
      mark(f + ":start");
      return orig.apply(this, a).then((r) => (mark(f + ":end"), r));
    };
  }
  // embed.js's options object has no own "catalog": boot() reading it goes to the prototype.
  Object.defineProperty(Object.prototype, "catalog", { configurable: true,
    get() { mark("boot"); },
    set(v) { Object.defineProperty(this, "catalog", { value: v, writable: true, enumerable: true, configurable: true }); } });
  const langs = Object.getOwnPropertyDescriptor(Navigator.prototype, "languages");
  Object.defineProperty(Navigator.prototype, "languages", { configurable: true,
    get() { if ("boot" in t) mark("config read"); return langs.get.call(this); } });
  // Inside the mount: the first element the view creates.
  const ce = Document.prototype.createElement;
  Document.prototype.createElement = function (...a) { if ("config read" in t) mark("render:start"); return ce.apply(this, a); };
  addEventListener("cancel-flow:ready", () => mark("mounted"));
  const show = HTMLDialogElement.prototype.showModal;
  HTMLDialogElement.prototype.showModal = function () { mark("showModal"); return show.call(this); };
})();`;

const PAINTED = "cancel-flow-trace:painted";
const cfg = { ...fixture("meal-box"), endpoint: "/api/bench/outcome" };
cfg.survey = { ...cfg.survey, randomize: false };
const page = (json) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><script type="module" src="/cancel-flow/embed.js"></script></head><body>
<h1>Subscription</h1><cancel-flow><script type="application/json">${json}</script></cancel-flow>
<script type="module">customElements.whenDefined("cancel-flow").then(()=>{const b=document.querySelector("cancel-flow").shadowRoot.querySelector("[part~=trigger]");__t.click=performance.now();b.click();
const shown=()=>{const d=document.querySelector("cancel-flow").shadowRoot?.querySelector("[part~=dialog][data-step=survey]");return d&&d.getBoundingClientRect().height>0},
f=()=>requestAnimationFrame(()=>shown()?(__t.painting=performance.now(),console.debug("${PAINTED}")):f());f()})</script></body></html>`;

const server = await startServer({ dist });
const url = server.origin + server.page("trace-cold", page(JSON.stringify(cfg)));
const browser = await launch();

async function once() {
  const ctx = await browser.newContext();
  await ctx.addInitScript(INSTRUMENT);
  const p = await ctx.newPage();
  // The page watches every frame from the click and says when the step painted; nothing of
  // Playwright's touches the page before (its first evaluate injects a large script).
  const painted = p.waitForEvent("console", { predicate: (m) => m.text() === PAINTED, timeout: 15000 });
  await p.goto(url, { waitUntil: "load" });
  await painted;
  const out = await p.evaluate(async () => {
    const rt = {};
    for (const e of performance.getEntriesByType("resource")) {
      const f = new URL(e.name).pathname.split("/").pop();
      rt[f] = { start: e.startTime, req: e.requestStart, first: e.responseStart, end: e.responseEnd, bytes: e.transferSize };
    }
    // The wasm's compile time alone (its bytes from the HTTP cache-less server, compiled again).
    const bytes = await (await fetch(new URL("cancel-flow_bg.wasm", document.querySelector('script[src$="embed.js"]').src))).arrayBuffer();
    const c0 = performance.now();
    await WebAssembly.compile(bytes);
    return { t: { ...__t }, rt, compileAgain: performance.now() - c0 };
  });
  await ctx.close();
  return out;
}

const rows = [];
for (let i = 0; i < runs; i++) {
  const { t, rt, compileAgain } = await once();
  const c = t.click;
  const since = (x) => (x == null ? null : x - c);
  const f = (name) => rt[name] ?? {};
  const catalog = Object.keys(rt).find((n) => /^[a-z]{2,3}(-[A-Za-z]+)?\.json$/.test(n));
  const wasmReady = t["instantiateStreaming:end"] ?? t["instantiate:end"];
  // Milestones, ms after the click.
  rows.push({
    "glue requested": since(f("cancel-flow.js").start),
    "wasm requested": since(f("cancel-flow_bg.wasm").start),
    "css requested": since(f("cancel-flow.css").start),
    "css arrived (last byte)": since(f("cancel-flow.css").end),
    "glue arrived (last byte)": since(f("cancel-flow.js").end),
    "glue evaluated, wasm instantiation called": since(t["instantiateStreaming:start"] ?? t["instantiate:start"]),
    "wasm arrived (last byte)": since(f("cancel-flow_bg.wasm").end),
    "wasm compiled + instantiated": since(wasmReady),
    "boot() entered (options read)": since(t.boot),
    "config read (locale lookup)": since(t["config read"]),
    "catalog arrived": catalog ? since(rt[catalog].end) : null,
    "first element created": since(t["render:start"]),
    "mounted (cancel-flow:ready)": since(t.mounted),
    "dialog.showModal()": since(t.showModal),
    "rAF of the frame that paints the step": since(t.painting),
    "(click at, since navigation start)": c,
    "= embed.js reaction (click → first request)": since(Math.min(f("cancel-flow.js").start, f("cancel-flow_bg.wasm").start)),
    "= fetch, compile, instantiate (→ wasm ready)": wasmReady - Math.min(f("cancel-flow.js").start, f("cancel-flow_bg.wasm").start),
    "= boot and config read (→ config read)": t["config read"] - wasmReady,
    "= locale, catalog, first render (→ mounted)": t.mounted - t["config read"],
    "= open (→ showModal)": t.showModal - t.mounted,
    "= paint (→ rAF of the painting frame)": t.painting - t.showModal,
    "= TOTAL click → first step painted": since(t.painting),
    "(compile alone: WebAssembly.compile of the bytes again)": compileAgain,
  });
}
await browser.close();
server.close();

const keys = Object.keys(rows[0]);
console.log(`cold click → first step, ${runs} runs, medians (ms), ${dist}`);
console.log("  milestones, ms after the click:");
for (const k of keys.filter((k) => !k.startsWith("="))) console.log(`    ${k.padEnd(56)} ${String(median(rows.map((r) => r[k]))).padStart(7)}`);
console.log("  the critical path, segment by segment (medians of each; their sum need not be the total's median):");
for (const k of keys.filter((k) => k.startsWith("="))) console.log(`    ${k.slice(2).padEnd(56)} ${String(median(rows.map((r) => r[k]))).padStart(7)}`);
if (process.argv.includes("--json")) console.log(JSON.stringify(rows));
