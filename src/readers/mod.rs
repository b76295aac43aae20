//! `Readers`: every place reads can go, and the choice of one for each read.
//!
//! For SQLite there is one [`Target`], the database file opened read-only. For a server there
//! is one per replica, each with its own pool: a read goes to the healthy replica with the
//! fewest reads in flight among those that have replayed what the read must see (see
//! `freshness`). When none has, the read looks again at the least busy one for a short bound,
//! asking it how far it has replayed, and then gives up: the caller runs the read on the
//! writer, which is never stale.
//!
//! Pools open lazily: no reader connection exists until a read asks for one, so a pool that
//! only writes (or migrates) holds the database through the writer alone.
//!
//! Every read passes a [`Gate`] before it takes a connection, so upkeep can hold new reads
//! for a moment while the ones in flight end (see `gate`).

use crate::position::Position;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use sqlx::pool::{PoolConnection, PoolOptions};
use sqlx::{Error, Pool};

use crate::backend::{Backend, ConnectOptionsOf};

mod gate;
pub(crate) mod monitor;
mod target;

use gate::Gate;
pub use gate::ReadHold;
pub(crate) use target::{Health, Target};

/// How long a read that needs a position no replica has reached first waits between looks.
const FIRST_LOOK: Duration = Duration::from_micros(500);

pub(crate) struct Readers<DB: Backend> {
    pub(crate) targets: Vec<Target<DB>>,
    /// Journal-mode changes under way: readers open again only once none is.
    changes: AtomicUsize,
    /// Closed for good: nothing opens readers again.
    closed: AtomicBool,
    pool_options: PoolOptions<DB>,
    /// Reads pass it to take a connection; a hold closes it.
    gate: Gate,
    /// How long a read waits for a replica to replay what it must see before it goes to the
    /// writer.
    freshness_wait: Duration,
    /// How long a reader may take to answer (to connect, then each result) before it counts
    /// as stalled; `None` for readers that cannot stall (SQLite's are in-process).
    pub(crate) read_timeout: Option<Duration>,
    /// Where the next choice starts, so equally busy targets take turns.
    turn: AtomicUsize,
}

/// Why a read was not given a reader connection: it runs on the writer.
#[derive(Debug)]
pub(crate) enum NoReader {
    /// Readers are paused (for SQLite, the database is not in WAL mode), or every target is
    /// out of rotation.
    Unavailable,
    /// No target replayed what the read must see within the bound.
    Behind,
    /// Opening a connection failed (the last error, after every target was tried).
    Failed(Error),
}

impl<DB: Backend> Readers<DB> {
    pub(crate) fn new(
        pool_options: PoolOptions<DB>,
        after_connect: Option<crate::options::ConnectHook<DB>>,
        targets: Vec<(String, ConnectOptionsOf<DB>)>,
        freshness_wait: Duration,
        read_timeout: Option<Duration>,
    ) -> Self {
        let targets = targets
            .into_iter()
            .map(|(name, connect)| Target::new(name, &pool_options, connect, after_connect.clone()))
            .collect();
        Readers {
            targets,
            changes: AtomicUsize::new(0),
            closed: AtomicBool::new(false),
            pool_options,
            gate: Gate::default(),
            freshness_wait,
            read_timeout,
            turn: AtomicUsize::new(0),
        }
    }

    /// The pool of the first target that serves reads now, or `None` if none does.
    pub(crate) fn pool(&self) -> Option<Pool<DB>> {
        self.targets
            .iter()
            .filter(|t| t.health() == Health::Up)
            .chain(self.targets.iter())
            .find_map(Target::pool)
    }

