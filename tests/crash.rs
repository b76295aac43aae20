//! Crash safety: a process writing through `RwPool` is killed with SIGKILL at random moments,
//! and every commit it acknowledged survives, transactions stay atomic, and the file passes
//! `PRAGMA integrity_check`.
//!
//! Each test re-runs this test binary as a child (`child_writer`) on one database file. The
//! child writes from eight tasks at once, a mix of two-row transactions and autocommit inserts,
//! and prints `ack <id>` after each commit returns. Autocommit inserts that queue together run
//! as group commits (the child prints its pool's group count): kills land inside groups too. The parent kills it 30–250 ms after it is
//! ready, then checks the file with a plain `SqliteConnection` opened read-only, so the
//! crashed WAL is left in place and the next child's pool must recover it too. The file lives
//! on across all kills: every restart opens what the previous crash left behind.
//!
//! One test runs with `synchronous = FULL`, one with `NORMAL` (in WAL mode NORMAL is durable
//! across process crashes; only power loss can cost it the last commits). The CI run makes 10
//! kills per mode; the full run makes 100:
//!
//! ```text
//! SQLX_RW_TORTURE=10 cargo test --test crash -- --nocapture
//! ```

mod common;

use common::child::{exit_after, say, torture_scale};

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteSynchronous};
use sqlx::{Connection, SqliteConnection};
use sqlx_rw::{SqliteRwPool, SqliteRwPoolOptions};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{ChildStdout, Command};

/// Environment variables that turn `child_writer` from a no-op into the child role.
const ENV_DB: &str = "SQLX_RW_CRASH_DB";
const ENV_RUN: &str = "SQLX_RW_CRASH_RUN";
const ENV_SYNC: &str = "SQLX_RW_CRASH_SYNC";
/// Appended to the synchronous mode: the child runs with tiny WAL limits and scanning readers.
const TIGHT_WAL: &str = "tight-wal";

/// Concurrent writer tasks in the child: enough to keep the writer queue non-empty, so kills
/// land while commits are queued, in flight, grouped and being acknowledged.
const WRITER_TASKS: i64 = 8;
/// Id space: run × 10,000,000 + task × 1,000,000 + i, unique across every child of a test.
const RUN_STRIDE: i64 = 10_000_000;
const TASK_STRIDE: i64 = 1_000_000;
/// A child that is never killed (the parent died or hung) exits by itself after this long.
const CHILD_HARD_LIMIT: Duration = Duration::from_secs(30);
/// How long the parent waits for a child to open its pool and say `ready`.
const READY_TIMEOUT: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_loses_no_acknowledged_commit_with_synchronous_full() {
    kill_repeatedly("FULL", 0xC0FFEE).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_loses_no_acknowledged_commit_with_synchronous_normal() {
    kill_repeatedly("NORMAL", 0xBADCAB).await;
}

/// The child's WAL limits are tiny (64 KiB soft, 256 KiB hard) and two tasks scan all the
/// time, so the checkpoint manager holds reads and truncates the WAL many times a second: kills
/// land before, during and after `TRUNCATE` checkpoints.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_wal_truncates_loses_no_acknowledged_commit() {
    kill_repeatedly(&format!("NORMAL {TIGHT_WAL}"), 0x7A11).await;
}

/// Entry point for the parent tests above, not a test of its own: with `SQLX_RW_CRASH_DB`
/// unset (a normal `cargo test`) it returns at once. With it set, it opens an `RwPool` on that
/// file and writes until it is killed, printing `ack <id>` for every committed row.
#[test]
fn child_writer() {
    let Ok(db) = std::env::var(ENV_DB) else {
        return;
    };
    let run: i64 = env_number(ENV_RUN);
    let mode = std::env::var(ENV_SYNC).expect(ENV_SYNC);
    let sync = parse_synchronous(mode.split(' ').next().unwrap_or_default());
    let tight_wal = mode.ends_with(TIGHT_WAL);
    exit_after(CHILD_HARD_LIMIT);
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("child runtime")
        .block_on(write_until_killed(PathBuf::from(db), run, sync, tight_wal));
}

// ---------------------------------------------------------------------------------------------
// Parent side

