//! A group of autocommit writes run in one transaction, and what each member gets back.
//!
//! The job holding the writer gathered the writes queued behind it (see `writer/group.rs`).
//! The group runs in a task of its own, so that no caller dropping its future can leave the
//! others without an answer; every member's caller waits for its own [`Reply`].
//!
//! The rules, each there so that a member gets exactly what it would have got alone:
//!
//! * **One transaction**, begun as the pool begins every write transaction (for SQLite
//!   `BEGIN IMMEDIATE`), the members run in arrival order, each with its own SQL and
//!   arguments, fetched as its caller asked: its own result, rowid and `RETURNING` rows.
//! * **Nobody is answered before COMMIT returns**: a member's success is only true once the
//!   transaction holding it has committed.
//! * **A statement that fails** is undone by the database alone (for SQLite, its statement
//!   journal), and only its caller gets the error, at once; the group goes on.
//! * **A failure that ends the whole transaction** (for SQLite `INSERT OR ROLLBACK`,
//!   `RAISE(ROLLBACK)`, a full disk): after any failure the pool asks whether the transaction
//!   is still open. If not, the members that had succeeded were never answered and nothing of
//!   theirs was kept: they run again, first, in a new transaction (a *regroup*), and only the
//!   statement that ended it gets its error.
//! * **A COMMIT that fails** (a deferred foreign key a member broke, a full disk) commits
//!   nothing: the transaction is rolled back if still open, and every member that had
//!   succeeded runs again alone, in autocommit, as it would have without grouping. The one
//!   that broke a deferred key fails at its own commit, the others are unaffected; a disk
//!   that is still full fails each with the database's own error.
//! * **A group that cannot begin** (another process holds the write lock past the busy
//!   timeout) runs every member alone in the same way.
//!
//! Where the driver runs several statements in one command ([`Backend::chain`], SQLite), the
//! group's `BEGIN` travels with its first member and its `COMMIT` with its last, so a group of
//! `n` writes costs `n` round trips to the connection, not `n + 2`. Each part's result still
//! tells what happened: the `BEGIN`'s own result comes first (without it, the `BEGIN` failed
//! and the member never ran); a member is one statement, so its result marks it done and an
//! error after it is the `COMMIT`'s; and a `COMMIT` counts as run only if the writer's commit
//! hook saw it (or, failing that, SQLite says no transaction is open).

use std::collections::VecDeque;

use futures_core::future::BoxFuture;
use futures_util::{TryFutureExt, TryStreamExt};
use sqlx::{Database, Error, Executor, SqlStr};
use tracing::Instrument;

use crate::backend::Backend;
use crate::pool::RwPool;
use crate::writer::{Fetch, Member, Reply, Turn};

use super::Routed;

/// SQL a group gathers at most, in bytes (a first statement is taken whatever its size): past
/// it the group would hold text and arguments for little gain, and keep its first callers
/// waiting longer.
pub(crate) const MAX_GROUP_BYTES: usize = 1 << 20;

/// Run `members` (the holder's own write first) in one transaction on `turn`, in a task of
/// their own, and answer each.
pub(crate) fn spawn<DB: Backend>(pool: RwPool<DB>, turn: Turn<DB>, members: Vec<Member<DB>>)
where
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    tokio::spawn(run(pool, turn, members));
}

/// How many times, at most, the group's task lets other tasks run while it waits for more
/// writes: a look costs next to nothing when no task is ready to run, and the task stops
/// looking as soon as a write arrives, or when a job other than a write waits next.
const LINGER_LOOKS: usize = 16;

/// Run groups on `turn` for as long as writes queue right behind: the first `members`, then
/// whatever gathered while they ran or as their callers came back.
async fn run<DB: Backend>(pool: RwPool<DB>, mut turn: Turn<DB>, mut members: Vec<Member<DB>>)
where
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    // The writes a group waits for before it commits: as many as the group before it had,
    // since its callers tend to write again at once.
    let mut expected = members.len();
    loop {
        let span = tracing::info_span!(
            target: "sqlx_rw",
            "sqlx_rw.group",
            size = tracing::field::Empty,
            regroups = tracing::field::Empty,
        );
        let size = run_group(&pool, &mut turn, members, expected)
            .instrument(span.clone())
            .await;
        span.record("size", size);
        pool.0.counters.group_run(size);
        if turn.is_discarded() {
            return;
        }
        expected = size;
        members = linger(&pool, 2).await;
        match members.len() {
            0 => return,
            1 => {
                // One write came back alone: it runs as a lone write would, in autocommit.
                alone(&mut turn, members.drain(..)).await;
                return;
            }
            _ => {}
        }
    }
}

