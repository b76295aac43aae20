//! `RwPoolOptions`: how many readers, how long to wait for the writer, the connection hooks,
//! and the backend's settings (the backend adds its own setters, for SQLite the pragmas every
//! connection gets).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use futures_core::future::BoxFuture;
use sqlx::pool::PoolConnectionMetadata;
use sqlx::{Database, Error};

use crate::backend::{Backend, ConnectOptionsOf};
use crate::pool::RwPool;

/// Longer waits are clamped to this: deadlines past it overflow `Instant`.
const LONGEST_WAIT: Duration = Duration::from_secs(365 * 24 * 3600);

/// The most statements a group commit runs, unless set ([`RwPoolOptions::max_group`]).
const DEFAULT_MAX_GROUP: usize = 64;

/// Builder for an [`RwPool`].
///
/// ```no_run
/// # async fn example() -> Result<(), sqlx::Error> {
/// use std::time::Duration;
///
/// let pool = sqlx_rw::SqliteRwPoolOptions::new()
///     .readers(4)
///     .acquire_timeout(Duration::from_secs(10))
///     .busy_timeout(Duration::from_secs(2))
///     .connect("sqlite://app.db")
///     .await?;
/// # Ok(()) }
/// ```
pub struct RwPoolOptions<DB: Backend> {
    pub(crate) readers: u32,
    pub(crate) min_readers: u32,
    pub(crate) acquire_timeout: Duration,
    pub(crate) idle_transaction_timeout: Duration,
    pub(crate) slow_writer_wait: Duration,
    pub(crate) verdict_cache_bytes: usize,
    /// Most statements one group commit runs (1: grouping off).
    pub(crate) max_group: usize,
    pub(crate) reader_idle_timeout: Option<Duration>,
    pub(crate) reader_max_lifetime: Option<Duration>,
    pub(crate) test_before_acquire: bool,
    pub(crate) name: Option<String>,
    pub(crate) metrics_interval: Option<Duration>,
    pub(crate) hooks: Hooks<DB>,
    pub(crate) replicas: Replicas,
    pub(crate) settings: DB::Settings,
}

/// How reads are served by readers that replay the writer's changes later (replicas): the
/// consistency asked for and the monitor's bounds. Unused by a backend whose readers see
/// every commit at once.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Replicas {
    pub(crate) consistency: crate::freshness::ReadConsistency,
    pub(crate) wait: Duration,
    pub(crate) max_lag: u64,
    pub(crate) max_delay: Duration,
    pub(crate) check_every: Duration,
    pub(crate) read_timeout: Duration,
    pub(crate) untracked_window: Duration,
}

/// A hook run on a connection: sqlx's `after_connect` shape.
pub(crate) type ConnectHook<DB> = Arc<
    dyn for<'c> Fn(
            &'c mut <DB as Database>::Connection,
            PoolConnectionMetadata,
        ) -> BoxFuture<'c, Result<(), Error>>
        + Send
        + Sync,
>;

/// A hook that may veto a connection: sqlx's `before_acquire` / `after_release` shape.
pub(crate) type CheckHook<DB> = Arc<
    dyn for<'c> Fn(
            &'c mut <DB as Database>::Connection,
            PoolConnectionMetadata,
        ) -> BoxFuture<'c, Result<bool, Error>>
        + Send
        + Sync,
>;

/// The caller's connection hooks, as sqlx's `PoolOptions` takes them.
pub(crate) struct Hooks<DB: Database> {
    pub(crate) after_connect: Option<ConnectHook<DB>>,
    pub(crate) before_acquire: Option<CheckHook<DB>>,
    pub(crate) after_release: Option<CheckHook<DB>>,
}

impl<DB: Database> Clone for Hooks<DB> {
    fn clone(&self) -> Self {
        Hooks {
            after_connect: self.after_connect.clone(),
            before_acquire: self.before_acquire.clone(),
            after_release: self.after_release.clone(),
        }
    }
}

// Written out rather than derived: a derive would require `DB: Clone`, which the database
// marker types are not.
impl<DB: Backend> Clone for RwPoolOptions<DB> {
    fn clone(&self) -> Self {
        RwPoolOptions {
            readers: self.readers,
            min_readers: self.min_readers,
            acquire_timeout: self.acquire_timeout,
            idle_transaction_timeout: self.idle_transaction_timeout,
            slow_writer_wait: self.slow_writer_wait,
            verdict_cache_bytes: self.verdict_cache_bytes,
            max_group: self.max_group,
            reader_idle_timeout: self.reader_idle_timeout,
            reader_max_lifetime: self.reader_max_lifetime,
            test_before_acquire: self.test_before_acquire,
            name: self.name.clone(),
            metrics_interval: self.metrics_interval,
            hooks: self.hooks.clone(),
            replicas: self.replicas,
            settings: self.settings.clone(),
        }
    }
}

