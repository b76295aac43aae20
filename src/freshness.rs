//! Read-your-writes: which reads must see which writes, and where the pool learns both sides.
//!
//! Replicas replay the primary's changes a little later (on the reference machine, 17.5 % of
//! reads sent to a streaming standby right after a commit missed the row). After each write it
//! sees commit, the pool marks the task (or, as [`ReadConsistency`] says, the whole pool) with
//! the instant ([`Freshness::wrote_pending`]): the write's position is not read then, which
//! would cost every write a round trip. The first read that needs it reads the writer's
//! position once ([`Need::Pending`]; one read serves every mark made before it began, so tasks
//! share it), or the replica monitor does at its next look, whichever comes first
//! ([`Freshness::resolved`]). A read that must see a position goes only to a replica that has
//! replayed it (see `readers`), or to the writer.
//!
//! A write made on a connection the pool handed out (`begin()`, `acquire()`) commits where the
//! pool cannot see it: the task is marked instead ([`Freshness::wrote_unseen`]), and its next
//! read runs on the writer, which reads the writer's position there and records it. A backend
//! whose readers see every commit at once (SQLite) has no positions: nothing is recorded.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};

use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::owner::Owner;
use crate::position::Position;

/// Which writes a read through the pool must see, for a backend whose readers lag (replicas).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReadConsistency {
    /// A task that committed a write through the pool reads only from replicas that have
    /// replayed it, or from the primary; other tasks' reads go anywhere healthy.
    #[default]
    Task,
    /// Every read sees every write committed through this pool before the read began.
    Pool,
    /// Any healthy replica: reads may miss recent writes.
    Eventual,
}

/// What a read must see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Need {
    /// Nothing in particular: any healthy reader.
    Nothing,
    /// The writer's changes up to this position.
    At(Position),
    /// A write the pool could not see commit (marked at this instant): the read runs on the
    /// writer, which records the position.
    Unseen(Instant),
    /// A write whose position the writer could not tell (the server keeps none: MySQL with
    /// `gtid_mode=OFF`), made less than the configured while ago: the read runs on the writer.
    Writer,
    /// A write committed at this instant whose position is not known yet: read the writer's
    /// position (after it), then the read needs that.
    Pending(Instant),
}

/// Who a recorded position belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Key {
    Task(Owner),
    Pool,
}

#[derive(Clone, Debug)]
enum Mark {
    At(Position),
    /// A write the pool could not see, marked at `since`; `carried`: the highest position
    /// recorded for the key besides it, kept for when it is settled.
    Unseen {
        since: Instant,
        carried: Position,
    },
    /// A write whose position is unknown: reads go to the writer until `until`, then need
    /// `carried`.
    Untracked {
        until: Instant,
        carried: Position,
    },
    /// Writes whose position is read later, committed from `first` (or after: it may be
    /// earlier than the first still unread) to `last`: a writer position read after `last`
    /// covers them all; a read that began before `first` needs none of them. `carried`: the
    /// positions held besides them.
    Pending {
        first: Instant,
        last: Instant,
        carried: Position,
    },
}

impl Mark {
    /// The furthest position the mark holds.
    fn position(&self) -> &Position {
        match self {
            Mark::At(at) => at,
            Mark::Unseen { carried, .. }
            | Mark::Untracked { carried, .. }
            | Mark::Pending { carried, .. } => carried,
        }
    }

    /// The mark, also covering `position`.
    fn with(&self, position: &Position) -> Mark {
        match self {
            Mark::At(old) => Mark::At(old.join(position)),
            // An unseen write may be later than this one: only a read on the writer settles
            // it, and this position is kept for then.
            Mark::Unseen { since, carried } => Mark::Unseen {
                since: *since,
                carried: carried.join(position),
            },
            Mark::Untracked { until, carried } => Mark::Untracked {
                until: *until,
                carried: carried.join(position),
            },
            Mark::Pending {
                first,
                last,
                carried,
            } => Mark::Pending {
                first: *first,
                last: *last,
                carried: carried.join(position),
            },
        }
    }

