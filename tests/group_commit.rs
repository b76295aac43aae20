//! Group commit: autocommit writes queued for the writer run together in one transaction, and
//! each caller still gets exactly its own outcome.

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sqlx::Row;
use sqlx_rw::SqliteRwPool;

const TASKS: i64 = 64;
const OPS: i64 = 60;

/// What one task did, as its calls were answered.
#[derive(Default)]
struct Ledger {
    /// Keys it inserted and still has, with the rowid it was told and the value it set.
    live: HashMap<i64, (i64, i64)>,
    /// Keys in insertion order, oldest first, for deletes.
    order: Vec<i64>,
    duplicates: u64,
    rollbacks: u64,
    triggers: u64,
    writes: u64,
    unexpected: Vec<String>,
}

async fn schema(pool: &SqliteRwPool) {
    for sql in [
        "CREATE TABLE items (id INTEGER PRIMARY KEY, k INTEGER NOT NULL UNIQUE, \
         owner INTEGER NOT NULL, v INTEGER NOT NULL DEFAULT 0)",
        "CREATE TRIGGER no_negative BEFORE INSERT ON items WHEN NEW.v < 0 \
         BEGIN SELECT RAISE(ROLLBACK, 'negative v refused'); END",
        // The key every duplicate hits.
        "INSERT INTO items (k, owner) VALUES (0, -1)",
    ] {
        sqlx::query(sql).execute(pool).await.unwrap();
    }
}

fn expect_error(
    ledger: &mut Ledger,
    what: &str,
    outcome: Result<impl std::fmt::Debug, sqlx::Error>,
    needle: &str,
) -> bool {
    match outcome {
        Err(e) if e.to_string().contains(needle) => true,
        other => {
            ledger.unexpected.push(format!(
                "{what}: expected an error with {needle:?}, got {other:?}"
            ));
            false
        }
    }
}

