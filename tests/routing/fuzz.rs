//! No panics, ever: arbitrary bytes, mutated SQL and pathological nesting fed to the
//! classifier. Runs in CI with a fixed case count and seed; `SQLX_RW_FUZZ=10` multiplies it.
//!
//! The time bound per input is a hang detector (a pathological input that made routing take
//! seconds), not a speed goal; speed is measured in `benches/routing.rs`.

use crate::common;

use std::time::{Duration, Instant};

use sqlx_rw::{SqliteRwPool, Target};

const HANG: Duration = Duration::from_secs(2);

const SEEDS: &[&str] = &[
    "SELECT v FROM t WHERE id = ?1",
    "WITH RECURSIVE c(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM c WHERE k < 10) SELECT * FROM c",
    "INSERT INTO t (v) VALUES ('x') ON CONFLICT (id) DO UPDATE SET v = excluded.v RETURNING id",
    "WITH x AS (SELECT 1) DELETE FROM t WHERE id IN (SELECT * FROM x)",
    "CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET n = 1; END",
    "PRAGMA table_info('t'); PRAGMA user_version = 3",
    "BEGIN IMMEDIATE; UPDATE t SET n = n + 1; COMMIT",
    "/* c */ SELECT json_extract(j, '$.a') -- tail\nFROM t",
    "SELECT id, ROW_NUMBER() OVER (PARTITION BY v ORDER BY n) FROM t",
    "VACUUM INTO 'x.db'",
];

const TOKENS: &[&str] = &[
    "(",
    ")",
    "'",
    "\"",
    "`",
    "[",
    "]",
    ";",
    "--",
    "/*",
    "*/",
    "\0",
    "\n",
    " ",
    ",",
    ".",
    "?",
    "$1",
    ":a",
    "@b",
    "SELECT",
    "DELETE",
    "WITH",
    "INSERT",
    "UPDATE",
    "BEGIN",
    "END",
    "CASE",
    "RETURNING",
    "PRAGMA",
    "temp",
    "é",
    "𝄞",
    "\u{feff}",
    "''",
    "x'00'",
    "1e999",
    "-",
];

fn mutate(rng: &mut common::Rng, seed: &str) -> String {
    let mut s: Vec<char> = seed.chars().collect();
    for _ in 0..=rng.below(4) {
        let at = rng.below(s.len() as u64 + 1) as usize;
        match rng.below(5) {
            0 if !s.is_empty() => {
                let end = (at + rng.below(8) as usize).min(s.len());
                s.drain(at.min(end)..end);
            }
            1 => {
                let token = TOKENS[rng.below(TOKENS.len() as u64) as usize];
                s.splice(at..at, token.chars());
            }
            2 => {
                let end = (at + rng.below(20) as usize).min(s.len());
                let copy: Vec<char> = s[at.min(end)..end].to_vec();
                s.splice(at..at, copy);
            }
            3 => s.truncate(at),
            _ => {
                for c in s.iter_mut().skip(at).take(10) {
                    *c = if c.is_lowercase() {
                        c.to_ascii_uppercase()
                    } else {
                        c.to_ascii_lowercase()
                    };
                }
            }
        }
    }
    s.into_iter().collect()
}

fn random_text(rng: &mut common::Rng) -> String {
    let len = rng.below(200) as usize;
    let bytes: Vec<u8> = (0..len).map(|_| rng.below(256) as u8).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Nesting far past sqlparser's recursion limit, in every form that recurses.
fn deep(form: usize, depth: usize) -> String {
    let r = |s: &str| s.repeat(depth);
    match form {
        0 => format!("SELECT {}1{}", r("("), r(")")),
        1 => format!("SELECT {}1", r("NOT ")),
        2 => format!("SELECT {}1", r("- ")),
        3 => format!("SELECT {}1{}", r("CASE WHEN 1 THEN "), r(" END")),
        4 => format!("SELECT {}1{}", r("(SELECT "), r(")")),
        5 => format!("SELECT {}1{}", r("abs("), r(")")),
        6 => format!("SELECT * FROM {}t{}", r("(SELECT * FROM "), r(")")),
        7 => format!("{}SELECT 1", r("WITH x AS (SELECT 1) ")),
        8 => format!("SELECT 1{}", r(" UNION SELECT 1")),
        _ => format!("DELETE FROM t WHERE id IN {}1{}", r("("), r(")")),
    }
}

fn route_in_time(pool: &SqliteRwPool, sql: &str) -> Target {
    let started = Instant::now();
    let route = pool.route_of(sql);
    let took = started.elapsed();
    assert!(
        took < HANG,
        "routing took {took:?} for {:?}…",
        &sql.chars().take(80).collect::<String>()
    );
    route.target()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_classifier_never_panics_or_hangs() {
    let scale: u64 = std::env::var("SQLX_RW_FUZZ")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let options = sqlx_rw::SqliteRwPoolOptions::new().verdict_cache_bytes(1 << 20);
    let (_dir, pool) = common::file_pool_with(options).await;
    let mut rng = common::Rng::new(0xF022);

    for _ in 0..20_000 * scale {
        let seed = SEEDS[rng.below(SEEDS.len() as u64) as usize];
        route_in_time(&pool, &mutate(&mut rng, seed));
    }
    for _ in 0..5_000 * scale {
        route_in_time(&pool, &random_text(&mut rng));
    }
    for form in 0..10 {
        for depth in [100, 1_000, 10_000, 50_000] {
            let target = route_in_time(&pool, &deep(form, depth));
            if form == 9 {
                assert_eq!(target, Target::Writer, "a deep DELETE stays on the writer");
            }
        }
    }
    // Over the size cap: a 10 MB IN list is routed by a linear scan, not parsed.
    let in_list = format!(
        "SELECT * FROM t WHERE id IN ({})",
        vec!["1"; 2_000_000].join(",")
    );
    assert_eq!(route_in_time(&pool, &in_list), Target::Reader);
    let delete = format!(
        "DELETE FROM t WHERE id IN ({})",
        vec!["1"; 2_000_000].join(",")
    );
    assert_eq!(route_in_time(&pool, &delete), Target::Writer);
}