    /// An untracked window that has passed is a plain position again.
    fn settle_expired(&mut self, now: Instant) {
        if let Mark::Untracked { until, carried } = self {
            if *until <= now {
                *self = Mark::At(std::mem::take(carried));
            }
        }
    }
}

/// How long an unseen write's mark waits for its task to read before the replica monitor
/// settles it from the writer's position: a task that never reads again must not keep a mark
/// forever. Only a connection taken from `begin()`/`acquire()` and held longer than this, then
/// committed and read after at once, can be read stale.
pub(crate) const SETTLE_UNSEEN: Duration = Duration::from_secs(60);

pub(crate) struct Freshness {
    mode: ReadConsistency,
    marks: Mutex<HashMap<Key, Mark>>,
    /// The join of every position recorded, for replica lag.
    latest: Mutex<Position>,
    /// The join of the positions whose marks were dropped because every replica in rotation had
    /// replayed it: a replica out of rotation then may rejoin only once it has replayed it
    /// too, or a task whose mark was dropped could read stale there.
    forgotten: Mutex<Position>,
    /// Marks kept, mirrored outside the lock for the read path.
    count: AtomicU64,
    /// When the first write since the writer's position was last read committed (in every
    /// mode: the monitor reads the position then, for replica lag).
    dirty: Mutex<Option<Instant>>,
    /// The pool's latest position each time it moved, and when, oldest first: a chain (each
    /// covers the one before), so how long ago a replica's first missing write was made is
    /// found by bisection ([`Freshness::behind`]).
    recorded: Mutex<VecDeque<(Position, Instant)>>,
}

/// Writes recorded closer together than this share one entry of [`Freshness::recorded`]
/// (stamped with the first): a replica's delay is over-read by at most this much.
const RECORD_GRAIN: Duration = Duration::from_millis(1);

/// At most this many entries are kept; past it, new positions join the newest entry. Only a
/// replica seconds behind (out of rotation already) keeps that many unreplayed.
const RECORDED_MAX: usize = 4096;

impl Freshness {
    pub(crate) fn new(mode: ReadConsistency) -> Self {
        Freshness {
            mode,
            marks: Mutex::default(),
            latest: Mutex::default(),
            forgotten: Mutex::default(),
            count: AtomicU64::new(0),
            dirty: Mutex::default(),
            recorded: Mutex::default(),
        }
    }

    /// The writer was at `position` after a write: the pool's latest position, and when it
    /// moved.
    fn advance(&self, position: &Position) {
        self.advance_at(position, Instant::now());
    }

    /// The same, for writes first made at `at`.
    fn advance_at(&self, position: &Position, at: Instant) {
        let latest = {
            let mut latest = lock(&self.latest);
            if latest.covers(position) {
                return;
            }
            *latest = latest.join(position);
            latest.clone()
        };
        let mut recorded = lock(&self.recorded);
        let full = recorded.len() >= RECORDED_MAX;
        match recorded.back_mut() {
            // A racing caller recorded a later position first: it covers this one, and was
            // stamped no later.
            Some((last, _)) if last.covers(&latest) => {}
            Some((last, stamp)) if full || at.duration_since(*stamp) < RECORD_GRAIN => {
                *last = last.join(&latest)
            }
            Some((last, _)) => {
                let next = last.join(&latest);
                recorded.push_back((next, at));
            }
            None => recorded.push_back((latest, at)),
        }
    }

    /// How long ago the first write past `replayed` was recorded: how far in time a replica
    /// at `replayed` trails. Zero when it has every write the pool recorded, however long
    /// the writer has been idle.
    pub(crate) fn behind(&self, replayed: &Position) -> Duration {
        let recorded = lock(&self.recorded);
        // A chain: once one entry is not covered, no later one is.
        let first_missing = recorded.partition_point(|(position, _)| replayed.covers(position));
        recorded
            .get(first_missing)
            .map_or(Duration::ZERO, |(_, at)| at.elapsed())
    }

