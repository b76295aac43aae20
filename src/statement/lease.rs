//! The connection one statement runs on, and what happens to the writer once it has run.
//!
//! A statement leases the task's pinned transaction if it has one, else a reader for a read
//! (falling back to the writer when a reader cannot open or readers are paused), else the
//! writer's turn in the queue. Before it runs, the lease is *armed* if a cancellation could
//! leave the transaction state unknown; after it ran, `txn::after` says whether a transaction
//! is now open, closed, or must be asked of the connection, and the writer is pinned to the
//! task or released accordingly.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use sqlx::pool::PoolConnection;
use sqlx::Error;

use crate::backend::Backend;
use crate::freshness::Need;
use crate::owner::Owner;
use crate::pool::RwPool;
use crate::position::Position;
use crate::readers::{is_pool_condition, NoReader};
use crate::route::classify::{Setting, TxnEffect, Verdict};
use crate::route::{Reason, Route, Target};
use crate::stats::bump;
use crate::txn::{self, After, Held, Outcome};
use crate::writer::{Member, PinAccess, PinnedUse, Turn, Waited};

use super::verdict::is_fallback;

/// The connection one statement runs on.
pub(crate) enum Lease<DB: Backend> {
    /// A reader connection, and the index of the target it came from.
    Reader(PoolConnection<DB>, usize),
    Writer(Turn<DB>),
    Pinned(PinnedUse<DB>),
    /// None: the statement was gathered into the group of the job holding the writer, which
    /// ran it (see `group.rs`).
    Grouped,
}

/// What a statement waiting with a groupable write got.
pub(crate) enum Leased<DB: Backend> {
    /// A connection to run on, and the member back if the statement waited with one.
    Ready(Lease<DB>, Option<Member<DB>>),
    /// The holder of the writer gathered the member: the outcome arrives on its receiver.
    Gathered,
}

impl<DB: Backend> Lease<DB> {
    pub(crate) fn conn(&mut self) -> &mut DB::Connection {
        match self {
            Lease::Reader(conn, _) => conn,
            Lease::Writer(turn) => turn.conn(),
            Lease::Pinned(used) => used.conn(),
            Lease::Grouped => unreachable!("sqlx-rw: a grouped statement has run already"),
        }
    }

    pub(crate) fn is_reader(&self) -> bool {
        matches!(self, Lease::Reader(..))
    }

    pub(crate) fn is_pinned(&self) -> bool {
        matches!(self, Lease::Pinned(_))
    }

    /// The statement failed with `error`: if it says the connection broke, a writer turn's
    /// connection is closed rather than kept for the next caller.
    /// Returns `true` if it did.
    pub(crate) fn check_broken(&mut self, error: &sqlx::Error) -> bool {
        if let Lease::Writer(turn) = self {
            if DB::connection_broken(error) {
                turn.discard();
                return true;
            }
        }
        false
    }

    /// Where a stream on this lease marks itself parked; `None` on a reader, which no one
    /// waits for.
    /// How long the next result may take on this lease before its reader counts as stalled.
    pub(crate) fn read_timeout(
        &self,
        readers: Option<&crate::readers::Readers<DB>>,
    ) -> Option<std::time::Duration> {
        match self {
            Lease::Reader(..) => readers.and_then(|r| r.read_timeout),
            _ => None,
        }
    }

    /// The reader did not answer in time: its connection is mid-statement, so it is closed
    /// rather than returned, and its target leaves rotation.
    pub(crate) fn stalled(&mut self, readers: Option<&crate::readers::Readers<DB>>) {
        if let Lease::Reader(conn, target) = self {
            conn.close_on_drop();
            if let Some(readers) = readers {
                readers.stalled(*target);
            }
        }
    }

    pub(crate) fn parker(&self) -> Option<Arc<std::sync::atomic::AtomicU64>> {
        match self {
            Lease::Reader(..) | Lease::Grouped => None,
            Lease::Writer(turn) => Some(turn.parker()),
            Lease::Pinned(used) => Some(used.parker()),
        }
    }
}

