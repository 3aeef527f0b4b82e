//! Seeds a running collector (`--allow-unsigned`) with `--count` valid, varied outcomes
//! over HTTP for `make bench-insights` (bench/insights.sh): created over the last 365
//! days (in roughly the order they were decided, never in the future), 3 flows, about 5%
//! test, 6 reasons (some skipped), comments on about 30%, every result type, and
//! subscriptions drawn from a pool of `--subscriptions` so saves meet later
//! cancellations. `--concurrency` posts in flight; a post without an answer, or answered
//! 408, 429 or 5xx, is retried with the same id and body (its 200 "duplicate" then counts
//! as stored). Progress every 100,000 on stderr; one JSON line on stdout at the end. Exits
//! non-zero when any outcome was not stored; stops early after `--max-failures` (a
//! collector that went away).
//!
//! ```text
//! seed --target http://127.0.0.1:8787 [--count 1000000] [--concurrency 64]
//!      [--subscriptions 200000] [--days 365] [--run <u32>] [--max-failures 100]
//! ```

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use time::OffsetDateTime;

fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned()).unwrap_or_else(|| default.to_string())
}

/// The flows, with their share of sessions (in percent).
const FLOWS: [(&str, u32); 3] = [("weekly-box", 55), ("family-box", 30), ("meal-kit", 15)];
/// A reason id and the Stripe feedback of its preset, if any.
type Reason = (&'static str, Option<&'static str>);
/// The reasons, with their weights.
const REASONS: [(Reason, u32); 6] = [
    (("too_expensive", Some("too_expensive")), 30),
    (("too_much", Some("unused")), 20),
    (("not_using_enough", Some("unused")), 15),
    (("switched", Some("switched_service")), 10),
    (("moving", Some("other")), 10),
    (("other", None), 15),
];
/// Result types, with their weights: saves, a deflection, cancellations, abandonments.
const RESULTS: [(&str, u32); 7] = [
    ("paused", 12),
    ("downgraded", 6),
    ("frequency_reduced", 7),
    ("discount_accepted", 8),
    ("link_followed", 5),
    ("cancelled", 45),
    ("abandoned", 17),
];
const OFFERS: [&str; 5] = ["pause", "downgrade", "frequency", "discount", "link"];
/// Comments: plain, long, quoted, multi-line, a would-be formula, markup, other scripts.
const COMMENTS: [&str; 10] = [
    "Too expensive for us right now",
    "We are moving abroad, thank you for everything",
    "The portions are far too big for two people, we throw food away every week",
    "Found a cheaper box, \"same\" recipes",
    "=SUM(A1) <b>too</b> much",
    "Nem használjuk eleget, sajnos",
    "Line one\nline two, with a comma",
    "Delivery came late three times in a row",
    "Zu teuer; vielleicht später wieder 🙂",
    "other",
];

/// Weighted pick.
fn pick<T: Copy>(rng: &mut StdRng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|i| i.1).sum();
    let mut n = rng.gen_range(0..total);
    for (item, w) in items {
        if n < *w {
            return *item;
        }
        n -= w;
    }
    items[items.len() - 1].0
}

/// Uniform pick.
fn one<T: Copy>(rng: &mut StdRng, items: &[T]) -> T {
    items[rng.gen_range(0..items.len())]
}

/// What to generate.
struct Plan {
    run: u32,
    count: usize,
    subscriptions: u32,
    /// The first instant (now − days) and the span up to now, in seconds.
    start: OffsetDateTime,
    span_secs: f64,
    now: OffsetDateTime,
}

impl Plan {
    fn id(&self, n: usize) -> String {
        format!("{:08x}-0000-4000-8000-{n:012x}", self.run)
    }

