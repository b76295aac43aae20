//! The seed team's service on SeaORM entities (`examples/shared/sea_orm_service.rs`) under
//! concurrent HTTP load: 500s from "database is locked" on SeaORM's own `DatabaseConnection`
//! over a plain `SqlitePool`, none on `SqliteRwConnection`, with the same handlers.

use std::time::Duration;

use sea_orm::{EntityTrait, PaginatorTrait, SqlxSqliteConnector};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx_rw::sea_orm::SqliteRwConnection;

use crate::{load, seed};

const CLIENTS: usize = 16;
const LENGTH: Duration = Duration::from_secs(2);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_seaorm_handlers_fail_on_a_plain_connection_and_not_on_rwconnection() {
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
    sqlx::raw_sql(seed::SCHEMA).execute(&plain).await.unwrap();
    let db = SqlxSqliteConnector::from_sqlx_sqlite_pool(plain.clone());
    let (addr, server) = load::serve(seed::app(db)).await;
    let on_plain = load::drive(addr, CLIENTS, LENGTH).await;
    server.abort();
    plain.close().await;
    eprintln!(
        "DatabaseConnection: {} requests, 500s: {:?}",
        on_plain.requests, on_plain.errors
    );

    let rw = sqlx_rw::SqliteRwPool::connect_with(
        SqliteConnectOptions::new()
            .filename(dir.path().join("rw.db"))
            .create_if_missing(true),
    )
    .await
    .unwrap();
    sqlx::raw_sql(seed::SCHEMA).execute(&rw).await.unwrap();
    let db = SqliteRwConnection::from(rw.clone());
    let (addr, server) = load::serve(seed::app(db.clone())).await;
    let on_rw = load::drive(addr, CLIENTS, LENGTH).await;
    server.abort();
    eprintln!(
        "SqliteRwConnection: {} requests, 500s: {:?}",
        on_rw.requests, on_rw.errors
    );

    let share = on_plain.server_errors() as f64 / on_plain.requests as f64;
    assert!(
        share >= 0.01,
        "the plain connection failed {:.2} % of requests: the load is not the seed's",
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
    assert!(on_rw.ok > 100, "RwConnection served the load: {}", on_rw.ok);
    // Each profile's two reads ran on a reader, and nothing else did: every transaction ran
    // on the writer.
    let stats = rw.stats();
    assert_eq!(stats.reader_statements, 2 * on_rw.profiles, "{stats:?}");
    // Every acknowledged sign-up is there, and nothing else.
    let users = seed::user::Entity::find().count(&db).await.unwrap();
    assert_eq!(users, on_rw.signed_up);
    rw.close().await;
}