impl<DB: Backend> RwPool<DB> {
    /// The connection `verdict` says to use, for the calling task.
    pub(crate) async fn lease(&self, verdict: &Verdict, owner: Owner) -> Result<Lease<DB>, Error> {
        self.lease_for(verdict, owner, true).await
    }

    /// As [`lease`](Self::lease) for a statement that may wait for the writer with `member`,
    /// an autocommit write the holder of the writer may gather into its group.
    pub(crate) async fn lease_or_join(
        &self,
        verdict: &Verdict,
        owner: Owner,
        member: Option<Member<DB>>,
    ) -> Result<Leased<DB>, Error> {
        self.lease_with(verdict, owner, true, member).await
    }

    /// `run`: the statement will run (not only be prepared or described), so it may end a
    /// stale transaction, receives the task's pending abandonment notice, and is counted.
    pub(crate) async fn lease_for(
        &self,
        verdict: &Verdict,
        owner: Owner,
        run: bool,
    ) -> Result<Lease<DB>, Error> {
        match self.lease_with(verdict, owner, run, None).await? {
            Leased::Ready(lease, _) => Ok(lease),
            Leased::Gathered => unreachable!("sqlx-rw: a job without a member is never gathered"),
        }
    }

    async fn lease_with(
        &self,
        verdict: &Verdict,
        owner: Owner,
        run: bool,
        mut member: Option<Member<DB>>,
    ) -> Result<Leased<DB>, Error> {
        let writer = &self.0.writer;
        let may_change = run && (verdict.route.is_writer() || verdict.txn != TxnEffect::None);
        loop {
            if let Some(pin) = writer.pin_of(owner) {
                match writer.use_pin(owner, pin, may_change).await {
                    PinAccess::Use(used) => {
                        let begin = matches!(verdict.txn, TxnEffect::PlainBegin | TxnEffect::Begin);
                        if run && begin {
                            return Err(writer.roll_back_stale(used).await);
                        }
                        if run {
                            self.0.counters.count_route(Route::writer(Reason::Pinned));
                        }
                        return Ok(Leased::Ready(Lease::Pinned(used), member.take()));
                    }
                    PinAccess::Gone => continue,
                    PinAccess::Abandoned(error) | PinAccess::Busy(error) => return Err(error),
                }
            }
            if run {
                if let Some(error) = writer.take_abandoned(owner) {
                    return Err(error);
                }
            }
            if is_fallback(verdict.route.reason()) {
                bump(&self.0.counters.parse_fallbacks);
            }
            let mut unseen = None;
            if let (Target::Reader, Some(readers)) = (verdict.route.target(), &self.0.readers) {
                let began = std::time::Instant::now();
                let mut need = self.0.freshness.need_at(owner, began);
                if let Need::Pending(_) = need {
                    self.0.learn_position(owner, began).await?;
                    need = self.0.freshness.need_at(owner, began);
                }
                let need = match need {
                    Need::Nothing => Some(None),
                    Need::At(position) => Some(Some(position)),
                    Need::Unseen(since) => {
                        unseen = Some(since);
                        None
                    }
                    // Still pending (a write of this task's since): the writer has it.
                    Need::Writer | Need::Pending(_) => None,
                };
                if let Some(need) = need {
                    match readers.acquire(need.as_ref()).await {
                        Ok((conn, _))
                            if run
                                && matches!(
                                    verdict.txn,
                                    TxnEffect::Begin | TxnEffect::PlainBegin
                                ) =>
                        {
                            // A read-only transaction: pinned to the task on this reader.
                            let pin = writer.pin_reader(owner, conn);
                            if let PinAccess::Use(used) = writer.use_pin(owner, pin, true).await {
                                self.0.counters.count_route(verdict.route);
                                return Ok(Leased::Ready(Lease::Pinned(used), member.take()));
                            }
                            continue;
                        }
                        Ok((conn, target)) => {
                            self.0.counters.count_route(verdict.route);
                            return Ok(Leased::Ready(Lease::Reader(conn, target), member.take()));
                        }
                        Err(NoReader::Failed(error)) if !is_pool_condition(&error) => {
                            // A reader that cannot open must not fail a read the writer can run.
                            bump(&self.0.counters.reader_fallbacks);
                            tracing::warn!(
                                target: "sqlx_rw",
                                %error,
                                "a reader connection could not be opened; the read runs on the writer"
                            );
                        }
                        Err(NoReader::Failed(error)) => return Err(error),
                        Err(NoReader::Behind) => bump(&self.0.counters.fresh_reads_on_writer),
                        // Paused (the database is not in WAL mode) or every replica out of
                        // rotation: reads run on the writer.
                        Err(NoReader::Unavailable) => {}
                    }
                } else {
                    bump(&self.0.counters.fresh_reads_on_writer);
                }
            }
            let (mut turn, member) = match writer.turn_or_join(owner, member.take()).await? {
                Waited::Turn(turn, member) => (turn, member),
                Waited::Gathered => {
                    self.0
                        .counters
                        .count_route(Route::writer(verdict.route.reason()));
                    return Ok(Leased::Gathered);
                }
            };
            if let (Some(seen), true) = (unseen, run) {
                // The task committed where the pool could not see: every write of its is on
                // the writer by now, so the writer's position settles what its reads need.
                match DB::write_position(turn.conn()).await? {
                    Some(position) => self.0.freshness.settled(owner, &position, seen),
                    None => {
                        self.0.freshness.settled(owner, &Position::ORIGIN, seen);
                        self.0
                            .freshness
                            .wrote_untracked(owner, self.0.untracked_reads_on_writer);
                    }
                }
            }
            // In-memory, paused readers, a reader that cannot open: reads run on the writer,
            // and are counted there.
            self.0
                .counters
                .count_route(Route::writer(verdict.route.reason()));
            return Ok(Leased::Ready(Lease::Writer(turn), member));
        }
    }

