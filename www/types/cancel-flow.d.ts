// TypeScript declarations for cancel-flow's embed.js (contract 1.1), hand-written from
// ../shared/contract/CONTRACT.md sections 2, 3, 5 and 6. Shipped as `embed.d.ts` beside
// `embed.js` (tools/package.mjs); it describes no runtime exports: embed.js exports
// nothing, it defines `<cancel-flow>` and `window.CancelFlow`.
//
// An ES module with `export`ed types plus `declare global`:
// - `import "cancel-flow/embed.js"` (or `import "cancel-flow"`) resolves to this file
//   through the package's `types` condition, and the import brings the globals below
//   (`window.CancelFlow`, `<cancel-flow>` in `createElement`/`querySelector`, the events
//   in `addEventListener`) into the program; `import type { CancelFlowConfig } from
//   "cancel-flow"` names the types.
// - A page that links embed.js with a script tag (from a CDN) installs the package for
//   its types only and adds `/// <reference types="cancel-flow" />` (or
//   `"types": ["cancel-flow"]` in tsconfig.json): the same globals, and the named types
//   as `CancelFlow.Config`, `CancelFlow.Outcome`, ... (a type-only namespace merged with
//   the global `CancelFlow` object), or `import("cancel-flow").CancelFlowConfig` in JSDoc.
// A global script declaration file would have had to declare `Text`, `Plan` or `Config`
// as globals, clashing with the DOM's `Text` and with an app's own names.

// ---------------------------------------------------------------------------------------
// Config (contract section 3)
// ---------------------------------------------------------------------------------------

/**
 * A label-like text: a plain string, or a map from locale to string
 * (`{ "en": "Pause", "hu": "Szüneteltetés" }`). A locale missing from the map falls back
 * to its language, then English, then the first entry.
 */
export type CancelFlowText = string | Record<string, string>;
/** A label-like text: a plain string or a map from locale to string. */
export type Text = CancelFlowText;

/** A calendar unit. */
export type Unit = "day" | "week" | "month" | "year";

/**
 * A span of time such as 4 weeks: `{ "unit": "week", "count": 4 }`. `count` is a whole
 * number from 1; a pause option allows days 1–90, weeks 1–52, months 1–12, years 1.
 */
export interface Span {
  unit: Unit;
  /** A whole number from 1. */
  count: number;
}

/** A calendar date, `YYYY-MM-DD` (for example `"2026-12-31"`). */
export type IsoDate = string;

/** A price per period: `{ "amount_minor": 499000, "currency": "HUF", "per": { "unit": "week", "count": 1 } }`. */
export interface Price {
  /** The amount in the currency's minor unit (cents), a whole number from 0. */
  amount_minor: number;
  /** A three-letter ISO 4217 code in upper case, such as `"EUR"`. */
  currency: string;
  /** The billing period. */
  per: Span;
}

/** How many deliveries in a period, e.g. 50 per 50 weeks: `{ "count": 50, "per": { "unit": "week", "count": 50 } }`. */
export interface Deliveries {
  /** Deliveries in the period, a whole number from 1. */
  count: number;
  /** The period. */
  per: Span;
}

/** The customer's current plan. */
export interface Plan {
  /** The plan id, echoed as the outcome's `plan_id` and as `from` of a downgrade. */
  id: string;
  /** Display name. */
  name?: CancelFlowText;
  /** Current price. */
  price?: Price;
  /** Current delivery frequency (for the `frequency` offer). */
  deliveries?: Deliveries;
}

/**
 * Who is cancelling. `id` is required (the element's `customer-id` attribute may supply
 * it); `subscription-id` overrides `subscription_id`.
 */
export interface Customer {
  /** The shop's customer id, echoed in every outcome. */
  id: string;
  /** The shop's subscription id, echoed in every outcome. */
  subscription_id?: string;
  /** Shown nowhere; kept for the shop's own use. */
  email?: string;
}

/** Which flow the person gets: `guided` (survey, offers, confirm) or `direct` (opens on confirm). */
export type FlowKind = "guided" | "direct";

