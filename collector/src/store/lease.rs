//! Who forwards. Several collectors may share one PostgreSQL database; only one of them
//! may send the pending webhooks at a time, or a delivery could go out twice and out of
//! order. A session-level advisory lock, held on a connection of its own, is that right:
//! it lasts while the forwarding collector lives and PostgreSQL releases it when that
//! connection goes away (a crash included), so another collector takes over. A SQLite
//! file has one collector: the lease is always granted. (Taking it: each backend's
//! `try_forwarder_lease`.)

/// Held while this collector is the one that forwards.
pub struct ForwarderLease {
    /// What holds the right (PostgreSQL: the connection holding the lock), if anything.
    _held: Option<Box<dyn Send + Sync>>,
}

impl ForwarderLease {
    /// A lease held by `holder` while it lives (`None`: nothing to hold).
    pub(super) fn held_by(holder: Option<Box<dyn Send + Sync>>) -> ForwarderLease {
        ForwarderLease { _held: holder }
    }
}

impl std::fmt::Debug for ForwarderLease {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ForwarderLease")
    }
}
