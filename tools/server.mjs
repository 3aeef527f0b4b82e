// A small loopback HTTP server used by the demo (`make demo`) and by the end-to-end
// tests: serves a built dist/ under a prefix, host pages registered per test under
// /p/<name>, configs under /config/<name>.json (each request recorded; a config may answer
// with another status, or never), and a recording outcome endpoint at
// /api/<bucket>/outcome(s) whose behaviour a test can program (fail N times, always
// fail with a status, hang, Retry-After). /outcomes lists what arrived, as HTML.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const TYPES = {
  ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm",
  ".css": "text/css", ".html": "text/html; charset=utf-8", ".json": "application/json",
  ".png": "image/png", ".svg": "image/svg+xml",
};
/** The precompressed copy of `file` to send for this Accept-Encoding (brotli first), if any. */
export function precompressed(file, acceptEncoding) {
  const accepted = (name) => acceptEncoding.split(",").some((part) => {
    const [token, ...params] = part.trim().split(";");
    const q = params.map((x) => x.trim()).find((x) => x.startsWith("q="));
    return token.trim().toLowerCase() === name && (!q || Number(q.slice(2)) > 0);
  });
  for (const [encoding, suffix] of [["br", ".br"], ["gzip", ".gz"]]) {
    if (accepted(encoding) && fs.existsSync(file + suffix)) return { encoding, file: file + suffix };
  }
  return null;
}
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// `renderIndex(html, url)` rewrites the demo page on each request (`url`: the request's URL) (the demo shop mints a token
// there); `routes` maps a path to a handler `(req, res)` that wins over the built-in ones.
export function startServer({ dist, prefix = "/cancel-flow/", port = 0, host = "127.0.0.1", log = false, renderIndex, routes = {} }) {
  const root = path.resolve(dist);
  const pages = new Map();
  const configs = new Map();
  const buckets = new Map();
  const served = [];
  const bucket = (name) => {
    if (!buckets.has(name)) buckets.set(name, { behaviour: { mode: "ok" }, requests: [], seen: 0, hanging: [] });
    return buckets.get(name);
  };

  function serveFile(res, rel, acceptEncoding = "", url = null) {
    const file = path.join(root, path.normalize(rel || "index.html"));
    if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404);
      return res.end();
    }
    const headers = { "content-type": TYPES[path.extname(file)] || "application/octet-stream", "cache-control": "no-store" };
    let body;
    if (renderIndex && path.basename(file) === "index.html") {
      body = Buffer.from(renderIndex(fs.readFileSync(file).toString("utf8"), url));
    } else {
      // The copy tools/precompress.mjs wrote, when the browser accepts it (as nginx's
      // gzip_static/brotli_static and Caddy's `precompressed br gzip` do).
      const copy = precompressed(file, acceptEncoding);
      headers.vary = "Accept-Encoding";
      if (copy) headers["content-encoding"] = copy.encoding;
      body = fs.readFileSync(copy ? copy.file : file);
    }
    served.push({ url: rel, bytes: body.length, encoding: headers["content-encoding"] || "identity", t: Date.now() });
    headers["content-length"] = body.length;
    res.writeHead(200, headers);
    res.end(body);
  }

  function outcomesPage(res) {
    const rows = [];
    for (const [name, b] of buckets) {
      for (const r of b.requests) {
        rows.push(`<tr><td>${esc(name)}</td><td>${esc(new Date(r.t).toISOString())}</td><td>${esc(r.status)}</td><td>${esc(r.json?.result?.type ?? "?")}</td><td><pre>${esc(JSON.stringify(r.json ?? r.raw, null, 2))}</pre></td></tr>`);
      }
    }
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Outcomes received</title>
<style>body{font:15px/1.4 system-ui,sans-serif;margin:24px}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:6px;vertical-align:top;text-align:left}pre{margin:0;white-space:pre-wrap}</style></head>
<body><h1>Outcomes received by the shop's endpoint</h1><p><a href="/">Back to the shop</a> · ${rows.length} received · newest last</p>
<table><thead><tr><th>endpoint</th><th>received</th><th>answered</th><th>result</th><th>payload</th></tr></thead><tbody>${rows.join("")}</tbody></table></body></html>`);
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    const p = decodeURIComponent(url.pathname);
    if (log) console.log(req.method, p);
    if (routes[p]) return routes[p](req, res);
    const m = p.match(/^\/api\/([\w-]+)\/outcomes?$/);
    if (m) {
      const b = bucket(m[1]);
      if (req.method !== "POST") { res.writeHead(405); return res.end(); }
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        let json = null;
        try { json = JSON.parse(raw); } catch { /* kept raw */ }
        const entry = { method: req.method, headers: req.headers, raw, json, t: Date.now() };
        b.seen += 1;
        const beh = b.behaviour;
        let status = 200;
        if (beh.mode === "fail_first" && b.seen <= beh.n) status = beh.status || 503;
        else if (beh.mode === "always") status = beh.status || 503;
        else if (beh.mode === "hang" || (beh.mode === "hang_first" && b.seen <= beh.n)) {
          entry.status = "hang";
          b.requests.push(entry);
          b.hanging.push(res);
          return;
        }
        entry.status = status;
        b.requests.push(entry);
        const headers = { "content-type": "application/json" };
        if (beh.retryAfter && status >= 300) headers["retry-after"] = String(beh.retryAfter);
        res.writeHead(status, headers);
        res.end(JSON.stringify(status < 300 ? { ok: true } : { error: "test failure" }));
      });
      return;
    }
    if (p === "/outcomes") return outcomesPage(res);
    if (p === "/outcomes.json") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(JSON.stringify(Object.fromEntries([...buckets].map(([k, b]) => [k, b.requests.map((r) => r.json)]))));
    }
    if (p.startsWith("/p/")) {
      const page = pages.get(p.slice(3));
      if (!page) { res.writeHead(404); return res.end(); }
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", ...(page.headers || {}) });
      return res.end(page.html);
    }
    if (p.startsWith("/config/")) {
      const c = configs.get(p.slice(8).replace(/\.json$/, ""));
      if (c === undefined) { res.writeHead(404); return res.end(); }
      c.requests.push({ method: req.method, headers: req.headers, t: Date.now() });
      if (c.hang) return; // never answers: a config URL that times out
      res.writeHead(c.status, { "content-type": c.type, "cache-control": "no-store" });
      return res.end(c.body);
    }
    const accepts = String(req.headers["accept-encoding"] || "");
    if (p.startsWith(prefix)) return serveFile(res, p.slice(prefix.length), accepts, url);
    if (prefix === "/" ) return serveFile(res, p.slice(1), accepts, url);
    res.writeHead(404);
    res.end();
  });

  return new Promise((resolve) => {
    server.listen(port, host, () => {
      const addr = server.address();
      resolve({
        origin: `http://${host}:${addr.port}`,
        page(name, html, headers) { pages.set(name, { html, headers }); return `/p/${name}`; },
        /** Serves `obj` (or a string as it is) at /config/<name>.json: with `status` (200), `type` (JSON), or never answering (`hang`). */
        config(name, obj, opts = {}) {
          const body = typeof obj === "string" ? obj : JSON.stringify(obj);
          configs.set(name, { body, hang: !!opts.hang, status: opts.status || 200, type: opts.type || "application/json", requests: configs.get(name)?.requests || [] });
          return `/config/${name}.json`;
        },
        /** The requests /config/<name>.json received: method, headers, time. */
        configRequests(name) { return configs.get(name)?.requests || []; },
        behave(name, behaviour) { const b = bucket(name); b.behaviour = behaviour; b.seen = 0; },
        requests(name) { return bucket(name).requests; },
        served,
        close() { for (const b of buckets.values()) for (const r of b.hanging) r.destroy(); server.closeAllConnections?.(); server.close(); },
      });
    });
  });
}

// `node tools/server.mjs dist [port]`: the demo shop at http://127.0.0.1:<port>/.
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const dist = process.argv[2] || "dist";
  const port = Number(process.argv[3] || 8080);
  const s = await startServer({ dist, prefix: "/", port, log: true });
  console.log(`cancel-flow demo shop: ${s.origin}/   outcomes received: ${s.origin}/outcomes`);
}
