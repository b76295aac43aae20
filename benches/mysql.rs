//! MySQL/MariaDB measurements, printed as ratios against plain `MySqlPool`s in one run:
//!
//! 1. single-task point SELECT: `MySqlRwPool` (routed to a replica) against a plain
//!    `MySqlPool` on the primary and one on the same replica (the routing overhead alone);
//! 2. single-task autocommit UPDATE, then the read of the same row: a plain `MySqlPool` on the
//!    primary against `MySqlRwPool` in `Task` mode (whose read after a write first learns the
//!    primary's GTID position, then reads on a replica that has applied it) and in `Eventual`
//!    mode (which reads anywhere).
//!
//! Needs a primary with replicas: `SQLX_RW_MY_PRIMARY`/`SQLX_RW_MY_REPLICAS`, or the project's
//! `scripts/mariadb-cluster` starts a private one.
//!
//! ```text
//! cargo bench --bench mysql
//! ```

use std::process::Command;
use std::time::{Duration, Instant};

use sqlx::mysql::{MySqlPool, MySqlPoolOptions};
use sqlx::{Executor, MySql};
use sqlx_rw::{MySqlRwPool, MySqlRwPoolOptions, ReadConsistency};

const ROUNDS: usize = 7;
const PER_ROUND: usize = 3000;

fn cluster() -> (String, Vec<String>) {
    if let (Ok(p), Ok(r)) = (
        std::env::var("SQLX_RW_MY_PRIMARY"),
        std::env::var("SQLX_RW_MY_REPLICAS"),
    ) {
        return (p, r.split(',').map(str::to_owned).collect());
    }
    let out = Command::new("bash")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scripts/mariadb-cluster"
        ))
        .arg("start")
        .output()
        .expect("run scripts/mariadb-cluster");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let var = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("export {name}=")))
            .expect("mariadb-cluster output")
            .to_owned()
    };
    let replicas = var("SQLX_RW_MY_REPLICAS")
        .split(',')
        .map(str::to_owned)
        .collect();
    (var("SQLX_RW_MY_PRIMARY"), replicas)
}

/// Point SELECTs per second on `pool`, one task.
async fn selects<E>(pool: E, n: usize) -> f64
where
    E: for<'c> Executor<'c, Database = MySql> + Copy,
{
    let started = Instant::now();
    for i in 0..n {
        let _: Option<i64> = sqlx::query_scalar("SELECT v FROM bench WHERE id = ?")
            .bind((i % 1000) as i64)
            .fetch_optional(pool)
            .await
            .unwrap();
    }
    n as f64 / started.elapsed().as_secs_f64()
}

/// Microseconds per autocommit UPDATE, and per read of the same row right after it.
async fn write_then_read<E>(pool: E, n: usize) -> (f64, f64)
where
    E: for<'c> Executor<'c, Database = MySql> + Copy,
{
    let (mut write, mut read) = (Duration::ZERO, Duration::ZERO);
    for i in 0..n {
        let id = (i % 1000) as i64;
        let started = Instant::now();
        sqlx::query("UPDATE bench SET v = v + 1 WHERE id = ?")
            .bind(id)
            .execute(pool)
            .await
            .unwrap();
        let wrote = Instant::now();
        let _: Option<i64> = sqlx::query_scalar("SELECT v FROM bench WHERE id = ?")
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

async fn rw_pool(primary: &str, replica: &str, consistency: ReadConsistency) -> MySqlRwPool {
    MySqlRwPoolOptions::new()
        .replica(replica)
        .read_consistency(consistency)
        .connect(primary)
        .await
        .unwrap()
}

#[tokio::main]
async fn main() {
    let (primary, replicas) = cluster();
    let plain = MySqlPool::connect(&primary).await.unwrap();
    plain.execute("DROP TABLE IF EXISTS bench").await.unwrap();
    plain
        .execute("CREATE TABLE bench (id BIGINT PRIMARY KEY, v BIGINT NOT NULL)")
        .await
        .unwrap();
    plain
        .execute(
            "INSERT INTO bench WITH RECURSIVE g(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM g \
             WHERE n < 999) SELECT n, n FROM g",
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let on_replica = MySqlPool::connect(&replicas[0]).await.unwrap();
    // sqlx pings a connection before each acquire by default; the pool's readers do not
    // (`RwPoolOptions::test_before_acquire`), so the fair measure of the routing is against
    // a plain pool that does not either.
    let on_replica_untested = MySqlPoolOptions::new()
        .test_before_acquire(false)
        .connect(&replicas[0])
        .await
        .unwrap();
    let plain_untested = MySqlPoolOptions::new()
        .test_before_acquire(false)
        .connect(&primary)
        .await
        .unwrap();
    let routed = rw_pool(&primary, &replicas[0], ReadConsistency::Task).await;
    let eventual = rw_pool(&primary, &replicas[0], ReadConsistency::Eventual).await;

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
    println!("  MySqlPool on the primary                {p:>9.0} /s");
    println!("  MySqlPool on a replica                  {r:>9.0} /s");
    println!("  MySqlPool on a replica, no ping         {u:>9.0} /s");
    println!("  MySqlRwPool (to the replica)            {rw:>9.0} /s");
    println!("  MySqlRwPool / MySqlPool primary         {:>9.2}x", rw / p);
    println!("  MySqlRwPool / MySqlPool replica         {:>9.2}x", rw / r);
    println!(
        "  MySqlRwPool / MySqlPool replica, no ping {:>8.2}x  (the routing's own cost)",
        rw / u
    );

    write_then_read(&plain_untested, 300).await;
    write_then_read(&routed, 300).await;
    write_then_read(&eventual, 300).await;
    let mut runs: [(Vec<f64>, Vec<f64>); 3] = Default::default();
    for _ in 0..ROUNDS {
        for (i, (w, r)) in [
            write_then_read(&plain_untested, PER_ROUND / 3).await,
            write_then_read(&routed, PER_ROUND / 3).await,
            write_then_read(&eventual, PER_ROUND / 3).await,
        ]
        .into_iter()
        .enumerate()
        {
            runs[i].0.push(w);
            runs[i].1.push(r);
        }
    }
    let [(pw, pr), (tw, tr), (ew, er)] = runs.map(|(w, r)| (median(w), median(r)));
    println!("\none task: autocommit UPDATE, then read the row, µs each (medians):");
    println!("  MySqlPool on the primary, no ping   write {pw:>6.0}   read {pr:>6.0}");
    println!("  MySqlRwPool, Task                   write {tw:>6.0}   read {tr:>6.0}");
    println!("  MySqlRwPool, Eventual               write {ew:>6.0}   read {er:>6.0}");
    println!(
        "  autocommit UPDATEs/s against MySqlPool: Task {:.2}x, Eventual {:.2}x",
        pw / tw,
        pw / ew
    );
    println!(
        "  whole write-then-read against MySqlPool: Task {:.2}x, Eventual {:.2}x",
        (pw + pr) / (tw + tr),
        (pw + pr) / (ew + er)
    );
    let stats = routed.stats();
    println!(
        "  Task mode: {} of the reads after a write waited past the bound and ran on the primary",
        stats.fresh_reads_on_writer
    );
    routed.close().await;
    eventual.close().await;
}
