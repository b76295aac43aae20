//! Replicas demo: a plain `PgPool` on the primary against `PgRwPool` with two streaming
//! replicas, under the same read-heavy, service-like workload, with no query code changed.
//!
//! Each of `--workers` tokio tasks loops for `--seconds`: it updates one row of its own
//! ("a user saves their profile"), reads that row back at once ("the page shown after the
//! save"), then reads eight rows of other users. A read of its own row that does not show the
//! value just written is a *stale read*. The demo runs the workload on a plain `PgPool` on the
//! primary, then on `PgRwPool` in each consistency mode, and prints ops/s, the share of reads
//! the replicas served, stale reads, and read latency (p50/p99).
//!
//! It needs a primary with replicas. The project's script starts a private one (as the
//! `postgres` OS user, in a temp dir, on free ports):
//!
//! ```text
//! eval "$(scripts/pg-cluster start)"
//! cargo run --release --example replicas
//! cargo run --release --example replicas -- --workers 32 --seconds 10
//! scripts/pg-cluster stop
//! ```
//!
//! Without `SQLX_RW_PG_PRIMARY` and `SQLX_RW_PG_REPLICAS` it says so and exits with code 2.

use std::time::{Duration, Instant};

use sqlx::{Executor, PgPool, Postgres};
use sqlx_rw::{PgRwPoolOptions, ReadConsistency};

const USERS_PER_WORKER: i64 = 100;

#[derive(Default)]
struct Tally {
    ops: u64,
    reads: u64,
    stale: u64,
    errors: u64,
    read_us: Vec<u64>,
}

/// One worker's loop on any executor: `&PgPool` and `&PgRwPool` alike.
async fn work<E>(pool: E, worker: i64, until: Instant) -> Tally
where
    E: for<'c> Executor<'c, Database = Postgres> + Copy,
{
    let mut tally = Tally::default();
    let mut n = 0i64;
    while Instant::now() < until {
        let me = worker * USERS_PER_WORKER + n % USERS_PER_WORKER;
        n += 1;
        let saved =
            sqlx::query("UPDATE profiles SET visits = visits + 1 WHERE id = $1 RETURNING visits")
                .bind(me)
                .fetch_one(pool)
                .await;
        let Ok(saved) = saved else {
            tally.errors += 1;
            continue;
        };
        let visits: i64 = sqlx::Row::get(&saved, 0);
        for k in 0..9i64 {
            let id = if k == 0 {
                me
            } else {
                (me * 7 + k * 131) % (USERS_PER_WORKER * 16)
            };
            let started = Instant::now();
            let seen: Result<Option<i64>, _> =
                sqlx::query_scalar("SELECT visits FROM profiles WHERE id = $1")
                    .bind(id)
                    .fetch_optional(pool)
                    .await;
            tally.read_us.push(started.elapsed().as_micros() as u64);
            tally.reads += 1;
            match seen {
                Err(_) => tally.errors += 1,
                Ok(seen) if k == 0 && seen != Some(visits) => tally.stale += 1,
                Ok(_) => {}
            }
        }
        tally.ops += 1;
    }
    tally
}

async fn run<E>(pool: E, workers: i64, seconds: u64) -> (Tally, Duration)
where
    E: for<'c> Executor<'c, Database = Postgres> + Copy + Send + 'static,
{
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..workers)
        .map(|worker| tokio::spawn(work(pool, worker, until)))
        .collect();
    let mut total = Tally::default();
    for task in tasks {
        let t = task.await.expect("worker");
        total.ops += t.ops;
        total.reads += t.reads;
        total.stale += t.stale;
        total.errors += t.errors;
        total.read_us.extend(t.read_us);
    }
    total.read_us.sort_unstable();
    (total, started.elapsed())
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1] as f64 / 1000.0
}

fn row(name: &str, tally: &Tally, took: Duration, on_replicas: Option<u64>) {
    let share = on_replicas.map_or("0.0".to_owned(), |n| {
        format!("{:.1}", 100.0 * n as f64 / tally.reads.max(1) as f64)
    });
    println!(
        "{name:<22} {:>9.0} {:>9} {:>8} {:>7} {:>9.2} {:>9.2}",
        tally.ops as f64 / took.as_secs_f64(),
        share,
        tally.stale,
        tally.errors,
        percentile(&tally.read_us, 50.0),
        percentile(&tally.read_us, 99.0),
    );
}

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() -> Result<(), sqlx::Error> {
    let (Ok(primary), Ok(replicas)) = (
        std::env::var("SQLX_RW_PG_PRIMARY"),
        std::env::var("SQLX_RW_PG_REPLICAS"),
    ) else {
        eprintln!(
            "this demo needs a PostgreSQL primary with streaming replicas; start a private one \
             with\n\n    eval \"$(scripts/pg-cluster start)\"\n\nthen run it again (and \
             `scripts/pg-cluster stop` when done)"
        );
        std::process::exit(2);
    };
    let replicas: Vec<&str> = replicas.split(',').collect();
    let workers = arg("--workers", 16) as i64;
    let seconds = arg("--seconds", 5);

    let plain = PgPool::connect(&primary).await?;
    plain.execute("DROP TABLE IF EXISTS profiles").await?;
    plain
        .execute("CREATE TABLE profiles (id bigint PRIMARY KEY, visits bigint NOT NULL DEFAULT 0)")
        .await?;
    sqlx::query("INSERT INTO profiles (id) SELECT generate_series(0, $1)")
        .bind(USERS_PER_WORKER * workers.max(16))
        .execute(&plain)
        .await?;
    // Let the replicas have the table before anyone reads it there.
    tokio::time::sleep(Duration::from_millis(500)).await;

    println!(
        "{workers} workers, {seconds} s each; per op: 1 UPDATE of the worker's own row, then 9 \
         reads (its own row first)\n"
    );
    println!(
        "{:<22} {:>9} {:>9} {:>8} {:>7} {:>9} {:>9}",
        "pool", "ops/s", "replica%", "stale", "errors", "read p50", "read p99"
    );
    let plain: &'static PgPool = Box::leak(Box::new(plain));
    let (tally, took) = run(plain, workers, seconds).await;
    row("PgPool (primary)", &tally, took, None);

    let mut failed = false;
    for mode in [
        ReadConsistency::Task,
        ReadConsistency::Pool,
        ReadConsistency::Eventual,
    ] {
        let options = replicas
            .iter()
            .fold(PgRwPoolOptions::new(), |o, url| o.replica(url))
            .read_consistency(mode);
        let pool = options.connect(&primary).await?;
        let pool: &'static sqlx_rw::PgRwPool = Box::leak(Box::new(pool));
        let (tally, took) = run(pool, workers, seconds).await;
        let stats = pool.stats();
        let on_replicas: u64 = stats.replicas.iter().map(|r| r.reads).sum();
        row(
            &format!("PgRwPool {mode:?}"),
            &tally,
            took,
            Some(on_replicas),
        );
        failed |= tally.errors > 0 || (mode != ReadConsistency::Eventual && tally.stale > 0);
        pool.close().await;
    }
    println!(
        "\nreplica%: reads the replicas served. stale: reads of the worker's own row, right after \
         its UPDATE, that missed it. Eventual shows the stale reads Task and Pool prevent."
    );
    if failed {
        eprintln!("PgRwPool saw errors, or stale reads in Task or Pool mode");
        std::process::exit(1);
    }
    Ok(())
}
