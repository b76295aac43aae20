//! The checkpoint manager's events: a WARN for each give-up, an INFO for each truncate, as
//! docs/observability.md lists them. (Its own test binary: see `common::capture`.)

mod common;

use common::capture::Events;

/// The checkpoint manager's give-up (WARN) and truncate (INFO) events, as documented.
#[tokio::test(flavor = "current_thread")]
async fn the_checkpoint_manager_reports_each_give_up_and_each_truncate() {
    let events = Events::default();
    let _guard = common::capture::listen(events.clone(), tracing::level_filters::LevelFilter::INFO);

    const HARD: u64 = 1024 * 1024;
    let (dir, pool) = common::file_pool_with(
        sqlx_rw::SqliteRwPoolOptions::new()
            .wal_soft_limit(HARD)
            .wal_hard_limit(HARD)
            .max_read_hold(std::time::Duration::from_millis(20)),
    )
    .await;
    let wal = dir.path().join("test.db-wal");
    let size = || std::fs::metadata(&wal).map_or(0, |m| m.len());
    sqlx::query("CREATE TABLE log (body BLOB)")
        .execute(&pool)
        .await
        .unwrap();
    let mut holder = pool.begin_read().await.unwrap();
    sqlx::query("SELECT count(*) FROM log")
        .fetch_one(&mut *holder)
        .await
        .unwrap();
    let has = |level: tracing::Level, words: &str| {
        events
            .recorded
            .lock()
            .unwrap()
            .iter()
            .any(|(l, m)| *l == level && m.contains(words))
    };
    let insert = || sqlx::query("INSERT INTO log VALUES (randomblob(1000))").execute(&pool);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(8);
    while size() <= HARD || !has(tracing::Level::WARN, "WAL checkpoint given up") {
        assert!(
            std::time::Instant::now() < deadline,
            "{} {:?} {:?}",
            size(),
            pool.stats().wal,
            events.recorded.lock().unwrap()
        );
        insert().await.unwrap();
        tokio::task::yield_now().await;
    }
    holder.commit().await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(8);
    while !has(tracing::Level::INFO, "WAL checkpointed and truncated") {
        assert!(
            std::time::Instant::now() < deadline,
            "{:?}",
            events.recorded.lock().unwrap()
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
