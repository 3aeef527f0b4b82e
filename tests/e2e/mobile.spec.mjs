// Mobile: 320 px wide and 200% zoom without horizontal scrolling, a full-height sheet
// on narrow screens, touch targets of at least 24 by 24 px, and [part=cancel] visible
// without scrolling on every step before confirm (and [part=confirm] on confirm).
import { test, expect } from "./fixtures.mjs";
import { fixture, part, dialog, hostPage } from "./harness.mjs";

const meal = (t) => ({ ...fixture("meal-box"), endpoint: t.endpoint });

async function noHorizontalScroll(p, r, label) {
  const doc = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(doc, `${label}: the page scrolls sideways by ${doc}px`).toBeLessThanOrEqual(0);
  const inner = await r.evaluate((h) => [...h.shadowRoot.querySelectorAll("[part~=dialog], .body")].map((e) => e.scrollWidth - e.clientWidth));
  expect(inner.every((d) => d <= 0), `${label}: the dialog scrolls sideways (${inner})`).toBe(true);
}

async function inView(p, r, name) {
  const box = await part(r, name).first().boundingBox();
  const vh = p.viewportSize().height;
  return box && box.y >= 0 && box.y + box.height <= vh;
}

async function smallTargets(r) {
  return r.evaluate((h) => [...h.shadowRoot.querySelectorAll("button, a, [part~=reason], [part~=option], [part~=effective], [part~=keep-in-touch], input, textarea")]
    .filter((e) => e.getClientRects().length && !e.closest("[hidden]"))
    .map((e) => { const b = e.getBoundingClientRect(); return [e.getAttribute("part") || e.tagName, Math.round(b.width), Math.round(b.height)]; })
    .filter(([, w, h]) => w < 24 || h < 24));
}

async function walk(t, viewport, check) {
  const ctx = await t.browser.newContext({ viewport });
  const p = await ctx.newPage();
  await p.goto(t.server.origin + t.server.page(`${t.bucket}-${viewport.width}`, hostPage({ cfg: meal(t) })));
  const r = p.locator("cancel-flow");
  await part(r, "trigger").click();
  for (const s of ["survey", "offers", "confirm"]) {
    await expect(dialog(r)).toHaveAttribute("data-step", s);
    await check(p, r, s);
    if (s === "survey") { await r.locator('[part~="reason"][data-reason-id="too_expensive"]').click(); await part(r, "next").click(); }
    if (s === "offers") await part(r, "cancel").click();
  }
  await part(r, "confirm").click();
  await expect(dialog(r)).toHaveAttribute("data-step", "done");
  await check(p, r, "done");
  await ctx.close();
}

test.describe("mobile", () => {
  test("320 x 568: a full-height sheet, no sideways scrolling, cancel always in view", async ({ t }) => {
    await walk(t, { width: 320, height: 568 }, async (p, r, s) => {
      await noHorizontalScroll(p, r, s);
      const box = await part(r, "dialog").boundingBox();
      expect([box.x, box.y, box.width, box.height], `${s}: a full-height sheet`).toEqual([0, 0, 320, 568]);
      if (s === "survey" || s === "offers") expect(await inView(p, r, "cancel"), `${s}: [part=cancel] visible without scrolling`).toBe(true);
      if (s === "confirm") expect(await inView(p, r, "confirm"), "confirm visible without scrolling").toBe(true);
      expect(await smallTargets(r), `${s}: touch targets under 24 px`).toEqual([]);
    });
  });

  test("200% zoom (640 x 400 CSS px) has no sideways scrolling", async ({ t }) => {
    await walk(t, { width: 640, height: 400 }, async (p, r, s) => {
      await noHorizontalScroll(p, r, s);
      if (s === "survey" || s === "offers") expect(await inView(p, r, "cancel"), `${s}: cancel in view`).toBe(true);
    });
  });

  test("desktop keeps a centred dialog", async ({ t }) => {
    await walk(t, { width: 1280, height: 800 }, async (p, r, s) => {
      if (s !== "survey") return;
      const box = await part(r, "dialog").boundingBox();
      expect(Math.round(box.width)).toBe(560);
      expect(Math.abs(box.x + box.width / 2 - 640) <= 1, "centred").toBe(true);
    });
  });
});