    fn key(&self, owner: Owner) -> Option<Key> {
        match self.mode {
            ReadConsistency::Task => Some(Key::Task(owner)),
            ReadConsistency::Pool => Some(Key::Pool),
            ReadConsistency::Eventual => None,
        }
    }

    fn marks(&self) -> Marks<'_> {
        Marks {
            guard: lock(&self.marks),
            count: &self.count,
        }
    }

    /// `owner` committed a write; the writer was at `position` after it. (The pool learns
    /// positions later: [`wrote_pending`](Self::wrote_pending); the tests give them at once.)
    #[cfg(test)]
    pub(crate) fn wrote(&self, owner: Owner, position: &Position) {
        self.advance(position);
        let Some(key) = self.key(owner) else { return };
        let mut marks = self.marks();
        let mark = marks.entry(key).or_insert(Mark::At(Position::ORIGIN));
        *mark = mark.with(position);
    }

    /// `owner` committed a write just now, whose position is read later: its reads (or
    /// everyone's, in `Pool` consistency) first learn the writer's position.
    pub(crate) fn wrote_pending(&self, owner: Owner) {
        lock(&self.dirty).get_or_insert_with(Instant::now);
        let Some(key) = self.key(owner) else { return };
        let now = Instant::now();
        let mut marks = self.marks();
        let mark = marks.entry(key).or_insert(Mark::At(Position::ORIGIN));
        *mark = match mark {
            // Settled only on the writer, by a position read after this write too.
            Mark::Unseen { .. } => return,
            // Earlier writes still unread keep their place: a read begun after them needs them.
            Mark::Pending { first, carried, .. } => Mark::Pending {
                first: *first,
                last: now,
                carried: std::mem::take(carried),
            },
            Mark::At(carried) | Mark::Untracked { carried, .. } => Mark::Pending {
                first: now,
                last: now,
                carried: std::mem::take(carried),
            },
        };
    }

    /// When the first write since the last call committed, if one did: the writer's
    /// position is to be read now (by the monitor, for replica lag, or by a read that needs
    /// it), and is stamped with that instant ([`resolved`](Self::resolved)).
    pub(crate) fn take_dirty(&self) -> Option<Instant> {
        lock(&self.dirty).take()
    }

    /// A read of the writer's position failed: the writes it was to cover are still unread.
    pub(crate) fn redirty(&self, first_write: Option<Instant>) {
        if let Some(first) = first_write {
            let mut dirty = lock(&self.dirty);
            *dirty = Some(dirty.map_or(first, |d| d.min(first)));
        }
    }

    /// The writer's position read `started` (before the read began) is `position`: every
    /// pending mark made before then needs that position now. `first_write`: when the first
    /// write it covers committed (from [`take_dirty`](Self::take_dirty)), for replica delay.
    /// `None` for `position`: the server keeps no positions; those marks' tasks read on the
    /// writer for `window` instead.
    pub(crate) fn resolved(
        &self,
        position: Option<&Position>,
        started: Instant,
        first_write: Option<Instant>,
        window: Duration,
    ) {
        if let Some(position) = position {
            self.advance_at(position, first_write.unwrap_or(started));
        }
        for mark in self.marks().values_mut() {
            if let Mark::Pending {
                first,
                last,
                carried,
            } = mark
            {
                if *last <= started {
                    let carried = std::mem::take(carried);
                    *mark = match position {
                        Some(position) => Mark::At(position.join(&carried)),
                        None => Mark::Untracked {
                            until: Instant::now() + window,
                            carried,
                        },
                    };
                } else if let Some(position) = position {
                    // Writes after the read began stay pending (from then on, at the latest);
                    // a read begun before them needs only what was read.
                    *carried = carried.join(position);
                    if *first <= started {
                        // Strictly after the read: a read that began then needs none of them.
                        *first = started + Duration::from_nanos(1);
                    }
                }
            }
        }
    }

    /// `owner` committed a write whose position the writer could not tell: its reads (or
    /// everyone's, in `Pool` consistency) go to the writer for `window`.
    pub(crate) fn wrote_untracked(&self, owner: Owner, window: Duration) {
        let Some(key) = self.key(owner) else { return };
        let until = Instant::now() + window;
        let mut marks = self.marks();
        let mark = marks.entry(key).or_insert(Mark::At(Position::ORIGIN));
        *mark = match mark {
            // A write the pool could not see is settled only on the writer: that stays.
            Mark::Unseen { .. } => return,
            Mark::At(carried) | Mark::Untracked { carried, .. } | Mark::Pending { carried, .. } => {
                Mark::Untracked {
                    until,
                    carried: std::mem::take(carried),
                }
            }
        };
    }

    /// `owner` took a writer connection it may commit on where the pool cannot see.
    pub(crate) fn wrote_unseen(&self, owner: Owner) {
        if let Some(key) = self.key(owner) {
            let mut marks = self.marks();
            let carried = marks
                .get(&key)
                .map_or(Position::ORIGIN, |mark| mark.position().clone());
            marks.insert(
                key,
                Mark::Unseen {
                    since: Instant::now(),
                    carried,
                },
            );
        }
    }

    /// A read on the writer found it at `position`, for the unseen write marked at `seen`:
    /// every write `owner` made before is there. A mark made since (another hand-out) is
    /// left for a later read to settle.
    pub(crate) fn settled(&self, owner: Owner, position: &Position, seen: Instant) {
        self.advance(position);
        let mut marks = self.marks();
        for key in [Key::Task(owner), Key::Pool] {
            if let Some(mark) = marks.get_mut(&key) {
                if let Mark::Unseen { since, carried } = mark {
                    if *since == seen {
                        *mark = Mark::At(position.join(carried));
                    }
                }
            }
        }
    }

    /// `owner`'s reads must see `position` (a [`WriteToken`] from another request), whatever
    /// the consistency mode.
    pub(crate) fn observe(&self, owner: Owner, position: &Position) {
        let mut marks = self.marks();
        let mark = marks
            .entry(Key::Task(owner))
            .or_insert(Mark::At(Position::ORIGIN));
        *mark = mark.with(position);
    }

    /// What a read by `owner` must see: its own marks (its writes, tokens it observes) and, in
    /// `Pool` consistency, the pool's.
    pub(crate) fn need(&self, owner: Owner) -> Need {
        self.need_at(owner, Instant::now())
    }

    /// What a read by `owner` that began at `began` must see: a write committed after that
    /// (another task's, in `Pool` consistency) is not its business, only what was known then.
    pub(crate) fn need_at(&self, owner: Owner, began: Instant) -> Need {
        // Most reads: no mark anywhere, and no lock taken to learn it.
        if self.count.load(Ordering::Acquire) == 0 {
            return Need::Nothing;
        }
        let mut marks = self.marks();
        if marks.is_empty() {
            return Need::Nothing;
        }
        let now = Instant::now();
        for key in [Key::Task(owner), Key::Pool] {
            if let Some(mark) = marks.get_mut(&key) {
                mark.settle_expired(now);
            }
        }
        let own = marks.get(&Key::Task(owner));
        let pool = match self.mode {
            ReadConsistency::Pool => marks.get(&Key::Pool),
            _ => None,
        };
        let mut need = Need::Nothing;
        for mark in own.into_iter().chain(pool) {
            need = match (need, mark) {
                (Need::Unseen(a), Mark::Unseen { since: b, .. }) => Need::Unseen(a.max(*b)),
                (_, Mark::Unseen { since, .. }) => Need::Unseen(*since),
                (Need::Unseen(a), _) => Need::Unseen(a),
                (_, Mark::Untracked { .. }) | (Need::Writer, _) => Need::Writer,
                (Need::Pending(a), Mark::Pending { first: b, .. }) if *b <= began => {
                    Need::Pending(a.max(*b))
                }
                (_, Mark::Pending { first, .. }) if *first <= began => Need::Pending(*first),
                (Need::Pending(a), _) => Need::Pending(a),
                // Every pending write came after the read began: it needs what was carried.
                (Need::At(a), Mark::Pending { carried, .. }) => Need::At(a.join(carried)),
                (Need::Nothing, Mark::Pending { carried, .. }) => Need::At(carried.clone()),
                (Need::At(a), Mark::At(b)) => Need::At(a.join(b)),
                (Need::Nothing, Mark::At(b)) => Need::At(b.clone()),
            };
        }
        need
    }

    /// The join of every writer position recorded.
    pub(crate) fn latest(&self) -> Position {
        lock(&self.latest).clone()
    }

    /// Every reader has replayed `position`: marks it covers need nothing any more, and are
    /// dropped so they do not pile up.
    pub(crate) fn forget_through(&self, position: &Position) {
        {
            let mut forgotten = lock(&self.forgotten);
            *forgotten = forgotten.join(position);
        }
        {
            let mut recorded = lock(&self.recorded);
            while recorded.front().is_some_and(|(at, _)| position.covers(at)) {
                recorded.pop_front();
            }
        }
        let now = Instant::now();
        self.marks().retain(|_, mark| {
            mark.settle_expired(now);
            !matches!(mark, Mark::At(at) if position.covers(at))
        });
    }

    /// The position a replica must have replayed to take reads: see [`Freshness::forgotten`].
    pub(crate) fn forgotten(&self) -> Position {
        lock(&self.forgotten).clone()
    }

    /// `true` if an unseen write's mark is `age` old or older (the monitor uses
    /// [`SETTLE_UNSEEN`]).
    pub(crate) fn has_stale_unseen(&self, age: Duration) -> bool {
        self.marks()
            .values()
            .any(|mark| matches!(mark, Mark::Unseen { since, .. } if since.elapsed() >= age))
    }

    /// Settle unseen writes' marks `age` old or older at `position`, the writer's position
    /// read now.
    pub(crate) fn settle_stale_unseen(&self, position: &Position, age: Duration) {
        self.advance(position);
        for mark in self.marks().values_mut() {
            if let Mark::Unseen { since, carried } = mark {
                if since.elapsed() >= age {
                    *mark = Mark::At(position.join(carried));
                }
            }
        }
    }

    /// Marks kept now.
    pub(crate) fn len(&self) -> usize {
        self.marks().len()
    }
}

