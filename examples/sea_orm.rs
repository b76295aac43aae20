//! The seed team's stack: an axum service on SeaORM entities over SQLite, driven by concurrent
//! HTTP clients over loopback, first on SeaORM's own `DatabaseConnection` (a plain
//! `SqlitePool` inside), then on `sqlx_rw::sea_orm::SqliteRwConnection`. The handlers are the
//! same code, generic over SeaORM's `ConnectionTrait + TransactionTrait`; only the connection
//! in the router's state changes.
//!
//! ```text
//! cargo run --release --example sea_orm -- --clients 32 --seconds 5
//! ```
//!
//! Sign-up is a `transaction(|txn| …)` inserting a user and a session; sign-in is
//! `begin()`, a find, an `ActiveModel` update and insert, `commit()`; profile is a find and a
//! count. On the plain pool SeaORM begins SQLite transactions deferred, and a sign-in that read
//! first cannot always take the write lock: "database is locked", a 500.

#[path = "shared/http_load.rs"]
mod load;
#[path = "shared/sea_orm_service.rs"]
mod service;

use sea_orm::SqlxSqliteConnector;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx_rw::sea_orm::SqliteRwConnection;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (clients, length) = load::args("sea_orm");
    println!(
        "{clients} HTTP clients, {} s per connection, same SeaORM handlers\n",
        length.as_secs_f64()
    );
    println!("{}", load::TABLE_HEAD);

    let dir = tempfile::tempdir()?;
    // SeaORM on a plain pool as a service configures it: WAL, sqlx's default 5 s busy_timeout.
    let plain = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(
            SqliteConnectOptions::new()
                .filename(dir.path().join("plain.db"))
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal),
        )
        .await?;
    sqlx::raw_sql(service::SCHEMA).execute(&plain).await?;
    let db = SqlxSqliteConnector::from_sqlx_sqlite_pool(plain.clone());
    let (addr, server) = load::serve(service::app(db)).await;
    let mut on_plain = load::drive(addr, clients, length).await;
    server.abort();
    plain.close().await;
    println!("{}", on_plain.row("DatabaseConnection (SqlitePool)"));

    let rw = sqlx_rw::SqliteRwPool::connect_with(
        SqliteConnectOptions::new()
            .filename(dir.path().join("rw.db"))
            .create_if_missing(true),
    )
    .await?;
    sqlx::raw_sql(service::SCHEMA).execute(&rw).await?;
    let (addr, server) = load::serve(service::app(SqliteRwConnection::from(rw.clone()))).await;
    let mut on_rw = load::drive(addr, clients, length).await;
    server.abort();
    rw.close().await;
    println!("{}", on_rw.row("SqliteRwConnection"));
    Ok(())
}
