// The floor: a minimal hand-written vanilla-JS cancel flow (survey, offers, confirm,
// POST), with no framework, no i18n, no validation and no retry. Not shipped; the
// benchmark measures it beside cancel-flow so every figure has a ratio to this floor.
const css = `.d{font:16px/1.5 system-ui,sans-serif;color:#1f2328;background:#fff;border:1px solid #7d8590;border-radius:8px;padding:16px;width:min(560px,90vw)}
button{font:inherit;min-height:2.75em;padding:.6em 1.1em;border-radius:8px;margin:4px}label{display:block;padding:8px;border:1px solid #7d8590;border-radius:8px;margin:6px 0}`;
class BaselineFlow extends HTMLElement {
  connectedCallback() {
    const root = this.attachShadow({ mode: "open" });
    const cfg = JSON.parse(this.querySelector("script").textContent);
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
    const trigger = document.createElement("button");
    trigger.setAttribute("part", "trigger");
    trigger.textContent = "Cancel subscription";
    const dialog = document.createElement("dialog");
    dialog.className = "d";
    dialog.setAttribute("part", "dialog");
    root.append(trigger, dialog);
    const state = { reason: null, steps: [] };
    const post = (result) => fetch(cfg.endpoint, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ flow_id: cfg.flow_id, result, survey: state.reason && { reason_id: state.reason }, steps: state.steps }) })
      .then(() => show("done"));
    const button = (part, text, on) => { const b = document.createElement("button"); b.setAttribute("part", part); b.textContent = text; b.onclick = on; return b; };
    const show = (step) => {
      state.steps.push(step);
      dialog.dataset.step = step;
      dialog.replaceChildren();
      const h = document.createElement("h2");
      dialog.append(h);
      if (step === "survey") {
        h.textContent = cfg.survey.question?.en || "What made you decide to cancel?";
        for (const r of cfg.survey.reasons) {
          const l = document.createElement("label");
          l.setAttribute("part", "reason");
          l.dataset.reasonId = r.id;
          const i = document.createElement("input");
          i.type = "radio"; i.name = "r"; i.onchange = () => (state.reason = r.id);
          l.append(i, " ", r.label.en || r.label);
          dialog.append(l);
        }
        dialog.append(button("next", "Continue", () => show("offers")), button("skip", "Skip", () => show("offers")));
      } else if (step === "offers") {
        h.textContent = "Would one of these suit you better?";
        for (const o of cfg.offers.pause.options) {
          dialog.append(button("accept", `Pause ${o.count} ${o.unit}s`, () => post({ type: "paused", duration: o })));
        }
      } else if (step === "confirm") {
        h.textContent = "Cancel your subscription";
        dialog.append(button("confirm", "Cancel subscription", () => post({ type: "cancelled", effective: "period_end" })));
      } else {
        h.textContent = "Done";
      }
      if (step === "survey" || step === "offers") dialog.append(button("cancel", "Cancel subscription", () => show("confirm")));
    };
    trigger.onclick = () => { dialog.showModal(); show("survey"); };
  }
}
customElements.define("baseline-flow", BaselineFlow);
