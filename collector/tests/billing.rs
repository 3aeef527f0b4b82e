//! Cancellations from Stripe, the pure module (COLLECTOR.md section 9) from outside: the
//! `Stripe-Signature` check against fixed vectors (one published in Stripe's own
//! stripe-dotnet tests, one computed with OpenSSL, one with the `hmac` crate in the test)
//! and every refusal with its message; then Stripe's events read into cancellations or
//! ignored, in the shapes Stripe sends them.

use cancel_flow_collector::billing::{
    read_event, sign, verify, EventError, Malformed, SignatureError, StripeCancellation, StripeEvent, HEADER,
    TOLERANCE_SECONDS,
};
use hmac::{Hmac, Mac};
use proptest::prelude::*;
use serde_json::{json, Value};
use sha2::Sha256;
use time::macros::datetime;

// ---------------------------------------------------------------------------------------
// Signature: fixed vectors
// ---------------------------------------------------------------------------------------

/// Stripe's published vector: stripe/stripe-dotnet, `src/StripeTests/Services/Events/
/// EventUtilityTest.cs` (secret `webhook_secret`, `t=1533204620`, the `v1` and `v0` below)
/// over `src/StripeTests/Resources/event_test_signature.json` (this text, ending with its
/// newline). The test there re-derives it with
/// `(echo -n "1533204620." && cat event_test_signature.json) | openssl sha256 -hmac "webhook_secret"`,
/// which gives the same here.
mod dotnet {
    pub const SECRET: &str = "webhook_secret";
    pub const T: i64 = 1533204620;
    pub const HEADER: &str = "t=1533204620,v1=2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7,v0=63f3a72374a733066c4be69ed7f8e5ac85c22c9f0a6a612ab9a025a9e4ee7eef";
    pub const V1: &str = "2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7";
    pub const BODY: &str = r#"{
  "id": "evt_123",
  "object": "event",
  "account": "acct_123",
  "api_version": "2017-05-25",
  "created": 1533204620,
  "data": {
    "object": {
      "id": "cus_123",
      "object": "customer",
      "created": 123456789,
      "email": "test@stripe.com",
      "livemode": false,
      "metadata": {}
    }
  },
  "livemode": false,
  "pending_webhooks": 1,
  "request": {
    "id": "req_123",
    "idempotency_key": "idempotency-key-123"
  },
  "type": "customer.created"
}
"#;
}

/// A `whsec_` secret and a compact deletion event; `V1` computed outside Rust with
/// `printf '%s' "1764064800.$BODY" | openssl sha256 -hmac "$SECRET"` (and Python's `hmac`).
const SECRET: &str = "whsec_tJ2mQ8vN4xR7kL1pZ5sW9yB3cF6hD0gA";
const T: i64 = 1764064800; // 2025-11-25T10:00:00Z
const BODY: &str = r#"{"id":"evt_1QbXyZLkdIwHu7ixS0mEwHat","object":"event","type":"customer.subscription.deleted","created":1764064800,"data":{"object":{"id":"sub_1QaBcDLkdIwHu7ixRtYuIoP1","object":"subscription","canceled_at":1764064795,"ended_at":1764064795,"status":"canceled"}}}"#;
const V1: &str = "8a1b9b4077e1d4f6581526f14069fe869f12b823d324e93951cdd1de519f7fbb";