impl<DB: Backend> fmt::Debug for RwPoolOptions<DB> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RwPoolOptions")
            .field("readers", &self.readers)
            .field("min_readers", &self.min_readers)
            .field("acquire_timeout", &self.acquire_timeout)
            .field("idle_transaction_timeout", &self.idle_transaction_timeout)
            .field("slow_writer_wait", &self.slow_writer_wait)
            .field("verdict_cache_bytes", &self.verdict_cache_bytes)
            .field("max_group", &self.max_group)
            .field("reader_idle_timeout", &self.reader_idle_timeout)
            .field("reader_max_lifetime", &self.reader_max_lifetime)
            .field("test_before_acquire", &self.test_before_acquire)
            .field("name", &self.name)
            .field("metrics_interval", &self.metrics_interval)
            .field("after_connect", &self.hooks.after_connect.is_some())
            .field("before_acquire", &self.hooks.before_acquire.is_some())
            .field("after_release", &self.hooks.after_release.is_some())
            .field("replicas", &self.replicas)
            .field("settings", &self.settings)
            .finish()
    }
}

impl<DB: Backend> Default for RwPoolOptions<DB> {
    fn default() -> Self {
        RwPoolOptions {
            readers: std::thread::available_parallelism().map_or(4, |n| n.get() as u32),
            min_readers: 0,
            acquire_timeout: Duration::from_secs(30),
            idle_transaction_timeout: Duration::from_secs(30),
            slow_writer_wait: Duration::from_secs(1),
            verdict_cache_bytes: 8 * 1024 * 1024,
            max_group: DEFAULT_MAX_GROUP,
            // sqlx's own defaults for its pools.
            reader_idle_timeout: Some(Duration::from_secs(10 * 60)),
            reader_max_lifetime: Some(Duration::from_secs(30 * 60)),
            test_before_acquire: false,
            name: None,
            metrics_interval: Some(Duration::from_secs(1)),
            hooks: Hooks {
                after_connect: None,
                before_acquire: None,
                after_release: None,
            },
            replicas: Replicas {
                consistency: crate::freshness::ReadConsistency::Task,
                wait: Duration::from_millis(20),
                max_lag: 16 * 1024 * 1024,
                max_delay: Duration::from_secs(5),
                check_every: Duration::from_millis(100),
                read_timeout: Duration::from_secs(30),
                untracked_window: Duration::from_secs(1),
            },
            settings: DB::default_settings(),
        }
    }
}

impl<DB: Backend> RwPoolOptions<DB> {
    /// Defaults: readers = available parallelism, 30 s acquire timeout, 30 s idle-transaction
    /// timeout, 8 MiB verdict cache, and the backend's default settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many read-only reader connections to keep at most (at least 1). They open as reads
    /// need them.
    pub fn readers(mut self, readers: u32) -> Self {
        self.readers = readers.max(1);
        self
    }

    /// The same as [`readers`](Self::readers), under sqlx's name, so code that configures a
    /// `PoolOptions` keeps compiling. The writer is always one connection on top.
    pub fn max_connections(self, max: u32) -> Self {
        self.readers(max)
    }

    /// Reader connections to keep open even when idle (default 0, as sqlx's). With 0, a pool
    /// that has not read yet holds the database through the writer alone.
    pub fn min_connections(mut self, min: u32) -> Self {
        self.min_readers = min;
        self
    }

