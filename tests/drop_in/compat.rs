//! Code written for a plain `SqlitePool` runs unchanged on `RwPool`: generic `Executor` and
//! `Acquire` functions, `migrate!`, `QueryBuilder`, `query!`/`query_as!` (checked against the
//! offline data in `.sqlx/`), `raw_sql`, and every fetch method.

use crate::common;

use futures_util::TryStreamExt;
use sqlx::sqlite::{SqlitePool, SqliteQueryResult};
use sqlx::{Acquire, Executor, QueryBuilder, Sqlite};

/// Application code written against a plain pool: generic over any executor.
async fn add_user<'e>(db: impl Executor<'e, Database = Sqlite>, name: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar("INSERT INTO users (name) VALUES (?) RETURNING id")
        .bind(name)
        .fetch_one(db)
        .await
}

async fn count_users<'e>(db: impl Executor<'e, Database = Sqlite>) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(db)
        .await
}

/// Application code that takes `impl Acquire` and runs a transaction, as sqlx's docs suggest.
async fn add_user_with_post<'a>(
    db: impl Acquire<'a, Database = Sqlite>,
    name: &str,
    title: &str,
) -> sqlx::Result<()> {
    let mut tx = db.begin().await?;
    let id = add_user(&mut *tx, name).await?;
    sqlx::query("INSERT INTO posts (user_id, title) VALUES (?, ?)")
        .bind(id)
        .bind(title)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

#[derive(sqlx::FromRow, Debug, PartialEq)]
struct User {
    id: i64,
    name: String,
    email: Option<String>,
}

async fn exercise<'a, E>(db: E) -> sqlx::Result<(i64, i64)>
where
    E: Executor<'a, Database = Sqlite> + Acquire<'a, Database = Sqlite> + Copy,
{
    sqlx::migrate!("tests/migrations").run(db).await?;
    add_user(db, "ada").await?;
    add_user_with_post(db, "grace", "compilers").await?;

    let mut builder: QueryBuilder<Sqlite> = QueryBuilder::new("INSERT INTO users (name, email) ");
    builder.push_values(["linus", "ken", "dennis"], |mut row, name| {
        row.push_bind(name).push_bind(format!("{name}@example.com"));
    });
    let inserted: SqliteQueryResult = builder.build().execute(db).await?;
    assert_eq!(inserted.rows_affected(), 3);

    let users: Vec<User> = sqlx::query_as("SELECT id, name, email FROM users ORDER BY id")
        .fetch_all(db)
        .await?;
    assert_eq!(
        users[0],
        User {
            id: 1,
            name: "ada".into(),
            email: None
        }
    );
    let streamed: Vec<User> = sqlx::query_as("SELECT id, name, email FROM users")
        .fetch(db)
        .try_collect()
        .await?;
    assert_eq!(streamed.len(), 5);
    let missing: Option<User> = sqlx::query_as("SELECT id, name, email FROM users WHERE id = 99")
        .fetch_optional(db)
        .await?;
    assert_eq!(missing, None);

    let batch =
        sqlx::raw_sql("UPDATE users SET email = 'x' WHERE id = 1; DELETE FROM users WHERE id = 5")
            .execute(db)
            .await?;
    assert_eq!(batch.rows_affected(), 2);

    let statement = db
        .prepare(sqlx::SqlSafeStr::into_sql_str(
            "SELECT name FROM users WHERE id = ?",
        ))
        .await?;
    assert_eq!(sqlx::Statement::columns(&statement).len(), 1);

    Ok((
        count_users(db).await?,
        sqlx::query_scalar("SELECT COUNT(*) FROM posts")
            .fetch_one(db)
            .await?,
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_code_runs_on_a_plain_pool_and_on_rwpool() {
    let dir = tempfile::tempdir().unwrap();
    let plain = SqlitePool::connect_with(
        sqlx::sqlite::SqliteConnectOptions::new()
            .filename(dir.path().join("plain.db"))
            .create_if_missing(true),
    )
    .await
    .unwrap();
    let on_plain = exercise(&plain).await.unwrap();

    let (_dir, pool) = common::file_pool().await;
    let on_rw = exercise(&pool).await.unwrap();
    assert_eq!(on_rw, on_plain);
    assert_eq!(on_rw, (4, 1));
    assert!(pool.stats().reader_statements > 0, "reads went to readers");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compile_time_checked_macros_run_on_rwpool() {
    let (_dir, pool) = common::file_pool().await;
    sqlx::migrate!("tests/migrations").run(&pool).await.unwrap();

    let id = sqlx::query!(
        "INSERT INTO users (name, email) VALUES (?, ?)",
        "ada",
        "ada@example.com"
    )
    .execute(&pool)
    .await
    .unwrap()
    .last_insert_rowid();
    let row = sqlx::query!("SELECT name, email FROM users WHERE id = ?", id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        (row.name.as_str(), row.email.as_deref()),
        ("ada", Some("ada@example.com"))
    );

    let user = sqlx::query_as!(User, "SELECT id, name, email FROM users WHERE id = ?", id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        user,
        User {
            id,
            name: "ada".into(),
            email: Some("ada@example.com".into())
        }
    );
    let count = sqlx::query_scalar!("SELECT COUNT(*) FROM users")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrations_are_recorded_and_not_rerun() {
    let (_dir, pool) = common::file_pool().await;
    sqlx::migrate!("tests/migrations").run(&pool).await.unwrap();
    sqlx::migrate!("tests/migrations").run(&pool).await.unwrap();
    let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(applied, 2);
}
