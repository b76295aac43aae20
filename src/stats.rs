//! `Stats`: what the pool routed, where, and how long the writer was waited for and held.
//!
//! Everything is counted in atomics, so counting costs no lock on the hot path; `stats()`
//! takes a snapshot. Durations go into fixed power-of-two buckets (1 µs, 2 µs, 4 µs, …), which
//! gives percentiles within a factor of two at constant memory and cost.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::route::{Reason, Route, Target};

#[derive(Default)]
pub(crate) struct Counters {
    /// Statements run, by route: `[reason][target]`.
    routes: [[AtomicU64; 2]; Reason::COUNT],
    pub(crate) parse_fallbacks: AtomicU64,
    pub(crate) healed: AtomicU64,
    pub(crate) abandoned_transactions: AtomicU64,
    pub(crate) transactions_begun: AtomicU64,
    pub(crate) commits: AtomicU64,
    pub(crate) rollbacks: AtomicU64,
    pub(crate) queue_high_water: AtomicU64,
    pub(crate) reader_fallbacks: AtomicU64,
    pub(crate) settings_spread: AtomicU64,
    pub(crate) own_writer_reads: AtomicU64,
    pub(crate) fresh_reads_on_writer: AtomicU64,
    pub(crate) read_retries: AtomicU64,
    pub(crate) untracked_writes: AtomicU64,
    pub(crate) position_reads: AtomicU64,
    pub(crate) groups: AtomicU64,
    pub(crate) group_statements: AtomicU64,
    pub(crate) regroups: AtomicU64,
    pub(crate) group_failures: AtomicU64,
    /// Groups by size: bucket `b` holds sizes in `(2^b, 2^(b+1)]`, the last everything larger.
    pub(crate) group_sizes: [AtomicU64; GROUP_SIZE_BUCKETS],
    pub(crate) writer_wait: Histogram,
    pub(crate) writer_hold: Histogram,
}

/// Buckets of [`Stats::group_sizes`]: 2, 3–4, 5–8, 9–16, 17–32, 33–64, 65–128, more.
pub(crate) const GROUP_SIZE_BUCKETS: usize = 8;

pub(crate) fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

impl Counters {
    /// A group commit of `size` statements ran (see `statement/group.rs`).
    pub(crate) fn group_run(&self, size: usize) {
        bump(&self.groups);
        self.group_statements
            .fetch_add(size as u64, Ordering::Relaxed);
        let bucket = (usize::BITS - (size.max(2) - 1).leading_zeros()) as usize - 1;
        bump(&self.group_sizes[bucket.min(GROUP_SIZE_BUCKETS - 1)]);
    }

    pub(crate) fn count_route(&self, route: Route) {
        let target = match route.target() {
            Target::Reader => 0,
            Target::Writer => 1,
        };
        bump(&self.routes[route.reason() as usize][target]);
    }

    fn load(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }

    pub(crate) fn snapshot(&self) -> Stats {
        let mut routes = Vec::new();
        let (mut reader, mut writer, mut pinned) = (0, 0, 0);
        for &reason in Reason::ALL {
            for (target, counter) in [Target::Reader, Target::Writer]
                .into_iter()
                .zip(&self.routes[reason as usize])
            {
                let n = Counters::load(counter);
                if n == 0 {
                    continue;
                }
                match (target, reason) {
                    (_, Reason::Pinned) => pinned += n,
                    (Target::Reader, _) => reader += n,
                    (Target::Writer, _) => writer += n,
                }
                routes.push((Route::new(target, reason), n));
            }
        }
        Stats {
            reader_statements: reader,
            writer_statements: writer,
            pinned_statements: pinned,
            routes,
            parse_fallbacks: Counters::load(&self.parse_fallbacks),
            healed: Counters::load(&self.healed),
            abandoned_transactions: Counters::load(&self.abandoned_transactions),
            transactions_begun: Counters::load(&self.transactions_begun),
            commits: Counters::load(&self.commits),
            rollbacks: Counters::load(&self.rollbacks),
            writer_queue_high_water: Counters::load(&self.queue_high_water),
            reader_fallbacks: Counters::load(&self.reader_fallbacks),
            settings_spread: Counters::load(&self.settings_spread),
            own_writer_reads: Counters::load(&self.own_writer_reads),
            fresh_reads_on_writer: Counters::load(&self.fresh_reads_on_writer),
            read_retries: Counters::load(&self.read_retries),
            untracked_writes: Counters::load(&self.untracked_writes),
            position_reads: Counters::load(&self.position_reads),
            groups: Counters::load(&self.groups),
            group_statements: Counters::load(&self.group_statements),
            regroups: Counters::load(&self.regroups),
            group_failures: Counters::load(&self.group_failures),
            group_sizes: std::array::from_fn(|b| Counters::load(&self.group_sizes[b])),
            writer_wait: self.writer_wait.snapshot(),
            writer_hold: self.writer_hold.snapshot(),
            ..Stats::default()
        }
    }
}

