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
use std::sync::{Arc, Mutex as SyncMutex, MutexGuard};
use std::time::{Duration, Instant};

use sqlx::pool::{PoolConnection, PoolOptions};
use sqlx::{Error, Pool};
use tokio::sync::Mutex;

use crate::activity::Activity;
use crate::backend::{Backend, ConnectOptionsOf, WriterGuard};
use crate::error::{pool_error, RwErrorKind};
use crate::occupancy;
use crate::owner::Owner;
use crate::stats::{bump, Counters};

mod group;
mod pins;
mod queue;
mod turn;

pub(crate) use group::{Fetch, Member, Reply};

use pins::{Abandon, Pin};
pub(crate) use pins::{PinAccess, PinnedUse};
pub(crate) use queue::Job;
use queue::Queue;
pub(crate) use turn::{park, SelfHeld, Turn};
use turn::{parked_long, Leave};

/// How long a holder of the writer that belongs to the waiting task must stay idle (a stream
/// nobody polls, a handed-out connection with no statement running) before the wait is judged
/// a wait for itself. Only idleness counts: a slow statement keeps its holder busy, however
/// long it runs.
const IDLE_PROOF: Duration = Duration::from_millis(50);

/// How often a task whose own future holds the writer looks at that holder while it waits.
const CHECK_OWN: Duration = Duration::from_millis(10);

/// How often any other waiter looks: the holder may pass to another future of its own task.
const CHECK_OTHERS: Duration = Duration::from_millis(100);

/// Where a pinned transaction keeps the writer connection between its statements.
type Slot<DB> = Arc<Mutex<Option<PoolConnection<DB>>>>;

/// The writer's queue; what it hands out is a parking place of a writer connection (empty
/// while the connection is away in sqlx's pool).
type WriterQueue<DB> = Arc<Queue<Parked<DB>, Member<DB>>>;

/// A parking place: the connection, if one is parked there, and which per-connection
/// settings sent through the pool it is known to have (a [`Session`] generation; 0: none
/// known, as for a connection just taken from sqlx's pool).
pub(crate) struct Parked<DB: Backend> {
    conn: Option<PoolConnection<DB>>,
    settings: u64,
}

impl<DB: Backend> std::ops::Deref for Parked<DB> {
    type Target = Option<PoolConnection<DB>>;

    fn deref(&self) -> &Self::Target {
        &self.conn
    }
}

impl<DB: Backend> std::ops::DerefMut for Parked<DB> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.conn
    }
}

/// How a wait in the writer's queue ended.
pub(crate) enum Waited<DB: Backend> {
    /// The writer's turn, and the member the job waited with, if any.
    Turn(Turn<DB>, Option<Member<DB>>),
    /// The holder of the writer gathered the job's member into its group.
    Gathered,
}

/// The per-connection settings sent through the pool (for a server, `SET name = value`), in
/// the order sent, and a generation bumped at each change. Every writer connection gets them
/// before its next use: new ones from their connect options, parked ones that are behind
/// (another connection ran the statement) by [`Backend::apply_session_setting`].
#[derive(Default)]
struct Session {
    settings: Vec<(String, String)>,
    generation: u64,
}

