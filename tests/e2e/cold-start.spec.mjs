// The cold start (issue 13): a click before any preload fetches the glue, the wasm and
// the stylesheet side by side; nothing but embed.js loads before idle, hover/focus or a
// click (contract section 1: the wasm is fetched lazily); the first open shows the flow
// mounted before it, a re-open a fresh one; an inline element boots once; a wasm that
// cannot load still leaves the person the fallback, reported once.
import { test, expect } from "./fixtures.mjs";
import { fixture, part, dialog, hostPage, RECORD_EVENTS } from "./harness.mjs";

const meal = (t) => ({ ...fixture("meal-box"), endpoint: t.endpoint });
// No idle callback ever comes, so only hover, focus or a click load the flow.
const NO_IDLE = "window.requestIdleCallback = () => 0;";
const WASM = /\/cancel-flow_bg\.wasm$/;

/** The widget's requests in this test's context, by file name. */
function recordRequests(t) {
  const seen = [];
  t.ctx.on("request", (r) => seen.push(new URL(r.url()).pathname.split("/").pop()));
  return seen;
}

/** The page's Resource Timing entries (file, start, end), relative to the load event. */
const timings = (p) => p.evaluate(() => {
  const load = performance.getEntriesByType("navigation")[0].loadEventStart;
  return performance.getEntriesByType("resource").map((e) => ({ file: new URL(e.name).pathname.split("/").pop(), start: e.startTime - load, end: e.responseEnd - load }));
});

