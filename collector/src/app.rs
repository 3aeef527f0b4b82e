//! Starting and stopping the collector: `serve` (migrate, then the writer, the background
//! tasks and the router behind the accept loop), `migrate` and `mint-token`.

use crate::cli::{Command, ServeArgs};
use crate::store::Store;
use crate::writer::Writer;
use crate::{http, tokens, upkeep, webhook};
use std::sync::Arc;
use tokio::sync::Notify;

/// Runs one command to its end.
pub async fn run(command: Command) -> Result<(), String> {
    match command {
        Command::Serve(args) => serve(args).await,
        Command::Migrate(db) => migrate(&db.database).await.map(|_| ()),
        Command::MintToken(m) => {
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            let claims = tokens::claims_for(&m.customer, m.subscription.as_deref(), m.flow.as_deref(), m.ttl, now);
            println!("{}", tokens::mint(m.token_secret.as_bytes(), &claims));
            Ok(())
        }
    }
}

pub async fn migrate(database: &str) -> Result<Store, String> {
    let store = Store::connect(database).await.map_err(|e| format!("database: {e}"))?;
    store.migrate().await.map_err(|e| format!("database: migrations failed: {e}"))?;
    tracing::info!(backend = store.kind(), "database migrated");
    Ok(store)
}

pub async fn serve(args: ServeArgs) -> Result<(), String> {
    if args.token_secret.as_deref().is_none_or(str::is_empty) && !args.allow_unsigned {
        return Err("set --token-secret (CF_TOKEN_SECRET) to check session tokens, or --allow-unsigned \
                    (CF_ALLOW_UNSIGNED=1) to accept outcomes without one (development only)"
            .into());
    }
    if args.allow_unsigned {
        tracing::warn!("accepting outcomes without a session token (--allow-unsigned): for development only");
    }
    let webhook = match (&args.webhook_url, &args.webhook_secret) {
        (None, _) => None,
        (Some(_), None) => return Err("--webhook-url needs --webhook-secret (CF_WEBHOOK_SECRET)".into()),
        (Some(url), Some(secret)) => {
            let secret = webhook::WebhookSecret::parse(secret).map_err(|e| format!("--webhook-secret: {e}"))?;
            let ok = reqwest::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host());
            if !ok {
                return Err("--webhook-url: must be an absolute http:// or https:// URL".into());
            }
            Some((url.clone(), secret))
        }
    };
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .map_err(|e| format!("--listen {}: cannot listen there ({e})", args.listen))?;
    let store = migrate(&args.db.database).await?;
    match store.delivery_counts().await {
        Ok(c) if c.pending > 0 || c.failed > 0 => {
            tracing::info!(pending = c.pending, failed = c.failed, "webhook deliveries waiting from an earlier run")
        }
        _ => {}
    }
    let wake = Arc::new(Notify::new());
    let writer = Writer::spawn(store.clone(), webhook.is_some(), Some(wake.clone()));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let upkeep = upkeep::start(store.clone(), args.retention, stop_rx.clone());
    let forwarder = webhook.map(|(url, secret)| {
        webhook::leader::start(
            store.clone(),
            args.db.database.clone(),
            url,
            secret,
            args.webhook_retry_base,
            wake,
            stop_rx,
        )
    });
    let state = Arc::new(http::AppState {
        store: store.clone(),
        writer,
        token_secret: args.token_secret.clone().filter(|s| !s.is_empty()).map(String::into_bytes),
        allow_unsigned: args.allow_unsigned,
        token_grace: args.token_grace,
        admin_key: args.admin_key.clone().filter(|k| !k.is_empty()),
        limiter: http::limits::Limiter::new(args.rate_limit),
    });
    let app = http::router(state, &args.cors_origins);
    let addr = listener.local_addr().map_err(|e| format!("--listen: {e}"))?;
    tracing::info!(%addr, backend = store.kind(), "listening on http://{addr}");
    http::serve::serve(listener, app, shutdown_signal()).await;
    let _ = stop_tx.send(true);
    if let Some(f) = forwarder {
        let _ = f.await;
    }
    let _ = upkeep.await;
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// SIGTERM or SIGINT.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("stopping: finishing what is in flight");
}