pub(crate) struct Writer<DB: Backend> {
    pool: Pool<DB>,
    queue: WriterQueue<DB>,
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
    session: SyncMutex<Session>,
    /// One connection (SQLite): a task can wait for what it holds itself, and the pool tells.
    /// Several (a server's primary): a task holding one is served another, as by a plain pool.
    single: bool,
    connections: usize,
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
    returning: Returning,
    counters: Arc<Counters>,
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
            upkeep,
            connections,
        } = settings;
        let connections = connections.max(1);
        let single = DB::one_writer();
        let user_connect = hooks.after_connect.clone();
        let user_release = hooks.after_release.clone();
        let guard = DB::writer_guard(&options);
        let handoff = Arc::new(Handoff {
            holder: SyncMutex::new(None),
            turn_owner: SyncMutex::new(None),
            parked_at: Arc::default(),
            activity: Arc::new(Activity::default()),
            returning: Returning::default(),
            counters,
        });
        let watched = Arc::clone(&handoff.activity);
        let released = Arc::clone(&handoff);
        let hook_counters = Arc::clone(&handoff.counters);
        let pool_options = PoolOptions::<DB>::new()
            .max_connections(connections as u32)
            // Opened at first use (or by `warm_up`), then kept: no idle timeout, no lifetime.
            .min_connections(0)
            // One connection: our queue enforces the caller's timeout, and sqlx's must never
            // fire first. Several (a server): sqlx's bounds the wait for a connection to open
            // (it retries a refused connect until then), so a primary that is down fails
            // writes clearly instead of hanging them.
            .acquire_timeout(if single {
                acquire_timeout.saturating_add(Duration::from_secs(3600))
            } else {
                acquire_timeout
            })
            // Several: a connection that waited in sqlx's pool (after a transaction) may have
            // been cut by a server restart; a ping on the rare take from there is cheap.
            .test_before_acquire(!single)
            .idle_timeout(None)
            .max_lifetime(None)
            .after_connect(move |conn, meta| {
                let (commits, rollbacks) = (Arc::clone(&hook_counters), Arc::clone(&hook_counters));
                let activity = Arc::clone(&watched);
                let user = user_connect.clone();
                let upkeep = upkeep.clone();
                Box::pin(async move {
                    DB::watch_transactions(
                        conn,
                        Box::new(move || bump(&commits.commits)),
                        Box::new(move || bump(&rollbacks.rollbacks)),
                    )
                    .await?;
                    DB::watch_statements(conn, activity).await?;
                    if let Some(user) = user {
                        user(conn, meta).await?;
                    }
                    // Last, so it reads back what the caller's own hook set.
                    match upkeep {
                        Some(upkeep) => upkeep.writer_opened(conn).await,
                        None => Ok(()),
                    }
                })
            })
            .after_release(move |conn, meta| {
                if let Some((_, since)) = lock(&released.holder).take() {
                    released.counters.writer_hold.record(since.elapsed());
                }
                // Several connections come and go at once: one flag cannot say which return is
                // suspect, so each is checked.
                let suspect = released.returning.take_unverified() || !single;
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
            queue: Queue::of(
                (0..connections)
                    .map(|_| Parked {
                        conn: None,
                        settings: 0,
                    })
                    .collect(),
                |parked| parked.conn.is_some(),
            ),
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
            session: SyncMutex::default(),
            single,
            connections,
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
        match self.turn_or_join(owner, None).await? {
            Waited::Turn(turn, _) => Ok(turn),
            Waited::Gathered => unreachable!("sqlx-rw: a job without a member is never gathered"),
        }
    }

    /// As [`turn`](Self::turn), waiting with an autocommit write that the holder of the
    /// writer may gather into its group (see `group.rs`): either the turn, with the member
    /// back, or the news that the member was gathered.
    pub(crate) async fn turn_or_join(
        &self,
        owner: Owner,
        member: Option<Member<DB>>,
    ) -> Result<Waited<DB>, Error> {
        self.wait_turn_with(owner, Job::Statement, member)
            .await?
            .map_err(SelfHeld::error)
    }

    /// The autocommit writes waiting right behind the caller, who holds the writer, in
    /// arrival order: at most `count` statements and `bytes` of SQL (the first whatever its
    /// size). Their jobs leave the queue; the caller runs them.
    pub(crate) fn gather(&self, count: usize, bytes: usize) -> Vec<Member<DB>> {
        self.queue.gather(count, bytes, Member::weight)
    }

    /// `true` if the next job in the queue is not an autocommit write (a transaction, the
    /// pool's own work): the holder should let go rather than wait for more writes.
    pub(crate) fn other_job_next(&self) -> bool {
        self.queue.other_job_next()
    }

    /// Wait in the queue for the writer, in arrival order, whoever holds it: other tasks, or
    /// other futures of this task (`join!`, `select!`, a stream polled beside other work),
    /// which finish and pass it on. Only when what holds it is this task's own and idle (see
    /// [`SelfHeld`]) would the wait never end; then the wait stops with what holds it.
    pub(crate) async fn wait_turn(
        &self,
        owner: Owner,
        job: Job,
    ) -> Result<Result<Turn<DB>, SelfHeld>, Error> {
        Ok(match self.wait_turn_with(owner, job, None).await? {
            Ok(Waited::Turn(turn, _)) => Ok(turn),
            Ok(Waited::Gathered) => {
                unreachable!("sqlx-rw: a job without a member is never gathered")
            }
            Err(held) => Err(held),
        })
    }

    async fn wait_turn_with(
        &self,
        owner: Owner,
        job: Job,
        member: Option<Member<DB>>,
    ) -> Result<Result<Waited<DB>, SelfHeld>, Error> {
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
            let Ok((mut guard, member)) = self.queue.acquire_with(job, member).await else {
                return Ok(Waited::Gathered);
            };
            if self.is_closed() {
                return Err(Error::PoolClosed);
            }
            if let Some(watch) = self.guard.as_ref().filter(|g| g.must_reopen()) {
                // Whichever way the connection comes back (parked here or through sqlx's pool),
                // it is bound to what is gone: close it, then open anew. Only once it is closed
                // is the reopen done: cancelled before, the next turn does it.
                if guard.is_none() {
                    **guard = Some(self.pool.acquire().await?);
                }
                if let Some(mut stale) = guard.take() {
                    stale.close_on_drop();
                }
                watch.reopened();
            }
            self.fill(&mut guard).await?;
            self.catch_up(&mut guard).await?;
            let turn = Turn {
                guard,
                armed: false,
                since: Instant::now(),
                handoff: Arc::clone(&self.handoff),
            };
            Ok(Waited::Turn(turn, member))
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
                Ok(outcome) => {
                    let waited = started.elapsed();
                    let outcome = outcome?;
                    self.handoff.counters.writer_wait.record(waited);
                    if let Waited::Turn(turn, _) = &outcome {
                        *lock(&turn.handoff.turn_owner) = Some(owner);
                        if waited >= self.slow_wait {
                            tracing::warn!(
                                target: "sqlx_rw",
                                ?waited,
                                queued = self.queued(),
                                "slow wait for the writer: something held it long (a long \
                                 transaction or an acquired writer connection)"
                            );
                        }
                    }
                    return Ok(Ok(outcome));
                }
                Err(_) => {
                    if let Some(held) = self.idle_self_hold(owner) {
                        return Ok(Err(held));
                    }
                    if Instant::now() >= deadline && !self.single {
                        return Err(self.unreachable());
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
    async fn fill(&self, slot: &mut Parked<DB>) -> Result<(), Error> {
        if slot.is_some() {
            return Ok(());
        }
        // Opened from the current options, or back from a transaction: unknown until caught up.
        slot.settings = 0;
        let conn = self.pool.acquire().await.map_err(|error| match error {
            Error::PoolTimedOut if !self.single => self.unreachable(),
            other => other,
        })?;
        slot.conn = Some(conn);
        if let Some(guard) = &self.guard {
            guard.opened();
        }
        Ok(())
    }

    /// The error for a caller that got no connection of several in time.
    fn unreachable(&self) -> Error {
        pool_error(
            RwErrorKind::WriterUnreachable,
            format!(
                "no writer connection within {:?}: the primary is down or unreachable, or all \
                 {} of its connections are held by transactions; reads go on on the replicas",
                self.acquire_timeout, self.connections
            ),
        )
    }

    /// Give the parked connection every per-connection setting sent through the pool that it
    /// may lack.
    async fn catch_up(&self, slot: &mut Parked<DB>) -> Result<(), Error> {
        let (settings, generation) = {
            let session = lock(&self.session);
            if session.generation == slot.settings {
                return Ok(());
            }
            (session.settings.clone(), session.generation)
        };
        let conn = slot.conn.as_mut().expect(INVARIANT);
        for (name, value) in &settings {
            if let Err(error) = DB::apply_session_setting(conn, name, value).await {
                // Closed rather than kept behind: the next turn opens one from the options,
                // which carry every setting.
                if let Some(mut conn) = slot.conn.take() {
                    conn.close_on_drop();
                }
                return Err(error);
            }
        }
        slot.settings = generation;
        Ok(())
    }

    /// Per-connection `settings` were sent through the pool and ran on a writer connection
    /// (`turn`'s, when it ran outside a pinned transaction): connections opened from now on
    /// get them from their options, the other parked ones before their next use. `false` if
    /// every setting had that value already.
    pub(crate) fn settings_changed(
        &self,
        settings: &[(String, String)],
        turn: Option<&mut Turn<DB>>,
    ) -> bool {
        let mut session = lock(&self.session);
        let mut options = ConnectOptionsOf::<DB>::clone(&self.pool.connect_options());
        let mut changed = false;
        for (name, value) in settings {
            let pair = (name.clone(), value.clone());
            if session.settings.contains(&pair) {
                continue;
            }
            session.settings.retain(|(n, _)| n != name);
            session.settings.push(pair);
            options = DB::with_session_setting(options, name, value);
            changed = true;
        }
        if !changed {
            return false;
        }
        let before = session.generation;
        session.generation += 1;
        // The connection that ran it has every setting now, if it had every earlier one.
        if let Some(turn) = turn.filter(|turn| turn.guard.settings == before) {
            turn.guard.settings = session.generation;
        }
        self.pool.set_connect_options(options);
        true
    }

    /// A writer connection broke (for a server: a restart or a network cut): the parked ones
    /// are likely cut too, so close them now rather than fail one caller each.
    pub(crate) fn discard_parked(&self) {
        self.queue.each_parked(|slot| {
            if let Some(mut conn) = slot.take() {
                conn.close_on_drop();
            }
        });
    }

    /// Open the writer connection now and park it, outside the queue's counters: `connect`
    /// reports a database that cannot be opened at once.
    pub(crate) async fn warm_up(&self) -> Result<(), Error> {
        let mut slot = self.queue.acquire(Job::Pool).await;
        self.fill(&mut slot).await
    }

    /// `true` if the writer is held by something of `owner`'s: a statement's turn or a
    /// handed-out connection.
    fn held_by_own(&self, owner: Owner) -> bool {
        if !self.single {
            return false;
        }
        *lock(&self.handoff.turn_owner) == Some(owner) || self.held_by(owner)
    }

    /// What of `owner`'s own holds the writer and has been idle long enough to prove that the
    /// task's wait for it would never end, if anything.
    fn idle_self_hold(&self, owner: Owner) -> Option<SelfHeld> {
        if !self.single {
            return None;
        }
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
        let mut holder = lock(&self.handoff.holder);
        // A caller may close the connection rather than give it back, and sqlx runs no release
        // hook then: once the connection is gone or idle in sqlx's pool, nobody holds it.
        if holder.is_some() && (self.pool.size() == 0 || occupancy::idle(&self.pool) > 0) {
            *holder = None;
        }
        holder.is_some_and(|(holder, _)| holder == owner)
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
        let turn = match self.wait_turn(owner, Job::HandOut).await? {
            Ok(turn) => turn,
            Err(held) => return Ok(Err(held)),
        };
        let conn = turn.into_connection();
        if arbitrary {
            self.handoff.returning.unverified();
        }
        self.handoff.activity.touch();
        *lock(&self.handoff.holder) = Some((owner, Instant::now()));
        Ok(Ok(conn))
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
        let mut guard = self.queue.try_acquire()?;
        let conn = match guard.take() {
            // A parked connection behind on settings waits for a caller that can catch it up.
            Some(conn) if self.single || guard.settings == lock(&self.session).generation => conn,
            Some(conn) => {
                **guard = Some(conn);
                return None;
            }
            None if !self.single && lock(&self.session).generation > 0 => return None,
            None => self.pool.try_acquire()?,
        };
        self.handoff.returning.unverified();
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
            self.handoff.returning.unverified();
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
            // Every parking place, each held until all are emptied so none is taken twice.
            let mut slots = Vec::with_capacity(self.connections);
            for _ in 0..self.connections {
                let mut slot = self.queue.acquire(Job::Pool).await;
                drop(slot.take());
                slots.push(slot);
            }
        };
        futures_util::future::join(closing, drain).await;
    }
}

/// How the writer connection will be taken back when it returns to sqlx's pool: trusted (a
/// typed `Transaction`, which sqlx rolls back itself; a pin that ended cleanly), or unverified
/// (it may be inside a transaction: the release hook asks the connection and rolls back).
/// One expectation per return; the hook takes it.
#[derive(Default)]
struct Returning(AtomicBool);

impl Returning {
    /// The next return may be inside a transaction: check it.
    fn unverified(&self) {
        self.0.store(true, Ordering::Release);
    }

    /// The expectation for the return under way: `true` if it must be checked.
    fn take_unverified(&self) -> bool {
        self.0.swap(false, Ordering::AcqRel)
    }
}

/// The writer's timing settings, from `RwPoolOptions`.
pub(crate) struct WriterSettings<DB: Backend> {
    pub(crate) acquire_timeout: Duration,
    pub(crate) idle_timeout: Duration,
    pub(crate) slow_wait: Duration,
    pub(crate) hooks: crate::options::Hooks<DB>,
    /// The backend's upkeep, told each time the writer connection opens.
    pub(crate) upkeep: Option<Arc<dyn crate::upkeep::Upkeep<DB>>>,
    /// Connections on the write side: 1 for a single-writer database, more for a server.
    pub(crate) connections: usize,
}
