//! Raw transactions pinned to the task that began them.
//!
//! `BEGIN` sent through `&RwPool` moves the writer connection out of the queue into a *pin*
//! for the sending task: every later statement of that task runs on it, one at a time (futures
//! of the task queue for it in arrival order), until the transaction ends and the connection
//! goes back to the queue. A pin ends other ways too, and each has one rule here: a statement
//! cancelled half-way *poisons* it (its outcome is unknown: it is rolled back at once, off the
//! task, and the task is told on its next statement); one idle past the timeout is rolled back
//! by the reaper; a new `BEGIN` while it is open rolls the stale one back.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex as SyncMutex, Weak};
use std::time::{Duration, Instant};

use sqlx::pool::PoolConnection;
use sqlx::Error;
use tokio::sync::{Mutex, OwnedMutexGuard};

use super::turn::{parked_long, Turn};
use super::{lock, Slot, Writer, CHECK_OWN, INVARIANT};
use crate::backend::Backend;
use crate::error::{pool_error, RwErrorKind};
use crate::owner::Owner;
use crate::stats::bump;

/// A transaction begun with `BEGIN` through `&RwPool`, bound to the task that sent it.
pub(crate) struct Pin<DB: Backend> {
    pub(super) conn: Slot<DB>,
    pub(super) since: Instant,
    pub(super) last_used: SyncMutex<Instant>,
    /// Poisoned once a statement in this transaction was cancelled: its outcome is unknown,
    /// so the transaction must not go on.
    pub(super) state: PinState,
    /// When the owner's statement inside the transaction handed a row to its caller and has not
    /// been polled since (0 otherwise), as [`Handoff::parked_at`] for a turn.
    pub(super) parked_at: Arc<AtomicU64>,
    /// A read-only transaction on a reader connection (`BEGIN READ ONLY` on a replica), not
    /// the writer's.
    pub(super) on_reader: bool,
}

/// A pin's life: live until a statement in it is cancelled, then poisoned for good (set
/// synchronously on drop, so the task's very next statement sees it, before the spawned settle
/// runs).
#[derive(Default)]
pub(super) struct PinState(AtomicBool);

impl PinState {
    fn poison(&self) {
        self.0.store(true, Ordering::Release);
    }

    fn is_poisoned(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

/// Why a pinned transaction was rolled back behind its task's back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Abandon {
    Idle,
    Cancelled,
}

/// What happened when a task reached for its pinned transaction.
pub(crate) enum PinAccess<DB: Backend> {
    Use(PinnedUse<DB>),
    /// The pin ended while we waited for it (settled by another path): look again.
    Gone,
    /// It was rolled back; the error says why.
    Abandoned(Error),
    /// A statement of the same task holds the transaction and sits idle (a stream the task
    /// stopped polling): waiting would wait for itself.
    Busy(Error),
}

/// One statement's use of a pinned transaction.
pub(crate) struct PinnedUse<DB: Backend> {
    pub(super) guard: OwnedMutexGuard<Option<PoolConnection<DB>>>,
    pub(super) pin: Arc<Pin<DB>>,
    /// Armed (see `txn::arms`): dropped like this, the statement was cancelled and the pin is
    /// poisoned.
    pub(crate) armed: bool,
    pub(crate) owner: Owner,
    pub(super) writer: Weak<Writer<DB>>,
}

impl<DB: Backend> Writer<DB> {
    /// The pinned transaction of `owner`, if it has one.
    pub(crate) fn pin_of(&self, owner: Owner) -> Option<Arc<Pin<DB>>> {
        if self.pinned.load(Ordering::Acquire) == 0 {
            return None;
        }
        lock(&self.pins).get(&owner).cloned()
    }

    /// The error for `owner`'s next statement, once, if its pinned transaction was rolled
    /// back behind its back.
    pub(crate) fn take_abandoned(&self, owner: Owner) -> Option<Error> {
        if self.abandoned_count.load(Ordering::Acquire) == 0 {
            return None;
        }
        let (_, why) = lock(&self.abandoned).remove(&owner)?;
        self.abandoned_count.fetch_sub(1, Ordering::AcqRel);
        Some(self.abandoned_error(why))
    }