/// `kills` rounds of: start a child on the shared file, kill it mid-write, verify the file.
async fn kill_repeatedly(mode: &str, seed: u64) {
    let kills = 10 * torture_scale();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("crash.db");
    let mut rng = common::Rng::new(seed);
    let mut acked: Vec<i64> = Vec::new();
    let mut rows_found = 0;
    let mut runs_with_truncates = 0;
    let mut runs_with_groups = 0;
    for run in 1..=kills {
        let delay = Duration::from_millis(30 + rng.below(221));
        let outcome = run_and_kill(&db, run as i64, mode, delay).await;
        assert_eq!(
            outcome.errors,
            Vec::<String>::new(),
            "run {run}: the child's writes failed"
        );
        acked.extend(&outcome.acked);
        runs_with_truncates += u64::from(outcome.truncates > 0);
        runs_with_groups += u64::from(outcome.groups > 0);
        rows_found = verify_recovered(&db, &acked, run).await;
    }
    println!(
        "crash[{mode}]: kills={kills} acked_rows={} \
         rows_found={rows_found} committed_but_unacked={} runs_with_truncates={runs_with_truncates} \
         runs_with_groups={runs_with_groups}",
        acked.len(),
        rows_found - acked.len()
    );
    assert!(
        runs_with_groups * 2 >= kills,
        "group commits ran in only {runs_with_groups} of {kills} runs"
    );
    if mode.ends_with(TIGHT_WAL) {
        assert!(
            runs_with_truncates * 2 >= kills,
            "the manager truncated the WAL in only {runs_with_truncates} of {kills} runs"
        );
    }
}

/// What one child printed before it died.
struct Outcome {
    acked: Vec<i64>,
    errors: Vec<String>,
    /// `TRUNCATE` checkpoints the child's pool had done by its last report.
    truncates: u64,
    /// Group commits the child's pool had run by its last report.
    groups: u64,
}

/// Start a child writer, wait until it is writing, let it run for `delay`, SIGKILL it, and
/// return every complete line it managed to print.
async fn run_and_kill(db: &Path, run: i64, mode: &str, delay: Duration) -> Outcome {
    let mut child = Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", "child_writer", "--nocapture", "--test-threads=1"])
        .env(ENV_DB, db)
        .env(ENV_RUN, run.to_string())
        .env(ENV_SYNC, mode)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        // If an assertion below panics, dropping the child still kills it.
        .kill_on_drop(true)
        .spawn()
        .expect("spawn child writer");
    let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
    let mut lines = Vec::new();
    let ready = tokio::time::timeout(READY_TIMEOUT, read_until_ready(&mut stdout, &mut lines))
        .await
        .unwrap_or_else(|_| panic!("run {run}: child not ready in {READY_TIMEOUT:?}"));
    assert!(ready, "run {run}: child exited before ready: {lines:?}");
    assert_eq!(
        expected_synchronous(mode),
        reported_synchronous(&lines),
        "run {run}: the pool's writer runs with the requested synchronous mode"
    );
    if mode.ends_with(TIGHT_WAL) {
        // The kill is timed from the child's first truncate, not from its start: on a loaded
        // machine the child may not reach one within the delay, and the run would test
        // nothing of what it is for. Truncates then follow many times a second.
        let truncating = tokio::time::timeout(READY_TIMEOUT, async {
            while let Some(line) = read_line(&mut stdout).await {
                let first = line.strip_prefix("truncates ").is_some_and(|n| n != "0");
                lines.push(line);
                if first {
                    return true;
                }
            }
            false
        })
        .await
        .unwrap_or_else(|_| panic!("run {run}: no truncate in {READY_TIMEOUT:?}"));
        assert!(
            truncating,
            "run {run}: child exited before truncating: {lines:?}"
        );
    }
    // Drain stdout while the child runs, so it never blocks on a full pipe.
    let drain = tokio::spawn(read_all(stdout));
    tokio::time::sleep(delay).await;
    child.kill().await.expect("SIGKILL the child");
    let status = child.wait().await.expect("reap the child");
    assert!(
        was_killed(status),
        "run {run}: the child ended by itself ({status}) instead of being killed"
    );
    lines.extend(drain.await.expect("stdout reader"));
    parse_outcome(&lines)
}

/// Read lines into `lines` until `ready`; `false` if the child's stdout closed first.
async fn read_until_ready(stdout: &mut BufReader<ChildStdout>, lines: &mut Vec<String>) -> bool {
    while let Some(line) = read_line(stdout).await {
        let ready = line == "ready";
        lines.push(line);
        if ready {
            return true;
        }
    }
    false
}

async fn read_all(mut stdout: BufReader<ChildStdout>) -> Vec<String> {
    let mut lines = Vec::new();
    while let Some(line) = read_line(&mut stdout).await {
        lines.push(line);
    }
    lines
}