/// Let other tasks run, and gather the writes that queue behind the holder meanwhile, until
/// `want` of them came, [`LINGER_LOOKS`] looks are spent, or a job other than a write waits
/// next.
async fn linger<DB: Backend>(pool: &RwPool<DB>, want: usize) -> Vec<Member<DB>> {
    let writer = &pool.0.writer;
    let mut more: Vec<Member<DB>> = Vec::new();
    let mut bytes = 0;
    for _ in 0..LINGER_LOOKS {
        if more.len() >= want || writer.other_job_next() {
            break;
        }
        tokio::task::yield_now().await;
        let room = pool.0.max_group.saturating_sub(more.len());
        let gathered = writer.gather(room, MAX_GROUP_BYTES.saturating_sub(bytes));
        bytes += gathered.iter().map(Member::weight).sum::<usize>();
        more.extend(gathered);
    }
    more
}

/// A member whose statement succeeded and waits for the commit. It keeps its arguments (each
/// run binds a copy) should it have to run again.
struct Done<DB: Backend> {
    member: Member<DB>,
    reply: Reply<DB>,
}

impl<DB: Backend> Done<DB> {
    /// The member again, as it was before it ran.
    fn again(self) -> Member<DB> {
        self.member
    }
}

/// One group: one transaction for `members` and the writes that queue behind them while it
/// runs (up to the cap; it waits a little for `expected` writes in all), each answered.
/// Returns how many it took.
///
/// Where the backend [chains](Backend::chain) statements, the `BEGIN` goes in one command with
/// the first member and the `COMMIT` with the last (the one nothing waits behind once the
/// group has its expected size): a group of `n` costs `n` round trips instead of `n + 2`.
async fn run_group<DB: Backend>(
    pool: &RwPool<DB>,
    turn: &mut Turn<DB>,
    members: Vec<Member<DB>>,
    expected: usize,
) -> usize
where
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    let begin = pool
        .0
        .begin
        .clone()
        .unwrap_or_else(|| SqlStr::from_static("BEGIN"));
    // Whether the backend chains at all; the answer does not depend on the text.
    let chains = DB::chain("", "").is_some();
    let max = pool.0.max_group;
    let mut size = members.len();
    let mut bytes = members.iter().map(Member::weight).sum::<usize>();
    // Dropped mid-group (the runtime shutting down), the connection goes back to sqlx's pool,
    // whose release hook rolls back the open transaction: nothing half-done is ever kept.
    turn.armed = true;
    let mut waiting: VecDeque<Member<DB>> = members.into();
    let mut done: Vec<Done<DB>> = Vec::new();
    let mut regroups = 0u64;
    'group: loop {
        // The transaction is open: its BEGIN ran, alone or with a member.
        let mut open = false;
        loop {
            if waiting.is_empty() && size < expected.min(max) {
                // The callers of the last group are still on their way back.
                let arrived = linger(pool, 1).await;
                size += arrived.len();
                bytes += arrived.iter().map(Member::weight).sum::<usize>();
                waiting.extend(arrived);
            }
            let Some(member) = waiting.pop_front() else {
                break;
            };
            if !open && !chains {
                if let Err(error) = turn.conn().execute(begin.clone()).await {
                    waiting.push_front(member);
                    cannot_begin(turn, &error, waiting.drain(..)).await;
                    break 'group;
                }
                open = true;
            }
            let with = Chain {
                begin: (!open).then_some(&begin),
                commit: chains && waiting.is_empty() && size >= expected.min(max),
            };
            match run_member(pool, turn.conn(), &member, with).await {
                Ran::NotBegun(error) => {
                    waiting.push_front(member);
                    cannot_begin(turn, &error, waiting.drain(..)).await;
                    break 'group;
                }
                Ran::Open(reply) => {
                    open = true;
                    done.push(Done { member, reply });
                }
                Ran::Committed(reply) => {
                    done.push(Done { member, reply });
                    answer(done.drain(..));
                    break 'group;
                }
                Ran::CommitFailed(reply, error) => {
                    done.push(Done { member, reply });
                    commit_failed(turn, &error, done.drain(..)).await;
                    break 'group;
                }
                Ran::Failed(error) => {
                    let broken = DB::connection_broken(&error);
                    let _ = member.reply.send(Err(error));
                    if broken {
                        turn.discard();
                        fail_all(done.drain(..).map(Done::again).chain(waiting.drain(..)));
                        break 'group;
                    }
                    // The statement alone was undone, or the whole transaction with it.
                    if DB::in_transaction(turn.conn()).await.unwrap_or(false) {
                        open = true;
                        crate::stats::bump(&pool.0.counters.group_failures);
                    } else {
                        regroups += 1;
                        // Nothing of the members before it was kept, and none was answered:
                        // they run again first, in arrival order.
                        for earlier in done.drain(..).rev() {
                            waiting.push_front(earlier.again());
                        }
                        continue 'group;
                    }
                }
            }
            // Writes that queued while it ran join the group.
            if size < max {
                let joined = pool
                    .0
                    .writer
                    .gather(max - size, MAX_GROUP_BYTES.saturating_sub(bytes));
                size += joined.len();
                bytes += joined.iter().map(Member::weight).sum::<usize>();
                waiting.extend(joined);
            }
        }
        if open {
            match turn.conn().execute(SqlStr::from_static("COMMIT")).await {
                Ok(_) => answer(done.drain(..)),
                Err(error) => commit_failed(turn, &error, done.drain(..)).await,
            }
        }
        break 'group;
    }
    if regroups > 0 {
        tracing::Span::current().record("regroups", regroups);
        pool.0
            .counters
            .regroups
            .fetch_add(regroups, std::sync::atomic::Ordering::Relaxed);
    }
    turn.armed = false;
    size
}