/**
 * An offer section's name as a reason lists it in `offers` (the keys of the config's
 * `offers` object).
 */
export type OfferName = "pause" | "downgrade" | "frequency" | "discount" | "links";

/**
 * One of Stripe's `cancellation_details.feedback` values (contract 1.1), so a Stripe
 * backend can pass the answer straight through.
 */
export type StripeFeedback =
  | "customer_service"
  | "low_quality"
  | "missing_features"
  | "other"
  | "switched_service"
  | "too_complex"
  | "too_expensive"
  | "unused";

/**
 * The reason presets of contract 1.1, each with its `feedback` and default `offers`
 * (offers not configured are left out; `[]` goes straight to confirm). The label, shown
 * in every built-in language, is given here in English.
 */
export interface ReasonPresets {
  /** "It costs too much". */
  too_expensive: { feedback: "too_expensive"; offers: ["downgrade", "frequency", "discount", "pause"] };
  /** "I do not use it enough". */
  not_using_enough: { feedback: "unused"; offers: ["frequency", "pause", "downgrade"] };
  /** "I get more than I need". */
  too_much: { feedback: "unused"; offers: ["frequency", "pause"] };
  /** "I will be away for a while". */
  away: { feedback: "other"; offers: ["pause"] };
  /** "It lacks something I need". */
  missing_features: { feedback: "missing_features"; offers: ["links"] };
  /** "It is too complicated to use". */
  too_complex: { feedback: "too_complex"; offers: ["links"] };
  /** "I am not happy with the product". */
  quality: { feedback: "low_quality"; offers: ["links"] };
  /** "I am not happy with the service". */
  service: { feedback: "customer_service"; offers: ["links"] };
  /** "I found something else". */
  switched: { feedback: "switched_service"; offers: ["discount"] };
  /** "I am moving where it is not offered": no offers, straight to confirm. */
  moving: { feedback: "other"; offers: [] };
  /** "Something else": pinned last, with the optional comment, every configured offer. */
  other: { feedback: "other"; offers: OfferName[] };
}

/** The id of a reason preset (contract 1.1): one of the 11 keys of {@link ReasonPresets}. */
export type ReasonPreset = keyof ReasonPresets;

/** What every reason may set, whether written in full or from a preset. */
interface ReasonFields {
  /** Stable id, sent as the outcome's `survey.reason_id` (at most 200 characters). */
  id: string;
  /** What the person reads. */
  label: CancelFlowText;
  /** `"optional"` shows an optional comment box when the reason is chosen; `"none"` (the default, except for the `other` preset) does not. */
  comment?: "optional" | "none";
  /**
   * The offers to show when this reason is chosen, in this order, only those configured.
   * No `offers` field: every configured offer. `[]`: straight to confirm.
   */
  offers?: OfferName[];
  /** Stays last when `survey.randomize` shuffles the reasons (default false, except for the `other` preset). */
  pinned?: boolean;
  /** Sent as the outcome's `survey.feedback` when this reason is chosen (contract 1.1). */
  feedback?: StripeFeedback;
}

/** A reason written in full: `{ "id": "too_much_food", "label": "I get more than I need", "offers": ["frequency", "pause"] }`. */
export interface CustomReason extends ReasonFields {
  preset?: never;
}

/**
 * A reason from a preset (contract 1.1): `{ "preset": "too_expensive" }` has the preset's
 * id, its label in every built-in language, its default `offers` and its `feedback`; any
 * field written beside `preset` (`label`, `offers`, `comment`, `pinned`, even `id`)
 * overrides the preset's.
 */
export interface PresetReason extends Partial<ReasonFields> {
  /** One of the 11 preset ids. */
  preset: ReasonPreset;
}

/** One answer of the exit survey: written in full, or `{ preset, ...overrides }` (contract 1.1). */
export type Reason = CustomReason | PresetReason;

