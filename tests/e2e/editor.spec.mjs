// The flow editor (/flows/<id>, COLLECTOR.md section 10) in headless Chromium, against the
// release collector with an admin key and the widget's dist/ (--widget-dir) on a temporary
// SQLite: a new flow from a template, a preset reason added and an offer taken from it
// with the real widget in the preview following; an out-of-range pause shown at its field
// within 250 ms and publishing blocked; a customer's attributes making a rule apply;
// publishing (the config route serves the new version), the versions' diff and publishing
// an earlier version again; the theme panel's contrast warning coming and going with the
// preview restyled; the preview's outcome stored nowhere; axe-clean in light and dark; no
// sideways scroll at 360 px; no CSP violation; and the keyboard alone from sign-in to publish.
import fs from "node:fs";
import path from "node:path";
import { test, expect } from "@playwright/test";
import jwt from "jsonwebtoken";
import { BIN, startCollector } from "../../tools/insights-screenshot.mjs";
import { root } from "./harness.mjs";
import { axe, sessionCookie, watch } from "./admin-pages.mjs";

const KEY = "e2e-editor-admin-key";
const DIST = process.env.CANCEL_FLOW_DIST || path.join(root, "dist");

/** The editor on flow `id` (from `template` when new), signed in, its first preview drawn. */
async function openEditor(page, c, id, template) {
  await page.context().addCookies([c.cookie]);
  await page.goto(`${c.base}/flows/${id}${template ? `?template=${template}` : ""}`);
  await expect(stageWidget(page).locator('[part~="reason"]').first()).toBeVisible();
}

const stageWidget = (page) => page.locator("#preview-stage cancel-flow");

/** In the preview: picks reason `id`, goes on, and returns the offers shown (data-offer). */
async function offersAfter(page, id) {
  const w = stageWidget(page);
  await page.getByRole("button", { name: "Start the preview again" }).click();
  await w.locator(`[part~="reason"][data-reason-id="${id}"]`).click();
  await w.locator('[part~="next"]').click();
  await expect(w.locator('[part~="offer"], [part~="confirm"]').first()).toBeVisible();
  return w.locator('[part~="offer"]').evaluateAll((els) => els.map((e) => e.dataset.offer));
}

/** The config the collector serves a customer now. */
async function served(base, flow, attrs) {
  const token = jwt.sign({ sub: "cus_e2e", attrs }, "development-only", { algorithm: "HS256", expiresIn: "10m" });
  const r = await fetch(`${base}/v1/flows/${flow}/config`, { headers: { authorization: `Bearer ${token}` } });
  expect(r.status).toBe(200);
  return r.json();
}

