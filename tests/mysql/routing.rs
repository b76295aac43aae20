//! Where statements run on a primary and two replicas, and what the pool does with those it
//! must not run as sent.

use std::time::Duration;

use sqlx::{AssertSqlSafe, Connection, Executor};
use sqlx_rw::{MySqlRwPoolOptions, ReadConsistency, RwErrorKind, RwPoolError};

use super::{my, pool, pool_with, WHERE_AM_I};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_go_to_replicas_and_writes_to_the_primary() {
    let Some((cluster, pool, _)) = pool_with("route", ReadConsistency::Eventual).await else {
        return;
    };
    sqlx::query("CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, v INT)")
        .execute(&pool)
        .await
        .unwrap();
    for v in 0..20 {
        sqlx::query("INSERT INTO t (v) VALUES (?)")
            .bind(v)
            .execute(&pool)
            .await
            .unwrap();
    }
    my::wait_caught_up(&cluster).await;
    let before = pool.stats();
    let mut on_replica = 0;
    for _ in 0..200 {
        let here: i64 = sqlx::query_scalar(WHERE_AM_I)
            .fetch_one(&pool)
            .await
            .unwrap();
        on_replica += here;
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(n, 20);
    }
    let after = pool.stats();
    assert_eq!(on_replica, 200, "every read ran where read_only is on");
    assert_eq!(after.reader_statements - before.reader_statements, 400);
    let served: u64 = after.replicas.iter().map(|r| r.reads).sum::<u64>()
        - before.replicas.iter().map(|r| r.reads).sum::<u64>();
    assert_eq!(served, 400, "{:?}", after.replicas);
    assert!(
        after.replicas.iter().all(|r| r.reads >= 100),
        "both replicas take reads: {:?}",
        after.replicas
    );
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_a_replica_refuses_runs_again_on_the_primary() {
    let Some((cluster, pool, _)) = pool_with("heal", ReadConsistency::Eventual).await else {
        return;
    };
    pool.execute(sqlx::raw_sql(
        "CREATE TABLE log (id INT PRIMARY KEY AUTO_INCREMENT, note VARCHAR(20)); \
         CREATE FUNCTION note_it() RETURNS INT MODIFIES SQL DATA \
         BEGIN INSERT INTO log (note) VALUES ('called'); RETURN 1; END",
    ))
    .await
    .unwrap();
    my::wait_caught_up(&cluster).await;
    // A SELECT the router takes for a read: the replica refuses it (1290), nothing written.
    assert!(pool.route_of("SELECT note_it()").target() == sqlx_rw::Target::Reader);
    let done = sqlx::query("SELECT note_it()")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(done.rows_affected(), 0);
    assert_eq!(pool.stats().healed, 1);
    // Remembered: the next call goes to the primary at once.
    sqlx::query("SELECT note_it()")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(pool.stats().healed, 1);
    let mut primary = pool.acquire().await.unwrap();
    let notes: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM log")
        .fetch_one(&mut *primary)
        .await
        .unwrap();
    assert_eq!(notes, 2, "written once per call, on the primary");
    drop(primary);
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_bound_calls_and_locks_run_on_the_primary() {
    let Some((_cluster, pool, primary)) = pool_with("bound", ReadConsistency::Task).await else {
        return;
    };
    sqlx::query("CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, v INT)")
        .execute(&pool)
        .await
        .unwrap();
    for sql in [
        "SELECT LAST_INSERT_ID()",
        "SELECT FOUND_ROWS()",
        "SELECT ROW_COUNT()",
        "SELECT GET_LOCK('job', 0)",
        "SELECT IS_FREE_LOCK('job')",
        "SELECT RELEASE_LOCK('job')",
        "SELECT CONNECTION_ID()",
        "SELECT @x",
        "SELECT @@session.time_zone",
        "SELECT v FROM t WHERE id = 1 FOR UPDATE",
        "SELECT v FROM t WHERE id = 1 LOCK IN SHARE MODE",
        "SELECT v FROM t WHERE id = 1 FOR SHARE",
        "SELECT v INTO @v FROM t WHERE id = 1",
        "SELECT NEXT VALUE FOR s",
        "SELECT 'it\\'s', LAST_INSERT_ID()",
        "SELECT 1 /*! , GET_LOCK('x', 0) */",
        "-- kind: comment/executable-f-write\nSELECT 1 /*!, f_write() */",
    ] {
        assert_eq!(
            pool.route_of(sql).target(),
            sqlx_rw::Target::Writer,
            "{sql}"
        );
    }
    // A named lock taken through the pool is held on the primary: another session there sees
    // it taken. (On a replica it would lock only the replica.)
    let got: i64 = sqlx::query_scalar("SELECT GET_LOCK('sqlx_rw_job', 0)")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(got, 1);
    let mut other = sqlx::MySqlConnection::connect_with(&primary).await.unwrap();
    let free: i64 = sqlx::query_scalar("SELECT IS_FREE_LOCK('sqlx_rw_job')")
        .fetch_one(&mut other)
        .await
        .unwrap();
    assert_eq!(free, 0, "held on the primary");
    other.close().await.unwrap();
    // LAST_INSERT_ID() with the insert in one raw transaction: one pinned connection.
    sqlx::query("BEGIN").execute(&pool).await.unwrap();
    let done = sqlx::query("INSERT INTO t (v) VALUES (7)")
        .execute(&pool)
        .await
        .unwrap();
    let id: u64 = sqlx::query_scalar("SELECT LAST_INSERT_ID()")
        .fetch_one(&pool)
        .await
        .unwrap();
    sqlx::query("COMMIT").execute(&pool).await.unwrap();
    assert_eq!(id, done.last_insert_id());
    assert!(id > 0);
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_bound_settings_are_refused_with_the_way_out() {
    let Some((_cluster, pool, _)) = pool_with("refuse", ReadConsistency::Task).await else {
        return;
    };
    for (sql, names) in [
        ("SET @x = 1", "user variable"),
        ("SET NAMES latin1", "SET NAMES"),
        (
            "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE",
            "SET TRANSACTION",
        ),
        ("SET SESSION sql_mode = DEFAULT", "DEFAULT"),
        ("USE mysql", "qualify tables"),
        ("PREPARE s FROM 'SELECT 1'", "prepares and caches"),
    ] {
        let error = sqlx::query(AssertSqlSafe(sql))
            .execute(&pool)
            .await
            .unwrap_err();
        let rw = RwPoolError::of(&error).expect("the pool's own error");
        assert_eq!(rw.kind(), RwErrorKind::Rejected, "{sql}");
        assert!(error.to_string().contains(names), "{sql}: {error}");
    }
    assert_eq!(pool.stats().writer_statements, 0, "none of them ran");
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_settings_set_through_the_pool_reach_every_connection() {
    let options = MySqlRwPoolOptions::new()
        .read_consistency(ReadConsistency::Eventual)
        .primary_connections(3)
        .readers(2)
        .min_connections(2);
    let Some((_cluster, pool, _)) = pool("tz", options).await else {
        return;
    };
    // UNIX_TIMESTAMP of a local time depends on the session's time zone: a plain read.
    let local = "SELECT UNIX_TIMESTAMP('2020-01-01 00:00:00')";
    let utc: i64 = 1_577_836_800;
    sqlx::query("SET time_zone = '+00:00'")
        .execute(&pool)
        .await
        .unwrap();
    let seen: i64 = sqlx::query_scalar(local).fetch_one(&pool).await.unwrap();
    assert_eq!(seen, utc);
    sqlx::query("SET time_zone = '+05:00'")
        .execute(&pool)
        .await
        .unwrap();
    for _ in 0..20 {
        let seen: i64 = sqlx::query_scalar(local).fetch_one(&pool).await.unwrap();
        assert_eq!(seen, utc - 5 * 3600, "every replica connection has it");
        let mut conn = pool.acquire().await.unwrap();
        let seen: i64 = sqlx::query_scalar(local)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert_eq!(seen, utc - 5 * 3600, "every primary connection has it");
    }
    // A variable sqlx's connect options cannot carry: set on each connection as it opens.
    let third = "SELECT CAST(1 / 3 AS CHAR)";
    let before: String = sqlx::query_scalar(third).fetch_one(&pool).await.unwrap();
    assert_eq!(before, "0.3333");
    sqlx::query("SET SESSION div_precision_increment = 2")
        .execute(&pool)
        .await
        .unwrap();
    let mut held = Vec::new();
    for _ in 0..3 {
        // Held, so each acquire is another of the 3 primary connections.
        let mut conn = pool.acquire().await.unwrap();
        let seen: String = sqlx::query_scalar(third)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert_eq!(seen, "0.33", "every primary connection has it");
        held.push(conn);
    }
    drop(held);
    // The replicas' pools were replaced: every connection they open has it.
    let mut readers = Vec::new();
    for _ in 0..4 {
        readers.push(pool.acquire_read().await.unwrap());
    }
    for conn in &mut readers {
        let seen: String = sqlx::query_scalar(third)
            .fetch_one(&mut **conn)
            .await
            .unwrap();
        assert_eq!(seen, "0.33", "every replica connection has it");
    }
    drop(readers);
    for _ in 0..20 {
        let seen: String = sqlx::query_scalar(third).fetch_one(&pool).await.unwrap();
        assert_eq!(seen, "0.33");
    }
    assert!(pool.stats().settings_spread >= 2);
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transactions_run_on_the_primary_and_read_only_ones_on_a_replica() {
    let Some((cluster, pool, _)) = pool_with("txn", ReadConsistency::Task).await else {
        return;
    };
    sqlx::query("CREATE TABLE t (id INT PRIMARY KEY, v INT)")
        .execute(&pool)
        .await
        .unwrap();
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("INSERT INTO t VALUES (1, 1)")
        .execute(&mut *tx)
        .await
        .unwrap();
    let here: i64 = sqlx::query_scalar(WHERE_AM_I)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(here, 0, "begin(): the primary");
    tx.commit().await.unwrap();
    my::wait_caught_up(&cluster).await;
    // Another task (this one committed on a connection it was handed: its reads settle on
    // the primary first, as read-your-writes wants).
    tokio::spawn({
        let pool = pool.clone();
        async move {
            // START TRANSACTION READ ONLY through the pool: a replica, pinned to the task.
            sqlx::query("START TRANSACTION READ ONLY")
                .execute(&pool)
                .await
                .unwrap();
            let here: i64 = sqlx::query_scalar(WHERE_AM_I)
                .fetch_one(&pool)
                .await
                .unwrap();
            assert_eq!(here, 1, "a read-only transaction runs on a replica");
            let refused = sqlx::query("INSERT INTO t VALUES (2, 2)")
                .execute(&pool)
                .await;
            assert!(refused.is_err(), "a write inside fails, as on the primary");
            sqlx::query("ROLLBACK").execute(&pool).await.unwrap();
            // begin_read(): the same, typed.
            let mut read = pool.begin_read().await.unwrap();
            let here: i64 = sqlx::query_scalar(WHERE_AM_I)
                .fetch_one(&mut *read)
                .await
                .unwrap();
            assert_eq!(here, 1);
            let v: i64 = sqlx::query_scalar("SELECT v FROM t WHERE id = 1")
                .fetch_one(&mut *read)
                .await
                .unwrap();
            assert_eq!(v, 1);
            read.commit().await.unwrap();
        }
    })
    .await
    .unwrap();
    // Raw START TRANSACTION: the primary, pinned until COMMIT.
    sqlx::query("START TRANSACTION")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE t SET v = 5 WHERE id = 1")
        .execute(&pool)
        .await
        .unwrap();
    let v: i64 = sqlx::query_scalar("SELECT v FROM t WHERE id = 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(v, 5, "the transaction's own write, on its connection");
    sqlx::query("ROLLBACK").execute(&pool).await.unwrap();
    let v: i64 = sqlx::query_scalar("SELECT v FROM t WHERE id = 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(v, 1, "rolled back");
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_password_in_errors_debug_or_stats() {
    let Some(cluster) = my::shared() else {
        return;
    };
    let secret = "sqlx-rw-test-secret";
    let bad = MySqlRwPoolOptions::new()
        .replica("mysql://sqlx_rw:sqlx-rw-test-secret@127.0.0.1:notaport/sqlx_rw")
        .connect(&cluster.primary)
        .await
        .unwrap_err();
    assert!(!format!("{bad} {bad:?}").contains(secret), "{bad}");
    let pool = cluster
        .replicas
        .iter()
        .fold(MySqlRwPoolOptions::new(), |o, url| o.replica(url))
        .replica_check_interval(Duration::from_millis(50))
        .connect(&cluster.primary)
        .await
        .unwrap();
    let shown = format!("{pool:?} {:?}", pool.stats());
    assert!(!shown.contains(secret), "{shown}");
    assert!(
        shown.contains("127.0.0.1:"),
        "replicas named by host and port: {shown}"
    );
    // A wrong password on a replica: it leaves rotation, and reads go on.
    let wrong = cluster.replicas[0].replace(secret, "wrong-password");
    let pool = MySqlRwPoolOptions::new()
        .replica(&wrong)
        .read_consistency(ReadConsistency::Eventual)
        .connect(&cluster.primary)
        .await
        .unwrap();
    let one: i64 = sqlx::query_scalar("SELECT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(one, 1);
    let shown = format!("{pool:?} {:?}", pool.stats());
    assert!(!shown.contains("wrong-password"), "{shown}");
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_primary_url_that_reaches_a_read_only_server_says_so_on_write() {
    let Some(cluster) = my::shared() else {
        return;
    };
    // What a pool sees after a failover fenced off the server its primary URL names.
    let pool = sqlx_rw::MySqlRwPool::connect(&cluster.replicas[0])
        .await
        .unwrap();
    let error = sqlx::query("CREATE TABLE never_made (id INT)")
        .execute(&pool)
        .await
        .unwrap_err();
    let kind = RwPoolError::of(&error).map(|e| e.kind());
    assert_eq!(kind, Some(RwErrorKind::WriterReadOnly), "{error}");
    assert!(error.to_string().contains("read_only"), "{error}");
    let n: i64 = sqlx::query_scalar("SELECT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 1, "reads still work");
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_that_takes_writes_is_taken_for_promoted_and_out_of_rotation() {
    let Some(cluster) = my::shared() else {
        return;
    };
    // Given the primary itself as a replica: read_only is off there.
    let pool = MySqlRwPoolOptions::new()
        .replica(&cluster.primary)
        .replica(&cluster.replicas[1])
        .read_consistency(ReadConsistency::Eventual)
        .replica_check_interval(Duration::from_millis(50))
        .connect(&cluster.primary)
        .await
        .unwrap();
    let started = std::time::Instant::now();
    while pool.stats().replicas[0].state != "promoted" {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            pool.stats().replicas
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(pool.stats().replicas[1].healthy);
    let before = pool.stats().replicas[0].reads;
    for _ in 0..50 {
        let here: i64 = sqlx::query_scalar(WHERE_AM_I)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(here, 1, "read on the real replica");
    }
    assert_eq!(
        pool.stats().replicas[0].reads,
        before,
        "none on the promoted one"
    );
    pool.close().await;
}
