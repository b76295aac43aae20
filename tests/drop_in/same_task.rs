//! Futures of one task that use the pool at once (`join!`, `select!`, `buffer_unordered`, a
//! stream polled beside other work) queue for the writer like anyone else and all succeed, as
//! on a plain pool. Only a wait the task could never end itself (its own idle stream or
//! connection holds the writer) fails, with `WriterHeldByThisTask`, quickly.

use crate::common;

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::stream::{self, FuturesUnordered, StreamExt, TryStreamExt};
use sqlx::sqlite::SqlitePoolOptions;
use sqlx::AssertSqlSafe;
use sqlx_rw::{RwErrorKind, SqliteRwPool};

async fn memory_pool() -> SqliteRwPool {
    SqliteRwPool::connect("sqlite::memory:").await.unwrap()
}

async fn schema(pool: &SqliteRwPool) {
    sqlx::raw_sql(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL);
         CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);
         INSERT INTO counter VALUES (1, 0);",
    )
    .execute(pool)
    .await
    .unwrap();
}

async fn insert(pool: &SqliteRwPool, id: i64) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO t (id, v) VALUES (?, ?)")
        .bind(id)
        .bind(id * 10)
        .execute(pool)
        .await
        .map(drop)
}

async fn count(pool: &SqliteRwPool) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM t")
        .fetch_one(pool)
        .await
}

/// Runs `f` inside a spawned task, as application code (a request handler, a worker) runs.
async fn in_task<F, T>(f: F) -> T
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    tokio::spawn(f).await.expect("task panicked")
}

/// `join!` of two writes, `select!` of a write and a read (driven until both finish), and
/// `buffer_unordered(8)` of 100 writes, all in one task: `first` is the first id used.
async fn one_task_uses_the_pool_concurrently(pool: &SqliteRwPool, first: i64) -> sqlx::Result<()> {
    let (a, b) = tokio::join!(insert(pool, first), insert(pool, first + 1));
    a?;
    b?;

    let mut write = pin!(insert(pool, first + 2));
    let mut read = pin!(count(pool));
    let (mut wrote, mut read_done) = (false, false);
    while !(wrote && read_done) {
        tokio::select! {
            result = &mut write, if !wrote => { result?; wrote = true; }
            result = &mut read, if !read_done => { result?; read_done = true; }
        }
    }

    stream::iter(first + 3..first + 103)
        .map(|id| insert(pool, id))
        .buffer_unordered(8)
        .try_collect::<Vec<()>>()
        .await?;
    Ok(())
}

