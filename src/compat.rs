//! The rest of sqlx's `Pool` surface on `RwPool`, so that swapping the type keeps code
//! compiling: non-blocking acquire and begin, the close event, sizes, and connect options.
//!
//! Each method keeps sqlx's meaning where one pool of many connections and a writer plus
//! readers can agree, and says what it means here where they cannot (which connections a size
//! counts, which pool's options are returned).

use std::sync::Arc;

use sqlx::pool::{CloseEvent, PoolConnection, PoolOptions};
use sqlx::{Error, SqlSafeStr, Transaction};

use crate::backend::{Backend, ConnectOptionsOf};
use crate::occupancy;
use crate::owner::Owner;
use crate::pool::RwPool;

impl<DB: Backend> RwPool<DB> {
    /// The writer, if it is free right now, without waiting (as `Pool::try_acquire`);
    /// `None` if anyone holds it or waits for it, or the pool is closed.
    pub fn try_acquire(&self) -> Option<PoolConnection<DB>> {
        let owner = Owner::current();
        if self.0.writer.pin_of(owner).is_some() {
            return None;
        }
        let conn = self.0.writer.try_hand_out(owner)?;
        self.handed_out(owner);
        Some(conn)
    }

    /// [`begin`](Self::begin) if the writer is free right now, else `Ok(None)`, as
    /// `Pool::try_begin`.
    pub async fn try_begin(&self) -> Result<Option<Transaction<'static, DB>>, Error> {
        let statement = self.begin_statement();
        self.try_begin_on_writer(statement).await
    }

    /// [`begin_with`](Self::begin_with) if the writer is free right now, else `Ok(None)`.
    pub async fn try_begin_with(
        &self,
        statement: impl SqlSafeStr,
    ) -> Result<Option<Transaction<'static, DB>>, Error> {
        self.try_begin_on_writer(Some(statement.into_sql_str()))
            .await
    }

    async fn try_begin_on_writer(
        &self,
        statement: Option<sqlx::SqlStr>,
    ) -> Result<Option<Transaction<'static, DB>>, Error> {
        let Some(conn) = self.try_acquire() else {
            return Ok(None);
        };
        let tx = Transaction::begin(conn, statement)
            .await
            .map_err(|e| self.explain(e, true))?;
        self.count_begun();
        Ok(Some(tx))
    }

    /// A future that resolves when [`close`](Self::close) is called, as `Pool::close_event`
    /// (for example with `do_until` to stop long work when the pool closes).
    pub fn close_event(&self) -> CloseEvent {
        self.0.writer.pool().close_event()
    }

    /// Connections open now: the writer (once opened) plus the readers.
    pub fn size(&self) -> u32 {
        self.0.writer.pool().size() + self.readers_pool().map_or(0, |p| p.size())
    }

    /// Reader connections open and idle now. The writer is not counted: it is parked between
    /// statements and reached through its queue, never lent out idle.
    pub fn num_idle(&self) -> usize {
        self.readers_pool().map_or(0, |p| occupancy::idle(&p))
    }

    /// The writer's connect options: the caller's options with the pool's settings applied
    /// (for SQLite: WAL, busy timeout, the pragmas). Readers use the same, made read-only.
    pub fn connect_options(&self) -> Arc<ConnectOptionsOf<DB>> {
        self.0.writer.pool().connect_options()
    }

    /// Options for connections opened from now on, as `Pool::set_connect_options`: the
    /// writer's next reconnect uses them as given, and reader connections are replaced by
    /// ones opened from them (made read-only, the pool's settings applied). Connections in use
    /// finish what they run. The pool's own settings (`RwPoolOptions`) are not applied to the
    /// writer's options: give the options [`connect_options`](Self::connect_options) returns,
    /// changed.
    pub fn set_connect_options(&self, options: ConnectOptionsOf<DB>) {
        if let Some(readers) = &self.0.readers {
            readers.replace_options(DB::reader_targets(&self.0.settings, &options));
        }
        self.0.writer.pool().set_connect_options(options);
    }

    /// The sqlx options of the readers' pool (`max_connections` is the reader count, as set by
    /// [`RwPoolOptions::readers`](crate::RwPoolOptions::readers)); for an in-memory database,
    /// the writer's pool of one.
    pub fn options(&self) -> &PoolOptions<DB> {
        match &self.0.readers {
            Some(readers) => readers.pool_options(),
            None => self.0.writer.pool().options(),
        }
    }

    fn readers_pool(&self) -> Option<sqlx::Pool<DB>> {
        self.0.readers.as_ref().and_then(|readers| readers.pool())
    }
}
