// Attributes changed after the element connected take effect at the next open (before
// or after the wasm mounted), never disturb a flow that is open, and `config`/`display`
// re-render at once; the element's internal state is out of a page script's reach.
import { test, expect } from "./fixtures.mjs";
import { fixture, part, dialog, hostPage, RECORD_EVENTS } from "./harness.mjs";

const meal = (t, over = {}) => ({ ...fixture("meal-box"), endpoint: t.endpoint, ...over });
const readyCount = (p) => p.evaluate(() => window.__events.filter((e) => e.name === "ready").length);
const setAttrs = (p, attrs) => p.evaluate((attrs) => { const el = document.querySelector("cancel-flow"); for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v); }, attrs);

/** Cancels in the open flow and returns the request that arrived at `bucket`. */
async function cancelVia(t, r, bucket, n = 1) {
  await part(r, "cancel").click();
  await part(r, "confirm").click();
  await expect(dialog(r)).toHaveAttribute("data-step", "done");
  await expect.poll(() => t.server.requests(bucket).length, { message: `${n} request(s) at ${bucket}` }).toBe(n);
  return t.server.requests(bucket)[n - 1];
}

test.describe("attributes", () => {
  test("attributes changed after connect, before the wasm mounted, apply at the first open", async ({ t }) => {
    // Hold the wasm back, so the element is connected (trigger shown) but not mounted.
    let release;
    const held = new Promise((r) => (release = r));
    await t.ctx.route(/cancel-flow_bg\.wasm$/, async (route) => { await held; await route.continue(); });
    const other = `${t.bucket}-new`;
    const p = await t.open(hostPage({ cfg: meal(t), before: RECORD_EVENTS }));
    const r = p.locator("cancel-flow");
    await expect(part(r, "trigger")).toBeVisible();
    expect(await readyCount(p), "not mounted yet").toBe(0);
    await setAttrs(p, { endpoint: `/api/${other}/outcome`, "customer-id": "cus_changed", "subscription-id": "sub_changed", locale: "de", token: "tok-new" });
    release();
    await part(r, "trigger").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "survey");
    await expect(dialog(r), "the changed locale").toHaveAttribute("lang", "de");
    const q = await cancelVia(t, r, other);
    expect(q.json.customer).toEqual({ id: "cus_changed", subscription_id: "sub_changed" });
    expect(q.json.locale).toBe("de");
    expect(q.headers.authorization).toBe("Bearer tok-new");
    expect(t.server.requests(t.bucket), "nothing at the old endpoint").toHaveLength(0);
  });

  test("attributes changed after the wasm mounted apply at the next open; the trigger's theme at once", async ({ t }) => {
    const other = `${t.bucket}-new`;
    const p = await t.open(hostPage({ cfg: meal(t), attrs: 'theme="light"', before: RECORD_EVENTS }));
    await p.emulateMedia({ colorScheme: "light" });
    const r = p.locator("cancel-flow");
    await expect.poll(() => readyCount(p), { message: "mounted" }).toBe(1);
    await setAttrs(p, { endpoint: `/api/${other}/outcome`, "customer-id": "cus_changed", locale: "de", theme: "dark" });
    await expect(part(r, "trigger"), "the trigger follows theme at once").toHaveAttribute("data-theme", "dark");
    expect(await part(r, "trigger").evaluate((b) => getComputedStyle(b).backgroundColor)).toBe("rgb(22, 27, 34)");
    expect(await readyCount(p), "nothing re-mounted before the open").toBe(1);
    await part(r, "trigger").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "survey");
    await expect(dialog(r), "the changed locale").toHaveAttribute("lang", "de");
    await expect(part(r, "cancel")).toHaveText("Abo kündigen");
    expect(await dialog(r).evaluate((d) => getComputedStyle(d).backgroundColor), "the changed theme").toBe("rgb(22, 27, 34)");
    const q = await cancelVia(t, r, other);
    expect(q.json.customer.id).toBe("cus_changed");
    expect(q.json.locale).toBe("de");
    expect(t.server.requests(t.bucket), "nothing at the old endpoint").toHaveLength(0);
  });

  test("a change while the flow is open does not disturb it, and applies at the next open", async ({ t }) => {
    const other = `${t.bucket}-new`;
    const { p, r } = await t.start(meal(t), { before: RECORD_EVENTS });
    await r.locator('[part~="reason"][data-reason-id="too_expensive"]').click();
    await part(r, "comment").fill("half-way through");
    await dialog(r).evaluate((d) => (d.dataset.mark = "same"));
    await setAttrs(p, { endpoint: `/api/${other}/outcome`, "customer-id": "cus_changed", locale: "de", theme: "dark", config: "/config/none.json", display: "inline" });
    // The open flow is the same element, on the same step, with what was typed.
    await expect(dialog(r)).toHaveAttribute("data-mark", "same");
    await expect(dialog(r)).toHaveAttribute("lang", "en");
    await expect(part(r, "comment")).toHaveValue("half-way through");
    expect(await readyCount(p)).toBe(1);
    // Back to what the page had, but for endpoint, customer and locale.
    await p.evaluate(() => { const el = document.querySelector("cancel-flow"); el.removeAttribute("config"); el.removeAttribute("display"); el.removeAttribute("theme"); });
    await expect(dialog(r)).toHaveAttribute("data-mark", "same");
    await part(r, "next").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "offers");
    const first = await cancelVia(t, r, t.bucket);
    expect(first.json.customer.id, "the open flow keeps its values").toBe("cus_1001");
    expect(first.json.survey).toEqual({ reason_id: "too_expensive", comment: "half-way through" });
    await part(r, "close").first().click();
    await expect(dialog(r)).toBeHidden();
    // The next open is a fresh flow with the new values.
    await part(r, "trigger").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "survey");
    await expect(dialog(r)).toHaveAttribute("lang", "de");
    await expect(dialog(r)).not.toHaveAttribute("data-mark", "same");
    const second = await cancelVia(t, r, other);
    expect(second.json.customer.id).toBe("cus_changed");
    expect(second.json.id).not.toBe(first.json.id);
    expect(t.server.requests(t.bucket), "one outcome at the old endpoint").toHaveLength(1);
  });

  test("config and display re-render at once", async ({ t }) => {
    const bad = meal(t, { flow: "sideways" });
    const p = await t.open(hostPage({ cfg: bad, before: RECORD_EVENTS }));
    const r = p.locator("cancel-flow");
    await expect(part(r, "error").first(), "the bad config's error").toBeVisible();
    await expect(part(r, "trigger"), "no dead trigger").toBeHidden();
    // A good config from a URL replaces it, and the trigger comes back.
    const url = t.server.config(t.bucket, meal(t, { flow_id: "fixed-flow" }));
    await setAttrs(p, { config: url });
    await expect(part(r, "trigger")).toBeVisible();
    await expect(part(r, "error")).toHaveCount(0);
    // Inline: the flow is shown in place, without a trigger.
    await setAttrs(p, { display: "inline" });
    await expect(part(r, "trigger")).toHaveCount(0);
    await expect(dialog(r)).toHaveAttribute("role", "region");
    await expect(dialog(r)).toHaveAttribute("data-step", "survey");
    const q = await cancelVia(t, r, t.bucket);
    expect(q.json.flow_id).toBe("fixed-flow");
    // And back to a modal with its trigger.
    await p.evaluate(() => document.querySelector("cancel-flow").removeAttribute("display"));
    await expect(part(r, "trigger")).toBeVisible();
    await part(r, "trigger").click();
    await expect(dialog(r)).toHaveAttribute("role", "dialog");
    await expect(dialog(r)).toHaveAttribute("data-step", "survey");
  });

  test("a page script cannot read or set the element's internal state", async ({ t }) => {
    const p = await t.open(hostPage({ cfg: meal(t), before: RECORD_EVENTS }));
    const r = p.locator("cancel-flow");
    await expect.poll(() => readyCount(p), { message: "mounted" }).toBe(1);
    const seen = await p.evaluate(() => {
      const el = document.querySelector("cancel-flow");
      const names = ["_handle", "_boot", "_booting", "_trigger", "_mount", "_api", "_source", "_loadFailed", "_onClose", "handle", "trigger", "mount", "api", "stale"];
      return {
        values: names.filter((n) => el[n] !== undefined),
        own: Object.getOwnPropertyNames(el),
        proto: Object.getOwnPropertyNames(Object.getPrototypeOf(el)).sort(),
      };
    });
    expect(seen).toEqual({ values: [], own: [], proto: ["attributeChangedCallback", "connectedCallback", "constructor", "disconnectedCallback", "open"] });
    // Setting look-alike members changes nothing: the flow opens and delivers as configured.
    await p.evaluate(() => {
      const el = document.querySelector("cancel-flow");
      const hijack = () => { window.__hijacked = true; };
      Object.assign(el, {
        _handle: { open: hijack, unmount: hijack }, _boot: hijack, _booting: Promise.resolve({ open: hijack }), _trigger: null,
        _mount: document.body, _api: { config: {}, resolve: hijack, reject: hijack }, _source: hijack,
      });
    });
    await part(r, "trigger").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "survey");
    const q = await cancelVia(t, r, t.bucket);
    expect(q.json.customer.id).toBe("cus_1001");
    expect(await p.evaluate(() => window.__hijacked)).toBe(undefined);
    await part(r, "close").first().click();
    await expect(part(r, "trigger"), "focus returns to the trigger").toBeFocused();
  });
});
