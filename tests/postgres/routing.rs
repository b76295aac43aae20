//! Where statements run: reads on replicas, writes and connection-bound calls on the primary,
//! a write that reaches a standby healed onto the primary, refusals that name the way out.

use sqlx::AssertSqlSafe;
use sqlx::Row;
use sqlx_rw::{ReadConsistency, RwErrorKind};

use super::{pg, pool, wait_caught_up};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reads_are_served_by_replicas_and_writes_by_the_primary() {
    let Some((_cluster, pool)) = pool(ReadConsistency::Eventual).await else {
        return;
    };
    let table = pg::unique("route");
    sqlx::query(AssertSqlSafe(format!(
        "CREATE TABLE {table} (id int PRIMARY KEY, v text)"
    )))
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(AssertSqlSafe(format!(
        "INSERT INTO {table} VALUES (1, 'a')"
    )))
    .execute(&pool)
    .await
    .unwrap();
    for _ in 0..200 {
        // Where a query ran: a standby is in recovery, the primary is not.
        let in_recovery: bool = sqlx::query_scalar("SELECT pg_is_in_recovery()")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert!(in_recovery, "a provable read ran on the primary");
    }
    let stats = pool.stats();
    assert_eq!(stats.replicas.len(), 2);
    assert!(
        stats.replicas.iter().all(|r| r.reads > 20),
        "both replicas share the reads: {:?}",
        stats.replicas
    );
    // A SELECT that calls a function a standby would accept but must not run there.
    let in_recovery: bool =
        sqlx::query_scalar("SELECT pg_is_in_recovery() FROM (SELECT pg_advisory_unlock_all()) s")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(!in_recovery, "advisory lock calls run on the primary");
    for (sql, target) in [
        (format!("SELECT v FROM {table}"), "reader"),
        (format!("SELECT v FROM {table} FOR UPDATE"), "writer"),
        ("SELECT pg_advisory_lock(1)".to_owned(), "writer"),
        ("SELECT nextval('s')".to_owned(), "writer"),
        (format!("UPDATE {table} SET v = 'b'"), "writer"),
    ] {
        let route = pool.route_of(&sql);
        assert_eq!(route.is_reader(), target == "reader", "{sql}: {route:?}");
    }
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_write_a_standby_refuses_runs_again_on_the_primary_once() {
    let Some((cluster, pool)) = pool(ReadConsistency::Task).await else {
        return;
    };
    let table = pg::unique("heal");
    sqlx::query(AssertSqlSafe(format!(
        "CREATE TABLE {table} (id serial PRIMARY KEY, v text)"
    )))
    .execute(&pool)
    .await
    .unwrap();
    // A function that writes, called from a SELECT: the router cannot see the write, the
    // standby refuses it with 25006 and nothing written.
    sqlx::query(AssertSqlSafe(format!(
        "CREATE FUNCTION {table}_add(t text) RETURNS int LANGUAGE sql AS \
         $$ INSERT INTO {table} (v) VALUES (t) RETURNING id $$"
    )))
    .execute(&pool)
    .await
    .unwrap();
    let call = format!("SELECT {table}_add($1)");
    wait_caught_up(&cluster).await;
    assert!(
        pool.route_of(&call).is_reader(),
        "an unknown function reads, by the text"
    );
    let id: i32 = sqlx::query_scalar(AssertSqlSafe(call.clone()))
        .bind("x")
        .fetch_one(&pool)
        .await
        .unwrap();
    let stats = pool.stats();
    assert_eq!(stats.healed, 1, "the refusal was healed once: {stats:?}");
    assert!(pool.route_of(&call).is_writer(), "remembered for next time");
    let again: i32 = sqlx::query_scalar(AssertSqlSafe(call.clone()))
        .bind("y")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        pool.stats().healed,
        1,
        "the second call went straight to the primary"
    );
    let rows: Vec<(i32, String)> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT id, v FROM {table} ORDER BY id"
    )))
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(rows, vec![(id, "x".to_owned()), (again, "y".to_owned())]);
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn connection_bound_statements_are_refused_with_the_alternative() {
    let Some((_cluster, pool)) = pool(ReadConsistency::Task).await else {
        return;
    };
    for (sql, hint) in [
        ("LISTEN jobs", "PgListener"),
        ("SET search_path TO DEFAULT", "PgConnectOptions::options"),
        ("RESET search_path", "PgConnectOptions::options"),
        ("SET ROLE postgres", "PgConnectOptions::options"),
        ("PREPARE p AS SELECT 1", "sqlx prepares"),
        ("DISCARD ALL", "plain connection"),
    ] {
        let error = sqlx::query(AssertSqlSafe(sql))
            .execute(&pool)
            .await
            .unwrap_err();
        let rw = error
            .as_database_error()
            .and_then(|e| e.try_downcast_ref::<sqlx_rw::RwPoolError>())
            .map(|e| e.kind());
        assert_eq!(rw, Some(RwErrorKind::Rejected), "{sql}: {error}");
        assert!(error.to_string().contains(hint), "{sql}: {error}");
    }
    // SET LOCAL inside a transaction through the pool is fine: it lasts for the transaction.
    sqlx::query("BEGIN").execute(&pool).await.unwrap();
    sqlx::query("SET LOCAL statement_timeout = 12345")
        .execute(&pool)
        .await
        .unwrap();
    let row = sqlx::query("SHOW statement_timeout")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(row.get::<String, _>(0), "12345ms");
    sqlx::query("COMMIT").execute(&pool).await.unwrap();
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_password_in_debug_stats_or_errors() {
    let Some(cluster) = pg::shared() else {
        return;
    };
    let secret = "sqlx-rw-test-secret";
    assert!(cluster.primary.contains(secret));
    let pool = sqlx_rw::PgRwPool::connect_with_replicas(
        &cluster.primary,
        &cluster
            .replicas
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    )
    .await
    .unwrap();
    let _ = sqlx::query("SELECT 1").execute(&pool).await.unwrap();
    let error = sqlx::query("SELECT * FROM no_such_table_here")
        .execute(&pool)
        .await
        .unwrap_err();
    let shown = format!("{pool:?} {:?} {error} {error:?}", pool.stats());
    assert!(!shown.contains(secret), "{shown}");
    assert!(pool
        .stats()
        .replicas
        .iter()
        .all(|r| r.name.starts_with("127.0.0.1:")));
    let bad = sqlx_rw::PgRwPoolOptions::new()
        .replica(&format!("postgres://u:{secret}@[bad"))
        .connect(&cluster.primary)
        .await
        .unwrap_err();
    assert!(!bad.to_string().contains(secret), "{bad}");
    // A replica that refuses the password: the error names no password either.
    let wrong = cluster.replicas[0].replace(secret, "wrong-password-here");
    let pool = sqlx_rw::PgRwPoolOptions::new()
        .replica(&wrong)
        .connect(&cluster.primary)
        .await
        .unwrap();
    let n: i32 = sqlx::query_scalar("SELECT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        n, 1,
        "a replica that cannot be reached does not fail the read"
    );
    let shown = format!("{pool:?} {:?}", pool.stats());
    assert!(!shown.contains("wrong-password-here") && !shown.contains(secret));
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_primary_url_that_reaches_a_standby_says_so_on_write() {
    let Some(cluster) = pg::shared() else {
        return;
    };
    // What a pool sees after a failover demoted the server its primary URL names.
    let pool = sqlx_rw::PgRwPool::connect(&cluster.replicas[0])
        .await
        .unwrap();
    let error = sqlx::query("CREATE TABLE never_made (id int)")
        .execute(&pool)
        .await
        .unwrap_err();
    let kind = error
        .as_database_error()
        .and_then(|e| e.try_downcast_ref::<sqlx_rw::RwPoolError>())
        .map(|e| e.kind());
    assert_eq!(kind, Some(RwErrorKind::WriterReadOnly), "{error}");
    assert!(error.to_string().contains("in recovery"), "{error}");
    let n: i32 = sqlx::query_scalar("SELECT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 1, "reads still work");
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_session_setting_reaches_every_primary_and_replica_connection() {
    let Some(cluster) = pg::shared() else {
        return;
    };
    let options = cluster
        .replicas
        .iter()
        .fold(sqlx_rw::PgRwPoolOptions::new(), |o, url| o.replica(url))
        .primary_connections(4)
        .readers(3);
    let pool = options.connect(&cluster.primary).await.unwrap();
    // Open several connections everywhere first: the setting must reach ones already open.
    let warm: Vec<_> = (0..12)
        .map(|_| {
            let pool = pool.clone();
            tokio::spawn(async move {
                let mut tx = pool.begin().await.unwrap();
                sqlx::query("SELECT pg_sleep(0.02)")
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
                sqlx::query("SELECT pg_sleep(0.02)")
                    .execute(&pool)
                    .await
                    .unwrap();
            })
        })
        .collect();
    for task in warm {
        task.await.unwrap();
    }
    sqlx::query("SET statement_timeout = '4321ms'")
        .execute(&pool)
        .await
        .unwrap();
    let checks: Vec<_> = (0..24)
        .map(|n| {
            let pool = pool.clone();
            tokio::spawn(async move {
                let mut seen = Vec::new();
                // On a replica (first: after its transaction below, this task's reads would
                // go to the primary until it has read where its writes are).
                let (v, in_recovery): (String, bool) = sqlx::query_as(
                    "SELECT current_setting('statement_timeout'), pg_is_in_recovery()",
                )
                .fetch_one(&pool)
                .await
                .unwrap();
                assert!(in_recovery, "task {n}: a read ran on the primary");
                seen.push(("replica", v));
                // On the primary: a writer statement, a transaction.
                let row = sqlx::query("SHOW statement_timeout")
                    .fetch_one(&pool)
                    .await
                    .unwrap();
                seen.push(("primary", row.get::<String, _>(0)));
                let mut tx = pool.begin().await.unwrap();
                let v: String = sqlx::query_scalar("SELECT current_setting('statement_timeout')")
                    .fetch_one(&mut *tx)
                    .await
                    .unwrap();
                seen.push(("transaction", v));
                drop(tx);
                seen
            })
        })
        .collect();
    for check in checks {
        for (where_, value) in check.await.unwrap() {
            assert_eq!(value, "4321ms", "on a {where_} connection");
        }
    }
    assert!(pool.stats().settings_spread >= 1);
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_raw_read_only_transaction_runs_on_one_replica_and_sees_the_tasks_writes() {
    let Some((_cluster, pool)) = pool(ReadConsistency::Task).await else {
        return;
    };
    let table = pg::unique("readonly");
    sqlx::query(AssertSqlSafe(format!(
        "CREATE TABLE {table} (id int PRIMARY KEY)"
    )))
    .execute(&pool)
    .await
    .unwrap();
    assert!(pool.route_of("BEGIN READ ONLY").is_reader());
    assert!(pool
        .route_of("START TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .is_reader());
    // A standby refuses SERIALIZABLE: those stay on the primary.
    assert!(pool
        .route_of("BEGIN ISOLATION LEVEL SERIALIZABLE, READ ONLY")
        .is_writer());
    for n in 0..50 {
        sqlx::query(AssertSqlSafe(format!("INSERT INTO {table} VALUES ($1)")))
            .bind(n)
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("BEGIN READ ONLY").execute(&pool).await.unwrap();
        // Every statement of it on the same replica connection, even one that would otherwise
        // run on the primary.
        let (first, in_recovery): (i32, bool) =
            sqlx::query_as("SELECT pg_backend_pid(), pg_is_in_recovery()")
                .fetch_one(&pool)
                .await
                .unwrap();
        assert!(in_recovery, "the read-only transaction runs on a replica");
        let seen: i64 = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT count(*) FROM {table} WHERE id = $1"
        )))
        .bind(n)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(seen, 1, "the task's own write, just made, is there");
        let second: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(first, second, "one connection for the whole transaction");
        if n % 10 == 0 {
            // A write inside fails as it would on a plain pool (25006), nothing written.
            let error = sqlx::query(AssertSqlSafe(format!("INSERT INTO {table} VALUES (-1)")))
                .execute(&pool)
                .await
                .unwrap_err();
            let code = error
                .as_database_error()
                .and_then(|e| e.code())
                .map(|c| c.into_owned());
            assert_eq!(code.as_deref(), Some("25006"), "{error}");
            sqlx::query("ROLLBACK").execute(&pool).await.unwrap();
        } else {
            sqlx::query("COMMIT").execute(&pool).await.unwrap();
        }
    }
    let rows: i64 = sqlx::query_scalar(AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
        .fetch_one(pool.writer())
        .await
        .unwrap();
    assert_eq!(rows, 50);
    assert_eq!(
        pool.stats().healed,
        0,
        "a write inside the transaction is not healed"
    );
    pool.close().await;
}
