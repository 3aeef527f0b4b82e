// Languages: every built-in locale walks the flow with that language's texts (never
// English), negotiation from attribute, config, <html lang> and navigator.languages,
// CLDR plurals through Intl (Slovenian dual, Arabic forms), Intl dates and prices, and
// right-to-left layout.
import fs from "node:fs";
import path from "node:path";
import { assert, fixture, part, waitStep, until, hostPage, root } from "./harness.mjs";

const LOCALES = ["de", "fr", "es", "hu", "sl", "tr", "ka", "ar"];
const catalog = (code) => JSON.parse(fs.readFileSync(path.join(root, "www/i18n", `${code}.json`), "utf8"));
const meal = (t, over = {}) => {
  const c = { ...fixture("meal-box"), endpoint: t.endpoint, ...over };
  c.survey = { ...c.survey, question: undefined, randomize: false };
  return c;
};
const text = async (r) => (await part(r, "dialog").innerText()).replace(/\s+/g, " ");

export const tests = {
  async "each locale shows its own language on every step"(t) {
    for (const code of LOCALES) {
      const cat = catalog(code);
      const { r } = await t.start(meal(t, { locale: code }));
      await waitStep(r, "survey");
      assert.equal(await part(r, "dialog").getAttribute("lang"), code);
      assert.equal(await part(r, "dialog").getAttribute("dir"), code === "ar" ? "rtl" : "ltr");
      const s = await text(r);
      for (const k of ["survey.question", "survey.next", "survey.skip", "cancel"]) assert.ok(s.includes(cat[k]), `${code} survey: ${k}`);
      for (const en of ["Continue", "Skip this question", "Optional. Your answer"]) assert.ok(!new RegExp(`\\b${en}\\b`).test(s), `${code} survey shows English "${en}"`);
      await part(r, "skip").click();
      await waitStep(r, "offers");
      const o = await text(r);
      for (const k of ["offers.title", "offer.pause.title", "offer.decline", "offer.frequency.accept"]) assert.ok(o.includes(cat[k]), `${code} offers: ${k}`);
      for (const en of ["No, thanks", "Pause instead", "per week", " weeks"]) assert.ok(!o.includes(en), `${code} offers shows English "${en}"`);
      await part(r, "cancel").click();
      await waitStep(r, "confirm");
      const c = await text(r);
      for (const k of ["confirm.title", "confirm.when", "confirm.confirm"]) assert.ok(c.includes(cat[k]), `${code} confirm: ${k}`);
      await part(r, "confirm").click();
      await waitStep(r, "done");
      const d = await text(r);
      assert.ok(d.includes(cat["done.title.cancelled"]), `${code} done title`);
      assert.ok(!/December|Reference/.test(d), `${code} done shows English`);
      const posts = t.server.requests(t.bucket);
      assert.equal(posts[posts.length - 1].json.locale, code);
    }
  },

  async "Slovenian dual and Arabic plural forms, through Intl"(t) {
    const sl = meal(t, { locale: "sl" });
    sl.offers.pause.options = [1, 2, 3, 5].map((count) => ({ unit: "week", count }));
    let { r } = await t.start(sl);
    await part(r, "skip").click();
    await waitStep(r, "offers");
    const labels = await r.locator('[part~="offer"][data-offer="pause"] .option-main').allInnerTexts();
    assert.deepEqual(labels, ["1 teden", "2 tedna", "3 tedne", "5 tednov"]);

    const ar = meal(t, { locale: "ar" });
    ar.offers.pause.options = [1, 2, 3, 11].map((count) => ({ unit: "week", count }));
    ar.offers.frequency.options = [{ count: 100, per: { unit: "week", count: 102 } }];
    ({ r } = await t.start(ar));
    await part(r, "skip").click();
    await waitStep(r, "offers");
    const arLabels = await r.locator('[part~="offer"][data-offer="pause"] .option-main').allInnerTexts();
    const n = (x) => new Intl.NumberFormat("ar").format(x);
    assert.deepEqual(arLabels, ["أسبوع واحد", "أسبوعان", `${n(3)} أسابيع`, `${n(11)} أسبوعًا`]);
    const freq = await r.locator('[part~="offer"][data-offer="frequency"] .option-main').innerText();
    assert.equal(freq, `${n(100)} من ${n(102)} أسبوع`, "the 'other' form");
  },

  async "dates and prices come from Intl in the locale"(t) {
    const { r } = await t.start(meal(t, { locale: "de" }));
    await part(r, "skip").click();
    await waitStep(r, "offers");
    const o = await text(r);
    assert.ok(o.includes("32,90 € pro Woche"), o);
    const resume = new Date(); resume.setDate(resume.getDate() + 28);
    assert.ok(o.includes(new Intl.DateTimeFormat("de", { dateStyle: "long" }).format(resume)), "resume date in German");
    assert.ok(o.includes("20 von 50 Wochen"));
  },

  async "negotiation: attribute, config, html lang, navigator.languages"(t) {
    const lang = async (opts, cfgOver = {}) => {
      const p = await t.open(hostPage({ cfg: meal(t, cfgOver), ...opts }));
      const r = p.locator("cancel-flow");
      await part(r, "trigger").click();
      await waitStep(r, "survey");
      return part(r, "dialog").getAttribute("lang");
    };
    assert.equal(await lang({ attrs: 'locale="fr"' }, { locale: "de" }), "fr", "the attribute wins");
    assert.equal(await lang({ lang: "es" }, { locale: "de" }), "de", "then the config");
    assert.equal(await lang({ lang: "hu-HU" }, { locale: undefined }), "hu", "then <html lang>");
    assert.equal(await lang({ lang: "pt-BR" }, { locale: undefined }), "en", "pt-BR falls back to pt, then en");
    const warned = [];
    const p = await t.open(hostPage({ cfg: meal(t, { locale: "pt-BR" }) }));
    p.on("console", (m) => m.type() === "warning" && warned.push(m.text()));
    await part(p.locator("cancel-flow"), "trigger").click();
    await waitStep(p.locator("cancel-flow"), "survey");
    await until(() => warned.some((w) => w.includes('locale "pt-BR" has no built-in messages')), 3000, "the warning");
    const ctx = await t.browser.newContext({ locale: "tr-TR" });
    const q = await ctx.newPage();
    await q.goto(t.server.origin + t.server.page(`${t.bucket}-nav`, hostPage({ cfg: meal(t, { locale: undefined }), lang: "" })));
    await q.locator("cancel-flow [part~=trigger]").click();
    await waitStep(q.locator("cancel-flow"), "survey");
    assert.equal(await q.locator("cancel-flow [part~=dialog]").getAttribute("lang"), "tr", "then navigator.languages");
    await ctx.close();
  },

  async "Arabic lays out right to left"(t) {
    const { r } = await t.start(meal(t, { locale: "ar" }));
    await waitStep(r, "survey");
    const layout = await r.evaluate((h) => {
      const s = h.shadowRoot;
      const d = s.querySelector("[part~=dialog]").getBoundingClientRect();
      const close = s.querySelector("[part~=close]").getBoundingClientRect();
      const title = s.querySelector("[part~=title]");
      const radio = s.querySelector("[part~=reason] input").getBoundingClientRect();
      const label = s.querySelector("[part~=reason]").getBoundingClientRect();
      return { dir: getComputedStyle(title).direction, closeLeft: close.left - d.left < d.right - close.right, radioRight: radio.left > label.left + label.width / 2 };
    });
    assert.deepEqual(layout, { dir: "rtl", closeLeft: true, radioRight: true });
  },
};