/// A lock that a panic elsewhere does not poison for the pool: every update here leaves the
/// value whole.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

/// The marks, locked; on unlock their number is published for [`Freshness::need`].
struct Marks<'a> {
    guard: std::sync::MutexGuard<'a, HashMap<Key, Mark>>,
    count: &'a AtomicU64,
}

impl std::ops::Deref for Marks<'_> {
    type Target = HashMap<Key, Mark>;

    fn deref(&self) -> &Self::Target {
        &self.guard
    }
}

impl std::ops::DerefMut for Marks<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.guard
    }
}

impl Drop for Marks<'_> {
    fn drop(&mut self) {
        self.count.store(self.guard.len() as u64, Ordering::Release);
    }
}

/// A writer position, carried from a request that wrote to one that reads (in a cookie or a
/// header): reads after [`RwPool::after`](crate::RwPool::after) observe every write made
/// before [`RwPool::write_token`](crate::RwPool::write_token) was called.
///
/// Written as `rw1-` and the position: each stream's counter in hex, comma-separated, the
/// first stream bare and others as `stream:counter` (PostgreSQL's WAL is one stream; each
/// MariaDB GTID domain is one). Parsed back with [`str::parse`].
///
/// ```
/// let token: sqlx_rw::WriteToken = "rw1-1a2b3c".parse().unwrap();
/// assert_eq!(token.to_string(), "rw1-1a2b3c");
/// let domains: sqlx_rw::WriteToken = "rw1-10,2:7".parse().unwrap();
/// assert_eq!(domains.position().streams(), &[(0, 16), (2, 7)]);
/// assert!("rw1-zz".parse::<sqlx_rw::WriteToken>().is_err());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct WriteToken(pub(crate) Position);

