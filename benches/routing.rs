//! What routing costs: a parse (cache miss) per statement class, a cache hit, and the cache's
//! memory for 100k distinct statements. Run with `cargo bench --bench routing`.
//!
//! The plain alternative to a cached verdict is parsing every statement; the ratio column
//! says how many hits fit in one parse. For scale: a statement's round trip through sqlx's
//! SQLite driver is about 50 µs on the reference machine.

use std::hint::black_box;
use std::time::{Duration, Instant};

use sqlx_rw::{SqliteRwPool, SqliteRwPoolOptions};

/// Median of `rounds` timings of `iters` calls each, per call.
fn measure(rounds: usize, iters: usize, mut f: impl FnMut(usize)) -> Duration {
    let mut samples: Vec<Duration> = (0..rounds)
        .map(|round| {
            let started = Instant::now();
            for i in 0..iters {
                f(round * iters + i);
            }
            started.elapsed() / iters as u32
        })
        .collect();
    samples.sort();
    samples[rounds / 2]
}

fn fmt(d: Duration) -> String {
    let ns = d.as_nanos();
    if ns >= 10_000 {
        format!("{:.1} µs", ns as f64 / 1000.0)
    } else {
        format!("{ns} ns")
    }
}

async fn open(cache_bytes: usize, dir: &tempfile::TempDir, name: &str) -> SqliteRwPool {
    SqliteRwPoolOptions::new()
        .verdict_cache_bytes(cache_bytes)
        .connect_with(sqlx::sqlite::SqliteConnectOptions::new().filename(dir.path().join(name)))
        .await
        .expect("open pool")
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let pool = open(64 << 20, &dir, "bench.db").await;

    let in_list = |n: usize| (0..n).map(|i| i.to_string()).collect::<Vec<_>>().join(",");
    let big_in = in_list(200);
    let near_cap = in_list(3_000);
    let huge = in_list(11_000);
    let giant = in_list(200_000);
    type Class = (&'static str, Box<dyn Fn(usize) -> String>);
    let classes: Vec<Class> = vec![
        (
            "point SELECT",
            Box::new(|i| format!("SELECT v FROM t WHERE id = {i}")),
        ),
        (
            "CTE join",
            Box::new(|i| {
                format!(
                    "WITH recent AS (SELECT id, v FROM t WHERE n > {i} ORDER BY n DESC LIMIT 10) \
             SELECT r.v, u.note FROM recent r JOIN u ON u.t_id = r.id WHERE u.note LIKE '%x%'"
                )
            }),
        ),
        (
            "INSERT … ON CONFLICT",
            Box::new(|i| {
                format!(
            "INSERT INTO t (id, v) VALUES ({i}, 'x') ON CONFLICT (id) DO UPDATE SET v = excluded.v")
            }),
        ),
        (
            "WITH … DELETE",
            Box::new(|i| {
                format!(
            "WITH old AS (SELECT id FROM t WHERE n < {i}) DELETE FROM t WHERE id IN (SELECT id FROM old)")
            }),
        ),
        (
            "PRAGMA table_info (unparsed)",
            Box::new(|i| format!("PRAGMA table_info(t{i})")),
        ),
        (
            "SELECT with 200-item IN",
            Box::new(move |i| format!("SELECT * FROM t WHERE id IN ({big_in}, {i})")),
        ),
        (
            "15 KB statement (parsed)",
            Box::new(move |i| format!("SELECT * FROM t WHERE id IN ({near_cap}, {i})")),
        ),
        (
            "60 KB statement (scanned)",
            Box::new(move |i| format!("SELECT * FROM t WHERE id IN ({huge}, {i})")),
        ),
        (
            "1.3 MB statement (scanned)",
            Box::new(move |i| format!("SELECT * FROM t WHERE id IN ({giant}, {i})")),
        ),
    ];

    println!("Routing cost per statement (median of 5 rounds)\n");
    println!(
        "{:<30} {:>14} {:>12} {:>10}",
        "statement class", "parse (miss)", "cache hit", "miss/hit"
    );
    for (name, make) in &classes {
        let len = make(0).len();
        let (rounds, iters) = if len > 500_000 {
            (5, 3)
        } else if len > 10_000 {
            (5, 20)
        } else {
            (5, 2_000)
        };
        // Distinct text every call: each one is a miss and a parse.
        let miss = measure(rounds, iters, |i| {
            black_box(pool.route_of(&make(1_000_000 + i)));
        });
        let hot = make(7);
        pool.route_of(&hot);
        let hit = measure(rounds, iters.max(20) * 10, |_| {
            black_box(pool.route_of(black_box(&hot)));
        });
        println!(
            "{name:<30} {:>14} {:>12} {:>9.0}×",
            fmt(miss),
            fmt(hit),
            miss.as_secs_f64() / hit.as_secs_f64()
        );
    }

    // Trace comments that change per request (sqlcommenter) must not defeat the cache.
    let base = "SELECT v FROM t WHERE id = ?";
    pool.route_of(base);
    let before = pool.stats().cache_misses;
    let commented = measure(5, 2_000, |i| {
        black_box(pool.route_of(&format!("/* traceparent='00-{i:032x}-01' */ {base}")));
    });
    let misses = pool.stats().cache_misses - before;
    println!(
        "{:<30} {:>14} {:>12}",
        "varying trace comment",
        "-",
        fmt(commented)
    );
    println!("  (10,000 distinct comments, {misses} parses)");

    println!("\nVerdict cache memory for 100,000 distinct statements\n");
    for budget in [8 << 20, 1 << 30] {
        let pool = open(budget, &dir, &format!("mem{budget}.db")).await;
        for i in 0..100_000 {
            pool.route_of(&format!(
                "SELECT v, n FROM t WHERE id = {i} AND v = 'some value'"
            ));
        }
        let stats = pool.stats();
        println!(
            "budget {:>5} MiB: {:>7} entries kept, {:>6.2} MiB held",
            budget >> 20,
            stats.cache_entries,
            stats.cache_bytes as f64 / (1 << 20) as f64
        );
    }
}
