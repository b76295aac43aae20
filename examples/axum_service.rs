//! The failure that started sqlx-rw, reproduced and gone: an axum service on SQLite, driven by
//! concurrent HTTP clients over loopback, first on a plain `SqlitePool`, then on
//! `SqliteRwPool`. The handlers are the same code (generic over the pool); only the pool in the
//! router's state changes. `examples/sea_orm.rs` is the same service on SeaORM.
//!
//! ```text
//! cargo run --release --example axum_service -- --clients 32 --seconds 5
//! ```
//!
//! Each client signs users up (a transaction writing a user and a session), signs them in (a
//! transaction that reads the user, then updates it and adds a session) and reads their
//! profiles. On the plain pool, a sign-in's deferred `BEGIN` reads first and cannot always
//! take the write lock when it writes: SQLite answers at once "database is locked", whatever
//! `busy_timeout` says, and the service answers 500. On `SqliteRwPool` the transaction runs on
//! the one writer in turn.

#[path = "shared/http_load.rs"]
mod load;
#[path = "shared/axum_service.rs"]
mod service;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (clients, length) = load::args("axum_service");
    println!(
        "{clients} HTTP clients, {} s per pool, same handlers\n",
        length.as_secs_f64()
    );
    println!("{}", load::TABLE_HEAD);

    let dir = tempfile::tempdir()?;
    // The plain pool as a service configures it: WAL, sqlx's default 5 s busy_timeout.
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
    let (addr, server) = load::serve(service::app(plain.clone())).await;
    let mut on_plain = load::drive(addr, clients, length).await;
    server.abort();
    plain.close().await;
    println!("{}", on_plain.row("SqlitePool"));

    let rw = sqlx_rw::SqliteRwPool::connect_with(
        SqliteConnectOptions::new()
            .filename(dir.path().join("rw.db"))
            .create_if_missing(true),
    )
    .await?;
    sqlx::raw_sql(service::SCHEMA).execute(&rw).await?;
    let (addr, server) = load::serve(service::app(rw.clone())).await;
    let mut on_rw = load::drive(addr, clients, length).await;
    server.abort();
    rw.close().await;
    println!("{}", on_rw.row("SqliteRwPool"));
    Ok(())
}