impl WriteToken {
    /// The writer position the token carries.
    pub fn position(&self) -> &Position {
        &self.0
    }
}

impl std::fmt::Display for WriteToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "rw1-{}", self.0.encode())
    }
}

/// A string that is not a [`WriteToken`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidWriteToken;

impl std::fmt::Display for InvalidWriteToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            "not a sqlx-rw write token (expected `rw1-` and hex positions, `stream:counter` \
             after the first)",
        )
    }
}

impl std::error::Error for InvalidWriteToken {}

impl std::str::FromStr for WriteToken {
    type Err = InvalidWriteToken;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.strip_prefix("rw1-").ok_or(InvalidWriteToken)?;
        // Bounded: a token arrives from outside (a cookie, a header).
        if text.len() > 1024 {
            return Err(InvalidWriteToken);
        }
        Position::decode(text)
            .map(WriteToken)
            .ok_or(InvalidWriteToken)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(n: u64) -> Position {
        Position::scalar(n)
    }

    #[test]
    fn task_marks_belong_to_their_task_and_pool_marks_to_everyone() {
        let a = Owner::Thread(std::thread::current().id());
        let b = Owner::Thread(
            std::thread::spawn(|| std::thread::current().id())
                .join()
                .unwrap(),
        );
        let task = Freshness::new(ReadConsistency::Task);
        task.wrote(a, &at(10));
        assert_eq!(task.need(a), Need::At(at(10)));
        assert_eq!(task.need(b), Need::Nothing);
        let pool = Freshness::new(ReadConsistency::Pool);
        pool.wrote(a, &at(10));
        assert_eq!(pool.need(b), Need::At(at(10)));
        let eventual = Freshness::new(ReadConsistency::Eventual);
        eventual.wrote(a, &at(10));
        assert_eq!(eventual.need(a), Need::Nothing);
        assert_eq!(eventual.latest(), at(10));
    }

