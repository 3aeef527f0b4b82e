// Theming: every --cf-* variable, light/dark/auto, ::part() on every part, and the
// WCAG contrast of the default colours in light and dark.
import { test, expect } from "./fixtures.mjs";
import { fixture, part, dialog, hostPage } from "./harness.mjs";

const meal = (t) => ({ ...fixture("meal-box"), endpoint: t.endpoint });

const VARS = `cancel-flow {
  --cf-color-accent: rgb(1, 2, 3); --cf-color-accent-contrast: rgb(4, 5, 6); --cf-color-bg: rgb(250, 240, 230);
  --cf-color-fg: rgb(10, 20, 30); --cf-color-muted: rgb(70, 80, 90); --cf-color-border: rgb(100, 110, 120);
  --cf-color-danger: rgb(150, 0, 10); --cf-font-family: Georgia, serif; --cf-font-size: 20px; --cf-radius: 3px;
  --cf-space: 24px; --cf-shadow: rgb(0, 0, 255) 0px 0px 10px 0px; --cf-backdrop: rgba(0, 128, 0, 0.5);
  --cf-max-width: 400px; --cf-z-index: 77; }`;

function styleOf(r, sel, props, pseudo = null) {
  return r.evaluate((h, [sel, props, pseudo]) => {
    const cs = getComputedStyle(h.shadowRoot.querySelector(sel), pseudo);
    return Object.fromEntries(props.map((p) => [p, cs[p]]));
  }, [sel, props, pseudo]);
}

// WCAG relative luminance and contrast ratio of two computed rgb() colours.
const lum = (c) => {
  const [r, g, b] = c.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const contrast = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((m, n) => n - m); return (x + 0.05) / (y + 0.05); };

const PARTS = ["trigger", "dialog", "title", "reason", "comment", "next", "skip", "cancel", "close", "offer", "option", "accept", "decline",
  "confirm", "back", "keep-in-touch", "effective", "receipt", "error", "retry", "fallback"];

