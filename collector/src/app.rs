//! Starting and stopping a collector, and the four commands. [`Collector::start`] opens
//! and migrates the database and starts the background work (the writer, the forwarder
//! under its lease, the upkeep, the limiters' sweeps), all on one task tracker under one
//! cancellation token; [`Collector::stop`] cancels them and waits for each to finish what
//! it holds. `serve` puts the collector's router behind the accept loop until SIGTERM or
//! SIGINT; the tests start a `Collector` in process. The forwarder runs in the one
//! collector that holds the store's forwarder lease (`forward_while_leader`).

use crate::cli::{Command, MintArgs};
use crate::http::limits::Limiter;
use crate::http::{self, AppState};
use crate::seed::{self, SeedPlan};
use crate::serving::recorder::AssignmentRecorder;
use crate::serving::FlowServer;
use crate::settings::{Settings, SettingsError, TokenSecret};
use crate::store::{Store, StoreError};
use crate::webhook::worker::SetupError;
use crate::webhook::Forwarder;
use crate::writer::Writer;
use crate::{tokens, upkeep};
use axum::Router;
use std::future::Future;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// How often a collector without the forwarder lease asks for it again.
const LEASE_RETRY: std::time::Duration = std::time::Duration::from_secs(15);

/// Why a command failed; the causes follow through [`std::error::Error::source`].
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A flag that cannot be used.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// The listen address cannot be bound.
    #[error("--listen {address}: cannot listen there")]
    Listen {
        /// The address given.
        address: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The database cannot be opened or migrated.
    #[error("database")]
    Database(#[from] StoreError),
    /// Seeding the demo's past experiment failed.
    #[error("seeding the demo experiment: {0}")]
    Seed(#[from] crate::seed::SeedError),
    /// The webhook forwarder cannot be built.
    #[error("--webhook-url")]
    Forwarder(#[from] SetupError),
}

/// Runs one command to its end.
pub async fn run(command: Command) -> Result<(), AppError> {
    match command {
        Command::Serve(args) => {
            let settings = Settings::from_args(args)?;
            let listener = TcpListener::bind(&settings.listen)
                .await
                .map_err(|source| AppError::Listen { address: settings.listen.clone(), source })?;
            serve(settings, listener, shutdown_signal()).await
        }
        Command::Migrate(db) => {
            let store = migrated(&db.database).await?;
            tracing::info!(backend = store.kind(), "database migrated");
            store.close().await;
            Ok(())
        }
        Command::MintToken(m) => {
            println!("{}", mint(&m)?);
            Ok(())
        }
        Command::SeedDemo(args) => {
            let store = migrated(&args.db.database).await?;
            let plan = SeedPlan { customers: args.customers, days: args.days, seed: args.seed };
            let started = std::time::Instant::now();
            let seeded = seed::seed_demo(&store, plan, time::OffsetDateTime::now_utc()).await;
            store.close().await;
            match seeded? {
                None => println!("experiment {} is in the database already; nothing written", seed::EXPERIMENT_ID),
                Some(s) => println!(
                    "experiment {} on flow {} version {}: {} customers over {} days, {} outcomes, {} later \
                     cancellations from the shop and {} from Stripe ({:.1} s)",
                    seed::EXPERIMENT_ID,
                    seed::FLOW_ID,
                    s.flow_version,
                    s.customers,
                    args.days,
                    s.outcomes,
                    s.by_shop,
                    s.by_stripe,
                    started.elapsed().as_secs_f64()
                ),
            }
            Ok(())
        }
    }
}

/// `mint-token`'s token.
fn mint(m: &MintArgs) -> Result<String, SettingsError> {
    let secret = TokenSecret::parse(&m.token_secret)?;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut claims = tokens::claims_for(&m.customer, m.subscription.as_deref(), m.flow.as_deref(), m.ttl, now);
    if !m.attrs.is_empty() {
        claims.attrs = Some(m.attrs.iter().cloned().collect());
    }
    Ok(tokens::mint(secret.bytes(), &claims))
}

/// Serves on `listener` until `shutdown`, then finishes what is in flight and stops.
pub async fn serve(
    settings: Settings,
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> Result<(), AppError> {
    let address =
        listener.local_addr().map_err(|source| AppError::Listen { address: settings.listen.clone(), source })?;
    // The first line of the log: where to reach it (useful with port 0). Connections made
    // before the database is ready wait in the listener's backlog.
    tracing::info!(%address, "listening on http://{address}");
    let collector = Collector::start(settings).await?;
    tracing::info!(backend = collector.store.kind(), "database migrated; serving");
    collector.report_start();
    http::serve::serve(listener, collector.router(), shutdown).await;
    collector.stop().await;
    tracing::info!("stopped");
    Ok(())
}

/// The store, opened and migrated.
async fn migrated(database: &str) -> Result<Store, StoreError> {
    let store = Store::connect(database).await?;
    store.migrate().await?;
    Ok(store)
}

/// A running collector: its router and its background work.
pub struct Collector {
    store: Store,
    router: Router,
    settings: Settings,
    stop: CancellationToken,
    tasks: TaskTracker,
}

impl Collector {
    /// Opens and migrates the database and starts the background work.
    pub async fn start(settings: Settings) -> Result<Collector, AppError> {
        let store = migrated(&settings.database).await?;
        let stop = CancellationToken::new();
        let tasks = TaskTracker::new();
        let wake = Arc::new(Notify::new());
        let (writer, writer_task) = Writer::new(store.clone(), settings.webhook.is_some(), Some(wake.clone()));
        tasks.spawn(writer_task.run(stop.clone()));
        let (recorder, recorder_task) = AssignmentRecorder::new(store.clone());
        tasks.spawn(recorder_task.run(stop.clone()));
        tasks.spawn(upkeep::run(store.clone(), settings.retention, stop.clone()));
        if let Some(hook) = &settings.webhook {
            let forwarder = Forwarder::new(store.clone(), hook.url.as_str(), hook.secret.clone(), hook.retry_base)?;
            let database = settings.database.clone();
            tasks.spawn(forward_while_leader(store.clone(), database, forwarder, wake, stop.clone()));
        }
        let outcome_limit = Limiter::new(settings.rate_limit);
        let sign_in_limit = Limiter::new(http::session::ATTEMPTS_PER_MINUTE).expect("a budget above zero");
        for limiter in outcome_limit.iter().chain([&sign_in_limit]) {
            tasks.spawn(limiter.clone().sweep(stop.clone()));
        }
        let state = Arc::new(AppState {
            store: store.clone(),
            writer,
            tokens: settings.tokens.clone(),
            admin_key: settings.admin_key.clone(),
            outcome_limit,
            sign_in_limit,
            flows: FlowServer::new(recorder),
            stripe_secret: settings.stripe_secret.clone(),
            widget_dir: settings.widget_dir.clone(),
        });
        let router = http::router(state, &settings.cors_origins);
        Ok(Collector { store, router, settings, stop, tasks })
    }

    /// The application: every route with its layers.
    pub fn router(&self) -> Router {
        self.router.clone()
    }

    /// Logs what an operator should know once it is listening.
    fn report_start(&self) {
        if let crate::settings::TokenPolicy::Unsigned { .. } = self.settings.tokens {
            tracing::warn!("accepting outcomes without a session token (--allow-unsigned): for development only");
        }
        let store = self.store.clone();
        self.tasks.spawn(async move {
            match store.delivery_counts().await {
                Ok(c) if c.pending > 0 || c.failed > 0 => {
                    tracing::info!(
                        pending = c.pending,
                        failed = c.failed,
                        "webhook deliveries waiting from an earlier run"
                    )
                }
                _ => {}
            }
        });
    }

    /// Stops the background work (the writer commits what is queued, the forwarder
    /// finishes the delivery in flight) and closes the database.
    pub async fn stop(self) {
        self.stop.cancel();
        self.tasks.close();
        self.tasks.wait().await;
        drop(self.router);
        self.store.close().await;
    }
}

/// Waits for the forwarder lease on `database` (one collector at a time forwards on a
/// shared PostgreSQL; always granted on SQLite), then runs `forwarder` under it until
/// `stop`. A collector without the lease asks again every 15 seconds, so it takes over
/// when the forwarding one stops.
async fn forward_while_leader(
    store: Store,
    database: String,
    forwarder: Forwarder<Store>,
    wake: Arc<Notify>,
    stop: CancellationToken,
) {
    let mut said = false;
    let lease = loop {
        match store.try_forwarder_lease(&database).await {
            Ok(Some(lease)) => break lease,
            Ok(None) if !said => {
                tracing::info!("another collector forwards the webhooks; this one takes over if it stops");
                said = true;
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "cannot tell which collector forwards the webhooks"),
        }
        tokio::select! {
            _ = tokio::time::sleep(LEASE_RETRY) => {}
            _ = stop.cancelled() => return,
        }
    };
    forwarder.run(wake, stop).await;
    drop(lease);
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
