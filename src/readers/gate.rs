//! `Gate`: reads start freely until something needs a moment with no read in flight; then new
//! reads wait at the gate while the ones already running finish.
//!
//! SQLite's WAL can only be emptied (checkpointed and truncated) when no reader holds a
//! snapshot that uses it. With readers that always overlap, that moment never comes by
//! itself: each new read starts before the last one ends. A *hold* makes the moment: it closes
//! the gate, so new reads wait, and waits for the reads in flight to return their
//! connections. The holder does its work and drops the hold; the waiting reads go on.
//!
//! The gate is a fair read-write lock: a read holds the read side only while it takes its
//! connection, so once the hold has the write side, every read that got past the gate has its
//! connection out (counted as in flight) or has given up. A hold that asked first is served
//! before reads that arrive after it, so a steady stream of reads cannot starve it.
//!
//! Every hold is bounded: if the reads in flight have not ended in time (a `begin_read()` kept
//! open, a stream its caller stopped polling), the hold reports it and the caller lets reads
//! go on rather than wait for them.

use std::time::{Duration, Instant};

use tokio::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

/// How often a hold looks whether the reads in flight have ended.
const LOOK: Duration = Duration::from_millis(1);

#[derive(Debug, Default)]
pub(crate) struct Gate(RwLock<()>);

impl Gate {
    /// Pass the gate to take a reader connection; keep the pass until the connection is taken.
    pub(crate) async fn pass(&self) -> RwLockReadGuard<'_, ()> {
        self.0.read().await
    }

    /// Close the gate, then wait until `in_flight()` (reads that hold a connection now) is 0,
    /// all within `within`.
    pub(crate) async fn hold(
        &self,
        within: Duration,
        in_flight: impl Fn() -> usize,
    ) -> ReadHold<'_> {
        let since = Instant::now();
        let deadline = since + within;
        let Ok(closed) = tokio::time::timeout(within, self.0.write()).await else {
            return ReadHold {
                closed: None,
                in_flight: in_flight(),
                waited: since.elapsed(),
                since,
            };
        };
        let mut left = in_flight();
        while left > 0 && Instant::now() < deadline {
            tokio::time::sleep(LOOK).await;
            left = in_flight();
        }
        ReadHold {
            closed: (left == 0).then_some(closed),
            in_flight: left,
            waited: since.elapsed(),
            since,
        }
    }
}

/// New reads held back, from [`UpkeepAccess::hold_reads`](crate::UpkeepAccess::hold_reads):
/// while it lives, reads wait to start. Dropping it lets them go.
///
/// A hold that could not drain the reads in flight within its bound lets reads go at once
/// ([`drained`](Self::drained) is `false`); it only reports what it found.
#[derive(Debug)]
pub struct ReadHold<'a> {
    closed: Option<RwLockWriteGuard<'a, ()>>,
    in_flight: usize,
    waited: Duration,
    since: Instant,
}

impl ReadHold<'_> {
    /// A hold where there are no readers to hold (every read runs on the writer).
    pub(crate) fn nothing_to_hold() -> Self {
        ReadHold {
            closed: None,
            in_flight: 0,
            waited: Duration::ZERO,
            since: Instant::now(),
        }
    }

    /// `true` if no read was in flight when the wait ended: no reader holds a snapshot now,
    /// and none can start until the hold is dropped.
    pub fn drained(&self) -> bool {
        self.in_flight == 0
    }

    /// Reads that still held a connection when the wait ended (0 if drained).
    pub fn in_flight(&self) -> usize {
        self.in_flight
    }

    /// How long the hold waited for reads in flight to end.
    pub fn waited(&self) -> Duration {
        self.waited
    }

    /// How long since the hold began: no read that arrived meanwhile has waited longer.
    pub fn held(&self) -> Duration {
        self.since.elapsed()
    }

    /// `true` while new reads wait for this hold.
    pub fn is_holding(&self) -> bool {
        self.closed.is_some()
    }
}
