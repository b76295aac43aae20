//! Settings that reach every connection: per-connection pragmas sent through the pool, the
//! caller's connect options on readers (without the pragmas that would make a read-only
//! connection write), journal-mode changes, and readers that cannot open.

use crate::common;

use std::ffi::{c_char, c_void, CStr};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use sqlx::sqlite::{SqliteAutoVacuum, SqliteConnectOptions, SqliteConnection};
use sqlx::Row;
use sqlx_rw::{RwErrorKind, SqliteRwPool, SqliteRwPoolOptions};

async fn pragma_on(conn: &mut SqliteConnection, name: &str) -> i64 {
    sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA {name}")))
        .fetch_one(conn)
        .await
        .unwrap()
        .get(0)
}

/// Reads `name` on the writer and on `readers` reader connections held at once.
async fn pragma_everywhere(pool: &SqliteRwPool, name: &str, readers: usize) -> Vec<i64> {
    let mut values = vec![pragma_on(&mut pool.acquire().await.unwrap(), name).await];
    let mut held = Vec::new();
    for _ in 0..readers {
        held.push(pool.acquire_read().await.unwrap());
    }
    for conn in &mut held {
        values.push(pragma_on(conn, name).await);
    }
    values
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_per_connection_pragma_sent_through_the_pool_reaches_every_connection() {
    let (_dir, pool) = common::file_pool_with(SqliteRwPoolOptions::new().readers(6)).await;
    sqlx::query("CREATE TABLE t (x INTEGER)")
        .execute(&pool)
        .await
        .unwrap();
    // Two readers open before the setting: they must not serve reads with the old value.
    assert_eq!(pragma_everywhere(&pool, "cache_size", 2).await.len(), 3);
    let before = pragma_on(&mut pool.acquire_read().await.unwrap(), "cache_size").await;
    assert_ne!(before, -12345);

    let route = pool.route_of("PRAGMA cache_size = -12345");
    assert_eq!(route.reason(), sqlx_rw::Reason::SessionSetting);
    sqlx::query("PRAGMA cache_size = -12345")
        .execute(&pool)
        .await
        .unwrap();
    // The writer and three readers held at once, then all six (three opened later).
    assert_eq!(pragma_everywhere(&pool, "cache_size", 3).await, [-12345; 4]);
    assert_eq!(pragma_everywhere(&pool, "cache_size", 6).await, [-12345; 7]);
    // Reads through the pool run on readers that have it.
    let through_pool: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pragma_table_list")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(through_pool > 0);
    assert_eq!(pool.stats().settings_spread, 1);
    // The same value again changes nothing.
    sqlx::query("PRAGMA cache_size = -12345")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(pool.stats().settings_spread, 1);
}

/// apalis-sql's `SqliteStorage::setup`, statement for statement, through the pool.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_librarys_setup_pragmas_run_through_the_pool() {
    let (_dir, pool) = common::file_pool_with(SqliteRwPoolOptions::new().readers(2)).await;
    for sql in [
        "PRAGMA journal_mode = 'WAL';",
        "PRAGMA temp_store = 2;",
        "PRAGMA synchronous = NORMAL;",
        "PRAGMA cache_size = 64000;",
    ] {
        sqlx::query(sql).execute(&pool).await.unwrap();
    }
    assert_eq!(pragma_everywhere(&pool, "temp_store", 2).await, [2; 3]);
    assert_eq!(pragma_everywhere(&pool, "cache_size", 2).await, [64000; 3]);
    assert!(!pool.stats().readers_paused);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_setting_in_a_batch_or_call_form_reaches_readers_too() {
    let (_dir, pool) = common::file_pool_with(SqliteRwPoolOptions::new().readers(2)).await;
    sqlx::raw_sql(
        "CREATE TABLE t (x INTEGER); PRAGMA main.cache_size(-777); PRAGMA case_sensitive_like = 1",
    )
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(pragma_everywhere(&pool, "cache_size", 2).await, [-777; 3]);
    // case_sensitive_like cannot be queried; its effect can.
    let matched: i64 = sqlx::query_scalar("SELECT 'ABC' LIKE 'abc'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(matched, 0, "the reader compares case-sensitively");
}

/// taskbroker builds its options with `auto_vacuum(Incremental)`: after a VACUUM puts the file
/// in that mode, new readers must still open (and serve reads themselves, not fall back).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readers_still_open_after_a_vacuum_changes_auto_vacuum() {
    let dir = tempfile::tempdir().unwrap();
    let options = SqliteConnectOptions::new()
        .filename(dir.path().join("av.db"))
        .auto_vacuum(SqliteAutoVacuum::Incremental);
    let pool = SqliteRwPoolOptions::new()
        .readers(2)
        .max_lifetime(Duration::from_millis(100))
        .connect_with(options)
        .await
        .unwrap();
    sqlx::raw_sql("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2);")
        .execute(&pool)
        .await
        .unwrap();
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 2);
    sqlx::query("VACUUM").execute(&pool).await.unwrap();
    let mode: i64 = sqlx::query_scalar("PRAGMA auto_vacuum")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(mode, 2, "VACUUM put the file in incremental mode");

    // Readers older than max_lifetime are replaced: every one of these opens a new reader.
    let before = pool.stats();
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(n, 2);
    }
    let after = pool.stats();
    assert_eq!(after.reader_fallbacks, 0, "every reader opened");
    assert_eq!(after.reader_statements - before.reader_statements, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_that_cannot_open_falls_back_to_the_writer() {
    // `user_version` in the options writes the file header: the writer sets it, a read-only
    // connection cannot.
    let dir = tempfile::tempdir().unwrap();
    let options = SqliteConnectOptions::new()
        .filename(dir.path().join("fallback.db"))
        .pragma("user_version", "7");
    let pool = SqliteRwPoolOptions::new()
        .readers(2)
        .connect_with(options)
        .await
        .unwrap();
    sqlx::query("CREATE TABLE t (x INTEGER)")
        .execute(&pool)
        .await
        .unwrap();
    for _ in 0..3 {
        let v: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(v, 0);
    }
    let stats = pool.stats();
    assert_eq!(stats.reader_fallbacks, 3);
    assert_eq!(stats.reader_statements, 0);
}

/// A VFS that is SQLite's default under another name, registered once per process.
fn test_vfs() -> &'static str {
    static NAME: OnceLock<&'static str> = OnceLock::new();
    NAME.get_or_init(|| {
        const NAME: &CStr = c"sqlx_rw_test_vfs";
        // SAFETY: the copy keeps the default VFS's methods and app data; its name is a static
        // string, and the struct is leaked, as a registered VFS must outlive every connection.
        unsafe {
            let default = libsqlite3_sys::sqlite3_vfs_find(std::ptr::null());
            assert!(!default.is_null());
            let mut copy = *default;
            copy.zName = NAME.as_ptr();
            copy.pNext = std::ptr::null_mut();
            let rc = libsqlite3_sys::sqlite3_vfs_register(Box::leak(Box::new(copy)), 0);
            assert_eq!(rc, libsqlite3_sys::SQLITE_OK);
        }
        "sqlx_rw_test_vfs"
    })
}

