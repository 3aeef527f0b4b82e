// A shop's use of cancel-flow's declarations, type-checked by `tsc -p tests/types --noEmit
// --strict` (make test-types): configs with presets, the JS API, the element and its
// attributes, the events and their details, narrowing on `result.type`; every
// `@ts-expect-error` line is a mistake the declarations must reject. Never run.
import "cancel-flow/embed.js";
import type {
  CancelFlowConfig,
  CancelFlowError,
  CancelFlowEventName,
  CancelFlowOutcome,
  CancelFlowResult,
  CancelFlowResultType,
  Reason,
  ReasonPreset,
  ReasonPresets,
  Served,
  StripeFeedback,
  Text,
} from "cancel-flow";
import themesConfig from "../../www/demo/themes-config.json";
import mealBox from "../fixtures/meal-box.json";
import saasTiers from "../fixtures/saas-tiers.json";
import directDe from "../fixtures/direct-de.json";

// --- Configs ---------------------------------------------------------------------------

const reasons: Reason[] = [
  { preset: "too_expensive" },
  { preset: "too_much", offers: ["frequency"] },
  { preset: "away", label: { en: "Travelling", hu: "Utazom" } },
  { preset: "moving", id: "moving_abroad", comment: "optional" },
  { preset: "switched", feedback: "switched_service", pinned: false },
  { id: "taste", label: "Not my taste", feedback: "low_quality", offers: ["links"] },
  { id: "no_feedback", label: "No Stripe value for this one", comment: "none" },
  { preset: "other" },
];

const config = {
  schema: "cancel-flow/config@1",
  flow_id: "weekly-box-2026",
  endpoint: "https://shop.example/api/cancel-flow",
  headers: { "X-CSRF-Token": "token-from-the-page" },
  test: false,
  locale: "hu",
  customer: { id: "cus_123", subscription_id: "sub_9", email: "a@b.example" },
  plan: {
    id: "standard",
    name: "Weekly box",
    price: { amount_minor: 499000, currency: "HUF", per: { unit: "week", count: 1 } },
    deliveries: { count: 50, per: { unit: "week", count: 50 } },
  },
  flow: "guided",
  survey: { question: { en: "What made you decide to cancel?", hu: "Miért mondod le?" }, randomize: true, reasons },
  offers: {
    pause: { options: [{ unit: "week", count: 2 }, { unit: "week", count: 4 }, { unit: "month", count: 3 }] },
    downgrade: {
      tiers: [
        {
          id: "lite",
          name: "Lite box",
          price: { amount_minor: 349000, currency: "HUF", per: { unit: "week", count: 1 } },
          features: ["3 meals a week"],
          loses: ["Dessert"],
        },
      ],
    },
    frequency: { options: [{ count: 20, per: { unit: "week", count: 50 } }, { count: 25, per: { unit: "week", count: 50 } }] },
    discount: { percent_off: 20, months: 3 },
    links: [{ id: "support", label: "Talk to a person", url: "https://shop.example/help" }],
  },
  cancel: { effective: ["period_end", "immediately"], period_end: "2026-12-31" },
  keep_in_touch: { enabled: true },
  fallback: { url: "https://shop.example/account/cancel-form", email: "help@shop.example" },
  texts: { hu: { "confirm.title": "Biztosan lemondod?" } },
  theme: "auto",
} satisfies CancelFlowConfig;

// A minimal config: an amount discount, and a fallback with an email only.
const minimal: CancelFlowConfig = {
  schema: "cancel-flow/config@1",
  flow_id: "notes-pro",
  endpoint: "/api/cancel-flow/outcomes",
  customer: { id: "user_77" },
  plan: { id: "pro" },
  flow: "direct",
  offers: { discount: { amount_off_minor: 500, currency: "USD", months: 2 } },
  fallback: { email: "billing@notes.example" },
};

// The preset table is in the types: its feedback and default offers.
const feedbackOfAway: ReasonPresets["away"]["feedback"] = "other";
const movingOffers: ReasonPresets["moving"]["offers"] = [];
const presets: ReasonPreset[] = [
  "too_expensive", "not_using_enough", "too_much", "away", "missing_features", "too_complex",
  "quality", "service", "switched", "moving", "other",
];
const stripe: StripeFeedback[] = [
  "customer_service", "low_quality", "missing_features", "other", "switched_service", "too_complex", "too_expensive", "unused",
];
const label: Text = { en: "Pause", de: "Pausieren" };

// The repository's own JSON configs. TypeScript widens a JSON file's strings (`"week"`
// becomes `string`), so an import can only be checked for its shape: fields, nesting,
// numbers, booleans, required fields. tests/e2e/package.spec.mjs checks them in full
// (literal values, unknown fields) against the packaged declarations.
type Shape<T> = T extends string ? string
  : T extends number ? number
  : T extends boolean ? boolean
  : T extends readonly (infer U)[] ? Shape<U>[]
  : T extends object ? { [K in keyof T]: Shape<T[K]> }
  : T;