    /// The `n`th outcome: the same for the same `(run, n)`, so a retry sends the same body.
    fn outcome(&self, n: usize) -> (String, String) {
        let mut rng = StdRng::seed_from_u64((u64::from(self.run) << 32) ^ n as u64);
        let id = self.id(n);
        // Spread evenly in the order of `n`, give or take 6 hours, never in the future.
        let at = self.span_secs * (n as f64 + 0.5) / self.count as f64 + rng.gen_range(-21_600.0..21_600.0);
        let at = self.start + Duration::from_secs_f64(at.clamp(0.0, self.span_secs));
        let at = at.min(self.now - Duration::from_secs(1));
        let created_at = at
            .format(time::macros::format_description!(
                "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
            ))
            .expect("format");
        let result_type = pick(&mut rng, &RESULTS);
        let result = match result_type {
            "paused" => {
                let (unit, count) = one(&mut rng, &[("week", 2), ("week", 4), ("month", 1), ("month", 3)]);
                let resume = (at + Duration::from_secs(if unit == "week" { 7 } else { 30 } * 86_400 * count)).date();
                json!({ "type": "paused", "duration": { "unit": unit, "count": count }, "resume_on": resume.to_string() })
            }
            "downgraded" => {
                json!({ "type": "downgraded", "from": "family", "to": one(&mut rng, &["solo", "lite"]) })
            }
            "frequency_reduced" => {
                let (count, per) = one(&mut rng, &[(20, 50), (25, 50), (2, 4)]);
                json!({ "type": "frequency_reduced", "count": count, "per": { "unit": "week", "count": per } })
            }
            "discount_accepted" => {
                if rng.gen_bool(0.7) {
                    json!({ "type": "discount_accepted", "percent_off": one(&mut rng, &[10, 20, 30]), "months": 3 })
                } else {
                    json!({ "type": "discount_accepted", "amount_off_minor": 150_000, "currency": "HUF", "months": 2 })
                }
            }
            "link_followed" => json!({ "type": "link_followed", "link_id": one(&mut rng, &["support", "chat"]) }),
            "cancelled" => {
                if rng.gen_bool(0.7) {
                    let on = (at + Duration::from_secs(86_400 * rng.gen_range(1..31))).date();
                    json!({ "type": "cancelled", "effective": "period_end", "effective_on": on.to_string() })
                } else {
                    json!({ "type": "cancelled", "effective": "immediately", "effective_on": null })
                }
            }
            _ => json!({ "type": "abandoned" }),
        };
        let accepted = match result_type {
            "paused" => Some("pause"),
            "downgraded" => Some("downgrade"),
            "frequency_reduced" => Some("frequency"),
            "discount_accepted" => Some("discount"),
            "link_followed" => Some("link"),
            _ => None,
        };
        // 15% skip the survey; comments on 30% of all outcomes (35% of the answered).
        let survey = if rng.gen_bool(0.85) {
            let (reason_id, feedback) = pick(&mut rng, &REASONS);
            let comment = if rng.gen_bool(0.353) {
                let c = one(&mut rng, &COMMENTS);
                if rng.gen_bool(0.5) {
                    json!(format!("{c} (#{n})"))
                } else {
                    json!(c)
                }
            } else {
                Value::Null
            };
            match feedback {
                Some(f) => json!({ "reason_id": reason_id, "comment": comment, "feedback": f }),
                None => json!({ "reason_id": reason_id, "comment": comment }),
            }
        } else {
            Value::Null
        };
        let mut offers: Vec<Value> = OFFERS
            .iter()
            .filter(|k| Some(**k) == accepted || rng.gen_bool(0.45))
            .map(|k| json!({ "type": k, "accepted": Some(*k) == accepted }))
            .collect();
        if accepted.is_none() && rng.gen_bool(0.15) {
            offers.clear();
        }
        let mut steps = Vec::new();
        if !survey.is_null() {
            steps.push("survey");
        }
        if !offers.is_empty() {
            steps.push("offers");
        }
        match result_type {
            "cancelled" => steps.extend(["confirm", "done"]),
            "abandoned" => {}
            _ => steps.push("done"),
        }
        let subscription = rng.gen_bool(0.9).then(|| rng.gen_range(0..self.subscriptions));
        let customer = match subscription {
            Some(s) => json!({ "id": format!("cus_{s}"), "subscription_id": format!("sub_{s}") }),
            None => json!({ "id": format!("cus_x{}", rng.gen_range(0..self.subscriptions)), "subscription_id": null }),
        };
        let body = json!({
            "schema": "cancel-flow/outcome@1",
            "id": id,
            "created_at": created_at,
            "flow_id": pick(&mut rng, &FLOWS),
            "test": rng.gen_bool(0.05),
            "customer": customer,
            "plan_id": one(&mut rng, &["standard", "family", "solo"]),
            "locale": one(&mut rng, &["en", "hu", "de"]),
            "result": result,
            "survey": survey,
            "offers": offers,
            "keep_in_touch": result_type == "cancelled" && rng.gen_bool(0.4),
            "steps": steps,
            "elapsed_ms": rng.gen_range(2_000..240_000)
        });
        (id, body.to_string())
    }
}

/// What the workers saw.
#[derive(Default)]
struct Tallies {
    /// Final answers (0: no answer after every retry).
    answers: BTreeMap<u16, usize>,
    /// Outcomes not stored, with the first few reasons.
    failures: usize,
    examples: Vec<String>,
    retries: usize,
    latencies: Vec<Duration>,
}

