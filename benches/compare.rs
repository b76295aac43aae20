//! Benchmark harness: `SqliteRwPool` against the two setups people use instead of it.
//!
//! Three pool configurations run the same workloads, in one process and one invocation, each
//! run on a fresh temporary database file:
//!
//! * **plain**: one `SqlitePool` of up to 100 connections; `pool.begin()` sends a deferred
//!   `BEGIN`, which is what users of a plain pool get.
//! * **split**: the split a careful user builds by hand: a writer `SqlitePool` of one
//!   connection (transactions begin with `BEGIN IMMEDIATE`) and a read-only reader
//!   `SqlitePool` of 8, with every call sent to the right one by the caller.
//! * **rwpool**: `SqliteRwPool` with 8 readers (to match split), routing by parsing the SQL.
//!
//! All three use WAL, `synchronous=NORMAL` (workload 5 also `FULL`), a 5 s busy timeout and
//! foreign keys on.
//!
//! The workloads:
//!
//! 1. contention: `--tasks` tasks, each looping a read-modify-write transaction on one counter
//!    row and an insert; successful ops/s, errors by SQLite extended code, latencies and lost
//!    updates (acknowledged commits minus the final counter, which must be 0);
//! 2. read-heavy: `--tasks` tasks, 90 % point SELECTs and 10 % inserts;
//! 3. point SELECTs from one task on 100,000 rows: the cost of routing, per query;
//! 4. single-row inserts from one task: the cost of the writer path, per insert (3 and 4
//!    compare routing alone only with `--no-ping`: by default plain and split keep sqlx's
//!    ping on every acquire, a round trip rwpool's pools skip);
//! 5. write scaling: single-row INSERTs from 1, 8, 64 and 256 tasks, with
//!    `synchronous=NORMAL` and with `FULL`: throughput, errors, latency and fairness between
//!    tasks. rwpool runs them as group commits when they queue (`--no-group` turns that off,
//!    for a comparison with the pool before it); `--charts DIR` draws throughput and p99
//!    latency against tasks as SVG charts (`docs/charts/` holds the ones the docs show).
//!
//! For each workload the configurations alternate (plain, split, rwpool, plain, …) for
//! `--reps` repetitions, so slow drift on the machine hits all three alike, and each figure
//! reported is the median over the repetitions. Latencies are those of successful operations;
//! failures are counted in the error rows instead (a `SQLITE_BUSY` that fails at once would
//! otherwise make the failing configuration look fast).
//!
//! Run it with:
//!
//! ```text
//! cargo bench --bench compare
//! cargo bench --bench compare -- --only 1 --seconds 5 --reps 5 --tasks 16
//! cargo bench --bench compare -- --help
//! ```
//!
//! The default run takes about three minutes on 2 cores. Workload 5 runs for half of
//! `--seconds` per run, because it has eight settings to get through. `--stats` adds
//! the RwPool's own counters (writer wait and hold times) after each workload.
//!
//! Every workload also reports the largest the WAL file grew (sampled every 10 ms): rwpool's
//! checkpoint manager against SQLite's own automatic checkpoint in plain and split.
//! `benches/wal.rs` measures the workload where that difference is the point.
//!
//! It is a `harness = false` bench target, so `cargo test` does not build it. The counter
//! schema and the read-modify-write transaction come from `examples/shared/workloads.rs`,
//! shared with the contention demo and `tests/contention.rs`: the test asserts that rwpool
//! loses no update on the very transaction measured here.

#[path = "../examples/shared/workloads.rs"]
mod workloads;

#[path = "compare/charts.rs"]
mod charts;

use std::error::Error;
use std::future::Future;
use std::path::Path;
use std::process::ExitCode;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Executor, Sqlite, Transaction};
use sqlx_rw::{RwPoolOptions, SqliteRwPool, Stats};

const USAGE: &str = "\
usage: cargo bench --bench compare -- [--seconds S] [--reps N] [--tasks N] [--only W]

  --seconds S   length of each measured run, fractions allowed (default 2; workload 5 uses S/2)
  --reps N      repetitions of the plain/split/rwpool alternation; medians are reported
                (default 3)
  --tasks N     concurrent tasks in workloads 1 and 2 (default 8)
  --only W      run only workload W (1..5)
  --no-ping     plain and split skip sqlx's ping on every acquire (test_before_acquire(false)),
                as rwpool's own pools do: leaves the routing cost alone in the comparison
  --stats       print the RwPool's own stats after each workload (its last run)
  --no-group    rwpool runs without group commit (RwPoolOptions::group_commit(false))
  --charts DIR  draw workload 5's throughput and p99 latency against tasks as SVG charts in
                DIR (write-scaling-normal.svg, write-scaling-full.svg)
  --help        print this help

