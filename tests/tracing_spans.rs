//! Every statement through the pool runs in a `sqlx_rw.statement` span with the documented
//! fields. (Its own test binary: tracing caches per-callsite interest process-wide, so a test
//! running beside it without a subscriber could hide the spans.)

mod common;

use std::collections::HashMap;

use common::capture::Spans;

#[tokio::test(flavor = "current_thread")]
async fn every_statement_runs_in_a_span_with_its_route() {
    let spans = Spans::default();
    let _guard = common::capture::listen(spans.clone(), tracing::level_filters::LevelFilter::DEBUG);

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
        spans.recorded.lock().unwrap().values().cloned().collect();
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
