//! The command line (COLLECTOR.md section 1): `serve`, `mint-token`, `migrate`, their
//! flags, the environment variable behind each flag (the flag wins) and the defaults.

use clap::{Args, Parser, Subcommand};
use std::time::Duration;

/// The shop's side of cancel-flow: receives, verifies, stores and forwards every outcome.
#[derive(Debug, Parser)]
#[command(name = "cancel-flow-collector", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the database, then serve.
    Serve(ServeArgs),
    /// Print a session token for a customer.
    MintToken(MintArgs),
    /// Run the migrations only.
    Migrate(DatabaseArgs),
    /// Fill a database with a realistic past experiment (once; a database that has it is
    /// left as it is), so the experiments page shows verdicts.
    SeedDemo(SeedArgs),
}

/// `seed-demo`'s flags.
#[derive(Debug, Clone, Args)]
pub struct SeedArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Customers first served in the experiment.
    #[arg(long, default_value_t = 8_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub customers: u64,
    /// Over how many days before now (windows close after 30).
    #[arg(long, default_value_t = 45, value_parser = clap::value_parser!(u32).range(1..=365))]
    pub days: u32,
    /// The random generator's seed: the same seed makes the same customers.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
}

/// Where the outcomes live.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// `sqlite://PATH` (created with its folder) or `postgres://…`.
    #[arg(long = "database", env = "DATABASE_URL", default_value = "sqlite://cancel-flow-data/collector.db")]
    pub database: String,
}

/// `serve`'s flags.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to serve on; port 0 picks a free port.
    #[arg(long, env = "CF_LISTEN", default_value = "127.0.0.1:8787")]
    pub listen: String,
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// HMAC key for session tokens.
    #[arg(long, env = "CF_TOKEN_SECRET", hide_env_values = true)]
    pub token_secret: Option<String>,
    /// Accept outcomes without a token (development only).
    #[arg(long, env = "CF_ALLOW_UNSIGNED", value_parser = flag_value, default_value = "0", num_args = 0..=1, default_missing_value = "1")]
    pub allow_unsigned: bool,
    /// How long after a token expires an outcome decided before its expiry is still accepted.
    #[arg(long, env = "CF_TOKEN_GRACE", default_value = "24h", value_parser = duration)]
    pub token_grace: Duration,
    /// Origins allowed to post from a browser (repeatable; the env var is comma-separated).
    #[arg(long = "cors-origin", env = "CF_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,
    /// Key for the insights page and the admin API; without it those routes answer 404.
    #[arg(long, env = "CF_ADMIN_KEY", hide_env_values = true)]
    pub admin_key: Option<String>,
    /// Forward every new outcome there.
    #[arg(long, env = "CF_WEBHOOK_URL")]
    pub webhook_url: Option<String>,
    /// `whsec_` + base64 of 24 to 64 bytes; required with --webhook-url.
    #[arg(long, env = "CF_WEBHOOK_SECRET", hide_env_values = true)]
    pub webhook_secret: Option<String>,
    /// First retry delay of a webhook delivery; doubles each time, jittered, capped at 1 h.
    #[arg(long, env = "CF_WEBHOOK_RETRY_BASE", default_value = "5s", value_parser = duration)]
    pub webhook_retry_base: Duration,
    /// Outcome posts per minute per client address; 0 turns it off.
    #[arg(long, env = "CF_RATE_LIMIT", default_value_t = 120)]
    pub rate_limit: u32,
    /// Comments and e-mail addresses older than this are erased (the counts stay).
    #[arg(long, env = "CF_RETENTION", default_value = "730d", value_parser = duration)]
    pub retention: Duration,
    /// Stripe's endpoint signing secret (`whsec_…`); turns on `POST /v1/billing/stripe`.
    #[arg(long, env = "CF_STRIPE_WEBHOOK_SECRET", hide_env_values = true)]
    pub stripe_webhook_secret: Option<String>,
    /// The widget's built `dist/`: served under `/widget/` (its brotli or gzip copy when
    /// the browser accepts it).
    #[arg(long, env = "CF_WIDGET_DIR")]
    pub widget_dir: Option<std::path::PathBuf>,
}

/// `mint-token`'s flags.
#[derive(Debug, Clone, Args)]
pub struct MintArgs {
    /// HMAC key for session tokens.
    #[arg(long, env = "CF_TOKEN_SECRET", hide_env_values = true)]
    pub token_secret: String,
    /// The customer id (`sub`).
    #[arg(long)]
    pub customer: String,
    /// The subscription id.
    #[arg(long)]
    pub subscription: Option<String>,
    /// The flow id.
    #[arg(long)]
    pub flow: Option<String>,
    /// How long the token is valid.
    #[arg(long, default_value = "10m", value_parser = duration)]
    pub ttl: Duration,
    /// An attribute for a served flow's rules, `key=value` (repeatable): the value is read
    /// as JSON when it is a number, `true`, `false` or `null`, else kept as text
    /// (`--attr plan=annual --attr tenure_days=400`).
    #[arg(long = "attr", value_parser = attribute)]
    pub attrs: Vec<(String, serde_json::Value)>,
}

/// `key=value`, the value a JSON number, boolean or null, else text.
pub fn attribute(s: &str) -> Result<(String, serde_json::Value), String> {
    let (key, value) = s.split_once('=').ok_or_else(|| format!("\"{s}\" is not key=value"))?;
    let key = key.trim();
    if key.is_empty() {
        return Err(format!("\"{s}\" has no key before ="));
    }
    let value = match serde_json::from_str::<serde_json::Value>(value) {
        Ok(v @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_) | serde_json::Value::Null)) => v,
        _ => serde_json::Value::String(value.to_string()),
    };
    Ok((key.to_string(), value))
}

/// `500ms`, `30s`, `10m`, `24h`, `7d`.
pub fn duration(s: &str) -> Result<Duration, String> {
    humantime::parse_duration(s.trim())
        .map_err(|e| format!("\"{s}\" is not a duration such as 500ms, 30s, 10m, 24h or 7d ({e})"))
}

/// `1`, `true`, `yes`, `on` (and `0`, `false`, `no`, `off`, empty).
fn flag_value(s: &str) -> Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "" | "0" | "false" | "no" | "off" => Ok(false),
        other => Err(format!("\"{other}\" is not 1 or 0")),
    }
}