workloads: 1 contention (RMW transaction + insert), 2 read-heavy 90/10, 3 point SELECT from
one task, 4 single-row INSERT from one task, 5 write scaling: INSERTs from 1, 8, 64 and 256
tasks, synchronous NORMAL and FULL";

/// Reader connections for split and rwpool alike, so that the comparison is between routing
/// strategies, not pool sizes.
const READERS: u32 = 8;

/// Task counts for workload 5.
const WRITE_ONLY_TASKS: [usize; 4] = [1, 8, 64, 256];

/// The synchronous modes workload 5 runs in; the others run in NORMAL.
const WRITE_ONLY_MODES: [SqliteSynchronous; 2] =
    [SqliteSynchronous::Normal, SqliteSynchronous::Full];

struct Args {
    seconds: f64,
    reps: usize,
    tasks: usize,
    only: Option<u8>,
    /// sqlx's `test_before_acquire` for plain and split.
    ping: bool,
    stats: bool,
    /// rwpool groups commits (the default).
    group: bool,
    charts: Option<std::path::PathBuf>,
}

/// `Ok(None)` means `--help` was asked for.
fn parse_args() -> Result<Option<Args>, String> {
    let mut args = Args {
        seconds: 2.0,
        reps: 3,
        tasks: 8,
        only: None,
        ping: true,
        stats: false,
        group: true,
        charts: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--help" | "-h" => return Ok(None),
            "--seconds" => {
                args.seconds = parse_value(&flag, it.next(), |s: &f64| s.is_finite() && *s > 0.0)?
            }
            "--reps" => args.reps = parse_value(&flag, it.next(), |&n| n > 0)?,
            "--tasks" => args.tasks = parse_value(&flag, it.next(), |&n| n > 0)?,
            "--only" => args.only = Some(parse_value(&flag, it.next(), |w| (1..=5).contains(w))?),
            "--no-ping" => args.ping = false,
            "--stats" => args.stats = true,
            "--no-group" => args.group = false,
            "--charts" => args.charts = Some(it.next().ok_or("--charts needs a directory")?.into()),
            // `cargo bench` appends `--bench` to a `harness = false` target's arguments.
            "--bench" => {}
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Some(args))
}

fn parse_value<T: FromStr>(
    flag: &str,
    value: Option<String>,
    valid: impl Fn(&T) -> bool,
) -> Result<T, String> {
    let value = value.ok_or(format!("{flag} needs a value"))?;
    value
        .parse()
        .ok()
        .filter(valid)
        .ok_or(format!("{flag}: invalid value {value:?}"))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Config {
    Plain,
    Split,
    Rw,
}

/// The run order within one repetition.
const CONFIGS: [Config; 3] = [Config::Plain, Config::Split, Config::Rw];

impl Config {
    fn name(self) -> &'static str {
        match self {
            Config::Plain => "plain",
            Config::Split => "split",
            Config::Rw => "rwpool",
        }
    }

    fn describe(self) -> String {
        match self {
            Config::Plain => {
                "SqlitePool, max 100 connections; pool.begin() = deferred BEGIN".into()
            }
            Config::Split => format!(
                "writer SqlitePool max 1 (begin_with(\"BEGIN IMMEDIATE\")) + read-only reader \
                 SqlitePool max {READERS}; caller picks the pool"
            ),
            Config::Rw => format!(
                "SqliteRwPool, readers({READERS}) to match split (the default would be {}); \
                 routed by SQL",
                cores()
            ),
        }
    }
}

/// The three configurations behind one type, so each workload is written once.
#[derive(Clone)]
enum Pool {
    Plain(SqlitePool),
    Split {
        reader: SqlitePool,
        writer: SqlitePool,
    },
    Rw(SqliteRwPool),
}

impl Pool {
    /// `ping`: whether plain and split ping a connection on every acquire (sqlx's default; a
    /// round trip to the connection's worker thread). rwpool's pools never do.
    async fn connect(
        config: Config,
        path: &Path,
        case: &Case,
        args: &Args,
    ) -> Result<Pool, sqlx::Error> {
        let ping = args.ping;
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(case.synchronous)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        Ok(match config {
            Config::Plain => Pool::Plain(
                SqlitePoolOptions::new()
                    .test_before_acquire(ping)
                    .max_connections(100)
                    .connect_with(options)
                    .await?,
            ),
            Config::Split => {
                // The writer first: it creates the file and switches it to WAL, which a
                // read-only connection cannot do.
                let writer = SqlitePoolOptions::new()
                    .test_before_acquire(ping)
                    .max_connections(1)
                    .connect_with(options.clone())
                    .await?;
                let reader = SqlitePoolOptions::new()
                    .test_before_acquire(ping)
                    .max_connections(READERS)
                    .connect_with(options.read_only(true))
                    .await?;
                Pool::Split { reader, writer }
            }
            Config::Rw => Pool::Rw(
                RwPoolOptions::<Sqlite>::new()
                    .readers(READERS)
                    .synchronous(case.synchronous)
                    .group_commit(args.group)
                    .connect_with(options)
                    .await?,
            ),
        })
    }

