//! The scenario that fails on a plain `SqlitePool`: many tasks doing read-modify-write
//! transactions and inserts at once. On `RwPool` every operation succeeds and nothing is lost.

mod common;

use sqlx::Row;

const TASKS: u64 = 8;
const ROUNDS: u64 = 250;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_read_modify_write_loses_nothing_and_never_fails() {
    let (_dir, pool) = common::file_pool().await;
    sqlx::raw_sql(
        "CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);
         INSERT INTO counter VALUES (1, 0);
         CREATE TABLE events (id INTEGER PRIMARY KEY, task INTEGER NOT NULL);",
    )
    .execute(&pool)
    .await
    .unwrap();

    let mut handles = Vec::new();
    for task in 0..TASKS {
        let pool = pool.clone();
        handles.push(tokio::spawn(async move {
            let mut errors = Vec::new();
            for _ in 0..ROUNDS {
                // Read-modify-write: the read happens inside the transaction, so a lost update
                // would show as a final counter below the number of commits.
                let rmw = async {
                    let mut tx = pool.begin().await?;
                    let n: i64 = sqlx::query_scalar("SELECT n FROM counter WHERE id = 1")
                        .fetch_one(&mut *tx)
                        .await?;
                    sqlx::query("UPDATE counter SET n = ? WHERE id = 1")
                        .bind(n + 1)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await
                };
                if let Err(e) = rmw.await {
                    errors.push(e.to_string());
                }
                if let Err(e) = sqlx::query("INSERT INTO events (task) VALUES (?)")
                    .bind(task as i64)
                    .execute(&pool)
                    .await
                {
                    errors.push(e.to_string());
                }
                if let Err(e) = sqlx::query("SELECT COUNT(*) FROM events WHERE task = ?")
                    .bind(task as i64)
                    .fetch_one(&pool)
                    .await
                {
                    errors.push(e.to_string());
                }
            }
            errors
        }));
    }
    let mut errors = Vec::new();
    for handle in handles {
        errors.extend(handle.await.unwrap());
    }
    assert_eq!(errors, Vec::<String>::new(), "no operation may fail");

    let n: i64 = sqlx::query_scalar("SELECT n FROM counter WHERE id = 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        n as u64,
        TASKS * ROUNDS,
        "final counter == committed increments"
    );
    let rows = sqlx::query("SELECT COUNT(*) AS c FROM events")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        rows.get::<i64, _>("c") as u64,
        TASKS * ROUNDS,
        "row count == inserts"
    );

    let stats = pool.stats();
    assert_eq!(
        stats.reader_statements,
        TASKS * ROUNDS + 2,
        "reads ran on readers"
    );
}