/// The next complete line. A line cut short by the kill (no newline) is dropped: its number
/// could be a prefix of the id that was acknowledged.
async fn read_line(stdout: &mut BufReader<ChildStdout>) -> Option<String> {
    let mut buf = Vec::new();
    let n = stdout.read_until(b'\n', &mut buf).await.ok()?;
    if n == 0 || buf.last() != Some(&b'\n') {
        return None;
    }
    buf.pop();
    Some(String::from_utf8_lossy(&buf).into_owned())
}

fn parse_outcome(lines: &[String]) -> Outcome {
    let mut outcome = Outcome {
        acked: Vec::new(),
        errors: Vec::new(),
        truncates: 0,
        groups: 0,
    };
    for line in lines {
        if let Some(id) = line.strip_prefix("ack ") {
            outcome
                .acked
                .push(id.parse().expect("ack line carries an id"));
        } else if let Some(message) = line.strip_prefix("error ") {
            outcome.errors.push(message.to_owned());
        } else if let Some(n) = line.strip_prefix("truncates ") {
            outcome.truncates = n.parse().expect("truncates line carries a number");
        } else if let Some(n) = line.strip_prefix("groups ") {
            outcome.groups = n.parse().expect("groups line carries a number");
        }
    }
    outcome
}

fn reported_synchronous(lines: &[String]) -> Option<i64> {
    lines
        .iter()
        .find_map(|line| line.strip_prefix("synchronous "))
        .map(|n| n.parse().expect("synchronous line carries a number"))
}

/// `PRAGMA synchronous` reports FULL as 2 and NORMAL as 1.
fn expected_synchronous(mode: &str) -> Option<i64> {
    Some(if mode.starts_with("FULL") { 2 } else { 1 })
}

#[cfg(unix)]
fn was_killed(status: ExitStatus) -> bool {
    use std::os::unix::process::ExitStatusExt;
    status.signal() == Some(9)
}

#[cfg(not(unix))]
fn was_killed(status: ExitStatus) -> bool {
    !status.success()
}

/// Open the file as a recovering reader would, and check it: integrity, every acknowledged id
/// present, every transaction whole. Returns the number of rows in the table.
async fn verify_recovered(db: &Path, acked: &[i64], run: u64) -> usize {
    // Read-only: recovery happens (SQLite rebuilds the WAL index), but closing does not
    // checkpoint and delete the WAL, so the next child inherits the crash as it was.
    let options = SqliteConnectOptions::new().filename(db).read_only(true);
    let mut conn = SqliteConnection::connect_with(&options)
        .await
        .expect("open the crashed file");
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .expect("integrity_check");
    assert_eq!(integrity, "ok", "run {run}: integrity_check after SIGKILL");
    let ids: HashSet<i64> = sqlx::query_scalar("SELECT id FROM acked")
        .fetch_all(&mut conn)
        .await
        .expect("read ids")
        .into_iter()
        .collect();
    conn.close().await.expect("close the check connection");

    let missing: Vec<i64> = acked
        .iter()
        .copied()
        .filter(|id| !ids.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "run {run}: {} acknowledged rows lost after SIGKILL, e.g. {:?}",
        missing.len(),
        &missing[..missing.len().min(10)]
    );
    assert_atomic(&ids, run);
    ids.len()
}

/// Every transaction row has its partner, and no id outside the scheme exists.
fn assert_atomic(ids: &HashSet<i64>, run: u64) {
    let torn: Vec<i64> = ids
        .iter()
        .copied()
        .filter(|&id| id_kind(id) == IdKind::TxHalf && !ids.contains(&(id ^ 1)))
        .collect();
    assert!(
        torn.is_empty(),
        "run {run}: half a transaction survived: {torn:?}"
    );
    let stray: Vec<i64> = ids
        .iter()
        .copied()
        .filter(|&id| id_kind(id) == IdKind::Never)
        .collect();
    assert!(stray.is_empty(), "run {run}: ids never written: {stray:?}");
}

// ---------------------------------------------------------------------------------------------
// Id scheme, shared by both sides

/// Within a task, `i` advances by 4 per operation. A transaction writes the pair (i, i + 1),
/// with i ≡ 0 (mod 4), so a row's partner is `id ^ 1`; an autocommit insert writes i + 2.
/// The strides are multiples of 4, so `id % 4` alone names the kind of any row.
#[derive(Debug, PartialEq, Eq)]
enum IdKind {
    TxHalf,
    Autocommit,
    Never,
}

fn id_kind(id: i64) -> IdKind {
    match id % 4 {
        0 | 1 => IdKind::TxHalf,
        2 => IdKind::Autocommit,
        _ => IdKind::Never,
    }
}