    async fn read_one(&self, id: i64) -> Result<(), sqlx::Error> {
        match self {
            Pool::Plain(p) | Pool::Split { reader: p, .. } => select_item(p, id).await,
            Pool::Rw(p) => select_item(p, id).await,
        }
    }

    async fn insert(&self, n: i64) -> Result<(), sqlx::Error> {
        match self {
            Pool::Plain(p) | Pool::Split { writer: p, .. } => insert_item(p, n).await,
            Pool::Rw(p) => insert_item(p, n).await,
        }
    }

    /// Read the counter, then write it back plus one: safe only if the transaction really is
    /// serialised against the other writers.
    async fn rmw(&self) -> Result<(), sqlx::Error> {
        workloads::read_modify_write(self.begin().await?).await
    }

    /// Each configuration's natural way to begin a write transaction.
    async fn begin(&self) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        match self {
            Pool::Plain(p) => p.begin().await,
            Pool::Split { writer, .. } => writer.begin_with("BEGIN IMMEDIATE").await,
            Pool::Rw(p) => p.begin().await,
        }
    }

    /// The `counter` table with its one row, on the write path.
    async fn create_counter(&self) -> Result<(), sqlx::Error> {
        match self {
            Pool::Plain(p) | Pool::Split { writer: p, .. } => workloads::create_counter(p).await,
            Pool::Rw(p) => workloads::create_counter(p).await,
        }
    }

    /// Setup statements, on the write path.
    async fn execute(&self, sql: &'static str) -> Result<(), sqlx::Error> {
        match self {
            Pool::Plain(p) | Pool::Split { writer: p, .. } => p.execute(sql).await.map(drop),
            Pool::Rw(p) => p.execute(sql).await.map(drop),
        }
    }

    /// Fill `items` with ids 1..=rows in one transaction.
    async fn prefill(&self, rows: i64) -> Result<(), sqlx::Error> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ?) \
             INSERT INTO items SELECT i, 'v' || i, i FROM c",
        )
        .bind(rows)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }

    async fn counter(&self) -> Result<i64, sqlx::Error> {
        match self {
            Pool::Plain(p) | Pool::Split { reader: p, .. } => workloads::read_counter(p).await,
            Pool::Rw(p) => workloads::read_counter(p).await,
        }
    }

    fn stats(&self) -> Option<Stats> {
        match self {
            Pool::Rw(p) => Some(p.stats()),
            _ => None,
        }
    }

    async fn close(&self) {
        match self {
            Pool::Plain(p) => p.close().await,
            Pool::Split { reader, writer } => {
                futures_util::future::join(reader.close(), writer.close()).await;
            }
            Pool::Rw(p) => p.close().await,
        }
    }
}

async fn select_item<'e>(
    db: impl Executor<'e, Database = Sqlite>,
    id: i64,
) -> Result<(), sqlx::Error> {
    // Decoded, so every configuration pays for the same work on the row.
    let _row: (String, i64) = sqlx::query_as("SELECT v, n FROM items WHERE id = ?")
        .bind(id)
        .fetch_one(db)
        .await?;
    Ok(())
}

async fn insert_item<'e>(
    db: impl Executor<'e, Database = Sqlite>,
    n: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO items (v, n) VALUES (?, ?)")
        .bind("bench")
        .bind(n)
        .execute(db)
        .await
        .map(drop)
}

/// xorshift64: deterministic and dependency-free; quality is beside the point here.
struct XorShift(u64);