/// hex(HMAC-SHA256(secret, "<t>.<body>")) with the `hmac` crate, not the module's code.
fn hmac_hex(secret: &str, t: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.").as_bytes());
    mac.update(body);
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn stripes_published_vector_verifies_and_sign_reproduces_it() {
    let body = dotnet::BODY.as_bytes();
    assert_eq!(verify(dotnet::SECRET, Some(dotnet::HEADER), body, dotnet::T + 100), Ok(()));
    assert_eq!(sign(dotnet::SECRET, body, dotnet::T), format!("t={},v1={}", dotnet::T, dotnet::V1));
    assert_eq!(hmac_hex(dotnet::SECRET, dotnet::T, body), dotnet::V1);
    // As in that test: the body without its final newline is another body.
    let trimmed = dotnet::BODY.trim_end().as_bytes();
    assert_eq!(verify(dotnet::SECRET, Some(dotnet::HEADER), trimmed, dotnet::T), Err(SignatureError::Mismatch));
    // …and 400 s later is outside the tolerance (stripe-dotnet's RejectOutdatedTimestamp).
    assert_eq!(
        verify(dotnet::SECRET, Some(dotnet::HEADER), body, dotnet::T + 400),
        Err(SignatureError::Stale { age: 400 })
    );
}

#[test]
fn openssl_vector_with_a_whsec_secret_verifies_and_sign_reproduces_it() {
    let header = format!("t={T},v1={V1}");
    assert_eq!(verify(SECRET, Some(&header), BODY.as_bytes(), T), Ok(()));
    assert_eq!(sign(SECRET, BODY.as_bytes(), T), header);
    assert_eq!(hmac_hex(SECRET, T, BODY.as_bytes()), V1);
}

#[test]
fn the_whsec_text_itself_is_the_key_not_its_decoding() {
    // Keyed with what follows `whsec_`, or with nothing but the prefix, it does not match.
    let header = format!("t={T},v1={}", hmac_hex(SECRET.trim_start_matches("whsec_"), T, BODY.as_bytes()));
    assert_eq!(verify(SECRET, Some(&header), BODY.as_bytes(), T), Err(SignatureError::Mismatch));
}

// ---------------------------------------------------------------------------------------
// Signature: each case
// ---------------------------------------------------------------------------------------

fn check(header: &str, now: i64) -> Result<(), SignatureError> {
    verify(SECRET, Some(header), BODY.as_bytes(), now)
}

#[test]
fn valid_header_from_sign_is_accepted() {
    assert_eq!(check(&sign(SECRET, BODY.as_bytes(), T), T), Ok(()));
    assert_eq!(HEADER, "Stripe-Signature");
    assert_eq!(TOLERANCE_SECONDS, 300);
}

#[test]
fn wrong_secret_is_a_mismatch() {
    let header = sign("whsec_someone_elses_endpoint", BODY.as_bytes(), T);
    assert_eq!(check(&header, T), Err(SignatureError::Mismatch));
    // A secret that differs by trailing whitespace is another secret (taken as given).
    let header = sign(&format!("{SECRET}\n"), BODY.as_bytes(), T);
    assert_eq!(check(&header, T), Err(SignatureError::Mismatch));
}

#[test]
fn tampered_body_by_one_byte_is_a_mismatch() {
    let header = format!("t={T},v1={V1}");
    let mut body = BODY.as_bytes().to_vec();
    let i = BODY.find("1764064795").unwrap();
    body[i] = b'2'; // canceled_at moved by 10^9 s
    assert_eq!(verify(SECRET, Some(&header), &body, T), Err(SignatureError::Mismatch));
    // Reformatted JSON (same data, another text) does not match either: the raw bytes count.
    let reformatted = serde_json::to_vec_pretty(&serde_json::from_str::<Value>(BODY).unwrap()).unwrap();
    assert_eq!(verify(SECRET, Some(&header), &reformatted, T), Err(SignatureError::Mismatch));
}

#[test]
fn a_signature_for_another_timestamp_is_a_mismatch() {
    // The v1 of t=T presented with t=T+1: t is part of what is signed.
    assert_eq!(check(&format!("t={},v1={V1}", T + 1), T), Err(SignatureError::Mismatch));
}

#[test]
fn timestamps_more_than_300_s_either_way_are_stale_and_299_is_fine() {
    let header = sign(SECRET, BODY.as_bytes(), T);
    assert_eq!(check(&header, T + 299), Ok(()));
    assert_eq!(check(&header, T - 299), Ok(()));
    assert_eq!(check(&header, T + 300), Ok(()));
    assert_eq!(check(&header, T - 300), Ok(()));
    assert_eq!(check(&header, T + 301), Err(SignatureError::Stale { age: 301 }));
    assert_eq!(check(&header, T - 301), Err(SignatureError::Stale { age: -301 }));
    assert_eq!(
        check(&header, T + 301).unwrap_err().to_string(),
        "Stripe-Signature: t is 301 s old (300 s at most either way): a replayed request, or this server's clock is off"
    );
    assert_eq!(
        check(&header, T - 301).unwrap_err().to_string(),
        "Stripe-Signature: t is 301 s in the future (300 s at most either way): a replayed request, or this server's clock is off"
    );
}

#[test]
fn the_signature_is_checked_before_the_time() {
    // A forged header that is also stale is a mismatch, not "stale": only a genuine
    // signature is ever said to be stale.
    let forged = format!("t={},v1={}", T - 10_000, "0".repeat(64));
    assert_eq!(check(&forged, T), Err(SignatureError::Mismatch));
}

#[test]
fn extreme_timestamps_do_not_overflow() {
    let header = sign(SECRET, BODY.as_bytes(), i64::MAX);
    assert_eq!(check(&header, i64::MIN), Err(SignatureError::Stale { age: i64::MIN }));
    let header = sign(SECRET, BODY.as_bytes(), 0);
    assert_eq!(check(&header, i64::MAX), Err(SignatureError::Stale { age: i64::MAX }));
    // Beyond i64 it is not a number of seconds at all.
    assert_eq!(
        check(&format!("t=99999999999999999999,v1={V1}"), T),
        Err(SignatureError::Malformed(Malformed::BadTimestamp))
    );
}

#[test]
fn several_v1_where_only_the_second_matches_are_accepted() {
    // While a secret is rolled Stripe signs with both: one matching is enough, in any place.
    let other = hmac_hex("whsec_the_previous_secret", T, BODY.as_bytes());
    assert_eq!(check(&format!("t={T},v1={other},v1={V1}"), T), Ok(()));
    assert_eq!(check(&format!("t={T},v1={V1},v1={other}"), T), Ok(()));
    // Unreadable v1 values beside the good one are ignored (stripe-go, stripe-python tests).
    assert_eq!(check(&format!("t={T},v1=bad_signature,v1={V1},v0=deadbeef"), T), Ok(()));
    // Order of elements does not matter, nor spaces after commas (stripe-ruby splits on /,\s*/).
    assert_eq!(check(&format!("v1={other}, v1={V1}, t={T}"), T), Ok(()));
    // None matching: a mismatch.
    assert_eq!(check(&format!("t={T},v1={other},v1=bad_signature"), T), Err(SignatureError::Mismatch));
}

#[test]
fn a_v0_only_header_is_refused_even_with_the_right_hmac() {
    // The right HMAC under scheme v0 (stripe-python's and stripe-dotnet's "no v1" tests).
    let header = format!("t={T},v0={V1}");
    assert_eq!(check(&header, T), Err(SignatureError::Malformed(Malformed::NoV1)));
    assert_eq!(
        check(&header, T).unwrap_err().to_string(),
        "Stripe-Signature: expected t=<Unix seconds>,v1=<hex>: there is no v1= signature (v0 and other schemes are not checked)"
    );
    // A v2 (or any other scheme) carrying it is not checked either.
    assert_eq!(check(&format!("t={T},v2={V1}"), T), Err(SignatureError::Malformed(Malformed::NoV1)));
}

#[test]
fn a_missing_or_empty_header_is_missing() {
    for header in [None, Some(""), Some("   ")] {
        assert_eq!(verify(SECRET, header, BODY.as_bytes(), T), Err(SignatureError::Missing));
    }
    assert_eq!(
        SignatureError::Missing.to_string(),
        "Stripe-Signature: the header is missing (Stripe sends it with every webhook request)"
    );
}

#[test]
fn malformed_headers_name_what_is_wrong() {
    use Malformed::*;
    let cases: &[(String, Malformed)] = &[
        (format!("v1={V1}"), NoTimestamp),
        // The rest of stripe-dotnet's ValidateSignatureHandlesIncorrectHeaderValues.
        (format!("t=,v1={V1}"), BadTimestamp),
        ("t,v1=,v0=".to_string(), NoTimestamp),
        ("t,,".to_string(), NoTimestamp),
        (",,".to_string(), NoTimestamp),
        ("t".to_string(), NoTimestamp),
        ("i'm not even a real signature header".to_string(), NoTimestamp),
        // t must be a whole number of seconds, digits only.
        (format!("t=abc,v1={V1}"), BadTimestamp),
        (format!("t=1764064800.5,v1={V1}"), BadTimestamp),
        (format!("t=-1764064800,v1={V1}"), BadTimestamp),
        (format!("t=+1764064800,v1={V1}"), BadTimestamp),
        (format!("t=2025-11-25T10:00:00Z,v1={V1}"), BadTimestamp),
        // Two t: Stripe's libraries disagree on which to take, so neither is.
        (format!("t={T},t={T},v1={V1}"), RepeatedTimestamp),
        // No v1.
        (format!("t={T}"), NoV1),
        (format!("t={T},v1"), NoV1),
        (format!("t={T},{V1}"), NoV1),
    ];
    for (header, reason) in cases {
        assert_eq!(check(header, T), Err(SignatureError::Malformed(*reason)), "{header}");
    }
    assert_eq!(
        check(&format!("v1={V1}"), T).unwrap_err().to_string(),
        "Stripe-Signature: expected t=<Unix seconds>,v1=<hex>: there is no t= timestamp"
    );
    assert_eq!(
        check(&format!("t=abc,v1={V1}"), T).unwrap_err().to_string(),
        "Stripe-Signature: expected t=<Unix seconds>,v1=<hex>: t= is not a whole number of Unix seconds"
    );
}

#[test]
fn an_empty_v1_is_a_mismatch_not_malformed() {
    assert_eq!(check(&format!("t={T},v1="), T), Err(SignatureError::Mismatch));
}

#[test]
fn uppercase_hex_does_not_match() {
    // Stripe sends lowercase; stripe-python, stripe-node, stripe-ruby and stripe-dotnet
    // compare the hex as text, so the same bytes in uppercase are refused.
    assert_eq!(check(&format!("t={T},v1={}", V1.to_uppercase()), T), Err(SignatureError::Mismatch));
    // A prefix or an extension of the right hex does not match either.
    assert_eq!(check(&format!("t={T},v1={}", &V1[..63]), T), Err(SignatureError::Mismatch));
    assert_eq!(check(&format!("t={T},v1={V1}0"), T), Err(SignatureError::Mismatch));
}

#[test]
fn messages_never_contain_the_secret_or_a_signature() {
    let errors = [
        verify(SECRET, None, BODY.as_bytes(), T),
        check(&format!("t=x,v1={V1}"), T),
        check(&format!("t={T},v1={}", hmac_hex("whsec_other", T, BODY.as_bytes())), T),
        check(&format!("t={T},v1={V1}"), T + 1000),
    ];
    for e in errors {
        let m = e.unwrap_err().to_string();
        assert!(m.starts_with("Stripe-Signature: "), "{m}");
        assert!(!m.contains(SECRET) && !m.contains(&V1[..16]), "{m}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any body, secret and time: `sign` verifies, and changing any one byte of the body
    /// makes it a mismatch.
    #[test]
    fn sign_then_verify_and_any_flipped_byte_fails(
        secret in "whsec_[A-Za-z0-9+/]{0,48}",
        body in proptest::collection::vec(any::<u8>(), 1..400),
        t in 0i64..4_000_000_000,
        skew in -300i64..=300,
        at in any::<prop::sample::Index>(),
        bit in 0u8..8,
    ) {
        let header = sign(&secret, &body, t);
        prop_assert_eq!(verify(&secret, Some(&header), &body, t + skew), Ok(()));
        prop_assert_eq!(header, format!("t={t},v1={}", hmac_hex(&secret, t, &body)));
        let mut tampered = body.clone();
        tampered[at.index(body.len())] ^= 1 << bit;
        prop_assert_eq!(
            verify(&secret, Some(&sign(&secret, &body, t)), &tampered, t),
            Err(SignatureError::Mismatch)
        );
    }
}

// ---------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------

const SUB: &str = "sub_1QaBcDLkdIwHu7ixRtYuIoP1";

/// A Stripe subscription as `data.object` carries it (the fields that matter here plus a
/// few of the many others).
fn subscription() -> Value {
    json!({
        "id": SUB,
        "object": "subscription",
        "application": null,
        "billing_cycle_anchor": 1761386400,
        "cancel_at": null,
        "cancel_at_period_end": false,
        "canceled_at": null,
        "cancellation_details": { "comment": null, "feedback": null, "reason": null },
        "collection_method": "charge_automatically",
        "created": 1761386400,
        "currency": "eur",
        "customer": "cus_R4tYuIoPaSdFgH",
        "ended_at": null,
        "items": { "object": "list", "data": [], "has_more": false,
                   "url": "/v1/subscription_items?subscription=sub_1QaBcDLkdIwHu7ixRtYuIoP1" },
        "livemode": false,
        "metadata": {},
        "start_date": 1761386400,
        "status": "active"
    })
}

/// A Stripe event (`"object": "event"`) of `kind` about `object`, created at 2025-11-25T10:00:00Z.
fn event(kind: &str, object: Value, previous_attributes: Option<Value>) -> Value {
    let mut data = json!({ "object": object });
    if let Some(previous) = previous_attributes {
        data["previous_attributes"] = previous;
    }
    json!({
        "id": "evt_1QbXyZLkdIwHu7ixS0mEwHat",
        "object": "event",
        "api_version": "2024-06-20",
        "created": T,
        "data": data,
        "livemode": false,
        "pending_webhooks": 1,
        "request": { "id": "req_Ab12Cd34Ef56Gh", "idempotency_key": "6c1e1f0a-5b7e-4a63-9a8e-2f3a0d7c9b41" },
        "type": kind
    })
}

fn read(event: &Value) -> Result<StripeEvent, EventError> {
    read_event(event.to_string().as_bytes())
}

fn cancelled_at(at: time::OffsetDateTime) -> StripeEvent {
    StripeEvent::Cancellation(StripeCancellation {
        event_id: "evt_1QbXyZLkdIwHu7ixS0mEwHat".into(),
        subscription_id: SUB.into(),
        at,
    })
}

/// The subscription as `customer.subscription.deleted` shows it: ended, with the given times.
fn deleted(canceled_at: Value, ended_at: Value) -> Value {
    let mut sub = subscription();
    sub["status"] = json!("canceled");
    sub["canceled_at"] = canceled_at;
    sub["ended_at"] = ended_at;
    sub["cancellation_details"]["reason"] = json!("cancellation_requested");
    sub["cancellation_details"]["feedback"] = json!("too_expensive");
    event("customer.subscription.deleted", sub, None)
}

#[test]
fn deleted_with_canceled_at_is_cancelled_then() {
    // canceled_at 2025-11-20T09:00:00Z (asked then), ended_at at the period's end.
    let e = deleted(json!(1763629200), json!(1764064795));
    assert_eq!(read(&e).unwrap(), cancelled_at(datetime!(2025-11-20 09:00:00 UTC)));
}

#[test]
fn deleted_with_only_ended_at_is_cancelled_when_it_ended() {
    let e = deleted(Value::Null, json!(1764064795));
    assert_eq!(read(&e).unwrap(), cancelled_at(datetime!(2025-11-25 09:59:55 UTC)));
    // Absent is the same as null.
    let mut e = e;
    e["data"]["object"].as_object_mut().unwrap().remove("canceled_at");
    assert_eq!(read(&e).unwrap(), cancelled_at(datetime!(2025-11-25 09:59:55 UTC)));
}

#[test]
fn deleted_with_neither_is_cancelled_at_the_events_created() {
    let e = deleted(Value::Null, Value::Null);
    assert_eq!(read(&e).unwrap(), cancelled_at(datetime!(2025-11-25 10:00:00 UTC)));
}

#[test]
fn the_fixed_vector_body_reads_as_a_cancellation() {
    // The signed body above, read once its signature is good: what the route does.
    assert_eq!(verify(SECRET, Some(&format!("t={T},v1={V1}")), BODY.as_bytes(), T), Ok(()));
    assert_eq!(read_event(BODY.as_bytes()).unwrap(), cancelled_at(datetime!(2025-11-25 09:59:55 UTC)));
}

/// `customer.subscription.updated` after the customer asked to cancel at the period's end
/// (the Customer Portal's default): `cancel_at_period_end` false → true.
fn scheduled(canceled_at: Value) -> Value {
    let mut sub = subscription();
    sub["cancel_at_period_end"] = json!(true);
    sub["cancel_at"] = json!(1763991600);
    sub["canceled_at"] = canceled_at;
    sub["cancellation_details"]["reason"] = json!("cancellation_requested");
    let previous = json!({
        "cancel_at": null,
        "cancel_at_period_end": false,
        "canceled_at": null,
        "cancellation_details": { "reason": null }
    });
    event("customer.subscription.updated", sub, Some(previous))
}

#[test]
fn updated_to_cancel_at_period_end_is_cancelled_at_canceled_at() {
    let e = scheduled(json!(1764064790));
    assert_eq!(read(&e).unwrap(), cancelled_at(datetime!(2025-11-25 09:59:50 UTC)));
}

#[test]
fn updated_to_cancel_at_period_end_without_canceled_at_is_the_events_created() {
    let e = scheduled(Value::Null);
    assert_eq!(read(&e).unwrap(), cancelled_at(datetime!(2025-11-25 10:00:00 UTC)));
    // ended_at is not read for an update (the subscription has not ended).
    let mut e = e;
    e["data"]["object"]["ended_at"] = json!(1700000000);
    assert_eq!(read(&e).unwrap(), cancelled_at(datetime!(2025-11-25 10:00:00 UTC)));
}

#[test]
fn updated_without_that_change_is_ignored() {
    let ignored = StripeEvent::Ignored {
        event_id: "evt_1QbXyZLkdIwHu7ixS0mEwHat".into(),
        kind: "customer.subscription.updated".into(),
    };
    // A plan change: cancel_at_period_end untouched (not in previous_attributes).
    let mut plan_change = subscription();
    plan_change["items"]["data"] = json!([{ "id": "si_R4tYuIoPaSdFgH", "object": "subscription_item" }]);
    let e = event("customer.subscription.updated", plan_change, Some(json!({ "items": { "data": [] } })));
    assert_eq!(read(&e).unwrap(), ignored);
    // Resumed: true → false (the customer changed their mind).
    let mut resumed = subscription();
    resumed["cancel_at_period_end"] = json!(false);
    let e = event("customer.subscription.updated", resumed, Some(json!({ "cancel_at_period_end": true })));
    assert_eq!(read(&e).unwrap(), ignored);
    // Already true and still true (another field changed while cancellation is pending).
    let mut pending = subscription();
    pending["cancel_at_period_end"] = json!(true);
    let e = event("customer.subscription.updated", pending.clone(), Some(json!({ "metadata": {} })));
    assert_eq!(read(&e).unwrap(), ignored);
    // No previous_attributes at all.
    let e = event("customer.subscription.updated", pending.clone(), None);
    assert_eq!(read(&e).unwrap(), ignored);
    // Only exact booleans count: "true"/"false" strings or 1/0 are not that change.
    let mut stringly = pending;
    stringly["cancel_at_period_end"] = json!("true");
    let e = event("customer.subscription.updated", stringly, Some(json!({ "cancel_at_period_end": false })));
    assert_eq!(read(&e).unwrap(), ignored);
    let mut e = scheduled(Value::Null);
    e["data"]["previous_attributes"]["cancel_at_period_end"] = json!(0);
    assert_eq!(read(&e).unwrap(), ignored);
}

#[test]
fn other_types_are_ignored() {
    let invoice = json!({
        "id": "in_1QbZzALkdIwHu7ixKlMnOpQr", "object": "invoice", "amount_paid": 1900,
        "currency": "eur", "customer": "cus_R4tYuIoPaSdFgH", "status": "paid",
        "subscription": SUB
    });
    for kind in ["invoice.paid", "customer.subscription.created", "customer.subscription.paused", "customer.created"] {
        let e = event(kind, invoice.clone(), None);
        assert_eq!(
            read(&e).unwrap(),
            StripeEvent::Ignored { event_id: "evt_1QbXyZLkdIwHu7ixS0mEwHat".into(), kind: kind.into() }
        );
    }
    // Stripe's published vector body (stripe-dotnet) is a customer.created event.
    assert_eq!(
        read_event(dotnet::BODY.as_bytes()).unwrap(),
        StripeEvent::Ignored { event_id: "evt_123".into(), kind: "customer.created".into() }
    );
    // An ignored type needs no data at all.
    let bare = json!({ "id": "evt_1", "object": "event", "type": "invoice.paid" });
    assert_eq!(read(&bare).unwrap(), StripeEvent::Ignored { event_id: "evt_1".into(), kind: "invoice.paid".into() });
}

#[test]
fn the_same_event_twice_reads_the_same_twice() {
    // Counting it once is the storage's job, by event_id: the reader is pure.
    let e = deleted(json!(1763629200), Value::Null).to_string();
    assert_eq!(read_event(e.as_bytes()).unwrap(), read_event(e.as_bytes()).unwrap());
}

fn error(body: &[u8]) -> String {
    read_event(body).unwrap_err().to_string()
}

#[test]
fn bad_json_is_an_error_naming_the_body() {
    let m = error(b"{\"id\": \"evt_1\", ");
    assert!(m.starts_with("body: is not JSON ("), "{m}");
    assert!(matches!(read_event(b"not json"), Err(EventError::NotJson(_))));
    assert!(error(b"").starts_with("body: is not JSON"));
    assert_eq!(error(b"[1, 2]"), "body: must be a JSON object (a Stripe event)");
    assert_eq!(error(b"null"), "body: must be a JSON object (a Stripe event)");
}

#[test]
fn a_missing_data_object_id_is_an_error_naming_the_path() {
    for mut e in [deleted(json!(1763629200), Value::Null), scheduled(Value::Null)] {
        e["data"]["object"].as_object_mut().unwrap().remove("id");
        assert_eq!(read(&e).unwrap_err().to_string(), "data.object.id: is required");
        assert!(matches!(read(&e), Err(EventError::Invalid { path: "data.object.id", problem: "is required" })));
        e["data"]["object"]["id"] = json!(42);
        assert_eq!(read(&e).unwrap_err().to_string(), "data.object.id: must be a string");
        e["data"]["object"]["id"] = json!("");
        assert_eq!(read(&e).unwrap_err().to_string(), "data.object.id: must be 1 to 200 characters");
        e["data"]["object"]["id"] = json!("s".repeat(201));
        assert_eq!(read(&e).unwrap_err().to_string(), "data.object.id: must be 1 to 200 characters");
        // No data.object, or no data, is the same missing id.
        e["data"]["object"] = Value::Null;
        assert_eq!(read(&e).unwrap_err().to_string(), "data.object.id: is required");
        e.as_object_mut().unwrap().remove("data");
        assert_eq!(read(&e).unwrap_err().to_string(), "data.object.id: is required");
    }
    // The update that would not count still needs its subscription's id (it is a
    // subscription event Stripe always sends whole).
    let mut resumed = event("customer.subscription.updated", json!({ "object": "subscription" }), None);
    assert_eq!(read(&resumed).unwrap_err().to_string(), "data.object.id: is required");
    resumed["type"] = json!("invoice.paid");
    assert!(read(&resumed).is_ok());
}

#[test]
fn a_missing_id_or_type_is_an_error_naming_the_path() {
    let mut e = deleted(json!(1763629200), Value::Null);
    e.as_object_mut().unwrap().remove("id");
    assert_eq!(read(&e).unwrap_err().to_string(), "id: is required");
    e["id"] = json!(12);
    assert_eq!(read(&e).unwrap_err().to_string(), "id: must be a string");
    e["id"] = json!("evt_1");
    e.as_object_mut().unwrap().remove("type");
    assert_eq!(read(&e).unwrap_err().to_string(), "type: is required");
    e["type"] = json!(["customer.subscription.deleted"]);
    assert_eq!(read(&e).unwrap_err().to_string(), "type: must be a string");
}

#[test]
fn times_that_are_not_unix_seconds_are_errors_naming_the_path() {
    let cases = [json!("1763629200"), json!(1763629200.5), json!(true), json!(u64::MAX), json!(i64::MAX)];
    for bad in cases {
        let e = deleted(bad.clone(), Value::Null);
        assert_eq!(
            read(&e).unwrap_err().to_string(),
            "data.object.canceled_at: must be Unix seconds (a whole number) or null",
            "{bad}"
        );
        let e = deleted(Value::Null, bad.clone());
        assert_eq!(
            read(&e).unwrap_err().to_string(),
            "data.object.ended_at: must be Unix seconds (a whole number) or null"
        );
        let mut e = deleted(Value::Null, Value::Null);
        e["created"] = bad;
        assert_eq!(read(&e).unwrap_err().to_string(), "created: must be Unix seconds (a whole number) or null");
    }
    // No time anywhere: the last resort, the event's created, is required.
    let mut e = deleted(Value::Null, Value::Null);
    e.as_object_mut().unwrap().remove("created");
    assert_eq!(read(&e).unwrap_err().to_string(), "created: is required");
    let mut e = scheduled(Value::Null);
    e.as_object_mut().unwrap().remove("created");
    assert_eq!(read(&e).unwrap_err().to_string(), "created: is required");
    // A time that is not used is not read: canceled_at set, created odd.
    let mut e = deleted(json!(1763629200), Value::Null);
    e["created"] = json!("yesterday");
    assert_eq!(read(&e).unwrap(), cancelled_at(datetime!(2025-11-20 09:00:00 UTC)));
}