    /// A reader connection that has replayed at least `need` (any, for `None`), from the
    /// least busy target that qualifies.
    pub(crate) async fn acquire(
        &self,
        need: Option<&Position>,
    ) -> Result<(PoolConnection<DB>, usize), NoReader> {
        let _pass = self.gate.pass().await;
        let deadline = Instant::now() + self.freshness_wait;
        let mut look = FIRST_LOOK;
        let mut failed = None;
        let mut tried_down = vec![false; self.targets.len()];
        loop {
            let Some((index, fresh)) = self.choose(need, &tried_down) else {
                return Err(match failed {
                    Some(error) => NoReader::Failed(error),
                    None => NoReader::Unavailable,
                });
            };
            let target = &self.targets[index];
            // A server that stopped answering (SIGSTOP, a dead host behind a live route) can
            // hang a connect forever: bounded like a read on it.
            let acquired = match self.read_timeout {
                Some(bound) => tokio::time::timeout(bound, target.acquire())
                    .await
                    .unwrap_or_else(|_| Some(Err(Error::PoolTimedOut))),
                None => target.acquire().await,
            };
            let mut conn = match acquired {
                None => {
                    tried_down[index] = true;
                    continue;
                }
                Some(Ok(conn)) => conn,
                Some(Err(Error::PoolTimedOut)) if self.read_timeout.is_some() => {
                    // All its connections busy with reads is not a stall: try another.
                    if !target.is_saturated() {
                        self.stalled(index);
                    }
                    tried_down[index] = true;
                    continue;
                }
                Some(Err(error)) if is_pool_condition(&error) => {
                    return Err(NoReader::Failed(error))
                }
                Some(Err(error)) => {
                    if self.targets.len() > 1 && target.set_health(Health::Down) {
                        tracing::warn!(
                            target: "sqlx_rw",
                            replica = %target.name,
                            %error,
                            "a replica could not be reached; out of rotation until it answers"
                        );
                    }
                    tried_down[index] = true;
                    failed = Some(error);
                    continue;
                }
            };
            if fresh {
                target.reads.fetch_add(1, Ordering::Relaxed);
                return Ok((conn, index));
            }
            let asked = match self.read_timeout {
                Some(bound) => tokio::time::timeout(bound, DB::replayed_position(&mut conn))
                    .await
                    .ok(),
                None => Some(DB::replayed_position(&mut conn).await),
            };
            let Some(asked) = asked else {
                // No answer in time: the connection is mid-query, and the replica stalled.
                conn.close_on_drop();
                self.stalled(index);
                tried_down[index] = true;
                continue;
            };
            match asked {
                Ok(Some(position)) => target.saw_replayed(&position),
                Ok(None) => {}
                Err(error) => {
                    tracing::debug!(target: "sqlx_rw", replica = %target.name, %error, "replay position unknown");
                }
            }
            if need.is_none_or(|need| target.has_replayed(need)) {
                target.reads.fetch_add(1, Ordering::Relaxed);
                return Ok((conn, index));
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(NoReader::Behind);
            }
            if let Some(need) = need {
                // A server that can wait for the position answers the moment it is there.
                let left = deadline - now;
                // The server's own wait, and the read timeout on top for a stalled server.
                let bound = left + self.read_timeout.unwrap_or(Duration::from_secs(1));
                let waited =
                    tokio::time::timeout(bound, DB::wait_for_position(&mut conn, need, left)).await;
                match waited {
                    Ok(Ok(Some(true))) => {
                        target.saw_replayed(need);
                        target.reads.fetch_add(1, Ordering::Relaxed);
                        return Ok((conn, index));
                    }
                    Ok(Ok(Some(false))) => return Err(NoReader::Behind),
                    // No such wait here: look again below.
                    Ok(Ok(None)) => {}
                    Ok(Err(error)) => {
                        tracing::debug!(target: "sqlx_rw", replica = %target.name, %error, "waiting for a position failed");
                    }
                    Err(_) => {
                        conn.close_on_drop();
                        self.stalled(index);
                        tried_down[index] = true;
                        continue;
                    }
                }
            }
            drop(conn);
            tokio::time::sleep(look.min(deadline - now)).await;
            look = look.saturating_mul(2);
        }
    }

    /// Target `index` did not answer within the read timeout: out of rotation until the
    /// monitor hears from it again.
    pub(crate) fn stalled(&self, index: usize) {
        let target = &self.targets[index];
        if self.targets.len() > 1 && target.set_health(Health::Down) {
            tracing::warn!(
                target: "sqlx_rw",
                replica = %target.name,
                "a replica did not answer within the read timeout; out of rotation until it answers"
            );
        }
    }

    /// The target for a read that needs `need`: the least busy healthy target that has
    /// replayed it (`true`), else the least busy healthy one to look at again (`false`).
    fn choose(&self, need: Option<&Position>, skip: &[bool]) -> Option<(usize, bool)> {
        // One target (SQLite's file): nothing to weigh.
        if let [only] = self.targets.as_slice() {
            let usable = !skip[0] && only.health() == Health::Up;
            let fresh = need.is_none_or(|need| only.has_replayed(need));
            return usable.then_some((0, fresh));
        }
        // Ties go round: the walk starts one target further each time.
        let count = self.targets.len();
        let start = self.turn.fetch_add(1, Ordering::Relaxed) % count.max(1);
        let live = (0..count)
            .map(|k| (start + k) % count)
            .map(|i| (i, &self.targets[i]))
            .filter(|(i, t)| !skip[*i] && t.health() == Health::Up);
        let mut best: Option<(usize, bool, usize)> = None;
        for (index, target) in live {
            let fresh = need.is_none_or(|need| target.has_replayed(need));
            let busy = target.in_flight();
            let better = match best {
                None => true,
                Some((_, best_fresh, best_busy)) => {
                    (fresh && !best_fresh) || (fresh == best_fresh && busy < best_busy)
                }
            };
            if better {
                best = Some((index, fresh, busy));
            }
        }
        best.map(|(index, fresh, _)| (index, fresh))
    }