// ---------------------------------------------------------------------------------------------
// Child side

async fn write_until_killed(db: PathBuf, run: i64, sync: SqliteSynchronous, tight_wal: bool) {
    let mut options = SqliteRwPoolOptions::new().synchronous(sync);
    if tight_wal {
        options = options.wal_soft_limit(64 * 1024).wal_hard_limit(256 * 1024);
    }
    let pool = options
        .connect_with(SqliteConnectOptions::new().filename(db))
        .await
        .expect("child: open pool");
    sqlx::query("CREATE TABLE IF NOT EXISTS acked (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)")
        .execute(&pool)
        .await
        .expect("child: create table");
    let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(&pool)
        .await
        .expect("child: read synchronous");
    // The leading newline ends libtest's unterminated "test child_writer ... " line.
    say(&format!("\nsynchronous {synchronous}\nready\n"));

    if tight_wal {
        for _ in 0..2 {
            tokio::spawn(scan_forever(pool.clone()));
        }
        tokio::spawn(report_truncates(pool.clone()));
    }
    tokio::spawn(report_groups(pool.clone()));
    let tasks: Vec<_> = (0..WRITER_TASKS)
        .map(|task| tokio::spawn(write_forever(pool.clone(), run, task)))
        .collect();
    for task in tasks {
        task.await.expect("child: writer task");
    }
}

/// Writes until the id space of this (run, task) is used up, which takes far longer than any
/// kill delay; an error is printed and ends the task.
async fn write_forever(pool: SqliteRwPool, run: i64, task: i64) {
    let base = run * RUN_STRIDE + task * TASK_STRIDE;
    let mut rng = common::Rng::new((run as u64) << 8 | task as u64);
    // A few hundred bytes per row, so the WAL grows and auto-checkpoints often: some kills
    // land in checkpoints too.
    let payload = "x".repeat(300);
    for i in (0..TASK_STRIDE).step_by(4) {
        let id = base + i;
        let result = if rng.below(2) == 0 {
            write_pair(&pool, id, &payload)
                .await
                .map(|()| vec![id, id + 1])
        } else {
            insert(&pool, id + 2, &payload).await.map(|()| vec![id + 2])
        };
        match result {
            Ok(ids) => say(&ids
                .iter()
                .map(|id| format!("ack {id}\n"))
                .collect::<String>()),
            Err(e) => {
                say(&format!("error {}\n", one_line(&e)));
                return;
            }
        }
    }
}

/// Reads the whole table over and over, so a snapshot is nearly always held.
async fn scan_forever(pool: SqliteRwPool) {
    loop {
        let read: sqlx::Result<i64> = sqlx::query_scalar("SELECT count(*) FROM acked")
            .fetch_one(&pool)
            .await;
        if let Err(e) = read {
            say(&format!("error {}\n", one_line(&e)));
            return;
        }
    }
}

/// Prints the pool's `TRUNCATE` count whenever it moves.
async fn report_truncates(pool: SqliteRwPool) {
    let mut reported = 0;
    loop {
        tokio::time::sleep(Duration::from_millis(5)).await;
        let truncates = pool.stats().wal.truncates;
        if truncates != reported {
            reported = truncates;
            say(&format!("truncates {truncates}\n"));
        }
    }
}

/// Prints the pool's group-commit count whenever it moves.
async fn report_groups(pool: SqliteRwPool) {
    let mut reported = 0;
    loop {
        tokio::time::sleep(Duration::from_millis(5)).await;
        let groups = pool.stats().groups;
        if groups != reported {
            reported = groups;
            say(&format!("groups {groups}\n"));
        }
    }
}

async fn write_pair(pool: &SqliteRwPool, id: i64, payload: &str) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    for row in [id, id + 1] {
        sqlx::query("INSERT INTO acked (id, payload) VALUES (?, ?)")
            .bind(row)
            .bind(format!("tx {id} {payload}"))
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}

async fn insert(pool: &SqliteRwPool, id: i64, payload: &str) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO acked (id, payload) VALUES (?, ?)")
        .bind(id)
        .bind(format!("auto {payload}"))
        .execute(pool)
        .await
        .map(drop)
}

fn one_line(e: &sqlx::Error) -> String {
    e.to_string().replace('\n', " ")
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

fn env_number(name: &str) -> i64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{name} must be a number"))
}

fn parse_synchronous(mode: &str) -> SqliteSynchronous {
    match mode {
        "FULL" => SqliteSynchronous::Full,
        "NORMAL" => SqliteSynchronous::Normal,
        other => panic!("unexpected synchronous mode {other}"),
    }
}
