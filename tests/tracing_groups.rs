//! Every group commit runs in a `sqlx_rw.group` span with its size. (Its own test binary:
//! tracing caches per-callsite interest process-wide, so a test running beside it with
//! another subscriber could hide the spans.)

mod common;

use std::collections::HashMap;

use common::capture::Spans;

#[tokio::test(flavor = "current_thread")]
async fn every_group_commit_runs_in_a_span_with_its_size() {
    let spans = Spans::default();
    let _guard = common::capture::listen(spans.clone(), tracing::level_filters::LevelFilter::INFO);

    let (_dir, pool) = common::file_pool().await;
    sqlx::query("CREATE TABLE t (x INTEGER)")
        .execute(&pool)
        .await
        .unwrap();
    // Writes from many tasks queue while the writer is busy: they run in groups.
    common::insert_concurrently(&pool, 16, 25).await;
    let stats = pool.stats();
    let groups: Vec<HashMap<String, String>> =
        spans.groups.lock().unwrap().values().cloned().collect();
    assert!(stats.groups > 0, "the writes ran in groups");
    assert_eq!(groups.len() as u64, stats.groups, "one span per group");
    let sizes: Vec<u64> = groups.iter().map(|g| g["size"].parse().unwrap()).collect();
    assert!(sizes.iter().all(|&n| n >= 2), "{sizes:?}");
    assert_eq!(sizes.iter().sum::<u64>(), stats.group_statements);
}
