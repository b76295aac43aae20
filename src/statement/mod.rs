//! One statement's whole trip through the pool, from the caller's query to its outcome.
//!
//! sqlx's `Execute::sql` consumes the query, so the trip starts by moving the SQL, arguments
//! and persistence flag out of it ([`Parts`]). Then, in order:
//!
//! 1. **verdict**: the SQL is classified (from the verdict cache after the first time), and
//!    statements the pool refuses or whose bound arguments do not match stop here
//!    ([`verdict`](verdict.rs));
//! 2. **lease**: the connection the verdict and the task's state call for: the task's pinned
//!    transaction, a reader, or the writer's turn in the queue ([`lease`](lease.rs)). An
//!    autocommit write waits in that queue ready to run, and the job holding the writer may
//!    run it in a group commit ([`group`](group.rs)); it then gets only its outcome;
//! 3. **attempt**: the caller's SQL and arguments run on that connection, armed so that a
//!    cancellation leaves nothing open; a write a reader refused runs again on the writer
//!    (healing), with a copy of the arguments kept for that;
//! 4. **settle**: what the statement did to the writer's transaction (see `txn.rs`) pins the
//!    writer to the task or releases it, settings it changed reach the other connections, and
//!    an error is made clearer where the pool knows more than the database.
//!
//! The caller's SQL text and arguments are what run; only a plain `BEGIN` is replaced by the
//! configured begin statement. Every statement runs in a `sqlx_rw.statement` span.

mod group;
mod lease;
mod verdict;

use std::task::{Context, Poll};
use std::time::Instant;

use either::Either;
use futures_core::future::BoxFuture;
use futures_core::stream::BoxStream;
use futures_util::{Stream, StreamExt};
use sqlx::error::BoxDynError;
use sqlx::{Arguments, Database, Error, Execute, Executor, SqlStr};
use tracing::{field, Instrument, Span};

use crate::backend::{Backend, ErrorClass};
use crate::owner::Owner;
use crate::pool::RwPool;
use crate::route::classify::{Setting, Verdict};
use crate::writer::{park, Fetch, Member, Reply};

pub(crate) use lease::Lease;
use lease::{JournalChange, Leased};

/// A query taken apart: what actually runs on the chosen connection.
struct Routed<DB: Database> {
    sql: SqlStr,
    arguments: Option<DB::Arguments>,
    persistent: bool,
}

impl<DB: Database> Execute<'_, DB> for Routed<DB> {
    fn sql(self) -> SqlStr {
        self.sql
    }

    fn statement(&self) -> Option<&DB::Statement> {
        // A prepared statement belongs to the connection that prepared it; the chosen
        // connection prepares (and caches) its own from the SQL.
        None
    }

    fn take_arguments(&mut self) -> Result<Option<DB::Arguments>, BoxDynError> {
        Ok(self.arguments.take())
    }

    fn persistent(&self) -> bool {
        self.persistent
    }
}

/// The parts of a caller's query, taken before it is consumed.
struct Parts<DB: Database> {
    sql: SqlStr,
    arguments: Option<DB::Arguments>,
    persistent: bool,
}

impl<DB: Database> Parts<DB> {
    fn take<'q, E: Execute<'q, DB>>(mut query: E) -> Result<Self, Error> {
        let arguments = query.take_arguments().map_err(Error::Encode)?;
        let persistent = query.persistent();
        Ok(Parts {
            sql: query.sql(),
            arguments,
            persistent,
        })
    }
}

impl<DB: Backend> RwPool<DB> {
    /// `true` if `verdict`'s statement may run in a group commit: an autocommit write
    /// (`INSERT`, `UPDATE`, `DELETE`, `REPLACE`, `WITH … DML`) that touches no transaction,
    /// setting, TEMP object or per-connection state, on a pool that groups.
    fn may_group(&self, verdict: &Verdict) -> bool {
        use crate::route::classify::TxnEffect;
        use crate::route::Reason;
        self.0.max_group > 1
            && matches!(verdict.route.reason(), Reason::Write | Reason::WithWrite)
            && verdict.txn == TxnEffect::None
            && verdict.setting == Setting::None
            && !verdict.creates_temp
    }

