//! `PgRwPool` when servers fail: a replica that lags, is killed, or stops answering; a primary
//! that stops and comes back. Each test runs its own cluster (`scripts/pg-cluster`), since it
//! breaks it.

#[path = "common/pg.rs"]
mod pg;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::AssertSqlSafe;
use sqlx_rw::{PgRwPool, PgRwPoolOptions, ReadConsistency, RwErrorKind};

async fn cluster_and_pool(
    name: &str,
    options: PgRwPoolOptions,
) -> Option<(pg::Cluster, PgRwPool, String)> {
    let dir = format!("/tmp/sqlx-rw-pg-{name}-{}", std::process::id());
    let cluster = pg::own(&dir)?;
    let options = cluster
        .replicas
        .iter()
        .fold(options, |o, url| o.replica(url));
    let pool = options
        .connect(&cluster.primary)
        .await
        .expect("open PgRwPool");
    let table = pg::unique(name);
    sqlx::query(AssertSqlSafe(format!(
        "CREATE TABLE {table} (id bigint PRIMARY KEY, v bigint)"
    )))
    .execute(&pool)
    .await
    .unwrap();
    Some((cluster, pool, table))
}

/// `scripts/pg-cluster node …`, run without holding up the runtime's other tasks (a blocking
/// call on a worker would stall a task waiting in that worker's slot).
fn node(cluster: &pg::Cluster, name: &str, action: &str) {
    tokio::task::block_in_place(|| pg::node(cluster, name, action));
}

/// Stops the cluster when the test ends, passed or not.
struct Teardown(pg::Cluster);

impl Drop for Teardown {
    fn drop(&mut self) {
        pg::stop(&self.0);
    }
}

/// What a read load saw: failed reads, stale reads, reads; reads of older rows (outside the
/// write-then-read steps) and how many of those replicas served.
#[derive(Debug, Default, Clone, Copy)]
struct Load {
    failed: u64,
    stale: u64,
    reads: u64,
    outside: u64,
    outside_on_replicas: u64,
}

/// 8 tasks read existing rows (and write-then-read their own) until `stop`: the number of
/// failed reads, stale reads and reads done.
fn read_load(
    pool: &PgRwPool,
    table: &str,
    stop: &Arc<AtomicBool>,
    slowest: &Arc<AtomicU64>,
) -> Vec<tokio::task::JoinHandle<Load>> {
    (0..8u64)
        .map(|task| {
            let (pool, table, stop) = (pool.clone(), table.to_owned(), Arc::clone(stop));
            let slowest = Arc::clone(slowest);
            tokio::spawn(async move {
                let mut load = Load::default();
                let (mut failed, mut stale, mut reads) = (0, 0, 0);
                let mut round = 0i64;
                while !stop.load(Ordering::Relaxed) {
                    let id = (task as i64) * 1_000_000 + round;
                    let wrote = sqlx::query(AssertSqlSafe(format!(
                        "INSERT INTO {table} VALUES ($1, $2)"
                    )))
                    .bind(id)
                    .bind(round)
                    .execute(&pool)
                    .await
                    .is_ok();
                    for _ in 0..9 {
                        reads += 1;
                        let started = Instant::now();
                        let seen: Result<Option<i64>, _> = sqlx::query_scalar(AssertSqlSafe(
                            format!("SELECT v FROM {table} WHERE id = $1"),
                        ))
                        .bind(id)
                        .fetch_optional(&pool)
                        .await;
                        slowest.fetch_max(started.elapsed().as_millis() as u64, Ordering::Relaxed);
                        match seen {
                            Err(error) => {
                                eprintln!("read failed: {error}");
                                failed += 1;
                            }
                            Ok(seen) if wrote && seen != Some(round) => stale += 1,
                            Ok(_) => {}
                        }
                    }
                    if round >= 10 {
                        let old = id - 10;
                        let where_: Result<bool, _> = sqlx::query_scalar(AssertSqlSafe(format!(
                            "SELECT pg_is_in_recovery() FROM (SELECT v FROM {table} WHERE id = $1) s \
                             RIGHT JOIN (SELECT 1) one ON true"
                        )))
                        .bind(old)
                        .fetch_one(&pool)
                        .await;
                        load.outside += 1;
                        match where_ {
                            Ok(on_replica) => load.outside_on_replicas += u64::from(on_replica),
                            Err(error) => {
                                eprintln!("read failed: {error}");
                                failed += 1;
                            }
                        }
                    }
                    round += 1;
                }
                load.failed = failed;
                load.stale = stale;
                load.reads = reads + load.outside;
                load
            })
        })
        .collect()
}

