// A config given by URL (contract 1.2: a config served by the collector). embed.js
// requests it itself, together with the glue and the wasm (at idle, on hover or focus,
// or on click), with the token as a bearer and no cookies, once per element until its
// `config` or `token` changes. A config that cannot be loaded (an answer other than 200,
// not JSON, a network error, no answer in 10 s) is a config error: the shop's
// `fallback-url` / `fallback-email` are shown and `cancel-flow:error` says why. The
// config's `served` block is echoed, last, in the outcome.
import path from "node:path";
import { test, expect } from "./fixtures.mjs";
import { fixture, part, dialog, hostPage, RECORD_EVENTS } from "./harness.mjs";
import { startServer } from "../../tools/server.mjs";

const meal = (t, over = {}) => ({ ...fixture("meal-box"), endpoint: t.endpoint, ...over });
const SERVED = { flow_version: 7, experiment: { id: "winter-offers", variant: "b" } };
// The shop's fallback, unlike the config's own (https://shop.example/account/cancel-form, help@shop.example).
const SHOP_FALLBACK = 'fallback-url="/account/cancel-form" fallback-email="support@shop.example"';
// No idle callback ever comes, so only hover, focus or a click load the flow.
const NO_IDLE = "window.requestIdleCallback = () => 0;";
const WASM = /\/cancel-flow_bg\.wasm$/;

const events = (p, name) => p.evaluate((n) => window.__events.filter((e) => e.name === n).map((e) => e.detail), name);
const setAttrs = (p, attrs) => p.evaluate((attrs) => { const el = document.querySelector("cancel-flow"); for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v); }, attrs);

/** Cancels in two clicks in the open flow and returns the POST that arrived. */
async function cancelAndPost(t, r, n = 1) {
  await part(r, "cancel").click();
  await part(r, "confirm").click();
  await expect(dialog(r)).toHaveAttribute("data-step", "done");
  return (await t.posts(n))[n - 1];
}

