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
const idle = (f) => (w.requestIdleCallback ? requestIdleCallback(f, { timeout: 3000 }) : setTimeout(f, 200));

class CancelFlowElement extends HTMLElement {
  connectedCallback() {
    const root = this.shadowRoot || this.attachShadow({ mode: "open" });
    this._mount = el("div", { className: "cf-root" });
    root.replaceChildren(el("link", { rel: "stylesheet", href: here("cancel-flow.css") }), this._mount);
    const inline = this.getAttribute("display") === "inline";
    if (!inline && !this._api) {
      this._trigger = el("button", { type: "button", textContent: "Cancel subscription", className: "trigger" });
      this._trigger.setAttribute("part", "trigger");
      if (this.hasAttribute("theme")) this._trigger.dataset.theme = this.getAttribute("theme");
      this._trigger.addEventListener("click", () => this.open());
      for (const ev of ["pointerenter", "focus", "touchstart"]) this._trigger.addEventListener(ev, () => this._boot(), { once: true, passive: true });
      root.insertBefore(this._trigger, this._mount);
      if (!this._onClose) this.addEventListener("cancel-flow:close", (this._onClose = () => this._trigger?.focus()));
    }
    if (!this._onHide) addEventListener("pagehide", (this._onHide = () => this._handle?.pageHidden()));
    if (inline) this._boot();
    else idle(() => this.isConnected && this._boot());
  }

  disconnectedCallback() {
    removeEventListener("pagehide", this._onHide);
    this._onHide = null;
    this._handle?.unmount();
    this._handle = this._booting = this._trigger = null;
    this.shadowRoot?.replaceChildren();
  }

  async _configText() {
    if (this._api) {
      const c = this._api.config;
      return typeof c === "string" ? this._fetchConfig(c) : JSON.stringify(c ?? null);
    }
    const url = this.getAttribute("config");
    if (url) return this._fetchConfig(url);
    return this.querySelector('script[type="application/json"]')?.textContent ?? "";
  }

  async _fetchConfig(url) {
    let res;
    try {
      res = await fetch(url, { credentials: "same-origin", signal: AbortSignal.timeout(10000) });
    } catch (e) {
      throw new Error(`config: could not load ${url} (${e.name === "TimeoutError" ? "no answer in 10 s" : "network error"})`);
    }
    if (!res.ok) throw new Error(`config: could not load ${url} (HTTP ${res.status})`);
    return res.text();
  }

  _boot() {
    return (this._booting ||= (async () => {
      let text = "", loadError;
      try { text = await this._configText(); } catch (e) { loadError = e.message; }
      let m;
      try { m = await load(); } catch (e) { this._loadFailed(e, text); return null; }
      if (!this.isConnected || !this._mount) return null;
      const attrs = {};
      for (const a of ATTRS) if (this.hasAttribute(a)) attrs[a] = this.getAttribute(a);
      const code = m.localeFor(text, { attrs });
      let catalog;
      if (code !== "en") {
        try { catalog = await (await fetch(here(`i18n/${code}.json`), { signal: AbortSignal.timeout(10000) })).text(); }
        catch { console.warn(`cancel-flow: could not load i18n/${code}.json; using English`); }
      }
      if (!this.isConnected || !this._mount) return null;
      const api = this._api;
      this._handle = m.mount(this, this._mount, text, {
        display: api ? "modal" : this.getAttribute("display") || "modal",
        api: !!api,
        loadError,
        catalog,
        attrs,
        trigger: this._trigger,
        settle: api ? (ok, v) => (ok ? api.resolve(v) : api.reject(Object.assign(new Error(v?.message || "cancel-flow failed"), { name: "CancelFlowError", kind: v?.kind || "delivery" }))) : undefined,
      });
      if (!this._handle.ok && this._trigger) this._trigger.hidden = true;
      return this._handle;
    })());
  }

  // The wasm could not load: say so, keep the page intact, offer the fallback from the raw config.
  _loadFailed(e, text) {
    let fb = {};
    try { fb = JSON.parse(text).fallback || {}; } catch { /* no fallback known */ }
    const box = el("div", { className: "cf-load-error" });
    box.setAttribute("part", "error");
    box.setAttribute("role", "alert");
    box.append(el("p", { textContent: "The cancellation form could not load." }));
    const p = el("p");
    p.setAttribute("part", "fallback");
    if (typeof fb.url === "string" && /^(https?:\/\/|\/(?!\/))/i.test(fb.url)) p.append(el("a", { href: fb.url, textContent: "Cancel with the shop's form" }), " ");
    if (typeof fb.email === "string" && /^[^\s@<>]+@[^\s@<>]+$/.test(fb.email)) p.append(el("a", { href: "mailto:" + fb.email, textContent: "Email " + fb.email }));
    if (p.childNodes.length) box.append(p);
    if (this._trigger) this._trigger.hidden = true;
    this._mount?.replaceChildren(box);
    const message = "load: " + (e && e.message ? e.message : String(e));
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
