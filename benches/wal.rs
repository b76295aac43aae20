//! WAL growth under readers that never stop: the pool's checkpoint manager against SQLite's own
//! automatic checkpoint, on the same workload, in one run.
//!
//! Eight tasks loop over a full scan of a table sized so that a scan takes tens of
//! milliseconds (some read is always in flight, each holding its snapshot) while four tasks
//! insert ~1 KB rows, for `--seconds` (default 60) per configuration:
//!
//! * **managed**: `SqliteRwPool` with its defaults (checkpoint manager on, hard size 64 MiB,
//!   reads held at most 100 ms);
//! * **unmanaged**: the same pool with `manage_checkpoints(false)`: SQLite's automatic
//!   checkpoint, as every other pool has it.
//!
//! The WAL file's size is sampled every 10 ms. Printed: the largest WAL, reads and inserts per
//! second, read and insert latencies, errors, and the manager's own counters, with the ratios
//! the checkpoint issue sets as targets (WAL ≤ 1.25 × hard; read p99 ≤ 2 × the longest read of
//! the unmanaged run; insert throughput ≥ 0.9 × unmanaged; insert p99 no worse).
//!
//! ```text
//! cargo bench --bench wal
//! cargo bench --bench wal -- --seconds 20
//! ```

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::sqlite::SqliteConnectOptions;
use sqlx_rw::{SqliteRwPool, SqliteRwPoolOptions, WalStats};

const SCANNERS: usize = 8;
const INSERTERS: usize = 4;
const HARD: u64 = 64 * 1024 * 1024;

struct Outcome {
    wal_max: u64,
    scans: Vec<Duration>,
    inserts: Vec<Duration>,
    errors: usize,
    rows_ok: bool,
    seconds: f64,
    wal: WalStats,
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

async fn run(managed: bool, seconds: f64, scan_rows: i64) -> Outcome {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("wal.db");
    let pool = SqliteRwPoolOptions::new()
        .readers(SCANNERS as u32 + 2)
        .manage_checkpoints(managed)
        .connect_with(SqliteConnectOptions::new().filename(&db))
        .await
        .expect("open pool");
    prepare(&pool, scan_rows).await;
    let wal: PathBuf = dir.path().join("wal.db-wal");

    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (stop, wal) = (Arc::clone(&stop), wal.clone());
        tokio::spawn(async move {
            let mut max = 0;
            while !stop.load(Ordering::Relaxed) {
                max = max.max(file_size(&wal));
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            max
        })
    };
    let scans = Arc::new(Mutex::new(Vec::new()));
    let inserts = Arc::new(Mutex::new(Vec::new()));
    let errors = Arc::new(Mutex::new(0usize));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for n in 0..SCANNERS + INSERTERS {
        let (pool, stop, scans, inserts, errors) = (
            pool.clone(),
            Arc::clone(&stop),
            Arc::clone(&scans),
            Arc::clone(&inserts),
            Arc::clone(&errors),
        );
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let at = Instant::now();
                let ok = if n < SCANNERS {
                    sqlx::query_scalar::<_, i64>("SELECT sum(length(body)) FROM scan")
                        .fetch_one(&pool)
                        .await
                        .is_ok()
                } else {
                    sqlx::query("INSERT INTO log (body) VALUES (randomblob(1000))")
                        .execute(&pool)
                        .await
                        .is_ok()
                };
                if ok {
                    mine.push(at.elapsed());
                } else {
                    *errors.lock().unwrap() += 1;
                }
            }
            let into = if n < SCANNERS { scans } else { inserts };
            into.lock().unwrap().extend(mine);
        }));
    }
    tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        task.await.expect("task");
    }
    let elapsed = started.elapsed().as_secs_f64();
    let wal_max = sampler.await.expect("sampler");
    let inserts = std::mem::take(&mut *inserts.lock().unwrap());
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM log")
        .fetch_one(&pool)
        .await
        .expect("count");
    let wal_stats = pool.stats().wal;
    pool.close().await;
    let scans = std::mem::take(&mut *scans.lock().unwrap());
    let errors = *errors.lock().unwrap();
    Outcome {
        wal_max,
        rows_ok: rows as usize == inserts.len(),
        scans,
        inserts,
        errors,
        seconds: elapsed,
        wal: wal_stats,
    }
}

async fn prepare(pool: &SqliteRwPool, scan_rows: i64) {
    for sql in [
        "CREATE TABLE scan (id INTEGER PRIMARY KEY, body TEXT NOT NULL)",
        "CREATE TABLE log (id INTEGER PRIMARY KEY, body BLOB NOT NULL)",
    ] {
        sqlx::query(sql).execute(pool).await.expect("schema");
    }
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) \
         INSERT INTO scan (id, body) SELECT i, printf('%.100c', 'x') FROM n",
    )
    .bind(scan_rows)
    .execute(pool)
    .await
    .expect("fill");
}