test.describe("the flow editor", () => {
  test.skip(!fs.existsSync(BIN), `no ${BIN}: run cargo build --release -p cancel-flow-collector`);
  let c;
  test.beforeAll(async () => {
    c = await startCollector(["--allow-unsigned", "--rate-limit", "0", "--admin-key", KEY, "--widget-dir", DIST]);
    c.cookie = await sessionCookie(c.base, KEY);
  });
  test.afterAll(() => c?.stop());

  test("from a template: add a preset reason, take an offer from it, and the preview follows", async ({ page }) => {
    await page.context().addCookies([c.cookie]);
    await page.goto(`${c.base}/flows`);
    await page.getByLabel("Flow id").fill("template-box");
    await page.getByLabel("Start from").selectOption("meal-box");
    await page.getByRole("button", { name: "Open the editor" }).click();
    await expect(page).toHaveURL(/\/flows\/template-box\?template=meal-box$/);
    await expect(page.getByLabel("Plan name")).toHaveValue("Family box");
    await expect(stageWidget(page).locator('[part~="reason"]')).toHaveCount(6);

    await page.getByLabel("Add a reason").selectOption("not_using_enough");
    await page.getByRole("button", { name: "Add the reason" }).click();
    const reason = page.locator("fieldset.item").filter({ has: page.locator("legend", { hasText: /^Reason 6: / }) });
    await expect(reason.getByLabel("Preset", { exact: true })).toHaveValue("not_using_enough");
    await expect(reason.getByLabel("Label (English)")).toHaveAttribute("placeholder", "I do not use it enough");
    await expect(stageWidget(page).locator('[part~="reason"]')).toHaveCount(7);
    expect(await offersAfter(page, "not_using_enough")).toEqual(["frequency", "pause", "downgrade"]);

    await reason.getByLabel("Only these (none: straight to confirm)").check();
    await reason.getByLabel("Pause", { exact: true }).uncheck();
    await expect(stageWidget(page).locator('[part~="reason"]').first()).toBeVisible();
    await expect.poll(() => offersAfter(page, "not_using_enough")).toEqual(["frequency", "downgrade"]);
    let doc = JSON.parse(await page.locator("#json-text").inputValue());
    expect(doc.config.survey.reasons[5]).toEqual({ preset: "not_using_enough", offers: ["frequency", "downgrade"] });

    // A reason written by hand: its label is asked for at its field, then shown.
    await page.getByLabel("Add a reason").selectOption("");
    await page.getByRole("button", { name: "Add the reason" }).click();
    const written = page.locator("fieldset.item").filter({ has: page.locator("legend", { hasText: /^Reason 7: / }) });
    await expect(written.getByLabel("Label (English)")).toBeFocused();
    await expect(page.locator("#f-config-survey-reasons-6-label-en-error")).toContainText("config.survey.reasons[6].label: ");
    await expect(page.locator("#publish")).toBeDisabled();
    await written.getByLabel("Label (English)").fill("The app is too slow");
    await expect(page.locator("#publish")).toBeEnabled();
    await expect(stageWidget(page).locator('[part~="reason"][data-reason-id="reason_8"]')).toHaveText("The app is too slow");
    doc = JSON.parse(await page.locator("#json-text").inputValue());
    expect(doc.config.survey.reasons[6]).toEqual({ id: "reason_8", label: "The app is too slow" });
  });

  test("an out-of-range pause is shown at its field within 250 ms and blocks publishing", async ({ page }) => {
    await openEditor(page, c, "pause-box", "meal-box");
    await expect(page.locator("#publish")).toBeEnabled();
    const ms = await page.evaluate(() => new Promise((resolve) => {
      const input = document.getElementById("f-config-offers-pause-options-0-count");
      const line = document.getElementById("f-config-offers-pause-options-0-count-error");
      const t0 = performance.now();
      const seen = new MutationObserver(() => { if (line.textContent) { seen.disconnect(); resolve(performance.now() - t0); } });
      seen.observe(line, { childList: true, characterData: true, subtree: true });
      input.value = "99";
      input.dispatchEvent(new Event("input", { bubbles: true }));
    }));
    expect(ms, "the problem shows at its field within a quarter of a second").toBeLessThan(250);
    const field = page.getByLabel("How many").first();
    await expect(field).toHaveAttribute("aria-invalid", "true");
    await expect(page.locator("#f-config-offers-pause-options-0-count-error")).toHaveText("config.offers.pause.options[0].count: must be a whole number from 1 to 52");
    await expect(page.locator("#publish")).toBeDisabled();
    await expect(page.locator("#problems")).toContainText("Publishing waits for this to be fixed");
    await page.locator("#problems a").click();
    await expect(field).toBeFocused();
    await field.fill("6");
    await expect(page.locator("#publish")).toBeEnabled();
    await expect(page.locator("#problems")).toBeEmpty();
    await expect(field).not.toHaveAttribute("aria-invalid", "true");
  });

  test("a customer's attributes make a rule apply in the preview", async ({ page }) => {
    await openEditor(page, c, "rule-box", "meal-box");
    await expect(page.locator("#pv-summary")).toHaveText("No rule applies to this customer.");
    expect(await offersAfter(page, "other")).toContain("discount");
    await page.locator("#pv-customer > summary").click();
    await page.getByLabel("Attributes").fill("plan = annual\ntenure_days = 400");
    await expect(page.locator("#pv-summary")).toHaveText("Rules that apply: annual plans keep their price.");
    await expect.poll(() => offersAfter(page, "other")).not.toContain("discount");
    expect(await offersAfter(page, "other")).toContain("pause");
    // A rule's condition edited in its fields: tenure instead of the plan.
    const rule = page.locator("fieldset.item").filter({ has: page.locator("legend", { hasText: /^Rule 1/ }) });
    await rule.getByLabel("Fact").fill("attrs.tenure_days");
    await rule.getByLabel("Comparison").selectOption(">=");
    await rule.getByLabel("Value", { exact: true }).fill("365");
    await expect(page.locator("#pv-summary")).toHaveText("Rules that apply: annual plans keep their price.");
    await page.getByLabel("Attributes").fill("tenure_days = 30");
    await expect(page.locator("#pv-summary")).toHaveText("No rule applies to this customer.");
    const doc = JSON.parse(await page.locator("#json-text").inputValue());
    expect(doc.rules[0].when).toEqual({ ">=": [{ var: "attrs.tenure_days" }, 365] });
  });

  test("publish: the config route serves the new version; the versions show what changed and publish an earlier one again", async ({ page }) => {
    await openEditor(page, c, "pub-box", "meal-box");
    await expect(page.locator("#version-list")).toHaveText("Not published yet: publish to make version 1.");
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    await expect(page.locator("#publish-status")).toHaveText("Your changes: published as version 1. Customers get it within 5 seconds.");
    let config = await served(c.base, "pub-box", {});
    expect(config.served.flow_version).toBe(1);
    expect(config.offers.discount.percent_off).toBe(15);

    await page.getByLabel("Percent off").fill("20");
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    await expect(page.locator("#publish-status")).toContainText("published as version 2");
    await expect.poll(async () => (await served(c.base, "pub-box", {})).served.flow_version, { timeout: 8000 }).toBe(2);
    config = await served(c.base, "pub-box", {});
    expect(config.offers.discount.percent_off).toBe(20);
    expect((await served(c.base, "pub-box", { plan: "annual" })).offers.discount, "the template's rule is served too").toBeUndefined();

    await expect(page.locator("#version-list li")).toHaveCount(2);
    await page.getByRole("button", { name: "What changed in version 2" }).click();
    await expect(page.locator("#diff li")).toHaveText(["/config/offers/discount/percent_off: 15 → 20"]);
    await expect(page.getByRole("heading", { name: "What changed from version 1 to 2" })).toBeFocused();
    await page.getByRole("button", { name: "Publish version 1 again" }).click();
    await expect(page.locator("#publish-status")).toHaveText("Version 1: published as version 3. Customers get it within 5 seconds.");
    await expect.poll(async () => (await served(c.base, "pub-box", {})).served.flow_version, { timeout: 8000 }).toBe(3);
    expect((await served(c.base, "pub-box", {})).offers.discount.percent_off).toBe(15);
    await expect(page.locator("#version-list li")).toHaveCount(3);
    // Publishing the same document again makes no version.
    await page.getByRole("button", { name: "Open version 3 in the editor" }).click();
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    await expect(page.locator("#publish-status")).toHaveText("Nothing to publish: version 3 is already this flow.");
  });

  test("the theme panel: a colour restyles the preview, and its contrast warning comes and goes", async ({ page }) => {
    await openEditor(page, c, "theme-box", "meal-box");
    const pair = page.locator('li[data-pair="accent-contrast-accent"]');
    await expect(pair).not.toHaveClass(/warn/);
    await page.locator("#theme-color-accent").fill("#9ec5ff");
    await expect(pair).toHaveClass(/warn/);
    await expect(pair).toContainText("below AA (needs 4.5:1)");
    await expect(page.locator("#theme-css")).toContainText("--cf-color-accent: #9ec5ff;");
    await expect(stageWidget(page).locator('[part~="next"]')).toHaveCSS("background-color", "rgb(158, 197, 255)");
    await page.locator("#theme-color-accent").fill("#1d4ed8");
    await expect(pair).not.toHaveClass(/warn/);
    await expect(pair).toContainText("passes AA");
    await expect(stageWidget(page).locator('[part~="next"]')).toHaveCSS("background-color", "rgb(29, 78, 216)");
  });

  test("walking the preview to the end stores nothing; no CSP violation, nothing from elsewhere", async ({ page }) => {
    const origin = new URL(c.base).origin;
    const { requests, violations } = watch(page);
    await openEditor(page, c, "walk-box", "meal-box");
    await page.locator("#pv-locale").selectOption("de");
    await expect(page.getByLabel("The question (German)")).toHaveAttribute("placeholder", /.+/);
    const w = stageWidget(page);
    await expect(w.locator('[lang="de"]').first()).toBeVisible();
    await page.getByText(/^The widget’s messages in German/).click();
    const next = page.getByLabel("survey.next", { exact: true });
    await expect(next).toHaveAttribute("placeholder", "Weiter");
    await next.fill("Weiter geht es");
    await expect(w.locator('[part~="next"]')).toHaveText("Weiter geht es");
    await w.locator('[part~="reason"][data-reason-id="moving"]').click();
    await w.locator('[part~="next"]').click();
    await w.locator('[part~="confirm"]').click();
    await expect(w.locator('[part~="receipt"]')).toBeVisible();
    expect(requests.some((u) => u.endsWith("/flows/walk-box/preview/outcomes"))).toBe(true);
    const csv = await (await fetch(`${c.base}/v1/outcomes.csv`, { headers: { authorization: `Bearer ${KEY}` } })).text();
    expect(csv.trim().split("\n")).toHaveLength(1);
    expect(requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith("data:"))).toEqual([]);
    expect(violations).toEqual([]);
  });

  test("axe-clean in light and dark; nothing scrolls sideways at 360 px", async ({ page }) => {
    for (const scheme of ["light", "dark"]) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize({ width: 1280, height: 900 });
      await openEditor(page, c, "axe-box", "saas-tiers");
      await expect(page.locator("#pv-mode")).toHaveValue(scheme);
      await page.locator("#pv-customer > summary").click();
      await page.locator("#theme-color-border").fill(scheme === "light" ? "#eeeeee" : "#222222");
      await expect(page.locator('li[data-pair="border-bg"]')).toHaveClass(/warn/);
      await page.getByLabel("How many").first().fill("99");
      await expect(page.locator("#problems")).not.toBeEmpty();
      await axe(page, `editor with a problem and a warning (${scheme})`);
      await page.setViewportSize({ width: 360, height: 740 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `360 px (${scheme})`).toBeLessThanOrEqual(360);
      await page.goto(`${c.base}/flows`);
      await axe(page, `flows with the new-flow form (${scheme})`);
    }
  });

  test("the keyboard alone: sign in, edit the question, publish", async ({ page }) => {
    await page.goto(`${c.base}/flows/keys-box`);
    const focusOn = async (selector, limit = 600) => {
      for (let i = 0; i < limit; i++) {
        if (await page.evaluate((s) => document.activeElement && document.activeElement.matches(s), selector)) return;
        await page.keyboard.press("Tab");
      }
      const trail = await page.evaluate(() => document.activeElement && `${document.activeElement.tagName}#${document.activeElement.id}`);
      throw new Error(`Tab never reached ${selector} (at ${trail})`);
    };
    await focusOn("#key");
    await page.keyboard.type(KEY);
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/flows\/keys-box$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Flow keys-box");
    await focusOn("#f-config-survey-question-en");
    await page.keyboard.type("What made you decide to go?");
    await focusOn("#publish");
    await expect(page.locator("#publish")).toBeEnabled();
    await page.keyboard.press("Enter");
    await expect(page.locator("#publish-status")).toHaveText("Your changes: published as version 1. Customers get it within 5 seconds.");
    const config = await served(c.base, "keys-box", {});
    expect(config.survey.question).toBe("What made you decide to go?");
  });
});