    /// The lease for a write that may run in a group: gathered into the group of the job
    /// holding the writer (then only its outcome's receiver), or the writer's turn, from
    /// which it leads a group of the writes queued behind it, if any. Otherwise (a pinned
    /// transaction, a lone write) the statement runs as any other.
    async fn lease_in_group(
        &self,
        verdict: &Verdict,
        owner: Owner,
        (member, receiver): (Member<DB>, GroupReceiver<DB>),
    ) -> Result<Started<DB>, Error>
    where
        for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    {
        match self.lease_or_join(verdict, owner, Some(member)).await? {
            Leased::Gathered => Ok((Lease::Grouped, None, None, Some(receiver))),
            Leased::Ready(Lease::Writer(turn), Some(member)) => {
                let behind = self
                    .0
                    .writer
                    .gather(self.0.max_group - 1, group::MAX_GROUP_BYTES);
                if behind.is_empty() {
                    return Ok((
                        Lease::Writer(turn),
                        Some(member.sql),
                        member.arguments,
                        None,
                    ));
                }
                let mut members = Vec::with_capacity(behind.len() + 1);
                members.push(member);
                members.extend(behind);
                group::spawn(self.clone(), turn, members);
                Ok((Lease::Grouped, None, None, Some(receiver)))
            }
            Leased::Ready(lease, Some(member)) => {
                Ok((lease, Some(member.sql), member.arguments, None))
            }
            Leased::Ready(_, None) => {
                unreachable!("sqlx-rw: a job handed the writer gets its member back")
            }
        }
    }
}

/// Where a member's outcome arrives.
type GroupReceiver<DB> = tokio::sync::oneshot::Receiver<Result<Reply<DB>, Error>>;

/// What a statement starts with: its lease, and its SQL and arguments unless a group ran it
/// (then the receiver of its outcome instead).
type Started<DB> = (
    Lease<DB>,
    Option<SqlStr>,
    Option<<DB as Database>::Arguments>,
    Option<GroupReceiver<DB>>,
);

const INVARIANT: &str = "sqlx-rw: the SQL is kept until the last attempt";

/// One statement on its way through the pool: the steps the stream and the single-row paths
/// share (classify, lease a connection, retry a refused write on the writer, settle the
/// writer's state), so each path only runs the statement.
struct Run<DB: Backend> {
    pool: RwPool<DB>,
    owner: Owner,
    verdict: Verdict,
    lease: Lease<DB>,
    /// Kept while something may still need it (a retry on the writer, TEMP names to
    /// register); otherwise the last attempt takes it, so owned SQL text is never copied.
    sql: Option<SqlStr>,
    arguments: Option<DB::Arguments>,
    /// A copy of the arguments, for a retry on the writer if a reader refuses the statement.
    spare: Option<DB::Arguments>,
    persistent: bool,
    /// A journal-mode change under way, ended once the statement has run.
    journal: Option<JournalChange<DB>>,
    /// Set when the statement ran in a group commit: its outcome arrives here.
    grouped: Option<GroupReceiver<DB>>,
    span: Span,
    ran: Instant,
}

impl<DB: Backend> Run<DB> {
    async fn start(
        pool: RwPool<DB>,
        parts: Result<Parts<DB>, Error>,
        span: Span,
        fetch: Fetch,
    ) -> Result<Self, Error>
    where
        for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    {
        let Parts {
            sql,
            arguments,
            persistent,
        } = parts?;
        let owner = Owner::current();
        let started = Instant::now();
        let verdict = pool.verdict(sql.as_str());
        if verdict.is_rejected() {
            return Err(pool.rejection(sql.as_str(), &verdict));
        }
        check_arguments(&verdict, &arguments)?;
        let journal = pool.before_run(&verdict).await;
        // Dropped on an error here, the journal change rereads the mode itself.
        let (lease, sql, arguments, grouped) = if pool.may_group(&verdict) {
            pool.lease_in_group(
                &verdict,
                owner,
                Member::new(sql, arguments, persistent, fetch),
            )
            .await?
        } else {
            let lease = pool.lease(&verdict, owner).await?;
            (lease, Some(sql), arguments, None)
        };
        record_lease(&span, &verdict, &lease, started);
        let spare = spare_arguments::<DB>(lease.is_reader(), &arguments);
        let sql = sql.map(|sql| pool.rewrite(sql, &verdict));
        Ok(Run {
            pool,
            owner,
            verdict,
            lease,
            sql,
            arguments,
            spare,
            persistent,
            journal,
            grouped,
            span,
            ran: Instant::now(),
        })
    }

    /// The outcome of a statement that ran in a group commit, settled; `None` if it did not.
    async fn grouped(&mut self) -> Option<Result<Reply<DB>, Error>> {
        let receiver = self.grouped.take()?;
        // The group's task answers every member; it ends without an answer only if it
        // panicked or the runtime is shutting down.
        Some(receiver.await.unwrap_or(Err(Error::WorkerCrashed)))
    }

