// A cold click with a config given by URL (contract 1.2, a config served by the
// collector): click -> first step painted, the page timing itself as bench/run.mjs does
// cold, with the config answered `delay` ms after it was asked (the collector's round
// trip and work). Several builds are measured interleaved on one machine, so that the
// medians compare them (builds before 1.2 fetched the config after the wasm had booted;
// embed.js now requests it beside the glue and the wasm). Each build is also measured with
// the same config inline, in the same loop, so the two medians compare a served config
// with an inline one (the difference should be about one round trip plus `delay`).
//   node bench/cold-url.mjs <delay-ms> <runs> <dist> [<other dist> ...]
import path from "node:path";
import { startServer } from "../tools/server.mjs";
import { launch, fixture } from "../tests/e2e/harness.mjs";

const delay = Number(process.argv[2] || 0);
const runs = Number(process.argv[3] || 11);
const dists = process.argv.slice(4).map((d) => path.resolve(d));
if (!dists.length) dists.push(path.resolve("dist"));
const cfg = { ...fixture("meal-box"), endpoint: "/api/bench/outcome" };
const PAINTED = "bench:first-step-painted";
const pageFor = (element) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><script>window.__b={}</script><script type="module" src="/cancel-flow/embed.js"></script></head><body>
<h1>Subscription</h1>${element}<script type="module">customElements.whenDefined("cancel-flow").then(()=>{const b=document.querySelector("cancel-flow").shadowRoot.querySelector("[part~=trigger]");__b.click=performance.now();b.click();
const shown=()=>{const d=document.querySelector("cancel-flow").shadowRoot?.querySelector("[part~=dialog][data-step=survey]");return d&&d.getBoundingClientRect().height>0},
f=()=>requestAnimationFrame(()=>shown()?(__b.painted=performance.now(),console.debug("${PAINTED}")):f());f()})</script></body></html>`;
const PAGES = {
  url: pageFor(`<cancel-flow config="/flow-config.json" token="bench-token"></cancel-flow>`),
  inline: pageFor(`<cancel-flow><script type="application/json">${JSON.stringify(cfg).replace(/</g, "\\u003c")}</script></cancel-flow>`),
};
const answer = (req, res) => setTimeout(() => {
  res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(cfg));
}, delay);
const servers = await Promise.all(dists.map((dist) => startServer({ dist, routes: { "/flow-config.json": answer } })));
const browser = await launch();
const times = dists.map(() => ({ url: [], inline: [] }));
for (let i = 0; i < runs; i++) {
  for (const [k, server] of servers.entries()) {
    for (const mode of ["url", "inline"]) {
      const ctx = await browser.newContext();
      const p = await ctx.newPage();
      const painted = p.waitForEvent("console", { predicate: (m) => m.text() === PAINTED, timeout: 15_000 });
      await p.goto(server.origin + server.page(`cold-${mode}-${i}`, PAGES[mode]), { waitUntil: "load" });
      await painted;
      times[k][mode].push(await p.evaluate(() => __b.painted - __b.click));
      await ctx.close();
    }
  }
}
await browser.close();
servers.forEach((s) => s.close());
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)].toFixed(1);
dists.forEach((d, k) => console.log(`${path.relative(process.cwd(), d) || "."}: click -> first step painted, cold, median of ${runs}: ` +
  `config by URL answered after ${delay} ms ${median(times[k].url)} ms; the same config inline ${median(times[k].inline)} ms`));