/// The loads' sums, and the share of reads outside the write-then-read steps on replicas.
async fn totals(tasks: Vec<tokio::task::JoinHandle<Load>>) -> (u64, u64, u64, f64) {
    let mut sum = Load::default();
    for task in tasks {
        let load = task.await.unwrap();
        sum.failed += load.failed;
        sum.stale += load.stale;
        sum.reads += load.reads;
        sum.outside += load.outside;
        sum.outside_on_replicas += load.outside_on_replicas;
    }
    assert!(sum.outside > 100, "the load read older rows: {sum:?}");
    let share = sum.outside_on_replicas as f64 / sum.outside as f64;
    (sum.failed, sum.stale, sum.reads, share)
}

async fn wait_for(what: &str, within: Duration, check: impl Fn() -> bool) -> Duration {
    let started = Instant::now();
    while !check() {
        assert!(started.elapsed() < within, "{what}: not within {within:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    started.elapsed()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_replica_whose_replay_is_paused_leaves_rotation_and_returns_when_resumed() {
    let options = PgRwPoolOptions::new()
        .max_replica_lag(256 * 1024)
        .replica_check_interval(Duration::from_millis(50));
    let Some((cluster, pool, table)) = cluster_and_pool("lag", options).await else {
        return;
    };
    let _teardown = Teardown(cluster.clone());
    let paused = sqlx::PgPool::connect(&cluster.replicas[0]).await.unwrap();
    sqlx::query("SELECT pg_wal_replay_pause()")
        .execute(&paused)
        .await
        .unwrap();
    // Well past the lag bound: about 2 MB of WAL.
    sqlx::query(AssertSqlSafe(format!(
        "INSERT INTO {table} SELECT g, g FROM generate_series(10000000, 10020000) g"
    )))
    .execute(&pool)
    .await
    .unwrap();
    let took = wait_for("replica 1 out of rotation", Duration::from_secs(5), || {
        pool.stats().replicas[0].state == "lagging"
    })
    .await;
    eprintln!("paused replica out of rotation after {took:?}");
    // The other replica replays the same 2 MB and may be past the bound for a moment too: the
    // measure starts once it is back in rotation (everything it says is of it serving alone).
    wait_for("replica 2 in rotation", Duration::from_secs(10), || {
        pool.stats().replicas[1].state == "up"
    })
    .await;
    let before = pool.stats().replicas.clone();
    let stop = Arc::new(AtomicBool::new(false));
    let slowest = Arc::new(AtomicU64::new(0));
    let load = read_load(&pool, &table, &stop, &slowest);
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop.store(true, Ordering::Relaxed);
    let (failed, stale, reads, share) = totals(load).await;
    assert!(
        share >= 0.9,
        "replicas served {:.1} % of the reads of older rows",
        share * 100.0
    );
    let after = pool.stats().replicas.clone();
    assert_eq!((failed, stale), (0, 0), "of {reads} reads");
    assert_eq!(
        after[0].reads, before[0].reads,
        "no read went to the lagging replica"
    );
    // With the lagging one out, the reads of older rows (>= 90 % on replicas, above) can
    // only have been served by the other.
    assert!(
        after[1].reads > before[1].reads,
        "the other replica served reads"
    );
    sqlx::query("SELECT pg_wal_replay_resume()")
        .execute(&paused)
        .await
        .unwrap();
    let took = wait_for(
        "replica 1 back in rotation",
        Duration::from_secs(10),
        || pool.stats().replicas[0].healthy,
    )
    .await;
    eprintln!("resumed replica back in rotation after {took:?}");
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_replica_that_trails_in_time_leaves_rotation_but_an_idle_primary_trails_none() {
    let delay = Duration::from_millis(300);
    let options = PgRwPoolOptions::new()
        // Bytes cannot take it out: only time.
        .max_replica_lag(u64::MAX)
        .max_replica_delay(delay)
        .replica_check_interval(Duration::from_millis(50));
    let Some((cluster, pool, table)) = cluster_and_pool("delay", options).await else {
        return;
    };
    let _teardown = Teardown(cluster.clone());
    let insert = format!("INSERT INTO {table} VALUES ($1, $1)");
    sqlx::query(AssertSqlSafe(insert.clone()))
        .bind(0i64)
        .execute(&pool)
        .await
        .unwrap();
    wait_for(
        "both replicas replay the first write",
        Duration::from_secs(5),
        || {
            pool.stats().freshness_marks == 0
                && pool
                    .stats()
                    .replicas
                    .iter()
                    .all(|r| r.healthy && r.behind.is_zero())
        },
    )
    .await;
    let paused = sqlx::PgPool::connect(&cluster.replicas[0]).await.unwrap();
    sqlx::query("SELECT pg_wal_replay_pause()")
        .execute(&paused)
        .await
        .unwrap();
    // Nothing written for more than three times the bound: a replica that has every write
    // the pool made is not behind, however long ago its last replayed commit was.
    tokio::time::sleep(delay * 4).await;
    let idle = pool.stats().replicas;
    assert!(
        idle.iter().all(|r| r.healthy && r.behind.is_zero()),
        "an idle primary made a replica look behind: {idle:?}"
    );
    // A small write every 20 ms: a few hundred bytes a second, behind in time only.
    let stop = Arc::new(AtomicBool::new(false));
    let writes = {
        let (pool, insert, stop) = (pool.clone(), insert.clone(), Arc::clone(&stop));
        tokio::spawn(async move {
            let mut id = 1i64;
            while !stop.load(Ordering::Relaxed) {
                sqlx::query(AssertSqlSafe(insert.clone()))
                    .bind(id)
                    .execute(&pool)
                    .await
                    .unwrap();
                id += 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            id - 1
        })
    };
    // Both read in one snapshot: the replaying replica may itself trail past the bound for a
    // check when the machine stalls, and is back at the next.
    let seen = std::cell::RefCell::new(None);
    let took = wait_for(
        "paused replica out of rotation, the replaying one in",
        Duration::from_secs(5),
        || {
            let replicas = pool.stats().replicas;
            let both = replicas[0].state == "lagging" && replicas[1].healthy;
            seen.replace(Some(replicas));
            both
        },
    )
    .await;
    let during = seen.into_inner().expect("one snapshot at least");
    eprintln!("replica paused under small writes: out of rotation after {took:?}: {during:?}");
    assert!(during[0].behind > delay, "{during:?}");
    assert!(during[1].healthy, "the replaying one stays: {during:?}");
    sqlx::query("SELECT pg_wal_replay_resume()")
        .execute(&paused)
        .await
        .unwrap();
    let took = wait_for("resumed replica back", Duration::from_secs(5), || {
        pool.stats().replicas[0].healthy
    })
    .await;
    eprintln!("resumed replica back in rotation after {took:?}");
    stop.store(true, Ordering::Relaxed);
    let written = writes.await.unwrap();
    assert!(written >= 5, "the writes ran: {written}");
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_write_ending_at_a_wal_page_boundary_is_seen_replayed_once_the_primary_is_idle() {
    let options = PgRwPoolOptions::new()
        .max_replica_delay(Duration::from_millis(300))
        // Long enough that a replica that never reaches the write shows as a read on the
        // primary, not as a lost race.
        .replica_wait(Duration::from_secs(1))
        .replica_check_interval(Duration::from_millis(50));
    let Some((cluster, pool, table)) = cluster_and_pool("page", options).await else {
        return;
    };
    let _teardown = Teardown(cluster.clone());
    let raw = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect(&cluster.primary)
        .await
        .unwrap();
    let insert = format!("INSERT INTO {table} VALUES ($1, $1)");
    // Autocommit writes until one leaves the insert position right after a page header (the
    // last record ended on the page boundary): about one write in a thousand.
    let mut hit = None;
    for id in 0..50_000i64 {
        sqlx::query(AssertSqlSafe(insert.clone()))
            .bind(id)
            .execute(&pool)
            .await
            .unwrap();
        let offset: i64 = sqlx::query_scalar(
            "SELECT (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::int8 \
             % current_setting('wal_block_size')::int8",
        )
        .fetch_one(&raw)
        .await
        .unwrap();
        if offset == 24 {
            hit = Some(id);
            break;
        }
    }
    let id = hit.expect("a write ended on a WAL page boundary");
    eprintln!("write {id} ended on a WAL page boundary");
    let before = pool.stats().fresh_reads_on_writer;
    let on_replica: Option<bool> = sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT pg_is_in_recovery() FROM {table} WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&pool)
    .await
    .unwrap();
    assert_eq!(
        on_replica,
        Some(true),
        "the task's read of its write ran on a replica"
    );
    assert_eq!(pool.stats().fresh_reads_on_writer, before);
    // The primary is idle now: every replica is seen past the write (polled, as a loaded
    // machine may take more than a check or two to replay the loop's last writes).
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let stats = pool.stats();
        let passed = stats.freshness_marks == 0
            && stats
                .replicas
                .iter()
                .all(|r| r.healthy && r.behind.is_zero());
        if passed {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not every replica passed the write within 10 s: {} marks, {:?}",
            stats.freshness_marks,
            stats.replicas
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killing_a_replica_under_load_fails_no_read() {
    let options = PgRwPoolOptions::new().replica_check_interval(Duration::from_millis(50));
    let Some((cluster, pool, table)) = cluster_and_pool("kill", options).await else {
        return;
    };
    let _teardown = Teardown(cluster.clone());
    let stop = Arc::new(AtomicBool::new(false));
    let slowest = Arc::new(AtomicU64::new(0));
    let load = read_load(&pool, &table, &stop, &slowest);
    tokio::time::sleep(Duration::from_millis(500)).await;
    node(&cluster, "replica1", "kill");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let during = pool.stats();
    node(&cluster, "replica1", "start");
    let took = wait_for(
        "killed replica back in rotation",
        Duration::from_secs(15),
        || pool.stats().replicas[0].healthy,
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    let (failed, stale, reads, share) = totals(load).await;
    assert!(
        share >= 0.9,
        "replicas served {:.1} % of the reads of older rows",
        share * 100.0
    );
    eprintln!(
        "kill -9: {reads} reads, {failed} failed, {stale} stale, {} retried on the primary, back after {took:?}",
        pool.stats().read_retries
    );
    assert_eq!(during.replicas[0].state, "down", "{:?}", during.replicas);
    assert_eq!((failed, stale), (0, 0), "of {reads} reads");
    let after = pool.stats();
    assert!(
        after.replicas[0].reads > during.replicas[0].reads,
        "reads came back to it"
    );
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_replica_that_stops_answering_is_given_up_within_the_read_timeout() {
    let timeout = Duration::from_millis(300);
    let options = PgRwPoolOptions::new()
        .replica_read_timeout(timeout)
        .replica_check_interval(Duration::from_millis(50));
    let Some((cluster, pool, table)) = cluster_and_pool("stop", options).await else {
        return;
    };
    let _teardown = Teardown(cluster.clone());
    let slowest = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let load = read_load(&pool, &table, &stop, &slowest);
    // A probe of our own: the slowest single read while the replica is stopped.
    let probe = {
        let (pool, slowest, stop) = (pool.clone(), Arc::clone(&slowest), Arc::clone(&stop));
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let started = Instant::now();
                let _: i32 = sqlx::query_scalar("SELECT 1")
                    .fetch_one(&pool)
                    .await
                    .unwrap();
                slowest.fetch_max(started.elapsed().as_millis() as u64, Ordering::Relaxed);
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    node(&cluster, "replica2", "pause");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let during = pool.stats();
    node(&cluster, "replica2", "resume");
    stop.store(true, Ordering::Relaxed);
    let (failed, stale, reads, share) = totals(load).await;
    // While one of two replicas is stopped the other carries every read, and reads that must
    // wait for it past `replica_wait` run on the primary: the share is reported, not bounded.
    eprintln!(
        "SIGSTOP: {:.1} % of the reads of older rows on replicas",
        share * 100.0
    );
    probe.await.unwrap();
    let slowest = Duration::from_millis(slowest.load(Ordering::Relaxed));
    eprintln!(
        "SIGSTOP: {reads} reads, {failed} failed, {stale} stale, {} retried on the primary, \
         slowest probe read {slowest:?}",
        pool.stats().read_retries
    );
    assert_eq!(during.replicas[1].state, "down", "{:?}", during.replicas);
    assert_eq!((failed, stale), (0, 0), "of {reads} reads");
    assert!(slowest < timeout * 3, "a read hung for {slowest:?}");
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_stopped_primary_fails_writes_clearly_while_reads_go_on_and_writes_resume_after() {
    let options = PgRwPoolOptions::new()
        .acquire_timeout(Duration::from_secs(2))
        .read_consistency(ReadConsistency::Eventual);
    let Some((cluster, pool, table)) = cluster_and_pool("primary", options).await else {
        return;
    };
    let _teardown = Teardown(cluster.clone());
    let insert = format!("INSERT INTO {table} VALUES ($1, $1)");
    sqlx::query(AssertSqlSafe(insert.clone()))
        .bind(1i64)
        .execute(&pool)
        .await
        .unwrap();
    node(&cluster, "primary", "stop");
    let error = sqlx::query(AssertSqlSafe(insert.clone()))
        .bind(2i64)
        .execute(&pool)
        .await
        .unwrap_err();
    eprintln!("write with the primary stopped: {error}");
    let kind = error
        .as_database_error()
        .and_then(|e| e.try_downcast_ref::<sqlx_rw::RwPoolError>())
        .map(|e| e.kind());
    // The connection the write was sent on learns of the shutdown from the server itself
    // (57P01, nothing ran); with that connection gone, the pool says the primary is unreachable.
    let code = error
        .as_database_error()
        .and_then(|e| e.code())
        .map(|c| c.into_owned());
    assert!(
        code.as_deref() == Some("57P01") || kind == Some(RwErrorKind::WriterUnreachable),
        "{error:?}"
    );
    let started = Instant::now();
    let error = sqlx::query(AssertSqlSafe(insert.clone()))
        .bind(2i64)
        .execute(&pool)
        .await
        .unwrap_err();
    eprintln!(
        "next write with the primary stopped, after {:?}: {error}",
        started.elapsed()
    );
    let kind = error
        .as_database_error()
        .and_then(|e| e.try_downcast_ref::<sqlx_rw::RwPoolError>())
        .map(|e| e.kind());
    assert_eq!(kind, Some(RwErrorKind::WriterUnreachable), "{error:?}");
    assert!(error.to_string().contains("primary is down or unreachable"));
    for _ in 0..50 {
        let n: i64 = sqlx::query_scalar(AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(n, 1, "reads go on from the replicas");
    }
    node(&cluster, "primary", "start");
    let mut resumed = None;
    for attempt in 0..20 {
        match sqlx::query(AssertSqlSafe(insert.clone()))
            .bind(3i64)
            .execute(&pool)
            .await
        {
            Ok(_) => {
                resumed = Some(attempt);
                break;
            }
            Err(error) => {
                eprintln!("write {attempt} after restart: {error}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    let resumed = resumed.expect("writes resume once the primary is back");
    assert!(resumed <= 2, "writes resumed only after {resumed} failures");
    let n: i64 = sqlx::query_scalar(AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
        .fetch_one(pool.writer())
        .await
        .unwrap();
    assert_eq!(n, 2);
    pool.close().await;
}
