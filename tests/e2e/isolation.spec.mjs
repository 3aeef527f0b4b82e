// Style isolation both ways: aggressive host CSS (global !important resets, hidden
// buttons, a 62.5% root font size, Bootstrap 5, Bulma, Tailwind's preflight) changes
// nothing inside the widget, and the widget changes nothing on the host page.
import fs from "node:fs";
import path from "node:path";
import { test, expect } from "./fixtures.mjs";
import { fixture, part, dialog, root } from "./harness.mjs";

const vendor = {
  bootstrap: "node_modules/bootstrap/dist/css/bootstrap.min.css",
  bulma: "node_modules/bulma/css/bulma.min.css",
  tailwind: "node_modules/tailwindcss/lib/css/preflight.css",
};
const HOSTILE = `* { font-size: 10px !important; line-height: 1 !important; color: rgb(255, 0, 0) !important;
  box-sizing: content-box !important; font-family: "Comic Sans MS", cursive !important; text-transform: uppercase !important;
  letter-spacing: 3px !important; font-style: italic !important; font-weight: 100 !important; word-spacing: 9px !important; }
button { display: none !important; } html { font-size: 62.5%; }
cancel-flow { font-size: 40px; color: lime; text-align: right; direction: ltr; }`;

function page(t, css, withWidget = true) {
  const cfg = { ...fixture("meal-box"), endpoint: t.endpoint };
  cfg.survey = { ...cfg.survey, randomize: false };
  const head = css.startsWith("/") ? `<link rel="stylesheet" href="${css}">` : `<style>${css}</style>`;
  const widget = withWidget
    ? `<script type="module" src="/cancel-flow/embed.js"></script>`
    : "";
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">${head}${widget}</head><body>
<h1 id="h">Your subscription</h1><p id="para">Paid until 31 December.</p><button id="host-btn" class="btn btn-primary button is-primary">Host button</button>
<a id="host-link" href="#">Help</a><input id="host-input" class="form-control input" value="x">
<cancel-flow><script type="application/json">${JSON.stringify(cfg)}</script></cancel-flow></body></html>`;
}

const PROPS = ["display", "visibility", "fontSize", "fontFamily", "fontStyle", "fontWeight", "lineHeight", "color", "backgroundColor",
  "textTransform", "letterSpacing", "wordSpacing", "boxSizing", "paddingTop", "paddingLeft", "borderTopWidth", "borderTopColor", "borderRadius"];

async function widgetStyles(r) {
  return r.evaluate((host, PROPS) => {
    const pick = (sel) => {
      const el = host.shadowRoot.querySelector(sel);
      if (!el) return null;
      const cs = getComputedStyle(el);
      const b = el.getBoundingClientRect();
      return { ...Object.fromEntries(PROPS.map((p) => [p, cs[p]])), w: Math.round(b.width), h: Math.round(b.height) };
    };
    return Object.fromEntries(["dialog", "title", "reason", "next", "skip", "cancel", "close"].map((p) => [p, pick(`[part~="${p}"]`)]));
  }, PROPS);
}

async function triggerStyles(r) {
  return r.evaluate((host, PROPS) => {
    const el = host.shadowRoot.querySelector('[part~="trigger"]');
    const cs = getComputedStyle(el);
    const b = el.getBoundingClientRect();
    return { ...Object.fromEntries(PROPS.map((p) => [p, cs[p]])), w: Math.round(b.width), h: Math.round(b.height) };
  }, PROPS);
}

async function hostStyles(p) {
  return p.evaluate((PROPS) => Object.fromEntries(["h", "para", "host-btn", "host-link", "host-input"].map((id) => {
    const el = document.getElementById(id);
    const cs = getComputedStyle(el);
    return [id, Object.fromEntries([...PROPS, "margin", "width", "height"].map((k) => [k, cs[k]]))];
  })), PROPS);
}

async function openAndMeasure(t, css) {
  const p = await t.open(page(t, css));
  const r = p.locator("cancel-flow");
  await expect(part(r, "trigger").first(), "the trigger").toBeAttached({ timeout: 5000 });
  await expect.poll(() => r.evaluate((h) => getComputedStyle(h.shadowRoot.querySelector("[part~=trigger]")).minHeight), { message: "the widget's CSS", timeout: 5000 }).not.toBe("auto");
  const trigger = await triggerStyles(r);
  await part(r, "trigger").click();
  await expect(dialog(r)).toHaveAttribute("data-step", "survey");
  return { p, r, trigger, inside: await widgetStyles(r) };
}

test.describe("isolation", () => {
  test("host CSS changes nothing inside the widget", async ({ t }) => {
    const base = await openAndMeasure(t, "body { margin: 0 }");
    expect(base.inside.dialog.fontSize).toBe("16px");
    expect(base.trigger.display).toBe("inline-flex");
    for (const [name, file] of Object.entries(vendor)) t.server.page(`${t.bucket}-${name}.css`, fs.readFileSync(path.join(root, file), "utf8"), { "content-type": "text/css" });
    const hostile = { "global !important resets": HOSTILE, ...Object.fromEntries(Object.keys(vendor).map((n) => [n, `/p/${t.bucket}-${n}.css`])) };
    for (const [name, css] of Object.entries(hostile)) {
      const got = await openAndMeasure(t, css);
      for (const k of Object.keys(base.trigger)) expect(got.trigger[k], `${name}: trigger ${k}`).toBe(base.trigger[k]);
      for (const [el, v] of Object.entries(base.inside)) for (const k of Object.keys(v)) expect(got.inside[el][k], `${name}: ${el} ${k}`).toBe(v[k]);
      expect(got.inside, `${name}: the dialog looks as designed`).toEqual(base.inside);
    }
  });

  test("the widget changes nothing on the host page", async ({ t }) => {
    for (const [name, file] of Object.entries(vendor)) t.server.page(`${t.bucket}-${name}.css`, fs.readFileSync(path.join(root, file), "utf8"), { "content-type": "text/css" });
    for (const css of ["body { margin: 8px }", HOSTILE, `/p/${t.bucket}-bootstrap.css`, `/p/${t.bucket}-bulma.css`, `/p/${t.bucket}-tailwind.css`]) {
      const without = await t.open(page(t, css, false));
      const before = await hostStyles(without);
      const { p } = await openAndMeasure(t, css);
      expect(await hostStyles(p), `host elements unchanged with ${css.slice(0, 40)}`).toEqual(before);
    }
  });

  test("sizes do not depend on the host's root font size", async ({ t }) => {
    const a = await openAndMeasure(t, "html { font-size: 62.5% }");
    const b = await openAndMeasure(t, "html { font-size: 200% }");
    expect(a.inside).toEqual(b.inside);
  });
});
