//! `Writer`: the one connection that writes, the fair queue in front of it, and the raw
//! transactions pinned to the task that began them.
//!
//! The connection belongs to a sqlx `Pool` of exactly one, so `begin()` can hand out a standard
//! `Transaction<'static, DB>` and `acquire()` a standard `PoolConnection`. Between our own uses
//! it stays checked out and parked in `slot`, behind a `tokio::sync::Mutex` (a FIFO queue):
//! returning it to sqlx's pool after every autocommit write would cost a spawned task and a
//! ping, two extra round trips (for SQLite, to the connection's worker thread) for one statement. When a caller takes the
//! connection away (a `Transaction`, an acquired connection, a pinned transaction that ends) it
//! goes back to sqlx's pool, and the next turn-holder waits on that pool's own fair queue;
//! everyone behind it waits on the mutex, so arrival order is kept throughout.
//!
//! Whenever the connection returns to sqlx's pool, the release hook rolls back a transaction
//! left open (a cancelled `BEGIN`, a dropped pinned transaction), so no later writer ever
//! finds itself inside someone else's transaction.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex as SyncMutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

use sqlx::pool::{PoolConnection, PoolOptions};
use sqlx::{Error, Pool};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::activity::{self, Activity};
use crate::backend::{Backend, ConnectOptionsOf, WriterGuard};
use crate::error::{pool_error, RwErrorKind};
use crate::owner::Owner;
use crate::stats::{bump, Counters};

/// How long a holder of the writer that belongs to the waiting task must stay idle (a stream
/// nobody polls, a handed-out connection with no statement running) before the wait is judged
/// a wait for itself. Only idleness counts: a slow statement keeps its holder busy, however
/// long it runs.
const IDLE_PROOF: Duration = Duration::from_millis(50);

/// How often a task whose own future holds the writer looks at that holder while it waits.
const CHECK_OWN: Duration = Duration::from_millis(10);

/// How often any other waiter looks: the holder may pass to another future of its own task.
const CHECK_OTHERS: Duration = Duration::from_millis(100);

type Slot<DB> = Arc<Mutex<Option<PoolConnection<DB>>>>;

pub(crate) struct Writer<DB: Backend> {
    pool: Pool<DB>,
    slot: Slot<DB>,
    queued: AtomicU64,
    pins: SyncMutex<HashMap<Owner, Arc<Pin<DB>>>>,
    pinned: AtomicUsize,
    abandoned: SyncMutex<HashMap<Owner, (Instant, Abandon)>>,
    abandoned_count: AtomicUsize,
    handoff: Arc<Handoff>,
    guard: Option<Box<dyn WriterGuard>>,
    slow_wait: Duration,
    acquire_timeout: Duration,
    idle_timeout: Duration,
    closed: AtomicBool,
}

/// One use of the writer outside a pinned transaction. Dropping it parks the connection for
/// the next caller in the queue.
pub(crate) struct Turn<DB: Backend> {
    guard: OwnedMutexGuard<Option<PoolConnection<DB>>>,
    /// A statement that may change the transaction state is running. If the turn is dropped
    /// like this (its future was cancelled), the connection's state is unknown, so it goes back
    /// to sqlx's pool, whose release hook rolls back whatever is open.
    pub(crate) unsettled: bool,
    since: Instant,
    handoff: Arc<Handoff>,
}

/// Who has the writer connection, shared by the writer, its turns and sqlx's release hook (one
/// `Arc` for a turn to carry, rather than one per field).
struct Handoff {
    /// The task the writer was handed out to (`begin()`, `acquire()`), and since when.
    holder: SyncMutex<Option<(Owner, Instant)>>,
    /// The task whose statement holds a turn now (for a stream, until it is consumed).
    turn_owner: SyncMutex<Option<Owner>>,
    /// When the statement holding the turn handed a row to its caller and has not been polled
    /// since (an [`activity::now`] stamp; 0 while it runs). A stream parked like this makes no
    /// progress until its caller polls it again.
    parked_at: Arc<AtomicU64>,
    /// Statements on the writer connection, reported by the backend: tells a handed-out
    /// connection that is in use somewhere from one that sits idle.
    activity: Arc<Activity>,
    /// The writer connection may come back to sqlx's pool inside a transaction: it was
    /// dropped mid-statement, or handed to `acquire()` for arbitrary use, or taken out of a
    /// pin that did not end cleanly. The release hook then checks (costing two worker round
    /// trips) and rolls back; clean returns (a committed pin, a typed `Transaction`, which sqlx
    /// itself rolls back on drop) skip the check.
    suspect: AtomicBool,
    counters: Arc<Counters>,
}

