//! `Backend`: what the router needs to know about one database.
//!
//! `RwPool<DB>` is generic; everything that differs between SQLite and a primary/replica server
//! lives behind this trait: the SQL grammar the classifier parses with, how the writer and the
//! readers are opened, how to ask a connection whether it is inside a transaction, and which
//! error means "a reader refused a write". SQLite is the implementation in this crate.

use futures_core::future::BoxFuture;
use sqlx::{Connection, Database, Error, SqlStr};

use crate::activity::Activity;
use crate::position::Position;
use crate::upkeep::Upkeep;

#[cfg(feature = "mysql")]
pub(crate) mod mysql;
#[cfg(feature = "postgres")]
pub(crate) mod postgres;
#[cfg(any(feature = "postgres", feature = "mysql"))]
pub(crate) mod server;
#[cfg(feature = "sqlite")]
pub(crate) mod sqlite;
use crate::route::Grammar;

/// What an error means for the pool, as the backend reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorClass {
    /// A reader refused to write: nothing was written, so the statement may run again on the
    /// writer.
    ReadOnlyRefusal,
    /// The statement failed before it did anything, for a reason of that connection (it broke,
    /// its server is recovering): it may run again elsewhere.
    RetryElsewhere,
    /// The database was locked past the backend's own wait. Through the pool the writer's
    /// lock is only ever contended by something outside this pool: its own writers queue, and
    /// its readers are closed before the one statement that needs them gone.
    Busy,
    /// Anything else: the caller's to handle.
    Other,
}

/// A check the writer runs around its statements, for conditions the database does not
/// report itself. Each call is cheap (for SQLite's file watch, one `stat`).
pub trait WriterGuard: Send + Sync {
    /// The writer has opened its connection.
    fn opened(&self);

    /// Before a caller waits for the writer: `Err` to fail it fast (the writer cannot be used
    /// now).
    fn before_turn(&self) -> Result<(), Error>;

    /// `true` while the writer's connection must be closed and opened anew before its next use
    /// (the thing it was bound to is gone and back), until [`reopened`](Self::reopened).
    fn must_reopen(&self) -> bool;

    /// The old connection is closed: the next one opens anew.
    fn reopened(&self);

    /// `false` while the writer must not be lent out without waiting (`try_acquire`).
    fn is_usable(&self) -> bool;

    /// After a statement ran on the writer: `Err` if what it did is lost.
    fn after_statement(&self) -> Result<(), Error>;
}