    #[test]
    fn an_unseen_write_is_settled_only_by_a_read_on_the_writer() {
        let a = Owner::Thread(std::thread::current().id());
        let f = Freshness::new(ReadConsistency::Task);
        f.wrote(a, &at(5));
        f.wrote_unseen(a);
        f.wrote(a, &at(7));
        let Need::Unseen(seen) = f.need(a) else {
            panic!("unseen")
        };
        f.settled(a, &at(9), seen);
        assert_eq!(f.need(a), Need::At(at(9)));
        // A position read before a later write is never below that write.
        f.wrote_unseen(a);
        f.wrote(a, &at(20));
        let Need::Unseen(seen) = f.need(a) else {
            panic!("unseen")
        };
        f.settled(a, &at(15), seen);
        assert_eq!(f.need(a), Need::At(at(20)));
        // A settle for an older mark leaves a newer one alone.
        f.wrote_unseen(a);
        std::thread::sleep(std::time::Duration::from_millis(2));
        let Need::Unseen(older) = f.need(a) else {
            panic!("unseen")
        };
        f.wrote_unseen(a);
        f.settled(a, &at(30), older);
        assert!(matches!(f.need(a), Need::Unseen(_)), "the newer mark stays");
        let Need::Unseen(seen) = f.need(a) else {
            panic!("unseen")
        };
        f.settled(a, &at(9), seen);
        assert_eq!(f.need(a), Need::At(at(20)));
        f.forget_through(&at(19));
        assert_eq!(f.len(), 1);
        f.forget_through(&at(20));
        assert_eq!(f.len(), 0);
        assert_eq!(f.need(a), Need::Nothing);
    }

    #[test]
    fn unseen_marks_of_tasks_that_never_read_again_are_settled_then_dropped() {
        let a = Owner::Thread(std::thread::current().id());
        let f = Freshness::new(ReadConsistency::Task);
        f.wrote_unseen(a);
        assert!(!f.has_stale_unseen(Duration::from_secs(3600)));
        assert!(f.has_stale_unseen(Duration::ZERO));
        f.settle_stale_unseen(&at(12), Duration::from_secs(3600));
        assert!(matches!(f.need(a), Need::Unseen(_)), "too young to settle");
        f.settle_stale_unseen(&at(12), Duration::ZERO);
        assert_eq!(f.need(a), Need::At(at(12)));
        f.forget_through(&at(12));
        assert_eq!(f.len(), 0);
    }