/// The group committed: every member gets its own results.
fn answer<DB: Backend>(done: impl Iterator<Item = Done<DB>>) {
    for finished in done {
        let _ = finished.member.reply.send(Ok(finished.reply));
    }
}

/// The group's transaction could not begin (another process holds the write lock past the
/// busy timeout): every member runs alone, as it would have without grouping, unless the
/// connection broke.
async fn cannot_begin<DB: Backend>(
    turn: &mut Turn<DB>,
    error: &Error,
    mut waiting: impl Iterator<Item = Member<DB>>,
) where
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    tracing::debug!(target: "sqlx_rw", %error, "a group could not begin; its members run alone");
    if DB::connection_broken(error) {
        turn.discard();
        fail_all(waiting);
        return;
    }
    alone(turn, &mut waiting).await;
}

/// The COMMIT failed, so nothing was committed: the transaction is rolled back if still open,
/// and every member that had succeeded runs again alone (the one that broke a deferred key
/// then fails at its own commit).
async fn commit_failed<DB: Backend>(
    turn: &mut Turn<DB>,
    error: &Error,
    done: impl Iterator<Item = Done<DB>>,
) where
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    tracing::debug!(
        target: "sqlx_rw",
        %error,
        "a group's commit failed; its members run again alone"
    );
    if DB::in_transaction(turn.conn()).await.unwrap_or(true) {
        let _ = DB::rollback(turn.conn()).await;
    }
    alone(turn, done.map(Done::again)).await;
}

/// What goes in one command with a member's statement.
struct Chain<'a> {
    /// The group's BEGIN, before it.
    begin: Option<&'a SqlStr>,
    /// The group's COMMIT, after it.
    commit: bool,
}

/// How a member's statement (and what was chained with it) ran.
enum Ran<DB: Database> {
    /// The BEGIN before it failed; the statement did not run.
    NotBegun(Error),
    /// The statement failed: the database undid it (or the whole transaction).
    Failed(Error),
    /// The statement ran; the transaction is open.
    Open(Reply<DB>),
    /// The statement ran and the COMMIT after it committed the group.
    Committed(Reply<DB>),
    /// The statement ran, but the COMMIT after it failed.
    CommitFailed(Reply<DB>, Error),
}

