//! SeaORM on `RwPool` (feature `sea-orm`): [`RwConnection`] takes the place of SeaORM's
//! `DatabaseConnection`, and every statement SeaORM builds is routed like any other.
//!
//! SeaORM runs its queries through three public traits, and every query and mutation of it
//! (`Entity::find().all(db)`, `model.insert(db)`, `paginate`, `stream`, `transaction`) is
//! generic over them: [`ConnectionTrait`] (run a statement), [`StreamTrait`] (rows one by one)
//! and [`TransactionTrait`] (begin). `RwConnection` implements the three over `&RwPool`: a
//! statement goes through the pool's own trip (parse, route to a reader or the writer, heal,
//! pin), exactly as `sqlx::query(..).fetch_all(&pool)` would. A transaction is one of the
//! pool's own (`begin()`, `begin_with()`, `begin_read()`), held by [`RwTransaction`].
//!
//! SeaORM's `DatabaseConnection` cannot be used instead: it is built only from a plain sqlx
//! pool, and one built on [`RwPool::writer`] would wait on the writer's one connection, which
//! the pool keeps parked. Code typed `&DatabaseConnection` takes `&RwConnection<DB>` (or
//! `&impl ConnectionTrait`) instead: see `docs/sea-orm.md`.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use sea_orm::{ConnectionTrait, TransactionTrait};
//! use sqlx_rw::sea_orm::SqliteRwConnection;
//!
//! let db = SqliteRwConnection::from(sqlx_rw::SqliteRwPool::connect("sqlite://app.db").await?);
//! db.execute_unprepared("CREATE TABLE IF NOT EXISTS t (n INTEGER)").await?;
//! db.transaction::<_, (), sea_orm::DbErr>(|txn| {
//!     Box::pin(async move {
//!         txn.execute_unprepared("INSERT INTO t VALUES (1)").await?;
//!         Ok(())
//!     })
//! })
//! .await?;
//! # Ok(()) }
//! ```

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use futures_util::{StreamExt, TryStreamExt};
use sea_orm::{
    AccessMode, ConnAcquireErr, ConnectionTrait, DbBackend, DbErr, ExecResult, IsolationLevel,
    QueryResult, RuntimeErr, Statement, StreamTrait, TransactionError, TransactionOptions,
    TransactionTrait,
};
use sea_query_sqlx::SqlxValues;
use sqlx::{Executor, IntoArguments, Transaction};

use crate::backend::Backend;
use crate::RwPool;

mod transaction;

pub use transaction::RwTransaction;

/// What the SeaORM adapter needs to know of a backend: SeaORM's name for it, and how its
/// transaction options become a `BEGIN`. Implemented in each backend's folder.
pub trait SeaOrmBackend: Backend
where
    QueryResult: From<Self::Row>,
    ExecResult: From<Self::QueryResult>,
    SqlxValues: IntoArguments<Self>,
{
    /// SeaORM's name for the database (which SQL dialect it builds).
    const SEA_ORM: DbBackend;

    /// How a transaction asked for with `options` begins on `pool`.
    fn begin_transaction(
        pool: &RwPool<Self>,
        options: TransactionOptions,
    ) -> impl Future<Output = Result<Transaction<'static, Self>, sqlx::Error>> + Send;
}

/// [`RwPool`] for SeaORM: pass `&RwConnection` wherever SeaORM takes a connection.
///
/// Cloning is cheap (the pool is shared), as for SeaORM's `DatabaseConnection`.
#[derive(Debug)]
pub struct RwConnection<DB: Backend>(RwPool<DB>);

impl<DB: Backend> Clone for RwConnection<DB> {
    fn clone(&self) -> Self {
        RwConnection(self.0.clone())
    }
}

/// [`RwConnection`] over SQLite.
#[cfg(feature = "sqlite")]
pub type SqliteRwConnection = RwConnection<sqlx::Sqlite>;

/// [`RwConnection`] over PostgreSQL.
#[cfg(feature = "postgres")]
pub type PgRwConnection = RwConnection<sqlx::Postgres>;

impl<DB: Backend> RwConnection<DB> {
    /// The pool underneath, for sqlx queries beside SeaORM's (same routing, same stats).
    pub fn pool(&self) -> &RwPool<DB> {
        &self.0
    }

