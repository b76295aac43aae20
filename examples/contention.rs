//! Contention demo: a plain `SqlitePool` against `RwPool` under the same concurrent workload.
//!
//! Teams moving sqlx code to SQLite usually start with a `SqlitePool` of many connections,
//! and under concurrency they meet `database is locked`. A deferred `BEGIN` that has already
//! read holds a snapshot; when it then tries to write while another connection holds the write
//! lock, SQLite cannot let it wait (waiting could deadlock, and its snapshot may be stale by
//! the time the lock frees), so it fails at once with `SQLITE_BUSY` (5) or
//! `SQLITE_BUSY_SNAPSHOT` (517), whatever the busy timeout says.
//!
//! Each configuration gets a fresh database file and `--workers` tokio tasks that loop for
//! `--seconds`, cycling through a read-modify-write transaction on a counter, an insert and two
//! reads. Afterwards the demo checks the counter against the increments that were acknowledged
//! as committed and the number of rows against the acknowledged inserts, then prints both
//! configurations side by side, followed by the `RwPool`'s own stats.
//!
//! Run it with:
//!
//! ```text
//! cargo run --release --example contention
//! cargo run --release --example contention -- --workers 16 --seconds 5
//! ```
//!
//! It doubles as a smoke check: it exits with code 1 if the `RwPool` run saw any error, lost an
//! update or lost a row. Errors from the plain pool are the point of the demo and are expected.
//!
//! The schema and the operations themselves live in `examples/shared/workloads.rs`, which
//! `tests/contention.rs` and the `compare` benchmark (`cargo bench --bench compare`) run too:
//! this file only drives them and reports.

#[path = "shared/workloads.rs"]
mod workloads;

use std::collections::{BTreeMap, BTreeSet};
use std::error::Error;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};
use sqlx_rw::{RwPoolOptions, SqliteRwPool, Stats};

const USAGE: &str = "\
usage: cargo run --release --example contention -- [--workers N] [--seconds S]

  --workers N   concurrent tokio tasks per configuration (default 8)
  --seconds S   how long each configuration runs, fractions allowed (default 3)
  --help        print this help";

struct Args {
    workers: usize,
    seconds: f64,
}

/// `Ok(None)` means `--help` was asked for.
fn parse_args() -> Result<Option<Args>, String> {
    let mut args = Args {
        workers: 8,
        seconds: 3.0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--help" | "-h" => return Ok(None),
            "--workers" => {
                let value = it.next().ok_or("--workers needs a value")?;
                args.workers = value.parse().ok().filter(|&n| n > 0).ok_or(format!(
                    "--workers: expected a positive integer, got {value:?}"
                ))?;
            }
            "--seconds" => {
                let value = it.next().ok_or("--seconds needs a value")?;
                args.seconds = value
                    .parse()
                    .ok()
                    .filter(|s: &f64| s.is_finite() && *s > 0.0)
                    .ok_or(format!(
                        "--seconds: expected a positive number, got {value:?}"
                    ))?;
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Some(args))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Config {
    Plain,
    Rw,
}

impl Config {
    fn name(self) -> &'static str {
        match self {
            Config::Plain => "plain SqlitePool (max 100)",
            Config::Rw => "RwPool",
        }
    }
}

/// The two pools behind one type, so the workload is written once.
#[derive(Clone)]
enum Pool {
    Plain(SqlitePool),
    Rw(SqliteRwPool),
}

/// Runs `$body` with `$p` bound to whichever pool `$pool` holds. Both `&SqlitePool` and
/// `&SqliteRwPool` are sqlx executors, but of different types, so a plain method returning
/// "the executor" cannot exist.
macro_rules! with_pool {
    ($pool:expr, $p:ident => $body:expr) => {
        match $pool {
            Pool::Plain($p) => $body,
            Pool::Rw($p) => $body,
        }
    };
}

impl Pool {
    /// The same call on both pools, with different meanings: `SqlitePool` sends a deferred
    /// `BEGIN`, which takes no lock until the first write; `RwPool` queues for its single
    /// writer and sends `BEGIN IMMEDIATE`.
    async fn begin(&self) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        with_pool!(self, p => p.begin().await)
    }

    /// The `counter` table with its one row, and the `events` table.
    async fn create_schema(&self) -> Result<(), sqlx::Error> {
        with_pool!(self, p => {
            workloads::create_counter(p).await?;
            workloads::create_events(p).await
        })
    }

    /// Read the counter, then write it back plus one: the classic lost-update shape, safe only
    /// if the transaction really is serialised against other writers.
    async fn read_modify_write(&self) -> Result<(), sqlx::Error> {
        workloads::read_modify_write(self.begin().await?).await
    }

    async fn insert_event(&self, worker: i64) -> Result<(), sqlx::Error> {
        with_pool!(self, p => workloads::insert_event(p, worker).await)
    }

    async fn count_events(&self, worker: i64) -> Result<i64, sqlx::Error> {
        with_pool!(self, p => workloads::count_events(p, worker).await)
    }

    async fn counter(&self) -> Result<i64, sqlx::Error> {
        with_pool!(self, p => workloads::read_counter(p).await)
    }

    async fn event_rows(&self) -> Result<i64, sqlx::Error> {
        with_pool!(self, p => workloads::count_all_events(p).await)
    }

    async fn close(&self) {
        with_pool!(self, p => p.close().await)
    }
}

