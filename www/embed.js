// cancel-flow embed.js: the one file a shop links. Defines <cancel-flow> and
// window.CancelFlow, renders the trigger at once, and loads the wasm flow lazily (when
// the browser is idle, on hover/focus, or on click) relative to this file's own URL.
// Everything else (config validation, the flow, delivery) lives in the wasm.
const TAG = "cancel-flow";
const here = (f) => new URL(f, import.meta.url).href;
const w = window;
let wasm;
// The glue and the wasm are fetched side by side (the glue compiles the wasm as it
// streams in): one round trip on a cold click, not two.
const load = () =>
  (wasm ||= Promise.all([import(here("cancel-flow.js")), fetch(here("cancel-flow_bg.wasm"))]).then(async ([m, r]) => {
    await m.default({ module_or_path: r });
    return m;
  }).catch((e) => { wasm = null; throw e; }));
// A config given by URL (contract 1.2: perhaps served by the collector for this customer),
// fetched beside the glue and the wasm. With a token: `Authorization: Bearer`, no cookies
// (mode "cors", fetch's default); without: a plain GET. Aborted after 10 s without an
// answer (AbortSignal.timeout: a TimeoutError; a browser without it, Chromium before 103,
// waits as long as fetch does). It never rejects: the answer's text, else its status (any
// but 200) or what fetch threw, for the wasm to read or to name.
const get = (url, token) =>
  fetch(url, { signal: AbortSignal.timeout?.(1e4), ...(token && { credentials: "omit", headers: { Authorization: "Bearer " + token } }) })
    .then((r) => (r.status == 200 ? r.text() : r.status))
    .catch((e) => e);
// The attributes the element observes (the wasm reads them from the element when it
// boots); those from the fifth on (token, config, display and the fallbacks) re-render at
// once when changed.
const ATTRS = ["endpoint", "locale", "customer-id", "subscription-id", "theme", "token", "config", "display", "fallback-url", "fallback-email"];
const el = (tag, props) => Object.assign(document.createElement(tag), props);
// The trigger's own look, so nothing but this file loads before idle or interaction;
// the full stylesheet comes with the flow. A constructable sheet also works under a
// strict style-src CSP.
const TRIGGER_CSS = `:host{display:inline-block}:host([display=inline]){display:block}[hidden]{display:none!important}` +
  `.trigger{--c:#b42318;--b:#fff;all:initial;box-sizing:border-box;display:inline-flex;align-items:center;` +
  `justify-content:center;min-height:2.75em;padding:.6em 1.1em;font:600 var(--cf-font-size,16px)/1.25 var(--cf-font-family,system-ui,sans-serif);` +
  `color:var(--cf-color-danger,var(--c));background:var(--cf-color-bg,var(--b));border:1px solid;border-radius:var(--cf-radius,8px);cursor:pointer}` +
  `.trigger:focus-visible{outline:3px solid var(--cf-color-accent,#1d4ed8);outline-offset:2px}` +
  `.trigger[data-theme=dark]{--c:#ff8f85;--b:#161b22}@media (prefers-color-scheme:dark){.trigger:not([data-theme=light]){--c:#ff8f85;--b:#161b22}}`;
let sheet;
// A fallback the load error box may link: http(s) or a same-origin path; a plausible email.
const URL_OK = /^(https?:\/\/|\/(?!\/))/i;
const EMAIL_OK = /^[^\s@<>]+@[^\s@<>]+$/;
const failure = (message, kind) => Object.assign(Error(message), { name: "CancelFlowError", kind });
const idle = (f) => (w.requestIdleCallback ? requestIdleCallback(f, { timeout: 3000 }) : setTimeout(f, 200));

// State lives in #private fields: a page's script can neither read nor change it.
//
// Attributes changed after connect take effect at the next open. The wasm reads them
// when it mounts, so a change marks the mounted flow stale, and the next open() re-mounts
// it (tears the old flow down, boots again with the current attributes) before opening,
// unless a modal flow is open right now: that one is never disturbed, and the change
// waits for the open after it. An inline flow is always on screen; it re-mounts when
// the page calls open(). `token`, `config`, `display`, `fallback-url` and
// `fallback-email` re-render at once (unless a modal is open): they change what the page
// shows (a config served for the token, a config error box with its fallback, a trigger
// or an inline flow), not only what the next flow sends. The trigger follows `theme` at
// once. A re-mount emits cancel-flow:ready again; an outcome the old flow had not
// delivered yet stays in the outbox and is re-sent on the next page load. A config URL is
// requested once per URL and token: a re-mount for any other change reuses the answer.
class CancelFlowElement extends HTMLElement {
  static observedAttributes = ATTRS;
  #api;
  #handle;
  #booting;
  #trigger;
  #mount;
  #stale;
  #key;
  #config;

