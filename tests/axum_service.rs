//! The seed's failure in a test: the same axum handlers under the same concurrent HTTP load,
//! on a plain `SqlitePool` (500s from "database is locked") and on `SqliteRwPool` (none).

#[path = "../examples/shared/http_load.rs"]
mod load;
#[path = "../examples/shared/axum_service.rs"]
mod service;

use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};

const CLIENTS: usize = 16;
const LENGTH: Duration = Duration::from_secs(2);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_handlers_fail_on_a_plain_pool_and_not_on_rwpool() {
    let dir = tempfile::tempdir().unwrap();
    let plain = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(
            SqliteConnectOptions::new()
                .filename(dir.path().join("plain.db"))
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal),
        )
        .await
        .unwrap();
    sqlx::raw_sql(service::SCHEMA)
        .execute(&plain)
        .await
        .unwrap();
    let (addr, server) = load::serve(service::app(plain.clone())).await;
    let on_plain = load::drive(addr, CLIENTS, LENGTH).await;
    server.abort();
    plain.close().await;
    eprintln!(
        "plain SqlitePool: {} requests, 500s: {:?}",
        on_plain.requests, on_plain.errors
    );

    let rw = sqlx_rw::SqliteRwPool::connect_with(
        SqliteConnectOptions::new()
            .filename(dir.path().join("rw.db"))
            .create_if_missing(true),
    )
    .await
    .unwrap();
    sqlx::raw_sql(service::SCHEMA).execute(&rw).await.unwrap();
    let (addr, server) = load::serve(service::app(rw.clone())).await;
    let on_rw = load::drive(addr, CLIENTS, LENGTH).await;
    server.abort();
    eprintln!(
        "SqliteRwPool: {} requests, 500s: {:?}",
        on_rw.requests, on_rw.errors
    );

    let share = on_plain.server_errors() as f64 / on_plain.requests as f64;
    assert!(
        share >= 0.01,
        "the plain pool failed {:.2} % of requests: the load is not the seed's",
        share * 100.0
    );
    assert!(
        on_plain
            .errors
            .keys()
            .any(|cause| cause.contains("database is locked")),
        "{:?}",
        on_plain.errors
    );
    assert_eq!(on_rw.server_errors(), 0, "{:?}", on_rw.errors);
    assert_eq!((on_plain.other, on_rw.other), (0, 0), "only 200s and 500s");
    assert!(on_rw.ok > 100, "RwPool served the load: {}", on_rw.ok);
    // Every acknowledged sign-up is there, and nothing else.
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&rw)
        .await
        .unwrap();
    assert_eq!(users as u64, on_rw.signed_up);
    rw.close().await;
}
