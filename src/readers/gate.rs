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
                drained: false,
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
            drained: left == 0,
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
    /// The gate closed and no read was in flight at the end of the wait (or there are no
    /// readers to hold).
    drained: bool,
    in_flight: usize,
    waited: Duration,
    since: Instant,
}

impl ReadHold<'_> {
    /// A hold where there are no readers to hold (every read runs on the writer).
    pub(crate) fn nothing_to_hold() -> Self {
        ReadHold {
            closed: None,
            drained: true,
            in_flight: 0,
            waited: Duration::ZERO,
            since: Instant::now(),
        }
    }

    /// `true` if no read was in flight when the wait ended: no reader holds a snapshot now,
    /// and none can start until the hold is dropped.
    pub fn drained(&self) -> bool {
        self.drained
    }

    /// Reads that held a connection when the wait ended (0 if drained; 0 too if the gate
    /// could not even be closed in time and none was out at that moment).
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[tokio::test]
    async fn a_drained_hold_keeps_new_reads_out_until_dropped() {
        let gate = Gate::default();
        let out = Arc::new(AtomicUsize::new(1));
        let returning = Arc::clone(&out);
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(10)).await;
            returning.store(0, Ordering::Relaxed);
        });
        let hold = gate
            .hold(Duration::from_secs(1), || out.load(Ordering::Relaxed))
            .await;
        assert!(hold.drained() && hold.is_holding());
        assert!(
            hold.waited() >= Duration::from_millis(10),
            "waited for the read"
        );
        let blocked = tokio::time::timeout(Duration::from_millis(20), gate.pass()).await;
        assert!(blocked.is_err(), "a new read waits while the hold lives");
        drop(hold);
        let passed = tokio::time::timeout(Duration::from_millis(20), gate.pass()).await;
        assert!(passed.is_ok(), "and goes once it is dropped");
    }

    #[tokio::test]
    async fn reads_in_flight_past_the_bound_leave_the_hold_undrained_and_reads_free() {
        let gate = Gate::default();
        let hold = gate.hold(Duration::from_millis(20), || 1).await;
        assert!(!hold.drained() && !hold.is_holding());
        assert_eq!(hold.in_flight(), 1);
        let passed = tokio::time::timeout(Duration::from_millis(20), gate.pass()).await;
        assert!(passed.is_ok(), "an undrained hold holds nobody");
    }

    #[tokio::test]
    async fn a_hold_that_cannot_close_the_gate_in_time_is_not_drained() {
        let gate = Gate::default();
        // A read taking its connection, past the hold's bound; none counted out yet.
        let _pass = gate.pass().await;
        let hold = gate.hold(Duration::from_millis(20), || 0).await;
        assert!(!hold.drained() && !hold.is_holding());
    }
}
