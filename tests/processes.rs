//! Other processes on the same file: two processes, each with its own `RwPool` and 8 writer
//! tasks, and a third doing what an operator with `sqlite3` would (long reads, checkpoints, a
//! VACUUM), all at once on one database.
//!
//! The pool serialises writers inside a process; across processes only SQLite's locks and
//! `busy_timeout` stand between writers. At moderate load busy_timeout covers every wait, so no
//! caller sees an error: the test asserts zero errors in every process, and that nothing was
//! lost or counted twice (each process's counter equals the commits it reported, the item rows
//! equal the inserts it reported) in a file that passes `PRAGMA integrity_check`. When an
//! error does happen, its kind and message are printed and named in the failure.
//!
//! The children are this test binary run again (`child_pool_writer`, `child_maintenance`),
//! selected by environment variables. The CI run puts 2 s of load on the file; the full run
//! puts 20 s:
//!
//! ```text
//! SQLX_RW_TORTURE=10 cargo test --test processes -- --nocapture
//! ```

mod common;

use common::child::{exit_after, say, torture_scale};

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, Row, SqliteConnection};
use sqlx_rw::{SqliteRwPool, SqliteRwPoolOptions};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

/// Set to the process number (0, 1) to run `child_pool_writer`.
const ENV_WRITER: &str = "SQLX_RW_PROCESSES_WRITER";
/// Set (to anything) to run `child_maintenance`.
const ENV_MAINTENANCE: &str = "SQLX_RW_PROCESSES_MAINTENANCE";
const ENV_DB: &str = "SQLX_RW_PROCESSES_DB";
const ENV_MILLIS: &str = "SQLX_RW_PROCESSES_MILLIS";

const WRITER_PROCESSES: i64 = 2;
const TASKS_PER_WRITER: u64 = 8;
/// Load per `SQLX_RW_TORTURE` unit.
const LOAD_MILLIS: u64 = 2_000;
/// SQLite's own wait for another process's lock, in every process (the pool's default too).
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// How long the maintenance process holds one read transaction open.
const LONG_READ: Duration = Duration::from_millis(100);
/// Every child exits by itself this long after its load should have ended, whatever happens to
/// the parent; the parent gives up waiting a little later.
const CHILD_SLACK: Duration = Duration::from_secs(60);
const READY_TIMEOUT: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_pools_and_a_maintenance_process_share_a_file_without_errors() {
    let load = Duration::from_millis(LOAD_MILLIS * torture_scale());
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("shared.db");
    create_schema(&db).await;

    let mut children = Vec::new();
    for process in 0..WRITER_PROCESSES {
        children.push(Peer::spawn(
            &format!("writer {process}"),
            "child_pool_writer",
            (ENV_WRITER, &process.to_string()),
            &db,
            load,
        ));
    }
    children.push(Peer::spawn(
        "maintenance",
        "child_maintenance",
        (ENV_MAINTENANCE, "1"),
        &db,
        load,
    ));
    // Start the load only when every process has opened the file, so the three overlap fully.
    for child in &mut children {
        child.wait_ready().await;
    }
    for child in &mut children {
        child.go().await;
    }
    let mut reports = Vec::new();
    for child in children {
        reports.push(child.finish(load + CHILD_SLACK + READY_TIMEOUT).await);
    }

    let (writers, maintenance) = reports.split_at(WRITER_PROCESSES as usize);
    print_summary(writers, &maintenance[0]);
    verify_file(&db, writers).await;
    assert_no_errors(writers, &maintenance[0]);
}

/// Entry point for the parent test above, not a test of its own: with
/// `SQLX_RW_PROCESSES_WRITER` unset (a normal `cargo test`) it returns at once. With it set,
/// it opens an `RwPool` on the shared file and runs 8 writer tasks for the load duration, then
/// prints `done …` and one `error …` line per failed operation.
#[test]
fn child_pool_writer() {
    let Ok(process) = std::env::var(ENV_WRITER) else {
        return;
    };
    let process: i64 = process.parse().expect("process number");
    let (db, load) = child_params();
    exit_after(load + CHILD_SLACK);
    let runtime = child_runtime();
    let pool = runtime.block_on(open_pool(&db));
    wait_for_go();
    let tally = runtime.block_on(run_writers(&pool, process, load));
    runtime.block_on(pool.close());
    say(&tally.report("done"));
}