impl XorShift {
    fn new(seed: u64) -> Self {
        // Never zero (a fixed point), and neighbouring seeds start far apart.
        XorShift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// In `1..=n`.
    fn id(&mut self, n: u64) -> i64 {
        (self.next() % n + 1) as i64
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Workload {
    Contention,
    ReadHeavy,
    PointSelect,
    SingleInsert,
    WriteOnly,
}

impl Workload {
    const ALL: [Workload; 5] = [
        Workload::Contention,
        Workload::ReadHeavy,
        Workload::PointSelect,
        Workload::SingleInsert,
        Workload::WriteOnly,
    ];

    fn number(self) -> u8 {
        match self {
            Workload::Contention => 1,
            Workload::ReadHeavy => 2,
            Workload::PointSelect => 3,
            Workload::SingleInsert => 4,
            Workload::WriteOnly => 5,
        }
    }

    fn title(self) -> &'static str {
        match self {
            Workload::Contention => "contention: RMW transaction + INSERT per loop",
            Workload::ReadHeavy => "read-heavy: 90% point SELECT (ids 1..1000), 10% INSERT",
            Workload::PointSelect => "point SELECT, one task, 100,000 rows",
            Workload::SingleInsert => "single-row INSERT, one task",
            Workload::WriteOnly => "write scaling: single-row INSERTs",
        }
    }

    fn prefill_rows(self) -> i64 {
        match self {
            Workload::Contention | Workload::ReadHeavy => 1_000,
            Workload::PointSelect => 100_000,
            Workload::SingleInsert | Workload::WriteOnly => 0,
        }
    }
}

/// One measured setting: a workload with its task count and run length.
struct Case {
    workload: Workload,
    tasks: usize,
    seconds: f64,
    synchronous: SqliteSynchronous,
}

impl Case {
    fn title(&self) -> String {
        let tasks = if self.tasks == 1 {
            "1 task".to_owned()
        } else {
            format!("{} tasks", self.tasks)
        };
        let mode = match self.synchronous {
            SqliteSynchronous::Full => ", synchronous=FULL",
            _ => "",
        };
        format!(
            "W{} {}  [{tasks}{mode}, {} s per run]",
            self.workload.number(),
            self.workload.title(),
            self.seconds
        )
    }
}

fn cases(args: &Args) -> Vec<Case> {
    let mut cases = Vec::new();
    for workload in Workload::ALL {
        if args.only.is_some_and(|w| w != workload.number()) {
            continue;
        }
        let case = |tasks, seconds| Case {
            workload,
            tasks,
            seconds,
            synchronous: SqliteSynchronous::Normal,
        };
        match workload {
            Workload::Contention | Workload::ReadHeavy => {
                cases.push(case(args.tasks, args.seconds))
            }
            Workload::PointSelect | Workload::SingleInsert => cases.push(case(1, args.seconds)),
            // Eight settings: half-length runs keep the default invocation near 3 minutes.
            Workload::WriteOnly => {
                for synchronous in WRITE_ONLY_MODES {
                    cases.extend(WRITE_ONLY_TASKS.map(|tasks| Case {
                        synchronous,
                        ..case(tasks, args.seconds / 2.0)
                    }))
                }
            }
        }
    }
    cases
}

/// Errors by SQLite extended result code: the message alone, `database is locked`, does not
/// tell BUSY (5) from BUSY_SNAPSHOT (517).
#[derive(Default)]
struct Errors {
    busy: u64,
    busy_snapshot: u64,
    other: u64,
    other_sample: Option<String>,
}

impl Errors {
    fn record(&mut self, err: &sqlx::Error) {
        match err.as_database_error().and_then(|d| d.code()).as_deref() {
            Some("5") => self.busy += 1,
            Some("517") => self.busy_snapshot += 1,
            _ => {
                self.other += 1;
                self.other_sample.get_or_insert_with(|| err.to_string());
            }
        }
    }

    fn total(&self) -> u64 {
        self.busy + self.busy_snapshot + self.other
    }

    fn merge(&mut self, other: &Errors) {
        self.busy += other.busy;
        self.busy_snapshot += other.busy_snapshot;
        self.other += other.other;
        if self.other_sample.is_none() {
            self.other_sample.clone_from(&other.other_sample);
        }
    }
}

/// Outcomes of one kind of operation.
#[derive(Default)]
struct Log {
    ok: u64,
    errors: Errors,
    /// Latencies of successful operations, in microseconds.
    latencies_us: Vec<u64>,
}

impl Log {
    /// Run `op`, timing it. Errors are recorded, never propagated: a worker carries on as a
    /// service would.
    async fn time(&mut self, op: impl Future<Output = Result<(), sqlx::Error>>) {
        let started = Instant::now();
        match op.await {
            Ok(()) => {
                self.latencies_us.push(started.elapsed().as_micros() as u64);
                self.ok += 1;
            }
            Err(err) => self.errors.record(&err),
        }
    }

    fn merge(&mut self, other: &Log) {
        self.ok += other.ok;
        self.errors.merge(&other.errors);
        self.latencies_us.extend_from_slice(&other.latencies_us);
    }

    fn sorted_latencies(&self) -> Vec<u64> {
        let mut sorted = self.latencies_us.clone();
        sorted.sort_unstable();
        sorted
    }
}

/// One task's outcomes, by kind of operation.
#[derive(Default)]
struct TaskLog {
    rmw: Log,
    insert: Log,
    select: Log,
}

impl TaskLog {
    fn ok(&self) -> u64 {
        self.rmw.ok + self.insert.ok + self.select.ok
    }

    fn errors(&self) -> Errors {
        let mut errors = Errors::default();
        for log in [&self.rmw, &self.insert, &self.select] {
            errors.merge(&log.errors);
        }
        errors
    }

    fn merge(&mut self, other: &TaskLog) {
        self.rmw.merge(&other.rmw);
        self.insert.merge(&other.insert);
        self.select.merge(&other.select);
    }
}

async fn worker(pool: Pool, workload: Workload, seed: u64, deadline: Instant) -> TaskLog {
    let mut rng = XorShift::new(seed);
    let mut log = TaskLog::default();
    while Instant::now() < deadline {
        let n = rng.next() as i64;
        match workload {
            Workload::Contention => {
                log.rmw.time(pool.rmw()).await;
                log.insert.time(pool.insert(n)).await;
            }
            Workload::ReadHeavy if n % 10 == 0 => log.insert.time(pool.insert(n)).await,
            Workload::ReadHeavy => log.select.time(pool.read_one(rng.id(1_000))).await,
            Workload::PointSelect => log.select.time(pool.read_one(rng.id(100_000))).await,
            Workload::SingleInsert | Workload::WriteOnly => log.insert.time(pool.insert(n)).await,
        }
    }
    log
}

/// What one configuration did in one run of a case.
struct Run {
    tasks: Vec<TaskLog>,
    elapsed: Duration,
    final_counter: i64,
    stats: Option<Stats>,
    /// The largest the WAL file was, sampled every 10 ms.
    wal_max: u64,
}

async fn run_once(config: Config, case: &Case, args: &Args) -> Result<Run, Box<dyn Error>> {
    let dir = tempfile::tempdir()?;
    let pool = Pool::connect(config, &dir.path().join("bench.db"), case, args).await?;
    pool.create_counter().await?;
    pool.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, v TEXT, n INTEGER)")
        .await?;
    let rows = case.workload.prefill_rows();
    if rows > 0 {
        pool.prefill(rows).await?;
    }

    let wal = dir.path().join("bench.db-wal");
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = {
        let sampling = Arc::clone(&sampling);
        tokio::spawn(async move {
            let mut max = 0;
            while sampling.load(Ordering::Relaxed) {
                max = max.max(std::fs::metadata(&wal).map_or(0, |m| m.len()));
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            max
        })
    };
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(case.seconds);
    let handles: Vec<_> = (0..case.tasks)
        .map(|task| {
            tokio::spawn(worker(
                pool.clone(),
                case.workload,
                task as u64 + 1,
                deadline,
            ))
        })
        .collect();
    let mut tasks = Vec::with_capacity(handles.len());
    for handle in handles {
        tasks.push(handle.await?);
    }
    // To the last worker's return, not the deadline: an operation stuck in SQLite's busy
    // handler overruns it, and the rates should show that.
    let elapsed = started.elapsed();
    sampling.store(false, Ordering::Relaxed);
    let wal_max = sampler.await?;

    let final_counter = pool.counter().await?;
    let stats = pool.stats();
    pool.close().await;
    Ok(Run {
        tasks,
        elapsed,
        final_counter,
        stats,
        wal_max,
    })
}

/// How a figure is printed, aggregated over repetitions and compared.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Unit {
    PerSecond,
    Millis,
    Micros,
    Count,
    /// A dimensionless ratio such as min/max.
    Fraction,
    /// A size in MiB, printed without a ratio (the pools differ in checkpoint policy).
    Mebibytes,
    /// A correctness check: the worst repetition is reported, not the median, so that one
    /// bad run cannot hide.
    Check,
}

impl Unit {
    fn format(self, value: f64) -> String {
        if value.is_nan() {
            return "-".to_owned();
        }
        match self {
            Unit::PerSecond => format!("{value:.0}"),
            Unit::Millis => format!("{value:.2}"),
            Unit::Micros => format!("{value:.1}"),
            Unit::Fraction => format!("{value:.2}"),
            Unit::Mebibytes => format!("{value:.1}"),
            // A median of an even number of runs may end in .5.
            Unit::Count | Unit::Check if value.fract() != 0.0 => format!("{value:.1}"),
            Unit::Count | Unit::Check => format!("{value:.0}"),
        }
    }