/// What a replica says about itself, for the replica monitor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplicaState {
    /// It is still a replica (replaying the primary's changes). `false`: it was promoted.
    pub in_recovery: bool,
    /// Its replication is running (for MySQL, both replication threads). `false`: it has
    /// stopped replaying, and is taken out of rotation until it runs again.
    pub replaying: bool,
    /// How far it has replayed, in the backend's positions, if known.
    pub replayed: Option<Position>,
}

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

    /// The reader targets, as connect options, one per place reads can go (for SQLite, the
    /// database file opened read-only; for a server, each replica). Empty when the database can
    /// only be reached through one connection (for SQLite, an in-memory database): then every
    /// statement uses the writer. The pool serves one target today; several (replicas with
    /// health and balancing) come with the server backends.
    fn reader_targets(
        settings: &Self::Settings,
        base: &ConnectOptionsOf<Self>,
    ) -> Vec<ConnectOptionsOf<Self>>;

    /// The statement that begins a writer transaction, or `None` for the driver's default.
    fn begin_statement(settings: &Self::Settings) -> Option<SqlStr>;

    /// A check the writer runs around its statements for what the database itself does not
    /// report (for SQLite: its file deleted or replaced under a running pool), if any.
    fn writer_guard(options: &ConnectOptionsOf<Self>) -> Option<Box<dyn WriterGuard>>;

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
    /// pool can tell a handed-out writer in use from one left idle; a backend that does calls
    /// [`Activity::watched`] first. One that cannot leaves it unwatched: the connection then
    /// always counts as in use, and a task that asks again for the writer it holds waits (as
    /// on a plain pool) until the acquire timeout.
    fn watch_statements(
        conn: &mut Self::Connection,
        activity: std::sync::Arc<Activity>,
    ) -> BoxFuture<'_, Result<(), Error>>;

    /// Roll back whatever transaction `conn` is in.
    fn rollback(conn: &mut Self::Connection) -> BoxFuture<'_, Result<(), Error>>;

    /// What `err` means for the pool: see [`ErrorClass`].
    fn classify_error(err: &Error) -> ErrorClass;

    /// The message for a [`ErrorClass::Busy`] error on the writer, which (through the pool)
    /// only another program can cause: what to look for and which setting bounds the wait.
    fn busy_message(err: &Error) -> String;

    /// `options` with the per-connection setting `name = value` added, so connections opened
    /// from them have it.
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

    /// The background upkeep a pool on `base` needs (for SQLite, the WAL checkpoint manager),
    /// if any. The pool runs it between callers' turns: see [`Upkeep`].
    fn upkeep(
        settings: &Self::Settings,
        base: &ConnectOptionsOf<Self>,
    ) -> Option<std::sync::Arc<dyn Upkeep<Self>>> {
        let _ = (settings, base);
        None
    }

    /// Connections on the write side: 1 (the default) for a database with one writer, more
    /// for a server that takes concurrent writers.
    fn writer_connections(settings: &Self::Settings) -> usize {
        let _ = settings;
        1
    }

    /// How a reader target is named in logs and stats (never with its credentials).
    fn target_name(options: &ConnectOptionsOf<Self>) -> String {
        let _ = options;
        "reader".to_owned()
    }

    /// `true` if readers replay the writer's changes later (replicas): the pool then keeps
    /// read-your-writes positions and runs the replica monitor. `false` (the default): every
    /// commit is visible to every later read at once.
    fn readers_lag() -> bool {
        false
    }

    /// The writer's position now, on `conn` (the writer, right after a commit), if the
    /// backend tracks positions. `None` from a backend whose readers lag: the server keeps no
    /// positions (see [`positions_missing`](Self::positions_missing)).
    fn write_position(
        conn: &mut Self::Connection,
    ) -> BoxFuture<'_, Result<Option<Position>, Error>> {
        let _ = conn;
        Box::pin(async { Ok(None) })
    }

    /// Why the writer behind `conn` (the primary) keeps no positions, if it keeps none (MySQL
    /// with `gtid_mode=OFF`): asked once at `connect` when there are replicas, to say so.
    /// Writes then report no position ([`write_position`](Self::write_position) gives
    /// `None`), and their tasks read on the primary for a while instead.
    fn positions_missing(
        conn: &mut Self::Connection,
    ) -> BoxFuture<'_, Result<Option<String>, Error>> {
        let _ = conn;
        Box::pin(async { Ok(None) })
    }

    /// How far the reader behind `conn` has replayed the writer's changes, if known.
    fn replayed_position(
        conn: &mut Self::Connection,
    ) -> BoxFuture<'_, Result<Option<Position>, Error>> {
        let _ = conn;
        Box::pin(async { Ok(None) })
    }

    /// Wait on the reader behind `conn` until it has replayed `position`, for at most
    /// `timeout`, in one request the server answers as soon as it has (MariaDB's
    /// `MASTER_GTID_WAIT`): `Some(true)` if it has, `Some(false)` if not within `timeout`.
    /// `None` (the default): the backend has no such wait, and the pool asks
    /// [`replayed_position`](Self::replayed_position) again at growing intervals.
    fn wait_for_position<'c>(
        conn: &'c mut Self::Connection,
        position: &'c Position,
        timeout: std::time::Duration,
    ) -> BoxFuture<'c, Result<Option<bool>, Error>> {
        let _ = (conn, position, timeout);
        Box::pin(async { Ok(None) })
    }

    /// What the reader behind `conn` says about itself, for the replica monitor.
    fn replica_state(conn: &mut Self::Connection) -> BoxFuture<'_, Result<ReplicaState, Error>> {
        let _ = conn;
        Box::pin(async {
            Ok(ReplicaState {
                in_recovery: true,
                replaying: true,
                replayed: None,
            })
        })
    }

    /// Check the backend's settings before the pool opens: `Err` with a clear message for a
    /// setting that cannot work (for a server, a replica URL that did not parse).
    fn validate(settings: &Self::Settings) -> Result<(), Error> {
        let _ = settings;
        Ok(())
    }

    /// The message for a write the writer itself refused as read-only (`err` is a
    /// [`ErrorClass::ReadOnlyRefusal`]), if the backend has more to say than the database:
    /// for a server, that the primary URL reaches a server in recovery. `None` (the default)
    /// leaves the error as it is.
    fn writer_read_only_message(err: &Error) -> Option<String> {
        let _ = err;
        None
    }

    /// `true` (the default) if [`with_session_setting`](Self::with_session_setting) puts the
    /// setting `name` in the connect options, so connections opened from them have it. A
    /// setting they cannot carry (for MySQL, any but `time_zone`) is applied to each new
    /// connection with [`apply_session_setting`](Self::apply_session_setting) instead.
    fn carries_setting(name: &str) -> bool {
        let _ = name;
        true
    }

    /// Apply the per-connection setting `name = value` on `conn` (a writer connection that
    /// missed it: another one ran the statement sent through the pool). The default does
    /// nothing: a backend with one writer connection never needs it.
    fn apply_session_setting<'c>(
        conn: &'c mut Self::Connection,
        name: &'c str,
        value: &'c str,
    ) -> BoxFuture<'c, Result<(), Error>> {
        let _ = (conn, name, value);
        Box::pin(async { Ok(()) })
    }

    /// `true` if autocommit writes that queue for the writer may run together in one
    /// transaction (group commit, `statement/group.rs`): worth it where the commit is the
    /// cost and one connection writes (SQLite). The group begins with
    /// [`begin_statement`](Self::begin_statement), and relies on
    /// [`in_transaction`](Self::in_transaction) to tell a failed statement from a failed
    /// transaction.
    fn groups_commits() -> bool {
        false
    }

    /// One command that runs `first`, then `then`, for a driver that runs a string of several
    /// statements in one round trip: in order, binding the arguments across them, stopping at
    /// the first error, and returning each statement's own result (sqlx's SQLite driver). A
    /// group commit then sends its `BEGIN` with its first statement and its `COMMIT` with its
    /// last. `None` (the default): each is sent on its own.
    fn chain(first: &str, then: &str) -> Option<SqlStr> {
        let _ = (first, then);
        None
    }

    /// `true` (the default) if the database takes one writer at a time (SQLite): the write
    /// side is one connection, and a task that waits for the writer it holds itself is told
    /// so. `false` for a server that takes concurrent writers: however many primary
    /// connections, a task holding one is served another, as by a plain pool.
    fn one_writer() -> bool {
        true
    }

    /// `true` if `err` says the connection it came from is broken (closed by the server, cut,
    /// out of sync): the pool closes it rather than use it again. The default: never.
    fn connection_broken(err: &Error) -> bool {
        let _ = err;
        false
    }

    /// The value the per-connection setting `name` has on `conn` now, as the database
    /// reports it, if the backend can ask: spread instead of the text as written (which may
    /// be relative, such as `LOCAL`, or quoted). `None` (the default): the text as written.
    fn session_setting_value<'c>(
        conn: &'c mut Self::Connection,
        name: &'c str,
    ) -> BoxFuture<'c, Result<Option<String>, Error>> {
        let _ = (conn, name);
        Box::pin(async { Ok(None) })
    }
}
