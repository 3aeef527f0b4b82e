// cancel-flow embed.js: the one file a shop links. Defines <cancel-flow> and
// window.CancelFlow, renders the trigger at once, and loads the wasm flow lazily (when
// the browser is idle, on hover/focus, or on click) relative to this file's own URL.
// Everything else (config validation, the flow, delivery) lives in the wasm.
const TAG = "cancel-flow";
const here = (f) => new URL(f, import.meta.url).href;
const w = window;
let wasm;
const load = () =>
  (wasm ||= import(here("cancel-flow.js")).then(async (m) => {
    await m.default({ module_or_path: here("cancel-flow_bg.wasm") });
    return m;
  }).catch((e) => { wasm = null; throw e; }));
const ATTRS = ["endpoint", "locale", "customer-id", "subscription-id", "token", "theme"];
const el = (tag, props) => Object.assign(document.createElement(tag), props);
// The trigger's own look, so nothing but this file loads before idle or interaction;
// the full stylesheet comes with the flow. A constructable sheet also works under a
// strict style-src CSP.
const TRIGGER_CSS = `:host{display:inline-block}:host([display=inline]){display:block}[hidden]{display:none!important}` +
  `.trigger{--c:var(--cf-color-danger,#b42318);--b:var(--cf-color-bg,#fff);all:initial;box-sizing:border-box;display:inline-flex;align-items:center;` +
  `justify-content:center;min-height:2.75em;padding:.6em 1.1em;font:600 var(--cf-font-size,16px)/1.25 var(--cf-font-family,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif);` +
  `color:var(--c);background:var(--b);border:1px solid var(--c);border-radius:var(--cf-radius,8px);cursor:pointer}` +
  `.trigger:focus-visible{outline:3px solid var(--cf-color-accent,#1d4ed8);outline-offset:2px}` +
  `.trigger[data-theme=dark]{--c:var(--cf-color-danger,#ff8f85);--b:var(--cf-color-bg,#161b22)}` +
  `@media (prefers-color-scheme:dark){.trigger:not([data-theme=light]){--c:var(--cf-color-danger,#ff8f85);--b:var(--cf-color-bg,#161b22)}}`;
let sheet;
const idle = (f) => (w.requestIdleCallback ? requestIdleCallback(f, { timeout: 3000 }) : setTimeout(f, 200));

class CancelFlowElement extends HTMLElement {
  connectedCallback() {
    const root = this.shadowRoot || this.attachShadow({ mode: "open" });
    this._mount = el("div", { className: "cf-root" });
    if (!sheet) (sheet = new CSSStyleSheet()).replaceSync(TRIGGER_CSS);
    root.adoptedStyleSheets = [sheet];
    root.replaceChildren(this._mount);
    const inline = this.getAttribute("display") === "inline";
    if (!inline && !this._api) {
      this._trigger = el("button", { type: "button", textContent: "Cancel subscription", className: "trigger", part: "trigger" });
      if (this.hasAttribute("theme")) this._trigger.dataset.theme = this.getAttribute("theme");
      this._trigger.addEventListener("click", () => this.open());
      for (const ev of ["pointerenter", "focus"]) this._trigger.addEventListener(ev, () => this._boot(), { once: true });
      root.insertBefore(this._trigger, this._mount);
      if (!this._onClose) this.addEventListener("cancel-flow:close", (this._onClose = () => this._trigger?.focus()));
    }
    if (inline) this._boot();
    else idle(() => this.isConnected && this._boot());
  }

  disconnectedCallback() {
    this._handle?.unmount();
    this._handle = this._booting = this._trigger = null;
    this.shadowRoot?.replaceChildren();
  }

  // The config: the JS API's object or URL, the `config` attribute's URL (fetched by
  // the wasm), or the inline JSON.
  _source() {
    const c = this._api ? this._api.config : this.getAttribute("config");
    return typeof c === "string" ? { url: c, text: "" } : { text: this._api ? JSON.stringify(c ?? null) : this.querySelector('script[type="application/json"]')?.textContent ?? "" };
  }

  _boot() {
    return (this._booting ||= (async () => {
      // The flow's stylesheet, fetched with the wasm and applied before the flow shows.
      const css = el("link", { rel: "stylesheet", href: here("cancel-flow.css") });
      const cssReady = new Promise((r) => { css.onload = css.onerror = r; });
      this.shadowRoot.prepend(css);
      const at = this._mount;
      const gone = () => !this.isConnected || this._mount !== at;
      const { url, text } = this._source();
      let m;
      try { m = await load(); } catch (e) { this._loadFailed(e, text); return null; }
      const attrs = {};
      for (const a of ATTRS) if (this.hasAttribute(a)) attrs[a] = this.getAttribute(a);
      await cssReady;
      if (gone()) return null;
      const api = this._api;
      const handle = await m.boot(this, at, text, {
        base: here("./"),
        display: api ? "modal" : this.getAttribute("display") || "modal",
        api: !!api,
        configUrl: url,
        attrs,
        trigger: this._trigger,
        settle: api ? (ok, v) => (ok ? api.resolve(v) : api.reject(Object.assign(new Error(v?.message || "cancel-flow failed"), { name: "CancelFlowError", kind: v?.kind || "delivery" }))) : undefined,
      });
      if (gone()) return handle.unmount(), null;
      this._handle = handle;
      if (!handle.ok && this._trigger) this._trigger.hidden = true;
      return this._handle;
    })());
  }

  // The wasm could not load: say so, keep the page intact, offer the fallback from the raw config.
  _loadFailed(e, text) {
    let fb = {};
    try { fb = JSON.parse(text).fallback || {}; } catch { /* no fallback known */ }
    const p = el("p", { part: "fallback" });
    if (/^(https?:\/\/|\/(?!\/))/i.test(fb.url)) p.append(el("a", { href: fb.url, textContent: "Cancel with the shop's form" }), " ");
    if (/^[^\s@<>]+@[^\s@<>]+$/.test(fb.email)) p.append(el("a", { href: "mailto:" + fb.email, textContent: "Email " + fb.email }));
    if (this._trigger) this._trigger.hidden = true;
    this._mount?.replaceChildren(el("div", { className: "cf-load-error", part: "error", role: "alert" }));
    this._mount?.firstChild.append(el("p", { textContent: "The cancellation form could not load." }), p);
    const message = "load: " + (e?.message || e);
    console.error("cancel-flow:", message);
    this.dispatchEvent(new CustomEvent("cancel-flow:error", { bubbles: true, composed: true, detail: { kind: "load", message } }));
    this._api?.reject(Object.assign(new Error(message), { name: "CancelFlowError", kind: "load" }));
  }

  /** Opens the flow (loading it first if needed). */
  async open() {
    (await this._boot())?.open();
  }
}

if (!customElements.get(TAG)) customElements.define(TAG, CancelFlowElement);

w.CancelFlow ||= {
  /** Opens a modal flow for `config` (an object, or a URL string); resolves with the delivered or abandoned outcome. */
  open(config) {
    return new Promise((resolve, reject) => {
      const back = document.activeElement;
      const node = document.createElement(TAG);
      node._api = { config, resolve, reject };
      node.addEventListener("cancel-flow:close", () => {
        node.remove();
        back?.focus?.();
      });
      document.body.append(node);
      node.open();
    });
  },
};