async fn concurrent_futures_all_succeed(pool: SqliteRwPool) {
    schema(&pool).await;
    let task_pool = pool.clone();
    in_task(async move { one_task_uses_the_pool_concurrently(&task_pool, 1).await })
        .await
        .unwrap();
    // The same from code that is not a spawned task (`#[tokio::test]`'s body).
    one_task_uses_the_pool_concurrently(&pool, 1000)
        .await
        .unwrap();
    assert_eq!(count(&pool).await.unwrap(), 2 * 103);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn futures_of_one_task_queue_and_all_succeed_on_a_file() {
    let (_dir, pool) = common::file_pool().await;
    concurrent_futures_all_succeed(pool).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn futures_of_one_task_queue_and_all_succeed_in_memory() {
    concurrent_futures_all_succeed(memory_pool().await).await;
}

async fn concurrent_futures_inside_a_raw_transaction(pool: SqliteRwPool) {
    schema(&pool).await;
    let task_pool = pool.clone();
    let pinned_before = pool.stats().pinned_statements;
    let inside = in_task(async move {
        let pool = &task_pool;
        sqlx::query("BEGIN").execute(pool).await?;
        one_task_uses_the_pool_concurrently(pool, 1).await?;
        // Everything above ran inside the transaction: this task sees its 103 rows.
        let seen = count(pool).await?;
        sqlx::query("ROLLBACK").execute(pool).await?;
        Ok::<_, sqlx::Error>(seen)
    })
    .await
    .unwrap();
    assert_eq!(inside, 103);
    // 1 BEGIN … ROLLBACK: every statement in between was pinned, and all were rolled back.
    let pinned = pool.stats().pinned_statements - pinned_before;
    assert_eq!(
        pinned,
        2 + 2 + 100 + 1 + 1,
        "statements run inside the transaction"
    );
    assert_eq!(count(&pool).await.unwrap(), 0, "rolled back together");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn futures_of_one_task_run_one_after_another_inside_its_raw_transaction() {
    let (_dir, pool) = common::file_pool().await;
    concurrent_futures_inside_a_raw_transaction(pool).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn futures_of_one_task_share_its_raw_transaction_in_memory() {
    concurrent_futures_inside_a_raw_transaction(memory_pool().await).await;
}

/// A write that keeps SQLite busy for about `rows` / 8 million seconds on this machine.
fn slow_write(rows: u32) -> String {
    format!(
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {rows})
         UPDATE counter SET n = (SELECT COUNT(*) FROM c)"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_statement_beside_a_quick_one_of_the_same_task_both_succeed() {
    let (_dir, pool) = common::file_pool().await;
    schema(&pool).await;
    let task_pool = pool.clone();
    let (slow_took, quick) = in_task(async move {
        let pool = &task_pool;
        let slow = async {
            let started = Instant::now();
            sqlx::query(AssertSqlSafe(slow_write(16_000_000)))
                .execute(pool)
                .await
                .map(|_| started.elapsed())
        };
        let quick = async {
            tokio::task::yield_now().await;
            insert(pool, 1).await
        };
        let (slow, quick) = tokio::join!(slow, quick);
        (slow.unwrap(), quick)
    })
    .await;
    quick.unwrap();
    // Far longer than the idle proof: a busy statement is never taken for an idle holder.
    assert!(
        slow_took >= Duration::from_secs(1),
        "the slow statement ran {slow_took:?}; make it slower"
    );
    let n: i64 = sqlx::query_scalar("SELECT n FROM counter")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 16_000_000);
    assert_eq!(count(&pool).await.unwrap(), 1);
}

/// A stream on the writer that the task stops polling, then a write by the same task: the
/// write could only wait forever, so it fails fast; the writer is fine once the stream goes.
async fn an_unconsumed_stream_then_a_write(pool: SqliteRwPool, raw_transaction: bool) {
    schema(&pool).await;
    for id in 1..=3 {
        insert(&pool, id).await.unwrap();
    }
    let task_pool = pool.clone();
    let (kind, took) = in_task(async move {
        let pool = &task_pool;
        if raw_transaction {
            sqlx::query("BEGIN").execute(pool).await.unwrap();
        }
        // Outside a transaction a writer stream (`UPDATE … RETURNING`) holds the writer's
        // turn; inside one, any stream holds the transaction (a read, so that dropping it
        // half-way leaves the transaction usable).
        let sql = if raw_transaction {
            "SELECT id FROM t"
        } else {
            "UPDATE t SET v = v + 1 RETURNING id"
        };
        let mut rows = sqlx::query_scalar::<_, i64>(sql).fetch(pool);
        rows.try_next().await.unwrap();
        let started = Instant::now();
        let err = insert(pool, 99).await.unwrap_err();
        let took = started.elapsed();
        drop(rows);
        if raw_transaction {
            sqlx::query("COMMIT").execute(pool).await.unwrap();
        }
        // The writer is usable right after.
        insert(pool, 100).await.unwrap();
        (common::rw_kind(&err), took)
    })
    .await;
    assert_eq!(kind, Some(RwErrorKind::WriterHeldByThisTask));
    assert!(took < Duration::from_millis(100), "failed after {took:?}");
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM t ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(ids, [1, 2, 3, 100]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_behind_the_tasks_own_unconsumed_stream_fails_fast() {
    let (_dir, pool) = common::file_pool().await;
    an_unconsumed_stream_then_a_write(pool, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_behind_the_tasks_own_unconsumed_stream_fails_fast_in_memory() {
    an_unconsumed_stream_then_a_write(memory_pool().await, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_behind_an_unconsumed_stream_in_a_raw_transaction_fails_fast() {
    let (_dir, pool) = common::file_pool().await;
    an_unconsumed_stream_then_a_write(pool, true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_through_the_pool_while_the_task_holds_its_transaction_idle_fails_fast() {
    let (_dir, pool) = common::file_pool().await;
    schema(&pool).await;
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("INSERT INTO t VALUES (1, 1)")
        .execute(&mut *tx)
        .await
        .unwrap();
    for attempt in ["write through &pool", "begin_with"] {
        let started = Instant::now();
        let err = match attempt {
            "begin_with" => pool
                .begin_with("BEGIN IMMEDIATE")
                .await
                .map(drop)
                .unwrap_err(),
            _ => insert(&pool, 2).await.unwrap_err(),
        };
        assert_eq!(
            common::rw_kind(&err),
            Some(RwErrorKind::WriterHeldByThisTask),
            "{attempt}: {err}"
        );
        assert!(started.elapsed() < Duration::from_millis(500), "{attempt}");
    }
    tx.commit().await.unwrap();
    insert(&pool, 3).await.unwrap();
    assert_eq!(count(&pool).await.unwrap(), 2);
}

/// apalis's worker in miniature: one task polls a stream of `UPDATE … RETURNING` claims,
/// acknowledges each job through the pool (`FuturesUnordered`, raced with the stream by
/// `select!`), and runs a heartbeat of two write loops joined with `join!`, all at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_apalis_style_worker_in_one_task_processes_every_job_without_errors() {
    const JOBS: i64 = 1_000;
    let (_dir, pool) = common::file_pool().await;
    sqlx::raw_sql(
        "CREATE TABLE jobs (id INTEGER PRIMARY KEY, status TEXT NOT NULL, lock_by TEXT);
         CREATE TABLE workers (id TEXT PRIMARY KEY, last_seen INTEGER NOT NULL);",
    )
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ?)
         INSERT INTO jobs (id, status) SELECT x, 'pending' FROM n",
    )
    .bind(JOBS)
    .execute(&pool)
    .await
    .unwrap();

    let errors = std::sync::Arc::new(AtomicU64::new(0));
    let beats = std::sync::Arc::new(AtomicU64::new(0));
    let (task_pool, task_errors, task_beats) = (pool.clone(), errors.clone(), beats.clone());
    let acked = in_task(async move {
        let pool = &task_pool;
        let note = |result: sqlx::Result<()>| {
            if let Err(e) = result {
                eprintln!("error: {e}");
                task_errors.fetch_add(1, Ordering::Relaxed);
            }
        };
        let done = AtomicBool::new(false);
        let claims = stream::unfold((), |()| async {
            let claim = sqlx::query_scalar::<_, i64>(
                "UPDATE jobs SET status = 'running', lock_by = 'w1'
                 WHERE id = (SELECT id FROM jobs WHERE status = 'pending' ORDER BY id LIMIT 1)
                 RETURNING id",
            )
            .fetch_optional(pool)
            .await;
            Some((claim, ()))
        });
        let heartbeat = async {
            let keep_alive = async {
                while !done.load(Ordering::Relaxed) {
                    note(
                        sqlx::query(
                            "INSERT INTO workers VALUES ('w1', unixepoch())
                             ON CONFLICT (id) DO UPDATE SET last_seen = excluded.last_seen",
                        )
                        .execute(pool)
                        .await
                        .map(drop),
                    );
                    task_beats.fetch_add(1, Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
            };
            let reenqueue = async {
                while !done.load(Ordering::Relaxed) {
                    note(
                        sqlx::query(
                            "UPDATE jobs SET status = 'pending', lock_by = NULL
                             WHERE status = 'running' AND lock_by = 'gone'",
                        )
                        .execute(pool)
                        .await
                        .map(drop),
                    );
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
            };
            tokio::join!(keep_alive, reenqueue);
        };
        let worker = async {
            let mut claims = pin!(claims);
            let mut acks = FuturesUnordered::new();
            let (mut claimed, mut acked) = (0, 0);
            while acked < JOBS {
                tokio::select! {
                    Some(claim) = claims.next(), if claimed < JOBS => match claim {
                        Ok(Some(id)) => {
                            claimed += 1;
                            acks.push(async move {
                                sqlx::query("UPDATE jobs SET status = 'done' WHERE id = ? AND lock_by = 'w1'")
                                    .bind(id)
                                    .execute(pool)
                                    .await
                                    .map(drop)
                            });
                        }
                        Ok(None) => tokio::time::sleep(Duration::from_millis(1)).await,
                        Err(e) => note(Err(e)),
                    },
                    Some(ack) = acks.next() => {
                        note(ack);
                        acked += 1;
                    }
                }
            }
            done.store(true, Ordering::Relaxed);
            acked
        };
        let (acked, ()) = tokio::join!(worker, heartbeat);
        acked
    })
    .await;
    assert_eq!(errors.load(Ordering::Relaxed), 0);
    assert_eq!(acked, JOBS);
    assert!(beats.load(Ordering::Relaxed) > 0);
    let done: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE status = 'done'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(done, JOBS);
}

/// taskbroker's pattern: the task keeps its writer connection idle in scope (after a VACUUM)
/// and acquires again only to read. A plain pool lends a second connection; so does RwPool,
/// a reader, at once rather than after a timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acquire_while_holding_the_writer_idle_lends_a_reader() {
    let (dir, pool) = common::file_pool().await;
    schema(&pool).await;
    insert(&pool, 1).await.unwrap();

    // On a plain pool, for comparison: both acquires succeed and the read works.
    let plain = SqlitePoolOptions::new()
        .connect_with(
            sqlx::sqlite::SqliteConnectOptions::new().filename(dir.path().join("test.db")),
        )
        .await
        .unwrap();
    let mut plain_writer = plain.acquire().await.unwrap();
    sqlx::query("VACUUM")
        .execute(&mut *plain_writer)
        .await
        .unwrap();
    let mut plain_second = plain.acquire().await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
        .fetch_one(&mut *plain_second)
        .await
        .unwrap();
    assert_eq!(n, 1);
    drop((plain_writer, plain_second));
    plain.close().await;

    let mut writer = pool.acquire().await.unwrap();
    sqlx::query("VACUUM").execute(&mut *writer).await.unwrap();
    let started = Instant::now();
    let mut second = pool.acquire().await.unwrap();
    let took = started.elapsed();
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
        .fetch_one(&mut *second)
        .await
        .unwrap();
    assert_eq!(n, 1);
    let err = sqlx::query("INSERT INTO t VALUES (2, 2)")
        .execute(&mut *second)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("readonly"), "{err}");
    assert_eq!(pool.stats().own_writer_reads, 1);
    assert!(took < Duration::from_millis(500), "took {took:?}");
    drop(second);
    sqlx::query("INSERT INTO t VALUES (3, 3)")
        .execute(&mut *writer)
        .await
        .unwrap();
    drop(writer);
    assert_eq!(count(&pool).await.unwrap(), 2);
}

/// sqlx's own `concurrent_read_and_write`, at 20,000 iterations: the task acquires a
/// connection and moves it into a spawned task that keeps using it, then acquires again and
/// writes. The second acquire must wait for the first connection, not lend a reader.
async fn sqlx_concurrent_read_and_write(pool: SqliteRwPool, n: u32) {
    sqlx::query("CREATE TABLE kv (k PRIMARY KEY, v)")
        .execute(&pool)
        .await
        .unwrap();
    let read = tokio::spawn({
        let mut conn = pool.acquire().await.unwrap();
        async move {
            for i in 0..n {
                sqlx::query("SELECT v FROM kv")
                    .bind(i)
                    .fetch_all(&mut *conn)
                    .await
                    .unwrap();
            }
        }
    });
    let write = tokio::spawn({
        let mut conn = pool.acquire().await.unwrap();
        async move {
            for i in 0..n {
                sqlx::query("INSERT INTO kv (k, v) VALUES (?, ?)")
                    .bind(i)
                    .bind(i * i)
                    .execute(&mut *conn)
                    .await
                    .unwrap();
            }
        }
    });
    read.await.unwrap();
    write.await.unwrap();
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM kv")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(rows, i64::from(n));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlx_concurrent_read_and_write_passes_in_memory() {
    let pool = SqliteRwPool::connect(":memory:").await.unwrap();
    sqlx_concurrent_read_and_write(pool, 20_000).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlx_concurrent_read_and_write_passes_on_a_file() {
    let (_dir, pool) = common::file_pool().await;
    sqlx_concurrent_read_and_write(pool, 20_000).await;
}
