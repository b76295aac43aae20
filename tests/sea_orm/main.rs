//! SeaORM 2 on `RwPool` through `sqlx_rw::sea_orm::RwConnection`: entities, relations,
//! pagination, streams, transactions (nested, read-only, refused commits), migrations, where
//! SeaORM's statements run, and the seed team's axum service under load.

#[path = "../common/mod.rs"]
mod common;

mod crud;
mod migrations;
mod postgres;
mod service;
mod transactions;

/// The HTTP load and the seed team's service on SeaORM, shared with `examples/sea_orm.rs`.
#[path = "../../examples/shared/http_load.rs"]
mod load;
#[path = "../../examples/shared/sea_orm_service.rs"]
mod seed;

use sqlx_rw::sea_orm::SqliteRwConnection;
use sqlx_rw::SqliteRwPool;
use tempfile::TempDir;

/// Users and their sessions: two tables with a relation.
pub mod user {
    use sea_orm::entity::prelude::*;

    #[sea_orm::compact_model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(unique)]
        pub email: String,
        pub logins: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(has_many = "super::session::Entity")]
        Session,
    }

    impl Related<super::session::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Session.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// A user's sessions.
pub mod session {
    use sea_orm::entity::prelude::*;

    #[sea_orm::compact_model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sessions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub user_id: i32,
        pub token: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "super::user::Entity",
            from = "Column::UserId",
            to = "super::user::Column::Id"
        )]
        User,
    }

    impl Related<super::user::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::User.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// The two tables, as a migration would make them. The session's user is checked at commit
/// (a deferred foreign key), so a transaction can be refused at COMMIT.
pub const SCHEMA: &str = "
    CREATE TABLE users (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        email TEXT NOT NULL UNIQUE,
        logins INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id INTEGER NOT NULL REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED,
        token TEXT NOT NULL
    );";

/// A fresh file pool with the schema, as SeaORM sees it; foreign keys enforced.
pub async fn db() -> (TempDir, SqliteRwPool, SqliteRwConnection) {
    let (dir, pool) =
        common::file_pool_with(sqlx_rw::SqliteRwPoolOptions::new().pragma("foreign_keys", "ON"))
            .await;
    sqlx::raw_sql(SCHEMA).execute(&pool).await.unwrap();
    let db = SqliteRwConnection::from(pool.clone());
    (dir, pool, db)
}