    /// The connection and the query for the next attempt, armed against cancellation.
    fn attempt(&mut self) -> (&mut DB::Connection, Routed<DB>) {
        self.pool.arm(&mut self.lease, &self.verdict);
        // Only a reader's attempt can be retried, and only TEMP creation and settings need the
        // text after.
        let keep = self.lease.is_reader()
            || self.verdict.creates_temp
            || self.verdict.setting != Setting::None;
        let sql = if keep {
            self.sql.clone()
        } else {
            self.sql.take()
        };
        let routed = Routed {
            sql: sql.expect(INVARIANT),
            arguments: self.arguments.take(),
            persistent: self.persistent,
        };
        (self.lease.conn(), routed)
    }

    /// How long the next result may take: set only on a reader of a backend whose readers
    /// are servers.
    fn read_timeout(&self) -> Option<std::time::Duration> {
        self.lease.read_timeout(self.pool.0.readers.as_deref())
    }

    /// The reader did not answer in time: discard its connection, take it out of rotation.
    fn stalled(&mut self) {
        let readers = self.pool.0.readers.clone();
        self.lease.stalled(readers.as_deref());
    }

    /// After an attempt failed with `error` (having `yielded` results or not): if a reader
    /// refused a write, which it could not have run, move to the writer and return `true`.
    async fn retry_on_writer(&mut self, error: &Error, yielded: bool) -> Result<bool, Error> {
        if !self.lease.is_reader() || yielded {
            return Ok(false);
        }
        match DB::classify_error(error) {
            ErrorClass::ReadOnlyRefusal => {
                self.pool.heal(self.sql.as_ref().expect(INVARIANT).as_str());
                // It writes: settled as a write (read-your-writes records its position).
                self.verdict = Verdict {
                    route: crate::route::Route::writer(crate::route::Reason::Healed),
                    ..self.verdict
                };
            }
            // The reader failed before anything reached the caller (its connection broke,
            // recovery cancelled the read): the writer runs it, as fresh as can be.
            ErrorClass::RetryElsewhere => self.pool.count_read_retry(error),
            ErrorClass::Busy | ErrorClass::Other => return Ok(false),
        }
        self.arguments = self.spare.take();
        self.lease = self.pool.writer_lease(self.owner).await?;
        self.span.record("route", "writer");
        Ok(true)
    }

    /// The statement ran with `outcome`: settle the writer's transaction state, record the
    /// time, and make an error clearer where the pool knows more than the database.
    async fn finish<T>(self, outcome: Result<T, Error>) -> Result<T, Error> {
        let Run {
            pool,
            owner,
            verdict,
            mut lease,
            sql,
            journal,
            span,
            ran,
            ..
        } = self;
        let on_writer = !lease.is_reader();
        let on_turn = on_writer && !lease.is_pinned();
        let mut broken = false;
        if let Err(error) = &outcome {
            broken = lease.check_broken(error);
            if broken {
                pool.0.writer.discard_parked();
            }
        }
        if let (true, false, Some(sql)) =
            (on_writer && verdict.setting != Setting::None, broken, &sql)
        {
            pool.after_run(sql.as_str(), &verdict, &mut lease, outcome.is_ok(), journal)
                .await;
        }
        pool.finish(lease, &verdict, outcome.is_ok(), owner).await?;
        span.record("exec_us", ran.elapsed().as_micros() as u64);
        if let (true, Ok(_), Some(sql)) = (verdict.creates_temp, &outcome, &sql) {
            pool.register_temps(sql.as_str());
        }
        outcome.map_err(|e| {
            if on_writer {
                pool.explain(e, on_turn)
            } else {
                e
            }
        })
    }
}

/// The next item of `results`, within `bound` if there is one; a reader that does not answer
/// in time yields the stall error once (`stalled` set) and ends the stream.
async fn next_within<S, T>(
    results: &mut S,
    bound: Option<std::time::Duration>,
    stalled: &mut bool,
) -> Option<Result<T, Error>>
where
    S: Stream<Item = Result<T, Error>> + Unpin,
{
    if *stalled {
        return None;
    }
    match bound {
        None => results.next().await,
        Some(bound) => match tokio::time::timeout(bound, results.next()).await {
            Ok(item) => item,
            Err(_) => {
                *stalled = true;
                Some(Err(stalled_error(bound)))
            }
        },
    }
}