const BUCKETS: usize = 32;

/// Durations in power-of-two microsecond buckets: bucket `b` holds `[2^(b-1), 2^b)` µs.
#[derive(Default)]
pub(crate) struct Histogram {
    buckets: [AtomicU64; BUCKETS],
    count: AtomicU64,
    sum_us: AtomicU64,
    max_us: AtomicU64,
}

impl Histogram {
    pub(crate) fn record(&self, duration: Duration) {
        let us = u64::try_from(duration.as_micros()).unwrap_or(u64::MAX);
        let bucket = (u64::BITS - us.leading_zeros()) as usize;
        bump(&self.buckets[bucket.min(BUCKETS - 1)]);
        bump(&self.count);
        self.sum_us.fetch_add(us, Ordering::Relaxed);
        self.max_us.fetch_max(us, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> Latency {
        let buckets: Vec<u64> = self.buckets.iter().map(Counters::load).collect();
        let count = Counters::load(&self.count);
        let max = Counters::load(&self.max_us);
        // The upper bound of the bucket where the quantile falls, capped by the true maximum.
        let quantile = |q: f64| {
            let rank = ((count as f64) * q).ceil().max(1.0) as u64;
            let mut seen = 0;
            for (b, n) in buckets.iter().enumerate() {
                seen += n;
                if seen >= rank {
                    let upper = if b == 0 { 0 } else { (1u64 << b) - 1 };
                    return Duration::from_micros(upper.min(max));
                }
            }
            Duration::from_micros(max)
        };
        Latency {
            count,
            mean: Duration::from_micros(
                Counters::load(&self.sum_us).checked_div(count).unwrap_or(0),
            ),
            p50: if count == 0 {
                Duration::ZERO
            } else {
                quantile(0.50)
            },
            p99: if count == 0 {
                Duration::ZERO
            } else {
                quantile(0.99)
            },
            max: Duration::from_micros(max),
        }
    }
}

/// Count and distribution of a duration. Percentiles are upper bounds within a factor of two
/// (power-of-two buckets), never above the true maximum.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Latency {
    /// How many were recorded.
    pub count: u64,
    /// Their mean.
    pub mean: Duration,
    /// Median (bucket upper bound).
    pub p50: Duration,
    /// 99th percentile (bucket upper bound).
    pub p99: Duration,
    /// The largest.
    pub max: Duration,
}

/// A snapshot of the pool's counters, from [`RwPool::stats`](crate::RwPool::stats).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), sqlx::Error> {
/// let dir = tempfile::tempdir().unwrap();
/// let pool = sqlx_rw::SqliteRwPool::connect_with(
///     sqlx::sqlite::SqliteConnectOptions::new().filename(dir.path().join("s.db")),
/// )
/// .await?;
/// sqlx::query("CREATE TABLE t (x)").execute(&pool).await?;
/// sqlx::query("SELECT * FROM t").fetch_all(&pool).await?;
/// let stats = pool.stats();
/// assert_eq!((stats.reader_statements, stats.writer_statements), (1, 1));
/// println!("{stats}");
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Statements run on a reader.
    pub reader_statements: u64,
    /// Statements run on the writer outside a pinned transaction.
    pub writer_statements: u64,
    /// Statements run inside a transaction begun with `BEGIN` through the pool.
    pub pinned_statements: u64,
    /// Statements run, by route (target and reason); only routes taken at least once.
    pub routes: Vec<(Route, u64)>,
    /// Statements sqlparser could not parse (or over the size cap): routed by a keyword scan,
    /// or to the writer when the scan could not prove a read.
    pub parse_fallbacks: u64,
    /// Statements a reader refused as writes and that then ran on the writer.
    pub healed: u64,
    /// Transactions begun through the pool (`begin()`, `BEGIN`/`SAVEPOINT` sent through it).
    pub transactions_begun: u64,
    /// Write transactions committed on the writer, as the database counts them (for SQLite, its
    /// commit hook): explicit transactions and each autocommit write statement. PostgreSQL
    /// tells a client of no commit it did not send itself: always 0 there.
    pub commits: u64,
    /// Transactions rolled back on the writer, as the database counts them (for SQLite, its
    /// rollback hook). Always 0 on PostgreSQL, as `commits`.
    pub rollbacks: u64,
    /// Transactions begun through the pool that were rolled back behind their task's back
    /// (idle past the timeout, a statement cancelled, or a new `BEGIN` while open).
    pub abandoned_transactions: u64,
    /// Reads that ran on the writer because no reader connection could be opened (the
    /// error is logged as a warning).
    pub reader_fallbacks: u64,
    /// Per-connection settings sent through the pool that changed the readers' options (each
    /// replaces the reader connections).
    pub settings_spread: u64,
    /// `acquire()` and `begin()` calls answered with a reader because the calling task held
    /// the writer itself, idle.
    pub own_writer_reads: u64,
    /// `true` while readers are paused (the database is not in WAL mode) and reads run on
    /// the writer.
    pub readers_paused: bool,
    /// Tasks waiting for the writer now.
    pub writer_queue: u64,
    /// The most tasks ever waiting for the writer at once.
    pub writer_queue_high_water: u64,
    /// Time from asking for the writer to getting it.
    pub writer_wait: Latency,
    /// Time the writer was held per use: a statement, a transaction, an acquired connection.
    pub writer_hold: Latency,
    /// Routing verdicts served from the cache.
    pub cache_hits: u64,
    /// Routing verdicts that needed a parse.
    pub cache_misses: u64,
    /// Verdicts held in the cache now.
    pub cache_entries: u64,
    /// Approximate bytes the cache holds now.
    pub cache_bytes: u64,
    /// Reader connections open now.
    pub readers_open: u32,
    /// Reader connections idle now.
    pub readers_idle: u64,
    /// What the pool did to keep the write-ahead log bounded (SQLite's checkpoint manager).
    pub wal: WalStats,
    /// Each reader target (for a server, each replica), in the order given.
    pub replicas: Vec<ReplicaStats>,
    /// Read-your-writes marks kept now (tasks whose writes some replica has not replayed).
    pub freshness_marks: u64,
    /// Reads that ran on the writer because no replica had replayed what they must see in
    /// time (or the task's last write was made where the pool could not see it, or its
    /// position is unknown).
    pub fresh_reads_on_writer: u64,
    /// Writes committed through the pool whose position the server could not tell (MySQL
    /// with `gtid_mode=OFF`): the task read on the primary for
    /// [`untracked_write_window`](crate::RwPoolOptions::untracked_write_window) after each.
    pub untracked_writes: u64,
    /// Reads of the writer's position (WAL, GTID) for read-your-writes and replica lag: by a
    /// read that must see a write whose position was not known yet, or by the replica monitor
    /// after writes. Each covers every write committed before it began; writes themselves read
    /// none.
    pub position_reads: u64,
    /// Group commits run: transactions that carried two or more autocommit writes queued for
    /// the writer (see [`RwPoolOptions::group_commit`](crate::RwPoolOptions::group_commit)).
    pub groups: u64,
    /// Statements run in those groups.
    pub group_statements: u64,
    /// Groups begun again because a member's failure rolled back the whole transaction (for
    /// SQLite `INSERT OR ROLLBACK`, `RAISE(ROLLBACK)`): the members before it ran again.
    pub regroups: u64,
    /// Statements that failed inside a group while the group went on (a constraint): only
    /// their callers got an error.
    pub group_failures: u64,
    /// Groups by size: 2, 3–4, 5–8, 9–16, 17–32, 33–64, 65–128 statements, and more.
    pub group_sizes: [u64; 8],
    /// Reads a replica failed before any row reached the caller (its connection broke, or
    /// recovery cancelled the read) that ran again on the writer.
    pub read_retries: u64,
}

