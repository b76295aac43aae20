//! `Upkeep`: work a backend does for the pool in the background, between callers' turns.
//!
//! Some housekeeping can only be done by whoever owns every connection. SQLite's write-ahead
//! log is the example: its automatic checkpoint runs inside a caller's commit, and under readers
//! that never stop it never finishes, so the log grows without bound (see the SQLite backend's
//! `checkpoint` module). The pool can do better because it can *schedule*: take a turn on the
//! writer like any caller, in arrival order, and briefly hold new reads while the reads in
//! flight finish.
//!
//! A backend that needs this returns an [`Upkeep`] from [`Backend::upkeep`]; the pool runs one
//! background task per pool that waits until the upkeep says a round is due and then lends it
//! an [`UpkeepAccess`]: the writer, and the power to hold reads, each within a bound the upkeep
//! chooses, so a round can always give up instead of waiting on a caller.

use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use futures_core::future::BoxFuture;
use sqlx::Error;

use crate::backend::Backend;
use crate::owner::Owner;
use crate::pool::Shared;
use crate::readers::{ReadHold, Readers};
use crate::stats::WalStats;
use crate::writer::{Job, Turn, Writer};

/// Background work a backend does for its pool, between callers' turns.
pub trait Upkeep<DB: Backend>: Send + Sync + 'static {
    /// The writer connection has just opened (again): install whatever tells the upkeep that
    /// work is due (for SQLite, the WAL hook).
    fn writer_opened<'c>(
        &'c self,
        conn: &'c mut DB::Connection,
    ) -> BoxFuture<'c, Result<(), Error>>;

    /// A statement that changes one of the upkeep's own settings (a
    /// [`SettingAccess::Upkeep`](crate::SettingAccess::Upkeep) setting) ran on the writer:
    /// read it back from `conn` and follow it.
    fn setting_changed<'c>(
        &'c self,
        conn: &'c mut DB::Connection,
    ) -> BoxFuture<'c, Result<(), Error>>;

    /// Resolves when a round is due. The pool calls [`round`](Self::round) then.
    fn due(&self) -> BoxFuture<'_, ()>;

    /// One round of work, with the pool's writer and readers lent through `pool`.
    fn round<'a>(&'a self, pool: &'a UpkeepAccess<'a, DB>) -> BoxFuture<'a, ()>;

    /// What the upkeep has done so far, for [`RwPool::stats`](crate::RwPool::stats).
    fn stats(&self) -> WalStats;
}

/// What a round of upkeep may use: the writer, in its turn, and a hold on new reads.
pub struct UpkeepAccess<'a, DB: Backend> {
    writer: &'a Writer<DB>,
    readers: Option<&'a Readers<DB>>,
}

impl<'a, DB: Backend> UpkeepAccess<'a, DB> {
    /// The writer, after every caller queued before this call, if it comes `within` the bound
    /// (`None` otherwise, or if the pool closed). Callers queued behind wait until it is
    /// dropped.
    pub async fn writer(&self, within: Duration) -> Option<UpkeepTurn<DB>> {
        let turn =
            tokio::time::timeout(within, self.writer.wait_turn(Owner::current(), Job::Upkeep));
        match turn.await {
            Ok(Ok(Ok(turn))) => Some(UpkeepTurn(turn)),
            _ => None,
        }
    }

    /// Stop new reads from starting and wait, up to `within`, for the reads in flight to
    /// end. New reads wait until the returned hold is dropped: keep it short.
    pub async fn hold_reads(&self, within: Duration) -> ReadHold<'a> {
        match self.readers {
            Some(readers) => readers.hold(within).await,
            None => ReadHold::nothing_to_hold(),
        }
    }
}

/// The writer connection, lent to a round of upkeep.
pub struct UpkeepTurn<DB: Backend>(Turn<DB>);

impl<DB: Backend> UpkeepTurn<DB> {
    /// The connection.
    pub fn conn(&mut self) -> &mut DB::Connection {
        self.0.conn()
    }
}

/// How often a background task with nothing due looks whether its pool is gone.
const LOOK_AGAIN: Duration = Duration::from_secs(1);

/// The pool's upkeep task: a round whenever one is due, until the pool is closed or dropped.
pub(crate) async fn run<DB: Backend>(shared: Weak<Shared<DB>>, upkeep: Arc<dyn Upkeep<DB>>) {
    loop {
        let due = tokio::time::timeout(LOOK_AGAIN, upkeep.due()).await.is_ok();
        let Some(shared) = shared.upgrade() else {
            return;
        };
        if shared.writer.is_closed() {
            return;
        }
        if due {
            let access = UpkeepAccess {
                writer: &shared.writer,
                readers: shared.readers.as_deref(),
            };
            let started = Instant::now();
            upkeep.round(&access).await;
            tracing::trace!(target: "sqlx_rw", took = ?started.elapsed(), "upkeep round");
        }
    }
}