/// Rows for a scan of about `target` alone on this machine.
async fn calibrate(target: Duration) -> (i64, Duration) {
    let dir = tempfile::tempdir().expect("temp dir");
    let pool = SqliteRwPool::connect_with(
        SqliteConnectOptions::new().filename(dir.path().join("calibrate.db")),
    )
    .await
    .expect("open pool");
    let rows = 100_000;
    prepare(&pool, rows).await;
    let mut best = Duration::MAX;
    for _ in 0..5 {
        let at = Instant::now();
        let _: i64 = sqlx::query_scalar("SELECT sum(length(body)) FROM scan")
            .fetch_one(&pool)
            .await
            .expect("scan");
        best = best.min(at.elapsed());
    }
    pool.close().await;
    let scaled = (rows as f64 * target.as_secs_f64() / best.as_secs_f64()) as i64;
    (scaled.max(1000), best * (scaled as u32) / (rows as u32))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((sorted.len() as f64) * p / 100.0).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let mut seconds = 60.0;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--seconds" {
            seconds = args
                .next()
                .and_then(|v| v.parse().ok())
                .expect("--seconds N");
        }
    }
    let (scan_rows, alone) = calibrate(Duration::from_millis(20)).await;
    println!(
        "WAL under constant readers: {SCANNERS} scanners ({scan_rows} rows, ~{:.1} ms a scan \
         alone), {INSERTERS} inserters of 1 KB rows, {seconds} s per configuration, hard size \
         {} MiB",
        ms(alone),
        HARD >> 20
    );
    let mut managed = run(true, seconds, scan_rows).await;
    let mut unmanaged = run(false, seconds, scan_rows).await;
    for outcome in [&mut managed, &mut unmanaged] {
        outcome.scans.sort();
        outcome.inserts.sort();
    }
    println!(
        "\n{:<28}{:>14}{:>14}{:>10}",
        "", "managed", "unmanaged", "ratio"
    );
    let row = |name: &str, a: f64, b: f64, digits: usize| {
        println!(
            "{name:<28}{a:>14.digits$}{b:>14.digits$}{:>10.2}",
            if b == 0.0 { f64::NAN } else { a / b }
        );
    };
    let mib = |bytes: u64| bytes as f64 / 1048576.0;
    row(
        "WAL max MiB",
        mib(managed.wal_max),
        mib(unmanaged.wal_max),
        1,
    );
    let rate = |o: &Outcome, n: usize| n as f64 / o.seconds;
    row(
        "scans/s",
        rate(&managed, managed.scans.len()),
        rate(&unmanaged, unmanaged.scans.len()),
        0,
    );
    row(
        "inserts/s",
        rate(&managed, managed.inserts.len()),
        rate(&unmanaged, unmanaged.inserts.len()),
        0,
    );
    for (name, p) in [("p50", 50.0), ("p99", 99.0), ("max", 100.0)] {
        row(
            &format!("scan {name} ms"),
            ms(percentile(&managed.scans, p)),
            ms(percentile(&unmanaged.scans, p)),
            2,
        );
    }
    for (name, p) in [("p50", 50.0), ("p99", 99.0), ("max", 100.0)] {
        row(
            &format!("insert {name} ms"),
            ms(percentile(&managed.inserts, p)),
            ms(percentile(&unmanaged.inserts, p)),
            2,
        );
    }
    row("errors", managed.errors as f64, unmanaged.errors as f64, 0);
    println!(
        "rows == acknowledged inserts: managed {}, unmanaged {}",
        managed.rows_ok, unmanaged.rows_ok
    );
    let w = &managed.wal;
    println!(
        "manager: {} truncates, {} given up, passive {} complete / {} partial, {} frames \
         copied; reads held {} times, mean {:?}, max {:?}",
        w.truncates,
        w.truncate_give_ups,
        w.passive_complete,
        w.passive_partial,
        w.frames_copied,
        w.read_holds.count,
        w.read_holds.mean,
        w.read_holds.max
    );
    let longest_unmanaged = percentile(&unmanaged.scans, 100.0);
    println!(
        "\ntargets: WAL {:.2} × hard (≤ 1.25); scan p99 {:.2} × the longest unmanaged scan \
         (≤ 2); inserts/s {:.2} × unmanaged (≥ 0.9); insert p99 {:.2} × unmanaged (≤ 1)",
        managed.wal_max as f64 / HARD as f64,
        ms(percentile(&managed.scans, 99.0)) / ms(longest_unmanaged),
        rate(&managed, managed.inserts.len()) / rate(&unmanaged, unmanaged.inserts.len()),
        ms(percentile(&managed.inserts, 99.0)) / ms(percentile(&unmanaged.inserts, 99.0)),
    );
}
