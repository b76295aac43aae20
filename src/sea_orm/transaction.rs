//! [`RwTransaction`]: a transaction of the pool's, as SeaORM's traits want it.
//!
//! The outer level holds the sqlx [`Transaction`] the pool began (on the writer, or on a
//! reader for a read-only one). A nested `begin()` shares its connection and opens a
//! savepoint there, as SeaORM's own `DatabaseTransaction` does: sqlx counts the depth on the
//! connection, so `commit` of a nested level releases its savepoint and `rollback` rolls back
//! to it.
//!
//! Every level ends in one of two ways: explicitly (`commit`, `rollback`, whose errors the
//! caller gets, so a `COMMIT` the database refuses is never lost), or by being dropped, which
//! rolls the level back. The connection is shared behind an async mutex because SeaORM runs
//! statements through `&self`: one statement (or one stream) at a time, in call order.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use futures_util::StreamExt;
use sea_orm::{
    AccessMode, ConnectionTrait, DbBackend, DbErr, ExecResult, IsolationLevel, QueryResult,
    RuntimeErr, Statement, StreamTrait, TransactionError, TransactionOptions, TransactionSession,
    TransactionTrait,
};
use sea_query_sqlx::SqlxValues;
use sqlx::{Database, Executor, IntoArguments, Transaction};
use sqlx_core::transaction::TransactionManager;
use tokio::sync::{Mutex, OwnedMutexGuard};

use super::{query, query_err, run, SeaOrmBackend};
use crate::backend::Backend;

/// A transaction begun through [`RwConnection`](super::RwConnection): SeaORM's
/// `DatabaseTransaction` for `RwPool`.
///
/// `commit()` and `rollback()` report the database's answer; dropped without either, the
/// transaction (or, nested, its savepoint) is rolled back.
pub struct RwTransaction<DB: Backend> {
    conn: Arc<Mutex<Option<Transaction<'static, DB>>>>,
    /// Savepoints dropped while a stream of the transaction held the connection: rolled back
    /// by whoever takes the connection next, before anything else runs on it (a drop cannot
    /// wait for the lock, and a rollback left to a spawned task could run after, and undo,
    /// the caller's next statement).
    abandoned: Arc<AtomicUsize>,
    level: Level,
    state: State,
}

/// Which level of the connection's transaction this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Level {
    /// The transaction itself: ending it ends the pool's `Transaction`.
    Outer,
    /// A savepoint inside it.
    Savepoint,
}

/// Whether the level still has to be ended (by `commit`, `rollback` or drop).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Open,
    Ended,
}

impl<DB: Backend> std::fmt::Debug for RwTransaction<DB> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RwTransaction")
            .field("level", &self.level)
            .field("state", &self.state)
            .finish()
    }
}

fn ended() -> DbErr {
    DbErr::Conn(RuntimeErr::Internal(
        "the transaction has already ended".to_owned(),
    ))
}

impl<DB: Backend> RwTransaction<DB> {
    pub(super) fn outer(txn: Transaction<'static, DB>) -> Self {
        RwTransaction {
            conn: Arc::new(Mutex::new(Some(txn))),
            abandoned: Arc::new(AtomicUsize::new(0)),
            level: Level::Outer,
            state: State::Open,
        }
    }

