//! `RwPool`: the pool callers hold. It owns the readers, the writer and the verdict cache, and
//! decides, statement by statement, which connection runs what.

use std::collections::HashSet;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock, Weak};
use std::time::Duration;

use sqlx::pool::{PoolConnection, PoolOptions};
use sqlx::{Error, Pool, SqlSafeStr, SqlStr, Transaction};

use crate::backend::{Backend, ConnectOptionsOf};
use crate::freshness::Freshness;
use crate::occupancy;
use crate::options::RwPoolOptions;
use crate::owner::Owner;
use crate::readers::{NoReader, Readers};
use crate::route::cache::VerdictCache;
use crate::route::Route;
use crate::stats::{bump, Counters, Stats};
use crate::writer::{PinAccess, SelfHeld, Writer, WriterSettings};

/// A pool with one writer connection and read-only reader connections, routing every
/// statement by its SQL.
///
/// `&RwPool` implements sqlx's [`Executor`](sqlx::Executor) and [`Acquire`](sqlx::Acquire), so
/// it takes the place of a `&SqlitePool` without changes to query code. Cloning is cheap (an
/// `Arc`); all clones share the same connections.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), sqlx::Error> {
/// let dir = tempfile::tempdir().unwrap();
/// let pool = sqlx_rw::SqliteRwPool::connect_with(
///     sqlx::sqlite::SqliteConnectOptions::new().filename(dir.path().join("app.db")),
/// )
/// .await?;
///
/// sqlx::query("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)").execute(&pool).await?;
/// sqlx::query("INSERT INTO users (name) VALUES (?)").bind("ada").execute(&pool).await?;
/// let name: String = sqlx::query_scalar("SELECT name FROM users WHERE id = 1")
///     .fetch_one(&pool)
///     .await?;
/// assert_eq!(name, "ada");
///
/// let mut tx = pool.begin().await?; // BEGIN IMMEDIATE on the writer
/// sqlx::query("UPDATE users SET name = 'grace'").execute(&mut *tx).await?;
/// tx.commit().await?;
/// # Ok(()) }
/// ```
pub struct RwPool<DB: Backend>(pub(crate) Arc<Shared<DB>>);

pub(crate) struct Shared<DB: Backend> {
    /// `None` when the database lives in one connection (for SQLite, an in-memory database): reads use the
    /// writer too.
    pub(crate) readers: Option<Arc<Readers<DB>>>,
    pub(crate) writer: Arc<Writer<DB>>,
    pub(crate) cache: VerdictCache,
    /// TEMP tables and views created through the pool: they exist on the writer only.
    pub(crate) temps: RwLock<HashSet<String>>,
    pub(crate) has_temps: AtomicBool,
    pub(crate) begin: Option<SqlStr>,
    /// Most statements one group commit runs; 1 when the pool does not group (turned off,
    /// or a backend that does not: see [`Backend::groups_commits`]).
    pub(crate) max_group: usize,
    pub(crate) settings: DB::Settings,
    pub(crate) name: String,
    pub(crate) acquire_timeout: Duration,
    pub(crate) counters: Arc<Counters>,
    /// The backend's background upkeep (for SQLite, the WAL checkpoint manager), if any.
    pub(crate) upkeep: Option<Arc<dyn crate::upkeep::Upkeep<DB>>>,
    /// Which writes each read must see, for readers that lag (replicas).
    pub(crate) freshness: Freshness,
    /// How long a task reads on the writer after a write whose position is unknown.
    pub(crate) untracked_reads_on_writer: Duration,
    /// The writer's server keeps no positions (found at `connect`, or when a read of the
    /// position came back empty after a write).
    pub(crate) positions_missing: AtomicBool,
    /// One read of the writer's position at a time: reads that wait behind it find their
    /// pending marks resolved by it.
    pub(crate) learning: tokio::sync::Mutex<()>,
}

