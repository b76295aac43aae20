//! Helpers shared by the integration tests: fresh database files and a small deterministic RNG.
#![allow(dead_code)]

pub mod capture;
pub mod child;
pub mod doc_block;
pub mod my;
pub mod pg;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx_rw::{SqliteRwPool, SqliteRwPoolOptions};
use tempfile::TempDir;

/// A fresh `RwPool` on a new file in a temp directory (kept alive by the returned guard).
pub async fn file_pool() -> (TempDir, SqliteRwPool) {
    file_pool_with(SqliteRwPoolOptions::new()).await
}

pub async fn file_pool_with(options: SqliteRwPoolOptions) -> (TempDir, SqliteRwPool) {
    let dir = tempfile::tempdir().expect("temp dir");
    let pool = options
        .connect_with(SqliteConnectOptions::new().filename(dir.path().join("test.db")))
        .await
        .expect("open pool");
    (dir, pool)
}

/// A plain sqlx connection to `file` in `dir`, outside the pool: "another process", or a
/// check of what really is on disk.
pub async fn plain_connection(dir: &TempDir, file: &str) -> sqlx::SqliteConnection {
    use sqlx::Connection;
    sqlx::SqliteConnection::connect_with(
        &SqliteConnectOptions::new().filename(dir.path().join(file)),
    )
    .await
    .expect("open a plain connection")
}

/// xorshift64*: enough randomness to spread cancellations, and reproducible from a seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

/// The pool error kind inside `err`, if it is one of the pool's own.
pub fn rw_kind(err: &sqlx::Error) -> Option<sqlx_rw::RwErrorKind> {
    sqlx_rw::RwPoolError::of(err).map(|e| e.kind())
}

/// `tasks` tasks each insert `each` rows into `t (x)` through `pool` at once: writes that
/// queue for the writer while it is busy, so they run in group commits.
pub async fn insert_concurrently(pool: &SqliteRwPool, tasks: usize, each: i64) {
    let writers: Vec<_> = (0..tasks)
        .map(|_| {
            let pool = pool.clone();
            tokio::spawn(async move {
                for x in 0..each {
                    sqlx::query("INSERT INTO t VALUES (?)")
                        .bind(x)
                        .execute(&pool)
                        .await
                        .unwrap();
                }
            })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap();
    }
}

/// Hold the writer (`acquire()` hands it out), start writes with `start`, and return once
/// `count` of them wait in its queue, with the held connection: dropped, it lets the first
/// writer in, which takes the others into its group.
pub async fn queue_behind_writer<T>(
    pool: &SqliteRwPool,
    count: u64,
    start: impl FnOnce() -> T,
) -> (sqlx::pool::PoolConnection<sqlx::Sqlite>, T) {
    let held = pool.acquire().await.expect("the writer");
    let started = start();
    tokio::time::timeout(std::time::Duration::from_secs(10), async {
        while pool.stats().writer_queue < count {
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
    })
    .await
    .expect("the writes queue behind the held writer");
    (held, started)
}