    /// Before `verdict`'s statement runs: a journal-mode change needs the file to itself, so
    /// the readers close first (waiting, within the acquire timeout, for reads in flight), and
    /// stay closed until the change has ended (the returned guard).
    pub(crate) async fn before_run(&self, verdict: &Verdict) -> Option<JournalChange<DB>> {
        let (Setting::Journal, Some(readers)) = (verdict.setting, &self.0.readers) else {
            return None;
        };
        let change = JournalChange {
            pool: Some(self.clone()),
        };
        if !readers.pause(self.0.acquire_timeout).await {
            tracing::warn!(
                target: "sqlx_rw",
                "reads still in flight after the acquire timeout; the journal-mode change \
                 may find the file busy"
            );
        }
        Some(change)
    }

    /// After `sql` ran on `conn` (the writer) with `ok`: carry what it changed to the other
    /// connections. Per-connection settings reach every reader, and the writer's reconnects;
    /// after a journal-mode change, readers open again only in a mode that lets them run
    /// beside the writer, and only once no other change is under way. Never fails the
    /// statement: if the mode cannot be read back, readers stay paused and reads keep running
    /// on the writer, which is always correct.
    pub(crate) async fn after_run(
        &self,
        sql: &str,
        verdict: &Verdict,
        lease: &mut Lease<DB>,
        ok: bool,
        journal: Option<JournalChange<DB>>,
    ) {
        // Any settings statement may carry an upkeep setting (a batch is filed under one kind),
        // and one that failed may have run it before failing: the upkeep reads back what holds.
        if let (true, Some(upkeep)) = (verdict.setting != Setting::None, &self.0.upkeep) {
            if let Err(error) = upkeep.setting_changed(lease.conn()).await {
                tracing::warn!(
                    target: "sqlx_rw",
                    %error,
                    "could not read back a setting the pool's upkeep follows; it keeps the \
                     previous one"
                );
            }
            if verdict.setting == Setting::Upkeep {
                return;
            }
        }
        match verdict.setting {
            Setting::Session if ok => {
                let mut settings = (DB::grammar().assignments)(sql);
                // Spread what the connection now has, not the text: a value may be relative
                // (`LOCAL`, `DEFAULT`) or quoted.
                for (name, value) in &mut settings {
                    match DB::session_setting_value(lease.conn(), name).await {
                        Ok(Some(actual)) => *value = actual,
                        Ok(None) => {}
                        Err(error) => tracing::warn!(
                            target: "sqlx_rw",
                            %error,
                            setting = %name,
                            "could not read a setting back; spreading it as written"
                        ),
                    }
                }
                let turn = match lease {
                    Lease::Writer(turn) => Some(turn),
                    _ => None,
                };
                let on_writer = self.0.writer.settings_changed(&settings, turn);
                let on_readers = self
                    .0
                    .readers
                    .as_ref()
                    .is_some_and(|readers| readers.spread(&settings));
                if on_writer || on_readers {
                    bump(&self.0.counters.settings_spread);
                    tracing::info!(
                        target: "sqlx_rw",
                        ?settings,
                        "per-connection setting sent through the pool: applied on every writer \
                         connection before its next use, readers reopened with it"
                    );
                }
            }
            Setting::Journal => {
                let allowed = match DB::readers_can_run(lease.conn()).await {
                    Ok(allowed) => Some(allowed),
                    Err(error) => {
                        tracing::warn!(
                            target: "sqlx_rw",
                            %error,
                            "could not read the journal mode back; reads run on the writer \
                             until it is read again"
                        );
                        None
                    }
                };
                if allowed == Some(false) {
                    tracing::info!(
                        target: "sqlx_rw",
                        "the database left WAL mode: reads run on the writer until it is back"
                    );
                }
                if let Some(change) = journal {
                    change.end(allowed);
                }
            }
            Setting::None | Setting::Session | Setting::Upkeep => {}
        }
    }