/// Run `member`'s statement on `conn`, with the group's BEGIN and COMMIT around it as `with`
/// asks, in one command.
fn run_member<'c, DB: Backend>(
    pool: &'c RwPool<DB>,
    conn: &'c mut DB::Connection,
    member: &Member<DB>,
    with: Chain<'_>,
) -> BoxFuture<'c, Ran<DB>>
where
    for<'e> &'e mut DB::Connection: Executor<'e, Database = DB>,
{
    let (begun, commit) = (with.begin.is_some(), with.commit);
    if !begun && !commit {
        let ran = execute::<DB>(conn, member);
        return Box::pin(async move {
            match ran.await {
                Ok(reply) => Ran::Open(reply),
                Err(error) => Ran::Failed(error),
            }
        });
    }
    let mut sql = member.sql.clone();
    if let Some(begin) = with.begin {
        sql = DB::chain(begin.as_str(), sql.as_str()).unwrap_or(sql);
    }
    if commit {
        sql = DB::chain(sql.as_str(), "COMMIT").unwrap_or(sql);
    }
    let routed = Routed {
        sql,
        arguments: member.arguments.as_ref().map(DB::clone_arguments),
        persistent: member.persistent,
    };
    let fetch = member.fetch;
    Box::pin(async move {
        let commits = || {
            pool.0
                .counters
                .commits
                .load(std::sync::atomic::Ordering::Relaxed)
        };
        let commits_before = commits();
        let mut items = Vec::new();
        let failure = {
            let mut stream = conn.fetch_many(routed);
            loop {
                match stream.try_next().await {
                    Ok(Some(item)) => items.push(item),
                    Ok(None) => break None,
                    Err(error) => break Some(error),
                }
            }
        };
        if begun {
            // The BEGIN's own result comes first; without it, the BEGIN failed.
            if items.is_empty() {
                if let Some(error) = failure {
                    return Ran::NotBegun(error);
                }
            } else {
                items.remove(0);
            }
        }
        // A member is one statement: once its result came, it ran; what follows is the COMMIT.
        let finished = items.iter().filter(|item| item.is_left()).count();
        match failure {
            Some(error) if finished == 0 || !commit => Ran::Failed(error),
            Some(error) => Ran::CommitFailed(Reply::of(fetch, items), error),
            None if !commit => Ran::Open(Reply::of(fetch, items)),
            None => {
                // The commit hook on the writer says whether the COMMIT ran; should it not
                // have (SQL that ended in a way that swallowed it), the database tells.
                let committed = (finished == 2 && commits() > commits_before)
                    || !DB::in_transaction(conn).await.unwrap_or(true);
                if committed {
                    if let Some(last) = items.iter().rposition(|item| item.is_left()) {
                        items.remove(last);
                    }
                    Ran::Committed(Reply::of(fetch, items))
                } else {
                    Ran::Open(Reply::of(fetch, items))
                }
            }
        }
    })
}

/// Run each member on its own, in autocommit, and answer it.
async fn alone<DB: Backend>(turn: &mut Turn<DB>, members: impl Iterator<Item = Member<DB>>)
where
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    let mut members: VecDeque<Member<DB>> = members.collect();
    while let Some(member) = members.pop_front() {
        if turn.is_discarded() {
            members.push_front(member);
            fail_all(members.drain(..));
            return;
        }
        let outcome = execute::<DB>(turn.conn(), &member).await;
        if let Err(error) = &outcome {
            if DB::connection_broken(error) {
                turn.discard();
            }
        }
        let _ = member.reply.send(outcome);
    }
}

/// The writer's connection broke under the group: nothing it had not committed was kept.
fn fail_all<DB: Backend>(members: impl Iterator<Item = Member<DB>>) {
    for member in members {
        let _ = member.reply.send(Err(Error::Io(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "the writer connection broke while this statement waited in a group commit; \
             nothing of it was committed",
        ))));
    }
}

/// Run `member`'s statement on `conn`, fetched as its caller asked, with a copy of its
/// arguments (it may have to run again).
fn execute<'c, DB: Backend>(
    conn: &'c mut DB::Connection,
    member: &Member<DB>,
) -> futures_core::future::BoxFuture<'c, Result<Reply<DB>, Error>>
where
    for<'e> &'e mut DB::Connection: Executor<'e, Database = DB>,
{
    let routed = Routed {
        sql: member.sql.clone(),
        arguments: member.arguments.as_ref().map(DB::clone_arguments),
        persistent: member.persistent,
    };
    match member.fetch {
        Fetch::Many => Box::pin(conn.fetch_many(routed).try_collect().map_ok(Reply::Many)),
        Fetch::Optional => Box::pin(conn.fetch_optional(routed).map_ok(Reply::Optional)),
    }
}