/// The error for a reader that did not answer within the read timeout: an I/O timeout, which
/// a backend with replicas classes as "retry elsewhere".
fn stalled_error(bound: std::time::Duration) -> Error {
    Error::Io(std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        format!("the replica did not answer within the read timeout ({bound:?})"),
    ))
}

fn is_stall<T>(result: &Result<T, Error>) -> bool {
    matches!(result, Err(Error::Io(e)) if e.kind() == std::io::ErrorKind::TimedOut)
}

/// What both paths start with: their own handle on the pool, the query taken apart, and the
/// span the statement will run in.
fn take_apart<'q, DB: Backend, E: Execute<'q, DB>>(
    pool: &RwPool<DB>,
    query: E,
) -> (RwPool<DB>, Result<Parts<DB>, Error>, Span) {
    let parts = Parts::take(query);
    let span = statement_span(&parts);
    (pool.clone(), parts, span)
}

/// One item of a result stream: a statement's result or a row.
type Item<DB> = Either<<DB as Database>::QueryResult, <DB as Database>::Row>;

/// Runs `query` and streams its results: sqlx's `fetch_many`, for `&RwPool`.
pub(crate) fn fetch_many<'e, 'q: 'e, DB, E>(
    pool: &RwPool<DB>,
    query: E,
) -> BoxStream<'e, Result<Item<DB>, Error>>
where
    DB: Backend,
    E: 'q + Execute<'q, DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    let (pool, parts, span) = take_apart(pool, query);
    let recorder = span.clone();
    let stream = async_stream::try_stream! {
        let mut run = Run::start(pool, parts, recorder, Fetch::Many).await?;
        if let Some(outcome) = run.grouped().await {
            // Answered only once its group committed: nothing left to settle but the run.
            let Reply::Many(items) = run.finish(outcome).await? else {
                unreachable!("sqlx-rw: a member is fetched as its caller asked");
            };
            for item in items {
                yield item;
            }
            return;
        }
        loop {
            let mut yielded = false;
            let mut failure = None;
            let bound = run.read_timeout();
            let mut stalled = false;
            {
                let parker = run.lease.parker();
                let (conn, routed) = run.attempt();
                let mut results = conn.fetch_many(routed);
                while let Some(item) = next_within(&mut results, bound, &mut stalled).await {
                    match item {
                        Ok(item) => {
                            yielded = true;
                            // Until the caller polls again, the statement makes no
                            // progress: a wait for the writer by the same task can tell.
                            if let Some(parker) = &parker {
                                park(parker, true);
                            }
                            yield item;
                            if let Some(parker) = &parker {
                                park(parker, false);
                            }
                        }
                        Err(error) => {
                            failure = Some(error);
                            break;
                        }
                    }
                }
            }
            if stalled {
                run.stalled();
            }
            if let Some(error) = &failure {
                if run.retry_on_writer(error, yielded).await? {
                    continue;
                }
            }
            run.finish(failure.map_or(Ok(()), Err)).await?;
            break;
        }
    };
    Box::pin(InSpan {
        span,
        inner: stream,
    })
}

/// Runs `query` for at most one row: sqlx's `fetch_optional`, for `&RwPool`.
pub(crate) fn fetch_optional<'e, 'q: 'e, DB, E>(
    pool: &RwPool<DB>,
    query: E,
) -> BoxFuture<'e, Result<Option<DB::Row>, Error>>
where
    DB: Backend,
    E: 'q + Execute<'q, DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    let (pool, parts, span) = take_apart(pool, query);
    let recorder = span.clone();
    let run = async move {
        let mut run = Run::start(pool, parts, recorder, Fetch::Optional).await?;
        if let Some(outcome) = run.grouped().await {
            return match run.finish(outcome).await? {
                Reply::Optional(row) => Ok(row),
                Reply::Many(_) => unreachable!("sqlx-rw: a member is fetched as its caller asked"),
            };
        }
        loop {
            let bound = run.read_timeout();
            let (conn, routed) = run.attempt();
            let result = match bound {
                Some(bound) => tokio::time::timeout(bound, conn.fetch_optional(routed))
                    .await
                    .unwrap_or_else(|_| Err(stalled_error(bound))),
                None => conn.fetch_optional(routed).await,
            };
            if bound.is_some() && is_stall(&result) {
                run.stalled();
            }
            if let Err(error) = &result {
                if run.retry_on_writer(error, false).await? {
                    continue;
                }
            }
            return run.finish(result).await;
        }
    };
    Box::pin(run.instrument(span))
}

