//! The SQLite [`Backend`]: defaults users can trust, read-only readers, and SQLite's grammar.

use std::borrow::Cow;
use std::time::Duration;

use futures_core::future::BoxFuture;
use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, Connection, Error, SqlSafeStr, SqlStr, Sqlite};

use crate::activity::Activity;
use crate::backend::{Backend, ErrorClass, WriterGuard};
use crate::route::Grammar;

mod checkpoint;
mod file;
mod grammar;
pub(crate) mod options;
#[cfg(feature = "sea-orm")]
mod sea_orm;

/// How writer transactions begin: `pool.begin()` and a plain `BEGIN` sent through the pool.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SqliteTransactionMode {
    /// `BEGIN DEFERRED`: takes the write lock at the first write, and fails at once with
    /// `SQLITE_BUSY` if another process holds it then.
    Deferred,
    /// `BEGIN IMMEDIATE` (the default): takes the write lock at `BEGIN`, waiting up to
    /// `busy_timeout` for another process, so a transaction never fails half-way for a lock.
    #[default]
    Immediate,
    /// `BEGIN EXCLUSIVE`: like `IMMEDIATE`; in WAL mode readers are not blocked either way.
    Exclusive,
}

/// Pragmas and modes applied to every SQLite connection the pool opens.
///
/// Set through [`RwPoolOptions`](crate::RwPoolOptions)'s SQLite methods; they are applied over
/// the caller's `SqliteConnectOptions`, so they win where both set the same pragma.
#[derive(Clone, Debug)]
pub struct SqliteSettings {
    pub(crate) journal_mode: SqliteJournalMode,
    pub(crate) synchronous: SqliteSynchronous,
    pub(crate) busy_timeout: Duration,
    pub(crate) foreign_keys: bool,
    pub(crate) journal_size_limit: i64,
    pub(crate) temp_store_memory: bool,
    pub(crate) create_if_missing: bool,
    pub(crate) transaction_mode: SqliteTransactionMode,
    pub(crate) pragmas: Vec<(Cow<'static, str>, Cow<'static, str>)>,
    pub(crate) checkpoints: checkpoint::CheckpointSettings,
}

impl Default for SqliteSettings {
    fn default() -> Self {
        SqliteSettings {
            journal_mode: SqliteJournalMode::Wal,
            synchronous: SqliteSynchronous::Normal,
            busy_timeout: Duration::from_secs(5),
            foreign_keys: true,
            journal_size_limit: 64 * 1024 * 1024,
            temp_store_memory: true,
            create_if_missing: true,
            transaction_mode: SqliteTransactionMode::Immediate,
            pragmas: Vec::new(),
            checkpoints: checkpoint::CheckpointSettings::default(),
        }
    }
}

impl SqliteSettings {
    /// Settings every connection shares, readers included.
    fn apply(&self, options: SqliteConnectOptions) -> SqliteConnectOptions {
        let mut options = options
            .synchronous(self.synchronous)
            .busy_timeout(self.busy_timeout)
            .foreign_keys(self.foreign_keys)
            .pragma("journal_size_limit", self.journal_size_limit.to_string());
        if self.temp_store_memory {
            options = options.pragma("temp_store", "MEMORY");
        }
        for (key, value) in &self.pragmas {
            options = options.pragma(key.clone(), value.clone());
        }
        options
    }
}

/// sqlx keeps `in_memory` private; its `Debug` output is the only public view of it.
fn is_in_memory(options: &SqliteConnectOptions) -> bool {
    let filename = options.get_filename().to_string_lossy();
    filename == ":memory:"
        || filename.starts_with("file:sqlx-in-memory-")
        || format!("{options:?}").contains("in_memory: true")
}

impl Backend for Sqlite {
    type Settings = SqliteSettings;

    fn default_settings() -> SqliteSettings {
        SqliteSettings::default()
    }