#[derive(Clone, Copy)]
enum Op {
    Rmw,
    Insert,
    Read,
}

/// One worker's cycle: mostly contention on the write lock, with reads mixed in as a real
/// application would have them.
const CYCLE: [Op; 4] = [Op::Rmw, Op::Insert, Op::Read, Op::Read];

/// Outcomes of one kind of operation.
#[derive(Default)]
struct Tally {
    ok: u64,
    /// Error label -> (count, first message seen).
    errors: BTreeMap<String, (u64, String)>,
    /// Every attempt's latency, successful or not, in microseconds.
    latencies_us: Vec<u64>,
}

impl Tally {
    fn record(&mut self, started: Instant, result: Result<(), sqlx::Error>) {
        self.latencies_us.push(started.elapsed().as_micros() as u64);
        match result {
            Ok(()) => self.ok += 1,
            Err(err) => {
                let entry = self
                    .errors
                    .entry(error_label(&err))
                    .or_insert_with(|| (0, err.to_string()));
                entry.0 += 1;
            }
        }
    }

    fn failed(&self) -> u64 {
        self.errors.values().map(|(count, _)| count).sum()
    }

    fn attempts(&self) -> u64 {
        self.ok + self.failed()
    }

    fn merge(&mut self, other: Tally) {
        self.ok += other.ok;
        for (label, (count, message)) in other.errors {
            self.errors.entry(label).or_insert((0, message)).0 += count;
        }
        self.latencies_us.extend(other.latencies_us);
    }

    /// `p` in 0..=100, in milliseconds; `None` when nothing was measured.
    fn percentile_ms(&self, p: usize) -> Option<f64> {
        let mut sorted = self.latencies_us.clone();
        sorted.sort_unstable();
        let last = sorted.len().checked_sub(1)?;
        Some(sorted[last * p / 100] as f64 / 1000.0)
    }
}

#[derive(Default)]
struct Report {
    rmw: Tally,
    insert: Tally,
    read: Tally,
}

impl Report {
    fn tally(&mut self, op: Op) -> &mut Tally {
        match op {
            Op::Rmw => &mut self.rmw,
            Op::Insert => &mut self.insert,
            Op::Read => &mut self.read,
        }
    }

    fn merge(&mut self, other: Report) {
        self.rmw.merge(other.rmw);
        self.insert.merge(other.insert);
        self.read.merge(other.read);
    }

    /// Every error label with its total count and a sample message, across operation kinds.
    fn errors(&self) -> BTreeMap<&str, (u64, &str)> {
        let mut all = BTreeMap::new();
        for tally in [&self.rmw, &self.insert, &self.read] {
            for (label, (count, message)) in &tally.errors {
                all.entry(label.as_str()).or_insert((0, message.as_str())).0 += count;
            }
        }
        all
    }
}

