//! SeaORM on PostgreSQL: how SeaORM's transaction options begin a transaction of the pool's.

use sea_orm::{AccessMode, DbBackend, IsolationLevel, TransactionOptions};
use sqlx::{Postgres, Transaction};

use crate::sea_orm::SeaOrmBackend;
use crate::RwPool;

impl SeaOrmBackend for Postgres {
    const SEA_ORM: DbBackend = DbBackend::Postgres;

    /// `ReadOnly` (unless `SERIALIZABLE`, which a standby refuses): a replica's transaction
    /// ([`RwPool::begin_read`]) that has replayed what the task must see, its isolation level
    /// set first. Otherwise the primary: the pool's `begin()`, or `BEGIN` with the isolation
    /// level and access mode asked for.
    async fn begin_transaction(
        pool: &RwPool<Postgres>,
        options: TransactionOptions,
    ) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        let level = options.isolation_level;
        match options.access_mode {
            Some(AccessMode::ReadOnly) if level != Some(IsolationLevel::Serializable) => {
                let mut txn = pool.begin_read().await?;
                // READ ONLY too, not only the level: with no replica that has replayed what
                // the task must see, `begin_read` runs on the primary, which would take writes.
                let set = match level {
                    Some(level) => format!("SET TRANSACTION ISOLATION LEVEL {level} READ ONLY"),
                    None => "SET TRANSACTION READ ONLY".to_owned(),
                };
                sqlx::query(sqlx::AssertSqlSafe(set))
                    .execute(&mut *txn)
                    .await?;
                Ok(txn)
            }
            None if level.is_none() => pool.begin().await,
            access => {
                let mut begin = String::from("BEGIN");
                if let Some(level) = level {
                    begin.push_str(&format!(" ISOLATION LEVEL {level}"));
                }
                if let Some(access) = access {
                    begin.push_str(&format!(" {access}"));
                }
                pool.begin_with(sqlx::AssertSqlSafe(begin)).await
            }
        }
    }
}