impl<DB: Backend> Shared<DB> {
    /// Resolve `owner`'s pending read-your-writes mark: read the writer's position (unless a
    /// read begun after the mark, by another task or the monitor, already has).
    /// `began`: when the read began; writes committed after it are not its business.
    pub(crate) async fn learn_position(
        &self,
        owner: Owner,
        began: std::time::Instant,
    ) -> Result<(), Error> {
        let _one = self.learning.lock().await;
        if !matches!(
            self.freshness.need_at(owner, began),
            crate::freshness::Need::Pending(_)
        ) {
            return Ok(());
        }
        let first_write = self.freshness.take_dirty();
        self.read_position(owner, first_write).await
    }

    /// Make the pool's latest position cover every write committed so far (for a write
    /// token): read the writer's position if a write committed since it was last read.
    pub(crate) async fn learn_latest(&self, owner: Owner) -> Result<(), Error> {
        let _one = self.learning.lock().await;
        match self.freshness.take_dirty() {
            Some(first_write) => self.read_position(owner, Some(first_write)).await,
            None => Ok(()),
        }
    }

    /// Read the writer's position (the caller holds `learning`), and resolve the marks made
    /// before the read began; `first_write`: when the first write it covers committed.
    async fn read_position(
        &self,
        owner: Owner,
        first_write: Option<std::time::Instant>,
    ) -> Result<(), Error> {
        let started = std::time::Instant::now();
        let mut turn = match self.writer.turn(owner).await {
            Ok(turn) => turn,
            Err(error) => {
                self.freshness.redirty(first_write);
                return Err(error);
            }
        };
        crate::stats::bump(&self.counters.position_reads);
        match DB::write_position(turn.conn()).await {
            Ok(position) => {
                self.resolved(position.as_ref(), started, first_write);
                Ok(())
            }
            Err(error) => {
                self.freshness.redirty(first_write);
                self.position_failed(&mut turn, &error);
                Err(error)
            }
        }
    }

    /// Reading the position on `turn` failed with `error`: a broken connection is closed, and
    /// the parked ones with it (a restart or a cut took them too), not handed to a caller.
    pub(crate) fn position_failed(&self, turn: &mut crate::writer::Turn<DB>, error: &Error) {
        if DB::connection_broken(error) {
            turn.discard();
            self.writer.discard_parked();
        }
    }

    /// The writer's position read at `started` is `position` (`None`: the server keeps none).
    pub(crate) fn resolved(
        &self,
        position: Option<&crate::Position>,
        started: std::time::Instant,
        first_write: Option<std::time::Instant>,
    ) {
        if position.is_none() {
            self.positions_missing.store(true, Ordering::Release);
        }
        self.freshness.resolved(
            position,
            started,
            first_write,
            self.untracked_reads_on_writer,
        );
    }
}

impl<DB: Backend> RwPool<DB> {
    /// Open a pool on a database URL with the default options (for SQLite, `sqlite::memory:`
    /// works too; see the crate docs for how in-memory databases are served).
    pub async fn connect(url: &str) -> Result<Self, Error> {
        RwPoolOptions::new().connect(url).await
    }

    /// Open a pool from connect options with the default pool options.
    pub async fn connect_with(options: ConnectOptionsOf<DB>) -> Result<Self, Error> {
        RwPoolOptions::new().connect_with(options).await
    }

    /// A pool on a URL that opens nothing until its first statement, as sqlx's
    /// `Pool::connect_lazy`. Must be called inside a tokio runtime.
    pub fn connect_lazy(url: &str) -> Result<Self, Error> {
        RwPoolOptions::new().connect_lazy(url)
    }

    /// [`connect_lazy`](Self::connect_lazy) from connect options.
    pub fn connect_lazy_with(options: ConnectOptionsOf<DB>) -> Self {
        RwPoolOptions::new().connect_lazy_with(options)
    }

    /// Open a pool on the database `pool` connects to, with the default options: for wrapping
    /// the pool `#[sqlx::test]` hands a test. `pool` itself is left as it is.
    pub async fn from_pool(pool: &Pool<DB>) -> Result<Self, Error> {
        let options = ConnectOptionsOf::<DB>::clone(&pool.connect_options());
        RwPoolOptions::new().connect_with(options).await
    }