/** The optional exit survey; absent: no survey step. */
export interface Survey {
  /** The question; a built-in one when absent. */
  question?: CancelFlowText;
  /** Shuffle the reasons per person; a reason with `pinned: true` stays last. */
  randomize?: boolean;
  /** The answers: 1 to 30, with unique ids. */
  reasons: Reason[];
}

/** A cheaper tier of the `downgrade` offer. */
export interface Tier {
  /** Tier id, sent as the `downgraded` result's `to`; must not be the current plan's id. */
  id: string;
  /** Display name. */
  name: CancelFlowText;
  /** Its price. */
  price?: Price;
  /** What it includes. */
  features?: CancelFlowText[];
  /** What the person would lose compared with now. */
  loses?: CancelFlowText[];
}

/** A link to a person or a page (the `links` offer). */
export interface Link {
  /** Link id, sent as the `link_followed` result's `link_id`. */
  id: string;
  /** What the person reads. */
  label: CancelFlowText;
  /** `https://`, `http://` or a path starting with `/`; never `javascript:` or `data:`. */
  url: string;
}

/** A temporary discount: a percentage, or an amount with its currency; plus `months`. */
export type DiscountOffer =
  | {
      /** Percent off, 1 to 100. */
      percent_off: number;
      amount_off_minor?: never;
      currency?: never;
      /** For how many months, 1 to 36. */
      months: number;
    }
  | {
      percent_off?: never;
      /** The amount off per billing period in the currency's minor unit. */
      amount_off_minor: number;
      /** A three-letter ISO 4217 code in upper case. */
      currency: string;
      /** For how many months, 1 to 36. */
      months: number;
    };

/** The configured offers; an absent section is never shown. */
export interface Offers {
  /** Pause durations (1 to 12 options): days 1–90, weeks 1–52, months 1–12. */
  pause?: { options: Span[] };
  /** Cheaper tiers (1 to 12). */
  downgrade?: { tiers: Tier[] };
  /** Fewer deliveries than the plan's (1 to 12 options), e.g. 20 per 50 weeks. */
  frequency?: { options: Deliveries[] };
  /** A temporary discount. */
  discount?: DiscountOffer;
  /** Links to a person or a page (1 to 12). */
  links?: Link[];
}

/** When a cancellation takes effect: at the end of the paid period, or today. */
export type Effective = "period_end" | "immediately";

/** Cancellation settings. */
export interface CancelSettings {
  /** The choices offered, the first preselected; default `["period_end"]`. */
  effective?: Effective[];
  /** The last day of the paid period, `YYYY-MM-DD`. */
  period_end?: IsoDate;
}

/** Where a person can still cancel when the widget cannot: at least one of `url` and `email`. */
export type Fallback =
  | {
      /** A cancel form or page: `https://`, `http://` or a path. */
      url: string;
      /** An email address. */
      email?: string;
    }
  | {
      /** A cancel form or page: `https://`, `http://` or a path. */
      url?: string;
      /** An email address. */
      email: string;
    };

/** `light`, `dark`, or `auto` (the default: follows `prefers-color-scheme`). */
export type Theme = "light" | "dark" | "auto";

/**
 * What the collector served (contract 1.2; COLLECTOR.md section 7): written by the
 * collector into the configs it serves, never by hand, and echoed in the outcome exactly
 * as the config had it.
 */
export interface Served {
  /** The version of the served flow: a whole number from 1. */
  flow_version: number;
  /** The experiment the customer is in; absent when they are in none. */
  experiment?: ServedExperiment;
}

/** An experiment and the customer's group in it. */
export interface ServedExperiment {
  /** The experiment's id: 1 to 64 of `a-z`, `0-9`, `_` and `-`. */
  id: string;
  /** The customer's group: a variant's id (1 to 64 of `a-z`, `0-9`, `_` and `-`), or `"holdout"` (shown no offers). */
  variant: "holdout" | (string & {});
}

/**
 * A cancel flow's config (contract section 3): JSON, snake_case. Bad config never breaks
 * the page: the element shows a short message with the fallback and dispatches
 * `cancel-flow:error` with `kind: "config"`. Unknown fields are ignored with a `console.warn`.
 * The element's attributes override the fields of the same meaning (`endpoint`, `locale`,
 * `customer-id`, `subscription-id`, `token`, `theme`).
 */