    /// Rates and latencies compare as ratios; counts of errors do not (0 against 1,000).
    fn has_ratio(self) -> bool {
        matches!(self, Unit::PerSecond | Unit::Millis | Unit::Micros)
    }
}

struct Metric {
    label: String,
    unit: Unit,
    value: f64,
}

// Labels the summary looks up.
const W1_OPS: &str = "ops/s (RMW commits + inserts)";
const ERRORS: &str = "errors, total";
const W2_OPS: &str = "ops/s";
const W2_SELECT_P99: &str = "SELECT p99 ms";
const W3_QPS: &str = "queries/s";
const W5_RATE: &str = "inserts/s";
const W5_P99: &str = "latency p99 ms";

/// The figures one run yields, in a fixed order for its workload.
fn figures(case: &Case, run: &Run) -> Vec<Metric> {
    let mut all = TaskLog::default();
    for task in &run.tasks {
        all.merge(task);
    }
    let seconds = run.elapsed.as_secs_f64();
    let mut out = Vec::new();
    let mut push = |label: &str, unit, value| {
        out.push(Metric {
            label: label.to_owned(),
            unit,
            value,
        })
    };
    let rate = |count: u64| count as f64 / seconds;
    let micros_each = |count: u64| seconds * 1e6 / count as f64;

    match case.workload {
        Workload::Contention => {
            push(W1_OPS, Unit::PerSecond, rate(all.ok()));
            push("RMW commits/s", Unit::PerSecond, rate(all.rmw.ok));
            push_errors(&mut push, &all.errors());
            push_latencies(&mut push, "RMW", &all.rmw, &[50.0, 99.0, 100.0]);
            push_latencies(&mut push, "INSERT", &all.insert, &[50.0, 99.0, 100.0]);
            let lost = all.rmw.ok as i64 - run.final_counter;
            push("lost updates (worst run)", Unit::Check, lost as f64);
        }
        Workload::ReadHeavy => {
            push(W2_OPS, Unit::PerSecond, rate(all.ok()));
            push_latencies(&mut push, "SELECT", &all.select, &[50.0, 99.0]);
            push_latencies(&mut push, "INSERT", &all.insert, &[50.0, 99.0]);
            push_errors(&mut push, &all.errors());
        }
        Workload::PointSelect => {
            push(W3_QPS, Unit::PerSecond, rate(all.select.ok));
            push("µs per query", Unit::Micros, micros_each(all.select.ok));
            push_errors(&mut push, &all.errors());
        }
        Workload::SingleInsert => {
            push("inserts/s", Unit::PerSecond, rate(all.insert.ok));
            push("µs per insert", Unit::Micros, micros_each(all.insert.ok));
            push_errors(&mut push, &all.errors());
        }
        Workload::WriteOnly => {
            push(W5_RATE, Unit::PerSecond, rate(all.insert.ok));
            push_errors(&mut push, &all.errors());
            push_fairness(&mut push, &run.tasks, &all.insert);
        }
    }
    push(
        "WAL max MiB",
        Unit::Mebibytes,
        run.wal_max as f64 / 1048576.0,
    );
    out
}

fn push_errors(push: &mut impl FnMut(&str, Unit, f64), errors: &Errors) {
    push(ERRORS, Unit::Count, errors.total() as f64);
    push("  SQLITE_BUSY (5)", Unit::Count, errors.busy as f64);
    push(
        "  SQLITE_BUSY_SNAPSHOT (517)",
        Unit::Count,
        errors.busy_snapshot as f64,
    );
    push("  other", Unit::Count, errors.other as f64);
}

/// `percentiles` in 0..=100; 100 is printed as the maximum.
fn push_latencies(
    push: &mut impl FnMut(&str, Unit, f64),
    kind: &str,
    log: &Log,
    percentiles: &[f64],
) {
    let sorted = log.sorted_latencies();
    for &p in percentiles {
        let label = if p == 100.0 {
            format!("{kind} max ms")
        } else {
            format!("{kind} p{p} ms")
        };
        push(&label, Unit::Millis, percentile(&sorted, p) / 1000.0);
    }
}

/// Whether the queue shares the writer evenly: each task's count of successful inserts, and
/// how the worst wait compares with the typical one.
fn push_fairness(push: &mut impl FnMut(&str, Unit, f64), tasks: &[TaskLog], inserts: &Log) {
    let counts = tasks.iter().map(|t| t.insert.ok);
    let (min, max) = (counts.clone().min(), counts.max());
    let spread = match (min, max) {
        (Some(min), Some(max)) if max > 0 => min as f64 / max as f64,
        _ => f64::NAN,
    };
    push("per-task inserts min/max", Unit::Fraction, spread);
    let sorted = inserts.sorted_latencies();
    let mean = if sorted.is_empty() {
        f64::NAN
    } else {
        sorted.iter().sum::<u64>() as f64 / sorted.len() as f64
    };
    push("latency mean ms", Unit::Millis, mean / 1000.0);
    push(W5_P99, Unit::Millis, percentile(&sorted, 99.0) / 1000.0);
    push(
        "latency max ms",
        Unit::Millis,
        percentile(&sorted, 100.0) / 1000.0,
    );
}

/// Nearest-rank percentile of sorted microseconds; NaN when nothing was measured.
fn percentile(sorted: &[u64], p: f64) -> f64 {
    let Some(last) = sorted.len().checked_sub(1) else {
        return f64::NAN;
    };
    let index = (last as f64 * p / 100.0).round() as usize;
    sorted[index.min(last)] as f64
}

/// Median of the values that exist; NaN when none does.
fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut values: Vec<f64> = values.filter(|v| !v.is_nan()).collect();
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    }
}

