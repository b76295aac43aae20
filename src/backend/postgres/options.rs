//! The names PostgreSQL users write: the pool and its options as type aliases, as sqlx names
//! `PgPool` and `PgPoolOptions`. The replicas and the primary's pool size are set with the
//! setters every server backend shares (`backend/server.rs`).

use sqlx::Postgres;

use crate::{RwPool, RwPoolOptions};

/// `RwPool` for PostgreSQL: a primary and any number of streaming replicas.
pub type PgRwPool = RwPool<Postgres>;

/// `RwPoolOptions` for PostgreSQL, as `PgPoolOptions` is sqlx's `PoolOptions<Postgres>`.
pub type PgRwPoolOptions = RwPoolOptions<Postgres>;
