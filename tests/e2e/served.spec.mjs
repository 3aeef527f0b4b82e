// Bytes as served: dist/ carries a brotli and a zopfli gzip copy of every file it ships
// (tools/precompress.mjs, run by `make build`), each decoding to the file itself, and the
// demo server answers with the copy the browser accepts (brotli first), with
// `Vary: Accept-Encoding`; the widget loads and opens from the copies in Chromium.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { test, expect } from "./fixtures.mjs";
import { startServer } from "../../tools/server.mjs";

const dist = path.resolve(process.env.CANCEL_FLOW_DIST || "dist");
const WIDGET = ["embed.js", "cancel-flow.js", "cancel-flow_bg.wasm", "cancel-flow.css"];

test.describe("bytes as served", () => {
  test("every widget file has brotli and gzip copies that decode to it and are smaller", () => {
    for (const f of WIDGET) {
      const raw = fs.readFileSync(path.join(dist, f));
      const br = fs.readFileSync(path.join(dist, f + ".br"));
      const gz = fs.readFileSync(path.join(dist, f + ".gz"));
      expect(zlib.brotliDecompressSync(br).equals(raw), `${f}.br decodes to ${f}`).toBe(true);
      expect(zlib.gunzipSync(gz).equals(raw), `${f}.gz decodes to ${f}`).toBe(true);
      expect(br.length).toBeLessThan(gz.length);
      expect(gz.length).toBeLessThanOrEqual(zlib.gzipSync(raw, { level: 9 }).length);
    }
  });

  test("the server answers with the copy the client accepts", async () => {
    const s = await startServer({ dist, prefix: "/cancel-flow/" });
    try {
      const url = `${s.origin}/cancel-flow/cancel-flow_bg.wasm`;
      const raw = fs.readFileSync(path.join(dist, "cancel-flow_bg.wasm"));
      for (const [accept, encoding, suffix] of [["gzip, deflate, br", "br", ".br"], ["gzip", "gzip", ".gz"], ["br;q=0, gzip", "gzip", ".gz"], ["identity", null, ""]]) {
        // Node's fetch decodes what it is sent; the length header says what went on the wire.
        const r = await fetch(url, { headers: { "accept-encoding": accept } });
        expect(r.headers.get("content-encoding"), accept).toBe(encoding);
        expect(r.headers.get("vary")).toBe("Accept-Encoding");
        expect(r.headers.get("content-type")).toBe("application/wasm");
        expect(Number(r.headers.get("content-length"))).toBe(fs.statSync(path.join(dist, "cancel-flow_bg.wasm" + suffix)).size);
        expect(Buffer.from(await r.arrayBuffer()).equals(raw), `${accept}: the same bytes once decoded`).toBe(true);
      }
    } finally {
      await s.close();
    }
  });

  test("Chromium loads the widget from the compressed copies and opens it", async ({ page }) => {
    const s = await startServer({ dist, prefix: "/" });
    try {
      const wasm = page.waitForResponse((r) => r.url().endsWith("/cancel-flow_bg.wasm"));
      await page.goto(`${s.origin}/index.html`);
      await page.locator("cancel-flow [part~=trigger]").click();
      const r = await wasm;
      expect(["br", "gzip"]).toContain((await r.allHeaders())["content-encoding"]);
      await expect(page.locator("cancel-flow [part~=dialog]")).toBeVisible();
    } finally {
      await s.close();
    }
  });
});