    /// `owner`'s write has committed: mark its reads (see `freshness`). Its position is read
    /// when a read first needs it, or by the replica monitor: not here, which would cost every
    /// write a round trip.
    fn committed(&self, owner: Owner) {
        // Without replicas every read runs on the writer: no position to keep.
        if !DB::readers_lag() || self.0.readers.is_none() {
            return;
        }
        if self.0.positions_missing.load(Ordering::Acquire) {
            // The server keeps no position: the task reads on the writer for a while.
            bump(&self.0.counters.untracked_writes);
            self.0
                .freshness
                .wrote_untracked(owner, self.0.untracked_reads_on_writer);
        } else {
            self.0.freshness.wrote_pending(owner);
        }
    }

    /// A journal-mode change ended with the mode unknown (it never ran, or it was cancelled):
    /// read the mode under a writer turn of its own, then let readers open if it allows.
    async fn recheck_readers(self) {
        let Some(readers) = &self.0.readers else {
            return;
        };
        let Ok(mut turn) = self.0.writer.turn(Owner::current()).await else {
            return;
        };
        match DB::readers_can_run(turn.conn()).await {
            Ok(true) => readers.resume(),
            Ok(false) => {}
            Err(error) => tracing::warn!(
                target: "sqlx_rw",
                %error,
                "could not read the journal mode; reads run on the writer until the next \
                 journal-mode change through the pool"
            ),
        }
    }

    /// The writer, for a retry after a reader refused a statement.
    pub(crate) async fn writer_lease(&self, owner: Owner) -> Result<Lease<DB>, Error> {
        Ok(Lease::Writer(self.0.writer.turn(owner).await?))
    }

