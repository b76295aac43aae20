//! Resource faults and the pool's lifecycle: another process holding the lock, a full disk,
//! the file deleted under a running pool, a missing directory, and the last clone dropped.
//! Each gives a clear error, never reports a failed write as committed, and the pool recovers
//! where SQLite allows.

mod common;

use std::time::Duration;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::Connection;
use sqlx_rw::{RwErrorKind, SqliteRwPool, SqliteRwPoolOptions};

/// A pool whose writer waits only 100 ms for a lock another process holds, with a table `t`.
async fn short_busy_pool() -> (tempfile::TempDir, SqliteRwPool) {
    let options = SqliteRwPoolOptions::new().busy_timeout(Duration::from_millis(100));
    let (dir, pool) = common::file_pool_with(options).await;
    sqlx::query("CREATE TABLE t (x INTEGER)")
        .execute(&pool)
        .await
        .unwrap();
    (dir, pool)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_held_by_another_process_past_busy_timeout_is_named_as_such() {
    let (dir, pool) = short_busy_pool().await;

    // Another process: a plain connection holding the write lock.
    let mut other = common::plain_connection(&dir, "test.db").await;
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .unwrap();

    let err = sqlx::query("INSERT INTO t VALUES (1)")
        .execute(&pool)
        .await
        .unwrap_err();
    assert_eq!(
        common::rw_kind(&err),
        Some(RwErrorKind::LockedByOtherProcess),
        "{err}"
    );
    assert!(err.to_string().contains("another process"), "{err}");
    assert!(
        err.to_string().contains("database is locked"),
        "SQLite's words are kept: {err}"
    );
    let err = pool.begin().await.map(drop).unwrap_err();
    assert_eq!(
        common::rw_kind(&err),
        Some(RwErrorKind::LockedByOtherProcess),
        "{err}"
    );
    // Reads are not blocked by another writer in WAL mode.
    sqlx::query("SELECT COUNT(*) FROM t")
        .fetch_one(&pool)
        .await
        .unwrap();

    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    sqlx::query("INSERT INTO t VALUES (2)")
        .execute(&pool)
        .await
        .unwrap();
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 1, "the refused write did not land; the later one did");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_that_cannot_begin_fails_each_write_as_it_would_alone() {
    let (dir, pool) = short_busy_pool().await;

    // Writes queue behind the held writer, to run as one group once it is free...
    const N: u64 = 4;
    let (held, writes) = common::queue_behind_writer(&pool, N, || {
        (0..N)
            .map(|x| {
                let pool = pool.clone();
                tokio::spawn(async move {
                    sqlx::query("INSERT INTO t VALUES (?)")
                        .bind(x as i64)
                        .execute(&pool)
                        .await
                })
            })
            .collect::<Vec<_>>()
    })
    .await;
    // ...but another process takes the write lock first, past the busy timeout.
    let mut other = common::plain_connection(&dir, "test.db").await;
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .unwrap();
    drop(held);
    for write in writes {
        let err = write.await.unwrap().unwrap_err();
        assert!(err.to_string().contains("database is locked"), "{err}");
        assert_eq!(
            common::rw_kind(&err),
            Some(RwErrorKind::LockedByOtherProcess),
            "each write fails as it would alone: {err}"
        );
    }

    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    sqlx::query("INSERT INTO t VALUES (9)")
        .execute(&pool)
        .await
        .unwrap();
    let rows: Vec<i64> = sqlx::query_scalar("SELECT x FROM t")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(
        rows,
        vec![9],
        "nothing of the refused group landed; the later write did"
    );
    let stats = pool.stats();
    assert_eq!(
        (stats.groups, stats.group_statements),
        (1, N),
        "they were one group"
    );
    assert_eq!(stats.writer_queue, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_fails_writes_clearly_and_the_pool_recovers() {
    let (_dir, pool) = common::file_pool().await;
    sqlx::query("CREATE TABLE t (x BLOB)")
        .execute(&pool)
        .await
        .unwrap();
    leave_room(&pool, 4).await;

    let mut acknowledged = 0;
    let err = loop {
        match sqlx::query("INSERT INTO t VALUES (randomblob(2000))")
            .execute(&pool)
            .await
        {
            Ok(_) => acknowledged += 1,
            Err(e) => break e,
        }
        assert!(acknowledged < 1_000, "the disk never filled");
    };
    assert!(err.to_string().contains("full"), "{err}");
    // A transaction that fills the disk half-way leaves nothing behind.
    let mut tx = pool.begin().await.unwrap();
    let failed = sqlx::query("INSERT INTO t VALUES (randomblob(100000))")
        .execute(&mut *tx)
        .await;
    assert!(failed.is_err());
    drop(tx);
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(rows, acknowledged, "exactly the acknowledged writes exist");

    recovers(&pool, "INSERT INTO t VALUES (randomblob(2000))").await;
}

/// The disk fills while autocommit writes from many tasks run in group commits: each write
/// that did not fit gets the database's own error, every acknowledged one is there and nothing
/// else, and writes work again once there is room.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_disk_that_fills_in_the_middle_of_group_commits_loses_nothing_acknowledged() {
    let (_dir, pool) = common::file_pool().await;
    sqlx::query("CREATE TABLE t (id INTEGER PRIMARY KEY, x BLOB)")
        .execute(&pool)
        .await
        .unwrap();
    leave_room(&pool, 60).await;
    let tasks: Vec<_> = (0..32i64)
        .map(|task| {
            let pool = pool.clone();
            tokio::spawn(async move {
                let mut acked = Vec::new();
                for i in 0..1_000i64 {
                    let id = task * 10_000 + i;
                    match sqlx::query("INSERT INTO t VALUES (?, randomblob(1500))")
                        .bind(id)
                        .execute(&pool)
                        .await
                    {
                        Ok(_) => acked.push(id),
                        Err(e) => return (acked, e.to_string()),
                    }
                }
                (acked, String::from("never full"))
            })
        })
        .collect();
    let mut acked = std::collections::BTreeSet::new();
    for task in tasks {
        let (ids, error) = task.await.unwrap();
        assert!(error.contains("full"), "{error}");
        acked.extend(ids);
    }
    let present: std::collections::BTreeSet<i64> = sqlx::query_scalar("SELECT id FROM t")
        .fetch_all(&pool)
        .await
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(present, acked, "exactly the acknowledged writes exist");
    let stats = pool.stats();
    eprintln!(
        "{} acknowledged before the disk filled; {} groups carried {}",
        acked.len(),
        stats.groups,
        stats.group_statements
    );
    assert!(stats.groups > 0, "the writes ran in groups");

    recovers(&pool, "INSERT INTO t VALUES (-1, randomblob(1500))").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_deleted_under_a_running_pool_never_reports_a_write_as_committed() {
    let (dir, pool) = common::file_pool().await;
    sqlx::query("CREATE TABLE t (x INTEGER)")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO t VALUES (1)")
        .execute(&pool)
        .await
        .unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.path().join(format!("test.db{suffix}")));
    }

    // SQLite goes on writing to the unlinked file; the pool notices and does not
    // acknowledge the write.
    let err = sqlx::query("INSERT INTO t VALUES (2)")
        .execute(&pool)
        .await
        .unwrap_err();
    assert_eq!(
        common::rw_kind(&err),
        Some(RwErrorKind::DatabaseFileMoved),
        "{err}"
    );
    assert!(err.to_string().contains("lost"), "{err}");
    // While the file is missing, writes fail fast and no empty database is created.
    let err = sqlx::query("INSERT INTO t VALUES (3)")
        .execute(&pool)
        .await
        .unwrap_err();
    assert_eq!(
        common::rw_kind(&err),
        Some(RwErrorKind::DatabaseFileMoved),
        "{err}"
    );
    assert!(!dir.path().join("test.db").exists());

    // The cause is fixed (a database is restored at the path): the writer reopens it.
    let mut restored = sqlx::SqliteConnection::connect_with(
        &SqliteConnectOptions::new()
            .filename(dir.path().join("test.db"))
            .create_if_missing(true),
    )
    .await
    .unwrap();
    sqlx::query("CREATE TABLE t (x INTEGER)")
        .execute(&mut restored)
        .await
        .unwrap();
    restored.close().await.unwrap();
    sqlx::query("INSERT INTO t VALUES (4)")
        .execute(&pool)
        .await
        .unwrap();
    let rows: Vec<i64> = {
        let mut conn = common::plain_connection(&dir, "test.db").await;
        sqlx::query_scalar("SELECT x FROM t")
            .fetch_all(&mut conn)
            .await
            .unwrap()
    };
    assert_eq!(
        rows,
        [4],
        "the write after recovery landed in the restored file"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_directory_is_a_clear_error_at_connect() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no/such/dir/app.db");
    let err = SqliteRwPool::connect_with(SqliteConnectOptions::new().filename(&path))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("unable to open database file"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_last_clone_closes_connections_and_leaves_a_clean_wal() {
    let (dir, pool) = common::file_pool().await;
    sqlx::query("CREATE TABLE t (x INTEGER)")
        .execute(&pool)
        .await
        .unwrap();
    for i in 0..100 {
        sqlx::query("INSERT INTO t VALUES (?)")
            .bind(i)
            .execute(&pool)
            .await
            .unwrap();
    }
    sqlx::query("SELECT COUNT(*) FROM t")
        .fetch_one(&pool)
        .await
        .unwrap();
    let wal = dir.path().join("test.db-wal");
    assert!(wal.exists(), "WAL mode is on while the pool runs");
    let clone = pool.clone();
    drop(pool);
    drop(clone);

    // Closing the last connection checkpoints and removes the WAL.
    let mut waited = Duration::ZERO;
    while wal.exists() && std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) > 0 {
        assert!(
            waited < Duration::from_secs(5),
            "the WAL was not checkpointed after drop"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
        waited += Duration::from_millis(20);
    }
    let mut conn = common::plain_connection(&dir, "test.db").await;
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(n, 100);
}

/// A disk with room for `pages` more pages: `max_page_count` acts on the writer, where every
/// write runs.
async fn leave_room(pool: &SqliteRwPool, pages: i64) {
    let used: i64 = sqlx::query_scalar("PRAGMA page_count")
        .fetch_one(pool)
        .await
        .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "PRAGMA max_page_count = {}",
        used + pages
    )))
    .execute(pool)
    .await
    .unwrap();
}

/// The cause is fixed (room on the disk again): `write` works, and the file is sound.
async fn recovers(pool: &SqliteRwPool, write: &'static str) {
    sqlx::query("PRAGMA max_page_count = 1000000")
        .execute(pool)
        .await
        .unwrap();
    sqlx::query(write).execute(pool).await.unwrap();
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(check, "ok");
}