    /// The pool, with no connection open yet.
    pub(crate) fn new(options: RwPoolOptions<DB>, base: ConnectOptionsOf<DB>) -> Self {
        if let Err(error) = DB::validate(&options.settings) {
            // `connect` reports it; a lazy pool can only say so and go on without it.
            tracing::error!(target: "sqlx_rw", %error, "invalid pool settings");
        }
        let counters = Arc::new(Counters::default());
        let upkeep = DB::upkeep(&options.settings, &base);
        let settings = WriterSettings {
            acquire_timeout: options.acquire_timeout,
            idle_timeout: options.idle_transaction_timeout,
            slow_wait: options.slow_writer_wait,
            hooks: options.hooks.clone(),
            upkeep: upkeep.clone(),
            connections: DB::writer_connections(&options.settings),
        };
        let writer = Writer::new(
            DB::writer_options(&options.settings, &base),
            settings,
            Arc::clone(&counters),
        );
        let targets: Vec<_> = DB::reader_targets(&options.settings, &base)
            .into_iter()
            .map(|target| (DB::target_name(&target), target))
            .collect();
        let readers = (!targets.is_empty()).then(|| {
            let mut pool_options = PoolOptions::<DB>::new()
                .max_connections(options.readers)
                .min_connections(options.min_readers.min(options.readers))
                .acquire_timeout(options.acquire_timeout)
                .idle_timeout(options.reader_idle_timeout)
                .max_lifetime(options.reader_max_lifetime)
                // A ping per acquire is a round trip to the worker thread per read.
                .test_before_acquire(options.test_before_acquire);
            let hooks = &options.hooks;
            if let Some(hook) = hooks.after_connect.clone() {
                pool_options = pool_options.after_connect(move |conn, meta| hook(conn, meta));
            }
            if let Some(hook) = hooks.before_acquire.clone() {
                pool_options = pool_options.before_acquire(move |conn, meta| hook(conn, meta));
            }
            if let Some(hook) = hooks.after_release.clone() {
                pool_options = pool_options.after_release(move |conn, meta| hook(conn, meta));
            }
            let read_timeout = DB::readers_lag().then_some(options.replicas.read_timeout);
            Arc::new(Readers::new(
                pool_options,
                hooks.after_connect.clone(),
                targets,
                options.replicas.wait,
                read_timeout,
            ))
        });
        let shared = Arc::new(Shared {
            readers,
            writer: Arc::new(writer),
            cache: VerdictCache::new(options.verdict_cache_bytes),
            temps: RwLock::default(),
            has_temps: AtomicBool::new(false),
            begin: DB::begin_statement(&options.settings),
            max_group: if DB::groups_commits() {
                options.max_group
            } else {
                1
            },
            settings: options.settings.clone(),
            name: options.name.clone().unwrap_or_else(|| {
                static OPENED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
                let n = OPENED.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                format!("pool-{n}")
            }),
            acquire_timeout: options.acquire_timeout,
            counters,
            upkeep: upkeep.clone(),
            freshness: Freshness::new(options.replicas.consistency),
            untracked_reads_on_writer: options.replicas.untracked_window,
            positions_missing: AtomicBool::new(false),
            learning: tokio::sync::Mutex::new(()),
        });
        let period = (options.idle_transaction_timeout / 4)
            .clamp(Duration::from_millis(10), Duration::from_secs(1));
        tokio::spawn(reap_idle_transactions(Arc::downgrade(&shared), period));
        if let Some(upkeep) = upkeep {
            tokio::spawn(crate::upkeep::run(Arc::downgrade(&shared), upkeep));
        }
        if DB::readers_lag() && shared.readers.is_some() {
            tokio::spawn(crate::readers::monitor::run(
                Arc::downgrade(&shared),
                options.replicas,
            ));
        }
        #[cfg(feature = "metrics")]
        if let Some(interval) = options.metrics_interval {
            tokio::spawn(crate::export::publish_every(
                Arc::downgrade(&shared),
                interval,
            ));
        }
        RwPool(shared)
    }

