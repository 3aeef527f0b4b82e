//! What `serve` runs with: the command line's flags checked once, at start, into values
//! that cannot hold a combination that must never happen. Each refusal names its flag
//! (COLLECTOR.md section 1): a token secret under 32 bytes (RFC 7518 section 3.2), an
//! admin key under 16 characters, a webhook URL without its secret or not http(s), and
//! neither a token secret nor `--allow-unsigned`.

use crate::cli::ServeArgs;
use crate::webhook::signature::SecretError;
use crate::webhook::worker::receiver_url;
use crate::webhook::WebhookSecret;
use std::fmt;
use std::time::Duration;

/// Shortest token secret accepted, in bytes: HS256's key is at least the hash's size
/// (RFC 7518 section 3.2).
pub const MIN_TOKEN_SECRET_BYTES: usize = 32;
/// Shortest admin key accepted, in characters.
pub const MIN_ADMIN_KEY_CHARS: usize = 16;

/// The HMAC key of session tokens: at least [`MIN_TOKEN_SECRET_BYTES`]. `Debug` never
/// prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenSecret(Vec<u8>);

impl TokenSecret {
    /// The secret given with `--token-secret` (also `mint-token`'s).
    pub fn parse(text: &str) -> Result<TokenSecret, SettingsError> {
        if text.len() < MIN_TOKEN_SECRET_BYTES {
            return Err(SettingsError::WeakTokenSecret(text.len()));
        }
        Ok(TokenSecret(text.as_bytes().to_vec()))
    }

    /// The key's bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for TokenSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenSecret(<redacted>)")
    }
}

/// The key of the insights pages and the admin API: at least [`MIN_ADMIN_KEY_CHARS`].
/// `Debug` never prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct AdminKey(String);

impl AdminKey {
    /// The key given with `--admin-key`.
    pub fn parse(text: &str) -> Result<AdminKey, SettingsError> {
        let chars = text.chars().count();
        if chars < MIN_ADMIN_KEY_CHARS {
            return Err(SettingsError::WeakAdminKey(chars));
        }
        Ok(AdminKey(text.to_string()))
    }

    /// Whether `given` is the key (compared in constant time).
    pub fn matches(&self, given: &str) -> bool {
        use subtle::ConstantTimeEq;
        bool::from(given.as_bytes().ct_eq(self.0.as_bytes()))
    }

    /// The key's text (the session cookie's MAC key).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AdminKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AdminKey(<redacted>)")
    }
}

/// How outcomes are authorised: one value, so no impossible mix can be held.
#[derive(Debug, Clone)]
pub enum TokenPolicy {
    /// Every outcome carries a session token signed with the secret (production).
    Signed {
        /// The HMAC key.
        secret: TokenSecret,
        /// How long after expiry a token still covers an outcome decided in time.
        grace: Duration,
    },
    /// Development (`--allow-unsigned`): an outcome without a token is accepted. When a
    /// token secret is also given, a token that does come is still checked with it, as a
    /// signed collector would.
    Unsigned {
        /// The secret that checks a token that comes anyway, if one was given.
        check: Option<(TokenSecret, Duration)>,
    },
}

/// Where and how new outcomes are forwarded.
#[derive(Debug, Clone)]
pub struct Webhook {
    /// An absolute http(s) URL.
    pub url: reqwest::Url,
    /// The Standard Webhooks signing key.
    pub secret: WebhookSecret,
    /// The first retry delay.
    pub retry_base: Duration,
}

/// Everything `serve` runs with.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The address to listen on.
    pub listen: String,
    /// The database URL.
    pub database: String,
    /// How outcomes are authorised.
    pub tokens: TokenPolicy,
    /// Origins allowed to post from a browser.
    pub cors_origins: Vec<String>,
    /// The admin key; without it the insights and the admin API answer 404.
    pub admin_key: Option<AdminKey>,
    /// Forwarding, when on.
    pub webhook: Option<Webhook>,
    /// Outcome posts per minute per client address; 0: no limit.
    pub rate_limit: u32,
    /// How long comments are kept.
    pub retention: Duration,
    /// Stripe's endpoint signing secret, when `POST /v1/billing/stripe` is on.
    pub stripe_secret: Option<StripeSecret>,
    /// The widget's built files, served under `/widget/` when set.
    pub widget_dir: Option<std::path::PathBuf>,
}

