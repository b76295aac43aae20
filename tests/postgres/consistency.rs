//! Read-your-writes against real streaming replicas: a task that wrote reads its row at
//! once, 10,000 times across 8 tasks, with no stale read in `Task` and `Pool` modes, while
//! `Eventual` mode shows the stale reads the modes exist for.

use sqlx::AssertSqlSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use sqlx_rw::{PgRwPool, ReadConsistency};

use super::{pg, pool, replica_share, wait_replicated};

const TASKS: u64 = 8;
const ROUNDS: u64 = 1250;

#[derive(Clone, Copy, Debug)]
enum WriteWith {
    Autocommit,
    Transaction,
    Acquired,
}

/// Every task writes a row then reads it back at once, and reads another task's old row
/// (a read outside the write-then-read step). Returns the stale reads.
async fn write_then_read(
    cluster: &pg::Cluster,
    pool: &PgRwPool,
    table: &str,
    how: WriteWith,
) -> (u64, f64) {
    sqlx::query(AssertSqlSafe(format!(
        "CREATE TABLE {table} (id bigint PRIMARY KEY, v bigint)"
    )))
    .execute(pool)
    .await
    .unwrap();
    wait_replicated(cluster, table).await;
    let stale = Arc::new(AtomicU64::new(0));
    // Reads outside the write-then-read step, and how many ran on a replica (the query says
    // where it ran: a standby is in recovery).
    let outside = Arc::new((AtomicU64::new(0), AtomicU64::new(0)));
    let mut tasks = Vec::new();
    for task in 0..TASKS {
        let (pool, stale, table) = (pool.clone(), Arc::clone(&stale), table.to_owned());
        let outside = Arc::clone(&outside);
        tasks.push(tokio::spawn(async move {
            let insert = format!("INSERT INTO {table} VALUES ($1, $2)");
            let read = format!("SELECT v FROM {table} WHERE id = $1");
            for round in 0..ROUNDS {
                let id = (task * ROUNDS + round) as i64;
                match how {
                    WriteWith::Autocommit => {
                        sqlx::query(AssertSqlSafe(insert.clone()))
                            .bind(id)
                            .bind(round as i64)
                            .execute(&pool)
                            .await
                            .unwrap();
                    }
                    WriteWith::Transaction => {
                        let mut tx = pool.begin().await.unwrap();
                        sqlx::query(AssertSqlSafe(insert.clone()))
                            .bind(id)
                            .bind(round as i64)
                            .execute(&mut *tx)
                            .await
                            .unwrap();
                        tx.commit().await.unwrap();
                    }
                    WriteWith::Acquired => {
                        let mut conn = pool.acquire().await.unwrap();
                        sqlx::query(AssertSqlSafe(insert.clone()))
                            .bind(id)
                            .bind(round as i64)
                            .execute(&mut *conn)
                            .await
                            .unwrap();
                        drop(conn);
                    }
                }
                let seen: Option<i64> = sqlx::query_scalar(AssertSqlSafe(read.clone()))
                    .bind(id)
                    .fetch_optional(&pool)
                    .await
                    .unwrap();
                if seen != Some(round as i64) {
                    stale.fetch_add(1, Ordering::Relaxed);
                }
                // Reads outside the write-then-read step: rows written long ago.
                for back in [1, 2, 3] {
                    if round >= 50 * back {
                        let old = id - 50 * back as i64;
                        // One row wherever it runs, even where the old row has not arrived yet
                        // (Eventual mode).
                        let on_replica: bool = sqlx::query_scalar(AssertSqlSafe(format!(
                            "SELECT pg_is_in_recovery() FROM (SELECT v FROM {table} WHERE id = $1) s \
                             RIGHT JOIN (SELECT 1) one ON true"
                        )))
                        .bind(old)
                        .fetch_one(&pool)
                        .await
                        .unwrap();
                        outside.0.fetch_add(1, Ordering::Relaxed);
                        outside
                            .1
                            .fetch_add(u64::from(on_replica), Ordering::Relaxed);
                    }
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    // On the primary: the rows are other tasks', so a replica need not have them all yet.
    let mut tx = pool.begin().await.unwrap();
    let rows: i64 = sqlx::query_scalar(AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(rows as u64, TASKS * ROUNDS);
    let share =
        outside.1.load(Ordering::Relaxed) as f64 / outside.0.load(Ordering::Relaxed).max(1) as f64;
    (stale.load(Ordering::Relaxed), share)
}

async fn run(consistency: ReadConsistency, how: WriteWith) -> Option<(u64, f64)> {
    let (cluster, pool) = pool(consistency).await?;
    let table = pg::unique("ryw");
    let (stale, share) = write_then_read(&cluster, &pool, &table, how).await;
    eprintln!("{consistency:?} {how:?}: {stale} stale of {} reads, {:.1} % of the reads outside the write-then-read steps on replicas, stats {:?}", TASKS * ROUNDS, share * 100.0, pool.stats().replicas);
    pool.close().await;
    Some((stale, share))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn task_consistency_never_reads_stale_after_an_autocommit_write() {
    let Some((stale, share)) = run(ReadConsistency::Task, WriteWith::Autocommit).await else {
        return;
    };
    assert_eq!(stale, 0);
    assert!(
        share >= 0.75,
        "replicas served {:.1} % of reads",
        share * 100.0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn task_consistency_never_reads_stale_after_a_transaction_or_an_acquired_connection() {
    let Some((stale, share)) = run(ReadConsistency::Task, WriteWith::Transaction).await else {
        return;
    };
    assert_eq!(stale, 0, "begin()…commit()");
    assert!(
        share >= 0.9,
        "replicas served {:.1} % of reads",
        share * 100.0
    );
    let Some((stale, share)) = run(ReadConsistency::Task, WriteWith::Acquired).await else {
        return;
    };
    assert_eq!(stale, 0, "acquire()");
    assert!(
        share >= 0.9,
        "replicas served {:.1} % of reads",
        share * 100.0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pool_consistency_never_reads_stale() {
    let Some((stale, share)) = run(ReadConsistency::Pool, WriteWith::Autocommit).await else {
        return;
    };
    assert_eq!(stale, 0);
    assert!(
        share >= 0.9,
        "replicas served {:.1} % of reads",
        share * 100.0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eventual_consistency_reads_stale_which_proves_the_test_can_fail() {
    let Some((stale, share)) = run(ReadConsistency::Eventual, WriteWith::Autocommit).await else {
        return;
    };
    eprintln!(
        "Eventual: {stale} stale of 10,000 write-then-read, {:.1} % of reads on replicas",
        share * 100.0
    );
    assert!(
        stale > 0,
        "Eventual mode read no stale row: the test could not see one"
    );
    assert!(
        share >= 0.9,
        "replicas served {:.1} % of reads",
        share * 100.0
    );
}

/// One task writes rows and passes a token per row to another task, as a request that writes
/// hands a cookie to the next one. Returns the stale reads with and without `after`.
async fn token_hand_over(pool: &PgRwPool, table: &str, with_token: bool) -> u64 {
    const ROWS: i64 = 2000;
    let (send, mut receive) = tokio::sync::mpsc::channel::<(i64, String)>(16);
    let writer = {
        let (pool, table) = (pool.clone(), table.to_owned());
        tokio::spawn(async move {
            for id in 0..ROWS {
                sqlx::query(AssertSqlSafe(format!(
                    "INSERT INTO {table} VALUES ($1, $1)"
                )))
                .bind(id)
                .execute(&pool)
                .await
                .unwrap();
                let token = pool.write_token().await.unwrap().to_string();
                send.send((id, token)).await.unwrap();
            }
        })
    };
    let reader = {
        let (pool, table) = (pool.clone(), table.to_owned());
        tokio::spawn(async move {
            let mut stale = 0;
            while let Some((id, token)) = receive.recv().await {
                let token: sqlx_rw::WriteToken = token.parse().unwrap();
                let on = if with_token {
                    pool.after(&token)
                } else {
                    &pool
                };
                let seen: Option<i64> = sqlx::query_scalar(AssertSqlSafe(format!(
                    "SELECT v FROM {table} WHERE id = $1"
                )))
                .bind(id)
                .fetch_optional(on)
                .await
                .unwrap();
                if seen != Some(id) {
                    stale += 1;
                }
            }
            stale
        })
    };
    writer.await.unwrap();
    reader.await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_token_carries_a_write_to_another_task_with_no_stale_read() {
    // Eventual: only the token makes the reading task wait for the write.
    let Some((cluster, pool)) = pool(ReadConsistency::Eventual).await else {
        return;
    };
    let table = pg::unique("token");
    sqlx::query(AssertSqlSafe(format!(
        "CREATE TABLE {table} (id bigint PRIMARY KEY, v bigint)"
    )))
    .execute(&pool)
    .await
    .unwrap();
    wait_replicated(&cluster, &table).await;
    let with = token_hand_over(&pool, &table, true).await;
    sqlx::query(AssertSqlSafe(format!("TRUNCATE {table}")))
        .execute(&pool)
        .await
        .unwrap();
    let without = token_hand_over(&pool, &table, false).await;
    eprintln!("token across tasks: {with} stale with the token, {without} without");
    assert_eq!(with, 0);
    assert!(
        without > 0,
        "without the token some reads were stale: the test can fail"
    );
    assert!(
        replica_share(&pool) >= 0.9,
        "{:.1} %",
        replica_share(&pool) * 100.0
    );
    pool.close().await;
}
