//! The axum service of `axum_service.rs` written as the team that started sqlx-rw writes it:
//! SeaORM entities, `ActiveModel`s and transactions. Shared by `examples/sea_orm.rs` and
//! `tests/sea_orm/service.rs`; the HTTP load that drives it is `http_load.rs`.
//!
//! The handlers are generic over SeaORM's connection traits, so the same code runs on SeaORM's
//! own `DatabaseConnection` (a plain `SqlitePool` inside) and on `SqliteRwConnection`.

#![allow(dead_code)]

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, TransactionSession, TransactionTrait,
};

/// The same tables as the sqlx version of the service.
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

pub mod user {
    use sea_orm::entity::prelude::*;

    #[sea_orm::compact_model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub email: String,
        pub last_login: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod session {
    use sea_orm::entity::prelude::*;

    #[sea_orm::compact_model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sessions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub user_id: i64,
        pub token: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A database error as a 500, its message as the body (the load sorts 500s by it).
pub struct AppError(String);

impl From<DbErr> for AppError {
    fn from(error: DbErr) -> Self {
        AppError(error.to_string())
    }
}

impl From<sea_orm::TransactionError<DbErr>> for AppError {
    fn from(error: sea_orm::TransactionError<DbErr>) -> Self {
        AppError(error.to_string())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        (StatusCode::INTERNAL_SERVER_ERROR, self.0).into_response()
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// The service on `db`: SeaORM's `DatabaseConnection`, or `sqlx_rw`'s `RwConnection`.
pub fn app<C>(db: C) -> Router
where
    C: ConnectionTrait + TransactionTrait + Clone + Send + Sync + 'static,
{
    Router::new()
        .route("/signup/{email}", post(signup::<C>))
        .route("/signin/{email}", post(signin::<C>))
        .route("/profile/{id}", get(profile::<C>))
        .with_state(db)
}

/// A user and a first session, in `transaction(|txn| …)`.
async fn signup<C>(State(db): State<C>, Path(email): Path<String>) -> Result<String, AppError>
where
    C: ConnectionTrait + TransactionTrait + Clone + Send + Sync + 'static,
{
    let id = db
        .transaction::<_, i64, DbErr>(|txn| {
            Box::pin(async move {
                let user = user::ActiveModel {
                    email: Set(email.clone()),
                    last_login: Set(Some(now())),
                    ..Default::default()
                }
                .insert(txn)
                .await?;
                session::ActiveModel {
                    user_id: Set(user.id),
                    token: Set(format!("{email}-{}", now())),
                    ..Default::default()
                }
                .insert(txn)
                .await?;
                Ok(user.id)
            })
        })
        .await?;
    Ok(id.to_string())
}

/// Read the user, then update it and add a session, in `begin()` … `commit()`.
async fn signin<C>(State(db): State<C>, Path(email): Path<String>) -> Result<Response, AppError>
where
    C: ConnectionTrait + TransactionTrait + Clone + Send + Sync + 'static,
{
    let txn = db.begin().await?;
    let Some(found) = user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .one(&txn)
        .await?
    else {
        return Ok(StatusCode::NOT_FOUND.into_response());
    };
    let id = found.id;
    let mut seen: user::ActiveModel = found.into();
    seen.last_login = Set(Some(now()));
    seen.update(&txn).await?;
    session::ActiveModel {
        user_id: Set(id),
        token: Set(format!("{email}-{}", now())),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(id.to_string().into_response())
}

/// Two reads, outside any transaction.
async fn profile<C>(State(db): State<C>, Path(id): Path<i64>) -> Result<Response, AppError>
where
    C: ConnectionTrait + TransactionTrait + Clone + Send + Sync + 'static,
{
    let Some(found) = user::Entity::find_by_id(id).one(&db).await? else {
        return Ok(StatusCode::NOT_FOUND.into_response());
    };
    let sessions = session::Entity::find()
        .filter(session::Column::UserId.eq(id))
        .count(&db)
        .await?;
    Ok(format!(
        "{} {} {sessions}",
        found.email,
        found.last_login.unwrap_or(0)
    )
    .into_response())
}