/// A case's figures over all repetitions, reduced to one value per configuration.
struct CaseResult {
    workload: Workload,
    tasks: usize,
    synchronous: SqliteSynchronous,
    title: String,
    rows: Vec<(String, Unit)>,
    /// `values[config][row]`, configurations in `CONFIGS` order.
    values: [Vec<f64>; 3],
    other_errors: [Option<String>; 3],
    wall: Duration,
    /// The RwPool's stats after its last run.
    stats: Option<Stats>,
}

impl CaseResult {
    fn get(&self, label: &str) -> Option<[f64; 3]> {
        let row = self.rows.iter().position(|(l, _)| l == label)?;
        Some(self.values.each_ref().map(|v| v[row]))
    }
}

async fn run_case(case: &Case, args: &Args) -> Result<CaseResult, Box<dyn Error>> {
    let started = Instant::now();
    let mut runs: [Vec<Vec<Metric>>; 3] = Default::default();
    let mut other_errors: [Option<String>; 3] = Default::default();
    let mut stats = None;
    for _ in 0..args.reps {
        for (i, config) in CONFIGS.into_iter().enumerate() {
            let mut run = run_once(config, case, args).await?;
            runs[i].push(figures(case, &run));
            if other_errors[i].is_none() {
                other_errors[i] = run.tasks.iter().find_map(|t| t.errors().other_sample);
            }
            stats = run.stats.take().or(stats);
        }
    }
    let rows: Vec<(String, Unit)> = runs[0][0]
        .iter()
        .map(|m| (m.label.clone(), m.unit))
        .collect();
    let values = runs.each_ref().map(|reps| {
        (0..rows.len())
            .map(|row| {
                let values = reps.iter().map(|figures| figures[row].value);
                match rows[row].1 {
                    Unit::Check => values.fold(f64::NAN, |worst, v| {
                        if worst.is_nan() || v.abs() > worst.abs() {
                            v
                        } else {
                            worst
                        }
                    }),
                    _ => median(values),
                }
            })
            .collect()
    });
    Ok(CaseResult {
        workload: case.workload,
        tasks: case.tasks,
        synchronous: case.synchronous,
        title: case.title(),
        rows,
        values,
        other_errors,
        wall: started.elapsed(),
        stats,
    })
}