    fn grammar() -> &'static Grammar {
        &grammar::GRAMMAR
    }

    fn writer_options(
        settings: &SqliteSettings,
        base: &SqliteConnectOptions,
    ) -> SqliteConnectOptions {
        let options = settings.apply(base.clone());
        if is_in_memory(base) {
            return options;
        }
        // WAL is set once, by the writer, before any reader opens the file: a read-only
        // connection cannot switch the journal mode.
        options
            .journal_mode(settings.journal_mode)
            .create_if_missing(settings.create_if_missing)
    }

    fn reader_targets(
        settings: &SqliteSettings,
        base: &SqliteConnectOptions,
    ) -> Vec<SqliteConnectOptions> {
        if is_in_memory(base) {
            return Vec::new();
        }
        // A reader is the caller's options (collations, extensions, VFS, hooks: nothing is
        // lost) made read-only. sqlx sends every pragma in the options when it opens a
        // connection, and some of them write the file: `auto_vacuum = INCREMENTAL` fails on a
        // read-only connection once a VACUUM has put the file in that mode, and a journal or
        // locking mode is the writer's to set. sqlx cannot remove a pragma, so each of these
        // is overwritten with a value that only reads: `auto_vacuum = NONE` is kept for a
        // VACUUM a reader never runs, and an unknown mode name makes SQLite report the mode
        // instead of changing it.
        vec![settings
            .apply(base.clone())
            .pragma("auto_vacuum", "NONE")
            .pragma("journal_mode", "QUERY")
            .pragma("locking_mode", "QUERY")
            .read_only(true)
            .create_if_missing(false)]
    }

    fn with_session_setting(
        options: SqliteConnectOptions,
        name: &str,
        value: &str,
    ) -> SqliteConnectOptions {
        options.pragma(name.to_owned(), value.to_owned())
    }

    fn readers_can_run(conn: &mut SqliteConnection) -> BoxFuture<'_, Result<bool, Error>> {
        use sqlx::Row;
        Box::pin(async move {
            let row = sqlx::query("PRAGMA main.journal_mode")
                .fetch_one(&mut *conn)
                .await?;
            let mode: String = row.try_get(0)?;
            Ok(mode.eq_ignore_ascii_case("wal"))
        })
    }

    fn begin_statement(settings: &SqliteSettings) -> Option<SqlStr> {
        use sqlx::SqlSafeStr;
        match settings.transaction_mode {
            SqliteTransactionMode::Deferred => None,
            SqliteTransactionMode::Immediate => Some("BEGIN IMMEDIATE".into_sql_str()),
            SqliteTransactionMode::Exclusive => Some("BEGIN EXCLUSIVE".into_sql_str()),
        }
    }

    fn writer_guard(options: &SqliteConnectOptions) -> Option<Box<dyn WriterGuard>> {
        if is_in_memory(options) {
            return None;
        }
        Some(Box::new(file::FileWatch::new(
            options.get_filename().to_path_buf(),
        )))
    }

    fn groups_commits() -> bool {
        true
    }

    fn chain(first: &str, then: &str) -> Option<SqlStr> {
        // The line break ends a `--` comment that `first` may close with; the `;` ends `first`.
        Some(AssertSqlSafe(format!("{first}\n;{then}")).into_sql_str())
    }

    fn in_transaction(conn: &mut SqliteConnection) -> BoxFuture<'_, Result<bool, Error>> {
        Box::pin(async move {
            // `lock_handle` sends an unlock command and waits for the handle's lock. If an
            // earlier `lock_handle` was cancelled after sending its unlock, that stray unlock
            // can hand the lock to this call before commands queued in between have run, and
            // the flag read would be stale. A ping first drains every earlier command.
            conn.ping().await?;
            let mut handle = conn.lock_handle().await?;
            // SAFETY: the locked handle gives exclusive access to a live `sqlite3*` for as long
            // as it is held; sqlite3_get_autocommit only reads a flag of that connection.
            let autocommit =
                unsafe { libsqlite3_sys::sqlite3_get_autocommit(handle.as_raw_handle().as_ptr()) };
            Ok(autocommit == 0)
        })
    }

    fn watch_transactions(
        conn: &mut SqliteConnection,
        on_commit: Box<dyn Fn() + Send + Sync>,
        on_rollback: Box<dyn Fn() + Send + Sync>,
    ) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(async move {
            let mut handle = conn.lock_handle().await?;
            handle.set_commit_hook(move || {
                on_commit();
                // sqlx's wrapper inverts SQLite's convention: `true` lets the commit go ahead.
                true
            });
            handle.set_rollback_hook(on_rollback);
            Ok(())
        })
    }

    fn watch_statements(
        conn: &mut SqliteConnection,
        activity: std::sync::Arc<Activity>,
    ) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(async move {
            let mut handle = conn.lock_handle().await?;
            // The context must live as long as the connection, which sqlx may close on any
            // thread at any time; one small `Activity` per writer connection opened (once per
            // pool, again only when the file is reopened) is leaked rather than freed early.
            activity.watched();
            let context = std::sync::Arc::into_raw(activity) as *mut std::ffi::c_void;
            // SAFETY: the locked handle gives exclusive access to a live `sqlite3*`; the
            // callback only reads `context`, which is never freed.
            unsafe {
                libsqlite3_sys::sqlite3_trace_v2(
                    handle.as_raw_handle().as_ptr(),
                    libsqlite3_sys::SQLITE_TRACE_STMT | libsqlite3_sys::SQLITE_TRACE_PROFILE,
                    Some(on_trace),
                    context,
                );
            }
            Ok(())
        })
    }

    fn rollback(conn: &mut SqliteConnection) -> BoxFuture<'_, Result<(), Error>> {
        use sqlx::Executor;
        Box::pin(async move { conn.execute("ROLLBACK").await.map(|_| ()) })
    }

    fn classify_error(err: &Error) -> ErrorClass {
        const SQLITE_BUSY: i32 = 5;
        const SQLITE_READONLY: i32 = 8;
        match primary_code(err) {
            Some(SQLITE_READONLY) => ErrorClass::ReadOnlyRefusal,
            Some(SQLITE_BUSY) => ErrorClass::Busy,
            _ => ErrorClass::Other,
        }
    }

    fn busy_message(err: &Error) -> String {
        format!(
            "another process held the database's write lock longer than busy_timeout allows \
             (this pool's own writers never contend for it: they queue). Look for another \
             program writing the same file (a second server, a migration tool, a backup, a \
             sqlite3 shell with an open transaction), or raise RwPoolOptions::busy_timeout. \
             SQLite said: {err}"
        )
    }

    fn clone_arguments(arguments: &SqliteArguments) -> SqliteArguments {
        arguments.clone()
    }

    fn upkeep(
        settings: &SqliteSettings,
        base: &SqliteConnectOptions,
    ) -> Option<std::sync::Arc<dyn crate::upkeep::Upkeep<Sqlite>>> {
        if is_in_memory(base) {
            return None;
        }
        Some(std::sync::Arc::new(checkpoint::Checkpoints::new(
            settings.checkpoints.clone(),
            base.get_filename().to_path_buf(),
        )))
    }
}