  /** `api` ({config, resolve, reject}) only from window.CancelFlow.open. */
  constructor(api) {
    super();
    this.#api = api;
    this.addEventListener("cancel-flow:close", () => this.#trigger?.focus());
  }

  connectedCallback() {
    this.#render();
  }

  disconnectedCallback() {
    this.#handle?.unmount();
    this.#handle = this.#booting = this.#trigger = null;
    this.shadowRoot?.replaceChildren();
  }

  attributeChangedCallback(name, old, value) {
    if (old == value) return;
    this.#stale = 1;
    if (name == "theme" && this.#trigger) this.#trigger.dataset.theme = value ?? "auto";
    // Not before the first render: an element upgraded with its attributes renders once.
    if (ATTRS.indexOf(name) > 4 && this.isConnected && this.#mount) this.#refresh();
  }

  #refresh() {
    if (this.#stale && !this.#mount?.querySelector("dialog")?.open) this.#render();
  }

  // Renders for the current attributes: the trigger (an existing one stays in place, so
  // it keeps focus), a fresh mount point, and a boot of the flow (at once inline, else
  // when idle or on interaction). A flow mounted before is torn down.
  #render() {
    const root = this.shadowRoot || this.attachShadow({ mode: "open" });
    const inline = this.getAttribute("display") == "inline";
    let t = this.#trigger;
    this.#handle?.unmount();
    this.#handle = this.#booting = this.#stale = null;
    if (!sheet) (sheet = new CSSStyleSheet()).replaceSync(TRIGGER_CSS);
    root.adoptedStyleSheets = [sheet];
    if (inline || this.#api) t?.remove(), (t = null);
    else if (!t) {
      const boot = () => this.#boot();
      t = el("button", { textContent: "Cancel subscription", className: "trigger", part: "trigger", onclick: () => this.open(), onpointerenter: boot, onfocus: boot });
      t.dataset.theme = this.getAttribute("theme") ?? "auto";
      root.prepend(t);
    }
    this.#trigger = t;
    this.#mount?.remove();
    root.append((this.#mount = el("div", { className: "cf-root" })));
    if (inline) this.#boot();
    else idle(() => this.isConnected && this.#boot());
  }

  #boot() {
    return (this.#booting ||= (async () => {
      // The glue and the wasm first (the longest way), then the flow's stylesheet,
      // applied before the flow shows.
      const wasmReady = load();
      const at = this.#mount;
      const api = this.#api;
      const cssReady = new Promise((r) => at.append(el("link", { rel: "stylesheet", href: here("cancel-flow.css"), onload: r, onerror: r })));
      const gone = () => !this.isConnected || this.#mount !== at;
      // The config: the JS API's object or URL, the `config` attribute's URL (requested
      // now, beside the glue and the wasm; once per URL and token; empty is none, as for
      // every attribute), or the inline JSON.
      const c = api ? api.config : this.getAttribute("config") || null;
      const token = this.getAttribute("token") ?? "";
      let url, text;
      if (typeof c == "string") {
        if (this.#key != (this.#key = c + "\n" + token)) this.#config = get(c, token);
        [url, text] = [c, this.#config];
      } else text = api ? JSON.stringify(c ?? null) : this.querySelector('script[type="application/json"]')?.textContent ?? "";
      let m;
      try {
        m = await wasmReady;
      } catch (e) {
        // The wasm could not load: say so (once: not for a mount torn down meanwhile), keep
        // the page intact, offer the fallback of the raw config (a URL's only if it has
        // arrived), else the shop's from the fallback-url and fallback-email attributes.
        if (gone()) return null;
        let fb;
        try { fb = JSON.parse(await Promise.race([text, ""])).fallback; } catch { /* no fallback known */ }
        if (!(URL_OK.test(fb?.url) || EMAIL_OK.test(fb?.email))) fb = { url: this.getAttribute("fallback-url"), email: this.getAttribute("fallback-email") };
        const p = el("p", { part: "fallback" });
        if (URL_OK.test(fb.url)) p.append(el("a", { href: fb.url, textContent: "Cancel with the shop's form" }), " ");
        if (EMAIL_OK.test(fb.email)) p.append(el("a", { href: "mailto:" + fb.email, textContent: "Email " + fb.email }));
        if (this.#trigger) this.#trigger.hidden = true;
        const box = el("div", { className: "cf-load-error", part: "error", role: "alert" });
        box.append(el("p", { textContent: "The cancellation form could not load." }), p);
        at.append(box);
        const message = "load: " + e.message;
        console.error("cancel-flow:", message);
        this.dispatchEvent(new CustomEvent("cancel-flow:error", { bubbles: true, composed: true, detail: { kind: "load", message } }));
        api?.reject(failure(message, "load"));
        return null;
      }
      const [config] = await Promise.all([text, cssReady]);
      if (gone()) return null;
      // The wasm reads the attributes (ATTRS) and finds the trigger itself.
      const handle = await m.boot(this, at, config, {
        base: here("./"),
        configUrl: url,
        api,
      });
      if (gone()) return handle.unmount(), null;
      this.#handle = handle;
      if (this.#trigger) this.#trigger.hidden = !handle.ok;
      return handle;
    })());
  }

  /** Opens the flow (loading it first if needed; re-mounting it first if an attribute changed). */
  async open() {
    this.#refresh();
    (await this.#boot())?.open();
  }
}

if (!customElements.get(TAG)) customElements.define(TAG, CancelFlowElement);

w.CancelFlow ||= {
  /** Opens a modal flow for `config` (an object, or a URL string); resolves with the delivered or abandoned outcome. */
  open(config) {
    return new Promise((resolve, reject) => {
      const back = document.activeElement;
      const node = new CancelFlowElement({ config, resolve, reject });
      node.addEventListener("cancel-flow:close", () => {
        node.remove();
        back?.focus();
      });
      document.body.append(node);
      node.open();
    });
  },
};