    /// Mark `lease` as running a statement that may change the transaction state, so that a
    /// cancellation leaves nothing open.
    pub(crate) fn arm(&self, lease: &mut Lease<DB>, verdict: &Verdict) {
        let writes = verdict.route.is_writer();
        match lease {
            Lease::Reader(..) | Lease::Grouped => {}
            Lease::Writer(turn) => turn.armed = txn::arms(Held::Turn, verdict.txn, writes),
            Lease::Pinned(used) => used.armed = txn::arms(Held::Pinned, verdict.txn, writes),
        }
    }

    /// After a statement ran to completion (`ok`) or failed: pin the writer to the task if a
    /// transaction is now open, release it if one ended.
    pub(crate) async fn finish(
        &self,
        lease: Lease<DB>,
        verdict: &Verdict,
        ok: bool,
        owner: Owner,
    ) -> Result<(), Error> {
        let outcome = if ok {
            Outcome::Succeeded
        } else {
            Outcome::Failed
        };
        match lease {
            Lease::Reader(..) => Ok(()),
            Lease::Grouped => {
                if ok {
                    self.committed(owner);
                    self.0.writer.check_after()?;
                }
                Ok(())
            }
            Lease::Writer(mut turn) => {
                let open = match txn::after(Held::Turn, verdict.txn, outcome) {
                    // A broken connection, discarded: nothing of it is open any more.
                    _ if turn.is_discarded() => false,
                    After::Open => true,
                    After::Closed => false,
                    After::Ask => DB::in_transaction(turn.conn()).await?,
                };
                turn.armed = false;
                if open {
                    self.0.writer.pin(owner, turn);
                } else {
                    if ok && verdict.route.is_writer() {
                        self.committed(owner);
                    }
                    drop(turn);
                }
                if ok {
                    // A write into a deleted file is lost: say so instead of acknowledging it.
                    // Checked once the writer is released: the write has happened either way.
                    self.0.writer.check_after()?;
                }
                Ok(())
            }
            Lease::Pinned(mut used) => {
                // A COMMIT into a deleted file is not a commit: said once the pin is settled, so
                // the error does not read as a cancellation.
                let committed = if ok && verdict.txn == TxnEffect::End {
                    self.0.writer.check_after()
                } else {
                    Ok(())
                };
                let open = match txn::after(Held::Pinned, verdict.txn, outcome) {
                    After::Open => true,
                    After::Closed => false,
                    After::Ask => DB::in_transaction(used.conn()).await?,
                };
                if open {
                    used.keep();
                } else {
                    used.armed = false;
                    if ok && !used.on_reader() {
                        self.committed(owner);
                    }
                    self.0.writer.unpin(used);
                }
                committed
            }
        }
    }
}

/// A journal-mode change under way: readers stay paused until it ends. Dropped without
/// [`end`](Self::end) (the statement never ran, or its future was dropped), the mode is read
/// again under a writer turn of its own before readers may open, so they are never left paused
/// by a change that did not happen.
pub(crate) struct JournalChange<DB: Backend> {
    pool: Option<RwPool<DB>>,
}

impl<DB: Backend> JournalChange<DB> {
    /// The change ended; `readers_can_run`: what the mode now allows, `None` if unknown.
    pub(crate) fn end(mut self, readers_can_run: Option<bool>) {
        if let Some(pool) = self.pool.take() {
            finish_change(pool, readers_can_run);
        }
    }
}

impl<DB: Backend> Drop for JournalChange<DB> {
    fn drop(&mut self) {
        if let Some(pool) = self.pool.take() {
            finish_change(pool, None);
        }
    }
}

fn finish_change<DB: Backend>(pool: RwPool<DB>, readers_can_run: Option<bool>) {
    let Some(readers) = &pool.0.readers else {
        return;
    };
    if readers.end_change(readers_can_run) {
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(pool.recheck_readers());
        }
    }
}
