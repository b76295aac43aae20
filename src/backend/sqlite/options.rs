//! What SQLite adds to the generic pool: the type aliases users name, and the settings every
//! connection gets, on [`RwPoolOptions`].

use std::borrow::Cow;
use std::time::Duration;

use sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sqlx::Sqlite;

use crate::backend::sqlite::SqliteTransactionMode;
use crate::{RwPool, RwPoolOptions};

/// `RwPool` for SQLite.
pub type SqliteRwPool = RwPool<Sqlite>;

/// `RwPoolOptions` for SQLite, as `SqlitePoolOptions` is sqlx's `PoolOptions<Sqlite>`.
pub type SqliteRwPoolOptions = RwPoolOptions<Sqlite>;

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

    /// Whether the pool manages WAL checkpoints itself (default `true`), so the WAL stays
    /// bounded under readers that never stop: a `PASSIVE` checkpoint between writes past
    /// [`wal_soft_limit`](Self::wal_soft_limit), and past
    /// [`wal_hard_limit`](Self::wal_hard_limit) a short hold on new reads for a `TRUNCATE`.
    /// `false` leaves SQLite's automatic checkpoint as it is. See `docs/design.md`.
    pub fn manage_checkpoints(mut self, on: bool) -> Self {
        self.settings.checkpoints.enabled = on;
        self
    }

    /// WAL size in bytes past which the pool runs a `PASSIVE` checkpoint between writes
    /// (default: the writer's `wal_autocheckpoint`, 1000 pages unless set).
    pub fn wal_soft_limit(mut self, bytes: u64) -> Self {
        self.settings.checkpoints.soft = Some(bytes);
        self
    }

    /// WAL size in bytes past which the pool holds new reads for a moment to checkpoint and
    /// truncate the WAL (default: [`journal_size_limit`](Self::journal_size_limit), 64 MiB).
    pub fn wal_hard_limit(mut self, bytes: u64) -> Self {
        self.settings.checkpoints.hard = Some(bytes);
        self
    }

    /// How long new reads may be held while the reads in flight end, before a `TRUNCATE`
    /// checkpoint (default 100 ms). Reads still in flight then make the pool give up for that
    /// round and try again later.
    pub fn max_read_hold(mut self, hold: Duration) -> Self {
        self.settings.checkpoints.max_read_hold = hold;
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