/// One reader target as [`RwPool::stats`](crate::RwPool::stats) sees it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReplicaStats {
    /// `host:port` for a server (never credentials); `reader` for SQLite's file.
    pub name: String,
    /// In rotation now.
    pub healthy: bool,
    /// Why not, if not: `down`, `promoted`, `lagging` or `stopped` (a replica whose
    /// replication does not run).
    pub state: &'static str,
    /// Reads it served.
    pub reads: u64,
    /// How far it had replayed when last asked (the origin: unknown).
    pub replayed: crate::Position,
    /// How long ago the first write it had not replayed was made, when last asked (zero: it
    /// had every write the pool recorded). Compared with `max_replica_delay`.
    pub behind: std::time::Duration,
    /// Connections open and lent out now.
    pub open: u32,
    /// Connections lent out now.
    pub in_flight: u64,
}

/// What the pool's checkpoint manager did to keep the write-ahead log bounded, in
/// [`Stats::wal`]; all zero where there is no manager (an in-memory database, another
/// backend, the manager turned off).
///
/// See `docs/design.md` ("A WAL that stays bounded") for the policy.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct WalStats {
    /// The manager runs on this pool now.
    pub managed: bool,
    /// The WAL file's size now, in bytes.
    pub wal_bytes: u64,
    /// The most the WAL has held since the pool opened, in bytes (the WAL file never grows
    /// past what it once held).
    pub wal_bytes_max: u64,
    /// Background `PASSIVE` checkpoints that copied every frame of the WAL.
    pub passive_complete: u64,
    /// Background `PASSIVE` checkpoints that stopped at a snapshot a reader still held.
    pub passive_partial: u64,
    /// `TRUNCATE` checkpoints that emptied the WAL.
    pub truncates: u64,
    /// `TRUNCATE` rounds given up: reads still in flight at the end of the hold, the writer
    /// not free in time, or readers in another process.
    pub truncate_give_ups: u64,
    /// WAL frames (pages) the manager's checkpoints copied into the database file.
    pub frames_copied: u64,
    /// How long each hold made new reads wait (from closing the gate to opening it).
    pub read_holds: Latency,
}