/// A stable name for an error: SQLite's extended result code when there is one (the message
/// alone, `database is locked`, does not tell BUSY from BUSY_SNAPSHOT), else the variant name.
fn error_label(err: &sqlx::Error) -> String {
    if let sqlx::Error::Database(db) = err {
        return match db.code().as_deref() {
            Some("5") => "SQLITE_BUSY (5)".to_owned(),
            Some("6") => "SQLITE_LOCKED (6)".to_owned(),
            Some("261") => "SQLITE_BUSY_RECOVERY (261)".to_owned(),
            Some("262") => "SQLITE_LOCKED_SHAREDCACHE (262)".to_owned(),
            Some("517") => "SQLITE_BUSY_SNAPSHOT (517)".to_owned(),
            Some("773") => "SQLITE_BUSY_TIMEOUT (773)".to_owned(),
            Some(code) => format!("database error {code}"),
            None => "database error (no code)".to_owned(),
        };
    }
    // `sqlx::Error` is non-exhaustive; its Debug output starts with the variant name.
    let debug = format!("{err:?}");
    debug
        .split(['(', '{', ' '])
        .next()
        .unwrap_or(&debug)
        .to_owned()
}

async fn worker(pool: Pool, id: i64, deadline: Instant) -> Report {
    let mut report = Report::default();
    for op in CYCLE.into_iter().cycle() {
        if Instant::now() >= deadline {
            break;
        }
        let started = Instant::now();
        // Errors are recorded, never propagated: a real service would retry or answer 503
        // and carry on, and so does the worker.
        let result = match op {
            Op::Rmw => pool.read_modify_write().await,
            Op::Insert => pool.insert_event(id).await,
            Op::Read => pool.count_events(id).await.map(drop),
        };
        report.tally(op).record(started, result);
    }
    report
}

struct Outcome {
    report: Report,
    elapsed: Duration,
    final_counter: i64,
    event_rows: i64,
    stats: Option<Stats>,
}

impl Outcome {
    fn lost_updates(&self) -> i64 {
        self.report.rmw.ok as i64 - self.final_counter
    }

    fn lost_rows(&self) -> i64 {
        self.report.insert.ok as i64 - self.event_rows
    }

    fn per_second(&self, count: u64) -> f64 {
        count as f64 / self.elapsed.as_secs_f64()
    }
}

async fn connect(config: Config, path: &std::path::Path) -> Result<Pool, sqlx::Error> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(Duration::from_secs(5))
        .synchronous(SqliteSynchronous::Normal);
    Ok(match config {
        // The usual first attempt: the same settings as RwPool (WAL, NORMAL, 5 s busy
        // timeout), just many interchangeable connections.
        Config::Plain => Pool::Plain(
            SqlitePoolOptions::new()
                .max_connections(100)
                .connect_with(options)
                .await?,
        ),
        Config::Rw => Pool::Rw(RwPoolOptions::<Sqlite>::new().connect_with(options).await?),
    })
}

async fn run(config: Config, args: &Args) -> Result<Outcome, Box<dyn Error>> {
    let dir = tempfile::tempdir()?;
    let pool = connect(config, &dir.path().join("contention.db")).await?;
    pool.create_schema().await?;

    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(args.seconds);
    let tasks: Vec<_> = (0..args.workers)
        .map(|id| tokio::spawn(worker(pool.clone(), id as i64, deadline)))
        .collect();
    let mut report = Report::default();
    for task in tasks {
        report.merge(task.await?);
    }
    // Measured to the last worker's return, not the deadline: an operation stuck in SQLite's
    // busy handler overruns it, and the rates should show that.
    let elapsed = started.elapsed();

    let final_counter = pool.counter().await?;
    let event_rows = pool.event_rows().await?;
    let stats = match &pool {
        Pool::Plain(_) => None,
        Pool::Rw(rw) => Some(rw.stats()),
    };
    pool.close().await;
    Ok(Outcome {
        report,
        elapsed,
        final_counter,
        event_rows,
        stats,
    })
}

fn ms_pair(tally: &Tally) -> String {
    match (tally.percentile_ms(50), tally.percentile_ms(99)) {
        (Some(p50), Some(p99)) => format!("{p50:.2} / {p99:.2}"),
        _ => "-".to_owned(),
    }
}

