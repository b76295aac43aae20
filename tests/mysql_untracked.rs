//! A primary that keeps no GTIDs (MariaDB with its binary log off; MySQL with
//! `gtid_mode=OFF`): the pool says so at `connect`, and after each write the task reads on the
//! primary for `untracked_write_window`, then on replicas again. (Its own test binary: it
//! records the pool's tracing events, see `common::capture`.)

mod common;

use std::time::Duration;

use common::capture::Events;
use common::my;
use sqlx::{AssertSqlSafe, ConnectOptions, Connection, Executor};
use sqlx_rw::MySqlRwPoolOptions;

#[tokio::test(flavor = "current_thread")]
async fn without_gtids_a_writer_reads_on_the_primary_for_the_window() {
    let events = Events::default();
    let _guard = common::capture::listen(events.clone(), tracing::level_filters::LevelFilter::WARN);

    let Some(cluster) = my::shared() else {
        return;
    };
    let single = my::single(&cluster);
    // The same empty table on both sides: on the server without a binary log (the primary
    // here), and on the cluster's replica (made on its primary, replicated).
    let table = my::unique("untracked");
    let create = format!("CREATE TABLE {table} (id INT PRIMARY KEY, v INT)");
    for url in [&single, &cluster.primary] {
        let mut conn = url
            .parse::<sqlx::mysql::MySqlConnectOptions>()
            .unwrap()
            .connect()
            .await
            .unwrap();
        conn.execute(AssertSqlSafe(create.as_str())).await.unwrap();
        conn.close().await.unwrap();
    }
    my::wait_caught_up(&cluster).await;
    let window = Duration::from_millis(400);
    let pool = MySqlRwPoolOptions::new()
        .replica(&cluster.replicas[0])
        .untracked_write_window(window)
        .connect(&single)
        .await
        .unwrap();
    let warned = events.recorded.lock().unwrap().clone();
    assert!(
        warned
            .iter()
            .any(|(level, message)| *level == tracing::Level::WARN
                && message.contains("binary log is off")
                && message.contains("untracked_write_window")),
        "the pool says so at connect: {warned:?}"
    );
    let read = format!("SELECT v FROM {table} WHERE id = 1");
    let mut seen = Vec::new();
    for round in 0..20 {
        sqlx::query(AssertSqlSafe(format!(
            "REPLACE INTO {table} VALUES (1, {round})"
        )))
        .execute(&pool)
        .await
        .unwrap();
        let v: Option<i32> = sqlx::query_scalar(AssertSqlSafe(read.as_str()))
            .fetch_optional(&pool)
            .await
            .unwrap();
        seen.push(v);
    }
    assert!(
        seen.iter()
            .enumerate()
            .all(|(round, v)| *v == Some(round as i32)),
        "within the window, every read saw the write: {seen:?}"
    );
    let stats = pool.stats();
    assert_eq!(stats.untracked_writes, 20);
    assert_eq!(stats.fresh_reads_on_writer, 20, "read on the primary");
    // Past the window, the task's reads go to the replica again (which never has these rows:
    // it replicates another server).
    tokio::time::sleep(window + Duration::from_millis(100)).await;
    let v: Option<i32> = sqlx::query_scalar(AssertSqlSafe(read.as_str()))
        .fetch_optional(&pool)
        .await
        .unwrap();
    assert_eq!(v, None, "served by the replica");
    assert_eq!(pool.stats().replicas[0].reads, 1);
    pool.close().await;
}