    /// The pool underneath, by value.
    pub fn into_pool(self) -> RwPool<DB> {
        self.0
    }

    /// Close the pool, as `DatabaseConnection::close` does.
    pub async fn close(self) -> Result<(), DbErr> {
        self.0.close().await;
        Ok(())
    }
}

impl<DB: Backend> From<RwPool<DB>> for RwConnection<DB> {
    fn from(pool: RwPool<DB>) -> Self {
        RwConnection(pool)
    }
}

/// SeaORM's statement as sqlx's: its SQL and its values, bound as SeaORM binds them.
pub(crate) fn query<DB>(stmt: Statement) -> sqlx::query::Query<'static, DB, SqlxValues>
where
    DB: sqlx::Database,
    SqlxValues: IntoArguments<DB>,
{
    let values = SqlxValues(stmt.values.unwrap_or(sea_orm::Values(Vec::new())));
    sqlx::query_with(sqlx::AssertSqlSafe(stmt.sql), values)
}

/// SeaORM's four statement calls on any sqlx executor: `&RwPool` for [`RwConnection`], the
/// transaction's connection for [`RwTransaction`]. Errors are classed as SeaORM's own drivers
/// class them.
pub(crate) mod run {
    use super::*;

    pub(crate) async fn execute<'e, DB, E>(on: E, stmt: Statement) -> Result<ExecResult, DbErr>
    where
        DB: sqlx::Database,
        E: Executor<'e, Database = DB>,
        SqlxValues: IntoArguments<DB>,
        ExecResult: From<DB::QueryResult>,
    {
        let done = query::<DB>(stmt).execute(on).await.map_err(exec_err)?;
        Ok(done.into())
    }

    pub(crate) async fn execute_unprepared<'e, DB, E>(on: E, sql: &str) -> Result<ExecResult, DbErr>
    where
        DB: sqlx::Database,
        E: Executor<'e, Database = DB>,
        ExecResult: From<DB::QueryResult>,
    {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        let done = on.execute(sqlx::raw_sql(sql)).await.map_err(exec_err)?;
        Ok(done.into())
    }

    pub(crate) async fn query_one<'e, DB, E>(
        on: E,
        stmt: Statement,
    ) -> Result<Option<QueryResult>, DbErr>
    where
        DB: sqlx::Database,
        E: Executor<'e, Database = DB>,
        SqlxValues: IntoArguments<DB>,
        QueryResult: From<DB::Row>,
    {
        let row = query::<DB>(stmt)
            .fetch_optional(on)
            .await
            .map_err(query_err)?;
        Ok(row.map(Into::into))
    }

    pub(crate) async fn query_all<'e, DB, E>(
        on: E,
        stmt: Statement,
    ) -> Result<Vec<QueryResult>, DbErr>
    where
        DB: sqlx::Database,
        E: Executor<'e, Database = DB>,
        SqlxValues: IntoArguments<DB>,
        QueryResult: From<DB::Row>,
    {
        let rows = query::<DB>(stmt).fetch_all(on).await.map_err(query_err)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }
}

/// A connection that could not be had, as SeaORM's own drivers report it
/// (`DbErr::ConnectionAcquire`): the pool's timeouts and closing, sqlx's or the writer queue's.
fn acquire_err(error: &sqlx::Error) -> Option<DbErr> {
    use crate::{RwErrorKind, RwPoolError};
    match error {
        sqlx::Error::PoolTimedOut => Some(DbErr::ConnectionAcquire(ConnAcquireErr::Timeout)),
        sqlx::Error::PoolClosed => Some(DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed)),
        error => match RwPoolError::of(error).map(RwPoolError::kind) {
            Some(RwErrorKind::WriterTimedOut) => {
                Some(DbErr::ConnectionAcquire(ConnAcquireErr::Timeout))
            }
            _ => None,
        },
    }
}

/// A statement that runs without rows back failed (SeaORM's `DbErr::Exec`).
pub(crate) fn exec_err(error: sqlx::Error) -> DbErr {
    acquire_err(&error).unwrap_or_else(|| DbErr::Exec(RuntimeErr::SqlxError(Arc::new(error))))
}