/// SQLite's trace callback on the writer: a statement began (`SQLITE_TRACE_STMT`, also at
/// each trigger it fires) or finished (`SQLITE_TRACE_PROFILE`, at its end or reset).
unsafe extern "C" fn on_trace(
    event: std::ffi::c_uint,
    context: *mut std::ffi::c_void,
    _statement: *mut std::ffi::c_void,
    _detail: *mut std::ffi::c_void,
) -> std::ffi::c_int {
    // SAFETY: `context` is the leaked `Activity` given to sqlite3_trace_v2, never freed.
    let activity = unsafe { &*(context as *const Activity) };
    match event {
        libsqlite3_sys::SQLITE_TRACE_STMT => activity.statement_started(),
        libsqlite3_sys::SQLITE_TRACE_PROFILE => activity.statement_ended(),
        _ => {}
    }
    0
}

/// The primary result code (the low byte of the extended code) of a SQLite error.
fn primary_code(err: &Error) -> Option<i32> {
    err.as_database_error()
        .filter(|e| e.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some())
        .and_then(|e| e.code())
        .and_then(|code| code.parse::<i32>().ok())
        .map(|code| code & 0xff)
}

#[cfg(test)]
mod tests {
    use crate::route::classify::Verdict;
    use crate::route::{Reason, Route};
    use crate::SqliteRwPool;

    /// A classifier bug is simulated by planting a reader verdict for a write: the reader
    /// refuses it (`SQLITE_READONLY`), the pool runs it on the writer, counts the heal, and
    /// routes it straight to the writer from then on.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_write_misrouted_to_a_reader_is_healed_on_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let pool = SqliteRwPool::connect_with(
            sqlx::sqlite::SqliteConnectOptions::new().filename(dir.path().join("heal.db")),
        )
        .await
        .unwrap();
        sqlx::query("CREATE TABLE t (x INTEGER)")
            .execute(&pool)
            .await
            .unwrap();
        let insert = "INSERT INTO t VALUES (?) RETURNING x";
        let wrong = Verdict::reader(Reason::Query);
        pool.0.cache.overwrite(insert, wrong);

        let x: i64 = sqlx::query_scalar(insert)
            .bind(41)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(x, 41, "ran once, on the writer, with its arguments");
        assert_eq!(pool.stats().healed, 1);
        assert_eq!(pool.route_of(insert), Route::writer(Reason::Healed));

        // The stream path heals too, and nothing ran twice.
        pool.0.cache.overwrite(insert, wrong);
        sqlx::query(insert).bind(42).execute(&pool).await.unwrap();
        let rows: Vec<i64> = sqlx::query_scalar("SELECT x FROM t ORDER BY x")
            .fetch_all(&pool)
            .await
            .unwrap();
        assert_eq!(rows, [41, 42]);
        assert_eq!(pool.stats().healed, 2);
    }
}