    /// Carry `settings` (name, value) to every reader: readers lent out finish what they run,
    /// every later read gets a connection that has them. `false` if every setting had that
    /// value already.
    pub(crate) fn spread(&self, settings: &[(String, String)]) -> bool {
        let closed = self.closed.load(Ordering::Acquire);
        let mut changed = false;
        for target in &self.targets {
            changed |= target.spread(settings, closed, &self.pool_options);
        }
        changed
    }

    /// Open readers from `targets` (one set of options per target, in order) from now on,
    /// with the settings sent through the pool applied again. Empty: the database can no
    /// longer be read beside the writer; nothing changes.
    pub(crate) fn replace_options(&self, targets: Vec<ConnectOptionsOf<DB>>) {
        let closed = self.closed.load(Ordering::Acquire);
        for (target, connect) in self.targets.iter().zip(targets) {
            target.replace_options(connect, closed, &self.pool_options);
        }
    }

    /// The sqlx options every readers' pool is built with.
    pub(crate) fn pool_options(&self) -> &PoolOptions<DB> {
        &self.pool_options
    }

    /// A journal-mode change begins: close the readers and send reads to the writer until
    /// every change under way has ended ([`end_change`](Self::end_change)). Waits up to `bound`
    /// for reads in flight to finish (their connections must be closed before the file can
    /// change journal mode); `false` if some were still out then.
    pub(crate) async fn pause(&self, bound: Duration) -> bool {
        self.changes.fetch_add(1, Ordering::AcqRel);
        let old: Vec<Pool<DB>> = self.targets.iter().filter_map(Target::pause).collect();
        let closing = futures_util::future::join_all(old.iter().map(|pool| pool.close()));
        tokio::time::timeout(bound, closing).await.is_ok()
    }

    /// A journal-mode change has ended; `readers_can_run`: what the database's mode now
    /// allows, `None` if unknown. `true` if the mode must be read again (unknown, and no other
    /// change under way) before readers may open.
    pub(crate) fn end_change(&self, readers_can_run: Option<bool>) -> bool {
        let left = self.changes.fetch_sub(1, Ordering::AcqRel) - 1;
        match (left, readers_can_run) {
            (0, Some(true)) => {
                self.resume();
                false
            }
            (0, None) => true,
            _ => false,
        }
    }

    /// Open readers again, unless a journal-mode change is under way or they are closed for
    /// good; nothing if they are open.
    pub(crate) fn resume(&self) {
        if self.changes.load(Ordering::Acquire) > 0 || self.closed.load(Ordering::Acquire) {
            return;
        }
        for target in &self.targets {
            target.resume(&self.pool_options);
        }
    }

    /// Hold new reads and wait, up to `within`, for every reader connection lent out (by any
    /// pool, including replaced ones still closing) to come back.
    pub(crate) async fn hold(&self, within: Duration) -> ReadHold<'_> {
        self.gate.hold(within, || self.in_flight()).await
    }

    /// Reader connections lent out now, by every target.
    fn in_flight(&self) -> usize {
        self.targets.iter().map(Target::in_flight).sum()
    }

    /// `true` while reads run on the writer because readers are paused.
    pub(crate) fn is_paused(&self) -> bool {
        self.targets.iter().all(|t| t.pool().is_none())
    }

    /// Close every reader for good, including pools replaced earlier and still closing.
    pub(crate) async fn close(&self) {
        self.closed.store(true, Ordering::Release);
        for target in &self.targets {
            for pool in target.all_pools() {
                pool.close().await;
            }
        }
    }
}

/// Errors that say something about the pool (closed, no connection free in time), not about
/// opening a connection: a read that gets one must not move to the writer.
pub(crate) fn is_pool_condition(error: &Error) -> bool {
    matches!(error, Error::PoolClosed | Error::PoolTimedOut)
}
