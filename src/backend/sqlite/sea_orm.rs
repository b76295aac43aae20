//! SeaORM on SQLite: how SeaORM's transaction options begin a transaction of the pool's.

use sea_orm::{AccessMode, DbBackend, SqliteTransactionMode, TransactionOptions};
use sqlx::{Sqlite, Transaction};

use crate::sea_orm::SeaOrmBackend;
use crate::RwPool;

impl SeaOrmBackend for Sqlite {
    const SEA_ORM: DbBackend = DbBackend::Sqlite;

    /// `ReadOnly`: a reader's transaction ([`RwPool::begin_read`]), one snapshot, and SQLite
    /// refuses a write there. Otherwise the writer: the pool's `BEGIN IMMEDIATE` unless
    /// `sqlite_transaction_mode` asks for `DEFERRED` or `EXCLUSIVE`. SQLite has no isolation
    /// levels: one asked for is ignored (logged), as SeaORM's own SQLite driver does.
    async fn begin_transaction(
        pool: &RwPool<Sqlite>,
        options: TransactionOptions,
    ) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        if let Some(level) = options.isolation_level {
            tracing::warn!(
                target: "sqlx_rw",
                %level,
                "SQLite has no isolation levels; the one asked for is ignored"
            );
        }
        if options.access_mode == Some(AccessMode::ReadOnly) {
            return pool.begin_read().await;
        }
        match options.sqlite_transaction_mode {
            None | Some(SqliteTransactionMode::Immediate) => pool.begin().await,
            Some(SqliteTransactionMode::Deferred) => pool.begin_with("BEGIN DEFERRED").await,
            Some(SqliteTransactionMode::Exclusive) => pool.begin_with("BEGIN EXCLUSIVE").await,
        }
    }
}