const jsonConfigs: Shape<CancelFlowConfig>[] = [themesConfig, mealBox, saasTiers, directDe];

// Mistakes the declarations reject.
const bad: CancelFlowConfig[] = [
  // @ts-expect-error an unknown preset id
  { ...minimal, survey: { reasons: [{ preset: "too_pricey" }] } },
  // @ts-expect-error a feedback value that is not one of Stripe's
  { ...minimal, survey: { reasons: [{ preset: "too_expensive", feedback: "expensive" }] } },
  // @ts-expect-error a reason without preset needs an id and a label
  { ...minimal, survey: { reasons: [{ label: "No id" }] } },
  // @ts-expect-error an offer name that is not an offer section
  { ...minimal, survey: { reasons: [{ id: "x", label: "X", offers: ["coupon"] }] } },
  // @ts-expect-error count as a string
  { ...minimal, offers: { pause: { options: [{ unit: "week", count: "4" }] } } },
  // @ts-expect-error an unknown unit
  { ...minimal, offers: { pause: { options: [{ unit: "fortnight", count: 1 }] } } },
  // @ts-expect-error a discount both in percent and as an amount
  { ...minimal, offers: { discount: { percent_off: 10, amount_off_minor: 500, currency: "USD", months: 1 } } },
  // @ts-expect-error another major version of the schema
  { ...minimal, schema: "cancel-flow/config@2" },
  // @ts-expect-error a fallback needs a url or an email
  { ...minimal, fallback: {} },
  // @ts-expect-error comment is "optional" or "none", not a boolean
  { ...minimal, survey: { reasons: [{ id: "x", label: "X", comment: true }] } },
  // @ts-expect-error theme is light, dark or auto
  { ...minimal, theme: "sepia" },
  // @ts-expect-error served.flow_version is a number
  { ...minimal, served: { flow_version: "3" } },
  // @ts-expect-error an experiment needs its variant
  { ...minimal, served: { flow_version: 3, experiment: { id: "winter-offers" } } },
];
// Contract 1.2: a config as the collector serves it.
const servedConfig: CancelFlowConfig = { ...minimal, served: { flow_version: 3, experiment: { id: "winter-offers", variant: "holdout" } } };
// @ts-expect-error flow_id is required
const noFlowId: CancelFlowConfig = { schema: "cancel-flow/config@1", endpoint: "/api", customer: { id: "c" }, plan: { id: "p" }, fallback: { email: "a@b.example" } };

// --- The outcome: narrowing on result.type ----------------------------------------------

function describe(result: CancelFlowResult): string {
  switch (result.type) {
    case "paused":
      return `paused for ${result.duration.count} ${result.duration.unit}, back on ${result.resume_on}`;
    case "downgraded":
      return `from ${result.from} to ${result.to}`;
    case "frequency_reduced":
      return `${result.count} per ${result.per.count} ${result.per.unit}`;
    case "discount_accepted":
      return result.percent_off !== undefined
        ? `${result.percent_off}% off for ${result.months} months`
        : `${result.amount_off_minor} ${result.currency} off for ${result.months} months`;
    case "link_followed":
      return `went to ${result.link_id}`;
    case "cancelled":
      return `cancelled ${result.effective}, on ${result.effective_on ?? "the period end"}`;
    case "abandoned":
      // @ts-expect-error an abandoned result has no fields
      return result.effective;
    default: {
      const unreachable: never = result;
      return unreachable;
    }
  }
}

function applyInBilling(outcome: CancelFlowOutcome): void {
  const id: string = outcome.id;
  const sub: string | null = outcome.customer.subscription_id;
  // survey is null when skipped; feedback only when the reason has one (contract 1.1).
  const feedback: StripeFeedback | undefined = outcome.survey?.feedback;
  const comment: string | null | undefined = outcome.survey?.comment;
  for (const o of outcome.offers) if (o.accepted) console.log(o.type satisfies "pause" | "downgrade" | "frequency" | "discount" | "link");
  const types: CancelFlowResultType[] = ["paused", "downgraded", "frequency_reduced", "discount_accepted", "link_followed", "cancelled", "abandoned"];
  // served only when the config had it (contract 1.2).
  const version: number | undefined = outcome.served?.flow_version;
  const group: string | undefined = outcome.served?.experiment?.variant;
  const served: Served | undefined = outcome.served;
  console.log(id, sub, feedback, comment, types, describe(outcome.result), version, group, served);
  // @ts-expect-error a misspelt result type cannot match
  if (outcome.result.type === "pause") return;
  // @ts-expect-error the outcome schema is fixed
  outcome.schema = "cancel-flow/outcome@2";
}