/// Entry point for the parent test above, not a test of its own: with
/// `SQLX_RW_PROCESSES_MAINTENANCE` unset it returns at once. With it set, it does sqlite3-style
/// maintenance on plain connections (not the pool) for the load duration, then prints
/// `maint …` and one `error …` line per failed operation.
#[test]
fn child_maintenance() {
    if std::env::var_os(ENV_MAINTENANCE).is_none() {
        return;
    }
    let (db, load) = child_params();
    exit_after(load + CHILD_SLACK);
    let runtime = child_runtime();
    let (mut reader, mut admin) = runtime.block_on(async {
        (
            plain_connection(&db).await.expect("maintenance: connect"),
            plain_connection(&db).await.expect("maintenance: connect"),
        )
    });
    wait_for_go();
    let tally = runtime.block_on(run_maintenance(&mut reader, &mut admin, load));
    say(&tally.report("maint"));
}

// ---------------------------------------------------------------------------------------------
// Parent side

/// Schema and one counter row per writer process, through a short-lived pool (it also turns
/// the file to WAL, which every later connection finds already set).
async fn create_schema(db: &Path) {
    let pool = open_pool(db).await;
    sqlx::raw_sql(
        "CREATE TABLE items (id INTEGER PRIMARY KEY, process INTEGER NOT NULL,
                             payload TEXT NOT NULL);
         CREATE TABLE counters (process INTEGER PRIMARY KEY, n INTEGER NOT NULL);",
    )
    .execute(&pool)
    .await
    .expect("create schema");
    for process in 0..WRITER_PROCESSES {
        sqlx::query("INSERT INTO counters (process, n) VALUES (?, 0)")
            .bind(process)
            .execute(&pool)
            .await
            .expect("counter row");
    }
    pool.close().await;
}

/// A child process and the two ends of its protocol: `ready` on its stdout, `go` on its stdin,
/// then its report on stdout when it exits.
struct Peer {
    name: String,
    child: Child,
    stdin: ChildStdin,
    stdout: Lines<BufReader<ChildStdout>>,
}

impl Peer {
    fn spawn(name: &str, test: &str, role: (&str, &str), db: &Path, load: Duration) -> Peer {
        let mut child = Command::new(std::env::current_exe().expect("test binary"))
            .args(["--exact", test, "--nocapture", "--test-threads=1"])
            .env(role.0, role.1)
            .env(ENV_DB, db)
            .env(ENV_MILLIS, load.as_millis().to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            // A failing assertion in the parent drops the child, which kills it.
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {name}: {e}"));
        Peer {
            name: name.to_owned(),
            stdin: child.stdin.take().expect("piped stdin"),
            stdout: BufReader::new(child.stdout.take().expect("piped stdout")).lines(),
            child,
        }
    }

    async fn wait_ready(&mut self) {
        let wait = async {
            while let Some(line) = self.stdout.next_line().await.expect("read child") {
                if line.ends_with("ready") {
                    return true;
                }
            }
            false
        };
        let ready = tokio::time::timeout(READY_TIMEOUT, wait)
            .await
            .unwrap_or_else(|_| panic!("{} not ready in {READY_TIMEOUT:?}", self.name));
        assert!(ready, "{} exited before it was ready", self.name);
    }

    async fn go(&mut self) {
        self.stdin.write_all(b"go\n").await.expect("send go");
        self.stdin.flush().await.expect("flush go");
    }

    /// Wait for the child to exit and parse its report.
    async fn finish(mut self, limit: Duration) -> Report {
        let name = self.name.clone();
        let collect = async {
            let mut lines = Vec::new();
            while let Some(line) = self.stdout.next_line().await.expect("read child") {
                lines.push(line);
            }
            let status = self.child.wait().await.expect("reap child");
            (lines, status)
        };
        let (lines, status) = tokio::time::timeout(limit, collect)
            .await
            .unwrap_or_else(|_| panic!("{name} still running after {limit:?}"));
        assert!(status.success(), "{name} failed ({status}): {lines:#?}");
        Report::parse(name, &lines)
    }
}

/// What a child reported: its counters (`key=value` pairs) and its errors.
struct Report {
    name: String,
    counts: BTreeMap<String, u64>,
    errors: Vec<String>,
}

impl Report {
    fn parse(name: String, lines: &[String]) -> Report {
        let mut counts = BTreeMap::new();
        let mut errors = Vec::new();
        for line in lines {
            if let Some(error) = line.strip_prefix("error ") {
                errors.push(error.to_owned());
            } else if line.starts_with("done ") || line.starts_with("maint ") {
                for pair in line.split_whitespace().skip(1) {
                    let (key, value) = pair.split_once('=').expect("key=value");
                    counts.insert(key.to_owned(), value.parse().expect("a count"));
                }
            }
        }
        assert!(!counts.is_empty(), "{name} printed no report: {lines:#?}");
        Report {
            name,
            counts,
            errors,
        }
    }