/// `rw / other` as "1.23x", or "-" when it means nothing.
fn ratio(unit: Unit, rw: f64, other: f64) -> String {
    if !unit.has_ratio() || rw.is_nan() || other.is_nan() || other == 0.0 {
        return "-".to_owned();
    }
    format!("{:.2}x", rw / other)
}

fn print_table(result: &CaseResult, reps: usize) {
    println!();
    println!(
        "{}  ({} runs, {:.1} s)",
        result.title,
        reps * CONFIGS.len(),
        result.wall.as_secs_f64()
    );
    let label_width = result
        .rows
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0);
    let mut header = format!("{:label_width$}", "");
    for name in CONFIGS
        .map(Config::name)
        .iter()
        .chain(&["rw/plain", "rw/split"])
    {
        header += &format!("  {name:>10}");
    }
    println!("{header}");
    println!("{}", "-".repeat(header.chars().count()));
    let [plain, split, rw] = &result.values;
    for (row, (label, unit)) in result.rows.iter().enumerate() {
        let cells = [
            unit.format(plain[row]),
            unit.format(split[row]),
            unit.format(rw[row]),
            ratio(*unit, rw[row], plain[row]),
            ratio(*unit, rw[row], split[row]),
        ];
        // `{:width$}` counts chars, so labels with "µ" line up too.
        let mut line = format!("{label:label_width$}");
        for cell in cells {
            line += &format!("  {cell:>10}");
        }
        println!("{line}");
    }
    for (config, sample) in CONFIGS.iter().zip(&result.other_errors) {
        if let Some(sample) = sample {
            println!("  {} \"other\" error, e.g.: {sample}", config.name());
        }
    }
}

