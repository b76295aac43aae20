//! A small axum service in the shape of the one that started sqlx-rw, on sqlx queries. Shared
//! by `examples/axum_service.rs` and `tests/axum_service.rs`; the HTTP load that drives it is
//! `http_load.rs`, and `sea_orm_service.rs` is the same service on SeaORM.
//!
//! The handlers are generic over the pool: the same code runs on a plain `SqlitePool` and on
//! `SqliteRwPool`, and nothing else changes between the two runs.
//!
//! - `POST /signup/{email}`: a transaction writes the user and a first session.
//! - `POST /signin/{email}`: a transaction reads the user, updates `last_login`, adds a
//!   session (read, then write: on a plain pool, SQLite's deferred `BEGIN` cannot always
//!   upgrade its read to a write, and fails at once with "database is locked").
//! - `GET /profile/{id}`: two reads, outside any transaction.

#![allow(dead_code)]

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use sqlx::{Acquire, Executor, Sqlite};

pub const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS users (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        email TEXT NOT NULL UNIQUE,
        last_login INTEGER
    );
    CREATE TABLE IF NOT EXISTS sessions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id INTEGER NOT NULL REFERENCES users (id),
        token TEXT NOT NULL
    );";

/// A database error as a 500, its message as the body (the load sorts 500s by it).
pub struct AppError(sqlx::Error);

impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        AppError(error)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        (StatusCode::INTERNAL_SERVER_ERROR, self.0.to_string()).into_response()
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// The service on `pool`: any pool whose `&P` is an sqlx executor and can begin.
pub fn app<P>(pool: P) -> Router
where
    P: Clone + Send + Sync + 'static,
    for<'a> &'a P: Executor<'a, Database = Sqlite> + Acquire<'a, Database = Sqlite>,
{
    Router::new()
        .route("/signup/{email}", post(signup::<P>))
        .route("/signin/{email}", post(signin::<P>))
        .route("/profile/{id}", get(profile::<P>))
        .with_state(pool)
}

async fn signup<P>(State(pool): State<P>, Path(email): Path<String>) -> Result<String, AppError>
where
    P: Clone + Send + Sync + 'static,
    for<'a> &'a P: Executor<'a, Database = Sqlite> + Acquire<'a, Database = Sqlite>,
{
    let mut tx = (&pool).begin().await?;
    let id: i64 =
        sqlx::query_scalar("INSERT INTO users (email, last_login) VALUES (?, ?) RETURNING id")
            .bind(&email)
            .bind(now())
            .fetch_one(&mut *tx)
            .await?;
    sqlx::query("INSERT INTO sessions (user_id, token) VALUES (?, ?)")
        .bind(id)
        .bind(format!("{email}-{}", now()))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id.to_string())
}

async fn signin<P>(State(pool): State<P>, Path(email): Path<String>) -> Result<Response, AppError>
where
    P: Clone + Send + Sync + 'static,
    for<'a> &'a P: Executor<'a, Database = Sqlite> + Acquire<'a, Database = Sqlite>,
{
    let mut tx = (&pool).begin().await?;
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = ?")
        .bind(&email)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(id) = id else {
        return Ok(StatusCode::NOT_FOUND.into_response());
    };
    sqlx::query("UPDATE users SET last_login = ? WHERE id = ?")
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO sessions (user_id, token) VALUES (?, ?)")
        .bind(id)
        .bind(format!("{email}-{}", now()))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id.to_string().into_response())
}

async fn profile<P>(State(pool): State<P>, Path(id): Path<i64>) -> Result<Response, AppError>
where
    P: Clone + Send + Sync + 'static,
    for<'a> &'a P: Executor<'a, Database = Sqlite> + Acquire<'a, Database = Sqlite>,
{
    let user: Option<(String, Option<i64>)> =
        sqlx::query_as("SELECT email, last_login FROM users WHERE id = ?")
            .bind(id)
            .fetch_optional(&pool)
            .await?;
    let Some((email, last_login)) = user else {
        return Ok(StatusCode::NOT_FOUND.into_response());
    };
    let sessions: i64 = sqlx::query_scalar("SELECT count(*) FROM sessions WHERE user_id = ?")
        .bind(id)
        .fetch_one(&pool)
        .await?;
    Ok(format!("{email} {} {sessions}", last_login.unwrap_or(0)).into_response())
}