/// A transaction begun with `BEGIN` through `&RwPool`, bound to the task that sent it.
pub(crate) struct Pin<DB: Backend> {
    conn: Slot<DB>,
    since: Instant,
    last_used: SyncMutex<Instant>,
    /// A statement in this transaction was cancelled: its outcome is unknown, so the
    /// transaction must not go on. Set synchronously on drop so the task's very next
    /// statement sees it, even before the spawned settle runs.
    poisoned: AtomicBool,
    /// When the owner's statement inside the transaction handed a row to its caller and has not
    /// been polled since (0 otherwise), as [`Handoff::parked_at`] for a turn.
    parked_at: Arc<AtomicU64>,
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

/// One statement's use of a pinned transaction.
pub(crate) struct PinnedUse<DB: Backend> {
    guard: OwnedMutexGuard<Option<PoolConnection<DB>>>,
    pin: Arc<Pin<DB>>,
    pub(crate) unsettled: bool,
    pub(crate) owner: Owner,
    writer: Weak<Writer<DB>>,
}

fn lock<T>(mutex: &SyncMutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

const INVARIANT: &str = "sqlx-rw: a writer turn always holds the connection";

impl<DB: Backend> Writer<DB> {
    /// The writer, opening its connection at first use.
    pub(crate) fn new(
        options: ConnectOptionsOf<DB>,
        settings: WriterSettings<DB>,
        counters: Arc<Counters>,
    ) -> Self {
        let WriterSettings {
            acquire_timeout,
            idle_timeout,
            slow_wait,
            hooks,
        } = settings;
        let user_connect = hooks.after_connect.clone();
        let user_release = hooks.after_release.clone();
        let guard = DB::writer_guard(&options);
        let handoff = Arc::new(Handoff {
            holder: SyncMutex::new(None),
            turn_owner: SyncMutex::new(None),
            parked_at: Arc::default(),
            activity: Arc::new(Activity::default()),
            suspect: AtomicBool::new(false),
            counters,
        });
        let watched = Arc::clone(&handoff.activity);
        let released = Arc::clone(&handoff);
        let hook_counters = Arc::clone(&handoff.counters);
        let pool_options = PoolOptions::<DB>::new()
            .max_connections(1)
            // Opened at first use (or by `warm_up`), then kept: no idle timeout, no lifetime.
            .min_connections(0)
            // Our queue enforces the caller's timeout; sqlx's must never fire first.
            .acquire_timeout(acquire_timeout.saturating_add(Duration::from_secs(3600)))
            .test_before_acquire(false)
            .idle_timeout(None)
            .max_lifetime(None)
            .after_connect(move |conn, meta| {
                let (commits, rollbacks) = (Arc::clone(&hook_counters), Arc::clone(&hook_counters));
                let activity = Arc::clone(&watched);
                let user = user_connect.clone();
                Box::pin(async move {
                    DB::watch_transactions(
                        conn,
                        Box::new(move || bump(&commits.commits)),
                        Box::new(move || bump(&rollbacks.rollbacks)),
                    )
                    .await?;
                    DB::watch_statements(conn, activity).await?;
                    match user {
                        Some(user) => user(conn, meta).await,
                        None => Ok(()),
                    }
                })
            })
            .after_release(move |conn, meta| {
                if let Some((_, since)) = lock(&released.holder).take() {
                    released.counters.writer_hold.record(since.elapsed());
                }
                let suspect = released.suspect.swap(false, Ordering::AcqRel);
                let user = user_release.clone();
                Box::pin(async move {
                    if suspect && DB::in_transaction(conn).await? {
                        tracing::warn!(
                            target: "sqlx_rw",
                            "writer returned inside a transaction; rolling it back"
                        );
                        DB::rollback(conn).await?;
                    }
                    match user {
                        Some(user) => user(conn, meta).await,
                        None => Ok(true),
                    }
                })
            });
        let pool_options = match hooks.before_acquire {
            Some(user) => pool_options.before_acquire(move |conn, meta| user(conn, meta)),
            None => pool_options,
        };
        let pool = pool_options.connect_lazy_with(options);
        Writer {
            pool,
            slot: Arc::new(Mutex::new(None)),
            queued: AtomicU64::new(0),
            pins: SyncMutex::default(),
            pinned: AtomicUsize::new(0),
            abandoned: SyncMutex::default(),
            abandoned_count: AtomicUsize::new(0),
            handoff,
            guard,
            slow_wait,
            acquire_timeout,
            idle_timeout,
            closed: AtomicBool::new(false),
        }
    }

    pub(crate) fn pool(&self) -> &Pool<DB> {
        &self.pool
    }

    pub(crate) fn queued(&self) -> u64 {
        self.queued.load(Ordering::Relaxed)
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Wait in the queue for the writer; a wait this task could only end itself fails with
    /// [`RwErrorKind::WriterHeldByThisTask`].
    pub(crate) async fn turn(&self, owner: Owner) -> Result<Turn<DB>, Error> {
        self.wait_turn(owner).await?.map_err(SelfHeld::error)
    }

    /// Wait in the queue for the writer, in arrival order, whoever holds it: other tasks, or
    /// other futures of this task (`join!`, `select!`, a stream polled beside other work),
    /// which finish and pass it on. Only when what holds it is this task's own and idle (see
    /// [`SelfHeld`]) would the wait never end; then the wait stops with what holds it.
    pub(crate) async fn wait_turn(
        &self,
        owner: Owner,
    ) -> Result<Result<Turn<DB>, SelfHeld>, Error> {
        if self.is_closed() {
            return Err(Error::PoolClosed);
        }
        if let Some(guard) = &self.guard {
            guard.before_turn()?;
        }
        let started = Instant::now();
        let queued = self.queued.fetch_add(1, Ordering::Relaxed) + 1;
        self.handoff
            .counters
            .queue_high_water
            .fetch_max(queued, Ordering::Relaxed);
        let _leave = Leave(&self.queued);
        let acquire = async {
            let mut guard = Arc::clone(&self.slot).lock_owned().await;
            if self.is_closed() {
                return Err(Error::PoolClosed);
            }
            if self.guard.as_ref().is_some_and(|g| g.take_reopen()) {
                // Whichever way the connection comes back (parked here or through sqlx's pool),
                // it is bound to what is gone: close it, then open anew.
                if guard.is_none() {
                    *guard = Some(self.pool.acquire().await?);
                }
                if let Some(mut stale) = guard.take() {
                    stale.close_on_drop();
                }
            }
            self.fill(&mut guard).await?;
            Ok(Turn {
                guard,
                unsettled: false,
                since: Instant::now(),
                handoff: Arc::clone(&self.handoff),
            })
        };
        // One future for the whole wait: dropping and re-creating it would lose our place in
        // the queue.
        tokio::pin!(acquire);
        let deadline = Instant::now() + self.acquire_timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let check = if self.held_by_own(owner) {
                CHECK_OWN
            } else {
                CHECK_OTHERS
            };
            match tokio::time::timeout(left.min(check), &mut acquire).await {
                Ok(turn) => {
                    let turn = turn?;
                    *lock(&turn.handoff.turn_owner) = Some(owner);
                    let waited = started.elapsed();
                    self.handoff.counters.writer_wait.record(waited);
                    if waited >= self.slow_wait {
                        tracing::warn!(
                            target: "sqlx_rw",
                            ?waited,
                            queued = self.queued(),
                            "slow wait for the writer: something held it long (a long \
                             transaction or an acquired writer connection)"
                        );
                    }
                    return Ok(Ok(turn));
                }
                Err(_) => {
                    if let Some(held) = self.idle_self_hold(owner) {
                        return Ok(Err(held));
                    }
                    if Instant::now() >= deadline {
                        return Err(pool_error(
                            RwErrorKind::WriterTimedOut,
                            format!(
                                "timed out after {:?} waiting for the writer connection ({} \
                                 tasks queued): something holds it too long (a long \
                                 transaction or an acquired writer connection); keep write \
                                 transactions short or raise RwPoolOptions::acquire_timeout",
                                self.acquire_timeout,
                                self.queued()
                            ),
                        ));
                    }
                }
            }
        }
    }

    /// Put the writer connection in the parking slot if it is not there: take it back from
    /// sqlx's pool, which opens it on first use.
    async fn fill(&self, slot: &mut Option<PoolConnection<DB>>) -> Result<(), Error> {
        if slot.is_some() {
            return Ok(());
        }
        *slot = Some(self.pool.acquire().await?);
        if let Some(guard) = &self.guard {
            guard.opened();
        }
        Ok(())
    }

    /// Open the writer connection now and park it, outside the queue's counters: `connect`
    /// reports a database that cannot be opened at once.
    pub(crate) async fn warm_up(&self) -> Result<(), Error> {
        let mut slot = Arc::clone(&self.slot).lock_owned().await;
        self.fill(&mut slot).await
    }

    /// `true` if the writer is held by something of `owner`'s: a statement's turn or a
    /// handed-out connection.
    fn held_by_own(&self, owner: Owner) -> bool {
        *lock(&self.handoff.turn_owner) == Some(owner) || self.held_by(owner)
    }

    /// What of `owner`'s own holds the writer and has been idle long enough to prove that the
    /// task's wait for it would never end, if anything.
    fn idle_self_hold(&self, owner: Owner) -> Option<SelfHeld> {
        if *lock(&self.handoff.turn_owner) == Some(owner) {
            return parked_long(&self.handoff.parked_at).then_some(SelfHeld::Stream);
        }
        if self.held_by(owner) && self.handoff.activity.quiet_for() >= IDLE_PROOF {
            return Some(SelfHeld::Connection);
        }
        None
    }

    /// After a statement ran on the writer: `Err` if what it did is lost (for SQLite, its
    /// file was deleted or replaced).
    pub(crate) fn check_after(&self) -> Result<(), Error> {
        match &self.guard {
            Some(guard) => guard.after_statement(),
            None => Ok(()),
        }
    }

    fn held_by(&self, owner: Owner) -> bool {
        lock(&self.handoff.holder).is_some_and(|(holder, _)| holder == owner)
    }

    /// Take the writer away from the queue for a `Transaction` or an acquired connection. It
    /// comes back through sqlx's pool when the caller drops it.
    /// `arbitrary`: the caller may run anything on it (`acquire()`), so it comes back suspect;
    /// a typed `Transaction` (`begin()`) is rolled back by sqlx itself when dropped.
    /// `Ok(Err(_))`: this task holds the writer itself, idle, so it can never have it again
    /// until it lets go.
    pub(crate) async fn hand_out(
        &self,
        owner: Owner,
        arbitrary: bool,
    ) -> Result<Result<PoolConnection<DB>, SelfHeld>, Error> {
        let turn = match self.wait_turn(owner).await? {
            Ok(turn) => turn,
            Err(held) => return Ok(Err(held)),
        };
        let conn = turn.into_connection();
        if arbitrary {
            self.handoff.suspect.store(true, Ordering::Release);
        }
        self.handoff.activity.touch();
        *lock(&self.handoff.holder) = Some((owner, Instant::now()));
        Ok(Ok(conn))
    }

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

    fn abandoned_error(&self, why: Abandon) -> Error {
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

    fn mark_abandoned(&self, owner: Owner, why: Abandon) {
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
        if pin.poisoned.load(Ordering::Acquire) {
            self.settle_poisoned(owner, &pin, guard).await;
            return match self.take_abandoned(owner) {
                Some(error) => PinAccess::Abandoned(error),
                None => PinAccess::Gone,
            };
        }
        PinAccess::Use(PinnedUse {
            guard,
            pin,
            unsettled: false,
            owner,
            writer: Arc::downgrade(self),
        })
    }

    /// Roll back the transaction `used` belongs to and release the writer: its task sent a new
    /// `BEGIN` while it was still open, so the old one can never be finished correctly.
    pub(crate) async fn roll_back_stale(&self, mut used: PinnedUse<DB>) -> Error {
        used.unsettled = false;
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
            turn.unsettled = true;
            return;
        }
        let conn = turn.into_connection();
        bump(&self.handoff.counters.transactions_begun);
        let pin = Arc::new(Pin {
            conn: Arc::new(Mutex::new(Some(conn))),
            since: Instant::now(),
            last_used: SyncMutex::new(Instant::now()),
            poisoned: AtomicBool::new(false),
            parked_at: Arc::default(),
        });
        if lock(&self.pins).insert(owner, pin).is_none() {
            self.pinned.fetch_add(1, Ordering::AcqRel);
        }
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
    fn abandon_pin(&self, owner: Owner, pin: &Arc<Pin<DB>>) {
        self.handoff.suspect.store(true, Ordering::Release);
        self.forget_pin(owner, pin);
    }

    fn forget_pin(&self, owner: Owner, pin: &Arc<Pin<DB>>) {
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
    async fn settle_poisoned(
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

    async fn settle_later(&self, owner: Owner, pin: Arc<Pin<DB>>) {
        let guard = Arc::clone(&pin.conn).lock_owned().await;
        if guard.is_some() && pin.poisoned.load(Ordering::Acquire) {
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

    /// Refuse new callers from now on (and fire sqlx's close event); [`close`](Self::close)
    /// finishes the job.
    pub(crate) fn mark_closed(&self) {
        self.closed.store(true, Ordering::Release);
        drop(self.pool.close());
    }

    /// The writer for a caller that will not wait: if it is free right now (parked, or idle in
    /// sqlx's pool), handed out as by [`hand_out`](Self::hand_out) for arbitrary use.
    pub(crate) fn try_hand_out(&self, owner: Owner) -> Option<PoolConnection<DB>> {
        if self.is_closed() || self.guard.as_ref().is_some_and(|g| !g.is_usable()) {
            return None;
        }
        let mut guard = Arc::clone(&self.slot).try_lock_owned().ok()?;
        let conn = match guard.take() {
            Some(conn) => conn,
            None => self.pool.try_acquire()?,
        };
        self.handoff.suspect.store(true, Ordering::Release);
        self.handoff.activity.touch();
        *lock(&self.handoff.holder) = Some((owner, Instant::now()));
        Some(conn)
    }

    /// Close: queued callers get `PoolClosed`, pinned transactions are rolled back, and the
    /// parked connection is closed.
    pub(crate) async fn close(&self) {
        self.closed.store(true, Ordering::Release);
        let closing = self.pool.close();
        let drain = async {
            self.handoff.suspect.store(true, Ordering::Release);
            let pins: Vec<Arc<Pin<DB>>> = lock(&self.pins).drain().map(|(_, pin)| pin).collect();
            for pin in &pins {
                self.handoff
                    .counters
                    .writer_hold
                    .record(pin.since.elapsed());
            }
            self.pinned.store(0, Ordering::Release);
            for pin in pins {
                let mut guard = Arc::clone(&pin.conn).lock_owned().await;
                if let Some(mut conn) = guard.take() {
                    let _ = DB::rollback(&mut conn).await;
                }
            }
            let mut slot = Arc::clone(&self.slot).lock_owned().await;
            drop(slot.take());
        };
        futures_util::future::join(closing, drain).await;
    }
}

impl<DB: Backend> Turn<DB> {
    pub(crate) fn conn(&mut self) -> &mut DB::Connection {
        self.guard.as_mut().expect(INVARIANT)
    }

    /// Where the turn's statement marks itself parked (see [`park`]).
    pub(crate) fn parker(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.handoff.parked_at)
    }

    /// Take the connection out of the queue's slot; its hold goes on and is recorded when it
    /// comes back through sqlx's pool (or when its pin ends).
    fn into_connection(mut self) -> PoolConnection<DB> {
        self.unsettled = false;
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
        if self.unsettled {
            self.handoff.suspect.store(true, Ordering::Release);
            drop(self.guard.take());
        }
    }
}

/// The writer's timing settings, from `RwPoolOptions`.
pub(crate) struct WriterSettings<DB: Backend> {
    pub(crate) acquire_timeout: Duration,
    pub(crate) idle_timeout: Duration,
    pub(crate) slow_wait: Duration,
    pub(crate) hooks: crate::options::Hooks<DB>,
}

impl<DB: Backend> Pin<DB> {
    fn idle_for(&self) -> Duration {
        lock(&self.last_used).elapsed()
    }
}

impl<DB: Backend> PinnedUse<DB> {
    pub(crate) fn conn(&mut self) -> &mut DB::Connection {
        self.guard.as_mut().expect(INVARIANT)
    }

    /// Where the statement marks itself parked (see [`park`]).
    pub(crate) fn parker(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.pin.parked_at)
    }

    /// The statement finished; the pin stays.
    pub(crate) fn keep(mut self) {
        self.unsettled = false;
    }
}

impl<DB: Backend> Drop for PinnedUse<DB> {
    fn drop(&mut self) {
        *lock(&self.pin.last_used) = Instant::now();
        self.pin.parked_at.store(0, Ordering::Release);
        if self.unsettled && self.guard.is_some() {
            self.unsettled = false;
            poison(&self.writer, self.owner, Arc::clone(&self.pin));
        }
    }
}

/// A statement in a pinned transaction was cancelled. Poison the pin now, so the task's next
/// statement cannot run in the half-known transaction, and settle it off this task, so the
/// writer is released even if the task never comes back.
fn poison<DB: Backend>(writer: &Weak<Writer<DB>>, owner: Owner, pin: Arc<Pin<DB>>) {
    pin.poisoned.store(true, Ordering::Release);
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
struct PoisonOnDrop<DB: Backend> {
    pin: Option<Arc<Pin<DB>>>,
    owner: Owner,
    writer: Weak<Writer<DB>>,
}

impl<DB: Backend> Drop for PoisonOnDrop<DB> {
    fn drop(&mut self) {
        if let Some(pin) = self.pin.take() {
            poison(&self.writer, self.owner, pin);
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
fn parked_long(parked_at: &AtomicU64) -> bool {
    let stamp = parked_at.load(Ordering::Acquire);
    stamp != 0 && activity::since(stamp) >= IDLE_PROOF
}

/// Decrements the queue length when a waiter leaves, however it leaves.
struct Leave<'a>(&'a AtomicU64);

impl Drop for Leave<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}
