//! The contention workload, written once: the schema and the operations that the contention
//! demo (`examples/contention.rs`), the comparison benchmark (`benches/compare.rs`) and the
//! contention test (`tests/contention.rs`) all run.
//!
//! The heart of it is [`read_modify_write`]: read a counter inside a transaction, write it
//! back plus one. It is the classic lost-update shape, correct only if the transaction really
//! is serialised against every other writer, so comparing the final counter with the number of
//! acknowledged commits shows whether a pool loses updates. Around it sit an append-only
//! `events` table (one insert and one per-worker count per cycle) for the demo and the test.
//!
//! Every operation takes any SQLite executor, so the same SQL runs on a `&SqlitePool`, a
//! `&SqliteRwPool` or a connection. The transaction is begun by the caller, because how it
//! begins is what the configurations differ in: `SqlitePool::begin()` sends a deferred
//! `BEGIN`, `SqliteRwPool::begin()` queues for the writer and sends `BEGIN IMMEDIATE`, and a
//! hand-made writer pool uses `begin_with("BEGIN IMMEDIATE")`.
//!
//! Not a cargo target: it lives in a subdirectory of `examples/`, and each user includes it
//! with `#[path = "…/shared/workloads.rs"] mod workloads;`.

#![allow(dead_code)] // Each user runs only part of the workload.

use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::{Executor, Sqlite, Transaction};

/// Create the `counter` table with its one row (`id = 1`) at 0.
pub async fn create_counter<'e, E>(db: E) -> Result<(), sqlx::Error>
where
    E: Executor<'e, Database = Sqlite> + Copy,
{
    sqlx::query("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
        .execute(db)
        .await?;
    sqlx::query("INSERT INTO counter (id, n) VALUES (1, 0)")
        .execute(db)
        .await?;
    Ok(())
}

/// Read the counter, then write it back plus one, in `tx`, and commit.
///
/// Only an `Ok` counts as a committed increment: on error `tx` is dropped and rolled back.
pub async fn read_modify_write(mut tx: Transaction<'_, Sqlite>) -> Result<(), sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT n FROM counter WHERE id = 1")
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query("UPDATE counter SET n = ? WHERE id = 1")
        .bind(n + 1)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// The counter's current value: after a run, it must equal the acknowledged commits.
pub async fn read_counter<'e>(
    db: impl Executor<'e, Database = Sqlite>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT n FROM counter WHERE id = 1")
        .fetch_one(db)
        .await
}

/// Create the append-only `events` table: one row per insert, tagged with its worker.
pub async fn create_events<'e>(
    db: impl Executor<'e, Database = Sqlite>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, worker INTEGER, at INTEGER)",
    )
    .execute(db)
    .await
    .map(drop)
}

/// Insert one event for `worker`, stamped with the current time in microseconds.
pub async fn insert_event<'e>(
    db: impl Executor<'e, Database = Sqlite>,
    worker: i64,
) -> Result<(), sqlx::Error> {
    let at = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64);
    sqlx::query("INSERT INTO events (worker, at) VALUES (?, ?)")
        .bind(worker)
        .bind(at)
        .execute(db)
        .await
        .map(drop)
}

/// How many events `worker` has inserted: the point read of each cycle.
pub async fn count_events<'e>(
    db: impl Executor<'e, Database = Sqlite>,
    worker: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE worker = ?")
        .bind(worker)
        .fetch_one(db)
        .await
}

/// Every worker's events: after a run, it must equal the acknowledged inserts.
pub async fn count_all_events<'e>(
    db: impl Executor<'e, Database = Sqlite>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM events")
        .fetch_one(db)
        .await
}