    #[test]
    fn a_replica_trails_in_time_only_behind_writes_it_has_not_replayed() {
        let a = Owner::Thread(std::thread::current().id());
        let f = Freshness::new(ReadConsistency::Eventual);
        assert_eq!(
            f.behind(&at(0)),
            Duration::ZERO,
            "nothing written: nothing to trail"
        );
        f.wrote(a, &at(10));
        std::thread::sleep(Duration::from_millis(30));
        f.wrote(a, &at(20));
        assert!(
            f.behind(&at(0)) >= Duration::from_millis(30),
            "behind the first write"
        );
        let second = f.behind(&at(10));
        assert!(
            second < Duration::from_millis(30),
            "behind the second only: {second:?}"
        );
        assert_eq!(
            f.behind(&at(20)),
            Duration::ZERO,
            "caught up, however idle the writer"
        );
        f.forget_through(&at(10));
        assert_eq!(
            f.recorded.lock().unwrap().len(),
            1,
            "replayed everywhere: dropped"
        );
        // A burst is kept in one entry, stamped with its first write.
        for position in 21..100 {
            f.wrote(a, &at(position));
        }
        assert!(f.recorded.lock().unwrap().len() <= 3);
        assert_eq!(f.latest(), at(99));
        // Bounded, whatever a stuck replica holds back.
        let f = Freshness::new(ReadConsistency::Eventual);
        let old = Instant::now() - Duration::from_secs(1);
        f.recorded
            .lock()
            .unwrap()
            .extend((1..=RECORDED_MAX as u64).map(|position| (at(position), old)));
        *f.latest.lock().unwrap() = at(RECORDED_MAX as u64);
        f.advance(&at(RECORDED_MAX as u64 + 5));
        let recorded = f.recorded.lock().unwrap();
        assert_eq!(recorded.len(), RECORDED_MAX);
        assert_eq!(recorded.back().unwrap().0, at(RECORDED_MAX as u64 + 5));
    }

    #[test]
    fn a_write_without_a_position_sends_reads_to_the_writer_for_the_window() {
        let a = Owner::Thread(std::thread::current().id());
        let f = Freshness::new(ReadConsistency::Task);
        f.wrote(a, &at(5));
        f.wrote_untracked(a, Duration::from_millis(30));
        assert_eq!(f.need(a), Need::Writer);
        f.forget_through(&at(9));
        assert_eq!(f.need(a), Need::Writer, "not dropped inside the window");
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(f.need(a), Need::At(at(5)), "then the positions it carried");
        f.forget_through(&at(5));
        assert_eq!(f.len(), 0);
        // An unseen write is settled on the writer only: a later untracked one leaves it.
        f.wrote_unseen(a);
        f.wrote_untracked(a, Duration::from_secs(60));
        assert!(matches!(f.need(a), Need::Unseen(_)));
        let eventual = Freshness::new(ReadConsistency::Eventual);
        eventual.wrote_untracked(a, Duration::from_secs(60));
        assert_eq!(eventual.need(a), Need::Nothing);
    }