impl fmt::Display for Stats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rows: [(&str, u64); 23] = [
            ("reader statements", self.reader_statements),
            ("writer statements", self.writer_statements),
            ("pinned statements", self.pinned_statements),
            ("parse fallbacks", self.parse_fallbacks),
            ("healed misroutes", self.healed),
            ("transactions begun", self.transactions_begun),
            ("commits", self.commits),
            ("rollbacks", self.rollbacks),
            ("abandoned transactions", self.abandoned_transactions),
            ("reader fallbacks", self.reader_fallbacks),
            ("settings spread", self.settings_spread),
            ("own-writer reads", self.own_writer_reads),
            ("group commits", self.groups),
            ("grouped statements", self.group_statements),
            ("regroups", self.regroups),
            ("failures inside groups", self.group_failures),
            ("writer queue now", self.writer_queue),
            ("writer queue high-water", self.writer_queue_high_water),
            ("verdict cache hits", self.cache_hits),
            ("verdict cache misses", self.cache_misses),
            ("verdict cache entries", self.cache_entries),
            ("readers open", u64::from(self.readers_open)),
            ("readers idle", self.readers_idle),
        ];
        for (name, value) in rows {
            writeln!(f, "{name:<26}{value:>12}")?;
        }
        if self.groups > 0 {
            let sizes = [
                "2", "3-4", "5-8", "9-16", "17-32", "33-64", "65-128", ">128",
            ];
            let sizes: Vec<String> = sizes
                .iter()
                .zip(self.group_sizes)
                .filter(|(_, n)| *n > 0)
                .map(|(size, n)| format!("{size}: {n}"))
                .collect();
            writeln!(f, "{:<26}{}", "group sizes", sizes.join(", "))?;
        }
        for (name, l) in [
            ("writer wait", &self.writer_wait),
            ("writer hold", &self.writer_hold),
        ] {
            writeln!(
                f,
                "{name:<26}{:>12}  mean {:?}  p50 {:?}  p99 {:?}  max {:?}",
                l.count, l.mean, l.p50, l.p99, l.max
            )?;
        }
        if self.wal.managed {
            let w = &self.wal;
            writeln!(
                f,
                "wal bytes now / max        {:>12} / {}\n\
                 checkpoints                passive {} complete, {} partial; truncate {} done, \
                 {} given up; {} frames copied\n\
                 read holds                 {:>12}  mean {:?}  p99 {:?}  max {:?}",
                w.wal_bytes,
                w.wal_bytes_max,
                w.passive_complete,
                w.passive_partial,
                w.truncates,
                w.truncate_give_ups,
                w.frames_copied,
                w.read_holds.count,
                w.read_holds.mean,
                w.read_holds.p99,
                w.read_holds.max
            )?;
        }
        if !self.routes.is_empty() {
            writeln!(f, "by route:")?;
            for (route, n) in &self.routes {
                writeln!(f, "  {:<60}{n:>12}", route.to_string())?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_bucket_bounds_capped_by_the_maximum() {
        let h = Histogram::default();
        for us in [3, 3, 3, 3, 3, 3, 3, 3, 3, 900] {
            h.record(Duration::from_micros(us));
        }
        let l = h.snapshot();
        assert_eq!(l.count, 10);
        assert_eq!(l.mean, Duration::from_micros(92));
        assert_eq!(l.p50, Duration::from_micros(3));
        assert_eq!(l.p99, Duration::from_micros(900));
        assert_eq!(l.max, Duration::from_micros(900));
    }
}
