//! `MySqlRwPool` when replicas fail: replication stopped, a replica killed under load. Each
//! test runs its own MariaDB cluster (`scripts/mariadb-cluster`), since it breaks it.

#[path = "common/my.rs"]
mod my;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::AssertSqlSafe;
use sqlx_rw::{MySqlRwPool, MySqlRwPoolOptions};

async fn cluster_and_pool(
    name: &str,
    options: MySqlRwPoolOptions,
) -> Option<(my::Cluster, MySqlRwPool)> {
    let dir = format!("/tmp/sqlx-rw-mariadb-{name}-{}", std::process::id());
    let cluster = my::own(&dir)?;
    let pool = cluster
        .replicas
        .iter()
        .fold(options, |o, url| o.replica(url))
        .connect(&cluster.primary)
        .await
        .expect("open MySqlRwPool");
    sqlx::query("CREATE TABLE t (id BIGINT PRIMARY KEY, v BIGINT)")
        .execute(&pool)
        .await
        .unwrap();
    Some((cluster, pool))
}

/// `scripts/mariadb-cluster node …`, off the runtime's worker slot.
fn node(cluster: &my::Cluster, name: &str, action: &str) {
    tokio::task::block_in_place(|| my::node(cluster, name, action));
}

/// Stops the cluster when the test ends, passed or not.
struct Teardown(my::Cluster);

impl Drop for Teardown {
    fn drop(&mut self) {
        my::stop(&self.0);
    }
}