    fn count(&self, key: &str) -> u64 {
        *self
            .counts
            .get(key)
            .unwrap_or_else(|| panic!("{} did not report {key}", self.name))
    }

    /// Errors grouped by kind (the first word of each `error` line).
    fn errors_by_kind(&self) -> BTreeMap<&str, usize> {
        let mut kinds = BTreeMap::new();
        for error in &self.errors {
            let kind = error.split_whitespace().next().unwrap_or("?");
            *kinds.entry(kind).or_default() += 1;
        }
        kinds
    }
}

fn print_summary(writers: &[Report], maintenance: &Report) {
    for report in writers.iter().chain([maintenance]) {
        println!(
            "processes[{}]: {:?} errors by kind {:?}",
            report.name,
            report.counts,
            report.errors_by_kind()
        );
        for error in &report.errors {
            println!("processes[{}]: error {error}", report.name);
        }
    }
}

/// The file is intact and holds exactly what the writers said they committed.
async fn verify_file(db: &Path, writers: &[Report]) {
    let mut conn = plain_connection(db).await.expect("open for checks");
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .expect("integrity_check");
    assert_eq!(integrity, "ok", "integrity_check after the run");
    for (process, report) in writers.iter().enumerate() {
        let row = sqlx::query(
            "SELECT (SELECT n FROM counters WHERE process = ?1) AS n,
                    (SELECT COUNT(*) FROM items WHERE process = ?1) AS items",
        )
        .bind(process as i64)
        .fetch_one(&mut conn)
        .await
        .expect("read results");
        assert_eq!(
            row.get::<i64, _>("n") as u64,
            report.count("commits"),
            "{}: counter == read-modify-write commits reported",
            report.name
        );
        assert_eq!(
            row.get::<i64, _>("items") as u64,
            report.count("inserts"),
            "{}: item rows == inserts reported",
            report.name
        );
    }
    conn.close().await.expect("close check connection");
}

fn assert_no_errors(writers: &[Report], maintenance: &Report) {
    let writer_errors: Vec<String> = writers
        .iter()
        .flat_map(|r| r.errors.iter().map(move |e| format!("{}: {e}", r.name)))
        .collect();
    assert!(
        writer_errors.is_empty(),
        "{} writer operations failed (the goal at moderate load is 0):\n{}",
        writer_errors.len(),
        writer_errors.join("\n")
    );
    assert!(
        maintenance.errors.is_empty(),
        "maintenance operations failed:\n{}",
        maintenance.errors.join("\n")
    );
    assert_eq!(maintenance.count("vacuums"), 1, "the VACUUM ran mid-load");
}

// ---------------------------------------------------------------------------------------------
// Writer child

/// What one process (or one of its tasks) did.
#[derive(Default)]
struct Tally {
    counts: BTreeMap<&'static str, u64>,
    errors: Vec<String>,
    /// The slowest operation: how long another process's lock held a caller up.
    slowest: Duration,
}

impl Tally {
    fn bump(&mut self, key: &'static str) {
        *self.counts.entry(key).or_default() += 1;
    }

    /// Count `op` as done, and `ok_key` or an error by its outcome.
    fn record<T>(&mut self, op: &str, ok_key: &'static str, result: sqlx::Result<T>) {
        self.bump("ops");
        match result {
            Ok(_) => self.bump(ok_key),
            Err(e) => self.errors.push(describe(op, &e)),
        }
    }

    fn merge(&mut self, other: Tally) {
        for (key, n) in other.counts {
            *self.counts.entry(key).or_default() += n;
        }
        self.errors.extend(other.errors);
        self.slowest = self.slowest.max(other.slowest);
    }

    /// Run `op`, remembering how long it took.
    async fn timed<T>(&mut self, op: impl std::future::Future<Output = T>) -> T {
        let started = Instant::now();
        let out = op.await;
        self.slowest = self.slowest.max(started.elapsed());
        out
    }