    pub(super) fn abandoned_error(&self, why: Abandon) -> Error {
        let cause = match why {
            Abandon::Idle => format!(
                "was idle for more than {:?} and was rolled back to release the writer (raise \
                 RwPoolOptions::idle_transaction_timeout if it legitimately waits that long)",
                self.idle_timeout
            ),
            Abandon::Cancelled => "had a statement cancelled (its future was dropped, e.g. by a \
                 timeout), so its outcome is unknown: it was rolled back if it was still open \
                 (a cancelled COMMIT may have gone through; check before retrying it)"
                .to_owned(),
        };
        pool_error(
            RwErrorKind::TransactionAbandoned,
            format!(
                "this task's transaction (begun with BEGIN through the pool) {cause}. Its later \
                 statements were not run. Begin the transaction again"
            ),
        )
    }

    pub(super) fn mark_abandoned(&self, owner: Owner, why: Abandon) {
        bump(&self.handoff.counters.abandoned_transactions);
        let mut abandoned = lock(&self.abandoned);
        // Counted before the entry exists: `take_abandoned` skips the lock while the count is 0.
        if !abandoned.contains_key(&owner) {
            self.abandoned_count.fetch_add(1, Ordering::AcqRel);
        }
        abandoned.insert(owner, (Instant::now(), why));
    }

    /// Lock `pin` for one statement.
    ///
    /// `may_change`: the statement may change the transaction (anything but a read), so being
    /// cancelled while waiting for it leaves the transaction's outcome unknown.
    pub(crate) async fn use_pin(
        self: &Arc<Self>,
        owner: Owner,
        pin: Arc<Pin<DB>>,
        may_change: bool,
    ) -> PinAccess<DB> {
        let guard = match Arc::clone(&pin.conn).try_lock_owned() {
            Ok(guard) => guard,
            // Another statement of this task is inside the transaction (a future beside this
            // one, or a stream), or the pool is settling it: wait for it, in arrival order,
            // unless what holds it is this task's own stream, parked.
            Err(_) => {
                let mut poison = PoisonOnDrop {
                    pin: may_change.then(|| Arc::clone(&pin)),
                    owner,
                    writer: Arc::downgrade(self),
                };
                let lock = Arc::clone(&pin.conn).lock_owned();
                tokio::pin!(lock);
                let deadline = Instant::now() + self.acquire_timeout;
                let guard = loop {
                    match tokio::time::timeout(CHECK_OWN, &mut lock).await {
                        Ok(guard) => break guard,
                        Err(_) if parked_long(&pin.parked_at) => {
                            poison.pin = None;
                            return PinAccess::Busy(pool_error(
                                RwErrorKind::WriterHeldByThisTask,
                                "this task's own unfinished statement stream holds its \
                                 transaction (begun with BEGIN through the pool) and is not \
                                 being polled, so the next statement would wait forever: \
                                 collect or drop the stream before running the next statement",
                            ));
                        }
                        // A holder that is neither done nor provably idle (a stream stopped
                        // before its first row): bounded like any wait for the writer.
                        Err(_) if Instant::now() >= deadline => {
                            poison.pin = None;
                            return PinAccess::Busy(pool_error(
                                RwErrorKind::WriterTimedOut,
                                format!(
                                    "timed out after {:?} waiting for this task's own statement \
                                     inside its transaction (begun with BEGIN through the \
                                     pool) to finish: a stream of it is probably no longer \
                                     polled; collect or drop it before the next statement",
                                    self.acquire_timeout
                                ),
                            ));
                        }
                        Err(_) => {}
                    }
                };
                poison.pin = None;
                guard
            }
        };
        if guard.is_none() {
            return match self.take_abandoned(owner) {
                Some(error) => PinAccess::Abandoned(error),
                None => PinAccess::Gone,
            };
        }
        if pin.state.is_poisoned() {
            self.settle_poisoned(owner, &pin, guard).await;
            return match self.take_abandoned(owner) {
                Some(error) => PinAccess::Abandoned(error),
                None => PinAccess::Gone,
            };
        }
        PinAccess::Use(PinnedUse {
            guard,
            pin,
            armed: false,
            owner,
            writer: Arc::downgrade(self),
        })
    }

