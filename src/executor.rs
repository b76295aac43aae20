//! `Executor` and `Acquire` for `&RwPool`: thin glue from sqlx's traits to the pool. A
//! statement's whole trip (classify, lease, run, heal, settle) is in `statement/`.

use either::Either;
use futures_core::future::BoxFuture;
use futures_core::stream::BoxStream;
use sqlx::pool::PoolConnection;
use sqlx::{Acquire, Error, Execute, Executor, SqlStr, Transaction};

use crate::backend::Backend;
use crate::pool::RwPool;
use crate::statement;

impl<'p, DB: Backend> Executor<'p> for &'_ RwPool<DB>
where
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    type Database = DB;

    fn fetch_many<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> BoxStream<'e, Result<Either<DB::QueryResult, DB::Row>, Error>>
    where
        'p: 'e,
        E: 'q + Execute<'q, DB>,
    {
        statement::fetch_many(self, query)
    }

    fn fetch_optional<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> BoxFuture<'e, Result<Option<DB::Row>, Error>>
    where
        'p: 'e,
        E: 'q + Execute<'q, DB>,
    {
        statement::fetch_optional(self, query)
    }

    fn prepare_with<'e>(
        self,
        sql: SqlStr,
        parameters: &'e [DB::TypeInfo],
    ) -> BoxFuture<'e, Result<DB::Statement, Error>>
    where
        'p: 'e,
    {
        statement::prepare_with(self, sql, parameters)
    }

    fn describe<'e>(self, sql: SqlStr) -> BoxFuture<'e, Result<sqlx::Describe<DB>, Error>>
    where
        'p: 'e,
    {
        statement::describe(self, sql)
    }
}

/// `acquire()` hands out the writer (arbitrary SQL may write); `begin()` begins a write
/// transaction. This is what `sqlx::migrate!().run(&pool)` uses.
impl<'a, DB: Backend> Acquire<'a> for &'_ RwPool<DB> {
    type Database = DB;
    type Connection = PoolConnection<DB>;

    fn acquire(self) -> BoxFuture<'static, Result<PoolConnection<DB>, Error>> {
        let pool = self.clone();
        Box::pin(async move { pool.acquire().await })
    }

    fn begin(self) -> BoxFuture<'static, Result<Transaction<'a, DB>, Error>> {
        let pool = self.clone();
        Box::pin(async move { pool.begin().await })
    }
}
