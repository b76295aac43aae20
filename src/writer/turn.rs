//! A turn: one statement's use of the writer outside a pinned transaction, and how a waiter
//! tells a holder that is busy from one that is idle.
//!
//! A turn parks the connection for the next job when dropped. A statement stream on the writer
//! marks itself *parked* while a row it yielded waits in its caller's hands; a waiter of the
//! same task that finds the holder parked long enough knows the wait would never end
//! ([`SelfHeld`]).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use sqlx::pool::PoolConnection;
use sqlx::Error;

use super::queue::Grant;
use super::{lock, Handoff, IDLE_PROOF, INVARIANT};
use crate::activity;
use crate::backend::Backend;
use crate::error::{pool_error, RwErrorKind};

/// One use of the writer outside a pinned transaction. Dropping it parks the connection for
/// the next caller in the queue.
pub(crate) struct Turn<DB: Backend> {
    pub(super) guard: Grant<super::Parked<DB>, super::Member<DB>>,
    /// Armed (see `txn::arms`): a statement that may change the transaction state is running.
    /// If the turn is dropped like this (its future was cancelled), the connection's state is
    /// unknown, so it goes back to sqlx's pool, whose release hook rolls back whatever is open.
    pub(crate) armed: bool,
    pub(super) since: Instant,
    pub(super) handoff: Arc<Handoff>,
}

/// What keeps the writer from a task that waits for it: something of its own, idle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SelfHeld {
    /// A statement stream of this task holds the writer and is not being polled.
    Stream,
    /// The writer was handed to this task (`begin()`, `acquire()`) and no statement runs on it.
    Connection,
}

impl SelfHeld {
    /// The error for a wait that could only end when the task gives up what it holds.
    pub(crate) fn error(self) -> Error {
        let message = match self {
            SelfHeld::Stream => {
                "this task waits for the writer while its own unfinished statement stream holds \
                 it (a `fetch` stream it stopped polling), which would wait forever: collect or \
                 drop the stream before running the next statement"
            }
            SelfHeld::Connection => {
                "this task waits for the writer while it holds the writer itself, idle (an open \
                 Transaction from begin() or a connection from acquire()), which would wait \
                 forever: run the statement on that transaction or connection (`&mut *tx`), or \
                 commit or drop it first"
            }
        };
        pool_error(RwErrorKind::WriterHeldByThisTask, message)
    }
}

impl<DB: Backend> Turn<DB> {
    pub(crate) fn conn(&mut self) -> &mut DB::Connection {
        self.guard.as_mut().expect(INVARIANT)
    }

    /// The connection broke (for a server, its socket): close it instead of parking it, so
    /// the next turn opens a fresh one.
    pub(crate) fn discard(&mut self) {
        self.armed = false;
        if let Some(mut conn) = self.guard.take() {
            conn.close_on_drop();
        }
    }

    /// `true` once [`discard`](Self::discard)ed.
    pub(crate) fn is_discarded(&self) -> bool {
        self.guard.is_none()
    }

    /// Where the turn's statement marks itself parked (see [`park`]).
    pub(crate) fn parker(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.handoff.parked_at)
    }

    /// Take the connection out of the queue's slot; its hold goes on and is recorded when it
    /// comes back through sqlx's pool (or when its pin ends).
    pub(super) fn into_connection(mut self) -> PoolConnection<DB> {
        self.armed = false;
        self.guard.take().expect(INVARIANT)
    }
}

impl<DB: Backend> Drop for Turn<DB> {
    fn drop(&mut self) {
        *lock(&self.handoff.turn_owner) = None;
        self.handoff.parked_at.store(0, Ordering::Release);
        if self.guard.is_some() {
            self.handoff
                .counters
                .writer_hold
                .record(self.since.elapsed());
        }
        if self.armed {
            self.handoff.returning.unverified();
            drop(self.guard.take());
        }
    }
}

/// A statement stream handed a row to its caller (`true`: until the caller polls again it
/// makes no progress) or is being polled again (`false`).
pub(crate) fn park(parker: &AtomicU64, parked: bool) {
    let stamp = if parked { activity::now() } else { 0 };
    parker.store(stamp, Ordering::Release);
}

/// `true` if the stamp says a stream has sat parked long enough to prove nobody polls it.
pub(super) fn parked_long(parked_at: &AtomicU64) -> bool {
    let stamp = parked_at.load(Ordering::Acquire);
    stamp != 0 && activity::since(stamp) >= IDLE_PROOF
}

/// Decrements the queue length when a waiter leaves, however it leaves.
pub(super) struct Leave<'a>(pub(super) &'a AtomicU64);

impl Drop for Leave<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}