/// Stripe's endpoint signing secret (`whsec_…`), used as given as the HMAC key, as
/// Stripe's own libraries do. Never printed.
#[derive(Clone)]
pub struct StripeSecret(String);

impl StripeSecret {
    /// A secret as the Stripe Dashboard shows it.
    pub fn parse(s: &str) -> Result<StripeSecret, SettingsError> {
        let s = s.trim();
        if !s.starts_with("whsec_") || s.len() < 16 {
            return Err(SettingsError::StripeSecret);
        }
        Ok(StripeSecret(s.to_string()))
    }

    /// The secret's text, for the signature check.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for StripeSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StripeSecret(…)")
    }
}

/// Why `serve` (or `mint-token`) refuses to start. Each message names the flag.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    /// Neither a token secret nor `--allow-unsigned`.
    #[error(
        "set --token-secret (CF_TOKEN_SECRET) to check session tokens, or --allow-unsigned \
         (CF_ALLOW_UNSIGNED=1) to accept outcomes without one (development only)"
    )]
    NoTokenPolicy,
    /// A token secret shorter than 32 bytes.
    #[error(
        "--token-secret (CF_TOKEN_SECRET): {0} bytes is too short; use at least {MIN_TOKEN_SECRET_BYTES} random bytes \
         (RFC 7518 section 3.2), for example the output of `openssl rand -hex 32`"
    )]
    WeakTokenSecret(usize),
    /// An admin key shorter than 16 characters.
    #[error(
        "--admin-key (CF_ADMIN_KEY): {0} characters is too short; use at least {MIN_ADMIN_KEY_CHARS}, \
         for example the output of `openssl rand -hex 16`"
    )]
    WeakAdminKey(usize),
    /// `--webhook-url` without `--webhook-secret`.
    #[error("--webhook-url needs --webhook-secret (CF_WEBHOOK_SECRET)")]
    WebhookWithoutSecret,
    /// A webhook secret that is not `whsec_` + base64 of 24 to 64 bytes.
    #[error("--webhook-secret: {0}")]
    WebhookSecret(#[from] SecretError),
    /// A webhook URL that is not an absolute http(s) URL.
    #[error("--webhook-url: must be an absolute http:// or https:// URL")]
    WebhookUrl,
    /// A Stripe signing secret that does not look like one.
    #[error(
        "--stripe-webhook-secret (CF_STRIPE_WEBHOOK_SECRET): must be the endpoint's signing secret as Stripe shows it, \
        whsec_…"
    )]
    StripeSecret,
    /// A widget folder without the built widget in it.
    #[error(
        "--widget-dir (CF_WIDGET_DIR): {0} has no embed.js; point it at the widget's built dist/ folder (make build)"
    )]
    WidgetDir(String),
}

/// The widget's folder, if it holds the built widget (its `embed.js`).
fn widget_dir(dir: Option<std::path::PathBuf>) -> Result<Option<std::path::PathBuf>, SettingsError> {
    match dir.filter(|d| !d.as_os_str().is_empty()) {
        None => Ok(None),
        Some(d) if d.join("embed.js").is_file() => Ok(Some(d)),
        Some(d) => Err(SettingsError::WidgetDir(d.display().to_string())),
    }
}

