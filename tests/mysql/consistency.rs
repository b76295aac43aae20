//! Read-your-writes by GTID: a task reads its own writes on MariaDB replicas; other reads stay
//! on replicas; `Eventual` reads do see stale rows; tokens carry positions between tasks.

use std::sync::Arc;

use sqlx::AssertSqlSafe;
use sqlx_rw::{MySqlRwPool, ReadConsistency};

use super::{my, pool_with, WHERE_AM_I};

/// 8 tasks, each `rounds` times: update its row, then read it back at once. The number of
/// reads that missed the task's own write.
async fn write_then_read(pool: &MySqlRwPool, table: &str, rounds: i64) -> u64 {
    let mut tasks = Vec::new();
    for task in 0..8i64 {
        let (pool, table) = (pool.clone(), table.to_owned());
        tasks.push(tokio::spawn(async move {
            let mut stale = 0u64;
            for round in 1..=rounds {
                sqlx::query(AssertSqlSafe(format!(
                    "UPDATE {table} SET v = ? WHERE id = ?"
                )))
                .bind(round)
                .bind(task)
                .execute(&pool)
                .await
                .unwrap();
                let v: i64 = sqlx::query_scalar(AssertSqlSafe(format!(
                    "SELECT v FROM {table} WHERE id = ?"
                )))
                .bind(task)
                .fetch_one(&pool)
                .await
                .unwrap();
                stale += u64::from(v != round);
            }
            stale
        }));
    }
    let mut stale = 0;
    for task in tasks {
        stale += task.await.unwrap();
    }
    stale
}

async fn rows(pool: &MySqlRwPool, cluster: &my::Cluster) -> String {
    let table = my::unique("ryw");
    sqlx::query(AssertSqlSafe(format!(
        "CREATE TABLE {table} (id INT PRIMARY KEY, v BIGINT NOT NULL)"
    )))
    .execute(pool)
    .await
    .unwrap();
    for id in 0..8 {
        sqlx::query(AssertSqlSafe(format!("INSERT INTO {table} VALUES (?, 0)")))
            .bind(id)
            .execute(pool)
            .await
            .unwrap();
    }
    my::wait_caught_up(cluster).await;
    table
}

/// Reads by tasks that wrote nothing: the share served by replicas.
async fn others_on_replicas(pool: &MySqlRwPool) -> f64 {
    let mut on = 0i64;
    for _ in 0..200 {
        on += sqlx::query_scalar::<_, i64>(WHERE_AM_I)
            .fetch_one(pool)
            .await
            .unwrap();
    }
    on as f64 / 200.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_thousand_writes_read_back_at_once_are_never_stale_in_task_mode() {
    let Some((cluster, pool, _)) = pool_with("ryw_task", ReadConsistency::Task).await else {
        return;
    };
    let table = rows(&pool, &cluster).await;
    let before = pool.stats();
    let stale = write_then_read(&pool, &table, 1250).await;
    let after = pool.stats();
    let on_replicas: u64 = after.replicas.iter().map(|r| r.reads).sum::<u64>()
        - before.replicas.iter().map(|r| r.reads).sum::<u64>();
    let on_primary = after.fresh_reads_on_writer - before.fresh_reads_on_writer;
    eprintln!(
        "Task: 10000 write-then-read, {stale} stale, {on_replicas} read on replicas, \
         {on_primary} on the primary (replica behind)"
    );
    assert_eq!(stale, 0);
    assert_eq!(on_replicas + on_primary, 10_000);
    // A task that wrote nothing reads on replicas.
    let share = tokio::spawn({
        let pool = pool.clone();
        async move { others_on_replicas(&pool).await }
    })
    .await
    .unwrap();
    eprintln!(
        "Task: reads by a task that wrote nothing: {:.1} % on replicas",
        share * 100.0
    );
    assert!(
        share >= 0.9,
        "{:.1} % of other reads on replicas",
        share * 100.0
    );
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eventual_reads_do_miss_fresh_writes() {
    let Some((cluster, pool, _)) = pool_with("ryw_eventual", ReadConsistency::Eventual).await
    else {
        return;
    };
    let table = rows(&pool, &cluster).await;
    let stale = write_then_read(&pool, &table, 1250).await;
    eprintln!("Eventual: 10000 write-then-read, {stale} stale");
    assert!(
        stale > 0,
        "replicas lag, so some reads miss the write just made"
    );
    let share = others_on_replicas(&pool).await;
    eprintln!("Eventual: other reads: {:.1} % on replicas", share * 100.0);
    assert!(share >= 0.9, "{:.1} % on replicas", share * 100.0);
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_token_carries_a_write_to_another_task() {
    let Some((cluster, pool, _)) = pool_with("token", ReadConsistency::Task).await else {
        return;
    };
    let table = rows(&pool, &cluster).await;
    let pool = Arc::new(pool);
    let mut stale = 0;
    for round in 1..=300i64 {
        let token = tokio::spawn({
            let (pool, table) = (pool.clone(), table.clone());
            async move {
                sqlx::query(AssertSqlSafe(format!(
                    "UPDATE {table} SET v = ? WHERE id = 0"
                )))
                .bind(round)
                .execute(&*pool)
                .await
                .unwrap();
                pool.write_token().await.unwrap().to_string()
            }
        })
        .await
        .unwrap();
        // Another task (another request), with the token from a cookie.
        let seen = tokio::spawn({
            let (pool, table) = (pool.clone(), table.clone());
            async move {
                let token: sqlx_rw::WriteToken = token.parse().unwrap();
                assert!(!token.position().is_origin(), "a GTID position: {token}");
                sqlx::query_scalar::<_, i64>(AssertSqlSafe(format!(
                    "SELECT v FROM {table} WHERE id = 0"
                )))
                .fetch_one(pool.after(&token))
                .await
                .unwrap()
            }
        })
        .await
        .unwrap();
        stale += u64::from(seen != round);
    }
    assert_eq!(stale, 0);
}
