// Languages: every built-in locale walks the flow with that language's texts (never
// English), negotiation from attribute, config, <html lang> and navigator.languages,
// CLDR plurals through Intl (Slovenian dual, Arabic forms), Intl dates and prices, and
// right-to-left layout.
import fs from "node:fs";
import path from "node:path";
import { test, expect } from "./fixtures.mjs";
import { fixture, part, dialog, hostPage, root } from "./harness.mjs";

const LOCALES = ["de", "fr", "es", "hu", "sl", "tr", "ka", "ar"];
const catalog = (code) => JSON.parse(fs.readFileSync(path.join(root, "www/i18n", `${code}.json`), "utf8"));
const meal = (t, over = {}) => {
  const c = { ...fixture("meal-box"), endpoint: t.endpoint, ...over };
  c.survey = { ...c.survey, question: undefined, randomize: false };
  return c;
};
const text = async (r) => (await part(r, "dialog").innerText()).replace(/\s+/g, " ");

test.describe("locales", () => {
  test("each locale shows its own language on every step", async ({ t }) => {
    for (const code of LOCALES) {
      const cat = catalog(code);
      const { r } = await t.start(meal(t, { locale: code }));
      await expect(dialog(r)).toHaveAttribute("data-step", "survey");
      await expect(part(r, "dialog")).toHaveAttribute("lang", code);
      await expect(part(r, "dialog")).toHaveAttribute("dir", code === "ar" ? "rtl" : "ltr");
      const s = await text(r);
      for (const k of ["survey.question", "survey.next", "survey.skip", "cancel"]) expect(s.includes(cat[k]), `${code} survey: ${k}`).toBe(true);
      for (const en of ["Continue", "Skip this question", "Optional. Your answer"]) expect(new RegExp(`\\b${en}\\b`).test(s), `${code} survey shows English "${en}"`).toBe(false);
      await part(r, "skip").click();
      await expect(dialog(r)).toHaveAttribute("data-step", "offers");
      const o = await text(r);
      for (const k of ["offers.title", "offer.pause.title", "offer.decline", "offer.frequency.accept"]) expect(o.includes(cat[k]), `${code} offers: ${k}`).toBe(true);
      for (const en of ["No, thanks", "Pause instead", "per week", " weeks"]) expect(o.includes(en), `${code} offers shows English "${en}"`).toBe(false);
      await part(r, "cancel").click();
      await expect(dialog(r)).toHaveAttribute("data-step", "confirm");
      const c = await text(r);
      for (const k of ["confirm.title", "confirm.when", "confirm.confirm"]) expect(c.includes(cat[k]), `${code} confirm: ${k}`).toBe(true);
      await part(r, "confirm").click();
      await expect(dialog(r)).toHaveAttribute("data-step", "done");
      const d = await text(r);
      expect(d.includes(cat["done.title.cancelled"]), `${code} done title`).toBe(true);
      expect(/December|Reference/.test(d), `${code} done shows English`).toBe(false);
      const posts = t.server.requests(t.bucket);
      expect(posts[posts.length - 1].json.locale).toBe(code);
    }
  });

  test("Slovenian dual and Arabic plural forms, through Intl", async ({ t }) => {
    const sl = meal(t, { locale: "sl" });
    sl.offers.pause.options = [1, 2, 3, 5].map((count) => ({ unit: "week", count }));
    let { r } = await t.start(sl);
    await part(r, "skip").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "offers");
    const labels = await r.locator('[part~="offer"][data-offer="pause"] .option-main').allInnerTexts();
    expect(labels).toEqual(["1 teden", "2 tedna", "3 tedne", "5 tednov"]);

    const ar = meal(t, { locale: "ar" });
    ar.offers.pause.options = [1, 2, 3, 11].map((count) => ({ unit: "week", count }));
    ar.offers.frequency.options = [{ count: 100, per: { unit: "week", count: 102 } }];
    ({ r } = await t.start(ar));
    await part(r, "skip").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "offers");
    const arLabels = await r.locator('[part~="offer"][data-offer="pause"] .option-main').allInnerTexts();
    const n = (x) => new Intl.NumberFormat("ar").format(x);
    expect(arLabels).toEqual(["أسبوع واحد", "أسبوعان", `${n(3)} أسابيع`, `${n(11)} أسبوعًا`]);
    const freq = await r.locator('[part~="offer"][data-offer="frequency"] .option-main').innerText();
    expect(freq, "the 'other' form").toBe(`${n(100)} من ${n(102)} أسبوع`);
  });

  test("dates and prices come from Intl in the locale", async ({ t }) => {
    const { r } = await t.start(meal(t, { locale: "de" }));
    await part(r, "skip").click();
    await expect(dialog(r)).toHaveAttribute("data-step", "offers");
    const o = await text(r);
    expect(o).toContain("32,90 € pro Woche");
    const resume = new Date(); resume.setDate(resume.getDate() + 28);
    expect(o, "resume date in German").toContain(new Intl.DateTimeFormat("de", { dateStyle: "long" }).format(resume));
    expect(o).toContain("20 von 50 Wochen");
  });

  test("negotiation: attribute, config, html lang, navigator.languages", async ({ t }) => {
    const lang = async (opts, cfgOver = {}) => {
      const p = await t.open(hostPage({ cfg: meal(t, cfgOver), ...opts }));
      const r = p.locator("cancel-flow");
      await part(r, "trigger").click();
      await expect(dialog(r)).toHaveAttribute("data-step", "survey");
      return part(r, "dialog").getAttribute("lang");
    };
    expect(await lang({ attrs: 'locale="fr"' }, { locale: "de" }), "the attribute wins").toBe("fr");
    expect(await lang({ lang: "es" }, { locale: "de" }), "then the config").toBe("de");
    expect(await lang({ lang: "hu-HU" }, { locale: undefined }), "then <html lang>").toBe("hu");
    expect(await lang({ lang: "pt-BR" }, { locale: undefined }), "pt-BR falls back to pt, then en").toBe("en");
    const warned = [];
    const p = await t.open(hostPage({ cfg: meal(t, { locale: "pt-BR" }) }));
    p.on("console", (m) => m.type() === "warning" && warned.push(m.text()));
    await part(p.locator("cancel-flow"), "trigger").click();
    await expect(dialog(p.locator("cancel-flow"))).toHaveAttribute("data-step", "survey");
    await expect.poll(() => warned.some((w) => w.includes('locale "pt-BR" has no built-in messages')), { message: "the warning", timeout: 3000 }).toBe(true);
    const ctx = await t.browser.newContext({ locale: "tr-TR" });
    const q = await ctx.newPage();
    await q.goto(t.server.origin + t.server.page(`${t.bucket}-nav`, hostPage({ cfg: meal(t, { locale: undefined }), lang: "" })));
    await q.locator("cancel-flow [part~=trigger]").click();
    await expect(dialog(q.locator("cancel-flow"))).toHaveAttribute("data-step", "survey");
    expect(await q.locator("cancel-flow [part~=dialog]").getAttribute("lang"), "then navigator.languages").toBe("tr");
    await ctx.close();
  });

  test("Arabic lays out right to left", async ({ t }) => {
    const { r } = await t.start(meal(t, { locale: "ar" }));
    await expect(dialog(r)).toHaveAttribute("data-step", "survey");
    const layout = await r.evaluate((h) => {
      const s = h.shadowRoot;
      const d = s.querySelector("[part~=dialog]").getBoundingClientRect();
      const close = s.querySelector("[part~=close]").getBoundingClientRect();
      const title = s.querySelector("[part~=title]");
      const radio = s.querySelector("[part~=reason] input").getBoundingClientRect();
      const label = s.querySelector("[part~=reason]").getBoundingClientRect();
      return { dir: getComputedStyle(title).direction, closeLeft: close.left - d.left < d.right - close.right, radioRight: radio.left > label.left + label.width / 2 };
    });
    expect(layout).toEqual({ dir: "rtl", closeLeft: true, radioRight: true });
  });
});