// --- window.CancelFlow -----------------------------------------------------------------

async function cancelFromOwnButton(): Promise<void> {
  try {
    const outcome = await window.CancelFlow.open(config);
    if (outcome.result.type !== "abandoned") applyInBilling(outcome);
    const fromUrl: CancelFlowOutcome = await CancelFlow.open("/account/cancel-flow.json");
    console.log(fromUrl.flow_id);
  } catch (e) {
    const err = e as CancelFlowError;
    if (err.name === "CancelFlowError") {
      const kind: "config" | "delivery" | "load" = err.kind;
      console.error(kind, err.message);
    }
  }
  // @ts-expect-error open takes a config object or a URL
  await window.CancelFlow.open(42);
  // @ts-expect-error a config missing its required fields
  await window.CancelFlow.open({ schema: "cancel-flow/config@1" });
}

// --- The element and its attributes ----------------------------------------------------

const el = document.createElement("cancel-flow");
el.setAttribute("config", "/account/cancel-flow.json");
el.setAttribute("endpoint", "/api/cancel-flow/outcomes");
el.setAttribute("locale", "de-AT");
el.setAttribute("customer-id", "cus_123");
el.setAttribute("subscription-id", "sub_9");
el.setAttribute("token", "server-minted");
el.setAttribute("display", "inline");
el.setAttribute("theme", "dark");
el.setAttribute("fallback-url", "/account/cancel");
el.setAttribute("fallback-email", "help@shop.example");
el.setAttribute("data-testid", "cancel");
el.setAttribute("aria-label", "Cancel your subscription");
const someName: string = "class";
el.setAttribute(someName, "wide");
// @ts-expect-error display is modal or inline
el.setAttribute("display", "popup");
// @ts-expect-error theme is light, dark or auto
el.setAttribute("theme", "blue");
document.body.append(el);
void el.open();
const found: HTMLCancelFlowElement | null = document.querySelector("cancel-flow");
void found?.open();
const all: NodeListOf<HTMLCancelFlowElement> = document.querySelectorAll("cancel-flow");
const shadow: ShadowRoot | null = el.shadowRoot;

// --- Events ----------------------------------------------------------------------------

el.addEventListener("cancel-flow:outcome", (e) => {
  const type: CancelFlowResultType = e.detail.result.type;
  if (e.detail.result.type === "paused") console.log(e.detail.result.resume_on);
  console.log(type, e.detail.id);
});
el.addEventListener("cancel-flow:ready", (e) => console.log(e.detail.flow_id));
el.addEventListener("cancel-flow:step", (e) => {
  const step: "survey" | "offers" | "confirm" | "done" | "error" | "loading" = e.detail.step;
  console.log(step);
});
el.addEventListener("cancel-flow:delivered", (e) => console.log(e.detail.id, e.detail.status.toFixed()));
el.addEventListener("cancel-flow:close", (e) => console.log(Object.keys(e.detail).length));
el.addEventListener("click", (e) => console.log(e.clientX));
// They bubble and are composed: the document, the window and any ancestor hear them.
document.addEventListener("cancel-flow:error", (e) => {
  const kind: "config" | "delivery" | "load" = e.detail.kind;
  console.error(kind, e.detail.message);
});
window.addEventListener("cancel-flow:delivered", (e) => console.log(e.detail.status));
document.body.addEventListener("cancel-flow:outcome", (e) => applyInBilling(e.detail));
el.shadowRoot?.addEventListener("cancel-flow:step", (e) => console.log(e.detail.step));
const names: CancelFlowEventName[] = ["cancel-flow:ready", "cancel-flow:step", "cancel-flow:outcome", "cancel-flow:delivered", "cancel-flow:error", "cancel-flow:close"];
// @ts-expect-error a step event's detail has no result
el.addEventListener("cancel-flow:step", (e) => e.detail.result);
// @ts-expect-error an error's kind is config, delivery or load
document.addEventListener("cancel-flow:error", (e) => e.detail.kind === "network");

// The global type namespace, for files that do not import the package.
const globalConfig: CancelFlow.Config = minimal;
const globalOutcome = (o: CancelFlow.Outcome): CancelFlow.ResultType => o.result.type;
const globalReason: CancelFlow.Reason = { preset: "quality" };
const globalServed: CancelFlow.Served = { flow_version: 1 };

// Internal helpers of the declarations are not exported.
// @ts-expect-error ReasonFields is internal
import type { ReasonFields } from "cancel-flow";

export {
  config, minimal, feedbackOfAway, movingOffers, presets, stripe, label, jsonConfigs, bad, noFlowId,
  cancelFromOwnButton, all, shadow, names, globalConfig, globalOutcome, globalReason, servedConfig, globalServed,
};
