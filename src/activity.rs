//! `Activity`: whether the writer connection is doing anything right now, and since when not.
//!
//! The pool hands the writer out (`begin()`, `acquire()`) as a plain sqlx connection, and from
//! then on it cannot see who uses it: the task that asked for it may keep it idle in scope, or
//! move it into a spawned task that runs statements on it all the time. Those two cases need
//! opposite answers when the same task then asks for the writer again (the first would wait for
//! itself forever; the second only has to wait its turn), so the pool asks the connection
//! itself. The backend reports every statement's start and end (for SQLite, the trace hook on
//! the writer's handle); a connection with a statement running, or one that ran one a moment
//! ago, is in use; one that has been quiet for a while is idle.
//!
//! Timestamps are nanoseconds since a process-wide origin, so a report is two relaxed atomic
//! stores on the database's own thread, with no lock and no allocation.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// What the backend reports about one connection's statements.
#[derive(Debug, Default)]
pub struct Activity {
    /// The backend reports this connection's statements; until it does, the connection
    /// always counts as in use.
    watched: AtomicBool,
    running: AtomicBool,
    /// When a statement last started or ended, or when the connection was handed out.
    last: AtomicU64,
}

impl Activity {
    /// The backend will report this connection's statements from now on.
    pub fn watched(&self) {
        self.watched.store(true, Ordering::Relaxed);
    }

    /// A statement started on the connection.
    pub fn statement_started(&self) {
        self.running.store(true, Ordering::Relaxed);
        self.last.store(now(), Ordering::Relaxed);
    }

    /// A statement on the connection finished (or was reset).
    pub fn statement_ended(&self) {
        self.running.store(false, Ordering::Relaxed);
        self.last.store(now(), Ordering::Relaxed);
    }

    /// The connection changed hands: its quiet time counts from now.
    pub(crate) fn touch(&self) {
        self.last.store(now(), Ordering::Relaxed);
    }

    /// How long the connection has had no statement running and none starting or ending;
    /// zero while one runs, or while nobody reports its statements.
    pub(crate) fn quiet_for(&self) -> Duration {
        if !self.watched.load(Ordering::Relaxed) || self.running.load(Ordering::Relaxed) {
            return Duration::ZERO;
        }
        since(self.last.load(Ordering::Relaxed))
    }
}

/// Nanoseconds since the process-wide origin; never 0, so 0 can mean "not set".
pub(crate) fn now() -> u64 {
    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    let origin = *ORIGIN.get_or_init(Instant::now);
    (origin.elapsed().as_nanos() as u64).max(1)
}

/// The time elapsed since `stamp` (a value of [`now`]).
pub(crate) fn since(stamp: u64) -> Duration {
    Duration::from_nanos(now().saturating_sub(stamp))
}
