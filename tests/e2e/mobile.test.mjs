// Mobile: 320 px wide and 200% zoom without horizontal scrolling, a full-height sheet
// on narrow screens, touch targets of at least 24 by 24 px, and [part=cancel] visible
// without scrolling on every step before confirm (and [part=confirm] on confirm).
import { assert, fixture, part, waitStep, hostPage } from "./harness.mjs";

const meal = (t) => ({ ...fixture("meal-box"), endpoint: t.endpoint });

async function noHorizontalScroll(p, r, label) {
  const doc = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(doc <= 0, `${label}: the page scrolls sideways by ${doc}px`);
  const inner = await r.evaluate((h) => [...h.shadowRoot.querySelectorAll("[part~=dialog], .body")].map((e) => e.scrollWidth - e.clientWidth));
  assert.ok(inner.every((d) => d <= 0), `${label}: the dialog scrolls sideways (${inner})`);
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
    await waitStep(r, s);
    await check(p, r, s);
    if (s === "survey") { await r.locator('[part~="reason"][data-reason-id="too_expensive"]').click(); await part(r, "next").click(); }
    if (s === "offers") await part(r, "cancel").click();
  }
  await part(r, "confirm").click();
  await waitStep(r, "done");
  await check(p, r, "done");
  await ctx.close();
}

export const tests = {
  async "320 x 568: a full-height sheet, no sideways scrolling, cancel always in view"(t) {
    await walk(t, { width: 320, height: 568 }, async (p, r, s) => {
      await noHorizontalScroll(p, r, s);
      const box = await part(r, "dialog").boundingBox();
      assert.deepEqual([box.x, box.y, box.width, box.height], [0, 0, 320, 568], `${s}: a full-height sheet`);
      if (s === "survey" || s === "offers") assert.ok(await inView(p, r, "cancel"), `${s}: [part=cancel] visible without scrolling`);
      if (s === "confirm") assert.ok(await inView(p, r, "confirm"), "confirm visible without scrolling");
      assert.deepEqual(await smallTargets(r), [], `${s}: touch targets under 24 px`);
    });
  },

  async "200% zoom (640 x 400 CSS px) has no sideways scrolling"(t) {
    await walk(t, { width: 640, height: 400 }, async (p, r, s) => {
      await noHorizontalScroll(p, r, s);
      if (s === "survey" || s === "offers") assert.ok(await inView(p, r, "cancel"), `${s}: cancel in view`);
    });
  },

  async "desktop keeps a centred dialog"(t) {
    await walk(t, { width: 1280, height: 800 }, async (p, r, s) => {
      if (s !== "survey") return;
      const box = await part(r, "dialog").boundingBox();
      assert.equal(Math.round(box.width), 560);
      assert.ok(Math.abs(box.x + box.width / 2 - 640) <= 1, "centred");
    });
  },
};
