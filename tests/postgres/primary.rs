//! Concurrency on the primary: raw `BEGIN`…`COMMIT` strings through the pool stay on one
//! primary connection per task, and row locks serialise read-modify-writes exactly.

use super::{pg, pool};
use sqlx::AssertSqlSafe;
use sqlx_rw::ReadConsistency;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_tasks_of_select_for_update_in_raw_transactions_lose_no_update() {
    let Some((_cluster, pool)) = pool(ReadConsistency::Task).await else {
        return;
    };
    let table = pg::unique("counter");
    sqlx::query(AssertSqlSafe(format!(
        "CREATE TABLE {table} (id int PRIMARY KEY, n bigint)"
    )))
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(AssertSqlSafe(format!(
        "INSERT INTO {table} VALUES (1, 0), (2, 0)"
    )))
    .execute(&pool)
    .await
    .unwrap();
    const TASKS: i64 = 16;
    const ROUNDS: i64 = 200;
    let mut tasks = Vec::new();
    for task in 0..TASKS {
        let (pool, table) = (pool.clone(), table.clone());
        tasks.push(tokio::spawn(async move {
            let me: String = format!("task-{task}");
            for _ in 0..ROUNDS {
                sqlx::query("BEGIN").execute(&pool).await.unwrap();
                // Session state of this transaction's connection: it must be ours throughout.
                sqlx::query("SELECT set_config('app.who', $1, true)")
                    .bind(&me)
                    .execute(&pool)
                    .await
                    .unwrap();
                let n: i64 = sqlx::query_scalar(AssertSqlSafe(format!(
                    "SELECT n FROM {table} WHERE id = 1 FOR UPDATE"
                )))
                .fetch_one(&pool)
                .await
                .unwrap();
                sqlx::query(AssertSqlSafe(format!(
                    "UPDATE {table} SET n = $1 WHERE id = 1"
                )))
                .bind(n + 1)
                .execute(&pool)
                .await
                .unwrap();
                let who: String = sqlx::query_scalar("SELECT current_setting('app.who')")
                    .fetch_one(&pool)
                    .await
                    .unwrap();
                assert_eq!(
                    who, me,
                    "another task's statement ran inside this transaction"
                );
                sqlx::query("COMMIT").execute(&pool).await.unwrap();
                // And without a raw transaction: an atomic update through the pool.
                sqlx::query(AssertSqlSafe(format!(
                    "UPDATE {table} SET n = n + 1 WHERE id = 2"
                )))
                .execute(&pool)
                .await
                .unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    // Read on the primary: the writes were other tasks', so a read from this one would not
    // wait for a replica to replay them (one CI run read 3,195 of 3,200 from a replica).
    let mut tx = pool.begin().await.unwrap();
    let counts: Vec<i64> =
        sqlx::query_scalar(AssertSqlSafe(format!("SELECT n FROM {table} ORDER BY id")))
            .fetch_all(&mut *tx)
            .await
            .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(counts, vec![TASKS * ROUNDS, TASKS * ROUNDS]);
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_pool_with_only_a_primary_works_like_a_pg_pool() {
    let Some(cluster) = pg::shared() else {
        return;
    };
    let pool = sqlx_rw::PgRwPool::connect(&cluster.primary).await.unwrap();
    let table = pg::unique("alone");
    sqlx::query(AssertSqlSafe(format!("CREATE TABLE {table} (id int)")))
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query(AssertSqlSafe(format!("INSERT INTO {table} VALUES (1)")))
        .execute(&pool)
        .await
        .unwrap();
    let in_recovery: bool = sqlx::query_scalar("SELECT pg_is_in_recovery()")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(!in_recovery, "no replica: reads run on the primary");
    let n: i64 = sqlx::query_scalar(AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 1);
    let mut tx = pool.begin().await.unwrap();
    sqlx::query(AssertSqlSafe(format!("INSERT INTO {table} VALUES (2)")))
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    let n: i64 = sqlx::query_scalar(AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 1);
    pool.close().await;
}