    /// Roll back the transaction `used` belongs to and release the writer: its task sent a new
    /// `BEGIN` while it was still open, so the old one can never be finished correctly.
    pub(crate) async fn roll_back_stale(&self, mut used: PinnedUse<DB>) -> Error {
        used.armed = false;
        bump(&self.handoff.counters.abandoned_transactions);
        if let Some(mut conn) = used.guard.take() {
            self.abandon_pin(used.owner, &used.pin);
            if DB::rollback(&mut conn).await.is_err() {
                conn.close_on_drop();
            }
        }
        tracing::warn!(
            target: "sqlx_rw",
            "BEGIN sent through the pool while the task's previous transaction was still open; \
             rolled the previous one back"
        );
        pool_error(
            RwErrorKind::TransactionAbandoned,
            "BEGIN was sent through the pool while this task's previous transaction (also begun \
             through the pool) was still open, so that transaction was rolled back and none of \
             its statements were committed. This happens when the code between BEGIN and COMMIT \
             is cancelled at an await that is not a pool statement (a timeout around the block); \
             use pool.begin() for a transaction that rolls back when dropped. Begin again",
        )
    }

    /// Move the turn's connection into a new pinned transaction for `owner`.
    pub(crate) fn pin(&self, owner: Owner, mut turn: Turn<DB>) {
        if self.is_closed() {
            // Close has drained the pins already: let the connection go back to the closing
            // pool, where the release check rolls the transaction back.
            turn.armed = true;
            return;
        }
        let conn = turn.into_connection();
        bump(&self.handoff.counters.transactions_begun);
        self.insert_pin(owner, conn, false);
    }

    /// Pin a reader connection to `owner` for a read-only transaction about to begin on it
    /// (`BEGIN READ ONLY` through the pool), so that every later statement of the task runs
    /// in it, and a cancelled `BEGIN` is settled as any pinned statement is.
    pub(crate) fn pin_reader(&self, owner: Owner, conn: PoolConnection<DB>) -> Arc<Pin<DB>> {
        self.insert_pin(owner, conn, true)
    }

    fn insert_pin(&self, owner: Owner, conn: PoolConnection<DB>, on_reader: bool) -> Arc<Pin<DB>> {
        let pin = Arc::new(Pin {
            conn: Arc::new(Mutex::new(Some(conn))),
            since: Instant::now(),
            last_used: SyncMutex::new(Instant::now()),
            state: PinState::default(),
            parked_at: Arc::default(),
            on_reader,
        });
        if lock(&self.pins).insert(owner, Arc::clone(&pin)).is_none() {
            self.pinned.fetch_add(1, Ordering::AcqRel);
        }
        pin
    }

    /// End `owner`'s pinned transaction: the connection (now outside any transaction) goes
    /// back to sqlx's pool, where the next writer in the queue picks it up.
    pub(crate) fn unpin(&self, mut used: PinnedUse<DB>) {
        self.forget_pin(used.owner, &used.pin);
        // Clean: the caller saw the transaction end (or asked the connection).
        drop(used.guard.take());
    }

    /// A pin ends other than by a clean `unpin`: whatever happens next (a rollback that may be
    /// cancelled or fail), the connection goes back suspect.
    pub(super) fn abandon_pin(&self, owner: Owner, pin: &Arc<Pin<DB>>) {
        self.handoff.returning.unverified();
        self.forget_pin(owner, pin);
    }

    pub(super) fn forget_pin(&self, owner: Owner, pin: &Arc<Pin<DB>>) {
        let mut pins = lock(&self.pins);
        if pins.get(&owner).is_some_and(|p| Arc::ptr_eq(p, pin)) {
            pins.remove(&owner);
            self.pinned.fetch_sub(1, Ordering::AcqRel);
            self.handoff
                .counters
                .writer_hold
                .record(pin.since.elapsed());
        }
    }

    /// After a statement in a pinned transaction was cancelled: roll back whatever is still
    /// open, release the writer, and tell the task on its next statement. A cancelled
    /// `COMMIT` that went through leaves nothing open, and nothing to report.
    pub(super) async fn settle_poisoned(
        &self,
        owner: Owner,
        pin: &Arc<Pin<DB>>,
        mut guard: OwnedMutexGuard<Option<PoolConnection<DB>>>,
    ) {
        let Some(mut conn) = guard.take() else { return };
        self.abandon_pin(owner, pin);
        match DB::in_transaction(&mut conn).await {
            Ok(false) => {}
            Ok(true) => {
                tracing::warn!(
                    target: "sqlx_rw",
                    "a statement in a transaction begun through the pool was cancelled; \
                     rolling the transaction back"
                );
                if DB::rollback(&mut conn).await.is_err() {
                    conn.close_on_drop();
                }
            }
            Err(_) => conn.close_on_drop(),
        }
    }

