//! `Backend`: what the router needs to know about one database.
//!
//! `RwPool<DB>` is generic; everything that differs between SQLite and a primary/replica server
//! lives behind this trait: the SQL grammar the classifier parses with, how the writer and the
//! readers are opened, how to ask a connection whether it is inside a transaction, and which
//! error means "a reader refused a write". SQLite is the implementation in this crate.

use futures_core::future::BoxFuture;
use sqlx::{Connection, Database, Error, SqlStr};

use crate::activity::Activity;
use crate::classify::Grammar;

/// Reads the current identity of a database file: `None` if it does not exist.
pub type FileProbe = Box<dyn Fn() -> Option<(u64, u64)> + Send + Sync>;

/// The connect options type of `DB`.
pub type ConnectOptionsOf<DB> = <<DB as Database>::Connection as Connection>::Options;

/// A database `RwPool` can route for.
pub trait Backend: Database + Sized {
    /// Backend-specific pool settings (for SQLite: the pragmas applied to every connection).
    type Settings: Clone + std::fmt::Debug + Send + Sync + 'static;

    /// The settings used when the caller sets none.
    fn default_settings() -> Self::Settings;

    /// The grammar the classifier parses this database's SQL with.
    fn grammar() -> &'static Grammar;

    /// Options for the one writer connection, from the caller's options.
    fn writer_options(
        settings: &Self::Settings,
        base: &ConnectOptionsOf<Self>,
    ) -> ConnectOptionsOf<Self>;

    /// Options for reader connections, or `None` when the database can only be reached through
    /// one connection (an in-memory SQLite database): then every statement uses the writer.
    fn reader_options(
        settings: &Self::Settings,
        base: &ConnectOptionsOf<Self>,
    ) -> Option<ConnectOptionsOf<Self>>;

    /// The statement that begins a writer transaction, or `None` for the driver's default.
    fn begin_statement(settings: &Self::Settings) -> Option<SqlStr>;

    /// A probe for the identity of the file the database lives in (for SQLite on Unix: device
    /// and inode), so the pool can notice the file being deleted or replaced under it, which
    /// SQLite itself does not report. `None` when there is no file to watch.
    fn file_identity(options: &ConnectOptionsOf<Self>) -> Option<FileProbe>;

    /// Whether `conn` is inside a transaction now, after every command sent on it before this
    /// call has run, even if an earlier call of this was cancelled half-way.
    fn in_transaction(conn: &mut Self::Connection) -> BoxFuture<'_, Result<bool, Error>>;

    /// Have `conn` (the writer) call `on_commit` for every transaction it commits and
    /// `on_rollback` for every one it rolls back, for the pool's counters.
    fn watch_transactions(
        conn: &mut Self::Connection,
        on_commit: Box<dyn Fn() + Send + Sync>,
        on_rollback: Box<dyn Fn() + Send + Sync>,
    ) -> BoxFuture<'_, Result<(), Error>>;

    /// Have `conn` (the writer) report each statement's start and end to `activity`, so the
    /// pool can tell a handed-out writer in use from one left idle. A backend that cannot
    /// leaves it unreported: the connection then always counts as in use, and a task that
    /// asks again for the writer it holds waits (as on a plain pool) until the acquire timeout.
    fn watch_statements(
        conn: &mut Self::Connection,
        activity: std::sync::Arc<Activity>,
    ) -> BoxFuture<'_, Result<(), Error>>;

    /// Roll back whatever transaction `conn` is in.
    fn rollback(conn: &mut Self::Connection) -> BoxFuture<'_, Result<(), Error>>;

    /// `true` if `err` is a reader refusing to write, so the statement wrote nothing and may be
    /// run again on the writer.
    fn is_read_only_refusal(err: &Error) -> bool;

    /// `true` if `err` says the database was locked by another connection (SQLite's
    /// `SQLITE_BUSY` family). On the writer that can only be another process: this pool's own
    /// writers queue.
    fn is_locked_elsewhere(err: &Error) -> bool;

    /// The per-connection settings `sql` assigns, as `(name, value)`, for a statement the
    /// classifier marked as setting them (for SQLite: `PRAGMA cache_size = 64000`).
    fn session_settings(sql: &str) -> Vec<(String, String)>;

    /// `options` with the setting `name = value` added, so connections opened from them have
    /// it.
    fn with_session_setting(
        options: ConnectOptionsOf<Self>,
        name: &str,
        value: &str,
    ) -> ConnectOptionsOf<Self>;

    /// Whether readers may run beside the writer in the database's current mode (for SQLite:
    /// only in WAL mode), asked on the writer after a statement changed the mode.
    fn readers_can_run(conn: &mut Self::Connection) -> BoxFuture<'_, Result<bool, Error>>;

    /// A copy of bound arguments, kept so a refused read can be retried on the writer.
    fn clone_arguments(arguments: &Self::Arguments) -> Self::Arguments;
}
