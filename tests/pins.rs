//! `BEGIN` … `COMMIT` sent as plain strings through `&pool`: each transaction's statements run
//! together on the writer, for the task that began it, and nothing interleaves.

mod common;

use std::time::Duration;

use sqlx::AssertSqlSafe;
use sqlx_rw::RwErrorKind;

const TASKS: i64 = 16;
const ROUNDS: i64 = 40;

/// An UPDATE that keeps SQLite busy for a while (counting `rows` rows), to cancel mid-way.
fn slow_update(rows: u32) -> String {
    format!(
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {rows})
         UPDATE counter SET n = (SELECT COUNT(*) FROM c)"
    )
}

async fn schema(pool: &sqlx_rw::SqliteRwPool) {
    sqlx::raw_sql(
        "CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);
         INSERT INTO counter VALUES (1, 0);
         CREATE TABLE log (task INTEGER, round INTEGER, seen INTEGER, step INTEGER);",
    )
    .execute(pool)
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn raw_transactions_from_many_tasks_stay_together() {
    let (_dir, pool) = common::file_pool().await;
    schema(&pool).await;

    let mut handles = Vec::new();
    for task in 0..TASKS {
        let pool = pool.clone();
        handles.push(tokio::spawn(async move {
            let mut committed = 0;
            for round in 0..ROUNDS {
                // Every fourth round rolls back, one in eight ends with END instead of COMMIT.
                let end = match round % 8 {
                    3 | 7 => "ROLLBACK",
                    5 => "END",
                    _ => "COMMIT",
                };
                sqlx::query("BEGIN").execute(&pool).await.unwrap();
                let seen: i64 = sqlx::query_scalar("SELECT n FROM counter WHERE id = 1")
                    .fetch_one(&pool)
                    .await
                    .unwrap();
                sqlx::query("INSERT INTO log VALUES (?, ?, ?, 1)")
                    .bind(task)
                    .bind(round)
                    .bind(seen)
                    .execute(&pool)
                    .await
                    .unwrap();
                // Yield so other tasks get every chance to interleave if routing let them.
                tokio::task::yield_now().await;
                sqlx::query("UPDATE counter SET n = n + 1 WHERE id = 1")
                    .execute(&pool)
                    .await
                    .unwrap();
                // This task's reads see its own uncommitted writes: they run in the transaction.
                let after: i64 = sqlx::query_scalar("SELECT n FROM counter WHERE id = 1")
                    .fetch_one(&pool)
                    .await
                    .unwrap();
                assert_eq!(after, seen + 1, "no other transaction ran in between");
                let mine: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM log WHERE task = ? AND round = ?")
                        .bind(task)
                        .bind(round)
                        .fetch_one(&pool)
                        .await
                        .unwrap();
                assert_eq!(mine, 1, "the uncommitted row is visible to its own task");
                sqlx::query("INSERT INTO log VALUES (?, ?, ?, 2)")
                    .bind(task)
                    .bind(round)
                    .bind(after)
                    .execute(&pool)
                    .await
                    .unwrap();
                sqlx::query(end).execute(&pool).await.unwrap();
                if end != "ROLLBACK" {
                    committed += 1;
                }
            }
            committed
        }));
    }
    let mut committed = 0;
    for handle in handles {
        committed += handle.await.unwrap();
    }

    let n: i64 = sqlx::query_scalar("SELECT n FROM counter")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, committed, "counter == committed transactions");
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM log")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        rows,
        committed * 2,
        "both rows of every committed transaction, none of the rest"
    );
    // Committed transactions ran one after another: each saw a distinct counter value.
    let distinct: i64 = sqlx::query_scalar("SELECT COUNT(DISTINCT seen) FROM log WHERE step = 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(distinct, committed);
    assert_eq!(pool.stats().abandoned_transactions, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_tasks_read_during_a_pinned_transaction_and_their_writes_wait() {
    let (_dir, pool) = common::file_pool().await;
    schema(&pool).await;

    sqlx::query("BEGIN").execute(&pool).await.unwrap();
    sqlx::query("UPDATE counter SET n = 100")
        .execute(&pool)
        .await
        .unwrap();

    // Another task's read goes to a reader and sees the last committed value.
    let reader = pool.clone();
    let seen: i64 = tokio::spawn(async move {
        sqlx::query_scalar("SELECT n FROM counter")
            .fetch_one(&reader)
            .await
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(seen, 0);

    // Another task's write queues behind the transaction and never joins it.
    let writer = pool.clone();
    let queued = tokio::spawn(async move {
        sqlx::query("UPDATE counter SET n = n + 1")
            .execute(&writer)
            .await
            .unwrap();
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        !queued.is_finished(),
        "a write from another task waits for COMMIT"
    );
    assert_eq!(pool.stats().writer_queue, 1);

    sqlx::query("COMMIT").execute(&pool).await.unwrap();
    tokio::time::timeout(Duration::from_secs(5), queued)
        .await
        .unwrap()
        .unwrap();
    let n: i64 = sqlx::query_scalar("SELECT n FROM counter")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 101);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_begin_takes_the_write_lock_at_once() {
    let (dir, pool) = common::file_pool().await;
    schema(&pool).await;
    sqlx::query("BEGIN").execute(&pool).await.unwrap();

    // A second process (here: a separate plain connection) cannot write while BEGIN holds the
    // lock, which proves BEGIN ran as BEGIN IMMEDIATE rather than DEFERRED.
    use sqlx::Connection;
    let mut other = sqlx::SqliteConnection::connect_with(
        &sqlx::sqlite::SqliteConnectOptions::new()
            .filename(dir.path().join("test.db"))
            .busy_timeout(Duration::from_millis(50)),
    )
    .await
    .unwrap();
    let err = sqlx::query("UPDATE counter SET n = 7")
        .execute(&mut other)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("locked"), "{err}");

    sqlx::query("COMMIT").execute(&pool).await.unwrap();
    sqlx::query("UPDATE counter SET n = 7")
        .execute(&mut other)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn savepoint_outside_a_transaction_starts_one_and_release_ends_it() {
    let (_dir, pool) = common::file_pool().await;
    schema(&pool).await;

    sqlx::query("SAVEPOINT outer_sp")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE counter SET n = 5")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("SAVEPOINT inner_sp")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE counter SET n = 6")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("ROLLBACK TO inner_sp")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("RELEASE outer_sp")
        .execute(&pool)
        .await
        .unwrap();

    // Released: the writer is free for a typed transaction from this same task.
    let mut tx = tokio::time::timeout(Duration::from_secs(2), pool.begin())
        .await
        .unwrap()
        .unwrap();
    let n: i64 = sqlx::query_scalar("SELECT n FROM counter")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(n, 5);
    tx.commit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_raw_transaction_is_rolled_back_and_its_task_told() {
    let options =
        sqlx_rw::SqliteRwPoolOptions::new().idle_transaction_timeout(Duration::from_millis(200));
    let (_dir, pool) = common::file_pool_with(options).await;
    schema(&pool).await;

    // A task that begins, writes, and dies without COMMIT.
    let dying = pool.clone();
    let handle = tokio::spawn(async move {
        sqlx::query("BEGIN").execute(&dying).await.unwrap();
        sqlx::query("UPDATE counter SET n = 666")
            .execute(&dying)
            .await
            .unwrap();
        std::future::pending::<()>().await;
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    handle.abort();

    // Other writers proceed once the idle timeout passes, not after the 30 s acquire timeout.
    let started = std::time::Instant::now();
    sqlx::query("UPDATE counter SET n = n + 1")
        .execute(&pool)
        .await
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
    let n: i64 = sqlx::query_scalar("SELECT n FROM counter")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 1, "the half-done transaction was rolled back");
    assert_eq!(pool.stats().abandoned_transactions, 1);

    // A live task that sat idle too long gets a clear error on its next statement, once.
    sqlx::query("BEGIN").execute(&pool).await.unwrap();
    sqlx::query("UPDATE counter SET n = 500")
        .execute(&pool)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(600)).await;
    let err = sqlx::query("COMMIT").execute(&pool).await.unwrap_err();
    assert_eq!(
        common::rw_kind(&err),
        Some(RwErrorKind::TransactionAbandoned),
        "{err}"
    );
    assert!(err.to_string().contains("rolled back"), "{err}");
    let n: i64 = sqlx::query_scalar("SELECT n FROM counter")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 1);
    sqlx::query("UPDATE counter SET n = n + 1")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(pool.stats().abandoned_transactions, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_statement_rolls_back_its_raw_transaction() {
    let (_dir, pool) = common::file_pool().await;
    schema(&pool).await;

    sqlx::query("BEGIN").execute(&pool).await.unwrap();
    sqlx::query("UPDATE counter SET n = 42")
        .execute(&pool)
        .await
        .unwrap();
    // A statement inside the transaction is dropped before it completes.
    let slow = sqlx::query(AssertSqlSafe(slow_update(3000000))).execute(&pool);
    assert!(tokio::time::timeout(Duration::from_millis(5), slow)
        .await
        .is_err());

    // Another task can write promptly: the writer was released.
    let other = pool.clone();
    tokio::time::timeout(
        Duration::from_secs(5),
        tokio::spawn(async move {
            sqlx::query("UPDATE counter SET n = n + 1")
                .execute(&other)
                .await
                .unwrap();
        }),
    )
    .await
    .unwrap()
    .unwrap();

    let err = sqlx::query("COMMIT").execute(&pool).await.unwrap_err();
    assert_eq!(
        common::rw_kind(&err),
        Some(RwErrorKind::TransactionAbandoned),
        "{err}"
    );
    let n: i64 = sqlx::query_scalar("SELECT n FROM counter")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 1, "the cancelled transaction's UPDATE never landed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn begin_while_a_stale_transaction_is_open_rolls_it_back_and_says_so() {
    let (_dir, pool) = common::file_pool().await;
    schema(&pool).await;

    // The block is cancelled at an await that is not a pool statement, so the pool cannot
    // tell: the transaction stays open for this task.
    let block = async {
        sqlx::query("BEGIN").execute(&pool).await.unwrap();
        sqlx::query("UPDATE counter SET n = 13")
            .execute(&pool)
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_secs(60)).await;
        sqlx::query("COMMIT").execute(&pool).await.unwrap();
    };
    assert!(tokio::time::timeout(Duration::from_millis(100), block)
        .await
        .is_err());

    let err = sqlx::query("BEGIN").execute(&pool).await.unwrap_err();
    assert_eq!(
        common::rw_kind(&err),
        Some(RwErrorKind::TransactionAbandoned),
        "{err}"
    );
    // Cleaned up: the retry works and the stale UPDATE is gone.
    sqlx::query("BEGIN").execute(&pool).await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT n FROM counter")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
    sqlx::query("COMMIT").execute(&pool).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_that_panics_inside_a_raw_transaction_releases_the_writer() {
    let options =
        sqlx_rw::SqliteRwPoolOptions::new().idle_transaction_timeout(Duration::from_millis(200));
    let (_dir, pool) = common::file_pool_with(options).await;
    schema(&pool).await;

    let doomed = pool.clone();
    let outcome = tokio::spawn(async move {
        sqlx::query("BEGIN").execute(&doomed).await.unwrap();
        sqlx::query("UPDATE counter SET n = 99")
            .execute(&doomed)
            .await
            .unwrap();
        panic!("the task dies holding the transaction");
    })
    .await;
    assert!(outcome.unwrap_err().is_panic());

    let started = std::time::Instant::now();
    sqlx::query("UPDATE counter SET n = n + 1")
        .execute(&pool)
        .await
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "released after the idle timeout"
    );
    let n: i64 = sqlx::query_scalar("SELECT n FROM counter")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 1, "the dead task's UPDATE was rolled back");
    assert_eq!(pool.stats().abandoned_transactions, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_after_a_cancelled_statement_is_told_and_never_autocommits() {
    let (_dir, pool) = common::file_pool().await;
    schema(&pool).await;

    sqlx::query("BEGIN").execute(&pool).await.unwrap();
    let slow = sqlx::query(AssertSqlSafe(slow_update(3000000))).execute(&pool);
    assert!(tokio::time::timeout(Duration::from_millis(5), slow)
        .await
        .is_err());
    // The retry comes after the pool has settled the poisoned transaction in the background.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let err = sqlx::query("UPDATE counter SET n = 7")
        .execute(&pool)
        .await
        .unwrap_err();
    assert_eq!(
        common::rw_kind(&err),
        Some(RwErrorKind::TransactionAbandoned),
        "{err}"
    );
    let n: i64 = sqlx::query_scalar("SELECT n FROM counter")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 0, "the retry did not run in autocommit");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nested_statement_while_the_tasks_own_stream_holds_the_writer_fails_at_once() {
    use futures_util::TryStreamExt;
    let (_dir, pool) = common::file_pool().await;
    schema(&pool).await;
    sqlx::query("INSERT INTO log VALUES (1, 1, 1, 1), (2, 2, 2, 2)")
        .execute(&pool)
        .await
        .unwrap();

    // Inside a raw transaction: the stream holds the transaction while it is consumed.
    sqlx::query("BEGIN").execute(&pool).await.unwrap();
    let started = std::time::Instant::now();
    {
        let mut rows = sqlx::query("SELECT task FROM log").fetch(&pool);
        rows.try_next().await.unwrap();
        let err = sqlx::query("UPDATE counter SET n = 1")
            .execute(&pool)
            .await
            .unwrap_err();
        assert_eq!(
            common::rw_kind(&err),
            Some(RwErrorKind::WriterHeldByThisTask),
            "{err}"
        );
    }
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "failed at once, not after a timeout"
    );
    // Dropping a read stream early does not poison the transaction: it goes on.
    sqlx::query("UPDATE counter SET n = 2")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("COMMIT").execute(&pool).await.unwrap();

    // Outside a transaction: a writer stream (UPDATE … RETURNING) holds the writer's turn.
    let started = std::time::Instant::now();
    {
        let mut rows = sqlx::query("UPDATE log SET step = 9 RETURNING task").fetch(&pool);
        rows.try_next().await.unwrap();
        let err = sqlx::query("UPDATE counter SET n = 3")
            .execute(&pool)
            .await
            .unwrap_err();
        assert_eq!(
            common::rw_kind(&err),
            Some(RwErrorKind::WriterHeldByThisTask),
            "{err}"
        );
    }
    assert!(started.elapsed() < Duration::from_secs(2));
    let n: i64 = sqlx::query_scalar("SELECT n FROM counter")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_futures_of_one_task_run_in_turn_inside_its_transaction() {
    let (_dir, pool) = common::file_pool().await;
    schema(&pool).await;
    sqlx::query("BEGIN").execute(&pool).await.unwrap();
    // Two statements of one task at once: the second waits for the first's turn inside the
    // transaction, then runs in it too, as on a plain connection.
    let slow = sqlx::query(AssertSqlSafe(slow_update(300000))).execute(&pool);
    let quick = async {
        tokio::task::yield_now().await;
        sqlx::query("UPDATE counter SET n = n + 1")
            .execute(&pool)
            .await
    };
    let (slow, quick) =
        tokio::time::timeout(Duration::from_secs(10), async { tokio::join!(slow, quick) })
            .await
            .expect("no self-deadlock");
    slow.unwrap();
    quick.unwrap();
    let seen: i64 = sqlx::query_scalar("SELECT n FROM counter")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(seen, 300001, "the quick statement ran after the slow one");
    sqlx::query("ROLLBACK").execute(&pool).await.unwrap();
    let after: i64 = sqlx::query_scalar("SELECT n FROM counter")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        after, 0,
        "both ran inside the transaction and were rolled back together"
    );
}

/// A stream of the task's own transaction stopped before its first row (polled once, then
/// left) is not provably idle, but the next statement's wait for it is still bounded by the
/// acquire timeout: an error, never a hang.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wait_behind_the_tasks_own_unpolled_stream_is_bounded_by_the_acquire_timeout() {
    let (_dir, pool) = common::file_pool_with(
        sqlx_rw::SqliteRwPoolOptions::new().acquire_timeout(Duration::from_millis(300)),
    )
    .await;
    schema(&pool).await;
    sqlx::query("BEGIN").execute(&pool).await.unwrap();
    let bounded = tokio::time::timeout(Duration::from_secs(10), async {
        let sql =
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000)
                   SELECT COUNT(*) FROM c";
        let mut rows = sqlx::query_scalar::<_, i64>(sql).fetch(&pool);
        // Polled once: the query is under way, no row has come back yet.
        assert!(futures_util::poll!(futures_util::StreamExt::next(&mut rows)).is_pending());
        let err = sqlx::query("UPDATE counter SET n = 1")
            .execute(&pool)
            .await
            .unwrap_err();
        assert!(
            matches!(
                common::rw_kind(&err),
                Some(RwErrorKind::WriterTimedOut | RwErrorKind::WriterHeldByThisTask)
            ),
            "{err}"
        );
    })
    .await;
    assert!(
        bounded.is_ok(),
        "the wait ended on its own, well within 10 s"
    );
    sqlx::query("ROLLBACK").execute(&pool).await.unwrap();
}