    pub(super) async fn settle_later(&self, owner: Owner, pin: Arc<Pin<DB>>) {
        let guard = Arc::clone(&pin.conn).lock_owned().await;
        if guard.is_some() && pin.state.is_poisoned() {
            self.settle_poisoned(owner, &pin, guard).await;
        }
    }

    /// Roll back pinned transactions idle past the timeout and release the writer.
    pub(crate) async fn reap_idle(&self) {
        if self.pinned.load(Ordering::Acquire) == 0 {
            return;
        }
        let stale: Vec<(Owner, Arc<Pin<DB>>)> = lock(&self.pins)
            .iter()
            .filter(|(_, pin)| pin.idle_for() >= self.idle_timeout)
            .map(|(owner, pin)| (*owner, Arc::clone(pin)))
            .collect();
        for (owner, pin) in stale {
            // In use right now means not idle.
            let Ok(mut guard) = Arc::clone(&pin.conn).try_lock_owned() else {
                continue;
            };
            if pin.idle_for() < self.idle_timeout {
                continue;
            }
            let Some(mut conn) = guard.take() else {
                continue;
            };
            self.abandon_pin(owner, &pin);
            self.mark_abandoned(owner, Abandon::Idle);
            tracing::warn!(
                target: "sqlx_rw",
                idle = ?pin.idle_for(),
                "rolling back a transaction begun through the pool that sat idle past the \
                 timeout; its task died or forgot COMMIT"
            );
            if let Err(error) = DB::rollback(&mut conn).await {
                tracing::warn!(target: "sqlx_rw", %error, "rollback of idle transaction failed");
                conn.close_on_drop();
            }
        }
        // Marks for tasks that never came back must not pile up forever.
        let horizon = self
            .idle_timeout
            .saturating_mul(120)
            .max(Duration::from_secs(3600));
        let mut abandoned = lock(&self.abandoned);
        let before = abandoned.len();
        abandoned.retain(|_, (at, _)| at.elapsed() < horizon);
        self.abandoned_count
            .fetch_sub(before - abandoned.len(), Ordering::AcqRel);
    }
}

impl<DB: Backend> Pin<DB> {
    pub(super) fn idle_for(&self) -> Duration {
        lock(&self.last_used).elapsed()
    }
}

impl<DB: Backend> PinnedUse<DB> {
    /// `true` for a read-only transaction on a reader connection.
    pub(crate) fn on_reader(&self) -> bool {
        self.pin.on_reader
    }

    pub(crate) fn conn(&mut self) -> &mut DB::Connection {
        self.guard.as_mut().expect(INVARIANT)
    }

    /// Where the statement marks itself parked (see [`park`]).
    pub(crate) fn parker(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.pin.parked_at)
    }

    /// The statement finished; the pin stays.
    pub(crate) fn keep(mut self) {
        self.armed = false;
    }
}

impl<DB: Backend> Drop for PinnedUse<DB> {
    fn drop(&mut self) {
        *lock(&self.pin.last_used) = Instant::now();
        self.pin.parked_at.store(0, Ordering::Release);
        if self.armed && self.guard.is_some() {
            self.armed = false;
            poison(&self.writer, self.owner, Arc::clone(&self.pin));
        }
    }
}

/// A statement in a pinned transaction was cancelled. Poison the pin now, so the task's next
/// statement cannot run in the half-known transaction, and settle it off this task, so the
/// writer is released even if the task never comes back.
pub(super) fn poison<DB: Backend>(writer: &Weak<Writer<DB>>, owner: Owner, pin: Arc<Pin<DB>>) {
    pin.state.poison();
    let Some(writer) = writer.upgrade() else {
        return;
    };
    // Marked here, before any await: the task's next statement must be told, even if it
    // comes before the settle below has removed the pin.
    writer.mark_abandoned(owner, Abandon::Cancelled);
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        runtime.spawn(async move { writer.settle_later(owner, pin).await });
    }
}

/// Poisons a pin if dropped while armed: a statement future cancelled while it waited for its
/// own task's transaction.
pub(super) struct PoisonOnDrop<DB: Backend> {
    pub(super) pin: Option<Arc<Pin<DB>>>,
    pub(super) owner: Owner,
    pub(super) writer: Weak<Writer<DB>>,
}

impl<DB: Backend> Drop for PoisonOnDrop<DB> {
    fn drop(&mut self) {
        if let Some(pin) = self.pin.take() {
            poison(&self.writer, self.owner, pin);
        }
    }
}
