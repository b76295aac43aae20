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

/// sqlx's own idle count wraps below zero for an instant when a connection is taken while
/// another is being given back; `stats()` and `num_idle()` read through that and must stay
/// sane: never more idle connections than open ones, never an overflow.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn connection_counts_stay_consistent_while_readers_churn() {
    let (_dir, pool) = common::file_pool().await;
    sqlx::query("CREATE TABLE t (x INTEGER)")
        .execute(&pool)
        .await
        .unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut readers = Vec::new();
    for _ in 0..32 {
        let (pool, stop) = (pool.clone(), stop.clone());
        readers.push(tokio::spawn(async move {
            let mut reads = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                sqlx::query("SELECT 1").fetch_one(&pool).await.unwrap();
                reads += 1;
            }
            reads
        }));
    }
    let (mut looks, mut bad) = (0u64, Vec::new());
    let until = std::time::Instant::now() + Duration::from_secs(3);
    while std::time::Instant::now() < until {
        let (size, idle) = (pool.size(), pool.num_idle());
        let s = pool.stats();
        if idle > size as usize + 1 || s.readers_idle > u64::from(s.readers_open) {
            bad.push((size, idle, s.readers_open, s.readers_idle));
        }
        looks += 1;
        tokio::task::yield_now().await;
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut reads = 0;
    for reader in readers {
        reads += reader.await.unwrap();
    }
    eprintln!("{looks} looks at the counts during {reads} reads");
    assert!(reads > 1000, "the readers churned: {reads} reads");
    assert!(
        bad.is_empty(),
        "inconsistent counts: {:?}",
        &bad[..bad.len().min(5)]
    );
}
