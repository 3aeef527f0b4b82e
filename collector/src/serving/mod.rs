//! Serving flows (COLLECTOR.md section 7): each flow's latest version, read and checked
//! once and re-checked against the database at most every second (so every collector on
//! one database serves a new version within 5 seconds), and the config for one customer:
//! their history facts, their experiment group (recorded once, then remembered), and the
//! resolution of `crate::flows`. New customers' groups are recorded by group commit
//! (`recorder`).

pub mod recorder;

use crate::flows::{self, Facts, FlowDocument, Group, History, Resolved};
use crate::store::{Store, StoreError, StoredFlow};
use crate::tokens::Claims;
use recorder::{Assignment, AssignmentRecorder};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use time::OffsetDateTime;

/// How long a flow's latest version is served before the database is asked again.
pub const RECHECK_EVERY: Duration = Duration::from_secs(1);
/// Most (experiment, customer) groups remembered; past it the memory starts again (each
/// group is still in the database).
const REMEMBERED_GROUPS: usize = 200_000;

/// A flow's latest version, read and checked.
pub struct LiveFlow {
    /// Its number.
    pub version: u32,
    /// The document, read.
    pub document: FlowDocument,
}

struct Entry {
    checked: Instant,
    flow: Option<Arc<LiveFlow>>,
}

/// The flows this collector serves, and the groups it has recorded.
pub struct FlowServer {
    flows: Mutex<HashMap<String, Entry>>,
    groups: Mutex<HashMap<(String, String), String>>,
    recorder: AssignmentRecorder,
}

/// Why a config could not be served.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// No flow of that id.
    #[error("no flow {0}")]
    NoFlow(String),
    /// The database did not answer.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A stored version that this collector cannot read (written by another release).
    #[error("flow {flow_id} version {version} cannot be read: {problem}")]
    Unreadable {
        /// The flow.
        flow_id: String,
        /// The version.
        version: u32,
        /// What is wrong.
        problem: String,
    },
}

impl FlowServer {
    /// A server with nothing cached, recording new customers' groups through `recorder`.
    pub fn new(recorder: AssignmentRecorder) -> FlowServer {
        FlowServer { flows: Mutex::default(), groups: Mutex::default(), recorder }
    }

    /// Forgets what is cached of `flow_id` (after this collector wrote a version of it).
    pub fn forget(&self, flow_id: &str) {
        self.flows.lock().unwrap_or_else(|e| e.into_inner()).remove(flow_id);
    }

    /// Forgets the groups remembered for a customer (after an erasure).
    pub fn forget_customer(&self, customer_id: &str) {
        self.groups.lock().unwrap_or_else(|e| e.into_inner()).retain(|(_, c), _| c != customer_id);
    }

    /// The latest version of `flow_id`, from the cache when it was checked within
    /// [`RECHECK_EVERY`], else after asking the database for its number (and reading the
    /// version only when it changed).
    pub async fn latest(&self, store: &Store, flow_id: &str) -> Result<Arc<LiveFlow>, ServeError> {
        let cached = {
            let flows = self.flows.lock().unwrap_or_else(|e| e.into_inner());
            flows.get(flow_id).map(|e| (e.checked.elapsed() < RECHECK_EVERY, e.flow.clone()))
        };
        if let Some((true, flow)) = &cached {
            return flow.clone().ok_or_else(|| ServeError::NoFlow(flow_id.to_string()));
        }
        let known = cached.and_then(|(_, flow)| flow);
        let latest = store.latest_flow_version(flow_id).await?;
        let flow = match (latest, known) {
            (None, _) => None,
            (Some(v), Some(known)) if known.version == v => Some(known),
            (Some(_), _) => match store.flow(flow_id, None).await? {
                Some(stored) => Some(Arc::new(read_stored(&stored)?)),
                None => None,
            },
        };
        let entry = Entry { checked: Instant::now(), flow: flow.clone() };
        self.flows.lock().unwrap_or_else(|e| e.into_inner()).insert(flow_id.to_string(), entry);
        flow.ok_or_else(|| ServeError::NoFlow(flow_id.to_string()))
    }

    /// The config of `flow_id` for the customer of `claims`, at `now` (the collector's
    /// clock): steps 1 to 6 of section 7. Problems of the shop's rules are logged.
    pub async fn config_for(
        &self,
        store: &Store,
        flow_id: &str,
        claims: &Claims,
        now: OffsetDateTime,
    ) -> Result<Resolved, ServeError> {
        let flow = self.latest(store, flow_id).await?;
        let document = &flow.document;
        let history = store.customer_history(&claims.sub, document.is_test()).await?;
        let facts = Facts {
            attrs: claims.attrs.clone().unwrap_or_default(),
            customer_id: claims.sub.clone(),
            subscription_id: claims.subscription_id.clone(),
            history: History {
                sessions: history.sessions,
                days_since_last_session: history.last_session.map(|t| flows::whole_days(now, t)),
                days_since_discount: history.last_discount.map(|t| flows::whole_days(now, t)),
                pauses_in_a_row: history.pauses_in_a_row,
            },
        };
        let group = match document.experiment() {
            Some(experiment) => Some(self.group(experiment, claims, now).await?),
            None => None,
        };
        let resolved = flows::resolve(document, flow.version, &facts, group.as_ref());
        if !resolved.problems.is_empty() {
            tracing::warn!(flow_id, version = flow.version, problems = ?resolved.problems, "a rule of the flow did not apply");
        }
        Ok(resolved)
    }

    /// The customer's group in `experiment`: remembered, else recorded now (unless
    /// recorded before, by this collector or another: then that one).
    async fn group(
        &self,
        experiment: &flows::Experiment,
        claims: &Claims,
        now: OffsetDateTime,
    ) -> Result<Group, StoreError> {
        let key = (experiment.id.clone(), claims.sub.clone());
        let remembered = self.groups.lock().unwrap_or_else(|e| e.into_inner()).get(&key).cloned();
        if let Some(group) = remembered {
            return Ok(Group::parse(&group));
        }
        let designed = experiment.assign(&claims.sub);
        let recorded = self
            .recorder
            .record(Assignment {
                experiment_id: experiment.id.clone(),
                customer_id: claims.sub.clone(),
                subscription_id: claims.subscription_id.clone(),
                group: designed.as_str().to_string(),
                at: now,
            })
            .await?;
        let mut groups = self.groups.lock().unwrap_or_else(|e| e.into_inner());
        if groups.len() >= REMEMBERED_GROUPS {
            groups.clear();
        }
        groups.insert(key, recorded.clone());
        Ok(Group::parse(&recorded))
    }
}

/// A stored version read again (it was checked when it was written).
fn read_stored(stored: &StoredFlow) -> Result<LiveFlow, ServeError> {
    let unreadable =
        |problem: String| ServeError::Unreadable { flow_id: stored.flow_id.clone(), version: stored.version, problem };
    let value: serde_json::Value = serde_json::from_str(&stored.document).map_err(|e| unreadable(e.to_string()))?;
    let document = FlowDocument::read(&stored.flow_id, &value).map_err(|e| unreadable(e.to_string()))?;
    Ok(LiveFlow { version: stored.version, document })
}
