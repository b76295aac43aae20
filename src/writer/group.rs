//! Group commit: autocommit writes that queue for the writer while it is busy run together,
//! in one transaction, in the turn of the first of them.
//!
//! SQLite's cost for an autocommit write is mostly its commit (with `synchronous=FULL`, an
//! fsync; with `NORMAL`, WAL frames and locks). While the writer is busy, writes pile up in
//! its queue anyway; the job that gets the writer next takes the autocommit writes waiting
//! right behind it (a [`Member`] each, in arrival order, up to a cap) and runs them all inside
//! one transaction. Each statement still runs as its caller wrote it, with its own arguments,
//! and its caller receives exactly its own results ([`Reply`]) once the transaction has
//! committed. A write that finds the writer free runs alone, exactly as without grouping:
//! grouping only ever uses time the writer would have been busy anyway.
//!
//! How a group runs, and what each member gets when something fails, is in
//! `statement/group.rs`; this file holds what a member is, so the writer's queue can carry it.

use either::Either;
use sqlx::{Database, Error, SqlStr};
use tokio::sync::oneshot;

use crate::backend::Backend;

/// How the caller fetches its results, so the group fetches them the same way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fetch {
    /// Every result and row (`fetch_many`, and through it `execute` and `fetch_all`).
    Many,
    /// At most the first row (`fetch_optional`, `fetch_one`).
    Optional,
}

/// What a member's statement produced, fetched as its caller asked.
pub(crate) enum Reply<DB: Database> {
    Many(Vec<Either<DB::QueryResult, DB::Row>>),
    Optional(Option<DB::Row>),
}

impl<DB: Database> Reply<DB> {
    /// The reply `fetch` asks for, from everything the statement produced.
    pub(crate) fn of(fetch: Fetch, items: Vec<Either<DB::QueryResult, DB::Row>>) -> Self {
        match fetch {
            Fetch::Many => Reply::Many(items),
            Fetch::Optional => Reply::Optional(items.into_iter().find_map(Either::right)),
        }
    }
}

/// One autocommit write waiting for the writer, ready to be run by whoever holds it.
pub(crate) struct Member<DB: Backend> {
    pub(crate) sql: SqlStr,
    pub(crate) arguments: Option<DB::Arguments>,
    pub(crate) persistent: bool,
    pub(crate) fetch: Fetch,
    /// Where its outcome goes; the caller waits on the other end. Dropped unsent only if the
    /// caller got the writer itself (then it runs the statement) or the group could not run.
    pub(crate) reply: oneshot::Sender<Result<Reply<DB>, Error>>,
}

impl<DB: Backend> Member<DB> {
    /// A member for `sql`, and the receiver its outcome arrives on.
    pub(crate) fn new(
        sql: SqlStr,
        arguments: Option<DB::Arguments>,
        persistent: bool,
        fetch: Fetch,
    ) -> (Self, oneshot::Receiver<Result<Reply<DB>, Error>>) {
        let (reply, receiver) = oneshot::channel();
        let member = Member {
            sql,
            arguments,
            persistent,
            fetch,
            reply,
        };
        (member, receiver)
    }

    /// What it weighs against the group's byte cap: its SQL text.
    pub(crate) fn weight(&self) -> usize {
        self.sql.as_str().len()
    }
}