test.describe("theming", () => {
  test("every --cf- variable themes the widget", async ({ t }) => {
    const { r } = await t.start(meal(t), { head: `<style>${VARS}</style>` });
    await expect(dialog(r)).toHaveAttribute("data-step", "survey");
    expect(await styleOf(r, "[part~=next]", ["backgroundColor", "color", "borderRadius"])).toEqual({ backgroundColor: "rgb(1, 2, 3)", color: "rgb(4, 5, 6)", borderRadius: "3px" });
    expect(await styleOf(r, "[part~=dialog]", ["backgroundColor", "color", "fontFamily", "fontSize", "borderRadius", "boxShadow", "zIndex", "width"])).toEqual(
      { backgroundColor: "rgb(250, 240, 230)", color: "rgb(10, 20, 30)", fontFamily: "Georgia, serif", fontSize: "20px", borderRadius: "3px", boxShadow: "rgb(0, 0, 255) 0px 0px 10px 0px", zIndex: "77", width: "400px" });
    expect((await styleOf(r, ".hint", ["color"])).color).toBe("rgb(70, 80, 90)");
    expect((await styleOf(r, "[part~=reason]", ["borderTopColor"])).borderTopColor).toBe("rgb(100, 110, 120)");
    expect((await styleOf(r, "[part~=cancel]", ["color"])).color).toBe("rgb(150, 0, 10)");
    expect((await styleOf(r, "[part~=trigger]", ["color"])).color).toBe("rgb(150, 0, 10)");
    expect((await styleOf(r, ".body", ["paddingLeft"])).paddingLeft).toBe("24px");
    expect((await styleOf(r, "[part~=dialog]", ["backgroundColor"], "::backdrop")).backgroundColor).toBe("rgba(0, 128, 0, 0.5)");
  });

  test("light, dark and auto", async ({ t }) => {
    const bg = async (attrs, scheme) => {
      const p = await t.open(hostPage({ cfg: meal(t), attrs }));
      await p.emulateMedia({ colorScheme: scheme });
      const r = p.locator("cancel-flow");
      await part(r, "trigger").click();
      await expect(dialog(r)).toHaveAttribute("data-step", "survey");
      return (await styleOf(r, "[part~=dialog]", ["backgroundColor"])).backgroundColor;
    };
    const light = "rgb(255, 255, 255)", dark = "rgb(22, 27, 34)";
    expect(await bg('theme="dark"', "light")).toBe(dark);
    expect(await bg('theme="light"', "dark")).toBe(light);
    expect(await bg('theme="auto"', "dark")).toBe(dark);
    expect(await bg("", "light")).toBe(light);
    expect(await bg("", "dark"), "auto is the default").toBe(dark);
  });

  test("::part() reaches every part", async ({ t }) => {
    const css = PARTS.map((p, i) => `cancel-flow::part(${p}) { scroll-margin-top: ${i + 1}px; }`).join("\n");
    const cfg = meal(t);
    cfg.cancel = { effective: ["period_end", "immediately"], period_end: "2026-12-31" };
    const { r } = await t.start(cfg, { head: `<style>${css}</style>` });
    const seen = new Set();
    const check = async () => {
      const got = await r.evaluate((h, parts) => parts.flatMap((p, i) => [...h.shadowRoot.querySelectorAll(`[part~="${p}"]`)].map((el) => [p, getComputedStyle(el).scrollMarginTop === `${i + 1}px`])), PARTS);
      for (const [p, ok] of got) { expect(ok, `::part(${p}) applies`).toBe(true); seen.add(p); }
    };
    await check();
    await r.locator('[part~="reason"][data-reason-id="too_expensive"]').click();
    await check();
    await part(r, "next").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "offers");
    await check();
    await part(r, "cancel").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "confirm");
    await check();
    t.server.behave(t.bucket, { mode: "always", status: 400 });
    await part(r, "confirm").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "error");
    await check();
    t.server.behave(t.bucket, { mode: "ok" });
    await part(r, "retry").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "done");
    await check();
    expect(PARTS.filter((p) => !seen.has(p)), "every part was seen").toEqual([]);
  });

  test("default colours meet WCAG contrast in light and dark", async ({ t }) => {
    const report = {};
    for (const scheme of ["light", "dark"]) {
      const p = await t.open(hostPage({ cfg: meal(t) }));
      await p.emulateMedia({ colorScheme: scheme });
      const r = p.locator("cancel-flow");
      await part(r, "trigger").click();
      await expect(dialog(r)).toHaveAttribute("data-step", "survey");
      const c = await r.evaluate((h) => {
        const q = (s) => getComputedStyle(h.shadowRoot.querySelector(s));
        return { bg: q("[part~=dialog]").backgroundColor, fg: q("[part~=dialog]").color, muted: q(".hint").color,
          accent: q("[part~=next]").backgroundColor, accentFg: q("[part~=next]").color, danger: q("[part~=cancel]").color,
          border: q("[part~=reason]").borderTopColor, secondary: q("[part~=skip]").borderTopColor,
          trigger: q("[part~=trigger]").color, triggerBg: q("[part~=trigger]").backgroundColor };
      });
      const ratios = {
        "text on background": contrast(c.fg, c.bg),
        "muted text on background": contrast(c.muted, c.bg),
        "button text on accent": contrast(c.accentFg, c.accent),
        "danger text on background": contrast(c.danger, c.bg),
        "trigger text": contrast(c.trigger, c.triggerBg),
        "accent (focus, selection) on background": contrast(c.accent, c.bg),
        "control border on background": contrast(c.border, c.bg),
        "secondary button border": contrast(c.secondary, c.bg),
      };
      for (const [k, v] of Object.entries(ratios)) {
        const need = /border|focus/.test(k) ? 3 : 4.5;
        expect(v, `${scheme}: ${k} is ${v.toFixed(2)}:1, needs ${need}:1`).toBeGreaterThanOrEqual(need);
      }
      report[scheme] = Object.fromEntries(Object.entries(ratios).map(([k, v]) => [k, +v.toFixed(2)]));
    }
    console.log("     contrast ratios:", JSON.stringify(report));
  });
});