    /// `<tag> key=n … errors=e` followed by one `error …` line per error.
    fn report(&self, tag: &str) -> String {
        let mut out = format!("\n{tag}");
        for (key, n) in &self.counts {
            out += &format!(" {key}={n}");
        }
        out += &format!(
            " slowest_ms={} errors={}\n",
            self.slowest.as_millis(),
            self.errors.len()
        );
        for error in &self.errors {
            out += &format!("error {error}\n");
        }
        out
    }
}

async fn run_writers(pool: &SqliteRwPool, process: i64, load: Duration) -> Tally {
    let deadline = Instant::now() + load;
    let tasks: Vec<_> = (0..TASKS_PER_WRITER)
        .map(|task| {
            let pool = pool.clone();
            let seed = process as u64 * 100 + task + 1;
            tokio::spawn(async move { writer_task(pool, process, seed, deadline).await })
        })
        .collect();
    // Every key appears in the report, even at zero.
    let mut tally = Tally::default();
    for key in ["ops", "inserts", "commits", "reads"] {
        tally.counts.insert(key, 0);
    }
    for task in tasks {
        tally.merge(task.await.expect("writer task"));
    }
    tally
}

/// Until the deadline: half autocommit inserts, a third read-modify-write transactions, the
/// rest reads on the pool's readers, with 1–3 ms pauses (moderate load).
async fn writer_task(pool: SqliteRwPool, process: i64, seed: u64, deadline: Instant) -> Tally {
    let mut rng = common::Rng::new(seed);
    let mut tally = Tally::default();
    let payload = "p".repeat(100 + rng.below(200) as usize);
    while Instant::now() < deadline {
        match rng.below(6) {
            0..=2 => {
                let result = tally.timed(insert(&pool, process, &payload)).await;
                tally.record("insert", "inserts", result);
            }
            3 | 4 => {
                let result = tally.timed(increment(&pool, process)).await;
                tally.record("transaction", "commits", result);
            }
            _ => {
                let result = tally.timed(read_counter(&pool, process)).await;
                tally.record("read", "reads", result);
            }
        }
        tokio::time::sleep(Duration::from_millis(1 + rng.below(3))).await;
    }
    tally
}

async fn insert(pool: &SqliteRwPool, process: i64, payload: &str) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO items (process, payload) VALUES (?, ?)")
        .bind(process)
        .bind(payload)
        .execute(pool)
        .await
        .map(drop)
}

/// Read the counter and increment it in one transaction; the final counter must equal the
/// number of successful commits.
async fn increment(pool: &SqliteRwPool, process: i64) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    let _: i64 = sqlx::query_scalar("SELECT n FROM counters WHERE process = ?")
        .bind(process)
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query("UPDATE counters SET n = n + 1 WHERE process = ?")
        .bind(process)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

async fn read_counter(pool: &SqliteRwPool, process: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT n FROM counters WHERE process = ?")
        .bind(process)
        .fetch_one(pool)
        .await
}

// ---------------------------------------------------------------------------------------------
// Maintenance child

/// Until the deadline: a long read, and meanwhile on a second connection a checkpoint (every
/// fourth a TRUNCATE, which must wait for readers and blocks writers while it does) or, once,
/// half-way, a VACUUM.
async fn run_maintenance(
    reader: &mut SqliteConnection,
    admin: &mut SqliteConnection,
    load: Duration,
) -> Tally {
    let started = Instant::now();
    let mut tally = Tally::default();
    for key in ["ops", "ok", "vacuums", "truncates", "checkpoints_blocked"] {
        tally.counts.insert(key, 0);
    }
    let mut round = 0u64;
    while started.elapsed() < load {
        let vacuum_now = tally.counts["vacuums"] == 0 && started.elapsed() >= load / 2;
        // The admin connection works while the long read is open, as in a second sqlite3
        // shell: a TRUNCATE checkpoint then holds the write lock while it waits for that
        // reader, and the other processes' writers wait behind it in their busy handlers.
        let (read, (admin_work, took)) = tokio::join!(long_read(reader), async {
            tokio::time::sleep(LONG_READ / 10).await;
            let started = Instant::now();
            let work = if vacuum_now {
                AdminWork::Vacuum(vacuum(admin).await)
            } else {
                let mode = if round % 4 == 3 {
                    "TRUNCATE"
                } else {
                    "PASSIVE"
                };
                AdminWork::Checkpoint(mode, checkpoint(admin, mode).await)
            };
            (work, started.elapsed())
        });
        tally.slowest = tally.slowest.max(took);
        tally.record("long-read", "ok", read);
        match admin_work {
            AdminWork::Checkpoint(mode, result) => {
                if mode == "TRUNCATE" && result.is_ok() {
                    tally.bump("truncates");
                }
                if let Ok(true) = result {
                    // Readers still in the WAL: SQLite says so in the result row, not as an
                    // error.
                    tally.bump("checkpoints_blocked");
                }
                tally.record("checkpoint", "ok", result);
            }
            AdminWork::Vacuum(result) => {
                if result.is_ok() {
                    tally.bump("vacuums");
                }
                tally.record("vacuum", "ok", result);
            }
        }
        round += 1;
    }
    tally
}

