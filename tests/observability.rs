//! The counters move exactly as the workload dictates, and every statement runs in a
//! `sqlx_rw.statement` span with the documented fields.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counters_follow_the_workload_exactly() {
    let (_dir, pool) = common::file_pool().await;
    sqlx::query("CREATE TABLE t (x INTEGER)")
        .execute(&pool)
        .await
        .unwrap();
    let base = pool.stats();
    assert_eq!((base.reader_statements, base.writer_statements), (0, 1));

    // N reads: reader statements +N exactly, nothing else.
    for _ in 0..25 {
        sqlx::query("SELECT COUNT(*) FROM t")
            .fetch_one(&pool)
            .await
            .unwrap();
    }
    let s = pool.stats();
    assert_eq!(s.reader_statements, 25);
    assert_eq!(s.writer_statements, 1);
    assert_eq!(
        s.cache_misses,
        base.cache_misses + 1,
        "one parse for 25 identical reads"
    );

    // One statement sqlparser cannot parse: one fallback, run on the writer.
    sqlx::query("REINDEX t").execute(&pool).await.unwrap();
    let s = pool.stats();
    assert_eq!((s.parse_fallbacks, s.writer_statements), (1, 2));

    // Transactions: a typed commit, a raw rollback, an autocommit write.
    let before = pool.stats();
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("INSERT INTO t VALUES (1)")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    sqlx::query("BEGIN").execute(&pool).await.unwrap();
    sqlx::query("INSERT INTO t VALUES (2)")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("ROLLBACK").execute(&pool).await.unwrap();
    sqlx::query("INSERT INTO t VALUES (3)")
        .execute(&pool)
        .await
        .unwrap();
    let s = pool.stats();
    assert_eq!(s.transactions_begun - before.transactions_begun, 2);
    assert_eq!(
        s.commits - before.commits,
        2,
        "the typed commit and the autocommit INSERT"
    );
    assert_eq!(s.rollbacks - before.rollbacks, 1);
    assert_eq!(
        s.pinned_statements, 2,
        "the INSERT and the ROLLBACK ran pinned"
    );
    assert!(s
        .routes
        .iter()
        .any(|(r, n)| r.reason() == sqlx_rw::Reason::Pinned && *n == 2));

    // Writer waits and holds are recorded once per use.
    assert_eq!(
        s.writer_wait.count,
        s.writer_statements + 1,
        "every turn, plus begin()"
    );
    assert!(s.writer_hold.count >= s.writer_wait.count - 1);
    assert!(s.writer_hold.max >= s.writer_hold.p50);
    assert!(s.readers_open >= 1);

    // K writers queued behind a held writer: the high-water mark reaches K.
    let tx = pool.begin().await.unwrap();
    let mut queued = Vec::new();
    for _ in 0..6 {
        let pool = pool.clone();
        queued.push(tokio::spawn(async move {
            sqlx::query("INSERT INTO t VALUES (4)")
                .execute(&pool)
                .await
                .unwrap();
        }));
    }
    while pool.stats().writer_queue < 6 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tx.commit().await.unwrap();
    for handle in queued {
        handle.await.unwrap();
    }
    let s = pool.stats();
    assert!(
        s.writer_queue_high_water >= 6,
        "{}",
        s.writer_queue_high_water
    );
    assert_eq!(s.writer_queue, 0);
    let shown = s.to_string();
    assert!(
        shown.contains("writer queue high-water") && shown.contains("writer wait"),
        "{shown}"
    );
}

/// Records every `sqlx_rw.statement` span's fields.
#[derive(Clone, Default)]
struct Spans(Arc<Mutex<HashMap<u64, HashMap<String, String>>>>);

struct Fields<'a>(&'a mut HashMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl<S: tracing::Subscriber> Layer<S> for Spans {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        if attrs.metadata().name() == "sqlx_rw.statement" {
            let mut fields = HashMap::new();
            attrs.record(&mut Fields(&mut fields));
            self.0.lock().unwrap().insert(id.into_u64(), fields);
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        if let Some(fields) = self.0.lock().unwrap().get_mut(&id.into_u64()) {
            values.record(&mut Fields(fields));
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn every_statement_runs_in_a_span_with_its_route() {
    let spans = Spans::default();
    let subscriber = tracing_subscriber::registry().with(
        spans
            .clone()
            .with_filter(tracing_subscriber::filter::LevelFilter::DEBUG),
    );
    let _guard = tracing::subscriber::set_default(subscriber);

    let (_dir, pool) = common::file_pool().await;
    sqlx::query("CREATE TABLE t (x INTEGER)")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("SELECT x FROM t")
        .fetch_all(&pool)
        .await
        .unwrap();
    sqlx::query("BEGIN").execute(&pool).await.unwrap();
    sqlx::query("SELECT x FROM t WHERE x = 1")
        .fetch_optional(&pool)
        .await
        .unwrap();
    sqlx::query("COMMIT").execute(&pool).await.unwrap();

    let recorded: Vec<HashMap<String, String>> =
        spans.0.lock().unwrap().values().cloned().collect();
    assert_eq!(recorded.len(), 5, "{recorded:#?}");
    let find = |sql: &str| {
        recorded
            .iter()
            .find(|f| f.get("sql").map(String::as_str) == Some(sql))
            .unwrap_or_else(|| panic!("no span for {sql}: {recorded:#?}"))
    };
    let read = find("SELECT x FROM t");
    assert_eq!(read["route"], "reader");
    assert_eq!(read["reason"], "a query that only reads");
    assert_eq!(read["pinned"], "false");
    let pinned = find("SELECT x FROM t WHERE x = 1");
    assert_eq!(
        (pinned["route"].as_str(), pinned["pinned"].as_str()),
        ("writer", "true")
    );
    let create = find("CREATE TABLE t (x INTEGER)");
    assert_eq!(
        (create["route"].as_str(), create["reason"].as_str()),
        ("writer", "a schema change")
    );
    for fields in &recorded {
        for key in ["wait_us", "exec_us"] {
            assert!(
                fields.get(key).is_some_and(|v| v.parse::<u64>().is_ok()),
                "{key}: {fields:?}"
            );
        }
    }
}