impl<DB: Backend> RwPool<DB> {
    /// The connection `sql` would run on, for the calling task, taken without running
    /// anything: not counted, and given back as it was.
    async fn lease_to_inspect(&self, sql: &SqlStr) -> Result<Lease<DB>, Error> {
        let verdict = self.verdict(sql.as_str());
        self.lease_for(&verdict, Owner::current(), false).await
    }
}

/// Prepares `sql` on the connection it would run on. Preparing runs nothing, so the lease is
/// given back as it was taken, uncounted.
pub(crate) fn prepare_with<'e, DB>(
    pool: &RwPool<DB>,
    sql: SqlStr,
    parameters: &'e [DB::TypeInfo],
) -> BoxFuture<'e, Result<DB::Statement, Error>>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    let pool = pool.clone();
    Box::pin(async move {
        let mut lease = pool.lease_to_inspect(&sql).await?;
        lease.conn().prepare_with(sql, parameters).await
    })
}

/// Describes `sql` on the connection it would run on, as [`prepare_with`].
pub(crate) fn describe<'e, DB>(
    pool: &RwPool<DB>,
    sql: SqlStr,
) -> BoxFuture<'e, Result<sqlx::Describe<DB>, Error>>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    let pool = pool.clone();
    Box::pin(async move {
        let mut lease = pool.lease_to_inspect(&sql).await?;
        lease.conn().describe(sql).await
    })
}

/// The span every statement runs in: `sqlx_rw.statement` at INFO on target `sqlx_rw`, with the
/// route, the reason, whether it ran in a pinned transaction, the wait for a connection and
/// the time executing (µs); with DEBUG enabled, the first bytes of the SQL too. Creating it
/// costs nothing when no subscriber listens.
fn statement_span<DB: Database>(parts: &Result<Parts<DB>, Error>) -> Span {
    let Ok(Parts { sql, .. }) = parts else {
        return Span::none();
    };
    let sql = sql.as_str();
    let span = tracing::info_span!(
        target: "sqlx_rw",
        "sqlx_rw.statement",
        route = field::Empty,
        reason = field::Empty,
        pinned = field::Empty,
        wait_us = field::Empty,
        exec_us = field::Empty,
        sql = field::Empty,
    );
    if !span.is_disabled() && tracing::enabled!(target: "sqlx_rw", tracing::Level::DEBUG) {
        span.record(
            "sql",
            sql.get(..sql.floor_char_boundary(120)).unwrap_or_default(),
        );
    }
    span
}

fn record_lease<DB: Backend>(span: &Span, verdict: &Verdict, lease: &Lease<DB>, started: Instant) {
    if span.is_disabled() {
        return;
    }
    span.record(
        "route",
        if lease.is_reader() {
            "reader"
        } else {
            "writer"
        },
    );
    span.record("reason", verdict.route.reason().describe());
    span.record("pinned", lease.is_pinned());
    span.record("wait_us", started.elapsed().as_micros() as u64);
}

pin_project_lite::pin_project! {
    /// A stream that runs in `span`: entered on every poll, as `Instrument` does for futures.
    struct InSpan<S> {
        span: Span,
        #[pin]
        inner: S,
    }
}

impl<S: Stream> Stream for InSpan<S> {
    type Item = S::Item;

    fn poll_next(self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        let this = self.project();
        let _entered = this.span.enter();
        this.inner.poll_next(cx)
    }
}

/// As many arguments bound as the statement has parameters. A database may silently bind NULL
/// to a missing one and sqlx would ignore an extra one; both are bugs in the caller's code.
fn check_arguments<A: Arguments>(verdict: &Verdict, arguments: &Option<A>) -> Result<(), Error> {
    match (verdict.parameters, arguments) {
        (Some(expected), Some(arguments)) if arguments.len() != usize::from(expected) => {
            Err(Error::InvalidArgument(format!(
                "the statement has {expected} parameter{} but {} argument{} were bound",
                if expected == 1 { "" } else { "s" },
                arguments.len(),
                if arguments.len() == 1 { "" } else { "s" },
            )))
        }
        _ => Ok(()),
    }
}

/// A copy of the arguments for a statement sent to a reader, in case the reader refuses it
/// as a write and it must run again on the writer.
fn spare_arguments<DB: Backend>(
    on_reader: bool,
    arguments: &Option<DB::Arguments>,
) -> Option<DB::Arguments> {
    if on_reader {
        arguments.as_ref().map(DB::clone_arguments)
    } else {
        None
    }
}