impl Settings {
    /// Checks `serve`'s flags.
    pub fn from_args(args: ServeArgs) -> Result<Settings, SettingsError> {
        let secret = args.token_secret.as_deref().filter(|s| !s.is_empty()).map(TokenSecret::parse).transpose()?;
        let tokens = match (secret, args.allow_unsigned) {
            (None, false) => return Err(SettingsError::NoTokenPolicy),
            (Some(secret), false) => TokenPolicy::Signed { secret, grace: args.token_grace },
            (check, true) => TokenPolicy::Unsigned { check: check.map(|s| (s, args.token_grace)) },
        };
        let admin_key = args.admin_key.as_deref().filter(|k| !k.is_empty()).map(AdminKey::parse).transpose()?;
        let webhook = match (args.webhook_url, args.webhook_secret) {
            (None, _) => None,
            (Some(_), None) => return Err(SettingsError::WebhookWithoutSecret),
            (Some(url), Some(secret)) => {
                let secret = WebhookSecret::parse(&secret)?;
                let url = receiver_url(&url).map_err(|_| SettingsError::WebhookUrl)?;
                Some(Webhook { url, secret, retry_base: args.webhook_retry_base })
            }
        };
        Ok(Settings {
            listen: args.listen,
            database: args.db.database,
            tokens,
            cors_origins: args.cors_origins,
            admin_key,
            webhook,
            rate_limit: args.rate_limit,
            retention: args.retention,
            stripe_secret: args
                .stripe_webhook_secret
                .as_deref()
                .filter(|s| !s.is_empty())
                .map(StripeSecret::parse)
                .transpose()?,
            widget_dir: widget_dir(args.widget_dir)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn settings(flags: &[&str]) -> Result<Settings, SettingsError> {
        let args = ["cancel-flow-collector", "serve"].iter().chain(flags).copied();
        let Command::Serve(args) = Cli::try_parse_from(args).unwrap().command else { unreachable!() };
        Settings::from_args(args)
    }

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn weak_secrets_are_refused_naming_the_flag() {
        let e = settings(&["--token-secret", "abc"]).unwrap_err();
        assert_eq!(e, SettingsError::WeakTokenSecret(3));
        assert!(e.to_string().starts_with("--token-secret") && e.to_string().contains("32"), "{e}");
        assert!(settings(&["--token-secret", &SECRET[..31]]).is_err());
        assert!(matches!(settings(&["--token-secret", SECRET]).unwrap().tokens, TokenPolicy::Signed { .. }));

        let e = settings(&["--allow-unsigned", "--admin-key", "short"]).unwrap_err();
        assert_eq!(e, SettingsError::WeakAdminKey(5));
        assert!(e.to_string().starts_with("--admin-key") && e.to_string().contains("16"), "{e}");
        assert!(settings(&["--allow-unsigned", "--admin-key", "0123456789abcdef"]).unwrap().admin_key.is_some());
    }

    #[test]
    fn the_token_policy_is_one_value() {
        assert_eq!(settings(&[]).unwrap_err(), SettingsError::NoTokenPolicy);
        assert!(matches!(settings(&["--allow-unsigned"]).unwrap().tokens, TokenPolicy::Unsigned { check: None }));
        let both = settings(&["--allow-unsigned", "--token-secret", SECRET]).unwrap();
        assert!(matches!(both.tokens, TokenPolicy::Unsigned { check: Some(_) }));
        assert!(!format!("{both:?}").contains(SECRET), "Debug never prints the secret");
    }

    #[test]
    fn the_webhook_needs_its_secret_and_an_http_url() {
        let whsec = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let e = settings(&["--allow-unsigned", "--webhook-url", "https://shop.example/hook"]).unwrap_err();
        assert_eq!(e, SettingsError::WebhookWithoutSecret);
        let e = settings(&["--allow-unsigned", "--webhook-url", "ftp://x", "--webhook-secret", whsec]).unwrap_err();
        assert_eq!(e, SettingsError::WebhookUrl);
        let e = settings(&["--allow-unsigned", "--webhook-url", "https://x", "--webhook-secret", "nope"]).unwrap_err();
        assert!(e.to_string().starts_with("--webhook-secret: "), "{e}");
        let ok = settings(&["--allow-unsigned", "--webhook-url", "https://x/h", "--webhook-secret", whsec]).unwrap();
        assert_eq!(ok.webhook.unwrap().url.as_str(), "https://x/h");
    }
}