    /// Open the writer now, so a bad path or a database that cannot be opened is reported by
    /// `connect` rather than by the first statement. The writer opens before any reader: it
    /// creates the file and switches it to WAL, which read-only connections cannot do.
    pub(crate) async fn warm_up(&self) -> Result<(), Error> {
        self.0.writer.warm_up().await?;
        if DB::readers_lag() && self.0.readers.is_some() {
            let mut turn = self.0.writer.turn(Owner::current()).await?;
            if let Some(why) = DB::positions_missing(turn.conn()).await? {
                self.0.positions_missing.store(true, Ordering::Release);
                tracing::warn!(
                    target: "sqlx_rw",
                    pool = %self.0.name,
                    "{why}: read-your-writes cannot follow replication; after each write, the \
                     task's reads go to the primary for untracked_write_window"
                );
            }
        }
        Ok(())
    }

    /// Where `sql` would run and why. Served from the verdict cache after the first call.
    ///
    /// This is the classification of the SQL text alone. At run time, a task that has a
    /// transaction open through the pool runs all its statements on the writer, and an
    /// in-memory database runs everything on its one connection.
    pub fn route_of(&self, sql: &str) -> Route {
        self.verdict(sql).route
    }

    /// The calling task, if it may take the writer away from the queue (`begin()`,
    /// `acquire()`); `Ok(Err(_))` while it has a transaction open through the pool, which holds
    /// the writer already. A transaction rolled back behind its back is reported here once, as
    /// it would be to its next statement.
    async fn owner_for_writer(&self) -> Result<Result<Owner, PinnedHere>, Error> {
        let owner = Owner::current();
        let writer = &self.0.writer;
        if let Some(pin) = writer.pin_of(owner) {
            match writer.use_pin(owner, pin, false).await {
                PinAccess::Use(used) => {
                    used.keep();
                    return Ok(Err(PinnedHere));
                }
                PinAccess::Gone => {}
                PinAccess::Abandoned(error) | PinAccess::Busy(error) => return Err(error),
            }
        }
        match writer.take_abandoned(owner) {
            Some(error) => Err(error),
            None => Ok(Ok(owner)),
        }
    }

