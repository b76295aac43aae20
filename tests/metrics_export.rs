//! With the `metrics` feature, the pool's figures reach whatever recorder the application
//! installed. Run with `cargo test --features metrics --test metrics_export`.
#![cfg(feature = "metrics")]

mod common;

use common::pg;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use sqlx_rw::SqliteRwPoolOptions;

use metrics::{
    Counter, CounterFn, Gauge, GaugeFn, Histogram, Key, KeyName, Metadata, Recorder, SharedString,
    Unit,
};

type Values = Arc<Mutex<HashMap<String, f64>>>;

/// Keeps the last value published under each key (`name{label=value,…}`).
#[derive(Clone, Default)]
struct Capture(Values);

struct Cell(String, Values);

impl CounterFn for Cell {
    fn increment(&self, value: u64) {
        *self.1.lock().unwrap().entry(self.0.clone()).or_default() += value as f64;
    }
    fn absolute(&self, value: u64) {
        self.1.lock().unwrap().insert(self.0.clone(), value as f64);
    }
}

impl GaugeFn for Cell {
    fn increment(&self, value: f64) {
        *self.1.lock().unwrap().entry(self.0.clone()).or_default() += value;
    }
    fn decrement(&self, value: f64) {
        *self.1.lock().unwrap().entry(self.0.clone()).or_default() -= value;
    }
    fn set(&self, value: f64) {
        self.1.lock().unwrap().insert(self.0.clone(), value);
    }
}

impl Capture {
    fn cell(&self, key: &Key) -> Arc<Cell> {
        let labels: Vec<String> = key
            .labels()
            .map(|l| format!("{}={}", l.key(), l.value()))
            .collect();
        Arc::new(Cell(
            format!("{}{{{}}}", key.name(), labels.join(",")),
            Arc::clone(&self.0),
        ))
    }
}

