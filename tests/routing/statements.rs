//! Statements the router must handle whatever they are: bad input of every kind, and TEMP
//! objects that exist on the writer only.

use sqlx_rw::RwErrorKind;

use crate::common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_an_error_and_the_pool_keeps_working() {
    let (_dir, pool) = common::file_pool().await;
    sqlx::query("CREATE TABLE t (x INTEGER)")
        .execute(&pool)
        .await
        .unwrap();
    let huge = format!("SELECT {}", vec!["1"; 500_000].join(" + ")); // 2 MB
    let deep = format!("SELECT {}1{}", "(".repeat(10_000), ")".repeat(10_000));
    let bad: Vec<String> = vec![
        "SELEC nope".into(),
        "INSERT INTO missing VALUES (1)".into(),
        "SELECT 1; SELEC 2".into(),
        "INSERT INTO t VALUES (1); INSERT INTO nowhere VALUES (2)".into(),
        "SELECT \0".into(),
        huge,
        deep,
    ];
    for sql in bad {
        let result = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.clone()))
            .execute(&pool)
            .await;
        // Some of these are valid to SQLite (the huge sum); none may panic or poison the pool.
        if let Err(e) = &result {
            assert!(!e.to_string().is_empty());
        }
        sqlx::query("INSERT INTO t VALUES (9)")
            .execute(&pool)
            .await
            .unwrap();
        let _: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(&pool)
            .await
            .unwrap();
    }
    // A wrong number of bound arguments is refused before it runs (SQLite would bind NULL to
    // a missing one, and sqlx would ignore an extra one).
    for (sql, args) in [
        ("INSERT INTO t VALUES (?)", 2),
        ("INSERT INTO t VALUES (?, ?)", 1),
    ] {
        let mut query = sqlx::query(sql);
        for i in 0..args {
            query = query.bind(i);
        }
        let err = query.execute(&pool).await.unwrap_err();
        assert!(matches!(err, sqlx::Error::InvalidArgument(_)), "{err}");
        assert!(err.to_string().contains("parameter"), "{err}");
    }
    // Empty and comment-only SQL is refused: there is nothing to run.
    for sql in ["", "   ", "-- only a comment", "/* nothing */ ;"] {
        let err = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&pool)
            .await
            .unwrap_err();
        assert_eq!(
            common::rw_kind(&err),
            Some(RwErrorKind::Rejected),
            "{sql:?}: {err}"
        );
    }
    // sqlx's own argument errors are passed through.
    let err = sqlx::query("SELECT * FROM t WHERE x = $v")
        .bind(1)
        .fetch_all(&pool)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("non-integer names"), "{err}");
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        rows,
        7 + 1,
        "7 follow-up inserts and the first half of the failed batch; none from refused statements"
    );
    assert!(pool.stats().parse_fallbacks >= 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn temp_tables_created_through_the_pool_are_used_on_the_writer() {
    let (_dir, pool) = common::file_pool().await;
    // Classified (and cached) before the temp table exists: a read for a reader.
    assert!(pool.route_of("SELECT x FROM scratch").is_reader());

    sqlx::query("CREATE TEMP TABLE scratch (x INTEGER)")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO scratch VALUES (5)")
        .execute(&pool)
        .await
        .unwrap();
    let x: i64 = sqlx::query_scalar("SELECT x FROM scratch")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(x, 5);
    assert_eq!(
        pool.route_of("SELECT x FROM scratch").reason(),
        sqlx_rw::Reason::TempObject
    );
    // Names that merely appear in strings do not count.
    assert!(pool.route_of("SELECT 'scratch'").is_reader());
}