    /// Begin a write transaction on the writer with the configured begin statement
    /// (`BEGIN IMMEDIATE` by default).
    ///
    /// Waits in the writer queue. The transaction holds the writer until it is committed,
    /// rolled back or dropped (dropping rolls back).
    ///
    /// A task that already holds the writer idle (an open `Transaction`, an acquired
    /// connection, a raw transaction begun through the pool) would wait for itself. A plain pool
    /// would begin on a second connection, where reads work and a write waits for the lock and
    /// fails; here the transaction begins on a read-only reader instead, as with
    /// [`acquire`](Self::acquire): reads work, a write fails at once (`attempt to write a
    /// readonly database`). On an in-memory database, which has no reader, it fails with
    /// [`RwErrorKind::WriterHeldByThisTask`](crate::RwErrorKind).
    pub async fn begin(&self) -> Result<Transaction<'static, DB>, Error> {
        let statement = self.begin_statement();
        self.begin_on_writer(statement, true).await
    }

    pub(crate) fn begin_statement(&self) -> Option<SqlStr> {
        self.0.begin.clone()
    }

    pub(crate) fn count_begun(&self) {
        bump(&self.0.counters.transactions_begun);
    }

    /// Begin a write transaction with a custom statement, such as `"BEGIN EXCLUSIVE"`.
    pub async fn begin_with(
        &self,
        statement: impl SqlSafeStr,
    ) -> Result<Transaction<'static, DB>, Error> {
        self.begin_on_writer(Some(statement.into_sql_str()), false)
            .await
    }

    /// `lend_reader`: if the task holds the writer idle, begin on a reader rather than fail
    /// (a custom begin statement may be one a reader cannot run, so only for `begin()`).
    async fn begin_on_writer(
        &self,
        statement: Option<SqlStr>,
        lend_reader: bool,
    ) -> Result<Transaction<'static, DB>, Error> {
        let held = match self.owner_for_writer().await? {
            Ok(owner) => match self.0.writer.hand_out(owner, false).await? {
                Ok(conn) => {
                    self.handed_out(owner);
                    Ok(conn)
                }
                Err(held) => Err(held.error()),
            },
            Err(PinnedHere) => Err(crate::error::pool_error(
                crate::error::RwErrorKind::WriterHeldByThisTask,
                "this task has a transaction open through the pool (BEGIN sent through &pool); \
                 COMMIT or ROLLBACK it through the pool before calling begin()",
            )),
        };
        let conn = match held {
            Ok(conn) => conn,
            Err(_) if lend_reader && self.0.readers.is_some() => {
                let conn = self.reader_for_own_writer(SelfHeld::Connection).await?;
                return Transaction::begin(conn, None).await;
            }
            Err(error) => return Err(error),
        };
        let tx = Transaction::begin(conn, statement)
            .await
            .map_err(|e| self.explain(e, true))?;
        bump(&self.0.counters.transactions_begun);
        Ok(tx)
    }

    /// Begin a read-only transaction on a reader: every statement in it sees one consistent
    /// snapshot of the database, and a write inside it fails (`attempt to write a readonly
    /// database`). On an in-memory database it runs on the writer, which does not refuse
    /// writes.
    pub async fn begin_read(&self) -> Result<Transaction<'static, DB>, Error> {
        let conn = self.acquire_read().await?;
        Transaction::begin(conn, None).await
    }

    /// Take the writer connection for arbitrary use (it may write). It leaves the writer
    /// queue until dropped, so hold it briefly.
    ///
    /// A plain pool would hand a task that already holds a connection a second one; here there
    /// is one writer, so:
    /// - while the writer is in use elsewhere (by another task, or by this task's connection
    ///   moved into a spawned task that runs statements on it), this waits its turn, as a plain
    ///   pool's second connection would wait for the database's write lock;
    /// - when what holds the writer is this task's own and idle (an open `Transaction` or an
    ///   acquired connection with no statement running, a raw transaction begun through the
    ///   pool, a stream it stopped polling), waiting would never end: this returns a
    ///   read-only reader instead (counted in [`Stats::own_writer_reads`]). Reads on it see
    ///   committed data; a write on it is refused by the database (`attempt to write a
    ///   readonly database`). An in-memory database has no reader: then it fails with
    ///   [`RwErrorKind::WriterHeldByThisTask`](crate::RwErrorKind).
    pub async fn acquire(&self) -> Result<PoolConnection<DB>, Error> {
        let owner = match self.owner_for_writer().await? {
            Ok(owner) => owner,
            Err(PinnedHere) => return self.reader_for_own_writer(SelfHeld::Connection).await,
        };
        match self.0.writer.hand_out(owner, true).await? {
            Ok(conn) => {
                self.handed_out(owner);
                Ok(conn)
            }
            Err(held) => self.reader_for_own_writer(held).await,
        }
    }

    /// A token for every write this task made through the pool so far, and every other write
    /// the pool recorded before it, to hand to a later request: its reads, after
    /// [`after`](Self::after), observe those writes. If the task's last write was made on a
    /// connection the pool handed out, this reads the writer's position (one round trip).
    /// For a database whose readers see every commit at once, the token is empty and costs
    /// nothing.
    ///
    /// ```no_run
    /// # async fn run(pool: sqlx_rw::PgRwPool) -> Result<(), sqlx::Error> {
    /// sqlx::query("UPDATE users SET name = 'ada' WHERE id = 1").execute(&pool).await?;
    /// let cookie = pool.write_token().await?.to_string();
    /// // … in the next request, maybe another task or another process with the same pool:
    /// let token: sqlx_rw::WriteToken = cookie.parse().expect("our own cookie");
    /// let name: String = sqlx::query_scalar("SELECT name FROM users WHERE id = 1")
    ///     .fetch_one(pool.after(&token))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn write_token(&self) -> Result<crate::WriteToken, Error> {
        if !DB::readers_lag() {
            return Ok(crate::WriteToken::default());
        }
        let owner = crate::owner::Owner::current();
        let position = match self.0.freshness.need(owner) {
            crate::freshness::Need::At(position) => position.join(&self.0.freshness.latest()),
            crate::freshness::Need::Nothing
            | crate::freshness::Need::Writer
            | crate::freshness::Need::Pending(_) => {
                // Writes whose position was not read yet (this task's, in any mode): read it,
                // so the token covers them.
                self.0.learn_latest(owner).await?;
                match self.0.freshness.need(owner) {
                    crate::freshness::Need::At(position) => {
                        position.join(&self.0.freshness.latest())
                    }
                    _ => self.0.freshness.latest(),
                }
            }
            crate::freshness::Need::Unseen(seen) => {
                let mut turn = self.0.writer.turn(owner).await?;
                let position = DB::write_position(turn.conn()).await?;
                if position.is_none() {
                    self.0
                        .freshness
                        .wrote_untracked(owner, self.0.untracked_reads_on_writer);
                }
                let position = position.unwrap_or_default();
                self.0.freshness.settled(owner, &position, seen);
                position.join(&self.0.freshness.latest())
            }
        };
        Ok(crate::WriteToken(position))
    }

    /// The pool, for reads that observe `token`: from now on, the calling task's reads go only
    /// to replicas that have replayed the writes the token covers, or to the primary.
    /// (The mark is the task's: a task spawned to read must call this itself.)
    pub fn after(&self, token: &crate::WriteToken) -> &Self {
        if DB::readers_lag() && !token.0.is_origin() {
            self.0
                .freshness
                .observe(crate::owner::Owner::current(), &token.0);
        }
        self
    }

    /// `owner` took a writer connection: what it commits there the pool cannot see, so its
    /// reads (or everyone's, in `Pool` consistency) settle the writer's position first.
    pub(crate) fn handed_out(&self, owner: crate::owner::Owner) {
        if DB::readers_lag() && self.0.readers.is_some() {
            self.0.freshness.wrote_unseen(owner);
        }
    }

    async fn reader_for_own_writer(&self, held: SelfHeld) -> Result<PoolConnection<DB>, Error> {
        let Some(readers) = &self.0.readers else {
            return Err(held.error());
        };
        match readers.acquire(None).await {
            Ok((conn, _)) => {
                bump(&self.0.counters.own_writer_reads);
                tracing::debug!(
                    target: "sqlx_rw",
                    "acquire() by a task that holds the writer idle: lending a reader"
                );
                Ok(conn)
            }
            Err(NoReader::Failed(error)) => Err(error),
            Err(NoReader::Unavailable | NoReader::Behind) => Err(held.error()),
        }
    }

    /// Take a read-only reader connection (the writer for an in-memory database, or while
    /// readers are paused because the database is not in WAL mode).
    pub async fn acquire_read(&self) -> Result<PoolConnection<DB>, Error> {
        let owner = crate::owner::Owner::current();
        let began = std::time::Instant::now();
        let mut need = self.0.freshness.need_at(owner, began);
        if let crate::freshness::Need::Pending(_) = need {
            self.0.learn_position(owner, began).await?;
            need = self.0.freshness.need_at(owner, began);
        }
        let need = match need {
            crate::freshness::Need::Nothing => None,
            crate::freshness::Need::At(position) => Some(position),
            crate::freshness::Need::Unseen(_)
            | crate::freshness::Need::Writer
            | crate::freshness::Need::Pending(_) => return self.acquire().await,
        };
        match &self.0.readers {
            Some(readers) => match readers.acquire(need.as_ref()).await {
                Ok((conn, _)) => Ok(conn),
                Err(NoReader::Failed(error)) => Err(error),
                Err(NoReader::Unavailable | NoReader::Behind) => self.acquire().await,
            },
            None => self.acquire().await,
        }
    }

    /// The readers' pool: an escape hatch. For an in-memory database, or while readers are
    /// paused, the writer's. The pool is replaced when a per-connection setting is sent
    /// through `&RwPool`, so take it again rather than keeping it.
    pub fn reader(&self) -> Pool<DB> {
        self.0
            .readers
            .as_ref()
            .and_then(|readers| readers.pool())
            .unwrap_or_else(|| self.0.writer.pool().clone())
    }

    /// The writer's pool of one connection: an escape hatch. Connections taken from it bypass
    /// the writer queue's fairness but not its exclusivity.
    pub fn writer(&self) -> &Pool<DB> {
        self.0.writer.pool()
    }

    /// Close the pool: queued and later callers get [`Error::PoolClosed`], transactions begun
    /// through the pool are rolled back, and idle connections are closed, readers first and
    /// the writer last, so the WAL is checkpointed and removed. Waits for connections that
    /// callers hold (open `Transaction`s) to come back. Dropping the last clone of the pool
    /// does the same in the background.
    pub async fn close(&self) {
        self.0.writer.mark_closed();
        close_in_order(self.0.readers.clone(), Arc::clone(&self.0.writer)).await;
    }

    /// `true` once [`close`](Self::close) has been called.
    pub fn is_closed(&self) -> bool {
        self.0.writer.is_closed()
    }

    /// Publish [`stats`](Self::stats) through the `metrics` crate facade now. The pool also
    /// does this on its own every [`RwPoolOptions::metrics_interval`].
    #[cfg(feature = "metrics")]
    pub fn export_metrics(&self) {
        crate::export::publish(&self.stats(), self.name(), DB::readers_lag());
    }

    /// The pool's name: [`RwPoolOptions::name`], or `pool-N` numbered in opening order. Its
    /// `metrics` carry it as the `pool` label.
    pub fn name(&self) -> &str {
        &self.0.name
    }

    /// A snapshot of the pool's counters. Cheap: atomics and two pool-size reads, plus one
    /// short lock per verdict-cache shard for its size.
    pub fn stats(&self) -> Stats {
        let mut stats = self.0.counters.snapshot();
        let (entries, bytes) = self.0.cache.size();
        stats.writer_queue = self.0.writer.queued();
        stats.cache_hits = self.0.cache.hits();
        stats.cache_misses = self.0.cache.misses();
        stats.cache_entries = entries as u64;
        stats.cache_bytes = bytes as u64;
        if let Some(upkeep) = &self.0.upkeep {
            stats.wal = upkeep.stats();
        }
        if let Some(readers) = &self.0.readers {
            stats.readers_paused = readers.is_paused();
            for target in &readers.targets {
                let (open, idle) = target.pool().map_or((0, 0), |pool| {
                    (occupancy::open(&pool), occupancy::idle(&pool) as u64)
                });
                stats.readers_open += open;
                stats.readers_idle += idle;
                stats.replicas.push(target.stats());
            }
        }
        stats.freshness_marks = self.0.freshness.len() as u64;
        stats
    }
}

