//! PostgreSQL measurements, printed as ratios against plain `PgPool`s in one run:
//!
//! 1. single-task point SELECT: `PgRwPool` (routed to a replica) against a plain `PgPool` on the
//!    primary and one on the same replica (the routing overhead alone);
//! 2. the cost of read-your-writes: a single task's autocommit UPDATE, and the read of the
//!    same row right after it, in `Task` mode against `Eventual` (which tracks nothing).
//!
//! Needs a primary with replicas: `SQLX_RW_PG_PRIMARY`/`SQLX_RW_PG_REPLICAS`, or the project's
//! `scripts/pg-cluster` starts a private one.
//!
//! ```text
//! cargo bench --bench postgres
//! ```

use std::process::Command;
use std::time::{Duration, Instant};

use sqlx::{Executor, PgPool, Postgres};
use sqlx_rw::{PgRwPool, PgRwPoolOptions, ReadConsistency};

const ROUNDS: usize = 7;
const PER_ROUND: usize = 3000;

fn cluster() -> (String, Vec<String>) {
    if let (Ok(p), Ok(r)) = (
        std::env::var("SQLX_RW_PG_PRIMARY"),
        std::env::var("SQLX_RW_PG_REPLICAS"),
    ) {
        return (p, r.split(',').map(str::to_owned).collect());
    }
    let out = Command::new("bash")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/pg-cluster"))
        .arg("start")
        .output()
        .expect("run scripts/pg-cluster");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let var = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("export {name}=")))
            .expect("pg-cluster output")
            .to_owned()
    };
    let replicas = var("SQLX_RW_PG_REPLICAS")
        .split(',')
        .map(str::to_owned)
        .collect();
    (var("SQLX_RW_PG_PRIMARY"), replicas)
}

/// Point SELECTs per second on `pool`, one task.
async fn selects<E>(pool: E, n: usize) -> f64
where
    E: for<'c> Executor<'c, Database = Postgres> + Copy,
{
    let started = Instant::now();
    for i in 0..n {
        let _: Option<i64> = sqlx::query_scalar("SELECT v FROM bench WHERE id = $1")
            .bind((i % 1000) as i64)
            .fetch_optional(pool)
            .await
            .unwrap();
    }
    n as f64 / started.elapsed().as_secs_f64()
}

/// Microseconds per UPDATE, and per read of the same row right after it.
async fn write_then_read(pool: &PgRwPool, n: usize) -> (f64, f64) {
    let (mut write, mut read) = (Duration::ZERO, Duration::ZERO);
    for i in 0..n {
        let id = (i % 1000) as i64;
        let started = Instant::now();
        sqlx::query("UPDATE bench SET v = v + 1 WHERE id = $1")
            .bind(id)
            .execute(pool)
            .await
            .unwrap();
        let wrote = Instant::now();
        let _: Option<i64> = sqlx::query_scalar("SELECT v FROM bench WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await
            .unwrap();
        write += wrote - started;
        read += wrote.elapsed();
    }
    (
        write.as_micros() as f64 / n as f64,
        read.as_micros() as f64 / n as f64,
    )
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

#[tokio::main]
async fn main() {
    let (primary, replicas) = cluster();
    let plain = PgPool::connect(&primary).await.unwrap();
    plain.execute("DROP TABLE IF EXISTS bench").await.unwrap();
    plain
        .execute("CREATE TABLE bench (id bigint PRIMARY KEY, v bigint NOT NULL)")
        .await
        .unwrap();
    plain
        .execute("INSERT INTO bench SELECT g, g FROM generate_series(0, 999) g")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let on_replica = PgPool::connect(&replicas[0]).await.unwrap();
    // sqlx pings a connection before each acquire by default; the pool's readers do not
    // (`RwPoolOptions::test_before_acquire`), so the fair measure of the routing is against
    // a plain pool that does not either.
    let on_replica_untested = sqlx::postgres::PgPoolOptions::new()
        .test_before_acquire(false)
        .connect(&replicas[0])
        .await
        .unwrap();
    let routed = replicas
        .iter()
        .take(1)
        .fold(PgRwPoolOptions::new(), |o, url| o.replica(url))
        .connect(&primary)
        .await
        .unwrap();
    let eventual = replicas
        .iter()
        .take(1)
        .fold(PgRwPoolOptions::new(), |o, url| o.replica(url))
        .read_consistency(ReadConsistency::Eventual)
        .connect(&primary)
        .await
        .unwrap();

    // Warm every pool's connection and statement cache.
    selects(&plain, 500).await;
    selects(&on_replica, 500).await;
    selects(&on_replica_untested, 500).await;
    selects(&routed, 500).await;
    let (mut p, mut r, mut u, mut rw) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        p.push(selects(&plain, PER_ROUND).await);
        r.push(selects(&on_replica, PER_ROUND).await);
        u.push(selects(&on_replica_untested, PER_ROUND).await);
        rw.push(selects(&routed, PER_ROUND).await);
    }
    let (p, r, u, rw) = (median(p), median(r), median(u), median(rw));
    println!("single-task point SELECT, medians of {ROUNDS} rounds of {PER_ROUND}:");
    println!("  PgPool on the primary      {p:>9.0} /s");
    println!("  PgPool on a replica        {r:>9.0} /s");
    println!("  PgPool on a replica, no ping before acquire  {u:>9.0} /s");
    println!("  PgRwPool (to the replica)  {rw:>9.0} /s");
    println!("  PgRwPool / PgPool primary  {:>9.2}x", rw / p);
    println!("  PgRwPool / PgPool replica  {:>9.2}x", rw / r);
    println!(
        "  PgRwPool / PgPool replica, no ping  {:>9.2}x  (the routing's own cost)",
        rw / u
    );

    write_then_read(&routed, 300).await;
    write_then_read(&eventual, 300).await;
    let (mut tw, mut tr, mut ew, mut er) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let (w, r) = write_then_read(&routed, PER_ROUND / 3).await;
        tw.push(w);
        tr.push(r);
        let (w, r) = write_then_read(&eventual, PER_ROUND / 3).await;
        ew.push(w);
        er.push(r);
    }
    let (tw, tr, ew, er) = (median(tw), median(tr), median(ew), median(er));
    println!("\nread-your-writes, one task: UPDATE then read the row, µs each (medians):");
    println!(
        "  write: Task {tw:>7.0}   Eventual {ew:>7.0}   cost {:>+6.0} µs ({:.2}x)",
        tw - ew,
        tw / ew
    );
    println!(
        "  read:  Task {tr:>7.0}   Eventual {er:>7.0}   cost {:>+6.0} µs ({:.2}x)",
        tr - er,
        tr / er
    );
    let stats = routed.stats();
    println!(
        "  Task mode: {} of the reads after a write waited past the bound and ran on the primary",
        stats.fresh_reads_on_writer
    );
    routed.close().await;
    eventual.close().await;
}