/// A query, `BEGIN`, `COMMIT` or `ROLLBACK` failed (SeaORM's `DbErr::Query`).
pub(crate) fn query_err(error: sqlx::Error) -> DbErr {
    acquire_err(&error).unwrap_or_else(|| DbErr::Query(RuntimeErr::SqlxError(Arc::new(error))))
}

#[async_trait::async_trait]
impl<DB: SeaOrmBackend> ConnectionTrait for RwConnection<DB>
where
    QueryResult: From<DB::Row>,
    ExecResult: From<DB::QueryResult>,
    SqlxValues: IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    fn get_database_backend(&self) -> DbBackend {
        DB::SEA_ORM
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        run::execute(&self.0, stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        run::execute_unprepared(&self.0, sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        run::query_one(&self.0, stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        run::query_all(&self.0, stmt).await
    }
}

impl<DB: SeaOrmBackend> StreamTrait for RwConnection<DB>
where
    QueryResult: From<DB::Row>,
    ExecResult: From<DB::QueryResult>,
    SqlxValues: IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    type Stream<'a> = futures_util::stream::BoxStream<'a, Result<QueryResult, DbErr>>;

    fn get_database_backend(&self) -> DbBackend {
        DB::SEA_ORM
    }

    /// Rows as the pool's stream yields them: a read streams from a reader, a write (an
    /// `INSERT … RETURNING`) from the writer, held until the stream ends or is dropped.
    fn stream_raw<'a>(
        &'a self,
        stmt: Statement,
    ) -> Pin<Box<dyn Future<Output = Result<Self::Stream<'a>, DbErr>> + 'a + Send>> {
        Box::pin(async move {
            let rows = query::<DB>(stmt)
                .fetch(&self.0)
                .map_ok(QueryResult::from)
                .map_err(query_err);
            Ok(rows.boxed())
        })
    }
}

#[async_trait::async_trait]
impl<DB: SeaOrmBackend> TransactionTrait for RwConnection<DB>
where
    QueryResult: From<DB::Row>,
    ExecResult: From<DB::QueryResult>,
    SqlxValues: IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    type Transaction = RwTransaction<DB>;

    /// A write transaction, as [`RwPool::begin`] begins it (on the writer; for SQLite,
    /// `BEGIN IMMEDIATE`; a task that holds the writer idle gets a reader, as documented there).
    async fn begin(&self) -> Result<RwTransaction<DB>, DbErr> {
        self.begin_with_options(TransactionOptions::default()).await
    }

    async fn begin_with_config(
        &self,
        isolation_level: Option<IsolationLevel>,
        access_mode: Option<AccessMode>,
    ) -> Result<RwTransaction<DB>, DbErr> {
        self.begin_with_options(TransactionOptions {
            isolation_level,
            access_mode,
            sqlite_transaction_mode: None,
        })
        .await
    }

    /// `access_mode: ReadOnly` begins on a reader ([`RwPool::begin_read`]); other options
    /// begin on the writer, as the backend reads them (see [`SeaOrmBackend`]).
    async fn begin_with_options(
        &self,
        options: TransactionOptions,
    ) -> Result<RwTransaction<DB>, DbErr> {
        let txn = DB::begin_transaction(&self.0, options)
            .await
            .map_err(query_err)?;
        Ok(RwTransaction::outer(txn))
    }

    async fn transaction<F, T, E>(&self, callback: F) -> Result<T, TransactionError<E>>
    where
        F: for<'c> FnOnce(
                &'c RwTransaction<DB>,
            ) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>>
            + Send,
        T: Send,
        E: std::fmt::Display + std::fmt::Debug + Send,
    {
        let txn = self.begin().await.map_err(TransactionError::Connection)?;
        txn.run(callback).await
    }

    async fn transaction_with_config<F, T, E>(
        &self,
        callback: F,
        isolation_level: Option<IsolationLevel>,
        access_mode: Option<AccessMode>,
    ) -> Result<T, TransactionError<E>>
    where
        F: for<'c> FnOnce(
                &'c RwTransaction<DB>,
            ) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>>
            + Send,
        T: Send,
        E: std::fmt::Display + std::fmt::Debug + Send,
    {
        let txn = self
            .begin_with_config(isolation_level, access_mode)
            .await
            .map_err(TransactionError::Connection)?;
        txn.run(callback).await
    }
}
