//! Every statement through the pool runs in a `sqlx_rw.statement` span with the documented
//! fields. (Its own test binary: tracing caches per-callsite interest process-wide, so a test
//! running beside it without a subscriber could hide the spans.)

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;

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
    // Callsites hit before this subscriber existed cached "not interested"; ask again.
    tracing::callsite::rebuild_interest_cache();

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