/// The calling task has a transaction open through the pool.
struct PinnedHere;

async fn reap_idle_transactions<DB: Backend>(shared: Weak<Shared<DB>>, period: Duration) {
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Some(shared) = shared.upgrade() else {
            return;
        };
        if shared.writer.is_closed() {
            return;
        }
        shared.writer.reap_idle().await;
    }
}

/// Readers close before the writer: for SQLite, the last connection to close checkpoints the
/// WAL into the database and removes
/// it when the last connection closes, which a read-only connection cannot do.
async fn close_in_order<DB: Backend>(readers: Option<Arc<Readers<DB>>>, writer: Arc<Writer<DB>>) {
    if let Some(readers) = readers {
        readers.close().await;
    }
    writer.close().await;
}

/// The last clone of the pool is gone: close it as `close()` would, in the background, so the
/// WAL is checkpointed and connections end cleanly.
impl<DB: Backend> Drop for Shared<DB> {
    fn drop(&mut self) {
        if self.writer.is_closed() {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(close_in_order(
                self.readers.take(),
                Arc::clone(&self.writer),
            ));
        }
    }
}

impl<DB: Backend> Clone for RwPool<DB> {
    fn clone(&self) -> Self {
        RwPool(Arc::clone(&self.0))
    }
}

impl<DB: Backend> fmt::Debug for RwPool<DB> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RwPool")
            .field(
                "readers",
                &self
                    .0
                    .readers
                    .as_ref()
                    .and_then(|readers| readers.pool())
                    .map(|p| p.size()),
            )
            .field("single_connection", &self.0.readers.is_none())
            .field("writer_queue", &self.0.writer.queued())
            .field("closed", &self.is_closed())
            .finish()
    }
}