    /// The connection, once every statement or stream before has let it go, with the
    /// savepoints dropped meanwhile rolled back.
    async fn take(&self) -> OwnedMutexGuard<Option<Transaction<'static, DB>>> {
        let mut guard = Arc::clone(&self.conn).lock_owned().await;
        roll_back_abandoned(&mut guard, &self.abandoned);
        guard
    }

    /// Run `callback` inside this level: commit it if the callback returns `Ok`, roll it back
    /// if it returns `Err`. A failed commit or rollback is the caller's error.
    pub(super) async fn run<F, T, E>(self, callback: F) -> Result<T, TransactionError<E>>
    where
        F: for<'c> FnOnce(&'c Self) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>>
            + Send,
        T: Send,
        E: std::fmt::Display + std::fmt::Debug + Send,
    {
        match callback(&self).await {
            Ok(value) => {
                self.finish(Ending::Commit)
                    .await
                    .map_err(TransactionError::Connection)?;
                Ok(value)
            }
            Err(error) => {
                self.finish(Ending::Rollback)
                    .await
                    .map_err(TransactionError::Connection)?;
                Err(TransactionError::Transaction(error))
            }
        }
    }

    async fn finish(mut self, ending: Ending) -> Result<(), DbErr> {
        let mut guard = self.take().await;
        // From here the level is ended whatever happens: cancelled mid-way, the connection's
        // depth still counts it, which the outer level's commit refuses.
        self.state = State::Ended;
        match self.level {
            Level::Outer => {
                let txn = guard.take().ok_or_else(ended)?;
                if ending == Ending::Commit
                    && DB::TransactionManager::get_transaction_depth(&txn) > 1
                {
                    // A nested level neither ended nor dropped (forgotten, or its commit
                    // cancelled): committing would RELEASE it, rolling back to it would lose
                    // what ran after it. Nothing is committed.
                    txn.rollback().await.map_err(query_err)?;
                    return Err(DbErr::Query(RuntimeErr::Internal(
                        "a nested transaction (savepoint) was still open at COMMIT: \
                         the transaction was rolled back"
                            .to_owned(),
                    )));
                }
                match ending {
                    Ending::Commit => txn.commit().await.map_err(query_err),
                    Ending::Rollback => txn.rollback().await.map_err(query_err),
                }
            }
            Level::Savepoint => {
                let txn = guard.as_mut().ok_or_else(ended)?;
                match ending {
                    Ending::Commit => DB::TransactionManager::commit(txn).await,
                    Ending::Rollback => DB::TransactionManager::rollback(txn).await,
                }
                .map_err(query_err)
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ending {
    Commit,
    Rollback,
}

impl<DB: Backend> Drop for RwTransaction<DB> {
    fn drop(&mut self) {
        if self.state == State::Ended || self.level == Level::Outer {
            // The outer level's sqlx `Transaction` rolls itself back when the last holder of
            // the connection (this, or a stream still reading) lets it go.
            return;
        }
        self.abandoned.fetch_add(1, Ordering::AcqRel);
        if let Ok(mut guard) = self.conn.try_lock() {
            roll_back_abandoned(&mut guard, &self.abandoned);
        }
        // Else a stream of this transaction still reads: the next to take the connection
        // rolls the savepoint back first.
    }
}

/// Queue a rollback of the innermost level for each savepoint dropped since the last call
/// (sqlx sends it before the connection's next statement).
fn roll_back_abandoned<DB: Backend>(
    txn: &mut Option<Transaction<'static, DB>>,
    abandoned: &AtomicUsize,
) {
    let count = abandoned.swap(0, Ordering::AcqRel);
    if let Some(txn) = txn.as_mut() {
        for _ in 0..count {
            DB::TransactionManager::start_rollback(txn);
        }
    }
}

#[async_trait::async_trait]
impl<DB: SeaOrmBackend> ConnectionTrait for RwTransaction<DB>
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
        let mut guard = self.take().await;
        run::execute(&mut **guard.as_mut().ok_or_else(ended)?, stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        let mut guard = self.take().await;
        run::execute_unprepared(&mut **guard.as_mut().ok_or_else(ended)?, sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        let mut guard = self.take().await;
        run::query_one(&mut **guard.as_mut().ok_or_else(ended)?, stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        let mut guard = self.take().await;
        run::query_all(&mut **guard.as_mut().ok_or_else(ended)?, stmt).await
    }
}

impl<DB: SeaOrmBackend> StreamTrait for RwTransaction<DB>
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

    /// Rows read on the transaction's connection one at a time as the stream is polled; the
    /// transaction's other statements wait until the stream ends or is dropped, as they
    /// would on one connection.
    fn stream_raw<'a>(
        &'a self,
        stmt: Statement,
    ) -> Pin<Box<dyn Future<Output = Result<Self::Stream<'a>, DbErr>> + 'a + Send>> {
        Box::pin(async move {
            // Taken now, so that statements sent after this call run after the stream.
            let mut guard = self.take().await;
            let rows = async_stream::stream! {
                let Some(txn) = guard.as_mut() else {
                    yield Err(ended());
                    return;
                };
                let mut rows = query::<DB>(stmt).fetch(&mut **txn);
                while let Some(row) = rows.next().await {
                    yield row.map(QueryResult::from).map_err(query_err);
                }
            };
            Ok(rows.boxed())
        })
    }
}

#[async_trait::async_trait]
impl<DB: SeaOrmBackend> TransactionTrait for RwTransaction<DB>
where
    QueryResult: From<DB::Row>,
    ExecResult: From<DB::QueryResult>,
    SqlxValues: IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    type Transaction = RwTransaction<DB>;

    /// A savepoint on this transaction's connection.
    async fn begin(&self) -> Result<RwTransaction<DB>, DbErr> {
        let mut guard = self.take().await;
        let txn = guard.as_mut().ok_or_else(ended)?;
        <DB as Database>::TransactionManager::begin(txn, None)
            .await
            .map_err(query_err)?;
        Ok(RwTransaction {
            conn: Arc::clone(&self.conn),
            abandoned: Arc::clone(&self.abandoned),
            level: Level::Savepoint,
            state: State::Open,
        })
    }

    /// A savepoint: a nested level cannot change the isolation or access of its transaction.
    async fn begin_with_config(
        &self,
        _isolation_level: Option<IsolationLevel>,
        _access_mode: Option<AccessMode>,
    ) -> Result<RwTransaction<DB>, DbErr> {
        self.begin().await
    }

    /// A savepoint, as [`begin_with_config`](Self::begin_with_config).
    async fn begin_with_options(
        &self,
        _options: TransactionOptions,
    ) -> Result<RwTransaction<DB>, DbErr> {
        self.begin().await
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
        _isolation_level: Option<IsolationLevel>,
        _access_mode: Option<AccessMode>,
    ) -> Result<T, TransactionError<E>>
    where
        F: for<'c> FnOnce(
                &'c RwTransaction<DB>,
            ) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>>
            + Send,
        T: Send,
        E: std::fmt::Display + std::fmt::Debug + Send,
    {
        self.transaction(callback).await
    }
}

#[async_trait::async_trait]
impl<DB: Backend> TransactionSession for RwTransaction<DB> {
    /// Commit (nested: release the savepoint). The database's error, if it refuses the
    /// commit (a deferred constraint, a full disk), is returned.
    async fn commit(self) -> Result<(), DbErr> {
        self.finish(Ending::Commit).await
    }

    /// Roll back (nested: to the savepoint).
    async fn rollback(self) -> Result<(), DbErr> {
        self.finish(Ending::Rollback).await
    }
}