impl Recorder for Capture {
    fn describe_counter(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_gauge(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_histogram(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn register_counter(&self, key: &Key, _: &Metadata<'_>) -> Counter {
        Counter::from_arc(self.cell(key))
    }
    fn register_gauge(&self, key: &Key, _: &Metadata<'_>) -> Gauge {
        Gauge::from_arc(self.cell(key))
    }
    fn register_histogram(&self, _: &Key, _: &Metadata<'_>) -> Histogram {
        Histogram::noop()
    }
}

/// The one recorder of this binary, installed by whichever test comes first.
fn capture() -> &'static Capture {
    static CAPTURE: OnceLock<Capture> = OnceLock::new();
    CAPTURE.get_or_init(|| {
        let capture = Capture::default();
        metrics::set_global_recorder(capture.clone()).expect("the only recorder in this binary");
        capture
    })
}

/// Waits until `key` has `want`, or fails after a few seconds.
async fn eventually(values: &Values, key: &str, want: f64) {
    for _ in 0..200 {
        if values.lock().unwrap().get(key) == Some(&want) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!(
        "{key} never reached {want}: {:?}",
        values.lock().unwrap().get(key)
    );
}

/// The pool publishes on its own, every `metrics_interval`, under its own `pool` label: two
/// pools in one process keep their figures apart. Nothing here calls `export_metrics()`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stats_are_published_on_their_own_per_pool() {
    let capture = capture();
    let every = Duration::from_millis(50);
    let (_a_dir, a) = common::file_pool_with(
        SqliteRwPoolOptions::new()
            .name("orders")
            .metrics_interval(every),
    )
    .await;
    let (_b_dir, b) = common::file_pool_with(
        SqliteRwPoolOptions::new()
            .name("audit")
            .metrics_interval(every),
    )
    .await;
    assert_eq!((a.name(), b.name()), ("orders", "audit"));
    for (pool, reads) in [(&a, 3), (&b, 5)] {
        sqlx::query("CREATE TABLE t (x)")
            .execute(pool)
            .await
            .unwrap();
        for _ in 0..reads {
            sqlx::query("SELECT * FROM t")
                .fetch_all(pool)
                .await
                .unwrap();
        }
    }
    // Concurrent autocommit writes: group commits to publish.
    common::insert_concurrently(&a, 16, 20).await;
    let grouped = a.stats();
    assert!(grouped.groups > 0, "the writes ran in groups");
    let values = &capture.0;
    eventually(
        values,
        "sqlx_rw_groups_total{pool=orders}",
        grouped.groups as f64,
    )
    .await;
    eventually(
        values,
        "sqlx_rw_group_statements_total{pool=orders}",
        grouped.group_statements as f64,
    )
    .await;
    eventually(
        values,
        "sqlx_rw_statements_total{pool=orders,target=reader,reason=Query}",
        3.0,
    )
    .await;
    eventually(
        values,
        "sqlx_rw_statements_total{pool=audit,target=reader,reason=Query}",
        5.0,
    )
    .await;
    eventually(
        values,
        "sqlx_rw_statements_total{pool=orders,target=writer,reason=Schema}",
        1.0,
    )
    .await;
    eventually(values, "sqlx_rw_writer_queue{pool=audit}", 0.0).await;
    eventually(
        values,
        "sqlx_rw_writer_wait_count{pool=orders}",
        grouped.writer_wait.count as f64,
    )
    .await;
    {
        let values = values.lock().unwrap();
        assert!(values
            .get("sqlx_rw_readers_open{pool=audit,replica=local}")
            .is_some_and(|v| *v >= 1.0));
        assert!(values
            .get("sqlx_rw_writer_hold_seconds{pool=orders,stat=max}")
            .is_some_and(|v| *v >= 0.0));
        // The WAL exists (the pool has written) and is published with the manager's counters.
        assert!(values
            .get("sqlx_rw_wal_bytes{pool=orders}")
            .is_some_and(|v| *v > 0.0));
        assert!(values
            .get("sqlx_rw_wal_truncates_total{pool=orders}")
            .is_some());
        assert!(values
            .get("sqlx_rw_wal_read_hold_count{pool=orders}")
            .is_some());
    }
    // It keeps publishing: new statements show up on the next tick.
    sqlx::query("SELECT * FROM t").fetch_all(&a).await.unwrap();
    eventually(
        values,
        "sqlx_rw_statements_total{pool=orders,target=reader,reason=Query}",
        4.0,
    )
    .await;
    // `export_metrics()` publishes the same at once.
    sqlx::query("SELECT * FROM t").fetch_all(&b).await.unwrap();
    b.export_metrics();
    assert_eq!(
        values
            .lock()
            .unwrap()
            .get("sqlx_rw_statements_total{pool=audit,target=reader,reason=Query}"),
        Some(&6.0)
    );
}

/// With replicas, each one is published under its `host:port`, with the read-your-writes
/// figures; the reader totals carry `replica=all`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_replica_is_published_under_its_own_label() {
    let Some(cluster) = pg::shared() else {
        return;
    };
    let values = &capture().0;
    let pool = cluster
        .replicas
        .iter()
        .fold(sqlx_rw::PgRwPoolOptions::new(), |o, url| o.replica(url))
        .name("replicated")
        .read_consistency(sqlx_rw::ReadConsistency::Eventual)
        .metrics_interval(Duration::from_millis(50))
        .connect(&cluster.primary)
        .await
        .unwrap();
    for _ in 0..20 {
        let _: i32 = sqlx::query_scalar("SELECT 1")
            .fetch_one(&pool)
            .await
            .unwrap();
    }
    // A write on the primary: PostgreSQL reports no commit hook, so none is counted (as the
    // docs of `Stats::commits` say).
    sqlx::query("SELECT pg_notify('sqlx_rw_metrics', 'x')")
        .execute(&pool)
        .await
        .unwrap();
    let stats = pool.stats();
    assert_eq!((stats.commits, stats.rollbacks), (0, 0));
    assert_eq!(stats.replicas.iter().map(|r| r.reads).sum::<u64>(), 20);
    for replica in &stats.replicas {
        let label = format!("pool=replicated,replica={}", replica.name);
        eventually(
            values,
            &format!("sqlx_rw_replica_reads_total{{{label}}}"),
            replica.reads as f64,
        )
        .await;
        eventually(values, &format!("sqlx_rw_replica_healthy{{{label}}}"), 1.0).await;
        let values = values.lock().unwrap();
        for gauge in ["behind_seconds", "open", "in_flight"] {
            let key = format!("sqlx_rw_replica_{gauge}{{{label}}}");
            assert!(values.get(&key).is_some(), "{key}");
        }
    }
    eventually(values, "sqlx_rw_read_retries_total{pool=replicated}", 0.0).await;
    eventually(values, "sqlx_rw_freshness_marks{pool=replicated}", 0.0).await;
    let values_now = values.lock().unwrap().clone();
    assert!(values_now.contains_key("sqlx_rw_fresh_reads_on_writer_total{pool=replicated}"));
    assert!(values_now.contains_key("sqlx_rw_untracked_writes_total{pool=replicated}"));
    assert!(values_now.contains_key("sqlx_rw_position_reads_total{pool=replicated}"));
    assert!(values_now.contains_key("sqlx_rw_readers_open{pool=replicated,replica=all}"));
    assert!(
        !values_now.keys().any(|k| k.contains("sqlx-rw-test-secret")),
        "no label holds a password"
    );
    pool.close().await;
}