    #[test]
    fn a_pending_write_is_resolved_by_any_position_read_after_it() {
        let (a, b) = (
            Owner::Thread(std::thread::current().id()),
            Owner::Thread(
                std::thread::spawn(|| std::thread::current().id())
                    .join()
                    .unwrap(),
            ),
        );
        let f = Freshness::new(ReadConsistency::Task);
        assert_eq!(f.take_dirty(), None);
        f.wrote(a, &at(3));
        f.wrote_pending(a);
        let Need::Pending(since) = f.need(a) else {
            panic!("pending")
        };
        f.wrote_pending(b);
        let first = f.take_dirty().expect("writes since the last read");
        assert!(first <= since);
        // A read begun before b's write resolves a's mark only.
        f.resolved(Some(&at(2)), since, Some(first), Duration::ZERO);
        assert_eq!(f.need(a), Need::At(at(3)), "what it carried, joined");
        assert!(matches!(f.need(b), Need::Pending(_)));
        f.resolved(Some(&at(9)), Instant::now(), None, Duration::ZERO);
        assert_eq!(f.need(b), Need::At(at(9)));
        assert_eq!(f.latest(), at(9));
        // A failed read puts the writes back for the next.
        f.wrote_pending(a);
        let first = f.take_dirty();
        f.redirty(first);
        assert_eq!(f.take_dirty(), first);
        // A server without positions: the marks read on the writer for the window.
        f.resolved(None, Instant::now(), None, Duration::from_secs(60));
        assert_eq!(f.need(a), Need::Writer);
        // Pool mode: a read that began after a's write needs it, whatever was written since.
        let pool = Freshness::new(ReadConsistency::Pool);
        pool.wrote(a, &at(1));
        pool.wrote_pending(a);
        let began = Instant::now();
        std::thread::sleep(Duration::from_millis(1));
        pool.wrote_pending(b);
        assert!(
            matches!(pool.need_at(b, began), Need::Pending(_)),
            "a's write is unread"
        );
        // Read begun after a's write, before b's: a read before both needs only what it carried.
        let before = began - Duration::from_secs(1);
        assert_eq!(pool.need_at(a, before), Need::At(at(1)));
        pool.resolved(Some(&at(5)), began, None, Duration::ZERO);
        assert_eq!(
            pool.need_at(a, began),
            Need::At(at(5)),
            "b's write came after"
        );
        assert!(
            matches!(pool.need(a), Need::Pending(_)),
            "but a read now needs it"
        );
        // Eventual mode keeps no marks, but still notes the write for the monitor.
        let e = Freshness::new(ReadConsistency::Eventual);
        e.wrote_pending(a);
        assert_eq!(e.need(a), Need::Nothing);
        assert!(e.take_dirty().is_some());
    }

    #[test]
    fn positions_of_several_streams_are_needed_stream_by_stream() {
        let a = Owner::Thread(std::thread::current().id());
        let f = Freshness::new(ReadConsistency::Task);
        let two = |x, y| Position::from_streams([(0, x), (1, y)]);
        f.wrote(a, &two(5, 1));
        f.wrote(a, &two(3, 7));
        assert_eq!(f.need(a), Need::At(two(5, 7)));
        assert_eq!(f.latest(), two(5, 7));
        // A replica ahead in one domain and behind in the other has not got the writes.
        std::thread::sleep(Duration::from_millis(2));
        assert!(f.behind(&two(9, 6)) >= Duration::from_millis(2));
        assert_eq!(f.behind(&two(5, 7)), Duration::ZERO);
        f.forget_through(&two(9, 6));
        assert_eq!(f.len(), 1, "not covered: kept");
        f.forget_through(&two(5, 7));
        assert_eq!(f.len(), 0);
    }

    #[test]
    fn a_token_observed_binds_the_task_in_every_mode() {
        let a = Owner::Thread(std::thread::current().id());
        for mode in [
            ReadConsistency::Task,
            ReadConsistency::Pool,
            ReadConsistency::Eventual,
        ] {
            let f = Freshness::new(mode);
            f.observe(a, &at(42));
            assert_eq!(f.need(a), Need::At(at(42)), "{mode:?}");
        }
        let token: WriteToken = WriteToken(at(0xabc)).to_string().parse().unwrap();
        assert_eq!(token, WriteToken(at(0xabc)));
        let domains = WriteToken(Position::from_streams([(0, 3), (9, 0x20)]));
        assert_eq!(domains.to_string(), "rw1-3,9:20");
        assert_eq!(domains.to_string().parse::<WriteToken>(), Ok(domains));
        for bad in [
            "",
            "rw1-",
            "rw2-10",
            "rw1-10000000000000000",
            "10",
            "rw1-1,",
            "rw1-x:1",
        ] {
            assert!(bad.parse::<WriteToken>().is_err(), "{bad}");
        }
    }
}
