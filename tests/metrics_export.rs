//! With the `metrics` feature, the pool's figures reach whatever recorder the application
//! installed. Run with `cargo test --features metrics --test metrics_export`.
#![cfg(feature = "metrics")]

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

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

#[tokio::test(flavor = "current_thread")]
async fn stats_are_published_through_the_metrics_facade() {
    let (_dir, pool) = common::file_pool().await;
    sqlx::query("CREATE TABLE t (x)")
        .execute(&pool)
        .await
        .unwrap();
    for _ in 0..3 {
        sqlx::query("SELECT * FROM t")
            .fetch_all(&pool)
            .await
            .unwrap();
    }
    let capture = Capture::default();
    metrics::with_local_recorder(&capture, || pool.export_metrics());

    let values = capture.0.lock().unwrap();
    let get = |key: &str| {
        values
            .get(key)
            .copied()
            .unwrap_or_else(|| panic!("{key} missing: {values:?}"))
    };
    assert_eq!(
        get("sqlx_rw_statements_total{target=reader,reason=Query}"),
        3.0
    );
    assert_eq!(
        get("sqlx_rw_statements_total{target=writer,reason=Schema}"),
        1.0
    );
    assert_eq!(get("sqlx_rw_writer_queue{}"), 0.0);
    assert_eq!(get("sqlx_rw_writer_wait_count{}"), 1.0);
    assert!(get("sqlx_rw_writer_hold_seconds{stat=max}") >= 0.0);
}