enum AdminWork {
    /// The mode, and `true` if the checkpoint could not finish.
    Checkpoint(&'static str, sqlx::Result<bool>),
    Vacuum(sqlx::Result<()>),
}

async fn vacuum(conn: &mut SqliteConnection) -> sqlx::Result<()> {
    sqlx::query("VACUUM").execute(conn).await.map(drop)
}

/// A read transaction held open: other processes keep writing to the WAL behind it, and
/// checkpoints cannot pass it.
async fn long_read(conn: &mut SqliteConnection) -> sqlx::Result<()> {
    let mut tx = conn.begin().await?;
    sqlx::query("SELECT COUNT(*), SUM(length(payload)) FROM items")
        .fetch_one(&mut *tx)
        .await?;
    tokio::time::sleep(LONG_READ).await;
    tx.commit().await
}

/// `PRAGMA wal_checkpoint(mode)`; `true` if it could not finish (its `busy` column).
async fn checkpoint(conn: &mut SqliteConnection, mode: &str) -> sqlx::Result<bool> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "PRAGMA wal_checkpoint({mode})"
    )))
    .fetch_one(conn)
    .await?;
    Ok(row.get::<i64, _>(0) != 0)
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

async fn open_pool(db: &Path) -> SqliteRwPool {
    SqliteRwPoolOptions::new()
        .busy_timeout(BUSY_TIMEOUT)
        .connect_with(SqliteConnectOptions::new().filename(db))
        .await
        .expect("open pool")
}

/// A plain connection, as `sqlite3` or another program would open the file.
async fn plain_connection(db: &Path) -> sqlx::Result<SqliteConnection> {
    SqliteConnection::connect_with(
        &SqliteConnectOptions::new()
            .filename(db)
            .busy_timeout(BUSY_TIMEOUT),
    )
    .await
}

/// `<kind> <operation>: <message>`, on one line. The kind names the pool's own error kind, or
/// SQLite's result code, so the summary can group them.
fn describe(op: &str, e: &sqlx::Error) -> String {
    let kind = match (
        sqlx_rw::RwPoolError::of(e),
        e.as_database_error().and_then(|d| d.code()),
    ) {
        (Some(rw), _) => format!("{:?}", rw.kind()),
        (None, Some(code)) => sqlite_code_name(&code),
        (None, None) => "non-database".to_owned(),
    };
    format!("{kind} {op}: {}", e.to_string().replace('\n', " "))
}

fn sqlite_code_name(code: &str) -> String {
    match code {
        "5" => "SQLITE_BUSY".to_owned(),
        "261" => "SQLITE_BUSY_RECOVERY".to_owned(),
        "517" => "SQLITE_BUSY_SNAPSHOT".to_owned(),
        "773" => "SQLITE_BUSY_TIMEOUT".to_owned(),
        "6" => "SQLITE_LOCKED".to_owned(),
        other => format!("SQLITE_{other}"),
    }
}

fn child_params() -> (PathBuf, Duration) {
    let db = std::env::var(ENV_DB).expect(ENV_DB);
    let millis: u64 = std::env::var(ENV_MILLIS)
        .ok()
        .and_then(|v| v.parse().ok())
        .expect(ENV_MILLIS);
    (PathBuf::from(db), Duration::from_millis(millis))
}

fn child_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("child runtime")
}

/// Tell the parent this process has opened the file, then block until it says `go`.
fn wait_for_go() {
    // The leading newline ends libtest's unterminated "test child_… ... " line.
    say("\nready\n");
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .expect("read go");
    assert_eq!(line.trim(), "go", "the parent closed stdin before go");
}