export interface CancelFlowConfig {
  /** An editor's pointer to the config's JSON Schema (`schema/config.schema.json` in the package); the widget ignores it. */
  $schema?: string;
  /** Required; another major version is a config error. */
  schema: "cancel-flow/config@1";
  /** Required; echoed in every outcome. */
  flow_id: string;
  /** Required; where outcomes are POSTed: `https://`, a same-origin path (`/api/...`), or `http://` on localhost. */
  endpoint: string;
  /** Added to the POST, e.g. `{ "X-CSRF-Token": "..." }` (not `Content-Type` or `Idempotency-Key`). */
  headers?: Record<string, string>;
  /** A server-minted session token, sent as `Authorization: Bearer <token>` (the `token` attribute wins). */
  token?: string;
  /** Outcomes are marked test; default false. */
  test?: boolean;
  /** E.g. `"hu"`; else `<html lang>`, else `navigator.languages`; fallback `en`. */
  locale?: string;
  /** Who is cancelling; `id` required. */
  customer: Customer;
  /** What they have now; `id` required. */
  plan: Plan;
  /** `"guided"` (survey, offers, confirm; the default) or `"direct"` (opens on confirm). */
  flow?: FlowKind;
  /** The optional exit survey. */
  survey?: Survey;
  /** The offers; an absent section is never shown. */
  offers?: Offers;
  /** Cancellation settings; default `{ "effective": ["period_end"] }`. */
  cancel?: CancelSettings;
  /** The opt-in on the confirm step; never pre-checked. */
  keep_in_touch?: { enabled?: boolean };
  /** Required: at least one of `url` and `email`, shown whenever the widget cannot finish. */
  fallback: Fallback;
  /** Per-locale overrides of built-in messages: `{ "hu": { "confirm.title": "..." } }`. */
  texts?: Record<string, Record<string, string>>;
  /** `light`, `dark` or `auto` (default). */
  theme?: Theme;
  /** Contract 1.2: what the collector served, written by the collector (never by hand); echoed in the outcome. */
  served?: Served;
}

// ---------------------------------------------------------------------------------------
// Outcome (contract section 5)
// ---------------------------------------------------------------------------------------

/** A step, as in `[part=dialog]`'s `data-step` and the `cancel-flow:step` event. */
export type CancelFlowStep = "survey" | "offers" | "confirm" | "done" | "error" | "loading";

/** The kind of an offer shown, as in an outcome's `offers[].type` and `data-offer`. */
export type OfferType = "pause" | "downgrade" | "frequency" | "discount" | "link";

/** Paused until `resume_on`. */
export interface PausedResult {
  type: "paused";
  /** How long. */
  duration: Span;
  /** The first day deliveries and billing resume (date, local calendar). */
  resume_on: IsoDate;
}

/** Moved from the plan to a cheaper tier. */
export interface DowngradedResult {
  type: "downgraded";
  /** The plan id. */
  from: string;
  /** The tier id. */
  to: string;
}

/** Fewer deliveries: `count` per `per`, e.g. 20 deliveries per 50 weeks. */
export interface FrequencyReducedResult {
  type: "frequency_reduced";
  /** Deliveries in the period. */
  count: number;
  /** The period. */
  per: Span;
}

/** Took the discount: `percent_off`, or `amount_off_minor` with `currency`; plus `months`. */
export type DiscountAcceptedResult =
  | {
      type: "discount_accepted";
      /** Percent off. */
      percent_off: number;
      amount_off_minor?: never;
      currency?: never;
      /** For how many months. */
      months: number;
    }
  | {
      type: "discount_accepted";
      percent_off?: never;
      /** The amount off in the currency's minor unit. */
      amount_off_minor: number;
      /** ISO 4217 code. */
      currency: string;
      /** For how many months. */
      months: number;
    };