/** A page whose element's config URL cannot be loaded: the error event, the box, its fallback links. */
async function unloadable(t, url, attrs = SHOP_FALLBACK) {
  const p = await t.open(hostPage({ cfg: undefined, attrs: `config="${url}" ${attrs}`, before: RECORD_EVENTS }));
  const r = p.locator("cancel-flow");
  await expect.poll(() => events(p, "error"), { message: "cancel-flow:error", timeout: 15_000 }).toHaveLength(1);
  const [error] = await events(p, "error");
  await expect(part(r, "error").first(), "the config error box").toBeVisible();
  await expect(part(r, "trigger"), "no dead trigger").toBeHidden();
  const links = await part(r, "fallback").locator("a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  return { p, r, error, links };
}

test.describe("config from a URL", () => {
  test("with a token: Authorization: Bearer, no cookies; without: a plain GET with them, as before; served is echoed last", async ({ t }) => {
    await t.ctx.addCookies([{ name: "sid", value: "shop-session", url: t.server.origin }]);
    const url = t.server.config(t.bucket, meal(t, { served: SERVED }));
    const { p, r } = await t.start(undefined, { attrs: `config="${url}" token="tok-123"` });
    const [q] = t.server.configRequests(t.bucket);
    expect(q.method).toBe("GET");
    expect(q.headers.authorization).toBe("Bearer tok-123");
    expect(q.headers.cookie, "no cookies with a token").toBeUndefined();
    expect(q.headers["sec-fetch-mode"]).toBe("cors");
    const post = await cancelAndPost(t, r);
    expect(post.headers.authorization, "the outcome carries the token too").toBe("Bearer tok-123");
    expect(post.json.served).toEqual(SERVED);
    expect(Object.keys(post.json).at(-1), "served is the last field").toBe("served");
    expect(post.raw.endsWith(`"elapsed_ms":${post.json.elapsed_ms},"served":${JSON.stringify(SERVED)}}`), post.raw).toBe(true);
    await p.close();

    // Without a token: the same GET as before 1.2 (same-origin credentials), and a config
    // without served gives an outcome without it.
    const plain = t.server.config(`${t.bucket}-plain`, meal(t));
    const second = await t.start(undefined, { attrs: `config="${plain}"` });
    const [g] = t.server.configRequests(`${t.bucket}-plain`);
    expect(g.headers.authorization).toBeUndefined();
    expect(g.headers.cookie).toBe("sid=shop-session");
    const post2 = await cancelAndPost(t, second.r, 2);
    expect("served" in post2.json, "no served without one in the config").toBe(false);
    expect(Object.keys(post2.json).at(-1)).toBe("elapsed_ms");
  });

  test("from the collector's origin: a CORS request with the bearer, no cookies", async ({ t }) => {
    const seen = [];
    const collector = await startServer({
      dist: path.resolve(process.env.CANCEL_FLOW_DIST || "dist"),
      routes: {
        "/v1/flows/box/config": (req, res) => {
          seen.push({ method: req.method, headers: req.headers });
          const cors = { "access-control-allow-origin": t.server.origin, vary: "Origin" };
          if (req.method === "OPTIONS") {
            res.writeHead(204, { ...cors, "access-control-allow-methods": "GET", "access-control-allow-headers": "authorization" });
            return res.end();
          }
          res.writeHead(200, { ...cors, "content-type": "application/json", "cache-control": "no-store" });
          res.end(JSON.stringify(meal(t)));
        },
      },
    });
    try {
      // Cookies are not per port: one set for 127.0.0.1 would go to the collector too.
      await t.ctx.addCookies([{ name: "sid", value: "shop-session", url: collector.origin }]);
      const { r } = await t.start(undefined, { attrs: `config="${collector.origin}/v1/flows/box/config" token="tok-cors"` });
      const get = seen.find((q) => q.method === "GET");
      expect(seen.some((q) => q.method === "OPTIONS"), "a preflight for the Authorization header").toBe(true);
      expect(get.headers.authorization).toBe("Bearer tok-cors");
      expect(get.headers.origin).toBe(t.server.origin);
      expect(get.headers.cookie, "no cookies").toBeUndefined();
      await expect(dialog(r)).toHaveAttribute("data-step", "survey");
    } finally {
      collector.close();
    }
  });

  test("the config request starts with the glue and the wasm, while the wasm is still downloading", async ({ t }) => {
    await t.ctx.addInitScript(NO_IDLE);
    let release, wasmAsked = 0, wasmDone = false;
    const held = new Promise((r) => (release = r));
    await t.ctx.route(WASM, async (route) => { wasmAsked++; await held; await route.continue(); wasmDone = true; });
    const url = t.server.config(t.bucket, meal(t));
    const p = await t.open(hostPage({ cfg: undefined, attrs: `config="${url}" token="tok"`, before: RECORD_EVENTS }));
    const r = p.locator("cancel-flow");
    await expect(part(r, "trigger")).toBeVisible();
    await p.waitForLoadState("load");
    await p.waitForTimeout(200);
    expect(t.server.configRequests(t.bucket), "nothing before idle or interaction").toHaveLength(0);
    expect(wasmAsked).toBe(0);
    await part(r, "trigger").hover();
    await expect.poll(() => t.server.configRequests(t.bucket).length, { message: "the config requested on hover" }).toBe(1);
    expect(wasmAsked, "the wasm requested in the same moment").toBe(1);
    expect(wasmDone, "the wasm has not finished downloading").toBe(false);
    expect(await events(p, "ready"), "nothing mounted yet").toHaveLength(0);
    release();
    await part(r, "trigger").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "survey");
    expect(t.server.configRequests(t.bucket), "still one request").toHaveLength(1);
  });

  test("once per element: re-opening and other attribute changes reuse the answer; a new token or config asks again", async ({ t }) => {
    const url = t.server.config(t.bucket, meal(t));
    const p = await t.open(hostPage({ cfg: undefined, attrs: `config="${url}" token="t1"`, before: RECORD_EVENTS }));
    const r = p.locator("cancel-flow");
    const asked = () => t.server.configRequests(t.bucket);
    await expect.poll(async () => (await events(p, "ready")).length, { message: "mounted at idle" }).toBe(1);
    await part(r, "trigger").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "survey");
    await p.keyboard.press("Escape");
    await expect(dialog(r)).toBeHidden();
    await part(r, "trigger").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "survey");
    await p.keyboard.press("Escape");
    await expect(dialog(r)).toBeHidden();
    expect(asked(), "re-opened: one request").toHaveLength(1);
    // Another attribute: the next open re-mounts the flow (a second ready), from the same answer.
    await setAttrs(p, { endpoint: `/api/${t.bucket}-2/outcome`, locale: "de" });
    await part(r, "trigger").click();
    await expect(dialog(r)).toHaveAttribute("lang", "de");
    expect(await events(p, "ready")).toHaveLength(2);
    await p.keyboard.press("Escape");
    await expect(dialog(r)).toBeHidden();
    // display re-renders at once: a third mount, still one request.
    await setAttrs(p, { display: "inline" });
    await expect(dialog(r)).toHaveAttribute("role", "region");
    expect(await events(p, "ready")).toHaveLength(3);
    expect(asked(), "re-mounted twice: still one request").toHaveLength(1);
    // A new token asks again, at once, with that token; and the flow sends it.
    await setAttrs(p, { token: "t2" });
    await expect.poll(() => asked().length, { message: "a second request for the new token" }).toBe(2);
    expect(asked()[1].headers.authorization).toBe("Bearer t2");
    await expect.poll(async () => (await events(p, "ready")).length).toBe(4);
    await part(r, "cancel").click();
    await part(r, "confirm").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "done");
    const cancelled = () => t.server.requests(`${t.bucket}-2`).filter((q) => q.json?.result?.type === "cancelled");
    await expect.poll(() => cancelled().length, { message: "the cancellation posted" }).toBe(1);
    expect(cancelled()[0].headers.authorization, "the outcome carries the new token").toBe("Bearer t2");
    // The same token again changes nothing; another config URL is asked once.
    await setAttrs(p, { token: "t2" });
    const other = t.server.config(`${t.bucket}-other`, meal(t, { flow_id: "other-flow" }));
    await setAttrs(p, { config: other });
    await expect.poll(async () => (await events(p, "ready")).at(-1)?.flow_id).toBe("other-flow");
    expect(asked()).toHaveLength(2);
    expect(t.server.configRequests(`${t.bucket}-other`)).toHaveLength(1);
  });

  test("every way a config cannot load shows the shop's fallback and a config error naming why", async ({ t }) => {
    const cases = [
      ["500", t.server.config(`${t.bucket}-500`, { error: "boom" }, { status: 500 }), "the server answered 500"],
      ["503", t.server.config(`${t.bucket}-503`, "", { status: 503 }), "the server answered 503"],
      ["404", `/config/${t.bucket}-missing.json`, "the server answered 404"],
      ["not JSON", t.server.config(`${t.bucket}-html`, "<!doctype html><p>Sign in</p>", { type: "text/html" }), "the answer is not JSON"],
      ["empty", t.server.config(`${t.bucket}-empty`, ""), "the answer is not JSON"],
      ["network", "/config-network-error.json", "a network error, or the server's CORS does not allow this page"],
    ];
    await t.ctx.route(/\/config-network-error\.json$/, (route) => route.abort("connectionrefused"));
    for (const [name, url, why] of cases) {
      t.consoleErrors.length = 0;
      const { error, links } = await unloadable(t, url);
      const message = `config: could not load ${url} (${why})`;
      expect(error, name).toEqual({ kind: "config", message });
      expect(links, `${name}: the shop's fallback`).toEqual(["/account/cancel-form", "mailto:support@shop.example"]);
      expect(t.consoleErrors, `${name}: logged`).toContain(`cancel-flow: ${message}`);
    }
  });

  test("no answer within 10 s is a config error with the shop's fallback", async ({ t }) => {
    const url = t.server.config(`${t.bucket}-hang`, meal(t), { hang: true });
    const started = Date.now();
    const { p, r, error, links } = await unloadable(t, url, 'display="inline" fallback-email="support@shop.example"');
    const asked = t.server.configRequests(`${t.bucket}-hang`)[0].t;
    expect(Date.now() - asked, "not before 10 s").toBeGreaterThanOrEqual(9_500);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(error).toEqual({ kind: "config", message: `config: could not load ${url} (no answer in 10 s)` });
    expect(links).toEqual(["mailto:support@shop.example"]);
    // The fallback attributes re-render the box at once, from the same (failed) request.
    await setAttrs(p, { "fallback-url": "https://shop.example/cancel" });
    await expect(part(r, "fallback").locator("a").first()).toHaveAttribute("href", "https://shop.example/cancel");
    expect(t.server.configRequests(`${t.bucket}-hang`)).toHaveLength(1);
  });

  test("a config that can be read names its own fallback, which wins over the shop's", async ({ t }) => {
    const bad = meal(t);
    bad.offers.pause.options[0].count = 0;
    const read = await unloadable(t, t.server.config(`${t.bucket}-bad`, bad));
    expect(read.error.message).toBe("offers.pause.options[0].count: must be a whole number from 1 to 52");
    expect(read.links, "the config's fallback").toEqual(["https://shop.example/account/cancel-form", "mailto:help@shop.example"]);
    // A config without a usable fallback of its own: the shop's.
    const none = meal(t);
    delete none.fallback;
    const shop = await unloadable(t, t.server.config(`${t.bucket}-none`, none));
    expect(shop.error.message).toBe("fallback: is required");
    expect(shop.links).toEqual(["/account/cancel-form", "mailto:support@shop.example"]);
    // Inline configs too.
    const p = await t.open(hostPage({ cfg: none, attrs: SHOP_FALLBACK }));
    await expect(part(p.locator("cancel-flow"), "fallback").locator("a").first()).toHaveAttribute("href", "/account/cancel-form");
  });

  test("unsafe fallback attributes are left out; the box still says to contact the shop", async ({ t }) => {
    const { r, links } = await unloadable(t, `/config/${t.bucket}-missing.json`, 'fallback-url="javascript:alert(1)" fallback-email="not an email"');
    expect(links).toEqual([]);
    await expect(part(r, "error").first()).toContainText("Please contact the shop to cancel.");
    const url = await unloadable(t, `/config/${t.bucket}-missing.json`, 'fallback-url="//evil.example/x" fallback-email="a@b.example"');
    expect(url.links).toEqual(["mailto:a@b.example"]);
  });

  test("the wasm load error box offers the shop's fallback, or the config's once it is known", async ({ t }) => {
    await t.ctx.route(WASM, (route) => route.fulfill({ status: 404, body: "" }));
    const url = t.server.config(t.bucket, "", { status: 503 });
    const p = await t.open(hostPage({ cfg: undefined, attrs: `config="${url}" display="inline" ${SHOP_FALLBACK}`, before: RECORD_EVENTS }));
    const r = p.locator("cancel-flow");
    await expect(part(r, "error")).toContainText("The cancellation form could not load.");
    const links = await part(r, "fallback").locator("a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    expect(links).toEqual(["/account/cancel-form", "mailto:support@shop.example"]);
    expect((await events(p, "error")).map((e) => e.kind)).toEqual(["load"]);
    // An inline config's own fallback wins.
    const q = await t.open(hostPage({ cfg: meal(t), attrs: `display="inline" ${SHOP_FALLBACK}` }));
    await expect(part(q.locator("cancel-flow"), "fallback").locator("a").first()).toHaveAttribute("href", "https://shop.example/account/cancel-form");
  });

  test("a browser without AbortSignal.timeout (Chromium before 103) still loads a config URL", async ({ t }) => {
    await t.ctx.addInitScript(() => { delete AbortSignal.timeout; });
    const url = t.server.config(t.bucket, meal(t, { served: SERVED }));
    const { p, r } = await t.start(undefined, { attrs: `config="${url}" token="tok"` });
    expect(await p.evaluate(() => typeof AbortSignal.timeout)).toBe("undefined");
    expect(t.server.configRequests(t.bucket)[0].headers.authorization).toBe("Bearer tok");
    expect((await cancelAndPost(t, r)).json.served).toEqual(SERVED);
  });

  test("an empty config attribute is none: the inline config is used and nothing is requested", async ({ t }) => {
    const requested = [];
    t.ctx.on("request", (q) => requested.push(new URL(q.url()).pathname));
    const { p, r } = await t.start(meal(t, { flow_id: "inline-flow" }), { attrs: 'config=""', before: RECORD_EVENTS });
    expect((await events(p, "ready")).map((e) => e.flow_id)).toEqual(["inline-flow"]);
    expect(requested.filter((u) => u.startsWith("/p/")), "the page itself, once").toHaveLength(1);
    await expect(dialog(r)).toHaveAttribute("data-step", "survey");
  });

  test("the JS API with a URL: a config that cannot load rejects with kind config", async ({ t }) => {
    const p = await t.open(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>app</title><script type="module" src="/cancel-flow/embed.js"></script></head><body><h1>App</h1></body></html>`);
    const url = t.server.config(t.bucket, "", { status: 503 });
    const err = await p.evaluate(async (url) => {
      await customElements.whenDefined("cancel-flow");
      try {
        await window.CancelFlow.open(url);
        return null;
      } catch (e) {
        return { name: e.name, kind: e.kind, message: e.message };
      }
    }, url);
    expect(err).toEqual({ name: "CancelFlowError", kind: "config", message: `config: could not load ${url} (the server answered 503)` });
    expect(t.server.configRequests(t.bucket)[0].headers.authorization).toBeUndefined();
  });
});