test.describe("cold start", () => {
  test("a click before any preload fetches the glue, the wasm and the stylesheet side by side", async ({ t }) => {
    await t.ctx.addInitScript(NO_IDLE);
    const seen = recordRequests(t);
    const p = await t.open(hostPage({ cfg: meal(t) }));
    const r = p.locator("cancel-flow");
    await expect(part(r, "trigger")).toBeVisible();
    await p.waitForLoadState("load");
    await p.waitForTimeout(200);
    expect(seen.filter((f) => f.startsWith("cancel-flow")), "nothing of the flow loaded before the click").toEqual([]);
    await part(r, "trigger").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "survey");
    const rt = await timings(p);
    const at = (f) => rt.find((e) => e.file === f);
    for (const f of ["cancel-flow.js", "cancel-flow_bg.wasm", "cancel-flow.css"]) expect(at(f), f).toBeTruthy();
    expect(at("cancel-flow_bg.wasm").start, "the wasm is requested before the glue has arrived").toBeLessThan(at("cancel-flow.js").end);
    expect(at("cancel-flow.css").start, "the stylesheet too").toBeLessThan(at("cancel-flow.js").end);
  });

  test("the first open shows the flow mounted at idle as it is; a re-open starts a fresh flow", async ({ t }) => {
    const p = await t.open(hostPage({ cfg: meal(t), before: RECORD_EVENTS }));
    const r = p.locator("cancel-flow");
    await expect.poll(() => p.evaluate(() => window.__events.filter((e) => e.name === "ready").length), { message: "mounted at idle" }).toBe(1);
    await part(r, "trigger").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "survey");
    await expect.poll(() => r.evaluate((host) => !!host.shadowRoot.activeElement?.matches("[data-focus-heading]")), { message: "focus on the step's heading" }).toBe(true);
    // A choice, a close without a decision (abandoned), a re-open: a fresh flow.
    await part(r, "reason").first().click();
    await expect(part(r, "reason").first().locator("input")).toBeChecked();
    await p.keyboard.press("Escape");
    await expect(part(r, "trigger")).toBeFocused();
    await expect(dialog(r)).toBeHidden();
    await part(r, "trigger").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "survey");
    await expect.poll(() => r.evaluate((host) => !!host.shadowRoot.activeElement?.matches("[data-focus-heading]")), { message: "focus on the heading again" }).toBe(true);
    // Nothing is pre-checked in the fresh flow (honesty rule 4): the earlier choice is gone.
    await expect(part(r, "reason").locator("input:checked")).toHaveCount(0);
    const events = await p.evaluate(() => window.__events.map((e) => e.name + (e.detail?.step ? ":" + e.detail.step : "")));
    expect(events).toEqual(["ready", "step:survey", "close", "step:survey"]);
    const [q] = await t.posts(1);
    expect(q.json.result.type, "the close without a decision").toBe("abandoned");
  });

  test("a direct flow re-opened after a close shows nothing checked: the opt-in and the reason are cleared", async ({ t }) => {
    const p = await t.open(hostPage({ cfg: { ...meal(t), flow: "direct" } }));
    const r = p.locator("cancel-flow");
    await part(r, "trigger").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "confirm");
    await part(r, "keep-in-touch").locator("input").check();
    await part(r, "reason").first().click();
    await p.keyboard.press("Escape");
    await expect(dialog(r)).toBeHidden();
    await part(r, "trigger").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "confirm");
    await expect(part(r, "keep-in-touch").locator("input")).not.toBeChecked();
    await expect(part(r, "reason").locator("input:checked")).toHaveCount(0);
  });

  test("a cold click mounts and opens once, with focus on the first step's heading", async ({ t }) => {
    await t.ctx.addInitScript(NO_IDLE);
    const p = await t.open(hostPage({ cfg: meal(t), before: RECORD_EVENTS }));
    const r = p.locator("cancel-flow");
    await part(r, "trigger").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "survey");
    await expect.poll(() => r.evaluate((host) => !!host.shadowRoot.activeElement?.matches("[data-focus-heading]")), { message: "focus on the heading" }).toBe(true);
    const events = await p.evaluate(() => window.__events.map((e) => e.name + (e.detail?.step ? ":" + e.detail.step : "")));
    expect(events).toEqual(["ready", "step:survey"]);
  });

  test("nothing loads before idle or interaction; a wasm that cannot load when the pointer nears the trigger shows the fallback at once", async ({ t }) => {
    await t.ctx.addInitScript(NO_IDLE);
    let asked = 0;
    await t.ctx.route(WASM, (route) => (asked++, route.fulfill({ status: 404, body: "" })));
    const p = await t.open(hostPage({ cfg: meal(t), before: RECORD_EVENTS }));
    await p.waitForLoadState("load");
    await p.waitForTimeout(200);
    expect(asked, "nothing but embed.js before idle or interaction").toBe(0);
    await p.locator("cancel-flow").hover();
    await expect.poll(() => asked, { message: "the wasm requested on hover" }).toBe(1);
    const r = p.locator("cancel-flow");
    await expect(part(r, "error")).toContainText("The cancellation form could not load.");
    await expect(part(r, "fallback").locator("a").first()).toHaveAttribute("href", meal(t).fallback.url);
    await expect(part(r, "trigger")).toBeHidden();
    const errors = await p.evaluate(() => window.__events.filter((e) => e.name === "error").map((e) => e.detail));
    expect(errors).toHaveLength(1);
    expect(errors[0].kind).toBe("load");
    expect(errors[0].message).toMatch(/^load: .*404/);
  });

  test("an inline element upgraded with its attributes boots once; a wasm that cannot load is reported once", async ({ t }) => {
    await t.ctx.route(WASM, (route) => route.fulfill({ status: 404, body: "" }));
    const p = await t.open(hostPage({ cfg: meal(t), attrs: 'display="inline"', before: RECORD_EVENTS }));
    const r = p.locator("cancel-flow");
    await expect(part(r, "error")).toContainText("The cancellation form could not load.");
    await p.waitForTimeout(300);
    const errors = await p.evaluate(() => window.__events.filter((e) => e.name === "error"));
    expect(errors, "one error event").toHaveLength(1);
    expect(await r.evaluate((host) => host.shadowRoot.querySelectorAll("[part=error]").length)).toBe(1);
  });
});