/** Followed a link (talked to a person): nothing changes. */
export interface LinkFollowedResult {
  type: "link_followed";
  /** The link's id. */
  link_id: string;
}

/** Cancelled. */
export interface CancelledResult {
  type: "cancelled";
  /** `period_end` or `immediately`. */
  effective: Effective;
  /** The date it takes effect; `null` when `cancel.period_end` was not configured (use your own period end). */
  effective_on: IsoDate | null;
}

/** The person closed the flow without deciding (sent best-effort). */
export interface AbandonedResult {
  type: "abandoned";
}

/** What was decided: one of seven kinds, told apart by `type`. */
export type CancelFlowResult =
  | PausedResult
  | DowngradedResult
  | FrequencyReducedResult
  | DiscountAcceptedResult
  | LinkFollowedResult
  | CancelledResult
  | AbandonedResult;

/** `result.type`: `paused`, `downgraded`, `frequency_reduced`, `discount_accepted`, `link_followed`, `cancelled` or `abandoned`. */
export type CancelFlowResultType = CancelFlowResult["type"];

/** The survey answer. */
export interface SurveyAnswer {
  /** The chosen reason's id. */
  reason_id: string;
  /** The comment; `null` when none was typed. */
  comment: string | null;
  /** Present only when the reason has one (contract 1.1): one of Stripe's `cancellation_details.feedback` values. */
  feedback?: StripeFeedback;
}

/** An offer shown, and whether it was the one accepted. */
export interface OfferShown {
  type: OfferType;
  accepted: boolean;
}

/**
 * The outcome POSTed to the endpoint (contract section 5; schema `cancel-flow/outcome@1`),
 * with `Content-Type: application/json` and `Idempotency-Key: <id>`. It is also the detail
 * of `cancel-flow:outcome`, and what `window.CancelFlow.open` resolves with.
 */
export interface CancelFlowOutcome {
  schema: "cancel-flow/outcome@1";
  /** UUID v4; the same id on every retry: deduplicate by it. */
  id: string;
  /** RFC 3339, UTC, e.g. `"2026-11-25T10:04:12.345Z"`. */
  created_at: string;
  /** The config's `flow_id`. */
  flow_id: string;
  /** Whether the config was marked test. */
  test: boolean;
  /** Who: the config's customer id and subscription id (`null` when not given). */
  customer: { id: string; subscription_id: string | null };
  /** The plan they had. */
  plan_id: string;
  /** The locale the flow was shown in. */
  locale: string;
  /** What was decided. */
  result: CancelFlowResult;
  /** The survey answer; `null` when skipped. */
  survey: SurveyAnswer | null;
  /** Every offer shown, in order. */
  offers: OfferShown[];
  /** The explicit opt-in to hear about improvements. */
  keep_in_touch: boolean;
  /** The path taken (revisits included), e.g. `["survey", "offers", "done"]`. */
  steps: Array<"survey" | "offers" | "confirm" | "done">;
  /** Milliseconds from opening the flow to the decision. */
  elapsed_ms: number;
  /** Contract 1.2: the config's `served`, exactly as it was; absent when the config had none. Always last. */
  served?: Served;
}

// ---------------------------------------------------------------------------------------
// JS API (contract section 2) and events (contract section 6)
// ---------------------------------------------------------------------------------------

/** Why a flow could not finish: a bad config, an outcome not delivered after retries, or the widget (or a config URL) could not load. */
export type CancelFlowErrorKind = "config" | "delivery" | "load";

/**
 * What `window.CancelFlow.open` rejects with: an `Error` whose `name` is `CancelFlowError`
 * (there is no constructor to test with `instanceof`; test `e.name`).
 */
export interface CancelFlowError extends Error {
  name: "CancelFlowError";
  /** `config` (bad config), `delivery` (could not deliver, after retries) or `load` (the widget or the config URL could not load). */
  kind: CancelFlowErrorKind;
}