#[tokio::main]
async fn main() {
    let base = arg("--target", "http://127.0.0.1:8787");
    let count: usize = arg("--count", "1000000").parse().expect("--count");
    let concurrency: usize = arg("--concurrency", "64").parse().expect("--concurrency");
    let subscriptions: u32 = arg("--subscriptions", "200000").parse().expect("--subscriptions");
    let days: u64 = arg("--days", "365").parse().expect("--days");
    let now = OffsetDateTime::now_utc();
    let default_run = (now.unix_timestamp() as u64 & 0xffff_ffff).to_string();
    let run: u32 = arg("--run", &default_run).parse().expect("--run");
    let max_failures: usize = arg("--max-failures", "100").parse().expect("--max-failures");
    let span = Duration::from_secs(days * 86_400);
    let plan = Arc::new(Plan { run, count, subscriptions, start: now - span, span_secs: span.as_secs_f64(), now });
    let client = reqwest::Client::builder().pool_max_idle_per_host(concurrency).build().expect("client");
    let next = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    let (failed, stop) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicBool::new(false)));
    let tallies = Arc::new(Mutex::new(Tallies::default()));
    let started = Instant::now();
    eprintln!("seed: {count} outcomes to {base}, {concurrency} in flight, run {run:08x}");
    let workers: Vec<_> = (0..concurrency.max(1))
        .map(|_| {
            let (client, next, done, tallies, plan, base) =
                (client.clone(), next.clone(), done.clone(), tallies.clone(), plan.clone(), base.clone());
            let (failed, stop) = (failed.clone(), stop.clone());
            tokio::spawn(async move {
                let mut mine = Tallies::default();
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= plan.count || stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let (id, body) = plan.outcome(n);
                    let t = Instant::now();
                    let mut attempt = 0_u32;
                    let (status, text) = loop {
                        let sent = client
                            .post(format!("{base}/v1/outcomes"))
                            .header("content-type", "application/json")
                            .header("idempotency-key", &id)
                            .body(body.clone())
                            .timeout(Duration::from_secs(30))
                            .send()
                            .await;
                        let (status, wait, text) = match sent {
                            Ok(r) => {
                                let status = r.status().as_u16();
                                let wait = r
                                    .headers()
                                    .get("retry-after")
                                    .and_then(|v| v.to_str().ok())
                                    .and_then(|v| v.parse::<u64>().ok())
                                    .map(Duration::from_secs);
                                (status, wait, r.text().await.unwrap_or_default())
                            }
                            Err(e) => (0, None, e.to_string()),
                        };
                        let retry = matches!(status, 0 | 408 | 429) || status >= 500;
                        if !retry || attempt >= 8 {
                            break (status, text);
                        }
                        attempt += 1;
                        mine.retries += 1;
                        let backoff = Duration::from_millis(100 << attempt.min(6));
                        tokio::time::sleep(wait.unwrap_or(backoff).min(Duration::from_secs(10))).await;
                    };
                    mine.latencies.push(t.elapsed());
                    *mine.answers.entry(status).or_default() += 1;
                    let stored = status == 201 || (status == 200 && attempt > 0);
                    if !stored {
                        mine.failures += 1;
                        if failed.fetch_add(1, Ordering::Relaxed) + 1 >= max_failures {
                            stop.store(true, Ordering::Relaxed);
                        }
                        if mine.examples.len() < 5 {
                            mine.examples
                                .push(format!("{id}: {status} {}", text.chars().take(300).collect::<String>()));
                        }
                    }
                    let d = done.fetch_add(1, Ordering::Relaxed) + 1;
                    if d % 100_000 == 0 {
                        let s = started.elapsed().as_secs_f64();
                        eprintln!("seed: {d} posted in {s:.1} s ({:.0}/s)", d as f64 / s);
                    }
                }
                let mut all = tallies.lock().unwrap();
                for (k, v) in mine.answers {
                    *all.answers.entry(k).or_default() += v;
                }
                all.failures += mine.failures;
                all.retries += mine.retries;
                all.latencies.extend(mine.latencies);
                let room = 5usize.saturating_sub(all.examples.len());
                all.examples.extend(mine.examples.into_iter().take(room));
            })
        })
        .collect();
    for w in workers {
        w.await.expect("worker");
    }
    let seconds = started.elapsed().as_secs_f64();
    let mut t = tallies.lock().unwrap();
    t.latencies.sort();
    let pct = |p: f64| {
        let l = &t.latencies;
        l.get(((l.len() as f64 * p) as usize).min(l.len().saturating_sub(1))).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    let (p50, p99, max) = (pct(0.50), pct(0.99), pct(1.0));
    for e in &t.examples {
        eprintln!("seed: not stored: {e}");
    }
    let posted = t.latencies.len();
    let stored = posted - t.failures;
    if posted < count {
        eprintln!("seed: stopped after {} failures; {posted} of {count} posted", t.failures);
    }
    println!(
        "{}",
        json!({
            "count": count, "posted": posted, "stored": stored, "failures": t.failures, "retries": t.retries,
            "concurrency": concurrency, "seconds": (seconds * 1000.0).round() / 1000.0,
            "outcomes_per_second": (stored as f64 / seconds).round(),
            "p50_ms": (p50 * 100.0).round() / 100.0, "p99_ms": (p99 * 100.0).round() / 100.0,
            "max_ms": (max * 100.0).round() / 100.0,
            "answers": t.answers, "run": format!("{run:08x}"), "days": days, "subscriptions": subscriptions,
        })
    );
    if stored < count {
        std::process::exit(1);
    }
}
