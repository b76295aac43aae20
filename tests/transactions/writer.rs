//! The writer and the readers at the edges of routing: in-memory databases, read-only
//! transactions, `acquire()`, a task that asks for the writer it already holds, arrival order,
//! and `close()`.

use std::time::{Duration, Instant};

use sqlx_rw::{RwErrorKind, SqliteRwPool};

use crate::common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_memory_writes_are_seen_by_reads() {
    for url in [
        "sqlite::memory:",
        "sqlite://:memory:",
        "sqlite://?mode=memory",
    ] {
        let pool = SqliteRwPool::connect(url).await.unwrap();
        sqlx::query("CREATE TABLE t (x INTEGER)")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("INSERT INTO t VALUES (7)")
            .execute(&pool)
            .await
            .unwrap();
        let x: i64 = sqlx::query_scalar("SELECT x FROM t")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(x, 7, "{url}");

        // Concurrent tasks on an in-memory pool all succeed and see each other's writes.
        let mut handles = Vec::new();
        for i in 0..8 {
            let pool = pool.clone();
            handles.push(tokio::spawn(async move {
                for j in 0..50 {
                    sqlx::query("INSERT INTO t VALUES (?)")
                        .bind(i * 100 + j)
                        .execute(&pool)
                        .await?;
                    let mut tx = pool.begin().await?;
                    sqlx::query("UPDATE t SET x = x + 1 WHERE x = 7")
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query("UPDATE t SET x = x - 1 WHERE x = 8")
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM t")
                        .fetch_one(&pool)
                        .await?;
                }
                Ok::<_, sqlx::Error>(())
            }));
        }
        for handle in handles {
            handle.await.unwrap().unwrap();
        }
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(n, 401, "{url}");
        pool.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn begin_read_sees_one_snapshot_and_refuses_writes() {
    let (_dir, pool) = common::file_pool().await;
    sqlx::raw_sql("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);")
        .execute(&pool)
        .await
        .unwrap();

    let mut snapshot = pool.begin_read().await.unwrap();
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
        .fetch_one(&mut *snapshot)
        .await
        .unwrap();
    sqlx::query("INSERT INTO t VALUES (2)")
        .execute(&pool)
        .await
        .unwrap();
    let during: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
        .fetch_one(&mut *snapshot)
        .await
        .unwrap();
    assert_eq!((before, during), (1, 1), "the snapshot does not move");

    let err = sqlx::query("INSERT INTO t VALUES (3)")
        .execute(&mut *snapshot)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("readonly"), "{err}");
    snapshot.rollback().await.unwrap();

    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(after, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acquire_gives_the_writer_and_acquire_read_a_reader() {
    let (_dir, pool) = common::file_pool().await;
    let mut writer = pool.acquire().await.unwrap();
    sqlx::query("CREATE TABLE t (x INTEGER)")
        .execute(&mut *writer)
        .await
        .unwrap();
    drop(writer);

    let mut reader = pool.acquire_read().await.unwrap();
    let err = sqlx::query("INSERT INTO t VALUES (1)")
        .execute(&mut *reader)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("readonly"), "{err}");
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
        .fetch_one(&mut *reader)
        .await
        .unwrap();
    assert_eq!(n, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn asking_again_for_the_writer_this_task_holds_idle_fails_fast_or_lends_a_reader() {
    let (_dir, pool) = common::file_pool().await;
    sqlx::query("CREATE TABLE t (x INTEGER)")
        .execute(&pool)
        .await
        .unwrap();

    let mut tx = pool.begin().await.unwrap();
    sqlx::query("INSERT INTO t VALUES (1)")
        .execute(&mut *tx)
        .await
        .unwrap();

    for attempt in ["begin_with", "write through &pool"] {
        let started = Instant::now();
        let err = match attempt {
            "begin_with" => pool
                .begin_with("BEGIN IMMEDIATE")
                .await
                .map(drop)
                .unwrap_err(),
            _ => sqlx::query("INSERT INTO t VALUES (2)")
                .execute(&pool)
                .await
                .map(drop)
                .unwrap_err(),
        };
        assert_eq!(
            common::rw_kind(&err),
            Some(RwErrorKind::WriterHeldByThisTask),
            "{attempt}: {err}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{attempt} failed at once"
        );
    }
    // begin() begins on a reader: a second transaction, as a plain pool would, read-only.
    let mut second = pool.begin().await.unwrap();
    let seen: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
        .fetch_one(&mut *second)
        .await
        .unwrap();
    assert_eq!(seen, 0, "the reader sees committed data only");
    let err = sqlx::query("INSERT INTO t VALUES (2)")
        .execute(&mut *second)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("readonly"), "{err}");
    drop(second);
    // acquire() lends a reader too.
    let mut second = pool.acquire().await.unwrap();
    let err = sqlx::query("INSERT INTO t VALUES (2)")
        .execute(&mut *second)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("readonly"), "{err}");
    drop(second);
    // Reads through the pool still go to readers (and do not see the uncommitted row).
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
    tx.commit().await.unwrap();

    // Once the transaction is gone the same task gets the writer normally, right away.
    sqlx::query("INSERT INTO t VALUES (3)")
        .execute(&pool)
        .await
        .unwrap();
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 2);

    // Inside a raw transaction through the pool, begin_with() fails at once; begin() and
    // acquire() lend a reader.
    sqlx::query("BEGIN").execute(&pool).await.unwrap();
    let err = pool
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map(drop)
        .unwrap_err();
    assert_eq!(
        common::rw_kind(&err),
        Some(RwErrorKind::WriterHeldByThisTask),
        "{err}"
    );
    let mut reading = pool.begin().await.unwrap();
    assert!(sqlx::query("INSERT INTO t VALUES (4)")
        .execute(&mut *reading)
        .await
        .is_err());
    drop(reading);
    let mut second = pool.acquire().await.unwrap();
    assert!(sqlx::query("INSERT INTO t VALUES (4)")
        .execute(&mut *second)
        .await
        .is_err());
    drop(second);
    assert_eq!(pool.stats().own_writer_reads, 4);
    sqlx::query("ROLLBACK").execute(&pool).await.unwrap();
    pool.begin().await.unwrap().commit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_tasks_wait_for_a_held_writer_in_arrival_order() {
    let (_dir, pool) = common::file_pool().await;
    sqlx::query("CREATE TABLE t (seq INTEGER PRIMARY KEY AUTOINCREMENT, task INTEGER)")
        .execute(&pool)
        .await
        .unwrap();
    let tx = pool.begin().await.unwrap();
    let mut handles = Vec::new();
    for task in 0..20 {
        let writer = pool.clone();
        handles.push(tokio::spawn(async move {
            sqlx::query("INSERT INTO t (task) VALUES (?)")
                .bind(task)
                .execute(&writer)
                .await
                .unwrap();
        }));
        // Make the arrival order unambiguous.
        while pool.stats().writer_queue < task as u64 + 1 {
            tokio::task::yield_now().await;
        }
    }
    tx.commit().await.unwrap();
    for handle in handles {
        handle.await.unwrap();
    }
    let order: Vec<i64> = sqlx::query_scalar("SELECT task FROM t ORDER BY seq")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(
        order,
        (0..20).collect::<Vec<i64>>(),
        "first come, first served"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_fails_queued_writers_cleanly() {
    let (dir, pool) = common::file_pool().await;
    sqlx::query("CREATE TABLE t (x INTEGER)")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("BEGIN").execute(&pool).await.unwrap();
    sqlx::query("INSERT INTO t VALUES (1)")
        .execute(&pool)
        .await
        .unwrap();

    let mut queued = Vec::new();
    for _ in 0..5 {
        let pool = pool.clone();
        queued.push(tokio::spawn(async move {
            sqlx::query("INSERT INTO t VALUES (2)").execute(&pool).await
        }));
    }
    while pool.stats().writer_queue < 5 {
        tokio::task::yield_now().await;
    }
    tokio::time::timeout(Duration::from_secs(5), pool.close())
        .await
        .expect("close does not hang");
    assert!(pool.is_closed());
    for handle in queued {
        let err = handle.await.unwrap().unwrap_err();
        assert!(matches!(err, sqlx::Error::PoolClosed), "{err}");
    }
    let err = sqlx::query("SELECT 1").execute(&pool).await.unwrap_err();
    assert!(matches!(err, sqlx::Error::PoolClosed), "{err}");

    // The open transaction was rolled back, not committed.
    let mut conn = common::plain_connection(&dir, "test.db").await;
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(n, 0);
}