async fn wait_for(what: &str, within: Duration, check: impl Fn() -> bool) -> Duration {
    let started = Instant::now();
    while !check() {
        assert!(started.elapsed() < within, "{what}: not within {within:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    started.elapsed()
}

/// What a load saw: failed reads, stale reads, reads; reads of older rows (outside the
/// write-then-read steps) and how many of those replicas served.
#[derive(Debug, Default)]
struct Load {
    failed: u64,
    stale: u64,
    reads: u64,
    outside: u64,
    outside_on_replicas: u64,
}

/// Reads an older row and says where it ran: 1 on a replica (`read_only`), 0 on the primary.
const OLDER_ROW_WHERE: &str = "SELECT CAST(g.VARIABLE_VALUE = 'ON' AS SIGNED) \
     FROM information_schema.GLOBAL_VARIABLES g \
     WHERE g.VARIABLE_NAME = 'READ_ONLY' AND EXISTS (SELECT 1 FROM t WHERE id = ?)";

/// 8 tasks insert a row, then read it back 9 times, and read a row written 10 rounds before
/// from another task's point of view, until `stop`.
fn read_load(pool: &MySqlRwPool, stop: &Arc<AtomicBool>) -> Vec<tokio::task::JoinHandle<Load>> {
    (0..8i64)
        .map(|task| {
            let (pool, stop) = (pool.clone(), stop.clone());
            tokio::spawn(async move {
                let mut load = Load::default();
                let mut round = 0i64;
                while !stop.load(Ordering::Relaxed) {
                    let id = task * 1_000_000 + round;
                    let wrote = sqlx::query("INSERT INTO t VALUES (?, ?)")
                        .bind(id)
                        .bind(round)
                        .execute(&pool)
                        .await
                        .is_ok();
                    for _ in 0..9 {
                        load.reads += 1;
                        let seen: Result<Option<i64>, _> =
                            sqlx::query_scalar(AssertSqlSafe("SELECT v FROM t WHERE id = ?"))
                                .bind(id)
                                .fetch_optional(&pool)
                                .await;
                        match seen {
                            Err(error) => {
                                eprintln!("read failed: {error}");
                                load.failed += 1;
                            }
                            Ok(seen) if wrote && seen != Some(round) => load.stale += 1,
                            Ok(_) => {}
                        }
                    }
                    if round >= 10 {
                        load.outside += 1;
                        let on_replica: Result<Option<i64>, _> =
                            sqlx::query_scalar(OLDER_ROW_WHERE)
                                .bind(id - 10)
                                .fetch_optional(&pool)
                                .await;
                        match on_replica {
                            Ok(on) => load.outside_on_replicas += on.unwrap_or(0) as u64,
                            Err(error) => {
                                eprintln!("read failed: {error}");
                                load.failed += 1;
                            }
                        }
                    }
                    round += 1;
                }
                load
            })
        })
        .collect()
}

async fn totals(tasks: Vec<tokio::task::JoinHandle<Load>>) -> Load {
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
    eprintln!(
        "reads of older rows on replicas: {:.1} % of {}",
        share * 100.0,
        sum.outside
    );
    assert!(
        share >= 0.9,
        "replicas served {:.1} % of the reads of older rows",
        share * 100.0
    );
    sum
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_replica_whose_replication_stops_leaves_rotation_and_returns_when_started() {
    let options = MySqlRwPoolOptions::new().replica_check_interval(Duration::from_millis(50));
    let Some((cluster, pool)) = cluster_and_pool("stopsql", options).await else {
        return;
    };
    let _teardown = Teardown(cluster.clone());
    wait_for("both replicas up", Duration::from_secs(10), || {
        pool.stats().replicas.iter().all(|r| r.healthy)
    })
    .await;
    node(&cluster, "replica1", "stop-sql");
    let took = wait_for("stopped replica out", Duration::from_secs(5), || {
        pool.stats().replicas[0].state == "stopped"
    })
    .await;
    eprintln!("STOP SLAVE SQL_THREAD: out of rotation after {took:?}");
    // Writes go on; reads go to the other replica (or the primary), none to the stopped one.
    let stop = Arc::new(AtomicBool::new(false));
    let load = read_load(&pool, &stop);
    let reads_before = pool.stats().replicas[0].reads;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(
        pool.stats().replicas[0].reads,
        reads_before,
        "no read on the stopped replica"
    );
    node(&cluster, "replica1", "start-sql");
    let took = wait_for("replica back", Duration::from_secs(10), || {
        pool.stats().replicas[0].healthy
    })
    .await;
    eprintln!("START SLAVE SQL_THREAD: back in rotation after {took:?}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    let sum = totals(load).await;
    assert_eq!((sum.failed, sum.stale), (0, 0), "of {} reads", sum.reads);
    assert!(
        pool.stats().replicas[0].reads > reads_before,
        "reads came back to it"
    );
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killing_a_replica_under_load_fails_no_read() {
    let options = MySqlRwPoolOptions::new().replica_check_interval(Duration::from_millis(50));
    let Some((cluster, pool)) = cluster_and_pool("kill", options).await else {
        return;
    };
    let _teardown = Teardown(cluster.clone());
    let stop = Arc::new(AtomicBool::new(false));
    let load = read_load(&pool, &stop);
    tokio::time::sleep(Duration::from_millis(500)).await;
    node(&cluster, "replica1", "kill");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let during = pool.stats();
    node(&cluster, "replica1", "start");
    let took = wait_for("killed replica back", Duration::from_secs(20), || {
        pool.stats().replicas[0].healthy
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    let sum = totals(load).await;
    eprintln!(
        "kill -9: {} reads, {} failed, {} stale, {} retried on the primary, back after {took:?}",
        sum.reads,
        sum.failed,
        sum.stale,
        pool.stats().read_retries
    );
    assert_eq!(during.replicas[0].state, "down", "{:?}", during.replicas);
    assert_eq!((sum.failed, sum.stale), (0, 0), "of {} reads", sum.reads);
    let after = pool.stats();
    assert!(
        after.replicas[0].reads > during.replicas[0].reads,
        "reads came back to it"
    );
    pool.close().await;
}

/// `Master_gtid_wait_count` summed over both replicas: how often MASTER_GTID_WAIT ran there.
async fn gtid_waits(cluster: &my::Cluster) -> i64 {
    use sqlx::{ConnectOptions, Connection};
    let mut sum = 0;
    for replica in ["replica1", "replica2"] {
        let mut conn = my::root(cluster, replica).connect().await.unwrap();
        let (_, count): (String, String) =
            sqlx::query_as("SHOW GLOBAL STATUS LIKE 'Master_gtid_wait_count'")
                .fetch_one(&mut conn)
                .await
                .unwrap();
        sum += count.parse::<i64>().unwrap();
        conn.close().await.unwrap();
    }
    sum
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_read_that_must_see_a_write_waits_on_the_replica_for_its_gtid() {
    // The monitor looks rarely: both replicas stay in rotation while they do not replay.
    let options = MySqlRwPoolOptions::new()
        .replica_check_interval(Duration::from_secs(3600))
        .replica_wait(Duration::from_secs(10));
    let Some((cluster, pool)) = cluster_and_pool("gtidwait", options).await else {
        return;
    };
    let _teardown = Teardown(cluster.clone());
    my::wait_caught_up(&cluster).await;
    let waits_before = gtid_waits(&cluster).await;
    node(&cluster, "replica1", "stop-sql");
    node(&cluster, "replica2", "stop-sql");
    sqlx::query("INSERT INTO t VALUES (1, 42)")
        .execute(&pool)
        .await
        .unwrap();
    let restart = {
        let cluster = cluster.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            node(&cluster, "replica1", "start-sql");
            node(&cluster, "replica2", "start-sql");
        })
    };
    let before = pool.stats();
    let v: Option<i64> = sqlx::query_scalar("SELECT v FROM t WHERE id = 1")
        .fetch_optional(&pool)
        .await
        .unwrap();
    restart.await.unwrap();
    let after = pool.stats();
    assert_eq!(v, Some(42), "the task's own write");
    let on_replicas: u64 = after.replicas.iter().map(|r| r.reads).sum::<u64>()
        - before.replicas.iter().map(|r| r.reads).sum::<u64>();
    assert_eq!(
        on_replicas, 1,
        "served by a replica once it applied the write"
    );
    assert_eq!(after.fresh_reads_on_writer, before.fresh_reads_on_writer);
    assert!(
        gtid_waits(&cluster).await > waits_before,
        "the replica waited with MASTER_GTID_WAIT"
    );
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_replica_that_trails_in_time_or_in_transactions_leaves_rotation() {
    // One pool bounds the delay (no transaction bound), another the transactions behind.
    let by_time = MySqlRwPoolOptions::new()
        .replica_check_interval(Duration::from_millis(50))
        .max_replica_delay(Duration::from_millis(300))
        .max_replica_lag(u64::MAX);
    let Some((cluster, pool)) = cluster_and_pool("delay", by_time).await else {
        return;
    };
    let _teardown = Teardown(cluster.clone());
    let by_count = cluster
        .replicas
        .iter()
        .fold(
            MySqlRwPoolOptions::new()
                .replica_check_interval(Duration::from_millis(50))
                .max_replica_delay(Duration::from_secs(3600))
                .max_replica_lag(10),
            |o, url| o.replica(url),
        )
        .connect(&cluster.primary)
        .await
        .unwrap();
    wait_for("both replicas up", Duration::from_secs(10), || {
        pool.stats().replicas.iter().all(|r| r.healthy)
            && by_count.stats().replicas.iter().all(|r| r.healthy)
    })
    .await;
    // replica1 applies every event 2 s after the primary wrote it; its threads keep running.
    node(&cluster, "replica1", "delay-2");
    let stop = Arc::new(AtomicBool::new(false));
    let load = read_load(&pool, &stop);
    let took = wait_for("delayed replica lagging", Duration::from_secs(5), || {
        pool.stats().replicas[0].state == "lagging"
    })
    .await;
    eprintln!("MASTER_DELAY=2: lagging (max_replica_delay 300 ms) after {took:?}");
    let lagging_reads = pool.stats().replicas[0].reads;
    // 30 writes through the other pool: more than 10 transactions behind.
    for id in 0..30i64 {
        sqlx::query("INSERT INTO t VALUES (?, 0)")
            .bind(-1 - id)
            .execute(&by_count)
            .await
            .unwrap();
    }
    // The other replica replays the same 30 writes at once, and may be more than 10 behind
    // for a check or two: the two states are read in one snapshot.
    let took = wait_for(
        "30 transactions behind: lagging, while the other replica keeps up",
        Duration::from_secs(5),
        || {
            let replicas = by_count.stats().replicas;
            replicas[0].state == "lagging" && replicas[1].healthy
        },
    )
    .await;
    eprintln!("30 transactions behind (max_replica_lag 10): lagging after {took:?}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        pool.stats().replicas[0].reads,
        lagging_reads,
        "no read reached the lagging replica"
    );
    node(&cluster, "replica1", "delay-0");
    let took = wait_for("caught up: back", Duration::from_secs(15), || {
        pool.stats().replicas[0].healthy && by_count.stats().replicas[0].healthy
    })
    .await;
    eprintln!("MASTER_DELAY=0: back in rotation after {took:?}");
    stop.store(true, Ordering::Relaxed);
    let sum = totals(load).await;
    assert_eq!((sum.failed, sum.stale), (0, 0), "of {} reads", sum.reads);
    by_count.close().await;
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writes_read_no_position_and_one_read_of_it_serves_every_write_before_it() {
    // The monitor looks rarely here: only reads learn positions.
    let options = MySqlRwPoolOptions::new()
        .replica_check_interval(Duration::from_secs(3600))
        .read_consistency(sqlx_rw::ReadConsistency::Task);
    let Some((cluster, pool)) = cluster_and_pool("positions", options).await else {
        return;
    };
    let _teardown = Teardown(cluster.clone());
    for id in 0..200i64 {
        sqlx::query("INSERT INTO t VALUES (?, ?)")
            .bind(id)
            .bind(id)
            .execute(&pool)
            .await
            .unwrap();
    }
    assert_eq!(pool.stats().position_reads, 0, "no write read a position");
    // The read after them learns it once, and sees the last write.
    let v: Option<i64> = sqlx::query_scalar("SELECT v FROM t WHERE id = 199")
        .fetch_optional(&pool)
        .await
        .unwrap();
    assert_eq!(v, Some(199));
    assert_eq!(pool.stats().position_reads, 1);
    for _ in 0..10 {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM t")
            .fetch_one(&pool)
            .await
            .unwrap();
    }
    assert_eq!(pool.stats().position_reads, 1, "known from then on");
    // 16 tasks write at once, then read: every read sees its task's write, with no more
    // position reads than reads, and fewer when reads queue behind one another's.
    let mut tasks = Vec::new();
    for task in 0..16i64 {
        let pool = pool.clone();
        tasks.push(tokio::spawn(async move {
            let mut stale = 0;
            for round in 0..50i64 {
                let id = 1000 + task * 100 + round;
                sqlx::query("INSERT INTO t VALUES (?, ?)")
                    .bind(id)
                    .bind(round)
                    .execute(&pool)
                    .await
                    .unwrap();
                let v: Option<i64> = sqlx::query_scalar("SELECT v FROM t WHERE id = ?")
                    .bind(id)
                    .fetch_optional(&pool)
                    .await
                    .unwrap();
                stale += u64::from(v != Some(round));
            }
            stale
        }));
    }
    let mut stale = 0;
    for task in tasks {
        stale += task.await.unwrap();
    }
    let stats = pool.stats();
    eprintln!(
        "16 tasks × 50 write-then-read: {stale} stale, {} position reads for 800 reads after a write",
        stats.position_reads - 1
    );
    assert_eq!(stale, 0);
    assert!(stats.position_reads - 1 <= 800);
    pool.close().await;
}