/** `window.CancelFlow`, for apps that open the flow from their own button. */
export interface CancelFlowAPI {
  /**
   * Opens a modal flow for `config` (an object, or the URL of a JSON config). Resolves
   * with the outcome after the endpoint acknowledged it, or with an `"abandoned"` outcome
   * when the person closes the dialog without deciding. Rejects with a
   * {@link CancelFlowError} whose `kind` is `config` (bad config), `delivery` (could not
   * deliver, after retries) or `load`. Focus returns to the element that had it.
   */
  open(config: CancelFlowConfig | string): Promise<CancelFlowOutcome>;
}

/** `cancel-flow:ready`: the flow is mounted. */
export interface CancelFlowReadyDetail {
  /** The config's flow id. */
  flow_id: string;
}

/** `cancel-flow:step`: a step is now on screen. */
export interface CancelFlowStepDetail {
  step: CancelFlowStep;
}

/** `cancel-flow:delivered`: the endpoint acknowledged the outcome. */
export interface CancelFlowDeliveredDetail {
  /** The outcome id. */
  id: string;
  /** The endpoint's 2xx status. */
  status: number;
}

/** `cancel-flow:error`. */
export interface CancelFlowErrorDetail {
  /** `config`, `delivery` or `load`. */
  kind: CancelFlowErrorKind;
  /** In plain words; for `config`, it names the field and the problem (`offers.pause.options[1].count: must be a whole number from 1 to 52`). */
  message: string;
}

/** `cancel-flow:close`: no fields. */
export type CancelFlowCloseDetail = Record<string, never>;

/**
 * The events, dispatched on the `<cancel-flow>` element with `bubbles: true, composed:
 * true`: they reach its ancestors, the document and the window, also from inside another
 * shadow root.
 */
export interface CancelFlowEventMap {
  /** The flow is mounted: `detail` is `{ flow_id }`. */
  "cancel-flow:ready": CustomEvent<CancelFlowReadyDetail>;
  /** A step is on screen: `detail` is `{ step }`. */
  "cancel-flow:step": CustomEvent<CancelFlowStepDetail>;
  /** Decided (before delivery): `detail` is the outcome payload. */
  "cancel-flow:outcome": CustomEvent<CancelFlowOutcome>;
  /** The endpoint acknowledged the outcome: `detail` is `{ id, status }`. */
  "cancel-flow:delivered": CustomEvent<CancelFlowDeliveredDetail>;
  /** `detail` is `{ kind: "config" | "delivery" | "load", message }`. */
  "cancel-flow:error": CustomEvent<CancelFlowErrorDetail>;
  /** The flow closed: `detail` is `{}`. */
  "cancel-flow:close": CustomEvent<CancelFlowCloseDetail>;
}

/** An event's name: `cancel-flow:ready`, `:step`, `:outcome`, `:delivered`, `:error` or `:close`. */
export type CancelFlowEventName = keyof CancelFlowEventMap;

/**
 * The attributes of `<cancel-flow>`; each overrides the config field of the same meaning
 * (but for `fallback-url` and `fallback-email`, which the config's own `fallback` wins
 * over). Changed after the element is on the page, they take effect at the next open;
 * `token`, `config`, `display`, `fallback-url` and `fallback-email` re-render at once
 * unless a modal flow is open.
 */
export interface CancelFlowAttributes {
  /**
   * The URL of the JSON config (else the inline `<script type="application/json">`).
   * Fetched once per element (again when `config` or `token` changes), together with the
   * widget's code; with a `token`, the request carries `Authorization: Bearer <token>`
   * and no cookies (a config served by the collector).
   */
  config: string;
  /** Overrides `endpoint`. */
  endpoint: string;
  /** Overrides `locale`. */
  locale: string;
  /** Overrides `customer.id`. */
  "customer-id": string;
  /** Overrides `customer.subscription_id`. */
  "subscription-id": string;
  /** A server-minted session token, sent as `Authorization: Bearer <token>` with the outcome, and with the config request when `config` is a URL. */
  token: string;
  /**
   * Contract 1.2: the shop's own cancel form or page (`https://`, `http://` or a path),
   * shown when the config cannot be loaded or read; a config's own `fallback` wins.
   */
  "fallback-url": string;
  /** Contract 1.2: the shop's email address, shown when the config cannot be loaded or read; a config's own `fallback` wins. */
  "fallback-email": string;
  /** `modal` (the default: a trigger button that opens a dialog) or `inline` (the flow in place, for a dedicated cancel page). */
  display: "modal" | "inline";
  /** `light`, `dark` or `auto` (the default). */
  theme: Theme;
}

