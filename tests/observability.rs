//! The counters move exactly as the workload dictates.

mod common;

use std::time::Duration;

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