/// One task's mix: plain INSERTs (rowid checked), INSERT … RETURNING, UPDATEs and DELETEs of
/// its own rows, a duplicate key every 10th op, and every 20th an `INSERT OR ROLLBACK` or a
/// trigger's `RAISE(ROLLBACK)`, both of which end the whole transaction they run in.
async fn mixed_task(pool: SqliteRwPool, task: i64) -> Ledger {
    let mut ledger = Ledger::default();
    for i in 0..OPS {
        ledger.writes += 1;
        let key = task * 1_000 + i + 1;
        if i % 20 == 7 {
            let outcome = sqlx::query("INSERT OR ROLLBACK INTO items (k, owner) VALUES (0, ?)")
                .bind(task)
                .execute(&pool)
                .await;
            if expect_error(&mut ledger, "INSERT OR ROLLBACK", outcome, "UNIQUE") {
                ledger.rollbacks += 1;
            }
            continue;
        }
        if i % 20 == 17 {
            let outcome = sqlx::query("INSERT INTO items (k, owner, v) VALUES (?, ?, -1)")
                .bind(key)
                .bind(task)
                .execute(&pool)
                .await;
            if expect_error(
                &mut ledger,
                "RAISE(ROLLBACK)",
                outcome,
                "negative v refused",
            ) {
                ledger.triggers += 1;
            }
            continue;
        }
        if i % 10 == 3 {
            let outcome = sqlx::query("INSERT INTO items (k, owner) VALUES (0, ?)")
                .bind(task)
                .execute(&pool)
                .await;
            if expect_error(&mut ledger, "duplicate", outcome, "UNIQUE") {
                ledger.duplicates += 1;
            }
            continue;
        }
        let kind = if ledger.order.is_empty() {
            i % 2
        } else {
            i % 4
        };
        match kind {
            0 => match sqlx::query("INSERT INTO items (k, owner) VALUES (?, ?)")
                .bind(key)
                .bind(task)
                .execute(&pool)
                .await
            {
                Ok(done) if done.rows_affected() == 1 => {
                    ledger.live.insert(key, (done.last_insert_rowid(), 0));
                    ledger.order.push(key);
                }
                other => ledger.unexpected.push(format!("INSERT {key}: {other:?}")),
            },
            1 => match sqlx::query(
                "INSERT INTO items (k, owner) VALUES (?, ?) RETURNING id, k, owner",
            )
            .bind(key)
            .bind(task)
            .fetch_all(&pool)
            .await
            {
                Ok(rows) if rows.len() == 1 => {
                    let (id, k, owner): (i64, i64, i64) =
                        (rows[0].get(0), rows[0].get(1), rows[0].get(2));
                    if (k, owner) != (key, task) {
                        ledger.unexpected.push(format!(
                            "RETURNING gave ({k}, {owner}), not ({key}, {task})"
                        ));
                    }
                    ledger.live.insert(key, (id, 0));
                    ledger.order.push(key);
                }
                other => ledger
                    .unexpected
                    .push(format!("RETURNING {key}: {other:?}")),
            },
            2 => {
                let target = ledger.order[(i as usize * 7) % ledger.order.len()];
                match sqlx::query("UPDATE items SET v = v + 1 WHERE k = ? AND owner = ?")
                    .bind(target)
                    .bind(task)
                    .execute(&pool)
                    .await
                {
                    Ok(done) if done.rows_affected() == 1 => {
                        ledger.live.get_mut(&target).unwrap().1 += 1;
                    }
                    other => ledger
                        .unexpected
                        .push(format!("UPDATE {target}: {other:?}")),
                }
            }
            _ => {
                let target = ledger.order.remove(0);
                match sqlx::query("DELETE FROM items WHERE k = ? AND owner = ?")
                    .bind(target)
                    .bind(task)
                    .execute(&pool)
                    .await
                {
                    Ok(done) if done.rows_affected() == 1 => {
                        ledger.live.remove(&target);
                    }
                    other => ledger
                        .unexpected
                        .push(format!("DELETE {target}: {other:?}")),
                }
            }
        }
    }
    ledger
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_writer_in_a_group_gets_exactly_its_own_outcome() {
    let (_dir, pool) = common::file_pool().await;
    schema(&pool).await;
    let before = pool.stats();
    let tasks: Vec<_> = (0..TASKS)
        .map(|task| tokio::spawn(mixed_task(pool.clone(), task)))
        .collect();
    let mut ledgers = Vec::new();
    for task in tasks {
        ledgers.push(task.await.unwrap());
    }
    let unexpected: Vec<&String> = ledgers.iter().flat_map(|l| &l.unexpected).collect();
    assert!(
        unexpected.is_empty(),
        "{} unexpected outcomes: {:?}",
        unexpected.len(),
        &unexpected[..unexpected.len().min(5)]
    );

    let sum = |f: fn(&Ledger) -> u64| ledgers.iter().map(f).sum::<u64>();
    let per_task =
        |every: i64, at: i64| (0..OPS).filter(|i| i % every == at).count() as u64 * TASKS as u64;
    let duplicates = (0..OPS)
        .filter(|i| i % 10 == 3 && i % 20 != 7 && i % 20 != 17)
        .count() as u64
        * TASKS as u64;
    assert_eq!(
        sum(|l| l.duplicates),
        duplicates,
        "every duplicate failed alone"
    );
    assert_eq!(sum(|l| l.rollbacks), per_task(20, 7));
    assert_eq!(sum(|l| l.triggers), per_task(20, 17));

    // Exactly the acknowledged rows, each with the rowid and value its caller was told.
    let rows = sqlx::query("SELECT id, k, owner, v FROM items WHERE k <> 0")
        .fetch_all(&pool)
        .await
        .unwrap();
    let expected: usize = ledgers.iter().map(|l| l.live.len()).sum();
    assert_eq!(
        rows.len(),
        expected,
        "rows == acknowledged inserts - acknowledged deletes"
    );
    for row in rows {
        let (id, k, owner, v): (i64, i64, i64, i64) =
            (row.get(0), row.get(1), row.get(2), row.get(3));
        let ledger = &ledgers[owner as usize];
        assert_eq!(
            ledger.live.get(&k),
            Some(&(id, v)),
            "row {k} of task {owner}"
        );
    }
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(check, "ok");

    let s = pool.stats();
    let writes = sum(|l| l.writes);
    let grouped = s.group_statements - before.group_statements;
    eprintln!(
        "{writes} writes: {} groups carried {grouped}, {} regroups, {} failures inside groups, sizes {:?}",
        s.groups, s.regroups, s.group_failures, s.group_sizes
    );
    assert!(
        grouped * 2 >= writes,
        "at least half the writes ran in groups of two or more"
    );
    assert!(
        s.group_failures > 0,
        "a group went on after a member failed"
    );
    assert!(
        s.regroups > 0,
        "a whole-transaction rollback regrouped the members before it"
    );
}

/// Statements the writer's SQLite connection ran, as its trace hook saw them.
static TRACED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

unsafe extern "C" fn record_statement(
    _event: std::ffi::c_uint,
    _context: *mut std::ffi::c_void,
    _statement: *mut std::ffi::c_void,
    sql: *mut std::ffi::c_void,
) -> std::ffi::c_int {
    // SAFETY: for SQLITE_TRACE_STMT, the last argument is the statement's text, a C string
    // valid during the callback.
    let text = unsafe { std::ffi::CStr::from_ptr(sql as *const std::ffi::c_char) };
    TRACED
        .lock()
        .unwrap()
        .push(text.to_string_lossy().into_owned());
    0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lone_writer_runs_each_statement_once_with_nothing_added() {
    let (_dir, pool) = common::file_pool().await;
    sqlx::query("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)")
        .execute(&pool)
        .await
        .unwrap();
    {
        // The writer connection (acquire() hands out the writer): count what it runs from now.
        let mut writer = pool.acquire().await.unwrap();
        let mut handle = writer.lock_handle().await.unwrap();
        // SAFETY: the locked handle is a live `sqlite3*`; the callback keeps no pointer.
        unsafe {
            libsqlite3_sys::sqlite3_trace_v2(
                handle.as_raw_handle().as_ptr(),
                libsqlite3_sys::SQLITE_TRACE_STMT,
                Some(record_statement),
                std::ptr::null_mut(),
            );
        }
    }
    TRACED.lock().unwrap().clear();
    const ROUNDS: i64 = 100;
    for i in 0..ROUNDS {
        sqlx::query("INSERT INTO t (id, v) VALUES (?, 0)")
            .bind(i)
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("UPDATE t SET v = v + 1 WHERE id = ?")
            .bind(i)
            .execute(&pool)
            .await
            .unwrap();
        let _: i64 = sqlx::query_scalar("INSERT INTO t (id, v) VALUES (?, 0) RETURNING id")
            .bind(ROUNDS + i)
            .fetch_one(&pool)
            .await
            .unwrap();
        sqlx::query("DELETE FROM t WHERE id = ?")
            .bind(i)
            .execute(&pool)
            .await
            .unwrap();
    }
    let traced = TRACED.lock().unwrap().clone();
    let writes = traced
        .iter()
        .filter(|sql| {
            ["INSERT", "UPDATE", "DELETE"]
                .iter()
                .any(|w| sql.starts_with(w))
        })
        .count();
    let added: Vec<&String> = traced
        .iter()
        .filter(|sql| {
            let upper = sql.trim_start().to_ascii_uppercase();
            ["BEGIN", "COMMIT", "END", "SAVEPOINT", "RELEASE", "ROLLBACK"]
                .iter()
                .any(|w| upper.starts_with(w))
        })
        .collect();
    assert_eq!(
        writes as i64,
        4 * ROUNDS,
        "one SQLite statement per caller statement"
    );
    assert!(
        added.is_empty(),
        "{} transaction statements added: {:?}",
        added.len(),
        &added[..added.len().min(4)]
    );
    assert_eq!(pool.stats().groups, 0, "a lone writer never forms a group");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_member_that_breaks_a_deferred_foreign_key_fails_alone() {
    let (_dir, pool) = common::file_pool().await;
    for sql in [
        "CREATE TABLE parent (id INTEGER PRIMARY KEY)",
        "CREATE TABLE child (id INTEGER PRIMARY KEY, pid INTEGER NOT NULL \
         REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)",
        "INSERT INTO parent (id) VALUES (1)",
    ] {
        sqlx::query(sql).execute(&pool).await.unwrap();
    }
    const TASKS: i64 = 32;
    const EACH: i64 = 40;
    let tasks: Vec<_> = (0..TASKS)
        .map(|task| {
            let pool = pool.clone();
            tokio::spawn(async move {
                let (mut ok, mut refused, mut unexpected) = (0i64, 0i64, Vec::new());
                for i in 0..EACH {
                    // Every 8th child names a parent that does not exist.
                    let orphan = (task + i) % 8 == 0;
                    let outcome = sqlx::query("INSERT INTO child (id, pid) VALUES (?, ?)")
                        .bind(task * 1_000 + i)
                        .bind(if orphan { 99 } else { 1 })
                        .execute(&pool)
                        .await;
                    match (orphan, outcome) {
                        (false, Ok(_)) => ok += 1,
                        (true, Err(e)) if e.to_string().contains("FOREIGN KEY") => refused += 1,
                        (_, other) => unexpected.push(format!("{other:?}")),
                    }
                }
                (ok, refused, unexpected)
            })
        })
        .collect();
    let (mut ok, mut refused) = (0, 0);
    for task in tasks {
        let (o, r, unexpected) = task.await.unwrap();
        assert!(unexpected.is_empty(), "{unexpected:?}");
        ok += o;
        refused += r;
    }
    assert_eq!(refused, TASKS * EACH / 8, "every orphan refused");
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM child")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(rows, ok, "every other child committed");
    let orphans: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM child WHERE pid <> 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(orphans, 0);
    assert!(pool.stats().groups > 0, "the writes ran in groups");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_cancellation_storm_leaves_groups_consistent_and_the_writer_free() {
    let (_dir, pool) = common::file_pool().await;
    sqlx::query("CREATE TABLE t (id INTEGER PRIMARY KEY)")
        .execute(&pool)
        .await
        .unwrap();
    let attempted = Arc::new(AtomicU64::new(0));
    let tasks: Vec<_> = (0..64u64)
        .map(|task| {
            let (pool, attempted) = (pool.clone(), attempted.clone());
            tokio::spawn(async move {
                let mut rng = common::Rng::new(task + 1);
                let mut acked = Vec::new();
                for i in 0..150u64 {
                    let id = (task * 1_000 + i) as i64;
                    attempted.fetch_add(1, Ordering::Relaxed);
                    let write = sqlx::query("INSERT INTO t (id) VALUES (?)")
                        .bind(id)
                        .execute(&pool);
                    // Most are cancelled somewhere between queueing and their group's commit.
                    let within = Duration::from_micros(rng.below(1_500));
                    match tokio::time::timeout(within, write).await {
                        Ok(Ok(_)) => acked.push(id),
                        Ok(Err(e)) => panic!("a write failed: {e}"),
                        Err(_) => {}
                    }
                }
                acked
            })
        })
        .collect();
    let mut acked = Vec::new();
    for task in tasks {
        acked.extend(task.await.unwrap());
    }
    // The writer is free and in no transaction: a write and a typed transaction go through.
    let after = tokio::time::timeout(Duration::from_secs(10), async {
        sqlx::query("INSERT INTO t (id) VALUES (-1)")
            .execute(&pool)
            .await?;
        let mut tx = pool.begin().await?;
        sqlx::query("INSERT INTO t (id) VALUES (-2)")
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    })
    .await;
    assert!(
        matches!(after, Ok(Ok(()))),
        "the writer is stuck: {after:?}"
    );
    let present: Vec<i64> = sqlx::query_scalar("SELECT id FROM t WHERE id >= 0")
        .fetch_all(&pool)
        .await
        .unwrap();
    let present: std::collections::HashSet<i64> = present.into_iter().collect();
    let missing = acked.iter().filter(|id| !present.contains(id)).count();
    assert_eq!(missing, 0, "every acknowledged write is there");
    assert!(present.len() as u64 <= attempted.load(Ordering::Relaxed));
    let s = pool.stats();
    eprintln!(
        "{} attempted, {} acknowledged, {} present; {} groups carried {}",
        attempted.load(Ordering::Relaxed),
        acked.len(),
        present.len(),
        s.groups,
        s.group_statements
    );
    assert_eq!(s.writer_queue, 0, "nobody left waiting");
    assert!(s.groups > 0, "groups formed during the storm");
    assert!(
        acked.len() > 100 && acked.len() < present.len() + 1,
        "{} acknowledged",
        acked.len()
    );
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(check, "ok");
}