fn print_table(outcomes: &[(Config, Outcome)]) {
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    let mut row = |label: &str, cell: &dyn Fn(&Outcome) -> String| {
        let cells = outcomes.iter().map(|(_, o)| cell(o)).collect();
        rows.push((label.to_owned(), cells));
    };

    row("ops/s (successful)", &|o| {
        let ok = o.report.rmw.ok + o.report.insert.ok + o.report.read.ok;
        format!("{:.0}", o.per_second(ok))
    });
    row("RMW commits/s", &|o| {
        format!("{:.0}", o.per_second(o.report.rmw.ok))
    });
    row("RMW attempts", &|o| o.report.rmw.attempts().to_string());
    row("RMW failure %", &|o| {
        let rmw = &o.report.rmw;
        let pct = 100.0 * rmw.failed() as f64 / rmw.attempts().max(1) as f64;
        format!("{pct:.1}")
    });
    row("inserts ok", &|o| o.report.insert.ok.to_string());
    row("reads ok", &|o| o.report.read.ok.to_string());
    row("errors (all ops)", &|o| {
        o.report
            .errors()
            .values()
            .map(|(n, _)| n)
            .sum::<u64>()
            .to_string()
    });
    let labels: BTreeSet<String> = outcomes
        .iter()
        .flat_map(|(_, o)| o.report.errors().into_keys().map(str::to_owned))
        .collect();
    for label in &labels {
        row(&format!("  {label}"), &|o| {
            let count = o.report.errors().get(label.as_str()).map_or(0, |(n, _)| *n);
            count.to_string()
        });
    }
    row("RMW p50 / p99 (ms)", &|o| ms_pair(&o.report.rmw));
    row("insert p50 / p99 (ms)", &|o| ms_pair(&o.report.insert));
    row("read p50 / p99 (ms)", &|o| ms_pair(&o.report.read));
    row("counter / commits", &|o| {
        format!("{} / {}", o.final_counter, o.report.rmw.ok)
    });
    row("lost updates", &|o| o.lost_updates().to_string());
    row("events rows / inserts ok", &|o| {
        format!("{} / {}", o.event_rows, o.report.insert.ok)
    });

    let label_width = rows.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    let widths: Vec<usize> = outcomes
        .iter()
        .enumerate()
        .map(|(i, (config, _))| {
            rows.iter()
                .map(|(_, cells)| cells[i].len())
                .chain([config.name().len()])
                .max()
                .unwrap_or(0)
        })
        .collect();

    let mut header = format!("{:label_width$}", "");
    for ((config, _), width) in outcomes.iter().zip(&widths) {
        header += &format!("   {:>width$}", config.name());
    }
    println!("{header}");
    println!("{}", "-".repeat(header.len()));
    for (label, cells) in &rows {
        let mut line = format!("{label:label_width$}");
        for (cell, width) in cells.iter().zip(&widths) {
            line += &format!("   {cell:>width$}");
        }
        println!("{line}");
    }
}

fn print_error_messages(outcomes: &[(Config, Outcome)]) {
    let mut seen = BTreeMap::new();
    for (_, outcome) in outcomes {
        for (label, (_, message)) in outcome.report.errors() {
            seen.entry(label.to_owned()).or_insert(message.to_owned());
        }
    }
    if seen.is_empty() {
        return;
    }
    println!();
    println!("Error messages seen");
    for (label, message) in seen {
        println!("  {label}: {message}");
    }
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

    println!(
        "{} workers, {} s per configuration; each worker cycles: \
         read-modify-write transaction, insert, read, read",
        args.workers, args.seconds
    );
    let mut outcomes = Vec::new();
    for config in [Config::Plain, Config::Rw] {
        println!("running {} ...", config.name());
        outcomes.push((config, run(config, &args).await?));
    }
    println!();
    print_table(&outcomes);
    print_error_messages(&outcomes);

    let (_, rw) = outcomes
        .iter()
        .find(|(config, _)| *config == Config::Rw)
        .expect("RwPool always runs");
    if let Some(stats) = &rw.stats {
        println!();
        println!("RwPool stats");
        print!("{stats}");
    }

    let rw_errors: u64 = rw.report.errors().values().map(|(n, _)| n).sum();
    if rw_errors > 0 || rw.lost_updates() != 0 || rw.lost_rows() != 0 {
        println!();
        println!(
            "FAIL: RwPool had {rw_errors} errors, {} lost updates and {} lost rows; expected none",
            rw.lost_updates(),
            rw.lost_rows()
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