/** An attribute name of `<cancel-flow>`. */
export type CancelFlowAttributeName = keyof CancelFlowAttributes;

/** The `<cancel-flow>` element (the same as the global `HTMLCancelFlowElement`). */
export type CancelFlowElement = HTMLCancelFlowElement;

declare global {
  /**
   * `<cancel-flow>`: renders into an open shadow root; removing it from the DOM tears it
   * down. It reflects no attributes as properties: set them with `setAttribute`. Its
   * constructor is not a global: `customElements.get("cancel-flow")`.
   */
  interface HTMLCancelFlowElement extends HTMLElement {
    /** Opens the flow (loading it first if needed; re-mounting it first if an attribute changed). */
    open(): Promise<void>;
    /** Sets one of the element's attributes (see {@link CancelFlowAttributes}). */
    setAttribute<K extends CancelFlowAttributeName>(qualifiedName: K, value: CancelFlowAttributes[K]): void;
    /** Sets any other attribute (`id`, `class`, `data-*`, `aria-*`, ...). */
    setAttribute<N extends string>(qualifiedName: N extends CancelFlowAttributeName ? never : N, value: string): void;
    addEventListener<K extends keyof HTMLElementEventMap>(type: K, listener: (this: HTMLCancelFlowElement, ev: HTMLElementEventMap[K]) => any, options?: boolean | AddEventListenerOptions): void;
    addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
    removeEventListener<K extends keyof HTMLElementEventMap>(type: K, listener: (this: HTMLCancelFlowElement, ev: HTMLElementEventMap[K]) => any, options?: boolean | EventListenerOptions): void;
    removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
  }

  interface HTMLElementTagNameMap {
    "cancel-flow": HTMLCancelFlowElement;
  }

  // The events bubble and are composed: they reach every ancestor element, shadow roots
  // on the way, the document and the window.
  interface HTMLElementEventMap extends CancelFlowEventMap {}
  interface ShadowRootEventMap extends CancelFlowEventMap {}
  interface DocumentEventMap extends CancelFlowEventMap {}
  interface WindowEventMap extends CancelFlowEventMap {}

  interface Window {
    /**
     * Defined by embed.js (once, however often it is included): opens the flow from an
     * app's own button. Present once embed.js has run (`await
     * customElements.whenDefined("cancel-flow")` waits for it).
     */
    CancelFlow: CancelFlowAPI;
  }

  /** `window.CancelFlow`: opens the flow from an app's own button. */
  var CancelFlow: CancelFlowAPI;

  /** The types of cancel-flow, for files that do not import the package. */
  namespace CancelFlow {
    type Config = CancelFlowConfig;
    type Text = CancelFlowText;
    type Reason = AnyReason;
    type ReasonPreset = PresetId;
    type StripeFeedback = FeedbackValue;
    type Outcome = CancelFlowOutcome;
    type Result = CancelFlowResult;
    type ResultType = CancelFlowResultType;
    type Step = CancelFlowStep;
    type Error = CancelFlowError;
    type ErrorKind = CancelFlowErrorKind;
    type API = CancelFlowAPI;
    type EventMap = CancelFlowEventMap;
    type EventName = CancelFlowEventName;
    type Attributes = CancelFlowAttributes;
    type Served = ServedBlock;
  }
}

// Names for the global namespace above (its members cannot refer to the module's types of
// the same name); `export {}` keeps them, and ReasonFields, out of the module's exports.
type AnyReason = Reason;
type PresetId = ReasonPreset;
type FeedbackValue = StripeFeedback;
type ServedBlock = Served;
export {};
