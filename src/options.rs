//! `RwPoolOptions`: how many readers, how long to wait for the writer, and the backend's
//! settings (for SQLite, the pragmas every connection gets).

use std::borrow::Cow;
use std::time::Duration;

use sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sqlx::{Error, Sqlite};

use crate::backend::{Backend, ConnectOptionsOf};
use crate::pool::RwPool;
use crate::sqlite::SqliteTransactionMode;

/// Longer waits are clamped to this: deadlines past it overflow `Instant`.
const LONGEST_WAIT: Duration = Duration::from_secs(365 * 24 * 3600);

/// Builder for an [`RwPool`].
///
/// ```no_run
/// # async fn example() -> Result<(), sqlx::Error> {
/// use std::time::Duration;
/// use sqlx_rw::RwPoolOptions;
///
/// let pool = RwPoolOptions::new()
///     .readers(4)
///     .acquire_timeout(Duration::from_secs(10))
///     .busy_timeout(Duration::from_secs(2))
///     .connect("sqlite://app.db")
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct RwPoolOptions<DB: Backend = Sqlite> {
    pub(crate) readers: u32,
    pub(crate) acquire_timeout: Duration,
    pub(crate) idle_transaction_timeout: Duration,
    pub(crate) slow_writer_wait: Duration,
    pub(crate) verdict_cache_bytes: usize,
    pub(crate) settings: DB::Settings,
}

impl<DB: Backend> Default for RwPoolOptions<DB> {
    fn default() -> Self {
        RwPoolOptions {
            readers: std::thread::available_parallelism().map_or(4, |n| n.get() as u32),
            acquire_timeout: Duration::from_secs(30),
            idle_transaction_timeout: Duration::from_secs(30),
            slow_writer_wait: Duration::from_secs(1),
            verdict_cache_bytes: 8 * 1024 * 1024,
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

    /// How many read-only reader connections to keep at most (at least 1).
    pub fn readers(mut self, readers: u32) -> Self {
        self.readers = readers.max(1);
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

    /// Memory the routing-verdict cache may use, in bytes.
    pub fn verdict_cache_bytes(mut self, bytes: usize) -> Self {
        self.verdict_cache_bytes = bytes;
        self
    }

    /// Open a pool from a database URL.
    pub async fn connect(self, url: &str) -> Result<RwPool<DB>, Error> {
        let options: ConnectOptionsOf<DB> = url.parse()?;
        self.connect_with(options).await
    }

    /// Open a pool from connect options (for example those `#[sqlx::test]` hands out).
    pub async fn connect_with(self, options: ConnectOptionsOf<DB>) -> Result<RwPool<DB>, Error> {
        RwPool::open(self, options).await
    }
}

/// SQLite settings. Each default is what most applications want; each can be overridden.
impl RwPoolOptions<Sqlite> {
    /// Journal mode set by the writer when it opens the file (default WAL, which lets readers
    /// run while the writer writes). Ignored for in-memory databases.
    pub fn journal_mode(mut self, mode: SqliteJournalMode) -> Self {
        self.settings.journal_mode = mode;
        self
    }

    /// `PRAGMA synchronous` (default NORMAL: durable across process crashes in WAL mode; FULL
    /// also survives power loss).
    pub fn synchronous(mut self, synchronous: SqliteSynchronous) -> Self {
        self.settings.synchronous = synchronous;
        self
    }

    /// How long SQLite waits for a lock held by *another process* (default 5 s). Tasks of this
    /// process never wait on it: they queue for the writer instead.
    pub fn busy_timeout(mut self, timeout: Duration) -> Self {
        self.settings.busy_timeout = timeout;
        self
    }

    /// `PRAGMA foreign_keys` (default ON).
    pub fn foreign_keys(mut self, on: bool) -> Self {
        self.settings.foreign_keys = on;
        self
    }

    /// `PRAGMA journal_size_limit` in bytes (default 64 MiB).
    pub fn journal_size_limit(mut self, bytes: i64) -> Self {
        self.settings.journal_size_limit = bytes;
        self
    }

    /// `PRAGMA temp_store = MEMORY` when `true` (the default), SQLite's default otherwise.
    pub fn temp_store_memory(mut self, on: bool) -> Self {
        self.settings.temp_store_memory = on;
        self
    }

    /// Create the database file if it does not exist (default `true`).
    pub fn create_if_missing(mut self, create: bool) -> Self {
        self.settings.create_if_missing = create;
        self
    }

    /// How writer transactions begin (default [`SqliteTransactionMode::Immediate`]).
    pub fn transaction_mode(mut self, mode: SqliteTransactionMode) -> Self {
        self.settings.transaction_mode = mode;
        self
    }

    /// Any other pragma, applied to every connection after the ones above.
    pub fn pragma(
        mut self,
        key: impl Into<Cow<'static, str>>,
        value: impl Into<Cow<'static, str>>,
    ) -> Self {
        self.settings.pragmas.push((key.into(), value.into()));
        self
    }
}