    /// Close reader connections idle this long (default 10 minutes, as sqlx's; `None` keeps
    /// them). The writer is never closed for being idle.
    pub fn idle_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.reader_idle_timeout = timeout.into();
        self
    }

    /// Replace reader connections older than this (default 30 minutes, as sqlx's; `None`
    /// keeps them). The writer is kept for the pool's life.
    pub fn max_lifetime(mut self, lifetime: impl Into<Option<Duration>>) -> Self {
        self.reader_max_lifetime = lifetime.into();
        self
    }

    /// Ping a reader before lending it out (default off: a ping is a round trip per read).
    /// The writer is never pinged: it is checked whenever it comes back.
    pub fn test_before_acquire(mut self, test: bool) -> Self {
        self.test_before_acquire = test;
        self
    }

    /// A name for the pool, for its `metrics` (the `pool` label) and [`RwPool::name`]; by
    /// default `pool-N`, numbered in opening order.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// How often the pool publishes its stats through the `metrics` facade (feature
    /// `metrics`; default every second); `None` publishes only on
    /// [`RwPool::export_metrics`]. Without the feature it has no effect.
    pub fn metrics_interval(mut self, interval: impl Into<Option<Duration>>) -> Self {
        self.metrics_interval = interval.into();
        self
    }

    /// Run `callback` on every connection the pool opens, the writer and each reader, after
    /// the pool's own setup of it (settings, hooks). As sqlx's `PoolOptions::after_connect`.
    pub fn after_connect<F>(mut self, callback: F) -> Self
    where
        for<'c> F: Fn(&'c mut DB::Connection, PoolConnectionMetadata) -> BoxFuture<'c, Result<(), Error>>
            + Send
            + Sync
            + 'static,
    {
        self.hooks.after_connect = Some(Arc::new(callback));
        self
    }

    /// Run `callback` before a connection is lent out of sqlx's pool; `Ok(false)` or an error
    /// closes it and another is tried, as in sqlx. A reader goes through it on every read.
    /// The writer is parked between statements sent through the pool, so it goes through it
    /// only when it leaves sqlx's pool: at its first use, and again after each `begin()`,
    /// `acquire()` or raw transaction has given it back.
    pub fn before_acquire<F>(mut self, callback: F) -> Self
    where
        for<'c> F: Fn(&'c mut DB::Connection, PoolConnectionMetadata) -> BoxFuture<'c, Result<bool, Error>>
            + Send
            + Sync
            + 'static,
    {
        self.hooks.before_acquire = Some(Arc::new(callback));
        self
    }

    /// Run `callback` when a connection comes back to sqlx's pool; `Ok(false)` or an error
    /// closes it, as in sqlx. A reader comes back after every read; the writer only when a
    /// `Transaction`, an acquired connection or a raw transaction gives it back (after the
    /// pool has rolled back anything left open on it).
    pub fn after_release<F>(mut self, callback: F) -> Self
    where
        for<'c> F: Fn(&'c mut DB::Connection, PoolConnectionMetadata) -> BoxFuture<'c, Result<bool, Error>>
            + Send
            + Sync
            + 'static,
    {
        self.hooks.after_release = Some(Arc::new(callback));
        self
    }

    /// How long a statement, `begin()` or `acquire()` waits for a connection before failing.
    /// Time spent queued for the writer counts.
    pub fn acquire_timeout(mut self, timeout: Duration) -> Self {
        self.acquire_timeout = timeout.min(LONGEST_WAIT);
        self
    }

    /// How long a transaction begun with `BEGIN` through the pool may sit without a statement
    /// before it is rolled back and the writer released for others (its task probably died or
    /// forgot `COMMIT`). The task's next statement then fails with
    /// [`RwErrorKind::TransactionAbandoned`](crate::RwErrorKind::TransactionAbandoned).
    pub fn idle_transaction_timeout(mut self, timeout: Duration) -> Self {
        self.idle_transaction_timeout = timeout.min(LONGEST_WAIT);
        self
    }

    /// A wait for the writer at least this long is logged as a `tracing` warning (default
    /// 1 s): something held the writer too long.
    pub fn slow_writer_wait(mut self, threshold: Duration) -> Self {
        self.slow_writer_wait = threshold;
        self
    }

    /// Group commit (default on; SQLite only, ignored by the server backends): autocommit
    /// writes sent through `&pool` (`INSERT`, `UPDATE`, `DELETE`, `REPLACE`, `WITH … DML`,
    /// with or without `RETURNING`) that queue while the writer is busy run together in one
    /// transaction, in the turn of the first of them, so they share one commit (with
    /// `synchronous=FULL`, one fsync). Each caller still gets exactly its own outcome: its
    /// result, rowid and rows; only its own error if its statement fails; no answer before the
    /// group's COMMIT has returned. The group's `BEGIN` and `COMMIT` go to SQLite in one
    /// command with its first and last writes, so they cost no round trip of their own (sqlx's
    /// query log shows them there). A write that finds the writer free runs alone, exactly as
    /// with grouping off. `docs/design.md` ("Group commit") gives the rules.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), sqlx::Error> {
    /// use sqlx_rw::SqliteRwPoolOptions;
    ///
    /// let dir = tempfile::tempdir().unwrap();
    /// let pool = SqliteRwPoolOptions::new()
    ///     .group_commit(true)
    ///     .max_group(32)
    ///     .connect_with(
    ///         sqlx::sqlite::SqliteConnectOptions::new().filename(dir.path().join("g.db")),
    ///     )
    ///     .await?;
    /// sqlx::query("CREATE TABLE t (x INTEGER)").execute(&pool).await?;
    /// let writes = (0..100).map(|x| {
    ///     let pool = pool.clone();
    ///     tokio::spawn(async move {
    ///         sqlx::query("INSERT INTO t VALUES (?)").bind(x).execute(&pool).await
    ///     })
    /// });
    /// for write in writes {
    ///     assert_eq!(write.await.unwrap()?.rows_affected(), 1);
    /// }
    /// let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t").fetch_one(&pool).await?;
    /// assert_eq!(rows, 100);
    /// println!("{} of them ran in {} groups", pool.stats().group_statements, pool.stats().groups);
    /// # Ok(()) }
    /// ```
    pub fn group_commit(mut self, on: bool) -> Self {
        self.max_group = if on { DEFAULT_MAX_GROUP } else { 1 };
        self
    }

    /// The most statements one group commit runs (default 64; 1 turns grouping off). A group
    /// also stops gathering at 1 MiB of SQL text. A larger group shares one commit among more
    /// writes; its first caller waits for all of them.
    pub fn max_group(mut self, statements: usize) -> Self {
        self.max_group = statements.max(1);
        self
    }

    /// Memory the routing-verdict cache may use, in bytes.
    pub fn verdict_cache_bytes(mut self, bytes: usize) -> Self {
        self.verdict_cache_bytes = bytes;
        self
    }

    /// Which writes a read must see when readers are replicas that replay the writer's changes
    /// later (default [`ReadConsistency::Task`](crate::ReadConsistency::Task): a task reads its
    /// own writes). No effect for SQLite, whose readers see every commit at once.
    pub fn read_consistency(mut self, consistency: crate::ReadConsistency) -> Self {
        self.replicas.consistency = consistency;
        self
    }

    /// How long a read that must see a write waits for a replica to replay it before it runs
    /// on the writer instead (default 20 ms).
    pub fn replica_wait(mut self, wait: Duration) -> Self {
        self.replicas.wait = wait;
        self
    }

    /// How far (in the backend's positions: bytes of WAL for PostgreSQL) a replica may trail
    /// the latest write the pool saw before it is taken out of rotation (default 16 MiB).
    pub fn max_replica_lag(mut self, bytes: u64) -> Self {
        self.replicas.max_lag = bytes;
        self
    }

    /// How long a task's reads go to the primary after a write whose position the server
    /// cannot tell (default 1 s): a MySQL primary with `gtid_mode=OFF` keeps no GTIDs, so the
    /// pool cannot know when a replica has a write, and bounds the time instead. The pool
    /// says so at `connect` (a warning) and counts such writes in
    /// [`Stats::untracked_writes`](crate::Stats::untracked_writes). Replicas that trail by
    /// more than this serve such a task stale rows.
    pub fn untracked_write_window(mut self, window: Duration) -> Self {
        self.replicas.untracked_window = window;
        self
    }

    /// How long ago a replica's first missing write may have been made before it is taken out
    /// of rotation (default 5 s). Measured from when the pool recorded each write, not from
    /// the replica's last replayed commit: a primary that has been idle for an hour does not
    /// make an up-to-date replica look an hour behind. Either this or
    /// [`max_replica_lag`](Self::max_replica_lag) takes a replica out.
    pub fn max_replica_delay(mut self, delay: Duration) -> Self {
        self.replicas.max_delay = delay;
        self
    }

    /// How long a replica may take to answer (to open a connection, then each result of a
    /// read) before the pool gives up on it (default 30 s): the connection is discarded, the
    /// replica leaves rotation until the monitor hears from it, and a read that had returned
    /// no row yet runs again on the primary. sqlx has no statement timeout of its own; a
    /// replica that stops answering (a paused process, a dead host behind a live route)
    /// would otherwise hang its reads. Keep it above your slowest read.
    pub fn replica_read_timeout(mut self, timeout: Duration) -> Self {
        self.replicas.read_timeout = timeout;
        self
    }

    /// How often the replica monitor asks each replica whether it is healthy and how far it
    /// has replayed (default 100 ms).
    pub fn replica_check_interval(mut self, every: Duration) -> Self {
        self.replicas.check_every = every.max(Duration::from_millis(1));
        self
    }

    /// Open a pool from a database URL.
    pub async fn connect(self, url: &str) -> Result<RwPool<DB>, Error> {
        let options: ConnectOptionsOf<DB> = url.parse()?;
        self.connect_with(options).await
    }

    /// Open a pool from connect options (for example those `#[sqlx::test]` hands out).
    pub async fn connect_with(self, options: ConnectOptionsOf<DB>) -> Result<RwPool<DB>, Error> {
        DB::validate(&self.settings)?;
        let pool = RwPool::new(self, options);
        pool.warm_up().await?;
        Ok(pool)
    }

    /// A pool that opens no connection until the first statement needs one, as sqlx's
    /// `connect_lazy`. Errors in the URL are reported now; errors opening the database at
    /// first use. Must be called inside a tokio runtime.
    pub fn connect_lazy(self, url: &str) -> Result<RwPool<DB>, Error> {
        DB::validate(&self.settings)?;
        let options: ConnectOptionsOf<DB> = url.parse()?;
        Ok(self.connect_lazy_with(options))
    }

    /// [`connect_lazy`](Self::connect_lazy) from connect options.
    pub fn connect_lazy_with(self, options: ConnectOptionsOf<DB>) -> RwPool<DB> {
        RwPool::new(self, options)
    }
}