fn print_summary(results: &[CaseResult]) {
    let find = |workload, label| {
        results
            .iter()
            .filter(|r| r.workload == workload)
            .find_map(|r| r.get(label))
    };
    let x = |a: f64, b: f64| ratio(Unit::PerSecond, a, b);
    println!();
    println!("Summary (rwpool ÷ other; medians over reps)");
    if let Some([plain, _, rw]) = find(Workload::PointSelect, W3_QPS) {
        println!("  W3 point SELECT queries/s     rw/plain {}", x(rw, plain));
    }
    if let Some([plain, split, rw]) = find(Workload::Contention, W1_OPS) {
        println!(
            "  W1 contention ops/s           rw/split {}   rw/plain {}",
            x(rw, split),
            x(rw, plain)
        );
    }
    if let Some([plain, split, rw]) = find(Workload::Contention, ERRORS) {
        let f = |v| Unit::Count.format(v);
        println!(
            "  W1 errors per run             plain {}   split {}   rwpool {}",
            f(plain),
            f(split),
            f(rw)
        );
    }
    for result in results.iter().filter(|r| r.workload == Workload::WriteOnly) {
        let mode = match result.synchronous {
            SqliteSynchronous::Full => "FULL",
            _ => "NORMAL",
        };
        if let (Some([plain, split, rw]), Some([plain_p99, _, rw_p99])) =
            (result.get(W5_RATE), result.get(W5_P99))
        {
            println!(
                "  W5 {:>3} tasks {mode:<6} inserts/s rw/plain {}   rw/split {}   p99 rwpool {} ms vs plain {} ms",
                result.tasks,
                x(rw, plain),
                x(rw, split),
                Unit::Millis.format(rw_p99),
                Unit::Millis.format(plain_p99),
            );
        }
    }
    if let Some([_, split, rw]) = find(Workload::ReadHeavy, W2_OPS) {
        println!("  W2 read-heavy ops/s           rw/split {}", x(rw, split));
    }
    if let Some([plain, _, rw]) = find(Workload::ReadHeavy, W2_SELECT_P99) {
        println!(
            "  W2 SELECT p99                 rwpool {} ms vs plain {} ms ({})",
            Unit::Millis.format(rw),
            Unit::Millis.format(plain),
            ratio(Unit::Millis, rw, plain)
        );
    }
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn print_header(args: &Args) {
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|k| format!(", {} {}", std::env::consts::OS, k.trim()))
        .unwrap_or_default();
    println!("sqlx-rw bench: {} cores{kernel}", cores());
    let mut extra = args.only.map_or(String::new(), |w| format!(" --only {w}"));
    if !args.ping {
        extra += " --no-ping";
    }
    if !args.group {
        extra += " --no-group";
    }
    println!(
        "flags: --seconds {} --reps {} --tasks {}{extra}  (W5 runs {} s each)",
        args.seconds,
        args.reps,
        args.tasks,
        args.seconds / 2.0
    );
    println!("configurations (each run on a fresh temp database file):");
    for config in CONFIGS {
        println!("  {:<7}{}", config.name(), config.describe());
    }
    println!("  all:   WAL, synchronous=NORMAL (W5 also FULL), busy_timeout 5 s, foreign_keys ON");
    if !args.group {
        println!("  note:  --no-group: rwpool runs every write alone, without group commit");
    }
    if args.ping {
        println!(
            "  note:  plain and split keep sqlx's test_before_acquire(true), a ping (one worker \
             round trip) per acquire; rwpool's pools skip it. --no-ping removes the difference"
        );
    } else {
        println!("  note:  --no-ping: plain and split skip the ping on acquire, as rwpool does");
    }
    println!(
        "order: per workload, plain, split, rwpool alternate {} times; figures are medians",
        args.reps
    );
    println!(
        "latencies are of successful operations (failures are in the error rows); ratios are \
         rwpool ÷ other: above 1 is better for rates, worse for latencies"
    );
}

#[tokio::main]
async fn main() -> Result<ExitCode, Box<dyn Error>> {
    let args = match parse_args() {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return Ok(ExitCode::SUCCESS);
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return Ok(ExitCode::from(2));
        }
    };
    print_header(&args);

    let started = Instant::now();
    let mut results = Vec::new();
    for case in cases(&args) {
        let result = run_case(&case, &args).await?;
        print_table(&result, args.reps);
        if let (true, Some(stats)) = (args.stats, &result.stats) {
            println!("  rwpool stats (last run):");
            for line in stats.to_string().lines() {
                println!("    {line}");
            }
        }
        results.push(result);
    }
    print_summary(&results);
    if let Some(dir) = &args.charts {
        charts::draw(dir, &results)?;
        println!("charts written to {}", dir.display());
    }
    println!();
    println!("total {:.1} s", started.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}