async fn vfs_of(conn: &mut SqliteConnection) -> String {
    let mut handle = conn.lock_handle().await.unwrap();
    let mut name: *mut c_char = std::ptr::null_mut();
    // SAFETY: the locked handle is a live connection; SQLite writes a string it allocated
    // with sqlite3_malloc into `name`, freed below.
    unsafe {
        let rc = libsqlite3_sys::sqlite3_file_control(
            handle.as_raw_handle().as_ptr(),
            c"main".as_ptr(),
            libsqlite3_sys::SQLITE_FCNTL_VFSNAME,
            &mut name as *mut *mut c_char as *mut c_void,
        );
        assert_eq!(rc, libsqlite3_sys::SQLITE_OK);
        let found = CStr::from_ptr(name).to_string_lossy().into_owned();
        libsqlite3_sys::sqlite3_free(name as *mut c_void);
        found
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_callers_collation_and_vfs_reach_the_readers() {
    let dir = tempfile::tempdir().unwrap();
    let options = SqliteConnectOptions::new()
        .filename(dir.path().join("vfs.db"))
        .vfs(test_vfs())
        .collation("reversed", |a: &str, b: &str| b.cmp(a));
    let pool = SqliteRwPoolOptions::new()
        .readers(2)
        .connect_with(options)
        .await
        .unwrap();
    sqlx::raw_sql("CREATE TABLE t (name TEXT); INSERT INTO t VALUES ('a'), ('c'), ('b');")
        .execute(&pool)
        .await
        .unwrap();
    let before = pool.stats();
    let names: Vec<String> =
        sqlx::query_scalar("SELECT name FROM t ORDER BY name COLLATE reversed")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(names, ["c", "b", "a"]);
    let after = pool.stats();
    assert_eq!(after.reader_statements - before.reader_statements, 1);
    assert_eq!(after.reader_fallbacks, 0);
    assert_eq!(
        vfs_of(&mut pool.acquire_read().await.unwrap()).await,
        test_vfs()
    );
    assert_eq!(vfs_of(&mut pool.acquire().await.unwrap()).await, test_vfs());
}

/// sqlx's reversible no-transaction migrations test: up sets WAL, down sets DELETE.
async fn migrate_up_and_down(pool: &SqliteRwPool) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("0_vacuum.up.sql"),
        "-- no-transaction\n\nPRAGMA JOURNAL_MODE = WAL;\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("0_vacuum.down.sql"),
        "-- no-transaction\n\nPRAGMA JOURNAL_MODE = DELETE;\n",
    )
    .unwrap();
    let migrator = sqlx::migrate::Migrator::new(dir.path()).await.unwrap();
    migrator.run(pool).await.unwrap();
    let mode: String = sqlx::query_scalar("PRAGMA JOURNAL_MODE")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    migrator.undo(pool, -1).await.unwrap();
    let mode: String = sqlx::query_scalar("PRAGMA JOURNAL_MODE")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(mode, "delete");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_down_migration_leaving_wal_works_on_an_acquired_connection() {
    // Migrations run on an acquired connection; nothing has read yet, so no reader holds the
    // file open and SQLite lets the writer leave WAL.
    let (_dir, pool) = common::file_pool().await;
    migrate_up_and_down(&pool).await;
    assert_eq!(pool.stats().readers_open, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leaving_wal_through_the_pool_pauses_readers_and_returning_resumes_them() {
    let (_dir, pool) = common::file_pool_with(SqliteRwPoolOptions::new().readers(3)).await;
    sqlx::raw_sql("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);")
        .execute(&pool)
        .await
        .unwrap();
    // Readers are open and idle, as in a running service.
    assert_eq!(pragma_everywhere(&pool, "user_version", 3).await.len(), 4);
    assert!(pool.stats().readers_open > 0);

    let started = Instant::now();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode = DELETE")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(mode, "delete");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "no busy wait: {:?}",
        started.elapsed()
    );
    let stats = pool.stats();
    assert!(stats.readers_paused);
    assert_eq!(stats.readers_open, 0);

    // Reads and writes go on, all on the writer.
    let before = pool.stats();
    sqlx::query("INSERT INTO t VALUES (2)")
        .execute(&pool)
        .await
        .unwrap();
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 2);
    let mid = pool.stats();
    assert_eq!(mid.reader_statements, before.reader_statements);
    assert_eq!(mid.writer_statements - before.writer_statements, 2);

    let mode: String = sqlx::query_scalar("PRAGMA journal_mode = WAL")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    assert!(!pool.stats().readers_paused);
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 2);
    assert_eq!(pool.stats().reader_statements - mid.reader_statements, 1);

    // sqlx's reversible migration, after reads, through the pool's own acquire: the readers
    // must be paused first, which only a statement through `&pool` can do; the migration
    // itself runs on an acquired connection.
    sqlx::query("PRAGMA journal_mode = DELETE")
        .execute(&pool)
        .await
        .unwrap();
    migrate_up_and_down(&pool).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leaving_wal_on_an_acquired_connection_while_readers_are_open_fails_at_once() {
    let (_dir, pool) = common::file_pool_with(SqliteRwPoolOptions::new().readers(2)).await;
    sqlx::query("CREATE TABLE t (x INTEGER)")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(pragma_everywhere(&pool, "user_version", 2).await.len(), 3);
    let mut conn = pool.acquire().await.unwrap();
    let started = Instant::now();
    let err = sqlx::query("PRAGMA journal_mode = DELETE")
        .execute(&mut *conn)
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(err.to_string().contains("locked"), "{err}");
    assert_eq!(
        common::rw_kind(&err),
        None,
        "SQLite's own error, not a pool diagnosis"
    );
}
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn locking_mode_is_refused_and_write_pragmas_apply_to_every_write() {
    let (_dir, pool) = common::file_pool().await;
    let err = sqlx::query("PRAGMA locking_mode = EXCLUSIVE")
        .execute(&pool)
        .await
        .unwrap_err();
    assert_eq!(common::rw_kind(&err), Some(RwErrorKind::Rejected), "{err}");
    assert!(err.to_string().contains("readers out"), "{err}");
    let err = sqlx::raw_sql("SELECT 1; PRAGMA locking_mode = EXCLUSIVE")
        .execute(&pool)
        .await
        .unwrap_err();
    assert_eq!(common::rw_kind(&err), Some(RwErrorKind::Rejected), "{err}");

    // foreign_keys changes how writes behave: it runs on the writer, where every write runs.
    sqlx::raw_sql(
        "CREATE TABLE p (id INTEGER PRIMARY KEY);
         CREATE TABLE c (p_id INTEGER REFERENCES p(id));",
    )
    .execute(&pool)
    .await
    .unwrap();
    assert!(sqlx::query("INSERT INTO c VALUES (1)")
        .execute(&pool)
        .await
        .is_err());
    sqlx::query("PRAGMA foreign_keys = OFF")
        .execute(&pool)
        .await
        .unwrap();
    for _ in 0..10 {
        sqlx::query("INSERT INTO c VALUES (1)")
            .execute(&pool)
            .await
            .unwrap();
    }

    // The options builder sets a per-connection pragma on every connection, readers included.
    let (_dir2, pool2) =
        common::file_pool_with(sqlx_rw::SqliteRwPoolOptions::new().pragma("cache_size", "-4321"))
            .await;
    let on_writer: i64 = {
        let mut conn = pool2.acquire().await.unwrap();
        sqlx::query_scalar("PRAGMA cache_size")
            .fetch_one(&mut *conn)
            .await
            .unwrap()
    };
    let mut reader = pool2.acquire_read().await.unwrap();
    let on_reader: i64 = sqlx::query_scalar("PRAGMA cache_size")
        .fetch_one(&mut *reader)
        .await
        .unwrap();
    assert_eq!((on_writer, on_reader), (-4321, -4321));
}

/// A journal-mode change that never runs (its caller gave up while it waited for the writer)
/// must not leave the readers paused: the pool reads the mode again and reopens them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_journal_mode_change_does_not_leave_readers_paused() {
    let (_dir, pool) = common::file_pool_with(SqliteRwPoolOptions::new().readers(2)).await;
    sqlx::query("CREATE TABLE t (x INTEGER)")
        .execute(&pool)
        .await
        .unwrap();
    // Another task holds the writer, so the change waits in the queue.
    let holder = pool.clone();
    let (held, release) = tokio::sync::oneshot::channel::<()>();
    let (ready, is_ready) = tokio::sync::oneshot::channel::<()>();
    let holding = tokio::spawn(async move {
        let tx = holder.begin().await.unwrap();
        ready.send(()).unwrap();
        release.await.ok();
        tx.commit().await.unwrap();
    });
    is_ready.await.unwrap();
    let change = sqlx::query("PRAGMA journal_mode = DELETE").execute(&pool);
    assert!(tokio::time::timeout(Duration::from_millis(200), change)
        .await
        .is_err());
    assert!(
        pool.stats().readers_paused,
        "paused while the change was under way"
    );
    drop(held);
    holding.await.unwrap();
    // The mode is still WAL: readers come back, and reads use them.
    let mut resumed = false;
    for _ in 0..200 {
        if !pool.stats().readers_paused {
            resumed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(resumed, "readers resumed");
    let before = pool.stats().reader_statements;
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
    assert_eq!(pool.stats().reader_statements, before + 1);
}

/// After `close()`, nothing reopens readers, not even a journal-mode change that fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_pool_reopens_no_reader() {
    let (_dir, pool) = common::file_pool_with(SqliteRwPoolOptions::new().readers(2)).await;
    sqlx::query("CREATE TABLE t (x INTEGER)")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("SELECT * FROM t")
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    // New connect options after close replace no reader.
    pool.set_connect_options((*pool.connect_options()).clone());
    let err = sqlx::query("SELECT * FROM t")
        .fetch_all(&pool)
        .await
        .unwrap_err();
    assert!(matches!(err, sqlx::Error::PoolClosed), "{err}");
    // Nor does a journal-mode change, which fails.
    let err = sqlx::query("PRAGMA journal_mode = DELETE")
        .execute(&pool)
        .await
        .unwrap_err();
    assert!(matches!(err, sqlx::Error::PoolClosed), "{err}");
    tokio::time::sleep(Duration::from_millis(50)).await;
    let err = sqlx::query("SELECT * FROM t")
        .fetch_all(&pool)
        .await
        .unwrap_err();
    assert!(matches!(err, sqlx::Error::PoolClosed), "{err}");
    assert_eq!(pool.stats().readers_open, 0);
}
